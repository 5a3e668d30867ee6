// Column types on the two backends: how each is declared, written and read back, so that a
// value reads back the same on SQLite and on Postgres.
import type { ColumnSpec, ColumnType } from "../config/config.ts";
import { LatticeError } from "../config/errors.ts";
import type { Dialect } from "./driver.ts";

// SQLite takes its column affinity from words in the declared type ("TEXT" → text affinity), so
// json and datetime are declared with TEXT in them and read back to their Lattice type by name.
const SQLITE_TYPES: Record<ColumnType, string> = {
  text: "TEXT",
  integer: "INTEGER",
  real: "REAL",
  boolean: "BOOLEAN",
  json: "JSON TEXT",
  datetime: "DATETIME TEXT",
  blob: "BLOB",
};

// Text sorts by code point (COLLATE "C"), as SQLite's BINARY collation does.
const POSTGRES_TYPES: Record<ColumnType, string> = {
  text: 'text COLLATE "C"',
  integer: "bigint",
  real: "double precision",
  boolean: "boolean",
  json: "jsonb",
  datetime: "timestamptz",
  blob: "bytea",
};

export function declaredType(dialect: Dialect, type: ColumnType): string {
  return dialect === "sqlite" ? SQLITE_TYPES[type] : POSTGRES_TYPES[type];
}

/** The Lattice type of a column as the database reports it; null for a type Lattice never declares. */
export function typeFromDatabase(dialect: Dialect, reported: string): ColumnType | null {
  const text = reported.trim().toLowerCase();
  if (dialect === "sqlite") {
    const match = (Object.entries(SQLITE_TYPES) as [ColumnType, string][]).find(([, declared]) => declared.toLowerCase() === text);
    return match ? match[0] : null;
  }
  const byName: Record<string, ColumnType> = {
    text: "text",
    bigint: "integer",
    "double precision": "real",
    boolean: "boolean",
    jsonb: "json",
    "timestamp with time zone": "datetime",
    bytea: "blob",
  };
  return byName[text] ?? null;
}

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (value instanceof Uint8Array) return "bytes";
  if (value instanceof Date) return "a Date";
  if (typeof value === "string") return value.length > 40 ? `a string ("${value.slice(0, 37)}…")` : `"${value}"`;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  return `a${typeof value === "object" ? "n object" : ` ${typeof value}`}`;
}

function wrongType(where: string, type: ColumnType, value: unknown, expected: string): LatticeError {
  return new LatticeError("INVALID_VALUE", `${where}: expected ${expected} for ${/^[aeiou]/.test(type) ? "an" : "a"} ${type} column, got ${describeValue(value)}`);
}

// Text that is already what toISOString() returns: every field in range, days up to 28 (29–31
// can roll over into the next month, and hour 24 into the next day, so those take the full path).
// Lattice writes datetimes in this form, so most values are returned without a Date (≈ 0.5 µs each).
const CANONICAL_DATETIME = /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|1\d|2[0-8])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z$/;

/** A datetime as Lattice stores and returns it: ISO 8601 in UTC with milliseconds. */
export function normalizeDatetime(value: unknown, where: string): string {
  if (typeof value === "string" && CANONICAL_DATETIME.test(value)) return value;
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw wrongType(where, "datetime", value, "a valid Date");
    return value.toISOString();
  }
  if (typeof value === "string") {
    const time = Date.parse(value);
    // A bare date-time without a zone would be read in the machine's zone: refuse the ambiguity.
    if (!Number.isNaN(time) && (/^\d{4}-\d{2}-\d{2}$/.test(value) || /(Z|[+-]\d{2}:?\d{2})$/i.test(value.trim()))) {
      return new Date(time).toISOString();
    }
    throw new LatticeError("INVALID_VALUE", `${where}: "${value.slice(0, 40)}" is not an ISO 8601 date-time with a zone (such as 2026-12-02T14:00:00Z)`);
  }
  throw wrongType(where, "datetime", value, "an ISO 8601 string or a Date");
}

/**
 * Checks a JavaScript value against a column and turns it into the parameter the backend
 * stores. `where` names the value in errors ("tasks.points").
 */
export function encodeValue(dialect: Dialect, type: ColumnType, value: unknown, where: string): unknown {
  if (value === null) return null;
  switch (type) {
    case "text":
      if (typeof value !== "string") throw wrongType(where, type, value, "a string");
      if (value.includes("\u0000")) throw new LatticeError("INVALID_VALUE", `${where}: text cannot contain the NUL character (Postgres refuses it)`);
      return value;
    case "integer":
      if (typeof value === "bigint" && value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(value);
      if (!Number.isSafeInteger(value)) throw wrongType(where, type, value, "a whole number within ±2^53");
      return value;
    case "real":
      if (typeof value !== "number" || !Number.isFinite(value)) throw wrongType(where, type, value, "a finite number");
      return value;
    case "boolean":
      if (typeof value !== "boolean") throw wrongType(where, type, value, "true or false");
      return dialect === "sqlite" ? (value ? 1 : 0) : value;
    case "json": {
      let text: string | undefined;
      try {
        text = JSON.stringify(value);
      } catch (error) {
        throw new LatticeError("INVALID_VALUE", `${where}: cannot be stored as JSON (${(error as Error).message})`);
      }
      if (text === undefined) throw wrongType(where, type, value, "a JSON value");
      if (text.includes("\\u0000") && /(?:^|[^\\])(?:\\\\)*\\u0000/.test(text)) throw new LatticeError("INVALID_VALUE", `${where}: JSON cannot contain the NUL character (Postgres refuses it)`);
      return text;
    }
    case "datetime":
      return normalizeDatetime(value, where);
    case "blob":
      if (!(value instanceof Uint8Array)) throw wrongType(where, type, value, "a Buffer or Uint8Array");
      return Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  }
}

/** A stored value back to JavaScript: the same result from either backend. */
export function decodeValue(dialect: Dialect, type: ColumnType, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (type) {
    case "boolean":
      return dialect === "sqlite" ? value !== 0 : value;
    case "json":
      return dialect === "sqlite" ? JSON.parse(value as string) : value;
    case "datetime":
      return value instanceof Date ? value.toISOString() : normalizeStoredDatetime(value);
    case "blob":
      return Buffer.isBuffer(value) ? value : Buffer.from(value as Uint8Array);
    default:
      return value;
  }
}

// A datetime written by raw SQL may not be in Lattice's form; read what can be read.
function normalizeStoredDatetime(value: unknown): unknown {
  if (typeof value !== "string" || CANONICAL_DATETIME.test(value)) return value;
  const time = Date.parse(value);
  return Number.isNaN(time) ? value : new Date(time).toISOString();
}

/** A column's default as the value to write when a row leaves it out. */
export function defaultValue(spec: ColumnSpec): unknown {
  if (spec.type === "datetime" && spec.default === "now") return new Date().toISOString();
  if (spec.type === "datetime" && typeof spec.default === "string") return new Date(Date.parse(spec.default)).toISOString();
  return spec.default;
}

/** A column's default in SQL (ALTER TABLE … ADD COLUMN fills existing rows with it). */
export function defaultLiteral(dialect: Dialect, spec: ColumnSpec, use: "create" | "add" = "create"): string | null {
  if (spec.default === undefined || spec.default === null) return null;
  // "now" as the time of each insert, for rows that raw SQL writes too. SQLite's ADD COLUMN takes
  // only a constant, so there the existing rows get the time of the change.
  if (spec.type === "datetime" && spec.default === "now") {
    if (dialect === "postgres") return "now()";
    if (use === "create") return "(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))";
  }
  const value = encodeValue(dialect, spec.type, defaultValue(spec), "default");
  if (typeof value === "number") return String(value);
  if (typeof value === "boolean") return value ? "true" : "false";
  const literal = `'${String(value).replaceAll("'", "''")}'`;
  if (dialect === "postgres" && spec.type === "json") return `${literal}::jsonb`;
  if (dialect === "postgres" && spec.type === "datetime") return `${literal}::timestamptz`;
  return literal;
}
