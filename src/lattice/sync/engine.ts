// The member's side of sync for one SQLite project: share tables, link rows, push the outbox, pull
// the feed. What `lattice teams share|link|unlink|push|pull|sync` run, and what scripts can call.
//
// - Local writes of linked rows reach `_lattice_outbox` by SQLite triggers, in the write's own
//   transaction, whether the library or raw SQL made them. Pulled rows are written with the replay
//   flag set, so they never enter it.
// - A push sends one entry per changed row (the row as it is now), recorded first as in flight: a
//   push cut off after the server committed is re-sent with the same ids and gets the same results.
// - A pull applies the feed in order, one transaction per page with the cursor saved in it: a pull
//   killed half-way resumes where the last committed page ended. Rows are replaced only by a newer
//   version, so applying a change twice changes nothing.
import crypto from "node:crypto";
import path from "node:path";
import type { ColumnSpec } from "../config/config.ts";
import { LatticeError } from "../config/errors.ts";
import type { SqlExecutor } from "../db/driver.ts";
import { quoteIdentifier } from "../db/driver.ts";
import { Lattice, type EntityInfo, type Replicator } from "../db/lattice.ts";
import { attachBlobBytes, hasBlob, isSha256, readBlob } from "../framework/blob-store.ts";
import { registerNativeEntities } from "../framework/native-entities.ts";
import { sha256Hex } from "../storage/deploy-files.ts";
import type { TeamsClient } from "../teams/client.ts";
import { columnsToAdd, writeSharedEntity } from "./config-writer.ts";
import { ensureStateTables, getState, installCapture, recordShared, setReplaying, setState, sharedTables, type LocalShared } from "./local-state.ts";
import type { FeedChange, PullPage, PushEntry, PushOp, PushResult, ShareResult } from "./types.ts";

export interface SyncProgress {
  phase: "push" | "pull";
  done: number;
  total: number;
}

export interface SyncProjectOptions {
  /** LATTICE_HOME (master.key, identity.json). */
  home?: string;
  encryptionKey?: string | Uint8Array;
  onProgress?: (progress: SyncProgress) => void;
  /** Changes per pull request (default 5000, at most 10,000). */
  pageSize?: number;
}

export interface PushReport {
  /** Entries sent (one per changed row). */
  pushed: number;
  applied: number;
  refused: PushResult[];
  stale: PushResult[];
  /** Entries re-sent from a push that was cut off (their results are the server's first answers). */
  resent: number;
}

export interface PullReport {
  pulled: number;
  byTable: Record<string, number>;
  /** Tables created or extended locally from the team's shares. */
  schema: { table: string; added: string[]; created: boolean }[];
  /** Rows put back to the team's version after a refused or stale push. */
  restored: number;
  /** Local edits dropped because the team's row changed meanwhile (the row is the team's now). */
  discarded: { table: string; pk: string | number }[];
  /**
   * Team rows not applied because you hold an unlinked row with the same key: yours is kept; the
   * team's arrives on the pull after you rename or delete yours.
   */
  collisions: { table: string; pk: string | number; owner: string }[];
  /** Changes that could not be applied (a files row whose bytes the server does not have). */
  skipped: { table: string; pk: string | number; reason: string }[];
  cursor: number;
}

export interface LinkReport {
  table: string;
  linked: (string | number)[];
  /** Already linked: by you, or owned by someone else. */
  alreadyLinked: { pk: string | number; owner: string }[];
  missing: (string | number)[];
  push: PushReport;
}

export interface UnlinkReport {
  table: string;
  unlinked: (string | number)[];
  notLinked: (string | number)[];
  push: PushReport;
}

export interface LocalSyncStatus {
  teamId: string | null;
  cloud: string | null;
  cursor: number;
  lastPush: string | null;
  lastPull: string | null;
  tables: { table: string; rows: number; linked: number; mine: number }[];
  /** Rows with local changes waiting to be pushed. */
  pending: number;
  refusals: { table: string; pk: string | number; status: string; reason: string; at: string; restored: boolean }[];
}

/** Owner of rows written straight into the team's Postgres (no member): linked, owned by nobody here. */
const NO_OWNER = "";
const PUSH_BATCH = 1000;
/** Refusals of one pulled row that skip it (reported) rather than stop the pull. */
const SKIPPABLE = new Set(["INVALID_VALUE", "UNKNOWN_COLUMN", "BLOB_MISSING", "DUPLICATE_KEY"]);
const KEY_CHUNK = 500;

interface Group {
  entity: string;
  pk: string;
  maxId: number;
  base: number;
  lastOp: string;
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function toWire(value: unknown): unknown {
  return Buffer.isBuffer(value) || value instanceof Uint8Array ? `\\x${Buffer.from(value).toString("hex")}` : value;
}

function fromWire(spec: ColumnSpec | undefined, value: unknown): unknown {
  if (spec?.type === "blob" && typeof value === "string" && value.startsWith("\\x")) return Buffer.from(value.slice(2), "hex");
  return value;
}

function specOf(info: EntityInfo): { primaryKey: string; columns: Record<string, ColumnSpec> } {
  return {
    primaryKey: info.primaryKey,
    columns: Object.fromEntries(info.columns.map(({ name, primaryKey: _pk, ...spec }) => [name, spec as ColumnSpec])),
  };
}

/** A key as `info`'s table stores it: a number for an integer key (the CLI passes text). */
function keyOf(info: EntityInfo, raw: string | number): string | number {
  const type = info.columns.find((c) => c.name === info.primaryKey)!.type;
  if (type === "integer") {
    const value = typeof raw === "number" ? raw : /^-?\d{1,16}$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
    if (!Number.isSafeInteger(value)) throw new LatticeError("INVALID_VALUE", `${info.name}.${info.primaryKey} is an integer key; "${raw}" is not a whole number`);
    return value;
  }
  return String(raw);
}

export class SyncProject {
  db: Lattice;
  readonly client: TeamsClient;
  private readonly configFile: string;
  private readonly options: SyncProjectOptions;
  private readonly me: { userId: string; teamId: string };
  private shared = new Map<string, LocalShared>();
  private entityNames: { db: Lattice; names: Set<string> } | null = null;

  private constructor(configFile: string, client: TeamsClient, options: SyncProjectOptions, db: Lattice, me: { userId: string; teamId: string }) {
    this.configFile = configFile;
    this.client = client;
    this.options = options;
    this.db = db;
    this.me = me;
  }

  /** Opens the project at `configFile` for syncing with `client`'s team (a SQLite project, one team). */
  static async open(configFile: string, client: TeamsClient, options: SyncProjectOptions = {}): Promise<SyncProject> {
    let me: { userId: string; teamId: string };
    if (client.connection) me = { userId: client.connection.userId, teamId: client.connection.teamId };
    else {
      const who = await client.whoami();
      if (!who.team) throw new LatticeError("SYNC_UNSUPPORTED", `${client.cloud} has no team`);
      me = { userId: who.user.id, teamId: who.team.id };
    }
    const db = await SyncProject.openLattice(configFile, options);
    const project = new SyncProject(path.resolve(configFile), client, options, db, me);
    try {
      await project.prepare();
    } catch (error) {
      await db.close();
      throw error;
    }
    return project;
  }

  private static async openLattice(configFile: string, options: SyncProjectOptions): Promise<Lattice> {
    const db = new Lattice(configFile, { home: options.home, encryptionKey: options.encryptionKey });
    registerNativeEntities(db);
    await db.init();
    if (db.dialect !== "sqlite") {
      await db.close();
      throw new LatticeError(
        "SYNC_UNSUPPORTED",
        "this project's database is Postgres: push and pull sync a SQLite project. A Postgres project on the team's own database is already shared (its tables are the team's); see docs/sync.md",
      );
    }
    return db;
  }

  private async prepare(): Promise<void> {
    await this.db.withSql(async (x) => {
      await ensureStateTables(x);
      const team = await getState(x, "team_id");
      if (team && team !== this.me.teamId) {
        const name = (await getState(x, "team_name")) ?? team;
        throw new LatticeError("SYNC_UNSUPPORTED", `this project syncs with team "${name}" (${(await getState(x, "cloud")) ?? "?"}); a project syncs with one team: use another project folder for this one`);
      }
      for (const shared of await sharedTables(x)) {
        this.shared.set(shared.entity, shared);
        if (this.hasEntity(shared.entity)) await installCapture(x, shared.entity, shared.primaryKey);
      }
    });
  }

  /** The first share, link, push or pull ties the project to this team (a status does not). */
  private async bindTeam(): Promise<void> {
    const x = this.db.sqlExecutor();
    if (await getState(x, "team_id")) return;
    await this.db.withSql(async (tx) => {
      await setState(tx, "team_id", this.me.teamId);
      await setState(tx, "cloud", this.client.cloud);
      if (this.client.connection) await setState(tx, "team_name", this.client.connection.teamName);
    });
  }

  private hasEntity(name: string): boolean {
    // A Lattice's entities are fixed once it is open; entities() rebuilds every description per call.
    if (this.entityNames?.db !== this.db) this.entityNames = { db: this.db, names: new Set(this.db.entities().map((e) => e.name)) };
    return this.entityNames.names.has(name);
  }

  private async reopen(): Promise<void> {
    await this.db.close();
    this.db = await SyncProject.openLattice(this.configFile, this.options);
  }

  async close(): Promise<void> {
    await this.db.close();
  }

  private requireShared(table: string): LocalShared {
    const shared = this.shared.get(table);
    if (!shared) {
      if (!this.hasEntity(table)) throw new LatticeError("UNKNOWN_ENTITY", `this project has no table "${table}" (tables: ${this.db.entities().map((e) => e.name).join(", ")})`);
      throw new LatticeError("NOT_SHARED", `${table} is not shared with the team yet: lattice teams share --table ${table}`);
    }
    return shared;
  }

  /** A key as the table stores it: a number for an integer key (the CLI passes text). */
  keyValue(table: string, raw: string | number): string | number {
    return keyOf(this.db.describe(table), raw);
  }

  // ---- share ----

  /** Registers the table (or its new columns) with the team; linking rows is a separate step. */
  async share(table: string): Promise<ShareResult> {
    await this.bindTeam();
    const info = this.db.describe(table);
    const spec = specOf(info);
    if (spec.columns[spec.primaryKey]!.type !== "text" && spec.columns[spec.primaryKey]!.type !== "integer") {
      throw new LatticeError("SYNC_UNSUPPORTED", `${table}: a shared table's primary key must be text or integer (${spec.primaryKey} is ${spec.columns[spec.primaryKey]!.type})`);
    }
    const result = await this.client.shareTable({ table, primaryKey: spec.primaryKey, columns: spec.columns });
    const shared = { entity: table, primaryKey: result.primaryKey, columns: result.columns };
    await this.db.withSql(async (x) => {
      await recordShared(x, shared);
      await installCapture(x, table, shared.primaryKey);
    });
    this.shared.set(table, shared);
    return result;
  }

  // ---- link / unlink ----

  /** Makes rows team-visible (you own them), then pushes. */
  async link(table: string, keys: (string | number)[]): Promise<LinkReport> {
    const shared = this.requireShared(table);
    const report: LinkReport = { table, linked: [], alreadyLinked: [], missing: [], push: emptyPush() };
    const pkColumn = quoteIdentifier(shared.primaryKey);
    await this.db.withSql(async (x) => {
      for (const raw of keys) {
        const key = this.keyValue(table, raw);
        const row = await x.one(`SELECT _lattice_owner AS owner, _lattice_version AS version FROM ${quoteIdentifier(table)} WHERE ${pkColumn} = ?`, [key]);
        if (!row) report.missing.push(key);
        else if (row.owner !== null) report.alreadyLinked.push({ pk: key, owner: await this.ownerName(x, row.owner as string) });
        else {
          await x.run(`UPDATE ${quoteIdentifier(table)} SET _lattice_owner = ? WHERE ${pkColumn} = ?`, [this.me.userId, key]);
          await x.run(`INSERT INTO _lattice_outbox (entity, pk, op, base_version) VALUES (?, ?, 'link', ?)`, [table, JSON.stringify(key), row.version]);
          report.linked.push(key);
        }
      }
    });
    if (report.linked.length) report.push = await this.push();
    return report;
  }

  /** Takes rows you own out of the team (they stay in your project), then pushes. */
  async unlink(table: string, keys: (string | number)[]): Promise<UnlinkReport> {
    const shared = this.requireShared(table);
    const report: UnlinkReport = { table, unlinked: [], notLinked: [], push: emptyPush() };
    const pkColumn = quoteIdentifier(shared.primaryKey);
    const foreign: string[] = [];
    await this.db.withSql(async (x) => {
      for (const raw of keys) {
        const key = this.keyValue(table, raw);
        const row = await x.one(`SELECT _lattice_owner AS owner, _lattice_version AS version FROM ${quoteIdentifier(table)} WHERE ${pkColumn} = ?`, [key]);
        if (!row || row.owner === null) report.notLinked.push(key);
        else if (row.owner !== this.me.userId) foreign.push(`${key} (owned by ${await this.ownerName(x, row.owner as string)})`);
        else {
          await x.run(`UPDATE ${quoteIdentifier(table)} SET _lattice_owner = NULL WHERE ${pkColumn} = ?`, [key]);
          await x.run(`INSERT INTO _lattice_outbox (entity, pk, op, base_version) VALUES (?, ?, 'unlink', ?)`, [table, JSON.stringify(key), row.version]);
          report.unlinked.push(key);
        }
      }
      if (foreign.length) throw new LatticeError("NOT_LINKED", `only a row's owner can unlink it: ${foreign.join(", ")}`);
    });
    if (report.unlinked.length) report.push = await this.push();
    return report;
  }

  private async ownerName(x: SqlExecutor, owner: string): Promise<string> {
    if (owner === this.me.userId) return "you";
    if (owner === NO_OWNER) return "no member (written directly in the team's Postgres)";
    const row = await x.one(`SELECT email FROM _lattice_owners WHERE id = ?`, [owner]);
    return (row?.email as string | undefined) ?? owner;
  }

  // ---- push ----

  /** Sends every pending local change of linked rows; per row: applied, refused or stale. */
  async push(): Promise<PushReport> {
    await this.bindTeam();
    const report = emptyPush();
    const x = this.db.sqlExecutor();
    const inflight = await x.all(`SELECT entry_id, entity, pk, op, base_version, max_outbox_id FROM _lattice_inflight ORDER BY rowid`);
    if (inflight.length) {
      const groups = inflight.map((r) => ({ id: r.entry_id as string, entity: r.entity as string, pk: r.pk as string, op: r.op as PushOp, base: Number(r.base_version), maxId: Number(r.max_outbox_id) }));
      const entries = await this.entriesFor(groups);
      report.resent = entries.length;
      await this.send(entries, groups, report);
    }
    const total = Number((await x.one(`SELECT count(*) AS n FROM (SELECT 1 FROM _lattice_outbox GROUP BY entity, pk)`))!.n);
    let done = 0;
    for (;;) {
      const groups = await this.collapse(PUSH_BATCH);
      if (!groups.length) break;
      const decided = await this.decide(groups);
      await this.db.withSql(async (tx) => {
        for (const drop of decided.dropped) await tx.run(`DELETE FROM _lattice_outbox WHERE entity = ? AND pk = ? AND id <= ?`, [drop.entity, drop.pk, drop.maxId]);
        for (const g of decided.send) {
          await tx.run(`INSERT INTO _lattice_inflight (entry_id, entity, pk, op, base_version, max_outbox_id) VALUES (?, ?, ?, ?, ?, ?)`, [g.id, g.entity, g.pk, g.op, g.base, g.maxId]);
        }
      });
      if (decided.send.length) {
        const entries = await this.entriesFor(decided.send);
        await this.send(entries, decided.send, report);
      }
      done += groups.length;
      this.options.onProgress?.({ phase: "push", done: Math.min(done, total), total });
    }
    await setState(x, "last_push", new Date().toISOString());
    return report;
  }

  /** The oldest `limit` changed rows in the outbox, each with its last op and the version it was based on. */
  private async collapse(limit: number): Promise<Group[]> {
    // Walks the outbox in id order and stops after `limit` rows: a GROUP BY over the whole outbox
    // made every batch cost the outbox's size (a push of N rows cost N²/1000).
    const rows = await this.db.sqlExecutor().all(
      `SELECT f.entity, f.pk, l.id AS max_id, l.op AS last_op, l.base_version AS base
       FROM (SELECT o.id AS first_id, o.entity, o.pk FROM _lattice_outbox o
             WHERE NOT EXISTS (SELECT 1 FROM _lattice_outbox e WHERE e.entity = o.entity AND e.pk = o.pk AND e.id < o.id) ORDER BY o.id LIMIT ?) f
       JOIN _lattice_outbox l ON l.id = (SELECT max(m.id) FROM _lattice_outbox m WHERE m.entity = f.entity AND m.pk = f.pk) ORDER BY f.first_id`,
      [limit],
    );
    return rows.map((r) => ({ entity: r.entity as string, pk: r.pk as string, maxId: Number(r.max_id), lastOp: r.last_op as string, base: Number(r.base) }));
  }

  /** What each changed row becomes on the wire (or nothing: linked and gone before it was ever pushed). */
  private async decide(groups: Group[]): Promise<{ send: (Group & { id: string; op: PushOp })[]; dropped: Group[] }> {
    const send: (Group & { id: string; op: PushOp })[] = [];
    const dropped: Group[] = [];
    const linked = await this.linkedKeys(groups);
    for (const g of groups) {
      const onServer = g.base > 0;
      let op: PushOp | null = null;
      if (!this.shared.has(g.entity) || !this.hasEntity(g.entity)) op = null;
      else if (g.lastOp === "delete") op = onServer ? "delete" : null;
      else if (g.lastOp === "unlink") op = onServer ? "unlink" : null;
      else if (linked.has(`${g.entity}\u0000${g.pk}`)) op = onServer ? "upsert" : "link";
      if (op) send.push({ ...g, op, id: crypto.randomUUID() });
      else dropped.push(g);
    }
    return { send, dropped };
  }

  private async linkedKeys(groups: { entity: string; pk: string }[]): Promise<Set<string>> {
    const found = new Set<string>();
    const x = this.db.sqlExecutor();
    const byEntity = new Map<string, string[]>();
    for (const g of groups) {
      if (!this.shared.has(g.entity) || !this.hasEntity(g.entity)) continue;
      if (!byEntity.has(g.entity)) byEntity.set(g.entity, []);
      byEntity.get(g.entity)!.push(g.pk);
    }
    for (const [entity, keys] of byEntity) {
      const pk = quoteIdentifier(this.shared.get(entity)!.primaryKey);
      for (const part of chunks(keys, KEY_CHUNK)) {
        // The key itself, not json_quote(key), in the WHERE: that one the primary key index answers.
        const values = part.map((k) => JSON.parse(k) as string | number);
        const rows = await x.all(`SELECT json_quote(${pk}) AS k FROM ${quoteIdentifier(entity)} WHERE _lattice_owner IS NOT NULL AND ${pk} IN (${part.map(() => "?").join(", ")})`, values);
        for (const row of rows) found.add(`${entity}\u0000${row.k as string}`);
      }
    }
    return found;
  }

  /** Wire entries for these rows: the row as it is now (decrypted by the library; blobs as hex). */
  private async entriesFor(groups: { id: string; entity: string; pk: string; op: PushOp; base: number }[]): Promise<PushEntry[]> {
    const rows = new Map<string, Record<string, unknown>>();
    const byEntity = new Map<string, unknown[]>();
    for (const g of groups) {
      if ((g.op !== "link" && g.op !== "upsert") || !this.hasEntity(g.entity)) continue;
      if (!byEntity.has(g.entity)) byEntity.set(g.entity, []);
      byEntity.get(g.entity)!.push(JSON.parse(g.pk));
    }
    for (const [entity, keys] of byEntity) {
      const shared = this.shared.get(entity)!;
      for (const part of chunks(keys, KEY_CHUNK)) {
        for (const row of await this.db.query(entity, { where: { [shared.primaryKey]: { in: part as (string | number)[] } } })) {
          const wire: Record<string, unknown> = {};
          for (const column of Object.keys(shared.columns)) if (column in row) wire[column] = toWire(row[column]);
          rows.set(`${entity}\u0000${JSON.stringify(row[shared.primaryKey])}`, wire);
        }
      }
    }
    return groups.map((g) => {
      const pk = JSON.parse(g.pk) as string | number;
      const row = rows.get(`${g.entity}\u0000${g.pk}`);
      // A re-sent entry whose row has gone since: the server answers from its record if it committed;
      // if it did not, the row is gone here, which a delete says.
      const op: PushOp = (g.op === "link" || g.op === "upsert") && !row ? "delete" : g.op;
      return { id: g.id, table: g.entity, op, pk, baseVersion: g.base, ...(op === "link" || op === "upsert" ? { row } : {}) };
    });
  }

  /** Uploads the bytes of files rows the workspace lacks, pushes, and records the results. */
  private async send(entries: PushEntry[], groups: { id: string; entity: string; pk: string; maxId: number }[], report: PushReport): Promise<void> {
    const hashes = entries.filter((e) => e.table === "files" && e.row && typeof e.row.sha256 === "string").map((e) => e.row!.sha256 as string);
    if (hashes.length) {
      for (const sha256 of await this.client.missingBlobs(hashes)) await this.client.putBlob(sha256, await readBlob(this.db.projectDir, sha256));
    }
    const results = await this.client.pushChanges(entries);
    const byId = new Map(groups.map((g) => [g.id, g]));
    const now = new Date().toISOString();
    await this.db.withSql(async (x) => {
      await setReplaying(x, true);
      for (const result of results) {
        const g = byId.get(result.id);
        if (!g) continue;
        const shared = this.shared.get(g.entity);
        const table = quoteIdentifier(g.entity);
        const pkColumn = shared ? quoteIdentifier(shared.primaryKey) : null;
        report.pushed += 1;
        if (result.status === "applied") {
          report.applied += 1;
          const version = result.op === "link" || result.op === "upsert" ? (result.version ?? 0) : 0;
          if (pkColumn && (result.op === "link" || result.op === "upsert" || result.op === "unlink")) {
            // By the key itself (the index), not json_quote(key), which scanned the table once per row.
            await x.run(`UPDATE ${table} SET _lattice_version = ? WHERE ${pkColumn} = ?`, [version, JSON.parse(g.pk)]);
          }
          await x.run(`DELETE FROM _lattice_outbox WHERE entity = ? AND pk = ? AND id <= ?`, [g.entity, g.pk, g.maxId]);
          await x.run(`UPDATE _lattice_outbox SET base_version = ? WHERE entity = ? AND pk = ?`, [version, g.entity, g.pk]);
          await x.run(`DELETE FROM _lattice_refusals WHERE entity = ? AND pk = ?`, [g.entity, g.pk]);
        } else {
          (result.status === "stale" ? report.stale : report.refused).push(result);
          // The team's version comes back on the next pull (restore); the local edits are void. A
          // refused link (the key is another member's row) keeps your row, unlinked: it is yours.
          const collision = result.op === "link" && result.status === "refused";
          if (collision && pkColumn) await x.run(`UPDATE ${table} SET _lattice_owner = NULL, _lattice_version = 0 WHERE ${pkColumn} = ?`, [JSON.parse(g.pk)]);
          await x.run(`DELETE FROM _lattice_outbox WHERE entity = ? AND pk = ?`, [g.entity, g.pk]);
          await x.run(
            `INSERT INTO _lattice_refusals (entity, pk, status, reason, at, restored) VALUES (?, ?, ?, ?, ?, 0)
             ON CONFLICT (entity, pk) DO UPDATE SET status = excluded.status, reason = excluded.reason, at = excluded.at, restored = 0`,
            [g.entity, g.pk, collision ? "collision" : result.status, result.reason ?? result.status, now],
          );
        }
        await x.run(`DELETE FROM _lattice_inflight WHERE entry_id = ?`, [g.id]);
      }
      await setReplaying(x, false);
    });
  }

  // ---- pull ----

  /** Applies every change since the saved cursor, then restores rows whose push was refused. */
  async pull(): Promise<PullReport> {
    await this.bindTeam();
    const report: PullReport = { pulled: 0, byTable: {}, schema: [], restored: 0, discarded: [], collisions: [], skipped: [], cursor: 0 };
    const x = this.db.sqlExecutor();
    let cursor = Number((await getState(x, "cursor")) ?? 0);
    const start = cursor;
    const pageSize = this.options.pageSize ?? 5000;
    for (;;) {
      const page = await this.client.pullChanges(cursor, pageSize);
      await this.applyPage(page, report);
      cursor = page.cursor;
      this.options.onProgress?.({ phase: "pull", done: cursor - start, total: Math.max(page.head - start, cursor - start) });
      if (!page.more) break;
    }
    report.cursor = cursor;
    report.restored = await this.restore();
    await setState(this.db.sqlExecutor(), "last_pull", new Date().toISOString());
    return report;
  }

  private async applyPage(page: PullPage, report: PullReport): Promise<void> {
    let segment: FeedChange[] = [];
    const flush = async () => {
      if (segment.length) await this.applyRows(segment, page.owners, report);
      segment = [];
    };
    for (const change of page.changes) {
      if (change.kind === "share") {
        await flush();
        await this.applyShare(change, report);
      } else segment.push(change);
    }
    await flush();
    if (!page.changes.length && page.cursor > Number((await getState(this.db.sqlExecutor(), "cursor")) ?? 0)) {
      await setState(this.db.sqlExecutor(), "cursor", String(page.cursor));
    }
  }

  private async applyShare(change: FeedChange, report: PullReport): Promise<void> {
    const table = change.table;
    const spec = change.row as { primaryKey: string; columns: Record<string, ColumnSpec> };
    const native = this.db.entities().find((e) => e.name === table && e.native);
    const local = this.db.entities().find((e) => e.name === table);
    const added = columnsToAdd(table, local ? { name: table, ...specOf(local) } : null, spec);
    if (added.length) {
      if (native) throw new LatticeError("SCHEMA_CONFLICT", `${table} is a framework entity; the team's table has columns it does not (${added.join(", ")})`);
      writeSharedEntity(this.configFile, table, spec, added);
      await this.reopen();
      report.schema.push({ table, added: local ? added : [], created: !local });
    }
    const shared = { entity: table, primaryKey: spec.primaryKey, columns: spec.columns };
    await this.db.withSql(async (x) => {
      await recordShared(x, shared);
      await installCapture(x, table, spec.primaryKey);
      await setState(x, "cursor", String(change.seq));
    });
    this.shared.set(table, shared);
  }

  /** Blobs first (a files row needs its bytes), then the rows in one replay transaction with the cursor. */
  private async applyRows(changes: FeedChange[], owners: Record<string, string>, report: PullReport): Promise<void> {
    const skip = new Set<number>();
    for (const change of changes) {
      if (change.kind !== "upsert" || change.table !== "files" || !change.row) continue;
      const sha256 = change.row.sha256;
      if (!isSha256(sha256)) continue; // the row itself is refused below, as any row the library refuses
      if (hasBlob(this.db.projectDir, sha256)) continue;
      let bytes: Buffer;
      try {
        bytes = await this.client.getBlob(sha256);
      } catch (error) {
        if ((error as { httpStatus?: number }).httpStatus !== 404) throw error;
        // A files row written into the team's Postgres without its bytes: it cannot exist here.
        skip.add(change.seq);
        report.skipped.push({ table: "files", pk: sha256, reason: "the server has no bytes for this file (the row was written without them)" });
        continue;
      }
      // Checked before storing: damaged bytes must not land in data/blobs (under their own hash).
      const actual = sha256Hex(bytes);
      if (actual !== sha256) throw new LatticeError("BLOB_CORRUPT", `files ${sha256}: the server sent bytes that hash to ${actual}; nothing was applied`);
      await attachBlobBytes(bytes, this.db.projectDir, { name: String(change.row.name ?? sha256) });
    }
    const pending = await this.pendingKeys();
    await this.db.withSql(async (x, replicator) => {
      await setReplaying(x, true);
      for (const [id, email] of Object.entries(owners)) {
        await x.run(`INSERT INTO _lattice_owners (id, email) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET email = excluded.email`, [id, email]);
      }
      // describe() builds a fresh description on each call: once per table per page, not per row.
      const described = new Map<string, EntityInfo | null>();
      for (const change of changes) {
        if (skip.has(change.seq)) continue;
        if (!described.has(change.table)) described.set(change.table, this.hasEntity(change.table) ? this.db.describe(change.table) : null);
        try {
          await this.applyChange(x, replicator, change, described.get(change.table)!, pending, report);
        } catch (error) {
          // A row the library refuses (written into the team's Postgres around its rules: a bad file
          // name, a value of the wrong form) cannot be had here; it must not stop the feed for good.
          if (!(error instanceof LatticeError) || !SKIPPABLE.has(error.code)) throw error;
          report.skipped.push({ table: change.table, pk: change.pk ?? "", reason: error.message });
        }
      }
      await setState(x, "cursor", String(changes.at(-1)!.seq));
      await setReplaying(x, false);
    }, { replay: true });
  }

  /** The team's row meets an unlinked local row with its key: yours stays, the team's waits (restore). */
  private async collide(x: SqlExecutor, table: string, keyJson: string, owner: string | null, report: PullReport): Promise<void> {
    const name = owner === null ? "no member" : await this.ownerName(x, owner);
    report.collisions.push({ table, pk: JSON.parse(keyJson) as string | number, owner: name });
    await x.run(
      `INSERT INTO _lattice_refusals (entity, pk, status, reason, at, restored) VALUES (?, ?, 'collision', ?, ?, 0)
       ON CONFLICT (entity, pk) DO UPDATE SET status = excluded.status, reason = excluded.reason, at = excluded.at, restored = 0`,
      [table, keyJson, `your unlinked row has the same key as the team's row (owned by ${name}); rename or delete yours to receive the team's`, new Date().toISOString()],
    );
  }

  private async pendingKeys(): Promise<Set<string>> {
    const rows = await this.db.sqlExecutor().all(`SELECT DISTINCT entity, pk FROM _lattice_outbox`);
    return new Set(rows.map((r) => `${r.entity as string}\u0000${r.pk as string}`));
  }

  private async applyChange(x: SqlExecutor, replicator: Replicator, change: FeedChange, info: EntityInfo | null, pending: Set<string>, report: PullReport): Promise<void> {
    const shared = this.shared.get(change.table);
    if (!shared || !info) throw new LatticeError("NOT_SHARED", `the feed has a change to ${change.table}, which this project does not know; pull from the start again`);
    const key = keyOf(info, change.pk!);
    const keyJson = JSON.stringify(key);
    const table = quoteIdentifier(change.table);
    const pkColumn = quoteIdentifier(shared.primaryKey);
    let written = false;
    if (change.kind === "upsert") {
      const row: Record<string, unknown> = {};
      const columns = info.columns;
      for (const column of columns) if (column.name in change.row!) row[column.name] = fromWire(column, change.row![column.name]);
      written = await replicator.put(change.table, row, { _lattice_owner: change.owner ?? NO_OWNER, _lattice_version: change.version ?? 0 }, { newerBy: "_lattice_version", onlyWhereSet: "_lattice_owner" });
      if (!written) {
        const local = await x.one(`SELECT _lattice_owner AS owner FROM ${table} WHERE ${pkColumn} = ?`, [key]);
        if (local && local.owner === null) await this.collide(x, change.table, keyJson, change.owner, report);
      }
    } else {
      const local = await x.one(`SELECT _lattice_owner AS owner FROM ${table} WHERE ${pkColumn} = ?`, [key]);
      if (!local || local.owner === null) {
        // Not linked here (a row of your own that you unlinked, or never shared): the team's copy left, yours stays.
      } else if (change.kind === "unlink" && local.owner === this.me.userId) {
        // Your row left the team (you were removed, or unlinked it elsewhere): it stays here, unlinked.
        written = (await x.run(`UPDATE ${table} SET _lattice_owner = NULL, _lattice_version = 0 WHERE ${pkColumn} = ?`, [key])) > 0;
      } else written = await replicator.remove(change.table, key);
    }
    if (written) {
      report.pulled += 1;
      report.byTable[change.table] = (report.byTable[change.table] ?? 0) + 1;
      if (pending.has(`${change.table}\u0000${keyJson}`)) {
        await x.run(`DELETE FROM _lattice_outbox WHERE entity = ? AND pk = ?`, [change.table, keyJson]);
        pending.delete(`${change.table}\u0000${keyJson}`);
        report.discarded.push({ table: change.table, pk: key });
      }
    }
  }

  /** Rows whose push was refused or stale: back to the team's version (or out, if the team has none). */
  private async restore(): Promise<number> {
    const refusals = await this.db.sqlExecutor().all(`SELECT entity, pk, status FROM _lattice_refusals WHERE restored = 0`);
    const collisions = new Set(refusals.filter((r) => r.status === "collision").map((r) => `${r.entity as string}\u0000${r.pk as string}`));
    let restored = 0;
    const byEntity = new Map<string, string[]>();
    for (const r of refusals) byEntity.set(r.entity as string, [...(byEntity.get(r.entity as string) ?? []), r.pk as string]);
    for (const [entity, keys] of byEntity) {
      const shared = this.shared.get(entity);
      if (!shared || !this.hasEntity(entity)) continue;
      for (const part of chunks(keys, 100)) {
        const values = part.map((k) => JSON.parse(k) as string | number);
        const { rows, owners } = await this.client.currentRows(entity, values);
        const found = new Map(rows.map((r) => [JSON.stringify(this.keyValue(entity, r.pk)), r]));
        const columns = this.db.describe(entity).columns;
        await this.db.withSql(async (x, replicator) => {
          await setReplaying(x, true);
          for (const [id, email] of Object.entries(owners)) {
            await x.run(`INSERT INTO _lattice_owners (id, email) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET email = excluded.email`, [id, email]);
          }
          for (const keyJson of part) {
            const key = JSON.parse(keyJson) as string | number;
            const team = found.get(keyJson);
            if (collisions.has(`${entity}\u0000${keyJson}`)) {
              const local = await x.one(`SELECT _lattice_owner AS owner FROM ${quoteIdentifier(entity)} WHERE ${quoteIdentifier(shared.primaryKey)} = ?`, [key]);
              if (local && local.owner === null) continue; // your row still holds the key
            }
            if (team) {
              const row: Record<string, unknown> = {};
              for (const column of columns) if (column.name in team.row) row[column.name] = fromWire(column, team.row[column.name]);
              await replicator.put(entity, row, { _lattice_owner: team.owner ?? NO_OWNER, _lattice_version: team.version });
            } else {
              const local = await x.one(`SELECT _lattice_owner AS owner FROM ${quoteIdentifier(entity)} WHERE ${quoteIdentifier(shared.primaryKey)} = ?`, [key]);
              if (local?.owner === this.me.userId) {
                await x.run(`UPDATE ${quoteIdentifier(entity)} SET _lattice_owner = NULL, _lattice_version = 0 WHERE ${quoteIdentifier(shared.primaryKey)} = ?`, [key]);
              } else await replicator.remove(entity, key);
            }
            await x.run(`DELETE FROM _lattice_outbox WHERE entity = ? AND pk = ?`, [entity, keyJson]);
            await x.run(`UPDATE _lattice_refusals SET restored = 1 WHERE entity = ? AND pk = ?`, [entity, keyJson]);
            restored += 1;
          }
          await setReplaying(x, false);
        }, { replay: true });
      }
    }
    return restored;
  }

  // ---- sync and status ----

  /** Schema (tables whose local columns grew are shared again), push, then pull. */
  async sync(): Promise<{ shared: ShareResult[]; push: PushReport; pull: PullReport }> {
    const reshared: ShareResult[] = [];
    for (const [table, shared] of this.shared) {
      if (!this.hasEntity(table) || this.db.describe(table).native) continue;
      const local = specOf(this.db.describe(table));
      if (Object.keys(local.columns).some((c) => !(c in shared.columns))) reshared.push(await this.share(table));
    }
    const push = await this.push();
    const pull = await this.pull();
    return { shared: reshared, push, pull };
  }

  async status(): Promise<LocalSyncStatus> {
    const x = this.db.sqlExecutor();
    const tables: LocalSyncStatus["tables"] = [];
    for (const [table] of this.shared) {
      if (!this.hasEntity(table)) continue;
      const counts = await x.one(
        `SELECT count(*) AS rows, count(_lattice_owner) AS linked, sum(CASE WHEN _lattice_owner = ? THEN 1 ELSE 0 END) AS mine FROM ${quoteIdentifier(table)}`,
        [this.me.userId],
      );
      tables.push({ table, rows: Number(counts!.rows), linked: Number(counts!.linked), mine: Number(counts!.mine ?? 0) });
    }
    const pending = Number((await x.one(`SELECT count(*) AS n FROM (SELECT 1 FROM _lattice_outbox GROUP BY entity, pk)`))!.n);
    const refusals = (await x.all(`SELECT entity, pk, status, reason, at, restored FROM _lattice_refusals ORDER BY at DESC LIMIT 20`)).map((r) => ({
      table: r.entity as string,
      pk: JSON.parse(r.pk as string) as string | number,
      status: r.status as string,
      reason: r.reason as string,
      at: r.at as string,
      restored: r.restored === 1,
    }));
    return {
      teamId: await getState(x, "team_id"),
      cloud: await getState(x, "cloud"),
      cursor: Number((await getState(x, "cursor")) ?? 0),
      lastPush: await getState(x, "last_push"),
      lastPull: await getState(x, "last_pull"),
      tables,
      pending,
      refusals,
    };
  }
}

function emptyPush(): PushReport {
  return { pushed: 0, applied: 0, refused: [], stale: [], resent: 0 };
}
