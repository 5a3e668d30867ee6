import { jsonRoute } from "@/server/http/json-route";
import { sessionPrincipal } from "@/server/auth/next-auth";
import { teamStatus } from "@/server/services/teams/team-overview";

export const dynamic = "force-dynamic";
export const GET = jsonRoute({ access: "authed", session: sessionPrincipal }, ({ db, principal }) => teamStatus(db.prisma, principal!));
