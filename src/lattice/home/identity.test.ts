import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readIdentity, updateIdentity, writeIdentity } from "./identity.ts";
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

describe("updateIdentity (lattice identity set)", () => {
  let home: string;
  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), "lattice-identity-set-"));
  });
  afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

  it("saves a trimmed name and a lower-cased email, and keeps a field that is not given", () => {
    expect(updateIdentity({ email: " Bob@Example.COM ", displayName: " Bob " }, home)).toEqual({ email: "bob@example.com", displayName: "Bob" });
    expect(updateIdentity({ displayName: "Robert" }, home)).toEqual({ email: "bob@example.com", displayName: "Robert" });
    expect(readIdentity(home)).toEqual({ email: "bob@example.com", displayName: "Robert" });
  });

  it("refuses a bad email or a missing field and writes nothing", () => {
    expect(() => updateIdentity({ email: "bob", displayName: "Bob" }, home)).toThrow('"bob" is not a valid email address');
    expect(() => updateIdentity({ email: "bob@example.com" }, home)).toThrow("no display name: pass --name <name>");
    expect(() => updateIdentity({ displayName: "Bob" }, home)).toThrow("no email: pass --email <email>");
    expect(readIdentity(home)).toBeNull();
  });
});
