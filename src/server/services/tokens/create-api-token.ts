import type { DbClient } from "../../db.ts";
import { AppError } from "../../errors.ts";
import type { Principal } from "../../auth/principal.ts";
import { hasScope, isGrantedScope, type Scope } from "../../auth/scopes.ts";
import { mintToken } from "../../auth/tokens.ts";
import { apiTokenSelect, apiTokenView } from "./list-api-tokens.ts";
import { createApiTokenInput, type CreateApiTokenInput } from "./schemas.ts";

/**
 * Mints an operator token (`lat_…`, shown once) for the caller's own account. Its scopes default
 * to the caller's effective ones and may never be wider: a token cannot escalate.
 */
export async function createApiToken(db: DbClient, principal: Principal, raw: CreateApiTokenInput) {
  const input = createApiTokenInput.parse(raw);
  const scopes = input.scopes ?? (principal.scopes.includes("*") ? ["*"] : principal.scopes.filter(isGrantedScope));
  if (scopes.length === 0) throw new AppError("FORBIDDEN", "You hold no scopes to give a token.");
  for (const scope of scopes) {
    const allowed = scope === "*" ? principal.scopes.includes("*") : isGrantedScope(scope) && hasScope(principal.scopes, scope as Scope);
    if (!allowed) {
      const own = principal.scopes.length ? principal.scopes.join(" ") : "none";
      throw new AppError("FORBIDDEN", `You cannot grant ${scope}: a token's scopes must be among your own (${own}).`);
    }
  }
  const token = mintToken("api");
  const row = await db.apiToken.create({
    data: {
      userId: principal.userId,
      label: input.label,
      tokenHash: token.hash,
      prefix: token.displayPrefix,
      scopes,
      expiresAt: input.expiresIn ? new Date(Date.now() + input.expiresIn * 1000) : null,
    },
    select: apiTokenSelect,
  });
  return { ...apiTokenView(row), token: token.secret };
}
