import path from "node:path";
import pg from "pg";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./db/generated/client.ts";
import { serverEnv } from "./env.ts";

export type DbKind = "pglite" | "postgres";

/** Plain SQL access for the few things Prisma does not do (migrations, advisory locks, LISTEN). */
export interface SqlRunner {
  /** Runs one or more statements with no parameters. */
  exec(sql: string): Promise<void>;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs fn on one connection (PGlite has only one) so session state such as locks holds. */
  withSession<T>(fn: (session: SqlRunner) => Promise<T>): Promise<T>;
}

export interface Database {
  kind: DbKind;
  prisma: PrismaClient;
  sql: SqlRunner;
  close(): Promise<void>;
}

export type { PrismaClient };
/** What a service accepts: the root client or the `tx` of an interactive transaction. */
export type DbClient = Omit<PrismaClient, "$connect" | "$disconnect" | "$on" | "$transaction" | "$extends">;

export function openDatabase(options: { databaseUrl?: string; dataDir: string }): Database {
  return options.databaseUrl ? openPostgres(options.databaseUrl) : openPGlite(options.dataDir);
}

function openPostgres(connectionString: string): Database {
  const pool = new pg.Pool({ connectionString, max: Number(process.env.LATTICE_DB_POOL_MAX ?? 10) });
  // An idle client that loses its server (restart, failover) must not crash the process.
  pool.on("error", (error) => console.error(`[lattice] postgres pool: ${error.message}`));
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  const runner = (client: pg.Pool | pg.PoolClient): SqlRunner => ({
    async exec(sql) {
      await client.query(sql);
    },
    async query(sql, params) {
      return (await client.query(sql, params as unknown[])).rows;
    },
    async withSession(fn) {
      if (client !== pool) return fn(runner(client));
      const session = await pool.connect();
      try {
        return await fn(runner(session));
      } finally {
        session.release();
      }
    },
  });
  return {
    kind: "postgres",
    prisma,
    sql: runner(pool),
    async close() {
      await prisma.$disconnect();
      await pool.end().catch(() => {});
    },
  };
}

function openPGlite(dataDir: string): Database {
  const pglite = new PGlite(path.join(dataDir, "pglite"));
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
  const sql: SqlRunner = {
    async exec(text) {
      await pglite.exec(text);
    },
    async query(text, params) {
      return (await pglite.query(text, params)).rows as never[];
    },
    async withSession(fn) {
      return fn(sql);
    },
  };
  return {
    kind: "pglite",
    prisma,
    sql,
    async close() {
      await prisma.$disconnect();
      if (!pglite.closed) await pglite.close();
    },
  };
}

// One database handle per process, shared by the `npm start` entry and Next's route handlers
// (they are bundled separately, so a module-level variable would give each its own; PGlite
// must be opened exactly once).
const holder = globalThis as unknown as { __latticeDatabase?: Database };

export function db(): Database {
  if (!holder.__latticeDatabase) {
    const env = serverEnv();
    holder.__latticeDatabase = openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.dataDir });
  }
  return holder.__latticeDatabase;
}

export async function closeDb(): Promise<void> {
  const current = holder.__latticeDatabase;
  holder.__latticeDatabase = undefined;
  await current?.close();
}
