import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { writeIdentity } from "../home/identity.ts";
import { attachBlob, attachBlobBytes, blobPath, readBlob } from "../framework/blob-store.ts";
import { Lattice, type LatticeChange } from "./lattice.ts";
import { BACKENDS, createProject, rawTable, type Backend, type TestProject } from "../../../test/support/lattice-project.ts";

// One suite, both backends: every behaviour below must be the same on SQLite and on Postgres.

const TASKS = `
entities:
  tasks:
    columns:
      id: { type: text, primaryKey: true }
      title: text
      status: { type: text, default: todo, index: true }
      points: { type: integer, default: 1 }
      estimate: { type: real, nullable: true }
      done: { type: boolean, default: false }
      tags: { type: json, nullable: true }
      due: { type: datetime, nullable: true }
      attachment: { type: blob, nullable: true }
`;

const KEY_A = crypto.randomBytes(32).toString("base64");
const KEY_B = crypto.randomBytes(32).toString("hex");

async function refusal(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    expect((error as Error).name).toBe("LatticeError");
    return { code: (error as { code: string }).code, message: (error as Error).message };
  }
  throw new Error("expected a LatticeError");
}

function rawBytes(project: TestProject): Buffer {
  const data = path.join(project.dir, "data");
  return Buffer.concat(fs.readdirSync(data).filter((f) => f.startsWith("lattice.db")).map((f) => fs.readFileSync(path.join(data, f))));
}

describe.each(BACKENDS)("Lattice on %s", (backend: Backend) => {
  let project: TestProject;
  afterEach(async () => {
    await project?.cleanup();
  });

  async function openTasks(options: Parameters<TestProject["open"]>[0] = {}) {
    project = await createProject(backend, TASKS);
    return project.open({ encryptionKey: KEY_A, ...options });
  }

  async function snapshot(entity = "tasks") {
    return project.sql(`SELECT * FROM ${rawTable(backend, entity)} ORDER BY 1`);
  }

  it("runs the seed's snippet: secrets encrypted at rest, files in data/blobs, update by key", async () => {
    const db = await openTasks();
    await db.insert("secrets", { name: "OPENAI_API_KEY", kind: "api-key", value: "sk-seed-plaintext-4317" });
    fs.writeFileSync(path.join(project.dir, "contract.pdf"), "%PDF-1.4 contract bytes");
    const meta = await attachBlob(path.join(project.dir, "contract.pdf"), project.dir);
    await db.insert("files", meta);
    await db.insert("tasks", { id: "task-002", title: "Ship it" });
    const updated = await db.update("tasks", "task-002", { status: "done" });

    expect(updated).toMatchObject({ id: "task-002", status: "done", points: 1, done: false });
    const secret = await db.get("secrets", "OPENAI_API_KEY");
    expect(secret).toMatchObject({ name: "OPENAI_API_KEY", kind: "api-key", value: "sk-seed-plaintext-4317" });
    expect(secret!.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const file = await db.get("files", meta.sha256);
    expect(file).toMatchObject({ name: "contract.pdf", size: 23, mimeType: "application/pdf" });
    expect((await readBlob(project.dir, meta.sha256)).toString()).toBe("%PDF-1.4 contract bytes");
    expect(fs.existsSync(path.join(project.dir, "data/blobs", meta.sha256))).toBe(true);

    // The raw database holds enc:<base64>, never the plaintext.
    const [raw] = await project.sql(`SELECT value FROM ${rawTable(backend, "secrets")}`);
    expect(raw!.value).toMatch(/^enc:[A-Za-z0-9+/]+=*$/);
    await db.close();
    if (backend === "sqlite") {
      expect(rawBytes(project).includes("sk-seed-plaintext-4317")).toBe(false);
      expect(rawBytes(project).includes("OPENAI_API_KEY")).toBe(true); // the scan can see what is there
    } else {
      const rows = await project.sql(`SELECT t::text AS everything FROM lattice_data.secrets t`);
      expect(rows[0]!.everything).toContain("OPENAI_API_KEY");
      expect(rows[0]!.everything).not.toContain("sk-seed-plaintext-4317");
    }
  });

  it("reads back every column type the same way, nulls and defaults included", async () => {
    const db = await openTasks();
    const written = await db.insert("tasks", {
      id: "t1",
      title: "Ünïcode ✓ 'quoted' \"too\"",
      points: 9007199254740991,
      estimate: 2.5,
      done: true,
      tags: { list: ["a", 1, null, true], nested: { deep: 1.25 } },
      due: "2026-12-02T15:04:05+01:00",
      attachment: Buffer.from([0, 1, 2, 255]),
    });
    const expected = {
      id: "t1",
      title: "Ünïcode ✓ 'quoted' \"too\"",
      status: "todo",
      points: 9007199254740991,
      estimate: 2.5,
      done: true,
      tags: { list: ["a", 1, null, true], nested: { deep: 1.25 } },
      due: "2026-12-02T14:04:05.000Z",
      attachment: Buffer.from([0, 1, 2, 255]),
    };
    expect(written).toEqual(expected);
    expect(await db.get("tasks", "t1")).toEqual(expected);
    // JSON text that merely spells \u0000 is fine; a real NUL is refused (Postgres cannot store it).
    expect((await db.insert("tasks", { id: "j1", title: "j", tags: { text: "\\u0000 is six characters" } })).tags).toEqual({ text: "\\u0000 is six characters" });
    expect(await refusal(db.insert("tasks", { id: "j2", title: "j", tags: { text: "\u0000" } }))).toMatchObject({ code: "INVALID_VALUE", message: expect.stringContaining("NUL") });
    await db.insert("tasks", { id: "t2", title: "defaults" });
    expect(await db.get("tasks", "t2")).toEqual({ id: "t2", title: "defaults", status: "todo", points: 1, estimate: null, done: false, tags: null, due: null, attachment: null });
    expect(await db.get("tasks", "missing")).toBeNull();
  });

  it("queries with comparisons, in, like (case-sensitive), isNull, orderBy, limit/offset and count", async () => {
    const db = await openTasks();
    const rows = [
      { id: "a", title: "Alpha", points: 5, status: "todo", due: "2026-01-01T00:00:00Z" },
      { id: "b", title: "beta", points: 3, status: "done" },
      { id: "c", title: "Gamma", points: 8, status: "todo", due: "2026-06-01T00:00:00Z" },
      { id: "d", title: "delta", points: 3, status: "doing" },
    ];
    for (const row of rows) await db.insert("tasks", row);
    const ids = (list: Record<string, unknown>[]) => list.map((row) => row.id);

    expect(ids(await db.query("tasks"))).toEqual(["a", "b", "c", "d"]);
    expect(ids(await db.query("tasks", { where: { status: "todo" } }))).toEqual(["a", "c"]);
    expect(ids(await db.query("tasks", { where: { points: { gt: 3 } } }))).toEqual(["a", "c"]);
    expect(ids(await db.query("tasks", { where: { points: { gte: 3, lt: 8 } } }))).toEqual(["a", "b", "d"]);
    expect(ids(await db.query("tasks", { where: { points: { lte: 3 }, status: { ne: "done" } } }))).toEqual(["d"]);
    expect(ids(await db.query("tasks", { where: { status: { in: ["done", "doing"] } } }))).toEqual(["b", "d"]);
    expect(ids(await db.query("tasks", { where: { status: { notIn: ["todo"] } } }))).toEqual(["b", "d"]);
    expect(ids(await db.query("tasks", { where: { id: { in: [] } } }))).toEqual([]);
    expect(ids(await db.query("tasks", { where: { title: { like: "%a" } } }))).toEqual(["a", "b", "c", "d"]);
    expect(ids(await db.query("tasks", { where: { title: { like: "A%" } } }))).toEqual(["a"]);
    expect(ids(await db.query("tasks", { where: { title: { like: "a%" } } }))).toEqual([]);
    expect(ids(await db.query("tasks", { where: { title: { ilike: "a%" } } }))).toEqual(["a"]);
    expect(ids(await db.query("tasks", { where: { due: null } }))).toEqual(["b", "d"]);
    expect(ids(await db.query("tasks", { where: { due: { isNull: false } } }))).toEqual(["a", "c"]);
    expect(ids(await db.query("tasks", { where: { due: { gt: new Date("2026-03-01T00:00:00Z") } } }))).toEqual(["c"]);
    // Code-point order on both backends: capitals before lower case.
    expect(ids(await db.query("tasks", { orderBy: "title" }))).toEqual(["a", "c", "b", "d"]);
    expect(ids(await db.query("tasks", { orderBy: [{ column: "points", direction: "desc" }, "title"] }))).toEqual(["c", "a", "b", "d"]);
    expect(ids(await db.query("tasks", { orderBy: "points desc", limit: 2 }))).toEqual(["c", "a"]);
    expect(ids(await db.query("tasks", { limit: 2, offset: 1 }))).toEqual(["b", "c"]);
    expect(ids(await db.query("tasks", { offset: 3 }))).toEqual(["d"]);
    expect(await db.count("tasks")).toBe(4);
    expect(await db.count("tasks", { where: { points: 3 } })).toBe(2);
  });

  it("refuses a bad query with INVALID_QUERY or UNKNOWN_COLUMN, naming what is wrong", async () => {
    const db = await openTasks();
    expect(await refusal(db.query("tasks", { where: { nope: 1 } }))).toMatchObject({ code: "UNKNOWN_COLUMN", message: expect.stringContaining('tasks has no column "nope"') });
    expect(await refusal(db.query("tasks", { where: { points: { between: [1, 2] } as never } }))).toMatchObject({ code: "INVALID_QUERY", message: expect.stringContaining('unknown operator "between"') });
    expect(await refusal(db.query("tasks", { where: { points: "many" } }))).toMatchObject({ code: "INVALID_VALUE" });
    expect(await refusal(db.query("tasks", { where: { tags: { eq: 1 } } }))).toMatchObject({ code: "INVALID_QUERY", message: expect.stringContaining("json column") });
    expect(await refusal(db.query("tasks", { orderBy: "title; DROP TABLE tasks" }))).toMatchObject({ code: "INVALID_QUERY" });
    expect(await refusal(db.query("tasks", { orderBy: 'title" desc' }))).toMatchObject({ code: "UNKNOWN_COLUMN" });
    expect(await refusal(db.query("tasks", { limit: -1 }))).toMatchObject({ code: "INVALID_QUERY" });
    expect(await refusal(db.query("tasks", { limit: "10" as never }))).toMatchObject({ code: "INVALID_QUERY" });
    expect(await refusal(db.query("tasks", { filter: {} } as never))).toMatchObject({ code: "INVALID_QUERY", message: expect.stringContaining('unknown query option "filter"') });
    expect(await refusal(db.query("secrets", { where: { value: "x" } }))).toMatchObject({ code: "INVALID_QUERY", message: expect.stringContaining("encrypted") });
    expect(await db.count("tasks")).toBe(0);
  });

  it("upsert inserts then updates; update and delete by key; a missing row is NOT_FOUND or false", async () => {
    const db = await openTasks();
    expect(await db.upsert("tasks", { id: "u1", title: "first" })).toMatchObject({ id: "u1", title: "first", status: "todo" });
    expect(await db.upsert("tasks", { id: "u1", status: "done" })).toMatchObject({ id: "u1", title: "first", status: "done" });
    expect(await db.count("tasks")).toBe(1);
    expect(await refusal(db.update("tasks", "nope", { title: "x" }))).toMatchObject({ code: "NOT_FOUND", message: 'tasks: no row with id "nope"' });
    expect(await refusal(db.update("tasks", "u1", { id: "u2" }))).toMatchObject({ code: "INVALID_VALUE", message: expect.stringContaining("primary key") });
    expect(await db.update("tasks", "u1", {})).toMatchObject({ id: "u1", status: "done" });
    expect(await db.delete("tasks", "u1")).toBe(true);
    expect(await db.delete("tasks", "u1")).toBe(false);
    expect(await db.get("tasks", "u1")).toBeNull();
  });

  it("refuses bad rows with a typed error and leaves the data exactly as it was", async () => {
    const db = await openTasks();
    await db.insert("tasks", { id: "keep", title: "kept", tags: { a: 1 } });
    const before = await snapshot();
    const cases: [() => Promise<unknown>, string, string][] = [
      [() => db.insert("nope", { id: "x" }), "UNKNOWN_ENTITY", 'no entity "nope" (entities: tasks, secrets, files)'],
      [() => db.insert("tasks", { id: "x", title: "t", colour: "red" } as never), "UNKNOWN_COLUMN", 'tasks has no column "colour"'],
      [() => db.insert("tasks", { id: "x", title: 42 } as never), "INVALID_VALUE", "tasks.title: expected a string for a text column, got 42"],
      [() => db.insert("tasks", { id: "x", title: "t", points: 1.5 }), "INVALID_VALUE", "tasks.points: expected a whole number"],
      [() => db.insert("tasks", { id: "x", title: "t", done: "yes" } as never), "INVALID_VALUE", "tasks.done: expected true or false"],
      [() => db.insert("tasks", { id: "x", title: "t", due: "next tuesday" }), "INVALID_VALUE", "is not an ISO 8601 date-time"],
      [() => db.insert("tasks", { id: "x", title: "t", due: "2026-12-02T10:00:00" }), "INVALID_VALUE", "with a zone"],
      [() => db.insert("tasks", { id: "x", title: "t", attachment: "bytes" } as never), "INVALID_VALUE", "expected a Buffer"],
      [() => db.insert("tasks", { id: "x", title: "t", tags: { n: 10n } } as never), "INVALID_VALUE", "cannot be stored as JSON"],
      [() => db.insert("tasks", { id: "x" }), "INVALID_VALUE", 'tasks: "title" is required'],
      [() => db.insert("tasks", { title: "no key" }), "INVALID_VALUE", '"id" is required (text, the primary key)'],
      [() => db.insert("tasks", { id: "x", title: null } as never), "INVALID_VALUE", "tasks.title cannot be null"],
      [() => db.insert("tasks", { id: "keep", title: "again" }), "DUPLICATE_KEY", 'tasks: a row with id "keep" already exists'],
      [() => db.insert("tasks", ["not", "a", "row"] as never), "INVALID_VALUE", "must be an object"],
      [() => db.update("tasks", "keep", { title: null } as never), "INVALID_VALUE", "cannot be null"],
      [() => db.update("tasks", "keep", { points: "3" } as never), "INVALID_VALUE", "expected a whole number"],
      [() => db.insert("tasks", { id: "x", title: "nul \u0000 byte" }), "INVALID_VALUE", "NUL"],
      [() => db.insert("secrets", { name: "PIN", value: 918273 } as never), "INVALID_VALUE", "secrets.value: expected a string for an encrypted text column, got number"],
    ];
    for (const [attempt, code, message] of cases) {
      const error = await refusal(attempt());
      expect(error.message).not.toContain("918273"); // a secret's wrong value is never echoed
      expect(error.code, error.message).toBe(code);
      expect(error.message).toContain(message);
    }
    expect(await snapshot()).toEqual(before);
  });

  it("transaction: all or nothing; a failure inside rolls back every write and announces none", async () => {
    const db = await openTasks();
    const events: LatticeChange[] = [];
    db.on("change", (event) => events.push(event));
    await db.insert("tasks", { id: "t0", title: "before" });
    const error = await refusal(
      db.transaction(async (tx) => {
        await tx.insert("tasks", { id: "t1", title: "one" });
        await tx.update("tasks", "t0", { title: "changed" });
        await tx.delete("tasks", "t0");
        await tx.insert("tasks", { id: "t1", title: "duplicate" });
      }),
    );
    expect(error.code).toBe("DUPLICATE_KEY");
    expect(await db.query("tasks")).toMatchObject([{ id: "t0", title: "before" }]);
    expect(events.map((e) => `${e.op} ${e.key}`)).toEqual(["insert t0"]);

    const result = await db.transaction(async (tx) => {
      await tx.insert("tasks", { id: "t1", title: "one" });
      await tx.update("tasks", "t1", { status: "doing" });
      expect(await tx.get("tasks", "t1")).toMatchObject({ status: "doing" });
      expect(await tx.count("tasks")).toBe(2);
      return "committed";
    });
    expect(result).toBe("committed");

    expect(events.map((e) => `${e.op} ${e.key}`)).toEqual(["insert t0", "insert t1", "update t1"]);
    expect(await db.get("tasks", "t1")).toMatchObject({ status: "doing" });
  });

  it("a write from outside waits for an open transaction instead of joining it", async () => {
    const db = await openTasks();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const tx = db
      .transaction(async (t) => {
        await t.insert("tasks", { id: "in-tx", title: "inside" });
        await gate;
        throw new Error("roll it back");
      })
      .catch(() => "rolled back");
    const outside = db.insert("tasks", { id: "outside", title: "outside" });
    await new Promise((resolve) => setTimeout(resolve, 50));
    release();
    expect(await tx).toBe("rolled back");
    await outside;
    expect((await db.query("tasks")).map((row) => row.id)).toEqual(["outside"]);
  });

  it("a call on db from inside db.transaction(): SQLite refuses it after transactionWaitMs instead of waiting for ever", async () => {
    const db = await openTasks({ transactionWaitMs: 300 });
    const attempt = db.transaction(async (tx) => {
      await tx.insert("tasks", { id: "via-tx", title: "via tx" });
      await db.insert("tasks", { id: "via-db", title: "via db" });
    });
    if (backend === "sqlite") {
      expect(await refusal(attempt)).toEqual({ code: "IN_TRANSACTION", message: expect.stringContaining("waited 0.3 s for a transaction to finish; a call on db inside db.transaction() waits for itself: use the tx") });
      expect(await db.count("tasks")).toBe(0);
    } else {
      // Postgres runs it on another connection, outside the transaction (documented): both commit.
      await attempt;
      expect(await db.count("tasks")).toBe(2);
    }
  });

  it("change events carry entity, op, key and row after commit; replay() marks them and skips captures", async () => {
    const db = await openTasks();
    const events: LatticeChange[] = [];
    const captured: string[] = [];
    db.on("change", (event) => events.push(event));
    const remove = db.addWriteCapture(async (change, tx) => {
      captured.push(`${change.op} ${change.entity} ${change.key}`);
      // A capture writes in the same transaction as the change (this is where sync's outbox goes).
      const count = await tx.one(`SELECT COUNT(*) AS n FROM ${rawTable(backend, "tasks")}`);
      expect(Number(count!.n)).toBeGreaterThanOrEqual(change.op === "delete" ? 0 : 1);
    });
    await db.insert("tasks", { id: "e1", title: "one" });
    await db.update("tasks", "e1", { status: "done" });
    await db.delete("tasks", "e1");
    await db.delete("tasks", "e1"); // nothing deleted: no event, no capture
    expect(events.map(({ entity, op, key, replay }) => ({ entity, op, key, replay }))).toEqual([
      { entity: "tasks", op: "insert", key: "e1", replay: false },
      { entity: "tasks", op: "update", key: "e1", replay: false },
      { entity: "tasks", op: "delete", key: "e1", replay: false },
    ]);
    expect(events[1]!.row).toMatchObject({ id: "e1", status: "done" });
    expect(events[2]!.row).toMatchObject({ id: "e1", title: "one" });
    expect(captured).toEqual(["insert tasks e1", "update tasks e1", "delete tasks e1"]);

    expect(db.isReplaying).toBe(false);
    await db.replay(async (tx) => {
      expect(db.isReplaying).toBe(true);
      await tx.insert("tasks", { id: "pulled", title: "from a teammate" });
    });
    expect(db.isReplaying).toBe(false);
    expect(captured).toHaveLength(3);
    expect(events.at(-1)).toMatchObject({ op: "insert", key: "pulled", replay: true });
    remove();
    await db.insert("tasks", { id: "e2", title: "after removal" });
    expect(captured).toHaveLength(3);
  });

  it("a replayed (pulled) secret keeps the timestamps it carries; a local write gets the library's", async () => {
    const db = await openTasks();
    const pulled = { name: "TEAM_KEY", kind: "api-key", value: "from-bob", createdAt: "2026-01-02T03:04:05.000Z", updatedAt: "2026-02-03T04:05:06.000Z" };
    await db.replay((tx) => tx.insert("secrets", pulled));
    expect(await db.get("secrets", "TEAM_KEY")).toEqual(pulled);
    await db.replay((tx) => tx.update("secrets", "TEAM_KEY", { value: "rotated", updatedAt: "2026-03-04T05:06:07.000Z" }));
    expect(await db.get("secrets", "TEAM_KEY")).toMatchObject({ value: "rotated", createdAt: pulled.createdAt, updatedAt: "2026-03-04T05:06:07.000Z" });
    const local = await db.insert("secrets", { ...pulled, name: "MINE" });
    expect(local.createdAt).not.toBe(pulled.createdAt);
    expect(Date.parse(local.createdAt as string)).toBeGreaterThan(Date.parse("2026-06-01T00:00:00Z"));
    const edited = await db.update("secrets", "TEAM_KEY", { value: "edited", createdAt: "2020-01-01T00:00:00.000Z", updatedAt: "2020-01-01T00:00:00.000Z" });
    expect(edited.createdAt).toBe(pulled.createdAt);
    expect(edited.updatedAt).not.toBe("2020-01-01T00:00:00.000Z");
  });

  it("a capture that fails rolls its write back: the change and its capture commit together or not at all", async () => {
    const db = await openTasks();
    db.addWriteCapture(async (change) => {
      if (change.key === "poison") throw new Error("outbox is full");
    });
    await db.insert("tasks", { id: "fine", title: "ok" });
    await expect(db.insert("tasks", { id: "poison", title: "no" })).rejects.toThrow("outbox is full");
    expect((await db.query("tasks")).map((row) => row.id)).toEqual(["fine"]);
  });

  it("applies added entities and columns on init; refuses a removed column, a changed type or key, and changes nothing", async () => {
    const db = await openTasks();
    await db.insert("tasks", { id: "t1", title: "old row" });
    await db.close();

    project.writeConfig(`${TASKS}      priority: { type: integer, default: 3 }
      note: { type: text, nullable: true }
  notes:
    columns:
      id: { type: integer, primaryKey: true }
      body: text
`);
    const evolved = await project.open({ encryptionKey: KEY_A });
    expect(await evolved.get("tasks", "t1")).toMatchObject({ title: "old row", priority: 3, note: null });
    await evolved.insert("notes", { id: 1, body: "new entity" });
    expect(evolved.describe("notes")).toEqual({
      name: "notes",
      primaryKey: "id",
      native: false,
      columns: [
        { name: "id", type: "integer", nullable: false, primaryKey: true },
        { name: "body", type: "text", nullable: false, primaryKey: false },
      ],
    });
    await evolved.close();
    const before = await snapshot();

    const refusals: [string, string][] = [
      [TASKS.replace("      estimate: { type: real, nullable: true }\n", "") + "      priority: { type: integer, default: 3 }\n      note: { type: text, nullable: true }\n", 'column "estimate" that the config no longer lists'],
      [TASKS.replace("estimate: { type: real", "estimate: { type: text") + "      priority: { type: integer, default: 3 }\n      note: { type: text, nullable: true }\n", 'column "estimate" is real in the database but text in the config'],
      [TASKS + "      priority: { type: integer, default: 3 }\n      note: { type: text, nullable: true }\n      required: text\n", 'new column "required" needs a default or nullable: true'],
      [TASKS.replace("id: { type: text, primaryKey: true }", "id: text").replace("title: text", "title: { type: text, primaryKey: true }") + "      priority: { type: integer, default: 3 }\n      note: { type: text, nullable: true }\n", "primary key is id but the config says title"],
    ];
    // Columns with the reserved _lattice prefix belong to sync (owner, version): not a removed column.
    await project.sql(`ALTER TABLE ${rawTable(backend, "tasks")} ADD COLUMN _lattice_owner TEXT`);
    project.writeConfig(`${TASKS}      priority: { type: integer, default: 3 }\n      note: { type: text, nullable: true }\n`);
    await (await project.open({ encryptionKey: KEY_A })).close();
    const withOwner = await snapshot();
    expect(withOwner.map((row) => row._lattice_owner)).toEqual([null]);

    for (const [yaml, message] of refusals) {
      project.writeConfig(yaml);
      const error = await refusal(project.open({ encryptionKey: KEY_A }));
      expect(error.code).toBe("SCHEMA_CONFLICT");
      expect(error.message).toContain(message);
      expect(await snapshot()).toEqual(withOwner);
    }
    expect(before).toHaveLength(1);
  });

  it("a wrong key is a WRONG_KEY error naming where the key came from; rotateEncryptionKey re-encrypts all or nothing", async () => {
    const db = await openTasks();
    await db.insert("secrets", { name: "ONE", value: "first-secret" });
    await db.insert("secrets", { name: "TWO", kind: "password", value: "second-secret" });
    await db.close();

    const wrong = await project.open({ encryptionKey: KEY_B });
    const error = await refusal(wrong.get("secrets", "ONE"));
    expect(error).toEqual({ code: "WRONG_KEY", message: expect.stringContaining('secrets "ONE": value cannot be decrypted with the key from the encryptionKey option') });
    expect(await refusal(wrong.query("secrets"))).toMatchObject({ code: "WRONG_KEY" });
    // Names and kinds stay listable: a value left out of columns is not decrypted.
    expect(await wrong.query("secrets", { columns: ["kind"] })).toEqual([
      { name: "ONE", kind: "generic" },
      { name: "TWO", kind: "password" },
    ]);
    expect(await refusal(wrong.query("secrets", { columns: ["nope"] }))).toMatchObject({ code: "UNKNOWN_COLUMN" });
    // Rotating from a key that cannot open the values changes nothing.
    const before = await snapshot("secrets");
    expect(await refusal(wrong.rotateEncryptionKey(KEY_A))).toMatchObject({ code: "WRONG_KEY" });
    expect(await snapshot("secrets")).toEqual(before);
    await wrong.close();

    const right = await project.open({ encryptionKey: KEY_A });
    expect(await refusal(right.rotateEncryptionKey("too-short"))).toMatchObject({ code: "INVALID_KEY", message: expect.stringContaining("the new key must be exactly 32 bytes") });
    expect(await right.rotateEncryptionKey(KEY_B)).toEqual({ reencrypted: 2 });
    expect((await right.get("secrets", "TWO"))!.value).toBe("second-secret");
    await right.close();
    expect(await snapshot("secrets")).not.toEqual(before);

    const old = await project.open({ encryptionKey: KEY_A });
    expect(await refusal(old.get("secrets", "ONE"))).toMatchObject({ code: "WRONG_KEY" });
    const rotated = await project.open({ encryptionKey: KEY_B });
    expect((await rotated.query("secrets")).map((s) => s.value)).toEqual(["first-secret", "second-secret"]);

    // Without an explicit key: LATTICE_HOME's master.key, named by its path.
    const byMaster = await project.open();
    expect(await refusal(byMaster.get("secrets", "ONE"))).toMatchObject({ message: expect.stringContaining(`the key from ${path.join(project.home, "master.key")}`) });
    const bad = await project.open({ encryptionKey: "not-a-key" });
    expect(await refusal(bad.get("secrets", "ONE"))).toMatchObject({ code: "INVALID_KEY", message: expect.stringContaining("the encryptionKey option must be exactly 32 bytes") });
  });

  it("rows written by raw SQL read back through the library, database defaults included (now is the insert's time)", async () => {
    project = await createProject(backend, `entities:\n  notes:\n    columns:\n      id: text\n      body: { type: text, default: empty }\n      at: { type: datetime, default: now }\n`);
    const db = await project.open();
    const before = Date.now();
    await project.sql(`INSERT INTO ${rawTable(backend, "notes")} (id) VALUES ('raw')`);
    const raw = await db.get("notes", "raw");
    expect(raw).toMatchObject({ id: "raw", body: "empty" });
    expect(Math.abs(Date.parse(raw!.at as string) - before)).toBeLessThan(60_000);
    expect(raw!.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it("mirrors identity.json into __lattice_user_identity on every open", async () => {
    project = await createProject(backend, TASKS);
    const first = await project.open();
    expect(await first.userIdentity()).toBeNull();
    await first.close();
    writeIdentity({ displayName: "Alice", email: "alice@example.com" }, project.home);
    const second = await project.open();
    expect(await second.userIdentity()).toEqual({ displayName: "Alice", email: "alice@example.com" });
    await second.close();
    writeIdentity({ displayName: "Alice B.", email: "alice@example.com" }, project.home);
    await (await project.open()).close();
    const rows = await project.sql(`SELECT CAST(id AS INTEGER) AS id, display_name, email FROM ${rawTable(backend, "__lattice_user_identity")}`);
    expect(rows).toEqual([{ id: 1, display_name: "Alice B.", email: "alice@example.com" }]);
  });

  it("files: content stored once, a row needs its blob, a read verifies the hash", async () => {
    const db = await openTasks();
    const a = await attachBlobBytes(Buffer.from("same bytes"), project.dir, { name: "a.txt" });
    fs.writeFileSync(path.join(project.dir, "b.txt"), "same bytes");
    const b = await attachBlob(path.join(project.dir, "b.txt"), project.dir);
    expect(b).toEqual({ sha256: a.sha256, name: "b.txt", size: 10, mimeType: "text/plain" });
    expect(fs.readdirSync(path.join(project.dir, "data/blobs"))).toEqual([a.sha256]);

    const missing = crypto.createHash("sha256").update("never stored").digest("hex");
    expect(await refusal(db.insert("files", { sha256: missing, name: "x", size: 12 }))).toMatchObject({ code: "BLOB_MISSING" });
    expect(await refusal(db.insert("files", { ...a, sha256: "../../etc/passwd" }))).toMatchObject({ code: "INVALID_VALUE" });
    expect(await refusal(db.insert("files", { ...a, size: 11 }))).toMatchObject({ code: "INVALID_VALUE", message: expect.stringContaining("size is 11") });
    for (const name of ["../../.bashrc", "a/b", "..", "dir\\x", "bell\u0007"]) {
      expect(await refusal(db.insert("files", { ...a, name }))).toMatchObject({ code: "INVALID_VALUE", message: expect.stringContaining("a file name must be") });
    }
    expect(await refusal(attachBlob(path.join(project.dir, "nope.pdf"), project.dir))).toMatchObject({ code: "FILE_NOT_FOUND" });
    expect(await db.count("files")).toBe(0);
    await db.insert("files", a);

    fs.writeFileSync(blobPath(project.dir, a.sha256), "tampered!!");
    expect(await refusal(readBlob(project.dir, a.sha256))).toMatchObject({ code: "BLOB_CORRUPT" });
    expect(fs.readdirSync(path.join(project.dir, "data/blobs")).filter((f) => f.startsWith(".tmp"))).toEqual([]);
  });

  it("reports a config or database it cannot use as one LatticeError, before any data call", async () => {
    project = await createProject(backend, TASKS);
    const missing = new Lattice({ config: path.join(project.dir, "absent.yml") });
    expect(await refusal(missing.init())).toMatchObject({ code: "CONFIG_NOT_FOUND" });
    expect(await refusal(missing.get("tasks", "x"))).toMatchObject({ code: "NOT_READY", message: "call await db.init() first" });

    project.writeConfig("entities:\n  tasks:\n    columns:\n      id: text\n      due: date\n");
    expect(await refusal(project.open())).toEqual({ code: "INVALID_CONFIG", message: expect.stringContaining('entities.tasks.columns.due: unknown type "date"; use datetime') });

    project.writeConfig(`entities:\n  secrets:\n    columns:\n      id: text\n`);
    expect(await refusal(project.open())).toMatchObject({ code: "INVALID_CONFIG", message: expect.stringContaining('"secrets" is a framework entity') });

    const closed = await (async () => {
      project.writeConfig(TASKS);
      const db = await project.open();
      await db.close();
      return db;
    })();
    expect(await refusal(closed.insert("tasks", { id: "x", title: "y" }))).toMatchObject({ code: "NOT_READY", message: "this Lattice is closed" });
    expect(() => closed.registerEntity({ name: "late", primaryKey: "id", columns: { id: { type: "text", nullable: false } } })).toThrow("must come before init()");
  });
});

describe("Lattice: what only one backend can get wrong", () => {
  let project: TestProject;
  afterEach(async () => {
    await project?.cleanup();
  });

  it("SQLite: a database path that cannot be opened is DATABASE_UNAVAILABLE", async () => {
    project = await createProject("sqlite", "database: data\n" + TASKS);
    fs.mkdirSync(path.join(project.dir, "data"), { recursive: true });
    expect(await refusal(project.open())).toMatchObject({ code: "DATABASE_UNAVAILABLE", message: expect.stringContaining("cannot open the SQLite database") });
  });

  it("SQLite: two processes writing one file at once both succeed (WAL, busy timeout)", async () => {
    project = await createProject("sqlite", TASKS);
    await (await project.open({ natives: false })).close();
    const script = path.join(project.dir, "writer.mts");
    fs.writeFileSync(
      script,
      `import { Lattice } from ${JSON.stringify(path.resolve("src/lattice/db/lattice.ts"))};
const db = new Lattice({ config: ${JSON.stringify(project.configFile)} }, { home: ${JSON.stringify(project.home)} });
await db.init();
const who = process.argv[2];
for (let batch = 0; batch < 20; batch++) {
  await db.transaction(async (tx) => { for (let i = 0; i < 10; i++) await tx.insert("tasks", { id: who + "-" + batch + "-" + i, title: who }); });
  await db.insert("tasks", { id: who + "-single-" + batch, title: who });
}
await db.close();
`,
    );
    const { spawn } = await import("node:child_process");
    const run = (who: string) =>
      new Promise<number>((resolve) => {
        const child = spawn(process.execPath, ["--import", "tsx", script, who], { stdio: ["ignore", "inherit", "inherit"] });
        child.on("exit", (code) => resolve(code ?? 1));
      });
    expect(await Promise.all([run("left"), run("right")])).toEqual([0, 0]);
    const rows = await project.sql(`SELECT title, COUNT(*) AS n FROM tasks GROUP BY title ORDER BY title`);
    expect(rows).toEqual([
      { title: "left", n: 220 },
      { title: "right", n: 220 },
    ]);
    expect((await project.sql("PRAGMA journal_mode"))[0]).toEqual({ journal_mode: "wal" });
  });

  it("Postgres: tables live in lattice_data; an unreachable server or a missing credential is DATABASE_UNAVAILABLE", async () => {
    project = await createProject("postgres", TASKS);
    await (await project.open()).close();
    const tables = await project.sql(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'lattice_data' ORDER BY 1`);
    expect(tables.map((t) => t.table_name)).toEqual(["__lattice_user_identity", "files", "secrets", "tasks"]);
    const publicTables = await project.sql(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`);
    expect(publicTables).toEqual([]);

    fs.writeFileSync(project.configFile, "database: postgres://nobody@127.0.0.1:1/none\n" + TASKS);
    expect(await refusal(project.open())).toMatchObject({ code: "DATABASE_UNAVAILABLE", message: expect.stringContaining("cannot reach Postgres at postgres://nobody@127.0.0.1:1/none: ECONNREFUSED") });
    fs.writeFileSync(project.configFile, "database: ${LATTICE_DB:unknown}\n" + TASKS);
    expect(await refusal(project.open())).toMatchObject({ code: "DATABASE_UNAVAILABLE", message: expect.stringContaining('no database credentials labelled "unknown"') });
  });

  it("Postgres: two Lattices opening one new database at once apply the schema once", async () => {
    project = await createProject("postgres", TASKS);
    const [a, b] = await Promise.all([project.open(), project.open()]);
    await a.insert("tasks", { id: "from-a", title: "a" });
    expect(await b.get("tasks", "from-a")).toMatchObject({ title: "a" });
  });
});
