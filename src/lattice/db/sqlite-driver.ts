import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { LatticeError } from "../config/errors.ts";
import type { SqlDriver, SqlExecutor, SqlRow } from "./driver.ts";

/** How long a writer waits for another process's write lock before giving up. */
export const SQLITE_BUSY_TIMEOUT_MS = 5_000;
/** How long a call waits for this process's open transaction before it is taken for a call from inside it. */
export const TRANSACTION_WAIT_MS = 30_000;

type Statement = Database.Statement<unknown[], SqlRow>;

export function sqliteError(error: unknown): LatticeError {
  if (error instanceof LatticeError) return error;
  const { code, message } = error as { code?: string; message?: string };
  if (code === "SQLITE_CONSTRAINT_PRIMARYKEY" || code === "SQLITE_CONSTRAINT_UNIQUE") {
    return new LatticeError("DUPLICATE_KEY", `a row with this key already exists (${message})`, { cause: error });
  }
  if (code === "SQLITE_BUSY" || code === "SQLITE_LOCKED") {
    return new LatticeError("DATABASE_UNAVAILABLE", `the database is locked by another process (waited ${SQLITE_BUSY_TIMEOUT_MS / 1000} s)`, { cause: error });
  }
  if (code === "SQLITE_CANTOPEN" || code === "SQLITE_NOTADB" || code === "SQLITE_CORRUPT" || code === "SQLITE_READONLY" || code === "SQLITE_IOERR") {
    return new LatticeError("DATABASE_UNAVAILABLE", `the SQLite database cannot be used: ${message}`, { cause: error });
  }
  return new LatticeError("DATABASE_ERROR", `SQLite refused the statement: ${message ?? String(error)}`, { cause: error });
}

/**
 * better-sqlite3 is synchronous, so each call completes before it returns. A transaction whose
 * body awaits would let other callers' statements into it: while one is open, calls from outside
 * it wait at `gate` until it ends.
 */
export class SqliteDriver implements SqlDriver {
  readonly dialect = "sqlite" as const;
  private readonly db: Database.Database;
  private readonly statements = new Map<string, Statement>();
  private gate: Promise<void> | null = null;
  private readonly inside: SqlExecutor;
  private readonly transactionWaitMs: number;

  private constructor(db: Database.Database, transactionWaitMs: number) {
    this.db = db;
    this.transactionWaitMs = transactionWaitMs;
    this.inside = {
      dialect: "sqlite",
      all: (sql, params = []) => this.attempt(() => this.statement(sql).all(...params)),
      one: (sql, params = []) => this.attempt(() => this.statement(sql).get(...params)),
      run: (sql, params = []) => this.attempt(() => this.statement(sql).run(...params).changes),
    };
  }

  static open(file: string, options: { transactionWaitMs?: number } = {}): SqliteDriver {
    let db: Database.Database;
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      db = new Database(file, { timeout: SQLITE_BUSY_TIMEOUT_MS });
      db.pragma("journal_mode = WAL");
      db.pragma("synchronous = NORMAL");
      db.pragma("foreign_keys = ON");
      // LIKE compares case-sensitively, as on Postgres: one behaviour on both backends.
      db.pragma("case_sensitive_like = ON");
    } catch (error) {
      const reason = (error as Error).message;
      throw new LatticeError("DATABASE_UNAVAILABLE", `cannot open the SQLite database ${file}: ${reason}`, { cause: error });
    }
    return new SqliteDriver(db, options.transactionWaitMs ?? TRANSACTION_WAIT_MS);
  }

  private statement(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql) as Statement;
      this.statements.set(sql, statement);
    }
    return statement;
  }

  private attempt<T>(fn: () => T): Promise<T> {
    try {
      return Promise.resolve(fn());
    } catch (error) {
      return Promise.reject(sqliteError(error));
    }
  }

  /**
   * Waits for the open transaction. A call on `db` from inside `db.transaction()` would wait for
   * itself for ever; after `transactionWaitMs` it is refused with a hint instead (knex does the
   * same). Telling the two apart exactly would need AsyncLocalStorage, whose promise hooks cost
   * every await in the process on Node 20.
   */
  private waitForGate(): Promise<void> {
    const gate = this.gate!;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const seconds = this.transactionWaitMs / 1000;
        reject(new LatticeError("IN_TRANSACTION", `waited ${seconds} s for a transaction to finish; a call on db inside db.transaction() waits for itself: use the tx the function receives (tx.insert, tx.get, …)`));
      }, this.transactionWaitMs);
    });
    return Promise.race([gate, timeout]).finally(() => clearTimeout(timer));
  }

  all(sql: string, params: readonly unknown[] = []): Promise<SqlRow[]> {
    if (this.gate) return this.waitForGate().then(() => this.all(sql, params));
    return this.inside.all(sql, params);
  }

  one(sql: string, params: readonly unknown[] = []): Promise<SqlRow | undefined> {
    if (this.gate) return this.waitForGate().then(() => this.one(sql, params));
    return this.inside.one(sql, params);
  }

  run(sql: string, params: readonly unknown[] = []): Promise<number> {
    if (this.gate) return this.waitForGate().then(() => this.run(sql, params));
    return this.inside.run(sql, params);
  }

  async exec(sql: string): Promise<void> {
    while (this.gate) await this.waitForGate();
    try {
      this.db.exec(sql);
    } catch (error) {
      throw sqliteError(error);
    }
  }

  async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    while (this.gate) await this.waitForGate();
    let open!: () => void;
    this.gate = new Promise((resolve) => (open = resolve));
    try {
      // IMMEDIATE takes the write lock now (waiting up to the busy timeout), so two processes
      // never both read and then fail to upgrade to a write.
      try {
        this.db.exec("BEGIN IMMEDIATE");
      } catch (error) {
        throw sqliteError(error);
      }
      let result: T;
      try {
        result = await fn(this.inside);
      } catch (error) {
        if (this.db.inTransaction) this.db.exec("ROLLBACK");
        throw error;
      }
      try {
        this.db.exec("COMMIT");
      } catch (error) {
        if (this.db.inTransaction) this.db.exec("ROLLBACK");
        throw sqliteError(error);
      }
      return result;
    } finally {
      this.gate = null;
      open();
    }
  }

  async close(): Promise<void> {
    while (this.gate) await this.gate;
    this.statements.clear();
    if (this.db.open) this.db.close();
  }
}
