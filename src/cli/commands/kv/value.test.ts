import { describe, expect, it } from "vitest";
import { UsageError } from "../../command-spec.ts";
import { parseKvValue } from "./value.ts";

describe("kv put values: JSON, or text with --string", () => {
  it.each([
    ['"Lattice"', "Lattice"],
    ["42", 42],
    ["true", true],
    ["null", null],
    ['{"theme":"dark","sizes":[1,2]}', { theme: "dark", sizes: [1, 2] }],
    ['  [1, 2]\n', [1, 2]],
  ])("parses %j as JSON", (text, value) => {
    expect(parseKvValue(text)).toEqual(value);
  });

  it("with --string stores the text as it is, even when it looks like JSON", () => {
    expect(parseKvValue("hello world", { string: true })).toBe("hello world");
    expect(parseKvValue("42", { string: true })).toBe("42");
    expect(parseKvValue(" padded\n", { string: true })).toBe(" padded\n");
    expect(parseKvValue("", { string: true })).toBe("");
  });

  it("refuses text that is not JSON as a usage error that points at --string", () => {
    const attempt = () => parseKvValue("hello");
    expect(attempt).toThrow(UsageError);
    expect(attempt).toThrow(`the value is not valid JSON (hello): quote a string as JSON ('"text"') or pass --string`);
    expect(() => parseKvValue("{theme: dark}")).toThrow("the value is not valid JSON ({theme: dark})");
    expect(() => parseKvValue("007")).toThrow(UsageError);
    expect(() => parseKvValue("  ")).toThrow("the value is empty: give a JSON value, or pass --string to store text");
  });
});
