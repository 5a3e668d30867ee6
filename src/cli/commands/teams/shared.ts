import { UsageError, type OptionSpec, type ParsedOptions } from "../../command-spec.ts";

export const teamOption: OptionSpec = { flag: "--team <name>", description: "Saved team (label or name); optional when only one is saved" };

/** The saved connection the command acts on; the client module is loaded only when a command runs. */
export async function savedClient(options: ParsedOptions) {
  const { TeamsClient } = await import("../../../lattice/teams/client.ts");
  return TeamsClient.fromSaved(options.team as string | undefined);
}

/** --email and --name default to identity.json, so "who you are" is typed once per machine. */
export async function withIdentityDefaults(options: ParsedOptions): Promise<ParsedOptions> {
  if (typeof options.email === "string" && typeof options.name === "string") return options;
  const { readIdentity } = await import("../../../lattice/home/identity.ts");
  const identity = readIdentity();
  return { ...options, email: options.email ?? identity?.email, name: options.name ?? identity?.displayName };
}

/** The --cloud URL, normalised; a malformed one is a usage error (exit 2), before any request. */
export async function cloudOption(value: unknown): Promise<string> {
  const { normalizeCloudUrl } = await import("../../../lattice/teams/trpc-client.ts");
  try {
    return normalizeCloudUrl(value as string);
  } catch (error) {
    throw new UsageError(`invalid --cloud: ${(error as Error).message}`);
  }
}
