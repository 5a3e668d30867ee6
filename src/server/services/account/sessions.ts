import type { DbClient } from "../../db.ts";
import type { Principal } from "../../auth/principal.ts";

/** Ends one dashboard session (a sign-out): its id is refused until the cookie would have expired anyway. */
export async function endSession(db: DbClient, userId: string, sid: string, maxAgeSeconds: number): Promise<void> {
  const now = new Date();
  await db.endedSession.deleteMany({ where: { expiresAt: { lt: now } } });
  await db.endedSession.upsert({
    where: { sid },
    create: { sid, userId, expiresAt: new Date(now.getTime() + maxAgeSeconds * 1000) },
    update: {},
  }).catch(() => {}); // the user may be gone already (team destroyed): nothing left to end
}

/** Ends every dashboard session of this user at its next request (API tokens are not sessions and stay). */
export async function signOutEverywhere(db: DbClient, principal: Principal) {
  await db.user.update({ where: { id: principal.userId }, data: { sessionGeneration: { increment: 1 } } });
  return { email: principal.email, signedOut: true };
}
