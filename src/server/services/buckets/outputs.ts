import { z } from "zod";

// Output shapes shared by the kv and static routers (the CLI and dashboard consume them).
export const bucketOutput = z.object({
  id: z.string(),
  surface: z.enum(["kv", "static"]),
  name: z.string(),
  createdAt: z.date(),
  bindings: z.number(),
  currentDeployId: z.string().nullable(),
});
export const deletedBucketOutput = z.object({ name: z.string(), surface: z.string(), deleted: z.boolean(), unbound: z.array(z.string()) });
