// `lattice.config.yml`: where a project's data lives and which entities (tables) it has. Parsed
// with `yaml`, validated with zod; every mistake is reported with its path in the file.
import fs from "node:fs";
import path from "node:path";
import { parseDocument } from "yaml";
import { z } from "zod";
import { assertDbLabel } from "../home/db-credentials.ts";
import { LatticeError } from "./errors.ts";

export const COLUMN_TYPES = ["text", "integer", "real", "boolean", "json", "datetime", "blob"] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];

export interface ColumnSpec {
  type: ColumnType;
  nullable: boolean;
  /** Absent when the column has no default. */
  default?: unknown;
  /** An index on this column (the primary key always has one). */
  index?: boolean;
  /** Stored as `enc:<base64>` (AES-256-GCM); text columns only, never filtered or sorted on. */
  encrypted?: boolean;
}

export interface EntitySpec {
  name: string;
  primaryKey: string;
  /** In the order the file lists them. */
  columns: Record<string, ColumnSpec>;
}

export type DatabaseTarget =
  | { kind: "sqlite"; path: string }
  | { kind: "postgres"; url: string }
  /** `${LATTICE_DB:<label>}`: a URL kept encrypted in `db-credentials.enc`. */
  | { kind: "credential"; label: string };

export interface LatticeConfig {
  database: DatabaseTarget;
  entities: Record<string, EntitySpec>;
}

/** The SQLite file a project uses when its config names no database. */
export const DEFAULT_SQLITE_PATH = "data/lattice.db";

// Names become SQL identifiers on SQLite and Postgres: a strict pattern, always quoted as well.
// Column names may use capitals (the files entity has mimeType); SQLite compares column names
// case-insensitively, so two columns that differ only in case are refused.
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;
const COLUMN_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
const RESERVED_PREFIXES = ["_lattice", "__lattice", "sqlite_", "pg_"];

// What people write for a type elsewhere, and what to write here.
const TYPE_HINTS: Record<string, ColumnType> = {
  string: "text", varchar: "text", char: "text", uuid: "text",
  int: "integer", bigint: "integer", smallint: "integer", number: "real",
  float: "real", double: "real", decimal: "real", numeric: "real",
  bool: "boolean",
  date: "datetime", time: "datetime", timestamp: "datetime", timestamptz: "datetime",
  object: "json", array: "json", jsonb: "json",
  bytes: "blob", binary: "blob", bytea: "blob", buffer: "blob",
};

export function identifierProblem(name: string, kind: "entity" | "column" = "entity"): string | null {
  if (kind === "entity" && !IDENTIFIER.test(name)) return `"${name}" is not a valid name (lower-case letters, digits and _, starting with a letter or _, at most 63)`;
  if (kind === "column" && !COLUMN_IDENTIFIER.test(name)) return `"${name}" is not a valid name (letters, digits and _, starting with a letter or _, at most 63)`;
  const reserved = RESERVED_PREFIXES.find((prefix) => name.toLowerCase().startsWith(prefix));
  return reserved ? `"${name}" starts with "${reserved}", which is reserved` : null;
}

const columnType = z.string({ error: "type is required (text, integer, real, boolean, json, datetime or blob)" }).transform((raw, ctx) => {
  const type = raw.trim().toLowerCase();
  if ((COLUMN_TYPES as readonly string[]).includes(type)) return type as ColumnType;
  const hint = TYPE_HINTS[type];
  ctx.addIssue({
    code: "custom",
    message: hint ? `unknown type "${raw}"; use ${hint}` : `unknown type "${raw}"; use one of ${COLUMN_TYPES.join(", ")}`,
  });
  return z.NEVER;
});

// A column is either its type (`title: text`) or an object.
const column = z.preprocess(
  (value) => (typeof value === "string" ? { type: value } : value),
  z.strictObject(
    {
      type: columnType,
      nullable: z.boolean({ error: "nullable must be true or false" }).optional(),
      default: z.unknown().optional(),
      primaryKey: z.boolean({ error: "primaryKey must be true or false" }).optional(),
      index: z.boolean({ error: "index must be true or false" }).optional(),
      encrypted: z.boolean({ error: "encrypted must be true or false" }).optional(),
    },
    { error: (issue) => (issue.code === "invalid_type" ? "expected a type (such as text) or {type, nullable, default, primaryKey, index, encrypted}" : undefined) },
  ),
);

const entity = z.strictObject(
  {
    primaryKey: z.string({ error: "primaryKey must name a column" }).optional(),
    columns: z.record(z.string(), column, { error: "columns must map column names to types" }),
  },
  { error: (issue) => (issue.code === "invalid_type" ? "expected {columns: {…}, primaryKey?}" : undefined) },
);

const configFile = z.strictObject(
  {
    database: z.string({ error: "database must be a SQLite path, a postgres:// URL or ${LATTICE_DB:<label>}" }).optional(),
    entities: z.record(z.string(), entity, { error: "entities must map entity names to {columns: …}" }).optional(),
  },
  { error: (issue) => (issue.code === "invalid_type" ? "expected a mapping with database and entities" : undefined) },
);

function valueAt(value: unknown, keys: readonly PropertyKey[]): unknown {
  let current = value;
  for (const key of keys) current = typeof current === "object" && current !== null ? (current as Record<PropertyKey, unknown>)[key] : undefined;
  return current;
}

function invalid(file: string, where: string, message: string): LatticeError {
  return new LatticeError("INVALID_CONFIG", `${file}: ${where ? `${where}: ` : ""}${message}`);
}

function defaultFits(type: ColumnType, value: unknown): boolean {
  switch (type) {
    case "text":
      return typeof value === "string";
    case "integer":
      return Number.isSafeInteger(value);
    case "real":
      return typeof value === "number" && Number.isFinite(value);
    case "boolean":
      return typeof value === "boolean";
    case "json":
      return true;
    case "datetime":
      return value === "now" || (typeof value === "string" && !Number.isNaN(Date.parse(value)));
    case "blob":
      return false;
  }
}

function parseDatabase(file: string, raw: string | undefined, baseDir: string): DatabaseTarget {
  const value = raw?.trim();
  if (!value) return { kind: "sqlite", path: path.resolve(baseDir, DEFAULT_SQLITE_PATH) };
  const credential = /^\$\{LATTICE_DB:([^}]*)\}$/.exec(value);
  if (credential) {
    try {
      return { kind: "credential", label: assertDbLabel(credential[1]!) };
    } catch (error) {
      throw invalid(file, "database", (error as Error).message);
    }
  }
  if (/^postgres(ql)?:\/\//i.test(value)) {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw invalid(file, "database", "not a valid postgres:// URL");
    }
    if (url.password) {
      throw invalid(file, "database", "the URL holds a password; keep it out of the config: lattice db-credentials set <label> <url>, then database: ${LATTICE_DB:<label>}");
    }
    return { kind: "postgres", url: value };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) throw invalid(file, "database", `"${value}" is neither a SQLite path nor a postgres:// URL`);
  return { kind: "sqlite", path: path.resolve(baseDir, value) };
}

/**
 * Parses and validates a config's text. `file` names it in messages; relative SQLite paths are
 * resolved against `baseDir` (the config file's folder).
 */
export function parseLatticeConfig(source: string, options: { file?: string; baseDir: string }): LatticeConfig {
  const file = options.file ?? "lattice.config.yml";
  const document = parseDocument(source, { prettyErrors: true, uniqueKeys: true });
  const yamlError = document.errors[0];
  if (yamlError) {
    const at = yamlError.linePos?.[0];
    // The pretty message's first line ends with its own " at line N, column M:"; the rest is a code frame.
    const reason = yamlError.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
    throw invalid(file, at ? `line ${at.line}, column ${at.col}` : "", `not valid YAML: ${reason}`);
  }
  return validateLatticeConfig(document.toJS() ?? {}, { file, baseDir: options.baseDir });
}

/**
 * Validates a config given as a JavaScript object (the YAML's shape: `{database?, entities}`),
 * with the same rules and messages as the file.
 */
export function validateLatticeConfig(raw: unknown, options: { file?: string; baseDir: string }): LatticeConfig {
  const file = options.file ?? "lattice.config.yml";
  const parsed = configFile.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    // `due: date` is shorthand for `due: {type: date}`: report it where the user wrote it.
    const shorthand = issue.path.at(-1) === "type" && typeof valueAt(raw, issue.path.slice(0, -1)) === "string";
    const where = (shorthand ? issue.path.slice(0, -1) : issue.path).map(String).join(".");
    const message = issue.code === "unrecognized_keys" ? `unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}` : issue.message;
    throw invalid(file, where, message);
  }

  const entities: Record<string, EntitySpec> = {};
  for (const [name, raw] of Object.entries(parsed.data.entities ?? {})) {
    const where = `entities.${name}`;
    const nameProblem = identifierProblem(name);
    if (nameProblem) throw invalid(file, where, `entity ${nameProblem}`);
    const columns: Record<string, ColumnSpec> = {};
    const marked: string[] = [];
    const seen = new Map<string, string>();
    for (const [columnName, spec] of Object.entries(raw.columns)) {
      const at = `${where}.columns.${columnName}`;
      const problem = identifierProblem(columnName, "column");
      if (problem) throw invalid(file, at, `column ${problem}`);
      const clash = seen.get(columnName.toLowerCase());
      if (clash) throw invalid(file, at, `column "${columnName}" differs from "${clash}" only in case; SQLite would treat them as one`);
      seen.set(columnName.toLowerCase(), columnName);
      if (spec.encrypted && spec.type !== "text") throw invalid(file, `${at}.encrypted`, `only text columns can be encrypted (this one is ${spec.type})`);
      if (spec.encrypted && (spec.primaryKey || spec.index)) throw invalid(file, `${at}.encrypted`, "an encrypted column cannot be the primary key or indexed");
      if (spec.default !== undefined && !defaultFits(spec.type, spec.default)) {
        throw invalid(file, `${at}.default`, spec.type === "blob" ? "a blob column cannot have a default" : `${JSON.stringify(spec.default)} is not ${/^[aeiou]/.test(spec.type) ? "an" : "a"} ${spec.type}${spec.type === "datetime" ? ' (an ISO date or "now")' : ""}`);
      }
      if (spec.primaryKey) marked.push(columnName);
      columns[columnName] = {
        type: spec.type,
        nullable: spec.nullable ?? false,
        ...(spec.default === undefined ? {} : { default: spec.default }),
        ...(spec.index ? { index: true } : {}),
        ...(spec.encrypted ? { encrypted: true } : {}),
      };
    }
    if (Object.keys(columns).length === 0) throw invalid(file, `${where}.columns`, "an entity needs at least one column");
    const primaryKey = resolvePrimaryKey(file, where, raw.primaryKey, marked, columns);
    if (columns[primaryKey]!.nullable) throw invalid(file, `${where}.columns.${primaryKey}`, "the primary key cannot be nullable");
    if (columns[primaryKey]!.type === "blob" || columns[primaryKey]!.type === "json") {
      throw invalid(file, `${where}.columns.${primaryKey}`, `a ${columns[primaryKey]!.type} column cannot be the primary key`);
    }
    entities[name] = { name, primaryKey, columns };
  }
  return { database: parseDatabase(file, parsed.data.database, options.baseDir), entities };
}

function resolvePrimaryKey(file: string, where: string, declared: string | undefined, marked: string[], columns: Record<string, ColumnSpec>): string {
  if (marked.length > 1) throw invalid(file, where, `one primary key per entity (${marked.join(" and ")} are both marked primaryKey)`);
  if (declared !== undefined) {
    if (!columns[declared]) throw invalid(file, `${where}.primaryKey`, `no column "${declared}"`);
    if (marked.length === 1 && marked[0] !== declared) throw invalid(file, where, `primaryKey says "${declared}" but column "${marked[0]}" is marked primaryKey`);
    return declared;
  }
  if (marked.length === 1) return marked[0]!;
  if (columns.id) return "id";
  throw invalid(file, where, 'no primary key: mark a column with primaryKey: true (or name one "id")');
}

/** Reads and validates a config file; a missing or unreadable one is a LatticeError too. */
export function loadLatticeConfig(file: string): LatticeConfig {
  let source: string;
  try {
    source = fs.readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new LatticeError(
      code === "ENOENT" ? "CONFIG_NOT_FOUND" : "INVALID_CONFIG",
      code === "ENOENT" ? `${file}: no such file (lattice init writes one)` : `${file}: cannot be read (${code ?? (error as Error).message})`,
      { cause: error },
    );
  }
  return parseLatticeConfig(source, { file, baseDir: path.dirname(path.resolve(file)) });
}
