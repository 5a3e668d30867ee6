import type { DbClient } from "../../db.ts";

/** A user's operator tokens, newest first. Never selects the hash: lists show the prefix only. */
export async function listApiTokens(db: DbClient, userId: string) {
  return db.apiToken.findMany({
    where: { userId },
    select: {
      id: true,
      label: true,
      prefix: true,
      scopes: true,
      createdAt: true,
      lastUsedAt: true,
      expiresAt: true,
      revokedAt: true,
    },
    orderBy: { createdAt: "desc" },
  });
}
