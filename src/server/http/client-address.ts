// Who is calling, for per-address throttling. The `npm start` entry (src/server/main.ts) sets
// CLIENT_ADDRESS_HEADER itself on every request it hands to Next (overwriting any a client sent);
// under plain `next start` only a trusted proxy's X-Forwarded-For says it.
export const CLIENT_ADDRESS_HEADER = "x-lattice-client-address";

const holder = globalThis as typeof globalThis & { __latticeFrontSetsAddress?: boolean };

/** Called by the `npm start` entry: from now on CLIENT_ADDRESS_HEADER is ours, not the client's. */
export function markAddressHeaderTrusted(): void {
  holder.__latticeFrontSetsAddress = true;
}

export function trustProxy(): boolean {
  return process.env.LATTICE_TRUST_PROXY === "1" || process.env.LATTICE_TRUST_PROXY === "true";
}

/** The last X-Forwarded-For hop (the one our proxy appended) when a proxy is trusted, else the socket's address. */
export function addressFrom(forwardedFor: string | string[] | undefined | null, socketAddress: string | undefined): string | undefined {
  if (trustProxy() && forwardedFor) {
    const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(",") : forwardedFor).split(",").map((hop) => hop.trim()).filter(Boolean);
    const last = hops[hops.length - 1];
    if (last && last.length <= 64) return last;
  }
  return socketAddress;
}

/** The caller's address inside Next (route handlers, tRPC), or undefined when nothing trustworthy says it. */
export function clientAddress(headers: Headers): string | undefined {
  if (holder.__latticeFrontSetsAddress) return headers.get(CLIENT_ADDRESS_HEADER) ?? undefined;
  return trustProxy() ? addressFrom(headers.get("x-forwarded-for"), undefined) : undefined;
}
