// The local project a data, secrets or files command works on: its lattice.config.yml, opened
// as a Lattice with the framework entities, and always closed again (a Postgres pool would
// otherwise keep the process alive).
import fs from "node:fs";
import path from "node:path";
import type { Lattice } from "../../../lattice/db/lattice.ts";
import type { NativeEntities } from "../../../lattice/framework/native-entities.ts";
import type { OptionSpec, ParsedOptions } from "../../command-spec.ts";

export const CONFIG_FILE = "lattice.config.yml";

export const configOption: OptionSpec = {
  flag: "--config <path>",
  description: `The project's config (default: ${CONFIG_FILE} in this folder or the nearest folder above)`,
};

export type ProjectLattice = Lattice<NativeEntities & Record<string, Record<string, unknown>>>;

/**
 * The config to open: --config as given, else the nearest lattice.config.yml from here upwards,
 * as git finds its repository, so a command works from any folder inside the project.
 */
export function findConfig(options: ParsedOptions, cwd = process.cwd()): string {
  if (typeof options.config === "string") return options.config;
  for (let dir = cwd; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, CONFIG_FILE);
    if (fs.existsSync(candidate)) return path.relative(cwd, candidate) || CONFIG_FILE;
    if (path.dirname(dir) === dir) break;
  }
  throw new Error(`no ${CONFIG_FILE} in this folder or any folder above it: run lattice init to create one, or pass --config <path>`);
}

/** Opens the project (framework entities included), runs `fn`, and closes it however `fn` ends. */
export async function withProject<T>(options: ParsedOptions, fn: (db: ProjectLattice) => Promise<T>): Promise<T> {
  const configFile = findConfig(options);
  const { Lattice } = await import("../../../lattice/db/lattice.ts");
  const { registerNativeEntities } = await import("../../../lattice/framework/native-entities.ts");
  const db = registerNativeEntities(new Lattice(configFile)) as ProjectLattice;
  try {
    await db.init();
    return await fn(db);
  } finally {
    await db.close();
  }
}
