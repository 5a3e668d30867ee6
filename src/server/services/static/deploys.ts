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
  const bucket = await requireBucket(prisma, "static", bucketName);
  const missing = await missingBlobs(prisma, bucket.id, files.map((f) => f.sha256));
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

/**
 * Publishes `files` as the bucket's new deploy, or, when they are exactly what it serves already
 * (paths, hashes, sizes, content types, and so `_headers`), changes nothing and says so: an identical
 * deploy must not push the real previous deploy out of reach of rollback.
 */
export async function publishDeploy(tx: Tx, bucket: { id: string; name: string; currentDeployId: string | null; previousDeployId: string | null }, input: DeployFileInput[]) {
  // Only blobs uploaded for this bucket (or already used by it): a hash seen elsewhere is not enough.
  const usable = await tx.staticBucketBlob.findMany({
    where: { bucketId: bucket.id, sha256: { in: [...new Set(input.map((f) => f.sha256))] } },
    select: { sha256: true, blob: { select: { size: true } } },
  });
  const sizes = new Map(usable.map((b) => [b.sha256, b.blob.size]));
  const missing = input.filter((f) => !sizes.has(f.sha256));
  if (missing.length) {
    throw new AppError("CONFLICT", `${missing.length} file(s) have no uploaded content yet (first: ${missing[0]!.path}); upload them, then deploy again.`);
  }
  const wrong = input.find((f) => sizes.get(f.sha256) !== f.size);
  if (wrong) throw new AppError("UNPROCESSABLE_CONTENT", `${wrong.path}: size ${wrong.size} does not match its content (${sizes.get(wrong.sha256)} bytes).`);
  const files = input.map((f) => ({ path: f.path, sha256: f.sha256, size: f.size, contentType: f.contentType ?? contentTypeFor(f.path) }));
  const totalBytes = files.reduce((sum, f) => sum + f.size, 0);
  const headerRules = await headerRulesOf(tx, files);
  const current = await unchangedDeploy(tx, bucket.currentDeployId, files, headerRules !== null);
  if (current) {
    return { id: current.id, bucket: bucket.name, fileCount: current.fileCount, totalBytes: Number(current.totalBytes), createdAt: current.createdAt, previousDeployId: bucket.previousDeployId, unchanged: true };
  }
  const deploy = await tx.staticDeploy.create({
    data: { bucketId: bucket.id, fileCount: files.length, totalBytes: BigInt(totalBytes), headerRules: headerRules ?? undefined },
  });
  await tx.staticFile.createMany({ data: files.map((f) => ({ deployId: deploy.id, ...f })) });
  await tx.bucket.update({ where: { id: bucket.id }, data: { currentDeployId: deploy.id, previousDeployId: bucket.currentDeployId } });
  await notifyStorage(tx, { t: "static", b: bucket.id });
  return { id: deploy.id, bucket: bucket.name, fileCount: files.length, totalBytes, createdAt: deploy.createdAt, previousDeployId: bucket.currentDeployId, unchanged: false };
}

/** The current deploy when it holds exactly these files (and has its `_headers` rules parsed), else null. */
async function unchangedDeploy(tx: Tx, currentDeployId: string | null, files: { path: string; sha256: string; size: number; contentType: string }[], hasRules: boolean) {
  if (!currentDeployId) return null;
  const current = await tx.staticDeploy.findUnique({ where: { id: currentDeployId } });
  // A deploy made before `_headers` was parsed has no rules: publishing the same files adds them.
  if (!current || current.fileCount !== files.length || (hasRules && current.headerRules === null)) return null;
  const served = await tx.staticFile.findMany({ where: { deployId: currentDeployId }, select: { path: true, sha256: true, size: true, contentType: true } });
  const byPath = new Map(served.map((f) => [f.path, f]));
  const same = files.every((f) => {
    const s = byPath.get(f.path);
    return s !== undefined && s.sha256 === f.sha256 && s.size === f.size && s.contentType === f.contentType;
  });
  return same && served.length === files.length ? current : null;
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
