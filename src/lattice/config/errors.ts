export type LatticeErrorCode =
  /** lattice.config.yml is not valid (the message names the path in the file). */
  | "INVALID_CONFIG"
  | "CONFIG_NOT_FOUND"
  /** The database named by the config cannot be opened or reached. */
  | "DATABASE_UNAVAILABLE"
  /** The database's tables disagree with the config in a way that would lose data. */
  | "SCHEMA_CONFLICT"
  /** A call before init(), after close(), or registerEntity() after init(). */
  | "NOT_READY"
  /** SQLite: a call that waited too long for the open transaction (a call on db from inside db.transaction() waits for itself). */
  | "IN_TRANSACTION"
  | "UNKNOWN_ENTITY"
  | "UNKNOWN_COLUMN"
  /** A value of the wrong type, a missing required value, a malformed row. */
  | "INVALID_VALUE"
  | "INVALID_QUERY"
  | "DUPLICATE_KEY"
  | "NOT_FOUND"
  /** An `enc:` value that the key in use cannot open; the message names the key's source. */
  | "WRONG_KEY"
  | "INVALID_KEY"
  /** A files row whose bytes are not in data/blobs, or whose bytes no longer match their hash. */
  | "BLOB_MISSING"
  | "BLOB_CORRUPT"
  | "FILE_NOT_FOUND"
  /** Anything else the database refused; the message carries its reason. */
  | "DATABASE_ERROR"
  /** Sync: a table that is not shared with the team, or a row that is not linked (or not yours). */
  | "NOT_SHARED"
  | "NOT_LINKED"
  /** Sync: the project already syncs with another team, or is not a SQLite project. */
  | "SYNC_UNSUPPORTED";

/** The one error type of the local library: a code to branch on and a message a person can act on. */
export class LatticeError extends Error {
  readonly code: LatticeErrorCode;
  constructor(code: LatticeErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "LatticeError";
    this.code = code;
  }
}
