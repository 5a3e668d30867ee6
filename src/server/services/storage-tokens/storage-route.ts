import { readBody } from "../../http/read-body.ts";
import { ZodError, type z } from "zod";
import { db, type Database } from "../../db.ts";
import { AppError } from "../../errors.ts";
import { bearerFrom, requireScope, type Principal } from "../../auth/principal.ts";
import { TOKEN_PREFIXES } from "../../auth/tokens.ts";
import { bearerPrincipal, toErrorResponse } from "../../http/json-route.ts";
import { clientAddress } from "../../http/client-address.ts";
import { assertSessionMutationAllowed } from "../../http/csrf.ts";
import { isCode, throttled } from "../../auth/throttle.ts";
import { surfaceScope, type AccessLevel, type Surface } from "../buckets/schemas.ts";
import { requireStorageGrant, type StorageGrant } from "./storage-tokens.ts";

interface StorageHandlerArgs<I> {
  input: I;
  bucket: string;
  db: Database;
  request: Request;
  /** The path after the route's fixed part, decoded once (a KV key, a file path). */
  rest: string;
  actor: { principal: Principal } | { grant: StorageGrant };
}

/**
 * A /api/v1 route that CI can call with a storage token (`lst_…`, checked for surface, access and
 * bucket) as well as with an operator token or session (checked for `<surface>:<level>`).
 */
export function storageRoute<S extends z.ZodType | undefined>(
  spec: {
    surface: Surface;
    level: AccessLevel;
    /** false: not tied to one bucket (content-addressed blobs). */
    bucketParam?: boolean;
    input?: S;
    /**
     * Read the body unparsed: `true` for bytes (Content-Type: application/octet-stream), `"json"` for
     * JSON text the handler scans itself (Content-Type: application/json).
     */
    raw?: boolean | "json";
    maxBody?: number;
    /** The 413 message when the body is over maxBody. */
    tooLarge?: string;
    /** Marks where `rest` starts in the path, e.g. "/keys/". */
    restAfter?: string;
    status?: number;
    session?: () => Promise<Principal | null>;
  },
  handler: (args: StorageHandlerArgs<S extends z.ZodType ? z.output<S> : Buffer | undefined>) => Promise<unknown>,
): (request: Request, context?: { params?: Promise<Record<string, string | string[]>> }) => Promise<Response> {
  return async (request, context) => {
    try {
      const database = db();
      const params = (await context?.params) ?? {};
      const bucket = spec.bucketParam === false ? "" : String(params.name ?? "");
      const bearer = bearerFrom(request.headers.get("authorization"));
      let actor: StorageHandlerArgs<unknown>["actor"];
      if (bearer?.startsWith(TOKEN_PREFIXES.storage)) {
        const check = () => requireStorageGrant(database.prisma, bearer, spec.surface, spec.bucketParam === false ? null : bucket, spec.level);
        actor = { grant: await throttled("token", { address: clientAddress(request.headers) }, check, isCode("UNAUTHORIZED")) };
      } else {
        if (!bearer) assertSessionMutationAllowed(request, { rawBytes: spec.raw === true });
        const principal = bearer ? await bearerPrincipal(database, bearer, request) : ((await spec.session?.()) ?? null);
        // These routes are where CI lands with a storage token: say so when nothing was sent.
        if (!principal) throw new AppError("UNAUTHORIZED", "Send a storage token (Authorization: Bearer lst_…) or an API token (Bearer lat_…).");
        actor = { principal: requireScope(principal, surfaceScope(spec.surface, spec.level)) };
      }
      const pathname = new URL(request.url).pathname;
      let rest = "";
      if (spec.restAfter) {
        const at = pathname.indexOf(spec.restAfter);
        try {
          rest = at === -1 ? "" : decodeURIComponent(pathname.slice(at + spec.restAfter.length));
        } catch {
          throw new AppError("BAD_REQUEST", "Bad percent-encoding in the path.");
        }
      }
      let input: unknown;
      const limit = { bytes: spec.maxBody ?? 1024 * 1024, message: spec.tooLarge };
      if (spec.raw === "json") {
        if (!/^application\/json\b/i.test(request.headers.get("content-type") ?? "")) {
          throw new AppError("BAD_REQUEST", "Send a JSON body with Content-Type: application/json.");
        }
        input = await readBody(request, limit);
      } else if (spec.raw) {
        if (!/^application\/octet-stream\s*(;|$)/i.test(request.headers.get("content-type") ?? "")) {
          throw new AppError("BAD_REQUEST", "Send the file's bytes as the body with Content-Type: application/octet-stream.");
        }
        input = await readBody(request, limit);
      } else if (spec.input) {
        let raw: unknown;
        if (request.method === "GET" || request.method === "HEAD" || request.method === "DELETE") {
          raw = Object.fromEntries(new URL(request.url).searchParams);
        } else {
          if (!/^application\/json\b/i.test(request.headers.get("content-type") ?? "")) {
            throw new AppError("BAD_REQUEST", "Send a JSON body with Content-Type: application/json.");
          }
          const text = (await readBody(request, limit)).toString("utf8");
          try {
            raw = JSON.parse(text);
          } catch {
            throw new AppError("BAD_REQUEST", "Malformed JSON in request body.");
          }
        }
        const parsed = spec.input.safeParse(raw);
        if (!parsed.success) throw parsed.error;
        input = parsed.data;
      }
      const result = await handler({ input: input as never, bucket, db: database, request, rest, actor });
      if (result instanceof Response) return result;
      return Response.json(result, { status: spec.status ?? 200, headers: { "cache-control": "no-store" } });
    } catch (error) {
      if (error instanceof ZodError) return toErrorResponse(error);
      return toErrorResponse(error);
    }
  };
}


