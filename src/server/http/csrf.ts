import { AppError } from "../errors.ts";
import { trustProxy } from "./client-address.ts";

const JSON_TYPE = /^application\/json[ \t]*(;|$)/i;
const BYTES_TYPE = /^application\/octet-stream[ \t]*(;|$)/i;

/**
 * The CSRF guard for requests that ride on the session cookie (a bearer token is no ambient
 * credential and needs none). A cross-site page can only send a "simple" request — a form or a
 * no-cors fetch, with a form or text/plain content type — and a sibling subdomain counts as the same
 * site for SameSite cookies. So every mutation must say `application/json` (or, on raw-byte upload
 * routes, `application/octet-stream`), which forces a CORS preflight we never grant, even with no
 * body; and an `Origin`, when the browser sends one, must be this server's.
 */
export function assertSessionMutationAllowed(request: Request, options: { rawBytes?: boolean } = {}): void {
  if (request.method === "GET" || request.method === "HEAD" || request.method === "OPTIONS") return;
  if (!request.headers.has("cookie")) return; // no ambient credential to abuse: the 401 says what to send
  const type = request.headers.get("content-type") ?? "";
  if (!JSON_TYPE.test(type) && !(options.rawBytes && BYTES_TYPE.test(type))) {
    throw new AppError(
      "UNSUPPORTED_MEDIA_TYPE",
      options.rawBytes
        ? "Send this request with Content-Type: application/octet-stream (or application/json)."
        : "Send this request with Content-Type: application/json (an empty body is fine where none is needed).",
    );
  }
  const origin = request.headers.get("origin");
  if (origin !== null && !isOwnOrigin(origin, request.headers)) {
    throw new AppError("FORBIDDEN", "Cross-origin request refused: its Origin is not this server.");
  }
}

function isOwnOrigin(origin: string, headers: Headers): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false; // "null" (sandboxed frames, some redirects) and anything malformed
  }
  if (url.origin === "null" || `${url.protocol}//${url.host}` !== origin.toLowerCase().replace(/\/$/, "")) return false;
  const publicUrl = process.env.LATTICE_PUBLIC_URL ?? process.env.NEXTAUTH_URL;
  if (publicUrl) {
    try {
      if (new URL(publicUrl).origin === url.origin) return true;
    } catch {
      // an invalid public URL is refused at start-up; nothing to match here
    }
  }
  const hosts = [headers.get("host")];
  if (trustProxy()) hosts.push(headers.get("x-forwarded-host")?.split(",")[0]?.trim() ?? null);
  return hosts.some((host) => host !== null && host.toLowerCase() === url.host);
}
