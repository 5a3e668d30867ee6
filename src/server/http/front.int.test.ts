import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test/support/database.ts";
import { startServer, type RunningServer } from "../../../test/support/server.ts";
import { deployFiles, sha256 as sha } from "../../../test/support/storage.ts";
import { registerTeam } from "../services/teams/register-team.ts";
import { createBucket } from "../services/buckets/buckets.ts";
import { createBinding } from "../services/bindings/bindings.ts";
import { createStorageToken } from "../services/storage-tokens/storage-tokens.ts";
import { putKvEntry } from "../services/kv/entries.ts";
import type { Principal } from "../auth/principal.ts";

// The `npm start` front (src/server/http/front.ts) answers plain bound-host GET/HEAD requests
// itself and hands every other connection to Node's HTTP stack. These tests speak raw HTTP/1.1
// over one socket, so pipelining, split packets and odd heads are exactly what the server sees.

interface Response {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Parses as many whole responses as `data` holds; `heads[i]` marks answers to HEAD (no body). */
function parseResponses(data: Buffer, heads: boolean[]): Response[] {
  const out: Response[] = [];
  let offset = 0;
  while (offset < data.length) {
    const end = data.indexOf("\r\n\r\n", offset);
    if (end === -1) break;
    const [statusLine, ...lines] = data.toString("latin1", offset, end).split("\r\n");
    const status = Number(statusLine!.split(" ")[1]);
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(":");
      const name = line.slice(0, colon).toLowerCase();
      headers[name] = headers[name] === undefined ? line.slice(colon + 1).trim() : `${headers[name]}, ${line.slice(colon + 1).trim()}`;
    }
    let at = end + 4;
    let body: Buffer = Buffer.alloc(0);
    if (heads[out.length] || status === 204 || status === 304) {
      // no body
    } else if (headers["transfer-encoding"] === "chunked") {
      const parts: Buffer[] = [];
      for (;;) {
        const lineEnd = data.indexOf("\r\n", at);
        if (lineEnd === -1) return out;
        const size = parseInt(data.toString("latin1", at, lineEnd), 16);
        if (data.length < lineEnd + 2 + size + 2) return out;
        parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
        at = lineEnd + 2 + size + 2;
        if (size === 0) break;
      }
      body = Buffer.concat(parts);
    } else {
      const length = Number(headers["content-length"] ?? 0);
      if (data.length < at + length) break;
      body = data.subarray(at, at + length);
      at += length;
    }
    out.push({ status, headers, body: body.toString("utf8") });
    offset = at;
  }
  return out;
}

/**
 * Writes `packets` to one connection, one at a time (each after the server has had a turn), and
 * collects `count` responses, or as many as came before the server closed the connection.
 */
async function exchange(port: number, packets: (string | Buffer)[], count: number, heads: boolean[] = []): Promise<Response[]> {
  const socket = net.connect(port, "127.0.0.1");
  await new Promise((resolve, reject) => socket.once("connect", resolve).once("error", reject));
  let received: Buffer = Buffer.alloc(0);
  let closed = false;
  const settled = new Promise<void>((resolve) => {
    socket.on("data", (chunk) => {
      received = Buffer.concat([received, chunk]);
      if (parseResponses(received, heads).length >= count) resolve();
    });
    socket.on("close", () => {
      closed = true;
      resolve();
    });
    socket.on("error", () => {});
  });
  for (const packet of packets) {
    if (closed) break;
    socket.write(packet);
    await new Promise((r) => setTimeout(r, 30));
  }
  await settled;
  socket.destroy();
  return parseResponses(received, heads);
}

const request = (method: string, host: string, path: string, headers: Record<string, string> = {}) =>
  `${method} ${path} HTTP/1.1\r\nHost: ${host}\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join("")}\r\n`;
const get = (host: string, path: string, headers?: Record<string, string>) => request("GET", host, path, headers);

let t: TestDatabase;
let server: RunningServer;
let principal: Principal;
let kvToken: string;
let otherToken: string;
let writeToken: string;
let operatorToken: string;

const deploy = (bucket: string, files: Record<string, string>) => deployFiles(t.database.prisma, bucket, files);

beforeAll(async () => {
  t = await createTestDatabase();
  const p = t.database.prisma;
  const team = await registerTeam(p, { email: "alice@example.com", name: "Alice", teamName: "Atlas" });
  principal = { userId: team.user.id, email: "alice@example.com", displayName: "Alice", scopes: ["*"], via: "token" };
  await createBucket(p, "static", { name: "site" });
  await createBucket(p, "kv", { name: "config" });
  await createBucket(p, "kv", { name: "other" });
  await deploy("site", {
    "index.html": "<h1>home</h1>",
    "docs/index.html": "<h1>docs</h1>",
    "404.html": "<h1>custom 404</h1>",
    "app.css": "body{}",
    "secret.txt": "inside the bucket",
    "naïve.txt": "unicode name, ünïcödé body",
  });
  await createBinding(p, principal, { host: "site.example.com", surface: "static", bucket: "site" });
  // A documentation-range IPv6 address (loopback is the dashboard's own host, refused as a binding).
  await createBinding(p, principal, { host: "2001:db8::1", surface: "static", bucket: "site" });
  // Content types stored before they were checked: CR/LF, and U+010D U+010A, which latin1 cuts to CR LF.
  await createBucket(p, "static", { name: "tainted" });
  await deploy("tainted", { "wide.html": "wide", "crlf.txt": "crlf" });
  await createBinding(p, principal, { host: "tainted.example.com", surface: "static", bucket: "tainted" });
  await t.database.sql.query("UPDATE static_files SET content_type = $1 WHERE path = 'wide.html'", [`text/html\u010d\u010aContent-Length: 0\u010d\u010a\u010d\u010aHTTP/1.1 200 OK\u010d\u010aSet-Cookie: injected=wide`]);
  await t.database.sql.query("UPDATE static_files SET content_type = $1 WHERE path = 'crlf.txt'", ["text/plain\r\nSet-Cookie: injected=crlf"]);
  await createBinding(p, principal, { host: "off.example.com", surface: "static", bucket: "site", enabled: false });
  await createBinding(p, principal, { host: "kv.example.com", surface: "kv", bucket: "config" });
  kvToken = (await createStorageToken(p, principal, { surface: "kv", access: "read", buckets: ["config"] })).token;
  otherToken = (await createStorageToken(p, principal, { surface: "kv", access: "read", buckets: ["other"] })).token;
  writeToken = (await createStorageToken(p, principal, { surface: "kv", access: "write", buckets: ["config"] })).token;
  operatorToken = team.token;
  const config = await p.bucket.findFirstOrThrow({ where: { name: "config" } });
  await putKvEntry(p, config.id, "site-title", JSON.stringify("Lattice"));
  await putKvEntry(p, config.id, "greeting", JSON.stringify({ text: "grüß dich" }));
  server = await startServer({ databaseUrl: t.url });
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await t?.drop();
});

describe("the npm start front", () => {
  it("answers pipelined requests in order, before and after it hands the connection to Node", async () => {
    const auth = { Authorization: `Bearer ${kvToken}` };
    const packet = [
      get("site.example.com", "/"),
      get("site.example.com", "/app.css"),
      request("HEAD", "site.example.com", "/"),
      get("site.example.com", "/nope"),
      get("kv.example.com", "/site-title", auth),
      get("localhost", "/api/v1/health"), // the dashboard's host: from here on the connection is Node's
      get("site.example.com", "/docs/"),
      get("kv.example.com", "/site-title", auth),
    ].join("");
    const responses = await exchange(server.port, [packet], 8, [false, false, true]);
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 404, 200, 200, 200, 200]);
    expect(responses.map((r) => r.body)).toEqual([
      "<h1>home</h1>",
      "body{}",
      "",
      "<h1>custom 404</h1>",
      expect.stringContaining('"value":"Lattice"'),
      expect.stringContaining('"service":"lattice"'),
      "<h1>docs</h1>",
      expect.stringContaining('"value":"Lattice"'),
    ]);
    expect(responses[2]!.headers["content-length"]).toBe("13");
    expect(responses[1]!.headers["content-type"]).toBe("text/css; charset=utf-8");
  });

  it("gives the same answers as Node's path, request for request", async () => {
    const cases: [string, string, Record<string, string>?][] = [
      ["GET", "/"],
      ["GET", "/docs/"],
      ["GET", "/app.css", { "If-None-Match": `"${sha("body{}")}"` }],
      ["HEAD", "/app.css"],
      ["GET", "/missing"],
      ["GET", "/css/%2e%2e/secret.txt"],
      ["GET", "/na%C3%AFve.txt"],
    ];
    const kvCases: [string, string, Record<string, string>?][] = [
      ["GET", "/site-title", { Authorization: `Bearer ${kvToken}` }],
      ["GET", "/greeting", { Authorization: `Bearer ${kvToken}` }],
      ["HEAD", "/greeting", { Authorization: `Bearer ${kvToken}` }],
      ["GET", "/site-title"],
      ["GET", "/site-title", { Authorization: "Bearer lst_not-a-real-token" }],
      ["GET", "/site-title", { Authorization: `Bearer ${otherToken}` }],
      ["GET", "/missing", { Authorization: `Bearer ${kvToken}` }],
      ["GET", "/?prefix=site", { Authorization: `Bearer ${kvToken}` }],
    ];
    const all = [
      ...cases.map(([m, p, h]) => ["site.example.com", m, p, h] as const),
      ...kvCases.map(([m, p, h]) => ["kv.example.com", m, p, h] as const),
      ["off.example.com", "GET", "/", undefined] as const,
    ];
    const comparable = (r: Response) => {
      const { date, connection, "keep-alive": keepAlive, ...headers } = r.headers;
      return { status: r.status, headers, body: r.body.replace(/"updatedAt":"[^"]+"/, "") };
    };
    for (const [host, method, path, headers] of all) {
      const head = method === "HEAD";
      const [front] = await exchange(server.port, [request(method, host, path, headers)], 1, [head]);
      const [, node] = await exchange(server.port, [get("localhost", "/api/v1/health") + request(method, host, path, headers)], 2, [false, head]);
      expect(front, `${method} ${host}${path}`).toBeDefined();
      expect(comparable(front!), `${method} ${host}${path}`).toEqual(comparable(node!));
    }
  });

  it("frames PUT bodies by Content-Length: a body in pieces, then pipelined reads and a DELETE see the write", async () => {
    const auth = { Authorization: `Bearer ${writeToken}`, "Content-Type": "application/json" };
    const body = JSON.stringify({ value: { title: "Lattice", tags: ["kv", "fast"] } });
    const put = request("PUT", "kv.example.com", "/framed", { ...auth, "Content-Length": String(Buffer.byteLength(body)) });
    const responses = await exchange(
      server.port,
      [
        put + body.slice(0, 10),
        body.slice(10) + get("kv.example.com", "/framed", auth),
        request("DELETE", "kv.example.com", "/framed", auth) + get("kv.example.com", "/framed", auth),
      ],
      4,
    );
    expect(responses.map((r) => r.status)).toEqual([201, 200, 204, 404]);
    expect(JSON.parse(responses[0]!.body)).toMatchObject({ key: "framed", value: { title: "Lattice", tags: ["kv", "fast"] } });
    expect(JSON.parse(responses[1]!.body)).toMatchObject({ key: "framed", value: { title: "Lattice", tags: ["kv", "fast"] } });
  });

  it("reads its own writes at once, even pipelined over a cached value (no wait for the NOTIFY round trip)", async () => {
    const auth = { Authorization: `Bearer ${writeToken}`, "Content-Type": "application/json" };
    const put = (value: number) => {
      const body = JSON.stringify({ value });
      return request("PUT", "kv.example.com", "/ryw", { ...auth, "Content-Length": String(body.length) }) + body;
    };
    const read = get("kv.example.com", "/ryw", auth);
    const responses = await exchange(server.port, [put(1) + read + put(2) + read + put(3) + read], 6);
    expect(responses.map((r) => [r.status, JSON.parse(r.body).value])).toEqual([
      [201, 1],
      [200, 1],
      [200, 2],
      [200, 2],
      [200, 3],
      [200, 3],
    ]);
  });

  it("answers PUT refusals itself, each as its own status: 401, 403, 412, 400 and 413", async () => {
    const json = (value: unknown) => JSON.stringify(value);
    const put = (path: string, headers: Record<string, string>, body: string) =>
      request("PUT", "kv.example.com", path, { "Content-Type": "application/json", "Content-Length": String(Buffer.byteLength(body)), ...headers }) + body;
    const write = { Authorization: `Bearer ${writeToken}` };
    const cases: [string, number][] = [
      [put("/refused", {}, json({ value: 1 })), 401],
      [put("/refused", { Authorization: `Bearer ${kvToken}` }, json({ value: 1 }), ), 403],
      [put("/site-title", { ...write, "If-Match": '"999"' }, json({ value: "x" })), 412],
      [put("/site-title", { ...write, "If-None-Match": "*" }, json({ value: "x" })), 412],
      [put("/refused", write, "{not json"), 400],
      [put("/refused", write, json({ value: "x".repeat(1024 * 1024 + 10) })), 413],
    ];
    for (const [packet, status] of cases) {
      const [response] = await exchange(server.port, [packet], 1);
      expect(response?.status, packet.slice(0, 80)).toBe(status);
    }
    const [after] = await exchange(server.port, [get("kv.example.com", "/site-title", { Authorization: `Bearer ${kvToken}` })], 1);
    expect(JSON.parse(after!.body).value).toBe("Lattice"); // nothing refused was written
  });

  it("hands chunked PUTs and PUTs to the API's host to Node, which serves them", async () => {
    const body = JSON.stringify({ value: "chunked" });
    const chunked = `PUT /chunked HTTP/1.1\r\nHost: kv.example.com\r\nAuthorization: Bearer ${writeToken}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`;
    const [viaNode] = await exchange(server.port, [chunked], 1);
    expect([viaNode?.status, JSON.parse(viaNode!.body).value]).toEqual([201, "chunked"]);

    const apiBody = JSON.stringify({ value: "through the API" });
    const api = request("PUT", "localhost", "/api/v1/kv/buckets/config/keys/via-api", {
      Authorization: `Bearer ${operatorToken}`,
      "Content-Type": "application/json",
      "Content-Length": String(apiBody.length),
    });
    const [apiResponse] = await exchange(server.port, [api + apiBody], 1);
    expect(apiResponse?.status).toBe(201);
    const [read] = await exchange(server.port, [get("kv.example.com", "/via-api", { Authorization: `Bearer ${kvToken}` })], 1);
    expect(JSON.parse(read!.body).value).toBe("through the API");
  });

  it("never lets a stored content type split a response or add a header, on the front or on Node's path", async () => {
    // The last request closes the connection, so every byte the server sent is in.
    const tail = get("tainted.example.com", "/wide.html") + get("tainted.example.com", "/crlf.txt") + get("site.example.com", "/app.css", { Connection: "close" });
    for (const [entry, first] of [["front", ""], ["node", get("localhost", "/api/v1/health")]] as const) {
      const responses = await exchange(server.port, [first + tail], 99);
      const ours = first ? responses.slice(1) : responses;
      expect(ours.map((r) => [r.status, r.headers["content-type"], r.body]), entry).toEqual([
        [200, "application/octet-stream", "wide"],
        [200, "application/octet-stream", "crlf"],
        [200, "text/css; charset=utf-8", "body{}"],
      ]);
      expect(responses.length, entry).toBe(first ? 4 : 3);
      expect(JSON.stringify(responses), entry).not.toContain("injected");
    }
    expect(server.logs()).not.toMatch(/uncaught|ERR_INVALID_CHAR/i);
  });

  it("matches an IPv6 Host in another spelling to the binding for 2001:db8::1, on the front and on Node's path", async () => {
    const ipv6 = get("[2001:DB8:0:0:0:0:0:1]", "/app.css");
    const [front] = await exchange(server.port, [ipv6], 1);
    const [, node] = await exchange(server.port, [get("localhost", "/api/v1/health") + ipv6], 2);
    expect([front?.status, front?.body]).toEqual([200, "body{}"]);
    expect([node?.status, node?.body]).toEqual([200, "body{}"]);
  });

  it("cuts off a PUT whose body trickles in: 408, then the connection closes, and nothing is written", async () => {
    const socket = net.connect(server.port, "127.0.0.1");
    await new Promise((resolve, reject) => socket.once("connect", resolve).once("error", reject));
    let received = "";
    let closed = false;
    socket.on("data", (chunk) => (received += chunk.toString("latin1")));
    socket.on("close", () => (closed = true));
    socket.on("error", () => {});
    socket.write(request("PUT", "kv.example.com", "/trickled", { Authorization: `Bearer ${writeToken}`, "Content-Length": String(1024 * 1024) }));
    // 100 bytes every 200 ms (500 B/s): the whole body would take over half an hour.
    for (let i = 0; i < 150 && !closed; i++) {
      socket.write("x".repeat(100));
      await new Promise((r) => setTimeout(r, 200));
    }
    socket.destroy();
    expect(closed).toBe(true);
    expect(received).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n[^]*connection: close\r\n/);
    const [after] = await exchange(server.port, [get("kv.example.com", "/trickled", { Authorization: `Bearer ${kvToken}` })], 1);
    expect(after?.status).toBe(404); // nothing was written
  });

  it("answers a head that arrives in pieces", async () => {
    const responses = await exchange(server.port, ["GET / HT", "TP/1.1\r\nHost: site.exam", "ple.com\r\n", "\r\n"], 1);
    expect(responses.map((r) => [r.status, r.body])).toEqual([[200, "<h1>home</h1>"]]);
  });

  it("answers a request the cache does not hold yet from the database, and what was pipelined behind it after", async () => {
    const p = t.database.prisma;
    await createBucket(p, "static", { name: "fresh" });
    await deploy("fresh", { "index.html": "fresh home", "a.txt": "first", "b.txt": "second" });
    await createBinding(p, principal, { host: "fresh.example.com", surface: "static", bucket: "fresh" });
    // The server learns of the binding through NOTIFY; wait for it with a path that is not one of
    // the files below (a missing file answers the bucket's plain 404, not the dashboard's page).
    for (let i = 0; i < 100; i++) {
      const [probe] = await exchange(server.port, [get("fresh.example.com", "/probe")], 1);
      if (probe?.body === "Not found\n") break;
    }
    const packet = [get("fresh.example.com", "/a.txt"), get("fresh.example.com", "/b.txt"), get("fresh.example.com", "/"), get("fresh.example.com", "/a.txt")].join("");
    const responses = await exchange(server.port, [packet], 4);
    expect(responses.map((r) => [r.status, r.body])).toEqual([
      [200, "first"],
      [200, "second"],
      [200, "fresh home"],
      [200, "first"],
    ]);
  });

  it("leaves framing to Node's parser: a body on a GET is read as a body, never as the next request", async () => {
    const smuggled = get("site.example.com", "/secret.txt");
    const withLength = `GET / HTTP/1.1\r\nHost: site.example.com\r\nContent-Length: ${smuggled.length}\r\n\r\n${smuggled}`;
    const chunked = `GET / HTTP/1.1\r\nHost: site.example.com\r\nTransfer-Encoding: chunked\r\n\r\n${smuggled.length.toString(16)}\r\n${smuggled}\r\n0\r\n\r\n`;
    for (const first of [withLength, chunked]) {
      const responses = await exchange(server.port, [first, get("site.example.com", "/app.css")], 2);
      expect(responses.map((r) => r.body)).toEqual(["<h1>home</h1>", "body{}"]);
    }
  });

  it("leaves malformed heads to Node, which refuses them", async () => {
    const malformed = [
      "GET / HTTP/1.1\r\nHost : site.example.com\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: site.example.com\r\nX-Folded: a\r\n b\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: site.example.com\r\nX-Nul: a\0b\r\n\r\n",
      "GET /\0 HTTP/1.1\r\nHost: site.example.com\r\n\r\n",
    ];
    for (const head of malformed) {
      const [response] = await exchange(server.port, [head], 1);
      expect(response?.status, JSON.stringify(head)).toBe(400);
    }
    const huge = `GET / HTTP/1.1\r\nHost: site.example.com\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`;
    expect((await exchange(server.port, [huge], 1))[0]?.status).toBe(431);
  });

  it("serves HTTP/1.0 and Connection: close through Node, then closes", async () => {
    const old = await exchange(server.port, ["GET / HTTP/1.0\r\nHost: site.example.com\r\n\r\n"], 1);
    expect(old.map((r) => [r.status, r.body])).toEqual([[200, "<h1>home</h1>"]]);
    const close = await exchange(server.port, [get("site.example.com", "/", { Connection: "close" }), get("site.example.com", "/app.css")], 2);
    expect(close.map((r) => [r.status, r.body, r.headers.connection])).toEqual([[200, "<h1>home</h1>", "close"]]);
  });

  it("answers a client that sends its request and half-closes, then closes its side too", async () => {
    const socket = net.connect(server.port, "127.0.0.1");
    let received = "";
    socket.on("data", (chunk) => (received += chunk.toString("latin1")));
    const closed = new Promise<void>((resolve) => socket.on("close", () => resolve()));
    socket.end(get("site.example.com", "/app.css"));
    await closed;
    expect(received).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\nbody\{\}$/);
  });

  it("answers a write whose client half-closes right after sending it, then closes", async () => {
    const body = JSON.stringify({ value: "half-closed" });
    const socket = net.connect(server.port, "127.0.0.1");
    let received = "";
    socket.on("data", (chunk) => (received += chunk.toString("latin1")));
    const closed = new Promise<void>((resolve) => socket.on("close", () => resolve()));
    socket.end(request("PUT", "kv.example.com", "/half", { Authorization: `Bearer ${writeToken}`, "Content-Length": String(body.length) }) + body);
    await closed;
    expect(received).toMatch(/^HTTP\/1\.1 201 Created\r\n/);
    expect(received).toContain('"value":"half-closed"');
  });

  it("closes its idle keep-alive connections on SIGTERM and exits 0", async () => {
    const second = await startServer({ databaseUrl: t.url });
    const socket = net.connect(second.port, "127.0.0.1");
    let received = "";
    const closed = new Promise<void>((resolve) => socket.on("close", () => resolve()));
    socket.on("data", (chunk) => (received += chunk.toString("latin1")));
    socket.write(get("site.example.com", "/app.css"));
    await new Promise<void>((resolve) => socket.on("data", () => received.endsWith("body{}") && resolve()));
    expect(await second.stop("SIGTERM")).toBe(0);
    await closed;
    expect(received).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(second.logs()).toContain("[lattice] stopped");
  });
});
