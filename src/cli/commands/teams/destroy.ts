import type { Readable, Writable } from "node:stream";
import type { CommandContext, CommandSpec, ParsedOptions } from "../../command-spec.ts";
import { savedClient, teamOption } from "./shared.ts";

export const destroyCommand: CommandSpec = {
  group: "teams",
  name: "destroy",
  description: "Delete the team and all its data on the server (owners only), then its local connection",
  usage: "teams destroy [--team <name>] [--yes]",
  options: [teamOption, { flag: "--yes", description: "Do not ask: confirm with the saved team name (needed when stdin is not a terminal)" }],
  examples: ["  $ lattice teams destroy --team Atlas", "  $ lattice teams destroy --team Atlas --yes"],
  run: destroy,
};

/**
 * Asks for the team name on a terminal and returns what was typed. Off a terminal there is nobody
 * to ask, so it refuses rather than guess.
 */
export async function askTeamName(
  teamName: string,
  io: { input: Readable & { isTTY?: boolean }; output: Writable } = { input: process.stdin, output: process.stdout },
): Promise<string> {
  if (!io.input.isTTY) {
    throw new Error(`refusing to destroy team "${teamName}" without confirmation: stdin is not a terminal — pass --yes`);
  }
  const readline = await import("node:readline/promises");
  const prompt = readline.createInterface({ input: io.input, output: io.output, terminal: false });
  try {
    return (await prompt.question("Type the team name to confirm: ")).trim();
  } finally {
    prompt.close();
  }
}

async function destroy(options: ParsedOptions, context: CommandContext): Promise<void> {
  const client = await savedClient(options);
  const teamName = client.connection!.teamName;
  const confirm = options.yes === true ? teamName : await askTeamName(teamName);
  if (confirm !== teamName) throw new Error(`"${confirm}" is not the team's name; nothing was destroyed`);
  const result = await client.destroy(confirm);
  if (context.json) context.out(JSON.stringify(result) + "\n");
  else context.out(`Destroyed team ${JSON.stringify(result.team.name)}. Local connection removed.\n`);
}
