import type { OptionSpec, ParsedOptions } from "../../command-spec.ts";

export const teamOption: OptionSpec = { flag: "--team <name>", description: "Saved team (label or name); optional when only one is saved" };

/** The saved connection the command acts on; the client module is loaded only when a command runs. */
export async function savedClient(options: ParsedOptions) {
  const { TeamsClient } = await import("../../../lattice/teams/client.ts");
  return TeamsClient.fromSaved(options.team as string | undefined);
}
