import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { appRouter } from "@/server/root";
import { createContext } from "@/server/trpc";
import { db } from "@/server/db";
import { sessionPrincipal } from "@/server/auth/next-auth";
import { bearerFrom } from "@/server/auth/principal";
import { errorResponse, toErrorResponse } from "@/server/http/json-route";
import { assertSessionMutationAllowed } from "@/server/http/csrf";
import { retryAfterOf } from "@/server/auth/throttle";
import { describeError } from "@/server/errors";

function handler(request: Request): Promise<Response> | Response {
  // Mutations accept JSON only: a cross-site form cannot send it (CSRF guard for cookie sessions).
  if (request.method === "POST" && !/^application\/json[ \t]*(;|$)/i.test(request.headers.get("content-type") ?? "")) {
    return errorResponse(415, "UNSUPPORTED_MEDIA_TYPE", "Send tRPC mutations with Content-Type: application/json.");
  }
  if (!bearerFrom(request.headers.get("authorization"))) {
    try {
      assertSessionMutationAllowed(request);
    } catch (error) {
      return toErrorResponse(error);
    }
  }
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req: request,
    router: appRouter,
    createContext: () => createContext({ db: db(), headers: request.headers, session: sessionPrincipal }),
    responseMeta({ errors }) {
      const headers = new Headers({ "cache-control": "no-store" });
      const retryAfter = errors.map((error) => retryAfterOf(error.cause)).find((value) => value !== undefined);
      if (retryAfter !== undefined) headers.set("retry-after", String(retryAfter));
      return { headers };
    },
    onError({ error }) {
      if (error.code === "INTERNAL_SERVER_ERROR") console.error(`[lattice] trpc: ${describeError(error.cause ?? error)}`);
    },
  });
}

export { handler as GET, handler as POST };
