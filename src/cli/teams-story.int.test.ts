import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import packageJson from "../../package.json" with { type: "json" };
import { runCli, tempHome } from "../../test/support/cli.ts";
import { createTestDatabase, type TestDatabase } from "../../test/support/database.ts";
import { startServer, type RunningServer } from "../../test/support/server.ts";
import { probeCloud, TeamsClient } from "../lattice/index.ts";

// The seed's story on separate machines (one LATTICE_HOME each) against one real server.

const DATE = "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC";
const INVITE_TOKEN = "latinv_[A-Za-z0-9_-]{43}";
const mode = (file: string) => fs.statSync(file).mode & 0o777;
const readJson = (file: string) => JSON.parse(fs.readFileSync(file, "utf8"));
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

function invitationOutput(email: string): RegExp {
  return new RegExp(
    `^Invitation generated for ${escape(email)} \\(expires (\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z)\\)\\.\n` +
      `Share this token with the invitee \\(one-time use\\):\n(${INVITE_TOKEN})\n` +
      `Or they join in a browser: http://localhost:\\d+/join#token=\\2\n$`,
  );
}

describe("teams story: Alice, Bob, Eve and Dave on their own machines, one server", () => {
  let t: TestDatabase;
  let server: RunningServer;
  const alice = tempHome();
  const bob = tempHome();
  const eve = tempHome();
  const dave = tempHome();
  let bobInvite: string;
  let aliceToken: string;

  const as = (home: string, ...args: string[]) => runCli(args, { home });

  beforeAll(async () => {
    t = await createTestDatabase();
    server = await startServer({ databaseUrl: t.url });
  });
  afterAll(async () => {
    await server?.stop();
    await t?.drop();
  });

  it("Alice registers the team", async () => {
    const result = await as(alice, "teams", "register", "--cloud", server.url, "--email", "alice@example.com", "--name", "Alice", "--team-name", "Atlas");
    expect(result.code, result.stderr).toBe(0);
    aliceToken = fs.readFileSync(path.join(alice, "keys", "atlas.token"), "utf8").trim();
  });

  it("Alice invites Bob: exactly the seed's three lines, expiring in 7 days by default", async () => {
    const before = Date.now();
    const result = await as(alice, "teams", "invite", "--team", "Atlas", "--invitee-email", "bob@example.com");
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const match = invitationOutput("bob@example.com").exec(result.stdout);
    expect(match, result.stdout).not.toBeNull();
    const expires = Date.parse(match![1]!);
    expect(expires).toBeGreaterThanOrEqual(before + 7 * 86400_000 - 1000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 7 * 86400_000 + 1000);
    bobInvite = match![2]!;
  });

  it("Eve cannot redeem Bob's token: one line, exit 1, nothing saved on her machine", async () => {
    const result = await as(eve, "teams", "join", "--cloud", server.url, "--token", bobInvite, "--email", "eve@example.com", "--name", "Eve");
    expect(result).toEqual({ code: 1, stdout: "", stderr: "lattice: This invitation is bound to a different email address.\n" });
    expect(fs.readdirSync(eve)).toEqual([]);
  });

  it("Bob joins from his machine: the seed's line, his own lat_ token saved 0600, his identity and connection", async () => {
    const result = await as(bob, "teams", "join", "--cloud", server.url, "--token", bobInvite, "--email", "bob@example.com", "--name", "Bob");
    expect(result).toEqual({ code: 0, stdout: 'Joined team "Atlas". Local connection saved.\n', stderr: "" });
    const keyFile = path.join(bob, "keys", "atlas.token");
    expect(mode(keyFile)).toBe(0o600);
    const bobToken = fs.readFileSync(keyFile, "utf8").trim();
    expect(bobToken).toMatch(/^lat_[A-Za-z0-9_-]{43}$/);
    expect(bobToken).not.toBe(aliceToken);
    expect(readJson(path.join(bob, "identity.json"))).toEqual({ display_name: "Bob", email: "bob@example.com" });
    expect(readJson(path.join(bob, "connections.json"))).toEqual({
      atlas: expect.objectContaining({ cloud: server.url, teamName: "Atlas", email: "bob@example.com", tokenFile: "keys/atlas.token" }),
    });
    // The token is one-time.
    const again = await as(tempHome(), "teams", "join", "--cloud", server.url, "--token", bobInvite, "--email", "bob@example.com", "--name", "Bob");
    expect(again).toEqual({ code: 1, stdout: "", stderr: "lattice: This invitation has already been used.\n" });
  });

  it("teams members as Alice shows both, in the NAME EMAIL ROLE JOINED LAST SEEN table; --json is an array", async () => {
    const result = await as(alice, "teams", "members", "--team", "Atlas");
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      new RegExp(
        [
          "^NAME   EMAIL              ROLE    JOINED                LAST SEEN",
          `Alice  alice@example\\.com  owner   ${DATE}  (${DATE}|never)`,
          `Bob    bob@example\\.com    member  ${DATE}  (${DATE}|never)\n$`,
        ].join("\n"),
      ),
    );
    const json = await as(bob, "teams", "members", "--json");
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout).map((m: { email: string; role: string }) => [m.email, m.role])).toEqual([
      ["alice@example.com", "owner"],
      ["bob@example.com", "member"],
    ]);
  });

  it("Bob, a member, cannot invite or kick: the server's 403 in one line, exit 1", async () => {
    const denied = { code: 1, stdout: "", stderr: "lattice: This needs the teams:admin scope.\n" };
    expect(await as(bob, "teams", "invite", "--team", "Atlas", "--invitee-email", "mallory@example.com")).toEqual(denied);
    expect(await as(bob, "teams", "kick", "--email", "alice@example.com")).toEqual(denied);
  });

  it("Alice invites Carol (admin, 12h), sees it pending in invitations and status, then revokes it", async () => {
    const invited = await as(alice, "teams", "invite", "--invitee-email", "carol@example.com", "--role", "admin", "--expires", "12h");
    const match = invitationOutput("carol@example.com").exec(invited.stdout);
    expect(match, invited.stderr).not.toBeNull();
    expect(Math.abs(Date.parse(match![1]!) - (Date.now() + 12 * 3600_000))).toBeLessThan(5000);

    const list = await as(alice, "teams", "invitations", "--team", "Atlas");
    expect(list.code).toBe(0);
    const lines = list.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^ID +EMAIL +ROLE +STATUS +EXPIRES +INVITED BY$/);
    expect(lines.slice(1)).toHaveLength(1);
    expect(lines[1]).toMatch(new RegExp(`^[0-9a-f-]{36}  carol@example\\.com  admin  pending  ${DATE}  alice@example\\.com$`));

    const status = await as(alice, "teams", "status");
    expect(status).toEqual({
      code: 0,
      stderr: "",
      stdout: [
        `Server:      ${server.url} (reachable, lattice ${packageJson.version}, postgres)`,
        "Team:        Atlas (2 members)",
        "You:         Alice <alice@example.com>",
        "Role:        owner",
        "Token:       valid",
        "Invitations: 1 pending",
        "",
      ].join("\n"),
    });
    // Members do not see invitation counts.
    const bobStatus = await as(bob, "teams", "status", "--team", "atlas");
    expect(bobStatus.stdout).toContain("Role:        member\nToken:       valid\n");
    expect(bobStatus.stdout).not.toContain("Invitations:");

    expect(await as(alice, "teams", "revoke-invite", "--team", "Atlas", "carol@example.com")).toEqual({
      code: 0,
      stdout: "Revoked 1 pending invitation (carol@example.com).\n",
      stderr: "",
    });
    expect((await as(alice, "teams", "invitations")).stdout).toBe("No pending invitations.\n");
    const all = JSON.parse((await as(alice, "teams", "invitations", "--all", "--json")).stdout);
    expect(all.map((i: { inviteeEmail: string; status: string }) => [i.inviteeEmail, i.status])).toEqual([
      ["bob@example.com", "redeemed"],
      ["carol@example.com", "revoked"],
    ]);
    expect(await as(alice, "teams", "revoke-invite", "carol@example.com")).toEqual({
      code: 1,
      stdout: "",
      stderr: 'lattice: No pending invitation matches "carol@example.com".\n',
    });
  });

  it("Bob leaves: removed on the server, his connection and key file gone, and his old token is rejected", async () => {
    const keyFile = path.join(bob, "keys", "atlas.token");
    const savedConnections = fs.readFileSync(path.join(bob, "connections.json"));
    const savedToken = fs.readFileSync(keyFile);

    expect(await as(bob, "teams", "leave", "--team", "Atlas")).toEqual({ code: 0, stdout: 'Left team "Atlas". Local connection removed.\n', stderr: "" });
    expect(fs.existsSync(keyFile)).toBe(false);
    expect(readJson(path.join(bob, "connections.json"))).toEqual({});
    expect(JSON.parse((await as(alice, "teams", "members", "--json")).stdout).map((m: { email: string }) => m.email)).toEqual(["alice@example.com"]);

    // Put the old files back: the token itself no longer works.
    fs.writeFileSync(path.join(bob, "connections.json"), savedConnections);
    fs.writeFileSync(keyFile, savedToken, { mode: 0o600 });
    const status = await as(bob, "teams", "status");
    expect(status.code).toBe(1);
    expect(status.stdout).toContain("Token:       rejected (401)\n");
    expect(status.stderr).toBe('lattice: the saved token for "Atlas" was rejected (401): it may have been revoked — run lattice teams join again\n');
  });

  it("Dave joins with only --cloud and --token once his identity is set; Alice promotes then kicks him", async () => {
    expect(await as(dave, "identity", "set", "--email", "dave@example.com", "--name", "Dave")).toEqual({
      code: 0,
      stdout: "Identity saved: Dave <dave@example.com>\n",
      stderr: "",
    });
    const invited = await as(alice, "teams", "invite", "--invitee-email", "dave@example.com", "--expires", "90s");
    const token = invitationOutput("dave@example.com").exec(invited.stdout)![2]!;
    expect(await as(dave, "teams", "join", "--cloud", server.url, "--token", token)).toEqual({
      code: 0,
      stdout: 'Joined team "Atlas". Local connection saved.\n',
      stderr: "",
    });

    expect(await as(alice, "teams", "set-role", "--team", "Atlas", "--email", "dave@example.com", "--role", "admin")).toEqual({
      code: 0,
      stdout: 'dave@example.com is now an admin of team "Atlas".\n',
      stderr: "",
    });
    expect((await as(dave, "teams", "status")).stdout).toContain("Role:        admin\n");

    expect(await as(alice, "teams", "kick", "--team", "Atlas", "--email", "dave@example.com")).toEqual({
      code: 0,
      stdout: 'Removed dave@example.com from team "Atlas".\n',
      stderr: "",
    });
    const status = await as(dave, "teams", "status");
    expect(status.code).toBe(1);
    expect(status.stdout).toContain("Token:       rejected (401)\n");
  });

  it("join whose token cannot be saved locally still prints the new lat_ token once, then the error, exit 1", async () => {
    const invited = await as(alice, "teams", "invite", "--invitee-email", "frank@example.com");
    const token = invitationOutput("frank@example.com").exec(invited.stdout)![2]!;
    const home = tempHome();
    fs.writeFileSync(path.join(home, "not-a-dir"), "");
    const result = await runCli(["teams", "join", "--cloud", server.url, "--token", token, "--email", "frank@example.com", "--name", "Frank"], {
      home,
      env: { LATTICE_HOME: path.join(home, "not-a-dir", "lattice") },
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^Your API token for "Atlas" \(shown ONCE — save it now\):\nlat_[A-Za-z0-9_-]{43}\n$/);
    expect(result.stderr).toMatch(/^lattice: joined "Atlas", but saving the token locally failed: ENOTDIR: .* — keep the token printed above\n$/);
    expect(await as(alice, "teams", "kick", "--email", "frank@example.com")).toMatchObject({ code: 0 });
  });

  it("the only owner cannot leave: the server's message, and her connection stays", async () => {
    expect(await as(alice, "teams", "leave", "--team", "Atlas")).toEqual({
      code: 1,
      stdout: "",
      stderr:
        'lattice: You are the only owner of "Atlas", so you cannot leave: make another member an owner first (lattice teams set-role --email <member> --role owner), or delete the team (lattice teams destroy).\n',
    });
    expect(fs.existsSync(path.join(alice, "keys", "atlas.token"))).toBe(true);
  });

  it("Alice, registered without a password, sets one with account password (stdin); the dashboard sign-in accepts it", async () => {
    expect(await runCli(["account", "password"], { home: alice, input: "" })).toMatchObject({
      code: 1,
      stderr: "lattice: no password on stdin — pipe it in, or run this on a terminal to be asked\n",
    });
    expect(await runCli(["account", "password"], { home: alice, input: "short\n" })).toMatchObject({
      code: 1,
      stderr: "lattice: password: password must be at least 8 characters\n",
    });
    expect(await runCli(["account", "password"], { home: alice, input: "correct horse battery\n" })).toEqual({
      code: 0,
      stdout: `Password set for alice@example.com. Sign in to the dashboard at ${server.url}.\n`,
      stderr: "",
    });
    // next-auth's credentials sign-in, as the sign-in page does it.
    const csrf = await fetch(`${server.url}/api/auth/csrf`);
    const cookie = csrf.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    const signIn = (password: string) =>
      fetch(`${server.url}/api/auth/callback/credentials`, {
        method: "POST",
        redirect: "manual",
        headers: { "content-type": "application/x-www-form-urlencoded", cookie },
        body: new URLSearchParams({ csrfToken, email: "alice@example.com", password, json: "true" }),
      });
    const good = await signIn("correct horse battery");
    expect(good.headers.getSetCookie().some((c) => c.startsWith("next-auth.session-token="))).toBe(true);
    const bad = await signIn("wrong password");
    expect(bad.headers.getSetCookie().some((c) => c.startsWith("next-auth.session-token="))).toBe(false);
  });

  it("connectToExistingCloud adopts a token on a new machine; ensureCloudWorkspaceIdentity fills identity.json from the server", async () => {
    const home = tempHome();
    const client = await TeamsClient.connectToExistingCloud(`${server.url}/`, aliceToken, { home });
    expect(client.connection).toMatchObject({ label: "atlas", cloud: server.url, teamName: "Atlas", email: "alice@example.com" });
    expect(mode(path.join(home, "keys", "atlas.token"))).toBe(0o600);
    expect(await client.ensureCloudWorkspaceIdentity()).toEqual({ displayName: "Alice", email: "alice@example.com" });
    expect(readJson(path.join(home, "identity.json"))).toEqual({ display_name: "Alice", email: "alice@example.com" });
    expect((await as(home, "teams", "status")).stdout).toContain("You:         Alice <alice@example.com>\nRole:        owner\n");

    await expect(TeamsClient.connectToExistingCloud(server.url, "lat_" + "x".repeat(43), { home: tempHome() })).rejects.toThrow(/rejected \(401\)/);
  });

  it("destroy without --yes off a terminal refuses in one line, exit 1, and destroys nothing", async () => {
    expect(await as(alice, "teams", "destroy", "--team", "Atlas")).toEqual({
      code: 1,
      stdout: "",
      stderr: 'lattice: refusing to destroy team "Atlas" without confirmation: stdin is not a terminal — pass --yes\n',
    });
    expect((await probeCloud(server.url)).hasTeam).toBe(true);
    expect(await t.database.prisma.team.count()).toBe(1);
  });

  it("destroy --yes deletes the team on the server and Alice's local connection and key", async () => {
    expect(await as(alice, "teams", "destroy", "--team", "Atlas", "--yes")).toEqual({
      code: 0,
      stdout: 'Destroyed team "Atlas". Local connection removed.\n',
      stderr: "",
    });
    expect(fs.existsSync(path.join(alice, "keys", "atlas.token"))).toBe(false);
    expect(readJson(path.join(alice, "connections.json"))).toEqual({});
    expect((await probeCloud(server.url)).hasTeam).toBe(false);
    const p = t.database.prisma;
    expect([await p.team.count(), await p.user.count(), await p.membership.count(), await p.invitation.count(), await p.apiToken.count()]).toEqual([0, 0, 0, 0, 0]);
  });
});
