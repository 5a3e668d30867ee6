// The `npm start` server's first look at every connection. Bound-host requests in the plain,
// common shape — GET/HEAD, and PUT/DELETE with a Content-Length body — are parsed here with a few
// string searches and answered from the hosting cache or service; Node's HTTP stack (llhttp,
// IncomingMessage, ServerResponse) costs more than a cached answer itself, and bucket traffic is
// the hot path (DESIGN.md → "Server entry and the fast path").
//
// Anything else — another method, chunked or expected bodies, HTTP/1.0, an unbound host (the
// dashboard and API), an unusual header or byte — hands the connection, with the bytes already
// read, to Node's own HTTP connection handler for good. So this parser only recognises the plain
// shape and says no to the rest: it frames nothing but a single, digits-only Content-Length, and
// leaves refusing malformed input (and the request-smuggling cases) to llhttp.
import http from "node:http";
import type net from "node:net";
import { AppError, describeError } from "../errors.ts";
import { internalError, type HostingRequest, type HostingResponse, type HostingService } from "../services/hosting/index.ts";

/** Node's default --max-http-header-size: a longer head goes to Node, which answers 431. */
const MAX_HEAD_BYTES = 16 * 1024;
/** Pipelined bytes kept while an answer is pending, before the socket is paused. */
const MAX_PENDING_BYTES = 64 * 1024;
/** As Node's headersTimeout (main.ts sets both): a head must arrive whole within this time. */
export const HEAD_TIMEOUT_MS = 60_000;
/** As Node's requestTimeout: a request, head and body, must arrive whole within this time. */
export const REQUEST_TIMEOUT_MS = 300_000;
// A body that trickles in holds a connection and its buffers: after a grace period, it must have
// come at this average rate (from the head's first byte) or the connection is answered 408 and closed.
const BODY_GRACE_MS = 5_000;
const MIN_BODY_BYTES_PER_SECOND = 1024;
const REQUEST_TIMEOUT_ANSWER = "HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: 16\r\nconnection: close\r\n\r\nRequest timeout\n";

const HEAD_END = "\r\n\r\n";
// Tab, printable ASCII, CR and LF (each line is then checked to end in CRLF and hold no other):
// NUL, other control bytes or obs-text send the request to Node's parser.
const NOT_PLAIN_TEXT = /[^\t\x20-\x7e\r\n]/;
const DIGITS = /^\d{1,9}$/;
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const ORIGIN_FORM = /^\/[\x21-\x7e]*$/;
// What Node's validateHeaderValue refuses (anything but tab, printable ASCII and obs-text), and
// every character above 0xff, which latin1 would cut to its low byte (\u010d\u010a → CR LF).
const BAD_HEADER_TEXT = /[^\t\x20-\x7e\x80-\xff]/;

type ConnectionListener = (socket: net.Socket) => void;

/** One parsed request in the shape the front answers itself. */
interface FrontRequest extends HostingRequest {
  method: "GET" | "HEAD" | "PUT" | "DELETE";
  /** From Content-Length (PUT and DELETE only): the bytes after the head that belong to this request. */
  bodyLength: number;
  body: Buffer | null;
}

/** Larger bodies go to Node's path, which refuses what its route does not accept (413). */
const MAX_BODY_BYTES = 2 * 1024 * 1024;

/**
 * Puts the front before `server`'s own connection handling. `server` still listens, times out
 * and closes as usual; connections it is handed behave exactly as if it had parsed them from the start.
 */
export class HttpFront {
  readonly connections = new Set<FrontConnection>();
  readonly handOff: ConnectionListener;
  closing = false;
  /** Date.now() as of the last sweep: activity stamps need no more precision than the sweep's. */
  clock = Date.now();
  // One timer for every connection's idle and head timeouts: a per-socket setTimeout re-arms on
  // every read and write, which measured ≈ 20 % of a hot answer's cost.
  private readonly sweeper = setInterval(() => this.sweep(), 1000).unref();

  constructor(
    server: http.Server,
    readonly hosting: HostingService,
    readonly keepAliveMs: number,
  ) {
    const listeners = server.listeners("connection") as ConnectionListener[];
    if (listeners.length !== 1) throw new Error("HttpFront must be installed on a fresh http.Server");
    const nodeListener = listeners[0]!;
    this.handOff = (socket) => nodeListener.call(server, socket);
    server.removeAllListeners("connection");
    server.on("connection", (socket: net.Socket) => {
      if (this.closing) return this.handOff(socket);
      this.connections.add(new FrontConnection(this, socket));
    });
  }

  private sweep(): void {
    const now = (this.clock = Date.now());
    for (const connection of this.connections) connection.expireIfStale(now);
  }

  /** Ends every connection of ours that is between requests; the busy ones end after their answer. */
  closeIdleConnections(): void {
    this.closing = true;
    for (const connection of this.connections) connection.endIfIdle();
  }

  closeAllConnections(): void {
    this.closing = true;
    clearInterval(this.sweeper);
    for (const connection of this.connections) connection.socket.destroy();
  }
}

class FrontConnection {
  /**
   * Bytes received and not yet answered, in arrival order; `skip` of them belong to the request
   * being answered. Kept as a list and joined once, when a whole head or body is there: joining on
   * every chunk costs the square of a trickled body's length.
   */
  private readonly chunks: Buffer[] = [];
  private pendingBytes = 0;
  private skip = 0;
  private busy = false;
  private headStartedAt = 0;
  /** Bytes pending must reach before it is worth parsing again (a body still arriving). */
  private waitFor = 0;
  private lastActive: number;
  private waitingForDrain = false;
  /** Whether a request has been answered here: a fresh connection may have one on the way. */
  private answered = false;
  /** The client half-closed: nothing more will come. */
  private clientDone = false;
  /** Answered 408: the connection closes at the next sweep, whatever the client still sends. */
  private timedOut = false;

  constructor(
    private readonly front: HttpFront,
    readonly socket: net.Socket,
  ) {
    socket.setNoDelay(true);
    this.lastActive = front.clock;
    socket.on("data", this.onData);
    socket.on("error", this.onError);
    socket.on("end", this.onEnd);
    socket.on("close", this.onClose);
  }

  endIfIdle(): void {
    if (this.answered && !this.busy && !this.pendingBytes) this.socket.end();
  }

  /**
   * Idle past keep-alive: the connection goes. A head still incomplete after HEAD_TIMEOUT_MS, or a
   * body past REQUEST_TIMEOUT_MS or slower than MIN_BODY_BYTES_PER_SECOND after its grace: 408, then it goes.
   */
  expireIfStale(now: number): void {
    if (this.timedOut) return void this.socket.destroy();
    if (this.busy) return;
    if (now - this.lastActive > this.front.keepAliveMs) return void this.socket.destroy();
    if (!this.pendingBytes) return;
    const elapsed = now - this.headStartedAt;
    const late =
      this.waitFor > 0
        ? elapsed > REQUEST_TIMEOUT_MS || (elapsed > BODY_GRACE_MS && this.pendingBytes < (elapsed / 1000) * MIN_BODY_BYTES_PER_SECOND)
        : elapsed > HEAD_TIMEOUT_MS;
    if (late) this.timeOut();
  }

  private timeOut(): void {
    this.timedOut = true;
    this.setPending(null);
    this.socket.end(REQUEST_TIMEOUT_ANSWER, "latin1");
  }

  private readonly onError = () => this.socket.destroy();
  // http.Server sockets are half-open capable: when the client is done sending, we are done too,
  // after the answers already written and the one still being worked out.
  private readonly onEnd = () => {
    this.clientDone = true;
    if (!this.busy) this.socket.end();
  };
  private readonly onClose = () => this.front.connections.delete(this);

  private readonly onData = (chunk: Buffer) => {
    if (this.timedOut) return;
    this.lastActive = this.front.clock;
    if (this.pendingBytes === 0) {
      this.headStartedAt = this.front.clock;
      // The common case, a whole request in one chunk: parsed as it came, no list touched.
      if (!this.busy) return this.answer(chunk);
    }
    this.chunks.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.busy) {
      if (this.pendingBytes > MAX_PENDING_BYTES && !this.socket.isPaused()) this.socket.pause();
    } else if (this.waitFor > 0) {
      if (this.pendingBytes >= this.waitFor) this.answer();
    } else if (this.pendingBytes > MAX_HEAD_BYTES || this.headMayEnd(chunk)) this.answer();
  };

  /** Whether the head that is arriving can have ended with `chunk`, the last of `chunks`: else no parse is worth it. */
  private headMayEnd(chunk: Buffer): boolean {
    if (chunk.indexOf(HEAD_END) !== -1) return true;
    // Or the blank line straddles the chunks: the 3 bytes before `chunk` and its first 3.
    let before = "";
    for (let i = this.chunks.length - 2; i >= 0 && before.length < 3; i--) {
      const previous = this.chunks[i]!;
      before = previous.toString("latin1", Math.max(0, previous.length - (3 - before.length))) + before;
    }
    return (before + chunk.toString("latin1", 0, 3)).includes(HEAD_END);
  }

  /** The pending bytes as one buffer (joined here, once per parse). */
  private takePending(): Buffer {
    return this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.pendingBytes);
  }

  private setPending(rest: Buffer | null): void {
    if (this.chunks.length) this.chunks.length = 0;
    this.pendingBytes = 0;
    if (rest && rest.length) {
      this.chunks.push(rest);
      this.pendingBytes = rest.length;
    }
  }

  /** Answers every whole request pending, in order, until one needs Node or the database. */
  private answer(data = this.takePending()): void {
    // Bytes as latin1 characters, one for one: string searches are cheaper than Buffer ones, and
    // every index is also a byte offset into `data`.
    const text = data.toString("latin1");
    let offset = 0;
    let out = "";
    this.waitFor = 0;
    while (offset < data.length) {
      const end = text.indexOf("\r\n\r\n", offset);
      if (end === -1 || end - offset > MAX_HEAD_BYTES) {
        if (end !== -1 || data.length - offset > MAX_HEAD_BYTES) return this.giveToNode(out, data.subarray(offset));
        break;
      }
      const request = parseHead(text.slice(offset, end));
      const next = end + HEAD_END.length + (request?.bodyLength ?? 0);
      let reply: ReturnType<typeof serialize> | null = null;
      if (request) {
        try {
          const response = this.front.hosting.serveCached(request);
          if (response === undefined) {
            if (next > data.length) {
              this.waitFor = next - offset; // the body is still on its way: no new look until it is all here
              break;
            }
            // Not all cached, or a write: ask the database, then carry on with whatever came after it.
            this.write(out);
            request.body = data.subarray(end + HEAD_END.length, next);
            this.setPending(data.subarray(offset));
            this.skip = next - offset;
            return this.answerLater(request);
          }
          if (response) reply = serialize(response, request.method);
        } catch {
          reply = null; // Node's path answers it, with its own error handling
        }
      }
      if (reply === null) return this.giveToNode(out, data.subarray(offset));
      if (typeof reply === "string") out += reply;
      else {
        this.write(out + reply[0]);
        this.write(reply[1]);
        out = "";
      }
      offset = next;
    }
    if (offset < data.length) {
      // A partial head: its clock starts with the first of its bytes (or now, if those came with answered requests).
      if (offset > 0) this.headStartedAt = this.front.clock;
      this.setPending(data.subarray(offset));
    } else this.setPending(null);
    this.write(out);
    if ((this.front.closing && !this.pendingBytes) || this.clientDone) this.socket.end();
  }

  private answerLater(request: FrontRequest): void {
    this.busy = true;
    this.front.hosting.serve(request).then(
      (response) => {
        this.busy = false;
        if (this.socket.destroyed) return;
        let reply: ReturnType<typeof serialize> | null = null;
        try {
          reply = response && serialize(response, request.method);
        } catch {
          reply = null;
        }
        if (!reply) return this.giveToNode("", this.takePending());
        if (typeof reply === "string") this.write(reply);
        else {
          this.write(reply[0]);
          this.write(reply[1]);
        }
        this.afterAnswer();
      },
      (error: Error) => {
        // serve() words every refusal itself; this is the database failing under it. The request
        // is not retried through Node: a write may not be repeated behind the client's back.
        this.busy = false;
        console.error(`[lattice] hosting failed: ${describeError(error)}`);
        if (this.socket.destroyed) return;
        this.write(serialize(internalError(), request.method) as string);
        this.afterAnswer();
      },
    );
  }

  private afterAnswer(): void {
    // The answered request is the start of the first chunk (answer() joined everything before it).
    const rest = this.chunks[0]!.subarray(this.skip);
    this.pendingBytes -= this.skip;
    this.skip = 0;
    if (rest.length) this.chunks[0] = rest;
    else this.chunks.shift();
    if (this.socket.isPaused() && !this.waitingForDrain) this.socket.resume();
    if (this.pendingBytes) this.answer();
    else if (this.front.closing || this.clientDone) this.socket.end();
  }

  private write(out: string | Buffer): void {
    if (out.length === 0) return;
    this.answered = true;
    const flushed = typeof out === "string" ? this.socket.write(out, "latin1") : this.socket.write(out);
    if (!flushed && !this.waitingForDrain) {
      // The client is not reading its answers: stop reading its requests until it does.
      this.waitingForDrain = true;
      this.socket.pause();
      this.socket.once("drain", () => {
        this.waitingForDrain = false;
        if (!this.busy) this.socket.resume();
      });
    }
  }

  /** From this request on, the connection is Node's: its parser reads `rest` first. */
  private giveToNode(out: string, rest: Buffer): void {
    this.write(out);
    const socket = this.socket;
    socket.removeListener("data", this.onData);
    socket.removeListener("error", this.onError);
    socket.removeListener("end", this.onEnd);
    socket.removeListener("close", this.onClose);
    this.front.connections.delete(this);
    this.setPending(null);
    if (rest.length) socket.unshift(rest);
    this.front.handOff(socket);
    if (socket.isPaused() && !this.waitingForDrain) socket.resume();
  }
}

/** The request headers the hosting service reads; each may be sent at most once. */
interface KeptHeaders {
  host?: string;
  authorization?: string;
  "if-none-match"?: string;
  "if-match"?: string;
}
const KEPT = new Set<string>(["host", "authorization", "if-none-match", "if-match"]);

/** A parsed request: plain fields and prototype methods, so a hot answer allocates little. */
class ParsedRequest implements FrontRequest {
  body: Buffer | null = null;
  constructor(
    readonly method: FrontRequest["method"],
    readonly host: string,
    readonly path: string,
    readonly query: string,
    readonly bodyLength: number,
    private readonly kept: KeptHeaders,
  ) {}

  header(name: string): string | undefined {
    return KEPT.has(name) ? this.kept[name as keyof KeptHeaders] : undefined;
  }

  readBody(limit: number): Promise<Buffer> {
    const body = this.body ?? Buffer.alloc(0);
    return body.length > limit ? Promise.reject(new AppError("PAYLOAD_TOO_LARGE", `Request body is larger than ${limit} bytes.`)) : Promise.resolve(body);
  }
}

/**
 * The request, if its head has the plain shape: `GET|HEAD|PUT|DELETE <origin-form> HTTP/1.1`,
 * token header names, exactly one Host, a body only as one digits-only Content-Length on PUT and
 * DELETE, no connection options. Anything else returns null (Node's turn). Only the headers the
 * hosting service reads are kept; the rest are checked for shape and skipped.
 */
export function parseHead(head: string): FrontRequest | null {
  if (NOT_PLAIN_TEXT.test(head)) return null;
  const lineEnd = head.indexOf("\r\n");
  const line = lineEnd === -1 ? head : head.slice(0, lineEnd);
  if (!lineIsWhole(head, 0, lineEnd)) return null;
  const space = line.indexOf(" ");
  const method = line.slice(0, space);
  if ((method !== "GET" && method !== "HEAD" && method !== "PUT" && method !== "DELETE") || !line.endsWith(" HTTP/1.1")) return null;
  const mayHaveBody = method === "PUT" || method === "DELETE";
  const target = line.slice(space + 1, -9);
  if (!ORIGIN_FORM.test(target)) return null;

  const kept: KeptHeaders = {};
  let contentLength: string | undefined;
  let start = lineEnd === -1 ? head.length : lineEnd + 2;
  while (start < head.length) {
    const stop = head.indexOf("\r\n", start);
    if (!lineIsWhole(head, start, stop)) return null;
    const end = stop === -1 ? head.length : stop;
    const colon = head.indexOf(":", start);
    if (colon === -1 || colon > end) return null;
    const name = head.slice(start, colon);
    if (!TOKEN.test(name)) return null; // also refuses obs-fold and "Name :" spellings
    start = end + 2;
    // Only names of the lengths below can matter; the rest need no lowercasing or value.
    switch (name.length) {
      case 4:
      case 6:
      case 7:
      case 8:
      case 10:
      case 13:
      case 14:
      case 17:
        break;
      default:
        continue;
    }
    const value = head.slice(colon + 1, end).trim();
    const lower = name.toLowerCase();
    if (KEPT.has(lower)) {
      if (kept[lower as keyof KeptHeaders] !== undefined) return null;
      kept[lower as keyof KeptHeaders] = value;
      continue;
    }
    switch (lower) {
      case "connection":
        if (value.toLowerCase() !== "keep-alive") return null;
        break;
      case "content-length":
        // Digits only and said once: anything else is framing for llhttp to judge.
        if (!mayHaveBody || contentLength !== undefined || !DIGITS.test(value)) return null;
        contentLength = value;
        break;
      case "transfer-encoding":
      case "expect":
      case "upgrade":
        return null;
    }
  }
  const host = kept.host;
  if (!host) return null;
  const bodyLength = contentLength === undefined ? 0 : Number(contentLength);
  if (bodyLength > MAX_BODY_BYTES) return null;
  const q = target.indexOf("?");
  return new ParsedRequest(method, host, q === -1 ? target : target.slice(0, q), q === -1 ? "" : target.slice(q + 1), bodyLength, kept);
}

/** The line [start, stop) holds no CR or LF of its own: its only CRLF is the one at `stop`. */
function lineIsWhole(head: string, start: number, stop: number): boolean {
  const cr = head.indexOf("\r", start);
  const lf = head.indexOf("\n", start);
  return stop === -1 ? cr === -1 && lf === -1 : cr === stop && lf === stop + 1;
}

// ---- Answers ----

const headerBlocks = new WeakMap<Record<string, string>, string>();

/** `name: value\r\n` lines, built once per headers object (hot answers share theirs). */
function headerBlock(headers: Record<string, string>): string {
  let block = headerBlocks.get(headers);
  if (block === undefined) {
    block = "";
    for (const [name, value] of Object.entries(headers)) {
      if (!TOKEN.test(name) || BAD_HEADER_TEXT.test(value)) throw new Error(`invalid header ${JSON.stringify(name)}`);
      block += `${name}: ${value}\r\n`;
    }
    headerBlocks.set(headers, block);
  }
  return block;
}

let dateLine = "";
let dateAt = 0;

/** The Date header, rebuilt at most once a second (as Node does). */
function currentDateLine(): string {
  const now = Date.now();
  if (now - dateAt >= 1000) {
    dateAt = now - (now % 1000);
    dateLine = `date: ${new Date(now).toUTCString()}\r\nconnection: keep-alive\r\n`;
  }
  return dateLine;
}

const statusLines = new Map<number, string>();

function statusLine(status: number): string {
  let line = statusLines.get(status);
  if (line === undefined) {
    line = `HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? "Unknown"}\r\n`;
    statusLines.set(status, line);
  }
  return line;
}

/** Bodies up to this size are copied into the one latin1 string written per batch of answers. */
const INLINE_BODY_BYTES = 64 * 1024;

/** One response: a latin1 string of bytes for a single write, or head and a large body. */
export function serialize(response: HostingResponse, method: string): string | [string, Buffer] {
  // A hot file's whole answer is the same bytes for a second at a time (until Date changes).
  const memo = wholeAnswers.get(response.headers);
  const dateNow = currentDateLine();
  if (memo && memo.date === dateNow && memo.body === response.body && memo.status === response.status && memo.method === method) return memo.text;
  const reply = serializeOnce(response, method);
  if (typeof reply === "string" && response.latin1) {
    wholeAnswers.set(response.headers, { date: dateNow, body: response.body as string, status: response.status, method, text: reply });
  }
  return reply;
}

const wholeAnswers = new WeakMap<Record<string, string>, { date: string; body: string; status: number; method: string; text: string }>();

function serializeOnce(response: HostingResponse, method: string): string | [string, Buffer] {
  const noBody = response.status === 204 || response.status === 304;
  let body = "";
  let large: Buffer | null = null;
  const raw = noBody ? null : response.body;
  if (raw !== null) {
    if (typeof raw !== "string") {
      if (raw.length > INLINE_BODY_BYTES) large = raw;
      else body = raw.toString("latin1");
    } else if (response.latin1) body = raw;
    else body = Buffer.byteLength(raw) === raw.length ? raw : Buffer.from(raw).toString("latin1");
  }
  let head = statusLine(response.status) + headerBlock(response.headers) + currentDateLine();
  // A HEAD answer without a body says nothing about the length rather than something wrong.
  if (response.headers["content-length"] === undefined && !noBody && (raw !== null || method !== "HEAD")) {
    head += `content-length: ${large ? large.length : body.length}\r\n`;
  }
  if (method === "HEAD") return `${head}\r\n`;
  return large ? [`${head}\r\n`, large] : `${head}\r\n${body}`;
}
