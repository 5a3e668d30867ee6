import { EventEmitter } from "node:events";
import http from "node:http";
import { afterEach, describe, expect, it, vi } from "vitest";
import { HttpFront, parseHead, serialize } from "./front.ts";
import type { HostingRequest, HostingResponse, HostingService } from "../services/hosting/index.ts";

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

  // Written as latin1, U+010D U+010A would go out as CR LF; Node refuses the other controls.
  it.each([
    ["characters above 0xff", "text/html\u010d\u010aSet-Cookie: a=b"],
    ["a control character", "text/html\u0001"],
    ["DEL", "text/html\u007f"],
    ["a lone CR", "text/html\rx"],
  ])("refuses %s in a header value, as Node's writeHead does", (_name, value) => {
    expect(() => serialize({ status: 200, headers: { "content-type": value }, body: "x" }, "GET")).toThrow(/invalid header/);
    if (!value.includes("\u010d")) expect(() => http.validateHeaderValue("content-type", value)).toThrow(); // the same rule as Node
  });
});

/** Just enough of a net.Socket for one FrontConnection: what it writes, whether it ended. */
class FakeSocket extends EventEmitter {
  written = "";
  ended = false;
  destroyed = false;
  private paused = false;
  setNoDelay() {}
  write(data: string | Buffer) {
    this.written += typeof data === "string" ? data : data.toString("latin1");
    return true;
  }
  end(data?: string) {
    if (data) this.written += data;
    this.ended = true;
  }
  destroy() {
    this.destroyed = true;
    this.emit("close");
  }
  pause() {
    this.paused = true;
  }
  resume() {
    this.paused = false;
  }
  isPaused() {
    return this.paused;
  }
}

describe("the front's body handling", () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  const MIB = 1024 * 1024;
  const putHead = (length: number) => `PUT /k HTTP/1.1\r\nHost: kv.example.com\r\nContent-Length: ${length}\r\n\r\n`;

  function connect() {
    const server = http.createServer();
    const served: number[] = [];
    const hosting = {
      serveCached: () => undefined,
      serve: async (request: HostingRequest): Promise<HostingResponse> => {
        served.push((await request.readBody(4 * MIB)).length);
        return { status: 200, headers: { "content-length": "2" }, body: "ok" };
      },
    } as unknown as HostingService;
    const front = new HttpFront(server, hosting, 65_000);
    const socket = new FakeSocket();
    server.emit("connection", socket);
    return { front, socket, served };
  }

  it("joins a trickled body once, not once per chunk", async () => {
    const { front, socket, served } = connect();
    const concat = vi.spyOn(Buffer, "concat");
    const head = putHead(2 * MIB);
    for (const byte of head) socket.emit("data", Buffer.from(byte, "latin1")); // the head, a byte at a time
    const piece = Buffer.alloc(200, "a");
    for (let sent = 0; sent < 2 * MIB; sent += piece.length) socket.emit("data", piece.subarray(0, Math.min(piece.length, 2 * MIB - sent)));
    await vi.waitFor(() => expect(served).toEqual([2 * MIB]));
    expect(socket.written).toMatch(/^HTTP\/1\.1 200 OK\r\n[^]*\r\n\r\nok$/);
    expect(concat.mock.calls.length).toBeLessThanOrEqual(2);
    front.closeAllConnections();
  });

  it("answers 408 and closes a connection whose body trickles slower than its bound", () => {
    vi.useFakeTimers();
    const { front, socket, served } = connect();
    socket.emit("data", Buffer.from(putHead(2 * MIB), "latin1"));
    // 200 bytes a second: far below the least rate a body may keep after its grace period.
    for (let second = 0; second < 60 && !socket.ended; second++) {
      socket.emit("data", Buffer.alloc(200, "a"));
      vi.advanceTimersByTime(1000);
    }
    expect(socket.ended).toBe(true);
    expect(socket.written).toBe("HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: 16\r\nconnection: close\r\n\r\nRequest timeout\n");
    socket.emit("data", Buffer.alloc(2 * MIB, "a")); // the rest, too late: ignored
    vi.advanceTimersByTime(1000);
    expect(socket.destroyed).toBe(true);
    expect(served).toEqual([]);
    front.closeAllConnections();
  });

  it("answers 408 to a body that keeps the rate but not the whole-request bound", () => {
    vi.useFakeTimers();
    const { front, socket, served } = connect();
    socket.emit("data", Buffer.from(putHead(2 * MIB), "latin1"));
    let seconds = 0;
    for (; seconds < 600 && !socket.ended; seconds++) {
      socket.emit("data", Buffer.alloc(4096, "a")); // 4 KiB/s: 2 MiB would take over 8 minutes
      vi.advanceTimersByTime(1000);
    }
    expect(socket.written).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(seconds).toBeLessThan(600);
    expect(served).toEqual([]);
    front.closeAllConnections();
  });

  it("lets a body that keeps the rate arrive", async () => {
    vi.useFakeTimers();
    const { front, socket, served } = connect();
    socket.emit("data", Buffer.from(putHead(64 * 1024), "latin1"));
    for (let sent = 0; sent < 64 * 1024; sent += 2048) {
      socket.emit("data", Buffer.alloc(2048, "a"));
      vi.advanceTimersByTime(1000);
    }
    vi.useRealTimers();
    await vi.waitFor(() => expect(served).toEqual([64 * 1024]));
    expect(socket.written).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    front.closeAllConnections();
  });
});
