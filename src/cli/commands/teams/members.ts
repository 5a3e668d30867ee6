import type { CommandContext, CommandSpec, ParsedOptions } from "../../command-spec.ts";
import { formatDate, formatTable } from "../../output.ts";
import { savedClient, teamOption } from "./shared.ts";

export const membersCommand: CommandSpec = {
  group: "teams",
  name: "members",
  description: "List the team's members with their roles",
  usage: "teams members [--team <name>] [--json]",
  options: [teamOption],
  examples: ["  $ lattice teams members --team Atlas", "  $ lattice teams members --json"],
  run: listMembers,
};

async function listMembers(options: ParsedOptions, context: CommandContext): Promise<void> {
  const members = await (await savedClient(options)).members();
  if (context.json) {
    context.out(JSON.stringify(members) + "\n");
    return;
  }
  const rows = members.map((m) => [m.displayName, m.email, m.role, formatDate(m.joinedAt), formatDate(m.lastSeenAt)]);
  context.out(formatTable(["NAME", "EMAIL", "ROLE", "JOINED", "LAST SEEN"], rows));
}
