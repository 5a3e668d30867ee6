import type { CommandContext, CommandSpec, ParsedOptions } from "../../command-spec.ts";
import { CONFIG_FILE } from "../data/project.ts";

/** What `lattice init` writes: a working project with one example entity to try the data commands on. */
export const STARTER_CONFIG = `# A Lattice project: where its data lives and which entities (tables) it has.
# The format (column types, defaults, primary keys, Postgres) is in docs/library.md
# of the latticesql package.
database: ./data/lattice.db   # or postgres://user@host/db, or \${LATTICE_DB:<label>}
entities:
  tasks:
    columns:
      id: { type: text, primaryKey: true }
      title: text
      status: { type: text, default: todo }
      points: { type: integer, default: 0 }
`;

export const initCommand: CommandSpec = {
  group: "init",
  name: "",
  description: "Start a local project: lattice.config.yml with an example entity (tasks), and a data folder",
  usage: "init [dir]",
  options: [],
  args: [{ name: "dir", optional: true }],
  examples: ["  $ lattice init", "  $ lattice init my-project"],
  run: initProject,
};

async function initProject(options: ParsedOptions, context: CommandContext): Promise<void> {
  const fs = await import("node:fs");
  const path = await import("node:path");
  const dir = path.resolve((options.dir as string | undefined) ?? ".");
  const shown = (file: string) => path.relative(process.cwd(), file) || ".";
  const configFile = path.join(dir, CONFIG_FILE);
  const dataDir = path.join(dir, "data");

  if (fs.existsSync(configFile)) throw new Error(`${shown(configFile)} already exists; nothing was changed (edit it, or delete it to start over)`);
  if (fs.existsSync(dataDir) && !fs.statSync(dataDir).isDirectory()) throw new Error(`${shown(dataDir)} exists and is not a folder; nothing was changed`);
  const dataDirExisted = fs.existsSync(dataDir);
  fs.mkdirSync(dataDir, { recursive: true });
  try {
    // "wx": a config that appeared since the check above is still never overwritten.
    fs.writeFileSync(configFile, STARTER_CONFIG, { flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") throw new Error(`${shown(configFile)} already exists; nothing was changed (edit it, or delete it to start over)`);
    throw error;
  }

  if (context.json) {
    context.out(JSON.stringify({ config: configFile, dataDir, createdDataDir: !dataDirExisted, entities: ["tasks"] }) + "\n");
    return;
  }
  const cd = dir === process.cwd() ? "" : `cd ${shown(dir)} && `;
  context.out(
    [
      `Created ${shown(configFile)} with an example entity: tasks (id, title, status, points).`,
      dataDirExisted ? `Using the existing ${shown(dataDir)}/ folder for the database and file blobs.` : `Created ${shown(dataDir)}/ for the database and file blobs.`,
      `Next: ${cd}lattice data insert tasks '{"id":"t1","title":"Try Lattice"}'`,
      "",
    ].join("\n"),
  );
}
