import { jsonRoute } from "@/server/http/json-route";
import { sessionPrincipal } from "@/server/auth/next-auth";
import { leaveTeam } from "@/server/services/teams/membership";

export const POST = jsonRoute({ access: "authed", session: sessionPrincipal }, ({ db, principal }) => leaveTeam(db.prisma, principal!));
