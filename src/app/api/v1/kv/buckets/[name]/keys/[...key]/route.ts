import { sessionPrincipal } from "@/server/auth/next-auth";
import { storageRoute } from "@/server/services/storage-tokens/storage-route";
import { deleteKey, getKey, putKey } from "@/server/services/kv/bucket-entries";
import { MAX_KV_VALUE_BYTES } from "@/server/services/kv/schemas";
import { jsonWithValueText, readKvPutBody } from "@/server/services/kv/value-text";

export const dynamic = "force-dynamic";
const common = { surface: "kv", restAfter: "/keys/", session: sessionPrincipal } as const;

/** The entry with `value` as its exact stored JSON text, and that text again as the string `valueText`. */
function entryResponse(entry: { key: string; valueText: string; version: number; etag: string; updatedAt: Date; expiresAt: Date | null; created?: boolean }, status = 200) {
  const { key, valueText, version, etag, updatedAt, expiresAt, created } = entry;
  const body = jsonWithValueText({ key }, valueText, { valueText, version, etag, updatedAt, expiresAt, ...(created === undefined ? {} : { created }) });
  return new Response(body, { status, headers: { "content-type": "application/json", "cache-control": "no-store", etag } });
}

export const GET = storageRoute({ ...common, level: "read" }, async ({ db, bucket, rest }) => entryResponse(await getKey(db.prisma, { bucket, key: rest })));

// Body {"value": any JSON, "expiresIn"?: seconds}, read raw so the value is stored as the exact text sent;
// If-Match: "<version>" is compare-and-swap, If-None-Match: * creates only.
export const PUT = storageRoute({ ...common, level: "write", raw: "json", maxBody: MAX_KV_VALUE_BYTES + 1024 }, async ({ db, bucket, rest, input, request }) => {
  const body = readKvPutBody((input as Buffer | undefined) ?? Buffer.alloc(0));
  const ifNoneMatch = request.headers.get("if-none-match")?.trim();
  const written = await putKey(db.prisma, {
    bucket,
    key: rest,
    valueText: body.valueText,
    expiresIn: body.expiresIn,
    ifMatch: request.headers.get("if-match") ?? undefined,
    ifNoneMatch: ifNoneMatch === "*" ? "*" : undefined,
  });
  return entryResponse(written, written.created ? 201 : 200);
});

export const DELETE = storageRoute({ ...common, level: "write" }, ({ db, bucket, rest }) => deleteKey(db.prisma, { bucket, key: rest }));
