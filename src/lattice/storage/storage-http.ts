import { LatticeClientError, notLatticeError, tokenRejectedError, unreachableError } from "../teams/errors.ts";
import { noAnswerError, requestTimeoutMs, timeoutSignal } from "../teams/request-timeout.ts";

/** A 25 MiB blob on a slow uplink. */
const UPLOAD_TIMEOUT_MS = 10 * 60_000;

const DATE_FIELDS = new Set(["createdAt", "updatedAt", "expiresAt", "lastUsedAt", "revokedAt"]);

/** The JSON routes send dates as ISO strings; tRPC (superjson) sends Dates. Results look the same either way. */
function reviveDates(key: string, value: unknown): unknown {
  return DATE_FIELDS.has(key) && typeof value === "string" ? new Date(value) : value;
}

export interface StorageHttpOptions {
  cloud: string;
  token: string;
  /** Names the saved connection in a 401 on an operator token; unset for storage tokens. */
  teamName?: string;
  operator: boolean;
}

/** A value to send as JSON, JSON text to send as it is (a KV value's exact digits), or raw bytes. */
export type StorageRequestBody = { json: unknown } | { jsonText: string } | { bytes: Uint8Array };

/**
 * One call to a `/api/v1` storage route with `Authorization: Bearer …`. Errors come back as the
 * server's `{ error: { code, message } }`; they become one-line LatticeClientErrors here.
 */
export async function storageRequest<T>(
  options: StorageHttpOptions,
  method: string,
  path: string,
  body?: StorageRequestBody,
  headers: Record<string, string> = {},
): Promise<T> {
  const init: RequestInit = { method, headers: { authorization: `Bearer ${options.token}`, ...headers } };
  if (body && ("json" in body || "jsonText" in body)) {
    init.body = "json" in body ? JSON.stringify(body.json) : body.jsonText;
    (init.headers as Record<string, string>)["content-type"] = "application/json";
  } else if (body) {
    init.body = new Uint8Array(body.bytes);
    (init.headers as Record<string, string>)["content-type"] = "application/octet-stream";
  }
  const ms = body && "bytes" in body ? Math.max(UPLOAD_TIMEOUT_MS, requestTimeoutMs()) : requestTimeoutMs();
  const limit = timeoutSignal(ms);
  init.signal = limit.signal;
  let response: Response;
  let text: string;
  try {
    response = await fetch(`${options.cloud}${path}`, init);
    text = await response.text();
  } catch (error) {
    if (limit.timedOut()) throw noAnswerError(options.cloud, ms, error);
    throw unreachableError(options.cloud, error);
  }
  if (!/\bjson\b/i.test(response.headers.get("content-type") ?? "")) throw notLatticeError(options.cloud, "/api/v1");
  let parsed: unknown;
  try {
    parsed = JSON.parse(text, reviveDates);
  } catch {
    throw notLatticeError(options.cloud, "/api/v1");
  }
  if (response.ok) return parsed as T;
  const error = (parsed as { error?: { code?: string; message?: string } } | null)?.error;
  if (!error?.message) throw notLatticeError(options.cloud, "/api/v1");
  if (response.status === 401 && options.operator) throw tokenRejectedError(options.teamName);
  throw new LatticeClientError("SERVER", error.message, { serverCode: error.code, httpStatus: response.status });
}

/**
 * A KV key or file path as URL path segments. The server decodes the rest of the path once, so
 * each segment is percent-encoded; "." and ".." segments would be resolved away by any URL parser.
 */
export function encodePathSegments(value: string, what: string): string {
  const segments = value.split("/");
  if (segments.some((s) => s === "." || s === "..")) {
    throw new Error(`${what} "${value}" has a "." or ".." segment, which cannot be sent in a URL: use a saved login instead of a storage token`);
  }
  return segments.map(encodeURIComponent).join("/");
}
