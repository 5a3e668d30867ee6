import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadLatticeConfig, parseLatticeConfig } from "./config.ts";

const base = "/projects/atlas";
const parse = (source: string) => parseLatticeConfig(source, { baseDir: base });

function refusal(source: string): string {
  try {
    parse(source);
  } catch (error) {
    expect(error).toMatchObject({ name: "LatticeError", code: "INVALID_CONFIG" });
    return (error as Error).message;
  }
  throw new Error("expected the config to be refused");
}

const TASKS = `
entities:
  tasks:
    columns:
      id: { type: text, primaryKey: true }
      title: text
      status: { type: text, default: todo }
      due: { type: datetime, nullable: true }
      points: { type: integer, default: 1 }
`;

describe("parseLatticeConfig", () => {
  it("reads entities, columns in file order, shorthand types, defaults and the primary key; SQLite under data/ by default", () => {
    const config = parse(TASKS);
    expect(config.database).toEqual({ kind: "sqlite", path: path.join(base, "data/lattice.db") });
    expect(config.entities.tasks).toEqual({
      name: "tasks",
      primaryKey: "id",
      columns: {
        id: { type: "text", nullable: false },
        title: { type: "text", nullable: false },
        status: { type: "text", nullable: false, default: "todo" },
        due: { type: "datetime", nullable: true },
        points: { type: "integer", nullable: false, default: 1 },
      },
    });
    expect(Object.keys(config.entities.tasks!.columns)).toEqual(["id", "title", "status", "due", "points"]);
  });

  it("takes the primary key from the entity, a marked column, or a column named id", () => {
    expect(parse("entities:\n  notes:\n    primaryKey: slug\n    columns: { slug: text, body: text }\n").entities.notes!.primaryKey).toBe("slug");
    expect(parse("entities:\n  notes:\n    columns: { id: text, body: text }\n").entities.notes!.primaryKey).toBe("id");
  });

  it("keeps index and encrypted, and allows capitals in column names (mimeType)", () => {
    const config = parse("entities:\n  files:\n    columns:\n      id: text\n      mimeType: { type: text, index: true }\n      token: { type: text, encrypted: true }\n");
    expect(config.entities.files!.columns).toEqual({
      id: { type: "text", nullable: false },
      mimeType: { type: "text", nullable: false, index: true },
      token: { type: "text", nullable: false, encrypted: true },
    });
  });

  it.each([
    ["a SQLite path, relative to the config's folder", "database: ./local/app.db", { kind: "sqlite", path: path.join(base, "local/app.db") }],
    ["a postgres:// URL without a password", "database: postgres://app@db.example.com:5432/atlas", { kind: "postgres", url: "postgres://app@db.example.com:5432/atlas" }],
    ["a saved credential", "database: ${LATTICE_DB:prod-db}", { kind: "credential", label: "prod-db" }],
  ])("database: %s", (_what, line, target) => {
    expect(parse(`${line}\n`).database).toEqual(target);
  });

  it.each([
    ["an unknown type, with what to use", "entities:\n  tasks:\n    columns: { id: text, due: date }\n", "entities.tasks.columns.due: unknown type \"date\"; use datetime"],
    ["an unknown type in the long form, at its key", "entities:\n  tasks:\n    columns: { id: text, due: { type: date } }\n", "entities.tasks.columns.due.type: unknown type \"date\"; use datetime"],
    ["two columns that differ only in case", "entities:\n  t:\n    columns: { id: text, mimeType: text, mimetype: text }\n", 'entities.t.columns.mimetype: column "mimetype" differs from "mimeType" only in case'],
    ["an encrypted column that is not text", "entities:\n  t:\n    columns: { id: text, n: { type: integer, encrypted: true } }\n", "entities.t.columns.n.encrypted: only text columns can be encrypted (this one is integer)"],
    ["an encrypted index", "entities:\n  t:\n    columns: { id: text, n: { type: text, encrypted: true, index: true } }\n", "entities.t.columns.n.encrypted: an encrypted column cannot be the primary key or indexed"],
    ["a reserved column prefix in capitals", "entities:\n  t:\n    columns: { id: text, _LATTICE_owner: text }\n", 'starts with "_lattice", which is reserved'],
    ["a type nothing maps to", "entities:\n  tasks:\n    columns: { id: text, x: money }\n", 'entities.tasks.columns.x: unknown type "money"; use one of text, integer, real, boolean, json, datetime, blob'],
    ["a misspelt key", "entities:\n  tasks:\n    columns:\n      id: { type: text, nulable: true }\n", 'entities.tasks.columns.id: unknown key "nulable"'],
    ["an unknown top-level key", "databse: x.db\n", 'unknown key "databse"'],
    ["a name with a quote", "entities:\n  tasks:\n    columns: { id: text, \"a\\\"b\": text }\n", 'entities.tasks.columns.a"b: column "a"b" is not a valid name'],
    ["a reserved name", "entities:\n  tasks:\n    columns: { id: text, _lattice_owner: text }\n", 'column "_lattice_owner" starts with "_lattice", which is reserved'],
    ["an upper-case entity", "entities:\n  Tasks:\n    columns: { id: text }\n", 'entities.Tasks: entity "Tasks" is not a valid name'],
    ["no primary key", "entities:\n  tasks:\n    columns: { title: text }\n", "entities.tasks: no primary key: mark a column with primaryKey: true"],
    ["two primary keys", "entities:\n  t:\n    columns:\n      a: { type: text, primaryKey: true }\n      b: { type: text, primaryKey: true }\n", "entities.t: one primary key per entity (a and b are both marked primaryKey)"],
    ["a primary key naming no column", "entities:\n  t:\n    primaryKey: nope\n    columns: { a: text }\n", 'entities.t.primaryKey: no column "nope"'],
    ["a nullable primary key", "entities:\n  t:\n    columns:\n      id: { type: text, nullable: true }\n", "entities.t.columns.id: the primary key cannot be nullable"],
    ["a default of the wrong type", "entities:\n  t:\n    columns:\n      id: text\n      n: { type: integer, default: many }\n", 'entities.t.columns.n.default: "many" is not an integer'],
    ["no columns", "entities:\n  t:\n    columns: {}\n", "entities.t.columns: an entity needs at least one column"],
    ["a password in the database URL", "database: postgres://app:s3cret@db.example.com/atlas\n", "database: the URL holds a password; keep it out of the config"],
    ["a bad credential label", "database: ${LATTICE_DB:Prod DB}\n", 'database: invalid database label "Prod DB"'],
    ["another URL scheme", "database: mysql://db/atlas\n", 'database: "mysql://db/atlas" is neither a SQLite path nor a postgres:// URL'],
    ["broken YAML, with its line", "entities:\n  tasks: [\n", "line 3, column 1: not valid YAML"],
    ["a duplicate key", "entities:\n  t:\n    columns: { id: text, id: integer }\n", "not valid YAML: Map keys must be unique"],
  ])("refuses %s, naming where", (_what, source, expected) => {
    expect(refusal(source)).toContain(expected);
  });

  it("names the file in every message", () => {
    expect(() => parseLatticeConfig("entities:\n  t:\n    columns: { x: date }\n", { baseDir: base, file: "/p/lattice.config.yml" })).toThrow(
      '/p/lattice.config.yml: entities.t.columns.x: unknown type "date"; use datetime',
    );
  });
});

describe("loadLatticeConfig", () => {
  it("reads a file and resolves paths against its folder; a missing file is CONFIG_NOT_FOUND", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lattice-config-"));
    const file = path.join(dir, "lattice.config.yml");
    expect(() => loadLatticeConfig(file)).toThrow(expect.objectContaining({ code: "CONFIG_NOT_FOUND", message: `${file}: no such file (lattice init writes one)` }));
    fs.writeFileSync(file, `database: app.db\n${TASKS}`);
    expect(loadLatticeConfig(file).database).toEqual({ kind: "sqlite", path: path.join(dir, "app.db") });
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
