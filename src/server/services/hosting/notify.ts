import type { DbClient } from "../../db.ts";

/** The one NOTIFY channel for storage changes; every server process LISTENs on it to keep its cache coherent. */
export const STORAGE_CHANNEL = "lattice_storage";

/**
 * What changed, small on purpose (NOTIFY payloads must stay under 8000 bytes; keys are capped at
 * 1024 characters): a KV key, a static bucket's current deploy, the binding table, the token table.
 */
export type StorageChange =
  | { t: "kv"; b: string; k: string }
  | { t: "kv-keys"; b: string; ks: string[] }
  | { t: "kv-bucket"; b: string }
  | { t: "static"; b: string }
  | { t: "bindings" }
  | { t: "tokens" }
  /** Everything may have changed (the team was destroyed): drop every cached thing. */
  | { t: "all" };

/** Sent inside the caller's transaction when given a `tx`: Postgres delivers it at commit, never for a rollback. */
export async function notifyStorage(db: DbClient, change: StorageChange): Promise<void> {
  await db.$executeRawUnsafe(`SELECT pg_notify('${STORAGE_CHANNEL}', $1)`, JSON.stringify(change));
}

type LocalListener = (change: StorageChange) => void;
// Both bundles (the server entry and Next's) share one set per process, hence globalThis.
const local = globalThis as unknown as { __latticeStorageListeners?: Set<LocalListener> };
const listeners = (local.__latticeStorageListeners ??= new Set());

/**
 * A committed change, told to this process's caches at once: the NOTIFY takes a round trip through
 * Postgres, and a client that reads its own write on this server must not see the old value meanwhile.
 */
export function announceStorageChange(change: StorageChange): void {
  for (const listener of listeners) listener(change);
}

export function onLocalStorageChange(listener: LocalListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
