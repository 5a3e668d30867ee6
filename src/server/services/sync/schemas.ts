import { z } from "zod";

// Input rules shared by tRPC and the JSON routes; the table's columns are checked by
// parseTableSpec with lattice.config.yml's own rules (one set of rules for config and share).
export const shareInput = z.strictObject({
  table: z.string({ error: "table is required" }).max(63, "table is too long (63 characters at most)"),
  primaryKey: z.string().max(63).optional(),
  columns: z.record(z.string().max(63), z.unknown(), { error: "columns must map column names to their types" }),
});
