// Sync's bookkeeping inside a SQLite project: the outbox that triggers fill as linked rows change
// (by the library or by raw SQL on the file), the replay flag that keeps pulled writes out of it,
// the cursor, the shared tables' specs, in-flight push entries and the last refusals.
import type { ColumnSpec } from "../config/config.ts";
import { quoteIdentifier, type SqlExecutor } from "../db/driver.ts";

export const STATE_TABLES = `
CREATE TABLE IF NOT EXISTS _lattice_sync_state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS _lattice_replay (id INTEGER PRIMARY KEY CHECK (id = 1), active INTEGER NOT NULL DEFAULT 0);
INSERT OR IGNORE INTO _lattice_replay (id, active) VALUES (1, 0);
CREATE TABLE IF NOT EXISTS _lattice_outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT, entity TEXT NOT NULL, pk TEXT NOT NULL, op TEXT NOT NULL,
  base_version INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')));
CREATE INDEX IF NOT EXISTS _lattice_outbox_row ON _lattice_outbox (entity, pk, id);
CREATE TABLE IF NOT EXISTS _lattice_inflight (
  entry_id TEXT PRIMARY KEY, entity TEXT NOT NULL, pk TEXT NOT NULL, op TEXT NOT NULL, base_version INTEGER NOT NULL, max_outbox_id INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS _lattice_shared (entity TEXT PRIMARY KEY, primary_key TEXT NOT NULL, columns TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS _lattice_owners (id TEXT PRIMARY KEY, email TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS _lattice_refusals (
  entity TEXT NOT NULL, pk TEXT NOT NULL, status TEXT NOT NULL, reason TEXT NOT NULL, at TEXT NOT NULL, restored INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (entity, pk));
`;

export async function ensureStateTables(x: SqlExecutor): Promise<void> {
  for (const statement of STATE_TABLES.split(";").map((s) => s.trim()).filter(Boolean)) await x.run(statement);
}

/** Inside a replay transaction: the triggers see the flag and capture nothing (the seed's _isReplaying). */
export async function setReplaying(x: SqlExecutor, active: boolean): Promise<void> {
  await x.run(`UPDATE _lattice_replay SET active = ? WHERE id = 1`, [active ? 1 : 0]);
}

function literal(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** The sync columns and the capture triggers of one shared table (idempotent). */
export async function installCapture(x: SqlExecutor, entity: string, primaryKey: string): Promise<void> {
  const table = quoteIdentifier(entity);
  const columns = new Set((await x.all(`SELECT name FROM pragma_table_info(?)`, [entity])).map((r) => r.name as string));
  if (!columns.has("_lattice_owner")) await x.run(`ALTER TABLE ${table} ADD COLUMN _lattice_owner TEXT`);
  if (!columns.has("_lattice_version")) await x.run(`ALTER TABLE ${table} ADD COLUMN _lattice_version INTEGER NOT NULL DEFAULT 0`);
  const pk = `json_quote(OLD.${quoteIdentifier(primaryKey)})`;
  const notReplaying = `(SELECT active FROM _lattice_replay WHERE id = 1) = 0`;
  await x.run(
    `CREATE TRIGGER IF NOT EXISTS ${quoteIdentifier(`_lattice_capture_update_${entity}`)} AFTER UPDATE ON ${table}
     WHEN OLD._lattice_owner IS NOT NULL AND NEW._lattice_owner IS NOT NULL AND ${notReplaying}
     BEGIN INSERT INTO _lattice_outbox (entity, pk, op, base_version) VALUES (${literal(entity)}, ${pk}, 'upsert', OLD._lattice_version); END`,
  );
  await x.run(
    `CREATE TRIGGER IF NOT EXISTS ${quoteIdentifier(`_lattice_capture_delete_${entity}`)} AFTER DELETE ON ${table}
     WHEN OLD._lattice_owner IS NOT NULL AND ${notReplaying}
     BEGIN INSERT INTO _lattice_outbox (entity, pk, op, base_version) VALUES (${literal(entity)}, ${pk}, 'delete', OLD._lattice_version); END`,
  );
}

export async function getState(x: SqlExecutor, key: string): Promise<string | null> {
  const row = await x.one(`SELECT value FROM _lattice_sync_state WHERE key = ?`, [key]);
  return row ? (row.value as string) : null;
}

export async function setState(x: SqlExecutor, key: string, value: string): Promise<void> {
  await x.run(`INSERT INTO _lattice_sync_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, [key, value]);
}

export interface LocalShared {
  entity: string;
  primaryKey: string;
  columns: Record<string, ColumnSpec>;
}

export async function sharedTables(x: SqlExecutor): Promise<LocalShared[]> {
  const rows = await x.all(`SELECT entity, primary_key, columns FROM _lattice_shared ORDER BY entity`);
  return rows.map((r) => ({ entity: r.entity as string, primaryKey: r.primary_key as string, columns: JSON.parse(r.columns as string) }));
}

export async function recordShared(x: SqlExecutor, shared: LocalShared): Promise<void> {
  await x.run(
    `INSERT INTO _lattice_shared (entity, primary_key, columns) VALUES (?, ?, ?) ON CONFLICT (entity) DO UPDATE SET primary_key = excluded.primary_key, columns = excluded.columns`,
    [shared.entity, shared.primaryKey, JSON.stringify(shared.columns)],
  );
}
