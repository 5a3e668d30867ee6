import crypto from "node:crypto";
import http from "node:http";
import { encode } from "next-auth/jwt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test/support/database.ts";
import { startServer, type RunningServer } from "../../../test/support/server.ts";

// Issue 8, the auth items: CSRF on body-less mutations, throttling, sessions that end,
// X-Forwarded-Host, framing. Everything through the real `npm start` server.

const alice = { email: "alice@example.com", name: "Alice", teamName: "Atlas", password: "correct horse battery" };
const JSON_TYPE = { "content-type": "application/json" };

const cookiesOf = (res: Response) => res.headers.getSetCookie().map((c) => c.split(";")[0]!);
const madeUp = (prefix: string) => prefix + "A".repeat(43);

async function api(base: string, path: string, init: { method?: string; headers?: Record<string, string>; body?: unknown } = {}) {
  const res = await fetch(`${base}${path}`, {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers: { ...(init.body === undefined ? {} : JSON_TYPE), ...init.headers },
    body: init.body === undefined ? undefined : typeof init.body === "string" ? init.body : JSON.stringify(init.body),
    redirect: "manual",
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

/** next-auth's credentials sign-in, as the sign-in page does it; `cookie` holds the CSRF and (on success) session cookies. */
async function signIn(base: string, email: string, password: string, headers: Record<string, string> = {}) {
  const csrf = await fetch(`${base}/api/auth/csrf`, { headers });
  const csrfCookie = cookiesOf(csrf).join("; ");
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const res = await fetch(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: csrfCookie, ...headers },
    body: new URLSearchParams({ csrfToken, email, password, json: "true" }),
  });
  const session = cookiesOf(res).find((c) => /^next-auth\.session-token=./.test(c));
  return { res, session, csrfToken, cookie: session ? `${csrfCookie}; ${session}` : csrfCookie };
}

async function register(base: string) {
  const res = await api(base, "/api/v1/teams/register", { body: alice });
  expect(res.status).toBe(201);
  return res.body.token as string;
}

async function invite(base: string, ownerToken: string, email: string) {
  const res = await api(base, "/api/v1/teams/invitations", { body: { inviteeEmail: email }, headers: { authorization: `Bearer ${ownerToken}` } });
  expect(res.status).toBe(201);
  return res.body.token as string;
}

async function join(base: string, token: string, email: string, name: string, password: string, headers: Record<string, string> = {}) {
  return api(base, "/api/v1/teams/join", { body: { token, email, name, password }, headers });
}

const SESSION_SECRET = "a-test-secret-for-forging-session-cookies";

describe("sessions, CSRF, forwarded headers and framing (no proxy trusted)", () => {
  let t: TestDatabase;
  let server: RunningServer;
  let aliceToken: string;
  const me = (cookie: string) => api(server.url, "/api/v1/me", { headers: { cookie } });
  const whoamiOverTrpc = async (cookie: string) => (await fetch(`${server.url}/api/trpc/teams.whoami`, { headers: { cookie } })).status;

  beforeAll(async () => {
    t = await createTestDatabase();
    server = await startServer({ databaseUrl: t.url, env: { NEXTAUTH_SECRET: SESSION_SECRET } });
    aliceToken = await register(server.url);
    await api(server.url, "/api/v1/account/password", { body: { password: alice.password }, headers: { authorization: `Bearer ${aliceToken}` } });
  });
  afterAll(async () => {
    await server?.stop();
    await t?.drop();
  });

  async function member(email: string, name: string, password: string) {
    expect((await join(server.url, await invite(server.url, aliceToken, email), email, name, password)).status).toBe(201);
    const { session, cookie } = await signIn(server.url, email, password);
    expect(session).toBeDefined();
    return cookie;
  }
  const isMember = async (email: string) => (await t.database.prisma.membership.count({ where: { user: { email } } })) === 1;

  describe("CSRF: cookie-session mutations need a JSON content type and this server's Origin", () => {
    let carol: string;
    beforeAll(async () => {
      carol = await member("carol@example.com", "Carol", "carol's password");
      expect((await api(server.url, "/api/v1/static/buckets", { body: { name: "site" }, headers: { authorization: `Bearer ${aliceToken}` } })).status).toBe(201);
    });

    it.each([
      ["a form", "application/x-www-form-urlencoded"],
      ["text/plain", "text/plain"],
      ["a multipart form", "multipart/form-data; boundary=x"],
    ])("POST /teams/leave as %s with the session cookie → 415, and she is still a member", async (_label, type) => {
      const res = await api(server.url, "/api/v1/teams/leave", { method: "POST", headers: { cookie: carol, "content-type": type } });
      expect(res.status).toBe(415);
      expect(res.body).toEqual({
        error: { code: "UNSUPPORTED_MEDIA_TYPE", message: "Send this request with Content-Type: application/json (an empty body is fine where none is needed)." },
      });
      expect(await isMember("carol@example.com")).toBe(true);
    });

    it("POST /teams/leave with no content type and no body → 415", async () => {
      const res = await api(server.url, "/api/v1/teams/leave", { method: "POST", headers: { cookie: carol } });
      expect(res.status).toBe(415);
      expect(await isMember("carol@example.com")).toBe(true);
    });

    it("POST …/rollback as a form → 415; as JSON with an empty body it reaches the service", async () => {
      const form = await api(server.url, "/api/v1/static/buckets/site/rollback", { method: "POST", headers: { cookie: carol, "content-type": "application/x-www-form-urlencoded" } });
      expect(form.status).toBe(415);
      const json = await api(server.url, "/api/v1/static/buckets/site/rollback", { method: "POST", headers: { cookie: carol, ...JSON_TYPE, origin: server.url } });
      expect(json).toMatchObject({ status: 409, body: { error: { message: 'Bucket "site" has no previous deploy to roll back to.' } } });
    });

    it.each([["a sibling subdomain", "http://static.localhost"], ["another port", "http://localhost:1"], ["a sandboxed frame", "null"]])(
      "a JSON mutation whose Origin is %s → 403, nothing changes",
      async (_label, origin) => {
        const res = await api(server.url, "/api/v1/teams/leave", { method: "POST", headers: { cookie: carol, ...JSON_TYPE, origin } });
        expect(res).toMatchObject({ status: 403, body: { error: { code: "FORBIDDEN", message: "Cross-origin request refused: its Origin is not this server." } } });
        const trpc = await api(server.url, "/api/trpc/teams.leave", { method: "POST", body: "{}", headers: { cookie: carol, origin } });
        expect(trpc.status).toBe(403);
        expect(await isMember("carol@example.com")).toBe(true);
      },
    );

    it("a bearer token needs neither (no ambient credential): a form-typed rollback with a token is not refused for its type", async () => {
      const res = await api(server.url, "/api/v1/static/buckets/site/rollback", {
        method: "POST",
        headers: { authorization: `Bearer ${aliceToken}`, "content-type": "text/plain", origin: "http://evil.example" },
      });
      expect(res.status).toBe(409);
    });

    it("the dashboard's own request (JSON, its own Origin, empty body) still works: Carol leaves", async () => {
      const res = await api(server.url, "/api/v1/teams/leave", { method: "POST", headers: { cookie: carol, ...JSON_TYPE, origin: server.url } });
      expect(res.status).toBe(200);
      expect(await isMember("carol@example.com")).toBe(false);
    });
  });

  describe("sessions end when they should: a captured cookie stops working", () => {
    it("after sign-out (that session only; another browser of the same user stays signed in)", async () => {
      const first = await signIn(server.url, alice.email, alice.password);
      const second = await signIn(server.url, alice.email, alice.password);
      expect((await me(first.cookie)).status).toBe(200);
      const out = await fetch(`${server.url}/api/auth/signout`, {
        method: "POST",
        redirect: "manual",
        headers: { "content-type": "application/x-www-form-urlencoded", cookie: first.cookie },
        body: new URLSearchParams({ csrfToken: first.csrfToken, json: "true" }),
      });
      expect(out.status).toBeLessThan(400);
      expect((await me(first.cookie)).status).toBe(401);
      expect(await whoamiOverTrpc(first.cookie)).toBe(401);
      expect((await me(second.cookie)).status).toBe(200);
    });

    it("after a password change (every session of the account, the changing one too)", async () => {
      const dave = await member("dave@example.com", "Dave", "dave's first password");
      const other = (await signIn(server.url, "dave@example.com", "dave's first password")).cookie;
      const res = await api(server.url, "/api/v1/account/password", {
        body: { currentPassword: "dave's first password", password: "dave's second password" },
        headers: { cookie: dave, origin: server.url },
      });
      expect(res).toMatchObject({ status: 200, body: { email: "dave@example.com", passwordSet: true } });
      expect((await me(dave)).status).toBe(401);
      expect((await me(other)).status).toBe(401);
      expect(await whoamiOverTrpc(other)).toBe(401);
      const again = await signIn(server.url, "dave@example.com", "dave's second password");
      expect((await me(again.cookie)).status).toBe(200);
    });

    it("after sign out everywhere (JSON route and tRPC)", async () => {
      const a = await signIn(server.url, alice.email, alice.password);
      const b = await signIn(server.url, alice.email, alice.password);
      const res = await api(server.url, "/api/v1/account/sign-out-everywhere", { method: "POST", headers: { cookie: a.cookie, ...JSON_TYPE } });
      expect(res).toMatchObject({ status: 200, body: { email: alice.email, signedOut: true } });
      expect((await me(a.cookie)).status).toBe(401);
      expect((await me(b.cookie)).status).toBe(401);
      // API tokens are not sessions.
      expect((await api(server.url, "/api/v1/me", { headers: { authorization: `Bearer ${aliceToken}` } })).status).toBe(200);

      const c = await signIn(server.url, alice.email, alice.password);
      const trpc = await api(server.url, "/api/trpc/account.signOutEverywhere", { method: "POST", body: "{}", headers: { cookie: c.cookie } });
      expect(trpc.status).toBe(200);
      expect(await whoamiOverTrpc(c.cookie)).toBe(401);
    });

    it("30 days after sign-in at most, however often the session was used (next-auth rolls the cookie's expiry)", async () => {
      const user = await t.database.prisma.user.findUniqueOrThrow({ where: { email: alice.email } });
      const cookieFor = async (signedInAt: number) =>
        `next-auth.session-token=${await encode({
          secret: SESSION_SECRET,
          token: { sub: user.id, email: user.email, name: user.displayName, sid: crypto.randomUUID(), generation: user.sessionGeneration, signedInAt },
        })}`;
      const day = 24 * 3600 * 1000;
      expect((await me(await cookieFor(Date.now() - 29 * day))).status).toBe(200);
      expect((await me(await cookieFor(Date.now() - 31 * day))).status).toBe(401);
    });

    it("after the member is kicked, re-invited and has joined again", async () => {
      const eve = await member("eve@example.com", "Eve", "eve's password 1");
      expect((await me(eve)).status).toBe(200);
      const kick = await api(server.url, "/api/v1/teams/kick", { body: { email: "eve@example.com" }, headers: { authorization: `Bearer ${aliceToken}` } });
      expect(kick.status).toBe(200);
      const rejoin = await join(server.url, await invite(server.url, aliceToken, "eve@example.com"), "eve@example.com", "Eve", "eve's password 2");
      expect(rejoin.status).toBe(201);
      expect((await me(eve)).status).toBe(401);
      expect(await whoamiOverTrpc(eve)).toBe(401);
      expect((await me((await signIn(server.url, "eve@example.com", "eve's password 2")).cookie)).status).toBe(200);
    });
  });

  describe("X-Forwarded-Host from a client is not believed", () => {
    const evil = { "x-forwarded-host": "evil.example", "x-forwarded-proto": "https" };

    it("next-auth's sign-in redirect, providers and CSRF answers never point at evil.example", async () => {
      const signin = await fetch(`${server.url}/api/auth/signin`, { headers: evil, redirect: "manual" });
      expect(signin.headers.get("location")).toBe(`/signin?callbackUrl=${encodeURIComponent(server.url)}`);
      const providers = await (await fetch(`${server.url}/api/auth/providers`, { headers: evil })).text();
      expect(providers).toContain(`${server.url}/api/auth/`);
      expect(providers).not.toContain("evil.example");
      const { cookie, csrfToken } = await signIn(server.url, alice.email, alice.password, evil);
      const out = await fetch(`${server.url}/api/auth/signout`, {
        method: "POST",
        redirect: "manual",
        headers: { "content-type": "application/x-www-form-urlencoded", cookie, ...evil },
        body: new URLSearchParams({ csrfToken, callbackUrl: "/signin" }),
      });
      expect(out.headers.get("location") ?? "").not.toContain("evil.example");
      expect(out.headers.get("location")).toMatch(new RegExp(`^${server.url}/`));
    });
  });

  describe("framing", () => {
    it.each(["/signin", "/api/v1/health", "/api/auth/csrf"])("%s says it may not be framed", async (path) => {
      const res = await fetch(`${server.url}${path}`, { redirect: "manual" });
      expect(res.headers.get("x-frame-options")).toBe("DENY");
      expect(res.headers.get("content-security-policy")).toBe("frame-ancestors 'none'");
    });

    it("a bound host's response is the user's content: no framing headers added", async () => {
      const auth = { authorization: `Bearer ${aliceToken}` };
      expect((await api(server.url, "/api/v1/bindings", { body: { host: "site.test", surface: "static", bucket: "site" }, headers: auth })).status).toBe(201);
      const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
        http.get({ host: "127.0.0.1", port: server.port, path: "/", headers: { host: "site.test" } }, (r) => (r.resume(), resolve(r))).on("error", reject);
      });
      expect(res.statusCode).toBe(404);
      expect(res.headers["x-frame-options"]).toBeUndefined();
      expect(res.headers["content-security-policy"]).toBeUndefined();
    });
  });
});

describe("throttling (behind a trusted proxy, so each test is its own client address)", () => {
  let t: TestDatabase;
  let server: RunningServer;
  let aliceToken: string;
  const from = (address: string) => ({ "x-forwarded-for": `203.0.113.9, ${address}` });
  const wait = (seconds: number) => new Promise((resolve) => setTimeout(resolve, seconds * 1000 + 100));

  beforeAll(async () => {
    t = await createTestDatabase();
    // Three free failures, then 1 s, 2 s, … so a test waits one second, not minutes.
    server = await startServer({ databaseUrl: t.url, env: { LATTICE_TRUST_PROXY: "1", LATTICE_THROTTLE_FREE_FAILURES: "3", LATTICE_THROTTLE_BASE_MS: "1000" } });
    aliceToken = await register(server.url);
    await api(server.url, "/api/v1/account/password", { body: { password: alice.password }, headers: { authorization: `Bearer ${aliceToken}` } });
  });
  afterAll(async () => {
    await server?.stop();
    await t?.drop();
  });

  it("sign-in: wrong passwords → 429 with Retry-After; the right one is refused while throttled (any address), works after the wait", async () => {
    for (let i = 0; i < 4; i++) {
      const { res, session } = await signIn(server.url, alice.email, "wrong password", from("10.0.0.1"));
      expect(res.status).not.toBe(429);
      expect(session).toBeUndefined();
    }
    const blocked = await signIn(server.url, alice.email, "wrong password", from("10.0.0.1"));
    expect(blocked.res.status).toBe(429);
    expect(blocked.res.headers.get("retry-after")).toBe("1");
    expect(await blocked.res.json()).toEqual({
      url: expect.stringMatching(/\/signin\?error=TooManyAttempts:1$/),
      error: { code: "TOO_MANY_REQUESTS", message: "Too many failed attempts; try again in 1 s." },
    });
    // The account is blocked, whatever the address.
    const right = await signIn(server.url, alice.email, alice.password, from("10.0.0.2"));
    expect(right.res.status).toBe(429);
    expect(right.session).toBeUndefined();

    await wait(1);
    const after = await signIn(server.url, alice.email, alice.password, from("10.0.0.1"));
    expect(after.session).toBeDefined();
    // A success resets the account's count: one more wrong password is not blocked.
    expect((await signIn(server.url, alice.email, "wrong password", from("10.0.0.3"))).res.status).not.toBe(429);
  });

  it("sign-in: one address trying many accounts is blocked by address", async () => {
    for (let i = 0; i < 4; i++) {
      expect((await signIn(server.url, `nobody${i}@example.com`, "guess", from("10.0.0.9"))).res.status).not.toBe(429);
    }
    expect((await signIn(server.url, "nobody9@example.com", "guess", from("10.0.0.9"))).res.status).toBe(429);
  });

  it("joining with made-up invitation tokens → 404 then 429; a real token still works from another address", async () => {
    const real = await invite(server.url, aliceToken, "bob@example.com");
    for (let i = 0; i < 4; i++) {
      const res = await join(server.url, madeUp("latinv_"), "bob@example.com", "Bob", "bob's password", from("10.0.1.1"));
      expect(res).toMatchObject({ status: 404, body: { error: { message: "Invalid invitation token." } } });
    }
    const blocked = await join(server.url, real, "bob@example.com", "Bob", "bob's password", from("10.0.1.1"));
    expect(blocked).toMatchObject({ status: 429, body: { error: { code: "TOO_MANY_REQUESTS" } } });
    expect(blocked.headers.get("retry-after")).toBe("1");
    // Over tRPC too, from the same address.
    const trpc = await api(server.url, "/api/trpc/teams.join", { body: { json: { token: real, email: "bob@example.com", name: "Bob" } }, headers: from("10.0.1.1") });
    expect(trpc.status).toBe(429);
    expect(await t.database.prisma.membership.count()).toBe(1);

    const ok = await join(server.url, real, "bob@example.com", "Bob", "bob's password", from("10.0.1.2"));
    expect(ok.status).toBe(201);
  });

  it("bad lat_ and lst_ tokens on /api/v1 and tRPC count per address; a valid token works from another address", async () => {
    const bad = (token: string) => ({ authorization: `Bearer ${token}`, ...from("10.0.2.1") });
    expect((await api(server.url, "/api/v1/me", { headers: bad(madeUp("lat_")) })).status).toBe(401);
    expect((await api(server.url, "/api/v1/kv/buckets/cache/keys", { headers: bad(madeUp("lst_")) })).status).toBe(401);
    expect((await api(server.url, "/api/trpc/teams.whoami", { headers: bad(madeUp("lat_")) })).status).toBe(401);
    expect((await api(server.url, "/api/v1/me", { headers: bad("not-a-token") })).status).toBe(401);

    const trpc = await api(server.url, "/api/trpc/teams.whoami", { headers: bad(madeUp("lat_")) });
    expect(trpc.status).toBe(429);
    expect(trpc.headers.get("retry-after")).toBe("1");
    const v1 = await api(server.url, "/api/v1/me", { headers: { authorization: `Bearer ${aliceToken}`, ...from("10.0.2.1") } });
    expect(v1).toMatchObject({ status: 429, body: { error: { message: "Too many failed attempts; try again in 1 s." } } });
    expect((await api(server.url, "/api/v1/me", { headers: { authorization: `Bearer ${aliceToken}`, ...from("10.0.2.2") } })).status).toBe(200);
  });

  it("the current-password check of POST /account/password is throttled per account", async () => {
    const { cookie } = await signIn(server.url, alice.email, alice.password, from("10.0.3.1"));
    const change = (currentPassword: string, address: string) =>
      api(server.url, "/api/v1/account/password", { body: { currentPassword, password: "a new password" }, headers: { cookie, ...from(address) } });
    for (let i = 0; i < 4; i++) expect((await change("wrong", "10.0.3.1")).status).toBe(403);
    const blocked = await change(alice.password, "10.0.3.2");
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get("retry-after")).toBe("1");
    // Nothing changed: the old password still signs in.
    expect((await signIn(server.url, alice.email, alice.password, from("10.0.3.3"))).session).toBeDefined();
  });
});
