// Rows as the data commands print them. Encrypted columns (secrets.value, and any column marked
// `encrypted: true`) are never printed unless asked for: `[hidden]` in text, left out of --json.
import type { ColumnInfo, EntityInfo } from "../../../lattice/db/lattice.ts";

export const HIDDEN = "[hidden]";
const MAX_CELL = 60;

type Row = Record<string, unknown>;

/** One value as text: full, for `data get`. */
export function valueText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (Buffer.isBuffer(value)) return `<${value.length} bytes>`;
  if (typeof value === "string") return /[\u0000-\u001f\u007f]/.test(value) ? JSON.stringify(value) : value;
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** One value as a table cell: on one line, cut at 60 characters (--json has it whole). */
export function cellText(value: unknown): string {
  const text = valueText(value);
  return text.length > MAX_CELL ? `${text.slice(0, MAX_CELL - 1)}…` : text;
}

function isHidden(column: ColumnInfo, reveal: boolean): boolean {
  return column.encrypted === true && !reveal;
}

/** The cells of a row in the entity's column order. */
export function rowCells(entity: EntityInfo, row: Row): string[] {
  return entity.columns.map((column) => (isHidden(column, false) ? HIDDEN : cellText(row[column.name])));
}

/** `column: value` lines, aligned, for one row. */
export function rowLines(entity: EntityInfo, row: Row, reveal: boolean): string {
  const width = Math.max(...entity.columns.map((c) => c.name.length)) + 1;
  return entity.columns
    .map((column) => `${`${column.name}:`.padEnd(width)}  ${isHidden(column, reveal) ? HIDDEN : valueText(row[column.name])}`.trimEnd())
    .join("\n") + "\n";
}

/** A row for --json: hidden columns left out, bytes as base64. */
export function rowJson(entity: EntityInfo, row: Row, reveal = false): Row {
  const out: Row = {};
  for (const column of entity.columns) {
    if (isHidden(column, reveal)) continue;
    const value = row[column.name];
    out[column.name] = Buffer.isBuffer(value) ? value.toString("base64") : value;
  }
  return out;
}
