// The latticesql library beside the raw drivers doing the same work, in the same run:
//   insert N rows in one transaction, get by primary key, query 50 rows by an indexed column,
//   on SQLite (vs better-sqlite3) and on Postgres (vs pg).
// The library is the built one (dist/lattice, what `import "latticesql"` runs), used through its
// public API as a user would; the raw side is what a competent user of the driver writes.
// Alone: `npm run bench:library` (builds the library first). In `npm run bench`: BENCH_ONLY=library.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { isDeepStrictEqual } from "node:util";
import Database from "better-sqlite3";
import pg from "pg";
import { databaseUrl, startTestPostgres, withAdmin } from "../test/support/postgres.ts";

type LatticeModule = typeof import("../src/lattice/index.ts");
type Lattice = InstanceType<LatticeModule["Lattice"]>;
type Item = Record<string, unknown>;

const ROWS = Number(process.env.BENCH_LIBRARY_ROWS ?? 100_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CATEGORIES = 100;
const QUERY_LIMIT = 50;
// Lookups per round: enough that one round lasts well over 100 ms on the raw side.
const SQLITE_GETS = Number(process.env.BENCH_LIBRARY_SQLITE_GETS ?? 100_000);
const SQLITE_QUERIES = Number(process.env.BENCH_LIBRARY_SQLITE_QUERIES ?? 3_000);
const PG_GETS = Number(process.env.BENCH_LIBRARY_PG_GETS ?? 20_000);
const PG_QUERIES = Number(process.env.BENCH_LIBRARY_PG_QUERIES ?? 3_000);
const TARGET = { sqlite: 1.5, postgres: 1.2 } as const;
// BENCH_LIBRARY_ONLY=sqlite (or postgres) runs one backend, e.g. under node --cpu-prof.
const BACKENDS = new Set((process.env.BENCH_LIBRARY_ONLY ?? "sqlite,postgres").split(","));

/** The entity both sides store, as lattice.config.yml declares it. */
const ENTITY_YAML = `entities:
  items:
    columns:
      id: { type: text, primaryKey: true }
      category: { type: text, index: true }
      title: text
      quantity: integer
      price: real
      active: boolean
      attributes: json
      createdAt: datetime
`;
export const SCHEMA_DESCRIPTION =
  "items: id text pk, category text (index: true, 100 values), title text, quantity integer, price real, active boolean, attributes json (3 keys + a 2-tag array), createdAt datetime";

// The same tables the library creates (src/lattice/db/columns.ts → declared types), for the raw side.
const SQLITE_DDL = `CREATE TABLE items (id TEXT PRIMARY KEY NOT NULL, category TEXT NOT NULL, title TEXT NOT NULL, quantity INTEGER NOT NULL,
  price REAL NOT NULL, active BOOLEAN NOT NULL, attributes JSON TEXT NOT NULL, "createdAt" DATETIME TEXT NOT NULL);
CREATE INDEX idx_items_category ON items (category);`;
const POSTGRES_DDL = `CREATE TABLE items (id text COLLATE "C" PRIMARY KEY NOT NULL, category text COLLATE "C" NOT NULL, title text COLLATE "C" NOT NULL,
  quantity bigint NOT NULL, price double precision NOT NULL, active boolean NOT NULL, attributes jsonb NOT NULL, "createdAt" timestamptz NOT NULL);
CREATE INDEX idx_items_category ON items (category);`;
const COLUMNS = `id, category, title, quantity, price, active, attributes, "createdAt"`;

/** Realistic rows, the same objects for both sides; made before any clock starts. */
export function makeItems(count: number): Item[] {
  const colours = ["red", "green", "blue", "black", "white"];
  const base = Date.parse("2026-01-01T00:00:00.000Z");
  return Array.from({ length: count }, (_, i) => ({
    id: `item-${String(i).padStart(7, "0")}`,
    category: `c${i % CATEGORIES}`,
    title: `Widget ${i} in ${colours[i % colours.length]}, size ${(i % 7) + 1}`,
    quantity: (i * 37) % 1000,
    price: Math.round(((i * 7.31) % 500) * 100) / 100,
    active: i % 3 !== 0,
    attributes: { colour: colours[i % colours.length], size: (i % 7) + 1, tags: [`t${i % 11}`, `t${i % 13}`] },
    createdAt: new Date(base + i * 60_000).toISOString(),
  }));
}

/** Lookup keys in a scattered but repeatable order, so neither side is helped by locality. */
function lookupKeys(items: Item[], count: number): string[] {
  const keys = new Array<string>(count);
  for (let i = 0; i < count; i++) keys[i] = items[(i * 7919 + 13) % items.length]!.id as string;
  return keys;
}

function categoryAt(i: number): string {
  return `c${(i * 37) % CATEGORIES}`;
}

/** `ops` operations done in `ms`, of which this process was on a CPU for `cpuMs`. */
interface Timing {
  ops: number;
  ms: number;
  cpuMs: number;
}

async function timed(ops: number, fn: () => unknown): Promise<Timing> {
  const start = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  await fn();
  const used = process.cpuUsage(cpu);
  return { ops, ms: Number(process.hrtime.bigint() - start) / 1e6, cpuMs: (used.user + used.system) / 1000 };
}

function median(timings: Timing[]): Timing {
  return [...timings].sort((a, b) => a.ms - b.ms)[Math.floor(timings.length / 2)]!;
}

/** Each side ROUNDS times, interleaved (ours, raw, ours, raw …); the median round of each side. */
async function interleaved(sides: (() => Promise<Timing>)[]): Promise<Timing[]> {
  const runs: Timing[][] = sides.map(() => []);
  for (let r = 0; r < ROUNDS; r++) {
    for (let s = 0; s < sides.length; s++) runs[s]!.push(await sides[s]!());
  }
  return runs.map(median);
}

const SLICES = 10;

/**
 * Lookups: in each round every side does operations [0, total), in SLICES turns alternating with
 * the other sides, so this VM's drift (±30 % from minute to minute) falls on all sides alike.
 */
async function interleavedSlices(total: number, sides: ((from: number, to: number) => unknown)[]): Promise<Timing[]> {
  const runs: Timing[][] = sides.map(() => []);
  for (let r = 0; r < ROUNDS; r++) {
    const sums = sides.map(() => ({ ops: total, ms: 0, cpuMs: 0 }));
    for (let slice = 0; slice < SLICES; slice++) {
      const from = Math.floor((slice * total) / SLICES);
      const to = Math.floor(((slice + 1) * total) / SLICES);
      // Every other slice in reverse order, so neither side always runs first after a switch.
      for (const s of slice % 2 === 0 ? sides.keys() : [...sides.keys()].reverse()) {
        const t = await timed(to - from, () => sides[s]!(from, to));
        sums[s]!.ms += t.ms;
        sums[s]!.cpuMs += t.cpuMs;
      }
    }
    sides.forEach((_, s) => runs[s]!.push(sums[s]!));
  }
  return runs.map(median);
}

function figureLine(label: string, t: Timing, unit: string): string {
  const perSecond = (t.ops / t.ms) * 1000;
  return `${label.padEnd(56)} ${perSecond.toFixed(0).padStart(8)} ${unit}/s  ${((t.ms * 1000) / t.ops).toFixed(1).padStart(7)} µs each  (CPU of this process ${((t.cpuMs * 1000) / t.ops).toFixed(1)} µs)`;
}

export interface LibraryFigure {
  ours: { perSecond: number; usEach: number };
  raw: { perSecond: number; usEach: number };
  /** The library's time over the raw driver's for the same work (1.5 = 50 % slower). */
  cost: number;
  target: number;
}

function compare(label: string, driver: string, ours: Timing, raw: Timing, unit: string, target: number, figures: Record<string, LibraryFigure>, key: string): string {
  const cost = ours.ms / ours.ops / (raw.ms / raw.ops);
  const verdict = cost <= target ? "meets" : `misses (${cost.toFixed(2)}× > ${target}×)`;
  const each = (t: Timing) => ({ perSecond: (t.ops / t.ms) * 1000, usEach: (t.ms * 1000) / t.ops });
  figures[key] = { ours: each(ours), raw: each(raw), cost, target };
  return [
    figureLine(`${label} (lattice)`, ours, unit),
    figureLine(`${label} (${driver})`, raw, unit),
    `  costs ${cost.toFixed(2)}× raw = ${(1 / cost).toFixed(2)}× raw throughput (target ≤ ${target}×: ${verdict})`,
  ].join("\n");
}

/** Context, not a target: the raw driver running the library's own SQL, which always orders by the primary key. */
function orderedContext(label: string, driver: string, ours: Timing, ordered: Timing): string {
  return [
    figureLine(`${label} (${driver} + ORDER BY id)`, ordered, "queries"),
    `  context: query() always orders by the primary key (stable pages); against that same SQL the library costs ${(ours.ms / ours.ops / (ordered.ms / ordered.ops)).toFixed(2)}× raw`,
  ].join("\n");
}

/** The rows both sides return for the same call must be equal, or the bench is not comparing like with like. */
function sameResult(what: string, ours: unknown, raw: unknown): void {
  const normal = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;
  if (!isDeepStrictEqual(normal(ours), normal(raw))) {
    throw new Error(`${what}: the library and the raw driver returned different rows\nlattice: ${JSON.stringify(ours).slice(0, 400)}\nraw:     ${JSON.stringify(raw).slice(0, 400)}`);
  }
}

/** BENCH_LIBRARY_ENTRY=/path/to/a/copy/of/dist/lattice/index.js measures another build (before/after a change). */
const LIBRARY_ENTRY = path.resolve(process.env.BENCH_LIBRARY_ENTRY ?? path.join(import.meta.dirname, "../dist/lattice/index.js"));

async function loadLibrary(): Promise<LatticeModule> {
  if (!fs.existsSync(LIBRARY_ENTRY)) throw new Error(`${LIBRARY_ENTRY} is missing: build the library first (node scripts/build.mjs --cli-only)`);
  return (await import(pathToFileURL(LIBRARY_ENTRY).href)) as LatticeModule;
}

/** A project folder with lattice.config.yml, as `lattice init` leaves one. */
function project(root: string, name: string, database?: string): string {
  const dir = path.join(root, name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const config = path.join(dir, "lattice.config.yml");
  fs.writeFileSync(config, (database ? `database: ${database}\n` : "") + ENTITY_YAML);
  return config;
}

// ---- SQLite ----

function openRawSqlite(file: string): Database.Database {
  const db = new Database(file, { timeout: 5_000 });
  // The pragmas the library sets (src/lattice/db/sqlite-driver.ts), so both write alike.
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma("foreign_keys = ON");
  return db;
}

/** A raw row as the caller wants it: booleans and JSON decoded, as the library returns them. */
function decodeSqliteItem(row: Item): Item {
  row.active = row.active !== 0;
  row.attributes = JSON.parse(row.attributes as string);
  return row;
}

async function benchSqlite(lib: LatticeModule, root: string, items: Item[], figures: Record<string, LibraryFigure>): Promise<string[]> {
  let ours: Lattice | null = null;
  let raw: Database.Database | null = null;
  let round = 0;
  const openOurs = async () => {
    await ours?.close();
    ours = new lib.Lattice({ config: project(root, `sqlite-lattice-${round}`) });
    await ours.init();
    return ours;
  };
  const openRaw = () => {
    raw?.close();
    const dir = path.join(root, `sqlite-raw-${round}`);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    raw = openRawSqlite(path.join(dir, "raw.db"));
    raw.exec(SQLITE_DDL);
    return raw;
  };

  const insertOurs = async (db: Lattice, rows: Item[]) => {
    await db.transaction(async (tx) => {
      for (const row of rows) await tx.insert("items", row);
    });
  };
  const insertRaw = (db: Database.Database, rows: Item[]) => {
    const insert = db.prepare(`INSERT INTO items (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
    db.transaction((all: Item[]) => {
      for (const r of all) insert.run(r.id, r.category, r.title, r.quantity, r.price, r.active ? 1 : 0, JSON.stringify(r.attributes), r.createdAt);
    })(rows);
  };

  // Warm-up (JIT, page cache) on throwaway files.
  round = -1;
  await insertOurs(await openOurs(), items.slice(0, 10_000));
  insertRaw(openRaw(), items.slice(0, 10_000));

  const [insertLattice, insertDriver] = await interleaved([
    async () => {
      round += 1;
      const db = await openOurs();
      return timed(items.length, () => insertOurs(db, items));
    },
    async () => {
      const db = openRaw();
      return timed(items.length, () => insertRaw(db, items));
    },
  ]);
  const db = ours! as Lattice;
  const rawDb = raw! as Database.Database;

  const get = rawDb.prepare(`SELECT ${COLUMNS} FROM items WHERE id = ?`);
  const query = rawDb.prepare(`SELECT ${COLUMNS} FROM items WHERE category = ? LIMIT ${QUERY_LIMIT}`);
  // The library's own SQL for the same call: it always orders by the primary key (stable pages).
  const queryOrdered = rawDb.prepare(`SELECT ${COLUMNS} FROM items WHERE category = ? ORDER BY id ASC LIMIT ${QUERY_LIMIT}`);
  const rawGet = (id: string) => {
    const row = get.get(id) as Item | undefined;
    return row ? decodeSqliteItem(row) : null;
  };
  const rawQuery = (statement: Database.Statement, category: string) => (statement.all(category) as Item[]).map(decodeSqliteItem);

  const probe = items[4242 % items.length]!.id as string;
  sameResult("get", await db.get("items", probe), rawGet(probe));
  sameResult("get (as inserted)", await db.get("items", probe), items[4242 % items.length]);
  sameResult("query", await db.query("items", { where: { category: "c7" }, limit: QUERY_LIMIT }), rawQuery(query, "c7"));
  sameResult("query ORDER BY id", rawQuery(queryOrdered, "c7"), rawQuery(query, "c7"));

  const keys = lookupKeys(items, SQLITE_GETS);
  const getsOurs = async (from: number, to: number) => {
    for (let i = from; i < to; i++) await db.get("items", keys[i]!);
  };
  const getsRaw = (from: number, to: number) => {
    for (let i = from; i < to; i++) rawGet(keys[i]!);
  };
  const queriesOurs = async (from: number, to: number) => {
    for (let i = from; i < to; i++) await db.query("items", { where: { category: categoryAt(i) }, limit: QUERY_LIMIT });
  };
  const queriesRaw = (statement: Database.Statement) => (from: number, to: number) => {
    for (let i = from; i < to; i++) rawQuery(statement, categoryAt(i));
  };
  // Warm-up: JIT and SQLite's page cache, both sides.
  await getsOurs(0, keys.length);
  getsRaw(0, keys.length);
  await queriesOurs(0, SQLITE_QUERIES);
  queriesRaw(query)(0, SQLITE_QUERIES);
  queriesRaw(queryOrdered)(0, SQLITE_QUERIES);

  const [getLattice, getDriver] = await interleavedSlices(keys.length, [getsOurs, getsRaw]);
  const [queryLattice, queryDriver, queryDriverOrdered] = await interleavedSlices(SQLITE_QUERIES, [queriesOurs, queriesRaw(query), queriesRaw(queryOrdered)]);
  await db.close();
  rawDb.close();

  return [
    compare(`SQLite insert ${items.length}, one transaction`, "better-sqlite3", insertLattice!, insertDriver!, "rows", TARGET.sqlite, figures, "sqliteInsert"),
    compare("SQLite get by primary key", "better-sqlite3", getLattice!, getDriver!, "gets", TARGET.sqlite, figures, "sqliteGet"),
    compare(`SQLite query category = ?, limit ${QUERY_LIMIT}`, "better-sqlite3", queryLattice!, queryDriver!, "queries", TARGET.sqlite, figures, "sqliteQuery") +
      "\n" +
      orderedContext(`SQLite query category = ?, limit ${QUERY_LIMIT}`, "better-sqlite3", queryLattice!, queryDriverOrdered!),
  ];
}

// ---- Postgres ----

const INT8 = 20;
// As the library does (postgres-driver.ts): bigint columns as numbers, every integer here being safe.
const rawTypes = {
  getTypeParser(oid: number, format?: string) {
    if (oid === INT8) return (text: string) => Number(text);
    return pg.types.getTypeParser(oid, format as "text");
  },
};

async function benchPostgres(lib: LatticeModule, root: string, adminUrl: string, items: Item[], figures: Record<string, LibraryFigure>): Promise<string[]> {
  // The library on Postgres as its users configure it: a credential label in a LATTICE_HOME.
  const home = path.join(root, "home");
  const latticeDb = "lattice_bench_library";
  const rawDb = "lattice_bench_raw";
  await withAdmin(adminUrl, async (admin) => {
    for (const name of [latticeDb, rawDb]) {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${name}`);
    }
  });
  const { setDbCredential } = (await import("../src/lattice/home/db-credentials.ts")) as typeof import("../src/lattice/home/db-credentials.ts");
  setDbCredential("bench", databaseUrl(adminUrl, latticeDb), { home, env: {} });
  const config = project(root, "postgres-lattice", "${LATTICE_DB:bench}");
  // Same pool size as the library's (max 10); gets and queries through pool.query, the insert on one checked-out client.
  const pool = new pg.Pool({ connectionString: databaseUrl(adminUrl, rawDb), max: 10, types: rawTypes });
  const admin = new pg.Client({ connectionString: databaseUrl(adminUrl, latticeDb) });
  await admin.connect();
  let ours: Lattice | null = null;

  const openOurs = async () => {
    await ours?.close();
    await admin.query(`DROP TABLE IF EXISTS lattice_data.items`);
    ours = new lib.Lattice({ config }, { home });
    await ours.init();
    return ours;
  };
  const resetRaw = async () => {
    await pool.query(`DROP TABLE IF EXISTS items`);
    await pool.query(POSTGRES_DDL);
  };
  const insertOurs = async (db: Lattice, rows: Item[]) => {
    await db.transaction(async (tx) => {
      for (const row of rows) await tx.insert("items", row);
    });
  };
  const insertSql = `INSERT INTO items (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`;
  const insertRaw = async (rows: Item[]) => {
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      for (const r of rows) await client.query(insertSql, [r.id, r.category, r.title, r.quantity, r.price, r.active, JSON.stringify(r.attributes), r.createdAt]);
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK");
      throw error;
    } finally {
      client.release();
    }
  };

  try {
    await insertOurs(await openOurs(), items.slice(0, 5_000));
    await resetRaw();
    await insertRaw(items.slice(0, 5_000));

    const [insertLattice, insertDriver] = await interleaved([
      async () => {
        const db = await openOurs();
        return timed(items.length, () => insertOurs(db, items));
      },
      async () => {
        await resetRaw();
        return timed(items.length, () => insertRaw(items));
      },
    ]);
    const db = ours! as Lattice;
    // Fresh statistics on both sides, so the planner sees the same tables.
    await admin.query("ANALYZE lattice_data.items");
    await pool.query("ANALYZE items");

    const getSql = `SELECT ${COLUMNS} FROM items WHERE id = $1`;
    const querySql = `SELECT ${COLUMNS} FROM items WHERE category = $1 LIMIT ${QUERY_LIMIT}`;
    const queryOrderedSql = `SELECT ${COLUMNS} FROM items WHERE category = $1 ORDER BY id ASC LIMIT ${QUERY_LIMIT}`;
    const rawGet = async (id: string) => (await pool.query(getSql, [id])).rows[0] ?? null;
    const rawQuery = async (sql: string, category: string) => (await pool.query(sql, [category])).rows;

    const probe = items[4242 % items.length]!.id as string;
    sameResult("get", await db.get("items", probe), await rawGet(probe));
    sameResult("get (as inserted)", await db.get("items", probe), items[4242 % items.length]);
    sameResult("query", await db.query("items", { where: { category: "c7" }, limit: QUERY_LIMIT }), await rawQuery(querySql, "c7"));
    sameResult("query ORDER BY id", await rawQuery(queryOrderedSql, "c7"), await rawQuery(querySql, "c7"));

    const keys = lookupKeys(items, PG_GETS);
    const getsOurs = async (from: number, to: number) => {
      for (let i = from; i < to; i++) await db.get("items", keys[i]!);
    };
    const getsRaw = async (from: number, to: number) => {
      for (let i = from; i < to; i++) await rawGet(keys[i]!);
    };
    const queriesOurs = async (from: number, to: number) => {
      for (let i = from; i < to; i++) await db.query("items", { where: { category: categoryAt(i) }, limit: QUERY_LIMIT });
    };
    const queriesRaw = (sql: string) => async (from: number, to: number) => {
      for (let i = from; i < to; i++) await rawQuery(sql, categoryAt(i));
    };
    await getsOurs(0, keys.length);
    await getsRaw(0, keys.length);
    await queriesOurs(0, PG_QUERIES);
    await queriesRaw(querySql)(0, PG_QUERIES);
    await queriesRaw(queryOrderedSql)(0, PG_QUERIES);

    const [getLattice, getDriver] = await interleavedSlices(keys.length, [getsOurs, getsRaw]);
    const [queryLattice, queryDriver, queryDriverOrdered] = await interleavedSlices(PG_QUERIES, [queriesOurs, queriesRaw(querySql), queriesRaw(queryOrderedSql)]);

    return [
      compare(`Postgres insert ${items.length}, one transaction`, "pg", insertLattice!, insertDriver!, "rows", TARGET.postgres, figures, "postgresInsert"),
      compare("Postgres get by primary key", "pg", getLattice!, getDriver!, "gets", TARGET.postgres, figures, "postgresGet"),
      compare(`Postgres query category = $1, limit ${QUERY_LIMIT}`, "pg", queryLattice!, queryDriver!, "queries", TARGET.postgres, figures, "postgresQuery") +
        "\n" +
        orderedContext(`Postgres query category = $1, limit ${QUERY_LIMIT}`, "pg", queryLattice!, queryDriverOrdered!),
    ];
  } finally {
    await (ours as Lattice | null)?.close();
    await pool.end();
    await admin.end();
  }
}

/** Runs both backends' comparisons; returns the printed lines and the figures. */
export async function libraryBench(adminUrl: string | null): Promise<{ lines: string[]; figures: Record<string, LibraryFigure> }> {
  const lib = await loadLibrary();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "lattice-bench-library-"));
  const items = makeItems(ROWS);
  const figures: Record<string, LibraryFigure> = {};
  try {
    const lines = [
      `latticesql (${path.relative(process.cwd(), LIBRARY_ENTRY)}) beside the raw drivers: ${ROWS} rows; median of ${ROUNDS} interleaved rounds (lookups alternate in ${SLICES} slices a round); ${os.cpus().length} cores\n  ${SCHEMA_DESCRIPTION}`,
    ];
    if (BACKENDS.has("sqlite")) lines.push(...(await benchSqlite(lib, root, items, figures)));
    if (BACKENDS.has("postgres") && adminUrl) lines.push(...(await benchPostgres(lib, root, adminUrl, items, figures)));
    return { lines, figures };
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const postgres = BACKENDS.has("postgres") ? await startTestPostgres() : null;
  try {
    const { lines, figures } = await libraryBench(postgres?.adminUrl ?? null);
    console.log(`\n${lines.join("\n\n")}`);
    fs.mkdirSync(".test-output", { recursive: true });
    fs.writeFileSync(".test-output/bench-library.json", JSON.stringify(figures, null, 2));
  } finally {
    await postgres?.stop();
  }
}
