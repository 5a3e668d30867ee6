import { serverEnv } from "../env.ts";
import { db, closeDb } from "../db.ts";
import { applyMigrations } from "./migrate.ts";

try {
  const env = serverEnv();
  const applied = await applyMigrations(db().sql);
  const where = env.DATABASE_URL ? "Postgres (DATABASE_URL)" : `PGlite in ${env.dataDir}`;
  console.log(applied.length ? `Applied ${applied.length} migration(s) to ${where}: ${applied.join(", ")}` : `${where} is up to date.`);
  await closeDb();
} catch (error) {
  console.error(`db:migrate: ${(error as Error).message}`);
  await closeDb().catch(() => {});
  process.exit(1);
}
