import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../../test/support/database.ts";
import { createCaller } from "../../root.ts";
import { createContext } from "../../trpc.ts";

// The workspace side of sync through the real tRPC procedures: shared tables in lattice_data, the
// trigger-written feed, ownership, staleness, idempotent push, auto-unlink on kick.

process.env.LATTICE_ENCRYPTION_KEY ??= "a".repeat(64);

let t: TestDatabase;
const as = (token?: string | null) => createCaller(createContext({ db: t.database, headers: new Headers(token ? { authorization: `Bearer ${token}` } : {}) }));

const TASKS = { table: "tasks", columns: { id: "text", title: "text", status: { type: "text", default: "todo" }, points: { type: "integer", nullable: true } } };

async function team() {
  const alice = await as().teams.register({ email: "alice@example.com", name: "Alice", teamName: "Atlas" });
  const join = async (email: string, name: string) => {
    const inv = await as(alice.token).teams.invite({ inviteeEmail: email });
    return (await as().teams.join({ token: inv.token, email, name })).token!;
  };
  const bob = await join("bob@example.com", "Bob");
  return { alice: alice.token, bob, join };
}

async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  const error = (await promise.then(() => null, (e) => e)) as { code: string; message: string } | null;
  if (!error) throw new Error("expected a failure");
  return { code: error.code, message: error.message };
}

const sql = (text: string, ...params: unknown[]) => t.database.prisma.$queryRawUnsafe(text, ...params) as Promise<Record<string, unknown>[]>;
let n = 0;
const id = () => `entry-${String(++n).padStart(6, "0")}`;

beforeEach(async () => {
  t = await createTestDatabase();
});
afterEach(async () => {
  await t.drop();
});

describe("share", () => {
  it("makes a real table in lattice_data, records the share in the feed, and evolves additively", async () => {
    const { alice, bob } = await team();
    const first = await as(alice).sync.share(TASKS);
    expect(first).toMatchObject({ table: "tasks", created: true, addedColumns: [], rows: 0, primaryKey: "id" });
    const columns = await sql(`SELECT column_name FROM information_schema.columns WHERE table_schema = 'lattice_data' AND table_name = 'tasks' ORDER BY ordinal_position`);
    expect(columns.map((c) => c.column_name)).toEqual(["id", "title", "status", "points", "_lattice_owner", "_lattice_version", "_lattice_updated_at"]);
    const again = await as(bob).sync.share({ ...TASKS, columns: { ...TASKS.columns, due: { type: "datetime", nullable: true } } });
    expect(again).toMatchObject({ created: false, addedColumns: ["due"] });
    const page = await as(bob).sync.pull({ since: 0 });
    expect(page.changes.map((c) => [c.kind, c.table, Object.keys((c.row as { columns: object }).columns)])).toEqual([
      ["share", "tasks", ["id", "title", "status", "points"]],
      ["share", "tasks", ["id", "title", "status", "points", "due"]],
    ]);
    // Refused, with what to do, and nothing changes.
    expect(await failure(as(alice).sync.share({ ...TASKS, columns: { ...TASKS.columns, due: { type: "datetime", nullable: true }, points: "text" } }))).toMatchObject({ code: "CONFLICT" });
    expect((await failure(as(alice).sync.share(TASKS))).message).toMatch(/column due that your config does not list; pull first/);
    expect((await failure(as(alice).sync.share({ ...TASKS, primaryKey: "title" }))).message).toMatch(/primary key/);
    expect((await as(alice).sync.pull({ since: 0 })).changes).toHaveLength(2);
  });

  it("refuses names that are not safe identifiers, and a member without teams:write", async () => {
    const { alice } = await team();
    for (const table of ["tasks; drop table users", 'ta"sks', "tаsks", "_lattice_x", "Tasks", ""]) {
      expect(await failure(as(alice).sync.share({ ...TASKS, table }))).toMatchObject({ code: "BAD_REQUEST" });
    }
    expect(await failure(as(alice).sync.share({ table: "x", columns: { id: "text", 'a"b': "text" } }))).toMatchObject({ code: "BAD_REQUEST" });
    expect((await sql(`SELECT count(*)::int AS n FROM lattice_shared_tables`))[0]!.n).toBe(0);
    const reader = await as(alice).tokens.create({ label: "read only", scopes: ["teams:read"] });
    expect(await failure(as(reader.token).sync.share(TASKS))).toMatchObject({ code: "FORBIDDEN" });
    expect(await failure(as(reader.token).sync.push({ entries: [] }))).toMatchObject({ code: "FORBIDDEN" });
  });
});

describe("push and pull", () => {
  it("applies links and updates, refuses a non-owner, reports stale, and answers a retry the same", async () => {
    const { alice, bob } = await team();
    await as(alice).sync.share(TASKS);
    const link = { id: id(), table: "tasks", op: "link" as const, pk: "task-001", baseVersion: null, row: { id: "task-001", title: "Ship", status: "todo", points: 3 } };
    const first = await as(alice).sync.push({ entries: [link] });
    expect(first.results).toEqual([{ id: link.id, table: "tasks", pk: "task-001", op: "link", status: "applied", version: 1 }]);
    // The retry of the same entry: the same answer, nothing applied twice.
    expect(await as(alice).sync.push({ entries: [link] })).toEqual(first);
    expect((await sql(`SELECT count(*)::int AS n FROM lattice_changes WHERE kind = 'upsert'`))[0]!.n).toBe(1);

    const bobEdit = { id: id(), table: "tasks", op: "upsert" as const, pk: "task-001", baseVersion: 1, row: { id: "task-001", title: "Mine now", status: "todo", points: 3 } };
    const refused = await as(bob).sync.push({ entries: [bobEdit] });
    expect(refused.results[0]).toMatchObject({ status: "refused", owner: "alice@example.com", reason: "tasks task-001 is owned by alice@example.com; only the owner can change it" });

    const update = { id: id(), table: "tasks", op: "upsert" as const, pk: "task-001", baseVersion: 1, row: { id: "task-001", title: "Ship it", status: "done", points: 5 } };
    expect((await as(alice).sync.push({ entries: [update] })).results[0]).toMatchObject({ status: "applied", version: 2 });
    const stale = { ...update, id: id(), row: { ...update.row, title: "from an old copy" } };
    expect((await as(alice).sync.push({ entries: [stale] })).results[0]).toMatchObject({ status: "stale", version: 2 });

    const page = await as(bob).sync.pull({ since: 0 });
    expect(page.changes.map((c) => [c.kind, c.pk, c.version, c.row && (c.row as { title?: string }).title])).toEqual([
      ["share", null, null, undefined],
      ["upsert", "task-001", 1, "Ship"],
      ["upsert", "task-001", 2, "Ship it"],
    ]);
    expect(page.owners).toEqual({ [page.changes[1]!.owner!]: "alice@example.com" });
    expect(page).toMatchObject({ cursor: page.changes[2]!.seq, head: page.changes[2]!.seq, more: false });
    expect((await as(bob).sync.pull({ since: page.cursor })).changes).toEqual([]);
    expect((await as(bob).sync.rows({ table: "tasks", pks: ["task-001", "nope"] })).rows).toEqual([
      { pk: "task-001", row: { id: "task-001", title: "Ship it", status: "done", points: 5 }, owner: page.changes[1]!.owner, version: 2 },
    ]);
  });

  it("unlink and delete leave the table with their own kind in the feed; direct SQL writes reach the feed", async () => {
    const { alice, bob } = await team();
    await as(alice).sync.share(TASKS);
    const rows = ["a", "b", "c"].map((pk) => ({ id: id(), table: "tasks", op: "link" as const, pk, row: { id: pk, title: pk } }));
    await as(alice).sync.push({ entries: rows });
    const result = await as(alice).sync.push({
      entries: [
        { id: id(), table: "tasks", op: "unlink", pk: "a", baseVersion: 1 },
        { id: id(), table: "tasks", op: "delete", pk: "b", baseVersion: 1 },
      ],
    });
    expect(result.results.map((r) => r.status)).toEqual(["applied", "applied"]);
    await sql(`UPDATE lattice_data.tasks SET title = 'by psql' WHERE id = 'c'`);
    await sql(`INSERT INTO lattice_data.tasks (id, title) VALUES ('d', 'inserted by psql')`);
    const page = await as(bob).sync.pull({ since: 0 });
    expect(page.changes.slice(1).map((c) => [c.kind, c.pk, c.version, c.owner === null])).toEqual([
      ["upsert", "a", 1, false],
      ["upsert", "b", 1, false],
      ["upsert", "c", 1, false],
      ["unlink", "a", 1, false],
      ["delete", "b", 1, false],
      ["upsert", "c", 2, false],
      ["upsert", "d", 1, true],
    ]);
    // A key changed by SQL: the old key leaves the feed as a delete, the new one arrives.
    await sql(`UPDATE lattice_data.tasks SET id = 'd2' WHERE id = 'd'`);
    const renamed = await as(bob).sync.pull({ since: page.cursor });
    expect(renamed.changes.map((c) => [c.kind, c.pk, c.version])).toEqual([
      ["delete", "d", 1],
      ["upsert", "d2", 2],
    ]);
    await sql(`UPDATE lattice_data.tasks SET id = 'd' WHERE id = 'd2'`);
    // Nobody owns a row written by SQL: a member's push of it is refused.
    const push = await as(alice).sync.push({ entries: [{ id: id(), table: "tasks", op: "upsert", pk: "d", baseVersion: 1, row: { id: "d", title: "x" } }] });
    expect(push.results[0]).toMatchObject({ status: "refused", reason: expect.stringMatching(/written directly in the team's Postgres/) });
  });

  it("encrypts secrets with the workspace key at rest and opens them for the puller", async () => {
    const { alice, bob } = await team();
    await as(alice).sync.share({ table: "secrets", primaryKey: "name", columns: { name: "text", kind: { type: "text", default: "generic" }, value: { type: "text", encrypted: true }, createdAt: "datetime", updatedAt: "datetime" } });
    const at = "2026-12-02T10:00:00.000Z";
    await as(alice).sync.push({ entries: [{ id: id(), table: "secrets", op: "link", pk: "OPENAI_API_KEY", row: { name: "OPENAI_API_KEY", kind: "api-key", value: "sk-plain-secret", createdAt: at, updatedAt: at } }] });
    const stored = await sql(`SELECT value FROM lattice_data.secrets`);
    expect(stored[0]!.value).toMatch(/^enc:/);
    const feed = await sql(`SELECT row::text AS row FROM lattice_changes WHERE kind = 'upsert'`);
    expect(feed[0]!.row).not.toContain("sk-plain-secret");
    const page = await as(bob).sync.pull({ since: 0 });
    expect(page.changes[1]!.row).toMatchObject({ value: "sk-plain-secret", createdAt: "2026-12-02T10:00:00+00:00" });
    // A secret that merely starts with "enc:" is still a secret: sealed, and read back as sent.
    await as(alice).sync.push({ entries: [{ id: id(), table: "secrets", op: "link", pk: "ODD", row: { name: "ODD", kind: "x", value: "enc:not-really-sealed", createdAt: at, updatedAt: at } }] });
    expect((await sql(`SELECT value FROM lattice_data.secrets WHERE name = 'ODD'`))[0]!.value).not.toBe("enc:not-really-sealed");
    // One sealed under another key (SQL, an old key) does not block the feed: it leaves sealed.
    await sql(`UPDATE lattice_data.secrets SET value = 'enc:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' WHERE name = 'OPENAI_API_KEY'`);
    const later = await as(bob).sync.pull({ since: page.cursor });
    expect(later.changes.map((c) => (c.row as { value: string }).value)).toEqual(["enc:not-really-sealed", "enc:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"]);
  });

  it("refuses malformed pushes whole, with nothing applied", async () => {
    const { alice } = await team();
    await as(alice).sync.share(TASKS);
    const good = { id: id(), table: "tasks", op: "link" as const, pk: "ok", row: { id: "ok", title: "fine" } };
    const cases: [unknown, RegExp][] = [
      [{ entries: [good, { ...good, id: "short" }] }, /id must be 8–64/],
      [{ entries: [good, { id: id(), table: "nope", op: "link", pk: "x", row: { id: "x", title: "t" } }] }, /"nope" is not shared/],
      [{ entries: [good, { id: id(), table: "tasks", op: "link", pk: "x", row: { id: "x", title: 5 } }] }, /tasks\.title: expected a string/],
      [{ entries: [good, { id: id(), table: "tasks", op: "link", pk: "x", row: { id: "x", title: "t", 'x"; drop': 1 } }] }, /has no column/],
      [{ entries: [good, { id: id(), table: "tasks", op: "link", pk: "y", row: { id: "x", title: "t" } }] }, /must be the entry's pk/],
      [{ entries: [good, { ...good, id: id() }] }, /appears twice/],
      [{ entries: Array.from({ length: 1001 }, () => good) }, /at most 1000/],
      [{ entries: [{ ...good, op: "merge" }] }, /op must be/],
    ];
    for (const [input, message] of cases) {
      const error = await failure(as(alice).sync.push(input as never));
      expect(error.message).toMatch(message);
      expect(["BAD_REQUEST", "NOT_FOUND", "UNPROCESSABLE_CONTENT"]).toContain(error.code);
    }
    expect((await sql(`SELECT count(*)::int AS n FROM lattice_data.tasks`))[0]!.n).toBe(0);
    expect((await sql(`SELECT count(*)::int AS n FROM lattice_push_results`))[0]!.n).toBe(0);
  });
});

describe("removing a member", () => {
  it("unlinks every row they owned in the same transaction; the feed says unlink", async () => {
    const { alice, bob, join } = await team();
    const carol = await join("carol@example.com", "Carol");
    await as(alice).sync.share(TASKS);
    await as(alice).sync.push({ entries: [{ id: id(), table: "tasks", op: "link", pk: "task-001", row: { id: "task-001", title: "Alice's" } }] });
    await as(bob).sync.push({ entries: ["task-002", "task-003"].map((pk) => ({ id: id(), table: "tasks", op: "link" as const, pk, row: { id: pk, title: "Bob's" } })) });
    const before = (await as(carol).sync.pull({ since: 0 })).cursor;
    await as(alice).teams.kick({ email: "bob@example.com" });
    const page = await as(carol).sync.pull({ since: before });
    expect(page.changes.map((c) => [c.kind, c.pk])).toEqual([
      ["unlink", "task-002"],
      ["unlink", "task-003"],
    ]);
    expect((await sql(`SELECT id FROM lattice_data.tasks`)).map((r) => r.id)).toEqual(["task-001"]);
  });
});
