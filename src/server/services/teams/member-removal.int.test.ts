import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../../test/support/database.ts";
import { startServer, type RunningServer } from "../../../../test/support/server.ts";
import { registerTeam } from "./register-team.ts";

// The story against two real servers on one database: what a removed member handed out
// (storage tokens, pending invitations) stops working at once, on every process.

let t: TestDatabase;
let a: RunningServer;
let b: RunningServer;
let alice: string;

async function api(server: RunningServer, method: string, path: string, token: string | null, body?: unknown) {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(`${server.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** A KV PUT on the bound host (http.request: fetch would drop the Host header). */
function hostPut(server: RunningServer, key: string, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: "127.0.0.1", port: server.port, method: "PUT", path: `/${key}`, headers: { host: "kv.example.test", authorization: `Bearer ${token}`, "content-type": "application/json" } },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode!));
      },
    );
    req.on("error", reject);
    req.end(JSON.stringify({ value: key }));
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

/** Invites `email` as admin and joins: their own lat_ token. */
async function adminJoins(email: string, name: string): Promise<string> {
  const invitation = await api(a, "POST", "/api/v1/teams/invitations", alice, { inviteeEmail: email, role: "admin" });
  expect(invitation.status).toBe(201);
  const joined = await api(a, "POST", "/api/v1/teams/join", null, { token: invitation.body.token, email, name });
  expect(joined.status).toBe(201);
  return joined.body.token;
}

/** Creates a `kv write *` storage token as `operator` and proves it writes on both entries and both processes. */
async function kvWriteToken(operator: string, key: string): Promise<{ id: string; token: string }> {
  const created = await api(a, "POST", "/api/v1/storage-tokens", operator, { surface: "kv", access: "write", buckets: ["*"], label: "script" });
  expect(created.status).toBe(201);
  const { id, token } = created.body;
  expect(await hostPut(a, key, token)).toBe(201);
  expect(await hostPut(b, key, token)).toBe(200); // the grant is cached on b too now
  expect((await api(a, "PUT", `/api/v1/kv/buckets/config/keys/${key}`, token, { value: 1 })).status).toBe(200);
  return { id, token };
}

beforeAll(async () => {
  t = await createTestDatabase();
  alice = (await registerTeam(t.database.prisma, { email: "alice@example.com", name: "Alice", teamName: "Atlas" })).token;
  [a, b] = await Promise.all([startServer({ databaseUrl: t.url }), startServer({ databaseUrl: t.url })]);
  expect((await api(a, "POST", "/api/v1/kv/buckets", alice, { name: "config" })).status).toBe(201);
  expect((await api(a, "POST", "/api/v1/bindings", alice, { host: "kv.example.test", surface: "kv", bucket: "config" })).status).toBe(201);
}, 180_000);

afterAll(async () => {
  await a?.stop();
  await b?.stop();
  await t?.drop();
});

describe("a removed member's storage tokens and invitations", () => {
  it("kick: Carol (admin) makes a kv write * token; Alice kicks her; it gets 401 on the bound host and the JSON route", async () => {
    const carol = await adminJoins("carol@example.com", "Carol");
    const { id, token } = await kvWriteToken(carol, "by-carol");
    const listed = await api(a, "GET", "/api/v1/storage-tokens", alice);
    expect(listed.body.find((row: { id: string }) => row.id === id)).toMatchObject({ createdBy: "carol@example.com", status: "active" });
    const carolsInvite = await api(a, "POST", "/api/v1/teams/invitations", carol, { inviteeEmail: "erin@example.com" });
    expect(carolsInvite.status).toBe(201);

    expect((await api(a, "POST", "/api/v1/teams/kick", alice, { email: "carol@example.com" })).status).toBe(200);

    expect(await hostPut(a, "after", token)).toBe(401);
    expect((await api(a, "PUT", "/api/v1/kv/buckets/config/keys/after", token, { value: 2 })).status).toBe(401);
    expect(await settledStatus(() => hostPut(b, "after", token), 401)).toBe(401);
    const keys = await t.database.sql.query<{ key: string }>("SELECT key FROM kv_entries ORDER BY key");
    expect(keys.map((row) => row.key)).toEqual(["by-carol"]);

    // Listed as revoked, by a removed member; her pending invitation went with her.
    const all = await api(a, "GET", "/api/v1/storage-tokens?all=true", alice);
    expect(all.body.find((row: { id: string }) => row.id === id)).toMatchObject({ createdBy: null, status: "revoked" });
    expect((await api(a, "GET", "/api/v1/teams/invitations", alice)).body).toEqual([]);
    const erin = await api(a, "POST", "/api/v1/teams/join", null, { token: carolsInvite.body.token, email: "erin@example.com", name: "Erin" });
    expect(erin).toEqual({ status: 403, body: { error: { code: "FORBIDDEN", message: "This invitation was revoked; ask for a new one." } } });
  });

  it("leave: Dan (admin) makes a kv write * token and leaves; it gets 401 on the bound host and the JSON route", async () => {
    const dan = await adminJoins("dan@example.com", "Dan");
    const { token } = await kvWriteToken(dan, "by-dan");
    // Alice's own token is untouched by Dan's leaving.
    const alices = await api(a, "POST", "/api/v1/storage-tokens", alice, { surface: "kv", access: "write", buckets: ["config"] });

    expect((await api(a, "POST", "/api/v1/teams/leave", dan, {})).status).toBe(200);

    expect(await hostPut(a, "left", token)).toBe(401);
    expect((await api(a, "PUT", "/api/v1/kv/buckets/config/keys/left", token, { value: 3 })).status).toBe(401);
    expect(await settledStatus(() => hostPut(b, "left", token), 401)).toBe(401);
    expect(await hostPut(a, "alice", alices.body.token)).toBe(201);
  });
});

describe("the invitation routes with bad ids", () => {
  it.each([
    ["%25", 404, "NOT_FOUND"], // a well-formed escape for "%", which names no invitation
    ["%E0%A4%A", 400, "BAD_REQUEST"],
    ["%", 400, "BAD_REQUEST"],
    ["not-a-uuid", 404, "NOT_FOUND"],
    ["00000000-0000-0000-0000-000000000000", 404, "NOT_FOUND"],
  ])("DELETE /api/v1/teams/invitations/%s → %i, JSON, nothing revoked", async (id, status, code) => {
    const pending = await api(a, "POST", "/api/v1/teams/invitations", alice, { inviteeEmail: "frank@example.com" });
    expect(pending.status).toBe(201);
    const res = await fetch(`${a.url}/api/v1/teams/invitations/${id}`, { method: "DELETE", headers: { authorization: `Bearer ${alice}` } });
    expect(res.status).toBe(status);
    expect((await res.json()).error.code).toBe(code);
    const listed = await api(a, "GET", "/api/v1/teams/invitations", alice);
    expect(listed.body.map((row: { id: string }) => row.id)).toContain(pending.body.id);
    expect((await api(a, "DELETE", `/api/v1/teams/invitations/${pending.body.id}`, alice)).status).toBe(200);
  });

  it("an invitee's email with a percent-encoded @ still revokes their invitations", async () => {
    await api(a, "POST", "/api/v1/teams/invitations", alice, { inviteeEmail: "gina@example.com" });
    const res = await api(a, "DELETE", "/api/v1/teams/invitations/gina%40example.com", alice);
    expect(res).toEqual({ status: 200, body: { revoked: 1 } });
  });
});
