import { db } from "@/server/db";
import { AppError } from "@/server/errors";
import { sessionPrincipal } from "@/server/auth/next-auth";
import { bearerFrom, requireScope } from "@/server/auth/principal";
import { bearerPrincipal, toErrorResponse } from "@/server/http/json-route";
import { assertSessionMutationAllowed } from "@/server/http/csrf";
import { readBody } from "@/server/http/read-body";
import { getSyncBlob, MAX_SYNC_BLOB_BYTES, putSyncBlob, SYNC_BLOB_TOO_LARGE } from "@/server/services/sync/blobs";

export const dynamic = "force-dynamic";

// The bytes of shared files rows: PUT before pushing the row (teams:write), GET by a puller that
// lacks them (teams:read). Content-addressed and verified by the hash.
async function principalFor(request: Request, scope: "teams:read" | "teams:write") {
  const database = db();
  const bearer = bearerFrom(request.headers.get("authorization"));
  if (!bearer) assertSessionMutationAllowed(request, { rawBytes: true });
  const principal = bearer ? await bearerPrincipal(database, bearer, request) : await sessionPrincipal();
  if (!principal) throw new AppError("UNAUTHORIZED", "Sign in or send an API token (Authorization: Bearer lat_…).");
  requireScope(principal, scope);
  return database;
}

async function sha256Of(context: { params: Promise<{ sha256: string }> }): Promise<string> {
  return (await context.params).sha256;
}

export async function GET(request: Request, context: { params: Promise<{ sha256: string }> }): Promise<Response> {
  try {
    const database = await principalFor(request, "teams:read");
    const bytes = await getSyncBlob(database.prisma, await sha256Of(context));
    return new Response(new Uint8Array(bytes), {
      headers: { "content-type": "application/octet-stream", "content-length": String(bytes.length), "cache-control": "no-store", "x-content-type-options": "nosniff" },
    });
  } catch (error) {
    return toErrorResponse(error);
  }
}

export async function PUT(request: Request, context: { params: Promise<{ sha256: string }> }): Promise<Response> {
  try {
    const database = await principalFor(request, "teams:write");
    if (!/^application\/octet-stream\s*(;|$)/i.test(request.headers.get("content-type") ?? "")) {
      throw new AppError("BAD_REQUEST", "Send the file's bytes as the body with Content-Type: application/octet-stream.");
    }
    const bytes = await readBody(request, { bytes: MAX_SYNC_BLOB_BYTES, message: SYNC_BLOB_TOO_LARGE });
    const stored = await putSyncBlob(database.prisma, await sha256Of(context), bytes);
    return Response.json(stored, { status: stored.stored ? 201 : 200, headers: { "cache-control": "no-store" } });
  } catch (error) {
    return toErrorResponse(error);
  }
}
