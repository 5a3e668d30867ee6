import { z } from "zod";
import { AppError } from "../../errors.ts";
import { requireScope, type Principal } from "../../auth/principal.ts";
import type { Scope } from "../../auth/scopes.ts";

export const SURFACES = ["kv", "static"] as const;
export type Surface = (typeof SURFACES)[number];
export type AccessLevel = "read" | "write" | "admin";

export const surfaceSchema = z.enum(SURFACES, { error: "surface must be kv or static" });

// DNS-label style, so a bucket name can also be a sub-domain.
export const bucketNameSchema = z
  .string({ error: "bucket name is required" })
  .trim()
  .regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, "bucket name must be 1-63 lower-case letters, digits or hyphens, not starting or ending with a hyphen");

export const bucketInput = z.object({ bucket: bucketNameSchema });
export const createBucketInput = z.object({ name: bucketNameSchema });
export const deleteBucketInput = z.object({ name: bucketNameSchema, force: z.boolean().optional() });

export function surfaceScope(surface: Surface, level: AccessLevel): Scope {
  return `${surface}:${level}` as Scope;
}

/** For operations whose surface comes from the data (a binding, a token), not from the route. */
export function requireSurfaceScope(principal: Principal | null, surface: Surface, level: AccessLevel): Principal {
  return requireScope(principal, surfaceScope(surface, level));
}

export function bucketNotFound(surface: Surface, name: string): AppError {
  return new AppError("NOT_FOUND", `No ${surface} bucket named "${name}".`);
}
