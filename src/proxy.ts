import { NextResponse, type NextRequest } from "next/server";
import { db } from "@/server/db";
import { AppError } from "@/server/errors";
import { hostingService } from "@/server/services/hosting";

// Host routing only. Under plain `next start` bound hosts are answered here, by the same service
// the `npm start` front (src/server/main.ts) calls before Next; every other host gets the dashboard
// and API, which check their own auth (a proxy can be skipped: CVE-2025-29927).
export async function proxy(request: NextRequest) {
  const host = request.headers.get("host");
  const hosting = await hostingService(db());
  if (!hosting.isKnownUnbound(host)) {
    const { path, query } = rawTarget(request.url);
    const result = await hosting.serve({
      method: request.method,
      host,
      path,
      query,
      header: (name) => request.headers.get(name),
      async readBody(limit) {
        const body = Buffer.from(await request.arrayBuffer());
        if (body.length > limit) throw new AppError("PAYLOAD_TOO_LARGE", `Request body is larger than ${limit} bytes.`);
        return body;
      },
    });
    if (result) {
      const body = request.method === "HEAD" || result.body === null ? null : typeof result.body === "string" ? result.body : new Uint8Array(result.body);
      return new NextResponse(body, { status: result.status, headers: result.headers });
    }
  }
  // Next decodes dynamic route segments before any handler runs and answers a bad escape with a
  // bare 500; a client's malformed URL is its mistake, so it gets the API's JSON 400 here.
  if (request.nextUrl.pathname.startsWith("/api/") && !decodable(rawTarget(request.url).path)) {
    return NextResponse.json(
      { error: { code: "BAD_REQUEST", message: "Malformed percent-encoding in the URL." } },
      { status: 400, headers: { "cache-control": "no-store" } },
    );
  }
  const response = NextResponse.next();
  if (request.nextUrl.pathname.startsWith("/api/")) response.headers.set("cache-control", "no-store");
  return response;
}

/**
 * Path and query as the client sent them. With `skipProxyUrlNormalize` Next hands the proxy the
 * raw URL; parsing it with `new URL` would resolve `..` and `%2e%2e` before the service could refuse them.
 */
function rawTarget(url: string): { path: string; query: string } {
  const afterScheme = url.indexOf("://");
  const slash = afterScheme === -1 ? url.indexOf("/") : url.indexOf("/", afterScheme + 3);
  const target = slash === -1 ? "/" : url.slice(slash);
  const hash = target.indexOf("#");
  const clean = hash === -1 ? target : target.slice(0, hash);
  const q = clean.indexOf("?");
  return q === -1 ? { path: clean, query: "" } : { path: clean.slice(0, q), query: clean.slice(q + 1) };
}

function decodable(path: string): boolean {
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
}
