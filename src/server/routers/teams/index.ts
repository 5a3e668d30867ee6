import { z } from "zod";
import { authedProcedure, publicProcedure, router, scoped } from "../../trpc.ts";
import { registerTeam } from "../../services/teams/register-team.ts";
import { registerTeamInput, registerTeamOutput } from "../../services/teams/schemas.ts";
import { teamOverview, whoAmI } from "../../services/teams/team-overview.ts";

const memberOutput = z.object({
  userId: z.string(),
  email: z.string(),
  displayName: z.string(),
  role: z.string(),
  joinedAt: z.date(),
  lastSeenAt: z.date().nullable(),
});

export const teamsRouter = router({
  /** First-run registration: no credentials, refused once the server has a team. */
  register: publicProcedure
    .input(registerTeamInput)
    .output(registerTeamOutput)
    .mutation(({ ctx, input }) => registerTeam(ctx.db.prisma, input)),

  whoami: authedProcedure
    .output(
      z.object({
        user: z.object({ id: z.string(), email: z.string(), displayName: z.string(), scopes: z.array(z.string()) }),
        team: z.object({ id: z.string(), name: z.string(), createdAt: z.date() }).nullable(),
        role: z.string().nullable(),
      }),
    )
    .query(({ ctx }) => whoAmI(ctx.db.prisma, ctx.principal.userId)),

  overview: scoped("teams:read")
    .output(z.object({ team: z.object({ id: z.string(), name: z.string(), createdAt: z.date() }), members: z.array(memberOutput) }))
    .query(({ ctx }) => teamOverview(ctx.db.prisma)),
});
