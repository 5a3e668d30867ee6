import { jsonRoute } from "@/server/http/json-route";
import { sessionPrincipal } from "@/server/auth/next-auth";
import { setRoleInput } from "@/server/services/teams/schemas";
import { setMemberRole } from "@/server/services/teams/membership";

export const POST = jsonRoute({ access: "teams:admin", session: sessionPrincipal, input: setRoleInput }, ({ db, principal, input }) =>
  setMemberRole(db.prisma, principal!, input),
);
