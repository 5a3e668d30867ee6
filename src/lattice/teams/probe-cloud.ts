import { normalizeCloudUrl } from "./trpc-client.ts";
import { LatticeClientError, notLatticeError, unreachableError } from "./errors.ts";

export interface CloudProbe {
  cloud: string;
  reachable: boolean;
  isLattice: boolean;
  version: string | null;
  db: "pglite" | "postgres" | null;
  hasTeam: boolean | null;
  /** Why it is unreachable or not Lattice, in one line. */
  error?: string;
}

const PROBE_TIMEOUT_MS = 5_000;

/** Is there a Lattice server at `url`? Reads GET /api/v1/health; never throws. */
export async function probeCloud(url: string, options: { timeoutMs?: number } = {}): Promise<CloudProbe> {
  const blank = { reachable: false, isLattice: false, version: null, db: null, hasTeam: null };
  let cloud: string;
  try {
    cloud = normalizeCloudUrl(url);
  } catch (error) {
    return { cloud: url, ...blank, error: (error as Error).message };
  }
  let response: Response;
  try {
    response = await fetch(`${cloud}/api/v1/health`, {
      headers: { accept: "application/json" },
      signal: AbortSignal.timeout(options.timeoutMs ?? PROBE_TIMEOUT_MS),
    });
  } catch (error) {
    return { cloud, ...blank, error: unreachableError(cloud, error).message };
  }
  const body = (await response.json().catch(() => null)) as Record<string, unknown> | null;
  if (!response.ok || body?.service !== "lattice") {
    const detail = `HTTP ${response.status}`;
    return { cloud, ...blank, reachable: true, error: notLatticeError(cloud, detail).message.replace("/api/trpc", "/api/v1/health") };
  }
  return {
    cloud,
    reachable: true,
    isLattice: true,
    version: typeof body.version === "string" ? body.version : null,
    db: body.db === "pglite" || body.db === "postgres" ? body.db : null,
    hasTeam: typeof body.hasTeam === "boolean" ? body.hasTeam : null,
  };
}

export { LatticeClientError };
