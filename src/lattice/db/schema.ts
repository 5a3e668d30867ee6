// Creates and evolves a Lattice's tables from its entity specs: additive changes are applied,
// anything that would lose data is refused with what to do instead.
import crypto from "node:crypto";
import type { ColumnSpec } from "../config/config.ts";
import { LatticeError } from "../config/errors.ts";
import { declaredType, defaultLiteral, typeFromDatabase } from "./columns.ts";
import { quoteIdentifier, type Dialect, type SqlExecutor } from "./driver.ts";
import { POSTGRES_SCHEMA } from "./postgres-driver.ts";
import type { EntityDefinition } from "./entity.ts";

export const IDENTITY_TABLE = "__lattice_user_identity";

export function tableName(dialect: Dialect, name: string): string {
  return dialect === "sqlite" ? quoteIdentifier(name) : `${quoteIdentifier(POSTGRES_SCHEMA)}.${quoteIdentifier(name)}`;
}

function indexName(entity: string, column: string): string {
  const name = `idx_${entity}_${column}`;
  if (name.length <= 63) return name;
  const digest = crypto.createHash("sha256").update(name).digest("hex").slice(0, 8);
  return `${name.slice(0, 54)}_${digest}`;
}

interface ExistingColumn {
  name: string;
  type: string;
  nullable: boolean;
}

async function existingColumns(x: SqlExecutor, entity: string): Promise<ExistingColumn[] | null> {
  if (x.dialect === "sqlite") {
    const rows = await x.all(`SELECT name, type, "notnull" AS not_null FROM pragma_table_info(?)`, [entity]);
    if (rows.length === 0) return null;
    return rows.map((row) => ({ name: row.name as string, type: row.type as string, nullable: row.not_null === 0 }));
  }
  const rows = await x.all(
    `SELECT column_name AS name, data_type AS type, is_nullable AS nullable FROM information_schema.columns
     WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position`,
    [POSTGRES_SCHEMA, entity],
  );
  if (rows.length === 0) return null;
  return rows.map((row) => ({ name: row.name as string, type: row.type as string, nullable: row.nullable === "YES" }));
}

async function primaryKeyOf(x: SqlExecutor, entity: string): Promise<string[]> {
  if (x.dialect === "sqlite") {
    const rows = await x.all(`SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk`, [entity]);
    return rows.map((row) => row.name as string);
  }
  const rows = await x.all(
    `SELECT a.attname AS name FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
     WHERE i.indrelid = to_regclass(format('%I.%I', $1::text, $2::text)) AND i.indisprimary`,
    [POSTGRES_SCHEMA, entity],
  );
  return rows.map((row) => row.name as string);
}

function columnDefinition(dialect: Dialect, name: string, spec: ColumnSpec, primaryKey: boolean, use: "create" | "add" = "create"): string {
  let definition = `${quoteIdentifier(name)} ${declaredType(dialect, spec.type)}`;
  if (primaryKey) definition += " PRIMARY KEY";
  if (!spec.nullable) definition += " NOT NULL";
  const literal = defaultLiteral(dialect, spec, use);
  if (literal !== null && !primaryKey) definition += ` DEFAULT ${literal}`;
  return definition;
}

function conflict(entity: string, message: string): LatticeError {
  return new LatticeError("SCHEMA_CONFLICT", `entities.${entity}: ${message}`);
}

/** Makes one entity's table match its spec, or refuses. Runs inside the schema transaction. */
export async function applyEntity(x: SqlExecutor, entity: EntityDefinition): Promise<void> {
  const table = tableName(x.dialect, entity.name);
  const existing = await existingColumns(x, entity.name);
  if (!existing) {
    const columns = Object.entries(entity.columns).map(([name, spec]) => columnDefinition(x.dialect, name, spec, name === entity.primaryKey));
    await x.run(`CREATE TABLE ${table} (${columns.join(", ")})`);
  } else {
    const byName = new Map(existing.map((column) => [column.name.toLowerCase(), column]));
    for (const column of existing) {
      // _lattice_* columns are sync's own (owner, version), never the config's to list.
      if (column.name.toLowerCase().startsWith("_lattice")) continue;
      if (!Object.keys(entity.columns).some((name) => name.toLowerCase() === column.name.toLowerCase())) {
        throw conflict(
          entity.name,
          `the table has a column "${column.name}" that the config no longer lists; removing a column would lose its data. Put it back in the config (columns.${column.name}), or drop it yourself with SQL if its data is no longer wanted`,
        );
      }
    }
    const keys = await primaryKeyOf(x, entity.name);
    if (keys.length !== 1 || keys[0]!.toLowerCase() !== entity.primaryKey.toLowerCase()) {
      throw conflict(entity.name, `the table's primary key is ${keys.join(", ") || "missing"} but the config says ${entity.primaryKey}; changing the primary key is not automatic: put primaryKey back, or create a new entity and copy the rows`);
    }
    for (const [name, spec] of Object.entries(entity.columns)) {
      const found = byName.get(name.toLowerCase());
      if (found) {
        const type = typeFromDatabase(x.dialect, found.type);
        if (type !== spec.type) {
          throw conflict(
            entity.name,
            `column "${name}" is ${type ?? `"${found.type}"`} in the database but ${spec.type} in the config; changing a type is not automatic (it could lose data): put the type back, or add a new column and copy the values`,
          );
        }
        continue;
      }
      if (!spec.nullable && defaultLiteral(x.dialect, spec) === null) {
        throw conflict(entity.name, `new column "${name}" needs a default or nullable: true, because the table already exists and its rows need a value`);
      }
      await x.run(`ALTER TABLE ${table} ADD COLUMN ${columnDefinition(x.dialect, name, spec, false, "add")}`);
    }
  }
  for (const [name, spec] of Object.entries(entity.columns)) {
    if (!spec.index || name === entity.primaryKey) continue;
    // (column, primary key): query() always orders by the primary key last, so `where column = v`
    // with a limit walks this index in order instead of sorting every match.
    const index = quoteIdentifier(indexName(entity.name, name));
    await x.run(`CREATE INDEX IF NOT EXISTS ${index} ON ${table} (${quoteIdentifier(name)}, ${quoteIdentifier(entity.primaryKey)})`);
  }
}

/**
 * All entities' tables and the identity mirror, in one transaction: a refusal for any entity
 * leaves the database exactly as it was.
 */
export async function applySchema(x: SqlExecutor, entities: EntityDefinition[]): Promise<void> {
  if (x.dialect === "postgres") {
    // Two processes opening one database at once: one applies the schema, the other then sees it.
    await x.run(`SELECT pg_advisory_xact_lock(hashtext('lattice_data schema'))`);
    await x.run(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(POSTGRES_SCHEMA)}`);
  }
  for (const entity of entities) await applyEntity(x, entity);
  const identity = tableName(x.dialect, IDENTITY_TABLE);
  const text = declaredType(x.dialect, "text");
  await x.run(
    `CREATE TABLE IF NOT EXISTS ${identity} (id ${declaredType(x.dialect, "integer")} PRIMARY KEY CHECK (id = 1), display_name ${text} NOT NULL, email ${text} NOT NULL, mirrored_at ${declaredType(x.dialect, "datetime")} NOT NULL)`,
  );
}
