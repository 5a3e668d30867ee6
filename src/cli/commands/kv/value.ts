import { UsageError } from "../../command-spec.ts";

/**
 * The value `kv put` stores: the text parsed as JSON, or with `--string` the text itself. Text
 * that is not JSON is refused rather than guessed at, so `kv put cfg n 007` never stores a string by accident.
 */
export function parseKvValue(text: string, options: { string?: boolean } = {}): unknown {
  if (options.string) return text;
  const trimmed = text.trim();
  if (trimmed === "") throw new UsageError("the value is empty: give a JSON value, or pass --string to store text");
  try {
    return JSON.parse(trimmed);
  } catch {
    throw new UsageError(`the value is not valid JSON (${preview(trimmed)}): quote a string as JSON ('"text"') or pass --string`);
  }
}

function preview(text: string): string {
  const line = text.split("\n", 1)[0]!;
  return line.length > 40 ? `${line.slice(0, 40)}…` : line;
}
