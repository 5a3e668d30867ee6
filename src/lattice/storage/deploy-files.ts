import crypto from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { glob } from "tinyglobby";
import { formatBytes } from "./bytes.ts";

/** The server's per-file limit (MAX_BLOB_BYTES); checked here so a deploy fails before any upload. */
export const MAX_DEPLOY_FILE_BYTES = 25 * 1024 * 1024;

/** One file of a folder to deploy: its object path (posix, relative), where it is on disk, its size and hash. */
export interface DeployFile {
  path: string;
  absolutePath: string;
  size: number;
  sha256: string;
}

export interface CollectOptions {
  /** Also deploy files and folders whose name starts with a dot (`.well-known/`). node_modules is always skipped. */
  includeDotfiles?: boolean;
  /** Per-file limit (default: the server's 25 MiB). */
  maxFileBytes?: number;
}

/** The folder cannot be deployed as it is; nothing was sent. */
export class DeployFolderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DeployFolderError";
  }
}

const localError = (message: string) => new DeployFolderError(message);

/**
 * Lists the files under `dir` in byte order, hashed with SHA-256. Refuses an empty folder, a file
 * over the limit, and a symlink (to a file or a folder) that resolves outside `dir`, so a deploy
 * can never publish something the folder does not contain.
 */
export async function collectDeployFiles(dir: string, options: CollectOptions = {}): Promise<DeployFile[]> {
  const limit = options.maxFileBytes ?? MAX_DEPLOY_FILE_BYTES;
  let root: string;
  try {
    root = await fs.realpath(dir);
    if (!(await fs.stat(root)).isDirectory()) throw localError(`${dir} is not a folder`);
  } catch (error) {
    if (error instanceof DeployFolderError) throw error;
    throw localError(`cannot read ${dir}: ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "no such folder" : (error as Error).message}`);
  }
  const names = await glob("**/*", {
    cwd: root,
    dot: options.includeDotfiles === true,
    onlyFiles: true,
    followSymbolicLinks: true,
    expandDirectories: false,
    ignore: ["**/node_modules/**"],
  });
  names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (names.length === 0) throw localError(`${dir} has no files to deploy${options.includeDotfiles ? "" : " (dotfiles are skipped unless --include-dotfiles)"}`);

  const files: DeployFile[] = [];
  for (const name of names) {
    const absolutePath = path.join(root, name);
    let real: string;
    try {
      real = await fs.realpath(absolutePath);
    } catch {
      throw localError(`cannot read ${name}: it is a broken symlink`);
    }
    if (real !== root && !real.startsWith(root + path.sep)) {
      throw localError(`refusing to deploy ${name}: it is a symlink to ${real}, outside ${dir}`);
    }
    const bytes = await fs.readFile(real);
    if (bytes.length > limit) {
      throw localError(`${name} is ${formatBytes(bytes.length)}: the server takes files of at most ${formatBytes(limit)}`);
    }
    files.push({ path: name.split(path.sep).join("/"), absolutePath: real, size: bytes.length, sha256: sha256Hex(bytes) });
  }
  return files;
}

export function sha256Hex(bytes: Uint8Array): string {
  return crypto.createHash("sha256").update(bytes).digest("hex");
}
