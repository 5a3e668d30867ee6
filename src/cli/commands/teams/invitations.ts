import type { CommandContext, CommandSpec, ParsedOptions } from "../../command-spec.ts";
import { formatDate, formatTable } from "../../output.ts";
import { savedClient, teamOption } from "./shared.ts";

export const invitationsCommand: CommandSpec = {
  group: "teams",
  name: "invitations",
  description: "List pending invitations (owners and admins)",
  usage: "teams invitations [--team <name>] [--all] [--json]",
  options: [teamOption, { flag: "--all", description: "Include redeemed, expired and revoked invitations" }],
  examples: ["  $ lattice teams invitations --team Atlas", "  $ lattice teams invitations --all"],
  run: listInvitations,
};

async function listInvitations(options: ParsedOptions, context: CommandContext): Promise<void> {
  const invitations = await (await savedClient(options)).invitations({ all: options.all === true });
  if (context.json) {
    context.out(JSON.stringify(invitations) + "\n");
    return;
  }
  if (invitations.length === 0) {
    context.out(options.all ? "No invitations.\n" : "No pending invitations.\n");
    return;
  }
  const rows = invitations.map((i) => [i.id, i.inviteeEmail, i.role, i.status, formatDate(i.expiresAt), i.invitedBy ?? "-"]);
  context.out(formatTable(["ID", "EMAIL", "ROLE", "STATUS", "EXPIRES", "INVITED BY"], rows));
}
