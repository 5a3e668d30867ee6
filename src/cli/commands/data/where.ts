// The command-line forms of a query: `--where 'points>3'`, `--order points:desc`, and a primary
// key typed as text, turned into the library's where/orderBy/key with values of the column's type.
// Anything that cannot be converted is passed on as typed, so the library reports it in its own words.
import type { ColumnType } from "../../../lattice/config/config.ts";
import type { Condition, Where } from "../../../lattice/db/where.ts";
import { UsageError } from "../../command-spec.ts";

/** What the conversions need to know of an entity (the library's EntityInfo fits). */
export interface EntityShape {
  name: string;
  primaryKey: string;
  columns: readonly { name: string; type: ColumnType }[];
}

const OPERATORS: Record<string, keyof Condition> = { "=": "eq", "!=": "ne", ">": "gt", ">=": "gte", "<": "lt", "<=": "lte", "~": "like" };
const EXPRESSION = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(!=|>=|<=|=|>|<|~)\s*(.*?)\s*$/s;
export const WHERE_HELP = "column, an operator (= != > >= < <= ~) and a value, such as status=todo or 'points>3'";

/** A value typed on the command line as the column's type: "3" → 3 for an integer column, "true" → true for a boolean. */
export function valueFromText(type: ColumnType | undefined, text: string): string | number | boolean {
  switch (type) {
    case "integer":
      return /^[+-]?\d+$/.test(text) ? Number(text) : text;
    case "real":
      return text.trim() !== "" && Number.isFinite(Number(text)) ? Number(text) : text;
    case "boolean":
      return /^(true|false)$/i.test(text) ? text.toLowerCase() === "true" : text;
    default:
      return text;
  }
}

/** A primary key typed on the command line, as the key's type. */
export function keyFromText(entity: EntityShape, text: string): string | number {
  const type = entity.columns.find((c) => c.name === entity.primaryKey)?.type;
  const key = valueFromText(type, text);
  return typeof key === "boolean" ? text : key;
}

/**
 * `--where` expressions to the library's where: every one must hold. An unquoted `null` with = or
 * != means IS NULL / IS NOT NULL; a value in double quotes is a JSON string, taken literally.
 */
export function parseWhere(expressions: readonly string[], entity: EntityShape): Where | undefined {
  if (expressions.length === 0) return undefined;
  const where: Record<string, Condition> = {};
  for (const expression of expressions) {
    const match = EXPRESSION.exec(expression);
    if (!match) throw new UsageError(`--where ${JSON.stringify(expression)}: expected ${WHERE_HELP}`);
    const [, column, symbol, raw] = match as unknown as [string, string, string, string];
    const op = OPERATORS[symbol]!;
    const condition = (where[column] ??= {});
    if (raw === "null") {
      if (op !== "eq" && op !== "ne") throw new UsageError(`--where ${JSON.stringify(expression)}: only = and != compare with null`);
      if (condition.isNull !== undefined) throw new UsageError(`--where: ${column} is compared with null twice`);
      condition.isNull = op === "eq";
      continue;
    }
    if (condition[op] !== undefined) throw new UsageError(`--where: ${column} ${symbol} is given twice`);
    const text = raw.startsWith('"') ? quoted(raw, expression) : raw;
    const type = entity.columns.find((c) => c.name === column)?.type;
    (condition as Record<string, unknown>)[op] = op === "like" ? text : valueFromText(type, text);
  }
  return where;
}

function quoted(raw: string, expression: string): string {
  try {
    const value: unknown = JSON.parse(raw);
    if (typeof value === "string") return value;
  } catch {
    // reported below
  }
  throw new UsageError(`--where ${JSON.stringify(expression)}: a value that starts with " must be a complete JSON string, such as "two words"`);
}

/** `--order title`, `--order points:desc` (or "points desc"), in the order given. */
export function parseOrder(terms: readonly string[]): string[] | undefined {
  if (terms.length === 0) return undefined;
  return terms.map((term) => {
    const match = /^\s*([^\s:]+)\s*(?:[:\s]\s*(asc|desc))?\s*$/i.exec(term);
    if (!match) throw new UsageError(`--order ${JSON.stringify(term)}: expected a column, optionally with :asc or :desc (such as points:desc)`);
    return match[2] ? `${match[1]} ${match[2].toLowerCase()}` : match[1]!;
  });
}

/** --limit / --offset: a whole number ≥ 0. */
export function parseCount(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) throw new UsageError(`${flag} must be a whole number ≥ 0 (got ${JSON.stringify(value)})`);
  return Number(value);
}
