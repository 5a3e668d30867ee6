import fs from "node:fs";
import path from "node:path";
import crypto from "node:crypto";
import { randomUUID } from "node:crypto";
import type { SqlRunner } from "../db.ts";

// Applies prisma/migrations/*/migration.sql in order and records them in Prisma's own
// `_prisma_migrations` table, so `prisma migrate status` agrees where the native engine exists.

const LOCK_KEY = 4317_0001; // advisory lock: several servers starting together apply once

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

export function readMigrations(migrationsDir: string): MigrationFile[] {
  if (!fs.existsSync(migrationsDir)) throw new Error(`No migrations folder at ${migrationsDir}`);
  return fs
    .readdirSync(migrationsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(migrationsDir, entry.name, "migration.sql")))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = fs.readFileSync(path.join(migrationsDir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: crypto.createHash("sha256").update(sql).digest("hex") };
    });
}

export function defaultMigrationsDir(root = process.cwd()): string {
  return path.join(root, "prisma", "migrations");
}

/** Returns the names of the migrations it applied (empty when the database was up to date). */
export async function applyMigrations(sql: SqlRunner, migrationsDir = defaultMigrationsDir()): Promise<string[]> {
  const migrations = readMigrations(migrationsDir);
  return sql.withSession(async (session) => {
    await session.query("SELECT pg_advisory_lock($1)", [LOCK_KEY]);
    try {
      await session.exec(CREATE_TABLE);
      const rows = await session.query<{ migration_name: string; checksum: string }>(
        `SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
      );
      const applied = new Map(rows.map((row) => [row.migration_name, row.checksum]));
      const done: string[] = [];
      for (const migration of migrations) {
        const known = applied.get(migration.name);
        if (known !== undefined) {
          if (known !== migration.checksum) {
            console.warn(`[lattice] migration ${migration.name} was edited after it was applied (checksum differs)`);
          }
          continue;
        }
        await session.exec("BEGIN");
        try {
          await session.exec(migration.sql);
          await session.query(
            `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
             VALUES ($1, $2, $3, now(), now(), 1)`,
            [randomUUID(), migration.checksum, migration.name],
          );
          await session.exec("COMMIT");
        } catch (error) {
          await session.exec("ROLLBACK");
          throw new Error(`Migration ${migration.name} failed: ${(error as Error).message}`, { cause: error });
        }
        done.push(migration.name);
      }
      return done;
    } finally {
      await session.query("SELECT pg_advisory_unlock($1)", [LOCK_KEY]);
    }
  });
}
