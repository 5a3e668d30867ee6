import type { CommandContext, CommandSpec, ParsedOptions } from "../../command-spec.ts";
import { teamOption } from "./shared.ts";

export const forgetCommand: CommandSpec = {
  group: "teams",
  name: "forget",
  description: "Delete a saved connection and its token from this machine only (after a kick or destroy); the server is not asked",
  usage: "teams forget [--team <name>]",
  options: [teamOption],
  examples: ["  $ lattice teams forget --team Atlas"],
  run: forget,
};

async function forget(options: ParsedOptions, context: CommandContext): Promise<void> {
  const { TeamsClient } = await import("../../../lattice/teams/client.ts");
  const result = TeamsClient.forgetSaved(options.team as string | undefined);
  if (context.json) context.out(JSON.stringify(result) + "\n");
  else context.out(`Forgot team ${JSON.stringify(result.teamName)} (${result.cloud}) on this machine: its connection and token file are removed. The server was not contacted.\n`);
}
