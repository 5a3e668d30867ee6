import { readFileIfExists, writeFileAtomic } from "./atomic-file.ts";
import { latticeHome, latticePaths } from "./paths.ts";
import { decryptValue, encryptValue } from "../crypto/encrypted-value.ts";
import { loadMasterKey, type MasterKeyOptions } from "../crypto/master-key.ts";

// `db-credentials.enc`: the whole label → Postgres URL map as one `enc:` value, so neither the
// URLs nor even the labels are readable without the master key.

export interface DbCredential {
  label: string;
  url: string;
}

const LABEL = /^[a-z0-9](?:[a-z0-9_-]{0,62}[a-z0-9])?$/;

export function assertDbLabel(label: string): string {
  if (!LABEL.test(label)) {
    throw new Error(`invalid database label "${label}" (expected lower-case letters, digits, "-" or "_", such as "prod-db")`);
  }
  return label;
}

/** Refuses anything but a postgres:// or postgresql:// URL with a host. */
export function assertPostgresUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    throw new Error("not a URL: expected postgres://user:password@host:5432/database");
  }
  if (parsed.protocol !== "postgres:" && parsed.protocol !== "postgresql:") {
    throw new Error(`not a Postgres URL (${parsed.protocol}//…): expected postgres:// or postgresql://`);
  }
  if (!parsed.hostname) throw new Error("the Postgres URL has no host: expected postgres://user:password@host:5432/database");
  return url.trim();
}

/** The URL with its password replaced by ****, for printing. */
export function maskPostgresUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "****";
    return parsed.toString();
  } catch {
    return "(invalid URL)";
  }
}

function homeOf(options: MasterKeyOptions): string {
  return options.home ?? latticeHome(options.env ?? process.env);
}

function readAll(options: MasterKeyOptions): Record<string, string> {
  const file = latticePaths(homeOf(options)).dbCredentials;
  const text = readFileIfExists(file);
  if (text === null) return {};
  const plain = decryptValue(text.trim(), loadMasterKey(options));
  const map = JSON.parse(plain) as unknown;
  if (typeof map !== "object" || map === null || Array.isArray(map)) throw new Error(`${file} does not hold a label → URL map`);
  return map as Record<string, string>;
}

function writeAll(map: Record<string, string>, options: MasterKeyOptions): void {
  const sorted = Object.fromEntries(Object.entries(map).sort(([a], [b]) => a.localeCompare(b)));
  const sealed = encryptValue(JSON.stringify(sorted), loadMasterKey(options));
  writeFileAtomic(latticePaths(homeOf(options)).dbCredentials, sealed + "\n", 0o600);
}

export function setDbCredential(label: string, url: string, options: MasterKeyOptions = {}): DbCredential {
  assertDbLabel(label);
  const clean = assertPostgresUrl(url);
  const map = readAll(options);
  map[label] = clean;
  writeAll(map, options);
  return { label, url: clean };
}

/** Every stored credential, URL in full: callers that print must mask it (`maskPostgresUrl`). */
export function listDbCredentials(options: MasterKeyOptions = {}): DbCredential[] {
  return Object.entries(readAll(options)).map(([label, url]) => ({ label, url }));
}

export function getDbCredential(label: string, options: MasterKeyOptions = {}): string | null {
  return readAll(options)[label] ?? null;
}

export function removeDbCredential(label: string, options: MasterKeyOptions = {}): boolean {
  const map = readAll(options);
  if (!(label in map)) return false;
  delete map[label];
  writeAll(map, options);
  return true;
}

const REFERENCE = /\$\{LATTICE_DB:([^}]*)\}/g;

/**
 * Replaces every `${LATTICE_DB:<label>}` in a config text with the stored URL. The credentials
 * are decrypted only when the text holds a reference, so plain configs never touch the key.
 */
export function resolveDbReferences(text: string, options: MasterKeyOptions = {}): string {
  const labels = [...text.matchAll(REFERENCE)].map((m) => m[1]!);
  if (labels.length === 0) return text;
  const map = readAll(options);
  for (const label of labels) {
    if (!(label in map)) {
      throw new Error(`\${LATTICE_DB:${label}}: no database credentials labelled "${label}" — add them with lattice db-credentials set ${label} <postgres-url>`);
    }
  }
  return text.replace(REFERENCE, (_, label: string) => map[label]!);
}
