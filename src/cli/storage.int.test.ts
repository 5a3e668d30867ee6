import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, tempHome } from "../../test/support/cli.ts";
import { createTestDatabase, type TestDatabase } from "../../test/support/database.ts";
import { startServer, type RunningServer } from "../../test/support/server.ts";

// The storage commands end to end: Alice administers buckets, bindings and tokens from her saved
// login; CI deploys and reads from a fresh machine with only --server and LATTICE_STORAGE_TOKEN.

const DATE = "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC";
const SHORT_ID = "[0-9a-f]{8}";
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const table = (...lines: string[]) => new RegExp(`^${lines.join("\n")}\n$`);

/** GET through a bound host: Node 20's fetch drops a Host header, so plain http. */
function hostGet(port: number, host: string, urlPath = "/"): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: "127.0.0.1", port, path: urlPath, headers: { host } }, (res) => {
        let body = "";
        res.on("data", (chunk) => (body += chunk));
        res.on("end", () => resolve({ status: res.statusCode!, body }));
      })
      .on("error", reject);
  });
}

const sha256 = (bytes: Buffer) => crypto.createHash("sha256").update(bytes).digest("hex");

/** The raw bytes a bound host serves. */
function hostGetBytes(port: number, host: string, urlPath: string): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: "127.0.0.1", port, path: urlPath, headers: { host } }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk) => chunks.push(chunk));
        res.on("end", () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks) }));
      })
      .on("error", reject);
  });
}

describe("lattice kv / static / bindings / tokens against a real server", () => {
  let t: TestDatabase;
  let server: RunningServer;
  const alice = tempHome();
  const site = fs.mkdtempSync(path.join(os.tmpdir(), "lattice-site-"));
  const v1 = "<!doctype html><h1>Site v1</h1>\n";
  const v2 = `<!doctype html><h1>Site v2</h1>${"<!-- padding -->".repeat(126)}\n`; // 2048 bytes
  let staticWriteToken: string;

  const as = (home: string, ...args: string[]) => runCli(args, { home });
  const ci = (token: string | undefined, ...args: string[]) =>
    runCli([...args, "--server", server.url], { home: tempHome(), env: token === undefined ? {} : { LATTICE_STORAGE_TOKEN: token } });

  beforeAll(async () => {
    t = await createTestDatabase();
    server = await startServer({ databaseUrl: t.url });
    const registered = await as(alice, "teams", "register", "--cloud", server.url, "--email", "alice@example.com", "--name", "Alice", "--team-name", "Atlas");
    expect(registered.code, registered.stderr).toBe(0);
    fs.mkdirSync(path.join(site, "css"));
    fs.writeFileSync(path.join(site, "index.html"), v1);
    fs.writeFileSync(path.join(site, "404.html"), "<h1>Not here</h1>\n");
    fs.writeFileSync(path.join(site, "css", "site.css"), "body { color: teal; }\n");
    fs.writeFileSync(path.join(site, ".env"), "SECRET=1\n");
  });
  afterAll(async () => {
    await server?.stop();
    await t?.drop();
    fs.rmSync(site, { recursive: true, force: true });
  });

  it("kv buckets create / list / --json, and a duplicate is the server's 409 in one line", async () => {
    expect(await as(alice, "kv", "buckets", "create", "cfg")).toEqual({ code: 0, stdout: 'Created kv bucket "cfg".\n', stderr: "" });
    expect(await as(alice, "kv", "buckets", "create", "cfg")).toEqual({ code: 1, stdout: "", stderr: 'lattice: A kv bucket named "cfg" already exists.\n' });
    const created = await as(alice, "kv", "buckets", "create", "other", "--json");
    expect(JSON.parse(created.stdout)).toMatchObject({ surface: "kv", name: "other", bindings: 0, currentDeployId: null });
    const list = await as(alice, "kv", "buckets", "list");
    expect(list.stderr).toBe("");
    expect(list.stdout).toMatch(table("NAME   BINDINGS  CREATED", `cfg    0         ${DATE}`, `other  0         ${DATE}`));
    expect(JSON.parse((await as(alice, "kv", "buckets", "list", "--json")).stdout).map((b: { name: string }) => b.name)).toEqual(["cfg", "other"]);
    expect(await as(alice, "kv", "buckets", "create", "Bad_Name")).toMatchObject({ code: 1, stdout: "" });
  });

  it("kv put stores JSON, or text with --string; get prints the value's JSON text as stored, --json adds version and etag", async () => {
    expect(await as(alice, "kv", "put", "cfg", "site-title", '"Lattice"')).toEqual({ code: 0, stdout: 'Created "site-title" in kv bucket "cfg" (etag "1").\n', stderr: "" });
    expect(await as(alice, "kv", "get", "cfg", "site-title")).toEqual({ code: 0, stdout: '"Lattice"\n', stderr: "" });
    expect(await as(alice, "kv", "put", "cfg", "site-title", "Lattice & friends", "--string")).toEqual({
      code: 0,
      stdout: 'Updated "site-title" in kv bucket "cfg" (etag "2").\n',
      stderr: "",
    });
    expect((await as(alice, "kv", "get", "cfg", "site-title")).stdout).toBe('"Lattice & friends"\n');
    // Without --string, "42" is a number and an object stays an object.
    expect((await as(alice, "kv", "put", "cfg", "answer", "42")).code).toBe(0);
    const limits = await as(alice, "kv", "put", "cfg", "limits", '{"rps":50,"burst":[1,2]}', "--json");
    expect(JSON.parse(limits.stdout)).toMatchObject({ key: "limits", value: { rps: 50, burst: [1, 2] }, version: 1, etag: '"1"', created: true, expiresAt: null });
    expect((await as(alice, "kv", "get", "cfg", "limits")).stdout).toBe('{"rps":50,"burst":[1,2]}\n');
    const entry = JSON.parse((await as(alice, "kv", "get", "cfg", "answer", "--json")).stdout);
    expect(entry).toMatchObject({ key: "answer", value: 42, version: 1, etag: '"1"', expiresAt: null });
    expect(new Date(entry.updatedAt).getTime()).toBeGreaterThan(Date.now() - 60_000);
    // From stdin.
    expect((await runCli(["kv", "put", "cfg", "flags", "-"], { home: alice, input: '{"beta":true}\n' })).code).toBe(0);
    expect((await as(alice, "kv", "get", "cfg", "flags")).stdout).toBe('{"beta":true}\n');
  });

  it("kv get prints exactly the text kv put stored: big numbers, key order, spacing, \\u0000 (saved login and storage token)", async () => {
    const token = /(lst_[A-Za-z0-9_-]{43})\n$/.exec((await as(alice, "tokens", "create", "--surface", "kv", "--access", "write", "--buckets", "cfg")).stdout)![1]!;
    const texts = ["12345678901234567890", '{"b":1,"a":2}', '{"n": 1.10, "big": [-98765432109876543210e-5]}', '"\\u0000"'];
    for (const [i, text] of texts.entries()) {
      expect((await as(alice, "kv", "put", "cfg", `exact-${i}`, text)).code).toBe(0);
      expect(await as(alice, "kv", "get", "cfg", `exact-${i}`)).toEqual({ code: 0, stdout: `${text}\n`, stderr: "" });
      expect(await ci(token, "kv", "get", "cfg", `exact-${i}`)).toEqual({ code: 0, stdout: `${text}\n`, stderr: "" });
      expect((await ci(token, "kv", "put", "cfg", `exact-ci-${i}`, text)).code).toBe(0);
      expect(await as(alice, "kv", "get", "cfg", `exact-ci-${i}`)).toEqual({ code: 0, stdout: `${text}\n`, stderr: "" });
    }
    expect((await as(alice, "kv", "get", "cfg", "exact-0", "--json")).stdout).toMatch(/^\{"value":12345678901234567890,"key":"exact-0","valueText":"12345678901234567890",/);
    // Duplicate keys are refused by the server, in one line, and nothing is written.
    expect(await as(alice, "kv", "put", "cfg", "dup", '{"a":1,"a":2}')).toEqual({ code: 1, stdout: "", stderr: 'lattice: valueText: duplicate key "a" at position 7 (keys must be unique).\n' });
    expect(await ci(token, "kv", "put", "cfg", "dup", '{"a":1,"a":2}')).toEqual({ code: 1, stdout: "", stderr: 'lattice: Refused JSON in request body: duplicate key "a" at position 16 (keys must be unique).\n' });
    expect((await as(alice, "kv", "get", "cfg", "dup")).code).toBe(1);
    for (const i of texts.keys()) {
      await as(alice, "kv", "delete", "cfg", `exact-${i}`);
      await as(alice, "kv", "delete", "cfg", `exact-ci-${i}`);
    }
    expect((await as(alice, "tokens", "revoke", token.slice(0, 10))).code).toBe(0); // the later token listings do not show it
  });

  it("kv put refuses text that is not JSON as a usage error (exit 2) and writes nothing", async () => {
    expect(await as(alice, "kv", "put", "cfg", "greeting", "hello")).toEqual({
      code: 2,
      stdout: "",
      stderr: `lattice: the value is not valid JSON (hello): quote a string as JSON ('"text"') or pass --string\n`,
    });
    expect(await as(alice, "kv", "get", "cfg", "greeting")).toEqual({ code: 1, stdout: "", stderr: 'lattice: No key "greeting" in bucket "cfg".\n' });
    expect(await as(alice, "kv", "put", "cfg", "k", "1", "--ttl", "soon")).toEqual({
      code: 2,
      stdout: "",
      stderr: "lattice: --ttl must be a number of seconds or a duration such as 90s, 30m, 12h, 7d\n",
    });
    expect(await as(alice, "kv", "put", "cfg", "k")).toEqual({ code: 2, stdout: "", stderr: "lattice: missing argument <value> (see lattice kv put --help)\n" });
  });

  it("compare-and-swap: a stale --if-match is the server's 412; the current etag wins; --if-absent refuses an existing key", async () => {
    expect(await as(alice, "kv", "put", "cfg", "site-title", '"stale"', "--if-match", '"1"')).toEqual({
      code: 1,
      stdout: "",
      stderr: 'lattice: Key "site-title" changed since that ETag (or no longer exists).\n',
    });
    expect(await as(alice, "kv", "put", "cfg", "site-title", '"Lattice"', "--if-match", '"2"')).toEqual({
      code: 0,
      stdout: 'Updated "site-title" in kv bucket "cfg" (etag "3").\n',
      stderr: "",
    });
    expect(await as(alice, "kv", "put", "cfg", "site-title", '"again"', "--if-absent")).toEqual({ code: 1, stdout: "", stderr: 'lattice: Key "site-title" already exists.\n' });
    expect(await as(alice, "kv", "put", "cfg", "fresh", "true", "--if-absent")).toEqual({ code: 0, stdout: 'Created "fresh" in kv bucket "cfg" (etag "1").\n', stderr: "" });
    const ttl = await as(alice, "kv", "put", "cfg", "session", '"abc"', "--ttl", "1h");
    expect(ttl.stdout).toMatch(new RegExp(`^Created "session" in kv bucket "cfg" \\(etag "1", expires ${DATE}\\)\\.\n$`));
    const expires = JSON.parse((await as(alice, "kv", "get", "cfg", "session", "--json")).stdout).expiresAt;
    expect(Math.abs(Date.parse(expires) - (Date.now() + 3600_000))).toBeLessThan(60_000);
  });

  it("kv list shows every key with version, update and expiry; --prefix narrows; delete removes; a missing bucket is the server's 404", async () => {
    const list = await as(alice, "kv", "list", "cfg");
    expect(list.stderr).toBe("");
    expect(list.stdout).toMatch(
      table(
        "KEY         VERSION  UPDATED               EXPIRES",
        `answer      1        ${DATE}  never`,
        `flags       1        ${DATE}  never`,
        `fresh       1        ${DATE}  never`,
        `limits      1        ${DATE}  never`,
        `session     1        ${DATE}  ${DATE}`,
        `site-title  3        ${DATE}  never`,
      ),
    );
    const json = JSON.parse((await as(alice, "kv", "list", "cfg", "--prefix", "s", "--json")).stdout);
    expect(json.map((k: { key: string; version: number }) => [k.key, k.version])).toEqual([
      ["session", 1],
      ["site-title", 3],
    ]);
    expect(await as(alice, "kv", "delete", "cfg", "fresh")).toEqual({ code: 0, stdout: 'Deleted "fresh" from kv bucket "cfg".\n', stderr: "" });
    expect(JSON.parse((await as(alice, "kv", "delete", "cfg", "answer", "--json")).stdout)).toEqual({ key: "answer", deleted: true });
    expect(await as(alice, "kv", "delete", "cfg", "fresh")).toEqual({ code: 1, stdout: "", stderr: 'lattice: No key "fresh" in bucket "cfg".\n' });
    expect(await as(alice, "kv", "list", "other")).toEqual({ code: 0, stdout: 'No keys in kv bucket "other".\n', stderr: "" });
    expect(await as(alice, "kv", "list", "nope")).toEqual({ code: 1, stdout: "", stderr: 'lattice: No kv bucket named "nope".\n' });
    expect(await as(alice, "kv", "get", "nope", "k")).toEqual({ code: 1, stdout: "", stderr: 'lattice: No kv bucket named "nope".\n' });
  });

  it("static deploy uploads every file the first time, then only the changed one; dotfiles stay out; progress goes to stderr", async () => {
    expect(await as(alice, "static", "buckets", "create", "site")).toEqual({ code: 0, stdout: 'Created static bucket "site".\n', stderr: "" });
    expect(await as(alice, "static", "ls", "site")).toEqual({ code: 0, stdout: 'Static bucket "site" has no deploy yet.\n', stderr: "" });

    const first = await as(alice, "static", "deploy", site, "--bucket", "site");
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toBe('Deployed 3 files (3 new, 0.1 KB uploaded) to static bucket "site".\n');
    // Not a terminal: one line per uploaded file (in whatever order the parallel uploads finish).
    expect(first.stderr.split("\n").filter(Boolean).sort()).toEqual(["uploaded 404.html (18 B)", "uploaded css/site.css (22 B)", "uploaded index.html (32 B)"]);

    fs.writeFileSync(path.join(site, "index.html"), v2);
    const second = await as(alice, "static", "deploy", site, "--bucket", "site");
    expect(second).toEqual({ code: 0, stdout: 'Deployed 3 files (1 new, 2.0 KB uploaded) to static bucket "site".\n', stderr: "uploaded index.html (2.0 KB)\n" });
    expect(await t.database.prisma.staticBlob.count()).toBe(4);

    // Nothing changed: nothing is uploaded, no deploy is made (rollback keeps the real previous one),
    // and the CLI says so; --json is quiet on stderr.
    const deploys = await t.database.prisma.staticDeploy.count();
    const current = (await t.database.prisma.bucket.findFirstOrThrow({ where: { name: "site", surface: "static" } })).currentDeployId!;
    expect(await as(alice, "static", "deploy", site, "--bucket", "site")).toEqual({
      code: 0,
      stdout: `No changes: static bucket "site" already serves this content (deploy ${current.slice(0, 8)}).\n`,
      stderr: "",
    });
    const same = await as(alice, "static", "deploy", site, "--bucket", "site", "--json");
    expect(same.stderr).toBe("");
    expect(JSON.parse(same.stdout)).toMatchObject({ bucket: "site", deployId: current, unchanged: true, fileCount: 3, totalBytes: 18 + 22 + 2048, uploadedFiles: 0, uploadedBytes: 0 });
    expect(await t.database.prisma.staticDeploy.count()).toBe(deploys);
  });

  it("static deploy sends a 25 MiB file as raw bytes; the bound host serves it byte-identical", async () => {
    const big = fs.mkdtempSync(path.join(os.tmpdir(), "lattice-big-"));
    try {
      const bytes = crypto.randomBytes(25 * 1024 * 1024);
      fs.writeFileSync(path.join(big, "data.bin"), bytes);
      expect((await as(alice, "static", "buckets", "create", "big")).code).toBe(0);
      expect((await as(alice, "bindings", "add", "big.example.test", "--bucket", "big", "--surface", "static")).code).toBe(0);
      expect(await as(alice, "static", "deploy", big, "--bucket", "big")).toEqual({
        code: 0,
        stdout: 'Deployed 1 file (1 new, 25 MB uploaded) to static bucket "big".\n',
        stderr: "uploaded data.bin (25 MB)\n",
      });
      const served = await hostGetBytes(server.port, "big.example.test", "/data.bin");
      expect(served.status).toBe(200);
      expect(served.body.length).toBe(bytes.length);
      expect(sha256(served.body)).toBe(sha256(bytes));
      // One byte over is refused before anything is sent.
      fs.writeFileSync(path.join(big, "data.bin"), Buffer.concat([bytes, Buffer.from("!")]));
      expect(await as(alice, "static", "deploy", big, "--bucket", "big")).toEqual({
        code: 1,
        stdout: "",
        stderr: "lattice: data.bin is 25 MB: the server takes files of at most 25 MB\n",
      });
    } finally {
      fs.rmSync(big, { recursive: true, force: true });
      await as(alice, "static", "buckets", "delete", "big", "--force");
    }
  }, 120_000);

  it("static ls lists the current deploy's files; --json has the deploy id and hashes", async () => {
    const ls = await as(alice, "static", "ls", "site");
    expect(ls).toEqual({
      code: 0,
      stderr: "",
      stdout: ["PATH          SIZE    TYPE", "404.html      18 B    text/html; charset=utf-8", "css/site.css  22 B    text/css; charset=utf-8", "index.html    2.0 KB  text/html; charset=utf-8", ""].join("\n"),
    });
    const json = JSON.parse((await as(alice, "static", "ls", "site", "--prefix", "css/", "--json")).stdout);
    expect(json).toEqual({ deployId: expect.stringMatching(/^[0-9a-f-]{36}$/), files: [expect.objectContaining({ path: "css/site.css", size: 22, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) })] });
  });

  it("serves the bucket through a binding; rollback returns to the previous deploy, and again undoes it", async () => {
    expect(await as(alice, "bindings", "add", "site.example.test", "--bucket", "site", "--surface", "static")).toEqual({
      code: 0,
      stdout: 'Bound site.example.test to static bucket "site".\n',
      stderr: "",
    });
    expect(await hostGet(server.port, "site.example.test")).toEqual({ status: 200, body: v2 });
    expect(await hostGet(server.port, "site.example.test", "/missing")).toEqual({ status: 404, body: "<h1>Not here</h1>\n" });

    // v1's content is still on the server from the first deploy: nothing to upload.
    fs.writeFileSync(path.join(site, "index.html"), v1);
    expect((await as(alice, "static", "deploy", site, "--bucket", "site")).stdout).toBe('Deployed 3 files (0 new, 0 KB uploaded) to static bucket "site".\n');
    expect(await hostGet(server.port, "site.example.test")).toEqual({ status: 200, body: v1 });
    const rollback = await as(alice, "static", "rollback", "site");
    expect(rollback.stderr).toBe("");
    expect(rollback.stdout).toMatch(new RegExp(`^Rolled back static bucket "site" to its previous deploy \\(${SHORT_ID}\\)\\.\n$`));
    expect(await hostGet(server.port, "site.example.test")).toEqual({ status: 200, body: v2 });
    const json = JSON.parse((await as(alice, "static", "rollback", "site", "--json")).stdout);
    expect(json).toEqual({ bucket: "site", currentDeployId: expect.any(String), previousDeployId: expect.any(String) });
    expect(await hostGet(server.port, "site.example.test")).toEqual({ status: 200, body: v1 });
    expect(await as(alice, "static", "rollback", "nope")).toEqual({ code: 1, stdout: "", stderr: 'lattice: No static bucket named "nope".\n' });
  });

  it("bindings list, disable (the host answers 404), enable by any spelling of the host, and --json", async () => {
    const list = await as(alice, "bindings", "list");
    expect(list.stdout).toMatch(table("HOST               SURFACE  BUCKET  STATUS   CREATED", `site\\.example\\.test  static   site    enabled  ${DATE}`));
    expect(await as(alice, "bindings", "disable", "site.example.test")).toEqual({ code: 0, stdout: 'Disabled site.example.test (static bucket "site").\n', stderr: "" });
    expect((await hostGet(server.port, "site.example.test")).status).toBe(404);
    expect(await as(alice, "bindings", "enable", "Site.Example.Test.")).toEqual({ code: 0, stdout: 'Enabled site.example.test (static bucket "site").\n', stderr: "" });
    expect((await hostGet(server.port, "site.example.test")).status).toBe(200);
    expect(JSON.parse((await as(alice, "bindings", "list", "--surface", "static", "--json")).stdout)).toEqual([
      expect.objectContaining({ host: "site.example.test", surface: "static", bucket: "site", enabled: true }),
    ]);
    expect(await as(alice, "bindings", "remove", "site.example.test", "--bucket", "other")).toEqual({
      code: 1,
      stdout: "",
      stderr: 'lattice: site.example.test serves static bucket "site", not "other"\n',
    });
    expect(await as(alice, "bindings", "add", "site.example.test", "--bucket", "site", "--surface", "static")).toEqual({
      code: 1,
      stdout: "",
      stderr: "lattice: site.example.test is already bound; delete that binding first.\n",
    });
    expect(await as(alice, "bindings", "add", "x.example.test", "--bucket", "site", "--surface", "files")).toEqual({ code: 2, stdout: "", stderr: "lattice: --surface must be kv or static\n" });
    expect(await as(alice, "bindings", "enable", "nowhere.example.test")).toEqual({ code: 1, stdout: "", stderr: "lattice: No host binding for nowhere.example.test.\n" });
  });

  it("tokens create prints the lst_ secret once; tokens list shows prefix, access, buckets, dates and status", async () => {
    const created = await as(alice, "tokens", "create", "--surface", "static", "--access", "write", "--buckets", "site", "--label", "CI deploy");
    expect(created.stderr).toBe("");
    const match = /^Created storage token (lst_[A-Za-z0-9_-]{6}) "CI deploy": static write access to bucket "site"\.\nStorage token \(shown ONCE — save it now\):\n(lst_[A-Za-z0-9_-]{43})\n$/.exec(created.stdout);
    expect(match, created.stdout).not.toBeNull();
    staticWriteToken = match![2]!;
    expect(staticWriteToken.startsWith(match![1]!)).toBe(true);
    const list = await as(alice, "tokens", "list");
    expect(list.stdout).toMatch(
      table(
        "PREFIX      LABEL      ACCESS        BUCKETS  CREATED               CREATED BY         LAST USED  STATUS",
        `${escape(match![1]!)}  CI deploy  static write  site     ${DATE}  alice@example\\.com  never      active`,
      ),
    );
    expect(await as(alice, "tokens", "create", "--surface", "static", "--access", "owner", "--buckets", "site")).toEqual({
      code: 2,
      stdout: "",
      stderr: "lattice: --access must be read, write or admin\n",
    });
    expect(await as(alice, "tokens", "create", "--surface", "kv")).toEqual({
      code: 2,
      stdout: "",
      stderr: "lattice: missing required options --access, --buckets (see lattice tokens create --help)\n",
    });
  });

  it("CI: a fresh machine with no login deploys with --server and a static write token; kv and static reads obey the token", async () => {
    fs.writeFileSync(path.join(site, "index.html"), "<h1>From CI</h1>\n");
    const deployed = await ci(staticWriteToken, "static", "deploy", site, "--bucket", "site");
    expect(deployed).toEqual({ code: 0, stdout: 'Deployed 3 files (1 new, 0.1 KB uploaded) to static bucket "site".\n', stderr: "uploaded index.html (17 B)\n" });
    expect(await hostGet(server.port, "site.example.test")).toEqual({ status: 200, body: "<h1>From CI</h1>\n" });
    expect((await ci(staticWriteToken, "static", "ls", "site")).stdout).toMatch(/^PATH {10}SIZE  TYPE\n/);
    // The token is used, so tokens list now shows when.
    expect((await as(alice, "tokens", "list")).stdout).toMatch(new RegExp(`CI deploy  static write  site     ${DATE}  alice@example\\.com  ${DATE}  active\n$`));

    const readOnly = /(lst_[A-Za-z0-9_-]{43})\n$/.exec((await as(alice, "tokens", "create", "--surface", "static", "--access", "read", "--buckets", "*")).stdout)![1]!;
    expect(await ci(readOnly, "static", "deploy", site, "--bucket", "site")).toEqual({
      code: 1,
      stdout: "",
      stderr: "lattice: This storage token has read access; this needs write.\n",
    });
    expect((await ci(readOnly, "static", "ls", "site")).code).toBe(0);

    expect((await as(alice, "kv", "put", "cfg", "deploy-target", '"prod"')).code).toBe(0);
    const otherBucket = /(lst_[A-Za-z0-9_-]{43})\n$/.exec((await as(alice, "tokens", "create", "--surface", "kv", "--access", "write", "--buckets", "other")).stdout)![1]!;
    expect(await ci(otherBucket, "kv", "get", "cfg", "deploy-target")).toEqual({ code: 1, stdout: "", stderr: 'lattice: This storage token does not cover bucket "cfg".\n' });
    expect(await ci(staticWriteToken, "kv", "get", "cfg", "deploy-target")).toEqual({ code: 1, stdout: "", stderr: "lattice: This storage token is for static buckets, not kv.\n" });

    // A kv token on its own bucket: the whole get/put/list/delete cycle over the JSON routes.
    expect(await ci(otherBucket, "kv", "put", "other", "build/id", "1234")).toEqual({ code: 0, stdout: 'Created "build/id" in kv bucket "other" (etag "1").\n', stderr: "" });
    expect(await ci(otherBucket, "kv", "put", "other", "build/id", "1235", "--if-match", '"7"')).toEqual({
      code: 1,
      stdout: "",
      stderr: 'lattice: Key "build/id" changed since that ETag (or no longer exists).\n',
    });
    expect(await ci(otherBucket, "kv", "get", "other", "build/id")).toEqual({ code: 0, stdout: "1234\n", stderr: "" });
    expect((await ci(otherBucket, "kv", "list", "other")).stdout).toMatch(table("KEY       VERSION  UPDATED               EXPIRES", `build/id  1        ${DATE}  never`));
    expect(await ci(otherBucket, "kv", "delete", "other", "build/id")).toEqual({ code: 0, stdout: 'Deleted "build/id" from kv bucket "other".\n', stderr: "" });
    // Bucket administration is not what a storage token is for.
    expect(await ci(otherBucket, "kv", "buckets", "list")).toEqual({ code: 2, stdout: "", stderr: "lattice: unknown option '--server' (see lattice kv buckets list --help)\n" });
  });

  it("CI: no token and no login is one clear line; a revoked token is the server's 401", async () => {
    expect(await ci(undefined, "static", "deploy", site, "--bucket", "site")).toEqual({
      code: 1,
      stdout: "",
      stderr: `lattice: no saved login for ${server.url}: set LATTICE_STORAGE_TOKEN to a storage token (lattice tokens create), or run lattice teams join\n`,
    });
    expect(await ci("lat_not-a-storage-token-at-all-0123456789", "kv", "get", "cfg", "k")).toEqual({
      code: 1,
      stdout: "",
      stderr: "lattice: LATTICE_STORAGE_TOKEN must be a storage token (lst_…) from lattice tokens create\n",
    });
    const prefix = staticWriteToken.slice(0, 10);
    expect(await as(alice, "tokens", "revoke", prefix)).toEqual({ code: 0, stdout: `Revoked storage token ${prefix} "CI deploy".\n`, stderr: "" });
    expect(await ci(staticWriteToken, "static", "deploy", site, "--bucket", "site")).toEqual({
      code: 1,
      stdout: "",
      stderr: "lattice: Send a valid storage token: Authorization: Bearer lst_…\n",
    });
    expect((await as(alice, "tokens", "list")).stdout).not.toContain(prefix);
    expect((await as(alice, "tokens", "list", "--all")).stdout).toMatch(new RegExp(`${escape(prefix)}  CI deploy .* revoked\n`));
  });

  it("buckets delete: a bound bucket is refused until --force, which removes its bindings too", async () => {
    expect(await as(alice, "static", "buckets", "delete", "site")).toEqual({
      code: 1,
      stdout: "",
      stderr: 'lattice: Bucket "site" is still bound to site.example.test: delete those bindings first, or delete with force.\n',
    });
    expect(await as(alice, "static", "buckets", "delete", "site", "--force")).toEqual({
      code: 0,
      stdout: 'Deleted static bucket "site" and its bindings: site.example.test.\n',
      stderr: "",
    });
    expect((await hostGet(server.port, "site.example.test")).status).not.toBe(200);
    expect(await as(alice, "kv", "buckets", "delete", "other")).toEqual({ code: 0, stdout: 'Deleted kv bucket "other".\n', stderr: "" });
    expect(await as(alice, "bindings", "list")).toEqual({ code: 0, stdout: "No host bindings yet.\n", stderr: "" });
  });

  it("two-word commands keep --help, strict flags and the one-line usage errors", async () => {
    const help = await as(alice, "--help");
    expect(help.stdout).toMatch(/^ {2}kv buckets create +Create a kv bucket/m);
    expect(help.stdout).toMatch(/^ {2}static deploy +Publish a folder/m);
    const groupHelp = await as(alice, "kv", "--help");
    expect(groupHelp.stdout).toMatch(/^ {2}kv put +Set a key/m);
    expect(groupHelp.stdout).not.toContain("teams register");
    const commandHelp = await as(alice, "static", "buckets", "delete", "--help");
    expect(commandHelp.code).toBe(0);
    expect(commandHelp.stdout).toContain("$ lattice static buckets delete <name> [--force] [--team <name>]");
    expect(commandHelp.stdout).toContain("--force");
    expect(await as(alice, "kv", "buckets", "create", "x", "--forse")).toEqual({ code: 2, stdout: "", stderr: "lattice: unknown option '--forse' (see lattice kv buckets create --help)\n" });
    expect(await as(alice, "kv", "buckets")).toEqual({ code: 2, stdout: "", stderr: "lattice: missing command after 'kv buckets' (see lattice kv --help)\n" });
    expect(await as(alice, "kv", "bucket", "list")).toEqual({ code: 2, stdout: "", stderr: "lattice: unknown command 'kv bucket' (see lattice --help)\n" });
    expect(await as(alice, "static", "deploy", site)).toEqual({ code: 2, stdout: "", stderr: "lattice: missing required option --bucket (see lattice static deploy --help)\n" });
  });
});
