import { LatticeClientError } from "./errors.ts";

const DEFAULT_TIMEOUT_MS = 30_000;

/** How long one request may wait for its whole answer: LATTICE_TIMEOUT (seconds) or 30 s. */
export function requestTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.LATTICE_TIMEOUT?.trim();
  if (!raw) return DEFAULT_TIMEOUT_MS;
  const seconds = /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : NaN;
  if (!(seconds > 0) || seconds > 86400) throw new LatticeClientError("INVALID_CONFIG", `LATTICE_TIMEOUT must be a positive number of seconds (at most 86400), not "${raw}"`);
  return Math.round(seconds * 1000);
}

/**
 * A signal that aborts when `ms` pass or when the caller's own signal aborts. tRPC always passes a
 * signal of its own, so `signal ?? AbortSignal.timeout()` would never time out.
 */
export function timeoutSignal(ms: number, signal?: AbortSignal | null): { signal: AbortSignal; timedOut(): boolean } {
  const timer = AbortSignal.timeout(ms);
  return { signal: signal ? AbortSignal.any([signal, timer]) : timer, timedOut: () => timer.aborted };
}

export function noAnswerError(cloud: string, ms: number, cause?: unknown): LatticeClientError {
  const seconds = Number.isInteger(ms / 1000) ? String(ms / 1000) : (ms / 1000).toFixed(1);
  return new LatticeClientError("UNREACHABLE", `no answer from ${cloud} within ${seconds} s`, { cause });
}
