// One error type for every layer. Services throw it; tRPC, the JSON routes and the CLI
// report it the same way through the single mapping below.
export const appErrorStatus = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  PRECONDITION_FAILED: 412,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNPROCESSABLE_CONTENT: 422,
  TOO_MANY_REQUESTS: 429,
  INTERNAL_SERVER_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
} as const;

export type AppErrorCode = keyof typeof appErrorStatus;

export class AppError extends Error {
  readonly code: AppErrorCode;
  constructor(code: AppErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "AppError";
    this.code = code;
  }

  get status(): number {
    return appErrorStatus[this.code];
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError || (error instanceof Error && error.name === "AppError" && "code" in error);
}

/** Prisma's unique-constraint violation, recognised without importing the generated client. */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; cause?: { code?: string; originalCode?: string } } | null;
  return e?.code === "P2002" || e?.cause?.originalCode === "23505" || e?.cause?.code === "23505";
}

const MAX_LOGGED_MESSAGE = 200;
// Anything shaped like a secret or a stored hash: a Lattice token, a run of hex or base64url.
const SECRET_LIKE = /\b(?:lat|lst|latinv|latlogin)_[A-Za-z0-9_-]+|\b[0-9a-f]{32,}\b|[A-Za-z0-9_+/-]{40,}={0,2}/gi;

/**
 * What the log says about an unexpected error: its class, its code and a short message, in one
 * line. Never the message or stack as they are: Prisma renders the failing call, with its rows and
 * token hashes, into both (its reason is the message's last line; a driver's is its first).
 * For errors of our own code, the stack's frames follow (code locations, never values).
 */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return `non-error thrown (${typeof error})`;
  const code = (error as { code?: unknown }).code ?? (error.cause as { originalCode?: unknown; code?: unknown } | undefined)?.originalCode;
  const fromPrisma = error.name.startsWith("Prisma") || error.name === "DriverAdapterError";
  const lines = error.message.split("\n").map((line) => line.trim()).filter(Boolean);
  let message = (fromPrisma ? lines[lines.length - 1] : lines[0]) ?? "";
  message = message.replace(SECRET_LIKE, "[redacted]");
  if (message.length > MAX_LOGGED_MESSAGE) message = `${message.slice(0, MAX_LOGGED_MESSAGE - 3)}...`;
  const head = `${error.name}${typeof code === "string" || typeof code === "number" ? ` ${code}` : ""}: ${message}`;
  if (fromPrisma) return head;
  const frames = (error.stack ?? "").split("\n").filter((line) => /^\s+at /.test(line)).slice(0, 8);
  return frames.length ? `${head}\n${frames.join("\n")}` : head;
}
