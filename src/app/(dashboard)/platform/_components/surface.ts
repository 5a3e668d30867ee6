import type { Scope } from "@/server/auth/scopes";

export type Surface = "kv" | "static";
export type AccessLevel = "read" | "write" | "admin";

// What differs between the two storage pages, in one place.
export const SURFACE_TEXT: Record<Surface, { title: string; noun: string; nounPlural: string; description: string }> = {
  kv: {
    title: "KV Store",
    noun: "key",
    nounPlural: "keys",
    description: "Named key/value buckets for scripts and service integrations, readable over HTTP with a storage token.",
  },
  static: {
    title: "Static",
    noun: "file",
    nounPlural: "files",
    description: "Named object buckets that serve small static sites on your own hostnames.",
  },
};

export function surfaceScope(surface: Surface, level: AccessLevel): Scope {
  return `${surface}:${level}`;
}

/** The operator's permissions on one surface, computed on the server; the server enforces them again. */
export interface SurfaceAccess {
  canWrite: boolean;
  canAdmin: boolean;
}

export interface BucketRow {
  name: string;
  createdAt: Date;
  bindings: number;
  currentDeployId: string | null;
}

export interface BindingRow {
  id: string;
  host: string;
  bucket: string;
  enabled: boolean;
  createdAt: Date;
}

export interface StorageTokenRow {
  id: string;
  label: string;
  access: AccessLevel;
  buckets: string[];
  prefix: string;
  createdAt: Date;
  /** null once the creator was removed from the team. */
  createdBy: string | null;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  status: "active" | "expired" | "revoked";
}
