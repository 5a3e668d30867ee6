import fs from "node:fs/promises";
import { listConnections } from "../home/connections.ts";
import { readToken } from "../home/keys.ts";
import { TeamsClient } from "../teams/client.ts";
import { LatticeClientError } from "../teams/errors.ts";
import { normalizeCloudUrl } from "../teams/cloud-url.ts";
import { createLatticeTrpcClient, toLatticeClientError, type LatticeTrpcClient } from "../teams/trpc-client.ts";
import { collectDeployFiles, type CollectOptions, type DeployFile } from "./deploy-files.ts";
import { encodePathSegments, storageRequest, type StorageHttpOptions, type StorageRequestBody } from "./storage-http.ts";

export type StorageSurface = "kv" | "static";
export type StorageAccess = "read" | "write" | "admin";

// The server's answers, spelled out instead of inferred from its router so that the published
// .d.ts holds no server types. Each method returns the router's own answer, so `tsc` (typecheck and
// the declaration build) refuses a server change that no longer fits these.
export interface Bucket {
  id: string;
  surface: StorageSurface;
  name: string;
  createdAt: Date;
  /** How many host bindings point at it. */
  bindings: number;
  currentDeployId: string | null;
}

export interface DeletedBucket {
  name: string;
  surface: string;
  deleted: boolean;
  /** Hosts whose bindings went with it. */
  unbound: string[];
}

export interface KvEntry {
  key: string;
  valueText: string;
  value: unknown;
  version: number;
  etag: string;
  updatedAt: Date;
  expiresAt: Date | null;
}

export interface KvWritten extends KvEntry {
  created: boolean;
}

export interface KvKey {
  key: string;
  updatedAt: Date;
  version: number;
  expiresAt: Date | null;
}

export interface StaticFile {
  path: string;
  sha256: string;
  size: number;
  contentType: string;
}

export interface Rollback {
  bucket: string;
  currentDeployId: string | null;
  previousDeployId: string | null;
}

export interface HostBinding {
  id: string;
  host: string;
  surface: StorageSurface;
  bucket: string;
  enabled: boolean;
  createdAt: Date;
}

export interface StorageToken {
  id: string;
  label: string;
  surface: StorageSurface;
  access: StorageAccess;
  buckets: string[];
  prefix: string;
  createdBy: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
  status: "active" | "expired" | "revoked";
}

export interface CreatedStorageToken extends StorageToken {
  /** The `lst_…` secret: shown once. */
  token: string;
}

interface KvPage {
  keys: KvKey[];
  cursor: string | null;
}

interface StaticPage {
  files: StaticFile[];
  cursor: string | null;
  deployId: string | null;
}

export interface KvPutOptions {
  /** Compare-and-swap: write only if the entry still has this ETag (from get or a previous put). */
  ifMatch?: string;
  /** Create only: refused (412) when the key exists. */
  ifAbsent?: boolean;
  /** Seconds until the entry expires. */
  ttl?: number;
}

export interface DeployProgress {
  /** After the server said which blobs it lacks: what is about to be uploaded. */
  start?(upload: { files: number; bytes: number }): void;
  /** One blob uploaded. */
  uploaded?(file: { path: string; size: number }): void;
  /** Uploads finished (or failed); the deploy is being switched. */
  stop?(): void;
}

export interface DeployOptions extends CollectOptions {
  progress?: DeployProgress;
  /** Parallel uploads (default 4). */
  concurrency?: number;
}

export interface DeployResult {
  bucket: string;
  /** With `unchanged`, the deploy that was already current. */
  deployId: string;
  /** The files were exactly what the bucket serves: no new deploy, rollback still reaches the one before. */
  unchanged: boolean;
  fileCount: number;
  totalBytes: number;
  /** Files whose content the server did not have, and so were uploaded. */
  uploadedFiles: number;
  uploadedBytes: number;
  previousDeployId: string | null;
}

export interface StorageClientOptions {
  home?: string;
  /** Saved team (label or name) for operator mode. */
  team?: string;
  /** Server URL; with a storage token, required unless a saved login names the server. */
  server?: string;
  /** Default: process.env. LATTICE_STORAGE_TOKEN there switches to storage-token mode. */
  env?: Record<string, string | undefined>;
}

const STORAGE_TOKEN_PREFIX = "lst_";

/**
 * The storage API (KV and static buckets, host bindings, storage tokens) for one Lattice server.
 * Two modes: an operator (`lat_` token saved at register or join) over tRPC, or a storage token
 * (`lst_…`, for CI) over the plain JSON routes, which may only touch bucket contents.
 */
export class StorageClient {
  readonly cloud: string;
  readonly mode: "operator" | "storage-token";
  private readonly http: StorageHttpOptions;
  private readonly trpcClient: LatticeTrpcClient | null;
  private readonly teamName: string | undefined;

  private constructor(options: { cloud: string; token: string; trpc: LatticeTrpcClient | null; teamName?: string }) {
    this.cloud = options.cloud;
    this.mode = options.trpc ? "operator" : "storage-token";
    this.trpcClient = options.trpc;
    this.teamName = options.teamName;
    this.http = { cloud: options.cloud, token: options.token, teamName: options.teamName, operator: options.trpc !== null };
  }

  /** Operator mode with the saved connection for `team` (or the only one). */
  static fromSaved(team?: string, options: { home?: string } = {}): StorageClient {
    // fromSaved finds the connection and refuses a missing token file, in the words teams commands use.
    const { cloud, connection } = TeamsClient.fromSaved(team, options);
    const token = readToken(connection!.label, options.home)!;
    return new StorageClient({ cloud, token, trpc: createLatticeTrpcClient(cloud, token), teamName: connection!.teamName });
  }

  /** Storage-token mode: `token` is an `lst_…` secret from `lattice tokens create`. */
  static withStorageToken(server: string, token: string): StorageClient {
    if (!token.startsWith(STORAGE_TOKEN_PREFIX)) {
      throw new LatticeClientError("TOKEN_REJECTED", "not a storage token (lst_…): create one with lattice tokens create");
    }
    return new StorageClient({ cloud: normalizeCloudUrl(server), token, trpc: null });
  }

  /**
   * What a data command (kv get/put/delete/list, static deploy/ls/rollback) runs as: the storage
   * token in LATTICE_STORAGE_TOKEN when set, else the saved login (for `server`, when given).
   */
  static resolve(options: StorageClientOptions = {}): StorageClient {
    const env = options.env ?? process.env;
    const token = env.LATTICE_STORAGE_TOKEN?.trim();
    const server = options.server === undefined ? undefined : normalizeCloudUrl(options.server);
    if (token) {
      if (!token.startsWith(STORAGE_TOKEN_PREFIX)) {
        throw new LatticeClientError("TOKEN_REJECTED", "LATTICE_STORAGE_TOKEN must be a storage token (lst_…) from lattice tokens create");
      }
      if (server) return StorageClient.withStorageToken(server, token);
      const saved = listConnections(options.home);
      if (saved.length === 0 && options.team === undefined) {
        throw new LatticeClientError("NO_CONNECTION", "LATTICE_STORAGE_TOKEN is set but no server is known: pass --server <url>");
      }
      return StorageClient.withStorageToken(TeamsClient.fromSaved(options.team, options).cloud, token);
    }
    if (server) {
      const saved = listConnections(options.home).filter((c) => c.cloud === server);
      if (saved.length === 0) {
        throw new LatticeClientError(
          "NO_CONNECTION",
          `no saved login for ${server}: set LATTICE_STORAGE_TOKEN to a storage token (lattice tokens create), or run lattice teams join`,
        );
      }
      const client = StorageClient.fromSaved(options.team ?? (saved.length === 1 ? saved[0]!.label : undefined), options);
      if (client.cloud !== server) throw new LatticeClientError("NO_CONNECTION", `team "${options.team}" is saved for ${client.cloud}, not ${server}`);
      return client;
    }
    return StorageClient.fromSaved(options.team, options);
  }

  private get trpc(): LatticeTrpcClient {
    if (!this.trpcClient) {
      throw new LatticeClientError("NO_CONNECTION", "this needs a saved login (lattice teams register or join): a storage token only reads and writes bucket contents");
    }
    return this.trpcClient;
  }

  private async call<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      throw toLatticeClientError(error, { cloud: this.cloud, teamName: this.teamName });
    }
  }

  private json<T>(method: string, path: string, body?: StorageRequestBody, headers?: Record<string, string>): Promise<T> {
    return storageRequest<T>(this.http, method, path, body, headers);
  }

  // Buckets (operator only).

  createBucket(surface: StorageSurface, name: string): Promise<Bucket> {
    return this.call(() => this.trpc[surface].buckets.create.mutate({ name }));
  }

  listBuckets(surface: StorageSurface): Promise<Bucket[]> {
    return this.call(() => this.trpc[surface].buckets.list.query());
  }

  /** A bucket that hosts are bound to is refused unless `force`, which removes those bindings too. */
  deleteBucket(surface: StorageSurface, name: string, options: { force?: boolean } = {}): Promise<DeletedBucket> {
    return this.call(() => this.trpc[surface].buckets.delete.mutate({ name, ...(options.force ? { force: true } : {}) }));
  }

  // KV contents.

  private kvPath(bucket: string, key?: string): string {
    const base = `/api/v1/kv/buckets/${encodeURIComponent(bucket)}/keys`;
    return key === undefined ? base : `${base}/${encodePathSegments(key, "key")}`;
  }

  kvGet(bucket: string, key: string): Promise<KvEntry> {
    if (this.trpcClient) return this.call(() => this.trpc.kv.get.query({ bucket, key }));
    return this.json("GET", this.kvPath(bucket, key));
  }

  /** Stores `value` as JSON (JSON.stringify); for exact text (numbers beyond 2^53, key order as typed) use kvPutText. */
  kvPut(bucket: string, key: string, value: unknown, options: KvPutOptions = {}): Promise<KvWritten> {
    const text = JSON.stringify(value);
    if (text === undefined) throw new LatticeClientError("SERVER", "a KV value must be JSON (not undefined, a function or a symbol)");
    return this.kvPutText(bucket, key, text, options);
  }

  /** Stores `text`, one JSON value, exactly as written: `get` returns the same text as `valueText`. */
  kvPutText(bucket: string, key: string, text: string, options: KvPutOptions = {}): Promise<KvWritten> {
    if (this.trpcClient) {
      const input = {
        bucket,
        key,
        valueText: text,
        ...(options.ttl !== undefined ? { expiresIn: options.ttl } : {}),
        ...(options.ifMatch !== undefined ? { ifMatch: options.ifMatch } : {}),
        ...(options.ifAbsent ? { ifNoneMatch: "*" as const } : {}),
      };
      return this.call(() => this.trpc.kv.put.mutate(input));
    }
    // Spliced into the body as it is, so it must be exactly one JSON value (the server refuses duplicate keys too).
    try {
      JSON.parse(text);
    } catch (error) {
      throw new LatticeClientError("SERVER", `the value is not valid JSON: ${(error as Error).message}`);
    }
    const headers: Record<string, string> = {};
    if (options.ifMatch !== undefined) headers["if-match"] = options.ifMatch;
    if (options.ifAbsent) headers["if-none-match"] = "*";
    const body = `{"value":${text.trim()}${options.ttl !== undefined ? `,"expiresIn":${JSON.stringify(options.ttl)}` : ""}}`;
    return this.json("PUT", this.kvPath(bucket, key), { jsonText: body }, headers);
  }

  kvDelete(bucket: string, key: string): Promise<{ key: string; deleted: boolean }> {
    if (this.trpcClient) return this.call(() => this.trpc.kv.delete.mutate({ bucket, key }));
    return this.json("DELETE", this.kvPath(bucket, key));
  }

  /** Every live key (all pages), in byte order. */
  async kvList(bucket: string, options: { prefix?: string } = {}): Promise<KvKey[]> {
    const keys: KvKey[] = [];
    let cursor: string | undefined;
    do {
      const input = { bucket, limit: 1000, ...(options.prefix ? { prefix: options.prefix } : {}), ...(cursor ? { cursor } : {}) };
      let page: KvPage;
      if (this.trpcClient) page = await this.call(() => this.trpc.kv.list.query(input));
      else {
        const { bucket: _bucket, ...query } = input;
        page = await this.json("GET", `${this.kvPath(bucket)}?${new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)]))}`);
      }
      keys.push(...page.keys);
      cursor = page.cursor ?? undefined;
    } while (cursor);
    return keys;
  }

  // Static contents.

  private staticPath(bucket: string, rest: string): string {
    return `/api/v1/static/buckets/${encodeURIComponent(bucket)}${rest}`;
  }

  /** The files of the bucket's current deploy (all pages); `deployId` is null before the first deploy. */
  async staticFiles(bucket: string, options: { prefix?: string } = {}): Promise<{ deployId: string | null; files: StaticFile[] }> {
    const files: StaticFile[] = [];
    let cursor: string | undefined;
    let deployId: string | null = null;
    do {
      const query = { limit: 1000, ...(options.prefix ? { prefix: options.prefix } : {}), ...(cursor ? { cursor } : {}) };
      let page: StaticPage;
      if (this.trpcClient) page = await this.call(() => this.trpc.static.list.query({ bucket, ...query }));
      else page = await this.json("GET", this.staticPath(bucket, `/files?${new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)]))}`));
      files.push(...page.files);
      deployId = page.deployId;
      cursor = page.cursor ?? undefined;
    } while (cursor);
    return { deployId, files };
  }

  /** Swaps the current and previous deploys: a second rollback undoes the first. */
  rollback(bucket: string): Promise<Rollback> {
    if (this.trpcClient) return this.call(() => this.trpc.static.rollback.mutate({ bucket }));
    return this.json("POST", this.staticPath(bucket, "/rollback"));
  }

  /** Walks `dir` and deploys it to `bucket` (see deployFiles). */
  async deploy(bucket: string, dir: string, options: DeployOptions = {}): Promise<DeployResult> {
    const files = await collectDeployFiles(dir, options);
    return this.deployFiles(bucket, files, options);
  }

  /**
   * The three-step deploy: ask which blobs the server lacks, upload only those (content-addressed,
   * so a retry after a failure re-sends nothing twice), then switch the bucket to the new file set
   * in one transaction. Visitors see the old site or the new one, never a mix.
   */
  async deployFiles(bucket: string, files: readonly DeployFile[], options: Pick<DeployOptions, "progress" | "concurrency"> = {}): Promise<DeployResult> {
    const listed = files.map((f) => ({ path: f.path, sha256: f.sha256, size: f.size }));
    const { missing } = await this.json<{ missing: string[] }>("POST", this.staticPath(bucket, "/deploys/check"), { json: { files: listed } });
    const lacking = new Set(missing);
    const toUpload: DeployFile[] = [];
    for (const file of files) {
      if (lacking.delete(file.sha256)) toUpload.push(file);
    }
    const uploadedBytes = toUpload.reduce((sum, f) => sum + f.size, 0);
    const { progress } = options;
    progress?.start?.({ files: toUpload.length, bytes: uploadedBytes });
    try {
      let next = 0;
      const worker = async () => {
        while (next < toUpload.length) {
          const file = toUpload[next++]!;
          const bytes = await fs.readFile(file.absolutePath);
          await this.json("PUT", this.staticPath(bucket, `/blobs/${file.sha256}`), { bytes });
          progress?.uploaded?.({ path: file.path, size: file.size });
        }
      };
      await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 4, toUpload.length) }, worker));
    } finally {
      progress?.stop?.();
    }
    const deploy = await this.json<{ id: string; fileCount: number; totalBytes: number; previousDeployId: string | null; unchanged: boolean }>(
      "POST",
      this.staticPath(bucket, "/deploys"),
      { json: { files: listed } },
    );
    return {
      bucket,
      deployId: deploy.id,
      unchanged: deploy.unchanged,
      fileCount: deploy.fileCount,
      totalBytes: deploy.totalBytes,
      uploadedFiles: toUpload.length,
      uploadedBytes,
      previousDeployId: deploy.previousDeployId,
    };
  }

  // Host bindings (operator only).

  addBinding(options: { host: string; surface: StorageSurface; bucket: string }): Promise<HostBinding> {
    return this.call(() => this.trpc.bindings.create.mutate(options));
  }

  listBindings(options: { surface?: StorageSurface } = {}): Promise<HostBinding[]> {
    return this.call(() => this.trpc.bindings.list.query(options.surface ? { surface: options.surface } : undefined));
  }

  /** The binding for `host` (as typed: case, a port and a trailing dot do not matter). */
  async findBinding(host: string, options: { surface?: StorageSurface } = {}): Promise<HostBinding> {
    const wanted = canonicalHost(host);
    const found = (await this.listBindings(options)).find((b) => b.host === wanted);
    if (!found) throw new LatticeClientError("SERVER", `No host binding for ${wanted}${options.surface ? ` on the ${options.surface} surface` : ""}.`, { httpStatus: 404 });
    return found;
  }

  setBindingEnabled(id: string, enabled: boolean): Promise<HostBinding> {
    return this.call(() => this.trpc.bindings.setEnabled.mutate({ id, enabled }));
  }

  removeBinding(id: string): Promise<HostBinding & { deleted: boolean }> {
    return this.call(() => this.trpc.bindings.delete.mutate({ id }));
  }

  // Storage tokens (operator only).

  /** Mints an `lst_` token; its secret is in the result once and never again. */
  createToken(options: { surface: StorageSurface; access: StorageAccess; buckets: string[]; label?: string; expiresIn?: number }): Promise<CreatedStorageToken> {
    return this.call(() => this.trpc.storageTokens.create.mutate(options));
  }

  /** Active tokens of the surfaces you administer; `all` adds revoked and expired ones. */
  listTokens(options: { surface?: StorageSurface; all?: boolean } = {}): Promise<StorageToken[]> {
    const input = { ...(options.surface ? { surface: options.surface } : {}), ...(options.all ? { all: true } : {}) };
    return this.call(() => this.trpc.storageTokens.list.query(Object.keys(input).length ? input : undefined));
  }

  /** Revokes by id or by the prefix `tokens list` shows (`lst_AbCdEf`). */
  async revokeToken(idOrPrefix: string): Promise<StorageToken> {
    const wanted = idOrPrefix.trim();
    const matches = (await this.listTokens({ all: true })).filter((t) => t.id === wanted || t.prefix === wanted);
    if (matches.length === 0) throw new LatticeClientError("SERVER", `No storage token with id or prefix ${wanted}.`, { httpStatus: 404 });
    if (matches.length > 1) throw new LatticeClientError("SERVER", `Several storage tokens start with ${wanted}: revoke by id (see lattice tokens list --json).`);
    return this.call(() => this.trpc.storageTokens.revoke.mutate({ id: matches[0]!.id }));
  }
}

/** A host as the server stores bindings: lower case, no port, no trailing dot, IPv6 without brackets. */
export function canonicalHost(host: string): string {
  let h = host.trim().toLowerCase();
  if (h.startsWith("[")) h = h.slice(1, h.indexOf("]") > 0 ? h.indexOf("]") : undefined);
  else if (h.split(":").length === 2) h = h.slice(0, h.indexOf(":"));
  return h.endsWith(".") ? h.slice(0, -1) : h;
}
