import { isUtf8 } from "node:buffer";
import { AppError } from "../../errors.ts";
import { formatZodError } from "../../http/zod-message.ts";
import { scanJson } from "./json-text.ts";
import { putBodyExpiresIn } from "./schemas.ts";

// With the u flag a surrogate pair is one code point, so this matches only unpaired halves.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
const SEND_VALUE = 'value: send {"value": <any JSON>}';

/**
 * A PUT body on a bound host or the KV JSON route, `{"value": <any JSON>, "expiresIn"?: seconds}`:
 * the value comes back as its exact source text (one scan, no JSON.parse of the value).
 */
export function readKvPutBody(body: Buffer): { valueText: string; expiresIn: number | undefined } {
  if (!isUtf8(body)) throw new AppError("BAD_REQUEST", "The request body is not valid UTF-8.");
  const text = body.toString("utf8");
  const scan = scanJson(text);
  if (!scan.ok) {
    if (scan.kind === "syntax") throw new AppError("BAD_REQUEST", `Malformed JSON in request body: ${scan.message}.`);
    throw new AppError("UNPROCESSABLE_CONTENT", `Refused JSON in request body: ${scan.message}.`);
  }
  const value = scan.members?.find((m) => m.name === "value");
  if (!value) throw new AppError("UNPROCESSABLE_CONTENT", SEND_VALUE);
  const expires = scan.members!.find((m) => m.name === "expiresIn");
  let expiresIn: number | undefined;
  if (expires) {
    const parsed = putBodyExpiresIn.safeParse(JSON.parse(text.slice(expires.start, expires.end)));
    if (!parsed.success) throw new AppError("UNPROCESSABLE_CONTENT", `expiresIn: ${formatZodError(parsed.error)}`);
    expiresIn = parsed.data;
  }
  return { valueText: text.slice(value.start, value.end), expiresIn };
}

/**
 * JSON text from tRPC (`valueText`), checked like a PUT body's value and trimmed of the
 * whitespace around it. Refuses text that is not well-formed Unicode: Postgres would store a lone
 * surrogate as U+FFFD, which is not what was sent (an escaped "\ud800" is fine).
 */
export function checkedValueText(text: string): string {
  if (LONE_SURROGATE.test(text)) throw new AppError("UNPROCESSABLE_CONTENT", "valueText: contains a lone UTF-16 surrogate (escape it as \\uXXXX).");
  const scan = scanJson(text);
  if (!scan.ok) throw new AppError("UNPROCESSABLE_CONTENT", `valueText: ${scan.kind === "syntax" ? "not valid JSON: " : ""}${scan.message}.`);
  return text.slice(scan.start, scan.end);
}

/**
 * A JSON object whose `value` member is `valueText` verbatim (JSON.stringify would re-encode it
 * from a parsed value and lose digits), between the members of `head` and those of `tail`.
 */
export function jsonWithValueText(head: Record<string, unknown>, valueText: string, tail: Record<string, unknown>): string {
  const before = JSON.stringify(head);
  const after = JSON.stringify(tail);
  return `${before.slice(0, -1)}${before.length > 2 ? "," : ""}"value":${valueText}${after.length > 2 ? "," : ""}${after.slice(1)}`;
}
