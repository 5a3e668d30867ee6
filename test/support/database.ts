import crypto from "node:crypto";
import { inject } from "vitest";
import { openDatabase, type Database } from "../../src/server/db.ts";
import { databaseUrl, withAdmin } from "./postgres.ts";

const TEMPLATE_DB = "lattice_test_template";

export interface TestDatabase {
  url: string;
  database: Database;
  drop(): Promise<void>;
}

/** A fresh, migrated Postgres database (one team per database, so one per test that registers). */
export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = inject("pgAdminUrl");
  const name = `lattice_t_${crypto.randomBytes(6).toString("hex")}`;
  await withAdmin(adminUrl, (admin) => admin.query(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE_DB}`));
  const url = databaseUrl(adminUrl, name);
  const database = openDatabase({ databaseUrl: url, dataDir: "" });
  return {
    url,
    database,
    async drop() {
      await database.close();
      await withAdmin(adminUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}
