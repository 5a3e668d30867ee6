// Sync beside bare ceilings measured in the same run, and beside the anchors' published figures:
//   push: a member's N linked rows, SyncProject.push() end to end (outbox → HTTP → Postgres)
//         vs rows read from SQLite → multi-row INSERT into a plain Postgres table, 1000 a batch
//   pull: a second member's project, SyncProject.pull() of those N rows into its SQLite
//         vs SELECT from Postgres in pages → JSON.stringify/parse → INSERT into SQLite, a transaction a page
//   first full sync: a fresh member's project pulling a 1M-row workspace, vs the same ceiling as pull
// The server is the built one as `npm start` runs it, on a throwaway Postgres; the library is the
// built dist/lattice. Client, server and Postgres share this machine's cores: read ratios.
// Alone: `npm run bench:sync`. In `npm run bench`: BENCH_ONLY=sync.
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { isDeepStrictEqual } from "node:util";
import Database from "better-sqlite3";
import pg from "pg";
import superjson from "superjson";
import { openDatabase } from "../src/server/db.ts";
import { pullChanges } from "../src/server/services/sync/feed.ts";
import { pushChanges, pushInput } from "../src/server/services/sync/push.ts";
import { startTestPostgres } from "../test/support/postgres.ts";
import { startServer, type RunningServer } from "../test/support/server.ts";
import { freshDatabase, cpuTicks } from "./lib.ts";

type LatticeModule = typeof import("../src/lattice/index.ts");
type SyncProject = Awaited<ReturnType<LatticeModule["SyncProject"]["open"]>>;
type TeamsClient = InstanceType<LatticeModule["TeamsClient"]>;

const ROWS = Number(process.env.BENCH_SYNC_ROWS ?? 100_000);
const FIRST_SYNC_ROWS = Number(process.env.BENCH_SYNC_FIRST_ROWS ?? 1_000_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
/** Changes per pull request: the engine's default (what `lattice teams pull` uses) unless set. */
const PAGE_SIZE = Number(process.env.BENCH_SYNC_PAGE_SIZE ?? 5000);
/** Entries per push request: the engine's batch and the server's maximum. */
const PUSH_BATCH = 1000;
const TARGET = { push: 0.3, pull: 0.6, firstSyncSeconds: 30 } as const;
/** Runs of each step in "where the time goes". */
const PHASE_RUNS = 5;
// BENCH_SYNC_ONLY=rounds (push and pull), phases (where the time goes; needs rounds) or first (the 1M
// first sync) runs a part, e.g. under --cpu-prof.
const PARTS = new Set((process.env.BENCH_SYNC_ONLY ?? "rounds,phases,first").split(","));

const ENTITY_YAML = `entities:
  tasks:
    columns:
      id: { type: text, primaryKey: true }
      title: text
      points: integer
      done: boolean
`;
export const SCHEMA_DESCRIPTION = "tasks: id text pk, title text, points integer, done boolean (≈ 40 bytes a row)";
// The table the library makes for ENTITY_YAML on SQLite, without the sync columns: the ceiling's.
const SQLITE_CEILING_DDL = `CREATE TABLE tasks (id TEXT PRIMARY KEY NOT NULL, title TEXT NOT NULL, points INTEGER NOT NULL, done BOOLEAN NOT NULL)`;

const LIBRARY_ENTRY = path.resolve(process.env.BENCH_LIBRARY_ENTRY ?? path.join(import.meta.dirname, "../dist/lattice/index.js"));

async function loadLibrary(): Promise<LatticeModule> {
  if (!fs.existsSync(LIBRARY_ENTRY)) throw new Error(`${LIBRARY_ENTRY} is missing: build first (npm run build)`);
  return (await import(pathToFileURL(LIBRARY_ENTRY).href)) as LatticeModule;
}

/** Wall time of one measured run, and the CPU each party spent meanwhile (seconds). */
interface Timing {
  rows: number;
  ms: number;
  cpu: { client: number; server: number; postgres: number };
  /** Ours only: wall time spent inside the push/pull HTTP calls (request, server, answer, decoding). */
  callMs?: number;
}

function procStat(pid: number): string[] | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return null;
  }
}

/** The benchmark's own Postgres: the postmaster of this connection's backend (other clusters may run on the machine). */
async function findPostmaster(client: pg.Client): Promise<number | null> {
  const backend = Number((await client.query(`SELECT pg_backend_pid() AS pid`)).rows[0].pid);
  const stat = procStat(backend); // null when Postgres runs elsewhere (TEST_DATABASE_URL)
  return stat ? Number(stat[1]) : null;
}

let postmaster: number | null = null;

/**
 * CPU ticks of the postmaster and its children, counting backends that ended since: the postmaster's
 * cutime/cstime hold their time once reaped (pools open and close backends mid-run).
 */
function postgresTicks(): number {
  if (postmaster === null) return NaN;
  const own = procStat(postmaster);
  let total = own ? Number(own[11]) + Number(own[12]) + Number(own[13]) + Number(own[14]) : NaN;
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = procStat(Number(entry));
    if (stat && Number(stat[1]) === postmaster) total += Number(stat[11]) + Number(stat[12]);
  }
  return total;
}

async function timed(rows: number, serverPid: number | null, fn: () => Promise<unknown>): Promise<Timing> {
  const before = { server: serverPid ? cpuTicks([serverPid]) : 0, postgres: postgresTicks(), client: process.cpuUsage() };
  const start = process.hrtime.bigint();
  await fn();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const client = process.cpuUsage(before.client);
  return {
    rows,
    ms,
    cpu: {
      client: (client.user + client.system) / 1e6,
      server: serverPid ? (cpuTicks([serverPid]) - before.server) / 100 : 0,
      postgres: (postgresTicks() - before.postgres) / 100,
    },
  };
}

function median(timings: Timing[]): Timing {
  return [...timings].sort((a, b) => a.ms - b.ms)[Math.floor(timings.length / 2)]!;
}

const perSecond = (t: Timing) => (t.rows / t.ms) * 1000;

function figureLine(label: string, t: Timing): string {
  const cpu = `CPU s: client ${t.cpu.client.toFixed(1)}, server ${t.cpu.server.toFixed(1)}, Postgres ${Number.isNaN(t.cpu.postgres) ? "?" : t.cpu.postgres.toFixed(1)}`;
  const calls = t.callMs === undefined ? "" : `; in HTTP calls ${(t.callMs / 1000).toFixed(1)} s`;
  return `${label.padEnd(44)} ${perSecond(t).toFixed(0).padStart(8)} rows/s  ${(t.ms / 1000).toFixed(2).padStart(6)} s  (${cpu}${calls})`;
}

export interface SyncFigure {
  ours: { rowsPerSecond: number; seconds: number; cpu: Timing["cpu"]; callSeconds?: number };
  ceiling: { rowsPerSecond: number; seconds: number; cpu: Timing["cpu"] };
  ratio: number;
  target: number;
  met: boolean;
}

function figureOf(ours: Timing, ceiling: Timing, target: number, met: boolean): SyncFigure {
  const side = (t: Timing) => ({ rowsPerSecond: perSecond(t), seconds: t.ms / 1000, cpu: t.cpu });
  return { ours: { ...side(ours), ...(ours.callMs === undefined ? {} : { callSeconds: ours.callMs / 1000 }) }, ceiling: side(ceiling), ratio: perSecond(ours) / perSecond(ceiling), target, met };
}

function compare(label: string, ours: Timing, ceilingLabel: string, ceiling: Timing, target: number): { lines: string; figure: SyncFigure } {
  const ratio = perSecond(ours) / perSecond(ceiling);
  const met = ratio >= target;
  return {
    lines: [
      figureLine(`${label} (lattice)`, ours),
      figureLine(ceilingLabel, ceiling),
      `  ratio ${ratio.toFixed(2)}× the ceiling (target ≥ ${target}×: ${met ? "meets" : `misses by ${((1 - ratio / target) * 100).toFixed(0)}%`})`,
    ].join("\n"),
    figure: figureOf(ours, ceiling, target, met),
  };
}

/** The anchors' published figures, as text: they are other products on other machines. */
function anchors(rowsPerSecond: number): string {
  const range = (low: number, high: number) => `${(rowsPerSecond / high).toFixed(1)}–${(rowsPerSecond / low).toFixed(1)}×`;
  return `  anchors (published, not measured here): PowerSync clients download 2k–20k ops/s (lattice ${range(2_000, 20_000)} that); ElectricSQL 4–6k row changes/s (lattice ${range(4_000, 6_000)})`;
}

function writeProject(root: string, name: string, yaml: string): string {
  const dir = path.join(root, name);
  fs.mkdirSync(dir, { recursive: true });
  const config = path.join(dir, "lattice.config.yml");
  fs.writeFileSync(config, yaml);
  return config;
}

const INT8 = 20;
const pgTypes = {
  getTypeParser(oid: number, format?: string) {
    if (oid === INT8) return (text: string) => Number(text);
    return pg.types.getTypeParser(oid, format as "text");
  },
};

/** Wraps a client's push or pull call so the bench can tell time in HTTP calls from local work. */
function countCalls(client: TeamsClient, method: "pushChanges" | "pullChanges"): { ms: number } {
  const total = { ms: 0 };
  const original = client[method].bind(client) as (...args: unknown[]) => Promise<unknown>;
  (client as unknown as Record<string, unknown>)[method] = async (...args: unknown[]) => {
    const start = process.hrtime.bigint();
    try {
      return await original(...args);
    } finally {
      total.ms += Number(process.hrtime.bigint() - start) / 1e6;
    }
  };
  return total;
}

/** Links `count` new rows in the project's SQLite by raw SQL (owner set, a 'link' outbox entry each), as `link` would. */
async function linkRows(project: SyncProject, userId: string, prefix: string, count: number): Promise<void> {
  await project.db.withSql(async (x) => {
    await x.run(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
       INSERT INTO tasks (id, title, points, done, _lattice_owner, _lattice_version)
       SELECT ? || printf('%07d', i), 'Task ' || i || ' of the benchmark', i % 13, i % 3 = 0, ?, 0 FROM n`,
      [count, prefix, userId],
    );
    await x.run(
      `INSERT INTO _lattice_outbox (entity, pk, op, base_version) SELECT 'tasks', json_quote(id), 'link', 0 FROM tasks WHERE id >= ? AND id < ? ORDER BY id`,
      [prefix, `${prefix}\uffff`],
    );
  });
}

/** The push ceiling: the same rows read from the SQLite file, INSERTed into a plain table in batches. */
async function pushCeiling(sqliteFile: string, client: pg.Client, prefix: string): Promise<number> {
  const source = new Database(sqliteFile, { readonly: true });
  let written = 0;
  try {
    const rows = source.prepare(`SELECT id, title, points, done FROM tasks WHERE id >= ? AND id < ? ORDER BY id`).iterate(prefix, `${prefix}\uffff`) as IterableIterator<{ id: string; title: string; points: number; done: number }>;
    let batch: unknown[] = [];
    const flush = async () => {
      const count = batch.length / 4;
      const values = Array.from({ length: count }, (_, i) => `($${i * 4 + 1}, $${i * 4 + 2}, $${i * 4 + 3}, $${i * 4 + 4})`).join(", ");
      await client.query(`INSERT INTO bench_push_ceiling (id, title, points, done) VALUES ${values}`, batch);
      written += count;
      batch = [];
    };
    for (const row of rows) {
      batch.push(row.id, row.title, row.points, row.done === 1);
      if (batch.length === PUSH_BATCH * 4) await flush();
    }
    if (batch.length) await flush();
  } finally {
    source.close();
  }
  return written;
}

/** The pull ceiling: pages from Postgres, through JSON as a wire would carry them, into SQLite. */
async function pullCeiling(client: pg.Client, target: Database.Database, from: string, to: string): Promise<number> {
  const insert = target.prepare(`INSERT INTO tasks (id, title, points, done) VALUES (?, ?, ?, ?)`);
  const apply = target.transaction((rows: { id: string; title: string; points: number; done: boolean }[]) => {
    for (const r of rows) insert.run(r.id, r.title, r.points, r.done ? 1 : 0);
  });
  let after = from;
  let total = 0;
  for (;;) {
    const { rows } = await client.query(`SELECT id, title, points, done FROM lattice_data.tasks WHERE id > $1 AND id < $2 ORDER BY id LIMIT $3`, [after, to, PAGE_SIZE]);
    if (!rows.length) break;
    apply(JSON.parse(JSON.stringify(rows)));
    total += rows.length;
    after = rows.at(-1)!.id as string;
  }
  return total;
}

function openSqlite(file: string): Database.Database {
  const db = new Database(file);
  // The library's pragmas (src/lattice/db/sqlite-driver.ts), so both write alike.
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma("foreign_keys = ON");
  return db;
}

function check(what: string, actual: unknown, expected: unknown): void {
  if (!isDeepStrictEqual(actual, expected)) throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)} — the bench is not measuring what it says`);
}

/** Median wall time of PHASE_RUNS calls, after one warm-up call. */
async function medianMs(fn: (run: number) => unknown): Promise<number> {
  await fn(-1);
  const runs: number[] = [];
  for (let run = 0; run < PHASE_RUNS; run++) {
    const start = process.hrtime.bigint();
    await fn(run);
    runs.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return runs.sort((a, b) => a - b)[Math.floor(runs.length / 2)]!;
}

interface PhaseContext {
  url: string;
  cloud: string;
  token: string;
  userId: string;
  /** A member's client (its pullChanges is counted by countCalls; that does not change what it does). */
  client: TeamsClient;
  sql: pg.Client;
  runs: { push: Timing; pull: Timing; pullCeiling: Timing };
}

/**
 * Where a pull page and a push batch spend their time: each step alone on real data (in this
 * process, or over HTTP to the server), beside the per-row costs of the measured rounds.
 */
async function phases(ctx: PhaseContext): Promise<{ lines: string; figures: Record<string, number> }> {
  const figures: Record<string, number> = {};
  const out: string[] = [];
  const line = (key: string, label: string, rows: number, ms: number) => {
    figures[key] = (ms * 1000) / rows;
    out.push(`  ${label.padEnd(78)} ${((ms * 1000) / rows).toFixed(1).padStart(7)} µs a row`);
  };
  const database = openDatabase({ databaseUrl: ctx.url, dataDir: "" });
  try {
    // ---- a pull page: the first PAGE_SIZE row changes of the feed ----
    const since = Number((await ctx.sql.query(`SELECT min(seq) - 1 AS since FROM lattice_changes WHERE kind = 'upsert'`)).rows[0].since);
    const page = await pullChanges(database.prisma, { since, limit: PAGE_SIZE });
    const rows = page.changes.length;
    out.push(`where the time goes: a pull page of ${rows} changes (median of ${PHASE_RUNS}; "here" = in the bench's process, the server's code)`);
    // The feed query as the service runs it (src/server/services/sync/feed.ts), through pg and through Prisma.
    const feedSql = `SELECT seq, kind, table_name, pk, row, owner::text AS owner, version, created_at FROM lattice_changes WHERE seq > $1::bigint ORDER BY seq LIMIT $2::int`;
    line("pullSqlPg", "feed SELECT through pg (Postgres + driver)", rows, await medianMs(() => ctx.sql.query(feedSql, [since, PAGE_SIZE + 1])));
    line("pullSqlPrisma", "the same SELECT through Prisma $queryRawUnsafe", rows, await medianMs(() => database.prisma.$queryRawUnsafe(feedSql, since, PAGE_SIZE + 1)));
    line("pullService", "pullChanges service, here (SELECT, rows → changes, head, owners)", rows, await medianMs(() => pullChanges(database.prisma, { since, limit: PAGE_SIZE })));
    // tRPC's httpLink with superjson: the server answers {result: {data: serialize(page)}}.
    const answer = JSON.stringify({ result: { data: superjson.serialize(page) } });
    line("pullEncode", "superjson.serialize + JSON.stringify of the page, here (tRPC's encoding, for comparison)", rows, await medianMs(() => JSON.stringify({ result: { data: superjson.serialize(page) } })));
    line("pullDecode", "JSON.parse + superjson.deserialize of it, here (tRPC's, for comparison)", rows, await medianMs(() => superjson.deserialize(JSON.parse(answer).result.data)));
    line("pullJsonOnly", "JSON.stringify + JSON.parse of the page alone, here", rows, await medianMs(() => JSON.parse(JSON.stringify(page))));
    line("pullTrpc", "TeamsClient.pullChanges over HTTP (GET /api/v1/sync/changes: what ships)", rows, await medianMs(() => ctx.client.pullChanges(since, PAGE_SIZE)));
    line(
      "pullJsonRoute",
      "the same page by a bare fetch of GET /api/v1/sync/changes",
      rows,
      await medianMs(async () => {
        const response = await fetch(`${ctx.cloud}/api/v1/sync/changes?since=${since}&limit=${PAGE_SIZE}`, { headers: { authorization: `Bearer ${ctx.token}` } });
        if (!response.ok) throw new Error(`GET /api/v1/sync/changes → ${response.status}`);
        await response.json();
      }),
    );
    const pull = ctx.runs.pull;
    figures.pullApply = ((pull.ms - pull.callMs!) * 1000) / pull.rows;
    out.push(`  ${"the rounds' pull: outside the HTTP calls (the engine applying pages to SQLite)".padEnd(78)} ${figures.pullApply.toFixed(1).padStart(7)} µs a row`);
    figures.pullCalls = (pull.callMs! * 1000) / pull.rows;
    out.push(`  ${"the rounds' pull: inside the HTTP calls".padEnd(78)} ${figures.pullCalls.toFixed(1).padStart(7)} µs a row`);
    figures.pullCeiling = (ctx.runs.pullCeiling.ms * 1000) / ctx.runs.pullCeiling.rows;
    out.push(`  ${"the rounds' pull ceiling, all of it".padEnd(78)} ${figures.pullCeiling.toFixed(1).padStart(7)} µs a row`);

    // ---- a push batch: PUSH_BATCH new linked rows, as the engine sends them ----
    out.push(`where the time goes: a push batch of ${PUSH_BATCH} new rows`);
    const batch = (prefix: string) =>
      Array.from({ length: PUSH_BATCH }, (_, i) => {
        const id = `${prefix}${String(i).padStart(7, "0")}`;
        return { id: crypto.randomUUID(), table: "tasks", op: "link" as const, pk: id, baseVersion: 0, row: { id, title: `Task ${i} of the benchmark`, points: i % 13, done: i % 3 === 0 } };
      });
    const entries = batch("phase-");
    const request = JSON.stringify(superjson.serialize({ entries }));
    line("pushEncode", "superjson.serialize + JSON.stringify of the entries (tRPC's, for comparison)", PUSH_BATCH, await medianMs(() => JSON.stringify(superjson.serialize({ entries }))));
    line("pushDecode", "JSON.parse + superjson.deserialize of them (tRPC's, for comparison)", PUSH_BATCH, await medianMs(() => superjson.deserialize(JSON.parse(request))));
    line("pushZod", "zod: pushInput.parse of the entries, here", PUSH_BATCH, await medianMs(() => pushInput.parse({ entries })));
    // The rows' INSERT in push.ts's shape, into the shared table (feed triggers) and into the plain
    // table (none); and the idempotency records. Each rolled back, so every run writes the same rows.
    const rowsJson = JSON.stringify(entries.map((e) => e.row));
    const insertInto = (table: string) =>
      `INSERT INTO ${table} (done, id, points, title${table.startsWith("lattice_data") ? ", _lattice_owner" : ""})
       SELECT done, id, points, title${table.startsWith("lattice_data") ? ", $2::uuid" : ""} FROM jsonb_populate_recordset(NULL::${table}, $1::jsonb)
       ON CONFLICT (id) DO UPDATE SET done = EXCLUDED.done, points = EXCLUDED.points, title = EXCLUDED.title RETURNING id`;
    const rolledBack = async (fn: () => Promise<unknown>) => {
      const runs: number[] = [];
      await ctx.sql.query("BEGIN");
      try {
        await ctx.sql.query(`SELECT set_config('lattice.actor', $1, true)`, [ctx.userId]);
        for (let run = -1; run < PHASE_RUNS; run++) {
          await ctx.sql.query("SAVEPOINT phase");
          const start = process.hrtime.bigint();
          await fn();
          if (run >= 0) runs.push(Number(process.hrtime.bigint() - start) / 1e6);
          await ctx.sql.query("ROLLBACK TO SAVEPOINT phase");
        }
      } finally {
        await ctx.sql.query("ROLLBACK");
      }
      return runs.sort((x, y) => x - y)[Math.floor(runs.length / 2)]!;
    };
    line("pushSqlShared", "Postgres: INSERT … jsonb_populate_recordset into lattice_data.tasks (feed triggers)", PUSH_BATCH, await rolledBack(() => ctx.sql.query(insertInto("lattice_data.tasks"), [rowsJson, ctx.userId])));
    line("pushSqlPlain", "Postgres: the same INSERT into a plain table (no triggers)", PUSH_BATCH, await rolledBack(() => ctx.sql.query(insertInto("bench_push_ceiling"), [rowsJson])));
    const results = JSON.stringify(entries.map((e) => ({ id: e.id, result: { id: e.id, table: "tasks", pk: e.pk, op: "link", status: "applied", version: 1 } })));
    line(
      "pushSqlResults",
      "Postgres: INSERT of the batch's idempotency records (lattice_push_results)",
      PUSH_BATCH,
      await rolledBack(() => ctx.sql.query(`INSERT INTO lattice_push_results (user_id, entry_id, result) SELECT $1::uuid, r.id, r.result FROM jsonb_to_recordset($2::jsonb) AS r(id text, result jsonb)`, [ctx.userId, results])),
    );
    const principal = { userId: ctx.userId, email: "alice@example.com", displayName: "Alice", scopes: ["*"], via: "token" as const };
    line("pushService", "pushChanges service, here (checks, one transaction, every statement)", PUSH_BATCH, await medianMs((run) => pushChanges(database.prisma, principal, { entries: batch(`phase${run}-`) })));
    const push = ctx.runs.push;
    figures.pushCalls = (push.callMs! * 1000) / push.rows;
    out.push(`  ${"the rounds' push: inside the HTTP calls".padEnd(78)} ${figures.pushCalls.toFixed(1).padStart(7)} µs a row`);
    figures.pushLocal = ((push.ms - push.callMs!) * 1000) / push.rows;
    out.push(`  ${"the rounds' push: outside them (the engine's outbox bookkeeping in SQLite)".padEnd(78)} ${figures.pushLocal.toFixed(1).padStart(7)} µs a row`);
  } finally {
    await database.close();
  }
  return { lines: out.join("\n"), figures };
}

export async function syncBench(adminUrl: string): Promise<{ lines: string[]; figures: Record<string, unknown> }> {
  const lib = await loadLibrary();
  const dbName = "lattice_bench_sync";
  const url = await freshDatabase(adminUrl, dbName);

  const root = fs.mkdtempSync(path.join(os.tmpdir(), "lattice-bench-sync-"));
  // BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the server.
  const server: RunningServer = await startServer({ databaseUrl: url, nodeArgs: process.env.BENCH_SERVER_NODE_ARGS?.split(" ").filter(Boolean) });
  const serverPid = server.process.pid!;
  const sql = new pg.Client({ connectionString: url, types: pgTypes });
  await sql.connect();
  postmaster = await findPostmaster(sql);
  const projects: SyncProject[] = [];
  const lines: string[] = [];
  const figures: Record<string, unknown> = {};
  try {
    const cloud = server.url.replace("localhost", "127.0.0.1");
    const response = await fetch(`${cloud}/api/v1/teams/register`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "alice@example.com", name: "Alice", teamName: "Bench" }),
    });
    if (!response.ok) throw new Error(`register → ${response.status} ${await response.text()}`);
    const registered = (await response.json()) as { token: string; user: { id: string } };
    const homes = { alice: path.join(root, "home-alice"), bob: path.join(root, "home-bob"), carol: path.join(root, "home-carol") };
    const aliceClient = new lib.TeamsClient({ cloud, token: registered.token, home: homes.alice });
    const member = async (name: "bob" | "carol") => {
      const email = `${name}@example.com`;
      const invitation = await aliceClient.invite({ inviteeEmail: email });
      await lib.TeamsClient.join({ cloud, token: invitation.token, email, name, home: homes[name] });
      return lib.TeamsClient.fromSaved(undefined, { home: homes[name] });
    };
    const open = async (config: string, client: TeamsClient, home: string) => {
      const project = await lib.SyncProject.open(config, client, { home, pageSize: PAGE_SIZE });
      projects.push(project);
      return project;
    };

    const alice = await open(writeProject(root, "alice", ENTITY_YAML), aliceClient, homes.alice);
    await alice.share("tasks");
    const aliceFile = path.join(root, "alice", "data", "lattice.db");
    if (!fs.existsSync(aliceFile)) throw new Error(`${aliceFile} is missing: the project's SQLite file is elsewhere`);

    lines.push(
      `sync (built server on a throwaway Postgres, built dist/lattice); ${SCHEMA_DESCRIPTION}; ${ROWS} rows a round, median of ${ROUNDS} interleaved rounds; pull pages of ${PAGE_SIZE}, push batches of ${PUSH_BATCH}; ${os.cpus().length} cores shared by client, server and Postgres (load average at the start: ${os.loadavg()[0].toFixed(1)})`,
    );

    let pushedRows = 0;
    if (PARTS.has("rounds")) {
      // Bob's project starts empty; its first sync brings the table from the share.
      const bobClient = await member("bob");
      const bob = await open(writeProject(root, "bob", "entities: {}\n"), bobClient, homes.bob);
      await bob.pull();
      const pushCalls = countCalls(aliceClient, "pushChanges");
      const pullCalls = countCalls(bob.client, "pullChanges");

      await sql.query(`CREATE TABLE bench_push_ceiling (LIKE lattice_data.tasks INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES)`);
      await sql.query(`ALTER TABLE bench_push_ceiling DROP COLUMN _lattice_owner, DROP COLUMN _lattice_version, DROP COLUMN _lattice_updated_at`);
      const ceilingTarget = openSqlite(path.join(root, "pull-ceiling.db"));
      ceilingTarget.exec(SQLITE_CEILING_DDL);

      const runs = { push: [] as Timing[], pushCeiling: [] as Timing[], pull: [] as Timing[], pullCeiling: [] as Timing[] };
      // Round 0 warms up (JIT, caches, both sides); rounds 1..ROUNDS are measured.
      for (let round = 0; round <= ROUNDS; round++) {
        const prefix = `r${round}-`;
        const rows = round === 0 ? Math.min(ROWS, 5_000) : ROWS;
        await linkRows(alice, registered.user.id, prefix, rows);
        pushCalls.ms = 0;
        pullCalls.ms = 0;
        const pushOurs = async () => {
          const t = await timed(rows, serverPid, async () => {
            const report = await alice.push();
            check("push applied", { applied: report.applied, refused: report.refused.length, stale: report.stale.length }, { applied: rows, refused: 0, stale: 0 });
          });
          return { ...t, callMs: pushCalls.ms };
        };
        const pushBare = () => timed(rows, null, async () => check("push ceiling rows", await pushCeiling(aliceFile, sql, prefix), rows));
        // Alternate which side goes first, so the VM's drift falls on both alike.
        const [push, pushC] = round % 2 ? [await pushOurs(), await pushBare()] : (([b, o]) => [o, b])([await pushBare(), await pushOurs()]);
        const pullOurs = async () => {
          const t = await timed(rows, serverPid, async () => check("pulled", (await bob.pull()).pulled, rows));
          return { ...t, callMs: pullCalls.ms };
        };
        const pullBare = () => timed(rows, null, async () => check("pull ceiling rows", await pullCeiling(sql, ceilingTarget, prefix, `${prefix}\uffff`), rows));
        const [pull, pullC] = round % 2 ? [await pullOurs(), await pullBare()] : (([b, o]) => [o, b])([await pullBare(), await pullOurs()]);
        pushedRows += rows;
        if (round === 0) continue;
        runs.push.push(push);
        runs.pushCeiling.push(pushC);
        runs.pull.push(pull);
        runs.pullCeiling.push(pullC);
      }
      // The rows arrived as they were: Bob's copy of one equals Alice's, owner and version included.
      const probe = `r1-${String(Math.min(ROWS, 4242)).padStart(7, "0")}`;
      const pick = async (p: SyncProject) => (await p.db.sqlExecutor().one(`SELECT id, title, points, done, _lattice_owner, _lattice_version FROM tasks WHERE id = ?`, [probe])) ?? null;
      check("Bob's copy of a pulled row", await pick(bob), await pick(alice));
      check("Bob's row count", Number((await bob.db.sqlExecutor().one(`SELECT count(*) AS n FROM tasks`))!.n), pushedRows);
      check("outboxes after push and pull", [await alice.status().then((s) => s.pending), await bob.status().then((s) => s.pending)], [0, 0]);
      ceilingTarget.close();

      const push = compare(`push ${ROWS} linked rows`, median(runs.push), `push ceiling (SQLite → pg INSERT ×${PUSH_BATCH})`, median(runs.pushCeiling), TARGET.push);
      const pull = compare(`pull ${ROWS} rows into SQLite`, median(runs.pull), `pull ceiling (pg pages → JSON → SQLite)`, median(runs.pullCeiling), TARGET.pull);
      lines.push(push.lines + "\n" + anchors(push.figure.ours.rowsPerSecond), pull.lines + "\n" + anchors(pull.figure.ours.rowsPerSecond));
      figures.push = push.figure;
      figures.pull = pull.figure;
      if (PARTS.has("phases")) {
        const where = await phases({ url, cloud, token: registered.token, userId: registered.user.id, client: bob.client, sql, runs: { push: median(runs.push), pull: median(runs.pull), pullCeiling: median(runs.pullCeiling) } });
        lines.push(where.lines);
        figures.phases = where.figures;
      }
    }

    if (PARTS.has("first")) {
      // The workspace grows to FIRST_SYNC_ROWS rows: the pushed ones, and the rest INSERTed straight into
      // lattice_data.tasks by SQL (the feed triggers write a change for each, as for any direct write).
      const existing = Number((await sql.query(`SELECT count(*) AS n FROM lattice_data.tasks`)).rows[0].n);
      const seeded = Math.max(0, FIRST_SYNC_ROWS - existing);
      const seedStart = process.hrtime.bigint();
      await sql.query(
        `INSERT INTO lattice_data.tasks (id, title, points, done, _lattice_owner)
         SELECT 'seed-' || lpad(i::text, 7, '0'), 'Task ' || i || ' of the benchmark', i % 13, i % 3 = 0, $2::uuid FROM generate_series(1, $1::int) i`,
        [seeded, registered.user.id],
      );
      const seedSeconds = Number(process.hrtime.bigint() - seedStart) / 1e9;
      await sql.query(`VACUUM ANALYZE lattice_changes`);
      await sql.query(`VACUUM ANALYZE lattice_data.tasks`);
      const total = Number((await sql.query(`SELECT count(*) AS n FROM lattice_data.tasks`)).rows[0].n);
      check("workspace rows", total, existing + seeded);

      const carolClient = await member("carol");
      const carolConfig = writeProject(root, "carol", "entities: {}\n");
      let carol!: SyncProject;
      let pulled = 0;
      const calls = countCalls(carolClient, "pullChanges");
      const first = await timed(total, serverPid, async () => {
        carol = await open(carolConfig, carolClient, homes.carol);
        pulled = (await carol.pull()).pulled;
      });
      first.callMs = calls.ms;
      check("first sync pulled", pulled, total);
      check("Carol's row count", Number((await carol.db.sqlExecutor().one(`SELECT count(*) AS n FROM tasks`))!.n), total);

      const ceilingTarget = openSqlite(path.join(root, "first-ceiling.db"));
      ceilingTarget.exec(SQLITE_CEILING_DDL);
      const firstC = await timed(total, null, async () => check("first sync ceiling rows", await pullCeiling(sql, ceilingTarget, "", "\uffff"), total));
      ceilingTarget.close();
      const ratio = perSecond(first) / perSecond(firstC);
      const met = first.ms / 1000 < TARGET.firstSyncSeconds;
      lines.push(
        [
          `first full sync of ${total} rows (a fresh member's empty project; ${existing} rows pushed above, ${seeded} INSERTed into lattice_data.tasks by SQL in ${seedSeconds.toFixed(1)} s, the feed written by its triggers)`,
          figureLine(`first sync ${total} rows (lattice)`, first),
          figureLine(`pull ceiling (pg pages → JSON → SQLite)`, firstC),
          `  ${(first.ms / 1000).toFixed(1)} s (target < ${TARGET.firstSyncSeconds} s: ${met ? "meets" : `misses by ${(first.ms / 1000 - TARGET.firstSyncSeconds).toFixed(1)} s`}); ratio ${ratio.toFixed(2)}× the ceiling`,
          anchors(perSecond(first)),
        ].join("\n"),
      );
      figures.firstSync = { ...figureOf(first, firstC, TARGET.firstSyncSeconds, met), rows: total, seededBySql: seeded, seedSeconds };
    }
    return { lines, figures };
  } finally {
    for (const project of projects) await project.close().catch(() => {});
    await sql.end();
    if (process.env.BENCH_SHOW_SERVER_LOG) console.log(server.logs());
    await server.stop();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const postgres = await startTestPostgres();
  try {
    const { lines, figures } = await syncBench(postgres.adminUrl);
    console.log(`\n${lines.join("\n\n")}`);
    fs.mkdirSync(".test-output", { recursive: true });
    fs.writeFileSync(".test-output/bench-sync.json", JSON.stringify(figures, null, 2));
  } finally {
    await postgres.stop();
  }
}
