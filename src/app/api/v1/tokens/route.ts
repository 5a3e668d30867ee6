import { jsonRoute } from "@/server/http/json-route";
import { sessionPrincipal } from "@/server/auth/next-auth";
import { listApiTokens } from "@/server/services/tokens/list-api-tokens";
import { createApiToken } from "@/server/services/tokens/create-api-token";
import { createApiTokenInput } from "@/server/services/tokens/schemas";

export const dynamic = "force-dynamic";
// Operator tokens (lat_): any member manages their own; the services check the rest.
export const GET = jsonRoute({ access: "authed", session: sessionPrincipal }, ({ db, principal, request }) =>
  listApiTokens(db.prisma, principal!, { all: new URL(request.url).searchParams.get("all") === "true" }),
);
export const POST = jsonRoute({ access: "authed", session: sessionPrincipal, input: createApiTokenInput, status: 201 }, ({ db, principal, input }) =>
  createApiToken(db.prisma, principal!, input),
);
