import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, runOnTerminal, tempHome } from "../../test/support/cli.ts";
import { createTestDatabase, type TestDatabase } from "../../test/support/database.ts";
import { startServer, type RunningServer } from "../../test/support/server.ts";
import { verifyPassword } from "../server/auth/password.ts";

// Operator tokens, bindings given as URLs, the password prompt on a terminal, forgetting a stale
// connection and request timeouts: the real `lattice` binary against the real server.

const DATE = "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC";

describe("lattice account / teams / bindings (ops) against a real server", () => {
  let t: TestDatabase;
  let server: RunningServer;
  const alice = tempHome();
  const bob = tempHome();
  const bobLaptop = tempHome();
  const as = (home: string, ...args: string[]) => runCli(args, { home });

  beforeAll(async () => {
    t = await createTestDatabase();
    server = await startServer({ databaseUrl: t.url });
    expect((await as(alice, "teams", "register", "--cloud", server.url, "--email", "alice@example.com", "--name", "Alice", "--team-name", "Atlas")).code).toBe(0);
    const invited = await as(alice, "teams", "invite", "--invitee-email", "bob@example.com", "--json");
    const invitation = JSON.parse(invited.stdout).token as string;
    expect((await as(bob, "teams", "join", "--cloud", server.url, "--token", invitation, "--email", "bob@example.com", "--name", "Bob")).code).toBe(0);
  });
  afterAll(async () => {
    await server?.stop();
    await t?.drop();
  });

  it("account tokens create prints the secret once; a member's token works on a second machine; list; revoke → 401", async () => {
    const created = await as(bob, "account", "tokens", "create", "--label", "laptop", "--expires", "30d");
    expect(created.stderr).toBe("");
    const match = new RegExp(
      `^Created API token (lat_[A-Za-z0-9_-]{6}) "laptop": teams:read teams:write kv:write static:write \\(expires ${DATE}\\)\\.\nAPI token \\(shown ONCE — save it now\\):\n(lat_[A-Za-z0-9_-]{43})\n$`,
    ).exec(created.stdout);
    expect(match, created.stdout).not.toBeNull();
    const [, prefix, secret] = match!;
    expect(secret!.startsWith(prefix!)).toBe(true);

    // The second machine saves it and works as Bob.
    const connected = await runCli(["teams", "connect", "--cloud", server.url], { home: bobLaptop, input: `${secret}\n` });
    expect(connected).toEqual({ code: 0, stdout: `Connected to team "Atlas" at ${server.url} as bob@example.com; token saved in keys/atlas.token.\n`, stderr: "" });
    expect((await as(bobLaptop, "teams", "members")).code).toBe(0);

    const list = await as(bob, "account", "tokens", "list");
    expect(list.code).toBe(0);
    expect(list.stdout).not.toContain(secret);
    expect(list.stdout).toMatch(
      new RegExp(
        [
          "^PREFIX +LABEL +SCOPES +CREATED +LAST USED +STATUS",
          `${prefix} +laptop +teams:read teams:write kv:write static:write +${DATE} +${DATE} +active until ${DATE}`,
          `lat_[A-Za-z0-9_-]{6} +join +all scopes +${DATE} +${DATE} +active\n$`,
        ].join("\n"),
      ),
    );

    // Wider than his own: refused, one line, exit 1.
    expect(await as(bob, "account", "tokens", "create", "--label", "x", "--scopes", "teams:admin")).toEqual({
      code: 1,
      stdout: "",
      stderr: "lattice: You cannot grant teams:admin: a token's scopes must be among your own (teams:read teams:write kv:write static:write).\n",
    });

    expect(await as(bob, "account", "tokens", "revoke", prefix!)).toEqual({ code: 0, stdout: `Revoked API token ${prefix} "laptop".\n`, stderr: "" });
    const rejected = await as(bobLaptop, "teams", "members");
    expect(rejected.code).toBe(1);
    expect(rejected.stderr).toMatch(/^lattice: the saved token for "Atlas" was rejected \(401\)/);
    expect(JSON.parse((await as(bob, "account", "tokens", "list", "--json")).stdout).map((x: { label: string; status: string }) => [x.label, x.status])).toEqual([
      ["laptop", "revoked"],
      ["join", "active"],
    ]);
  });

  it("account tokens create refuses a control character or a too-long expiry with the server's 422", async () => {
    expect(await as(alice, "account", "tokens", "create", "--label", "bad\u001b[2Jlabel")).toEqual({ code: 1, stdout: "", stderr: "lattice: label: label must not contain control characters\n" });
    expect(await as(alice, "account", "tokens", "create", "--label", "x", "--expires", "3651d")).toEqual({ code: 1, stdout: "", stderr: "lattice: expiresIn: expiresIn is too long (10 years at most)\n" });
    expect(await as(alice, "account", "tokens", "create")).toEqual({ code: 2, stdout: "", stderr: "lattice: missing required option --label (see lattice account tokens create --help)\n" });
  });

  it("account password on a terminal: asks twice without echo, restores the terminal, sets the password", async () => {
    const password = "terminal typed secret";
    const result = await runOnTerminal(["account", "password"], { home: alice }, [
      { after: "New password: ", type: `${password}\r` },
      { after: "Repeat it: ", type: `${password}\r` },
    ]);
    expect(result.screen).toContain("New password: ");
    expect(result.screen).toContain("Repeat it: ");
    expect(result.screen).toContain(`Password set for alice@example.com. Sign in to the dashboard at ${server.url}.`);
    expect(result.screen).not.toContain(password);
    expect(result.code).toBe(0);
    const user = await t.database.prisma.user.findUniqueOrThrow({ where: { email: "alice@example.com" } });
    expect(await verifyPassword(password, user.passwordHash)).toBe(true);
  });

  it("account password on a terminal: Ctrl-C stops it with one line and changes nothing", async () => {
    const before = (await t.database.prisma.user.findUniqueOrThrow({ where: { email: "alice@example.com" } })).passwordHash;
    const result = await runOnTerminal(["account", "password"], { home: alice }, [{ after: "New password: ", type: "half\u0003" }]);
    expect(result.screen).toContain("lattice: interrupted; nothing was changed");
    expect(result.screen).not.toContain("half");
    expect(result.code).toBe(1);
    expect((await t.database.prisma.user.findUniqueOrThrow({ where: { email: "alice@example.com" } })).passwordHash).toBe(before);
  });

  it("account password still reads a piped password", async () => {
    const result = await runCli(["account", "password"], { home: alice, input: "piped password 1\n" });
    expect(result).toEqual({ code: 0, stdout: `Password set for alice@example.com. Sign in to the dashboard at ${server.url}.\n`, stderr: "" });
  });

  it("bindings add takes a pasted URL and says which host it bound; the dashboard's own host and a scheme are refused", async () => {
    expect((await as(alice, "static", "buckets", "create", "site")).code).toBe(0);
    expect(await as(alice, "bindings", "add", "http://site.example.com/", "--bucket", "site", "--surface", "static")).toEqual({
      code: 0,
      stdout: 'Bound site.example.com (the host of http://site.example.com/) to static bucket "site".\n',
      stderr: "",
    });
    expect(await as(alice, "bindings", "add", "localhost", "--bucket", "site", "--surface", "static")).toEqual({
      code: 1,
      stdout: "",
      stderr: "lattice: host: localhost is the dashboard's own host; binding it would hide the dashboard.\n",
    });
    expect(await as(alice, "bindings", "add", "mailto:x", "--bucket", "site", "--surface", "static")).toEqual({
      code: 1,
      stdout: "",
      stderr: 'lattice: host: "mailto:x" is a mailto: URL, not a host; give a hostname or IP address, e.g. site.example.com.\n',
    });
    // The JSON route refuses the Host it was reached on.
    const token = fs.readFileSync(path.join(alice, "keys", "atlas.token"), "utf8").trim();
    const response = await fetch(`${server.url}/api/v1/bindings`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ host: server.url, surface: "static", bucket: "site" }),
    });
    expect(response.status).toBe(422);
    expect((await response.json()).error.message).toBe("host: localhost is the dashboard's own host; binding it would hide the dashboard.");
    expect((await t.database.prisma.hostBinding.findMany()).map((b) => b.host)).toEqual(["site.example.com"]);
  });

  it("after a kick, teams leave fails with how to forget; teams forget removes the connection and key file", async () => {
    expect((await as(alice, "teams", "kick", "--email", "bob@example.com")).code).toBe(0);
    expect(await as(bob, "teams", "leave")).toEqual({
      code: 1,
      stdout: "",
      stderr: 'lattice: the saved token for "Atlas" was rejected (401): you may have been removed or the team destroyed — remove it from this machine with: lattice teams forget --team atlas\n',
    });
    expect(await as(bob, "teams", "forget", "--team", "atlas")).toEqual({
      code: 0,
      stdout: `Forgot team "Atlas" (${server.url}) on this machine: its connection and token file are removed. The server was not contacted.\n`,
      stderr: "",
    });
    expect(fs.existsSync(path.join(bob, "keys", "atlas.token"))).toBe(false);
    expect(JSON.parse(fs.readFileSync(path.join(bob, "connections.json"), "utf8"))).toEqual({});
    expect(await as(bob, "teams", "status")).toEqual({ code: 1, stdout: "", stderr: "lattice: no saved connection — run lattice teams register or lattice teams join\n" });
    expect(await as(bob, "teams", "forget")).toEqual({ code: 1, stdout: "", stderr: "lattice: no saved connection — run lattice teams register or lattice teams join\n" });
  });
});

describe("a server that accepts and never answers", () => {
  let silent: net.Server;
  let url: string;
  const sockets: net.Socket[] = [];
  beforeAll(async () => {
    silent = net.createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(silent.address() as net.AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });

  it("teams and storage commands give up after LATTICE_TIMEOUT with one line and exit 1", async () => {
    const env = { LATTICE_TIMEOUT: "1" };
    const joined = await runCli(["teams", "join", "--cloud", url, "--token", "latinv_x", "--email", "e@example.com", "--name", "E"], { home: tempHome(), env });
    expect(joined).toEqual({ code: 1, stdout: "", stderr: `lattice: no answer from ${url} within 1 s\n` });
    const listed = await runCli(["kv", "get", "b", "k", "--server", url], { home: tempHome(), env: { ...env, LATTICE_STORAGE_TOKEN: `lst_${"a".repeat(43)}` } });
    expect(listed).toEqual({ code: 1, stdout: "", stderr: `lattice: no answer from ${url} within 1 s\n` });
  });
});
