import { jsonRoute } from "@/server/http/json-route";
import { sessionPrincipal } from "@/server/auth/next-auth";
import { teamOverview } from "@/server/services/teams/team-overview";

export const dynamic = "force-dynamic";
export const GET = jsonRoute({ access: "teams:read", session: sessionPrincipal }, async ({ db }) => (await teamOverview(db.prisma)).members);
