import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../../test/support/database.ts";
import { startServer, type RunningServer } from "../../../../test/support/server.ts";
import { registerTeam } from "../teams/register-team.ts";
import { hashToken, mintToken } from "../../auth/tokens.ts";
import { toErrorResponse } from "../../http/json-route.ts";

// Input whose bytes would land in a response header (a file's content type, a `_headers` value) or
// in a row Postgres cannot hold (NUL, a date past year 275760) is refused with 422 on every path,
// and nothing is written. An unexpected database error is logged without the row it carried.

const sha = (s: string | Buffer) => crypto.createHash("sha256").update(s).digest("hex");

let t: TestDatabase;
let server: RunningServer;
let owner: string;

async function api(method: string, path: string, body?: unknown, raw?: Buffer, extraHeaders: Record<string, string> = {}) {
  const headers: Record<string, string> = { authorization: `Bearer ${owner}`, ...extraHeaders };
  if (body !== undefined) headers["content-type"] = "application/json";
  if (raw) headers["content-type"] = "application/octet-stream";
  const res = await fetch(`${server.url}${path}`, { method, headers, body: raw ? new Uint8Array(raw) : body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

async function mutation(path: string, input: unknown) {
  const res = await fetch(`${server.url}/api/trpc/${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${owner}`, "content-type": "application/json" },
    body: JSON.stringify({ json: input }),
  });
  const body = await res.json();
  return { status: res.status, message: body?.error?.json?.message as string | undefined };
}

beforeAll(async () => {
  t = await createTestDatabase();
  owner = (await registerTeam(t.database.prisma, { email: "alice@example.com", name: "Alice", teamName: "Atlas" })).token;
  server = await startServer({ databaseUrl: t.url });
  expect((await api("POST", "/api/v1/static/buckets", { name: "site" })).status).toBe(201);
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await t?.drop();
});

const badContentTypes: [string, string][] = [
  ["CR LF", "text/html\r\nSet-Cookie: a=b"],
  ["NUL", "text/html\u0000"],
  ["a control character", "text/html\u0007"],
  ["characters above 0xff (latin1 would write CR LF)", "text/html\u010d\u010aSet-Cookie: a=b"],
  ["non-ASCII letters", "text/html; charset=\u00fcber"],
];
const CONTENT_TYPE_MESSAGE = "contentType must be printable ASCII (no control characters, line breaks or non-ASCII letters)";

describe("header values", () => {
  it.each(badContentTypes)("refuses a content type with %s (422) on deploy and upload, and writes nothing", async (_name, contentType) => {
    const content = "<p>hi</p>";
    expect([201, 200]).toContain((await api("PUT", `/api/v1/static/buckets/site/blobs/${sha(content)}`, undefined, Buffer.from(content))).status);
    const deploy = await api("POST", "/api/v1/static/buckets/site/deploys", { files: [{ path: "index.html", sha256: sha(content), size: content.length, contentType }] });
    expect(deploy.status).toBe(422);
    expect(deploy.body.error.message).toContain(CONTENT_TYPE_MESSAGE);

    // The single-file upload takes its type in a header: HTTP itself carries only tab, visible ASCII
    // and bytes 0x80–0xff there (clients and llhttp refuse the rest), so those are what can arrive.
    if (/^[\t\x20-\xff]*$/.test(contentType)) {
      const put = await api("PUT", "/api/v1/static/buckets/site/files/index.html", undefined, Buffer.from(content), { "x-lattice-content-type": contentType });
      expect(put.status).toBe(422);
      expect(put.body.error.message).toContain(CONTENT_TYPE_MESSAGE);
    }

    const bucket = await t.database.prisma.bucket.findFirstOrThrow({ where: { name: "site" } });
    expect(bucket.currentDeployId).toBeNull();
    expect(await t.database.prisma.staticFile.count()).toBe(0);
  });

  it("refuses a _headers value with a control character, as the same rule", async () => {
    const rules = "/*\n  X-Note: a\u0007b\n";
    expect([201, 200]).toContain((await api("PUT", `/api/v1/static/buckets/site/blobs/${sha(rules)}`, undefined, Buffer.from(rules))).status);
    const deploy = await api("POST", "/api/v1/static/buckets/site/deploys", { files: [{ path: "_headers", sha256: sha(rules), size: Buffer.byteLength(rules) }] });
    expect([deploy.status, deploy.body.error.message]).toEqual([422, '_headers line 2: the value of "X-Note" must be printable ASCII.']);
  });
});

describe("storage token input", () => {
  const base = { surface: "kv", access: "read", buckets: ["*"] };
  const cases: [string, Record<string, unknown>, string][] = [
    ["a NUL in the label", { label: "ci\u0000deploy" }, "label must not contain control characters (line breaks, tabs, NUL, escapes, bidi or zero-width marks)"],
    ["a line break in the label", { label: "ci\nFAKE   kv  admin" }, "label must not contain control characters (line breaks, tabs, NUL, escapes, bidi or zero-width marks)"],
    ["an escape sequence in the label", { label: "\u001b[31mred" }, "label must not contain control characters (line breaks, tabs, NUL, escapes, bidi or zero-width marks)"],
    ["a bidi override in the label", { label: "ci \u202edeploy" }, "label must not contain control characters (line breaks, tabs, NUL, escapes, bidi or zero-width marks)"],
    ["expiresIn past any date", { expiresIn: 1e15 }, "expiresIn must be at most 10 years (315360000 seconds)"],
    ["expiresIn just over 10 years", { expiresIn: 315_360_001 }, "expiresIn must be at most 10 years (315360000 seconds)"],
  ];
  it.each(cases)("refuses %s with 422 through JSON and tRPC, and creates no token", async (_name, extra, message) => {
    const before = await t.database.prisma.storageToken.count();
    const json = await api("POST", "/api/v1/storage-tokens", { ...base, ...extra });
    expect([json.status, json.body.error.message]).toEqual([422, expect.stringContaining(message)]);
    const viaTrpc = await mutation("storageTokens.create", { ...base, ...extra });
    expect([viaTrpc.status, viaTrpc.message]).toEqual([422, expect.stringContaining(message)]);
    expect(await t.database.prisma.storageToken.count()).toBe(before);
  });

  it("accepts a label in any language and an expiry of exactly 10 years", async () => {
    const created = await api("POST", "/api/v1/storage-tokens", { ...base, label: "déploiement 夜", expiresIn: 315_360_000 });
    expect(created.status).toBe(201);
    expect(created.body.label).toBe("déploiement 夜");
  });

  it("never answered 500 or logged an unexpected error for any of the above", () => {
    expect(server.logs()).not.toContain("unexpected error");
    expect(server.logs()).not.toContain("[lattice] trpc:");
  });
});

describe("logging an unexpected database error", () => {
  it("logs the error's class and a short reason, never the row it carried (a token hash)", async () => {
    const token = mintToken("storage");
    const hash = hashToken(token.secret);
    let error: unknown;
    try {
      await t.database.prisma.storageToken.create({
        data: { label: "x", surface: "kv", access: "read", buckets: ["*"], tokenHash: hash, prefix: token.displayPrefix, expiresAt: new Date(Number.NaN) },
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(Error);
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    let response: Response;
    let lines: string;
    try {
      response = toErrorResponse(error);
      lines = logged.mock.calls.map((args) => args.join(" ")).join("\n");
    } finally {
      logged.mockRestore();
    }
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ error: { code: "INTERNAL_SERVER_ERROR", message: "Internal server error" } });
    expect(lines).toMatch(/^\[lattice\] unexpected error: PrismaClientValidationError: /);
    expect(lines).not.toContain(hash);
    expect(lines).not.toContain(token.displayPrefix);
  });
});
