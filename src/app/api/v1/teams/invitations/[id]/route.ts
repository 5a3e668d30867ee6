import { jsonRoute } from "@/server/http/json-route";
import { sessionPrincipal } from "@/server/auth/next-auth";
import { revokeInvitation } from "@/server/services/teams/invitations";

export const DELETE = jsonRoute({ access: "teams:admin", session: sessionPrincipal }, ({ db, params }) =>
  revokeInvitation(db.prisma, { invitation: decodeURIComponent(params.id ?? "") }),
);
