import { describe, expect, it } from "vitest";
import { AppError, describeError } from "./errors.ts";

describe("describeError", () => {
  it("gives a Prisma error's class, code and last line only: never the call it rendered", () => {
    const error = new Error('\nInvalid `prisma.storageToken.create()` invocation:\n\n{\n  data: {\n    tokenHash: "4f1c2a9e8b7d6c5f4e3d2c1b0a99887766554433221100ffeeddccbbaa998877"\n  }\n}\n\nInvalid value for argument `expiresAt`: Provided Date object is invalid.');
    error.name = "PrismaClientValidationError";
    expect(describeError(error)).toBe("PrismaClientValidationError: Invalid value for argument `expiresAt`: Provided Date object is invalid.");
  });

  it("redacts anything shaped like a token or a hash, and keeps the message short", () => {
    const error = Object.assign(new Error(`bad token lst_abcDEF123_-xyz and hash ${"ab".repeat(32)} ${"x".repeat(300)}`), { code: "E_X" });
    const line = describeError(error).split("\n")[0]!;
    expect(line).toMatch(/^Error E_X: bad token \[redacted\] and hash \[redacted\] /);
    expect(line.length).toBeLessThanOrEqual(220);
  });

  it("keeps the stack frames of our own errors (code locations only)", () => {
    const lines = describeError(new AppError("CONFLICT", "taken")).split("\n");
    expect(lines[0]).toBe("AppError CONFLICT: taken");
    expect(lines.slice(1).every((line) => /^\s+at /.test(line))).toBe(true);
  });
});
