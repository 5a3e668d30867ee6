// The two backends behind one small interface. The Lattice class builds SQL for `dialect`; a
// driver only runs it, maps the database's errors to LatticeError and owns transactions.

export type Dialect = "sqlite" | "postgres";
export type SqlRow = Record<string, unknown>;

export interface SqlExecutor {
  readonly dialect: Dialect;
  all(sql: string, params?: readonly unknown[]): Promise<SqlRow[]>;
  /** The first row, or undefined. */
  one(sql: string, params?: readonly unknown[]): Promise<SqlRow | undefined>;
  /** Rows changed. */
  run(sql: string, params?: readonly unknown[]): Promise<number>;
}

export interface SqlDriver extends SqlExecutor {
  /** Several statements (DDL), no parameters. */
  exec(sql: string): Promise<void>;
  /** All or nothing: `fn`'s statements commit together, or none do when it throws. */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** `"name"` with embedded quotes doubled: the only way a user's name reaches SQL. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
