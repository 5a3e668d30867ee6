import { NextResponse, type NextRequest } from "next/server";

// Under plain `next start`, the proxy is where bound hosts will be matched to buckets (storage
// issue); under `npm start` the Node front in src/server/main.ts does it before Next runs.
// It only routes: every page, route and procedure checks its own auth.
export function proxy(request: NextRequest) {
  const response = NextResponse.next();
  if (request.nextUrl.pathname.startsWith("/api/")) response.headers.set("cache-control", "no-store");
  return response;
}

export const config = { matcher: ["/api/:path*"] };
