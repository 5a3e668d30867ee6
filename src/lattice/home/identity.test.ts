import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readIdentity, writeIdentity } from "./identity.ts";
import { latticeHome } from "./paths.ts";

describe("identity.json", () => {
  let home: string;
  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), "lattice-identity-"));
  });
  afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

  it("round-trips and is stored as {display_name, email}", () => {
    writeIdentity({ displayName: "Alice Ö", email: "alice@example.com" }, home);
    expect(readIdentity(home)).toEqual({ displayName: "Alice Ö", email: "alice@example.com" });
    expect(JSON.parse(fs.readFileSync(path.join(home, "identity.json"), "utf8"))).toEqual({ display_name: "Alice Ö", email: "alice@example.com" });
  });

  it.skipIf(process.platform === "win32")("is written with mode 0600", () => {
    writeIdentity({ displayName: "Alice", email: "alice@example.com" }, home);
    expect(fs.statSync(path.join(home, "identity.json")).mode & 0o777).toBe(0o600);
  });

  it("is null when absent and a clear error when malformed", () => {
    expect(readIdentity(home)).toBeNull();
    fs.writeFileSync(path.join(home, "identity.json"), "{not json");
    expect(() => readIdentity(home)).toThrow(`${path.join(home, "identity.json")} is not valid JSON: fix or delete it`);
    fs.writeFileSync(path.join(home, "identity.json"), JSON.stringify({ displayName: "Alice" }));
    expect(() => readIdentity(home)).toThrow(/must hold \{"display_name"/);
  });

  it("lives under LATTICE_HOME, else ~/.lattice", () => {
    expect(latticeHome({ LATTICE_HOME: home })).toBe(home);
    expect(latticeHome({})).toBe(path.join(os.homedir(), ".lattice"));
    expect(latticeHome({ LATTICE_HOME: "  " })).toBe(path.join(os.homedir(), ".lattice"));
  });
});
