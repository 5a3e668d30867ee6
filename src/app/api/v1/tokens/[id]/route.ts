import { jsonRoute } from "@/server/http/json-route";
import { sessionPrincipal } from "@/server/auth/next-auth";
import { revokeApiToken } from "@/server/services/tokens/revoke-api-token";

export const DELETE = jsonRoute({ access: "authed", session: sessionPrincipal }, ({ db, principal, params }) => revokeApiToken(db.prisma, principal!, { id: params.id ?? "" }));
