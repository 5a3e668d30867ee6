// A table the team shares arrives in the member's lattice.config.yml by itself: added as an entity,
// or its new columns added to the entity already there. Comments and layout are kept (yaml's
// Document API); a conflicting local definition is refused with what to do.
import fs from "node:fs";
import { parseDocument, isMap } from "yaml";
import type { ColumnSpec, EntitySpec } from "../config/config.ts";
import { LatticeError } from "../config/errors.ts";

function yamlColumn(spec: ColumnSpec): unknown {
  const extra = { ...(spec.nullable ? { nullable: true } : {}), ...(spec.default !== undefined ? { default: spec.default } : {}), ...(spec.index ? { index: true } : {}), ...(spec.encrypted ? { encrypted: true } : {}) };
  return Object.keys(extra).length ? { type: spec.type, ...extra } : spec.type;
}

/** What `shared` adds to the local entity `local` (null when the config has none): new columns, or a conflict. */
export function columnsToAdd(table: string, local: EntitySpec | null, shared: { primaryKey: string; columns: Record<string, ColumnSpec> }): string[] {
  if (!local) return Object.keys(shared.columns);
  if (local.primaryKey !== shared.primaryKey) {
    throw new LatticeError("SCHEMA_CONFLICT", `${table}: the team's table has primary key ${shared.primaryKey}, your config says ${local.primaryKey}; rename your entity or change its primaryKey to match`);
  }
  const added: string[] = [];
  for (const [name, spec] of Object.entries(shared.columns)) {
    const mine = local.columns[name];
    if (!mine) {
      added.push(name);
      continue;
    }
    if (mine.type !== spec.type || Boolean(mine.encrypted) !== Boolean(spec.encrypted)) {
      throw new LatticeError(
        "SCHEMA_CONFLICT",
        `${table}.${name} is ${mine.type}${mine.encrypted ? " (encrypted)" : ""} in your config but ${spec.type}${spec.encrypted ? " (encrypted)" : ""} in the team's table; change yours to match (a type change is not automatic)`,
      );
    }
  }
  return added;
}

/** Writes the team's entity (or its new columns) into the config file. */
export function writeSharedEntity(file: string, table: string, shared: { primaryKey: string; columns: Record<string, ColumnSpec> }, add: string[]): void {
  if (!add.length) return;
  const document = parseDocument(fs.readFileSync(file, "utf8"));
  if (!isMap(document.get("entities"))) document.set("entities", document.createNode({}));
  // `entities: {}` is a flow map: the entity written into it should read like the rest of the file.
  const entities = document.get("entities");
  if (isMap(entities)) entities.flow = false;
  // A column with options on one line, `due: { type: text, nullable: true }`, as lattice init writes them.
  const columnNode = (spec: ColumnSpec) => {
    const node = document.createNode(yamlColumn(spec));
    if (isMap(node)) node.flow = true;
    return node;
  };
  if (!document.hasIn(["entities", table])) {
    const entity = document.createNode(shared.primaryKey === "id" ? { columns: {} } : { primaryKey: shared.primaryKey, columns: {} });
    document.setIn(["entities", table], entity);
    for (const [name, spec] of Object.entries(shared.columns)) document.setIn(["entities", table, "columns", name], columnNode(spec));
  } else {
    for (const name of add) document.setIn(["entities", table, "columns", name], columnNode(shared.columns[name]!));
  }
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, document.toString());
  fs.renameSync(temp, file);
}
