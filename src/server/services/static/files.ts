import crypto from "node:crypto";
import type { DbClient, PrismaClient } from "../../db.ts";
import { AppError } from "../../errors.ts";
import { requireBucket } from "../buckets/buckets.ts";
import { notifyStorage } from "../hosting/notify.ts";
import { BLOB_TOO_LARGE, putBlob } from "./blobs.ts";
import { contentTypeFor, publishDeploy } from "./deploys.ts";
import { INLINE_CONTENT_BYTES, MAX_BLOB_BYTES, fileInput, putFileInput } from "./schemas.ts";

function encodeCursor(path: string): string {
  return Buffer.from(path, "utf8").toString("base64url");
}

function decodeCursor(cursor: string): string {
  const path = Buffer.from(cursor, "base64url").toString("utf8");
  if (!path || encodeCursor(path) !== cursor) throw new AppError("BAD_REQUEST", "cursor is not one this server returned.");
  return path;
}

/** Files of the bucket's current deploy, in byte order, `limit` at a time. */
export async function listStaticFiles(db: DbClient, bucketName: string, options: { prefix?: string; cursor?: string; limit?: number } = {}) {
  const bucket = await requireBucket(db, "static", bucketName);
  const limit = options.limit ?? 100;
  if (!bucket.currentDeployId) return { files: [], cursor: null, deployId: null };
  const rows = await db.$queryRawUnsafe<{ path: string; sha256: string; size: number; content_type: string }[]>(
    `SELECT path, sha256, size, content_type FROM static_files
     WHERE deploy_id = $1::uuid AND ($2::text IS NULL OR starts_with(path, $2::text))
       AND ($3::text IS NULL OR path COLLATE "C" > $3::text COLLATE "C")
     ORDER BY path COLLATE "C" LIMIT $4::int`,
    bucket.currentDeployId, options.prefix || null, options.cursor ? decodeCursor(options.cursor) : null, limit + 1,
  );
  const page = rows.slice(0, limit);
  return {
    files: page.map((r) => ({ path: r.path, sha256: r.sha256, size: Number(r.size), contentType: r.content_type })),
    cursor: rows.length > limit ? encodeCursor(page[page.length - 1]!.path) : null,
    deployId: bucket.currentDeployId,
  };
}

/** One file's metadata, with its content as base64 when it is at most 1 MiB. */
export async function getStaticFile(db: DbClient, raw: { bucket: string; path: string }) {
  const { bucket: bucketName, path } = fileInput.parse(raw);
  const bucket = await requireBucket(db, "static", bucketName);
  const file = bucket.currentDeployId
    ? await db.staticFile.findUnique({ where: { deployId_path: { deployId: bucket.currentDeployId, path } } })
    : null;
  if (!file) throw new AppError("NOT_FOUND", `No file "${path}" in bucket "${bucketName}".`);
  let contentBase64: string | null = null;
  if (file.size <= INLINE_CONTENT_BYTES) {
    const blob = await db.staticBlob.findUniqueOrThrow({ where: { sha256: file.sha256 } });
    contentBase64 = Buffer.from(blob.bytes).toString("base64");
  }
  return { path: file.path, sha256: file.sha256, size: file.size, contentType: file.contentType, etag: `"${file.sha256}"`, contentBase64 };
}

/**
 * Editing one object publishes a new deploy: the current files with this one added, replaced or
 * removed, switched in one transaction like any deploy (and so open to rollback).
 */
async function editCurrentDeploy(prisma: PrismaClient, bucketName: string, edit: (files: Map<string, { path: string; sha256: string; size: number; contentType: string }>) => void) {
  return prisma.$transaction(
    async (tx) => {
      const found = await requireBucket(tx, "static", bucketName);
      await tx.$queryRawUnsafe(`SELECT id FROM buckets WHERE id = $1::uuid FOR UPDATE`, found.id);
      const bucket = await tx.bucket.findUniqueOrThrow({ where: { id: found.id } });
      const current = bucket.currentDeployId
        ? await tx.staticFile.findMany({ where: { deployId: bucket.currentDeployId }, select: { path: true, sha256: true, size: true, contentType: true } })
        : [];
      const files = new Map(current.map((f) => [f.path, f]));
      edit(files);
      if (files.size === 0) {
        // An empty bucket serves nothing; keep the old deploy for rollback.
        await tx.bucket.update({ where: { id: bucket.id }, data: { currentDeployId: null, previousDeployId: bucket.currentDeployId } });
        await notifyStorage(tx, { t: "static", b: bucket.id });
        return { id: null as string | null, fileCount: 0, unchanged: false };
      }
      const deploy = await publishDeploy(tx, bucket, [...files.values()]);
      return { id: deploy.id as string | null, fileCount: deploy.fileCount, unchanged: deploy.unchanged };
    },
    { timeout: 60_000 },
  );
}

/**
 * Uploads one file's raw bytes and publishes it. The same bytes and content type at the same path
 * publish nothing (`unchanged: true`), so rollback still reaches the real previous content.
 */
export async function putStaticFile(prisma: PrismaClient, raw: { bucket: string; path: string; contentType?: string }, bytes: Buffer) {
  const input = putFileInput.parse(raw);
  if (bytes.length > MAX_BLOB_BYTES) throw new AppError("PAYLOAD_TOO_LARGE", BLOB_TOO_LARGE);
  const sha256 = crypto.createHash("sha256").update(bytes).digest("hex");
  await putBlob(prisma, input.bucket, sha256, bytes);
  const contentType = input.contentType ?? contentTypeFor(input.path);
  let created = true;
  const deploy = await editCurrentDeploy(prisma, input.bucket, (files) => {
    created = !files.has(input.path);
    files.set(input.path, { path: input.path, sha256, size: bytes.length, contentType });
  });
  return { path: input.path, sha256, size: bytes.length, contentType, etag: `"${sha256}"`, created, unchanged: deploy.unchanged, deployId: deploy.id };
}

export async function deleteStaticFile(prisma: PrismaClient, raw: { bucket: string; path: string }) {
  const { bucket, path } = fileInput.parse(raw);
  const deploy = await editCurrentDeploy(prisma, bucket, (files) => {
    if (!files.delete(path)) throw new AppError("NOT_FOUND", `No file "${path}" in bucket "${bucket}".`);
  });
  return { path, deleted: true, deployId: deploy.id };
}
