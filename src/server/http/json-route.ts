import { ZodError, type z } from "zod";
import { db, type Database } from "../db.ts";
import { AppError, describeError, isAppError } from "../errors.ts";
import { bearerFrom, principalFromApiToken, requireScope, type Principal } from "../auth/principal.ts";
import type { Scope } from "../auth/scopes.ts";
import { formatZodError } from "./zod-message.ts";
import { readBody } from "./read-body.ts";
import { clientAddress } from "./client-address.ts";
import { assertSessionMutationAllowed } from "./csrf.ts";
import { isCode, retryAfterOf, throttled } from "../auth/throttle.ts";

const MAX_BODY_BYTES = 1024 * 1024;

type Access = "public" | "authed" | Scope;

interface HandlerArgs<I> {
  input: I;
  params: Record<string, string>;
  principal: Principal | null;
  db: Database;
  request: Request;
}

/** Plain JSON error body, the same shape on every /api/v1 route. */
export function errorResponse(status: number, code: string, message: string, headers: Record<string, string> = {}): Response {
  return Response.json({ error: { code, message } }, { status, headers: { "cache-control": "no-store", ...headers } });
}

export function toErrorResponse(error: unknown): Response {
  const retryAfter = retryAfterOf(error);
  if (isAppError(error)) return errorResponse(error.status, error.code, error.message, retryAfter ? { "retry-after": String(retryAfter) } : {});
  if (error instanceof ZodError) return errorResponse(422, "UNPROCESSABLE_CONTENT", formatZodError(error));
  console.error(`[lattice] unexpected error: ${describeError(error)}`);
  return errorResponse(500, "INTERNAL_SERVER_ERROR", "Internal server error");
}

async function readJson(request: Request, maxBytes: number): Promise<unknown> {
  const type = request.headers.get("content-type") ?? "";
  // Only JSON bodies: a cross-site form cannot send one, which is our CSRF guard.
  if (!/^application\/json\b/i.test(type)) {
    throw new AppError("BAD_REQUEST", "Send a JSON body with Content-Type: application/json.");
  }
  const text = (await readBody(request, { bytes: maxBytes, message: `Request body is larger than ${maxBytes === MAX_BODY_BYTES ? "1 MiB" : `${maxBytes} bytes`}.` })).toString("utf8");
  if (!text.trim()) throw new AppError("BAD_REQUEST", "Request body is empty: send a JSON object.");
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("BAD_REQUEST", "Malformed JSON in request body.");
  }
}

/** An operator token, with failed guesses throttled per client address. */
export function bearerPrincipal(database: Database, bearer: string, request: Request): Promise<Principal> {
  return throttled("token", { address: clientAddress(request.headers) }, () => principalFromApiToken(database.prisma, bearer), isCode("UNAUTHORIZED"));
}

/**
 * Wraps a /api/v1 route handler: auth, JSON parsing, validation and the one error mapping.
 * The handler itself only calls a service.
 */
export function jsonRoute<S extends z.ZodType | undefined>(
  spec: { access: Access; input?: S; status?: number; session?: () => Promise<Principal | null>; maxBody?: number },
  handler: (args: HandlerArgs<S extends z.ZodType ? z.output<S> : undefined>) => Promise<unknown>,
): (request: Request, context?: { params?: Promise<Record<string, string | string[]>> }) => Promise<Response> {
  return async (request, context) => {
    try {
      const database = db();
      let principal: Principal | null = null;
      const bearer = bearerFrom(request.headers.get("authorization"));
      if (bearer) principal = await bearerPrincipal(database, bearer, request);
      else if (spec.access !== "public" && spec.session) {
        assertSessionMutationAllowed(request);
        principal = await spec.session();
      }
      if (spec.access === "authed" && !principal) {
        throw new AppError("UNAUTHORIZED", "Sign in or send an API token (Authorization: Bearer lat_…).");
      }
      if (spec.access !== "public" && spec.access !== "authed") requireScope(principal, spec.access);

      let input: unknown;
      if (spec.input) {
        const raw = request.method === "GET" || request.method === "HEAD"
          ? Object.fromEntries(new URL(request.url).searchParams)
          : await readJson(request, spec.maxBody ?? MAX_BODY_BYTES);
        const parsed = spec.input.safeParse(raw);
        if (!parsed.success) throw parsed.error;
        input = parsed.data;
      }
      const params = Object.fromEntries(
        Object.entries((await context?.params) ?? {}).map(([key, value]) => [key, Array.isArray(value) ? value.join("/") : value]),
      );
      const result = await handler({ input: input as never, params, principal, db: database, request });
      return Response.json(result, { status: spec.status ?? 200, headers: { "cache-control": "no-store" } });
    } catch (error) {
      return toErrorResponse(error);
    }
  };
}
