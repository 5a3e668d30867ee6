import type { GrantedScope } from "./scopes.ts";

// A member's role decides the scopes their account (and so their tokens) carries.
export const ROLES = ["owner", "admin", "member"] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_SCOPES: Record<Role, GrantedScope[]> = {
  owner: ["*"],
  admin: ["*"],
  member: ["teams:read", "teams:write", "kv:write", "static:write"],
};
