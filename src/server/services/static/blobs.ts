import crypto from "node:crypto";
import type { DbClient } from "../../db.ts";
import { AppError } from "../../errors.ts";
import { requireBucket } from "../buckets/buckets.ts";
import { MAX_BLOB_BYTES, sha256Schema } from "./schemas.ts";

export const BLOB_TOO_LARGE = `A file must be at most 25 MiB (${MAX_BLOB_BYTES} bytes).`;

/**
 * Stores content-addressed bytes for one bucket after checking that they hash to the name they were
 * sent under. The bytes are kept once however many buckets upload them; the bucket is recorded as
 * one that may publish them, which is what `missingBlobs` and a deploy look at.
 */
export async function putBlob(db: DbClient, bucketName: string, sha256: string, bytes: Buffer) {
  const parsed = sha256Schema.safeParse(sha256);
  if (!parsed.success) throw new AppError("BAD_REQUEST", "sha256 must be 64 lower-case hex digits.");
  if (bytes.length > MAX_BLOB_BYTES) throw new AppError("PAYLOAD_TOO_LARGE", BLOB_TOO_LARGE);
  const actual = crypto.createHash("sha256").update(bytes).digest("hex");
  if (actual !== sha256) throw new AppError("UNPROCESSABLE_CONTENT", `The body hashes to ${actual}, not ${sha256}.`);
  const bucket = await requireBucket(db, "static", bucketName);
  const stored = await db.staticBlob.findUnique({ where: { sha256 }, select: { sha256: true } });
  if (stored) {
    // The uploader has shown it holds the bytes; they are kept once, so only the bucket is recorded.
    await db.$executeRawUnsafe(`INSERT INTO static_bucket_blobs (bucket_id, sha256) VALUES ($1::uuid, $2) ON CONFLICT DO NOTHING`, bucket.id, sha256);
  } else {
    // Sent as base64 text: PGlite serialises a 25 MiB binary parameter ~10x slower than decode() runs.
    await db.$executeRawUnsafe(
      `WITH stored AS (INSERT INTO static_blobs (sha256, bytes, size) VALUES ($1, decode($2, 'base64'), $3::int) ON CONFLICT (sha256) DO NOTHING)
       INSERT INTO static_bucket_blobs (bucket_id, sha256) VALUES ($4::uuid, $1) ON CONFLICT DO NOTHING`,
      sha256, bytes.toString("base64"), bytes.length, bucket.id,
    );
  }
  return { sha256, size: bytes.length };
}

/**
 * Which of these hashes the bucket cannot publish yet (step 1 of a deploy). A blob that only another
 * bucket uploaded counts as missing: the answer must not tell a token what other buckets hold.
 */
export async function missingBlobs(db: DbClient, bucketId: string, hashes: string[]): Promise<string[]> {
  const wanted = [...new Set(hashes)];
  if (!wanted.length) return [];
  const present = await db.staticBucketBlob.findMany({ where: { bucketId, sha256: { in: wanted } }, select: { sha256: true } });
  const have = new Set(present.map((b) => b.sha256));
  return wanted.filter((h) => !have.has(h));
}
