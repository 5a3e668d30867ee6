import { z } from "zod";
import type { DbClient } from "../../db.ts";
import { AppError } from "../../errors.ts";
import { hashPassword, verifyPassword } from "../../auth/password.ts";
import type { Principal } from "../../auth/principal.ts";
import { passwordSchema } from "../teams/schemas.ts";

export const setPasswordInput = z.object({
  password: passwordSchema,
  currentPassword: z.string().max(200).optional(),
});

/**
 * Sets the dashboard password (optional at registration). A browser session must also give the
 * current password when one exists; a bearer token (the CLI, from the owner's own machine) may not.
 */
export async function setPassword(db: DbClient, principal: Principal, input: z.output<typeof setPasswordInput>) {
  const user = await db.user.findUnique({ where: { id: principal.userId }, select: { passwordHash: true } });
  if (!user) throw new AppError("UNAUTHORIZED", "This account no longer exists.");
  if (principal.via === "session" && user.passwordHash && !(await verifyPassword(input.currentPassword ?? "", user.passwordHash))) {
    throw new AppError("FORBIDDEN", "The current password is wrong.");
  }
  await db.user.update({ where: { id: principal.userId }, data: { passwordHash: await hashPassword(input.password) } });
  return { email: principal.email, passwordSet: true };
}
