import fs from "node:fs";
import { latticePaths } from "./paths.ts";
import { ensurePrivateDir, readFileIfExists, writeFileAtomic } from "./atomic-file.ts";

/** Saves a team's bearer token as `keys/<label>.token` (dir 0700, file 0600); returns its path. */
export function writeToken(label: string, token: string, home?: string): string {
  const paths = latticePaths(home);
  ensurePrivateDir(paths.home);
  ensurePrivateDir(paths.keysDir);
  const file = paths.keyFile(label);
  writeFileAtomic(file, token + "\n", 0o600);
  return file;
}

/** The saved token for `label`, or null when there is none. */
export function readToken(label: string, home?: string): string | null {
  const text = readFileIfExists(latticePaths(home).keyFile(label));
  const token = text?.trim();
  return token ? token : null;
}

/** Deletes `keys/<label>.token`; false when there was none. */
export function removeToken(label: string, home?: string): boolean {
  const file = latticePaths(home).keyFile(label);
  try {
    fs.unlinkSync(file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw error;
  }
}
