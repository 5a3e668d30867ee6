import { AppError, isAppError } from "../errors.ts";

/**
 * Failed-credential throttling, in memory per process (several server processes each keep their
 * own counts: the usual trade-off, documented in docs/security.md). Each key counts failures; after
 * a few free ones every further failure blocks the key for twice as long as the last, up to a cap.
 */
export type ThrottleKind = "signin" | "password" | "token" | "invitation";

export interface ThrottleSubject {
  /** The account the attempt was for (an email or user id), when there is one. */
  account?: string;
  /** The client's address (src/server/http/client-address.ts), when known. */
  address?: string;
}

interface Entry {
  failures: number;
  blockedUntil: number;
  lastFailure: number;
}

const MAX_ENTRIES = 50_000;
const FORGET_AFTER_MS = 15 * 60_000;

function policy() {
  const free = Number(process.env.LATTICE_THROTTLE_FREE_FAILURES);
  const base = Number(process.env.LATTICE_THROTTLE_BASE_MS);
  const max = Number(process.env.LATTICE_THROTTLE_MAX_MS);
  return {
    free: Number.isInteger(free) && free >= 0 ? free : 5,
    baseMs: Number.isFinite(base) && base > 0 ? base : 1000,
    maxMs: Number.isFinite(max) && max > 0 ? max : 15 * 60_000,
  };
}

// On globalThis: the `npm start` entry and Next's route chunks are bundled separately but must share one table.
const holder = globalThis as typeof globalThis & { __latticeThrottle?: Map<string, Entry> };
function table(): Map<string, Entry> {
  return (holder.__latticeThrottle ??= new Map());
}

function keysOf(kind: ThrottleKind, subject: ThrottleSubject): { account?: string; address?: string } {
  return {
    account: subject.account ? `${kind}|account|${subject.account.toLowerCase()}` : undefined,
    address: subject.address ? `${kind}|address|${subject.address}` : undefined,
  };
}

export class ThrottledError extends AppError {
  readonly retryAfter: number;
  constructor(retryAfter: number) {
    super("TOO_MANY_REQUESTS", `Too many failed attempts; try again in ${retryAfter} s.`);
    this.retryAfter = retryAfter;
  }
}

/** Seconds to wait (the Retry-After value) when an error is a throttle refusal, else undefined. */
export function retryAfterOf(error: unknown): number | undefined {
  const value = (error as { retryAfter?: unknown } | null)?.retryAfter;
  return isAppError(error) && typeof value === "number" ? value : undefined;
}

/** Throws 429 (with the seconds to wait) when the account or the address is blocked. */
export function assertNotThrottled(kind: ThrottleKind, subject: ThrottleSubject, now = Date.now()): void {
  let until = 0;
  for (const key of Object.values(keysOf(kind, subject))) {
    const entry = key ? table().get(key) : undefined;
    if (entry && entry.blockedUntil > until) until = entry.blockedUntil;
  }
  if (until > now) throw new ThrottledError(Math.max(1, Math.ceil((until - now) / 1000)));
}

export function recordFailure(kind: ThrottleKind, subject: ThrottleSubject, now = Date.now()): void {
  const { free, baseMs, maxMs } = policy();
  const map = table();
  for (const key of Object.values(keysOf(kind, subject))) {
    if (!key) continue;
    const previous = map.get(key);
    // Quiet for a while after its last block ended: start counting again.
    const fresh = !previous || now > Math.max(previous.lastFailure, previous.blockedUntil) + FORGET_AFTER_MS;
    const entry = fresh ? { failures: 0, blockedUntil: 0, lastFailure: 0 } : previous;
    entry.failures += 1;
    entry.lastFailure = now;
    if (entry.failures > free) entry.blockedUntil = now + Math.min(maxMs, baseMs * 2 ** Math.min(30, entry.failures - free - 1));
    // Re-inserted so the Map's order is least recently failed first: the cap drops the oldest.
    map.delete(key);
    map.set(key, entry);
  }
  while (map.size > MAX_ENTRIES) map.delete(map.keys().next().value!);
}

/** A success clears the account's count, never the address's: one valid credential must not reset guessing. */
export function recordSuccess(kind: ThrottleKind, subject: ThrottleSubject): void {
  const { account } = keysOf(kind, subject);
  if (account) table().delete(account);
}

/**
 * Runs one credential check under the throttle: refused while blocked (before any expensive work),
 * counted when `isFailure` says the credential was wrong.
 */
export async function throttled<T>(kind: ThrottleKind, subject: ThrottleSubject, check: () => Promise<T>, isFailure: (error: unknown) => boolean): Promise<T> {
  assertNotThrottled(kind, subject);
  try {
    const result = await check();
    recordSuccess(kind, subject);
    return result;
  } catch (error) {
    if (isFailure(error)) recordFailure(kind, subject);
    throw error;
  }
}

export function isCode(...codes: AppError["code"][]): (error: unknown) => boolean {
  return (error) => isAppError(error) && codes.includes(error.code);
}
