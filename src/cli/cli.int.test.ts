import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import packageJson from "../../package.json" with { type: "json" };
import { runCli, tempHome } from "../../test/support/cli.ts";
import { createTestDatabase, type TestDatabase } from "../../test/support/database.ts";
import { freePort } from "../../test/support/postgres.ts";
import { startServer, type RunningServer } from "../../test/support/server.ts";

const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
const TOKEN = "lat_[A-Za-z0-9_-]{43}";
const alice = ["--email", "alice@example.com", "--name", "Alice", "--team-name", "Atlas"];

function registeredOutput(): RegExp {
  return new RegExp(
    [
      '^Registered alice@example\\.com and created team "Atlas"\\.',
      `user-id: (${UUID})`,
      `team-id: (${UUID})`,
      "Bootstrap API token \\(shown ONCE — save it now\\):",
      `(${TOKEN})\n$`,
    ].join("\n"),
  );
}

async function counts(t: TestDatabase) {
  const p = t.database.prisma;
  return { users: await p.user.count(), teams: await p.team.count(), memberships: await p.membership.count(), tokens: await p.apiToken.count() };
}

/** A plain HTTP server that is not Lattice; it counts requests so a test can prove none was made. */
async function startHtmlServer(): Promise<{ url: string; requests: () => number; close: () => Promise<void> }> {
  let requests = 0;
  const server = http.createServer((_request, response) => {
    requests++;
    response.writeHead(200, { "content-type": "text/html" }).end("<!doctype html><h1>It works!</h1>");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, requests: () => requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe("lattice teams register / status against a real server", () => {
  let t: TestDatabase;
  let server: RunningServer;
  let home: string;
  let printed: { userId: string; teamId: string; token: string };

  beforeAll(async () => {
    t = await createTestDatabase();
    server = await startServer({ databaseUrl: t.url });
    home = tempHome();
  });
  afterAll(async () => {
    await server?.stop();
    await t?.drop();
  });

  it("registers and prints exactly the seed's lines, then saves the token (0600), connection and identity", async () => {
    const result = await runCli(["teams", "register", "--cloud", server.url, ...alice], { home });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const match = registeredOutput().exec(result.stdout);
    expect(match, result.stdout).not.toBeNull();
    printed = { userId: match![1]!, teamId: match![2]!, token: match![3]! };

    const user = await t.database.prisma.user.findUniqueOrThrow({ where: { id: printed.userId } });
    expect(user.email).toBe("alice@example.com");
    expect((await t.database.prisma.team.findFirstOrThrow()).id).toBe(printed.teamId);

    const keyFile = path.join(home, "keys", "atlas.token");
    expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.join(home, "keys")).mode & 0o777).toBe(0o700);
    expect(fs.readFileSync(keyFile, "utf8").trim()).toBe(printed.token);
    expect(JSON.parse(fs.readFileSync(path.join(home, "identity.json"), "utf8"))).toEqual({ display_name: "Alice", email: "alice@example.com" });
    expect(JSON.parse(fs.readFileSync(path.join(home, "connections.json"), "utf8"))).toEqual({
      atlas: { cloud: server.url, teamId: printed.teamId, teamName: "Atlas", userId: printed.userId, email: "alice@example.com", tokenFile: "keys/atlas.token" },
    });
  });

  it("teams status shows the server, team, who I am with my role, and a valid token", async () => {
    const result = await runCli(["teams", "status"], { home });
    expect(result).toEqual({
      code: 0,
      stderr: "",
      stdout: [
        `Server:      ${server.url} (reachable, lattice ${packageJson.version}, postgres)`,
        "Team:        Atlas (1 member)",
        "You:         Alice <alice@example.com>",
        "Role:        owner",
        "Token:       valid",
        "Invitations: 0 pending",
        "",
      ].join("\n"),
    });
    const json = await runCli(["teams", "status", "--team", "Atlas", "--json"], { home });
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      cloud: server.url,
      label: "atlas",
      server: { reachable: true, isLattice: true, version: packageJson.version, db: "postgres", hasTeam: true },
      team: { id: printed.teamId, name: "Atlas" },
      user: { id: printed.userId, email: "alice@example.com", displayName: "Alice" },
      role: "owner",
      token: "valid",
      memberCount: 1,
      pendingInvitations: 0,
      error: null,
    });
  });

  it("refuses a second registration (409) in one line, exit 1, and changes nothing", async () => {
    const before = await counts(t);
    const result = await runCli(["teams", "register", "--cloud", server.url, "--email", "bob@example.com", "--name", "Bob", "--team-name", "Other"], { home: tempHome() });
    expect(result).toEqual({
      code: 1,
      stdout: "",
      stderr:
        'lattice: This server already has a team ("Atlas"): one team per database. Ask a member for an invitation and use `lattice teams join`.\n',
    });
    expect(await counts(t)).toEqual(before);
  });

  it("does not require --email and --name when identity.json has them", async () => {
    // Reaching the server (which then refuses: it has a team) shows the flags were filled from identity.json.
    const result = await runCli(["teams", "register", "--cloud", server.url, "--team-name", "Other"], { home });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^lattice: This server already has a team \("Atlas"\)/);
  });

  it("teams status with a revoked token says the token was rejected, exit 1", async () => {
    await t.database.prisma.apiToken.updateMany({ data: { revokedAt: new Date() } });
    try {
      const result = await runCli(["teams", "status"], { home });
      expect(result).toEqual({
        code: 1,
        stdout: [
          `Server:      ${server.url} (reachable, lattice ${packageJson.version}, postgres)`,
          "Team:        Atlas",
          "You:         alice@example.com",
          "Role:        unknown",
          "Token:       rejected (401)",
          "",
        ].join("\n"),
        stderr: 'lattice: the saved token for "Atlas" was rejected (401): it may have been revoked — run lattice teams join again\n',
      });
    } finally {
      await t.database.prisma.apiToken.updateMany({ data: { revokedAt: null } });
    }
  });
});

describe("lattice teams register --json (fresh database)", () => {
  let t: TestDatabase;
  let server: RunningServer;
  const home = tempHome();

  beforeAll(async () => {
    t = await createTestDatabase();
    server = await startServer({ databaseUrl: t.url });
  });
  afterAll(async () => {
    await server?.stop();
    await t?.drop();
  });

  it("prints one JSON object with the ids, the token, the label and the cloud", async () => {
    const result = await runCli(["teams", "register", "--json", "--cloud", `${server.url}/`, ...alice, "--password", "correct horse"], { home });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout.endsWith("}\n")).toBe(true);
    expect(result.stdout.trim().split("\n")).toHaveLength(1);
    const body = JSON.parse(result.stdout);
    expect(Object.keys(body).sort()).toEqual(["cloud", "email", "label", "teamId", "teamName", "token", "userId"]);
    expect(body).toMatchObject({ email: "alice@example.com", teamName: "Atlas", label: "atlas", cloud: server.url });
    expect(body.token).toMatch(new RegExp(`^${TOKEN}$`));
    const user = await t.database.prisma.user.findUniqueOrThrow({ where: { id: body.userId } });
    expect(user.passwordHash).toMatch(/^scrypt\$/);
    expect(fs.readFileSync(path.join(home, "keys", "atlas.token"), "utf8").trim()).toBe(body.token);
  });

  it("teams status still prints the block when the server is down, says unreachable and exits 1", async () => {
    await server.stop();
    const result = await runCli(["teams", "status"], { home });
    expect(result).toEqual({
      code: 1,
      stdout: [`Server:      ${server.url} (unreachable)`, "Team:        Atlas", "You:         alice@example.com", "Role:        unknown", "Token:       not checked", ""].join("\n"),
      stderr: `lattice: cannot reach ${server.url}: connection refused — is the Lattice server running?\n`,
    });
  });
});

describe("lattice teams register when the token cannot be saved (fresh database)", () => {
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

  it("still prints the one-time token, then says saving failed, exit 1", async () => {
    const home = tempHome();
    const blocked = path.join(home, "not-a-dir");
    fs.writeFileSync(blocked, "");
    const result = await runCli(["teams", "register", "--cloud", server.url, ...alice], { home, env: { LATTICE_HOME: path.join(blocked, "lattice") } });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(registeredOutput());
    expect(result.stderr).toMatch(/^lattice: registered, but saving the token locally failed: ENOTDIR: not a directory, .* — keep the token printed above\n$/);
    expect(await counts(t)).toEqual({ users: 1, teams: 1, memberships: 1, tokens: 1 });
  });
});

describe("lattice CLI errors (no Lattice server needed)", () => {
  let html: Awaited<ReturnType<typeof startHtmlServer>>;
  const home = tempHome();
  beforeAll(async () => {
    html = await startHtmlServer();
  });
  afterAll(async () => {
    await html?.close();
  });

  it("names a missing required flag in one line, exit 2, before any HTTP call", async () => {
    const result = await runCli(["teams", "register", "--cloud", html.url, "--email", "alice@example.com", "--name", "Alice"], { home });
    expect(result).toEqual({ code: 2, stdout: "", stderr: "lattice: missing required option --team-name (see lattice teams register --help)\n" });
    const none = await runCli(["teams", "register"], { home });
    expect(none).toEqual({
      code: 2,
      stdout: "",
      stderr: "lattice: missing required options --cloud, --email, --name, --team-name (see lattice teams register --help)\n",
    });
    expect(html.requests()).toBe(0);
  });

  it("refuses an unknown flag or command with exit 2", async () => {
    expect(await runCli(["teams", "register", "--cloud", html.url, ...alice, "--foo"], { home })).toEqual({
      code: 2,
      stdout: "",
      stderr: "lattice: unknown option '--foo' (see lattice teams register --help)\n",
    });
    expect(await runCli(["teams", "status", "--team=atlas", "--verbose=1"], { home })).toEqual({
      code: 2,
      stdout: "",
      stderr: "lattice: unknown option '--verbose' (see lattice teams status --help)\n",
    });
    expect(await runCli(["teams", "frobnicate"], { home })).toEqual({ code: 2, stdout: "", stderr: "lattice: unknown command 'teams frobnicate' (see lattice --help)\n" });
    expect(await runCli(["--foo"], { home })).toEqual({ code: 2, stdout: "", stderr: "lattice: unknown option '--foo' (see lattice --help)\n" });
    expect(html.requests()).toBe(0);
  });

  it("refuses a --cloud that is not an http(s) URL without calling anything", async () => {
    expect(await runCli(["teams", "register", "--cloud", "localhost:4317", ...alice], { home })).toEqual({
      code: 2,
      stdout: "",
      stderr: 'lattice: invalid --cloud: "localhost:4317" is not an http(s) URL (expected http://host:port or https://host)\n',
    });
  });

  it("says it cannot reach a closed port, in one line", async () => {
    const port = await freePort();
    const result = await runCli(["teams", "register", "--cloud", `http://127.0.0.1:${port}`, ...alice], { home });
    expect(result).toEqual({
      code: 1,
      stdout: "",
      stderr: `lattice: cannot reach http://127.0.0.1:${port}: connection refused — is the Lattice server running?\n`,
    });
    expect(fs.existsSync(path.join(home, "keys"))).toBe(false);
  });

  it("says an HTTP server that answers HTML is not a Lattice server", async () => {
    const result = await runCli(["teams", "register", "--cloud", html.url, ...alice], { home });
    expect(result).toEqual({ code: 1, stdout: "", stderr: `lattice: ${html.url} is not a Lattice server (no Lattice API at /api/trpc)\n` });
    expect(html.requests()).toBe(1);
  });

  it("teams status with no saved connection points at register and join", async () => {
    expect(await runCli(["teams", "status"], { home })).toEqual({
      code: 1,
      stdout: "",
      stderr: "lattice: no saved connection — run lattice teams register or lattice teams join\n",
    });
  });

  it("--help lists the teams commands and exits 0; --version prints the package version", async () => {
    const help = await runCli(["--help"], { home });
    expect(help.code).toBe(0);
    expect(help.stderr).toBe("");
    for (const command of ["teams register", "teams join", "teams invite", "teams members", "teams invitations", "teams revoke-invite", "teams set-role", "teams kick", "teams leave", "teams destroy", "teams status", "identity set", "identity show", "db-credentials set", "db-credentials list", "db-credentials remove"]) {
      expect(help.stdout).toMatch(new RegExp(`^ {2}${command} +[A-Z]`, "m"));
    }
    expect(help.stdout).toMatch(/^ {2}teams register +Create the team on a fresh Lattice server/m);
    const commandHelp = await runCli(["teams", "register", "--help"], { home });
    expect(commandHelp.code).toBe(0);
    expect(commandHelp.stdout).toContain("$ lattice teams register --cloud <url> --email <email> --name <name> --team-name <team>");
    expect(commandHelp.stdout).toMatch(/^ {2}--team-name <team> +Name of the team to create$/m);
    const version = await runCli(["--version"], { home });
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(new RegExp(`^lattice/${packageJson.version.replace(/\./g, "\\.")} `));
  });
});

describe("lattice identity and db-credentials (machine-local, no server)", () => {
  it("identity set / show", async () => {
    const home = tempHome();
    expect(await runCli(["identity", "show"], { home })).toEqual({
      code: 1,
      stdout: "",
      stderr: "lattice: no identity saved on this machine — run lattice identity set --email <email> --name <name>\n",
    });
    expect(await runCli(["identity", "set", "--email", "bob", "--name", "Bob"], { home })).toEqual({
      code: 1,
      stdout: "",
      stderr: 'lattice: "bob" is not a valid email address\n',
    });
    expect(await runCli(["identity", "set", "--email", "Bob@Example.com", "--name", "Bob"], { home })).toEqual({
      code: 0,
      stdout: "Identity saved: Bob <bob@example.com>\n",
      stderr: "",
    });
    expect(await runCli(["identity", "show"], { home })).toEqual({ code: 0, stdout: "Name:  Bob\nEmail: bob@example.com\n", stderr: "" });
    expect(JSON.parse((await runCli(["identity", "show", "--json"], { home })).stdout)).toEqual({ displayName: "Bob", email: "bob@example.com" });
  });

  it("db-credentials set / list (password masked) / remove, stored encrypted with a 0600 master key", async () => {
    const home = tempHome();
    const url = "postgres://app:s3cret-pw@db.example.com:5432/atlas";
    expect(await runCli(["db-credentials", "set", "prod", url], { home })).toEqual({
      code: 0,
      stdout: 'Saved database credentials "prod" (postgres://app:****@db.example.com:5432/atlas).\n',
      stderr: "",
    });
    expect(fs.statSync(path.join(home, "master.key")).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.join(home, "db-credentials.enc")).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(path.join(home, "db-credentials.enc"), "utf8")).not.toContain("s3cret-pw");

    // "-" reads the URL from stdin, keeping the password out of argv and shell history.
    expect((await runCli(["db-credentials", "set", "ci", "-"], { home, input: "postgresql://ci:hunter2@ci.internal/atlas\n" })).code).toBe(0);
    const list = await runCli(["db-credentials", "list"], { home });
    expect(list).toEqual({
      code: 0,
      stdout: "LABEL  URL\nci     postgresql://ci:****@ci.internal/atlas\nprod   postgres://app:****@db.example.com:5432/atlas\n",
      stderr: "",
    });
    const json = await runCli(["db-credentials", "list", "--json"], { home });
    expect(json.stdout).not.toMatch(/s3cret-pw|hunter2/);
    expect(JSON.parse(json.stdout)).toEqual([
      { label: "ci", url: "postgresql://ci:****@ci.internal/atlas" },
      { label: "prod", url: "postgres://app:****@db.example.com:5432/atlas" },
    ]);

    expect(await runCli(["db-credentials", "set", "prod", "mysql://u:p@h/db"], { home })).toEqual({
      code: 1,
      stdout: "",
      stderr: "lattice: not a Postgres URL (mysql://…): expected postgres:// or postgresql://\n",
    });
    expect(await runCli(["db-credentials", "remove", "ci"], { home })).toEqual({ code: 0, stdout: 'Removed database credentials "ci".\n', stderr: "" });
    expect(await runCli(["db-credentials", "remove", "ci"], { home })).toEqual({ code: 1, stdout: "", stderr: 'lattice: no database credentials labelled "ci"\n' });
    expect((await runCli(["db-credentials", "list"], { home })).stdout).toBe("LABEL  URL\nprod   postgres://app:****@db.example.com:5432/atlas\n");
  });

  it("refuses a master.key other users can read, and a LATTICE_ENCRYPTION_KEY that did not seal the file", async () => {
    const home = tempHome();
    expect((await runCli(["db-credentials", "set", "prod", "postgres://a:b@h/db"], { home })).code).toBe(0);
    const keyFile = path.join(home, "master.key");
    fs.chmodSync(keyFile, 0o644);
    expect(await runCli(["db-credentials", "list"], { home })).toEqual({
      code: 1,
      stdout: "",
      stderr: `lattice: ${keyFile} is readable by other users (mode 0644): run chmod 600 ${keyFile}\n`,
    });
    fs.chmodSync(keyFile, 0o600);
    const otherKey = { LATTICE_ENCRYPTION_KEY: "a".repeat(64) };
    expect(await runCli(["db-credentials", "list"], { home, env: otherKey })).toEqual({ code: 1, stdout: "", stderr: "lattice: cannot decrypt: wrong master key\n" });
    expect(await runCli(["db-credentials", "list"], { home, env: { LATTICE_ENCRYPTION_KEY: "abc" } })).toEqual({
      code: 1,
      stdout: "",
      stderr: "lattice: LATTICE_ENCRYPTION_KEY must be exactly 32 bytes, as 64 hex characters or base64 (got 2 bytes); generate one with: openssl rand -base64 32\n",
    });
  });
});
