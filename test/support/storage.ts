import crypto from "node:crypto";
import type { PrismaClient } from "../../src/server/db.ts";
import { putBlob } from "../../src/server/services/static/blobs.ts";
import { createDeploy } from "../../src/server/services/static/deploys.ts";

export const sha256 = (data: string | Buffer) => crypto.createHash("sha256").update(data).digest("hex");

/** Publishes `files` (path → content) to a static bucket through the services, as one deploy. */
export async function deployFiles(prisma: PrismaClient, bucket: string, files: Record<string, string>) {
  for (const content of Object.values(files)) await putBlob(prisma, bucket, sha256(content), Buffer.from(content));
  return createDeploy(prisma, bucket, {
    files: Object.entries(files).map(([path, content]) => ({ path, sha256: sha256(content), size: Buffer.byteLength(content) })),
  });
}
