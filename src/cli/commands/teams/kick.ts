import { requireOptions, type CommandContext, type CommandSpec, type ParsedOptions } from "../../command-spec.ts";
import { savedClient, teamOption } from "./shared.ts";

export const kickCommand: CommandSpec = {
  group: "teams",
  name: "kick",
  description: "Remove a member from the team (owners and admins); their tokens stop working",
  usage: "teams kick --email <email> [--team <name>]",
  options: [teamOption, { flag: "--email <email>", description: "The member to remove" }],
  examples: ["  $ lattice teams kick --team Atlas --email bob@example.com"],
  run: kick,
};

async function kick(options: ParsedOptions, context: CommandContext): Promise<void> {
  requireOptions(options, ["email"], context.commandLine);
  const result = await (await savedClient(options)).kick(options.email as string);
  if (context.json) context.out(JSON.stringify(result) + "\n");
  else context.out(`Removed ${result.email} from team ${JSON.stringify(result.team.name)}.\n`);
}
