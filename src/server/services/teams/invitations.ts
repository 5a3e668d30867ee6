import type { DbClient } from "../../db.ts";
import { AppError } from "../../errors.ts";
import { mintToken } from "../../auth/tokens.ts";
import type { Principal } from "../../auth/principal.ts";
import { requireTeam } from "./team-overview.ts";
import { revokeInvitationInput, type CreateInvitationInput } from "./schemas.ts";

export type InvitationStatus = "pending" | "redeemed" | "expired" | "revoked";

function statusOf(invitation: { redeemedAt: Date | null; revokedAt: Date | null; expiresAt: Date }, now = new Date()): InvitationStatus {
  if (invitation.redeemedAt) return "redeemed";
  if (invitation.revokedAt) return "revoked";
  return invitation.expiresAt <= now ? "expired" : "pending";
}

/** Mints an invitation bound to one email address (input parsed by `createInvitationInput`). The secret is returned once, stored hashed. */
export async function createInvitation(db: DbClient, principal: Principal, input: CreateInvitationInput) {
  const team = await requireTeam(db);
  const existing = await db.user.findUnique({
    where: { email: input.inviteeEmail },
    select: { memberships: { select: { id: true } } },
  });
  if (existing?.memberships.length) throw new AppError("CONFLICT", `${input.inviteeEmail} is already a member of "${team.name}".`);
  const token = mintToken("invitation");
  const invitation = await db.invitation.create({
    data: {
      teamId: team.id,
      inviteeEmail: input.inviteeEmail,
      role: input.role,
      tokenHash: token.hash,
      prefix: token.displayPrefix,
      createdById: principal.userId,
      expiresAt: new Date(Date.now() + input.expiresIn * 1000),
    },
  });
  return {
    id: invitation.id,
    inviteeEmail: invitation.inviteeEmail,
    role: invitation.role,
    expiresAt: invitation.expiresAt,
    token: token.secret,
    teamName: team.name,
  };
}

export async function listInvitations(db: DbClient, options: { all?: boolean } = {}) {
  const now = new Date();
  const rows = await db.invitation.findMany({
    where: options.all ? {} : { redeemedAt: null, revokedAt: null, expiresAt: { gt: now } },
    orderBy: { createdAt: "asc" },
    include: { createdBy: { select: { email: true } } },
  });
  return rows.map((row) => ({
    id: row.id,
    inviteeEmail: row.inviteeEmail,
    role: row.role,
    prefix: row.prefix,
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
    invitedBy: row.createdBy?.email ?? null,
    status: statusOf(row, now),
  }));
}

/** Revokes one pending invitation by id, or every pending invitation for an email address. */
export async function revokeInvitation(db: DbClient, raw: { invitation: string }) {
  const { invitation } = revokeInvitationInput.parse(raw);
  const byId = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(invitation);
  const where = byId ? { id: invitation } : { inviteeEmail: invitation.toLowerCase() };
  const { count } = await db.invitation.updateMany({
    where: { ...where, redeemedAt: null, revokedAt: null, expiresAt: { gt: new Date() } },
    data: { revokedAt: new Date() },
  });
  if (count === 0) throw new AppError("NOT_FOUND", `No pending invitation matches "${invitation}".`);
  return { revoked: count };
}
