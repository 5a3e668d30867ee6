import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { inject } from "vitest";
import { setDbCredential } from "../../src/lattice/home/db-credentials.ts";
import { Lattice, type LatticeOptions } from "../../src/lattice/db/lattice.ts";
import { registerNativeEntities } from "../../src/lattice/framework/native-entities.ts";
import { databaseUrl, withAdmin } from "./postgres.ts";

// Every library test runs on both backends: a SQLite file in a temp project, and a fresh Postgres
// database reached through ${LATTICE_DB:<label>}, as a user's project would reach it.
export const BACKENDS = ["sqlite", "postgres"] as const;
export type Backend = (typeof BACKENDS)[number];

export interface TestProject {
  backend: Backend;
  dir: string;
  home: string;
  configFile: string;
  /** Postgres only: the database's URL, for raw SQL. */
  url: string | null;
  writeConfig(entitiesYaml: string): void;
  open(options?: LatticeOptions & { natives?: boolean }): Promise<Lattice>;
  /** Raw SQL on the backend, outside the library (the test's own view of the database). */
  sql(query: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  cleanup(): Promise<void>;
}

export async function createProject(backend: Backend, entitiesYaml: string): Promise<TestProject> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `lattice-lib-${backend}-`));
  const home = path.join(dir, ".lattice-home");
  const configFile = path.join(dir, "lattice.config.yml");
  let url: string | null = null;
  let dbName: string | null = null;
  let database = "";
  if (backend === "postgres") {
    const adminUrl = inject("pgAdminUrl");
    dbName = `lattice_lib_${crypto.randomBytes(6).toString("hex")}`;
    await withAdmin(adminUrl, (admin) => admin.query(`CREATE DATABASE ${dbName} TEMPLATE template0`));
    url = databaseUrl(adminUrl, dbName);
    setDbCredential("testdb", url, { home, env: {} });
    database = "database: ${LATTICE_DB:testdb}\n";
  }
  const opened: Lattice[] = [];
  const project: TestProject = {
    backend,
    dir,
    home,
    configFile,
    url,
    writeConfig(yaml) {
      fs.writeFileSync(configFile, database + yaml);
    },
    async open(options = {}) {
      const { natives = true, ...rest } = options;
      const db = new Lattice({ config: configFile }, { home, ...rest });
      if (natives) registerNativeEntities(db);
      opened.push(db);
      await db.init();
      return db;
    },
    async sql(query, params = []) {
      if (backend === "sqlite") {
        const { default: Database } = await import("better-sqlite3");
        const db = new Database(path.join(dir, "data/lattice.db"));
        try {
          const statement = db.prepare(query);
          return statement.reader ? (statement.all(...params) as Record<string, unknown>[]) : (statement.run(...params), []);
        } finally {
          db.close();
        }
      }
      const client = new pg.Client({ connectionString: url! });
      await client.connect();
      try {
        return (await client.query(query, params)).rows;
      } finally {
        await client.end();
      }
    },
    async cleanup() {
      for (const db of opened) await db.close().catch(() => {});
      fs.rmSync(dir, { recursive: true, force: true });
      if (dbName) await withAdmin(inject("pgAdminUrl"), (admin) => admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`));
    },
  };
  project.writeConfig(entitiesYaml);
  return project;
}

/** The table name to use in raw SQL on this backend. */
export function rawTable(backend: Backend, entity: string): string {
  return backend === "sqlite" ? `"${entity}"` : `lattice_data."${entity}"`;
}
