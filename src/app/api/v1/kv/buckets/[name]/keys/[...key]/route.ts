import { sessionPrincipal } from "@/server/auth/next-auth";
import { storageRoute } from "@/server/services/storage-tokens/storage-route";
import { deleteKey, getKey, putKey } from "@/server/services/kv/bucket-entries";
import { putBody } from "@/server/services/kv/schemas";

export const dynamic = "force-dynamic";
const common = { surface: "kv", restAfter: "/keys/", session: sessionPrincipal } as const;

export const GET = storageRoute({ ...common, level: "read" }, ({ db, bucket, rest }) => getKey(db.prisma, { bucket, key: rest }));

// Body {"value": any JSON, "expiresIn"?: seconds}; If-Match: "<version>" is compare-and-swap, If-None-Match: * creates only.
export const PUT = storageRoute({ ...common, level: "write", input: putBody }, async ({ db, bucket, rest, input, request }) => {
  const ifNoneMatch = request.headers.get("if-none-match")?.trim();
  const written = await putKey(db.prisma, {
    bucket,
    key: rest,
    value: input.value,
    expiresIn: input.expiresIn,
    ifMatch: request.headers.get("if-match") ?? undefined,
    ifNoneMatch: ifNoneMatch === "*" ? "*" : undefined,
  });
  return Response.json(written, { status: written.created ? 201 : 200, headers: { "cache-control": "no-store", etag: written.etag } });
});

export const DELETE = storageRoute({ ...common, level: "write" }, ({ db, bucket, rest }) => deleteKey(db.prisma, { bucket, key: rest }));
