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
const expiresIn = z.number().int().positive("expiresIn must be a positive number of seconds").max(10 * 365 * 24 * 3600).optional();

/**
 * tRPC `kv.put`: the value as JSON text (`valueText`, stored exactly as sent: what the CLI and the
 * dashboard send) or as a JSON value (`value`, for scripts; superjson cannot carry a number beyond
 * 2^53 exactly, so such values lose digits before they arrive).
 */
export const putKeyInput = keyInput
  .extend({
    value: z.json({ error: "value must be a JSON value" }).optional(),
    valueText: z.string({ error: "valueText must be a string of JSON text" }).optional(),
    expiresIn,
    /** Without expiresIn: keep the entry's current expiry (the dashboard's edit) instead of clearing it. */
    keepTtl: z.boolean().optional(),
    ifMatch: z.string().optional(),
    ifNoneMatch: z.literal("*").optional(),
  })
  .refine((input) => (input.value === undefined) !== (input.valueText === undefined), { message: "send value (any JSON) or valueText (its JSON text), not both", path: ["value"] })
  .refine((input) => !(input.keepTtl && input.expiresIn !== undefined), { message: "keepTtl and expiresIn cannot be used together", path: ["keepTtl"] });

/** expiresIn as a PUT body (bound hosts and the JSON route) gives it. */
export const putBodyExpiresIn = expiresIn;

export type ListKeysInput = z.infer<typeof listKeysInput>;
