import { spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { runCli, tempHome, type CliResult } from "../../test/support/cli.ts";
import { createTestDatabase, type TestDatabase } from "../../test/support/database.ts";
import { startHoldingProxy, type HoldingProxy } from "../../test/support/proxy.ts";
import { startServer, type RunningServer } from "../../test/support/server.ts";

// Sync's correctness as users meet it: the real CLI (several LATTICE_HOMEs and project folders)
// against the real server (npm start's entry) on a real Postgres. Crashes at the worst moments,
// the replay guard, secrets and files, direct SQL on the team's Postgres, schema changes, bad input.

const root = path.resolve(import.meta.dirname, "../..");

interface Member {
  email: string;
  home: string;
  dir: string;
  run(...args: string[]): Promise<CliResult>;
  /** The CLI as a child process the test can kill. */
  spawn(...args: string[]): ChildProcess;
  /** Raw SQL on the project's SQLite file (better-sqlite3 in this process, as any other program would). */
  sqlite<T>(fn: (db: Database.Database) => T): T;
}

function member(email: string): Member {
  const home = tempHome();
  const dir = path.join(home, "project");
  const cwd = () => (fs.existsSync(dir) ? dir : home);
  return {
    email,
    home,
    dir,
    run: (...args) => runCli(args, { home, cwd: cwd() }),
    spawn: (...args) =>
      spawn(process.execPath, [path.join(root, "bin/lattice.mjs"), ...args], { cwd: cwd(), env: { ...process.env, LATTICE_HOME: home, NO_COLOR: "1" }, stdio: "ignore" }),
    sqlite(fn) {
      const db = new Database(path.join(dir, "data/lattice.db"));
      try {
        return fn(db);
      } finally {
        db.close();
      }
    },
  };
}

interface Team {
  t: TestDatabase;
  server: RunningServer;
  /** Present when some members reach the server through it. */
  proxy: HoldingProxy | null;
  alice: Member;
  bob: Member;
  /** psql-like SQL on the team's Postgres (a plain pg client). */
  sql(text: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  stop(): Promise<void>;
}

/** One server on a fresh database; Alice registers team Atlas, Bob joins (through the proxy when asked). */
async function startTeam(options: { bobViaProxy?: boolean } = {}): Promise<Team> {
  const teamName = "Atlas";
  const t = await createTestDatabase();
  const server = await startServer({ databaseUrl: t.url });
  const proxy = options.bobViaProxy ? await startHoldingProxy(server.url) : null;
  const client = new pg.Client({ connectionString: t.url });
  await client.connect();
  const alice = member("alice@example.com");
  const bob = member("bob@example.com");
  await ok(alice.run("teams", "register", "--cloud", server.url, "--email", alice.email, "--name", "Alice", "--team-name", teamName));
  const invite = await ok(alice.run("teams", "invite", "--team", teamName, "--invitee-email", bob.email, "--json"));
  await ok(bob.run("teams", "join", "--cloud", proxy?.url ?? server.url, "--token", JSON.parse(invite).token, "--email", bob.email, "--name", "Bob"));
  for (const who of [alice, bob]) await ok(who.run("init", "project"));
  // Bob's config starts with no entities: the team's shares bring them.
  fs.writeFileSync(path.join(bob.dir, "lattice.config.yml"), "entities: {}\n");
  return {
    t,
    server,
    proxy,
    alice,
    bob,
    sql: async (text, params = []) => (await client.query(text, params)).rows,
    async stop() {
      await client.end();
      await proxy?.stop();
      await server.stop();
      await t.drop();
    },
  };
}

/** A command that must succeed; its stdout. */
async function ok(result: Promise<CliResult>): Promise<string> {
  const done = await result;
  expect(done.code, `stdout: ${done.stdout}\nstderr: ${done.stderr}`).toBe(0);
  return done.stdout;
}

function exited(child: ChildProcess): Promise<NodeJS.Signals | number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.signalCode ?? child.exitCode);
    else child.on("exit", (code, signal) => resolve(signal ?? code));
  });
}

function localState(who: Member) {
  return who.sqlite((db) => ({
    cursor: Number((db.prepare(`SELECT value FROM _lattice_sync_state WHERE key = 'cursor'`).get() as { value: string } | undefined)?.value ?? 0),
    outbox: db.prepare(`SELECT entity, pk, op FROM _lattice_outbox ORDER BY id`).all() as { entity: string; pk: string; op: string }[],
    inflight: db.prepare(`SELECT entity, pk, op FROM _lattice_inflight ORDER BY rowid`).all() as { entity: string; pk: string; op: string }[],
  }));
}

async function head(team: Team): Promise<number> {
  return Number((await team.sql(`SELECT coalesce(max(seq), 0) AS head FROM lattice_changes`))[0]!.head);
}

describe("crash: a CLI killed with SIGKILL at the worst moment", () => {
  let team: Team;
  beforeAll(async () => {
    team = await startTeam({ bobViaProxy: true });
    const { alice, bob } = team;
    await ok(alice.run("data", "insert", "tasks", '{"id":"task-001","title":"Write the spec"}'));
    await ok(alice.run("teams", "share", "--team", "Atlas", "--table", "tasks"));
    await ok(alice.run("teams", "link", "--team", "Atlas", "--table", "tasks", "--pk", "task-001"));
    await ok(bob.run("teams", "sync", "--team", "Atlas"));
  });
  afterAll(async () => {
    await team?.stop();
  });

  it("push killed after the server committed: the next push re-sends, applies nothing twice and reports the same results", async () => {
    const { bob, proxy } = team;
    for (const id of ["b-1", "b-2", "b-3"]) await ok(bob.run("data", "insert", "tasks", JSON.stringify({ id, title: `Bob's ${id}` })));
    expect(await ok(bob.run("teams", "link", "--team", "Atlas", "--table", "tasks", "--pk", "b-1", "--pk", "b-2", "--pk", "b-3"))).toBe("Linked 3 rows of tasks (b-1, b-2, b-3).\npushed 3 changes\n");
    for (const id of ["b-1", "b-2", "b-3"]) await ok(bob.run("data", "update", "tasks", id, '{"status":"done"}'));
    expect(localState(bob).outbox.map((e) => [e.pk, e.op])).toEqual([['"b-1"', "upsert"], ['"b-2"', "upsert"], ['"b-3"', "upsert"]]);

    const counts = async () =>
      (
        await team.sql(
          `SELECT (SELECT count(*)::int FROM lattice_changes) AS changes, (SELECT count(*)::int FROM lattice_push_results) AS results,
                  (SELECT json_agg(json_build_array(id, status, _lattice_version) ORDER BY id) FROM lattice_data.tasks) AS rows`,
        )
      )[0] as { changes: number; results: number; rows: unknown };
    const before = await counts();

    proxy!.hold((r) => r.method === "POST" && r.path.startsWith("/api/v1/sync/push"));
    const push = bob.spawn("teams", "push", "--team", "Atlas");
    const held = await Promise.race([
      proxy!.nextHeld(),
      exited(push).then((code) => Promise.reject(new Error(`lattice teams push ended (${code}) before the server answered`))),
    ]);
    push.kill("SIGKILL");
    expect(await exited(push)).toBe("SIGKILL");
    proxy!.passThrough();

    // The server committed the push; Bob never heard: his entries are still in flight.
    expect(held.status).toBe(200);
    const first = JSON.parse(held.body.toString()).results as { id: string; status: string; version: number }[];
    expect(first.map((r) => [r.status, r.version])).toEqual([["applied", 2], ["applied", 2], ["applied", 2]]);
    const committed = await counts();
    expect(committed.changes).toBe(before.changes + 3);
    expect(committed.results).toBe(before.results + 3);
    expect(localState(bob).inflight.map((e) => [e.pk, e.op])).toEqual([['"b-1"', "upsert"], ['"b-2"', "upsert"], ['"b-3"', "upsert"]]);

    expect(await bob.run("teams", "push", "--team", "Atlas")).toEqual({ code: 0, stdout: "pushed 3 changes (3 re-sent from an interrupted push)\n", stderr: "" });
    // Nothing applied twice: the same feed, the same stored results, the same versions.
    expect(await counts()).toEqual(committed);
    const stored = await team.sql(`SELECT entry_id, result FROM lattice_push_results WHERE entry_id = ANY($1::text[]) ORDER BY entry_id`, [first.map((r) => r.id)]);
    expect(stored.map((r) => r.result)).toEqual([...first].sort((a, b) => a.id.localeCompare(b.id)));
    expect(localState(bob)).toMatchObject({ outbox: [], inflight: [] });
    expect(bob.sqlite((db) => db.prepare(`SELECT id, _lattice_version AS version FROM tasks WHERE id LIKE 'b-%' ORDER BY id`).all())).toEqual([
      { id: "b-1", version: 2 },
      { id: "b-2", version: 2 },
      { id: "b-3", version: 2 },
    ]);
    expect(await bob.run("teams", "push", "--team", "Atlas")).toEqual({ code: 0, stdout: "pushed 0 changes\n", stderr: "" });
    expect(await team.alice.run("teams", "pull", "--team", "Atlas")).toEqual({ code: 0, stdout: "pulled 6 changes (tasks: 6)\n", stderr: "" });
  });

  it("pull killed in the middle: the local rows are the feed's up to the saved cursor, and the next pull makes them the workspace's", async () => {
    const { alice, bob, proxy } = team;
    fs.appendFileSync(path.join(alice.dir, "lattice.config.yml"), "  readings:\n    columns:\n      id: { type: integer, primaryKey: true }\n      label: text\n      value: { type: integer, nullable: true }\n");
    await ok(alice.run("teams", "share", "--team", "Atlas", "--table", "readings"));
    const shareSeq = await head(team);
    // 20,000 rows written straight into the team's Postgres, then 5,000 updated and 1,000 deleted:
    // 26,000 changes, several pages.
    await team.sql(`INSERT INTO lattice_data.readings (id, label, value) SELECT i, 'reading ' || i, i FROM generate_series(1, 20000) AS i`);
    await team.sql(`UPDATE lattice_data.readings SET value = value * 10, label = label || ' (checked)' WHERE id % 4 = 0`);
    await team.sql(`DELETE FROM lattice_data.readings WHERE id % 20 = 1`);
    const start = localState(bob).cursor;
    const end = await head(team);
    expect(end - start).toBeGreaterThan(20_000);

    // The first two pages reach Bob; the rest wait at the proxy, so the pull cannot finish first.
    let pages = 0;
    proxy!.hold((r) => r.path.startsWith("/api/v1/sync/changes") && ++pages > 2);
    const pull = bob.spawn("teams", "pull", "--team", "Atlas");
    let cursor = start;
    while (cursor <= shareSeq && pull.exitCode === null) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      try {
        cursor = localState(bob).cursor;
      } catch {
        // The project's state tables may not be readable yet.
      }
    }
    pull.kill("SIGKILL");
    expect(await exited(pull)).toBe("SIGKILL");
    proxy!.passThrough();

    const killedAt = localState(bob).cursor;
    expect(killedAt).toBeGreaterThan(shareSeq);
    expect(killedAt).toBeLessThan(end);
    // What was committed is exactly the feed up to the cursor: no change half-applied, none skipped.
    const atCursor = await team.sql(
      `SELECT pk::int AS id, row ->> 'label' AS label, (row ->> 'value')::int AS value, version::int AS version
       FROM (SELECT DISTINCT ON (pk) pk, kind, row, version FROM lattice_changes WHERE table_name = 'readings' AND kind <> 'share' AND seq <= $1 ORDER BY pk, seq DESC) last
       WHERE kind = 'upsert' ORDER BY id`,
      [killedAt],
    );
    const localRows = () => bob.sqlite((db) => db.prepare(`SELECT id, label, value, _lattice_version AS version FROM readings ORDER BY id`).all());
    expect(atCursor.length).toBeGreaterThan(0);
    expect(localRows()).toEqual(atCursor);

    const again = await bob.run("teams", "pull", "--team", "Atlas");
    expect(again).toMatchObject({ code: 0, stderr: "" });
    expect(again.stdout).toMatch(/^pulled \d+ changes \(readings: \d+\)\n$/);
    expect(localState(bob)).toMatchObject({ cursor: end, outbox: [], inflight: [] });
    const workspace = await team.sql(`SELECT id::int AS id, label, value::int AS value, _lattice_version::int AS version FROM lattice_data.readings ORDER BY id`);
    expect(workspace).toHaveLength(19_000);
    expect(localRows()).toEqual(workspace);
  });
});

/** Every file under `dir` whose bytes contain `text`. */
function filesContaining(dir: string, text: string): string[] {
  const needle = Buffer.from(text);
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const file = path.join(entry.parentPath, entry.name);
    if (entry.isFile() && fs.readFileSync(file).includes(needle)) found.push(file);
  }
  return found;
}

/** The story's start: Alice shares tasks and links task-001, Bob syncs and links task-002 (titled `bobTitle`), Alice pulls. */
async function shareTwoTasks({ alice, bob }: Team, bobTitle: string): Promise<void> {
  await ok(alice.run("data", "insert", "tasks", '{"id":"task-001","title":"Write the spec"}'));
  await ok(alice.run("teams", "share", "--team", "Atlas", "--table", "tasks"));
  await ok(alice.run("teams", "link", "--team", "Atlas", "--table", "tasks", "--pk", "task-001"));
  await ok(bob.run("teams", "sync", "--team", "Atlas"));
  await ok(bob.run("data", "insert", "tasks", JSON.stringify({ id: "task-002", title: bobTitle })));
  await ok(bob.run("teams", "link", "--team", "Atlas", "--table", "tasks", "--pk", "task-002"));
  await ok(alice.run("teams", "pull", "--team", "Atlas"));
}

describe("a team's data in motion: replay guard, secrets, files, direct SQL, schema", () => {
  let team: Team;
  beforeAll(async () => {
    team = await startTeam();
    await shareTwoTasks(team, "Write the launch post");
  });
  afterAll(async () => {
    await team?.stop();
  });

  it("replay guard: a pull that changes linked rows leaves the outbox empty; raw SQL on the file is captured", async () => {
    const { alice, bob } = team;
    await ok(alice.run("data", "update", "tasks", "task-001", '{"status":"doing","points":3}'));
    expect(await ok(alice.run("teams", "push", "--team", "Atlas"))).toBe("pushed 1 change\n");
    expect(localState(bob).outbox).toEqual([]);
    expect(await bob.run("teams", "pull", "--team", "Atlas")).toEqual({ code: 0, stdout: "pulled 1 change (tasks: 1)\n", stderr: "" });
    expect(bob.sqlite((db) => db.prepare(`SELECT status, points FROM tasks WHERE id = 'task-001'`).get())).toEqual({ status: "doing", points: 3 });
    expect(localState(bob).outbox).toEqual([]);
    expect(await bob.run("teams", "push", "--team", "Atlas")).toEqual({ code: 0, stdout: "pushed 0 changes\n", stderr: "" });

    // Any program writing the SQLite file: the trigger captures it like a library write.
    bob.sqlite((db) => db.prepare(`UPDATE tasks SET title = 'Rewritten by raw SQL' WHERE id = 'task-002'`).run());
    expect(localState(bob).outbox.map((e) => [e.entity, e.pk, e.op])).toEqual([["tasks", '"task-002"', "upsert"]]);
    expect(await bob.run("teams", "push", "--team", "Atlas")).toEqual({ code: 0, stdout: "pushed 1 change\n", stderr: "" });
    expect(await alice.run("teams", "pull", "--team", "Atlas")).toEqual({ code: 0, stdout: "pulled 1 change (tasks: 1)\n", stderr: "" });
    expect(alice.sqlite((db) => db.prepare(`SELECT title FROM tasks WHERE id = 'task-002'`).get())).toEqual({ title: "Rewritten by raw SQL" });
    expect(localState(alice).outbox).toEqual([]);
  });

  it("secrets travel readable by teammates and encrypted everywhere: no plaintext on either disk or in any Postgres table", async () => {
    const { alice, bob } = team;
    const plaintext = `sk-proj-${crypto.randomBytes(24).toString("hex")}`;
    expect(await runCli(["secrets", "set", "OPENAI_API_KEY", "--kind", "api-key"], { home: alice.home, cwd: alice.dir, input: plaintext })).toEqual({
      code: 0,
      stdout: 'Created secret "OPENAI_API_KEY" (api-key).\n',
      stderr: "",
    });
    await ok(alice.run("teams", "share", "--team", "Atlas", "--table", "secrets"));
    expect(await ok(alice.run("teams", "link", "--team", "Atlas", "--table", "secrets", "--pk", "OPENAI_API_KEY"))).toBe("Linked 1 row of secrets (OPENAI_API_KEY).\npushed 1 change\n");

    expect(await ok(bob.run("teams", "pull", "--team", "Atlas"))).toBe("pulled 1 change (secrets: 1)\n");
    expect(await bob.run("secrets", "get", "OPENAI_API_KEY", "--reveal")).toEqual({ code: 0, stdout: `${plaintext}\n`, stderr: "" });

    // Each SQLite holds it sealed with its owner's master key; the workspace with the workspace key.
    const aliceValue = alice.sqlite((db) => (db.prepare(`SELECT value FROM secrets WHERE name = 'OPENAI_API_KEY'`).get() as { value: string }).value);
    const bobValue = bob.sqlite((db) => (db.prepare(`SELECT value FROM secrets WHERE name = 'OPENAI_API_KEY'`).get() as { value: string }).value);
    const teamValue = (await team.sql(`SELECT value FROM lattice_data.secrets WHERE name = 'OPENAI_API_KEY'`))[0]!.value as string;
    for (const value of [aliceValue, bobValue, teamValue]) expect(value).toMatch(/^enc:/);
    expect(new Set([aliceValue, bobValue, teamValue]).size).toBe(3);

    // The scan: every byte of both homes (projects, SQLite files with their WAL), every row of every
    // table of the workspace's Postgres, the server's output.
    expect(filesContaining(alice.home, plaintext)).toEqual([]);
    expect(filesContaining(bob.home, plaintext)).toEqual([]);
    const tables = await team.sql(`SELECT table_schema AS schema, table_name AS name FROM information_schema.tables WHERE table_schema IN ('public', 'lattice_data') AND table_type = 'BASE TABLE'`);
    expect(tables.map((t) => `${t.schema}.${t.name}`)).toEqual(expect.arrayContaining(["lattice_data.secrets", "public.lattice_changes", "public.lattice_push_results"]));
    for (const table of tables) {
      const hits = await team.sql(`SELECT count(*)::int AS n FROM "${table.schema}"."${table.name}" t WHERE strpos(t::text, $1) > 0`, [plaintext]);
      expect(hits[0]!.n, `${table.schema}.${table.name}`).toBe(0);
    }
    expect(team.server.logs()).not.toContain(plaintext);
  });

  it("files travel with their bytes, verified by their hash; a corrupted blob on the server is refused", async () => {
    const { alice, bob } = team;
    const contract = Buffer.concat([Buffer.from("%PDF-1.7\n"), crypto.randomBytes(300_000)]);
    fs.writeFileSync(path.join(alice.dir, "contract.pdf"), contract);
    const sha256 = crypto.createHash("sha256").update(contract).digest("hex");
    expect(await ok(alice.run("files", "add", "./contract.pdf"))).toMatch(/^Added contract\.pdf \(.+, application\/pdf\) as [0-9a-f]{12}\.\n$/);
    await ok(alice.run("teams", "share", "--team", "Atlas", "--table", "files"));
    expect(await ok(alice.run("teams", "link", "--team", "Atlas", "--table", "files", "--pk", sha256))).toBe(`Linked 1 row of files (${sha256}).\npushed 1 change\n`);

    expect(await ok(bob.run("teams", "pull", "--team", "Atlas"))).toBe("pulled 1 change (files: 1)\n");
    expect(fs.readFileSync(path.join(bob.dir, "data/blobs", sha256)).equals(contract)).toBe(true);
    await ok(bob.run("files", "extract", "contract.pdf", "--out", path.join(bob.dir, "from-alice.pdf")));
    expect(fs.readFileSync(path.join(bob.dir, "from-alice.pdf")).equals(contract)).toBe(true);

    // The second version's bytes are damaged on the server after Alice uploaded them.
    const v2 = Buffer.concat([Buffer.from("%PDF-1.7\n"), crypto.randomBytes(1000)]);
    const v2sha = crypto.createHash("sha256").update(v2).digest("hex");
    fs.writeFileSync(path.join(alice.dir, "contract-v2.pdf"), v2);
    await ok(alice.run("files", "add", "./contract-v2.pdf"));
    await ok(alice.run("teams", "link", "--team", "Atlas", "--table", "files", "--pk", v2sha));
    expect(await team.sql(`UPDATE lattice_blobs SET bytes = 'not the contract'::bytea WHERE sha256 = $1 RETURNING sha256`, [v2sha])).toHaveLength(1);
    const before = localState(bob).cursor;
    const pull = await bob.run("teams", "pull", "--team", "Atlas");
    expect(pull.code).toBe(1);
    expect(pull.stdout).toBe("");
    expect(pull.stderr).toMatch(new RegExp(`^lattice: files ${v2sha}: the server sent bytes that hash to [0-9a-f]{64}; nothing was applied\\n$`));
    expect(localState(bob).cursor).toBe(before);
    expect(bob.sqlite((db) => db.prepare(`SELECT sha256 FROM files ORDER BY name`).all())).toEqual([{ sha256 }]);
    expect(fs.readdirSync(path.join(bob.dir, "data/blobs")).filter((name) => /^[0-9a-f]{64}$/.test(name))).toEqual([sha256]);

    // Repaired on the server: the next pull brings it.
    await team.sql(`UPDATE lattice_blobs SET bytes = $2 WHERE sha256 = $1`, [v2sha, v2]);
    expect(await ok(bob.run("teams", "pull", "--team", "Atlas"))).toBe("pulled 1 change (files: 1)\n");
    expect(fs.readFileSync(path.join(bob.dir, "data/blobs", v2sha)).equals(v2)).toBe(true);

    // Rows written around the library's rules by SQL (a name that would be a path, bytes never
    // uploaded) are skipped with the reason (missing bytes first: they are fetched before the rows
    // are applied); the feed goes on and later changes arrive.
    const missing = "f".repeat(64);
    await team.sql(`INSERT INTO lattice_data.files (sha256, name, size, "mimeType", "createdAt") VALUES ($1, '../../evil', 1, 'text/plain', now())`, [v2sha.replace(/^./, "0")]);
    await team.sql(`UPDATE lattice_data.files SET name = '../../evil' WHERE sha256 = $1`, [sha256]);
    await team.sql(`INSERT INTO lattice_data.files (sha256, name, size, "mimeType", "createdAt") VALUES ($1, 'ghost.txt', 1, 'text/plain', now())`, [missing]);
    await team.sql(`UPDATE lattice_data.files SET name = 'contract-final.pdf' WHERE sha256 = $1`, [v2sha]);
    const skipped = await bob.run("teams", "pull", "--team", "Atlas");
    expect(skipped.code, skipped.stderr).toBe(0);
    expect(skipped.stdout.split("\n").filter(Boolean)).toEqual([
      "pulled 1 change (files: 1)",
      `skipped files ${v2sha.replace(/^./, "0")}: the server has no bytes for this file (the row was written without them)`,
      `skipped files ${missing}: the server has no bytes for this file (the row was written without them)`,
      expect.stringMatching(new RegExp(`^skipped files ${sha256}: a file name must be .+ with no slash, backslash or control character$`)),
    ]);
    expect(bob.sqlite((db) => db.prepare(`SELECT sha256, name FROM files ORDER BY name`).all())).toEqual([
      { sha256: v2sha, name: "contract-final.pdf" },
      { sha256, name: "contract.pdf" },
    ]);
  });

  it("direct SQL on the team's Postgres reaches members; such a row is owned by nobody and a member's edit of it is refused", async () => {
    const { alice, bob } = team;
    await ok(bob.run("teams", "pull", "--team", "Atlas"));
    await team.sql(`INSERT INTO lattice_data.tasks (id, title, status, points) VALUES ('task-sql', 'Inserted by psql', 'todo', 1)`);
    await team.sql(`UPDATE lattice_data.tasks SET status = 'blocked' WHERE id = 'task-001'`);
    await team.sql(`DELETE FROM lattice_data.tasks WHERE id = 'task-002'`);
    expect(await bob.run("teams", "pull", "--team", "Atlas")).toEqual({ code: 0, stdout: "pulled 3 changes (tasks: 3)\n", stderr: "" });
    const bobTasks = () => bob.sqlite((db) => db.prepare(`SELECT id, title, status, points FROM tasks ORDER BY id`).all());
    expect(bobTasks()).toEqual([
      { id: "task-001", title: "Write the spec", status: "blocked", points: 3 },
      { id: "task-sql", title: "Inserted by psql", status: "todo", points: 1 },
    ]);

    await ok(bob.run("data", "update", "tasks", "task-sql", '{"title":"Bob wants this"}'));
    expect(await bob.run("teams", "push", "--team", "Atlas")).toEqual({
      code: 1,
      stdout:
        "pushed 0 changes\nrefused tasks task-sql: tasks task-sql was written directly in the team's Postgres and has no owner; change it there\nThe team's version of those rows comes back on your next pull.\n",
      stderr: "",
    });
    expect(await team.sql(`SELECT title, _lattice_owner, _lattice_version::int AS version FROM lattice_data.tasks WHERE id = 'task-sql'`)).toEqual([
      { title: "Inserted by psql", _lattice_owner: null, version: 1 },
    ]);
    expect(await ok(bob.run("teams", "pull", "--team", "Atlas"))).toBe("pulled 0 changes\nrestored 1 row to the team's version (after a refused or stale push)\n");
    expect(bobTasks()).toContainEqual({ id: "task-sql", title: "Inserted by psql", status: "todo", points: 1 });
    expect(await ok(alice.run("teams", "pull", "--team", "Atlas"))).toMatch(/^pulled \d+ changes/);
  });

  it("schema: an added column travels by sync (ALTER, no rows re-sent); a type change is refused with nothing changed", async () => {
    const { alice, bob } = team;
    const aliceConfig = path.join(alice.dir, "lattice.config.yml");
    const original = fs.readFileSync(aliceConfig, "utf8");
    fs.writeFileSync(aliceConfig, original.replace("      points: { type: integer, default: 0 }\n", "      points: { type: integer, default: 0 }\n      due: { type: text, nullable: true }\n"));
    await ok(bob.run("teams", "pull", "--team", "Atlas"));
    const bobRowsBefore = bob.sqlite((db) => db.prepare(`SELECT id, title, status, points, _lattice_version FROM tasks ORDER BY id`).all());
    const headBefore = await head(team);

    const sync = await alice.run("teams", "sync", "--team", "Atlas");
    expect(sync).toMatchObject({ code: 0, stderr: "" });
    expect(sync.stdout).toMatch(/^Added due to the team's table tasks; members get the new columns on their next sync\.\npushed 0 changes\npulled \d+ changes?/);
    // One change in the feed, the share: no row was re-sent.
    expect((await team.sql(`SELECT kind, table_name FROM lattice_changes WHERE seq > $1 ORDER BY seq`, [headBefore])).map((c) => [c.kind, c.table_name])).toEqual([["share", "tasks"]]);

    expect(await bob.run("teams", "sync", "--team", "Atlas")).toEqual({ code: 0, stdout: "pushed 0 changes\nadded due to tasks in lattice.config.yml\npulled 0 changes\n", stderr: "" });
    expect(fs.readFileSync(path.join(bob.dir, "lattice.config.yml"), "utf8")).toMatch(/\bdue: \{ type: text, nullable: true \}/);
    expect(bob.sqlite((db) => (db.prepare(`SELECT name FROM pragma_table_info('tasks')`).all() as { name: string }[]).map((c) => c.name))).toContain("due");
    expect(bob.sqlite((db) => db.prepare(`SELECT id, title, status, points, _lattice_version FROM tasks ORDER BY id`).all())).toEqual(bobRowsBefore);

    // The new column carries values like any other.
    await ok(alice.run("data", "update", "tasks", "task-001", '{"due":"2026-12-24"}'));
    await ok(alice.run("teams", "push", "--team", "Atlas"));
    expect(await ok(bob.run("teams", "pull", "--team", "Atlas"))).toBe("pulled 1 change (tasks: 1)\n");
    expect(bob.sqlite((db) => db.prepare(`SELECT due FROM tasks WHERE id = 'task-001'`).get())).toEqual({ due: "2026-12-24" });

    // A type change: refused with what to do, and the team's table, registration and feed stay as they were.
    const registered = await team.sql(`SELECT columns FROM lattice_shared_tables WHERE name = 'tasks'`);
    const headNow = await head(team);
    const withDue = fs.readFileSync(aliceConfig, "utf8");
    fs.writeFileSync(aliceConfig, withDue.replace("points: { type: integer, default: 0 }", "points: { type: text, default: '0' }"));
    expect(await alice.run("teams", "share", "--team", "Atlas", "--table", "tasks")).toEqual({
      code: 1,
      stdout: "",
      stderr:
        'lattice: entities.tasks: column "points" is integer in the database but text in the config; changing a type is not automatic (it could lose data): put the type back, or add a new column and copy the values\n',
    });
    fs.writeFileSync(aliceConfig, withDue);
    // The same column added by two members with two types: the first share wins; the second is
    // refused by the workspace, and the loser's next pull says what to change.
    const addColumn = (who: Member, type: string) => {
      const file = path.join(who.dir, "lattice.config.yml");
      const config = parseDocument(fs.readFileSync(file, "utf8"));
      config.setIn(["entities", "tasks", "columns", "estimate"], config.createNode({ type, nullable: true }));
      fs.writeFileSync(file, config.toString());
    };
    addColumn(alice, "text");
    addColumn(bob, "integer");
    expect(bob.sqlite((db) => db.prepare(`SELECT count(*) AS n FROM pragma_table_info('tasks') WHERE name = 'estimate'`).get())).toEqual({ n: 0 });
    expect(await ok(alice.run("teams", "share", "--team", "Atlas", "--table", "tasks"))).toBe("Added estimate to the team's table tasks; members get the new columns on their next sync.\n");
    const registeredNow = await team.sql(`SELECT columns FROM lattice_shared_tables WHERE name = 'tasks'`);
    const headAfter = await head(team);
    const bobCursor = localState(bob).cursor;
    const conflict = await bob.run("teams", "share", "--team", "Atlas", "--table", "tasks");
    expect(conflict).toEqual({
      code: 1,
      stdout: "",
      stderr:
        "lattice: tasks: column \"estimate\" is text in the team's table but integer in yours; changing a type is not automatic (it could lose data): put the type back, or add a new column and copy the values\n",
    });
    expect(await team.sql(`SELECT columns FROM lattice_shared_tables WHERE name = 'tasks'`)).toEqual(registeredNow);
    expect(await head(team)).toBe(headAfter);
    const pull = await bob.run("teams", "pull", "--team", "Atlas");
    expect(pull).toEqual({
      code: 1,
      stdout: "",
      stderr: "lattice: tasks.estimate is integer in your config but text in the team's table; change yours to match (a type change is not automatic)\n",
    });
    expect(localState(bob).cursor).toBe(bobCursor);
    expect(registered).not.toEqual(registeredNow);
    expect(headNow).toBeLessThan(headAfter);
    expect(await team.sql(`SELECT data_type FROM information_schema.columns WHERE table_schema = 'lattice_data' AND table_name = 'tasks' AND column_name = 'points'`)).toEqual([{ data_type: "bigint" }]);
  });
});

describe("bad input: clear 4xx or one-line CLI errors, nothing changed, never a 5xx", () => {
  let team: Team;
  let other: { t: TestDatabase; server: RunningServer };
  let token: string;
  beforeAll(async () => {
    team = await startTeam();
    const { alice } = team;
    await shareTwoTasks(team, "Bob's");
    // Alice also belongs to a second team, on another server.
    const t = await createTestDatabase();
    other = { t, server: await startServer({ databaseUrl: t.url }) };
    await ok(alice.run("teams", "register", "--cloud", other.server.url, "--email", alice.email, "--name", "Alice", "--team-name", "Borealis"));
    token = fs.readFileSync(path.join(alice.home, "keys/atlas.token"), "utf8").trim();
  });
  afterAll(async () => {
    await other?.server.stop();
    await other?.t.drop();
    await team?.stop();
  });

  /** What bad input must leave alone: the team's feed, tables and users, Alice's and Bob's projects. */
  async function snapshot() {
    const tasks = (who: Member) => who.sqlite((db) => db.prepare(`SELECT * FROM tasks ORDER BY id`).all());
    return {
      feed: await head(team),
      results: (await team.sql(`SELECT count(*)::int AS n FROM lattice_push_results`))[0]!.n,
      shared: await team.sql(`SELECT name, columns FROM lattice_shared_tables ORDER BY name`),
      rows: await team.sql(`SELECT id, title, _lattice_owner, _lattice_version::int AS v FROM lattice_data.tasks ORDER BY id`),
      users: (await team.sql(`SELECT count(*)::int AS n FROM users`))[0]!.n,
      blobs: (await team.sql(`SELECT count(*)::int AS n FROM lattice_blobs`))[0]!.n,
      alice: { tasks: tasks(team.alice), state: localState(team.alice), config: fs.readFileSync(path.join(team.alice.dir, "lattice.config.yml"), "utf8") },
      bob: { tasks: tasks(team.bob), state: localState(team.bob) },
    };
  }

  it("through the CLI", async () => {
    const { alice, bob } = team;
    const before = await snapshot();
    const failed = (code: number, line: string): CliResult => ({ code, stdout: "", stderr: `lattice: ${line}\n` });
    const noEntity = (name: string) => failed(1, `no entity "${name}" (entities: tasks, secrets, files)`);
    const otherTeam = failed(1, `this project syncs with team "Atlas" (${team.server.url}); a project syncs with one team: use another project folder for this one`);
    const cases: [Member, string[], CliResult][] = [
      [alice, ["teams", "push", "--team", "Nope"], failed(1, 'no saved connection for team "Nope" (saved: atlas, borealis)')],
      [alice, ["teams", "link", "--team", "Atlas", "--table", "nope", "--pk", "x"], noEntity("nope")],
      [alice, ["teams", "share", "--team", "Atlas", "--table", "nope"], noEntity("nope")],
      [alice, ["teams", "link", "--team", "Atlas", "--table", "secrets", "--pk", "X"], failed(1, "secrets is not shared with the team yet: lattice teams share --table secrets")],
      [alice, ["teams", "link", "--team", "Atlas", "--table", "tasks", "--pk", "task-999"], { code: 1, stdout: "No rows linked.\nno such row in tasks: task-999\n", stderr: "" }],
      [alice, ["teams", "share", "--team", "Atlas", "--table", "tasks; drop table users"], noEntity("tasks; drop table users")],
      [alice, ["teams", "link", "--team", "Atlas", "--table", "tasks; drop table users", "--pk", "x"], noEntity("tasks; drop table users")],
      [alice, ["teams", "share", "--team", "Atlas", "--table", 'ta"sks'], noEntity('ta"sks')],
      [alice, ["teams", "share", "--team", "Atlas", "--table", "t\u0430sks"], noEntity("t\u0430sks")],
      [alice, ["teams", "link", "--team", "Atlas", "--table", "tasks"], failed(2, "name the rows: --pk <key> (repeat for several) or --where <expr>")],
      [alice, ["teams", "link", "--team", "Atlas", "--table", "tasks", "--pk", "task-001", "--where", "status=todo"], failed(2, "use --pk or --where, not both")],
      [alice, ["teams", "link", "--team", "Atlas", "--pk", "task-001"], failed(2, "missing required option --table (see lattice teams link --help)")],
      [alice, ["teams", "link", "--team", "Atlas", "--table", "tasks", "--where", "nosuch=1"], failed(1, 'tasks has no column "nosuch" (columns: id, title, status, points)')],
      [alice, ["teams", "unlink", "--team", "Atlas", "--table", "tasks", "--pk", "task-002"], failed(1, "only a row's owner can unlink it: task-002 (owned by bob@example.com)")],
      [alice, ["teams", "push", "--team", "Borealis"], otherTeam],
      [alice, ["teams", "pull", "--team", "Borealis"], otherTeam],
      [bob, ["teams", "link", "--team", "Atlas", "--table", "tasks", "--pk", "task-001"], { code: 1, stdout: "No rows linked.\nalready linked: tasks task-001 (owner: alice@example.com)\n", stderr: "" }],
    ];
    for (const [who, args, expected] of cases) expect(await who.run(...args), args.join(" ")).toEqual(expected);
    expect(await snapshot()).toEqual(before);
  });

  it("through the JSON routes", async () => {
    const before = await snapshot();
    const call = async (method: string, route: string, body?: string | Uint8Array<ArrayBuffer>, headers: Record<string, string> = {}) => {
      const response = await fetch(`${team.server.url}${route}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(typeof body === "string" ? { "content-type": "application/json" } : {}), ...headers },
        body,
      });
      const text = await response.text();
      return { status: response.status, body: text.startsWith("{") ? (JSON.parse(text) as { error?: { code: string; message: string } }) : text };
    };
    const push = (entries: unknown) => call("POST", "/api/v1/sync/push", JSON.stringify({ entries }));
    const good = { id: "entry-good-0001", table: "tasks", op: "link", pk: "task-new", row: { id: "task-new", title: "fine" } };
    const cases: [string, Promise<{ status: number; body: unknown }>, number, RegExp][] = [
      ["a malformed id", push([{ ...good, id: "short" }]), 422, /id must be 8–64/],
      ["a table that is not shared", push([good, { ...good, id: "entry-bad-0001", table: "tasks; drop table users", pk: "x", row: { id: "x" } }]), 404, /"tasks; drop table users" is not shared/],
      ["a wrong-typed value", push([good, { ...good, id: "entry-bad-0002", pk: "x", row: { id: "x", title: 5 } }]), 422, /tasks\.title: expected a string/],
      ["a column that does not exist", push([good, { ...good, id: "entry-bad-0003", pk: "x", row: { id: "x", title: "t", 'x"; drop table users; --': 1 } }]), 422, /has no column/],
      ["an unknown op", push([{ ...good, op: "merge" }]), 422, /op must be link, upsert, delete or unlink/],
      ["entries that are not a list", push("all"), 422, /entries must be a list/],
      ["too many entries", push(Array.from({ length: 1001 }, (_, i) => ({ ...good, id: `entry-many-${String(i).padStart(4, "0")}`, pk: `p${i}`, row: { id: `p${i}`, title: "t" } }))), 422, /at most 1000 entries/],
      ["a body that is not JSON", call("POST", "/api/v1/sync/push", "{"), 400, /JSON/],
      ["a body over 16 MiB", push([{ ...good, row: { id: "task-new", title: "x".repeat(17 * 1024 * 1024) } }]), 413, /./],
      ["since that is not a number", call("GET", "/api/v1/sync/changes?since=abc"), 422, /since must be a change seq/],
      ["a negative since", call("GET", "/api/v1/sync/changes?since=-1"), 422, /since must be a change seq/],
      ["a limit over the maximum", call("GET", "/api/v1/sync/changes?since=0&limit=99999"), 422, /limit/],
      ["a blob whose bytes do not match its hash", call("PUT", `/api/v1/sync/blobs/${crypto.createHash("sha256").update("hello").digest("hex")}`, new Uint8Array(Buffer.from("not hello")), { "content-type": "application/octet-stream" }), 422, /hashes to/],
      ["a blob name that is not a hash", call("PUT", "/api/v1/sync/blobs/..%2F..%2Fetc", new Uint8Array(Buffer.from("x")), { "content-type": "application/octet-stream" }), 400, /sha256 must be 64/],
      ["rows of a table name that is not an identifier", call("POST", "/api/v1/sync/rows", JSON.stringify({ table: 'ta"sks', pks: ["x"] })), 400, /table/],
      ["rows of a table that is not shared", call("POST", "/api/v1/sync/rows", JSON.stringify({ table: "secrets", pks: ["x"] })), 404, /not shared/],
      ["no token", call("POST", "/api/v1/sync/push", JSON.stringify({ entries: [good] }), { authorization: "" }), 401, /./],
    ];
    for (const [what, response, status, message] of cases) {
      const answer = await response;
      expect(answer.status, `${what}: ${JSON.stringify(answer.body).slice(0, 300)}`).toBe(status);
      const error = (answer.body as { error?: { message: string } }).error;
      expect(error?.message, what).toMatch(message);
      expect(error?.message, what).not.toMatch(/\n\s+at /);
    }
    // Nothing half-applied (the good entry beside each bad one is not in the team's table either).
    expect(await snapshot()).toEqual(before);
    expect(team.server.logs()).not.toMatch(/unexpected error|Internal server error/);
  });
});
