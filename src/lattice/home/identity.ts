import { latticePaths } from "./paths.ts";
import { readJsonFile, writeFileAtomic } from "./atomic-file.ts";

/** Who this machine's user is, shared by every project and team (`identity.json`). */
export interface Identity {
  displayName: string;
  email: string;
}

export function readIdentity(home?: string): Identity | null {
  const file = latticePaths(home).identity;
  const raw = readJsonFile(file) as { display_name?: unknown; email?: unknown } | null;
  if (raw === null) return null;
  if (typeof raw !== "object" || typeof raw.display_name !== "string" || typeof raw.email !== "string") {
    throw new Error(`${file} must hold {"display_name": "...", "email": "..."}: fix or delete it`);
  }
  return { displayName: raw.display_name, email: raw.email };
}

export function writeIdentity(identity: Identity, home?: string): void {
  // snake_case on disk: the file format is shared with other Lattice tools (see the seed).
  const body = { display_name: identity.displayName, email: identity.email };
  writeFileAtomic(latticePaths(home).identity, JSON.stringify(body, null, 2) + "\n");
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * `lattice identity set`: validates and saves, keeping the stored value of a field not given.
 * Emails are stored lower-cased, as the server compares them.
 */
export function updateIdentity(changes: { email?: string; displayName?: string }, home?: string): Identity {
  const current = readIdentity(home);
  const email = (changes.email ?? current?.email ?? "").trim().toLowerCase();
  const displayName = (changes.displayName ?? current?.displayName ?? "").trim();
  if (!email) throw new Error("no email: pass --email <email>");
  if (!EMAIL.test(email) || email.length > 254) throw new Error(`"${email}" is not a valid email address`);
  if (!displayName) throw new Error("no display name: pass --name <name>");
  if (displayName.length > 100) throw new Error("the display name is too long (100 characters at most)");
  const identity = { email, displayName };
  writeIdentity(identity, home);
  return identity;
}
