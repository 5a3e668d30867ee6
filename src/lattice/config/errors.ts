export type LatticeErrorCode = "INVALID_CONFIG" | "CONFIG_NOT_FOUND";

/** The one error type of the local library: a code to branch on and a message a person can act on. */
export class LatticeError extends Error {
  readonly code: LatticeErrorCode;
  constructor(code: LatticeErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "LatticeError";
    this.code = code;
  }
}
