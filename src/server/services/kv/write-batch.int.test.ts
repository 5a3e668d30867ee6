import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../../test/support/database.ts";
import { openDatabase, type Database, type SqlRunner } from "../../db.ts";
import { applyMigrations } from "../../db/migrate.ts";
import { createBucket } from "../buckets/buckets.ts";
import { STORAGE_CHANNEL } from "../hosting/notify.ts";
import { KvWriteBatcher } from "./write-batch.ts";

/** The runner, counting the statements that reach the database. */
function counting(sql: SqlRunner): SqlRunner & { statements: number } {
  const counted = {
    statements: 0,
    exec: (text: string) => sql.exec(text),
    query: <T,>(text: string, params?: unknown[], prepared?: string) => {
      counted.statements++;
      return sql.query<T>(text, params, prepared);
    },
    withSession: <T,>(fn: (session: SqlRunner) => Promise<T>) => sql.withSession(fn),
  };
  return counted;
}

async function rows(database: Database, bucketId: string) {
  return database.sql.query<{ key: string; value: unknown; version: number }>(
    "SELECT key, value, version FROM kv_entries WHERE bucket_id = $1::uuid ORDER BY key",
    [bucketId],
  );
}

describe("KV group commit on Postgres", () => {
  let t: TestDatabase;
  let bucketId: string;
  beforeAll(async () => {
    t = await createTestDatabase();
    bucketId = (await createBucket(t.database.prisma, "kv", { name: "config" })).id;
  });
  afterAll(async () => t?.drop());

  it("lands 300 concurrent writes to 10 keys in arrival order, each with its own version and created flag", async () => {
    const sql = counting(t.database.sql);
    const batcher = new KvWriteBatcher(sql, 2);
    const writes = Array.from({ length: 300 }, (_, i) => ({ key: `k${i % 10}`, n: i }));
    const results = await Promise.all(writes.map((w) => batcher.put(bucketId, w.key, JSON.stringify({ n: w.n }), null)));

    for (let k = 0; k < 10; k++) {
      const mine = results.filter((_, i) => writes[i]!.key === `k${k}`);
      expect(mine.map((r) => r.version)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1)); // in the order they were issued
      expect(mine.map((r) => r.created)).toEqual([true, ...Array(29).fill(false)]);
    }
    const stored = await rows(t.database, bucketId);
    expect(stored.map((r) => [r.key, r.value, r.version])).toEqual(Array.from({ length: 10 }, (_, k) => [`k${k}`, { n: 290 + k }, 30]));
    // A key's writes go one per statement (in order), but each statement carries several keys.
    expect(sql.statements).toBeLessThan(100);
  });

  it("sends 300 concurrent writes to distinct keys in a handful of statements", async () => {
    const sql = counting(t.database.sql);
    const batcher = new KvWriteBatcher(sql, 2);
    const results = await Promise.all(Array.from({ length: 300 }, (_, i) => batcher.put(bucketId, `d${i}`, String(i), null)));
    expect(results.every((r) => r.created && r.version === 1)).toBe(true);
    expect(sql.statements).toBeLessThanOrEqual(4);
    expect((await rows(t.database, bucketId)).filter((r) => r.key.startsWith("d"))).toHaveLength(300);
  });

  it("sends a write at once when nothing is running (no waiting for a batch to fill)", async () => {
    const sql = counting(t.database.sql);
    const batcher = new KvWriteBatcher(sql, 2);
    const written = await batcher.put(bucketId, "alone", '"x"', null);
    expect(written).toMatchObject({ version: 1, created: true });
    expect(sql.statements).toBe(1);
  });

  it("notifies every written key, so other servers' caches drop them: one NOTIFY per batch, or one per key when long keys would not fit", async () => {
    const seen: string[][] = [];
    const stop = await t.database.listen(STORAGE_CHANNEL, (payload) => {
      const change = JSON.parse(payload) as { t: string; b: string; k?: string; ks?: string[] };
      if (change.b === bucketId && change.t === "kv") seen.push([change.k!]);
      if (change.b === bucketId && change.t === "kv-keys") seen.push(change.ks!);
    });
    const waitFor = async (count: number) => {
      for (let i = 0; i < 100 && seen.flat().length < count; i++) await new Promise((r) => setTimeout(r, 20));
    };
    const batcher = new KvWriteBatcher(t.database.sql, 1);
    const first = batcher.put(bucketId, "n0", "0", null); // alone; the next four go as one batch
    await Promise.all([first, ...["n1", "n2", "n3", "n4"].map((key) => batcher.put(bucketId, key, "1", null))]);
    await waitFor(5);
    expect(seen).toEqual([["n0"], ["n1", "n2", "n3", "n4"]]);

    seen.length = 0;
    const long = Array.from({ length: 8 }, (_, i) => `long-${i}-${"x".repeat(1000)}`);
    const lead = batcher.put(bucketId, "lead", "0", null);
    await Promise.all([lead, ...long.map((key) => batcher.put(bucketId, key, "1", null))]);
    await waitFor(9);
    await stop();
    expect(seen.slice(1).map((keys) => keys.length)).toEqual(Array(8).fill(1)); // 8 NOTIFYs of one key each
    expect(seen.slice(1).flat().sort()).toEqual([...long].sort());
  });

  it("one bad write in a batch fails alone; the others land", async () => {
    const batcher = new KvWriteBatcher(t.database.sql, 1);
    const first = batcher.put(bucketId, "b0", "0", null); // runs alone; the rest queue into one batch
    const good = ["b1", "b2", "b3"].map((key) => batcher.put(bucketId, key, "1", null));
    const bad = expect(batcher.put("00000000-0000-0000-0000-000000000000", "orphan", "1", null)).rejects.toThrow(/foreign key|violates/); // no such bucket
    await first;
    expect((await Promise.all(good)).map((r) => r.created)).toEqual([true, true, true]);
    await bad;
    expect((await rows(t.database, bucketId)).filter((r) => r.key.startsWith("b")).map((r) => r.key)).toEqual(["b0", "b1", "b2", "b3"]);
  });

  it("an expired entry written again counts as created and keeps counting versions", async () => {
    const batcher = new KvWriteBatcher(t.database.sql, 1);
    await batcher.put(bucketId, "ttl", "1", new Date(Date.now() - 1000).toISOString());
    const again = await batcher.put(bucketId, "ttl", "2", null);
    expect(again).toMatchObject({ version: 2, created: true });
  });
});

describe("KV group commit on embedded PGlite", () => {
  let database: Database;
  beforeAll(async () => {
    database = openDatabase({ dataDir: fs.mkdtempSync(path.join(os.tmpdir(), "lattice-pglite-")) });
    await applyMigrations(database.sql);
  });
  afterAll(async () => database?.close());

  it("batches on the single connection too", async () => {
    const bucketId = (await createBucket(database.prisma, "kv", { name: "local" })).id;
    const batcher = new KvWriteBatcher(database.sql, 1);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => batcher.put(bucketId, `k${i % 4}`, JSON.stringify(i), null)));
    expect(results.map((r) => r.version)).toEqual(Array.from({ length: 20 }, (_, i) => Math.floor(i / 4) + 1));
    expect((await rows(database, bucketId)).map((r) => [r.key, r.value])).toEqual([
      ["k0", 16],
      ["k1", 17],
      ["k2", 18],
      ["k3", 19],
    ]);
  });
});
