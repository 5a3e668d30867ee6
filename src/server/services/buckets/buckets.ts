import type { DbClient, PrismaClient } from "../../db.ts";
import { AppError, isUniqueViolation } from "../../errors.ts";
import { notifyStorage } from "../hosting/notify.ts";
import { bucketNotFound, createBucketInput, deleteBucketInput, type Surface } from "./schemas.ts";

export interface BucketSummary {
  id: string;
  surface: Surface;
  name: string;
  createdAt: Date;
  bindings: number;
  currentDeployId: string | null;
}

function summary(row: { id: string; surface: string; name: string; createdAt: Date; currentDeployId: string | null; _count: { bindings: number } }): BucketSummary {
  return { id: row.id, surface: row.surface as Surface, name: row.name, createdAt: row.createdAt, bindings: row._count.bindings, currentDeployId: row.currentDeployId };
}

export async function requireBucket(db: DbClient, surface: Surface, name: string) {
  const bucket = await db.bucket.findUnique({ where: { surface_name: { surface, name } } });
  if (!bucket) throw bucketNotFound(surface, name);
  return bucket;
}

export async function createBucket(db: DbClient, surface: Surface, raw: { name: string }): Promise<BucketSummary> {
  const { name } = createBucketInput.parse(raw);
  try {
    const row = await db.bucket.create({ data: { surface, name }, include: { _count: { select: { bindings: true } } } });
    return summary(row);
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError("CONFLICT", `A ${surface} bucket named "${name}" already exists.`);
    throw error;
  }
}

export async function listBuckets(db: DbClient, surface: Surface): Promise<BucketSummary[]> {
  const rows = await db.bucket.findMany({ where: { surface }, orderBy: { name: "asc" }, include: { _count: { select: { bindings: true } } } });
  return rows.map(summary);
}

/**
 * Deletes a bucket and its contents. A bucket that hosts still point at is refused unless
 * `force`, which deletes those bindings in the same transaction: no binding is left dangling.
 */
export async function deleteBucket(prisma: PrismaClient, surface: Surface, raw: { name: string; force?: boolean }) {
  const { name, force } = deleteBucketInput.parse(raw);
  return prisma.$transaction(async (tx) => {
    const bucket = await requireBucket(tx, surface, name);
    const bindings = await tx.hostBinding.findMany({ where: { bucketId: bucket.id }, select: { host: true } });
    if (bindings.length && !force) {
      const hosts = bindings.map((b) => b.host).join(", ");
      throw new AppError("CONFLICT", `Bucket "${name}" is still bound to ${hosts}: delete those bindings first, or delete with force.`);
    }
    await tx.hostBinding.deleteMany({ where: { bucketId: bucket.id } });
    await tx.bucket.delete({ where: { id: bucket.id } });
    if (bindings.length) await notifyStorage(tx, { t: "bindings" });
    await notifyStorage(tx, surface === "kv" ? { t: "kv-bucket", b: bucket.id } : { t: "static", b: bucket.id });
    return { name, surface, deleted: true, unbound: bindings.map((b) => b.host) };
  });
}
