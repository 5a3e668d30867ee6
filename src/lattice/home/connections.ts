import path from "node:path";
import { assertLabel, latticePaths } from "./paths.ts";
import { readJsonFile, writeFileAtomic } from "./atomic-file.ts";

/** A team this machine has registered or joined (`connections.json`, keyed by label). */
export interface SavedConnection {
  label: string;
  cloud: string;
  teamId: string;
  teamName: string;
  userId: string;
  email: string;
  /** Relative to LATTICE_HOME, so the whole directory can be moved. */
  tokenFile: string;
}

type StoredConnection = Omit<SavedConnection, "label">;

/** A team name as a file-safe label: "Atlas" → "atlas", "Café Crew!" → "cafe-crew". */
export function teamLabel(teamName: string): string {
  const slug = teamName
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 48)
    .replace(/-+$/, "");
  return slug || "team";
}

export function listConnections(home?: string): SavedConnection[] {
  const file = latticePaths(home).connections;
  const raw = readJsonFile(file);
  if (raw === null) return [];
  if (typeof raw !== "object" || Array.isArray(raw)) throw new Error(`${file} must be a JSON object of label → connection: fix or delete it`);
  return Object.entries(raw as Record<string, StoredConnection>).map(([label, connection]) => ({ ...connection, label }));
}

export function readConnection(label: string, home?: string): SavedConnection | null {
  return listConnections(home).find((c) => c.label === label) ?? null;
}

/** Absolute path of a connection's token file. */
export function connectionTokenPath(connection: SavedConnection, home?: string): string {
  return path.resolve(latticePaths(home).home, connection.tokenFile);
}

/**
 * The label to save a team under: its slug, unless another team (a different cloud or team id)
 * already holds that label, in which case "atlas-2", "atlas-3"…
 */
export function chooseLabel(teamName: string, cloud: string, teamId: string, home?: string): string {
  const base = teamLabel(teamName);
  const taken = new Map(listConnections(home).map((c) => [c.label, c]));
  for (let n = 1; ; n++) {
    const label = n === 1 ? base : `${base}-${n}`;
    const existing = taken.get(label);
    if (!existing || (existing.cloud === cloud && existing.teamId === teamId)) return label;
  }
}

export function saveConnection(connection: SavedConnection, home?: string): void {
  assertLabel(connection.label);
  const all: Record<string, StoredConnection> = {};
  for (const { label, ...rest } of listConnections(home)) all[label] = rest;
  const { label, ...rest } = connection;
  all[label] = rest;
  writeFileAtomic(latticePaths(home).connections, JSON.stringify(all, null, 2) + "\n");
}

export function removeConnection(label: string, home?: string): boolean {
  const all: Record<string, StoredConnection> = {};
  let found = false;
  for (const { label: l, ...rest } of listConnections(home)) {
    if (l === label) found = true;
    else all[l] = rest;
  }
  if (found) writeFileAtomic(latticePaths(home).connections, JSON.stringify(all, null, 2) + "\n");
  return found;
}
