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
  /**
   * `prepared`: a name for a hot statement, prepared once per Postgres connection so later runs skip
   * parsing and planning (PGlite ignores it).
   */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[], prepared?: string): Promise<T[]>;
  /** Runs fn on one connection (PGlite has only one) so session state such as locks holds. */
  withSession<T>(fn: (session: SqlRunner) => Promise<T>): Promise<T>;
}

/** Connection state of a LISTEN subscription: after "down", notifications may have been missed. */
export type ListenState = "up" | "down";

export interface Database {
  kind: DbKind;
  prisma: PrismaClient;
  sql: SqlRunner;
  /**
   * Subscribes to a NOTIFY channel. Postgres: one dedicated connection per subscription that
   * reconnects on its own (needs a direct or session-pooled connection, not PgBouncer transaction
   * pooling); PGlite: its in-process listen(). Resolves once listening; returns the unsubscribe.
   */
  listen(channel: string, onNotify: (payload: string) => void, onState?: (state: ListenState) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export type { PrismaClient };
/** What a service accepts: the root client or the `tx` of an interactive transaction. */
export type DbClient = Omit<PrismaClient, "$connect" | "$disconnect" | "$on" | "$transaction" | "$extends">;

// Prisma's other formats render the failing call, rows and token hashes included, into the message.
const ERROR_FORMAT = "minimal";

export function openDatabase(options: { databaseUrl?: string; dataDir: string }): Database {
  return options.databaseUrl ? openPostgres(options.databaseUrl) : openPGlite(options.dataDir);
}

function openPostgres(connectionString: string): Database {
  const pool = new pg.Pool({ connectionString, max: Number(process.env.LATTICE_DB_POOL_MAX ?? 10) });
  // An idle client that loses its server (restart, failover) must not crash the process.
  pool.on("error", (error) => console.error(`[lattice] postgres pool: ${error.message}`));
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool), errorFormat: ERROR_FORMAT });
  const runner = (client: pg.Pool | pg.PoolClient): SqlRunner => ({
    async exec(sql) {
      await client.query(sql);
    },
    async query(sql, params, prepared) {
      return (await (prepared ? client.query({ name: prepared, text: sql, values: params as unknown[] }) : client.query(sql, params as unknown[]))).rows;
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
  const listeners = new Set<() => Promise<void>>();
  return {
    kind: "postgres",
    prisma,
    sql: runner(pool),
    async listen(channel, onNotify, onState) {
      const stop = await listenPostgres(connectionString, channel, onNotify, onState);
      listeners.add(stop);
      return async () => {
        listeners.delete(stop);
        await stop();
      };
    },
    async close() {
      await Promise.all([...listeners].map((stop) => stop()));
      listeners.clear();
      await prisma.$disconnect();
      await pool.end().catch(() => {});
    },
  };
}

async function listenPostgres(
  connectionString: string,
  channel: string,
  onNotify: (payload: string) => void,
  onState?: (state: ListenState) => void,
): Promise<() => Promise<void>> {
  let stopped = false;
  let client: pg.Client | undefined;
  let retry: NodeJS.Timeout | undefined;
  let delay = 250;
  const connect = async (first = false): Promise<void> => {
    const next = new pg.Client({ connectionString });
    next.on("notification", (message) => {
      if (message.channel === channel) onNotify(message.payload ?? "");
    });
    const lost = () => {
      if (client !== next) return;
      client = undefined;
      next.end().catch(() => {});
      if (stopped) return;
      onState?.("down");
      retry = setTimeout(() => void connect().catch(() => {}), delay);
      retry.unref();
      delay = Math.min(delay * 2, 10_000);
    };
    next.on("error", lost);
    next.on("end", lost);
    client = next;
    try {
      await next.connect();
      await next.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    } catch (error) {
      if (first) stopped = true; // the caller sees the error; retry only once we were listening
      lost();
      throw error;
    }
    if (stopped) {
      await next.end().catch(() => {});
      return;
    }
    delay = 250;
    onState?.("up");
  };
  await connect(true);
  return async () => {
    stopped = true;
    clearTimeout(retry);
    const current = client;
    client = undefined;
    await current?.end().catch(() => {});
  };
}

function openPGlite(dataDir: string): Database {
  const pglite = new PGlite(path.join(dataDir, "pglite"));
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite), errorFormat: ERROR_FORMAT });
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
    async listen(channel, onNotify, onState) {
      const unsubscribe = await pglite.listen(channel, onNotify);
      onState?.("up");
      return async () => {
        if (!pglite.closed) await unsubscribe();
      };
    },
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
