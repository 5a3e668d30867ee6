import { jsonRoute } from "@/server/http/json-route";
import { sessionPrincipal } from "@/server/auth/next-auth";
import { memberEmailInput } from "@/server/services/teams/schemas";
import { kickMember } from "@/server/services/teams/membership";

export const POST = jsonRoute({ access: "teams:admin", session: sessionPrincipal, input: memberEmailInput }, ({ db, principal, input }) =>
  kickMember(db.prisma, principal!, input),
);
