import { jsonRoute } from "@/server/http/json-route";
import { sessionPrincipal } from "@/server/auth/next-auth";
import { deleteBucket } from "@/server/services/buckets/buckets";

// DELETE ?force=true also deletes the bucket's host bindings; without it a bound bucket is refused (409).
export const DELETE = jsonRoute({ access: "kv:admin", session: sessionPrincipal }, ({ db, params, request }) =>
  deleteBucket(db.prisma, "kv", { name: params.name ?? "", force: new URL(request.url).searchParams.get("force") === "true" }),
);
