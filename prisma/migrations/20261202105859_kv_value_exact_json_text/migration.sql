-- KV values become `json`: Postgres keeps the exact text (numbers of any size, key order, "\u0000"),
-- where `jsonb` normalised it. Existing rows keep their current (jsonb-normalised) text.
-- AlterTable
ALTER TABLE "kv_entries" ALTER COLUMN "value" SET DATA TYPE JSON USING "value"::json;
