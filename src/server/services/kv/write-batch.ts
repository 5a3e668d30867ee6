import type { SqlRunner } from "../../db.ts";
import { STORAGE_CHANNEL } from "../hosting/notify.ts";

export interface BatchedWrite {
  version: number;
  updatedAt: Date;
  created: boolean;
}

interface Pending {
  bucketId: string;
  key: string;
  json: string;
  expiresAt: string | null;
  resolve(result: BatchedWrite): void;
  reject(error: unknown): void;
}

type Row = { n: string | number; version: number; updated_at: Date | string; created: boolean };

// Group commit for plain KV PUTs (no If-Match / If-None-Match). Writes that arrive while
// `maxInFlight` statements are already running wait and then go together, as one multi-row
// upsert: one round trip, one commit, one NOTIFY flush for the lot. Under light load every write
// goes alone at once, so nothing waits for a batch to fill. Each write is still answered only
// after its own commit, with its own version and `created` flag; other servers hear of every key.
const BATCH_SQL = `
WITH input AS (
  SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[]) WITH ORDINALITY AS t(bucket_id, key, value, expires_at, n)
), previous AS (
  SELECT e.bucket_id, e.key, (e.expires_at IS NULL OR e.expires_at > now()) AS live
  FROM kv_entries e JOIN input i ON e.bucket_id = i.bucket_id AND e.key = i.key
), w AS (
  INSERT INTO kv_entries (bucket_id, key, value, version, updated_at, expires_at)
  SELECT bucket_id, key, value::json, 1, now(), expires_at FROM input ORDER BY bucket_id, key
  ON CONFLICT (bucket_id, key) DO UPDATE
    SET value = EXCLUDED.value, version = kv_entries.version + 1, updated_at = now(), expires_at = EXCLUDED.expires_at
  RETURNING bucket_id, key, version, updated_at
), notified AS (
  -- One NOTIFY per bucket naming every written key when they fit ($5), else one per key.
  SELECT pg_notify('${STORAGE_CHANNEL}', json_build_object('t', 'kv-keys', 'b', bucket_id, 'ks', json_agg(key))::text) FROM w WHERE $5::bool GROUP BY bucket_id
  UNION ALL
  SELECT pg_notify('${STORAGE_CHANNEL}', json_build_object('t', 'kv', 'b', bucket_id, 'k', key)::text) FROM w WHERE NOT $5::bool
)
SELECT i.n, w.version, w.updated_at, NOT coalesce(p.live, false) AS created, (SELECT count(*) FROM notified) AS notifications
FROM input i JOIN w ON w.bucket_id = i.bucket_id AND w.key = i.key
LEFT JOIN previous p ON p.bucket_id = i.bucket_id AND p.key = i.key`;

/** NOTIFY payloads must stay under 8000 bytes; keys beyond this (as JSON) get one NOTIFY each. */
const AGGREGATED_NOTIFY_BYTES = 6000;

export class KvWriteBatcher {
  private queue: Pending[] = [];
  private inFlight = 0;
  /** Keys with a write in a running statement: later writes of theirs wait, so they land in order. */
  private busyKeys = new Map<string, number>();

  constructor(
    private readonly sql: SqlRunner,
    private readonly maxInFlight: number,
    private readonly maxBatch = 256,
  ) {}

  put(bucketId: string, key: string, json: string, expiresAt: string | null): Promise<BatchedWrite> {
    return new Promise((resolve, reject) => {
      this.queue.push({ bucketId, key, json, expiresAt, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const batch = this.take();
      if (batch.length === 0) return; // everything queued waits for a running write of its key
      void this.run(batch);
    }
  }

  /**
   * The next batch, in arrival order. A key already in this batch or in a running one waits: one
   * statement cannot upsert a row twice, and a key's writes must land in the order they came.
   */
  private take(): Pending[] {
    const batch: Pending[] = [];
    const rest: Pending[] = [];
    const seen = new Set<string>();
    for (const write of this.queue) {
      const id = writeId(write);
      if (batch.length < this.maxBatch && !seen.has(id) && !this.busyKeys.has(id)) batch.push(write);
      else rest.push(write);
      seen.add(id); // later writes of a held-back key stay behind it
    }
    this.queue = rest;
    return batch;
  }

  private async run(batch: Pending[]): Promise<void> {
    this.inFlight++;
    for (const write of batch) this.busyKeys.set(writeId(write), (this.busyKeys.get(writeId(write)) ?? 0) + 1);
    try {
      const keys = batch.map((w) => w.key);
      const rows = await this.sql.query<Row>(BATCH_SQL, [
        batch.map((w) => w.bucketId),
        keys,
        batch.map((w) => w.json),
        batch.map((w) => w.expiresAt),
        Buffer.byteLength(JSON.stringify(keys)) <= AGGREGATED_NOTIFY_BYTES,
      ], "lattice_kv_batch_put");
      const byIndex = new Map(rows.map((row) => [Number(row.n), row]));
      batch.forEach((write, i) => {
        const row = byIndex.get(i + 1);
        if (!row) return write.reject(new Error("the batched KV write returned no row"));
        write.resolve({ version: Number(row.version), updatedAt: new Date(row.updated_at), created: Boolean(row.created) });
      });
    } catch (error) {
      // One bad write (or a deadlock between batches) must not fail the others: each goes alone.
      if (batch.length === 1) batch[0]!.reject(error);
      else for (const write of batch) void this.run([write]);
    } finally {
      this.inFlight--;
      for (const write of batch) {
        const id = writeId(write);
        const count = this.busyKeys.get(id)! - 1;
        if (count === 0) this.busyKeys.delete(id);
        else this.busyKeys.set(id, count);
      }
      this.pump();
    }
  }
}

function writeId(write: Pending): string {
  return `${write.bucketId}\0${write.key}`;
}
