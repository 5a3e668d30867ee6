import type { CommandContext, CommandSpec, ParsedOptions } from "../../command-spec.ts";
import { savedClient, teamOption } from "./shared.ts";

export const revokeInviteCommand: CommandSpec = {
  group: "teams",
  name: "revoke-invite",
  description: "Revoke a pending invitation by id, or every pending one for an email",
  usage: "teams revoke-invite <id|email> [--team <name>]",
  options: [teamOption],
  args: [{ name: "invitation" }],
  examples: ["  $ lattice teams revoke-invite --team Atlas carol@example.com", "  $ lattice teams revoke-invite 0f8e2c1a-5d4b-4c3e-9a7f-2b6d1e0c9a84"],
  run: revokeInvite,
};

async function revokeInvite(options: ParsedOptions, context: CommandContext): Promise<void> {
  const invitation = options.invitation as string;
  const { revoked } = await (await savedClient(options)).revokeInvitation(invitation);
  if (context.json) context.out(JSON.stringify({ revoked }) + "\n");
  else context.out(`Revoked ${revoked} pending invitation${revoked === 1 ? "" : "s"} (${invitation}).\n`);
}
