import type { DbClient } from "../../db.ts";
import { AppError } from "../../errors.ts";

export async function findTeam(db: DbClient) {
  return db.team.findFirst({ select: { id: true, name: true, createdAt: true } });
}

export async function requireTeam(db: DbClient) {
  const team = await findTeam(db);
  if (!team) throw new AppError("NOT_FOUND", "This server has no team yet: register one with `lattice teams register`.");
  return team;
}

export async function teamOverview(db: DbClient) {
  const team = await requireTeam(db);
  const memberships = await db.membership.findMany({
    where: { teamId: team.id },
    include: { user: { select: { id: true, email: true, displayName: true } } },
    orderBy: { joinedAt: "asc" },
  });
  return {
    team,
    members: memberships.map((m) => ({
      userId: m.user.id,
      email: m.user.email,
      displayName: m.user.displayName,
      role: m.role,
      joinedAt: m.joinedAt,
      lastSeenAt: m.lastSeenAt,
    })),
  };
}

/** Who the caller is in this server's team (used by `lattice teams status`). */
export async function whoAmI(db: DbClient, userId: string) {
  const team = await findTeam(db);
  const membership = team
    ? await db.membership.findUnique({ where: { teamId_userId: { teamId: team.id, userId } }, select: { role: true, joinedAt: true } })
    : null;
  const user = await db.user.findUnique({ where: { id: userId }, select: { id: true, email: true, displayName: true, scopes: true } });
  if (!user) throw new AppError("UNAUTHORIZED", "This account no longer exists.");
  return { user, team, role: membership?.role ?? null };
}

/** `lattice teams status`: identity, role, and for those who manage the team, pending invitations. */
export async function teamStatus(db: DbClient, principal: { userId: string; scopes: string[]; via: string }) {
  const me = await whoAmI(db, principal.userId);
  const canManage = me.role === "owner" || me.role === "admin";
  const pendingInvitations = canManage
    ? await db.invitation.count({ where: { redeemedAt: null, revokedAt: null, expiresAt: { gt: new Date() } } })
    : null;
  const memberCount = me.team ? await db.membership.count({ where: { teamId: me.team.id } }) : 0;
  return { ...me, via: principal.via, memberCount, pendingInvitations };
}
