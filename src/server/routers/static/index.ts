import { z } from "zod";
import { router, scoped } from "../../trpc.ts";
import { createBucket, deleteBucket, listBuckets } from "../../services/buckets/buckets.ts";
import { bucketInput, createBucketInput, deleteBucketInput } from "../../services/buckets/schemas.ts";
import { bucketOutput, deletedBucketOutput } from "../../services/buckets/outputs.ts";
import { deleteStaticFile, getStaticFile, listStaticFiles } from "../../services/static/files.ts";
import { listDeploys, rollbackDeploy } from "../../services/static/deploys.ts";
import { fileInput, listFilesInput } from "../../services/static/schemas.ts";

const fileOutput = z.object({ path: z.string(), sha256: z.string(), size: z.number(), contentType: z.string() });

export const staticRouter = router({
  buckets: router({
    create: scoped("static:admin").input(createBucketInput).output(bucketOutput).mutation(({ ctx, input }) => createBucket(ctx.db.prisma, "static", input)),
    list: scoped("static:read").output(z.array(bucketOutput)).query(({ ctx }) => listBuckets(ctx.db.prisma, "static")),
    delete: scoped("static:admin").input(deleteBucketInput).output(deletedBucketOutput).mutation(({ ctx, input }) => deleteBucket(ctx.db.prisma, "static", input)),
  }),
  list: scoped("static:read")
    .input(listFilesInput)
    .output(z.object({ files: z.array(fileOutput), cursor: z.string().nullable(), deployId: z.string().nullable() }))
    .query(({ ctx, input }) => listStaticFiles(ctx.db.prisma, input.bucket, input)),
  /** Metadata, plus the content as base64 when the file is at most 1 MiB. */
  get: scoped("static:read")
    .input(fileInput)
    .output(fileOutput.extend({ etag: z.string(), contentBase64: z.string().nullable() }))
    .query(({ ctx, input }) => getStaticFile(ctx.db.prisma, input)),
  // Uploads are raw bytes on PUT /api/v1/static/buckets/:name/files/:path (25 MiB does not fit in JSON).
  delete: scoped("static:write")
    .input(fileInput)
    .output(z.object({ path: z.string(), deleted: z.boolean(), deployId: z.string().nullable() }))
    .mutation(({ ctx, input }) => deleteStaticFile(ctx.db.prisma, input)),
  deploys: router({
    list: scoped("static:read")
      .input(bucketInput)
      .output(z.array(z.object({ id: z.string(), createdAt: z.date(), fileCount: z.number(), totalBytes: z.number(), current: z.boolean(), previous: z.boolean() })))
      .query(({ ctx, input }) => listDeploys(ctx.db.prisma, input.bucket)),
  }),
  rollback: scoped("static:write")
    .input(bucketInput)
    .output(z.object({ bucket: z.string(), currentDeployId: z.string().nullable(), previousDeployId: z.string().nullable() }))
    .mutation(({ ctx, input }) => rollbackDeploy(ctx.db.prisma, input.bucket)),
});
