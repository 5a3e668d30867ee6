// What the dashboard shows of the team's shared data: the tables with their row counts and owners,
// a page of one table's rows, and the newest changes of the feed. Values are shortened in SQL and
// encrypted columns are masked there too, so a secret never leaves Postgres on this path (not
// even sealed) and a huge json or blob value is never read whole.
import { z } from "zod";
import type { ColumnType } from "../../../lattice/config/config.ts";
import { quoteIdentifier } from "../../../lattice/db/driver.ts";
import type { DbClient } from "../../db.ts";
import { AppError } from "../../errors.ts";
import { keyText } from "./push.ts";
import { checkTableName, findSharedTables, listSharedTables, notShared, qualified, sqlExecutor, SYNC_SCHEMA, type SharedTableSpec } from "./tables.ts";

export const MAX_PAGE = 200;
const DEFAULT_PAGE = 50;
/** Characters of a text or json value shown before "…". */
export const SHOWN_CHARS = 120;

/**
 * A value as shown: text and json cut to SHOWN_CHARS (json as its text), an encrypted column as
 * `{encrypted: true}` (null stays null: there is no secret to hide), a blob as its size.
 */
export type ShownValue = string | number | boolean | null | { encrypted: true } | { bytes: number };

export interface SharedTableOwner {
  /** null: rows written by direct SQL on the team's Postgres (nobody owns them). */
  userId: string | null;
  /** null when the owner's account is gone (or for direct SQL). */
  email: string | null;
  rows: number;
}

export interface SharedTableSummary {
  name: string;
  primaryKey: string;
  columns: { name: string; type: ColumnType; nullable: boolean; encrypted: boolean }[];
  rows: number;
  /** Most rows first. */
  owners: SharedTableOwner[];
  sharedBy: string | null;
  sharedAt: Date;
  /** The newest change of the table in the feed (a share counts). */
  lastChangeAt: Date | null;
  /** Registered but not in lattice_data: dropped outside Lattice. */
  missing: boolean;
}

const tableName = z.string({ error: "table is required" }).max(200, "table is too long (63 characters at most)");
const pageLimit = z.coerce
  .number({ error: "limit must be a number" })
  .int("limit must be a whole number")
  .min(1, "limit must be at least 1")
  .max(MAX_PAGE, `limit must be at most ${MAX_PAGE}`);
/** A query string's empty parameter (`?after=`) means the parameter is absent. */
const blankIsAbsent = (value: unknown) => (value === "" ? undefined : value);

export const browseInput = z.strictObject({
  table: tableName,
  limit: z.preprocess(blankIsAbsent, pageLimit.optional()),
  /** The last primary key of the previous page (its `next`). */
  after: z.preprocess(blankIsAbsent, z.union([z.string().max(1000, "after is too long"), z.number().int()], { error: "after must be a primary key" }).optional()),
});

export const feedInput = z.strictObject({
  limit: z.preprocess(blankIsAbsent, pageLimit.optional()),
  /** The `next` of the previous page: changes with a lower seq. */
  before: z.preprocess(blankIsAbsent, z.coerce.number({ error: "before must be a change seq" }).int("before must be a whole number").min(1, "before must be at least 1").max(Number.MAX_SAFE_INTEGER).optional()),
  table: z.preprocess(blankIsAbsent, tableName.optional()),
});

function describeColumns(spec: SharedTableSpec): SharedTableSummary["columns"] {
  return Object.entries(spec.columns).map(([name, c]) => ({ name, type: c.type, nullable: c.nullable, encrypted: c.encrypted === true }));
}

/** Registered tables whose real table is in lattice_data. */
async function presentTables(db: DbClient, names: string[]): Promise<Set<string>> {
  if (!names.length) return new Set();
  const rows = (await sqlExecutor(db).all(`SELECT name FROM unnest($1::text[]) AS name WHERE to_regclass(format('%I.%I', $2::text, name)) IS NOT NULL`, [names, SYNC_SCHEMA])) as { name: string }[];
  return new Set(rows.map((r) => r.name));
}

export async function sharedTablesOverview(db: DbClient): Promise<SharedTableSummary[]> {
  const specs = await listSharedTables(db);
  if (!specs.length) return [];
  const x = sqlExecutor(db);
  const present = await presentTables(db, specs.map((s) => s.name));
  // One statement for every table's owners: a scan per table, grouped by owner.
  const counted = specs.filter((s) => present.has(s.name));
  const owners = counted.length
    ? ((await x.all(
        `SELECT o.table_name, o.owner, u.email, o.n FROM (${counted
          .map((s, i) => `SELECT $${i + 1}::text AS table_name, _lattice_owner AS owner, count(*) AS n FROM ${qualified(s.name)} GROUP BY _lattice_owner`)
          .join(" UNION ALL ")}) o LEFT JOIN users u ON u.id = o.owner ORDER BY o.n DESC, u.email NULLS LAST`,
        counted.map((s) => s.name),
      )) as { table_name: string; owner: string | null; email: string | null; n: bigint }[])
    : [];
  const last = (await x.all(
    `SELECT t.name, c.created_at FROM unnest($1::text[]) AS t(name)
     LEFT JOIN LATERAL (SELECT created_at FROM lattice_changes WHERE table_name = t.name ORDER BY seq DESC LIMIT 1) c ON true`,
    [specs.map((s) => s.name)],
  )) as { name: string; created_at: Date | null }[];
  const lastChange = new Map(last.map((r) => [r.name, r.created_at]));
  const sharers = await db.user.findMany({ where: { id: { in: specs.flatMap((s) => (s.sharedBy ? [s.sharedBy] : [])) } }, select: { id: true, email: true } });
  const sharerEmail = new Map(sharers.map((u) => [u.id, u.email]));

  return specs.map((spec) => {
    const mine = owners.filter((o) => o.table_name === spec.name).map((o) => ({ userId: o.owner, email: o.email, rows: Number(o.n) }));
    return {
      name: spec.name,
      primaryKey: spec.primaryKey,
      columns: describeColumns(spec),
      rows: mine.reduce((sum, o) => sum + o.rows, 0),
      owners: mine,
      sharedBy: spec.sharedBy ? (sharerEmail.get(spec.sharedBy) ?? null) : null,
      sharedAt: spec.createdAt,
      lastChangeAt: lastChange.get(spec.name) ?? null,
      missing: !present.has(spec.name),
    };
  });
}

/** `left(text, n)` with "…" when it was longer. */
function shortened(textSql: string): string {
  return `CASE WHEN length(${textSql}) > ${SHOWN_CHARS} THEN left(${textSql}, ${SHOWN_CHARS}) || '…' ELSE ${textSql} END`;
}

const ENCRYPTED = `'{"encrypted": true}'::jsonb`;

/** The SQL of one column's shown value (a jsonb), computed in Postgres. */
function shownColumn(name: string, type: ColumnType, encrypted: boolean): string {
  const col = `t.${quoteIdentifier(name)}`;
  if (encrypted) return `CASE WHEN ${col} IS NULL THEN NULL ELSE ${ENCRYPTED} END`;
  if (type === "blob") return `CASE WHEN ${col} IS NULL THEN NULL ELSE jsonb_build_object('bytes', octet_length(${col})) END`;
  if (type === "json") return `to_jsonb(${shortened(`${col}::text`)})`;
  // A sealed value in a column not marked encrypted (written so by SQL, or before the flag): still a secret.
  if (type === "text") return `CASE WHEN left(${col}, 4) = 'enc:' THEN ${ENCRYPTED} ELSE to_jsonb(${shortened(col)}) END`;
  return `to_jsonb(${col})`;
}

export interface BrowsedRow {
  pk: string;
  values: Record<string, ShownValue>;
  /** null: written by direct SQL. */
  ownerId: string | null;
  ownerEmail: string | null;
  version: number;
  updatedAt: Date;
}

export interface BrowsePage {
  table: string;
  primaryKey: string;
  columns: SharedTableSummary["columns"];
  rows: BrowsedRow[];
  /** The `after` of the next page; null on the last page. */
  next: string | null;
}

/** One page of a shared table, in primary-key order (keyset: a page costs the same deep in the table). */
export async function browseSharedTable(db: DbClient, raw: unknown): Promise<BrowsePage> {
  const input = browseInput.parse(raw);
  const table = checkTableName(input.table);
  const spec = (await findSharedTables(db, [table])).get(table);
  if (!spec) throw notShared(table);
  if (!(await presentTables(db, [table])).has(table)) {
    throw new AppError("NOT_FOUND", `Table "${table}" is shared but lattice_data.${table} is gone (dropped outside Lattice); share it again to re-create it.`);
  }
  const limit = input.limit ?? DEFAULT_PAGE;
  const pkType = spec.columns[spec.primaryKey]!.type === "integer" ? "bigint" : "text";
  const pk = `t.${quoteIdentifier(spec.primaryKey)}`;
  const columns = describeColumns(spec);
  const params: unknown[] = [limit + 1];
  let where = "";
  if (input.after !== undefined) {
    params.push(keyText(spec, input.after, "after"));
    where = `WHERE ${pk} > $2::${pkType}`;
  }
  const rows = (await sqlExecutor(db).all(
    `SELECT ${pk}::text AS pk, t._lattice_owner::text AS owner, u.email, t._lattice_version AS version, t._lattice_updated_at AS updated_at,
       ${columns.map((c, i) => `${shownColumn(c.name, c.type, c.encrypted)} AS c${i}`).join(", ")}
     FROM ${qualified(table)} t LEFT JOIN users u ON u.id = t._lattice_owner ${where} ORDER BY ${pk} LIMIT $1::int`,
    params,
  )) as Record<string, unknown>[];
  const more = rows.length > limit;
  if (more) rows.pop();
  return {
    table,
    primaryKey: spec.primaryKey,
    columns,
    rows: rows.map((r) => ({
      pk: r.pk as string,
      values: Object.fromEntries(columns.map((c, i) => [c.name, r[`c${i}`] as ShownValue])),
      ownerId: r.owner as string | null,
      ownerEmail: r.email as string | null,
      version: Number(r.version),
      updatedAt: r.updated_at as Date,
    })),
    next: more ? (rows.at(-1)!.pk as string) : null,
  };
}

export interface ShownChange {
  seq: number;
  kind: "share" | "upsert" | "delete" | "unlink";
  table: string;
  /** null for a share. */
  pk: string | null;
  /** upsert: the row as shown; null otherwise. */
  values: Record<string, ShownValue> | null;
  /** share: the table's primary key and columns as shared then. */
  shared: { primaryKey: string; columns: string[] } | null;
  /** Who made the change; null: direct SQL on the team's Postgres. */
  actorId: string | null;
  actorEmail: string | null;
  /** The row's owner (before a delete or unlink); null: direct SQL. */
  ownerId: string | null;
  ownerEmail: string | null;
  version: number | null;
  at: Date;
}

export interface FeedPage {
  changes: ShownChange[];
  /** The `before` of the next (older) page; null when this page reaches the start. */
  next: number | null;
}

/** How each shared table's special columns are shown: { table: { column: "encrypted" | "blob" } }. */
function columnKinds(specs: SharedTableSpec[]): Record<string, Record<string, "encrypted" | "blob">> {
  const kinds: Record<string, Record<string, "encrypted" | "blob">> = {};
  for (const spec of specs) {
    for (const [name, c] of Object.entries(spec.columns)) {
      if (c.encrypted || c.type === "blob") (kinds[spec.name] ??= {})[name] = c.encrypted ? "encrypted" : "blob";
    }
  }
  return kinds;
}

/** The newest changes first, each row shortened and its secrets masked. */
export async function recentChanges(db: DbClient, raw: unknown): Promise<FeedPage> {
  const input = feedInput.parse(raw);
  const limit = input.limit ?? DEFAULT_PAGE;
  const specs = await listSharedTables(db);
  let table: string | undefined;
  if (input.table !== undefined) {
    table = checkTableName(input.table);
    if (!specs.some((s) => s.name === table)) throw notShared(table);
  }
  const text = `(e.value #>> '{}')`;
  const kind = `($2::jsonb -> c.table_name ->> e.key)`;
  // A value is masked when its column is encrypted now, or when it is sealed text (a column's flag
  // may have changed since that change was written): the feed keeps every row ever written.
  const shown = `CASE
      WHEN e.value = 'null'::jsonb THEN e.value
      WHEN ${kind} = 'encrypted' OR (jsonb_typeof(e.value) = 'string' AND left(${text}, 4) = 'enc:') THEN ${ENCRYPTED}
      WHEN ${kind} = 'blob' AND jsonb_typeof(e.value) = 'string' THEN jsonb_build_object('bytes', greatest(length(${text}) - 2, 0) / 2)
      WHEN jsonb_typeof(e.value) = 'string' THEN to_jsonb(${shortened(text)})
      WHEN jsonb_typeof(e.value) IN ('object', 'array') THEN to_jsonb(${shortened("e.value::text")})
      ELSE e.value END`;
  const params: unknown[] = [limit + 1, JSON.stringify(columnKinds(specs))];
  const where: string[] = [];
  if (input.before !== undefined) where.push(`c.seq < $${params.push(input.before)}::bigint`);
  if (table !== undefined) where.push(`c.table_name = $${params.push(table)}`);
  const rows = (await sqlExecutor(db).all(
    `SELECT c.seq, c.kind, c.table_name, c.pk, c.version, c.created_at,
       c.actor_id::text AS actor_id, au.email AS actor_email, c.owner::text AS owner_id, ou.email AS owner_email,
       CASE WHEN c.kind = 'upsert' AND jsonb_typeof(c.row) = 'object' THEN (SELECT jsonb_object_agg(e.key, ${shown}) FROM jsonb_each(c.row) e) END AS shown,
       CASE WHEN c.kind = 'share' THEN c.row ->> 'primaryKey' END AS share_pk,
       CASE WHEN c.kind = 'share' AND jsonb_typeof(c.row -> 'columns') = 'array'
         THEN (SELECT jsonb_agg(col ->> 'name' ORDER BY i) FROM jsonb_array_elements(c.row -> 'columns') WITH ORDINALITY AS a(col, i)) END AS share_columns
     FROM lattice_changes c LEFT JOIN users au ON au.id = c.actor_id LEFT JOIN users ou ON ou.id = c.owner
     ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY c.seq DESC LIMIT $1::int`,
    params,
  )) as Record<string, unknown>[];
  const more = rows.length > limit;
  if (more) rows.pop();
  const changes = rows.map(
    (r): ShownChange => ({
      seq: Number(r.seq),
      kind: r.kind as ShownChange["kind"],
      table: r.table_name as string,
      pk: r.pk as string | null,
      values: (r.shown as Record<string, ShownValue> | null) ?? null,
      shared: r.kind === "share" ? { primaryKey: r.share_pk as string, columns: (r.share_columns as string[] | null) ?? [] } : null,
      actorId: r.actor_id as string | null,
      actorEmail: r.actor_email as string | null,
      ownerId: r.owner_id as string | null,
      ownerEmail: r.owner_email as string | null,
      version: r.version === null ? null : Number(r.version),
      at: r.created_at as Date,
    }),
  );
  return { changes, next: more ? changes.at(-1)!.seq : null };
}
