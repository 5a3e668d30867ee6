import { z } from "zod";
import { bucketNameSchema } from "../buckets/schemas.ts";

// Keys are capped so a change notification (which carries the key) stays far below NOTIFY's 8000 bytes.
export const kvKeySchema = z
  .string({ error: "key is required" })
  .min(1, "key must not be empty")
  .max(1024, "key is too long (1024 characters at most)")
  .refine((key) => !key.includes("\0"), "key must not contain NUL")
  // A key is also a URL path on bound hosts, which refuse these (they could mean another path).
  .refine((key) => !key.includes("\\") && key.split("/").every((s) => s !== "." && s !== ".."), "key must not contain a backslash or . or .. segments");

export const MAX_KV_VALUE_BYTES = 1024 * 1024;

export const listKeysInput = z.object({
  bucket: bucketNameSchema,
  prefix: z.string().max(1024).optional(),
  cursor: z.string().max(2048).optional(),
  limit: z.coerce.number().int().min(1, "limit must be at least 1").max(1000, "limit must be at most 1000").optional(),
});
export const keyInput = z.object({ bucket: bucketNameSchema, key: kvKeySchema });
export const putKeyInput = keyInput.extend({
  value: z.json({ error: "value must be a JSON value" }),
  expiresIn: z.number().int().positive("expiresIn must be a positive number of seconds").max(10 * 365 * 24 * 3600).optional(),
  ifMatch: z.string().optional(),
  ifNoneMatch: z.literal("*").optional(),
});

const expiresIn = z.number().int().positive("expiresIn must be a positive number of seconds").max(10 * 365 * 24 * 3600).optional();

/** The body of a PUT on a bound KV host or the KV JSON route. */
export const putBody = z.object({ value: z.json({ error: "value must be a JSON value" }), expiresIn });

/**
 * The same body straight out of JSON.parse (bound hosts): its value is JSON by construction, so
 * it is not walked again (that walk was ≈ 6 % of a PUT's server time). The caller checks it is there.
 */
export const parsedPutBody = z.object({ value: z.unknown(), expiresIn });

export type ListKeysInput = z.infer<typeof listKeysInput>;
