import { jsonRoute } from "@/server/http/json-route";
import { sessionPrincipal } from "@/server/auth/next-auth";
import { whoAmI } from "@/server/services/teams/team-overview";

export const dynamic = "force-dynamic";
export const GET = jsonRoute({ access: "authed", session: sessionPrincipal }, ({ db, principal }) =>
  whoAmI(db.prisma, principal!.userId),
);
