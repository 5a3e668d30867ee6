import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../db.ts";
import { applyMigrations, readMigrations, defaultMigrationsDir } from "./migrate.ts";
import { registerTeam } from "../services/teams/register-team.ts";
import { teamOverview } from "../services/teams/team-overview.ts";

// Smoke suite on the embedded default: a real PGlite in a temp data dir.
describe("embedded PGlite", () => {
  let database: Database | undefined;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "lattice-pglite-"));
  afterEach(async () => {
    await database?.close();
    database = undefined;
  });

  it("applies every migration once and records it in _prisma_migrations", async () => {
    database = openDatabase({ dataDir });
    const applied = await applyMigrations(database.sql);
    expect(applied).toEqual(readMigrations(defaultMigrationsDir()).map((m) => m.name));
    expect(await applyMigrations(database.sql)).toEqual([]);
    const rows = await database.sql.query<{ migration_name: string; checksum: string; applied_steps_count: number }>(
      `SELECT migration_name, checksum, applied_steps_count FROM "_prisma_migrations"`,
    );
    expect(rows.map((r) => r.migration_name)).toEqual(applied);
    expect(rows[0]!.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(rows[0]!.applied_steps_count).toBe(1);
  });

  it("registers a team, refuses a second, and keeps the data across a reopen", async () => {
    database = openDatabase({ dataDir });
    await applyMigrations(database.sql);
    const result = await registerTeam(database.prisma, { email: "alice@example.com", name: "Alice", teamName: "Atlas" });
    await expect(registerTeam(database.prisma, { email: "bob@example.com", name: "Bob", teamName: "B" })).rejects.toThrow(/already has a team/);
    await database.close();

    database = openDatabase({ dataDir });
    const overview = await teamOverview(database.prisma);
    expect(overview.team.id).toBe(result.team.id);
    expect(overview.members.map((m) => [m.email, m.role])).toEqual([["alice@example.com", "owner"]]);
  });

  it("rolls a failed registration back completely on PGlite too", async () => {
    const freshDir = fs.mkdtempSync(path.join(os.tmpdir(), "lattice-pglite-"));
    database = openDatabase({ dataDir: freshDir });
    await applyMigrations(database.sql);
    await database.sql.exec(`
      CREATE FUNCTION fail_membership() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$ LANGUAGE plpgsql;
      CREATE TRIGGER fail_membership BEFORE INSERT ON memberships FOR EACH ROW EXECUTE FUNCTION fail_membership();`);
    await expect(registerTeam(database.prisma, { email: "a@example.com", name: "A", teamName: "T" })).rejects.toThrow(/injected failure/);
    expect(await database.prisma.user.count()).toBe(0);
    expect(await database.prisma.team.count()).toBe(0);
  });
});
