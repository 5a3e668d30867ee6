import { z } from "zod";
import type { DbClient } from "../../db.ts";
import { AppError } from "../../errors.ts";
import { hashPassword, verifyPassword } from "../../auth/password.ts";
import type { Principal } from "../../auth/principal.ts";
import { isCode, throttled, type ThrottleSubject } from "../../auth/throttle.ts";
import { passwordSchema } from "../teams/schemas.ts";

export const setPasswordInput = z.object({
  password: passwordSchema,
  currentPassword: z.string().max(200).optional(),
});

/**
 * Sets the dashboard password (optional at registration). A browser session must also give the
 * current password when one exists (throttled per account and address like sign-in); a bearer token
 * (the CLI, from the owner's own machine) may not. A new password ends every dashboard session of
 * the account, including the one that set it.
 */
export async function setPassword(db: DbClient, principal: Principal, input: z.output<typeof setPasswordInput>, client: ThrottleSubject = {}) {
  const user = await db.user.findUnique({ where: { id: principal.userId }, select: { passwordHash: true } });
  if (!user) throw new AppError("UNAUTHORIZED", "This account no longer exists.");
  const stored = user.passwordHash;
  if (principal.via === "session" && stored) {
    await throttled("password", { account: principal.userId, address: client.address }, async () => {
      if (!(await verifyPassword(input.currentPassword ?? "", stored))) throw new AppError("FORBIDDEN", "The current password is wrong.");
    }, isCode("FORBIDDEN"));
  }
  await db.user.update({
    where: { id: principal.userId },
    data: { passwordHash: await hashPassword(input.password), sessionGeneration: { increment: 1 } },
  });
  return { email: principal.email, passwordSet: true };
}
