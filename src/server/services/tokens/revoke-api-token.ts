import type { DbClient } from "../../db.ts";
import { AppError } from "../../errors.ts";
import { requireScope, type Principal } from "../../auth/principal.ts";
import { apiTokenSelect, apiTokenView } from "./list-api-tokens.ts";
import { apiTokenIdInput } from "./schemas.ts";

/**
 * Revokes an operator token at once (the next call with it is 401). Your own: always, including
 * the one you are calling with. Anyone else's: teams:admin (owners and admins).
 */
export async function revokeApiToken(db: DbClient, principal: Principal, raw: { id: string }) {
  const { id } = apiTokenIdInput.parse(raw);
  const row = await db.apiToken.findUnique({ where: { id }, select: { ...apiTokenSelect, userId: true } });
  if (!row) throw new AppError("NOT_FOUND", `No API token with id ${id}.`);
  if (row.userId !== principal.userId) requireScope(principal, "teams:admin");
  const { userId: _owner, ...shown } = row;
  if (row.revokedAt) return apiTokenView(shown);
  const updated = await db.apiToken.update({ where: { id }, data: { revokedAt: new Date() }, select: apiTokenSelect });
  return apiTokenView(updated);
}
