// Pull: the feed after a cursor, in commit order, and the current rows of a shared table. Encrypted
// columns leave the workspace decrypted (the member's library seals them with its own key).
import { z } from "zod";
import { decryptValue, isEncryptedValue } from "../../../lattice/crypto/encrypted-value.ts";
import { quoteIdentifier } from "../../../lattice/db/driver.ts";
import type { DbClient } from "../../db.ts";
import { AppError } from "../../errors.ts";
import { checkTableName, findSharedTables, fromStoredColumns, listSharedTables, notShared, qualified, sqlExecutor, type SharedTableSpec } from "./tables.ts";
import { keyText } from "./push.ts";
import { workspaceKey } from "./workspace-key.ts";

export const MAX_PULL_LIMIT = 10_000;

export const pullInput = z.strictObject({
  since: z.number({ error: "since must be a change seq (0 for the start)" }).int().min(0).max(Number.MAX_SAFE_INTEGER),
  limit: z.number().int().min(1).max(MAX_PULL_LIMIT, `limit is at most ${MAX_PULL_LIMIT}`).optional(),
});

export type ChangeKind = "share" | "upsert" | "delete" | "unlink";

export interface FeedChange {
  seq: number;
  kind: ChangeKind;
  table: string;
  /** The primary key as text; null for share. */
  pk: string | null;
  /** upsert: the row; share: { primaryKey, columns }. */
  row: Record<string, unknown> | null;
  owner: string | null;
  version: number | null;
  at: string;
}

export interface PullPage {
  changes: FeedChange[];
  /** Where the next pull starts: the last change's seq (or `since` when there was none). */
  cursor: number;
  /** The newest seq in the feed when this page was read (for progress). */
  head: number;
  more: boolean;
  /** owner id → email, for the owners in this page. */
  owners: Record<string, string>;
}

interface StoredChange {
  seq: bigint;
  kind: ChangeKind;
  table_name: string;
  pk: string | null;
  row: Record<string, unknown> | null;
  owner: string | null;
  version: bigint | null;
  created_at: Date;
}

/** Encrypted columns, opened with the workspace key (a value written in plain text by SQL stays as it is). */
function openRow(spec: SharedTableSpec | undefined, row: Record<string, unknown>): Record<string, unknown> {
  if (!spec) return row;
  for (const [name, column] of Object.entries(spec.columns)) {
    const value = row[name];
    if (column.encrypted && typeof value === "string" && isEncryptedValue(value)) {
      try {
        row[name] = decryptValue(value, workspaceKey());
      } catch {
        // Sealed with another key (written by SQL, or under an old LATTICE_ENCRYPTION_KEY): it leaves
        // as the sealed text it is, never blocking the feed; the member reads that text back.
        console.warn(`[lattice] sync: ${spec.name}.${name} of one row cannot be opened with the workspace key; sent sealed`);
      }
    }
  }
  return row;
}

/** A share's { primaryKey, columns } with the columns in their order again (stored as a list). */
function shareRow(row: Record<string, unknown>): Record<string, unknown> {
  return { primaryKey: row.primaryKey, columns: fromStoredColumns(row.columns) };
}

function hasEncrypted(spec: SharedTableSpec): boolean {
  return Object.values(spec.columns).some((c) => c.encrypted);
}

async function ownerEmails(db: DbClient, ids: Iterable<string>): Promise<Record<string, string>> {
  const wanted = [...new Set(ids)];
  if (!wanted.length) return {};
  const users = await db.user.findMany({ where: { id: { in: wanted } }, select: { id: true, email: true } });
  return Object.fromEntries(users.map((u) => [u.id, u.email]));
}

/** The changes after `since`, oldest first. Appends hold the feed lock to commit, so none can appear behind a cursor. */
export async function pullChanges(db: DbClient, raw: unknown): Promise<PullPage> {
  const { since, limit = 1000 } = pullInput.parse(raw);
  const x = sqlExecutor(db);
  const rows = (await x.all(
    `SELECT seq, kind, table_name, pk, row, owner::text AS owner, version, created_at FROM lattice_changes WHERE seq > $1::bigint ORDER BY seq LIMIT $2::int`,
    [since, limit + 1],
  )) as unknown as StoredChange[];
  const more = rows.length > limit;
  if (more) rows.pop();
  const head = Number((await x.one(`SELECT coalesce(max(seq), 0) AS head FROM lattice_changes`))!.head);
  const specs = new Map((await listSharedTables(db)).filter(hasEncrypted).map((s) => [s.name, s]));
  const changes = rows.map(
    (row): FeedChange => ({
      seq: Number(row.seq),
      kind: row.kind,
      table: row.table_name,
      pk: row.pk,
      row: row.kind === "upsert" && row.row ? openRow(specs.get(row.table_name), row.row) : row.kind === "share" && row.row ? shareRow(row.row) : row.row,
      owner: row.owner,
      version: row.version === null ? null : Number(row.version),
      at: row.created_at.toISOString(),
    }),
  );
  const owners = await ownerEmails(db, changes.flatMap((c) => (c.owner ? [c.owner] : [])));
  return { changes, cursor: changes.at(-1)?.seq ?? since, head: Math.max(head, since), more, owners };
}

export const rowsInput = z.strictObject({
  table: z.string({ error: "table is required" }).max(63),
  pks: z.array(z.union([z.string().max(1000), z.number().int()]), { error: "pks must be a list" }).min(1).max(1000, "at most 1000 pks per request"),
});

export interface CurrentRow {
  pk: string;
  row: Record<string, unknown>;
  owner: string | null;
  version: number;
}

/** The team's current version of some rows (what a refused push is restored from); absent keys are not shared. */
export async function currentRows(db: DbClient, raw: unknown): Promise<{ rows: CurrentRow[]; owners: Record<string, string> }> {
  const input = rowsInput.parse(raw);
  const table = checkTableName(input.table);
  const spec = (await findSharedTables(db, [table])).get(table);
  if (!spec) throw notShared(table);
  const keys = input.pks.map((pk, i) => keyText(spec, pk, `pks.${i}`));
  const pkType = spec.columns[spec.primaryKey]!.type === "integer" ? "bigint" : "text";
  const found = (await sqlExecutor(db).all(
    `SELECT to_jsonb(t) - '_lattice_owner' - '_lattice_version' - '_lattice_updated_at' AS row, ${quoteIdentifier(spec.primaryKey)}::text AS pk, _lattice_owner::text AS owner, _lattice_version AS version
     FROM ${qualified(table)} t WHERE ${quoteIdentifier(spec.primaryKey)} = ANY($1::${pkType}[])`,
    [keys],
  )) as { row: Record<string, unknown>; pk: string; owner: string | null; version: bigint }[];
  const rows = found.map((r) => ({ pk: r.pk, row: openRow(spec, r.row), owner: r.owner, version: Number(r.version) }));
  return { rows, owners: await ownerEmails(db, rows.flatMap((r) => (r.owner ? [r.owner] : []))) };
}

export function requireSince(value: string | null): number {
  if (value === null || value === "") return 0;
  if (!/^\d{1,15}$/.test(value)) throw new AppError("BAD_REQUEST", "since must be a change seq (a whole number ≥ 0)");
  return Number(value);
}
