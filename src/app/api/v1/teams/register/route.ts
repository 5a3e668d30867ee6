import { jsonRoute } from "@/server/http/json-route";
import { registerTeamInput } from "@/server/services/teams/schemas";
import { registerTeam } from "@/server/services/teams/register-team";

export const POST = jsonRoute({ access: "public", input: registerTeamInput, status: 201 }, ({ db, input }) =>
  registerTeam(db.prisma, input),
);
