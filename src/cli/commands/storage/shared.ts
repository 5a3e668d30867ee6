import { UsageError, type OptionSpec, type ParsedOptions } from "../../command-spec.ts";

export type Surface = "kv" | "static";

export const serverOption: OptionSpec = {
  flag: "--server <url>",
  description: "Server URL; with LATTICE_STORAGE_TOKEN this works without a saved login (CI)",
};

/** A client for commands that only an operator may run (buckets, bindings, tokens): the saved login. */
export async function operatorClient(options: ParsedOptions) {
  const { StorageClient } = await import("../../../lattice/storage/client.ts");
  return StorageClient.fromSaved(options.team as string | undefined);
}

/** A client for bucket contents: LATTICE_STORAGE_TOKEN (+ --server) when set, else the saved login. */
export async function contentClient(options: ParsedOptions) {
  const { StorageClient } = await import("../../../lattice/storage/client.ts");
  const { LatticeClientError } = await import("../../../lattice/teams/errors.ts");
  try {
    return StorageClient.resolve({ team: options.team as string | undefined, server: options.server as string | undefined });
  } catch (error) {
    if (error instanceof LatticeClientError && error.code === "INVALID_URL") throw new UsageError(`invalid --server: ${error.message}`);
    throw error;
  }
}

export function parseSurface(value: unknown, flag = "--surface"): Surface {
  if (value === "kv" || value === "static") return value;
  throw new UsageError(`${flag} must be kv or static`);
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** "3600", "90s", "30m", "12h", "7d" → seconds. */
export function parseDuration(value: string, flag: string): number {
  const match = /^(\d+)([smhd]?)$/.exec(value.trim());
  const seconds = match ? Number(match[1]) * UNIT_SECONDS[match[2] || "s"]! : NaN;
  if (!Number.isSafeInteger(seconds) || seconds <= 0) throw new UsageError(`${flag} must be a number of seconds or a duration such as 90s, 30m, 12h, 7d`);
  return seconds;
}

/** `"site"`, `"a", "b"`: bucket names as the messages quote them. */
export function quoteList(names: readonly string[]): string {
  return names.map((n) => JSON.stringify(n)).join(", ");
}

export function shortId(id: string | null | undefined): string {
  return id ? id.slice(0, 8) : "none";
}
