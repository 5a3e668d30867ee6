import { jsonRoute } from "@/server/http/json-route";
import { sessionPrincipal } from "@/server/auth/next-auth";
import { destroyTeamInput } from "@/server/services/teams/schemas";
import { destroyTeam } from "@/server/services/teams/destroy-team";

export const POST = jsonRoute({ access: "teams:admin", session: sessionPrincipal, input: destroyTeamInput }, ({ db, principal, input }) =>
  destroyTeam(db.prisma, principal!, input),
);
