import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { decryptValue, encryptValue } from "./encrypted-value.ts";
import { loadMasterKey, parseEncryptionKey } from "./master-key.ts";

const mode = (file: string) => fs.statSync(file).mode & 0o777;

describe("master.key", () => {
  let home: string;
  let keyFile: string;
  beforeEach(() => {
    home = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "lattice-mk-")), "home");
    keyFile = path.join(home, "master.key");
  });
  afterEach(() => fs.rmSync(path.dirname(home), { recursive: true, force: true }));

  it.skipIf(process.platform === "win32")("is created on first use as 32 random bytes, mode 0600 even under umask 000, then reused", () => {
    const previous = process.umask(0o000);
    try {
      const key = loadMasterKey({ home, env: {} });
      expect(key.length).toBe(32);
      expect(mode(keyFile)).toBe(0o600);
      expect(mode(home)).toBe(0o700);
      expect(fs.readFileSync(keyFile).equals(key)).toBe(true);
      expect(loadMasterKey({ home, env: {} }).equals(key)).toBe(true);
      expect(fs.readdirSync(home)).toEqual(["master.key"]);
    } finally {
      process.umask(previous);
    }
  });

  it("two homes get different keys", () => {
    expect(loadMasterKey({ home, env: {} }).equals(loadMasterKey({ home: home + "2", env: {} }))).toBe(false);
    fs.rmSync(home + "2", { recursive: true });
  });

  it.skipIf(process.platform === "win32")("is refused when group or others can read it, naming the mode and the fix", () => {
    loadMasterKey({ home, env: {} });
    fs.chmodSync(keyFile, 0o644);
    expect(() => loadMasterKey({ home, env: {} })).toThrow(`${keyFile} is readable by other users (mode 0644): run chmod 600 ${keyFile}`);
    fs.chmodSync(keyFile, 0o640);
    expect(() => loadMasterKey({ home, env: {} })).toThrow(/\(mode 0640\): run chmod 600/);
    fs.chmodSync(keyFile, 0o600);
    expect(loadMasterKey({ home, env: {} }).length).toBe(32);
  });

  it("shows a key under the user's home directory as ~/…", () => {
    const underHome = fs.mkdtempSync(path.join(os.homedir(), ".lattice-mk-test-"));
    try {
      loadMasterKey({ home: underHome, env: {} });
      fs.chmodSync(path.join(underHome, "master.key"), 0o644);
      expect(() => loadMasterKey({ home: underHome, env: {} })).toThrow(
        `~/${path.basename(underHome)}/master.key is readable by other users (mode 0644): run chmod 600 ~/${path.basename(underHome)}/master.key`,
      );
    } finally {
      fs.rmSync(underHome, { recursive: true, force: true });
    }
  });

  it("refuses a damaged key file instead of using it", () => {
    fs.mkdirSync(home, { mode: 0o700 });
    fs.writeFileSync(keyFile, "short", { mode: 0o600 });
    expect(() => loadMasterKey({ home, env: {} })).toThrow(/master\.key is damaged \(5 bytes, expected 32\)/);
  });
});

describe("LATTICE_ENCRYPTION_KEY", () => {
  let home: string;
  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), "lattice-envkey-"));
  });
  afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

  it("wins over master.key: neither reads nor creates the file, and only it decrypts what it sealed", () => {
    const envKey = crypto.randomBytes(32);
    const env = { LATTICE_ENCRYPTION_KEY: envKey.toString("base64") };
    expect(loadMasterKey({ home, env }).equals(envKey)).toBe(true);
    expect(fs.existsSync(path.join(home, "master.key"))).toBe(false);

    const sealed = encryptValue("postgres://u:pw@h/db", loadMasterKey({ home, env }));
    const fileKey = loadMasterKey({ home, env: {} }); // now the file exists too
    const before = fs.readFileSync(path.join(home, "master.key"));
    expect(loadMasterKey({ home, env }).equals(envKey)).toBe(true);
    expect(() => decryptValue(sealed, fileKey)).toThrow("cannot decrypt: wrong master key");
    expect(decryptValue(sealed, loadMasterKey({ home, env }))).toBe("postgres://u:pw@h/db");
    expect(fs.readFileSync(path.join(home, "master.key")).equals(before)).toBe(true);
  });

  it("accepts 64 hex characters, standard and url-safe base64", () => {
    const key = crypto.randomBytes(32);
    expect(parseEncryptionKey(key.toString("hex")).equals(key)).toBe(true);
    expect(parseEncryptionKey(key.toString("hex").toUpperCase()).equals(key)).toBe(true);
    expect(parseEncryptionKey(` ${key.toString("base64")}\n`).equals(key)).toBe(true);
    expect(parseEncryptionKey(key.toString("base64url")).equals(key)).toBe(true);
  });

  it.each([
    ["16 bytes of base64", crypto.randomBytes(16).toString("base64"), "got 16 bytes"],
    ["33 bytes of base64", crypto.randomBytes(33).toString("base64"), "got 33 bytes"],
    ["62 hex characters", crypto.randomBytes(31).toString("hex"), "got 46 bytes"],
    ["not an encoding", "correct horse battery staple!", "got neither hex nor base64"],
  ])("refuses %s with a clear error", (_, value, got) => {
    expect(() => loadMasterKey({ home, env: { LATTICE_ENCRYPTION_KEY: value } })).toThrow(
      `LATTICE_ENCRYPTION_KEY must be exactly 32 bytes, as 64 hex characters or base64 (${got}); generate one with: openssl rand -base64 32`,
    );
    expect(fs.existsSync(path.join(home, "master.key"))).toBe(false);
  });
});
