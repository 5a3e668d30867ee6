import type { CommandContext, CommandSpec, ParsedOptions } from "../../command-spec.ts";
import { savedClient, teamOption } from "./shared.ts";

export const leaveCommand: CommandSpec = {
  group: "teams",
  name: "leave",
  description: "Leave the team, then delete its connection and token from this machine",
  usage: "teams leave [--team <name>]",
  options: [teamOption],
  examples: ["  $ lattice teams leave --team Atlas"],
  run: leave,
};

async function leave(options: ParsedOptions, context: CommandContext): Promise<void> {
  const result = await (await savedClient(options)).leave();
  if (context.json) context.out(JSON.stringify(result) + "\n");
  else context.out(`Left team ${JSON.stringify(result.team.name)}. Local connection removed.\n`);
}
