import type { PrismaClient } from "../../db.ts";
import { AppError } from "../../errors.ts";
import type { Principal } from "../../auth/principal.ts";
import { destroyTeamInput } from "./schemas.ts";
import { requireTeam } from "./team-overview.ts";

/**
 * Deletes every piece of team data on this server (the team, its members, their accounts and
 * tokens, invitations) in one transaction; the server is back at its first-run page afterwards.
 * Owner only, and the caller must repeat the team's name, so a stray API call cannot do it.
 */
export async function destroyTeam(prisma: PrismaClient, principal: Principal, raw: { confirm: string }) {
  const { confirm } = destroyTeamInput.parse(raw);
  const team = await requireTeam(prisma);
  if (confirm !== team.name) throw new AppError("UNPROCESSABLE_CONTENT", `confirm must be the team's name ("${team.name}").`);
  return prisma.$transaction(async (tx) => {
    const membership = await tx.membership.findUnique({ where: { teamId_userId: { teamId: team.id, userId: principal.userId } } });
    if (membership?.role !== "owner") throw new AppError("FORBIDDEN", "Only an owner can destroy the team.");
    // Team rows cascade to memberships and invitations; users cascade to their tokens.
    await tx.team.deleteMany({});
    await tx.user.deleteMany({});
    return { team: { id: team.id, name: team.name }, destroyed: true };
  });
}
