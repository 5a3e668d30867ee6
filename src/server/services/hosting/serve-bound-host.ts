import { AppError, describeError, isAppError } from "../../errors.ts";
import { bearerFrom } from "../../auth/principal.ts";
import { canonicalIpv6, normalizeHostHeader } from "../bindings/host.ts";
import type { HostBindingTarget } from "../bindings/bindings.ts";
import { deleteKvEntry, kvEtag, listKvKeys, putKvEntry } from "../kv/entries.ts";
import { KvWriteBatcher } from "../kv/write-batch.ts";
import { kvKeySchema, listKeysInput, MAX_KV_VALUE_BYTES } from "../kv/schemas.ts";
import { jsonWithValueText, readKvPutBody } from "../kv/value-text.ts";
import { authorizeGrant, grantIsLive, INVALID_STORAGE_TOKEN, touchStorageToken } from "../storage-tokens/storage-tokens.ts";
import type { Database } from "../../db.ts";
import { formatZodError } from "../../http/zod-message.ts";
import { decodeRequestPath } from "./request-path.ts";
import { STATIC_CACHE_CONTROL, StorageCache, type ServedFile } from "./storage-cache.ts";

export interface HostingRequest {
  method: string;
  /** The Host header as received. */
  host: string | null | undefined;
  /** The raw, undecoded path (no query). */
  path: string;
  /** The raw query string, without "?". */
  query: string;
  header(name: string): string | null | undefined;
  /** Reads the body, refusing more than `limit` bytes with 413. */
  readBody(limit: number): Promise<Buffer>;
}

export interface HostingResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer | string | null;
  /** Set when `body` is a string of bytes (latin1), not text to encode as UTF-8. */
  latin1?: boolean;
}

const TEXT = "text/plain; charset=utf-8";

// Every answer with a body says its length, so neither entry falls back to chunked framing.
function text(status: number, message: string, extra: Record<string, string> = {}): HostingResponse {
  const body = message + "\n";
  return { status, headers: { "content-type": TEXT, "cache-control": "no-store", "content-length": String(Buffer.byteLength(body)), ...extra }, body };
}

/** The answer when the database fails under a bound-host request (both entries send this one). */
export function internalError(): HostingResponse {
  return text(500, "Internal server error");
}

function json(status: number, value: unknown, extra: Record<string, string> = {}): HostingResponse {
  const body = JSON.stringify(value);
  return { status, headers: { "content-type": "application/json", "cache-control": "no-store", "content-length": String(Buffer.byteLength(body)), ...extra }, body };
}

function jsonError(error: AppError, extra: Record<string, string> = {}): HostingResponse {
  return json(error.status, { error: { code: error.code, message: error.message } }, extra);
}

/**
 * Bound-host serving, shared by the `npm start` front (src/server/main.ts) and src/proxy.ts.
 * Returns null when the host is not bound: the request belongs to the dashboard and API.
 */
export class HostingService {
  readonly cache: StorageCache;

  private readonly kvWrites: KvWriteBatcher;

  constructor(private readonly database: Database) {
    this.cache = new StorageCache(database);
    // Two statements at a time measured best here (1: the server waits on each commit; 4: smaller
    // batches, more Postgres work per write); PGlite has one connection.
    this.kvWrites = new KvWriteBatcher(database.sql, database.kind === "pglite" ? 1 : 2);
  }

  start(): Promise<void> {
    return this.cache.start();
  }

  stop(): Promise<void> {
    return this.cache.stop();
  }

  /** True when the request can skip serve() altogether (sync, no allocation). */
  isKnownUnbound(hostHeader: string | null | undefined): boolean {
    return this.cache.knownUnbound(normalizeHostHeader(hostHeader));
  }

  async resolve(hostHeader: string | null | undefined): Promise<HostBindingTarget | undefined> {
    const host = normalizeHostHeader(hostHeader);
    if (!host) return undefined;
    const found = await this.cache.binding(host);
    if (found) return found;
    const ipv6 = canonicalIpv6(host);
    return ipv6 && ipv6 !== host ? this.cache.binding(ipv6) : undefined;
  }

  /**
   * The hot path, with no promise at all: a GET/HEAD whose every piece (binding, deploy, file; or
   * token grant and KV entry) is already cached. Returns null for an unbound host, undefined when
   * anything is not cached or the request is not that simple: then call serve().
   */
  serveCached(request: Omit<HostingRequest, "readBody">): HostingResponse | null | undefined {
    const method = request.method;
    if (method !== "GET" && method !== "HEAD") return undefined;
    const binding = this.cache.peekBinding(normalizeHostHeader(request.host));
    if (binding === null) return null;
    if (binding === undefined || !binding.enabled) return undefined;
    let path: string;
    try {
      path = decodeRequestPath(request.path);
    } catch {
      return undefined;
    }
    if (binding.surface === "static") {
      const deployId = this.cache.peekDeploy(binding.bucketId);
      if (!deployId) return undefined;
      const file = this.cache.peekFile(deployId, path === "" || path.endsWith("/") ? `${path}index.html` : path);
      if (!file?.body) return undefined;
      if (etagMatches(request.header("if-none-match"), file.etag)) {
        return { status: 304, headers: { etag: file.etag, "cache-control": file.headers["cache-control"]! }, body: null };
      }
      if (method === "HEAD") return { status: 200, headers: file.headers, body: null };
      return file.latin1 !== null ? { status: 200, headers: file.headers, body: file.latin1, latin1: true } : { status: 200, headers: file.headers, body: file.body };
    }
    if (path === "" || request.query !== "") return undefined;
    const secret = bearerFrom(request.header("authorization"));
    const grant = secret ? this.cache.peekGrant(secret) : undefined;
    if (!grant || !grantIsLive(grant) || grant.surface !== "kv" || (!grant.buckets.includes("*") && !grant.buckets.includes(binding.bucket))) {
      return undefined; // every refusal takes the full path, which words it
    }
    const entry = this.cache.peekKv(binding.bucketId, path);
    if (!entry || (entry.expiresAt && entry.expiresAt.getTime() <= Date.now())) return undefined;
    touchStorageToken(this.database.prisma, grant.id);
    let ready = kvResponses.get(entry);
    if (!ready) {
      // An entry object is replaced on every write (NOTIFY), so its encoded answer can be kept with it.
      const json = kvReadBody(path, entry.valueText, entry.updatedAt);
      // Kept as its UTF-8 bytes in a latin1 string: both entries then write it without encoding it again.
      ready = { headers: kvReadHeaders(entry.version, json), body: Buffer.from(json).toString("latin1") };
      kvResponses.set(entry, ready);
    }
    return { status: 200, headers: ready.headers, body: method === "HEAD" ? null : ready.body, latin1: true };
  }

  async serve(request: HostingRequest): Promise<HostingResponse | null> {
    const binding = await this.resolve(request.host);
    if (!binding) return null;
    // Bound but disabled: 404, never the dashboard and never another bucket.
    if (!binding.enabled) return text(404, "Not found");
    let path: string;
    try {
      path = decodeRequestPath(request.path);
    } catch {
      return binding.surface === "kv" ? jsonError(new AppError("BAD_REQUEST", "Bad request path.")) : text(400, "Bad request");
    }
    try {
      return binding.surface === "static" ? await this.serveStatic(binding, path, request) : await this.serveKv(binding, path, request);
    } catch (error) {
      if (isAppError(error)) return binding.surface === "kv" ? jsonError(error) : text(error.status, error.message);
      console.error(`[lattice] hosting ${binding.host}: ${describeError(error)}`);
      return internalError();
    }
  }

  private async serveStatic(binding: HostBindingTarget, path: string, request: HostingRequest): Promise<HostingResponse> {
    if (request.method !== "GET" && request.method !== "HEAD") return text(405, "Method not allowed", { allow: "GET, HEAD" });
    const deployId = await this.cache.currentDeploy(binding.bucketId);
    if (!deployId) return text(404, "Not found");
    const key = path === "" || path.endsWith("/") ? `${path}index.html` : path;
    const file = await this.cache.file(deployId, key);
    if (file) return this.sendFile(file, 200, request);
    // `/docs` serves `docs/index.html` (no redirect: Next's router under plain `next start` strips
    // the trailing slash with a 308 first, and a redirect back would loop).
    if (path !== "" && !path.endsWith("/")) {
      const index = await this.cache.file(deployId, `${path}/index.html`);
      if (index) return this.sendFile(index, 200, request);
    }
    const notFound = await this.cache.file(deployId, "404.html");
    if (notFound) return this.sendFile(notFound, 404, request, true);
    return text(404, "Not found");
  }

  private async sendFile(file: ServedFile, status: number, request: HostingRequest, noConditional = false): Promise<HostingResponse> {
    if (!noConditional && etagMatches(request.header("if-none-match"), file.etag)) {
      return { status: 304, headers: { etag: file.etag, "cache-control": file.headers["cache-control"]! }, body: null };
    }
    if (request.method === "HEAD") return { status, headers: file.headers, body: null };
    return { status, headers: file.headers, body: file.body ?? (await this.cache.fileBody(file.sha256)) };
  }

  private async serveKv(binding: HostBindingTarget, key: string, request: HostingRequest): Promise<HostingResponse> {
    const method = request.method;
    const level = method === "GET" || method === "HEAD" ? "read" : method === "PUT" || method === "DELETE" ? "write" : null;
    if (!level) return jsonError(new AppError("METHOD_NOT_ALLOWED", "Use GET, HEAD, PUT or DELETE."), { allow: "GET, HEAD, PUT, DELETE" });
    const secret = bearerFrom(request.header("authorization"));
    const grant = secret ? await this.cache.grant(secret) : null;
    if (!grantIsLive(grant)) return jsonError(new AppError("UNAUTHORIZED", INVALID_STORAGE_TOKEN), { "www-authenticate": 'Bearer realm="lattice-kv"' });
    authorizeGrant(grant, "kv", binding.bucket, level);
    touchStorageToken(this.database.prisma, grant.id);

    if (key === "") {
      if (level !== "read") return jsonError(new AppError("METHOD_NOT_ALLOWED", "Name a key: PUT /<key>."), { allow: "GET, HEAD" });
      const query = Object.fromEntries(new URLSearchParams(request.query));
      const parsed = listKeysInput.safeParse({ ...query, bucket: binding.bucket });
      if (!parsed.success) throw new AppError("BAD_REQUEST", formatZodError(parsed.error));
      const page = await listKvKeys(this.database.prisma, binding.bucketId, parsed.data);
      return json(200, { keys: page.keys.map((k) => ({ key: k.key, updatedAt: k.updatedAt })), cursor: page.cursor });
    }
    const validKey = kvKeySchema.safeParse(key);
    if (!validKey.success) throw new AppError("BAD_REQUEST", formatZodError(validKey.error));

    if (level === "read") {
      const entry = await this.cache.kvEntry(binding.bucketId, key);
      if (!entry) throw new AppError("NOT_FOUND", `No key "${key}".`);
      const body = kvReadBody(key, entry.valueText, entry.updatedAt);
      return { status: 200, headers: kvReadHeaders(entry.version, body), body: method === "HEAD" ? null : body };
    }
    if (method === "DELETE") {
      await deleteKvEntry(this.database.prisma, binding.bucketId, binding.bucket, key);
      return { status: 204, headers: { "cache-control": "no-store" }, body: null };
    }
    const body = readKvPutBody(await request.readBody(MAX_KV_VALUE_BYTES + 1024));
    const ifNoneMatch = request.header("if-none-match")?.trim();
    if (ifNoneMatch && ifNoneMatch !== "*") throw new AppError("BAD_REQUEST", "On PUT, If-None-Match may only be *.");
    const written = await putKvEntry(this.database.prisma, binding.bucketId, key, body.valueText, {
      sql: this.database.sql,
      batcher: this.kvWrites,
      expiresIn: body.expiresIn,
      ifMatch: request.header("if-match") ?? undefined,
      ifNoneMatch: ifNoneMatch === "*" ? "*" : undefined,
    });
    const answer = kvReadBody(key, written.valueText, written.updatedAt);
    return {
      status: written.created ? 201 : 200,
      headers: { ...kvReadHeaders(written.version, answer) },
      body: answer,
    };
  }
}

/** `{"key","value","updatedAt"}` with the value's exact text (the seed's shape). */
function kvReadBody(key: string, valueText: string, updatedAt: Date): string {
  return jsonWithValueText({ key }, valueText, { updatedAt });
}

function kvReadHeaders(version: number, body: string): Record<string, string> {
  return { "content-type": "application/json", "cache-control": "no-store", etag: kvEtag(version), "content-length": String(Buffer.byteLength(body)) };
}

const kvResponses = new WeakMap<object, { headers: Record<string, string>; body: string }>();

function etagMatches(header: string | null | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === "*") return true;
  return header.split(",").some((candidate) => candidate.trim().replace(/^W\//, "") === etag);
}

// One service per process, shared by both entries (they are bundled separately, hence globalThis).
const holder = globalThis as unknown as { __latticeHosting?: { database: Database; service: HostingService; started: Promise<void> } };

/** The process's hosting service for this database, started (LISTEN) on first use. */
export function hostingService(database: Database): Promise<HostingService> {
  if (!holder.__latticeHosting || holder.__latticeHosting.database !== database) {
    const service = new HostingService(database);
    holder.__latticeHosting = { database, service, started: service.start() };
  }
  const { service, started } = holder.__latticeHosting;
  return started.then(() => service);
}
