import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { scanJson, type JsonScan } from "./json-text.ts";

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function span(text: string, scan: JsonScan): string {
  if (!scan.ok) throw new Error(scan.message);
  return text.slice(scan.start, scan.end);
}

describe("scanJson", () => {
  it("accepts every JSON value kind and reports the value's span without the whitespace around it", () => {
    for (const text of ["0", "-0", "1.5e-3", "-12E+2", "12345678901234567890", "true", "false", "null", '""', '"a\\u0000b\\n\\"\\\\\\/"', "[]", "{}", '[1,[2,{"a":[]}]]', '{"b":1,"a":2}', '"\\ud800"']) {
      const padded = ` \t\r\n${text}\n `;
      expect(span(padded, scanJson(padded))).toBe(text);
    }
  });

  it("reports the top-level object's members with their raw value spans", () => {
    const text = '{ "value" : {"b":1, "a":[12345678901234567890, 1.0]} , "expiresIn":60,"x\\u0041":"\\u0000"}';
    const scan = scanJson(text);
    if (!scan.ok) throw new Error(scan.message);
    expect(scan.members!.map((m) => [m.name, text.slice(m.start, m.end)])).toEqual([
      ["value", '{"b":1, "a":[12345678901234567890, 1.0]}'],
      ["expiresIn", "60"],
      ["xA", '"\\u0000"'],
    ]);
    expect(scanJson("[1,2]")).toMatchObject({ ok: true, members: null });
  });

  it("refuses what is not JSON, saying where", () => {
    const cases: [string, string][] = [
      ["", "unexpected end of JSON"],
      ["{bad", 'unexpected "b" at position 1'],
      ["01", 'unexpected "1" after the JSON value at position 1'],
      ["1.", "unexpected end of JSON"],
      ["-", "unexpected end of JSON"],
      ["+1", 'unexpected "+" at position 0'],
      [".5", 'unexpected "." at position 0'],
      ["1e", "unexpected end of JSON"],
      ["[1,]", 'unexpected "]" at position 3'],
      ['{"a":1,}', 'unexpected "}" at position 7'],
      ['{"a" 1}', 'unexpected "1" at position 5'],
      ["[1 2]", 'unexpected "2" at position 3'],
      ['"abc', "unterminated string"],
      ['"a\nb"', "control character in a string at position 2 (escape it)"],
      ['"\\x"', 'unexpected "x" at position 2'],
      ['"\\u12g4"', 'unexpected "g" at position 5'],
      ["tru", "unexpected end of JSON"],
      ["nul1", 'unexpected "1" at position 3'],
      ["NaN", 'unexpected "N" at position 0'],
      ["1 2", 'unexpected "2" after the JSON value at position 2'],
      ["\u00a01", 'unexpected "\u00a0" at position 0'],
      ["[1]]", 'unexpected "]" after the JSON value at position 3'],
      ['{"a":1]', 'unexpected "]" at position 6'],
      ["'a'", `unexpected "'" at position 0`],
    ];
    for (const [text, message] of cases) {
      expect({ text, scan: scanJson(text) }).toEqual({ text, scan: { ok: false, kind: "syntax", message, at: expect.any(Number) } });
      expect(parses(text)).toBe(false);
    }
  });

  it("refuses duplicate keys at any depth, also when an escape spells the same name", () => {
    expect(scanJson('{"a":1,"a":2}')).toMatchObject({ ok: false, kind: "duplicate", message: 'duplicate key "a" at position 7 (keys must be unique)' });
    expect(scanJson('[{"x":{"k":1,"\\u006b":2}}]')).toMatchObject({ ok: false, kind: "duplicate", message: 'duplicate key "k" at position 13 (keys must be unique)' });
    // The same name in sibling or nested objects is fine.
    expect(scanJson('{"a":{"a":1},"b":[{"a":1},{"a":2}]}').ok).toBe(true);
  });

  it("refuses nesting deeper than the limit without overflowing the stack", () => {
    expect(scanJson("[".repeat(512) + "]".repeat(512)).ok).toBe(true);
    expect(scanJson("[".repeat(513) + "]".repeat(513))).toMatchObject({ ok: false, kind: "depth", message: "nested more than 512 levels deep at position 512" });
    expect(scanJson("[".repeat(500_000), 1_000_000)).toMatchObject({ ok: false, kind: "syntax", message: "unexpected end of JSON" });
  });

  it("agrees with JSON.parse on every JSON.stringify output, and spans a member exactly", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom("", " ", "\n\t"), (value, ws) => {
        const inner = JSON.stringify(value, null, ws || undefined);
        const text = `{${ws}"value"${ws}:${ws}${inner}${ws},"z":1}`;
        const scan = scanJson(text);
        expect(scan.ok).toBe(true);
        if (scan.ok) expect(text.slice(scan.members![0]!.start, scan.members![0]!.end)).toBe(inner);
      }),
      { numRuns: 500 },
    );
  });

  it("agrees with JSON.parse on validity for random JSON-like text (duplicates aside, which only it accepts)", () => {
    const piece = fc.constantFrom("{", "}", "[", "]", ",", ":", '"', '"a"', '"b"', "\\", "\\u00", "1", "0", "-", ".", "e", "+", " ", "\n", "true", "null", "fals", "x", "\u0001", "é");
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 24 }).map((parts) => parts.join("")), (text) => {
        const scan = scanJson(text);
        if (scan.ok) expect(parses(text)).toBe(true);
        else if (scan.kind === "duplicate") expect(parses(text)).toBe(true);
        else expect(parses(text)).toBe(false);
      }),
      { numRuns: 20_000 },
    );
  });

  it("agrees with JSON.parse on mutations of valid JSON", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.nat(), fc.string({ maxLength: 3 }), fc.nat({ max: 3 }), (value, at, insert, remove) => {
        const valid = JSON.stringify(value);
        const pos = at % (valid.length + 1);
        const text = valid.slice(0, pos) + insert + valid.slice(pos + remove);
        const scan = scanJson(text);
        expect(scan.ok || scan.kind === "duplicate").toBe(parses(text));
      }),
      { numRuns: 5_000 },
    );
  });
});
