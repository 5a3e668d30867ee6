import type { DbClient, PrismaClient, SqlRunner } from "../../db.ts";
import { AppError } from "../../errors.ts";
import { announceStorageChange, notifyStorage, STORAGE_CHANNEL, type StorageChange } from "../hosting/notify.ts";
import { MAX_KV_VALUE_BYTES } from "./schemas.ts";
import type { KvWriteBatcher } from "./write-batch.ts";

export interface KvEntryView {
  key: string;
  /** The value's JSON text, exactly as it was written. */
  valueText: string;
  version: number;
  updatedAt: Date;
  expiresAt: Date | null;
}

/** `"<version>"`: the ETag of a KV entry, used for compare-and-swap. */
export function kvEtag(version: number): string {
  return `"${version}"`;
}

function parseEtag(etag: string): number {
  const match = /^(?:W\/)?"?(\d{1,9})"?$/.exec(etag.trim());
  if (!match) throw new AppError("PRECONDITION_FAILED", `If-Match must be an ETag this server returned, such as "3".`);
  return Number(match[1]);
}

/** One live entry (expired ones do not exist), or null. */
export async function getKvEntry(db: DbClient, bucketId: string, key: string): Promise<KvEntryView | null> {
  // value::text: the driver would JSON.parse a json column (big numbers lose digits).
  const rows = await db.$queryRawUnsafe<{ value_text: string; version: number; updated_at: Date; expires_at: Date | null }[]>(
    `SELECT value::text AS value_text, version, updated_at, expires_at FROM kv_entries WHERE bucket_id = $1::uuid AND key = $2`,
    bucketId, key,
  );
  const row = rows[0];
  const expiresAt = row?.expires_at ? new Date(row.expires_at) : null;
  if (!row || (expiresAt && expiresAt <= new Date())) return null;
  return { key, valueText: row.value_text, version: Number(row.version), updatedAt: new Date(row.updated_at), expiresAt };
}

export async function requireKvEntry(db: DbClient, bucketId: string, bucketName: string, key: string): Promise<KvEntryView> {
  const entry = await getKvEntry(db, bucketId, key);
  if (!entry) throw new AppError("NOT_FOUND", `No key "${key}" in bucket "${bucketName}".`);
  return entry;
}

export interface PutKvOptions {
  expiresIn?: number;
  /** Compare-and-swap: write only if the live entry has this ETag. */
  ifMatch?: string;
  /** `*`: create only; refused if a live entry exists. */
  ifNoneMatch?: "*";
  /** Without expiresIn: keep the live entry's expiry instead of clearing it (the dashboard's edit). */
  keepTtl?: boolean;
  /** Plain SQL access: the bound-host hot path skips Prisma's raw-query layer with it. */
  sql?: SqlRunner;
  /** Group commit for plain writes (no conditions), as the bound-host path uses. */
  batcher?: KvWriteBatcher;
}

/**
 * Writes one entry in a single statement, so concurrent writers cannot lose each other's CAS:
 * an expired entry counts as absent, and its version keeps counting up (an old ETag never matches again).
 * `valueText` is stored as it is: the caller has checked it is one JSON value (checkedValueText, readKvPutBody).
 */
export async function putKvEntry(prisma: PrismaClient, bucketId: string, key: string, valueText: string, options: PutKvOptions = {}) {
  if (Buffer.byteLength(valueText) > MAX_KV_VALUE_BYTES) throw new AppError("PAYLOAD_TOO_LARGE", "A KV value must be at most 1 MiB of JSON.");
  const expiresAt = options.expiresIn ? new Date(Date.now() + options.expiresIn * 1000).toISOString() : null;
  const keepTtl = Boolean(options.keepTtl) && !expiresAt;
  type Row = { version: number; updated_at: Date; expires_at: Date | null; created: boolean };
  // One statement, one round trip: the write and its NOTIFY (delivered at commit, only if a row
  // was written) — the PUT path's cost is this statement.
  const notify = JSON.stringify({ t: "kv", b: bucketId, k: key } satisfies StorageChange);
  const query = (text: string, ...params: unknown[]) =>
    options.sql ? options.sql.query<Row>(text, params) : prisma.$queryRawUnsafe<Row[]>(text, ...params);
  let rows: Row[];
  if (options.ifMatch !== undefined) {
    rows = await query(
      `WITH w AS (
         UPDATE kv_entries SET value = $3::json, version = version + 1, updated_at = now(),
           expires_at = CASE WHEN $7::bool THEN expires_at ELSE $4::timestamptz END
         WHERE bucket_id = $1::uuid AND key = $2 AND version = $5::int AND (expires_at IS NULL OR expires_at > now())
         RETURNING version, updated_at, expires_at, false AS created)
       SELECT w.version, w.updated_at, w.expires_at, w.created, pg_notify('${STORAGE_CHANNEL}', $6) IS NULL AS notified FROM w`,
      bucketId, key, valueText, expiresAt, parseEtag(options.ifMatch), notify, keepTtl,
    );
  } else if (options.ifNoneMatch === undefined && options.batcher && !keepTtl) {
    const written = await options.batcher.put(bucketId, key, valueText, expiresAt);
    rows = [{ version: written.version, updated_at: written.updatedAt, expires_at: expiresAt ? new Date(expiresAt) : null, created: written.created }];
  } else {
    const onlyIfAbsent = options.ifNoneMatch === "*" ? "WHERE kv_entries.expires_at IS NOT NULL AND kv_entries.expires_at <= now()" : "";
    rows = await query(
      `WITH previous AS (SELECT (expires_at IS NULL OR expires_at > now()) AS live FROM kv_entries WHERE bucket_id = $1::uuid AND key = $2),
       w AS (
         INSERT INTO kv_entries (bucket_id, key, value, version, updated_at, expires_at)
         VALUES ($1::uuid, $2, $3::json, 1, now(), $4::timestamptz)
         ON CONFLICT (bucket_id, key) DO UPDATE
           SET value = EXCLUDED.value, version = kv_entries.version + 1, updated_at = now(),
             -- keepTtl keeps only a live expiry: an expired entry written again is a new one.
             expires_at = CASE WHEN $6::bool AND kv_entries.expires_at > now() THEN kv_entries.expires_at ELSE EXCLUDED.expires_at END
           ${onlyIfAbsent}
         RETURNING version, updated_at, expires_at, NOT coalesce((SELECT live FROM previous), false) AS created)
       SELECT w.version, w.updated_at, w.expires_at, w.created, pg_notify('${STORAGE_CHANNEL}', $5) IS NULL AS notified FROM w`,
      bucketId, key, valueText, expiresAt, notify, keepTtl,
    );
  }
  const row = rows[0];
  if (row) announceStorageChange({ t: "kv", b: bucketId, k: key });
  if (!row) {
    throw new AppError(
      "PRECONDITION_FAILED",
      options.ifMatch !== undefined ? `Key "${key}" changed since that ETag (or no longer exists).` : `Key "${key}" already exists.`,
    );
  }
  return {
    key,
    valueText,
    version: Number(row.version),
    updatedAt: new Date(row.updated_at),
    expiresAt: row.expires_at ? new Date(row.expires_at) : null,
    created: Boolean(row.created),
  };
}

export async function deleteKvEntry(prisma: PrismaClient, bucketId: string, bucketName: string, key: string) {
  const { count } = await prisma.kvEntry.deleteMany({
    where: { bucketId, key, OR: [{ expiresAt: null }, { expiresAt: { gt: new Date() } }] },
  });
  // An expired leftover goes too, silently.
  if (count === 0) {
    await prisma.kvEntry.deleteMany({ where: { bucketId, key } });
    throw new AppError("NOT_FOUND", `No key "${key}" in bucket "${bucketName}".`);
  }
  const change = { t: "kv", b: bucketId, k: key } as const;
  await notifyStorage(prisma, change);
  announceStorageChange(change);
  return { key, deleted: true };
}

function encodeCursor(key: string): string {
  return Buffer.from(key, "utf8").toString("base64url");
}

function decodeCursor(cursor: string): string {
  const key = Buffer.from(cursor, "base64url").toString("utf8");
  if (!key || encodeCursor(key) !== cursor) throw new AppError("BAD_REQUEST", "cursor is not one this server returned.");
  return key;
}

/** Live keys in byte order ("C" collation), `limit` at a time; `cursor` is null on the last page. */
export async function listKvKeys(db: DbClient, bucketId: string, options: { prefix?: string; cursor?: string; limit?: number } = {}) {
  const limit = options.limit ?? 100;
  const after = options.cursor ? decodeCursor(options.cursor) : null;
  const rows = await db.$queryRawUnsafe<{ key: string; updated_at: Date; version: number; expires_at: Date | null }[]>(
    `SELECT key, updated_at, version, expires_at FROM kv_entries
     WHERE bucket_id = $1::uuid AND (expires_at IS NULL OR expires_at > now())
       AND ($2::text IS NULL OR starts_with(key, $2::text))
       AND ($3::text IS NULL OR key COLLATE "C" > $3::text COLLATE "C")
     ORDER BY key COLLATE "C" LIMIT $4::int`,
    bucketId, options.prefix || null, after, limit + 1,
  );
  const page = rows.slice(0, limit);
  return {
    keys: page.map((r) => ({ key: r.key, updatedAt: new Date(r.updated_at), version: Number(r.version), expiresAt: r.expires_at ? new Date(r.expires_at) : null })),
    cursor: rows.length > limit ? encodeCursor(page[page.length - 1]!.key) : null,
  };
}
