import crypto from "node:crypto";
import type { DbClient } from "../../db.ts";
import { AppError } from "../../errors.ts";
import { MAX_BLOB_BYTES, sha256Schema } from "./schemas.ts";

/** Stores content-addressed bytes after checking that they hash to the name they were sent under. */
export async function putBlob(db: DbClient, sha256: string, bytes: Buffer) {
  const parsed = sha256Schema.safeParse(sha256);
  if (!parsed.success) throw new AppError("BAD_REQUEST", "sha256 must be 64 lower-case hex digits.");
  if (bytes.length > MAX_BLOB_BYTES) throw new AppError("PAYLOAD_TOO_LARGE", "A file must be at most 25 MiB.");
  const actual = crypto.createHash("sha256").update(bytes).digest("hex");
  if (actual !== sha256) throw new AppError("UNPROCESSABLE_CONTENT", `The body hashes to ${actual}, not ${sha256}.`);
  await db.$executeRawUnsafe(
    `INSERT INTO static_blobs (sha256, bytes, size) VALUES ($1, $2, $3::int) ON CONFLICT (sha256) DO NOTHING`,
    sha256, bytes, bytes.length,
  );
  return { sha256, size: bytes.length };
}

/** Which of these hashes the server does not hold yet (step 1 of a deploy). */
export async function missingBlobs(db: DbClient, hashes: string[]): Promise<string[]> {
  const wanted = [...new Set(hashes)];
  if (!wanted.length) return [];
  const present = await db.staticBlob.findMany({ where: { sha256: { in: wanted } }, select: { sha256: true } });
  const have = new Set(present.map((b) => b.sha256));
  return wanted.filter((h) => !have.has(h));
}
