import { createTRPCClient, httpLink, TRPCClientError } from "@trpc/client";
import superjson from "superjson";
import type { AppRouter } from "../../server/root.ts";
import { LatticeClientError, notLatticeError, tokenRejectedError, unreachableError } from "./errors.ts";
import { noAnswerError, requestTimeoutMs, timeoutSignal } from "./request-timeout.ts";
import { normalizeCloudUrl } from "./cloud-url.ts";

// Also exported from here, where the CLI imports it.
export { normalizeCloudUrl };

/**
 * fetch for the tRPC link: network failures, timeouts and non-JSON answers (an HTML page, a proxy's
 * error page) become one-line LatticeClientErrors here, where the URL and the response are still known.
 * The body is read here too, so the time limit covers the whole answer, not just its headers.
 */
function latticeFetch(cloud: string): typeof fetch {
  return async (input, init) => {
    const ms = requestTimeoutMs();
    const limit = timeoutSignal(ms, init?.signal);
    let response: Response;
    let body: string;
    try {
      response = await fetch(input, { ...init, signal: limit.signal });
      const type = response.headers.get("content-type") ?? "";
      if (!/\bjson\b/i.test(type)) {
        await response.body?.cancel().catch(() => {});
        throw notLatticeError(cloud);
      }
      body = await response.text();
    } catch (error) {
      if (error instanceof LatticeClientError) throw error;
      if (limit.timedOut()) throw noAnswerError(cloud, ms, error);
      throw unreachableError(cloud, error);
    }
    return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
}

export type LatticeTrpcClient = ReturnType<typeof createLatticeTrpcClient>;

/** The typed client every Lattice tool uses; `import type` keeps server code out of the bundle. */
export function createLatticeTrpcClient(cloud: string, token?: string) {
  const base = normalizeCloudUrl(cloud);
  return createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${base}/api/trpc`,
        transformer: superjson,
        fetch: latticeFetch(base),
        headers: () => (token ? { authorization: `Bearer ${token}` } : {}),
      }),
    ],
  });
}

/**
 * Maps whatever a tRPC call threw to one LatticeClientError. `teamName` names the saved
 * connection in the 401 message.
 */
export function toLatticeClientError(error: unknown, context: { cloud: string; teamName?: string }): LatticeClientError {
  if (error instanceof LatticeClientError) return error;
  if (error instanceof TRPCClientError) {
    if (error.cause instanceof LatticeClientError) return error.cause;
    const data = error.data as { code?: string; httpStatus?: number } | undefined;
    // An answer without a tRPC error shape came from something that is not a Lattice server.
    if (!data?.code) return notLatticeError(context.cloud);
    if (data.code === "UNAUTHORIZED") return tokenRejectedError(context.teamName, error);
    return new LatticeClientError("SERVER", error.message, { serverCode: data.code, httpStatus: data.httpStatus, cause: error });
  }
  return new LatticeClientError("SERVER", error instanceof Error ? error.message : String(error), { cause: error });
}
