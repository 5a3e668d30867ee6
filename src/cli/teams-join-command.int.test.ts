import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, tempHome } from "../../test/support/cli.ts";
import { createTestDatabase, type TestDatabase } from "../../test/support/database.ts";
import { startServer, type RunningServer } from "../../test/support/server.ts";
import { joinCommand } from "../app/(dashboard)/team/join-command.ts";

// The join command the dashboard's invitation panel shows, run in a shell exactly as shown.

const root = path.resolve(import.meta.dirname, "../..");
const readJson = (file: string) => JSON.parse(fs.readFileSync(file, "utf8"));

/** A `lattice` on PATH that is this build, as an installed CLI would be. */
function binDir(): string {
  const dir = tempHome();
  fs.writeFileSync(path.join(dir, "lattice"), `#!/bin/sh\nexec "${process.execPath}" "${path.join(root, "bin/lattice.mjs")}" "$@"\n`, { mode: 0o755 });
  return dir;
}

function shell(command: string, home: string, bin: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile("/bin/sh", ["-c", command], { cwd: home, env: { ...process.env, LATTICE_HOME: home, NO_COLOR: "1", PATH: `${bin}:${process.env.PATH}` } }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe("the invitation's join command", () => {
  let t: TestDatabase;
  let server: RunningServer;
  const alice = tempHome();
  const bin = binDir();

  async function invite(email: string): Promise<string> {
    const result = await runCli(["teams", "invite", "--invitee-email", email], { home: alice });
    expect(result.code, result.stderr).toBe(0);
    return /(latinv_[A-Za-z0-9_-]{43})\nOr they join in a browser: \S+\/join#token=\1\n$/.exec(result.stdout)![1]!;
  }

  beforeAll(async () => {
    t = await createTestDatabase();
    server = await startServer({ databaseUrl: t.url });
    const registered = await runCli(["teams", "register", "--cloud", server.url, "--email", "alice@example.com", "--name", "Alice", "--team-name", "Atlas"], { home: alice });
    expect(registered.code, registered.stderr).toBe(0);
  });
  afterAll(async () => {
    await server?.stop();
    await t?.drop();
  });

  it("succeeds as shown on a fresh machine", async () => {
    const bob = tempHome();
    const command = joinCommand({ origin: server.url, token: await invite("bob@example.com"), email: "bob@example.com" });
    expect(command).toMatch(/^lattice teams join --cloud \S+ --token latinv_\S+ --email bob@example\.com$/);
    expect(await shell(command, bob, bin)).toEqual({ code: 0, stdout: 'Joined team "Atlas". Local connection saved.\n', stderr: "" });
    expect(readJson(path.join(bob, "connections.json")).atlas).toMatchObject({ email: "bob@example.com" });
  });

  it("--name may be left out: identity.json's name, else the email's local part", async () => {
    const carol = tempHome();
    const joined = await runCli(["teams", "join", "--cloud", server.url, "--token", await invite("carol@example.com"), "--email", "carol@example.com"], { home: carol });
    expect(joined).toEqual({ code: 0, stdout: 'Joined team "Atlas". Local connection saved.\n', stderr: "" });
    expect(readJson(path.join(carol, "identity.json"))).toEqual({ display_name: "carol", email: "carol@example.com" });

    const dave = tempHome();
    expect((await runCli(["identity", "set", "--email", "dave@example.com", "--name", "Dave Doe"], { home: dave })).code).toBe(0);
    expect((await runCli(["teams", "join", "--cloud", server.url, "--token", await invite("dave@example.com")], { home: dave })).code).toBe(0);
    const members = await runCli(["teams", "members", "--json"], { home: alice });
    const names = Object.fromEntries(JSON.parse(members.stdout).map((m: { email: string; displayName: string }) => [m.email, m.displayName]));
    expect(names).toMatchObject({ "carol@example.com": "carol", "dave@example.com": "Dave Doe" });
  });
});
