import type { DbClient, PrismaClient } from "../../db.ts";
import { requireBucket } from "../buckets/buckets.ts";
import { deleteKvEntry, kvEtag, listKvKeys, putKvEntry, requireKvEntry } from "./entries.ts";
import { keyInput, listKeysInput, putKeyInput } from "./schemas.ts";

// The object editor's operations, addressed by bucket name (tRPC and the JSON routes).

export async function listKeys(db: DbClient, raw: { bucket: string; prefix?: string; cursor?: string; limit?: number }) {
  const input = listKeysInput.parse(raw);
  const bucket = await requireBucket(db, "kv", input.bucket);
  return listKvKeys(db, bucket.id, input);
}

export async function getKey(db: DbClient, raw: { bucket: string; key: string }) {
  const input = keyInput.parse(raw);
  const bucket = await requireBucket(db, "kv", input.bucket);
  const entry = await requireKvEntry(db, bucket.id, bucket.name, input.key);
  return { ...entry, etag: kvEtag(entry.version) };
}

export async function putKey(prisma: PrismaClient, raw: { bucket: string; key: string; value?: unknown; expiresIn?: number; ifMatch?: string; ifNoneMatch?: "*" }) {
  const input = putKeyInput.parse(raw);
  const bucket = await requireBucket(prisma, "kv", input.bucket);
  const written = await putKvEntry(prisma, bucket.id, input.key, input.value, input);
  return { ...written, etag: kvEtag(written.version) };
}

export async function deleteKey(prisma: PrismaClient, raw: { bucket: string; key: string }) {
  const input = keyInput.parse(raw);
  const bucket = await requireBucket(prisma, "kv", input.bucket);
  return deleteKvEntry(prisma, bucket.id, bucket.name, input.key);
}
