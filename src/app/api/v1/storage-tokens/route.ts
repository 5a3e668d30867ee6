import { jsonRoute } from "@/server/http/json-route";
import { sessionPrincipal } from "@/server/auth/next-auth";
import { createStorageToken, listStorageTokens } from "@/server/services/storage-tokens/storage-tokens";
import { createStorageTokenInput } from "@/server/services/storage-tokens/schemas";
import type { Surface } from "@/server/services/buckets/schemas";

export const dynamic = "force-dynamic";
// The services check `<surface>:admin` for the token's surface.
export const GET = jsonRoute({ access: "authed", session: sessionPrincipal }, ({ db, principal, request }) => {
  const params = new URL(request.url).searchParams;
  return listStorageTokens(db.prisma, principal!, { surface: (params.get("surface") ?? undefined) as Surface | undefined, all: params.get("all") === "true" });
});
export const POST = jsonRoute({ access: "authed", session: sessionPrincipal, input: createStorageTokenInput, status: 201 }, ({ db, principal, input }) =>
  createStorageToken(db.prisma, principal!, input),
);
