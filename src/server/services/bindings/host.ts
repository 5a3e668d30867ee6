import net from "node:net";
import { AppError } from "../../errors.ts";

/**
 * A Host header as the binding table stores it: lower-cased, port stripped, trailing dot removed,
 * IPv6 without brackets. Cheap on purpose: it runs on every request.
 */
const normalized = new Map<string, string>();

export function normalizeHostHeader(host: string | null | undefined): string {
  if (!host) return "";
  const known = normalized.get(host);
  if (known !== undefined) return known;
  const value = normalizeHost(host);
  if (normalized.size >= 1000) normalized.clear(); // Host is client-chosen: keep the memo small
  normalized.set(host, value);
  return value;
}

function normalizeHost(host: string): string {
  let h = host.trim().toLowerCase();
  if (h.startsWith("[")) {
    const end = h.indexOf("]");
    h = end > 0 ? h.slice(1, end) : h;
  } else {
    const colon = h.indexOf(":");
    // One colon is host:port; more is an unbracketed IPv6 literal.
    if (colon !== -1 && h.indexOf(":", colon + 1) === -1) h = h.slice(0, colon);
  }
  if (h.endsWith(".")) h = h.slice(0, -1);
  // One spelling per IPv6 address, as bindings store it: `[0:0:0:0:0:0:0:1]` is `::1`.
  return h.includes(":") ? (canonicalIpv6(h) ?? h) : h;
}

const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

const WHAT_TO_TYPE = "give a hostname or IP address, e.g. site.example.com";

/**
 * Validates and canonicalises a binding's host: a DNS hostname, an IPv4 or an IPv6 literal. A
 * pasted http(s) URL gives its host; anything else with a scheme, credentials or a path is refused.
 */
export function normalizeBindingHost(input: string): string {
  const given = input.trim();
  const refuse = (why: string) => new AppError("UNPROCESSABLE_CONTENT", `host: "${input}" ${why}; ${WHAT_TO_TYPE}.`);
  let host = given;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(given)) {
    let url: URL;
    try {
      url = new URL(given);
    } catch {
      throw refuse("is not a valid URL");
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") throw refuse(`is a ${url.protocol.slice(0, -1)} URL, not a host`);
    if (url.username || url.password) throw refuse("has credentials in it");
    if (!url.hostname) throw refuse("has no host");
    host = url.hostname;
  } else if (!net.isIPv6(given) && /^[a-z][a-z0-9+.-]*:(?!\d+$)/i.test(given)) {
    throw refuse(`is a ${given.slice(0, given.indexOf(":"))}: URL, not a host`); // mailto:x, tel:…
  } else if (given.includes("@")) {
    throw refuse("has credentials in it");
  } else if (given.includes("/") || given.includes("\\")) {
    throw refuse("is a path, not a host");
  }
  const h = normalizeHostHeader(host);
  if (h === "http" || h === "https") throw refuse("is a URL scheme, not a host");
  if (net.isIPv4(h)) return h;
  if (net.isIPv6(h) && canonicalIpv6(h) === h) return h; // normalizeHostHeader already gave it its one spelling
  if (HOSTNAME.test(h) && !/^[0-9.]+$/.test(h)) return h;
  throw new AppError("UNPROCESSABLE_CONTENT", `host: "${input}" is not a hostname, IPv4 or IPv6 address.`);
}

/** The canonical spelling of an IPv6 host (as URL writes it), or null when it is none. */
export function canonicalIpv6(host: string): string | null {
  if (!host.includes(":") || !net.isIPv6(host)) return null;
  try {
    return new URL(`http://[${host}]/`).hostname.slice(1, -1);
  } catch {
    return null; // a zone id (fe80::1%eth0) is IPv6 to Node but no URL host
  }
}
