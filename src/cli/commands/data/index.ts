import type { EntityInfo } from "../../../lattice/db/lattice.ts";
import { UsageError, type CommandContext, type CommandSpec, type ParsedOptions } from "../../command-spec.ts";
import { configOption, withProject, type ProjectLattice } from "./project.ts";
import { WHERE_HELP } from "./where.ts";

// What to use instead of `data insert|update|delete` on a framework entity: those keep their
// rules (a secret's value never in argv, a file row always with its bytes).
const FRAMEWORK_COMMANDS: Record<string, string> = {
  secrets: "lattice secrets set / lattice secrets delete",
  files: "lattice files add / lattice files delete",
};

const entitiesCommand: CommandSpec = {
  group: "data",
  name: "entities",
  description: "List the project's entities with their columns and row counts",
  usage: "data entities [--config <path>] [--json]",
  options: [configOption],
  examples: ["  $ lattice data entities"],
  async run(options, context) {
    await withProject(options, async (db) => {
      const entities = await Promise.all(db.entities().map(async (entity) => ({ ...entity, rows: await db.count(entity.name) })));
      if (context.json) {
        context.out(JSON.stringify(entities) + "\n");
        return;
      }
      const { describeEntity } = await import("./describe.ts");
      context.out(entities.map(describeEntity).join("\n"));
    });
  },
};

const queryCommand: CommandSpec = {
  group: "data",
  name: "query",
  description: "Print an entity's rows as a table (--json: as JSON), filtered with --where, sorted with --order",
  usage: "data query <entity> [--where <expr>]... [--order <column[:desc]>]... [--limit <n>] [--offset <n>] [--json]",
  options: [
    { flag: "--where <expr>", description: `Only rows where this holds: ${WHERE_HELP}; repeat to require several`, multiple: true },
    { flag: "--order <column>", description: "Sort by this column (column:desc for descending); repeat for ties", multiple: true },
    { flag: "--limit <n>", description: "At most this many rows" },
    { flag: "--offset <n>", description: "Skip this many rows first" },
    configOption,
  ],
  args: [{ name: "entity" }],
  examples: [
    "  $ lattice data query tasks",
    "  $ lattice data query tasks --where status=todo --where 'points>3' --order title --limit 10",
    "  $ lattice data query tasks --where 'title~%docs%' --order points:desc --json",
  ],
  async run(options, context) {
    const { parseCount, parseOrder, parseWhere } = await import("./where.ts");
    const name = options.entity as string;
    const limit = parseCount(options.limit as string | undefined, "--limit");
    const offset = parseCount(options.offset as string | undefined, "--offset");
    await withProject(options, async (db) => {
      const entity = db.describe(name);
      const where = parseWhere((options.where as string[] | undefined) ?? [], entity);
      // Encrypted columns are shown hidden, so they are not read (nor decrypted) at all.
      const columns = entity.columns.filter((c) => !c.encrypted).map((c) => c.name);
      const rows = await db.query(name, { columns, where, orderBy: parseOrder((options.order as string[] | undefined) ?? []), limit, offset });
      const { rowCells, rowJson } = await import("./rows.ts");
      if (context.json) {
        context.out(JSON.stringify(rows.map((row) => rowJson(entity, row))) + "\n");
        return;
      }
      if (rows.length === 0) {
        context.out(`No rows in ${name}${where ? " match" : ""}${offset ? ` after the first ${offset}` : ""}.\n`);
        return;
      }
      const { formatTable } = await import("../../output.ts");
      // With --limit or --offset, say how many there are in all, so a cut-off list does not pass for all of them.
      const total = limit !== undefined || offset !== undefined ? await db.count(name, { where }) : rows.length;
      const footer = total === rows.length ? plural(rows.length, "row") : `${rows.length} of ${total} rows`;
      context.out(formatTable(entity.columns.map((c) => c.name), rows.map((row) => rowCells(entity, row))) + `(${footer})\n`);
    });
  },
};

const getCommand: CommandSpec = {
  group: "data",
  name: "get",
  description: "Print one row by its primary key, a column per line",
  usage: "data get <entity> <key> [--reveal] [--json]",
  options: [{ flag: "--reveal", description: "Also print encrypted columns (they are hidden otherwise)" }, configOption],
  args: [{ name: "entity" }, { name: "key" }],
  examples: ["  $ lattice data get tasks t1", "  $ lattice data get tasks t1 --json"],
  async run(options, context) {
    const name = options.entity as string;
    await withProject(options, async (db) => {
      const { keyFromText } = await import("./where.ts");
      const entity = db.describe(name);
      const key = keyFromText(entity, options.key as string);
      const row = await db.get(name, key);
      if (!row) throw new Error(`${name}: no row with ${entity.primaryKey} ${JSON.stringify(key)}`);
      const { rowJson, rowLines } = await import("./rows.ts");
      const reveal = options.reveal === true;
      context.out(context.json ? JSON.stringify(rowJson(entity, row, reveal)) + "\n" : rowLines(entity, row, reveal));
    });
  },
};

const rowArgumentHelp = "a JSON object; - or nothing reads it from stdin";

const insertCommand: CommandSpec = {
  group: "data",
  name: "insert",
  description: "Insert one row given as JSON (missing columns take their defaults)",
  usage: "data insert <entity> [<json> | -] [--json]",
  options: [configOption],
  args: [{ name: "entity" }, { name: "row", optional: true }],
  examples: [`  $ lattice data insert tasks '{"id":"t1","title":"Write the docs","points":3}'`, "  $ lattice data insert tasks < task.json"],
  async run(options, context) {
    const name = options.entity as string;
    await withProject(options, async (db) => {
      const entity = writable(db, name);
      const row = await db.insert(name, await readRowJson(options.row, "the row"));
      const key = row[entity.primaryKey];
      await printWritten(context, entity, row, `Inserted ${JSON.stringify(key)} into ${name}.`);
    });
  },
};

const updateCommand: CommandSpec = {
  group: "data",
  name: "update",
  description: "Change columns of one row: the row's primary key, then the new values as JSON",
  usage: "data update <entity> <key> [<json> | -] [--json]",
  options: [configOption],
  args: [{ name: "entity" }, { name: "key" }, { name: "changes", optional: true }],
  examples: [`  $ lattice data update tasks t1 '{"status":"done"}'`],
  async run(options, context) {
    const name = options.entity as string;
    await withProject(options, async (db) => {
      const entity = writable(db, name);
      const { keyFromText } = await import("./where.ts");
      const key = keyFromText(entity, options.key as string);
      const changes = await readRowJson(options.changes, "the changes");
      const row = await db.update(name, key, changes);
      await printWritten(context, entity, row, `Updated ${JSON.stringify(key)} in ${name}: ${Object.keys(changes).join(", ") || "nothing to change"}.`);
    });
  },
};

const deleteCommand: CommandSpec = {
  group: "data",
  name: "delete",
  description: "Delete one row by its primary key",
  usage: "data delete <entity> <key> [--json]",
  options: [configOption],
  args: [{ name: "entity" }, { name: "key" }],
  examples: ["  $ lattice data delete tasks t1"],
  async run(options, context) {
    const name = options.entity as string;
    await withProject(options, async (db) => {
      const entity = writable(db, name);
      const { keyFromText } = await import("./where.ts");
      const key = keyFromText(entity, options.key as string);
      if (!(await db.delete(name, key))) throw new Error(`${name}: no row with ${entity.primaryKey} ${JSON.stringify(key)}`);
      if (context.json) context.out(JSON.stringify({ entity: name, key, deleted: true }) + "\n");
      else context.out(`Deleted ${JSON.stringify(key)} from ${name}.\n`);
    });
  },
};

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** The entity, when the data commands may write to it. */
function writable(db: ProjectLattice, name: string): EntityInfo {
  const entity = db.describe(name);
  const instead = FRAMEWORK_COMMANDS[name];
  if (entity.native && instead) throw new UsageError(`${name} is a framework entity; change it with ${instead}`);
  return entity;
}

/** A row or changes as a JSON object, from the argument or (for "-" or none) stdin. */
async function readRowJson(argument: ParsedOptions[string], what: string): Promise<Record<string, unknown>> {
  let text: string;
  if (typeof argument === "string" && argument !== "-") {
    text = argument;
  } else {
    if (process.stdin.isTTY) throw new UsageError(`missing ${what} as JSON (${rowArgumentHelp})`);
    const { readStdin } = await import("../../input.ts");
    text = await readStdin();
    if (text.trim() === "") throw new UsageError(`no JSON on stdin for ${what} (${rowArgumentHelp})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${what} is not valid JSON (${(error as Error).message})`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new UsageError(`${what} must be a JSON object of column values, such as {"title":"Write the docs"}`);
  return value as Record<string, unknown>;
}

async function printWritten(context: CommandContext, entity: EntityInfo, row: Record<string, unknown>, message: string): Promise<void> {
  if (!context.json) {
    context.out(message + "\n");
    return;
  }
  const { rowJson } = await import("./rows.ts");
  context.out(JSON.stringify(rowJson(entity, row)) + "\n");
}

export const dataCommands = [entitiesCommand, queryCommand, getCommand, insertCommand, updateCommand, deleteCommand];
