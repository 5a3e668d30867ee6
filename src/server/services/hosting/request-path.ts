import { AppError } from "../../errors.ts";

/**
 * Decodes a raw request path once, segment by segment, and refuses anything that could mean a
 * different path to another layer: `.`/`..` segments (also as %2e%2e), encoded slashes, backslashes,
 * NUL and malformed percent-encoding. Returns the path without its leading slash.
 */
export function decodeRequestPath(raw: string): string {
  if (!raw.startsWith("/")) throw badPath();
  // The common case (no escapes, no dot segments, no backslash or NUL) needs no work.
  if (PLAIN_PATH.test(raw)) return raw.slice(1);
  if (raw.includes("\\") || raw.includes("\0")) throw badPath();
  const segments = raw.slice(1).split("/");
  const decoded: string[] = [];
  for (const segment of segments) {
    let value = segment;
    if (segment.includes("%")) {
      try {
        value = decodeURIComponent(segment);
      } catch {
        throw badPath();
      }
      if (value.includes("/") || value.includes("\\") || value.includes("\0")) throw badPath();
    }
    if (value === "." || value === "..") throw badPath();
    decoded.push(value);
  }
  return decoded.join("/");
}

// Segments that start with neither "." nor "/", no escapes, backslashes or NUL; unambiguous (no
// backtracking blow-up on long input).
const PLAIN_PATH = /^(?:\/[^%\\\0/.][^%\\\0/]*)*\/?$/;

function badPath(): AppError {
  return new AppError("BAD_REQUEST", "Bad request path.");
}
