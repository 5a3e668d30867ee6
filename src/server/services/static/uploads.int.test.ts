import crypto from "node:crypto";
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../../test/support/database.ts";
import { startServer, type RunningServer } from "../../../../test/support/server.ts";
import { registerTeam } from "../teams/register-team.ts";

// Uploads against the server as `npm start` runs it: raw bytes up to 25 MiB on every path, a 413 one
// byte over (declared or chunked), blobs that belong to a bucket, and deploys that change nothing.

const MiB = 1024 * 1024;
const LIMIT = 25 * MiB;
const TOO_LARGE = `A file must be at most 25 MiB (${LIMIT} bytes).`;
const HOST = "uploads.example.com";
const sha = (s: string | Buffer) => crypto.createHash("sha256").update(s).digest("hex");

let t: TestDatabase;
let server: RunningServer;
let owner: string;

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  json: () => { error?: { code: string; message: string } } & Record<string, unknown>;
}

/** One request over plain http: a body with Content-Length, or `chunked` (no length, several writes). */
function send(method: string, path: string, options: { token?: string; host?: string; headers?: Record<string, string>; body?: Buffer; chunked?: boolean } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { host: options.host ?? `127.0.0.1:${server.port}`, ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.body && !options.chunked) headers["content-length"] = String(options.body.length);
    const req = http.request({ host: "127.0.0.1", port: server.port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => {
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode!, headers: res.headers, body, json: () => JSON.parse(body.toString("utf8")) });
      });
    });
    // The server may answer 413 and stop reading before the whole body is sent: the answer is what counts.
    req.on("error", (error) => setTimeout(() => reject(error), 2000));
    if (options.body && options.chunked) {
      for (let at = 0; at < options.body.length; at += MiB) req.write(options.body.subarray(at, at + MiB));
      req.end();
    } else req.end(options.body);
  });
}

const raw = (token: string, body: Buffer, extra: Record<string, string> = {}) => ({ token, body, headers: { "content-type": "application/octet-stream", ...extra } });
const json = (token: string, value: unknown) => ({ token, body: Buffer.from(JSON.stringify(value)), headers: { "content-type": "application/json" } });

async function storageToken(bucket: string): Promise<string> {
  const res = await send("POST", "/api/v1/storage-tokens", json(owner, { surface: "static", access: "write", buckets: [bucket] }));
  expect(res.status).toBe(201);
  return res.json().token as string;
}

const deployCount = (bucket: string) => t.database.prisma.staticDeploy.count({ where: { bucket: { name: bucket } } });

beforeAll(async () => {
  t = await createTestDatabase();
  owner = (await registerTeam(t.database.prisma, { email: "alice@example.com", name: "Alice", teamName: "Atlas" })).token;
  server = await startServer({ databaseUrl: t.url });
  for (const name of ["site", "team-a", "team-b", "same"]) expect((await send("POST", "/api/v1/static/buckets", json(owner, { name }))).status).toBe(201);
  expect((await send("POST", "/api/v1/bindings", json(owner, { host: HOST, surface: "static", bucket: "site" }))).status).toBe(201);
}, 180_000);

afterAll(async () => {
  await server?.stop();
  await t?.drop();
});

describe("raw uploads up to 25 MiB", () => {
  it("a 25 MiB file round-trips byte-identical through the single-file upload route and a bound host", async () => {
    const bytes = crypto.randomBytes(LIMIT);
    const put = await send("PUT", "/api/v1/static/buckets/site/files/big/data.bin", raw(owner, bytes, { "x-lattice-content-type": "application/x-lattice-test" }));
    expect(put.status, put.body.toString()).toBe(201);
    expect(put.json()).toMatchObject({ path: "big/data.bin", size: LIMIT, sha256: sha(bytes), contentType: "application/x-lattice-test", created: true, unchanged: false });
    const served = await send("GET", "/big/data.bin", { host: HOST });
    expect(served.status).toBe(200);
    expect(served.headers["content-type"]).toBe("application/x-lattice-test");
    expect(served.body.length).toBe(LIMIT);
    expect(sha(served.body)).toBe(sha(bytes));
  });

  it("the bucket's blob route takes 25 MiB of raw bytes under their hash", async () => {
    const bytes = crypto.randomBytes(LIMIT);
    const put = await send("PUT", `/api/v1/static/buckets/site/blobs/${sha(bytes)}`, raw(owner, bytes));
    expect(put.status, put.body.toString()).toBe(201);
    expect(put.json()).toEqual({ sha256: sha(bytes), size: LIMIT });
  });

  it("one byte over is 413 with the message on both upload routes, with Content-Length or chunked, and nothing is stored", async () => {
    const bytes = crypto.randomBytes(LIMIT + 1);
    const deploys = await deployCount("site");
    for (const path of ["/api/v1/static/buckets/site/files/over.bin", `/api/v1/static/buckets/site/blobs/${sha(bytes)}`]) {
      for (const chunked of [false, true]) {
        const res = await send("PUT", path, { ...raw(owner, bytes), chunked });
        expect([path, chunked, res.status]).toEqual([path, chunked, 413]);
        expect(res.json()).toEqual({ error: { code: "PAYLOAD_TOO_LARGE", message: TOO_LARGE } });
      }
    }
    expect(await t.database.prisma.staticBlob.count({ where: { sha256: sha(bytes) } })).toBe(0);
    expect(await deployCount("site")).toBe(deploys);
    expect((await send("GET", "/over.bin", { host: HOST })).status).toBe(404);
  });

  it("the raw routes refuse a JSON body (the old base64 shape) with a 400 that says what to send", async () => {
    const res = await send("PUT", "/api/v1/static/buckets/site/files/x.txt", json(owner, { contentBase64: "eA==" }));
    expect(res.status).toBe(400);
    expect(res.json().error!.message).toBe("Send the file's bytes as the body with Content-Type: application/octet-stream.");
    const bad = await send("PUT", "/api/v1/static/buckets/site/files/x.txt", raw(owner, Buffer.from("x"), { "x-lattice-content-type": " " }));
    expect(bad.status).toBe(422);
    expect(await t.database.prisma.staticFile.count({ where: { path: "x.txt" } })).toBe(0);
  });
});

describe("blobs belong to a bucket", () => {
  it("a token for bucket A cannot learn whether a blob exists only in bucket B, nor publish it without uploading it", async () => {
    const tokenA = await storageToken("team-a");
    const tokenB = await storageToken("team-b");
    const secret = Buffer.from("only bucket B has this\n");
    const hash = sha(secret);
    const file = { path: "secret.txt", sha256: hash, size: secret.length };

    expect((await send("PUT", `/api/v1/static/buckets/team-b/blobs/${hash}`, raw(tokenB, secret))).status).toBe(201);
    expect((await send("POST", "/api/v1/static/buckets/team-b/deploys", json(tokenB, { files: [file] }))).status).toBe(201);

    // A asks about B's blob: missing, exactly as for a hash nobody has.
    const nobody = sha("nobody has this");
    const check = await send("POST", "/api/v1/static/buckets/team-a/deploys/check", json(tokenA, { files: [file, { path: "n.txt", sha256: nobody, size: 15 }] }));
    expect(check.status).toBe(200);
    expect(check.json().missing).toEqual([hash, nobody]);
    const deploy = await send("POST", "/api/v1/static/buckets/team-a/deploys", json(tokenA, { files: [file] }));
    expect(deploy.status).toBe(409);
    expect(deploy.json().error!.message).toBe("1 file(s) have no uploaded content yet (first: secret.txt); upload them, then deploy again.");
    expect(await deployCount("team-a")).toBe(0);
    // A's token opens neither B's upload route nor the old bucket-less one.
    expect((await send("PUT", `/api/v1/static/buckets/team-b/blobs/${hash}`, raw(tokenA, secret))).status).toBe(403);
    const old = await send("PUT", `/api/v1/static/blobs/${hash}`, raw(tokenA, secret));
    expect(old.status).toBe(404);
    expect(old.json().error!.message).toBe("Blobs are uploaded for a bucket: PUT /api/v1/static/buckets/<name>/blobs/<sha256> (lattice static deploy does this).");

    // With the bytes in hand A uploads them for its own bucket: now it may publish them; stored once.
    expect((await send("PUT", `/api/v1/static/buckets/team-a/blobs/${hash}`, raw(tokenA, secret))).status).toBe(201);
    expect((await send("POST", "/api/v1/static/buckets/team-a/deploys/check", json(tokenA, { files: [file] }))).json().missing).toEqual([]);
    expect((await send("POST", "/api/v1/static/buckets/team-a/deploys", json(tokenA, { files: [file] }))).status).toBe(201);
    expect(await t.database.prisma.staticBlob.count({ where: { sha256: hash } })).toBe(1);
  });
});

describe("a deploy identical to the current one", () => {
  const files = (v: string) => [
    { path: "index.html", content: `<h1>${v}</h1>` },
    { path: "_headers", content: "/*\n  X-Version: same\n" },
  ];
  async function deploy(v: string) {
    const list = files(v).map((f) => ({ path: f.path, sha256: sha(f.content), size: Buffer.byteLength(f.content) }));
    for (const f of files(v)) expect((await send("PUT", `/api/v1/static/buckets/same/blobs/${sha(f.content)}`, raw(owner, Buffer.from(f.content)))).status).toBe(201);
    const res = await send("POST", "/api/v1/static/buckets/same/deploys", json(owner, { files: list }));
    expect(res.status, res.body.toString()).toBe(201);
    return res.json();
  }

  it("creates nothing, keeps the previous deploy, and says so; rollback then reaches the real previous content", async () => {
    const first = await deploy("v1");
    const second = await deploy("v2");
    expect(second).toMatchObject({ unchanged: false, previousDeployId: first.id });
    const again = await deploy("v2");
    expect(again).toMatchObject({ unchanged: true, id: second.id, previousDeployId: first.id, fileCount: 2 });
    expect(await deployCount("same")).toBe(2);
    const rollback = await send("POST", "/api/v1/static/buckets/same/rollback", { token: owner });
    expect(rollback.json()).toMatchObject({ currentDeployId: first.id, previousDeployId: second.id });
    const listed = await send("GET", "/api/v1/static/buckets/same/files/index.html", { token: owner });
    expect(Buffer.from(listed.json().contentBase64 as string, "base64").toString()).toBe("<h1>v1</h1>");
  });

  it("a single-file put of identical bytes publishes nothing; another content type does", async () => {
    const deploys = await deployCount("same");
    const current = (await t.database.prisma.bucket.findFirstOrThrow({ where: { name: "same" } })).currentDeployId;
    const same = await send("PUT", "/api/v1/static/buckets/same/files/index.html", raw(owner, Buffer.from("<h1>v1</h1>")));
    expect(same.status).toBe(200);
    expect(same.json()).toMatchObject({ created: false, unchanged: true, deployId: current });
    expect(await deployCount("same")).toBe(deploys);
    const retyped = await send("PUT", "/api/v1/static/buckets/same/files/index.html", raw(owner, Buffer.from("<h1>v1</h1>"), { "x-lattice-content-type": "text/plain" }));
    expect(retyped.json()).toMatchObject({ unchanged: false, contentType: "text/plain" });
    expect(await deployCount("same")).toBe(deploys + 1);
  });
});
