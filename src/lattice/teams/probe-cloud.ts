import { normalizeCloudUrl } from "./cloud-url.ts";
import { notLatticeError, unreachableError } from "./errors.ts";

export interface CloudProbe {
  cloud: string;
  reachable: boolean;
  isLattice: boolean;
  version: string | null;
  db: "pglite" | "postgres" | null;
  hasTeam: boolean | null;
  /** Why it is unreachable, not Lattice or unhealthy, in one line. */
  error?: string;
}

const PROBE_TIMEOUT_MS = 5_000;
const HEALTH_PATH = "/api/v1/health";

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
    response = await fetch(`${cloud}${HEALTH_PATH}`, {
      headers: { accept: "application/json" },
      signal: AbortSignal.timeout(options.timeoutMs ?? PROBE_TIMEOUT_MS),
    });
  } catch (error) {
    return { cloud, ...blank, error: unreachableError(cloud, error).message };
  }
  const body = (await response.json().catch(() => null)) as { service?: unknown; version?: unknown; db?: unknown; hasTeam?: unknown; error?: { code?: unknown; message?: unknown } } | null;
  if (response.ok && body?.service === "lattice") {
    return {
      cloud,
      reachable: true,
      isLattice: true,
      version: typeof body.version === "string" ? body.version : null,
      db: body.db === "pglite" || body.db === "postgres" ? body.db : null,
      hasTeam: typeof body.hasTeam === "boolean" ? body.hasTeam : null,
    };
  }
  // Lattice's own error shape (e.g. its database is down) still identifies a Lattice server.
  if (typeof body?.error?.code === "string" && typeof body.error.message === "string") {
    return { cloud, ...blank, reachable: true, isLattice: true, error: `${cloud} answered ${response.status}: ${body.error.message}` };
  }
  return { cloud, ...blank, reachable: true, error: notLatticeError(cloud, HEALTH_PATH).message };
}
