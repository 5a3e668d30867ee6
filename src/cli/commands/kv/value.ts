import { UsageError } from "../../command-spec.ts";

/**
 * The JSON text `kv put` stores: the text itself (trimmed) when it is JSON, kept exactly as typed
 * (digits beyond 2^53, key order), or with `--string` the text as a JSON string. Text that is not
 * JSON is refused rather than guessed at, so `kv put cfg n 007` never stores a string by accident.
 */
export function kvValueText(text: string, options: { string?: boolean } = {}): string {
  if (options.string) return JSON.stringify(text);
  const trimmed = text.trim();
  if (trimmed === "") throw new UsageError("the value is empty: give a JSON value, or pass --string to store text");
  try {
    JSON.parse(trimmed);
  } catch {
    throw new UsageError(`the value is not valid JSON (${preview(trimmed)}): quote a string as JSON ('"text"') or pass --string`);
  }
  return trimmed;
}

function preview(text: string): string {
  const line = text.split("\n", 1)[0]!;
  return line.length > 40 ? `${line.slice(0, 40)}…` : line;
}
