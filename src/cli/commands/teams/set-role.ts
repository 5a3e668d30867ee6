import { requireOptions, type CommandContext, type CommandSpec, type ParsedOptions } from "../../command-spec.ts";
import type { MemberRole } from "../../../lattice/teams/client.ts";
import { withArticle } from "../../output.ts";
import { savedClient, teamOption } from "./shared.ts";

export const setRoleCommand: CommandSpec = {
  group: "teams",
  name: "set-role",
  description: "Change a member's role: owner, admin or member (owners only)",
  usage: "teams set-role --email <email> --role owner|admin|member [--team <name>]",
  options: [teamOption, { flag: "--email <email>", description: "The member" }, { flag: "--role <role>", description: "owner, admin or member" }],
  examples: ["  $ lattice teams set-role --team Atlas --email bob@example.com --role admin"],
  run: setRole,
};

async function setRole(options: ParsedOptions, context: CommandContext): Promise<void> {
  requireOptions(options, ["email", "role"], context.commandLine);
  const client = await savedClient(options);
  const result = await client.setRole(options.email as string, options.role as MemberRole);
  if (context.json) context.out(JSON.stringify(result) + "\n");
  else context.out(`${result.email} is now ${withArticle(result.role)} of team ${JSON.stringify(client.connection?.teamName ?? "")}.\n`);
}
