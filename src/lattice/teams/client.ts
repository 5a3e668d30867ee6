import path from "node:path";
import { latticePaths } from "../home/paths.ts";
import { readIdentity, writeIdentity, type Identity } from "../home/identity.ts";
import { readToken, removeToken, writeToken } from "../home/keys.ts";
import { chooseLabel, listConnections, removeConnection, saveConnection, teamLabel, type SavedConnection } from "../home/connections.ts";
import { LatticeClientError } from "./errors.ts";
import { probeCloud, type CloudProbe } from "./probe-cloud.ts";
import { normalizeCloudUrl } from "./cloud-url.ts";
import { createLatticeTrpcClient, toLatticeClientError, type LatticeTrpcClient } from "./trpc-client.ts";
import type { CurrentRow, PullPage, PushEntry, PushResult, SharedTable, ShareResult } from "../sync/types.ts";
import type { ColumnSpec } from "../config/config.ts";
import { noAnswerError, requestTimeoutMs, timeoutSignal } from "./request-timeout.ts";
import { notLatticeError, tokenRejectedError, unreachableError } from "./errors.ts";

// The server's answers, spelled out instead of inferred from its router so that the published
// .d.ts holds no server types. Each method returns the router's own answer, so `tsc` (typecheck and
// the declaration build) refuses a server change that no longer fits these.
export interface TeamMember {
  userId: string;
  email: string;
  displayName: string;
  role: string;
  joinedAt: Date;
  lastSeenAt: Date | null;
}

export interface Invitation {
  id: string;
  inviteeEmail: string;
  role: string;
  prefix: string;
  createdAt: Date;
  expiresAt: Date;
  invitedBy: string | null;
  status: "pending" | "redeemed" | "expired" | "revoked";
}

export interface CreatedInvitation {
  id: string;
  inviteeEmail: string;
  role: string;
  expiresAt: Date;
  /** The `latinv_…` secret: shown once. */
  token: string;
  teamName: string;
}

export type MemberRole = "owner" | "admin" | "member";

export interface ApiToken {
  id: string;
  label: string;
  prefix: string;
  scopes: string[];
  owner: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
  status: "active" | "expired" | "revoked";
}

export interface CreatedApiToken extends ApiToken {
  /** The `lat_…` secret: shown once. */
  token: string;
}

export interface WhoAmI {
  user: { id: string; email: string; displayName: string; scopes: string[] };
  team: { id: string; name: string; createdAt: Date } | null;
  role: string | null;
}

export interface RegisterTeamOptions {
  cloud: string;
  email: string;
  name: string;
  teamName: string;
  password?: string;
  /** LATTICE_HOME to save into (default: the environment's). */
  home?: string;
}

export interface Registration {
  cloud: string;
  label: string;
  user: { id: string; email: string; displayName: string };
  team: { id: string; name: string };
  /** The bootstrap bearer token: the server shows it once and keeps only its hash. */
  token: string;
  tokenPrefix: string;
  tokenFile: string;
}

export interface JoinTeamOptions {
  cloud: string;
  /** The `latinv_…` invitation token. */
  token: string;
  /** Default: identity.json's. Must be the address the invitation is bound to. */
  email?: string;
  /** Default: identity.json's display name. */
  name?: string;
  password?: string;
  home?: string;
}

export interface Joined {
  cloud: string;
  label: string;
  user: { id: string; email: string; displayName: string };
  team: { id: string; name: string };
  role: string;
  tokenFile: string;
  /** True when identity.json did not exist and was created from this join. */
  identitySaved: boolean;
}

/** Registration succeeded on the server but the token could not be saved locally: it must still be shown. */
export class LocalSaveError extends LatticeClientError {
  readonly registration: Omit<Registration, "label" | "tokenFile">;
  constructor(registration: Omit<Registration, "label" | "tokenFile">, cause: unknown) {
    super("LOCAL_SAVE_FAILED", `registered, but saving the token locally failed: ${(cause as Error)?.message ?? cause} — keep the token printed above`, { cause });
    this.registration = registration;
  }
}

/** Joined on the server, but the new API token could not be saved: it exists only in `token` now. */
export class JoinSaveError extends LatticeClientError {
  readonly token: string;
  readonly team: { id: string; name: string };
  constructor(joined: { token: string; team: { id: string; name: string } }, cause: unknown) {
    super("LOCAL_SAVE_FAILED", `joined "${joined.team.name}", but saving the token locally failed: ${(cause as Error)?.message ?? cause} — keep the token printed above`, { cause });
    this.token = joined.token;
    this.team = joined.team;
  }
}

export interface TeamStatus {
  cloud: string;
  label: string | null;
  server: CloudProbe;
  /** "unchecked" when the server could not be asked. */
  token: "valid" | "rejected" | "unchecked";
  user: { id: string; email: string; displayName: string; scopes: string[] } | null;
  team: { id: string; name: string } | null;
  role: string | null;
  memberCount: number | null;
  /** Pending invitations; null unless you are an owner or admin (or the server was not asked). */
  pendingInvitations: number | null;
  /** What is wrong, in one line, when anything is. */
  error: string | null;
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/**
 * A client for one Lattice team server, authenticated with a bearer token. The `lattice teams`
 * commands are thin wrappers over exactly these methods.
 */
export class TeamsClient {
  readonly cloud: string;
  readonly connection: SavedConnection | null;
  readonly home: string | undefined;
  private readonly trpc: LatticeTrpcClient;
  private readonly token: string;

  constructor(options: { cloud: string; token: string; connection?: SavedConnection; home?: string }) {
    this.cloud = normalizeCloudUrl(options.cloud);
    this.connection = options.connection ?? null;
    this.home = options.home;
    this.token = options.token;
    this.trpc = createLatticeTrpcClient(this.cloud, options.token);
  }

  /** Is there a Lattice server at `url`? Never throws. */
  static probeCloud(url: string, options?: { timeoutMs?: number }): Promise<CloudProbe> {
    return probeCloud(url, options);
  }

  /**
   * Creates the team on a fresh server (user, team, owner membership and token in one HTTP call),
   * then saves the token, the connection and the identity under LATTICE_HOME.
   */
  static async register(options: RegisterTeamOptions): Promise<Registration> {
    const cloud = normalizeCloudUrl(options.cloud);
    let result;
    try {
      result = await createLatticeTrpcClient(cloud).teams.register.mutate(
        withoutUndefined({ email: options.email, name: options.name, teamName: options.teamName, password: options.password }),
      );
    } catch (error) {
      throw toLatticeClientError(error, { cloud });
    }
    const registration = { cloud, ...result };
    try {
      const { label, tokenFile } = saveTeamLocally({ cloud, team: result.team, user: result.user, token: result.token }, options.home);
      writeIdentity({ displayName: result.user.displayName, email: result.user.email }, options.home);
      return { ...registration, label, tokenFile };
    } catch (error) {
      throw new LocalSaveError(registration, error);
    }
  }

  /**
   * Redeems an email-bound invitation, then saves the member's own API token (keys/<label>.token),
   * the connection, and identity.json when there is none yet. Nothing is saved when the server refuses.
   */
  static async join(options: JoinTeamOptions): Promise<Joined> {
    const cloud = normalizeCloudUrl(options.cloud);
    const identity = options.email === undefined || options.name === undefined ? readIdentity(options.home) : null;
    const email = options.email ?? identity?.email;
    const name = options.name ?? identity?.displayName;
    if (!email || !name) {
      throw new LatticeClientError("MISSING_IDENTITY", "no email or name given and no identity.json: pass --email and --name (or run lattice identity set)");
    }
    let result;
    try {
      result = await createLatticeTrpcClient(cloud).teams.join.mutate(withoutUndefined({ token: options.token, email, name, password: options.password }));
    } catch (error) {
      throw toLatticeClientError(error, { cloud });
    }
    const token = result.token;
    if (!token) throw new LatticeClientError("SERVER", "the server joined you but sent no API token");
    try {
      const { label, tokenFile } = saveTeamLocally({ cloud, team: result.team, user: result.user, token }, options.home);
      const identitySaved = readIdentity(options.home) === null;
      if (identitySaved) writeIdentity({ displayName: result.user.displayName, email: result.user.email }, options.home);
      return { cloud, label, user: result.user, team: result.team, role: result.role, tokenFile, identitySaved };
    } catch (error) {
      throw new JoinSaveError({ ...result, token }, error);
    }
  }

  /**
   * Adopts a token for a team server this machine has no connection to yet (issued elsewhere, or
   * by the dashboard): checks it with whoami, then saves it under a label from the team's name.
   */
  static async connectToExistingCloud(url: string, token: string, options: { home?: string } = {}): Promise<TeamsClient> {
    const cloud = normalizeCloudUrl(url);
    const probe = new TeamsClient({ cloud, token, home: options.home });
    const me = await probe.whoami();
    if (!me.team) throw new LatticeClientError("NO_TEAM", `${cloud} has no team yet: create one with lattice teams register`);
    if (!me.role) throw new LatticeClientError("NO_TEAM", `${me.user.email} is not a member of "${me.team.name}" on ${cloud}`);
    const { connection } = saveTeamLocally({ cloud, team: me.team, user: me.user, token }, options.home);
    return new TeamsClient({ cloud, token, connection, home: options.home });
  }

  /** The saved connection for `team` (label or team name), or the only one when `team` is omitted. */
  static fromSaved(team?: string, options: { home?: string } = {}): TeamsClient {
    const connection = findSavedConnection(team, options.home);
    const token = readToken(connection.label, options.home);
    if (!token) {
      throw new LatticeClientError(
        "NO_CONNECTION",
        `the token file for "${connection.teamName}" is missing (${latticePaths(options.home).keyFile(connection.label)}) — run lattice teams join again`,
      );
    }
    return new TeamsClient({ cloud: connection.cloud, token, connection, home: options.home });
  }

  /**
   * identity.json, created when missing: from `given` when both fields are there, else from the
   * account this token belongs to.
   */
  async ensureCloudWorkspaceIdentity(given: { email?: string; displayName?: string } = {}): Promise<Identity> {
    const existing = readIdentity(this.home);
    if (existing) return existing;
    let identity: Identity;
    if (given.email && given.displayName) identity = { email: given.email.trim().toLowerCase(), displayName: given.displayName.trim() };
    else {
      const { user } = await this.whoami();
      identity = { email: user.email, displayName: user.displayName };
    }
    writeIdentity(identity, this.home);
    return identity;
  }

  private async call<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      throw toLatticeClientError(error, { cloud: this.cloud, teamName: this.connection?.teamName });
    }
  }

  /** Drops this team's saved connection and token file (after leave or destroy). */
  private forgetLocally(): boolean {
    if (!this.connection) return false;
    removeToken(this.connection.label, this.home);
    return removeConnection(this.connection.label, this.home);
  }

  whoami(): Promise<WhoAmI> {
    return this.call(() => this.trpc.teams.whoami.query());
  }

  /** Mints an invitation bound to `inviteeEmail`; the `latinv_` token is in the result, once. */
  invite(options: { inviteeEmail: string; role?: "member" | "admin"; expiresIn?: string }): Promise<CreatedInvitation> {
    return this.call(() => this.trpc.teams.invite.mutate(withoutUndefined(options)));
  }

  members(): Promise<TeamMember[]> {
    return this.call(() => this.trpc.teams.members.query());
  }

  /** Pending invitations, or with `all` every one (redeemed, expired, revoked too). */
  invitations(options: { all?: boolean } = {}): Promise<Invitation[]> {
    return this.call(() => this.trpc.teams.invitations.query(options.all ? { all: true } : undefined));
  }

  /** Revokes a pending invitation by id, or every pending one for an email address. */
  revokeInvitation(invitation: string): Promise<{ revoked: number }> {
    return this.call(() => this.trpc.teams.revokeInvitation.mutate({ invitation }));
  }

  /**
   * Leaves the team on the server (which revokes this token), then forgets it locally. A 401 means
   * the server no longer knows this token (kicked, team destroyed): the message says how to forget it.
   */
  async leave(): Promise<{ team: { id: string; name: string }; email: string; localRemoved: boolean }> {
    let result;
    try {
      result = await this.call(() => this.trpc.teams.leave.mutate());
    } catch (error) {
      if (error instanceof LatticeClientError && error.code === "TOKEN_REJECTED" && this.connection) {
        throw new LatticeClientError(
          "TOKEN_REJECTED",
          `the saved token for "${this.connection.teamName}" was rejected (401): you may have been removed or the team destroyed — remove it from this machine with: lattice teams forget --team ${this.connection.label}`,
          { serverCode: error.serverCode, httpStatus: 401, cause: error },
        );
      }
      throw error;
    }
    return { ...result, localRemoved: this.forgetLocally() };
  }

  /** Removes a saved connection and its token file from this machine only; the server is not asked. */
  static forgetSaved(team?: string, options: { home?: string } = {}): { label: string; teamName: string; cloud: string; tokenFileRemoved: boolean } {
    const connection = findSavedConnection(team, options.home);
    const tokenFileRemoved = removeToken(connection.label, options.home);
    removeConnection(connection.label, options.home);
    return { label: connection.label, teamName: connection.teamName, cloud: connection.cloud, tokenFileRemoved };
  }

  kick(email: string): Promise<{ team: { id: string; name: string }; email: string }> {
    return this.call(() => this.trpc.teams.kick.mutate({ email }));
  }

  setRole(email: string, role: MemberRole): Promise<{ email: string; role: string }> {
    return this.call(() => this.trpc.teams.setRole.mutate({ email, role }));
  }

  /** Deletes the team and all its data on the server; `confirm` must be the team's name. */
  /** Sets this account's dashboard password (optional at register and join). */
  async setPassword(password: string): Promise<{ email: string; passwordSet: boolean }> {
    return this.call(() => this.trpc.account.setPassword.mutate({ password }));
  }

  /** Mints an operator token (`lat_…`, in the result once) for this account, e.g. for a second machine. */
  createApiToken(options: { label: string; scopes?: string[]; expiresIn?: number }): Promise<CreatedApiToken> {
    return this.call(() => this.trpc.tokens.create.mutate(withoutUndefined(options)));
  }

  /** Your operator tokens; `all` lists every member's (owners and admins). */
  listApiTokens(options: { all?: boolean } = {}): Promise<ApiToken[]> {
    return this.call(() => this.trpc.tokens.list.query(options.all ? { all: true } : undefined));
  }

  /** Revokes by id or by the prefix `account tokens list` shows (`lat_AbCdEf`). */
  async revokeApiToken(idOrPrefix: string, options: { all?: boolean } = {}): Promise<ApiToken> {
    const wanted = idOrPrefix.trim();
    if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(wanted)) return this.call(() => this.trpc.tokens.revoke.mutate({ id: wanted }));
    const matches = (await this.listApiTokens(options)).filter((t) => t.id === wanted || t.prefix === wanted);
    if (matches.length === 0) throw new LatticeClientError("SERVER", `No API token with id or prefix ${wanted}.`, { httpStatus: 404 });
    if (matches.length > 1) throw new LatticeClientError("SERVER", `Several API tokens start with ${wanted}: revoke by id (see lattice account tokens list --json).`);
    return this.call(() => this.trpc.tokens.revoke.mutate({ id: matches[0]!.id }));
  }

  async destroy(confirm: string): Promise<{ team: { id: string; name: string }; destroyed: boolean; localRemoved: boolean }> {
    const result = await this.call(() => this.trpc.teams.destroy.mutate({ confirm }));
    return { ...result, localRemoved: this.forgetLocally() };
  }

  // ---- sync: the wire calls (the sync engine in latticesql/sync drives them for a project) ----

  /** Registers a table for the team, or adds its new columns (additive only). */
  shareTable(spec: { table: string; primaryKey?: string; columns: Record<string, ColumnSpec | string> }): Promise<ShareResult> {
    return this.call(() => this.trpc.sync.share.mutate(spec));
  }

  sharedTables(): Promise<SharedTable[]> {
    return this.call(() => this.trpc.sync.tables.query()) as Promise<SharedTable[]>;
  }

  // Push and pull carry pages of plain JSON rows: they go through the JSON routes, not tRPC, whose
  // superjson pass costs more than the rest of the request (bench/sync.ts measures both).

  /** Up to 1000 outbox entries; one result per entry, in order. Safe to retry with the same ids. */
  async pushChanges(entries: PushEntry[]): Promise<PushResult[]> {
    return ((await this.json("POST", "/api/v1/sync/push", { entries })) as { results: PushResult[] }).results;
  }

  /** The feed after `since`, oldest first, at most `limit` (≤ 10,000) changes. */
  pullChanges(since: number, limit?: number): Promise<PullPage> {
    return this.json("GET", `/api/v1/sync/changes?since=${since}${limit === undefined ? "" : `&limit=${limit}`}`) as Promise<PullPage>;
  }

  private async json(method: "GET" | "POST", route: string, body?: unknown): Promise<unknown> {
    const answer = await this.http(method, route, body === undefined ? undefined : { json: body });
    try {
      return JSON.parse(answer.toString("utf8"));
    } catch {
      throw notLatticeError(this.cloud, route.split("?")[0]);
    }
  }

  /**
   * One call to the server's /api/v1 with this token: the time limit covers the whole answer, and
   * every failure (unreachable, no answer, not Lattice, an error answer) is one LatticeClientError.
   */
  private async http(method: "GET" | "POST" | "PUT", route: string, body?: { json: unknown } | { bytes: Uint8Array }): Promise<Buffer> {
    const ms = requestTimeoutMs();
    const limit = timeoutSignal(ms);
    let response: Response;
    let answer: Buffer;
    try {
      response = await fetch(`${this.cloud}${route}`, {
        method,
        headers: { authorization: `Bearer ${this.token}`, ...(body ? { "content-type": "json" in body ? "application/json" : "application/octet-stream" } : {}) },
        body: body === undefined ? undefined : "json" in body ? JSON.stringify(body.json) : (body.bytes as BodyInit),
        signal: limit.signal,
      });
      answer = Buffer.from(await response.arrayBuffer());
    } catch (error) {
      if (limit.timedOut()) throw noAnswerError(this.cloud, ms, error);
      throw unreachableError(this.cloud, error);
    }
    if (!response.ok) {
      let failure: { code?: string; message?: string } | undefined;
      try {
        failure = (JSON.parse(answer.toString("utf8")) as { error?: { code?: string; message?: string } }).error;
      } catch {
        // not our JSON error shape: not a Lattice answer
      }
      if (!failure?.message) throw notLatticeError(this.cloud, route.split("?")[0]);
      if (response.status === 401) throw tokenRejectedError(this.connection?.teamName, new Error(failure.message));
      throw new LatticeClientError("SERVER", failure.message, { serverCode: failure.code, httpStatus: response.status });
    }
    return answer;
  }

  /** The team's current version of some rows; keys not in the result are not shared. */
  currentRows(table: string, pks: (string | number)[]): Promise<{ rows: CurrentRow[]; owners: Record<string, string> }> {
    return this.call(() => this.trpc.sync.rows.query({ table, pks }));
  }

  /** Which of these file hashes the workspace lacks. */
  missingBlobs(hashes: string[]): Promise<string[]> {
    return this.call(() => this.trpc.sync.missingBlobs.query({ hashes }));
  }

  async putBlob(sha256: string, bytes: Uint8Array): Promise<void> {
    await this.http("PUT", `/api/v1/sync/blobs/${encodeURIComponent(sha256)}`, { bytes });
  }

  /** A shared file's bytes (the caller verifies the hash). */
  async getBlob(sha256: string): Promise<Buffer> {
    return this.http("GET", `/api/v1/sync/blobs/${encodeURIComponent(sha256)}`);
  }

  /** Is the server up, is the token still good, what is my role? Reports problems in the result; never throws. */
  async status(): Promise<TeamStatus> {
    const base = { cloud: this.cloud, label: this.connection?.label ?? null, user: null, team: null, role: null, memberCount: null, pendingInvitations: null };
    const server = await probeCloud(this.cloud);
    if (!server.reachable || !server.isLattice || server.error) {
      return { ...base, server, token: "unchecked", error: server.error ?? "the server did not answer its health check" };
    }
    try {
      const me = await this.call(() => this.trpc.teams.status.query());
      return {
        ...base,
        server,
        token: "valid",
        user: me.user,
        team: me.team && { id: me.team.id, name: me.team.name },
        role: me.role,
        memberCount: me.team ? me.memberCount : null,
        pendingInvitations: me.pendingInvitations,
        error: null,
      };
    } catch (error) {
      const failure = error as LatticeClientError;
      return { ...base, server, token: failure.code === "TOKEN_REJECTED" ? "rejected" : "unchecked", error: failure.message };
    }
  }
}

/** Writes keys/<label>.token (0600) and the connection; the label comes from the team's name. */
function saveTeamLocally(
  saved: { cloud: string; team: { id: string; name: string }; user: { id: string; email: string }; token: string },
  home?: string,
): { label: string; tokenFile: string; connection: SavedConnection } {
  const label = chooseLabel(saved.team.name, saved.cloud, saved.team.id, home);
  const tokenFile = writeToken(label, saved.token, home);
  const connection: SavedConnection = {
    label,
    cloud: saved.cloud,
    teamId: saved.team.id,
    teamName: saved.team.name,
    userId: saved.user.id,
    email: saved.user.email,
    tokenFile: path.relative(latticePaths(home).home, tokenFile),
  };
  saveConnection(connection, home);
  return { label, tokenFile, connection };
}

function findSavedConnection(team: string | undefined, home?: string): SavedConnection {
  const saved = listConnections(home);
  if (saved.length === 0) throw new LatticeClientError("NO_CONNECTION", "no saved connection — run lattice teams register or lattice teams join");
  const labels = saved.map((c) => c.label).join(", ");
  if (team === undefined) {
    if (saved.length === 1) return saved[0]!;
    throw new LatticeClientError("NO_CONNECTION", `several saved connections (${labels}): choose one with --team <name>`);
  }
  const wanted = team.trim().toLowerCase();
  const match =
    saved.find((c) => c.label === wanted) ?? saved.find((c) => c.teamName.toLowerCase() === wanted) ?? saved.find((c) => c.label === teamLabel(team));
  if (!match) throw new LatticeClientError("NO_CONNECTION", `no saved connection for team "${team}" (saved: ${labels})`);
  return match;
}
