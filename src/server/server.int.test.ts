import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../test/support/database.ts";
import { startServer, type RunningServer } from "../../test/support/server.ts";
import { freePort } from "../../test/support/postgres.ts";
import { openDatabase } from "./db.ts";

const root = path.resolve(import.meta.dirname, "../..");
const alice = { email: "alice@example.com", name: "Alice", teamName: "Atlas", password: "correct horse" };

function post(url: string, body: string, headers: Record<string, string> = { "content-type": "application/json" }) {
  return fetch(url, { method: "POST", headers, body });
}

describe("the npm start server on Postgres (DATABASE_URL)", () => {
  let t: TestDatabase;
  let server: RunningServer;
  beforeAll(async () => {
    t = await createTestDatabase();
    server = await startServer({ databaseUrl: t.url });
  });
  afterAll(async () => {
    await server?.stop();
    await t?.drop();
  });

  const counts = async () => ({ users: await t.database.prisma.user.count(), teams: await t.database.prisma.team.count() });

  it("answers health with db postgres", async () => {
    const res = await fetch(`${server.url}/api/v1/health`);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await res.json()).toEqual({ ok: true, service: "lattice", version: "0.1.0", db: "postgres", hasTeam: false });
  });

  it.each([
    ["malformed JSON", '{"email":', { "content-type": "application/json" }, 400, "Malformed JSON in request body."],
    ["an empty body", "", { "content-type": "application/json" }, 400, "Request body is empty: send a JSON object."],
    ["a form body (CSRF guard)", "email=a", { "content-type": "application/x-www-form-urlencoded" }, 400, "Send a JSON body with Content-Type: application/json."],
    ["missing fields", "{}", { "content-type": "application/json" }, 422, "email: email is required"],
    ["a bad email", JSON.stringify({ ...alice, email: "alice" }), { "content-type": "application/json" }, 422, "email: email is not a valid address"],
    ["an over-long name", JSON.stringify({ ...alice, name: "n".repeat(101) }), { "content-type": "application/json" }, 422, "name: name is too long (100 characters at most)"],
    ["a JSON array", "[]", { "content-type": "application/json" }, 422, "Invalid input: expected object, received array"],
  ])("refuses %s with a clear 4xx and writes nothing", async (_label, body, headers, status, message) => {
    const res = await post(`${server.url}/api/v1/teams/register`, body, headers);
    expect(res.status).toBe(status);
    expect(await res.json()).toEqual({ error: { code: expect.any(String), message } });
    expect(await counts()).toEqual({ users: 0, teams: 0 });
  });

  it("refuses bad input over tRPC with a 4xx too", async () => {
    const res = await post(`${server.url}/api/trpc/teams.register`, JSON.stringify({ json: { email: "x" } }));
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    const body = await res.json();
    expect(body.error.json.message).toBe("email: email is not a valid address");
    expect(await counts()).toEqual({ users: 0, teams: 0 });
  });

  it("registers through JSON, then refuses a second registration through tRPC with 409", async () => {
    const res = await post(`${server.url}/api/v1/teams/register`, JSON.stringify(alice));
    expect(res.status).toBe(201);
    const created = await res.json();
    expect(created.token).toMatch(/^lat_/);

    const again = await post(`${server.url}/api/trpc/teams.register`, JSON.stringify({ json: { ...alice, email: "eve@example.com" } }));
    expect(again.status).toBe(409);
    expect((await again.json()).error.json.message).toMatch(/^This server already has a team \("Atlas"\)/);
    expect(await counts()).toEqual({ users: 1, teams: 1 });

    // The bearer token works on tRPC and JSON; a wrong one is 401, no token is 401.
    const me = await fetch(`${server.url}/api/v1/me`, { headers: { authorization: `Bearer ${created.token}` } });
    expect((await me.json()).role).toBe("owner");
    expect((await fetch(`${server.url}/api/v1/me`, { headers: { authorization: "Bearer lat_wrongwrongwrongwrongwrongwrong" } })).status).toBe(401);
    expect((await fetch(`${server.url}/api/v1/teams`)).status).toBe(401);
    const overview = await fetch(`${server.url}/api/trpc/teams.overview`, { headers: { authorization: `Bearer ${created.token}` } });
    expect(overview.status).toBe(200);
    // last_used_at is recorded; the token itself is never logged.
    const token = await t.database.prisma.apiToken.findFirstOrThrow();
    expect(token.lastUsedAt).not.toBeNull();
    expect(server.logs()).not.toContain(created.token);
  });

  it("answers unknown API paths with JSON 404", async () => {
    const res = await fetch(`${server.url}/api/v1/nothing-here`);
    expect(res.status).toBe(404);
    expect((await res.json()).error.code).toBe("NOT_FOUND");
  });

  it("refuses a scope the token does not have with 403", async () => {
    const user = await t.database.prisma.user.findFirstOrThrow();
    const { mintToken } = await import("./auth/tokens.ts");
    const narrow = mintToken("api");
    await t.database.prisma.apiToken.create({
      data: { userId: user.id, label: "kv-only", tokenHash: narrow.hash, prefix: narrow.displayPrefix, scopes: ["kv:read"] },
    });
    const res = await fetch(`${server.url}/api/v1/teams`, { headers: { authorization: `Bearer ${narrow.secret}` } });
    expect(res.status).toBe(403);
    expect((await res.json()).error.message).toBe("This needs the teams:read scope.");
  });
});

describe("the npm start server on embedded PGlite", () => {
  it("serves health with db pglite, stops cleanly on SIGTERM, and keeps its data", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "lattice-data-"));
    const server = await startServer({ dataDir });
    expect(await (await fetch(`${server.url}/api/v1/health`)).json()).toMatchObject({ ok: true, db: "pglite", hasTeam: false });
    expect((await post(`${server.url}/api/v1/teams/register`, JSON.stringify(alice))).status).toBe(201);
    expect(await server.stop("SIGTERM")).toBe(0);
    expect(server.logs()).toContain("[lattice] stopped");
    expect(fs.statSync(path.join(dataDir, "auth-secret")).mode & 0o777).toBe(0o600);

    const again = await startServer({ dataDir });
    expect(await (await fetch(`${again.url}/api/v1/health`)).json()).toMatchObject({ db: "pglite", hasTeam: true });
    expect(await again.stop("SIGINT")).toBe(0);
  });

  it("finishes an in-flight request before stopping", async () => {
    const server = await startServer();
    const inFlight = fetch(`${server.url}/api/v1/health`).then((r) => r.status);
    await new Promise((r) => setTimeout(r, 5));
    const stopped = server.stop("SIGTERM");
    expect(await inFlight).toBe(200);
    expect(await stopped).toBe(0);
  });
});

describe("plain `next start` and `npm run db:migrate`", () => {
  it("db:migrate applies the migrations to an empty Postgres database and is idempotent", async () => {
    const t = await createTestDatabase();
    try {
      await t.database.sql.exec(`DROP SCHEMA public CASCADE; CREATE SCHEMA public;`);
      const run = () => spawnSync("npm", ["run", "--silent", "db:migrate"], { cwd: root, encoding: "utf8", env: { ...process.env, DATABASE_URL: t.url } });
      const first = run();
      expect(first.status).toBe(0);
      expect(first.stdout).toMatch(/Applied \d+ migration\(s\) to Postgres \(DATABASE_URL\): \d+_init, /);
      expect(run().stdout).toContain("Postgres (DATABASE_URL) is up to date.");
      expect(await t.database.prisma.team.count()).toBe(0);
    } finally {
      await t.drop();
    }
  });

  it("plain next start applies migrations and serves the same API", async () => {
    const t = await createTestDatabase();
    await t.database.sql.exec(`DROP SCHEMA public CASCADE; CREATE SCHEMA public;`);
    const port = await freePort();
    const nextBin = path.join(root, "node_modules/next/dist/bin/next");
    const child = spawn(process.execPath, [nextBin, "start", "-p", String(port)], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: t.url, NODE_ENV: "production", LATTICE_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), "lattice-data-")) },
      stdio: "ignore",
    });
    try {
      let health: Response | undefined;
      for (let i = 0; i < 100 && !health; i++) {
        health = await fetch(`http://localhost:${port}/api/v1/health`).catch(() => undefined);
        if (!health) await new Promise((r) => setTimeout(r, 200));
      }
      expect(await health!.json()).toMatchObject({ ok: true, db: "postgres", hasTeam: false });
      const res = await post(`http://localhost:${port}/api/v1/teams/register`, JSON.stringify(alice));
      expect(res.status).toBe(201);
    } finally {
      child.kill("SIGTERM");
      await new Promise((r) => child.on("exit", r));
      await t.drop();
    }
  });
});

// Opening the same data dir twice in one process would corrupt PGlite: the handle is shared.
describe("one database handle per process", () => {
  it("db() keeps its handle on globalThis, where a second bundle of db.ts finds it", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "lattice-data-"));
    process.env.LATTICE_DATA_DIR = dataDir;
    const a = await import("./db.ts");
    const handle = a.db();
    expect((globalThis as { __latticeDatabase?: unknown }).__latticeDatabase).toBe(handle);
    await a.closeDb();
    const other = openDatabase({ dataDir });
    await other.close();
  });
});
