import { z } from "zod";
import { router, scoped } from "../../trpc.ts";
import { createBucket, deleteBucket, listBuckets } from "../../services/buckets/buckets.ts";
import { createBucketInput, deleteBucketInput } from "../../services/buckets/schemas.ts";
import { bucketOutput, deletedBucketOutput } from "../../services/buckets/outputs.ts";
import { deleteKey, getKey, listKeys, putKey } from "../../services/kv/bucket-entries.ts";
import { keyInput, listKeysInput, putKeyInput } from "../../services/kv/schemas.ts";

const entryOutput = z.object({
  key: z.string(),
  /** The exact JSON text stored; `value` is it parsed (a number beyond 2^53 loses digits there). */
  valueText: z.string(),
  value: z.unknown(),
  version: z.number(),
  etag: z.string(),
  updatedAt: z.date(),
  expiresAt: z.date().nullable(),
});

export const kvRouter = router({
  buckets: router({
    create: scoped("kv:admin").input(createBucketInput).output(bucketOutput).mutation(({ ctx, input }) => createBucket(ctx.db.prisma, "kv", input)),
    list: scoped("kv:read").output(z.array(bucketOutput)).query(({ ctx }) => listBuckets(ctx.db.prisma, "kv")),
    delete: scoped("kv:admin").input(deleteBucketInput).output(deletedBucketOutput).mutation(({ ctx, input }) => deleteBucket(ctx.db.prisma, "kv", input)),
  }),
  list: scoped("kv:read")
    .input(listKeysInput)
    .output(z.object({ keys: z.array(z.object({ key: z.string(), updatedAt: z.date(), version: z.number(), expiresAt: z.date().nullable() })), cursor: z.string().nullable() }))
    .query(({ ctx, input }) => listKeys(ctx.db.prisma, input)),
  get: scoped("kv:read").input(keyInput).output(entryOutput).query(({ ctx, input }) => getKey(ctx.db.prisma, input)),
  put: scoped("kv:write")
    .input(putKeyInput)
    .output(entryOutput.extend({ created: z.boolean() }))
    .mutation(({ ctx, input }) => putKey(ctx.db.prisma, input)),
  delete: scoped("kv:write")
    .input(keyInput)
    .output(z.object({ key: z.string(), deleted: z.boolean() }))
    .mutation(({ ctx, input }) => deleteKey(ctx.db.prisma, input)),
});
