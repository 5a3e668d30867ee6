import { describe, expect, it } from "vitest";
import { UsageError } from "../../command-spec.ts";
import { kvValueText } from "./value.ts";

describe("kv put values: JSON, or text with --string", () => {
  it.each([
    ['"Lattice"', '"Lattice"'],
    ["42", "42"],
    ["true", "true"],
    ["null", "null"],
    ['{"theme":"dark", "sizes":[1,2]}', '{"theme":"dark", "sizes":[1,2]}'],
    ["12345678901234567890", "12345678901234567890"],
    ['{"b":1,"a":2}', '{"b":1,"a":2}'],
    ['  [1, 2]\n', "[1, 2]"],
  ])("keeps the JSON text %j exactly (trimmed)", (text, sent) => {
    expect(kvValueText(text)).toBe(sent);
  });

  it("with --string stores the text as a JSON string, even when it looks like JSON", () => {
    expect(kvValueText("hello world", { string: true })).toBe('"hello world"');
    expect(kvValueText("42", { string: true })).toBe('"42"');
    expect(kvValueText(" padded\n", { string: true })).toBe('" padded\\n"');
    expect(kvValueText("", { string: true })).toBe('""');
  });

  it("refuses text that is not JSON as a usage error that points at --string", () => {
    const attempt = () => kvValueText("hello");
    expect(attempt).toThrow(UsageError);
    expect(attempt).toThrow(`the value is not valid JSON (hello): quote a string as JSON ('"text"') or pass --string`);
    expect(() => kvValueText("{theme: dark}")).toThrow("the value is not valid JSON ({theme: dark})");
    expect(() => kvValueText("007")).toThrow(UsageError);
    expect(() => kvValueText("  ")).toThrow("the value is empty: give a JSON value, or pass --string to store text");
  });
});
