import pg from "pg";
import { LatticeError } from "../config/errors.ts";
import { maskPostgresUrl } from "../home/db-credentials.ts";
import type { SqlDriver, SqlExecutor, SqlRow } from "./driver.ts";

/** Where a Postgres-backed Lattice keeps its tables (DESIGN.md: "The workspace"). */
export const POSTGRES_SCHEMA = "lattice_data";

const INT8 = 20;
// bigint columns come back as numbers: every integer a Lattice writes is a safe integer.
const types = {
  getTypeParser(oid: number, format?: string) {
    if (oid === INT8) return (text: string) => Number(text);
    return pg.types.getTypeParser(oid, format as "text");
  },
};

const UNREACHABLE = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "ECONNRESET", "EHOSTUNREACH", "ENETUNREACH"]);

export function postgresError(error: unknown, where?: string): LatticeError {
  if (error instanceof LatticeError) return error;
  const { code, message, detail } = error as { code?: string; message?: string; detail?: string };
  if (code === "23505") return new LatticeError("DUPLICATE_KEY", `a row with this key already exists${detail ? ` (${detail})` : ""}`, { cause: error });
  if (code && UNREACHABLE.has(code)) {
    return new LatticeError("DATABASE_UNAVAILABLE", `cannot reach Postgres${where ? ` at ${where}` : ""}: ${code}`, { cause: error });
  }
  // 28xxx: authentication; 3D000: no such database; 08xxx: connection failures.
  if (code && (code.startsWith("28") || code === "3D000" || code.startsWith("08") || code === "57P03")) {
    return new LatticeError("DATABASE_UNAVAILABLE", `cannot use Postgres${where ? ` at ${where}` : ""}: ${message}`, { cause: error });
  }
  return new LatticeError("DATABASE_ERROR", `Postgres refused the statement: ${message ?? String(error)}`, { cause: error });
}

function executor(queryable: pg.Pool | pg.PoolClient, where: string): SqlExecutor {
  const query = async (sql: string, params: readonly unknown[]) => {
    try {
      return await queryable.query<SqlRow>({ text: sql, values: params as unknown[] });
    } catch (error) {
      throw postgresError(error, where);
    }
  };
  return {
    dialect: "postgres",
    all: async (sql, params = []) => (await query(sql, params)).rows,
    one: async (sql, params = []) => (await query(sql, params)).rows[0],
    run: async (sql, params = []) => (await query(sql, params)).rowCount ?? 0,
  };
}

export class PostgresDriver implements SqlDriver {
  readonly dialect = "postgres" as const;
  private readonly pool: pg.Pool;
  private readonly where: string;
  private readonly direct: SqlExecutor;

  private constructor(pool: pg.Pool, where: string) {
    this.pool = pool;
    this.where = where;
    this.direct = executor(pool, where);
  }

  /** Connects once, so an unreachable or refusing server is reported by init, not later. */
  static async open(url: string): Promise<PostgresDriver> {
    const where = maskPostgresUrl(url);
    const pool = new pg.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: 10_000, types });
    // An idle client's error (the server restarted) must not crash the process; the next query reconnects.
    pool.on("error", () => {});
    try {
      const client = await pool.connect();
      client.release();
    } catch (error) {
      await pool.end().catch(() => {});
      throw postgresError(error, where);
    }
    return new PostgresDriver(pool, where);
  }

  all(sql: string, params?: readonly unknown[]) {
    return this.direct.all(sql, params);
  }
  one(sql: string, params?: readonly unknown[]) {
    return this.direct.one(sql, params);
  }
  run(sql: string, params?: readonly unknown[]) {
    return this.direct.run(sql, params);
  }

  async exec(sql: string): Promise<void> {
    try {
      await this.pool.query(sql);
    } catch (error) {
      throw postgresError(error, this.where);
    }
  }

  async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw postgresError(error, this.where);
    }
    let broken = false;
    try {
      await client.query("BEGIN");
      const result = await fn(executor(client, this.where));
      await client.query("COMMIT");
      return result;
    } catch (error) {
      try {
        await client.query("ROLLBACK");
      } catch {
        broken = true;
      }
      throw postgresError(error, this.where);
    } finally {
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
