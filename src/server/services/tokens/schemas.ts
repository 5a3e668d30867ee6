import { z } from "zod";
import { isGrantedScope } from "../../auth/scopes.ts";

/** Ten years: long enough for any machine, short enough that "never" is a choice, not an accident. */
export const MAX_API_TOKEN_SECONDS = 3650 * 86400;

export const createApiTokenInput = z.object({
  label: z
    .string({ error: "label is required" })
    .trim()
    .min(1, "label must not be empty")
    .max(100, "label is too long (100 characters at most)")
    // Bidi overrides too: a label is printed in CLI tables, where one could reorder what follows it.
    .refine((label) => !/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069]/.test(label), "label must not contain control characters"),
  scopes: z
    .array(z.string().refine(isGrantedScope, { error: (issue) => `"${String(issue.input)}" is not a scope (kv:read … teams:admin, or *)` }))
    .min(1, "scopes must name at least one scope")
    .max(20)
    .transform((scopes) => (scopes.includes("*") ? ["*"] : [...new Set(scopes)]))
    .optional(),
  expiresIn: z
    .number({ error: "expiresIn must be a number of seconds" })
    .int("expiresIn must be a whole number of seconds")
    .positive("expiresIn must be a positive number of seconds")
    .max(MAX_API_TOKEN_SECONDS, "expiresIn is too long (10 years at most)")
    .optional(),
});
export type CreateApiTokenInput = z.input<typeof createApiTokenInput>;

export const apiTokenIdInput = z.object({ id: z.uuid({ error: "id must be a token id" }) });
/** `all`: every member's tokens (needs teams:admin); default the caller's own. */
export const listApiTokensInput = z.object({ all: z.boolean().optional() });
