import fs from "node:fs";
import path from "node:path";
import crypto from "node:crypto";
import { parseEncryptionKey } from "../../../lattice/crypto/master-key.ts";
import { serverEnv } from "../../env.ts";

let cached: Buffer | undefined;

/**
 * The key of encrypted columns (secrets.value) in the team's Postgres: LATTICE_ENCRYPTION_KEY, which
 * every server process of a workspace (and a Postgres-backed Lattice on it) must share. Without it
 * one is generated on first use and kept in the data dir (mode 0600), as the auth secret is: enough
 * for one process; several processes need the variable (docs/sync.md, "Secrets").
 */
export function workspaceKey(): Buffer {
  if (cached) return cached;
  const given = process.env.LATTICE_ENCRYPTION_KEY;
  if (given) return (cached = parseEncryptionKey(given));
  const dataDir = serverEnv().dataDir;
  const file = path.join(dataDir, "workspace.key");
  try {
    cached = parseEncryptionKey(fs.readFileSync(file, "utf8").trim());
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    fs.mkdirSync(dataDir, { recursive: true });
    const key = crypto.randomBytes(32).toString("hex");
    try {
      fs.writeFileSync(file, key, { mode: 0o600, flag: "wx" });
    } catch {
      // Another process wrote it first: use theirs.
    }
    cached = parseEncryptionKey(fs.readFileSync(file, "utf8").trim());
  }
  return cached;
}
