import crypto from "node:crypto";

// Every secret Lattice hands out: 32 random bytes behind a type prefix, stored only as SHA-256.
export const TOKEN_PREFIXES = { api: "lat_", invitation: "latinv_", storage: "lst_", login: "latlogin_" } as const;
export type TokenKind = keyof typeof TOKEN_PREFIXES;

export interface MintedToken {
  secret: string;
  hash: string;
  /** Safe to show in lists: the type prefix and the first characters of the secret. */
  displayPrefix: string;
}

export function mintToken(kind: TokenKind): MintedToken {
  const secret = TOKEN_PREFIXES[kind] + crypto.randomBytes(32).toString("base64url");
  return { secret, hash: hashToken(secret), displayPrefix: secret.slice(0, TOKEN_PREFIXES[kind].length + 6) };
}

export function hashToken(secret: string): string {
  return crypto.createHash("sha256").update(secret).digest("hex");
}

export function looksLikeToken(kind: TokenKind, value: string): boolean {
  return value.startsWith(TOKEN_PREFIXES[kind]) && value.length > TOKEN_PREFIXES[kind].length + 20 && value.length < 200;
}
