import { AppError } from "../../errors.ts";
import { isVisibleAscii } from "./header-value.ts";

/** The root file whose rules set response headers per path (Cloudflare Pages / Netlify syntax). It is never served. */
export const HEADERS_FILE = "_headers";
export const MAX_HEADERS_FILE_BYTES = 64 * 1024;
export const MAX_HEADER_RULES = 100;

/** One rule as stored on the deploy: a path pattern and its headers (lower-case names). */
export type HeaderRule = {
  path: string;
  headers: Record<string, string>;
};

const ALLOWED = new Set([
  "cache-control",
  "x-frame-options",
  "x-content-type-options",
  "referrer-policy",
  "content-security-policy",
  "permissions-policy",
  "access-control-allow-origin",
  "access-control-allow-methods",
  "access-control-allow-headers",
  "access-control-max-age",
  "strict-transport-security",
]);

// `X-…` headers that a proxy in front (nginx, Apache) or Next's own middleware adapter (plain
// `next start`, src/proxy.ts) would act on instead of passing through: a rewrite or an internal redirect.
const RESERVED_X = /^x-(accel-|sendfile|lighttpd-|litespeed-|middleware-|nextjs-|next-|invoke-)/;

const TOKEN = /^[!#$%&'*+.^_`|~0-9a-z-]+$/i;

function refuse(line: number, message: string): AppError {
  return new AppError("UNPROCESSABLE_CONTENT", `${HEADERS_FILE} line ${line}: ${message}`);
}

/**
 * Parses a `_headers` file: an unindented path pattern starts a rule, indented `Name: value` lines
 * under it add headers, `#` comments and blank lines are skipped. Anything else refuses the whole file.
 */
export function parseHeadersFile(source: string | Buffer): HeaderRule[] {
  const bytes = typeof source === "string" ? Buffer.byteLength(source) : source.length;
  if (bytes > MAX_HEADERS_FILE_BYTES) throw new AppError("UNPROCESSABLE_CONTENT", `${HEADERS_FILE}: at most 64 KiB (this one is ${bytes} bytes).`);
  const text = (typeof source === "string" ? source : source.toString("utf8")).replace(/^\uFEFF/, "");
  const rules: HeaderRule[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const n = i + 1;
    const line = lines[i]!;
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("#")) continue;
    if (!/^\s/.test(line)) {
      if (!trimmed.startsWith("/") && !trimmed.startsWith("*")) throw refuse(n, `expected a path starting with "/" (or an indented "Name: value" line), got "${clip(trimmed)}".`);
      if (/\s/.test(trimmed)) throw refuse(n, `a path pattern cannot contain spaces ("${clip(trimmed)}").`);
      if (!isVisibleAscii(trimmed)) throw refuse(n, "a path pattern must be printable ASCII.");
      if (rules.length === MAX_HEADER_RULES) throw refuse(n, `at most ${MAX_HEADER_RULES} rules.`);
      rules.push({ path: trimmed, headers: {} });
      continue;
    }
    const rule = rules[rules.length - 1];
    if (!rule) throw refuse(n, `a header line needs a path line above it ("${clip(trimmed)}").`);
    const colon = trimmed.indexOf(":");
    if (colon <= 0) throw refuse(n, `expected "Name: value", got "${clip(trimmed)}".`);
    const name = trimmed.slice(0, colon).trim();
    const value = trimmed.slice(colon + 1).trim();
    if (!TOKEN.test(name)) throw refuse(n, `"${clip(name)}" is not a valid header name.`);
    const lower = name.toLowerCase();
    if (!ALLOWED.has(lower) && !(lower.startsWith("x-") && !RESERVED_X.test(lower))) {
      throw refuse(n, `"${name}" cannot be set here (allowed: Cache-Control, X-Frame-Options, X-Content-Type-Options, Referrer-Policy, Content-Security-Policy, Permissions-Policy, Access-Control-Allow-*/Max-Age, Strict-Transport-Security and other X-… headers).`);
    }
    if (value === "") throw refuse(n, `"${name}" needs a value.`);
    if (!isVisibleAscii(value)) throw refuse(n, `the value of "${name}" must be printable ASCII.`);
    // Within one rule, as across rules, the last value for a name wins.
    rule.headers[lower] = value;
  }
  return rules;
}

function clip(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** `*` matches any run of characters, `/` included; everything else matches itself. */
function patternMatches(pattern: string, path: string): boolean {
  const source = pattern.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*");
  return new RegExp(`^${source}$`).test(path);
}

/**
 * The request paths a stored file answers, as rules see them: `/docs/a.css` for `docs/a.css`, and
 * for an index its directory URLs too (`/`, `/docs/`, `/docs`), so a path and its index share one
 * set of headers (and the cache can keep one entry per file).
 */
export function requestPathsFor(filePath: string): string[] {
  const paths = [`/${filePath}`];
  if (filePath === "index.html") paths.push("/");
  else if (filePath.endsWith("/index.html")) {
    const dir = `/${filePath.slice(0, -"index.html".length)}`;
    paths.push(dir, dir.slice(0, -1));
  }
  return paths;
}

/** The headers every matching rule sets for this file, in file order (a later rule overrides an earlier one). */
export function headersForFile(rules: readonly HeaderRule[] | null | undefined, filePath: string): Record<string, string> {
  const headers: Record<string, string> = {};
  if (!rules?.length) return headers;
  const paths = requestPathsFor(filePath);
  for (const rule of rules) {
    if (paths.some((p) => patternMatches(rule.path, p))) Object.assign(headers, rule.headers);
  }
  return headers;
}
