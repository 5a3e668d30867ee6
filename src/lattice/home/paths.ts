import os from "node:os";
import path from "node:path";

/** Where Lattice keeps this machine's identity, tokens and connections: LATTICE_HOME or ~/.lattice. */
export function latticeHome(env: Record<string, string | undefined> = process.env): string {
  const configured = env.LATTICE_HOME?.trim();
  return path.resolve(configured ? configured : path.join(os.homedir(), ".lattice"));
}

export interface LatticePaths {
  home: string;
  identity: string;
  connections: string;
  masterKey: string;
  dbCredentials: string;
  keysDir: string;
  keyFile(label: string): string;
}

export function latticePaths(home: string = latticeHome()): LatticePaths {
  const keysDir = path.join(home, "keys");
  return {
    home,
    identity: path.join(home, "identity.json"),
    connections: path.join(home, "connections.json"),
    masterKey: path.join(home, "master.key"),
    dbCredentials: path.join(home, "db-credentials.enc"),
    keysDir,
    keyFile: (label) => path.join(keysDir, `${assertLabel(label)}.token`),
  };
}

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

/** Labels become file names, so only slugs are accepted (no separators, no `..`). */
export function assertLabel(label: string): string {
  if (!LABEL.test(label)) throw new Error(`invalid connection label "${label}" (expected a lower-case slug such as "atlas")`);
  return label;
}
