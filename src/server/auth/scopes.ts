// Every operator scope, declared once. `*` includes all of them.
export const SCOPES = [
  "kv:read",
  "kv:write",
  "kv:admin",
  "static:read",
  "static:write",
  "static:admin",
  "teams:read",
  "teams:write",
  "teams:admin",
] as const;

export type Scope = (typeof SCOPES)[number];
export type GrantedScope = Scope | "*";

// Holding a stronger scope of the same surface implies the weaker ones (admin ⊃ write ⊃ read).
const IMPLIED_BY: Record<Scope, Scope[]> = {
  "kv:read": ["kv:write", "kv:admin"],
  "kv:write": ["kv:admin"],
  "kv:admin": [],
  "static:read": ["static:write", "static:admin"],
  "static:write": ["static:admin"],
  "static:admin": [],
  "teams:read": ["teams:write", "teams:admin"],
  "teams:write": ["teams:admin"],
  "teams:admin": [],
};

export function isGrantedScope(value: string): value is GrantedScope {
  return value === "*" || (SCOPES as readonly string[]).includes(value);
}

export function hasScope(granted: readonly string[], needed: Scope): boolean {
  return granted.includes("*") || granted.includes(needed) || IMPLIED_BY[needed].some((s) => granted.includes(s));
}
