import type { DbClient, PrismaClient } from "../../db.ts";
import { requireBucket } from "../buckets/buckets.ts";
import { deleteKvEntry, kvEtag, listKvKeys, putKvEntry, requireKvEntry } from "./entries.ts";
import { keyInput, listKeysInput, putKeyInput } from "./schemas.ts";
import { checkedValueText } from "./value-text.ts";

// The object editor's operations, addressed by bucket name (tRPC and the JSON routes).

export async function listKeys(db: DbClient, raw: { bucket: string; prefix?: string; cursor?: string; limit?: number }) {
  const input = listKeysInput.parse(raw);
  const bucket = await requireBucket(db, "kv", input.bucket);
  return listKvKeys(db, bucket.id, input);
}

/**
 * An entry with its value twice: `valueText`, the exact JSON text, and `value`, that text parsed
 * (for scripts; a number beyond 2^53 loses digits there, so the CLI and the dashboard use valueText).
 */
export async function getKey(db: DbClient, raw: { bucket: string; key: string }) {
  const input = keyInput.parse(raw);
  const bucket = await requireBucket(db, "kv", input.bucket);
  const entry = await requireKvEntry(db, bucket.id, bucket.name, input.key);
  return { ...entry, value: JSON.parse(entry.valueText) as unknown, etag: kvEtag(entry.version) };
}

export async function putKey(
  prisma: PrismaClient,
  raw: { bucket: string; key: string; value?: unknown; valueText?: string; expiresIn?: number; keepTtl?: boolean; ifMatch?: string; ifNoneMatch?: "*" },
) {
  const input = putKeyInput.parse(raw);
  const valueText = input.valueText !== undefined ? checkedValueText(input.valueText) : JSON.stringify(input.value);
  const bucket = await requireBucket(prisma, "kv", input.bucket);
  const written = await putKvEntry(prisma, bucket.id, input.key, valueText, input);
  return { ...written, value: JSON.parse(written.valueText) as unknown, etag: kvEtag(written.version) };
}

export async function deleteKey(prisma: PrismaClient, raw: { bucket: string; key: string }) {
  const input = keyInput.parse(raw);
  const bucket = await requireBucket(prisma, "kv", input.bucket);
  return deleteKvEntry(prisma, bucket.id, bucket.name, input.key);
}

