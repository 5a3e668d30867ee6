import { z } from "zod";

// Visible ASCII and space: what every layer that writes a header accepts as is (Node's writeHead,
// the front's latin1 serializer, the Web Headers of src/proxy.ts). Anything else in a stored value
// (CR, LF, NUL, other controls, or characters above 0x7e that latin1 would cut to one byte) could
// end a header line or smuggle another one.
const VISIBLE_ASCII = /^[\x20-\x7e]*$/;

export function isVisibleAscii(value: string): boolean {
  return VISIBLE_ASCII.test(value);
}

/** A header value a user sets (a file's content type, a `_headers` value): trimmed, non-empty, visible ASCII. */
export function headerValueSchema(field: string, max: number) {
  return z
    .string({ error: `${field} must be a string` })
    .trim()
    .min(1, `${field} must not be empty`)
    .max(max, `${field} is too long (${max} characters at most)`)
    .refine(isVisibleAscii, `${field} must be printable ASCII (no control characters, line breaks or non-ASCII letters)`);
}
