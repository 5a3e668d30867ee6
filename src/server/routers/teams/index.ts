import { z } from "zod";
import { authedProcedure, publicProcedure, router, scoped } from "../../trpc.ts";
import { registerTeam } from "../../services/teams/register-team.ts";
import { redeemInvitation } from "../../services/teams/redeem-invitation.ts";
import { createInvitation, listInvitations, revokeInvitation } from "../../services/teams/invitations.ts";
import { kickMember, leaveTeam, setMemberRole } from "../../services/teams/membership.ts";
import { destroyTeam } from "../../services/teams/destroy-team.ts";
import { teamOverview, teamStatus, whoAmI } from "../../services/teams/team-overview.ts";
import {
  createInvitationInput,
  destroyTeamInput,
  memberEmailInput,
  redeemInvitationInput,
  registerTeamInput,
  registerTeamOutput,
  revokeInvitationInput,
  setRoleInput,
} from "../../services/teams/schemas.ts";

const team = z.object({ id: z.string(), name: z.string() });
const teamWithDate = team.extend({ createdAt: z.date() });
const userOutput = z.object({ id: z.string(), email: z.string(), displayName: z.string() });
const memberOutput = z.object({
  userId: z.string(),
  email: z.string(),
  displayName: z.string(),
  role: z.string(),
  joinedAt: z.date(),
  lastSeenAt: z.date().nullable(),
});
const whoamiOutput = z.object({
  user: userOutput.extend({ scopes: z.array(z.string()) }),
  team: teamWithDate.nullable(),
  role: z.string().nullable(),
});
const invitationOutput = z.object({
  id: z.string(),
  inviteeEmail: z.string(),
  role: z.string(),
  prefix: z.string(),
  createdAt: z.date(),
  expiresAt: z.date(),
  invitedBy: z.string().nullable(),
  status: z.enum(["pending", "redeemed", "expired", "revoked"]),
});

export const teamsRouter = router({
  /** First-run registration: no credentials, refused once the server has a team. */
  register: publicProcedure
    .input(registerTeamInput)
    .output(registerTeamOutput)
    .mutation(({ ctx, input }) => registerTeam(ctx.db.prisma, input)),

  /** Redeem an email-bound invitation: no credentials, the token is the credential. */
  join: publicProcedure
    .input(redeemInvitationInput)
    .output(z.object({ user: userOutput, team, role: z.string(), token: z.string().nullable(), tokenPrefix: z.string().nullable() }))
    .mutation(({ ctx, input }) => redeemInvitation(ctx.db.prisma, input, { address: ctx.address })),

  whoami: authedProcedure.output(whoamiOutput).query(({ ctx }) => whoAmI(ctx.db.prisma, ctx.principal.userId)),

  status: authedProcedure
    .output(whoamiOutput.extend({ via: z.string(), memberCount: z.number(), pendingInvitations: z.number().nullable() }))
    .query(({ ctx }) => teamStatus(ctx.db.prisma, ctx.principal)),

  overview: scoped("teams:read")
    .output(z.object({ team: teamWithDate, members: z.array(memberOutput) }))
    .query(({ ctx }) => teamOverview(ctx.db.prisma)),

  members: scoped("teams:read")
    .output(z.array(memberOutput))
    .query(async ({ ctx }) => (await teamOverview(ctx.db.prisma)).members),

  invite: scoped("teams:admin")
    .input(createInvitationInput)
    .output(z.object({ id: z.string(), inviteeEmail: z.string(), role: z.string(), expiresAt: z.date(), token: z.string(), teamName: z.string() }))
    .mutation(({ ctx, input }) => createInvitation(ctx.db.prisma, ctx.principal, input)),

  invitations: scoped("teams:admin")
    .input(z.object({ all: z.boolean().optional() }).optional())
    .output(z.array(invitationOutput))
    .query(({ ctx, input }) => listInvitations(ctx.db.prisma, { all: input?.all })),

  revokeInvitation: scoped("teams:admin")
    .input(revokeInvitationInput)
    .output(z.object({ revoked: z.number() }))
    .mutation(({ ctx, input }) => revokeInvitation(ctx.db.prisma, input)),

  leave: authedProcedure
    .output(z.object({ team, email: z.string() }))
    .mutation(({ ctx }) => leaveTeam(ctx.db.prisma, ctx.principal)),

  kick: scoped("teams:admin")
    .input(memberEmailInput)
    .output(z.object({ team, email: z.string() }))
    .mutation(({ ctx, input }) => kickMember(ctx.db.prisma, ctx.principal, input)),

  setRole: scoped("teams:admin")
    .input(setRoleInput)
    .output(z.object({ email: z.string(), role: z.string() }))
    .mutation(({ ctx, input }) => setMemberRole(ctx.db.prisma, ctx.principal, input)),

  destroy: scoped("teams:admin")
    .input(destroyTeamInput)
    .output(z.object({ team, destroyed: z.boolean() }))
    .mutation(({ ctx, input }) => destroyTeam(ctx.db.prisma, ctx.principal, input)),
});
