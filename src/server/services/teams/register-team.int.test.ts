import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../../test/support/database.ts";
import { registerTeam } from "./register-team.ts";
import { hashToken } from "../../auth/tokens.ts";
import { AppError } from "../../errors.ts";

const alice = { email: "Alice@Example.com", name: "Alice", teamName: "Atlas", password: "correct horse" };

async function counts(t: TestDatabase) {
  const p = t.database.prisma;
  return { users: await p.user.count(), teams: await p.team.count(), memberships: await p.membership.count(), tokens: await p.apiToken.count() };
}

describe("registerTeam (Postgres)", () => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await createTestDatabase();
  });
  afterEach(async () => {
    await t.drop();
  });

  it("creates the bootstrap user with scope *, the team, the owner membership and a hashed token", async () => {
    const result = await registerTeam(t.database.prisma, alice);
    expect(result.user.email).toBe("alice@example.com");
    expect(result.team.name).toBe("Atlas");
    expect(result.token).toMatch(/^lat_[A-Za-z0-9_-]{43}$/);

    const user = await t.database.prisma.user.findUniqueOrThrow({ where: { id: result.user.id } });
    expect(user.scopes).toEqual(["*"]);
    expect(user.passwordHash).toMatch(/^scrypt\$/);
    const membership = await t.database.prisma.membership.findFirstOrThrow();
    expect(membership).toMatchObject({ userId: user.id, teamId: result.team.id, role: "owner" });
    const token = await t.database.prisma.apiToken.findFirstOrThrow();
    expect(token.tokenHash).toBe(hashToken(result.token));
    // The plaintext is stored nowhere.
    const dump = JSON.stringify(await t.database.sql.query("SELECT * FROM api_tokens"));
    expect(dump).not.toContain(result.token);
  });

  it("refuses a second registration with 409 and changes nothing", async () => {
    await registerTeam(t.database.prisma, alice);
    const before = await counts(t);
    const error = await registerTeam(t.database.prisma, { email: "bob@example.com", name: "Bob", teamName: "Other" }).catch((e) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error.status).toBe(409);
    expect(error.message).toContain('already has a team ("Atlas")');
    expect(await counts(t)).toEqual(before);
  });

  it("lets exactly one of several concurrent registrations win", async () => {
    const attempts = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) => registerTeam(t.database.prisma, { email: `u${i}@example.com`, name: `U${i}`, teamName: `T${i}` })),
    );
    expect(attempts.filter((a) => a.status === "fulfilled")).toHaveLength(1);
    for (const a of attempts.filter((a) => a.status === "rejected")) {
      expect((a as PromiseRejectedResult).reason.status).toBe(409);
    }
    expect(await counts(t)).toEqual({ users: 1, teams: 1, memberships: 1, tokens: 1 });
  });

  it("leaves no partial rows when the last step fails (injected failure)", async () => {
    // Make the final insert of the transaction (the token) fail inside the database.
    await t.database.sql.exec(`
      CREATE FUNCTION fail_token_insert() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$ LANGUAGE plpgsql;
      CREATE TRIGGER fail_token BEFORE INSERT ON api_tokens FOR EACH ROW EXECUTE FUNCTION fail_token_insert();`);
    await expect(registerTeam(t.database.prisma, alice)).rejects.toThrow(/injected failure/);
    expect(await counts(t)).toEqual({ users: 0, teams: 0, memberships: 0, tokens: 0 });

    // Once the fault is gone the same registration succeeds.
    await t.database.sql.exec("DROP TRIGGER fail_token ON api_tokens");
    await registerTeam(t.database.prisma, alice);
    expect(await counts(t)).toEqual({ users: 1, teams: 1, memberships: 1, tokens: 1 });
  });

  it.each([
    [{ ...alice, email: "not-an-email" }, "email: email is not a valid address"],
    [{ ...alice, name: "" }, "name: name must not be empty"],
    [{ ...alice, teamName: "x".repeat(101) }, "teamName: team name is too long (100 characters at most)"],
    [{ ...alice, password: "short" }, "password: password must be at least 8 characters"],
  ])("rejects bad input %# with a clear message and writes nothing", async (input, message) => {
    const error = await registerTeam(t.database.prisma, input).catch((e) => e);
    expect(error.issues?.[0]).toBeDefined();
    const issue = error.issues[0];
    expect(`${issue.path.join(".")}: ${issue.message}`).toBe(message);
    expect(await counts(t)).toEqual({ users: 0, teams: 0, memberships: 0, tokens: 0 });
  });
});
