import type { DbClient } from "../../db.ts";

/** The one NOTIFY channel for storage changes; every server process LISTENs on it to keep its cache coherent. */
export const STORAGE_CHANNEL = "lattice_storage";

/**
 * What changed, small on purpose (NOTIFY payloads must stay under 8000 bytes; keys are capped at
 * 1024 characters): a KV key, a static bucket's current deploy, the binding table, the token table.
 */
export type StorageChange =
  | { t: "kv"; b: string; k: string }
  | { t: "kv-bucket"; b: string }
  | { t: "static"; b: string }
  | { t: "bindings" }
  | { t: "tokens" };

/** Sent inside the caller's transaction when given a `tx`: Postgres delivers it at commit, never for a rollback. */
export async function notifyStorage(db: DbClient, change: StorageChange): Promise<void> {
  await db.$executeRawUnsafe(`SELECT pg_notify('${STORAGE_CHANNEL}', $1)`, JSON.stringify(change));
}
