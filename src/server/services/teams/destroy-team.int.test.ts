import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../../test/support/database.ts";
import { startServer, type RunningServer } from "../../../../test/support/server.ts";
import { deployFiles } from "../../../../test/support/storage.ts";
import { destroyTeam } from "./destroy-team.ts";

// `teams destroy` means all of the team's data, storage included, in one transaction, and bound
// hosts stop serving at once on every server process.

const TABLES = [
  "kv_entries",
  "static_files",
  "static_deploys",
  "static_blobs",
  "static_bucket_blobs",
  "host_bindings",
  "buckets",
  "storage_tokens",
  "invitations",
  "api_tokens",
  "ended_sessions",
  "memberships",
  "users",
  "teams",
] as const;

let t: TestDatabase;
let a: RunningServer;
let b: RunningServer;
let team: Awaited<ReturnType<typeof populatedTeam>>;

async function api(method: string, path: string, token: string | null, body?: unknown) {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(`${a.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

function hostGet(server: RunningServer, host: string, path: string, token?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: "127.0.0.1", port: server.port, path, headers: { host, ...(token ? { authorization: `Bearer ${token}` } : {}) } }, (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode!));
      })
      .on("error", reject);
  });
}

/** The other process hears of the change by NOTIFY; wait for it to arrive (bounded), never for a fixed time. */
async function settledStatus(read: () => Promise<number>, until: number): Promise<number> {
  let status = await read();
  for (let i = 0; i < 50 && status !== until; i++) {
    await new Promise((r) => setTimeout(r, 20));
    status = await read();
  }
  return status;
}

async function counts(): Promise<Record<string, number>> {
  const result: Record<string, number> = {};
  for (const table of TABLES) {
    const [row] = await t.database.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${table}"`);
    result[table] = row!.n;
  }
  return result;
}

/** A team with everything storage has: buckets, KV, a deploy, bindings, tokens, an invitation. */
async function populatedTeam() {
  const registered = await api("POST", "/api/v1/teams/register", null, { email: "alice@example.com", name: "Alice", teamName: "Atlas" });
  expect(registered.status).toBe(201);
  const owner: string = registered.body.token;
  expect((await api("POST", "/api/v1/kv/buckets", owner, { name: "config" })).status).toBe(201);
  expect((await api("POST", "/api/v1/static/buckets", owner, { name: "site" })).status).toBe(201);
  expect((await api("PUT", "/api/v1/kv/buckets/config/keys/greeting", owner, { value: "hello" })).status).toBe(201);
  await deployFiles(t.database.prisma, "site", { "index.html": "<h1>Atlas</h1>\n" });
  expect((await api("POST", "/api/v1/bindings", owner, { host: "kv.example.test", surface: "kv", bucket: "config" })).status).toBe(201);
  expect((await api("POST", "/api/v1/bindings", owner, { host: "www.example.test", surface: "static", bucket: "site" })).status).toBe(201);
  const kvToken = await api("POST", "/api/v1/storage-tokens", owner, { surface: "kv", access: "admin", buckets: ["*"] });
  const staticToken = await api("POST", "/api/v1/storage-tokens", owner, { surface: "static", access: "write", buckets: ["site"] });
  expect((await api("POST", "/api/v1/teams/invitations", owner, { inviteeEmail: "bob@example.com" })).status).toBe(201);
  // A dashboard session ended by a sign-out leaves a row until its cookie would have expired.
  await t.database.prisma.endedSession.create({ data: { sid: "a-signed-out-session", userId: registered.body.user.id, expiresAt: new Date(Date.now() + 3600_000) } });
  // Served on both processes (their caches now hold the binding, deploy and grant).
  for (const server of [a, b]) {
    expect(await hostGet(server, "www.example.test", "/index.html")).toBe(200);
    expect(await hostGet(server, "kv.example.test", "/greeting", kvToken.body.token)).toBe(200);
  }
  return { owner, userId: registered.body.user.id as string, kvToken: kvToken.body.token as string, staticToken: staticToken.body.token as string };
}

beforeAll(async () => {
  t = await createTestDatabase();
  [a, b] = await Promise.all([startServer({ databaseUrl: t.url }), startServer({ databaseUrl: t.url })]);
  team = await populatedTeam();
}, 180_000);

afterAll(async () => {
  await a?.stop();
  await b?.stop();
  await t?.drop();
});

describe("destroying the team", () => {
  // Runs first, on the populated team the next test destroys.
  it("a failure half way leaves everything as it was (one transaction)", async () => {
    const before = await counts();
    // The last statement fails: every delete before it must roll back.
    await t.database.sql.exec(`
      CREATE FUNCTION refuse_delete() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused by test'; END $$;
      CREATE TRIGGER refuse_user_delete BEFORE DELETE ON users FOR EACH ROW EXECUTE FUNCTION refuse_delete();`);
    const principal = { userId: team.userId, email: "alice@example.com", displayName: "Alice", scopes: ["*"], via: "token" as const };
    await expect(destroyTeam(t.database.prisma, principal, { confirm: "Atlas" })).rejects.toThrow(/refused by test/);
    await t.database.sql.exec("DROP TRIGGER refuse_user_delete ON users; DROP FUNCTION refuse_delete();");
    expect(await counts()).toEqual(before);
    expect(Object.values(before).every((n) => n > 0)).toBe(true);
    expect(await hostGet(a, "www.example.test", "/index.html")).toBe(200);
  });

  it("deletes buckets, objects, deploys, blobs, bindings, storage tokens and invitations; hosts and tokens stop at once", async () => {
    const { owner, kvToken, staticToken } = team;
    expect((await api("POST", "/api/v1/teams/destroy", owner, { confirm: "Atlas" })).status).toBe(200);

    expect(await counts()).toEqual(Object.fromEntries(TABLES.map((table) => [table, 0])));
    // Unbound now, so these hosts get the dashboard, which has no such pages.
    expect(await hostGet(a, "www.example.test", "/index.html")).toBe(404);
    expect(await hostGet(a, "kv.example.test", "/greeting", kvToken)).toBe(404);
    expect(await settledStatus(() => hostGet(b, "www.example.test", "/index.html"), 404)).toBe(404);
    expect(await settledStatus(() => hostGet(b, "kv.example.test", "/greeting", kvToken), 404)).toBe(404);
    expect((await api("GET", "/api/v1/kv/buckets/config/keys/greeting", kvToken)).status).toBe(401);
    expect((await api("POST", "/api/v1/static/buckets/site/deploys/check", staticToken, { files: [] })).status).toBe(401);

    // A new registration starts empty.
    const again = await api("POST", "/api/v1/teams/register", null, { email: "zoe@example.com", name: "Zoe", teamName: "Fresh" });
    expect(again.status).toBe(201);
    expect((await api("GET", "/api/v1/kv/buckets", again.body.token)).body).toEqual([]);
    expect((await api("GET", "/api/v1/static/buckets", again.body.token)).body).toEqual([]);
    expect((await api("GET", "/api/v1/bindings", again.body.token)).body).toEqual([]);
    expect((await api("GET", "/api/v1/storage-tokens?all=true", again.body.token)).body).toEqual([]);
    expect((await api("GET", "/api/v1/teams/invitations?all=true", again.body.token)).body).toEqual([]);
  });
});
