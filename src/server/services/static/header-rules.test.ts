import { describe, expect, it } from "vitest";
import { headersForFile, MAX_HEADER_RULES, parseHeadersFile, requestPathsFor } from "./header-rules.ts";

const example = `# long-lived assets
/assets/*
  Cache-Control: public, max-age=31536000, immutable
/*.html
  Cache-Control: no-cache
/
  X-Frame-Options: DENY
`;

function refusal(source: string): string {
  try {
    parseHeadersFile(source);
  } catch (error) {
    expect(error).toMatchObject({ name: "AppError", code: "UNPROCESSABLE_CONTENT" });
    return (error as Error).message;
  }
  throw new Error("expected the file to be refused");
}

describe("parseHeadersFile", () => {
  it("parses the documented example, lower-casing names", () => {
    expect(parseHeadersFile(example)).toEqual([
      { path: "/assets/*", headers: { "cache-control": "public, max-age=31536000, immutable" } },
      { path: "/*.html", headers: { "cache-control": "no-cache" } },
      { path: "/", headers: { "x-frame-options": "DENY" } },
    ]);
  });

  it("accepts CRLF, a BOM, tabs, comments and X- custom headers", () => {
    const rules = parseHeadersFile(Buffer.from("\uFEFF/a\r\n\t# note\r\n\tX-Robots-Tag:  noindex \r\n\r\n\tReferrer-Policy: no-referrer\r\n"));
    expect(rules).toEqual([{ path: "/a", headers: { "x-robots-tag": "noindex", "referrer-policy": "no-referrer" } }]);
  });

  it.each([
    ["Content-Type", "text/plain"],
    ["Content-Length", "1"],
    ["ETag", '"x"'],
    ["Set-Cookie", "a=b"],
    ["Location", "https://evil.example"],
    ["X-Accel-Redirect", "/internal"],
    ["X-Middleware-Rewrite", "/api/v1/health"],
  ])("refuses the forbidden header %s, naming the line", (name, value) => {
    const message = refusal(`/a\n  Cache-Control: no-cache\n\n/b\n  ${name}: ${value}\n`);
    expect(message).toContain("_headers line 5");
    expect(message).toContain(`"${name}" cannot be set here`);
  });

  it.each([
    ["a header line before any path", "  Cache-Control: no-cache\n", "line 1: a header line needs a path line above it"],
    ["an unindented header", "/a\nCache-Control: no-cache\n", 'line 2: expected a path starting with "/"'],
    ["a header line without a colon", "/a\n  Cache-Control no-cache\n", 'line 2: expected "Name: value"'],
    ["an empty name", "/a\n  : x\n", 'line 2: expected "Name: value"'],
    ["a name with spaces", "/a\n  Cache Control: x\n", "line 2: \"Cache Control\" is not a valid header name"],
    ["an empty value", "/a\n  Cache-Control:\n", 'line 2: "Cache-Control" needs a value'],
    ["a non-ASCII value", "/a\n  X-Note: café\n", "line 2: the value of \"X-Note\" must be printable ASCII"],
    ["a path with a space", "/a b\n  X-A: 1\n", "line 1: a path pattern cannot contain spaces"],
    ["an absolute URL", "https://example.com/*\n  X-A: 1\n", 'line 1: expected a path starting with "/"'],
  ])("refuses %s", (_what, source, expected) => {
    expect(refusal(source)).toContain(`_headers ${expected}`);
  });

  it(`allows ${MAX_HEADER_RULES} rules and refuses one more`, () => {
    const rules = (n: number) => Array.from({ length: n }, (_, i) => `/p${i}\n  X-N: ${i}\n`).join("");
    expect(parseHeadersFile(rules(MAX_HEADER_RULES))).toHaveLength(MAX_HEADER_RULES);
    expect(refusal(rules(MAX_HEADER_RULES + 1))).toContain(`_headers line ${MAX_HEADER_RULES * 2 + 1}: at most ${MAX_HEADER_RULES} rules`);
  });

  it("refuses a file over 64 KiB", () => {
    const big = `/a\n  X-Pad: ${"x".repeat(64 * 1024)}\n`;
    expect(refusal(big)).toContain("_headers: at most 64 KiB");
  });
});

describe("headersForFile", () => {
  const rules = parseHeadersFile(example);

  it("matches * across slashes and exact paths only themselves", () => {
    expect(headersForFile(rules, "assets/app.js")).toEqual({ "cache-control": "public, max-age=31536000, immutable" });
    expect(headersForFile(rules, "assets/img/deep/logo.png")).toEqual({ "cache-control": "public, max-age=31536000, immutable" });
    expect(headersForFile(rules, "docs/guide.html")).toEqual({ "cache-control": "no-cache" });
    expect(headersForFile(rules, "app.css")).toEqual({});
    expect(headersForFile(rules, "assets")).toEqual({});
    expect(headersForFile(parseHeadersFile("/a.css\n  X-A: 1\n"), "a.css")).toEqual({ "x-a": "1" });
    expect(headersForFile(parseHeadersFile("/a.css\n  X-A: 1\n"), "xa.css")).toEqual({});
    // Regex characters in a pattern are literal.
    expect(headersForFile(parseHeadersFile("/a.(b)+\n  X-A: 1\n"), "aXbb")).toEqual({});
  });

  it("gives an index the rules of its directory URLs: / and /index.html share one set", () => {
    expect(requestPathsFor("index.html")).toEqual(["/index.html", "/"]);
    expect(requestPathsFor("docs/index.html")).toEqual(["/docs/index.html", "/docs/", "/docs"]);
    expect(headersForFile(rules, "index.html")).toEqual({ "cache-control": "no-cache", "x-frame-options": "DENY" });
    expect(headersForFile(parseHeadersFile("/docs/\n  X-A: 1\n"), "docs/index.html")).toEqual({ "x-a": "1" });
    expect(headersForFile(parseHeadersFile("/\n  X-A: 1\n"), "docs/index.html")).toEqual({});
  });

  it("applies every matching rule, a later one overriding the same header", () => {
    const layered = parseHeadersFile("/*\n  Cache-Control: no-store\n  X-A: 1\n/assets/*\n  cache-control: immutable\n/assets/*\n  X-B: 2\n");
    expect(headersForFile(layered, "assets/a.js")).toEqual({ "cache-control": "immutable", "x-a": "1", "x-b": "2" });
    expect(headersForFile(layered, "other.js")).toEqual({ "cache-control": "no-store", "x-a": "1" });
  });
});
