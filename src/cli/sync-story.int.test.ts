import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, tempHome } from "../../test/support/cli.ts";
import { createTestDatabase, type TestDatabase } from "../../test/support/database.ts";
import { startServer, type RunningServer } from "../../test/support/server.ts";

// The seed's sync story as users type it: Alice, Bob and Carol, each with their own LATTICE_HOME and
// project folder, against one real server (npm start's entry) on Postgres.

const root = path.resolve(import.meta.dirname, "../..");

interface Member {
  home: string;
  dir: string;
  run(...args: string[]): ReturnType<typeof runCli>;
}

function member(): Member {
  const home = tempHome();
  const dir = path.join(home, "project");
  return { home, dir, run: (...args) => runCli(args, { home, cwd: fs.existsSync(dir) ? dir : home }) };
}

/** Bob's script: the seed's db.update through the library, in its own process. */
function libraryUpdate(who: Member, table: string, key: string, changes: object) {
  const script = path.join(who.dir, "update.mjs");
  fs.writeFileSync(
    script,
    `import { Lattice } from ${JSON.stringify(path.join(root, "dist/lattice/index.js"))};
const db = new Lattice({ config: "./lattice.config.yml" });
await db.init();
await db.update(${JSON.stringify(table)}, ${JSON.stringify(key)}, ${JSON.stringify(changes)});
await db.close();
`,
  );
  return execFileSync(process.execPath, [script], { cwd: who.dir, env: { ...process.env, LATTICE_HOME: who.home } }).toString();
}

async function rows(who: Member, table: string): Promise<Record<string, unknown>[]> {
  const result = await who.run("data", "query", table, "--json");
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout);
}

describe("sync story: share, link, push, pull, ownership, kick", () => {
  let t: TestDatabase;
  let server: RunningServer;
  const alice = member();
  const bob = member();
  const carol = member();

  beforeAll(async () => {
    t = await createTestDatabase();
    server = await startServer({ databaseUrl: t.url });
    expect((await alice.run("teams", "register", "--cloud", server.url, "--email", "alice@example.com", "--name", "Alice", "--team-name", "Atlas")).code).toBe(0);
    for (const [who, email, name] of [[bob, "bob@example.com", "Bob"], [carol, "carol@example.com", "Carol"]] as const) {
      const invite = await alice.run("teams", "invite", "--team", "Atlas", "--invitee-email", email, "--json");
      const token = JSON.parse(invite.stdout).token as string;
      expect((await who.run("teams", "join", "--cloud", server.url, "--token", token, "--email", email, "--name", name)).code).toBe(0);
    }
    for (const who of [alice, bob, carol]) expect((await who.run("init", "project")).code).toBe(0);
    // Bob's and Carol's configs start with no tasks entity: the share brings it.
    for (const who of [bob, carol]) fs.writeFileSync(path.join(who.dir, "lattice.config.yml"), "entities: {}\n");
  });
  afterAll(async () => {
    await server?.stop();
    await t?.drop();
  });

  it("Alice shares tasks and links task-001", async () => {
    expect((await alice.run("data", "insert", "tasks", '{"id":"task-001","title":"Write the spec"}')).code).toBe(0);
    const share = await alice.run("teams", "share", "--team", "Atlas", "--table", "tasks");
    expect(share).toEqual({
      code: 0,
      stdout: 'Shared table tasks with team "Atlas" (4 columns, key id). Members get it on their next sync; link rows to make them team-visible.\n',
      stderr: "",
    });
    const link = await alice.run("teams", "link", "--team", "Atlas", "--table", "tasks", "--pk", "task-001");
    expect(link).toEqual({ code: 0, stdout: "Linked 1 row of tasks (task-001).\npushed 1 change\n", stderr: "" });
  });

  it("Bob syncs: the table arrives in his config, task-001 in his project", async () => {
    const sync = await bob.run("teams", "sync", "--team", "Atlas");
    expect(sync).toEqual({
      code: 0,
      stdout: "pushed 0 changes\nadded table tasks to lattice.config.yml (shared by the team)\npulled 1 change (tasks: 1)\n",
      stderr: "",
    });
    expect(fs.readFileSync(path.join(bob.dir, "lattice.config.yml"), "utf8")).toContain("tasks:");
    expect(await rows(bob, "tasks")).toEqual([{ id: "task-001", title: "Write the spec", status: "todo", points: 0 }]);
  });

  it("Bob creates and links task-002 and pushes; Alice pulls it", async () => {
    expect((await bob.run("data", "insert", "tasks", '{"id":"task-002","title":"Write the launch post"}')).code).toBe(0);
    expect((await bob.run("teams", "link", "--team", "Atlas", "--table", "tasks", "--pk", "task-002")).stdout).toBe("Linked 1 row of tasks (task-002).\npushed 1 change\n");
    expect(await alice.run("teams", "pull", "--team", "Atlas")).toEqual({ code: 0, stdout: "pulled 1 change (tasks: 1)\n", stderr: "" });
    expect((await rows(alice, "tasks")).map((r) => r.id)).toEqual(["task-001", "task-002"]);
  });

  it("Bob updates task-002 through the library and pushes; Alice pulls status done", async () => {
    libraryUpdate(bob, "tasks", "task-002", { status: "done" });
    expect(await bob.run("teams", "push", "--team", "Atlas")).toEqual({ code: 0, stdout: "pushed 1 change\n", stderr: "" });
    expect((await alice.run("teams", "pull", "--team", "Atlas")).stdout).toBe("pulled 1 change (tasks: 1)\n");
    expect((await rows(alice, "tasks")).find((r) => r.id === "task-002")).toMatchObject({ status: "done" });
  });

  it("Alice edits Bob's task-002: refused (Bob owns it), and her next pull restores the team's version", async () => {
    expect((await alice.run("data", "update", "tasks", "task-002", '{"title":"Alice was here"}')).code).toBe(0);
    const push = await alice.run("teams", "push", "--team", "Atlas");
    expect(push).toEqual({
      code: 1,
      stdout:
        "pushed 0 changes\nrefused tasks task-002: tasks task-002 is owned by bob@example.com; only the owner can change it\nThe team's version of those rows comes back on your next pull.\n",
      stderr: "",
    });
    const pull = await alice.run("teams", "pull", "--team", "Atlas");
    expect(pull.stdout).toBe("pulled 0 changes\nrestored 1 row to the team's version (after a refused or stale push)\n");
    expect((await rows(alice, "tasks")).find((r) => r.id === "task-002")).toMatchObject({ title: "Write the launch post", status: "done" });
    // The server's copy never changed.
    const stored = await t.database.prisma.$queryRawUnsafe<{ title: string }[]>(`SELECT title FROM lattice_data.tasks WHERE id = 'task-002'`);
    expect(stored).toEqual([{ title: "Write the launch post" }]);
  });

  it("Alice kicks Bob; Carol's next pull drops task-002 and keeps task-001", async () => {
    expect((await carol.run("teams", "pull", "--team", "Atlas")).code).toBe(0);
    expect((await rows(carol, "tasks")).map((r) => r.id)).toEqual(["task-001", "task-002"]);
    expect((await alice.run("teams", "kick", "--team", "Atlas", "--email", "bob@example.com")).code).toBe(0);
    expect(await carol.run("teams", "pull", "--team", "Atlas")).toEqual({ code: 0, stdout: "pulled 1 change (tasks: 1)\n", stderr: "" });
    expect((await rows(carol, "tasks")).map((r) => r.id)).toEqual(["task-001"]);
  });

  it("status shows the project's sync state", async () => {
    expect((await alice.run("teams", "pull", "--team", "Atlas")).stdout).toBe("pulled 1 change (tasks: 1)\n");
    const status = await alice.run("teams", "status", "--team", "Atlas");
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/\nProject: {5}lattice\.config\.yml\nShared: {6}tasks \(1 row: 1 linked, 1 yours\)\nPending: {5}0 rows to push\nCursor: {6}\d+ \(last pull \d{4}-\d\d-\d\d \d\d:\d\d UTC, last push \d{4}-\d\d-\d\d \d\d:\d\d UTC\)\n/);
  });

  it("Alice unlinks task-001: it stays in her project, unlinked; Carol's next pull drops it", async () => {
    expect(await alice.run("teams", "unlink", "--team", "Atlas", "--table", "tasks", "--pk", "task-001")).toEqual({
      code: 0,
      stdout: "Unlinked 1 row of tasks (task-001).\npushed 1 change\n",
      stderr: "",
    });
    // Her own unlink comes back in the feed and leaves her row alone.
    expect((await alice.run("teams", "pull", "--team", "Atlas")).stdout).toBe("pulled 0 changes\n");
    expect((await rows(alice, "tasks")).map((r) => r.id)).toEqual(["task-001"]);
    expect((await carol.run("teams", "pull", "--team", "Atlas")).stdout).toBe("pulled 1 change (tasks: 1)\n");
    expect(await rows(carol, "tasks")).toEqual([]);
  });
});
