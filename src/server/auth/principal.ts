import type { DbClient } from "../db.ts";
import { AppError } from "../errors.ts";
import { hashToken, looksLikeToken } from "./tokens.ts";
import { hasScope, isGrantedScope, type Scope } from "./scopes.ts";

/** Who is calling, however they authenticated. Every procedure and handler sees only this. */
export interface Principal {
  userId: string;
  email: string;
  displayName: string;
  scopes: string[];
  via: "session" | "token";
  tokenId?: string;
}

const LAST_USED_GRANULARITY_MS = 60_000; // one write a minute per token, not one per request

export function bearerFrom(authorization: string | null | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
  return match?.[1];
}

/** Resolves an operator token (`lat_…`). Unknown, revoked or expired → 401. */
export async function principalFromApiToken(db: DbClient, secret: string): Promise<Principal> {
  if (!looksLikeToken("api", secret)) throw new AppError("UNAUTHORIZED", "Invalid API token.");
  const token = await db.apiToken.findUnique({
    where: { tokenHash: hashToken(secret) },
    include: { user: { include: { memberships: { select: { id: true, lastSeenAt: true } } } } },
  });
  const now = new Date();
  // A token outlives nothing: revoked, expired, or its user no longer a member → 401.
  if (!token || token.revokedAt || (token.expiresAt && token.expiresAt <= now) || token.user.memberships.length === 0) {
    throw new AppError("UNAUTHORIZED", "Invalid or revoked API token.");
  }
  if (stale(token.lastUsedAt, now)) {
    void db.apiToken.update({ where: { id: token.id }, data: { lastUsedAt: now } }).catch(() => {});
  }
  touchMembership(db, token.user.memberships[0]!, now);
  // A token can narrow its user's scopes, never widen them.
  // A kv:read token of a kv:write user keeps kv:read (implied), so the check is hasScope, not includes.
  const scopes = token.scopes.includes("*") ? token.user.scopes : token.scopes.filter((s) => isGrantedScope(s) && s !== "*" && hasScope(token.user.scopes, s));
  return { userId: token.user.id, email: token.user.email, displayName: token.user.displayName, scopes, via: "token", tokenId: token.id };
}

function stale(last: Date | null, now: Date): boolean {
  return !last || now.getTime() - last.getTime() > LAST_USED_GRANULARITY_MS;
}

function touchMembership(db: DbClient, membership: { id: string; lastSeenAt: Date | null }, now: Date): void {
  if (stale(membership.lastSeenAt, now)) {
    void db.membership.update({ where: { id: membership.id }, data: { lastSeenAt: now } }).catch(() => {});
  }
}

/** What a dashboard session's JWT carries besides the user id (set at sign-in, see next-auth.ts). */
export interface SessionClaims {
  sid?: unknown;
  generation?: unknown;
}

/**
 * A dashboard session's user; null once they left or were removed from the team, or once the
 * session was ended (its own sign-out, or a bumped session generation).
 */
export async function principalFromUserId(db: DbClient, userId: string, claims: SessionClaims): Promise<Principal | null> {
  if (typeof claims.sid !== "string" || typeof claims.generation !== "number") return null;
  const user = await db.user.findUnique({
    where: { id: userId },
    include: { memberships: { select: { id: true, lastSeenAt: true } }, endedSessions: { where: { sid: claims.sid }, select: { sid: true } } },
  });
  if (!user || user.memberships.length === 0) return null;
  if (user.sessionGeneration !== claims.generation || user.endedSessions.length > 0) return null;
  touchMembership(db, user.memberships[0]!, new Date());
  return { userId: user.id, email: user.email, displayName: user.displayName, scopes: user.scopes, via: "session" };
}

export function requireScope(principal: Principal | null, scope: Scope): Principal {
  if (!principal) throw new AppError("UNAUTHORIZED", "Sign in or send an API token (Authorization: Bearer lat_…).");
  if (!hasScope(principal.scopes, scope)) throw new AppError("FORBIDDEN", `This needs the ${scope} scope.`);
  return principal;
}
