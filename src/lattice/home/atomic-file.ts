import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/** Creates `dir` (and parents) and makes sure it is private to this user. */
export function ensurePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  // mkdir's mode is filtered by the umask and ignored for a directory that already exists.
  if (process.platform !== "win32") fs.chmodSync(dir, 0o700);
}

/**
 * Writes a file so readers see the old or the new content, never half of it: a temp file in the
 * same directory, created with `mode` from the start (a secret is never world-readable), then renamed.
 */
export function writeFileAtomic(file: string, content: string, mode = 0o600): void {
  const dir = path.dirname(file);
  ensurePrivateDir(dir);
  const temp = path.join(dir, `.${path.basename(file)}.${crypto.randomBytes(6).toString("hex")}.tmp`);
  try {
    const fd = fs.openSync(temp, "wx", mode);
    try {
      fs.writeFileSync(fd, content);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    if (process.platform !== "win32") fs.chmodSync(temp, mode);
    fs.renameSync(temp, file);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw error;
  }
}

/** The file's text, or null when it does not exist. */
export function readFileIfExists(file: string): string | null {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

export function readJsonFile(file: string): unknown {
  const text = readFileIfExists(file);
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${file} is not valid JSON: fix or delete it`);
  }
}
