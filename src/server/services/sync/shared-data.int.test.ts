import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../../test/support/database.ts";
import { startServer, type RunningServer } from "../../../../test/support/server.ts";
import { createCaller } from "../../root.ts";
import { createContext } from "../../trpc.ts";

// The dashboard's view of the team's shared data, against a real Postgres: the tRPC procedures
// (what the page calls) and the JSON routes of the built server.

process.env.LATTICE_ENCRYPTION_KEY ??= "a".repeat(64);

let t: TestDatabase;
const as = (token?: string | null) => createCaller(createContext({ db: t.database, headers: new Headers(token ? { authorization: `Bearer ${token}` } : {}) }));
const sql = (text: string, ...params: unknown[]) => t.database.prisma.$queryRawUnsafe(text, ...params) as Promise<Record<string, unknown>[]>;

const TASKS = { table: "tasks", columns: { id: "text", title: "text", status: { type: "text", default: "todo" }, points: { type: "integer", nullable: true } } };
const SECRETS = { table: "secrets", primaryKey: "name", columns: { name: "text", value: { type: "text", encrypted: true } } };
const PLAINTEXT = "sk-live-plaintext-secret";

let n = 0;
const id = () => `entry-${String(++n).padStart(6, "0")}`;
const link = (table: string, pk: string | number, row: Record<string, unknown>) => ({ id: id(), table, op: "link" as const, pk, row });

async function team() {
  const alice = await as().teams.register({ email: "alice@example.com", name: "Alice", teamName: "Atlas" });
  const invitation = await as(alice.token).teams.invite({ inviteeEmail: "bob@example.com" });
  const bob = (await as().teams.join({ token: invitation.token, email: "bob@example.com", name: "Bob" })).token!;
  return { alice: alice.token, bob };
}

async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  const error = (await promise.then(() => null, (e) => e)) as { code: string; message: string } | null;
  if (!error) throw new Error("expected a failure");
  return { code: error.code, message: error.message };
}

describe("through the tRPC procedures", () => {
  beforeEach(async () => {
    t = await createTestDatabase();
  });
  afterEach(async () => {
    await t.drop();
  });

  it("lists each shared table with its row count, its owners (direct SQL too), who shared it and its last change", async () => {
    const { alice, bob } = await team();
    expect(await as(alice).sharedData.overview()).toEqual([]);
    await as(alice).sync.share(TASKS);
    await as(bob).sync.share(SECRETS);
    await as(alice).sync.push({ entries: ["a", "b", "c"].map((pk) => link("tasks", pk, { id: pk, title: pk })) });
    await as(bob).sync.push({ entries: [link("tasks", "d", { id: "d", title: "Bob's" })] });
    await sql(`INSERT INTO lattice_data.tasks (id, title) VALUES ('e', 'by psql')`);
    const [last] = await sql(`SELECT max(created_at) AS at FROM lattice_changes WHERE table_name = 'tasks'`);

    const tables = await as(bob).sharedData.overview();
    expect(tables.map((table) => table.name)).toEqual(["secrets", "tasks"]);
    const tasks = tables[1]!;
    expect(tasks).toMatchObject({ name: "tasks", primaryKey: "id", rows: 5, sharedBy: "alice@example.com", missing: false });
    expect(tasks.owners).toEqual([
      { userId: expect.any(String), email: "alice@example.com", rows: 3 },
      { userId: expect.any(String), email: "bob@example.com", rows: 1 },
      { userId: null, email: null, rows: 1 },
    ]);
    expect(tasks.columns).toEqual([
      { name: "id", type: "text", nullable: false, encrypted: false },
      { name: "title", type: "text", nullable: false, encrypted: false },
      { name: "status", type: "text", nullable: false, encrypted: false },
      { name: "points", type: "integer", nullable: true, encrypted: false },
    ]);
    expect(tasks.lastChangeAt).toEqual(last!.at);
    expect(tables[0]).toMatchObject({ name: "secrets", rows: 0, owners: [], sharedBy: "bob@example.com" });
    expect(tables[0]!.columns[1]).toEqual({ name: "value", type: "text", nullable: false, encrypted: true });

    // A table dropped behind Lattice's back is reported, not a crash.
    await sql(`DROP TABLE lattice_data.secrets`);
    expect((await as(bob).sharedData.overview())[0]).toMatchObject({ name: "secrets", rows: 0, missing: true });
    expect(await failure(as(bob).sharedData.browse({ table: "secrets" }))).toMatchObject({ code: "NOT_FOUND", message: expect.stringMatching(/dropped outside Lattice/) });
  });

  it("browses a table in primary-key order, a page at a time, with each row's owner, version and change time", async () => {
    const { alice, bob } = await team();
    await as(alice).sync.share(TASKS);
    await as(alice).sync.push({ entries: ["t-3", "t-1", "t-5", "t-2"].map((pk) => link("tasks", pk, { id: pk, title: `task ${pk}` })) });
    await as(bob).sync.push({ entries: [link("tasks", "t-4", { id: "t-4", title: "Bob's", points: 8 })] });
    await as(bob).sync.push({ entries: [{ id: id(), table: "tasks", op: "upsert", pk: "t-4", baseVersion: 1, row: { id: "t-4", title: "Bob's, done", status: "done", points: 8 } }] });

    const first = await as(alice).sharedData.browse({ table: "tasks", limit: 2 });
    expect(first.rows.map((r) => r.pk)).toEqual(["t-1", "t-2"]);
    expect(first.next).toBe("t-2");
    expect(first.rows[0]).toEqual({ pk: "t-1", values: { id: "t-1", title: "task t-1", status: "todo", points: null }, ownerId: expect.any(String), ownerEmail: "alice@example.com", version: 1, updatedAt: expect.any(Date) });
    const second = await as(alice).sharedData.browse({ table: "tasks", limit: 2, after: first.next! });
    expect(second.rows.map((r) => [r.pk, r.ownerEmail, r.version, r.values.title])).toEqual([
      ["t-3", "alice@example.com", 1, "task t-3"],
      ["t-4", "bob@example.com", 2, "Bob's, done"],
    ]);
    const [stored] = await sql(`SELECT _lattice_updated_at AS at FROM lattice_data.tasks WHERE id = 't-4'`);
    expect(second.rows[1]!.updatedAt).toEqual(stored!.at);
    const third = await as(alice).sharedData.browse({ table: "tasks", limit: 2, after: second.next! });
    expect(third).toMatchObject({ next: null, rows: [{ pk: "t-5" }] });

    // An integer key pages in numeric order (as text, "10" would come before "9").
    await as(alice).sync.share({ table: "counters", columns: { id: "integer", label: "text" } });
    await as(alice).sync.push({ entries: [9, 10, 100, 2].map((pk) => link("counters", pk, { id: pk, label: `#${pk}` })) });
    const counters = await as(alice).sharedData.browse({ table: "counters", limit: 3 });
    expect(counters.rows.map((r) => r.values.id)).toEqual([2, 9, 10]);
    expect((await as(alice).sharedData.browse({ table: "counters", after: counters.next! })).rows.map((r) => r.pk)).toEqual(["100"]);
    expect(await failure(as(alice).sharedData.browse({ table: "counters", after: "ten" }))).toMatchObject({ code: "UNPROCESSABLE_CONTENT", message: expect.stringMatching(/integer key/) });
    expect(await failure(as(alice).sharedData.browse({ table: "tasks", limit: 201 }))).toMatchObject({ code: "UNPROCESSABLE_CONTENT", message: "limit: limit must be at most 200" });
  });

  it("never shows an encrypted value, in the rows or in the feed; long values are shortened, blobs shown by size", async () => {
    const { alice } = await team();
    await as(alice).sync.share(SECRETS);
    await as(alice).sync.share({ table: "notes", columns: { id: "text", body: "text", meta: { type: "json", nullable: true }, image: { type: "blob", nullable: true } } });
    await as(alice).sync.push({ entries: [link("secrets", "OPENAI_API_KEY", { name: "OPENAI_API_KEY", value: PLAINTEXT })] });
    const long = "x".repeat(500);
    await as(alice).sync.push({ entries: [link("notes", "n1", { id: "n1", body: long, meta: { words: Array.from({ length: 100 }, (_, i) => `w${i}`) }, image: `\\x${"ab".repeat(300)}` })] });
    // A sealed value in a column not marked encrypted (written by SQL) is still masked.
    const [sealed] = await sql(`SELECT value FROM lattice_data.secrets`);
    await sql(`INSERT INTO lattice_data.notes (id, body) VALUES ('n2', $1)`, sealed!.value);
    // Plain text written by SQL into an encrypted column is masked all the same.
    await sql(`INSERT INTO lattice_data.secrets (name, value) VALUES ('BY_SQL', $1)`, `${PLAINTEXT}-by-sql`);

    const secrets = await as(alice).sharedData.browse({ table: "secrets" });
    expect(secrets.rows.map((r) => r.values)).toEqual([
      { name: "BY_SQL", value: { encrypted: true } },
      { name: "OPENAI_API_KEY", value: { encrypted: true } },
    ]);
    const notes = await as(alice).sharedData.browse({ table: "notes" });
    expect(notes.rows[0]!.values).toEqual({ id: "n1", body: `${"x".repeat(120)}…`, meta: expect.stringMatching(/^\{"words": \["w0", "w1".{90,}…$/), image: { bytes: 300 } });
    expect(notes.rows[1]!.values).toEqual({ id: "n2", body: { encrypted: true }, meta: null, image: null });

    const feed = await as(alice).sharedData.feed({});
    expect(feed.changes.map((c) => [c.kind, c.table, c.pk])).toEqual([
      ["upsert", "secrets", "BY_SQL"],
      ["upsert", "notes", "n2"],
      ["upsert", "notes", "n1"],
      ["upsert", "secrets", "OPENAI_API_KEY"],
      ["share", "notes", null],
      ["share", "secrets", null],
    ]);
    expect(feed.changes[0]!.values).toEqual({ name: "BY_SQL", value: { encrypted: true } });
    expect(feed.changes[3]!.values).toEqual({ name: "OPENAI_API_KEY", value: { encrypted: true } });
    expect(feed.changes[2]!.values).toMatchObject({ body: `${"x".repeat(120)}…`, image: { bytes: 300 } });
    expect(feed.changes[1]!.values).toMatchObject({ body: { encrypted: true } });
    expect(feed.changes[5]!.shared).toEqual({ primaryKey: "name", columns: ["name", "value"] });
    for (const shown of [secrets, notes, feed]) {
      const text = JSON.stringify(shown);
      expect(text).not.toContain(PLAINTEXT);
      expect(text).not.toContain("enc:");
    }
  });

  it("pages the feed newest first, filters it by table, and names who made each change and who owned the row", async () => {
    const { alice, bob } = await team();
    await as(alice).sync.share(TASKS);
    await as(alice).sync.share({ table: "notes", columns: { id: "text", body: "text" } });
    await as(bob).sync.push({ entries: ["a", "b"].map((pk) => link("tasks", pk, { id: pk, title: pk })) });
    await as(alice).sync.push({ entries: [link("notes", "n1", { id: "n1", body: "hello" })] });
    await sql(`DELETE FROM lattice_data.notes WHERE id = 'n1'`);
    await as(alice).teams.kick({ email: "bob@example.com" });

    const all = await as(alice).sharedData.feed({});
    expect(all.next).toBeNull();
    expect(all.changes.map((c) => [c.kind, c.table, c.pk, c.actorEmail, c.ownerEmail])).toEqual([
      ["unlink", "tasks", "b", "alice@example.com", "bob@example.com"],
      ["unlink", "tasks", "a", "alice@example.com", "bob@example.com"],
      ["delete", "notes", "n1", null, "alice@example.com"],
      ["upsert", "notes", "n1", "alice@example.com", "alice@example.com"],
      ["upsert", "tasks", "b", "bob@example.com", "bob@example.com"],
      ["upsert", "tasks", "a", "bob@example.com", "bob@example.com"],
      ["share", "notes", null, "alice@example.com", null],
      ["share", "tasks", null, "alice@example.com", null],
    ]);
    // Direct SQL: no actor, and a delete carries no values.
    expect(all.changes[2]).toMatchObject({ actorId: null, values: null });
    expect(all.changes[3]!.values).toEqual({ id: "n1", body: "hello" });

    const first = await as(alice).sharedData.feed({ limit: 3 });
    expect(first.changes.map((c) => c.seq)).toEqual(all.changes.slice(0, 3).map((c) => c.seq));
    expect(first.next).toBe(all.changes[2]!.seq);
    const second = await as(alice).sharedData.feed({ limit: 3, before: first.next! });
    expect(second.changes.map((c) => c.seq)).toEqual(all.changes.slice(3, 6).map((c) => c.seq));
    const tasks = await as(alice).sharedData.feed({ table: "tasks" });
    expect(tasks.changes.map((c) => [c.kind, c.pk])).toEqual([
      ["unlink", "b"],
      ["unlink", "a"],
      ["upsert", "b"],
      ["upsert", "a"],
      ["share", null],
    ]);
  });

  it("refuses a bad table name (400) or one that is not shared (404), and a caller without teams:read (403)", async () => {
    const { alice } = await team();
    await as(alice).sync.share(TASKS);
    for (const table of ["tasks; drop table users", 'ta"sks', "tаsks", "_lattice_x", "Tasks", "lattice_data.tasks", ""]) {
      expect(await failure(as(alice).sharedData.browse({ table }))).toMatchObject({ code: "BAD_REQUEST" });
      expect(await failure(as(alice).sharedData.feed({ table: table || "x y" }))).toMatchObject({ code: "BAD_REQUEST" });
    }
    expect(await failure(as(alice).sharedData.browse({ table: "projects" }))).toMatchObject({ code: "NOT_FOUND", message: expect.stringMatching(/lattice teams share --table projects/) });
    expect(await failure(as(alice).sharedData.feed({ table: "projects" }))).toMatchObject({ code: "NOT_FOUND" });

    const kvOnly = await as(alice).tokens.create({ label: "kv only", scopes: ["kv:read"] });
    for (const call of [as(kvOnly.token).sharedData.overview(), as(kvOnly.token).sharedData.browse({ table: "tasks" }), as(kvOnly.token).sharedData.feed({})]) {
      expect(await failure(call)).toMatchObject({ code: "FORBIDDEN" });
    }
    expect(await failure(as().sharedData.overview())).toMatchObject({ code: "UNAUTHORIZED" });
  });
});

describe("through the JSON routes of the built server", () => {
  let server: RunningServer;
  let alice: string;
  beforeAll(async () => {
    t = await createTestDatabase();
    server = await startServer({ databaseUrl: t.url, env: { LATTICE_ENCRYPTION_KEY: process.env.LATTICE_ENCRYPTION_KEY! } });
    ({ alice } = await team());
  });
  afterAll(async () => {
    await server?.stop();
    await t?.drop();
  });

  const call = async (method: string, path: string, options: { token?: string; body?: unknown } = {}) => {
    const token = options.token === undefined ? alice : options.token;
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(options.body === undefined ? {} : { "content-type": "application/json" }) },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    return { status: res.status, body: await res.json() };
  };

  it("shares a table (201, then 200 when it evolves), lists it, pages its rows and the feed", async () => {
    const created = await call("POST", "/api/v1/sync/tables", { body: TASKS });
    expect(created).toMatchObject({ status: 201, body: { table: "tasks", created: true, addedColumns: [] } });
    const evolved = await call("POST", "/api/v1/sync/tables", { body: { ...TASKS, columns: { ...TASKS.columns, due: { type: "datetime", nullable: true } } } });
    expect(evolved).toMatchObject({ status: 200, body: { created: false, addedColumns: ["due"] } });
    await as(alice).sync.push({ entries: ["a", "b", "c"].map((pk) => link("tasks", pk, { id: pk, title: pk })) });

    const overview = await call("GET", "/api/v1/sync/tables");
    expect(overview.status).toBe(200);
    expect(overview.body).toEqual([expect.objectContaining({ name: "tasks", rows: 3, owners: [{ userId: expect.any(String), email: "alice@example.com", rows: 3 }], sharedBy: "alice@example.com" })]);
    expect(overview.body[0].lastChangeAt).toMatch(/^\d{4}-\d\d-\d\dT/);

    const page = await call("GET", "/api/v1/sync/tables/tasks/rows?limit=2");
    expect(page.status).toBe(200);
    expect(page.body.rows.map((r: { pk: string }) => r.pk)).toEqual(["a", "b"]);
    expect(page.body.next).toBe("b");
    const rest = await call("GET", `/api/v1/sync/tables/tasks/rows?limit=2&after=${page.body.next}`);
    expect(rest.body).toMatchObject({ rows: [{ pk: "c", ownerEmail: "alice@example.com", version: 1 }], next: null });

    const feed = await call("GET", "/api/v1/sync/feed?limit=2&table=tasks");
    expect(feed.status).toBe(200);
    expect(feed.body.changes.map((c: { kind: string; pk: string }) => [c.kind, c.pk])).toEqual([
      ["upsert", "c"],
      ["upsert", "b"],
    ]);
    const older = await call("GET", `/api/v1/sync/feed?limit=10&table=tasks&before=${feed.body.next}`);
    expect(older.body.changes.map((c: { kind: string; pk: string | null }) => [c.kind, c.pk])).toEqual([
      ["upsert", "a"],
      ["share", null],
      ["share", null],
    ]);
  });

  it("answers bad input with a clear 4xx and changes nothing", async () => {
    const before = await sql(`SELECT count(*)::int AS n FROM lattice_changes`);
    const cases: [string, string, unknown, number, RegExp][] = [
      ["GET", "/api/v1/sync/tables/tasks%3B%20drop%20table%20users/rows", undefined, 400, /not a valid name/],
      ["GET", "/api/v1/sync/tables/Tasks/rows", undefined, 400, /not a valid name/],
      ["GET", "/api/v1/sync/tables/projects/rows", undefined, 404, /not shared/],
      ["GET", "/api/v1/sync/tables/tasks/rows?limit=0", undefined, 422, /limit must be at least 1/],
      ["GET", "/api/v1/sync/tables/tasks/rows?limit=lots", undefined, 422, /limit/],
      ["GET", "/api/v1/sync/feed?before=-1", undefined, 422, /before must be at least 1/],
      ["GET", "/api/v1/sync/feed?table=nope", undefined, 404, /not shared/],
      ["GET", "/api/v1/sync/feed?table=no%20pe", undefined, 400, /not a valid name/],
      ["POST", "/api/v1/sync/tables", { table: "x; drop table users", columns: { id: "text" } }, 400, /not a valid name/],
      ["POST", "/api/v1/sync/tables", { table: "x", columns: { id: "money" } }, 400, /unknown type/],
      ["POST", "/api/v1/sync/tables", { table: "x" }, 422, /columns/],
      ["POST", "/api/v1/sync/tables", { ...TASKS, columns: { id: "text" } }, 409, /pull first/],
    ];
    for (const [method, path, body, status, message] of cases) {
      const res = await call(method, path, { body });
      expect({ path, status: res.status }).toEqual({ path, status });
      expect(res.body.error.message).toMatch(message);
    }
    expect(await sql(`SELECT count(*)::int AS n FROM lattice_changes`)).toEqual(before);
    expect((await sql(`SELECT count(*)::int AS n FROM lattice_shared_tables`))[0]!.n).toBe(1);
  });

  it("needs teams:read to look and teams:write to share", async () => {
    const kvOnly = (await as(alice).tokens.create({ label: "kv only", scopes: ["kv:read"] })).token;
    const reader = (await as(alice).tokens.create({ label: "reader", scopes: ["teams:read"] })).token;
    for (const path of ["/api/v1/sync/tables", "/api/v1/sync/tables/tasks/rows", "/api/v1/sync/feed"]) {
      expect((await call("GET", path, { token: kvOnly })).status).toBe(403);
      expect((await call("GET", path, { token: "" })).status).toBe(401);
      expect((await call("GET", path, { token: reader })).status).toBe(200);
    }
    const refused = await call("POST", "/api/v1/sync/tables", { token: reader, body: { table: "other", columns: { id: "text" } } });
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toMatch(/teams:write/);
    expect((await sql(`SELECT count(*)::int AS n FROM lattice_shared_tables WHERE name = 'other'`))[0]!.n).toBe(0);
  });
});
