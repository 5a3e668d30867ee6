import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { ZodError } from "zod";
import type { Database } from "./db.ts";
import { AppError, isAppError } from "./errors.ts";
import { bearerFrom, principalFromApiToken, requireScope, type Principal } from "./auth/principal.ts";
import type { Scope } from "./auth/scopes.ts";
import { formatZodError } from "./http/zod-message.ts";
import { clientAddress } from "./http/client-address.ts";
import { isCode, throttled } from "./auth/throttle.ts";

export interface Context {
  db: Database;
  headers: Headers;
  /** The caller's address when the server can trust it (per-address throttling). */
  address: string | undefined;
  /** Resolved on first use: a bearer token wins over a session cookie. */
  principal(): Promise<Principal | null>;
}

export function createContext(opts: {
  db: Database;
  headers: Headers;
  session?: () => Promise<Principal | null>;
}): Context {
  let resolved: Promise<Principal | null> | undefined;
  const address = clientAddress(opts.headers);
  return {
    db: opts.db,
    headers: opts.headers,
    address,
    principal() {
      resolved ??= (async () => {
        const bearer = bearerFrom(opts.headers.get("authorization"));
        if (bearer) return throttled("token", { address }, () => principalFromApiToken(opts.db.prisma, bearer), isCode("UNAUTHORIZED"));
        return opts.session ? opts.session() : null;
      })();
      return resolved;
    },
  };
}

const TRPC_CODE: Record<AppError["code"], TRPCError["code"]> = {
  BAD_REQUEST: "BAD_REQUEST",
  UNAUTHORIZED: "UNAUTHORIZED",
  FORBIDDEN: "FORBIDDEN",
  NOT_FOUND: "NOT_FOUND",
  METHOD_NOT_ALLOWED: "METHOD_NOT_SUPPORTED",
  CONFLICT: "CONFLICT",
  PRECONDITION_FAILED: "PRECONDITION_FAILED",
  PAYLOAD_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  UNSUPPORTED_MEDIA_TYPE: "UNSUPPORTED_MEDIA_TYPE",
  UNPROCESSABLE_CONTENT: "UNPROCESSABLE_CONTENT",
  TOO_MANY_REQUESTS: "TOO_MANY_REQUESTS",
  INTERNAL_SERVER_ERROR: "INTERNAL_SERVER_ERROR",
  SERVICE_UNAVAILABLE: "SERVICE_UNAVAILABLE",
};

export function toTRPCError(error: unknown): TRPCError {
  if (error instanceof TRPCError) {
    if (isAppError(error.cause) || error.cause instanceof ZodError) return toTRPCError(error.cause);
    return error;
  }
  if (isAppError(error)) return new TRPCError({ code: TRPC_CODE[error.code], message: error.message, cause: error });
  if (error instanceof ZodError) return new TRPCError({ code: "UNPROCESSABLE_CONTENT", message: formatZodError(error), cause: error });
  return new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: "Internal server error", cause: error });
}

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  isDev: false,
  errorFormatter({ shape, error }) {
    const message =
      error.code === "INTERNAL_SERVER_ERROR"
        ? "Internal server error"
        : error.code === "BAD_REQUEST" && error.cause instanceof ZodError
          ? formatZodError(error.cause)
          : shape.message;
    return { ...shape, message, data: { code: shape.data.code, httpStatus: shape.data.httpStatus, path: shape.data.path } };
  },
});

const mapAppErrors = t.middleware(async ({ next }) => {
  try {
    const result = await next();
    if (!result.ok) throw toTRPCError(result.error);
    return result;
  } catch (error) {
    throw toTRPCError(error);
  }
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const publicProcedure = t.procedure.use(mapAppErrors);

/** Any signed-in principal (session or bearer token). */
export const authedProcedure = publicProcedure.use(async ({ ctx, next }) => {
  const principal = await ctx.principal();
  if (!principal) throw new AppError("UNAUTHORIZED", "Sign in or send an API token (Authorization: Bearer lat_…).");
  return next({ ctx: { ...ctx, principal } });
});

/** A procedure that needs one scope: `scoped("kv:admin")`. */
export function scoped(scope: Scope) {
  return publicProcedure.use(async ({ ctx, next }) => {
    const principal = requireScope(await ctx.principal(), scope);
    return next({ ctx: { ...ctx, principal } });
  });
}
