import { jsonRoute } from "@/server/http/json-route";
import { sessionPrincipal } from "@/server/auth/next-auth";
import { revokeStorageToken } from "@/server/services/storage-tokens/storage-tokens";

export const DELETE = jsonRoute({ access: "authed", session: sessionPrincipal }, ({ db, principal, params }) => revokeStorageToken(db.prisma, principal!, { id: params.id ?? "" }));
