import crypto from "node:crypto";
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../../test/support/database.ts";
import { startServer, type RunningServer } from "../../../../test/support/server.ts";
import { registerTeam } from "../teams/register-team.ts";

const sha = (s: string | Buffer) => crypto.createHash("sha256").update(s).digest("hex");
const HOST = "headers.example.com";
const IMMUTABLE = "public, max-age=31536000, immutable";
const DEFAULT = "public, max-age=0, must-revalidate";

const headersFile = `# long-lived assets
/assets/*
  Cache-Control: ${IMMUTABLE}
/*.html
  Cache-Control: no-cache
/
  X-Frame-Options: DENY
`;

let t: TestDatabase;
let server: RunningServer;
let owner: string;

function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: "127.0.0.1", port: server.port, path, headers: { host: HOST, ...headers } }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
      })
      .on("error", reject);
  });
}

async function api(method: string, path: string, body?: unknown, raw?: Buffer) {
  const headers: Record<string, string> = { authorization: `Bearer ${owner}` };
  if (body !== undefined) headers["content-type"] = "application/json";
  if (raw) headers["content-type"] = "application/octet-stream";
  const res = await fetch(`${server.url}${path}`, { method, headers, body: raw ? new Uint8Array(raw) : body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

async function trpcMutation(path: string, input: unknown) {
  const res = await fetch(`${server.url}/api/trpc/${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${owner}`, "content-type": "application/json" },
    body: JSON.stringify({ json: input }),
  });
  return { status: res.status, body: await res.json() };
}

/** Uploads the blobs and deploys through the JSON API, as the CLI does. */
async function deploy(files: Record<string, string>) {
  for (const content of Object.values(files)) {
    expect([200, 201]).toContain((await api("PUT", `/api/v1/static/buckets/site/blobs/${sha(content)}`, undefined, Buffer.from(content))).status);
  }
  return api("POST", "/api/v1/static/buckets/site/deploys", {
    files: Object.entries(files).map(([path, content]) => ({ path, sha256: sha(content), size: Buffer.byteLength(content) })),
  });
}

/** Polls until the served header has the expected value: the switch reaches the cache through NOTIFY. */
async function eventually(path: string, header: string, expected: string | undefined) {
  let last: string | string[] | undefined;
  for (let i = 0; i < 50; i++) {
    last = (await get(path)).headers[header];
    if (last === expected) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(last).toBe(expected);
}

const site = {
  _headers: headersFile,
  "index.html": "<h1>v1</h1>",
  "page.html": "<p>page</p>",
  "assets/app.js": "console.log(1)",
  "app.css": "body{}",
  "404.html": "<h1>custom 404</h1>",
};

beforeAll(async () => {
  t = await createTestDatabase();
  owner = (await registerTeam(t.database.prisma, { email: "alice@example.com", name: "Alice", teamName: "Atlas" })).token;
  server = await startServer({ databaseUrl: t.url });
  expect((await api("POST", "/api/v1/static/buckets", { name: "site" })).status).toBe(201);
  expect((await api("POST", "/api/v1/bindings", { host: HOST, surface: "static", bucket: "site" })).status).toBe(201);
  expect((await deploy(site)).status).toBe(201);
}, 180_000);

afterAll(async () => {
  await server?.stop();
  await t?.drop();
});

describe("per-path headers from _headers", () => {
  it("applies the matching rules per path and the default elsewhere, on cold and cached requests", async () => {
    for (let round = 0; round < 2; round++) {
      const app = await get("/assets/app.js");
      expect(app.status).toBe(200);
      expect(app.headers["cache-control"]).toBe(IMMUTABLE);
      expect(app.headers["x-frame-options"]).toBeUndefined();
      for (const path of ["/", "/index.html"]) {
        const index = await get(path);
        expect(index.body).toBe("<h1>v1</h1>");
        expect(index.headers["cache-control"]).toBe("no-cache");
        expect(index.headers["x-frame-options"]).toBe("DENY");
        expect(index.headers["content-type"]).toBe("text/html; charset=utf-8");
      }
      const page = await get("/page.html");
      expect(page.headers["cache-control"]).toBe("no-cache");
      expect(page.headers["x-frame-options"]).toBeUndefined();
      expect((await get("/app.css")).headers["cache-control"]).toBe(DEFAULT);
    }
  });

  it("sends the rule's Cache-Control with a 304", async () => {
    const first = await get("/assets/app.js");
    const again = await get("/assets/app.js", { "if-none-match": first.headers.etag as string });
    expect(again.status).toBe(304);
    expect(again.headers["cache-control"]).toBe(IMMUTABLE);
  });

  it("never serves _headers itself", async () => {
    const res = await get("/_headers");
    expect(res.status).toBe(404);
    expect(res.body).toBe("<h1>custom 404</h1>");
    expect(res.body).not.toContain("Cache-Control");
  });

  it("refuses a deploy whose _headers sets a forbidden header (422 naming the line) and keeps serving the previous one", async () => {
    const before = await api("GET", "/api/v1/static/buckets/site/deploys");
    const refused = await deploy({ ...site, "index.html": "<h1>bad</h1>", _headers: `${headersFile}/api/*\n  Set-Cookie: session=stolen\n` });
    expect(refused.status).toBe(422);
    expect(refused.body.error.message).toContain("_headers line 9");
    expect(refused.body.error.message).toContain('"Set-Cookie" cannot be set here');
    expect((await api("GET", "/api/v1/static/buckets/site/deploys")).body).toEqual(before.body);
    const index = await get("/");
    expect(index.body).toBe("<h1>v1</h1>");
    expect(index.headers["x-frame-options"]).toBe("DENY");
    expect((await get("/assets/app.js")).headers["cache-control"]).toBe(IMMUTABLE);
  });

  it("switches rules with the deploy, and rollback restores the previous rules", async () => {
    const v2 = await deploy({ ...site, "index.html": "<h1>v2</h1>", _headers: "/assets/*\n  Cache-Control: no-store\n  X-Version: 2\n" });
    expect(v2.status).toBe(201);
    await eventually("/assets/app.js", "cache-control", "no-store");
    expect((await get("/assets/app.js")).headers["x-version"]).toBe("2");
    expect((await get("/")).headers["x-frame-options"]).toBeUndefined();
    expect((await get("/")).headers["cache-control"]).toBe(DEFAULT);

    expect((await api("POST", "/api/v1/static/buckets/site/rollback")).status).toBe(200);
    await eventually("/assets/app.js", "cache-control", IMMUTABLE);
    expect((await get("/assets/app.js")).headers["x-version"]).toBeUndefined();
    const index = await get("/");
    expect(index.body).toBe("<h1>v1</h1>");
    expect(index.headers["x-frame-options"]).toBe("DENY");
  });

  it("recomputes the rules when _headers is uploaded or deleted through the object editor (raw PUT …/files/:path, tRPC static.delete)", async () => {
    expect((await get("/app.css")).headers["cache-control"]).toBe(DEFAULT); // warm the cache first
    const put = await api("PUT", "/api/v1/static/buckets/site/files/_headers", undefined, Buffer.from("/*.css\n  Cache-Control: public, max-age=60\n"));
    expect(put.status).toBe(200); // replaces the deploy's _headers
    await eventually("/app.css", "cache-control", "public, max-age=60");
    expect((await get("/assets/app.js")).headers["cache-control"]).toBe(DEFAULT);
    expect((await get("/")).headers["x-frame-options"]).toBeUndefined();

    const bad = await api("PUT", "/api/v1/static/buckets/site/files/_headers", undefined, Buffer.from("/*\n  Location: /elsewhere\n"));
    expect(bad.status).toBe(422);
    expect(bad.body.error.message).toContain("_headers line 2");
    expect((await get("/app.css")).headers["cache-control"]).toBe("public, max-age=60");

    // Another file edited: the rules carry over to the new deploy.
    expect((await api("PUT", "/api/v1/static/buckets/site/files/b.css", undefined, Buffer.from("b{}"))).status).toBe(201);
    await eventually("/b.css", "cache-control", "public, max-age=60");

    expect((await trpcMutation("static.delete", { bucket: "site", path: "_headers" })).status).toBe(200);
    await eventually("/app.css", "cache-control", DEFAULT);
    expect((await get("/b.css")).headers["cache-control"]).toBe(DEFAULT);
  });
});
