import { z } from "zod";
import { bucketNameSchema } from "../buckets/schemas.ts";
import { headerValueSchema } from "./header-value.ts";

export const MAX_BLOB_BYTES = 25 * 1024 * 1024;
export const MAX_DEPLOY_FILES = 20_000;
/** get() returns the content inline up to this size; larger files are metadata only. */
export const INLINE_CONTENT_BYTES = 1024 * 1024;

// Object paths are stored without a leading slash; the same rules as a request path on a bound host.
export const objectPathSchema = z
  .string({ error: "path is required" })
  .min(1, "path must not be empty")
  .max(1024, "path is too long (1024 characters at most)")
  .refine((p) => !p.startsWith("/") && !p.includes("\\") && !p.includes("\0"), "path must be relative, without backslashes or NUL")
  .refine((p) => p.split("/").every((s) => s !== "" && s !== "." && s !== ".."), "path must not contain empty, . or .. segments");

/** The content type an object is served with, as given at upload. */
/** A served Content-Type: visible ASCII only, so no stored value can add or split a header line. */
export const contentTypeSchema = headerValueSchema("contentType", 200);

export const sha256Schema = z.string().regex(/^[0-9a-f]{64}$/, "sha256 must be 64 lower-case hex digits");

const deployFile = z.object({
  path: objectPathSchema,
  sha256: sha256Schema,
  size: z.number().int().min(0).max(MAX_BLOB_BYTES, "size must be at most 25 MiB"),
  contentType: contentTypeSchema.optional(),
});

export const checkDeployInput = z.object({ files: z.array(deployFile.omit({ contentType: true })).max(MAX_DEPLOY_FILES, "at most 20000 files per deploy") });
export const createDeployInput = z.object({
  files: z
    .array(deployFile)
    .min(1, "a deploy needs at least one file")
    .max(MAX_DEPLOY_FILES, "at most 20000 files per deploy")
    .refine((files) => new Set(files.map((f) => f.path)).size === files.length, "files: each path may appear once"),
});
export type DeployFileInput = z.infer<typeof deployFile>;

export const listFilesInput = z.object({
  bucket: bucketNameSchema,
  prefix: z.string().max(1024).optional(),
  cursor: z.string().max(2048).optional(),
  limit: z.coerce.number().int().min(1, "limit must be at least 1").max(1000, "limit must be at most 1000").optional(),
});
export const fileInput = z.object({ bucket: bucketNameSchema, path: objectPathSchema });
/** A file upload's metadata; its bytes are the raw request body (application/octet-stream). */
export const putFileInput = fileInput.extend({ contentType: contentTypeSchema.optional() });
