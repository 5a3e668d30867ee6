import type { PrismaClient } from "../../db.ts";
import type { Prisma } from "../../db/generated/client.ts";
import { AppError } from "../../errors.ts";
import type { Principal } from "../../auth/principal.ts";
import { ROLE_SCOPES, type Role } from "../../auth/roles.ts";
import { memberEmailInput, setRoleInput } from "./schemas.ts";
import { requireTeam } from "./team-overview.ts";
import { announceStorageChange, notifyStorage } from "../hosting/notify.ts";
import { SYNC_TRANSACTION, unlinkRowsOwnedBy } from "../sync/tables.ts";

type Tx = Prisma.TransactionClient;

async function membershipOf(tx: Tx, teamId: string, userId: string) {
  const membership = await tx.membership.findUnique({ where: { teamId_userId: { teamId, userId } } });
  if (!membership) throw new AppError("FORBIDDEN", "You are not a member of this team.");
  return membership;
}

async function ownerCount(tx: Tx, teamId: string) {
  return tx.membership.count({ where: { teamId, role: "owner" } });
}

/**
 * Takes a user out of the team in one transaction: membership gone, every token revoked, no
 * password (so no dashboard session can be opened again), every row they owned unlinked from the team.
 */
async function removeMember(tx: Tx, teamId: string, userId: string, actorId: string) {
  // Auto-unlink: their rows leave the shared tables in this transaction, an "unlink" in the feed each.
  await unlinkRowsOwnedBy(tx, userId, actorId);
  await tx.membership.delete({ where: { teamId_userId: { teamId, userId } } });
  await tx.apiToken.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: new Date() } });
  await revokeCredentialsCreatedBy(tx, userId);
  // A new session generation: a session cookie from before stays dead even after a re-invite.
  await tx.user.update({ where: { id: userId }, data: { passwordHash: null, scopes: [], sessionGeneration: { increment: 1 } } });
}

/**
 * What a removed member handed out dies with their membership: the storage tokens they minted and
 * their pending invitations (their authority to admit people ended; an admin who stays re-invites).
 * Every process drops its cached grants at commit (NOTIFY), this one at once (see `removed`).
 */
async function revokeCredentialsCreatedBy(tx: Tx, userId: string) {
  const now = new Date();
  const tokens = await tx.storageToken.updateMany({ where: { createdById: userId, revokedAt: null }, data: { revokedAt: now } });
  await tx.invitation.updateMany({ where: { createdById: userId, redeemedAt: null, revokedAt: null }, data: { revokedAt: now } });
  if (tokens.count) await notifyStorage(tx, { t: "tokens" });
}

/** After the removal committed: this process's cached grants go now, not a NOTIFY round trip later. */
function removed<T>(result: T): T {
  announceStorageChange({ t: "tokens" });
  return result;
}

function onlyOwnerMessage(teamName: string, action: string) {
  return `You are the only owner of "${teamName}", so you cannot ${action}: make another member an owner first (lattice teams set-role --email <member> --role owner), or delete the team (lattice teams destroy).`;
}

export async function leaveTeam(prisma: PrismaClient, principal: Principal) {
  const team = await requireTeam(prisma);
  const result = await prisma.$transaction(async (tx) => {
    const membership = await membershipOf(tx, team.id, principal.userId);
    if (membership.role === "owner" && (await ownerCount(tx, team.id)) === 1) {
      throw new AppError("CONFLICT", onlyOwnerMessage(team.name, "leave"));
    }
    await removeMember(tx, team.id, principal.userId, principal.userId);
    return { team: { id: team.id, name: team.name }, email: principal.email };
  }, SYNC_TRANSACTION);
  return removed(result);
}

export async function kickMember(prisma: PrismaClient, principal: Principal, raw: { email: string }) {
  const { email } = memberEmailInput.parse(raw);
  const team = await requireTeam(prisma);
  const result = await prisma.$transaction(async (tx) => {
    const actor = await membershipOf(tx, team.id, principal.userId);
    if (actor.role !== "owner" && actor.role !== "admin") throw new AppError("FORBIDDEN", "Only an owner or admin can remove members.");
    const target = await tx.user.findUnique({ where: { email }, include: { memberships: { where: { teamId: team.id } } } });
    const targetMembership = target?.memberships[0];
    if (!target || !targetMembership) throw new AppError("NOT_FOUND", `${email} is not a member of "${team.name}".`);
    if (target.id === principal.userId) throw new AppError("BAD_REQUEST", "You cannot remove yourself: use lattice teams leave.");
    if (targetMembership.role === "owner" && actor.role !== "owner") throw new AppError("FORBIDDEN", "Only an owner can remove another owner.");
    await removeMember(tx, team.id, target.id, principal.userId);
    return { team: { id: team.id, name: team.name }, email };
  }, SYNC_TRANSACTION);
  return removed(result);
}

export async function setMemberRole(prisma: PrismaClient, principal: Principal, raw: { email: string; role: string }) {
  const { email, role } = setRoleInput.parse(raw);
  const team = await requireTeam(prisma);
  return prisma.$transaction(async (tx) => {
    const actor = await membershipOf(tx, team.id, principal.userId);
    if (actor.role !== "owner") throw new AppError("FORBIDDEN", "Only an owner can change roles.");
    const target = await tx.user.findUnique({ where: { email }, include: { memberships: { where: { teamId: team.id } } } });
    const membership = target?.memberships[0];
    if (!target || !membership) throw new AppError("NOT_FOUND", `${email} is not a member of "${team.name}".`);
    if (membership.role === "owner" && role !== "owner" && (await ownerCount(tx, team.id)) === 1) {
      throw new AppError("CONFLICT", `${email} is the only owner of "${team.name}": make another member an owner first.`);
    }
    await tx.membership.update({ where: { id: membership.id }, data: { role } });
    await tx.user.update({ where: { id: target.id }, data: { scopes: ROLE_SCOPES[role as Role] } });
    return { email, role };
  });
}
