import { describe, expect, it } from "vitest";
import { parseHead, serialize } from "./front.ts";

// The front answers only heads in the plain shape; every other head must come back null, so that
// Node's parser (llhttp) frames and judges it. A head here is what precedes the blank line.

describe("parseHead", () => {
  it("reads a plain GET: method, Host, path and query, and only the headers hosting reads", () => {
    const request = parseHead("GET /docs/a.html?x=1&y=2 HTTP/1.1\r\nhost: Site.Example.com:8080\r\nUser-Agent: curl/8\r\nIF-NONE-MATCH: \"abc\"\r\nAuthorization:  Bearer lst_x  ");
    expect(request).toMatchObject({ method: "GET", host: "Site.Example.com:8080", path: "/docs/a.html", query: "x=1&y=2", bodyLength: 0 });
    expect(request!.header("if-none-match")).toBe('"abc"');
    expect(request!.header("authorization")).toBe("Bearer lst_x");
    expect(request!.header("user-agent")).toBeUndefined();
  });

  it("reads a PUT's Content-Length and If-Match", () => {
    const request = parseHead("PUT /k HTTP/1.1\r\nHost: kv.example.com\r\nContent-Length: 17\r\nIf-Match: \"3\"\r\nConnection: keep-alive");
    expect(request).toMatchObject({ method: "PUT", bodyLength: 17 });
    expect(request!.header("if-match")).toBe('"3"');
  });

  const refused: [string, string][] = [
    ["another method", "POST / HTTP/1.1\r\nHost: a"],
    ["HTTP/1.0", "GET / HTTP/1.0\r\nHost: a"],
    ["absolute-form", "GET http://a/ HTTP/1.1\r\nHost: a"],
    ["a space in the target", "GET /a b HTTP/1.1\r\nHost: a"],
    ["no Host", "GET / HTTP/1.1\r\nAccept: */*"],
    ["two Hosts", "GET / HTTP/1.1\r\nHost: a\r\nHost: b"],
    ["an empty Host", "GET / HTTP/1.1\r\nHost: "],
    ["a space before the colon", "GET / HTTP/1.1\r\nHost : a"],
    ["a header line with no colon", "GET / HTTP/1.1\r\nHost: a\r\nnonsense"],
    ["obs-fold", "GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\r\n  2"],
    ["a bare LF", "GET / HTTP/1.1\r\nHost: a\nX-A: 1"],
    ["a bare CR", "GET / HTTP/1.1\r\nHost: a\rX-A: 1"],
    ["a bare LF in the request line", "GET /\n HTTP/1.1\r\nHost: a"],
    ["NUL", "GET / HTTP/1.1\r\nHost: a\r\nX-A: \0"],
    ["obs-text", "GET / HTTP/1.1\r\nHost: a\r\nX-A: caf\u00e9"],
    ["Content-Length on a GET", "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 0"],
    ["Transfer-Encoding", "PUT /k HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked"],
    ["two Content-Lengths", "PUT /k HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\nContent-Length: 2"],
    ["a signed Content-Length", "PUT /k HTTP/1.1\r\nHost: a\r\nContent-Length: +2"],
    ["a list Content-Length", "PUT /k HTTP/1.1\r\nHost: a\r\nContent-Length: 2, 2"],
    ["a body over 2 MiB", `PUT /k HTTP/1.1\r\nHost: a\r\nContent-Length: ${3 * 1024 * 1024}`],
    ["Expect", "PUT /k HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\nExpect: 100-continue"],
    ["Upgrade", "GET / HTTP/1.1\r\nHost: a\r\nUpgrade: websocket"],
    ["Connection: close", "GET / HTTP/1.1\r\nHost: a\r\nConnection: close"],
    ["Connection: upgrade", "GET / HTTP/1.1\r\nHost: a\r\nConnection: Upgrade"],
    ["two Authorizations", "GET / HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer x\r\nAuthorization: Bearer y"],
  ];
  it.each(refused)("leaves %s to Node", (_name, head) => {
    expect(parseHead(head)).toBeNull();
  });
});

describe("serialize", () => {
  it("writes status, headers, Date and keep-alive, and the body as its UTF-8 bytes", () => {
    const out = serialize({ status: 200, headers: { "content-type": "application/json" }, body: '{"v":"grüß"}' }, "GET") as string;
    const [head, body] = out.split("\r\n\r\n");
    expect(head).toMatch(/^HTTP\/1\.1 200 OK\r\ncontent-type: application\/json\r\ndate: .+ GMT\r\nconnection: keep-alive\r\ncontent-length: 14$/);
    expect(Buffer.from(body!, "latin1").toString("utf8")).toBe('{"v":"grüß"}');
  });

  it("sends no body for HEAD, 204 and 304, and no invented length for a bodiless HEAD", () => {
    expect(serialize({ status: 200, headers: { "content-length": "5" }, body: "hello" }, "HEAD")).toMatch(/^HTTP\/1\.1 200 OK\r\ncontent-length: 5\r\ndate: [^\r]+\r\nconnection: keep-alive\r\n\r\n$/);
    expect(serialize({ status: 200, headers: {}, body: null }, "HEAD")).not.toMatch(/content-length/);
    expect(serialize({ status: 304, headers: { etag: '"x"' }, body: null }, "GET")).toMatch(/^HTTP\/1\.1 304 Not Modified\r\netag: "x"\r\n[^]*\r\n\r\n$/);
    expect(serialize({ status: 204, headers: {}, body: null }, "DELETE")).not.toMatch(/content-length/);
  });

  it("refuses a header value that would split the response", () => {
    expect(() => serialize({ status: 200, headers: { "x-a": "1\r\nSet-Cookie: a=b" }, body: "" }, "GET")).toThrow(/invalid header/);
  });
});
