import type { DbClient } from "../../db.ts";
import { AppError } from "../../errors.ts";
import { hashToken, looksLikeToken, mintToken } from "../../auth/tokens.ts";
import { hasScope } from "../../auth/scopes.ts";
import type { Principal } from "../../auth/principal.ts";
import { notifyStorage } from "../hosting/notify.ts";
import { requireSurfaceScope, surfaceScope, type AccessLevel, type Surface } from "../buckets/schemas.ts";
import { createStorageTokenInput, listStorageTokensInput, storageTokenIdInput, type CreateStorageTokenInput } from "./schemas.ts";

const LEVEL_RANK: Record<AccessLevel, number> = { read: 1, write: 2, admin: 3 };

/** What a resolved `lst_` token may do. */
export interface StorageGrant {
  id: string;
  surface: Surface;
  access: AccessLevel;
  buckets: string[];
  expiresAt: Date | null;
}

/** Mints a token (the secret is returned once, stored as SHA-256). Needs `<surface>:admin`. */
export async function createStorageToken(db: DbClient, principal: Principal, raw: CreateStorageTokenInput) {
  const input = createStorageTokenInput.parse(raw);
  requireSurfaceScope(principal, input.surface, "admin");
  if (!input.buckets.includes("*")) {
    // A typo would otherwise mint a token that silently opens nothing.
    const found = await db.bucket.findMany({ where: { surface: input.surface, name: { in: input.buckets } }, select: { name: true } });
    const unknown = input.buckets.filter((name) => !found.some((b) => b.name === name));
    if (unknown.length) {
      throw new AppError("UNPROCESSABLE_CONTENT", `buckets: no ${input.surface} bucket named ${unknown.map((n) => `"${n}"`).join(", ")}.`);
    }
  }
  const token = mintToken("storage");
  const row = await db.storageToken.create({
    data: {
      label: input.label ?? `${input.surface} ${input.access}`,
      surface: input.surface,
      access: input.access,
      buckets: input.buckets,
      tokenHash: token.hash,
      prefix: token.displayPrefix,
      createdById: principal.userId,
      expiresAt: input.expiresIn ? new Date(Date.now() + input.expiresIn * 1000) : null,
    },
  });
  return { ...(await withCreators(db, [row]))[0]!, token: token.secret };
}

type StorageTokenRow = { id: string; label: string; surface: string; access: string; buckets: string[]; prefix: string; createdById: string | null; createdAt: Date; lastUsedAt: Date | null; expiresAt: Date | null; revokedAt: Date | null };

/**
 * Rows as shown, each with `createdBy`: its creator's email while they are a member, else null
 * (shown as "removed member"; removing a member revokes their tokens).
 */
async function withCreators(db: DbClient, rows: StorageTokenRow[]) {
  const ids = [...new Set(rows.flatMap((row) => (row.createdById ? [row.createdById] : [])))];
  const members = ids.length
    ? await db.user.findMany({ where: { id: { in: ids }, memberships: { some: {} } }, select: { id: true, email: true } })
    : [];
  const emails = new Map(members.map((user) => [user.id, user.email]));
  return rows.map((row) => ({ ...view(row), createdBy: (row.createdById && emails.get(row.createdById)) ?? null }));
}

function view(row: StorageTokenRow) {
  const now = new Date();
  const status = row.revokedAt ? "revoked" : row.expiresAt && row.expiresAt <= now ? "expired" : "active";
  return {
    id: row.id,
    label: row.label,
    surface: row.surface as Surface,
    access: row.access as AccessLevel,
    buckets: row.buckets,
    prefix: row.prefix,
    createdAt: row.createdAt,
    lastUsedAt: row.lastUsedAt,
    expiresAt: row.expiresAt,
    revokedAt: row.revokedAt,
    status: status as "active" | "expired" | "revoked",
  };
}

/** Tokens of the surfaces the caller administers (one surface when given), active ones unless `all`. */
export async function listStorageTokens(db: DbClient, principal: Principal, raw: { surface?: Surface; all?: boolean } = {}) {
  const input = listStorageTokensInput.parse(raw);
  const surfaces = adminSurfaces(principal, input.surface);
  const rows = await db.storageToken.findMany({
    where: { surface: { in: surfaces }, ...(input.all ? {} : { revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: new Date() } }] }) },
    orderBy: { createdAt: "desc" },
  });
  return withCreators(db, rows);
}

export function adminSurfaces(principal: Principal, only?: Surface): Surface[] {
  if (only) {
    requireSurfaceScope(principal, only, "admin");
    return [only];
  }
  const surfaces = (["kv", "static"] as const).filter((s) => hasScope(principal.scopes, surfaceScope(s, "admin")));
  if (!surfaces.length) throw new AppError("FORBIDDEN", "This needs the kv:admin or static:admin scope.");
  return surfaces;
}

export async function revokeStorageToken(db: DbClient, principal: Principal, raw: { id: string }) {
  const { id } = storageTokenIdInput.parse(raw);
  const row = await db.storageToken.findUnique({ where: { id } });
  if (!row) throw new AppError("NOT_FOUND", `No storage token with id ${id}.`);
  requireSurfaceScope(principal, row.surface as Surface, "admin");
  if (row.revokedAt) return (await withCreators(db, [row]))[0]!;
  const updated = await db.storageToken.update({ where: { id }, data: { revokedAt: new Date() } });
  await notifyStorage(db, { t: "tokens" });
  return (await withCreators(db, [updated]))[0]!;
}

/** The grant behind a secret, or null when unknown or revoked (expiry is checked at use, so cached grants expire too). */
export async function findStorageGrant(db: DbClient, secret: string): Promise<StorageGrant | null> {
  if (!looksLikeToken("storage", secret)) return null;
  const row = await db.storageToken.findUnique({ where: { tokenHash: hashToken(secret) } });
  if (!row || row.revokedAt) return null;
  return { id: row.id, surface: row.surface as Surface, access: row.access as AccessLevel, buckets: row.buckets, expiresAt: row.expiresAt };
}

export function grantIsLive(grant: StorageGrant | null, now = Date.now()): grant is StorageGrant {
  return !!grant && (!grant.expiresAt || grant.expiresAt.getTime() > now);
}

/** The seed's failure modes: wrong surface, a lower access level, or a bucket not listed → 403. */
export function authorizeGrant(grant: StorageGrant, surface: Surface, bucket: string, level: AccessLevel): void {
  if (grant.surface !== surface) throw new AppError("FORBIDDEN", `This storage token is for ${grant.surface} buckets, not ${surface}.`);
  if (LEVEL_RANK[grant.access] < LEVEL_RANK[level]) throw new AppError("FORBIDDEN", `This storage token has ${grant.access} access; this needs ${level}.`);
  if (!grant.buckets.includes("*") && !grant.buckets.includes(bucket)) {
    throw new AppError("FORBIDDEN", `This storage token does not cover bucket "${bucket}".`);
  }
}

export const INVALID_STORAGE_TOKEN = "Send a valid storage token: Authorization: Bearer lst_…";

/** Resolves and checks a storage token straight from the database (the JSON deploy and KV routes). */
export async function requireStorageGrant(db: DbClient, secret: string, surface: Surface, bucket: string | null, level: AccessLevel): Promise<StorageGrant> {
  const grant = await findStorageGrant(db, secret);
  if (!grantIsLive(grant)) throw new AppError("UNAUTHORIZED", INVALID_STORAGE_TOKEN);
  if (bucket === null) {
    // Bucket-independent operations (uploading a content-addressed blob): surface and level only.
    authorizeGrant({ ...grant, buckets: ["*"] }, surface, "*", level);
  } else {
    authorizeGrant(grant, surface, bucket, level);
  }
  touchStorageToken(db, grant.id);
  return grant;
}

const lastTouched = new Map<string, number>();
/** Records last_used_at at most once a minute per token and process, off the request path. */
export function touchStorageToken(db: DbClient, id: string): void {
  const now = Date.now();
  if (now - (lastTouched.get(id) ?? 0) < 60_000) return;
  lastTouched.set(id, now);
  void db.storageToken.update({ where: { id }, data: { lastUsedAt: new Date(now) } }).catch(() => {});
}
