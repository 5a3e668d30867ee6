import type { DbClient } from "../../db.ts";
import type { Principal } from "../../auth/principal.ts";
import { requireScope } from "../../auth/principal.ts";
import { listApiTokensInput } from "./schemas.ts";

export const apiTokenSelect = {
  id: true,
  label: true,
  prefix: true,
  scopes: true,
  createdAt: true,
  lastUsedAt: true,
  expiresAt: true,
  revokedAt: true,
  user: { select: { email: true } },
} as const;

type Row = { id: string; label: string; prefix: string; scopes: string[]; createdAt: Date; lastUsedAt: Date | null; expiresAt: Date | null; revokedAt: Date | null; user: { email: string } };

/** A token as lists show it: never the hash, only the prefix. */
export function apiTokenView(row: Row, now = new Date()) {
  const status = row.revokedAt ? "revoked" : row.expiresAt && row.expiresAt <= now ? "expired" : "active";
  const { user, ...rest } = row;
  return { ...rest, owner: user.email, status: status as "active" | "expired" | "revoked" };
}

/** The caller's operator tokens, newest first; with `all` (teams:admin) every member's. */
export async function listApiTokens(db: DbClient, principal: Principal, raw: { all?: boolean } = {}) {
  const { all } = listApiTokensInput.parse(raw);
  if (all) requireScope(principal, "teams:admin");
  const rows = await db.apiToken.findMany({ where: all ? {} : { userId: principal.userId }, select: apiTokenSelect, orderBy: { createdAt: "desc" } });
  const now = new Date();
  return rows.map((row) => apiTokenView(row, now));
}
