import mime from "mime-types";
import type { PrismaClient } from "../../db.ts";
import type { Prisma } from "../../db/generated/client.ts";
import { AppError } from "../../errors.ts";
import { notifyStorage } from "../hosting/notify.ts";
import { requireBucket } from "../buckets/buckets.ts";
import { checkDeployInput, createDeployInput, MAX_BLOB_BYTES, MAX_DEPLOY_FILES, type DeployFileInput } from "./schemas.ts";
import { missingBlobs } from "./blobs.ts";
import { HEADERS_FILE, MAX_HEADERS_FILE_BYTES, parseHeadersFile, type HeaderRule } from "./header-rules.ts";

type Tx = Prisma.TransactionClient;

export function contentTypeFor(path: string): string {
  return mime.contentType(path.split("/").pop() ?? "") || "application/octet-stream";
}

/** Step 1: which blobs the client must upload before it can deploy. */
export async function checkDeploy(prisma: PrismaClient, bucketName: string, raw: { files: { path: string; sha256: string; size: number }[] }) {
  const { files } = checkDeployInput.parse(raw);
  await requireBucket(prisma, "static", bucketName);
  const missing = await missingBlobs(prisma, files.map((f) => f.sha256));
  // The limits, so a client can refuse an oversized file before uploading anything.
  return { missing, total: files.length, maxFileBytes: MAX_BLOB_BYTES, maxFiles: MAX_DEPLOY_FILES };
}

/** Locks the bucket row so two deploys (or a deploy and a rollback) to one bucket run one after the other. */
async function lockBucket(tx: Tx, bucketName: string) {
  const bucket = await requireBucket(tx, "static", bucketName);
  await tx.$queryRawUnsafe(`SELECT id FROM buckets WHERE id = $1::uuid FOR UPDATE`, bucket.id);
  return tx.bucket.findUniqueOrThrow({ where: { id: bucket.id } });
}

/**
 * Step 3: records the deploy and switches the bucket to it in ONE transaction, so a visitor sees
 * the old site or the new one, never a mix. The previous deploy is kept for rollback.
 */
export async function createDeploy(prisma: PrismaClient, bucketName: string, raw: { files: DeployFileInput[] }) {
  const { files } = createDeployInput.parse(raw);
  return prisma.$transaction(
    async (tx) => {
      const bucket = await lockBucket(tx, bucketName);
      return publishDeploy(tx, bucket, files);
    },
    { timeout: 60_000 },
  );
}

export async function publishDeploy(tx: Tx, bucket: { id: string; name: string; currentDeployId: string | null }, files: DeployFileInput[]) {
  const blobs = await tx.staticBlob.findMany({ where: { sha256: { in: [...new Set(files.map((f) => f.sha256))] } }, select: { sha256: true, size: true } });
  const sizes = new Map(blobs.map((b) => [b.sha256, b.size]));
  const missing = files.filter((f) => !sizes.has(f.sha256));
  if (missing.length) {
    throw new AppError("CONFLICT", `${missing.length} file(s) have no uploaded content yet (first: ${missing[0]!.path}); upload them, then deploy again.`);
  }
  const wrong = files.find((f) => sizes.get(f.sha256) !== f.size);
  if (wrong) throw new AppError("UNPROCESSABLE_CONTENT", `${wrong.path}: size ${wrong.size} does not match its content (${sizes.get(wrong.sha256)} bytes).`);
  const totalBytes = files.reduce((sum, f) => sum + f.size, 0);
  const headerRules = await headerRulesOf(tx, files);
  const deploy = await tx.staticDeploy.create({
    data: { bucketId: bucket.id, fileCount: files.length, totalBytes: BigInt(totalBytes), headerRules: headerRules ?? undefined },
  });
  await tx.staticFile.createMany({
    data: files.map((f) => ({ deployId: deploy.id, path: f.path, sha256: f.sha256, size: f.size, contentType: f.contentType ?? contentTypeFor(f.path) })),
  });
  await tx.bucket.update({ where: { id: bucket.id }, data: { currentDeployId: deploy.id, previousDeployId: bucket.currentDeployId } });
  await notifyStorage(tx, { t: "static", b: bucket.id });
  return { id: deploy.id, bucket: bucket.name, fileCount: files.length, totalBytes, createdAt: deploy.createdAt, previousDeployId: bucket.currentDeployId };
}

/** Parses the deploy's `_headers` (if any) before anything is written, so a bad one refuses the whole deploy. */
async function headerRulesOf(tx: Tx, files: DeployFileInput[]): Promise<HeaderRule[] | null> {
  const file = files.find((f) => f.path === HEADERS_FILE);
  if (!file) return null;
  if (file.size > MAX_HEADERS_FILE_BYTES) throw new AppError("UNPROCESSABLE_CONTENT", `${HEADERS_FILE}: at most 64 KiB (this one is ${file.size} bytes).`);
  const blob = await tx.staticBlob.findUniqueOrThrow({ where: { sha256: file.sha256 }, select: { bytes: true } });
  return parseHeadersFile(Buffer.from(blob.bytes));
}

/** Swaps the current and previous deploys (a second rollback undoes the first). */
export async function rollbackDeploy(prisma: PrismaClient, bucketName: string) {
  return prisma.$transaction(async (tx) => {
    const bucket = await lockBucket(tx, bucketName);
    if (!bucket.previousDeployId) throw new AppError("CONFLICT", `Bucket "${bucketName}" has no previous deploy to roll back to.`);
    await tx.bucket.update({ where: { id: bucket.id }, data: { currentDeployId: bucket.previousDeployId, previousDeployId: bucket.currentDeployId } });
    await notifyStorage(tx, { t: "static", b: bucket.id });
    return { bucket: bucketName, currentDeployId: bucket.previousDeployId, previousDeployId: bucket.currentDeployId };
  });
}

export async function listDeploys(prisma: PrismaClient, bucketName: string, options: { limit?: number } = {}) {
  const bucket = await requireBucket(prisma, "static", bucketName);
  const rows = await prisma.staticDeploy.findMany({ where: { bucketId: bucket.id }, orderBy: { createdAt: "desc" }, take: options.limit ?? 50 });
  return rows.map((d) => ({
    id: d.id,
    createdAt: d.createdAt,
    fileCount: d.fileCount,
    totalBytes: Number(d.totalBytes),
    current: d.id === bucket.currentDeployId,
    previous: d.id === bucket.previousDeployId,
  }));
}
