import { AppError } from "../../errors.ts";
import { serverEnv } from "../../env.ts";
import { normalizeHostHeader } from "./host.ts";

/** Where the dashboard always answers: a binding for one of these would hide it on this machine. */
const LOOPBACK = ["localhost", "127.0.0.1", "::1"];

/**
 * The hosts the dashboard is reached at: loopback, the public URL's host (LATTICE_PUBLIC_URL /
 * NEXTAUTH_URL) and the Host (and X-Forwarded-Host) this very request came in on.
 */
export function dashboardHosts(request: { host?: string | null; forwardedHost?: string | null }, publicUrls: readonly (string | undefined)[]): Set<string> {
  const hosts = new Set(LOOPBACK);
  for (const url of publicUrls) {
    if (!url) continue;
    try {
      hosts.add(normalizeHostHeader(new URL(url).host));
    } catch {
      // env.ts validated these; an unparsable one names no host
    }
  }
  for (const value of [request.host, request.forwardedHost?.split(",")[0]]) {
    const host = normalizeHostHeader(value);
    if (host) hosts.add(host);
  }
  return hosts;
}

export function refuseDashboardHost(host: string, ownHosts: ReadonlySet<string>): void {
  if (ownHosts.has(host) || host.endsWith(".localhost")) {
    throw new AppError("UNPROCESSABLE_CONTENT", `host: ${host} is the dashboard's own host; binding it would hide the dashboard.`);
  }
}

/** dashboardHosts() for a request's headers and the server's configured public URL. */
export function requestDashboardHosts(headers: Headers): Set<string> {
  const env = serverEnv();
  return dashboardHosts({ host: headers.get("host"), forwardedHost: headers.get("x-forwarded-host") }, [env.LATTICE_PUBLIC_URL, env.NEXTAUTH_URL]);
}
