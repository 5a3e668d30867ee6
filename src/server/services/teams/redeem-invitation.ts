import type { PrismaClient } from "../../db.ts";
import { AppError } from "../../errors.ts";
import { hashPassword } from "../../auth/password.ts";
import { hashToken, looksLikeToken, mintToken } from "../../auth/tokens.ts";
import { ROLE_SCOPES, type Role } from "../../auth/roles.ts";
import { isCode, throttled, type ThrottleSubject } from "../../auth/throttle.ts";
import { redeemInvitationInput, type RedeemInvitationInput } from "./schemas.ts";

const INVALID = "Invalid invitation token.";

/**
 * Joins the team with an invitation. The checks run in a fixed order: unknown token, then the
 * claimed email (before anything else, so a stranger holding the token learns nothing about
 * whether it was used), then expiry, then use. Two concurrent redeems: exactly one wins.
 */
export async function redeemInvitation(prisma: PrismaClient, raw: RedeemInvitationInput, client: ThrottleSubject = {}) {
  const input = redeemInvitationInput.parse(raw);
  // Wrong tokens and wrong emails count against the caller's address (docs/security.md → Throttling).
  return throttled("invitation", { address: client.address }, () => redeem(prisma, input), isCode("NOT_FOUND", "FORBIDDEN"));
}

async function redeem(prisma: PrismaClient, input: RedeemInvitationInput) {
  if (!looksLikeToken("invitation", input.token)) throw new AppError("NOT_FOUND", INVALID);
  // The lookup comes before any password hashing, so a made-up token costs no scrypt.
  if (!(await prisma.invitation.findUnique({ where: { tokenHash: hashToken(input.token) }, select: { id: true } }))) {
    throw new AppError("NOT_FOUND", INVALID);
  }
  const passwordHash = input.password ? await hashPassword(input.password) : undefined;
  const apiToken = input.issueApiToken === false ? null : mintToken("api");

  return prisma.$transaction(async (tx) => {
    const invitation = await tx.invitation.findUnique({ where: { tokenHash: hashToken(input.token) }, include: { team: true } });
    if (!invitation) throw new AppError("NOT_FOUND", INVALID);
    if (invitation.inviteeEmail !== input.email) {
      throw new AppError("FORBIDDEN", "This invitation is bound to a different email address.");
    }
    if (invitation.revokedAt) throw new AppError("FORBIDDEN", "This invitation was revoked; ask for a new one.");
    const now = new Date();
    if (invitation.expiresAt <= now) {
      throw new AppError("FORBIDDEN", `This invitation expired at ${invitation.expiresAt.toISOString()}; ask for a new one.`);
    }
    if (invitation.redeemedAt) throw new AppError("CONFLICT", "This invitation has already been used.");

    // The claim: a conditional update, so of two concurrent redeems only one sees count = 1.
    const claimed = await tx.invitation.updateMany({
      where: { id: invitation.id, redeemedAt: null, revokedAt: null },
      data: { redeemedAt: now },
    });
    if (claimed.count !== 1) throw new AppError("CONFLICT", "This invitation has already been used.");

    const role = invitation.role as Role;
    const existing = await tx.user.findUnique({ where: { email: input.email }, include: { memberships: true } });
    if (existing?.memberships.length) throw new AppError("CONFLICT", `${input.email} is already a member of "${invitation.team.name}".`);
    const userData = { displayName: input.name, scopes: ROLE_SCOPES[role], ...(passwordHash ? { passwordHash } : {}) };
    // Someone who left earlier keeps their user id; their old tokens stay revoked.
    const user = existing
      ? await tx.user.update({ where: { id: existing.id }, data: userData })
      : await tx.user.create({ data: { email: input.email, ...userData } });
    await tx.membership.create({ data: { teamId: invitation.teamId, userId: user.id, role } });
    await tx.invitation.update({ where: { id: invitation.id }, data: { redeemedByUserId: user.id } });
    if (apiToken) {
      await tx.apiToken.create({
        data: { userId: user.id, label: "join", tokenHash: apiToken.hash, prefix: apiToken.displayPrefix, scopes: ["*"] },
      });
    }
    return {
      user: { id: user.id, email: user.email, displayName: user.displayName },
      team: { id: invitation.team.id, name: invitation.team.name },
      role,
      token: apiToken?.secret ?? null,
      tokenPrefix: apiToken?.displayPrefix ?? null,
    };
  });
}
