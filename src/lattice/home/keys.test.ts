import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readToken, writeToken } from "./keys.ts";
import { latticePaths } from "./paths.ts";

const mode = (file: string) => fs.statSync(file).mode & 0o777;

describe("keys/<label>.token", () => {
  let home: string;
  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), "lattice-keys-"));
  });
  afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

  it.skipIf(process.platform === "win32")("writes the token with mode 0600 in a 0700 keys directory, even under a permissive umask", () => {
    const previous = process.umask(0o000);
    try {
      const file = writeToken("atlas", "lat_secret", path.join(home, "nested"));
      expect(file).toBe(path.join(home, "nested", "keys", "atlas.token"));
      expect(mode(file)).toBe(0o600);
      expect(mode(path.join(home, "nested", "keys"))).toBe(0o700);
      expect(mode(path.join(home, "nested"))).toBe(0o700);
    } finally {
      process.umask(previous);
    }
  });

  it.skipIf(process.platform === "win32")("tightens a keys directory that already exists with wider permissions", () => {
    fs.mkdirSync(path.join(home, "keys"), { mode: 0o755 });
    fs.chmodSync(path.join(home, "keys"), 0o755);
    writeToken("atlas", "lat_secret", home);
    expect(mode(path.join(home, "keys"))).toBe(0o700);
  });

  it("reads back what it wrote, replaces it atomically and leaves no temp files", () => {
    writeToken("atlas", "lat_first", home);
    writeToken("atlas", "lat_second", home);
    expect(readToken("atlas", home)).toBe("lat_second");
    expect(fs.readdirSync(path.join(home, "keys"))).toEqual(["atlas.token"]);
  });

  it("returns null for a team with no saved token", () => {
    expect(readToken("atlas", home)).toBeNull();
  });

  it("refuses labels that are not slugs, so a label cannot escape keys/", () => {
    expect(() => writeToken("../evil", "lat_x", home)).toThrow('invalid connection label "../evil"');
    expect(() => latticePaths(home).keyFile("Atlas")).toThrow(/lower-case slug/);
    expect(fs.existsSync(path.join(home, "evil.token"))).toBe(false);
  });
});
