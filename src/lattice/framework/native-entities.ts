// The framework entities every Lattice can have: `secrets` (values encrypted at rest) and
// `files` (rows pointing at content-addressed bytes in data/blobs).
import fs from "node:fs";
import { LatticeError } from "../config/errors.ts";
import type { EntityDefinition } from "../db/entity.ts";
import type { Lattice } from "../db/lattice.ts";
import { blobPath, checkFileName, isSha256 } from "./blob-store.ts";

export type Secret = {
  name: string;
  kind: string;
  /** Plain text here; `enc:<base64>` (AES-256-GCM) in the database. */
  value: string;
  createdAt: string;
  updatedAt: string;
};

export type FileRecord = {
  sha256: string;
  name: string;
  size: number;
  mimeType: string;
  createdAt: string;
};

export type NativeEntities = {
  secrets: Secret;
  files: FileRecord;
};

export const SECRETS_ENTITY: EntityDefinition = {
  name: "secrets",
  primaryKey: "name",
  native: true,
  columns: {
    name: { type: "text", nullable: false },
    kind: { type: "text", nullable: false, default: "generic" },
    value: { type: "text", nullable: false, encrypted: true },
    createdAt: { type: "datetime", nullable: false },
    updatedAt: { type: "datetime", nullable: false },
  },
  timestamps: { createdAt: "createdAt", updatedAt: "updatedAt" },
  beforeWrite(row) {
    if (typeof row.name === "string" && (row.name.trim() === "" || row.name.length > 200)) {
      throw new LatticeError("INVALID_VALUE", "secrets.name must be 1–200 characters");
    }
  },
};

export const FILES_ENTITY: EntityDefinition = {
  name: "files",
  primaryKey: "sha256",
  native: true,
  columns: {
    sha256: { type: "text", nullable: false },
    name: { type: "text", nullable: false },
    size: { type: "integer", nullable: false },
    mimeType: { type: "text", nullable: false, default: "application/octet-stream" },
    createdAt: { type: "datetime", nullable: false },
  },
  timestamps: { createdAt: "createdAt" },
  // A files row always has its bytes: the blob must be stored (attachBlob) before the row.
  beforeWrite(row, { projectDir }) {
    if (!isSha256(row.sha256)) throw new LatticeError("INVALID_VALUE", `files.sha256 must be 64 lower-case hex characters (attachBlob computes it)`);
    checkFileName(row.name);
    let size: number;
    try {
      size = fs.statSync(blobPath(projectDir, row.sha256)).size;
    } catch {
      throw new LatticeError("BLOB_MISSING", `files ${row.sha256}: its bytes are not in data/blobs; store them first with attachBlob(path, projectDir)`);
    }
    if (typeof row.size === "number" && row.size !== size) {
      throw new LatticeError("INVALID_VALUE", `files ${row.sha256}: size is ${row.size} but the stored blob has ${size} bytes`);
    }
  },
};

/** Adds `secrets` and `files` to a Lattice; call it before `db.init()`. */
export function registerNativeEntities<E extends Record<string, Record<string, unknown>>>(db: Lattice<E>): Lattice<E & NativeEntities> {
  db.registerEntity(SECRETS_ENTITY);
  db.registerEntity(FILES_ENTITY);
  return db as unknown as Lattice<E & NativeEntities>;
}
