// Content-addressed file bytes: <project>/data/blobs/<sha256>, written to a temp file and renamed
// into place, so a blob is either whole or absent and the same content is stored once.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { Transform } from "node:stream";
import mime from "mime-types";
import { LatticeError } from "../config/errors.ts";
import { sha256Hex } from "../storage/deploy-files.ts";

export const BLOB_DIR = "data/blobs";
const SHA256 = /^[0-9a-f]{64}$/;

/** A file's row in the `files` entity, as attachBlob returns it. (A type, not an interface, so it fits any row type.) */
export type BlobMeta = {
  sha256: string;
  name: string;
  size: number;
  mimeType: string;
};

export function isSha256(value: unknown): value is string {
  return typeof value === "string" && SHA256.test(value);
}

/** Where a blob's bytes live in a project. */
export function blobPath(projectDir: string, sha256: string): string {
  if (!isSha256(sha256)) throw new LatticeError("INVALID_VALUE", `"${String(sha256).slice(0, 80)}" is not a sha256 (64 lower-case hex characters)`);
  return path.join(path.resolve(projectDir), BLOB_DIR, sha256);
}

function guessMimeType(name: string): string {
  return mime.lookup(name) || "application/octet-stream";
}

/** A file's name as stored: it may become a path on extract, so no slash, backslash, control character, "." or "..". */
export function checkFileName(name: unknown): string {
  if (typeof name !== "string" || name.trim() === "" || name === "." || name === ".." || name.length > 255 || /[\u0000-\u001f\u007f/\\]/.test(name)) {
    throw new LatticeError("INVALID_VALUE", "a file name must be 1–255 characters with no slash, backslash or control character");
  }
  return name;
}

async function settle(projectDir: string, temp: string, sha256: string): Promise<void> {
  const target = blobPath(projectDir, sha256);
  if (fs.existsSync(target)) {
    fs.rmSync(temp, { force: true }); // the same content is already stored
    return;
  }
  fs.renameSync(temp, target);
}

function tempPath(projectDir: string): string {
  const dir = path.join(path.resolve(projectDir), BLOB_DIR);
  fs.mkdirSync(dir, { recursive: true });
  return path.join(dir, `.tmp-${process.pid}-${crypto.randomBytes(6).toString("hex")}`);
}

/**
 * Copies a file into the project's blob store and returns its `files` row. The bytes are hashed
 * as they are copied, so a file that changes meanwhile cannot be stored under a wrong hash.
 */
export async function attachBlob(file: string, projectDir: string, options: { name?: string; mimeType?: string } = {}): Promise<BlobMeta> {
  if (typeof file !== "string" || file === "") throw new LatticeError("INVALID_VALUE", "attachBlob(file, projectDir): file must be a path");
  if (typeof projectDir !== "string" || projectDir === "") throw new LatticeError("INVALID_VALUE", "attachBlob(file, projectDir): projectDir must be the project's folder");
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (error) {
    throw new LatticeError("FILE_NOT_FOUND", `${file}: no such file`, { cause: error });
  }
  if (!stat.isFile()) throw new LatticeError("INVALID_VALUE", `${file} is not a file`);
  const name = checkFileName(options.name ?? path.basename(file));
  const temp = tempPath(projectDir);
  const hash = crypto.createHash("sha256");
  let size = 0;
  try {
    await pipeline(
      fs.createReadStream(file),
      new Transform({
        transform(chunk: Buffer, _encoding, done) {
          hash.update(chunk);
          size += chunk.length;
          done(null, chunk);
        },
      }),
      fs.createWriteStream(temp, { flags: "wx", mode: 0o600 }),
    );
    const sha256 = hash.digest("hex");
    await settle(projectDir, temp, sha256);
    return { sha256, name, size, mimeType: options.mimeType ?? guessMimeType(name) };
  } catch (error) {
    fs.rmSync(temp, { force: true });
    if (error instanceof LatticeError) throw error;
    throw new LatticeError("FILE_NOT_FOUND", `${file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { cause: error });
  }
}

/** Stores bytes held in memory (an upload, a pulled blob) and returns their `files` row. */
export async function attachBlobBytes(bytes: Uint8Array, projectDir: string, options: { name: string; mimeType?: string }): Promise<BlobMeta> {
  if (!(bytes instanceof Uint8Array)) throw new LatticeError("INVALID_VALUE", "attachBlobBytes takes a Buffer or Uint8Array");
  const name = checkFileName(options?.name);
  const sha256 = sha256Hex(bytes);
  if (!fs.existsSync(blobPath(projectDir, sha256))) {
    const temp = tempPath(projectDir);
    try {
      fs.writeFileSync(temp, bytes, { flag: "wx", mode: 0o600 });
      await settle(projectDir, temp, sha256);
    } catch (error) {
      fs.rmSync(temp, { force: true });
      throw error;
    }
  }
  return { sha256, name, size: bytes.length, mimeType: options.mimeType ?? guessMimeType(name) };
}

export function hasBlob(projectDir: string, sha256: string): boolean {
  return fs.existsSync(blobPath(projectDir, sha256));
}

/** A blob's bytes, checked against their hash: altered or truncated bytes are an error, never returned. */
export async function readBlob(projectDir: string, sha256: string): Promise<Buffer> {
  const file = blobPath(projectDir, sha256);
  let bytes: Buffer;
  try {
    bytes = await fs.promises.readFile(file);
  } catch (error) {
    throw new LatticeError("BLOB_MISSING", `blob ${sha256} is not in ${path.join(projectDir, BLOB_DIR)}`, { cause: error });
  }
  const actual = sha256Hex(bytes);
  if (actual !== sha256) throw new LatticeError("BLOB_CORRUPT", `blob ${sha256} is damaged: its bytes now hash to ${actual}`);
  return bytes;
}
