// `where` and `orderBy` of query() and count(), turned into SQL with every value a parameter
// and every name checked against the entity and quoted.
import { LatticeError } from "../config/errors.ts";
import { encodeValue } from "./columns.ts";
import { quoteIdentifier, type Dialect } from "./driver.ts";
import type { EntityDefinition } from "./entity.ts";

type Scalar = string | number | boolean | Date | null;

/** Conditions on one column; several in one object must all hold. */
export interface Condition {
  eq?: Scalar;
  ne?: Scalar;
  gt?: Scalar;
  gte?: Scalar;
  lt?: Scalar;
  lte?: Scalar;
  in?: readonly Scalar[];
  notIn?: readonly Scalar[];
  /** SQL LIKE (`%` any run, `_` one character), case-sensitive on both backends. */
  like?: string;
  /** LIKE ignoring ASCII case. */
  ilike?: string;
  /** true: IS NULL; false: IS NOT NULL. */
  isNull?: boolean;
}

/** Column → a value (equality; null means IS NULL) or a Condition. Every entry must hold. */
export type Where = Record<string, Scalar | Condition>;

export type OrderDirection = "asc" | "desc";
export type OrderTerm = string | { column: string; direction?: OrderDirection };
export type OrderBy = OrderTerm | readonly OrderTerm[];

const COMPARISONS: Record<string, string> = { eq: "=", ne: "<>", gt: ">", gte: ">=", lt: "<", lte: "<=" };
const OPERATORS = new Set([...Object.keys(COMPARISONS), "in", "notIn", "like", "ilike", "isNull"]);

function badQuery(message: string): LatticeError {
  return new LatticeError("INVALID_QUERY", message);
}

function column(entity: EntityDefinition, name: string, use: string) {
  const spec = Object.hasOwn(entity.columns, name) ? entity.columns[name] : undefined;
  if (!spec) throw new LatticeError("UNKNOWN_COLUMN", `${entity.name} has no column "${name}" (columns: ${Object.keys(entity.columns).join(", ")})`);
  if (spec.encrypted) throw badQuery(`${entity.name}.${name} is encrypted; it cannot be used in ${use}`);
  if (spec.type === "json" || spec.type === "blob") throw badQuery(`${entity.name}.${name} is a ${spec.type} column; it cannot be used in ${use}`);
  return spec;
}

function isCondition(value: unknown): value is Condition {
  return typeof value === "object" && value !== null && !(value instanceof Date) && !Array.isArray(value);
}

export function buildWhere(dialect: Dialect, entity: EntityDefinition, where: Where | undefined, params: unknown[]): string {
  if (where === undefined) return "";
  if (!isCondition(where)) throw badQuery("where must be an object: {column: value} or {column: {gt: …}}");
  const placeholder = (value: unknown) => {
    params.push(value);
    return dialect === "sqlite" ? "?" : `$${params.length}`;
  };
  const clauses: string[] = [];
  for (const [name, condition] of Object.entries(where)) {
    const spec = column(entity, name, "where");
    const target = quoteIdentifier(name);
    const encode = (value: unknown, op: string) => encodeValue(dialect, spec.type, value, `where.${name}.${op}`);
    if (condition === undefined) continue;
    if (Array.isArray(condition)) throw badQuery(`where.${name}: to match any of several values use {in: [...]}`);
    if (!isCondition(condition)) {
      clauses.push(condition === null ? `${target} IS NULL` : `${target} = ${placeholder(encode(condition, "eq"))}`);
      continue;
    }
    const ops = Object.entries(condition).filter(([, value]) => value !== undefined);
    if (ops.length === 0) throw badQuery(`where.${name}: an empty condition (use eq, ne, gt, gte, lt, lte, in, notIn, like, ilike or isNull)`);
    for (const [op, value] of ops) {
      if (!OPERATORS.has(op)) throw badQuery(`where.${name}: unknown operator "${op}" (eq, ne, gt, gte, lt, lte, in, notIn, like, ilike, isNull)`);
      if (op === "isNull") {
        if (typeof value !== "boolean") throw badQuery(`where.${name}.isNull must be true or false`);
        clauses.push(`${target} IS ${value ? "" : "NOT "}NULL`);
      } else if (op === "in" || op === "notIn") {
        if (!Array.isArray(value)) throw badQuery(`where.${name}.${op} must be an array`);
        if (value.length === 0) {
          clauses.push(op === "in" ? "1 = 0" : "1 = 1");
          continue;
        }
        if (value.length > 10_000) throw badQuery(`where.${name}.${op}: at most 10000 values`);
        const list = value.map((item) => placeholder(encode(item, op))).join(", ");
        clauses.push(`${target} ${op === "in" ? "IN" : "NOT IN"} (${list})`);
      } else if (op === "like" || op === "ilike") {
        if (spec.type !== "text") throw badQuery(`where.${name}.${op}: only text columns can be matched with ${op}`);
        if (typeof value !== "string") throw badQuery(`where.${name}.${op} must be a pattern string`);
        clauses.push(op === "like" ? `${target} LIKE ${placeholder(value)}` : `lower(${target}) LIKE lower(${placeholder(value)})`);
      } else {
        if (value === null) {
          if (op !== "eq" && op !== "ne") throw badQuery(`where.${name}.${op}: cannot compare with null`);
          clauses.push(`${target} IS ${op === "eq" ? "" : "NOT "}NULL`);
          continue;
        }
        clauses.push(`${target} ${COMPARISONS[op]} ${placeholder(encode(value, op))}`);
      }
    }
  }
  return clauses.length ? ` WHERE ${clauses.join(" AND ")}` : "";
}

/** Always ends with the primary key, so pages never overlap and both backends agree on order. */
export function buildOrderBy(entity: EntityDefinition, orderBy: OrderBy | undefined): string {
  const terms: OrderTerm[] = orderBy === undefined ? [] : Array.isArray(orderBy) ? [...(orderBy as OrderTerm[])] : [orderBy as OrderTerm];
  const parts: string[] = [];
  const used = new Set<string>();
  for (const term of terms) {
    let name: string;
    let direction: string = "asc";
    if (typeof term === "string") {
      const match = /^\s*(\S+)(?:\s+(asc|desc))?\s*$/i.exec(term);
      if (!match) throw badQuery(`orderBy: "${term}" is not "column" or "column desc"`);
      name = match[1]!;
      direction = (match[2] ?? "asc").toLowerCase();
    } else if (isCondition(term) && typeof term.column === "string") {
      name = term.column;
      direction = term.direction ?? "asc";
      if (direction !== "asc" && direction !== "desc") throw badQuery(`orderBy: direction must be "asc" or "desc"`);
    } else {
      throw badQuery('orderBy takes "column", "column desc", {column, direction} or a list of them');
    }
    column(entity, name, "orderBy");
    used.add(name);
    // NULLs first ascending, last descending, on both backends (SQLite's own order).
    parts.push(`${quoteIdentifier(name)} ${direction.toUpperCase()} NULLS ${direction === "asc" ? "FIRST" : "LAST"}`);
  }
  if (!used.has(entity.primaryKey)) parts.push(`${quoteIdentifier(entity.primaryKey)} ASC`);
  return ` ORDER BY ${parts.join(", ")}`;
}
