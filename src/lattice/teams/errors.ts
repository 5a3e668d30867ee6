export type LatticeClientErrorCode =
  | "INVALID_URL"
  | "INVALID_CONFIG"
  | "UNREACHABLE"
  | "NOT_LATTICE"
  | "TOKEN_REJECTED"
  | "NO_CONNECTION"
  | "LOCAL_SAVE_FAILED"
  | "MISSING_IDENTITY"
  | "NO_TEAM"
  | "SERVER";

/**
 * Every failure the library reports, with a one-line message a person can act on. `serverCode`
 * is the tRPC code (CONFLICT, FORBIDDEN…) when the server answered with an error.
 */
export class LatticeClientError extends Error {
  readonly code: LatticeClientErrorCode;
  readonly serverCode?: string;
  readonly httpStatus?: number;

  constructor(code: LatticeClientErrorCode, message: string, options: { serverCode?: string; httpStatus?: number; cause?: unknown } = {}) {
    super(firstLine(message), { cause: options.cause });
    this.name = "LatticeClientError";
    this.code = code;
    this.serverCode = options.serverCode;
    this.httpStatus = options.httpStatus;
  }
}

function firstLine(message: string): string {
  return message.split("\n", 1)[0]!.trim();
}

const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: "connection refused — is the Lattice server running?",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "host name lookup failed (temporary DNS failure)",
  ECONNRESET: "connection reset by the server",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  ETIMEDOUT: "connection timed out",
  UND_ERR_CONNECT_TIMEOUT: "connection timed out",
  UND_ERR_HEADERS_TIMEOUT: "the server did not answer in time",
  UND_ERR_SOCKET: "the connection was closed unexpectedly",
  CERT_HAS_EXPIRED: "its TLS certificate has expired",
  DEPTH_ZERO_SELF_SIGNED_CERT: "its TLS certificate is self-signed",
  SELF_SIGNED_CERT_IN_CHAIN: "its TLS certificate chain is self-signed",
  ERR_TLS_CERT_ALTNAME_INVALID: "its TLS certificate does not match the host name",
};

/** Turns a failed fetch (undici wraps the socket error in `cause`) into "cannot reach <url>: <reason>". */
export function unreachableError(cloud: string, error: unknown): LatticeClientError {
  const e = error as { name?: string; code?: string; message?: string; cause?: { code?: string; message?: string } } | null;
  let reason: string;
  if (e?.name === "TimeoutError") reason = "no answer within the time limit";
  else {
    const code = e?.cause?.code ?? e?.code;
    reason = (code && NETWORK_REASONS[code]) || (code ? `network error (${code})` : (e?.cause?.message ?? e?.message ?? "network error"));
  }
  return new LatticeClientError("UNREACHABLE", `cannot reach ${cloud}: ${reason}`, { cause: error });
}

export function notLatticeError(cloud: string, apiPath = "/api/trpc"): LatticeClientError {
  return new LatticeClientError("NOT_LATTICE", `${cloud} is not a Lattice server (no Lattice API at ${apiPath})`);
}

/** A 401 on a saved or given token: say which team's token and what to do about it. */
export function tokenRejectedError(teamName: string | undefined, cause?: unknown): LatticeClientError {
  const whose = teamName ? `the saved token for "${teamName}"` : "the API token";
  return new LatticeClientError("TOKEN_REJECTED", `${whose} was rejected (401): it may have been revoked — run lattice teams join again`, {
    serverCode: "UNAUTHORIZED",
    httpStatus: 401,
    cause,
  });
}
