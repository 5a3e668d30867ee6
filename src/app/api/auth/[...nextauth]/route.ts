import NextAuth from "next-auth";
import { authOptions } from "@/server/auth/next-auth";
import { assertNotThrottled, recordFailure, recordSuccess, retryAfterOf, type ThrottleSubject } from "@/server/auth/throttle";
import { clientAddress } from "@/server/http/client-address";

type Context = { params: Promise<{ nextauth: string[] }> };

function handler(request: Request, context: Context) {
  return NextAuth(authOptions())(request, context);
}

/**
 * The credentials sign-in, throttled per account and per address (docs/security.md → Throttling).
 * Checked here rather than in `authorize`: next-auth answers a failed authorize with its own
 * redirect, and a blocked attempt must cost no scrypt and reach the client as 429 + Retry-After.
 */
async function post(request: Request, context: Context) {
  const { nextauth } = await context.params;
  if (nextauth.join("/") !== "callback/credentials") return handler(request, context);
  const form = await request.clone().formData().catch(() => null);
  const email = String(form?.get("email") ?? "").trim().toLowerCase().slice(0, 254);
  const subject: ThrottleSubject = { account: email || undefined, address: clientAddress(request.headers) };
  try {
    assertNotThrottled("signin", subject);
  } catch (error) {
    const retryAfter = retryAfterOf(error);
    if (retryAfter === undefined) throw error;
    // The shape next-auth's signIn() reads (`url` with an `error` parameter); the form shows the wait.
    const url = new URL(`/signin?error=TooManyAttempts:${retryAfter}`, request.url).href;
    return Response.json(
      { url, error: { code: "TOO_MANY_REQUESTS", message: (error as Error).message } },
      { status: 429, headers: { "retry-after": String(retryAfter), "cache-control": "no-store" } },
    );
  }
  const response: Response = await handler(request, context);
  const signedIn = response.headers.getSetCookie().some((cookie) => /^(__Secure-)?next-auth\.session-token=[^;]+/.test(cookie));
  if (signedIn) recordSuccess("signin", subject);
  else recordFailure("signin", subject);
  return response;
}

export { handler as GET, post as POST };
