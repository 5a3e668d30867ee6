import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../../test/support/database.ts";
import { startServer, type RunningServer } from "../../../../test/support/server.ts";
import { createCaller } from "../../root.ts";
import { createContext } from "../../trpc.ts";

// Operator tokens (lat_) through the real tRPC procedures and the /api/v1/tokens routes.

let t: TestDatabase;
const as = (token?: string) => createCaller(createContext({ db: t.database, headers: new Headers(token ? { authorization: `Bearer ${token}` } : {}) }));

async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  const error = (await promise.then(
    () => null,
    (e) => e,
  )) as { code?: string; message?: string } | null;
  return { code: error?.code ?? "resolved", message: error?.message ?? "" };
}

async function setup() {
  const alice = await as().teams.register({ email: "alice@example.com", name: "Alice", teamName: "Atlas" });
  const invitation = await as(alice.token).teams.invite({ inviteeEmail: "bob@example.com" });
  const bob = await as().teams.join({ token: invitation.token, email: "bob@example.com", name: "Bob" });
  return { alice: alice.token, bob: bob.token! };
}

describe("tokens through tRPC", () => {
  beforeEach(async () => {
    t = await createTestDatabase();
  });
  afterEach(async () => {
    await t.drop();
  });

  it("creates a token (secret once, stored as a hash) that works until it is revoked, then 401", async () => {
    const { alice } = await setup();
    const created = await as(alice).tokens.create({ label: "laptop", scopes: ["kv:read", "teams:read"], expiresIn: 86400 });
    expect(created.token).toMatch(/^lat_[A-Za-z0-9_-]{43}$/);
    expect(created).toMatchObject({ label: "laptop", scopes: ["kv:read", "teams:read"], owner: "alice@example.com", status: "active", prefix: created.token.slice(0, 10) });
    expect(JSON.stringify(await t.database.sql.query("SELECT * FROM api_tokens"))).not.toContain(created.token);

    expect((await as(created.token).teams.whoami()).user.email).toBe("alice@example.com");
    const listed = await as(alice).tokens.list();
    expect(listed.map((x) => x.label)).toEqual(["laptop", "bootstrap"]);
    expect(JSON.stringify(listed)).not.toContain(created.token);

    const revoked = await as(alice).tokens.revoke({ id: created.id });
    expect(revoked.status).toBe("revoked");
    expect(await failure(as(created.token).teams.whoami())).toEqual({ code: "UNAUTHORIZED", message: "Invalid or revoked API token." });
  });

  it("revoking the token you call with works, and the next call with it is 401", async () => {
    const { alice } = await setup();
    const bootstrap = (await as(alice).tokens.list())[0]!;
    expect((await as(alice).tokens.revoke({ id: bootstrap.id })).status).toBe("revoked");
    expect((await failure(as(alice).tokens.list())).code).toBe("UNAUTHORIZED");
  });

  it("refuses scopes wider than the caller's with 403 naming the scope", async () => {
    const { alice, bob } = await setup();
    expect(await failure(as(bob).tokens.create({ label: "x", scopes: ["teams:admin"] }))).toEqual({
      code: "FORBIDDEN",
      message: "You cannot grant teams:admin: a token's scopes must be among your own (teams:read teams:write kv:write static:write).",
    });
    expect((await failure(as(bob).tokens.create({ label: "x", scopes: ["*"] }))).message).toMatch(/^You cannot grant \*:/);
    // A narrowed token narrows what it can mint, even for a * user.
    const narrow = await as(alice).tokens.create({ label: "ci", scopes: ["kv:write"] });
    expect((await as(narrow.token).tokens.create({ label: "ci-read", scopes: ["kv:read"] })).scopes).toEqual(["kv:read"]);
    expect((await failure(as(narrow.token).tokens.create({ label: "x", scopes: ["static:read"] }))).message).toMatch(/^You cannot grant static:read:/);
    expect((await failure(as(narrow.token).tokens.create({ label: "x", scopes: ["*"] }))).code).toBe("FORBIDDEN");
    expect(await t.database.prisma.apiToken.count()).toBe(4); // alice's bootstrap, bob's join, ci, ci-read
  });

  it("a member mints a token for a second machine with their own scopes, and it works", async () => {
    const { bob } = await setup();
    const second = await as(bob).tokens.create({ label: "second machine" });
    expect(second.scopes).toEqual(["teams:read", "teams:write", "kv:write", "static:write"]);
    expect((await as(second.token).teams.whoami()).user.email).toBe("bob@example.com");
    // kv:read is implied by his kv:write, so a kv:read token keeps it (and may pass it on).
    const reader = await as(bob).tokens.create({ label: "reader", scopes: ["kv:read"] });
    expect((await as(reader.token).tokens.create({ label: "reader 2", scopes: ["kv:read"] })).scopes).toEqual(["kv:read"]);
    await as(bob).tokens.revoke({ id: reader.id });
    // A member sees only their own tokens, and may not list everyone's.
    expect((await as(bob).tokens.list()).map((x) => x.label)).toEqual(["reader 2", "reader", "second machine", "join"]);
    expect(await failure(as(bob).tokens.list({ all: true }))).toEqual({ code: "FORBIDDEN", message: "This needs the teams:admin scope." });
  });

  it("another member's token: a member may not revoke it (403), an owner may", async () => {
    const { alice, bob } = await setup();
    const alicesTokenId = (await as(alice).tokens.list())[0]!.id;
    expect(await failure(as(bob).tokens.revoke({ id: alicesTokenId }))).toEqual({ code: "FORBIDDEN", message: "This needs the teams:admin scope." });
    const bobs = await as(bob).tokens.create({ label: "leaked" });
    expect((await as(alice).tokens.list({ all: true })).map((x) => [x.label, x.owner])).toContainEqual(["leaked", "bob@example.com"]);
    expect((await as(alice).tokens.revoke({ id: bobs.id })).status).toBe("revoked");
    expect((await failure(as(bobs.token).teams.whoami())).code).toBe("UNAUTHORIZED");
    expect((await failure(as(alice).tokens.revoke({ id: "00000000-0000-4000-8000-000000000000" }))).code).toBe("NOT_FOUND");
  });

  it("validates label, scopes and expiresIn with 422 and creates nothing", async () => {
    const { alice } = await setup();
    const cases: [unknown, string][] = [
      [{ label: "" }, "label: label must not be empty"],
      [{ label: "a\nb" }, "label: label must not contain control characters"],
      [{ label: "a\u001b[31mb" }, "label: label must not contain control characters"],
      [{ label: "invoice\u202Etxt.exe" }, "label: label must not contain control characters"],
      [{ label: "x".repeat(101) }, "label: label is too long (100 characters at most)"],
      [{ label: "x", scopes: ["kv:everything"] }, 'scopes.0: "kv:everything" is not a scope (kv:read … teams:admin, or *)'],
      [{ label: "x", scopes: [] }, "scopes: scopes must name at least one scope"],
      [{ label: "x", expiresIn: 3651 * 86400 }, "expiresIn: expiresIn is too long (10 years at most)"],
      [{ label: "x", expiresIn: -5 }, "expiresIn: expiresIn must be a positive number of seconds"],
    ];
    for (const [input, message] of cases) {
      expect(await failure(as(alice).tokens.create(input as { label: string })), JSON.stringify(input)).toEqual({ code: "UNPROCESSABLE_CONTENT", message });
    }
    expect(await t.database.prisma.apiToken.count()).toBe(2);
    expect((await as(alice).tokens.create({ label: "ten years", expiresIn: 3650 * 86400 })).status).toBe("active");
  });
});

describe("tokens through /api/v1/tokens", () => {
  let server: RunningServer;
  let tokens: { alice: string; bob: string };
  const api = async (method: string, path: string, token: string | null, body?: unknown) => {
    const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
    if (body !== undefined) headers["content-type"] = "application/json";
    const res = await fetch(`${server.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, body: await res.json() };
  };

  beforeAll(async () => {
    t = await createTestDatabase();
    tokens = await setup();
    server = await startServer({ databaseUrl: t.url });
  });
  afterAll(async () => {
    await server?.stop();
    await t?.drop();
  });

  it("POST creates (201, secret once), GET lists without secrets, DELETE revokes, then 401", async () => {
    const created = await api("POST", "/api/v1/tokens", tokens.bob, { label: "second machine", expiresIn: 3600 });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ label: "second machine", scopes: ["teams:read", "teams:write", "kv:write", "static:write"], status: "active" });
    const secret = created.body.token as string;
    const listed = await api("GET", "/api/v1/tokens", secret);
    expect(listed.status).toBe(200);
    expect(listed.body.map((x: { label: string }) => x.label)).toEqual(["second machine", "join"]);
    expect(JSON.stringify(listed.body)).not.toContain(secret);

    expect((await api("DELETE", `/api/v1/tokens/${created.body.id}`, secret)).body.status).toBe("revoked");
    expect(await api("GET", "/api/v1/tokens", secret)).toEqual({ status: 401, body: { error: { code: "UNAUTHORIZED", message: "Invalid or revoked API token." } } });
  });

  it("refuses widening (403), bad input (422), bad ids (422/404) and no credentials (401)", async () => {
    expect(await api("POST", "/api/v1/tokens", tokens.bob, { label: "x", scopes: ["static:admin"] })).toEqual({
      status: 403,
      body: { error: { code: "FORBIDDEN", message: "You cannot grant static:admin: a token's scopes must be among your own (teams:read teams:write kv:write static:write)." } },
    });
    expect((await api("POST", "/api/v1/tokens", tokens.alice, { label: "x\u0000" })).status).toBe(422);
    expect((await api("POST", "/api/v1/tokens", tokens.alice, { label: "x", expiresIn: 1e12 })).status).toBe(422);
    expect((await api("DELETE", "/api/v1/tokens/not-an-id", tokens.alice)).status).toBe(422);
    expect((await api("DELETE", "/api/v1/tokens/00000000-0000-4000-8000-000000000000", tokens.alice)).status).toBe(404);
    expect((await api("GET", "/api/v1/tokens", null)).status).toBe(401);
  });
});
