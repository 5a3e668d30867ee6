import { jsonRoute } from "@/server/http/json-route";
import { sessionPrincipal } from "@/server/auth/next-auth";
import { revokeInvitation } from "@/server/services/teams/invitations";

// Next has decoded the segment already; decoding again turned "%25" into a 500.
export const DELETE = jsonRoute({ access: "teams:admin", session: sessionPrincipal }, ({ db, params }) =>
  revokeInvitation(db.prisma, { invitation: params.id ?? "" }),
);
