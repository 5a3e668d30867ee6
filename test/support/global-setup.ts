import type { TestProject } from "vitest/node";
import { openDatabase } from "../../src/server/db.ts";
import { applyMigrations } from "../../src/server/db/migrate.ts";
import { databaseUrl, startTestPostgres, withAdmin } from "./postgres.ts";

export const TEMPLATE_DB = "lattice_test_template";

declare module "vitest" {
  export interface ProvidedContext {
    pgAdminUrl: string;
  }
}

// One Postgres for the whole run; a migrated template database that each test file clones.
export default async function setup(project: TestProject) {
  const postgres = await startTestPostgres();
  await withAdmin(postgres.adminUrl, async (admin) => {
    await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DB} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${TEMPLATE_DB}`);
  });
  const template = openDatabase({ databaseUrl: databaseUrl(postgres.adminUrl, TEMPLATE_DB), dataDir: "" });
  await applyMigrations(template.sql);
  await template.close();
  project.provide("pgAdminUrl", postgres.adminUrl);
  return async () => {
    await withAdmin(postgres.adminUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DB} WITH (FORCE)`)).catch(() => {});
    await postgres.stop();
  };
}
