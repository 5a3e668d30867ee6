import { z } from "zod";
import { bucketNameSchema, surfaceSchema } from "../buckets/schemas.ts";

export const createBindingInput = z.object({
  host: z.string({ error: "host is required" }).trim().min(1, "host must not be empty").max(260, "host is too long"),
  surface: surfaceSchema,
  bucket: bucketNameSchema,
  enabled: z.boolean().optional(),
});
export const bindingIdInput = z.object({ id: z.uuid({ error: "id must be a binding id" }) });
export const setBindingEnabledInput = bindingIdInput.extend({ enabled: z.boolean({ error: "enabled must be true or false" }) });
export const listBindingsInput = z.object({ surface: surfaceSchema.optional() });
