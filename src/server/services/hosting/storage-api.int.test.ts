import crypto from "node:crypto";
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../../test/support/database.ts";
import { startServer, type RunningServer } from "../../../../test/support/server.ts";
import { registerTeam } from "../teams/register-team.ts";
import { mintToken } from "../../auth/tokens.ts";

const sha = (s: string | Buffer) => crypto.createHash("sha256").update(s).digest("hex");

function hostGet(port: number, host: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: "127.0.0.1", port, path, headers: { host, ...headers } }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks).toString("utf8") }));
      })
      .on("error", reject);
  });
}

let t: TestDatabase;
let a: RunningServer;
let b: RunningServer;
let owner: string;
let userId: string;

async function api(server: RunningServer, method: string, path: string, token: string, body?: unknown, raw?: Buffer) {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (body !== undefined) headers["content-type"] = "application/json";
  if (raw) headers["content-type"] = "application/octet-stream";
  const res = await fetch(`${server.url}${path}`, { method, headers, body: raw ? new Uint8Array(raw) : (body === undefined ? undefined : JSON.stringify(body)) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
}

async function trpc(server: RunningServer, kind: "query" | "mutation", path: string, token: string, input?: unknown) {
  const url = kind === "query"
    ? `${server.url}/api/trpc/${path}${input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify({ json: input }))}`}`
    : `${server.url}/api/trpc/${path}`;
  const res = await fetch(url, {
    method: kind === "query" ? "GET" : "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: kind === "mutation" ? JSON.stringify({ json: input }) : undefined,
  });
  return { status: res.status, body: await res.json() };
}

async function operatorToken(scopes: string[]): Promise<string> {
  const token = mintToken("api");
  await t.database.prisma.apiToken.create({ data: { userId, label: scopes.join(","), tokenHash: token.hash, prefix: token.displayPrefix, scopes } });
  return token.secret;
}

beforeAll(async () => {
  t = await createTestDatabase();
  const team = await registerTeam(t.database.prisma, { email: "alice@example.com", name: "Alice", teamName: "Atlas" });
  owner = team.token;
  userId = team.user.id;
  [a, b] = await Promise.all([startServer({ databaseUrl: t.url }), startServer({ databaseUrl: t.url })]);
  expect((await api(a, "POST", "/api/v1/kv/buckets", owner, { name: "config" })).status).toBe(201);
  expect((await api(a, "POST", "/api/v1/static/buckets", owner, { name: "site" })).status).toBe(201);
}, 180_000);

afterAll(async () => {
  await a?.stop();
  await b?.stop();
  await t?.drop();
});

describe("operator scopes on the storage API (JSON and tRPC)", () => {
  // [scopes, method, path, body, status]
  const rows: [string[], string, string, unknown, number][] = [
    [["kv:read"], "GET", "/api/v1/kv/buckets", undefined, 200],
    [["kv:read"], "GET", "/api/v1/kv/buckets/config/keys", undefined, 200],
    [["kv:read"], "PUT", "/api/v1/kv/buckets/config/keys/a", { value: 1 }, 403],
    [["kv:read"], "DELETE", "/api/v1/kv/buckets/config/keys/a", undefined, 403],
    [["kv:read"], "POST", "/api/v1/kv/buckets", { name: "nope" }, 403],
    [["kv:read"], "DELETE", "/api/v1/kv/buckets/config", undefined, 403],
    [["kv:read"], "POST", "/api/v1/bindings", { host: "x.example.com", surface: "kv", bucket: "config" }, 403],
    [["kv:read"], "POST", "/api/v1/storage-tokens", { surface: "kv", access: "read", buckets: ["*"] }, 403],
    [["kv:read"], "GET", "/api/v1/static/buckets", undefined, 403],
    [["kv:write"], "PUT", "/api/v1/kv/buckets/config/keys/a", { value: 1 }, 201],
    [["kv:write"], "GET", "/api/v1/kv/buckets/config/keys/a", undefined, 200],
    [["kv:write"], "POST", "/api/v1/kv/buckets", { name: "nope" }, 403],
    [["kv:write"], "GET", "/api/v1/bindings", undefined, 403],
    [["kv:admin"], "POST", "/api/v1/kv/buckets", { name: "made-by-admin" }, 201],
    [["kv:admin"], "GET", "/api/v1/storage-tokens?surface=kv", undefined, 200],
    [["kv:admin"], "GET", "/api/v1/storage-tokens?surface=static", undefined, 403],
    [["kv:admin"], "POST", "/api/v1/bindings", { host: "s.example.com", surface: "static", bucket: "site" }, 403],
    [["static:read"], "GET", "/api/v1/static/buckets/site/files", undefined, 200],
    [["static:read"], "PUT", "/api/v1/static/buckets/site/files/x.txt", Buffer.from("x"), 403],
    [["static:read"], "POST", "/api/v1/static/buckets/site/deploys/check", { files: [] }, 403],
    [["static:read"], "GET", "/api/v1/kv/buckets", undefined, 403],
    [["static:write"], "PUT", "/api/v1/static/buckets/site/files/x.txt", Buffer.from("x"), 201],
    [["static:write"], "POST", "/api/v1/static/buckets", { name: "nope" }, 403],
    [["static:admin"], "POST", "/api/v1/storage-tokens", { surface: "static", access: "read", buckets: ["site"] }, 201],
    [["*"], "POST", "/api/v1/bindings", { host: "scoped.example.com", surface: "kv", bucket: "config" }, 201],
  ];
  it.each(rows)("a lat_ token with %j: %s %s → %i", async (scopes, method, path, body, status) => {
    const token = await operatorToken(scopes);
    const res = Buffer.isBuffer(body) ? await api(a, method, path, token, undefined, body) : await api(a, method, path, token, body);
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    if (status === 403) expect(res.body.error.code).toBe("FORBIDDEN");
  });

  it.each([
    [["kv:read"], "mutation", "kv.put", { bucket: "config", key: "t", value: 1 }, 403],
    [["kv:read"], "query", "kv.list", { bucket: "config" }, 200],
    [["kv:write"], "mutation", "kv.buckets.create", { name: "nope" }, 403],
    [["kv:write"], "mutation", "storageTokens.create", { surface: "kv", access: "read", buckets: ["*"] }, 403],
    [["kv:admin"], "mutation", "bindings.create", { host: "t.example.com", surface: "static", bucket: "site" }, 403],
    [["static:read"], "mutation", "static.rollback", { bucket: "site" }, 403],
    [["static:write"], "mutation", "static.buckets.delete", { name: "site" }, 403],
  ] as const)("tRPC with %j: %s %s → %i", async (scopes, kind, path, input, status) => {
    const res = await trpc(a, kind, path, await operatorToken([...scopes]), input);
    expect(res.status).toBe(status);
  });

  it("refuses a storage token for a bucket that does not exist (a typo would open nothing)", async () => {
    const res = await api(a, "POST", "/api/v1/storage-tokens", owner, { surface: "kv", access: "read", buckets: ["nope-such-bucket"] });
    expect(res.status).toBe(422);
    expect(res.body.error.message).toBe('buckets: no kv bucket named "nope-such-bucket".');
  });

  it("never lets a storage token into tRPC or the operator API", async () => {
    const created = await api(a, "POST", "/api/v1/storage-tokens", owner, { surface: "kv", access: "admin", buckets: ["*"] });
    expect(created.body.token).toMatch(/^lst_/);
    expect((await trpc(a, "query", "kv.buckets.list", created.body.token)).status).toBe(401);
    expect((await api(a, "GET", "/api/v1/kv/buckets", created.body.token)).status).toBe(401);
    expect((await api(a, "GET", "/api/v1/teams", created.body.token)).status).toBe(401);
    // With nothing at all, the storage routes say which tokens they take.
    const bare = await fetch(`${a.url}/api/v1/kv/buckets/cfg/keys/x`);
    expect(bare.status).toBe(401);
    expect((await bare.json()).error.message).toBe("Send a storage token (Authorization: Bearer lst_…) or an API token (Bearer lat_…).");
    // …but it does open the KV content routes for CI.
    expect((await api(a, "PUT", "/api/v1/kv/buckets/config/keys/ci", created.body.token, { value: "ok" })).status).toBe(201);
  });
});

describe("atomic static deploys", () => {
  it("check → upload → deploy with a storage token; a reader polling meanwhile never sees a mix; rollback swaps back", async () => {
    expect((await api(a, "POST", "/api/v1/bindings", owner, { host: "site.example.com", surface: "static", bucket: "site" })).status).toBe(201);
    const ci = (await api(a, "POST", "/api/v1/storage-tokens", owner, { surface: "static", access: "write", buckets: ["site"] })).body.token as string;
    const kvToken = (await api(a, "POST", "/api/v1/storage-tokens", owner, { surface: "kv", access: "admin", buckets: ["*"] })).body.token as string;
    const readToken = (await api(a, "POST", "/api/v1/storage-tokens", owner, { surface: "static", access: "read", buckets: ["site"] })).body.token as string;
    expect((await api(a, "POST", "/api/v1/static/buckets", owner, { name: "elsewhere" })).status).toBe(201);
    const otherToken = (await api(a, "POST", "/api/v1/storage-tokens", owner, { surface: "static", access: "write", buckets: ["elsewhere"] })).body.token as string;

    const version = async (v: number) => {
      const files = { "a.txt": `v${v}`, "b.txt": `v${v}`, "index.html": `<p>v${v}</p>` };
      const list = Object.entries(files).map(([path, content]) => ({ path, sha256: sha(content), size: Buffer.byteLength(content) }));
      const check = await api(a, "POST", "/api/v1/static/buckets/site/deploys/check", ci, { files: list });
      expect(check.status).toBe(200);
      expect(check.body).toMatchObject({ total: 3, maxFileBytes: 25 * 1024 * 1024, maxFiles: 20_000 });
      for (const hash of check.body.missing as string[]) {
        const content = Object.values(files).find((c) => sha(c) === hash)!;
        expect((await api(a, "PUT", `/api/v1/static/buckets/site/blobs/${hash}`, ci, undefined, Buffer.from(content))).status).toBe(201);
      }
      expect((await api(a, "POST", "/api/v1/static/buckets/site/deploys/check", ci, { files: list })).body.missing).toEqual([]);
      const deployed = await api(a, "POST", "/api/v1/static/buckets/site/deploys", ci, { files: list });
      expect(deployed.status).toBe(201);
      return list;
    };

    const first = await version(1);
    // Refusals: wrong surface, read access, another bucket, a body that does not match its hash.
    expect((await api(a, "POST", "/api/v1/static/buckets/site/deploys", kvToken, { files: first })).status).toBe(403);
    expect((await api(a, "POST", "/api/v1/static/buckets/site/deploys", readToken, { files: first })).status).toBe(403);
    expect((await api(a, "POST", "/api/v1/static/buckets/site/deploys", otherToken, { files: first })).status).toBe(403);
    expect((await api(a, "PUT", `/api/v1/static/buckets/site/blobs/${sha("x")}`, ci, undefined, Buffer.from("y"))).status).toBe(422);
    expect((await api(a, "POST", "/api/v1/static/buckets/site/deploys", ci, { files: [{ path: "../x", sha256: sha("x"), size: 1 }] })).status).toBe(422);
    expect((await api(a, "POST", "/api/v1/static/buckets/site/deploys", ci, { files: [{ path: "never.txt", sha256: sha("never uploaded"), size: 14 }] })).status).toBe(409);

    // Readers on both servers fetch a.txt then b.txt: once a is new, b (fetched later) must be new too.
    let stop = false;
    const seen: string[] = [];
    const poll = async (server: RunningServer) => {
      while (!stop) {
        const x = await hostGet(server.port, "site.example.com", "/a.txt");
        const y = await hostGet(server.port, "site.example.com", "/b.txt");
        expect(x.status).toBe(200);
        expect(y.status).toBe(200);
        seen.push(`${x.body}${y.body}`);
      }
    };
    const readers = [poll(a), poll(b), poll(a)];
    for (let v = 2; v <= 8; v++) await version(v);
    stop = true;
    await Promise.all(readers);
    for (const pair of seen) {
      const [x, y] = pair.split("v").filter(Boolean).map(Number);
      expect(x! <= y!, `a.txt=v${x} then b.txt=v${y}`).toBe(true);
    }
    expect(seen.length).toBeGreaterThan(10);
    expect((await hostGet(b.port, "site.example.com", "/a.txt")).body).toBe("v8");

    const rolled = await api(a, "POST", "/api/v1/static/buckets/site/rollback", ci);
    expect(rolled.status).toBe(200);
    await new Promise((r) => setTimeout(r, 100));
    expect((await hostGet(b.port, "site.example.com", "/a.txt")).body).toBe("v7");
    expect((await hostGet(a.port, "site.example.com", "/")).body).toBe("<p>v7</p>");
    const deploys = await api(a, "GET", "/api/v1/static/buckets/site/deploys", owner);
    expect(deploys.body.filter((d: { current: boolean }) => d.current)).toHaveLength(1);
  });
});

describe("NOTIFY keeps several server processes coherent", () => {
  it("a KV write through server A is read through server B's cache; a disabled binding turns B's host to 404", async () => {
    expect((await api(a, "POST", "/api/v1/bindings", owner, { host: "kv.example.com", surface: "kv", bucket: "config" })).status).toBe(201);
    const kv = (await api(a, "POST", "/api/v1/storage-tokens", owner, { surface: "kv", access: "write", buckets: ["config"] })).body.token as string;
    const auth = { authorization: `Bearer ${kv}` };
    await api(a, "PUT", "/api/v1/kv/buckets/config/keys/shared", owner, { value: "one" });
    // Warm B's cache, then write through A's bound host.
    expect(JSON.parse((await hostGet(b.port, "kv.example.com", "/shared", auth)).body).value).toBe("one");
    expect(JSON.parse((await hostGet(b.port, "kv.example.com", "/shared", auth)).body).value).toBe("one");
    const put = await new Promise<number>((resolve) => {
      const req = http.request({ host: "127.0.0.1", port: a.port, method: "PUT", path: "/shared", headers: { host: "kv.example.com", ...auth, "content-type": "application/json" } }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.end(JSON.stringify({ value: "two" }));
    });
    expect(put).toBe(200);
    let value: unknown;
    for (let i = 0; i < 50 && value !== "two"; i++) {
      value = JSON.parse((await hostGet(b.port, "kv.example.com", "/shared", auth)).body).value;
      if (value !== "two") await new Promise((r) => setTimeout(r, 20));
    }
    expect(value).toBe("two");

    const bindings = (await api(a, "GET", "/api/v1/bindings?surface=kv", owner)).body as { id: string; host: string }[];
    const id = bindings.find((x) => x.host === "kv.example.com")!.id;
    expect((await api(a, "PATCH", `/api/v1/bindings/${id}`, owner, { enabled: false })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 100));
    expect((await hostGet(b.port, "kv.example.com", "/shared", auth)).status).toBe(404);
    expect((await api(a, "PATCH", `/api/v1/bindings/${id}`, owner, { enabled: true })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 100));
    expect((await hostGet(b.port, "kv.example.com", "/shared", auth)).status).toBe(200);
  });
});

describe("KV keys", () => {
  it("refuses keys a bound host could not address (backslash, . or .. segments) on every write path, and keeps dots inside names", async () => {
    for (const key of ["a/../b", "./a", "a/..", "a\\b"]) {
      const viaTrpc = await trpc(a, "mutation", "kv.put", owner, { bucket: "config", key, value: 1 });
      expect(viaTrpc.status, key).toBe(422);
      expect(JSON.stringify(viaTrpc.body), key).toContain("key must not contain a backslash or . or .. segments");
    }
    const viaJson = await api(a, "PUT", `/api/v1/kv/buckets/config/keys/a%5Cb`, owner, { value: 1 });
    expect(viaJson.status).toBe(422);
    expect(await t.database.prisma.kvEntry.count({ where: { key: { in: ["a/../b", "./a", "a/..", "a\\b"] } } })).toBe(0);

    expect((await trpc(a, "mutation", "kv.put", owner, { bucket: "config", key: "v1.2/.env.local", value: "ok" })).status).toBe(200);
    expect((await api(a, "GET", "/api/v1/kv/buckets/config/keys/v1.2/.env.local", owner)).body).toMatchObject({ key: "v1.2/.env.local", value: "ok" });
  });
});

/** A request with a raw body, answered as text (JSON.parse would round the numbers under test). */
function rawRequest(port: number, method: string, host: string, path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, method, path, headers: { host, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks).toString("utf8") }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

describe("KV values are the exact JSON text sent", () => {
  const texts = ["12345678901234567890", '{"b":1,"a":2}', '{"b": {"y": 1, "x": [1.50, -0, 1e400]}, "a": 2}', '"\\u0000"', '"\\ud83d\\ude00 ☃"'];
  let token: string;
  const json = { "content-type": "application/json" };
  const stored = async (key: string) =>
    (await t.database.sql.query<{ value: string }>("SELECT value::text AS value FROM kv_entries WHERE key = $1", [key]))[0]?.value;

  beforeAll(async () => {
    expect((await api(a, "POST", "/api/v1/bindings", owner, { host: "exact.example.com", surface: "kv", bucket: "config" })).status).toBe(201);
    token = (await api(a, "POST", "/api/v1/storage-tokens", owner, { surface: "kv", access: "write", buckets: ["config"] })).body.token;
  });

  it("through a bound host: PUT {\"value\": …} stores the value's text, and both servers' GET returns it byte for byte", async () => {
    const auth = { authorization: `Bearer ${token}`, ...json };
    for (const [i, text] of texts.entries()) {
      const put = await rawRequest(a.port, "PUT", "exact.example.com", `/host-${i}`, auth, `{ "value" : ${text} , "expiresIn": 3600 }`);
      expect(put.status, text).toBe(201);
      expect(put.body).toMatch(new RegExp(`^\\{"key":"host-${i}","value":${escapeRegExp(text)},"updatedAt":"[^"]+"\\}$`));
      expect(await stored(`host-${i}`)).toBe(text);
      for (const server of [a, b, a]) {
        const got = await rawRequest(server.port, "GET", "exact.example.com", `/host-${i}`, auth);
        expect(got.body, text).toBe(`{"key":"host-${i}","value":${text},"updatedAt":${JSON.stringify(JSON.parse(put.body).updatedAt)}}`);
      }
    }
  });

  it("through the JSON route: PUT stores the text, GET returns it as value (verbatim) and valueText", async () => {
    for (const [i, text] of texts.entries()) {
      const put = await rawRequest(a.port, "PUT", "127.0.0.1", `/api/v1/kv/buckets/config/keys/route-${i}`, { authorization: `Bearer ${owner}`, ...json }, `{"value":${text}}`);
      expect(put.status, put.body).toBe(201);
      expect(put.body.startsWith(`{"key":"route-${i}","value":${text},"valueText":${JSON.stringify(text)},"version":1,`)).toBe(true);
      const got = await rawRequest(a.port, "GET", "127.0.0.1", `/api/v1/kv/buckets/config/keys/route-${i}`, { authorization: `Bearer ${token}` });
      expect(got.body.startsWith(`{"key":"route-${i}","value":${text},"valueText":${JSON.stringify(text)},"version":1,`), got.body).toBe(true);
      expect(await stored(`route-${i}`)).toBe(text);
    }
  });

  it("through tRPC: kv.put takes valueText and kv.get returns it exactly", async () => {
    for (const [i, text] of texts.entries()) {
      const put = await trpc(a, "mutation", "kv.put", owner, { bucket: "config", key: `trpc-${i}`, valueText: ` ${text}\n` });
      expect(put.status, JSON.stringify(put.body)).toBe(200);
      expect(put.body.result.data.json.valueText).toBe(text);
      const got = await trpc(a, "query", "kv.get", owner, { bucket: "config", key: `trpc-${i}` });
      expect(got.body.result.data.json.valueText).toBe(text);
      expect(await stored(`trpc-${i}`)).toBe(text);
    }
  });

  it("refuses text that is not JSON, or has duplicate keys, with a clear 400/422, and writes nothing", async () => {
    const auth = { authorization: `Bearer ${token}`, ...json };
    const bodies: [string, number, string][] = [
      ['{"value":12345678901234567890', 400, "Malformed JSON in request body: unexpected end of JSON."],
      ['{"value":[1,]}', 400, 'Malformed JSON in request body: unexpected "]" at position 12.'],
      ['{"value":"a\u0000b"}', 400, "Malformed JSON in request body: control character in a string at position 11 (escape it)."],
      ['{"value":{"a":1,"a":2}}', 422, 'Refused JSON in request body: duplicate key "a" at position 16 (keys must be unique).'],
      ['{"value":1,"value":2}', 422, 'Refused JSON in request body: duplicate key "value" at position 11 (keys must be unique).'],
      ['{"value":1,"expiresIn":"soon"}', 422, "expiresIn: Invalid input: expected number, received string"],
      ["[1]", 422, 'value: send {"value": <any JSON>}'],
    ];
    for (const [body, status, message] of bodies) {
      const viaHost = await rawRequest(a.port, "PUT", "exact.example.com", "/refused", auth, body);
      expect({ body, status: viaHost.status, error: JSON.parse(viaHost.body).error }).toEqual({ body, status, error: { code: status === 400 ? "BAD_REQUEST" : "UNPROCESSABLE_CONTENT", message } });
      const viaRoute = await rawRequest(a.port, "PUT", "127.0.0.1", "/api/v1/kv/buckets/config/keys/refused", auth, body);
      expect({ body, status: viaRoute.status, error: JSON.parse(viaRoute.body).error }).toEqual({ body, status, error: { code: status === 400 ? "BAD_REQUEST" : "UNPROCESSABLE_CONTENT", message } });
    }
    const notUtf8 = await rawRequest(a.port, "PUT", "exact.example.com", "/refused", auth, Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d]).toString("latin1"));
    expect(notUtf8.status).toBe(400);
    for (const [valueText, message] of [
      ["{bad", 'valueText: not valid JSON: unexpected "b" at position 1.'],
      ['{"a":1,"a":2}', 'valueText: duplicate key "a" at position 7 (keys must be unique).'],
      ["1 2", 'valueText: not valid JSON: unexpected "2" after the JSON value at position 2.'],
      ['"\ud800"', "valueText: contains a lone UTF-16 surrogate (escape it as \\uXXXX)."],
    ]) {
      const viaTrpc = await trpc(a, "mutation", "kv.put", owner, { bucket: "config", key: "refused", valueText });
      expect({ valueText, status: viaTrpc.status, message: viaTrpc.body.error.json.message }).toEqual({ valueText, status: 422, message });
    }
    expect(await stored("refused")).toBeUndefined();
  });

  it("keepTtl keeps a live entry's expiry; a write without it (or with expiresIn) sets what it says, like Cloudflare KV", async () => {
    const put = async (input: Record<string, unknown>) => {
      const res = await trpc(a, "mutation", "kv.put", owner, { bucket: "config", key: "ttl", ...input });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body.result.data.json as { expiresAt: string | null; etag: string };
    };
    const first = await put({ valueText: "1", expiresIn: 3600 });
    expect(first.expiresAt).not.toBeNull();
    expect((await put({ valueText: "2", keepTtl: true, ifMatch: first.etag })).expiresAt).toBe(first.expiresAt); // the dashboard's edit
    expect((await put({ valueText: "3", keepTtl: true })).expiresAt).toBe(first.expiresAt);
    const got = await trpc(a, "query", "kv.get", owner, { bucket: "config", key: "ttl" });
    expect(got.body.result.data.json).toMatchObject({ valueText: "3", expiresAt: first.expiresAt });
    expect((await put({ valueText: "4" })).expiresAt).toBeNull();
    expect((await put({ valueText: "5", keepTtl: true })).expiresAt).toBeNull();
    const both = await trpc(a, "mutation", "kv.put", owner, { bucket: "config", key: "ttl", valueText: "6", keepTtl: true, expiresIn: 60 });
    expect([both.status, both.body.error.json.message]).toEqual([422, "keepTtl: keepTtl and expiresIn cannot be used together"]);
    // An expired entry written again with keepTtl is a new entry: no expiry carried over.
    await t.database.sql.query("UPDATE kv_entries SET expires_at = now() - interval '1 second' WHERE key = 'ttl'");
    expect((await put({ valueText: "7", keepTtl: true })).expiresAt).toBeNull();
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

describe("bucket lifecycle", () => {
  it("refuses to delete a bucket that is still bound, unless forced (which removes its bindings)", async () => {
    expect((await api(a, "POST", "/api/v1/kv/buckets", owner, { name: "doomed" })).status).toBe(201);
    expect((await api(a, "POST", "/api/v1/kv/buckets", owner, { name: "Bad_Name" })).status).toBe(422);
    expect((await api(a, "POST", "/api/v1/kv/buckets", owner, { name: "doomed" })).status).toBe(409);
    expect((await api(a, "POST", "/api/v1/bindings", owner, { host: "Doomed.Example.com.", surface: "kv", bucket: "doomed" })).body.host).toBe("doomed.example.com");
    expect((await api(a, "POST", "/api/v1/bindings", owner, { host: "not a host", surface: "kv", bucket: "doomed" })).status).toBe(422);
    const refused = await api(a, "DELETE", "/api/v1/kv/buckets/doomed", owner);
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toContain("doomed.example.com");
    const forced = await api(a, "DELETE", "/api/v1/kv/buckets/doomed?force=true", owner);
    expect(forced.body).toEqual({ name: "doomed", surface: "kv", deleted: true, unbound: ["doomed.example.com"] });
    expect(await t.database.prisma.hostBinding.count({ where: { host: "doomed.example.com" } })).toBe(0);
    await new Promise((r) => setTimeout(r, 100));
    // The host is no longer bound: it gets the dashboard and API again.
    expect((await hostGet(b.port, "doomed.example.com", "/api/v1/health")).status).toBe(200);
  });
});
