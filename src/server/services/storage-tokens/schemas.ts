import { z } from "zod";
import { bucketNameSchema, surfaceSchema } from "../buckets/schemas.ts";

/** As KV TTLs: ten years. A larger expiry is no expiry at all, and past year 275760 not even a date. */
export const MAX_EXPIRES_IN_SECONDS = 10 * 365 * 24 * 3600;
// C0/C1 controls, and the invisible marks that reorder or hide text (bidi overrides, zero-width, line separators).
const CONTROL_CHARACTERS = /[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/;

export const ACCESS_LEVELS = ["read", "write", "admin"] as const;
export const accessSchema = z.enum(ACCESS_LEVELS, { error: "access must be read, write or admin" });

export const createStorageTokenInput = z.object({
  label: z
    .string({ error: "label must be a string" })
    .trim()
    .min(1, "label must not be empty")
    .max(100, "label is too long (100 characters at most)")
    // NUL cannot be stored in Postgres text, and a line break or escape would forge lines in listings.
    .refine((label) => !CONTROL_CHARACTERS.test(label), "label must not contain control characters (line breaks, tabs, NUL, escapes, bidi or zero-width marks)")
    .optional(),
  surface: surfaceSchema,
  access: accessSchema,
  buckets: z
    .array(z.union([z.literal("*"), bucketNameSchema]))
    .min(1, "buckets must name at least one bucket, or *")
    .max(100)
    .transform((names) => (names.includes("*") ? ["*"] : [...new Set(names)])),
  expiresIn: z
    .number({ error: "expiresIn must be a number of seconds" })
    .int("expiresIn must be a whole number of seconds")
    .positive("expiresIn must be a positive number of seconds")
    .max(MAX_EXPIRES_IN_SECONDS, "expiresIn must be at most 10 years (315360000 seconds)")
    .optional(),
});
export type CreateStorageTokenInput = z.input<typeof createStorageTokenInput>;

export const storageTokenIdInput = z.object({ id: z.uuid({ error: "id must be a token id" }) });
export const listStorageTokensInput = z.object({ surface: surfaceSchema.optional(), all: z.boolean().optional() });
