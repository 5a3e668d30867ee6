import { z } from "zod";
import { bucketNameSchema, surfaceSchema } from "../buckets/schemas.ts";

export const ACCESS_LEVELS = ["read", "write", "admin"] as const;
export const accessSchema = z.enum(ACCESS_LEVELS, { error: "access must be read, write or admin" });

export const createStorageTokenInput = z.object({
  label: z.string().trim().min(1, "label must not be empty").max(100, "label is too long (100 characters at most)").optional(),
  surface: surfaceSchema,
  access: accessSchema,
  buckets: z
    .array(z.union([z.literal("*"), bucketNameSchema]))
    .min(1, "buckets must name at least one bucket, or *")
    .max(100)
    .transform((names) => (names.includes("*") ? ["*"] : [...new Set(names)])),
  expiresIn: z.number().int().positive("expiresIn must be a positive number of seconds").optional(),
});
export type CreateStorageTokenInput = z.input<typeof createStorageTokenInput>;

export const storageTokenIdInput = z.object({ id: z.uuid({ error: "id must be a token id" }) });
export const listStorageTokensInput = z.object({ surface: surfaceSchema.optional(), all: z.boolean().optional() });
