import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { decryptValue } from "../crypto/encrypted-value.ts";
import { loadMasterKey } from "../crypto/master-key.ts";
import {
  getDbCredential,
  listDbCredentials,
  maskPostgresUrl,
  removeDbCredential,
  resolveDbReferences,
  setDbCredential,
} from "./db-credentials.ts";

const PROD = "postgres://app:s3cret-pw@db.example.com:5432/atlas";
const STAGING = "postgresql://ci:hunter2@staging.internal/atlas_ci?sslmode=require";

describe("db-credentials.enc", () => {
  let home: string;
  let options: { home: string; env: Record<string, string> };
  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), "lattice-dbc-"));
    options = { home, env: {} };
  });
  afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

  it("sets, lists, replaces and removes label → URL entries", () => {
    expect(listDbCredentials(options)).toEqual([]);
    setDbCredential("prod", PROD, options);
    setDbCredential("staging", STAGING, options);
    expect(listDbCredentials(options)).toEqual([
      { label: "prod", url: PROD },
      { label: "staging", url: STAGING },
    ]);
    setDbCredential("prod", "postgres://app:new@db2.example.com/atlas", options);
    expect(getDbCredential("prod", options)).toBe("postgres://app:new@db2.example.com/atlas");
    expect(removeDbCredential("prod", options)).toBe(true);
    expect(removeDbCredential("prod", options)).toBe(false);
    expect(listDbCredentials(options).map((c) => c.label)).toEqual(["staging"]);
  });

  it.skipIf(process.platform === "win32")("is one enc: blob, mode 0600, with neither the URL, the password nor the label in plain text", () => {
    setDbCredential("prod", PROD, options);
    const file = path.join(home, "db-credentials.enc");
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const text = fs.readFileSync(file, "utf8");
    expect(text).toMatch(/^enc:[A-Za-z0-9+/]+={0,2}\n$/);
    for (const secret of ["s3cret-pw", "db.example.com", "postgres://", "prod"]) expect(text).not.toContain(secret);
    expect(JSON.parse(decryptValue(text.trim(), loadMasterKey(options)))).toEqual({ prod: PROD });
  });

  it("cannot be read with another key (LATTICE_ENCRYPTION_KEY set later)", () => {
    setDbCredential("prod", PROD, options);
    const env = { LATTICE_ENCRYPTION_KEY: crypto.randomBytes(32).toString("hex") };
    expect(() => listDbCredentials({ home, env })).toThrow("cannot decrypt: wrong master key");
  });

  it("masks the password when printing, and only the password", () => {
    expect(maskPostgresUrl(PROD)).toBe("postgres://app:****@db.example.com:5432/atlas");
    expect(maskPostgresUrl(STAGING)).toBe("postgresql://ci:****@staging.internal/atlas_ci?sslmode=require");
    expect(maskPostgresUrl("postgres://app@db/atlas")).toBe("postgres://app@db/atlas");
  });

  it.each([
    ["mysql://u:p@h/db", "not a Postgres URL (mysql://…): expected postgres:// or postgresql://"],
    ["https://db.example.com", "not a Postgres URL (https://…): expected postgres:// or postgresql://"],
    ["db.example.com:5432", "not a Postgres URL (db.example.com://…): expected postgres:// or postgresql://"],
    ["not a url", "not a URL: expected postgres://user:password@host:5432/database"],
  ])("refuses %j", (url, message) => {
    expect(() => setDbCredential("prod", url, options)).toThrow(message);
    expect(fs.existsSync(path.join(home, "db-credentials.enc"))).toBe(false);
  });

  it.each(["Prod", "../prod", "prod db", "-prod", "", "x".repeat(65)])("refuses the label %j", (label) => {
    expect(() => setDbCredential(label, PROD, options)).toThrow(/^invalid database label/);
  });
});

describe("resolveDbReferences", () => {
  let home: string;
  let options: { home: string; env: Record<string, string> };
  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), "lattice-dbref-"));
    options = { home, env: {} };
  });
  afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

  it("replaces every ${LATTICE_DB:<label>} with the stored URL", () => {
    setDbCredential("prod", PROD, options);
    setDbCredential("staging", STAGING, options);
    const yaml = "cloud:\n  url: ${LATTICE_DB:prod}\nreplica: '${LATTICE_DB:staging}'\nbackup: ${LATTICE_DB:prod}\n";
    expect(resolveDbReferences(yaml, options)).toBe(`cloud:\n  url: ${PROD}\nreplica: '${STAGING}'\nbackup: ${PROD}\n`);
  });

  it("names an unknown label in the error", () => {
    setDbCredential("prod", PROD, options);
    expect(() => resolveDbReferences("url: ${LATTICE_DB:prdo}", options)).toThrow(
      '${LATTICE_DB:prdo}: no database credentials labelled "prdo" — add them with lattice db-credentials set prdo <postgres-url>',
    );
  });

  it("leaves text without references alone and does not create a master key for it", () => {
    expect(resolveDbReferences("url: ${OTHER:prod} $LATTICE_DB", options)).toBe("url: ${OTHER:prod} $LATTICE_DB");
    expect(fs.readdirSync(home)).toEqual([]);
  });
});
