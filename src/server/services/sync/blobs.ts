// The bytes of shared files rows, content-addressed: uploaded before the row is pushed, fetched by
// a puller that lacks them (and verified by the hash on both sides).
import crypto from "node:crypto";
import type { DbClient } from "../../db.ts";
import { AppError } from "../../errors.ts";

export const MAX_SYNC_BLOB_BYTES = 25 * 1024 * 1024;
export const SYNC_BLOB_TOO_LARGE = `A shared file must be at most 25 MiB (${MAX_SYNC_BLOB_BYTES} bytes).`;

export function checkSha256(sha256: string): string {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new AppError("BAD_REQUEST", "sha256 must be 64 lower-case hex digits.");
  return sha256;
}

export async function putSyncBlob(db: DbClient, sha256: string, bytes: Buffer): Promise<{ sha256: string; size: number; stored: boolean }> {
  checkSha256(sha256);
  if (bytes.length > MAX_SYNC_BLOB_BYTES) throw new AppError("PAYLOAD_TOO_LARGE", SYNC_BLOB_TOO_LARGE);
  const actual = crypto.createHash("sha256").update(bytes).digest("hex");
  if (actual !== sha256) throw new AppError("UNPROCESSABLE_CONTENT", `The body hashes to ${actual}, not ${sha256}.`);
  // Sent as base64 text: PGlite serialises a large binary parameter far slower than decode() runs.
  const stored = await db.$executeRawUnsafe(
    `INSERT INTO lattice_blobs (sha256, bytes, size) VALUES ($1, decode($2, 'base64'), $3::int) ON CONFLICT (sha256) DO NOTHING`,
    sha256,
    bytes.toString("base64"),
    bytes.length,
  );
  return { sha256, size: bytes.length, stored: stored > 0 };
}

export async function getSyncBlob(db: DbClient, sha256: string): Promise<Buffer> {
  checkSha256(sha256);
  const rows = (await db.$queryRawUnsafe(`SELECT encode(bytes, 'base64') AS bytes FROM lattice_blobs WHERE sha256 = $1`, sha256)) as { bytes: string }[];
  if (!rows[0]) throw new AppError("NOT_FOUND", `No shared file with sha256 ${sha256}.`);
  return Buffer.from(rows[0].bytes, "base64");
}

/** Which of these the workspace does not hold yet. */
export async function missingSyncBlobs(db: DbClient, hashes: string[]): Promise<string[]> {
  const wanted = [...new Set(hashes.map(checkSha256))];
  if (!wanted.length) return [];
  const rows = (await db.$queryRawUnsafe(`SELECT sha256 FROM lattice_blobs WHERE sha256 = ANY($1::text[])`, wanted)) as { sha256: string }[];
  const have = new Set(rows.map((r) => r.sha256));
  return wanted.filter((h) => !have.has(h));
}
