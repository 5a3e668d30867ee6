import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../../test/support/database.ts";
import { createCaller } from "../../root.ts";
import { createContext } from "../../trpc.ts";

// The team lifecycle through the real tRPC procedures (scopes, services, Postgres).

let t: TestDatabase;
const as = (token?: string | null) =>
  createCaller(createContext({ db: t.database, headers: new Headers(token ? { authorization: `Bearer ${token}` } : {}) }));
const anon = () => as();

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error = (await promise.then(
    () => null,
    (e) => e,
  )) as { code?: string } | null;
  return error?.code ?? "resolved";
}

async function setup() {
  const alice = await anon().teams.register({ email: "alice@example.com", name: "Alice", teamName: "Atlas" });
  const invite = (email: string, extra: { role?: "member" | "admin"; expiresIn?: string } = {}) =>
    as(alice.token).teams.invite({ inviteeEmail: email, ...extra });
  return { alice, invite };
}

beforeEach(async () => {
  t = await createTestDatabase();
});
afterEach(async () => {
  await t.drop();
});

describe("invitations", () => {
  it("mints a latinv_ token bound to the invitee, stored only as a hash, default expiry 7 days", async () => {
    const { invite } = await setup();
    const before = Date.now();
    const inv = await invite("Bob@Example.com");
    expect(inv.token).toMatch(/^latinv_[A-Za-z0-9_-]{43}$/);
    expect(inv.inviteeEmail).toBe("bob@example.com");
    expect(inv.expiresAt.getTime() - before).toBeGreaterThan(7 * 86400_000 - 5000);
    expect(inv.expiresAt.getTime() - before).toBeLessThanOrEqual(7 * 86400_000 + 5000);
    const rows = JSON.stringify(await t.database.sql.query("SELECT * FROM invitations"));
    expect(rows).not.toContain(inv.token);
  });

  it("accepts --expires durations and refuses nonsense", async () => {
    const { invite } = await setup();
    const inv = await invite("bob@example.com", { expiresIn: "90s" });
    expect(Math.round((inv.expiresAt.getTime() - Date.now()) / 1000)).toBeGreaterThan(85);
    expect(await codeOf(invite("carol@example.com", { expiresIn: "soon" }))).toBe("UNPROCESSABLE_CONTENT");
    expect(await codeOf(invite("carol@example.com", { expiresIn: "400d" }))).toBe("UNPROCESSABLE_CONTENT");
  });

  it("refuses invitations from a plain member with 403", async () => {
    const { invite } = await setup();
    const bob = await anon().teams.join({ token: (await invite("bob@example.com")).token, email: "bob@example.com", name: "Bob" });
    expect(await codeOf(as(bob.token).teams.invite({ inviteeEmail: "carol@example.com" }))).toBe("FORBIDDEN");
    expect(await codeOf(anon().teams.invite({ inviteeEmail: "carol@example.com" }))).toBe("UNAUTHORIZED");
  });

  it("lists pending invitations and revokes one, which then cannot be redeemed", async () => {
    const { alice, invite } = await setup();
    const inv = await invite("bob@example.com");
    await invite("carol@example.com");
    const pending = await as(alice.token).teams.invitations();
    expect(pending.map((i) => [i.inviteeEmail, i.status, i.prefix])).toEqual([
      ["bob@example.com", "pending", inv.token.slice(0, 13)],
      ["carol@example.com", "pending", expect.stringMatching(/^latinv_/)],
    ]);
    expect(await as(alice.token).teams.revokeInvitation({ invitation: inv.id })).toEqual({ revoked: 1 });
    expect((await as(alice.token).teams.invitations()).map((i) => i.inviteeEmail)).toEqual(["carol@example.com"]);
    expect(await codeOf(anon().teams.join({ token: inv.token, email: "bob@example.com", name: "Bob" }))).toBe("FORBIDDEN");
    expect(await codeOf(as(alice.token).teams.revokeInvitation({ invitation: inv.id }))).toBe("NOT_FOUND");
  });
});

describe("redeeming an invitation, rule by rule", () => {
  it("an unknown token is an invalid invitation (404)", async () => {
    await setup();
    const error = await anon().teams.join({ token: "latinv_" + "x".repeat(43), email: "bob@example.com", name: "Bob" }).catch((e) => e);
    expect(error.code).toBe("NOT_FOUND");
    expect(error.message).toBe("Invalid invitation token.");
  });

  it("the bound email matches case-insensitively", async () => {
    const { invite } = await setup();
    const inv = await invite("bob@example.com");
    const bob = await anon().teams.join({ token: inv.token, email: "BOB@Example.COM", name: "Bob" });
    expect(bob.user.email).toBe("bob@example.com");
    expect(bob.role).toBe("member");
    expect(bob.token).toMatch(/^lat_/);
  });

  it("the browser's join (issueApiToken: false) creates no API token: it signs in with the password", async () => {
    const { invite } = await setup();
    const bob = await anon().teams.join({ token: (await invite("bob@example.com")).token, email: "bob@example.com", name: "Bob", password: "bob's password", issueApiToken: false });
    expect([bob.token, bob.tokenPrefix]).toEqual([null, null]);
    expect(await t.database.prisma.apiToken.count({ where: { user: { email: "bob@example.com" } } })).toBe(0);
    expect(await t.database.prisma.user.findUniqueOrThrow({ where: { email: "bob@example.com" } })).toMatchObject({ passwordHash: expect.stringMatching(/^scrypt\$/) });
  });

  it("a join with neither an API token nor a password is refused (422) and the invitation stays usable", async () => {
    const { invite } = await setup();
    const inv = await invite("bob@example.com");
    expect(await codeOf(anon().teams.join({ token: inv.token, email: "bob@example.com", name: "Bob", issueApiToken: false }))).toBe("UNPROCESSABLE_CONTENT");
    expect((await anon().teams.join({ token: inv.token, email: "bob@example.com", name: "Bob" })).token).toMatch(/^lat_/);
  });

  it("another email is refused (403) and the invitation stays usable by its addressee", async () => {
    const { invite } = await setup();
    const inv = await invite("bob@example.com");
    const error = await anon().teams.join({ token: inv.token, email: "eve@example.com", name: "Eve" }).catch((e) => e);
    expect(error.code).toBe("FORBIDDEN");
    expect(error.message).toBe("This invitation is bound to a different email address.");
    expect(await t.database.prisma.user.count({ where: { email: "eve@example.com" } })).toBe(0);
    await anon().teams.join({ token: inv.token, email: "bob@example.com", name: "Bob" });
  });

  it("the email is checked before the already-used check: Eve learns nothing about use", async () => {
    const { invite } = await setup();
    const inv = await invite("bob@example.com");
    await anon().teams.join({ token: inv.token, email: "bob@example.com", name: "Bob" });
    const eve = await anon().teams.join({ token: inv.token, email: "eve@example.com", name: "Eve" }).catch((e) => e);
    expect(eve.code).toBe("FORBIDDEN");
    expect(eve.message).toBe("This invitation is bound to a different email address.");
    const bobAgain = await anon().teams.join({ token: inv.token, email: "bob@example.com", name: "Bob" }).catch((e) => e);
    expect(bobAgain.code).toBe("CONFLICT");
    expect(bobAgain.message).toBe("This invitation has already been used.");
  });

  it("an expired invitation is refused", async () => {
    const { invite } = await setup();
    const inv = await invite("bob@example.com");
    await t.database.prisma.invitation.update({ where: { id: inv.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const error = await anon().teams.join({ token: inv.token, email: "bob@example.com", name: "Bob" }).catch((e) => e);
    expect(error.code).toBe("FORBIDDEN");
    expect(error.message).toMatch(/^This invitation expired at .*; ask for a new one\.$/);
    expect(await t.database.prisma.membership.count()).toBe(1);
  });

  it("two concurrent redeems of one token: exactly one succeeds", async () => {
    const { invite } = await setup();
    for (let round = 0; round < 3; round++) {
      const email = `bob${round}@example.com`;
      const inv = await invite(email);
      const results = await Promise.allSettled(
        Array.from({ length: 4 }, () => anon().teams.join({ token: inv.token, email, name: "Bob" })),
      );
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      for (const r of results) if (r.status === "rejected") expect((r.reason as { code: string }).code).toBe("CONFLICT");
      expect(await t.database.prisma.apiToken.count({ where: { user: { email } } })).toBe(1);
    }
  });
});

describe("members, leave, kick, roles, destroy", () => {
  it("lists members with role and joined date", async () => {
    const { alice, invite } = await setup();
    await anon().teams.join({ token: (await invite("bob@example.com")).token, email: "bob@example.com", name: "Bob" });
    const members = await as(alice.token).teams.members();
    expect(members.map((m) => [m.displayName, m.email, m.role])).toEqual([
      ["Alice", "alice@example.com", "owner"],
      ["Bob", "bob@example.com", "member"],
    ]);
  });

  it("leave removes the member and revokes every token they had", async () => {
    const { alice, invite } = await setup();
    const bob = await anon().teams.join({ token: (await invite("bob@example.com")).token, email: "bob@example.com", name: "Bob" });
    expect((await as(bob.token).teams.whoami()).role).toBe("member");
    await as(bob.token).teams.leave();
    expect(await codeOf(as(bob.token).teams.whoami())).toBe("UNAUTHORIZED");
    expect((await as(alice.token).teams.members()).map((m) => m.email)).toEqual(["alice@example.com"]);
    expect(await t.database.prisma.apiToken.count({ where: { user: { email: "bob@example.com" }, revokedAt: null } })).toBe(0);
  });

  it("the only owner cannot leave, and is told what to do", async () => {
    const { alice } = await setup();
    const error = await as(alice.token).teams.leave().catch((e) => e);
    expect(error.code).toBe("CONFLICT");
    expect(error.message).toContain('You are the only owner of "Atlas"');
    expect(error.message).toContain("lattice teams set-role");
  });

  it("kick: owner/admin only, revokes the member's tokens; admins cannot kick owners", async () => {
    const { alice, invite } = await setup();
    const bob = await anon().teams.join({ token: (await invite("bob@example.com")).token, email: "bob@example.com", name: "Bob" });
    const carol = await anon().teams.join({ token: (await invite("carol@example.com", { role: "admin" })).token, email: "carol@example.com", name: "Carol" });
    expect(await codeOf(as(bob.token).teams.kick({ email: "carol@example.com" }))).toBe("FORBIDDEN");
    expect(await codeOf(as(carol.token).teams.kick({ email: "alice@example.com" }))).toBe("FORBIDDEN");
    expect(await codeOf(as(alice.token).teams.kick({ email: "alice@example.com" }))).toBe("BAD_REQUEST");
    expect(await codeOf(as(alice.token).teams.kick({ email: "nobody@example.com" }))).toBe("NOT_FOUND");
    await as(carol.token).teams.kick({ email: "bob@example.com" });
    expect(await codeOf(as(bob.token).teams.whoami())).toBe("UNAUTHORIZED");
    expect((await as(alice.token).teams.members()).map((m) => m.email)).toEqual(["alice@example.com", "carol@example.com"]);
  });

  it("a kicked member can be invited again and joins with a fresh token", async () => {
    const { alice, invite } = await setup();
    const bob = await anon().teams.join({ token: (await invite("bob@example.com")).token, email: "bob@example.com", name: "Bob" });
    await as(alice.token).teams.kick({ email: "bob@example.com" });
    const again = await anon().teams.join({ token: (await invite("bob@example.com")).token, email: "bob@example.com", name: "Bobby" });
    expect(again.user.id).toBe(bob.user.id);
    expect(await codeOf(as(bob.token).teams.whoami())).toBe("UNAUTHORIZED");
    expect((await as(again.token).teams.whoami()).user.displayName).toBe("Bobby");
  });

  it("set-role: the owner promotes Bob to owner, then may leave", async () => {
    const { alice, invite } = await setup();
    const bob = await anon().teams.join({ token: (await invite("bob@example.com")).token, email: "bob@example.com", name: "Bob" });
    expect(await codeOf(as(bob.token).teams.setRole({ email: "bob@example.com", role: "owner" }))).toBe("FORBIDDEN");
    await as(alice.token).teams.setRole({ email: "bob@example.com", role: "owner" });
    expect((await as(bob.token).teams.whoami()).user.scopes).toEqual(["*"]);
    await as(alice.token).teams.leave();
    expect((await as(bob.token).teams.members()).map((m) => [m.email, m.role])).toEqual([["bob@example.com", "owner"]]);
  });

  it("destroy: owner only, needs the team's name, and removes all team data", async () => {
    const { alice, invite } = await setup();
    const carol = await anon().teams.join({ token: (await invite("carol@example.com", { role: "admin" })).token, email: "carol@example.com", name: "Carol" });
    await invite("dave@example.com");
    expect(await codeOf(as(carol.token).teams.destroy({ confirm: "Atlas" }))).toBe("FORBIDDEN");
    expect(await codeOf(as(alice.token).teams.destroy({ confirm: "atlas" }))).toBe("UNPROCESSABLE_CONTENT");
    expect(await t.database.prisma.team.count()).toBe(1);
    await as(alice.token).teams.destroy({ confirm: "Atlas" });
    for (const table of ["teams", "users", "memberships", "api_tokens", "invitations"]) {
      expect(await t.database.sql.query(`SELECT 1 FROM ${table}`), table).toEqual([]);
    }
    expect((await anon().system.health()).hasTeam).toBe(false);
    expect(await codeOf(as(alice.token).teams.whoami())).toBe("UNAUTHORIZED");
  });

  it("status shows role and pending invitations to managers only", async () => {
    const { alice, invite } = await setup();
    const bob = await anon().teams.join({ token: (await invite("bob@example.com")).token, email: "bob@example.com", name: "Bob" });
    await invite("carol@example.com");
    expect(await as(alice.token).teams.status()).toMatchObject({ role: "owner", memberCount: 2, pendingInvitations: 1, via: "token" });
    expect(await as(bob.token).teams.status()).toMatchObject({ role: "member", pendingInvitations: null });
  });
});

describe("account password", () => {
  it("is optional at register and settable later with the bearer token; then the dashboard sign-in accepts it", async () => {
    const { alice } = await setup();
    const { verifyPassword } = await import("../../auth/password.ts");
    const before = await t.database.prisma.user.findUniqueOrThrow({ where: { id: alice.user.id } });
    expect(before.passwordHash).toBeNull();
    expect(await codeOf(as(alice.token).account.setPassword({ password: "short" }))).toBe("UNPROCESSABLE_CONTENT");
    await as(alice.token).account.setPassword({ password: "a much better one" });
    const after = await t.database.prisma.user.findUniqueOrThrow({ where: { id: alice.user.id } });
    expect(await verifyPassword("a much better one", after.passwordHash)).toBe(true);
    expect(await verifyPassword("wrong password", after.passwordHash)).toBe(false);
    expect(await codeOf(anon().account.setPassword({ password: "a much better one" }))).toBe("UNAUTHORIZED");
  });
});
