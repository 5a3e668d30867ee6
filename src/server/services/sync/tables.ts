// Shared tables: a member's entity, registered once and kept as a real table in lattice_data with
// the sync columns and the triggers that write the feed. Sharing again evolves it additively.
import { validateLatticeConfig, identifierProblem, type ColumnSpec, type EntitySpec } from "../../../lattice/config/config.ts";
import { LatticeError } from "../../../lattice/config/errors.ts";
import { quoteIdentifier, type SqlExecutor } from "../../../lattice/db/driver.ts";
import { applyEntity } from "../../../lattice/db/schema.ts";
import type { DbClient, PrismaClient } from "../../db.ts";
import { AppError } from "../../errors.ts";
import type { Principal } from "../../auth/principal.ts";

export const SYNC_SCHEMA = "lattice_data";
/** pg_advisory_xact_lock key of the feed (the migration's lattice_feed_lock() takes the same one). */
export const FEED_LOCK = 4217001;
export const SYNC_COLUMNS = ["_lattice_owner", "_lattice_version", "_lattice_updated_at"] as const;
/** A shared table's primary key is text or integer: the feed and the outbox carry it as text. */
const KEY_TYPES = new Set(["text", "integer"]);
/** Interactive transactions of sync wait for the feed lock behind other writers. */
export const SYNC_TRANSACTION = { maxWait: 30_000, timeout: 60_000 } as const;

/**
 * A sync transaction; one that could not finish in time (the feed lock held by a long SQL
 * transaction on the team's database) is a 503 that says so, with nothing applied.
 */
export async function syncTransaction<T>(prisma: PrismaClient, fn: (tx: DbClient) => Promise<T>): Promise<T> {
  try {
    return await prisma.$transaction((tx) => fn(tx), SYNC_TRANSACTION);
  } catch (error) {
    if ((error as { code?: string }).code === "P2028") {
      throw new AppError(
        "SERVICE_UNAVAILABLE",
        "The team's database is busy: a transaction has held the shared tables for over a minute (a long SQL transaction on lattice_data?). Nothing was applied; try again.",
        { cause: error },
      );
    }
    throw error;
  }
}

export interface SharedTableSpec extends EntitySpec {
  sharedBy: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export function qualified(table: string): string {
  return `${quoteIdentifier(SYNC_SCHEMA)}.${quoteIdentifier(table)}`;
}

/** Library code (schema evolution) runs on a Prisma transaction through this. */
export function sqlExecutor(tx: DbClient): SqlExecutor {
  return {
    dialect: "postgres",
    all: (sql, params = []) => tx.$queryRawUnsafe(sql, ...params),
    one: async (sql, params = []) => ((await tx.$queryRawUnsafe(sql, ...params)) as Record<string, unknown>[])[0],
    run: (sql, params = []) => tx.$executeRawUnsafe(sql, ...params),
  };
}

/** A table name from a client: the library's identifier rules, refused with what is wrong. */
export function checkTableName(name: unknown): string {
  if (typeof name !== "string" || name === "") throw new AppError("BAD_REQUEST", "table is required");
  const problem = identifierProblem(name);
  if (problem) throw new AppError("BAD_REQUEST", `table ${problem}`);
  return name;
}

/** The entity a member shares, checked with lattice.config.yml's own rules. */
export function parseTableSpec(input: { table: unknown; primaryKey?: unknown; columns: unknown }): EntitySpec {
  const name = checkTableName(input.table);
  let spec: EntitySpec;
  try {
    const config = validateLatticeConfig({ entities: { [name]: { primaryKey: input.primaryKey, columns: input.columns } } }, { file: "shared table", baseDir: "/" });
    spec = config.entities[name]!;
  } catch (error) {
    if (error instanceof LatticeError) throw new AppError("BAD_REQUEST", error.message.replace(/^shared table: entities\./, ""));
    throw error;
  }
  const keyType = spec.columns[spec.primaryKey]!.type;
  if (!KEY_TYPES.has(keyType)) {
    throw new AppError("BAD_REQUEST", `${name}: a shared table's primary key must be text or integer (${spec.primaryKey} is ${keyType})`);
  }
  return spec;
}

/**
 * Columns are stored as a list, [{name, type, …}], because jsonb does not keep an object's key
 * order and the order is the table's (and every member's config's).
 */
export type StoredColumns = (ColumnSpec & { name: string })[];

export function toStoredColumns(columns: Record<string, ColumnSpec>): StoredColumns {
  return Object.entries(columns).map(([name, spec]) => ({ name, ...spec }));
}

export function fromStoredColumns(stored: unknown): Record<string, ColumnSpec> {
  return Object.fromEntries((stored as StoredColumns).map(({ name, ...spec }) => [name, spec]));
}

function fromRow(row: { name: string; primaryKey: string; columns: unknown; sharedById: string | null; createdAt: Date; updatedAt: Date }): SharedTableSpec {
  return {
    name: row.name,
    primaryKey: row.primaryKey,
    columns: fromStoredColumns(row.columns),
    sharedBy: row.sharedById,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export async function listSharedTables(db: DbClient): Promise<SharedTableSpec[]> {
  const rows = await db.sharedTable.findMany({ orderBy: { name: "asc" } });
  return rows.map(fromRow);
}

export async function findSharedTables(db: DbClient, names: string[]): Promise<Map<string, SharedTableSpec>> {
  const rows = await db.sharedTable.findMany({ where: { name: { in: [...new Set(names)] } } });
  return new Map(rows.map((row) => [row.name, fromRow(row)]));
}

export function notShared(table: string): AppError {
  return new AppError("NOT_FOUND", `Table "${table}" is not shared with the team: share it first (lattice teams share --table ${table}).`);
}

async function tableExists(x: SqlExecutor, table: string): Promise<boolean> {
  return (await x.one(`SELECT to_regclass($1) IS NOT NULL AS found`, [qualified(table)]))!.found === true;
}

/** Sync columns and the feed triggers; idempotent (sharing again re-creates the same triggers). */
async function installSync(x: SqlExecutor, spec: EntitySpec): Promise<void> {
  const table = qualified(spec.name);
  const pk = spec.primaryKey.replaceAll("'", "''");
  await x.run(
    `ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS _lattice_owner uuid, ADD COLUMN IF NOT EXISTS _lattice_version bigint NOT NULL DEFAULT 0,
     ADD COLUMN IF NOT EXISTS _lattice_updated_at timestamptz NOT NULL DEFAULT now()`,
  );
  await x.run(`CREATE INDEX IF NOT EXISTS ${quoteIdentifier(`${spec.name.slice(0, 40)}_lattice_owner_idx`)} ON ${table} (_lattice_owner)`);
  // The feed lock before the statement's first row lock: a writer never holds a row another waits
  // on while it queues for the lock (no deadlock between two pushes).
  await x.run(`CREATE OR REPLACE TRIGGER lattice_feed_lock BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION public.lattice_feed_lock()`);
  await x.run(`CREATE OR REPLACE TRIGGER lattice_row_version BEFORE INSERT OR UPDATE ON ${table} FOR EACH ROW EXECUTE FUNCTION public.lattice_row_version()`);
  // The feed, once per statement from its transition tables (one INSERT into the feed, not one per row).
  await x.run(`CREATE OR REPLACE TRIGGER lattice_feed_inserted AFTER INSERT ON ${table} REFERENCING NEW TABLE AS lattice_new FOR EACH STATEMENT EXECUTE FUNCTION public.lattice_feed_inserted('${pk}')`);
  await x.run(
    `CREATE OR REPLACE TRIGGER lattice_feed_updated AFTER UPDATE ON ${table} REFERENCING OLD TABLE AS lattice_old NEW TABLE AS lattice_new FOR EACH STATEMENT EXECUTE FUNCTION public.lattice_feed_updated('${pk}')`,
  );
  await x.run(`CREATE OR REPLACE TRIGGER lattice_feed_deleted AFTER DELETE ON ${table} REFERENCING OLD TABLE AS lattice_old FOR EACH STATEMENT EXECUTE FUNCTION public.lattice_feed_deleted('${pk}')`);
  await x.run(`CREATE OR REPLACE TRIGGER lattice_truncate_feed BEFORE TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION public.lattice_truncate_feed('${pk}')`);
}

export interface ShareResult {
  table: string;
  /** True the first time: the table was registered (and made, unless it was already there). */
  created: boolean;
  addedColumns: string[];
  rows: number;
  primaryKey: string;
  columns: Record<string, ColumnSpec>;
}

/**
 * Registers `spec` as a shared table, or evolves the registered one additively (new columns, new
 * indexes). A removed column, a changed type or primary key is refused, and nothing changes.
 */
export async function shareTable(prisma: PrismaClient, principal: Principal, raw: { table: unknown; primaryKey?: unknown; columns: unknown }): Promise<ShareResult> {
  const spec = parseTableSpec(raw);
  return syncTransaction(prisma, async (tx) => {
    const x = sqlExecutor(tx);
    await x.one(`SELECT 1 AS locked FROM pg_advisory_xact_lock(${FEED_LOCK})`);
    // The same lock a Postgres-backed Lattice takes to apply its schema on this database.
    await x.one(`SELECT 1 AS locked FROM pg_advisory_xact_lock(hashtext('lattice_data schema'))`);
    await x.one(`SELECT set_config('lattice.actor', $1, true)`, [principal.userId]);
    await x.run(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(SYNC_SCHEMA)}`);
    const registered = await tx.sharedTable.findUnique({ where: { name: spec.name } });
    if (registered && registered.primaryKey !== spec.primaryKey) {
      throw new AppError("CONFLICT", `${spec.name}: the team's table has primary key ${registered.primaryKey}, yours says ${spec.primaryKey}; changing the primary key is not automatic: share a new table and copy the rows`);
    }
    const before = registered ? fromStoredColumns(registered.columns) : {};
    // The team's columns stay: a member whose config lacks one has not pulled it yet.
    const missing = Object.keys(before).filter((name) => !(name in spec.columns));
    if (missing.length) {
      throw new AppError("CONFLICT", `${spec.name}: the team's table has column${missing.length > 1 ? "s" : ""} ${missing.join(", ")} that your config does not list; pull first (lattice teams pull) to get the team's columns, then share again`);
    }
    const existed = await tableExists(x, spec.name);
    try {
      await applyEntity(x, spec);
    } catch (error) {
      if (error instanceof LatticeError) {
        // The library speaks of its own database and config; here they are the team's table and yours.
        const message = error.message.replace(/^entities\./, "").replaceAll("in the database", "in the team's table").replaceAll("in the config", "in yours");
        throw new AppError("CONFLICT", message);
      }
      throw error;
    }
    await installSync(x, spec);
    const addedColumns = Object.keys(spec.columns).filter((name) => registered && !(name in before));
    const columns = toStoredColumns(spec.columns) as object[];
    if (registered) await tx.sharedTable.update({ where: { name: spec.name }, data: { columns, updatedAt: new Date() } });
    else await tx.sharedTable.create({ data: { name: spec.name, primaryKey: spec.primaryKey, columns, sharedById: principal.userId } });
    if (!registered || addedColumns.length) {
      await tx.syncChange.create({ data: { kind: "share", tableName: spec.name, row: { primaryKey: spec.primaryKey, columns }, actorId: principal.userId } });
    }
    // A table that was already in the database (a migrated project, a Postgres-backed Lattice): its
    // rows become team data, each a change in the feed after the share.
    if (!registered && existed) await x.run(`UPDATE ${qualified(spec.name)} SET _lattice_version = _lattice_version`);
    const rows = Number((await x.one(`SELECT count(*) AS n FROM ${qualified(spec.name)}`))!.n);
    return { table: spec.name, created: !registered, addedColumns, rows, primaryKey: spec.primaryKey, columns: spec.columns };
  });
}

/**
 * A removed member's rows leave the team with them: unlinked (deleted from the shared tables, an
 * "unlink" in the feed for each) inside the removal's transaction.
 */
export async function unlinkRowsOwnedBy(tx: DbClient, userId: string, actorId: string): Promise<number> {
  const tables = await tx.sharedTable.findMany({ select: { name: true } });
  if (!tables.length) return 0;
  const x = sqlExecutor(tx);
  await x.one(`SELECT 1 AS locked FROM pg_advisory_xact_lock(${FEED_LOCK})`);
  await x.one(`SELECT set_config('lattice.actor', $1, true), set_config('lattice.delete_kind', 'unlink', true)`, [actorId]);
  let removed = 0;
  for (const { name } of tables) removed += await x.run(`DELETE FROM ${qualified(name)} WHERE _lattice_owner = $1::uuid`, [userId]);
  await x.one(`SELECT set_config('lattice.delete_kind', '', true)`);
  return removed;
}

/** Destroying the team: every shared table (the real tables too), the feed, push results and blobs. */
export async function dropSharedData(tx: DbClient): Promise<void> {
  const x = sqlExecutor(tx);
  await x.one(`SELECT 1 AS locked FROM pg_advisory_xact_lock(${FEED_LOCK})`);
  for (const { name } of await tx.sharedTable.findMany({ select: { name: true } })) await x.run(`DROP TABLE IF EXISTS ${qualified(name)}`);
  await tx.sharedTable.deleteMany({});
  await tx.syncChange.deleteMany({});
  await tx.syncPushResult.deleteMany({});
  await tx.syncBlob.deleteMany({});
}
