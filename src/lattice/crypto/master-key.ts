import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import { ensurePrivateDir } from "../home/atomic-file.ts";
import { latticeHome, latticePaths } from "../home/paths.ts";
import { MASTER_KEY_BYTES } from "./encrypted-value.ts";

type Env = Record<string, string | undefined>;

export interface MasterKeyOptions {
  /** LATTICE_HOME (default: from `env`, else ~/.lattice). */
  home?: string;
  env?: Env;
}

/** "~/.lattice/master.key" when under the home directory: shorter, and what the docs say. */
function displayPath(file: string): string {
  const userHome = os.homedir();
  return file.startsWith(userHome + "/") ? "~" + file.slice(userHome.length) : file;
}

/** LATTICE_ENCRYPTION_KEY as 64 hex characters or base64 (standard or url-safe) of exactly 32 bytes. */
export function parseEncryptionKey(text: string): Buffer {
  const value = text.trim();
  let key: Buffer | null = null;
  if (/^[0-9a-fA-F]{64}$/.test(value)) key = Buffer.from(value, "hex");
  else if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(value)) key = Buffer.from(value, "base64");
  if (!key || key.length !== MASTER_KEY_BYTES) {
    const got = key ? `${key.length} bytes` : "neither hex nor base64";
    throw new Error(`LATTICE_ENCRYPTION_KEY must be exactly 32 bytes, as 64 hex characters or base64 (got ${got}); generate one with: openssl rand -base64 32`);
  }
  return key;
}

function readKeyFile(file: string): Buffer {
  const fd = fs.openSync(file, "r");
  try {
    const { mode } = fs.fstatSync(fd);
    if (process.platform !== "win32" && (mode & 0o077) !== 0) {
      const shown = displayPath(file);
      throw new Error(`${shown} is readable by other users (mode 0${(mode & 0o777).toString(8)}): run chmod 600 ${shown}`);
    }
    const key = fs.readFileSync(fd);
    if (key.length !== MASTER_KEY_BYTES) {
      throw new Error(`${displayPath(file)} is damaged (${key.length} bytes, expected ${MASTER_KEY_BYTES}): restore it from a backup`);
    }
    return key;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The key that seals every `enc:` value on this machine: LATTICE_ENCRYPTION_KEY when set (the
 * file is then neither read nor created), else `master.key`, created on first use.
 */
export function loadMasterKey(options: MasterKeyOptions = {}): Buffer {
  const env = options.env ?? process.env;
  const fromEnv = env.LATTICE_ENCRYPTION_KEY;
  if (fromEnv !== undefined && fromEnv.trim() !== "") return parseEncryptionKey(fromEnv);

  const paths = latticePaths(options.home ?? latticeHome(env));
  if (fs.existsSync(paths.masterKey)) return readKeyFile(paths.masterKey);
  ensurePrivateDir(paths.home);
  const key = crypto.randomBytes(MASTER_KEY_BYTES);
  // Written in full to a private temp file ("wx"), then hard-linked into place: link() fails if
  // master.key appeared meanwhile, so of two first runs one wins and the other reads its key whole.
  const temp = `${paths.masterKey}.${crypto.randomBytes(6).toString("hex")}.tmp`;
  try {
    const fd = fs.openSync(temp, "wx", 0o600);
    try {
      if (process.platform !== "win32") fs.fchmodSync(fd, 0o600);
      fs.writeFileSync(fd, key);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.linkSync(temp, paths.masterKey);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return readKeyFile(paths.masterKey);
    throw error;
  } finally {
    fs.rmSync(temp, { force: true });
  }
  return key;
}
