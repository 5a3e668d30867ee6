import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeRequestPath } from "./request-path.ts";

// The original, segment-by-segment rule; the module adds a fast path for plain paths that must
// agree with it on every input.
function reference(raw: string): string | "refused" {
  if (!raw.startsWith("/") || raw.includes("\\") || raw.includes("\0")) return "refused";
  const out: string[] = [];
  for (const segment of raw.slice(1).split("/")) {
    let value = segment;
    if (segment.includes("%")) {
      try {
        value = decodeURIComponent(segment);
      } catch {
        return "refused";
      }
      if (value.includes("/") || value.includes("\\") || value.includes("\0")) return "refused";
    }
    if (value === "." || value === "..") return "refused";
    out.push(value);
  }
  return out.join("/");
}

function actual(raw: string): string | "refused" {
  try {
    return decodeRequestPath(raw);
  } catch {
    return "refused";
  }
}

describe("decodeRequestPath", () => {
  it.each([
    ["/", ""],
    ["/docs/", "docs/"],
    ["/a.b/c.d", "a.b/c.d"],
    ["/.well-known/x", ".well-known/x"],
    ["/caf%C3%A9", "café"],
    ["/a/../b", "refused"],
    ["/%2e%2e/etc/passwd", "refused"],
    ["/a%2fb", "refused"],
    ["/a\\b", "refused"],
    ["/a%00", "refused"],
    ["/%zz", "refused"],
  ])("%s → %s", (raw, expected) => {
    expect(actual(raw)).toBe(expected);
  });

  it("agrees with the segment-by-segment rule on any path (property)", () => {
    const char = fc.constantFrom("a", "b", ".", "/", "%", "2", "e", "f", "\\", "\0", "C", "3");
    fc.assert(
      fc.property(fc.array(char, { maxLength: 24 }), (chars) => {
        const raw = "/" + chars.join("");
        expect(actual(raw)).toBe(reference(raw));
      }),
      { numRuns: 5000 },
    );
  });
});
