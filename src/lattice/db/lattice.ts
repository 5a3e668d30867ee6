// The local-first database: entities from lattice.config.yml on SQLite (default) or Postgres,
// one API and one behaviour on both. Every write passes through `write()`, the capture point
// that sync hooks into; changes are announced on "change" once they have committed.
import { EventEmitter } from "node:events";
import path from "node:path";
import { loadLatticeConfig, validateLatticeConfig, type ColumnSpec, type ColumnType, type DatabaseTarget, type LatticeConfig } from "../config/config.ts";
import { LatticeError } from "../config/errors.ts";
import { decryptValue, encryptValue, isEncryptedValue, MalformedEncryptedValueError, WrongMasterKeyError } from "../crypto/encrypted-value.ts";
import { loadMasterKey, parseEncryptionKey } from "../crypto/master-key.ts";
import { getDbCredential } from "../home/db-credentials.ts";
import { readIdentity, type Identity } from "../home/identity.ts";
import { latticeHome, latticePaths } from "../home/paths.ts";
import { decodeValue, defaultValue, encodeValue } from "./columns.ts";
import { quoteIdentifier, type Dialect, type SqlDriver, type SqlExecutor, type SqlRow } from "./driver.ts";
import type { EntityDefinition, Row } from "./entity.ts";
import { PostgresDriver } from "./postgres-driver.ts";
import { applySchema, IDENTITY_TABLE, tableName } from "./schema.ts";
import { SqliteDriver } from "./sqlite-driver.ts";
import { buildOrderBy, buildWhere, type OrderBy, type Where } from "./where.ts";

export type { Row } from "./entity.ts";

export interface LatticeOptions {
  /** The key for encrypted columns: 32 bytes, or its hex/base64 text. Default: LATTICE_ENCRYPTION_KEY, else master.key. */
  encryptionKey?: string | Uint8Array;
  /** LATTICE_HOME (master.key, identity.json, db-credentials.enc). Default: $LATTICE_HOME, else ~/.lattice. */
  home?: string;
  /**
   * SQLite: how long a call waits for this Lattice's open transaction before it is refused as
   * IN_TRANSACTION (a call on db from inside db.transaction() would otherwise wait for ever). Default 30 s.
   */
  transactionWaitMs?: number;
}

/** A config file's path, or the config itself as an object of the YAML's shape. */
export type LatticeSource = string | { config: string } | { config: object; baseDir?: string };

export type ChangeOperation = "insert" | "update" | "delete";

/** One committed write: what `db.on("change")` receives and what a write capture sees. */
export interface LatticeChange<R extends Row = Row> {
  entity: string;
  op: ChangeOperation;
  /** The primary key's value. */
  key: string | number;
  /** The row after the write (for a delete, the row as it was). */
  row: R;
  /** True when the write came from applying pulled changes (sync's replay), not from this user. */
  replay: boolean;
}

/**
 * Runs inside the transaction of every write that is not a replay: what it writes with `tx`
 * commits or rolls back with the change itself (sync's outbox).
 */
export type WriteCapture = (change: LatticeChange, tx: SqlExecutor) => void | Promise<void>;

export interface QueryOptions {
  /** Only these columns (an encrypted column left out is not decrypted). Default: all. */
  columns?: readonly string[];
  where?: Where;
  orderBy?: OrderBy;
  limit?: number;
  offset?: number;
}

export interface ColumnInfo extends ColumnSpec {
  name: string;
  primaryKey: boolean;
}

export interface EntityInfo {
  name: string;
  primaryKey: string;
  columns: ColumnInfo[];
  /** A framework entity (secrets, files) rather than one from lattice.config.yml. */
  native: boolean;
}

type Key = string | number;

/** The data calls, on the Lattice itself or on the `tx` of `transaction()`. */
export interface LatticeData<E extends Record<string, Row> = Record<string, Row>> {
  get<K extends keyof E & string>(entity: K, key: Key): Promise<E[K] | null>;
  query<K extends keyof E & string>(entity: K, options?: QueryOptions): Promise<E[K][]>;
  count<K extends keyof E & string>(entity: K, options?: { where?: Where }): Promise<number>;
  insert<K extends keyof E & string>(entity: K, row: Partial<E[K]>): Promise<E[K]>;
  upsert<K extends keyof E & string>(entity: K, row: Partial<E[K]>): Promise<E[K]>;
  update<K extends keyof E & string>(entity: K, key: Key, changes: Partial<E[K]>): Promise<E[K]>;
  delete<K extends keyof E & string>(entity: K, key: Key): Promise<boolean>;
}

interface CompiledEntity {
  definition: EntityDefinition;
  table: string;
  names: string[];
  specs: ColumnSpec[];
  pkIndex: number;
  pkType: ColumnType;
  encrypted: Set<string>;
  /** "entity.column" for each column, as errors name it (built once, not per value). */
  labels: string[];
  /** Indexes of the columns whose stored value is not already the JavaScript value (text, integer and real are). */
  decoded: number[];
  selectList: string;
  insertSql: string;
  getSql: string;
}

interface KeyInUse {
  key: Buffer;
  source: string;
}

const QUERY_OPTIONS = new Set(["columns", "where", "orderBy", "limit", "offset"]);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** One place statements run from: the Lattice's own driver, or a transaction's executor. */
class Session {
  readonly events: LatticeChange[] = [];
  constructor(
    readonly lattice: Lattice<Record<string, Row>>,
    readonly x: SqlExecutor,
    /** Inside `transaction()`: writes join it, events wait for its commit. */
    readonly inTransaction: boolean,
    readonly replaying: boolean,
  ) {}
}

/** Writes of pulled rows (sync), inside a replay transaction. @internal */
export interface Replicator {
  /**
   * Inserts or replaces the whole row, with extra (sync) columns set alongside. `newerBy`: replace
   * only when the extra column's new value is greater (a version); `onlyWhereSet`: replace only a
   * row whose column is not null (a linked row). True when it wrote.
   */
  put(entity: string, row: Row, extra: Record<string, unknown>, options?: { newerBy?: string; onlyWhereSet?: string }): Promise<boolean>;
  remove(entity: string, key: string | number): Promise<boolean>;
}

/** The events a Lattice emits: `db.on("change", (change) => …)` after every committed write. */
export type LatticeEvents = { change: [change: LatticeChange] };

export class Lattice<E extends Record<string, Row> = Record<string, Row>> extends EventEmitter<LatticeEvents> implements LatticeData<E> {
  private readonly source: LatticeSource;
  private readonly options: LatticeOptions;
  private readonly registered = new Map<string, EntityDefinition>();
  private readonly compiled = new Map<string, CompiledEntity>();
  private readonly captures = new Set<WriteCapture>();
  private readonly replicatorSql = new Map<string, string>();
  private driver: SqlDriver | null = null;
  private root: Session | null = null;
  private opening: Promise<void> | null = null;
  private closed = false;
  private keyInUse: KeyInUse | null = null;
  private replayDepth = 0;
  private configFile = "lattice.config.yml";
  /** The project folder: the config's folder. Relative SQLite paths and data/blobs live under it. */
  projectDir: string;
  config: LatticeConfig | null = null;

  constructor(source: LatticeSource, options: LatticeOptions = {}) {
    super();
    this.source = source;
    this.options = options;
    const file = typeof source === "string" ? source : typeof source.config === "string" ? source.config : null;
    if (file !== null) {
      this.configFile = file;
      this.projectDir = path.dirname(path.resolve(file));
    } else {
      this.projectDir = path.resolve((source as { baseDir?: string }).baseDir ?? process.cwd());
    }
  }

  // ---- lifecycle ----

  /**
   * Adds an entity that code defines (framework entities such as secrets and files). Call it
   * before init(); a name the config also defines is refused at init.
   */
  registerEntity(definition: EntityDefinition): void {
    if (this.opening) throw new LatticeError("NOT_READY", `registerEntity("${definition.name}") must come before init()`);
    this.registered.set(definition.name, definition);
  }

  /** Opens the database, applies the schema (additive changes only) and mirrors identity.json. */
  init(): Promise<void> {
    if (this.closed) return Promise.reject(new LatticeError("NOT_READY", "this Lattice is closed"));
    this.opening ??= this.open().catch(async (error) => {
      const driver = this.driver;
      this.driver = null;
      this.root = null;
      this.opening = null;
      await driver?.close().catch(() => {});
      throw error;
    });
    return this.opening;
  }

  private async open(): Promise<void> {
    const config =
      typeof this.source === "string" || typeof this.source.config === "string"
        ? loadLatticeConfig(this.configFile)
        : validateLatticeConfig(this.source.config, { file: "config", baseDir: this.projectDir });
    const definitions: EntityDefinition[] = Object.values(config.entities);
    for (const native of this.registered.values()) {
      if (config.entities[native.name]) {
        throw new LatticeError("INVALID_CONFIG", `${this.configFile}: entities.${native.name}: "${native.name}" is a framework entity (registerNativeEntities adds it); rename yours`);
      }
      definitions.push(native);
    }
    this.driver = await this.openDriver(config.database);
    await this.driver.transaction((tx) => applySchema(tx, definitions));
    this.compiled.clear();
    this.replicatorSql.clear();
    for (const definition of definitions) this.compiled.set(definition.name, this.compile(this.driver.dialect, definition));
    this.config = config;
    this.root = new Session(this as unknown as Lattice, this.driver, false, false);
    await this.mirrorIdentity();
  }

  private async openDriver(target: DatabaseTarget): Promise<SqlDriver> {
    if (target.kind === "sqlite") return SqliteDriver.open(target.path, { transactionWaitMs: this.options.transactionWaitMs });
    let url = target.kind === "postgres" ? target.url : null;
    if (target.kind === "credential") {
      try {
        url = getDbCredential(target.label, { home: this.home() });
      } catch (error) {
        throw new LatticeError("DATABASE_UNAVAILABLE", `\${LATTICE_DB:${target.label}}: ${(error as Error).message}`, { cause: error });
      }
      if (!url) {
        throw new LatticeError("DATABASE_UNAVAILABLE", `\${LATTICE_DB:${target.label}}: no database credentials labelled "${target.label}"; add them with lattice db-credentials set ${target.label} <postgres-url>`);
      }
    }
    return PostgresDriver.open(url!);
  }

  /** identity.json → the singleton __lattice_user_identity, on every open (the seed's mirror). */
  private async mirrorIdentity(): Promise<void> {
    let identity: Identity | null;
    try {
      identity = readIdentity(this.home());
    } catch {
      identity = null; // a damaged identity.json is `lattice identity`'s to report, not every open's
    }
    const table = tableName(this.dialect, IDENTITY_TABLE);
    const p = this.dialect === "sqlite" ? ["?", "?", "?"] : ["$1", "$2", "$3"];
    await this.driver!.transaction(async (tx) => {
      if (!identity) {
        await tx.run(`DELETE FROM ${table}`);
        return;
      }
      await tx.run(
        `INSERT INTO ${table} (id, display_name, email, mirrored_at) VALUES (1, ${p[0]}, ${p[1]}, ${p[2]})
         ON CONFLICT (id) DO UPDATE SET display_name = excluded.display_name, email = excluded.email, mirrored_at = excluded.mirrored_at`,
        [identity.displayName, identity.email, new Date().toISOString()],
      );
    });
  }

  /** The identity mirrored at open (null when identity.json does not exist). */
  async userIdentity(): Promise<Identity | null> {
    const session = this.session();
    const row = await session.x.one(`SELECT display_name, email FROM ${tableName(this.dialect, IDENTITY_TABLE)} WHERE id = 1`);
    return row ? { displayName: row.display_name as string, email: row.email as string } : null;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.opening?.catch(() => {});
    const driver = this.driver;
    this.driver = null;
    this.root = null;
    await driver?.close();
  }

  get dialect(): Dialect {
    if (!this.driver) throw new LatticeError("NOT_READY", this.closed ? "this Lattice is closed" : "call await db.init() first");
    return this.driver.dialect;
  }

  private home(): string {
    return this.options.home ?? latticeHome();
  }

  // ---- schema introspection ----

  entities(): EntityInfo[] {
    this.session();
    return [...this.compiled.values()].map((entity) => this.info(entity.definition));
  }

  describe(entity: string): EntityInfo {
    return this.info(this.entity(entity).definition);
  }

  private info(definition: EntityDefinition): EntityInfo {
    return {
      name: definition.name,
      primaryKey: definition.primaryKey,
      native: definition.native === true,
      columns: Object.entries(definition.columns).map(([name, spec]) => ({ name, ...spec, primaryKey: name === definition.primaryKey })),
    };
  }

  private compile(dialect: Dialect, definition: EntityDefinition): CompiledEntity {
    const names = Object.keys(definition.columns);
    const table = tableName(dialect, definition.name);
    const selectList = names.map(quoteIdentifier).join(", ");
    const placeholders = names.map((_, i) => (dialect === "sqlite" ? "?" : `$${i + 1}`)).join(", ");
    const pk = quoteIdentifier(definition.primaryKey);
    return {
      definition,
      table,
      names,
      specs: names.map((name) => definition.columns[name]!),
      pkIndex: names.indexOf(definition.primaryKey),
      pkType: definition.columns[definition.primaryKey]!.type,
      encrypted: new Set(names.filter((name) => definition.columns[name]!.encrypted)),
      labels: names.map((name) => `${definition.name}.${name}`),
      decoded: names.flatMap((name, i) => {
        const spec = definition.columns[name]!;
        return spec.encrypted || !["text", "integer", "real"].includes(spec.type) ? [i] : [];
      }),
      selectList,
      insertSql: `INSERT INTO ${table} (${selectList}) VALUES (${placeholders})`,
      getSql: `SELECT ${selectList} FROM ${table} WHERE ${pk} = ${dialect === "sqlite" ? "?" : "$1"}`,
    };
  }

  /** A rejected promise when the Lattice is not open (data calls reject rather than throw). */
  private guard(): Promise<never> | undefined {
    if (this.root) return undefined;
    try {
      this.session();
    } catch (error) {
      return Promise.reject(error);
    }
    return undefined;
  }

  private session(): Session {
    if (!this.root) {
      throw new LatticeError("NOT_READY", this.closed ? "this Lattice is closed" : this.opening ? "init() has not finished: await db.init() first" : "call await db.init() first");
    }
    return this.root;
  }

  private entity(name: string): CompiledEntity {
    this.session();
    const entity = typeof name === "string" ? this.compiled.get(name) : undefined;
    if (!entity) {
      const known = [...this.compiled.keys()].join(", ") || "none";
      throw new LatticeError("UNKNOWN_ENTITY", `no entity "${String(name)}" (entities: ${known})`);
    }
    return entity;
  }

  // ---- encryption ----

  private key(): KeyInUse {
    if (this.keyInUse) return this.keyInUse;
    const given = this.options.encryptionKey;
    try {
      if (given !== undefined && given !== "") {
        this.keyInUse = { key: typeof given === "string" ? parseEncryptionKey(given) : Buffer.from(parseKeyBytes(given)), source: "the encryptionKey option" };
      } else if (process.env.LATTICE_ENCRYPTION_KEY?.trim()) {
        this.keyInUse = { key: parseEncryptionKey(process.env.LATTICE_ENCRYPTION_KEY), source: "LATTICE_ENCRYPTION_KEY" };
      } else {
        const home = this.home();
        this.keyInUse = { key: loadMasterKey({ home, env: {} }), source: latticePaths(home).masterKey };
      }
    } catch (error) {
      throw new LatticeError("INVALID_KEY", (error as Error).message.replace(/^LATTICE_ENCRYPTION_KEY/, given ? "the encryptionKey option" : "LATTICE_ENCRYPTION_KEY"), { cause: error });
    }
    return this.keyInUse;
  }

  private decrypt(entity: string, column: string, key: Key, stored: string): string {
    if (!isEncryptedValue(stored)) return stored; // written as plain text by raw SQL; rotateEncryptionKey seals it
    const { key: secret, source } = this.key();
    try {
      return decryptValue(stored, secret);
    } catch (error) {
      if (error instanceof WrongMasterKeyError) {
        throw new LatticeError("WRONG_KEY", `${entity} ${JSON.stringify(key)}: ${column} cannot be decrypted with the key from ${source}; it was encrypted with another key (pass the right one as encryptionKey or LATTICE_ENCRYPTION_KEY)`, { cause: error });
      }
      if (error instanceof MalformedEncryptedValueError) {
        throw new LatticeError("WRONG_KEY", `${entity} ${JSON.stringify(key)}: ${column} is damaged (${error.message})`, { cause: error });
      }
      throw error;
    }
  }

  /**
   * Re-encrypts every encrypted value with `newKey`, in one transaction: either every value is
   * sealed with the new key, or (a value the current key cannot open, a crash) none is. From
   * then on this Lattice uses `newKey`; pass it as encryptionKey (or LATTICE_ENCRYPTION_KEY)
   * when you open the database again.
   */
  async rotateEncryptionKey(newKey: string | Uint8Array): Promise<{ reencrypted: number }> {
    let next: Buffer;
    try {
      next = typeof newKey === "string" ? parseEncryptionKey(newKey) : Buffer.from(parseKeyBytes(newKey));
    } catch (error) {
      throw new LatticeError("INVALID_KEY", (error as Error).message.replace(/^LATTICE_ENCRYPTION_KEY/, "the new key"), { cause: error });
    }
    const driver = this.driver ?? (this.session(), this.driver!);
    let reencrypted = 0;
    await driver.transaction(async (tx) => {
      for (const entity of this.compiled.values()) {
        if (entity.encrypted.size === 0) continue;
        const pk = quoteIdentifier(entity.definition.primaryKey);
        for (const column of entity.encrypted) {
          const c = quoteIdentifier(column);
          const rows = await tx.all(`SELECT ${pk} AS k, ${c} AS v FROM ${entity.table} WHERE ${c} IS NOT NULL`);
          for (const row of rows) {
            const plain = this.decrypt(entity.definition.name, column, row.k as Key, row.v as string);
            const param = (i: number) => (tx.dialect === "sqlite" ? "?" : `$${i}`);
            await tx.run(`UPDATE ${entity.table} SET ${c} = ${param(1)} WHERE ${pk} = ${param(2)}`, [encryptValue(plain, next), row.k]);
            reencrypted += 1;
          }
        }
      }
    });
    this.keyInUse = { key: next, source: "the key given to rotateEncryptionKey" };
    return { reencrypted };
  }

  // ---- rows: encode and decode ----

  /** The driver's row (a fresh object holding exactly the entity's columns, in order) decoded in place. */
  private decodeRow(entity: CompiledEntity, stored: SqlRow): Row {
    const dialect = this.driver!.dialect;
    for (const i of entity.decoded) {
      const name = entity.names[i]!;
      const raw = stored[name];
      if (raw === undefined) continue; // not selected (query's columns option)
      const value = decodeValue(dialect, entity.specs[i]!.type, raw);
      stored[name] = entity.specs[i]!.encrypted && typeof value === "string" ? this.decrypt(entity.definition.name, name, stored[entity.definition.primaryKey] as Key, value) : value;
    }
    return stored;
  }

  private checkRow(entity: CompiledEntity, row: unknown, what: string): Record<string, unknown> {
    if (!isPlainObject(row)) throw new LatticeError("INVALID_VALUE", `${entity.definition.name}: ${what} must be an object of column values`);
    for (const name in row) {
      if (!Object.hasOwn(entity.definition.columns, name)) {
        throw new LatticeError("UNKNOWN_COLUMN", `${entity.definition.name} has no column "${name}" (columns: ${entity.names.join(", ")})`);
      }
    }
    return row;
  }

  private encodeKey(entity: CompiledEntity, key: unknown): unknown {
    if (key === null || key === undefined) throw new LatticeError("INVALID_VALUE", `${entity.definition.name}: a primary key (${entity.definition.primaryKey}) is required`);
    return encodeValue(this.driver!.dialect, entity.pkType, key, entity.labels[entity.pkIndex]!);
  }

  /** A new row: defaults and timestamps filled in, nullability checked (types are checked by encodeRow). */
  /** `replaying`: a pulled row keeps the timestamps it was written with elsewhere. */
  private newRow(entity: CompiledEntity, input: unknown, replaying = false): Row {
    const given = this.checkRow(entity, input, "the row");
    const definition = entity.definition;
    const now = definition.timestamps ? new Date().toISOString() : "";
    const row: Row = {};
    for (let i = 0; i < entity.names.length; i++) {
      const name = entity.names[i]!;
      const spec = entity.specs[i]!;
      let value = given[name];
      if ((name === definition.timestamps?.createdAt || name === definition.timestamps?.updatedAt) && !(replaying && value !== undefined)) value = now;
      if (value === undefined) {
        if (spec.default !== undefined) value = defaultValue(spec);
        else if (spec.nullable) value = null;
        else throw new LatticeError("INVALID_VALUE", `${definition.name}: "${name}" is required (${spec.type}${i === entity.pkIndex ? ", the primary key" : ""})`);
      } else if (value === null && !spec.nullable) {
        throw new LatticeError("INVALID_VALUE", `${definition.name}.${name} cannot be null`);
      }
      row[name] = value;
    }
    return row;
  }

  /**
   * The row's parameters, each value checked against its column; also turns the row into what it
   * reads back as (datetimes normalised, bytes as Buffer) from the same encoding, without a read.
   */
  private encodeRow(entity: CompiledEntity, row: Row): unknown[] {
    const dialect = this.driver!.dialect;
    const params = new Array<unknown>(entity.names.length);
    for (let i = 0; i < entity.names.length; i++) {
      const spec = entity.specs[i]!;
      if (spec.encrypted) checkSecretValue(row[entity.names[i]!], entity.labels[i]!);
      let value = encodeValue(dialect, spec.type, row[entity.names[i]!], entity.labels[i]!);
      // An encoded datetime is already its canonical ISO text, an encoded blob a Buffer: what they decode to.
      if (spec.type === "datetime" || spec.type === "blob") row[entity.names[i]!] = value;
      if (spec.encrypted && typeof value === "string") value = encryptValue(value, this.key().key);
      params[i] = value;
    }
    return params;
  }

  // ---- the capture point ----

  /**
   * Registers a capture that runs inside the transaction of every non-replay write (sync's outbox).
   * Returns a function that removes it.
   */
  addWriteCapture(capture: WriteCapture): () => void {
    this.captures.add(capture);
    return () => this.captures.delete(capture);
  }

  /** True while a `replay()` transaction is running. */
  get isReplaying(): boolean {
    return this.replayDepth > 0;
  }

  /**
   * A transaction whose writes are applied changes from elsewhere (a pull): captures do not see
   * them, so they never re-enter the outbox, and their change events say `replay: true`.
   */
  replay<T>(fn: (tx: LatticeData<E>) => Promise<T>): Promise<T> {
    return this.runTransaction(fn, true);
  }

  /** Runs `fn` in one transaction: every write in it commits together, or none does. */
  transaction<T>(fn: (tx: LatticeData<E>) => Promise<T>): Promise<T> {
    return this.runTransaction(fn, false);
  }

  private runTransaction<T>(fn: (tx: LatticeData<E>) => Promise<T>, replaying: boolean): Promise<T> {
    if (typeof fn !== "function") return Promise.reject(new LatticeError("INVALID_VALUE", "transaction() takes a function (tx) => …"));
    return this.inTransaction(replaying, (session) => fn(this.bind(session)));
  }

  private async inTransaction<T>(replaying: boolean, fn: (session: Session) => Promise<T>): Promise<T> {
    const driver = (this.session(), this.driver!);
    let session!: Session;
    if (replaying) this.replayDepth += 1;
    try {
      const result = await driver.transaction((x) => {
        session = new Session(this as unknown as Lattice, x, true, replaying);
        return fn(session);
      });
      this.announce(session.events);
      return result;
    } finally {
      if (replaying) this.replayDepth -= 1;
    }
  }

  /**
   * For latticesql's own sync engine, not application code: `fn` runs in one transaction with the
   * raw SQL executor (sync's bookkeeping tables) and, for `replay`, a replicator that writes pulled
   * rows with their sync columns in one statement each. Replayed writes skip captures.
   * @internal
   */
  async withSql<T>(fn: (x: SqlExecutor, replicator: Replicator) => Promise<T>, options: { replay?: boolean } = {}): Promise<T> {
    return this.inTransaction(options.replay === true, (session) => fn(session.x, this.replicator(session)));
  }

  /** The raw executor outside any transaction (reads of sync's bookkeeping). @internal */
  sqlExecutor(): SqlExecutor {
    return this.session().x;
  }

  private replicator(session: Session): Replicator {
    return {
      put: async (name, input, extra, options = {}) => {
        const entity = this.entity(name);
        const row = this.newRow(entity, input, true);
        if (entity.definition.beforeWrite) await entity.definition.beforeWrite(row, { projectDir: this.projectDir });
        const params = this.encodeRow(entity, row);
        const extraNames = Object.keys(extra);
        // Built once per shape: a pull applies thousands of rows of one table with the same options.
        const shape = `${name}\u0000${extraNames.join(",")}\u0000${options.newerBy ?? ""}\u0000${options.onlyWhereSet ?? ""}`;
        let sql = this.replicatorSql.get(shape);
        if (sql === undefined) {
          const key = quoteIdentifier(entity.definition.primaryKey);
          const all = [...entity.names.map(quoteIdentifier), ...extraNames.map(quoteIdentifier)];
          const dialect = this.driver!.dialect;
          sql =
            `INSERT INTO ${entity.table} (${all.join(", ")}) VALUES (${all.map((_, i) => (dialect === "sqlite" ? "?" : `$${i + 1}`)).join(", ")}) ` +
            `ON CONFLICT (${key}) DO UPDATE SET ${all.filter((c) => c !== key).map((c) => `${c} = excluded.${c}`).join(", ")}` +
            where([
              options.newerBy ? `excluded.${quoteIdentifier(options.newerBy)} > ${entity.table}.${quoteIdentifier(options.newerBy)}` : "",
              options.onlyWhereSet ? `${entity.table}.${quoteIdentifier(options.onlyWhereSet)} IS NOT NULL` : "",
            ]);
          this.replicatorSql.set(shape, sql);
        }
        const written = await session.x.run(sql, [...params, ...extraNames.map((n) => extra[n])]);
        if (written === 0) return false;
        if (this.listenerCount("change") > 0) session.events.push({ entity: name, op: "update", key: row[entity.definition.primaryKey] as Key, row, replay: true });
        return true;
      },
      remove: async (name, key) => {
        const entity = this.entity(name);
        const sql = `DELETE FROM ${entity.table} WHERE ${quoteIdentifier(entity.definition.primaryKey)} = ${this.driver!.dialect === "sqlite" ? "?" : "$1"}`;
        const removed = (await session.x.run(sql, [this.encodeKey(entity, key)])) > 0;
        if (removed && this.listenerCount("change") > 0) session.events.push({ entity: name, op: "delete", key, row: { [entity.definition.primaryKey]: key }, replay: true });
        return removed;
      },
    };
  }

  private bind(session: Session): LatticeData<E> {
    return {
      get: (entity, key) => this.getIn(session, entity, key) as never,
      query: (entity, options) => this.queryIn(session, entity, options) as never,
      count: (entity, options) => this.countIn(session, entity, options),
      insert: (entity, row) => this.insertIn(session, entity, row) as never,
      upsert: (entity, row) => this.upsertIn(session, entity, row) as never,
      update: (entity, key, changes) => this.updateIn(session, entity, key, changes) as never,
      delete: (entity, key) => this.deleteIn(session, entity, key),
    };
  }

  private announce(events: LatticeChange[]): void {
    for (const event of events) {
      try {
        this.emit("change", event);
      } catch (error) {
        // The write has committed; a listener's failure must not look like the write's.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  /**
   * Every write goes through here: `statement` runs, then each capture, in one transaction
   * (the caller's, or one of its own when there are captures); the change is announced after
   * the commit.
   */
  private async write<T extends Row | null>(session: Session, entity: CompiledEntity, op: ChangeOperation, key: Key, statement: (x: SqlExecutor) => Promise<T>): Promise<T> {
    const change = (row: Row): LatticeChange => ({ entity: entity.definition.name, op, key, row, replay: session.replaying });
    if (session.inTransaction) {
      const row = await statement(session.x);
      const captures = session.replaying ? 0 : this.captures.size;
      if (row && (captures > 0 || this.listenerCount("change") > 0)) {
        const event = change(row);
        if (captures > 0) for (const capture of this.captures) await capture(event, session.x);
        session.events.push(event);
      }
      return row;
    }
    if (this.captures.size === 0) {
      const row = await statement(session.x);
      if (row && this.listenerCount("change") > 0) this.announce([change(row)]);
      return row;
    }
    let event: LatticeChange | null = null;
    const row = await this.driver!.transaction(async (x) => {
      const written = await statement(x);
      if (written) {
        event = change(written);
        for (const capture of this.captures) await capture(event, x);
      }
      return written;
    });
    if (event) this.announce([event]);
    return row;
  }

  private duplicate(entity: CompiledEntity, key: unknown, error: LatticeError): LatticeError {
    if (error.code !== "DUPLICATE_KEY") return error;
    return new LatticeError("DUPLICATE_KEY", `${entity.definition.name}: a row with ${entity.definition.primaryKey} ${JSON.stringify(key)} already exists (use update or upsert to change it)`, { cause: error });
  }

  // ---- data calls ----

  get<K extends keyof E & string>(entity: K, key: Key): Promise<E[K] | null> {
    return this.guard() ?? this.getIn(this.root!, entity, key) as Promise<E[K] | null>;
  }
  query<K extends keyof E & string>(entity: K, options?: QueryOptions): Promise<E[K][]> {
    return this.guard() ?? this.queryIn(this.root!, entity, options) as Promise<E[K][]>;
  }
  count<K extends keyof E & string>(entity: K, options?: { where?: Where }): Promise<number> {
    return this.guard() ?? this.countIn(this.root!, entity, options);
  }
  insert<K extends keyof E & string>(entity: K, row: Partial<E[K]>): Promise<E[K]> {
    return this.guard() ?? this.insertIn(this.root!, entity, row) as Promise<E[K]>;
  }
  upsert<K extends keyof E & string>(entity: K, row: Partial<E[K]>): Promise<E[K]> {
    return this.guard() ?? this.upsertIn(this.root!, entity, row) as Promise<E[K]>;
  }
  update<K extends keyof E & string>(entity: K, key: Key, changes: Partial<E[K]>): Promise<E[K]> {
    return this.guard() ?? this.updateIn(this.root!, entity, key, changes) as Promise<E[K]>;
  }
  delete<K extends keyof E & string>(entity: K, key: Key): Promise<boolean> {
    return this.guard() ?? this.deleteIn(this.root!, entity, key);
  }

  private async getIn(session: Session, name: string, key: Key): Promise<Row | null> {
    const entity = this.entity(name);
    const stored = await session.x.one(entity.getSql, [this.encodeKey(entity, key)]);
    return stored ? this.decodeRow(entity, stored) : null;
  }

  private async queryIn(session: Session, name: string, given: QueryOptions = {}): Promise<Row[]> {
    const entity = this.entity(name);
    const options = given;
    if (!isPlainObject(given)) throw new LatticeError("INVALID_QUERY", `query options must be an object ({where, orderBy, limit, offset})`);
    for (const option in given) {
      if (!QUERY_OPTIONS.has(option)) throw new LatticeError("INVALID_QUERY", `unknown query option "${option}" (columns, where, orderBy, limit, offset)`);
    }
    const params: unknown[] = [];
    const dialect = this.driver!.dialect;
    let sql = `SELECT ${options.columns === undefined ? entity.selectList : this.selectColumns(entity, options.columns)} FROM ${entity.table}`;
    sql += buildWhere(dialect, entity.definition, options.where, params);
    sql += buildOrderBy(entity.definition, options.orderBy);
    const limit = checkCount(options.limit, "limit");
    const offset = checkCount(options.offset, "offset");
    if (limit !== undefined || offset !== undefined) {
      // SQLite needs a LIMIT before an OFFSET; -1 means none there, Postgres takes ALL.
      sql += ` LIMIT ${limit ?? (dialect === "sqlite" ? -1 : "ALL")}`;
      if (offset !== undefined) sql += ` OFFSET ${offset}`;
    }
    const rows = await session.x.all(sql, params);
    return rows.map((stored) => this.decodeRow(entity, stored));
  }

  private selectColumns(entity: CompiledEntity, columns: unknown): string {
    if (!Array.isArray(columns) || columns.length === 0) throw new LatticeError("INVALID_QUERY", "columns must be a non-empty list of column names");
    for (const column of columns) {
      if (typeof column !== "string" || !Object.hasOwn(entity.definition.columns, column)) {
        throw new LatticeError("UNKNOWN_COLUMN", `${entity.definition.name} has no column "${String(column)}" (columns: ${entity.names.join(", ")})`);
      }
    }
    // The key is always read: a decryption error names the row by it.
    const wanted = new Set<string>([entity.definition.primaryKey, ...columns]);
    return entity.names.filter((name) => wanted.has(name)).map(quoteIdentifier).join(", ");
  }

  private async countIn(session: Session, name: string, given: { where?: Where } = {}): Promise<number> {
    const entity = this.entity(name);
    const options = given;
    if (!isPlainObject(given)) throw new LatticeError("INVALID_QUERY", "count options must be an object ({where})");
    for (const option in given) if (option !== "where") throw new LatticeError("INVALID_QUERY", `unknown count option "${option}" (where)`);
    const params: unknown[] = [];
    const sql = `SELECT COUNT(*) AS n FROM ${entity.table}${buildWhere(this.driver!.dialect, entity.definition, options.where, params)}`;
    const row = await session.x.one(sql, params);
    return Number(row!.n);
  }

  private async insertIn(session: Session, name: string, input: unknown): Promise<Row> {
    const entity = this.entity(name);
    const row = this.newRow(entity, input, session.replaying);
    if (entity.definition.beforeWrite) await entity.definition.beforeWrite(row, { projectDir: this.projectDir });
    const params = this.encodeRow(entity, row);
    const key = row[entity.definition.primaryKey] as Key;
    try {
      // Nobody listening and nothing to capture (a bulk load): the statement alone, no change object.
      if (this.captures.size === 0 && this.listenerCount("change") === 0) {
        await session.x.run(entity.insertSql, params);
        return row;
      }
      return await this.write(session, entity, "insert", key, async (x) => {
        await x.run(entity.insertSql, params);
        return row;
      });
    } catch (error) {
      throw error instanceof LatticeError ? this.duplicate(entity, key, error) : error;
    }
  }

  private async updateIn(session: Session, name: string, key: Key, input: unknown): Promise<Row> {
    const entity = this.entity(name);
    const definition = entity.definition;
    const changes = { ...this.checkRow(entity, input, "the changes") };
    const encodedKey = this.encodeKey(entity, key);
    const pk = definition.primaryKey;
    if (changes[pk] !== undefined && this.encodeKey(entity, changes[pk]) !== encodedKey) {
      throw new LatticeError("INVALID_VALUE", `${definition.name}: the primary key (${pk}) cannot be changed by update; insert a new row and delete the old one`);
    }
    delete changes[pk];
    // A pulled change (replay) keeps the timestamps it carries; a local one gets the library's.
    if (definition.timestamps?.createdAt && !session.replaying) delete changes[definition.timestamps.createdAt];
    if (definition.timestamps?.updatedAt && !(session.replaying && changes[definition.timestamps.updatedAt] !== undefined)) {
      changes[definition.timestamps.updatedAt] = new Date().toISOString();
    }
    for (const column in changes) {
      if (changes[column] === undefined) delete changes[column];
      else if (changes[column] === null && !definition.columns[column]!.nullable) throw new LatticeError("INVALID_VALUE", `${definition.name}.${column} cannot be null`);
    }
    const dialect = this.driver!.dialect;
    const columns = Object.keys(changes);
    const run = async (x: SqlExecutor): Promise<Row> => {
      if (definition.beforeWrite && columns.length > 0) {
        const current = await x.one(entity.getSql, [encodedKey]);
        if (!current) throw this.notFound(entity, key);
        await definition.beforeWrite({ ...this.decodeRow(entity, current), ...changes }, { projectDir: this.projectDir });
      }
      const params: unknown[] = [];
      const assignments = columns.map((column) => {
        const spec = definition.columns[column]!;
        if (spec.encrypted) checkSecretValue(changes[column], `${definition.name}.${column}`);
        let value = encodeValue(dialect, spec.type, changes[column], `${definition.name}.${column}`);
        if (spec.encrypted && typeof value === "string") value = encryptValue(value, this.key().key);
        params.push(value);
        return `${quoteIdentifier(column)} = ${dialect === "sqlite" ? "?" : `$${params.length}`}`;
      });
      params.push(encodedKey);
      const where = `${quoteIdentifier(pk)} = ${dialect === "sqlite" ? "?" : `$${params.length}`}`;
      // No changes still answers the row (and NOT_FOUND for a missing one) without writing.
      const sql = assignments.length
        ? `UPDATE ${entity.table} SET ${assignments.join(", ")} WHERE ${where} RETURNING ${entity.selectList}`
        : `SELECT ${entity.selectList} FROM ${entity.table} WHERE ${where}`;
      const stored = await x.one(sql, params);
      if (!stored) throw this.notFound(entity, key);
      return this.decodeRow(entity, stored);
    };
    if (columns.length === 0) return run(session.x);
    return this.write(session, entity, "update", key, run);
  }

  private async upsertIn(session: Session, name: string, input: unknown): Promise<Row> {
    const entity = this.entity(name);
    const row = this.checkRow(entity, input, "the row");
    const key = row[entity.definition.primaryKey];
    this.encodeKey(entity, key);
    const body = async (s: Session) => ((await this.getIn(s, name, key as Key)) ? this.updateIn(s, name, key as Key, row) : this.insertIn(s, name, row));
    if (session.inTransaction) return body(session);
    // Read and write in one transaction, so a concurrent insert of the same key cannot slip between.
    return this.inTransaction(session.replaying, body);
  }

  private async deleteIn(session: Session, name: string, key: Key): Promise<boolean> {
    const entity = this.entity(name);
    const encodedKey = this.encodeKey(entity, key);
    const sql = `DELETE FROM ${entity.table} WHERE ${quoteIdentifier(entity.definition.primaryKey)} = ${this.driver!.dialect === "sqlite" ? "?" : "$1"} RETURNING ${entity.selectList}`;
    const row = await this.write(session, entity, "delete", key, async (x) => {
      const stored = await x.one(sql, [encodedKey]);
      return stored ? this.decodeRow(entity, stored) : null;
    });
    return row !== null;
  }

  private notFound(entity: CompiledEntity, key: Key): LatticeError {
    return new LatticeError("NOT_FOUND", `${entity.definition.name}: no row with ${entity.definition.primaryKey} ${JSON.stringify(key)}`);
  }
}

function where(conditions: string[]): string {
  const set = conditions.filter(Boolean);
  return set.length ? ` WHERE ${set.join(" AND ")}` : "";
}

/** An encrypted column's wrong value is refused without being echoed: it may be the secret itself. */
function checkSecretValue(value: unknown, where: string): void {
  if (value !== null && value !== undefined && typeof value !== "string") {
    throw new LatticeError("INVALID_VALUE", `${where}: expected a string for an encrypted text column, got ${Array.isArray(value) ? "an array" : typeof value}`);
  }
}

function parseKeyBytes(key: Uint8Array): Uint8Array {
  if (!(key instanceof Uint8Array) || key.length !== 32) throw new Error(`LATTICE_ENCRYPTION_KEY must be exactly 32 bytes (got ${key instanceof Uint8Array ? key.length : typeof key})`);
  return key;
}

function checkCount(value: unknown, what: string): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isSafeInteger(value) || (value as number) < 0) throw new LatticeError("INVALID_QUERY", `${what} must be a whole number ≥ 0 (got ${JSON.stringify(value)})`);
  return value as number;
}
