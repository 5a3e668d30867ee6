import type { ColumnInfo, EntityInfo } from "../../../lattice/db/lattice.ts";
import { alignColumns } from "../../output.ts";

const FRAMEWORK_NOTE: Record<string, string> = { secrets: "framework entity: lattice secrets", files: "framework entity: lattice files" };

function columnNotes(column: ColumnInfo): string {
  const notes: string[] = [];
  if (column.primaryKey) notes.push("primary key");
  if (column.nullable) notes.push("nullable");
  if (column.default !== undefined) notes.push(`default ${JSON.stringify(column.default)}`);
  if (column.index) notes.push("indexed");
  if (column.encrypted) notes.push("encrypted");
  return notes.join(", ");
}

/**
 * One entity as `data entities` prints it:
 *   tasks: 2 rows
 *     id      text     primary key
 *     status  text     default "todo"
 */
export function describeEntity(entity: EntityInfo & { rows: number }): string {
  const note = entity.native ? ` (${FRAMEWORK_NOTE[entity.name] ?? "framework entity"})` : "";
  const heading = `${entity.name}: ${entity.rows} row${entity.rows === 1 ? "" : "s"}${note}\n`;
  const columns = alignColumns(entity.columns.map((c) => [c.name, c.type, columnNotes(c)]));
  return heading + columns.map((line) => `  ${line}\n`).join("");
}
