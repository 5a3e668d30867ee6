import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { runCli, runOnTerminal, tempHome, type CliResult } from "../../test/support/cli.ts";
import { databaseUrl, withAdmin } from "../../test/support/postgres.ts";
import { loadLatticeConfig } from "../lattice/config/config.ts";

// `lattice init`, `data`, `secrets` and `files`: the real `lattice` binary on local projects in
// temp folders (SQLite), and once on Postgres through ${LATTICE_DB:label}.

const DATE = "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC";
const ISO = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z";

interface Project {
  home: string;
  dir: string;
  run(args: string[], input?: string): Promise<CliResult>;
}

/** A project folder and a LATTICE_HOME of its own, as on a fresh machine. */
function newProject(config?: string): Project {
  const home = tempHome();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lattice-project-"));
  if (config !== undefined) fs.writeFileSync(path.join(dir, "lattice.config.yml"), config);
  return { home, dir, run: (args, input) => runCli(args, { home, cwd: dir, input }) };
}

const ok = (stdout: string): CliResult => ({ code: 0, stdout, stderr: "" });
const failed = (code: number, line: string): CliResult => ({ code, stdout: "", stderr: `lattice: ${line}\n` });
const sha256 = (bytes: Buffer | string) => crypto.createHash("sha256").update(bytes).digest("hex");

/** Every byte of the project's SQLite files (the database, its WAL and shared memory). */
function rawSqlite(dir: string): Buffer {
  const data = path.join(dir, "data");
  return Buffer.concat(fs.readdirSync(data).filter((f) => f.startsWith("lattice.db")).map((f) => fs.readFileSync(path.join(data, f))));
}

describe("lattice init", () => {
  it("writes lattice.config.yml (the tasks example, a pointer to the docs) and data/, and says what it created", async () => {
    const { dir, run } = newProject();
    expect(await run(["init"])).toEqual(
      ok(
        [
          "Created lattice.config.yml with an example entity: tasks (id, title, status, points).",
          "Created data/ for the database and file blobs.",
          `Next: lattice data insert tasks '{"id":"t1","title":"Try Lattice"}'`,
          "",
        ].join("\n"),
      ),
    );
    const file = path.join(dir, "lattice.config.yml");
    expect(fs.readFileSync(file, "utf8")).toMatch(/^#.*\n# .*docs\/library\.md/);
    const config = loadLatticeConfig(file);
    expect(config.database).toEqual({ kind: "sqlite", path: path.join(dir, "data", "lattice.db") });
    expect(config.entities).toEqual({
      tasks: {
        name: "tasks",
        primaryKey: "id",
        columns: {
          id: { type: "text", nullable: false },
          title: { type: "text", nullable: false },
          status: { type: "text", nullable: false, default: "todo" },
          points: { type: "integer", nullable: false, default: 0 },
        },
      },
    });
    expect(fs.statSync(path.join(dir, "data")).isDirectory()).toBe(true);
  });

  it("refuses to overwrite an existing config, in one line, and leaves it as it was", async () => {
    const { dir, run } = newProject("entities: {}\n# mine\n");
    expect(await run(["init"])).toEqual(failed(1, "lattice.config.yml already exists; nothing was changed (edit it, or delete it to start over)"));
    expect(fs.readFileSync(path.join(dir, "lattice.config.yml"), "utf8")).toBe("entities: {}\n# mine\n");
    expect(fs.existsSync(path.join(dir, "data"))).toBe(false);
  });

  it("scaffolds into a folder given as its argument, keeping an existing data/ folder", async () => {
    const { dir, run } = newProject();
    fs.mkdirSync(path.join(dir, "app", "data"), { recursive: true });
    expect(await run(["init", "app"])).toEqual(
      ok(
        [
          "Created app/lattice.config.yml with an example entity: tasks (id, title, status, points).",
          "Using the existing app/data/ folder for the database and file blobs.",
          `Next: cd app && lattice data insert tasks '{"id":"t1","title":"Try Lattice"}'`,
          "",
        ].join("\n"),
      ),
    );
    expect(fs.existsSync(path.join(dir, "app", "lattice.config.yml"))).toBe(true);
  });

  it("is one word on the command line, listed first in lattice --help, with its own --help", async () => {
    const { run } = newProject();
    const help = await run(["--help"]);
    expect(help.stdout).toMatch(/\nCommands:\n {2}init {2,}Start a local project: lattice\.config\.yml with an example entity \(tasks\), and a data folder\n\n {2}data entities /);
    expect((await run(["init", "--help"])).stdout).toContain("Usage:\n  $ lattice init [dir]\n");
    expect(await run(["init", "a", "b"])).toEqual(failed(2, "unexpected argument 'b' (see lattice init --help)"));
    expect(await run(["init", "--force"])).toEqual(failed(2, "unknown option '--force' (see lattice init --help)"));
  });
});

describe("lattice data on a SQLite project", () => {
  const project = newProject();
  const { run, dir } = project;
  const tasks = async () => JSON.parse((await run(["data", "query", "tasks", "--json"])).stdout) as unknown[];

  beforeAll(async () => {
    expect((await run(["init"])).code).toBe(0);
  });

  it("data entities lists every entity with its columns and row count, framework entities included", async () => {
    expect(await run(["data", "entities"])).toEqual(
      ok(
        [
          "tasks: 0 rows",
          "  id      text     primary key",
          "  title   text",
          '  status  text     default "todo"',
          "  points  integer  default 0",
          "",
          "secrets: 0 rows (framework entity: lattice secrets)",
          "  name       text      primary key",
          '  kind       text      default "generic"',
          "  value      text      encrypted",
          "  createdAt  datetime",
          "  updatedAt  datetime",
          "",
          "files: 0 rows (framework entity: lattice files)",
          "  sha256     text      primary key",
          "  name       text",
          "  size       integer",
          '  mimeType   text      default "application/octet-stream"',
          "  createdAt  datetime",
          "",
        ].join("\n"),
      ),
    );
    expect(await run(["data", "query", "tasks"])).toEqual(ok("No rows in tasks.\n"));
  });

  it("insert → query → update → get → delete, as a person reads it", async () => {
    expect(await run(["data", "insert", "tasks", '{"id":"t1","title":"Write the docs","points":5}'])).toEqual(ok('Inserted "t1" into tasks.\n'));
    expect(await run(["data", "insert", "tasks"], '{"id":"t2","title":"Ship it","points":2}\n')).toEqual(ok('Inserted "t2" into tasks.\n'));
    expect(await run(["data", "insert", "tasks", "-", "--json"], '{"id":"t3","title":"Fix the bug"}')).toEqual(ok('{"id":"t3","title":"Fix the bug","status":"todo","points":0}\n'));
    expect(await run(["data", "query", "tasks"])).toEqual(
      ok(["id  title           status  points", "t1  Write the docs  todo    5", "t2  Ship it         todo    2", "t3  Fix the bug     todo    0", "(3 rows)", ""].join("\n")),
    );

    expect(await run(["data", "update", "tasks", "t1", '{"status":"done"}'])).toEqual(ok('Updated "t1" in tasks: status.\n'));
    expect(await run(["data", "get", "tasks", "t1"])).toEqual(ok(["id:      t1", "title:   Write the docs", "status:  done", "points:  5", ""].join("\n")));
    expect(await run(["data", "get", "tasks", "t1", "--json"])).toEqual(ok('{"id":"t1","title":"Write the docs","status":"done","points":5}\n'));

    expect(await run(["data", "delete", "tasks", "t3"])).toEqual(ok('Deleted "t3" from tasks.\n'));
    expect(await tasks()).toEqual([
      { id: "t1", title: "Write the docs", status: "done", points: 5 },
      { id: "t2", title: "Ship it", status: "todo", points: 2 },
    ]);
    const entities = JSON.parse((await run(["data", "entities", "--json"])).stdout);
    expect(entities.map((e: { name: string; rows: number; native: boolean }) => [e.name, e.rows, e.native])).toEqual([
      ["tasks", 2, false],
      ["secrets", 0, true],
      ["files", 0, true],
    ]);
    expect(entities[0].columns[2]).toEqual({ name: "status", type: "text", nullable: false, default: "todo", primaryKey: false });
  });

  it("query filters with --where (values in the column's type), sorts with --order, pages with --limit/--offset", async () => {
    await run(["data", "insert", "tasks", '{"id":"t4","title":"Plan docs review","points":8}']);
    await run(["data", "insert", "tasks", '{"id":"t5","title":"Answer mail","points":1}']);
    expect(await run(["data", "query", "tasks", "--where", "status=todo", "--where", "points>3", "--order", "title"])).toEqual(
      ok(["id  title             status  points", "t4  Plan docs review  todo    8", "(1 row)", ""].join("\n")),
    );
    expect(await run(["data", "query", "tasks", "--where", "title~%docs%", "--order", "points:desc", "--json"])).toEqual(
      ok('[{"id":"t4","title":"Plan docs review","status":"todo","points":8},{"id":"t1","title":"Write the docs","status":"done","points":5}]\n'),
    );
    expect(await run(["data", "query", "tasks", "--where", "status != done", "--order", "points", "--limit", "2"])).toEqual(
      ok(["id  title        status  points", "t5  Answer mail  todo    1", "t2  Ship it      todo    2", "(2 of 3 rows)", ""].join("\n")),
    );
    expect((await run(["data", "query", "tasks", "--order", "points", "--limit", "2", "--offset", "2", "--json"])).stdout).toBe(
      '[{"id":"t1","title":"Write the docs","status":"done","points":5},{"id":"t4","title":"Plan docs review","status":"todo","points":8}]\n',
    );
    expect(await run(["data", "query", "tasks", "--where", "points>=100"])).toEqual(ok("No rows in tasks match.\n"));
  });

  it("finds lattice.config.yml in a folder above, like git, or takes --config", async () => {
    const deeper = path.join(dir, "src", "deeper");
    fs.mkdirSync(deeper, { recursive: true });
    const fromBelow = await runCli(["data", "query", "tasks", "--where", "id=t2", "--json"], { home: project.home, cwd: deeper });
    expect(fromBelow).toEqual(ok('[{"id":"t2","title":"Ship it","status":"todo","points":2}]\n'));
    const elsewhere = await runCli(["data", "get", "tasks", "t2", "--config", path.join(dir, "lattice.config.yml"), "--json"], { home: project.home });
    expect(elsewhere).toEqual(ok('{"id":"t2","title":"Ship it","status":"todo","points":2}\n'));
  });

  it("refuses bad input in one line with a non-zero exit, and the data stays exactly as it was", async () => {
    const before = await tasks();
    const cases: [args: string[], stdin: string | undefined, code: number, stderr: string | RegExp][] = [
      [["data", "query", "nope"], undefined, 1, 'no entity "nope" (entities: tasks, secrets, files)'],
      [["data", "insert", "nope", '{"id":"x"}'], undefined, 1, 'no entity "nope" (entities: tasks, secrets, files)'],
      [["data", "insert", "tasks", '{"id":"t9",'], undefined, 2, /^lattice: the row is not valid JSON \(.+\)\n$/],
      [["data", "insert", "tasks", '["t9"]'], undefined, 2, 'the row must be a JSON object of column values, such as {"title":"Write the docs"}'],
      [["data", "insert", "tasks"], "", 2, "no JSON on stdin for the row (a JSON object; - or nothing reads it from stdin)"],
      [["data", "insert", "tasks", '{"id":"t9","title":"x","points":"many"}'], undefined, 1, /^lattice: tasks\.points: expected a whole number .*, got "many"\n$/],
      [["data", "insert", "tasks", '{"id":"t9","title":"x","colour":"red"}'], undefined, 1, 'tasks has no column "colour" (columns: id, title, status, points)'],
      [["data", "insert", "tasks", '{"id":"t9"}'], undefined, 1, 'tasks: "title" is required (text)'],
      [["data", "insert", "tasks", '{"id":"t1","title":"again"}'], undefined, 1, 'tasks: a row with id "t1" already exists (use update or upsert to change it)'],
      [["data", "update", "tasks", "t1", '{"points":"lots"}'], undefined, 1, /^lattice: tasks\.points: expected a whole number .*, got "lots"\n$/],
      [["data", "update", "tasks", "t9", '{"status":"done"}'], undefined, 1, 'tasks: no row with id "t9"'],
      [["data", "delete", "tasks", "t9"], undefined, 1, 'tasks: no row with id "t9"'],
      [["data", "get", "tasks", "t9"], undefined, 1, 'tasks: no row with id "t9"'],
      [["data", "query", "tasks", "--where", "colour=red"], undefined, 1, 'tasks has no column "colour" (columns: id, title, status, points)'],
      [["data", "query", "tasks", "--where", "points>lots"], undefined, 1, /^lattice: where\.points\.gt: expected a whole number .*, got "lots"\n$/],
      [["data", "query", "tasks", "--where", "status"], undefined, 2, `--where "status": expected column, an operator (= != > >= < <= ~) and a value, such as status=todo or 'points>3'`],
      [["data", "query", "tasks", "--limit", "ten"], undefined, 2, '--limit must be a whole number ≥ 0 (got "ten")'],
      [["data", "query", "tasks", "--order", "colour"], undefined, 1, 'tasks has no column "colour" (columns: id, title, status, points)'],
      [["data", "insert", "secrets", '{"name":"K","value":"v"}'], undefined, 2, "secrets is a framework entity; change it with lattice secrets set / lattice secrets delete"],
      [["data", "delete", "files", "abc"], undefined, 2, "files is a framework entity; change it with lattice files add / lattice files delete"],
      [["data", "query", "tasks", "--config", "missing.yml"], undefined, 1, "missing.yml: no such file (lattice init writes one)"],
    ];
    for (const [args, input, code, stderr] of cases) {
      const result = await run(args, input);
      expect([result.code, result.stdout], args.join(" ")).toEqual([code, ""]);
      if (stderr instanceof RegExp) expect(result.stderr, args.join(" ")).toMatch(stderr);
      else expect(result.stderr, args.join(" ")).toBe(`lattice: ${stderr}\n`);
    }
    expect(await tasks()).toEqual(before);
  });

  it("outside any project, or with a broken config, says so in one line", async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), "lattice-empty-"));
    expect(await runCli(["data", "entities"], { home: project.home, cwd: empty })).toEqual(
      failed(1, "no lattice.config.yml in this folder or any folder above it: run lattice init to create one, or pass --config <path>"),
    );
    const broken = newProject("entities:\n  tasks:\n    columns:\n      id: text\n      due: date\n");
    expect(await broken.run(["data", "query", "tasks"])).toEqual(failed(1, 'lattice.config.yml: entities.tasks.columns.due: unknown type "date"; use datetime'));
    expect(await broken.run(["secrets", "list"])).toEqual(failed(1, 'lattice.config.yml: entities.tasks.columns.due: unknown type "date"; use datetime'));
  });
});

describe("lattice data with every column type", () => {
  const { run } = newProject(
    [
      "entities:",
      "  items:",
      "    columns:",
      "      id: { type: integer, primaryKey: true }",
      "      title: text",
      "      done: { type: boolean, default: false }",
      "      price: { type: real, default: 0 }",
      "      due: { type: datetime, nullable: true }",
      "      tags: { type: json, nullable: true }",
      "      note: { type: text, nullable: true, encrypted: true }",
      "",
    ].join("\n"),
  );

  beforeAll(async () => {
    for (const row of [
      { id: 1, title: "Tea", price: 2.5, due: "2026-03-01T09:00:00Z", tags: ["hot", "cup"], note: "from the market\non Tuesdays" },
      { id: 2, title: "Cake", done: true, price: 4, tags: { kind: "sweet" } },
      { id: 3, title: "Bread", price: 1.25, due: "2026-07-15" },
    ]) {
      expect(await run(["data", "insert", "items", JSON.stringify(row)])).toEqual(ok(`Inserted ${row.id} into items.\n`));
    }
  });

  it("prints each type readably, and an encrypted column as [hidden]", async () => {
    expect(await run(["data", "query", "items"])).toEqual(
      ok(
        [
          "id  title  done   price  due                       tags              note",
          '1   Tea    false  2.5    2026-03-01T09:00:00.000Z  ["hot","cup"]     [hidden]',
          '2   Cake   true   4                                {"kind":"sweet"}  [hidden]',
          "3   Bread  false  1.25   2026-07-15T00:00:00.000Z                    [hidden]",
          "(3 rows)",
          "",
        ].join("\n"),
      ),
    );
    // --json leaves the encrypted column out; data get --reveal prints it.
    expect((await run(["data", "query", "items", "--where", "id=1", "--json"])).stdout).toBe(
      '[{"id":1,"title":"Tea","done":false,"price":2.5,"due":"2026-03-01T09:00:00.000Z","tags":["hot","cup"]}]\n',
    );
    expect((await run(["data", "get", "items", "1"])).stdout).toContain("\nnote:   [hidden]\n");
    expect((await run(["data", "get", "items", "1", "--reveal"])).stdout).toContain('\nnote:   "from the market\\non Tuesdays"\n');
    expect(JSON.parse((await run(["data", "get", "items", "1", "--reveal", "--json"])).stdout).note).toBe("from the market\non Tuesdays");
  });

  it("converts --where values and typed keys to the column's type", async () => {
    const ids = async (...where: string[]) => JSON.parse((await run(["data", "query", "items", ...where.flatMap((w) => ["--where", w]), "--json"])).stdout).map((r: { id: number }) => r.id);
    expect(await ids("done=true")).toEqual([2]);
    expect(await ids("done=false", "price>=1.5")).toEqual([1]);
    expect(await ids("due=null")).toEqual([2]);
    expect(await ids("due!=null", "due<2026-06-01T00:00:00Z")).toEqual([1]);
    expect(await ids("id>1")).toEqual([2, 3]);
    expect(await ids('title="Cake"')).toEqual([2]);
    expect(await run(["data", "update", "items", "3", '{"done":true,"price":1.5}'])).toEqual(ok("Updated 3 in items: done, price.\n"));
    expect((await run(["data", "get", "items", "3", "--json"])).stdout).toBe('{"id":3,"title":"Bread","done":true,"price":1.5,"due":"2026-07-15T00:00:00.000Z","tags":null}\n');
    expect(await run(["data", "query", "items", "--where", "done=maybe"])).toEqual(failed(1, 'where.done.eq: expected true or false for a boolean column, got "maybe"'));
    expect(await run(["data", "query", "items", "--where", "note=x"])).toEqual(failed(1, "items.note is encrypted; it cannot be used in where"));
    const badKey = await run(["data", "get", "items", "three"]);
    expect([badKey.code, badKey.stdout]).toEqual([1, ""]);
    expect(badKey.stderr).toMatch(/^lattice: items\.id: expected a whole number .*, got "three"\n$/);
    expect(await run(["data", "delete", "items", "2"])).toEqual(ok("Deleted 2 from items.\n"));
  });
});

describe("lattice secrets", () => {
  const project = newProject();
  const { dir, run } = project;
  const PLAIN = "sk-live-plaintext-7d1f0a9c";

  beforeAll(async () => {
    expect((await run(["init"])).code).toBe(0);
  });

  it("set reads the value from stdin (less one final newline); get --reveal prints only the value", async () => {
    expect(await run(["secrets", "set", "OPENAI_API_KEY", "--kind", "api-key"], `${PLAIN}\n`)).toEqual(ok('Created secret "OPENAI_API_KEY" (api-key).\n'));
    expect(await run(["secrets", "get", "OPENAI_API_KEY", "--reveal"])).toEqual(ok(`${PLAIN}\n`));
    expect(await run(["secrets", "set", "GITHUB_TOKEN"], "ghp_first")).toEqual(ok('Created secret "GITHUB_TOKEN" (generic).\n'));
    // An update keeps the kind unless --kind is given.
    expect(await run(["secrets", "set", "GITHUB_TOKEN"], "ghp_second\n")).toEqual(ok('Updated secret "GITHUB_TOKEN" (generic).\n'));
    expect(await run(["secrets", "set", "GITHUB_TOKEN", "--kind", "token"], "ghp_third")).toEqual(ok('Updated secret "GITHUB_TOKEN" (token).\n'));
    expect(await run(["secrets", "get", "GITHUB_TOKEN", "--reveal"])).toEqual(ok("ghp_third\n"));
  });

  it("get, list and data query show names, kinds and dates, never a value", async () => {
    const get = await run(["secrets", "get", "OPENAI_API_KEY"]);
    expect(get.stdout).toMatch(new RegExp(`^Name: {5}OPENAI_API_KEY\nKind: {5}api-key\nCreated: {2}${DATE}\nUpdated: {2}${DATE}\nValue: {4}hidden \\(--reveal prints it\\)\n$`));
    expect([get.code, get.stderr]).toEqual([0, ""]);
    const list = await run(["secrets", "list"]);
    expect(list.stdout).toMatch(new RegExp(`^NAME {12}KIND {5}CREATED {15}UPDATED\nGITHUB_TOKEN {4}token {4}${DATE} {2}${DATE}\nOPENAI_API_KEY {2}api-key {2}${DATE} {2}${DATE}\n$`));
    const listed = JSON.parse((await run(["secrets", "list", "--json"])).stdout);
    expect(listed.map((s: object) => Object.keys(s))).toEqual([
      ["name", "kind", "createdAt", "updatedAt"],
      ["name", "kind", "createdAt", "updatedAt"],
    ]);
    expect(JSON.parse((await run(["secrets", "get", "OPENAI_API_KEY", "--json"])).stdout)).toEqual({
      name: "OPENAI_API_KEY",
      kind: "api-key",
      createdAt: expect.stringMatching(new RegExp(`^${ISO}$`)),
      updatedAt: expect.stringMatching(new RegExp(`^${ISO}$`)),
    });
    const query = await run(["data", "query", "secrets"]);
    expect(query.stdout).toMatch(new RegExp(`^name {12}kind {5}value {5}createdAt {17}updatedAt\nGITHUB_TOKEN {4}token {4}\\[hidden\\] {2}${ISO} {2}${ISO}\nOPENAI_API_KEY {2}api-key {2}\\[hidden\\] {2}${ISO} {2}${ISO}\n\\(2 rows\\)\n$`));
    const everything = [get, list, query, await run(["data", "query", "secrets", "--json"]), await run(["data", "get", "secrets", "OPENAI_API_KEY", "--json"])].map((r) => r.stdout).join("");
    expect(everything).not.toContain(PLAIN);
    expect(everything).not.toContain("ghp_third");
  });

  it("the SQLite files hold the value only encrypted", () => {
    const raw = rawSqlite(dir);
    expect(raw.includes("enc:")).toBe(true);
    expect(raw.includes(PLAIN)).toBe(false);
    expect(raw.includes("ghp_third")).toBe(false);
  });

  it("set on a terminal asks for the value without echoing it", async () => {
    const value = "typed-on-a-terminal-51c2";
    const result = await runOnTerminal(["secrets", "set", "TYPED"], { home: project.home, cwd: dir }, [{ after: "Value for TYPED: ", type: `${value}\r` }]);
    expect(result.screen).toContain('Created secret "TYPED" (generic).');
    expect(result.screen).not.toContain(value);
    expect(result.code).toBe(0);
    expect(await run(["secrets", "get", "TYPED", "--reveal"])).toEqual(ok(`${value}\n`));
  });

  it("refuses an empty stdin, an unknown name and a wrong key in one line, changing nothing", async () => {
    expect(await run(["secrets", "set", "EMPTY"], "")).toEqual(
      failed(1, `no value on stdin for EMPTY: pipe it in (printf '%s' "$VALUE" | lattice secrets set EMPTY), or run this on a terminal to be asked`),
    );
    expect(await run(["secrets", "get", "EMPTY"])).toEqual(failed(1, 'no secret named "EMPTY" (lattice secrets list shows them)'));
    const wrongKey = await runCli(["secrets", "get", "OPENAI_API_KEY", "--reveal"], { home: project.home, cwd: dir, env: { LATTICE_ENCRYPTION_KEY: "11".repeat(32) } });
    expect([wrongKey.code, wrongKey.stdout]).toEqual([1, ""]);
    expect(wrongKey.stderr).toMatch(/^lattice: .*LATTICE_ENCRYPTION_KEY.*\n$/);
    expect(await run(["secrets", "get", "OPENAI_API_KEY", "--reveal"])).toEqual(ok(`${PLAIN}\n`));
  });

  it("delete removes the secret", async () => {
    expect(await run(["secrets", "delete", "GITHUB_TOKEN"])).toEqual(ok('Deleted secret "GITHUB_TOKEN".\n'));
    expect(await run(["secrets", "delete", "GITHUB_TOKEN"])).toEqual(failed(1, 'no secret named "GITHUB_TOKEN" (lattice secrets list shows them)'));
    expect(JSON.parse((await run(["secrets", "list", "--json"])).stdout).map((s: { name: string }) => s.name)).toEqual(["OPENAI_API_KEY", "TYPED"]);
  });
});

describe("lattice files", () => {
  const project = newProject();
  const { dir, run } = project;
  const bytes = crypto.randomBytes(50_000);
  const sha = sha256(bytes);
  const notes = "meeting notes\n";

  beforeAll(async () => {
    expect((await run(["init"])).code).toBe(0);
    fs.writeFileSync(path.join(dir, "scan.bin"), bytes);
    fs.mkdirSync(path.join(dir, "in"));
    fs.writeFileSync(path.join(dir, "in", "notes.txt"), notes);
  });

  it("add stores the bytes once under their sha256 and adds the row", async () => {
    expect(await run(["files", "add", "scan.bin"])).toEqual(ok(`Added scan.bin (49 KB, application/octet-stream) as ${sha.slice(0, 12)}.\n`));
    expect(fs.readFileSync(path.join(dir, "data", "blobs", sha)).equals(bytes)).toBe(true);
    expect(await run(["files", "add", "scan.bin", "--name", "copy.bin"])).toEqual(ok(`Already stored as "scan.bin" (${sha.slice(0, 12)}); nothing was changed.\n`));
    const added = await run(["files", "add", "in/notes.txt", "--json"]);
    expect([added.code, added.stderr]).toEqual([0, ""]);
    expect(JSON.parse(added.stdout)).toEqual({ sha256: sha256(notes), name: "notes.txt", size: 14, mimeType: "text/plain", createdAt: expect.stringMatching(new RegExp(`^${ISO}$`)), added: true });
    const list = await run(["files", "list"]);
    expect(list.stdout).toMatch(
      new RegExp(`^SHA256 {8}NAME {7}SIZE {3}TYPE {22}ADDED\n${sha256(notes).slice(0, 12)}  notes\\.txt  14 B {3}text/plain {16}${DATE}\n${sha.slice(0, 12)}  scan\\.bin {3}49 KB  application/octet-stream  ${DATE}\n$`),
    );
  });

  it("extract writes the same bytes, by name or sha256 prefix, and never overwrites without --force", async () => {
    const out = path.join(dir, "scan.bin");
    fs.rmSync(out);
    expect(await run(["files", "extract", "scan.bin"])).toEqual(ok("Extracted scan.bin (49 KB) to scan.bin.\n"));
    expect(fs.readFileSync(out).equals(bytes)).toBe(true);

    fs.writeFileSync(out, "mine");
    expect(await run(["files", "extract", sha.slice(0, 8)])).toEqual(failed(1, "scan.bin already exists; pass --force to overwrite it, or choose another --out"));
    expect(fs.readFileSync(out, "utf8")).toBe("mine");
    expect(await run(["files", "extract", sha.slice(0, 8), "--force"])).toEqual(ok("Extracted scan.bin (49 KB) to scan.bin.\n"));
    expect(fs.readFileSync(out).equals(bytes)).toBe(true);

    fs.mkdirSync(path.join(dir, "out"));
    expect(await run(["files", "extract", sha, "--out", "out"])).toEqual(ok("Extracted scan.bin (49 KB) to out/scan.bin.\n"));
    expect(fs.readFileSync(path.join(dir, "out", "scan.bin")).equals(bytes)).toBe(true);
    expect(await run(["files", "extract", "notes.txt", "--out", "-"])).toEqual(ok(notes));
  });

  it("extract writes only under the chosen folder, whatever name a row written around the library holds", async () => {
    const { default: Database } = await import("better-sqlite3");
    const raw = new Database(path.join(dir, "data", "lattice.db"));
    raw.prepare(`UPDATE files SET name = '../../escaped.txt' WHERE sha256 = ?`).run(sha256(notes));
    raw.close();
    expect(await run(["files", "extract", sha256(notes).slice(0, 12)])).toEqual(ok("Extracted ../../escaped.txt (14 B) to escaped.txt.\n"));
    expect(fs.readFileSync(path.join(dir, "escaped.txt"), "utf8")).toBe(notes);
    expect(fs.existsSync(path.join(dir, "..", "..", "escaped.txt"))).toBe(false);
    const restore = new Database(path.join(dir, "data", "lattice.db"));
    restore.prepare(`UPDATE files SET name = 'notes.txt' WHERE sha256 = ?`).run(sha256(notes));
    restore.close();
  });

  it("a damaged blob makes extract fail with a clear line and write nothing", async () => {
    const blob = path.join(dir, "data", "blobs", sha);
    const damaged = Buffer.from(bytes);
    damaged[1000] ^= 0xff;
    fs.writeFileSync(blob, damaged);
    expect(await run(["files", "extract", "scan.bin", "--out", "damaged.bin"])).toEqual(failed(1, `blob ${sha} is damaged: its bytes now hash to ${sha256(damaged)}`));
    expect(fs.existsSync(path.join(dir, "damaged.bin"))).toBe(false);
    fs.rmSync(blob);
    expect(await run(["files", "extract", "scan.bin", "--out", "gone.bin"])).toEqual(failed(1, `blob ${sha} is not in ${path.join(dir, "data", "blobs")}`));
    expect(fs.existsSync(path.join(dir, "gone.bin"))).toBe(false);
    fs.writeFileSync(blob, bytes);
  });

  it("refuses a missing path, an unknown file and an ambiguous name in one line", async () => {
    expect(await run(["files", "add", "nope.pdf"])).toEqual(failed(1, "nope.pdf: no such file"));
    expect(await run(["files", "extract", "nope.pdf"])).toEqual(failed(1, 'no file "nope.pdf" (lattice files list shows them)'));
    fs.writeFileSync(path.join(dir, "other.txt"), "other notes\n");
    expect((await run(["files", "add", "other.txt", "--name", "notes.txt"])).code).toBe(0);
    const result = await run(["files", "extract", "notes.txt"]);
    expect([result.code, result.stdout]).toEqual([1, ""]);
    expect(result.stderr).toMatch(/^lattice: "notes\.txt" matches 2 files \(.*\); give more of the sha256\n$/);
    for (const s of [sha256(notes), sha256("other notes\n")]) expect(result.stderr).toContain(`${s.slice(0, 12)} notes.txt`);
    expect(await run(["files", "delete", sha256("other notes\n")])).toEqual(ok(`Deleted notes.txt (${sha256("other notes\n").slice(0, 12)}) and its stored bytes.\n`));
  });

  it("delete removes the row and the bytes", async () => {
    expect(await run(["files", "delete", "scan.bin"])).toEqual(ok(`Deleted scan.bin (${sha.slice(0, 12)}) and its stored bytes.\n`));
    expect(fs.existsSync(path.join(dir, "data", "blobs", sha))).toBe(false);
    expect(JSON.parse((await run(["files", "list", "--json"])).stdout).map((f: { name: string }) => f.name)).toEqual(["notes.txt"]);
  });
});

describe("lattice data and secrets on Postgres (${LATTICE_DB:label})", () => {
  const adminUrl = inject("pgAdminUrl");
  const name = `lattice_cli_${crypto.randomBytes(6).toString("hex")}`;
  const url = databaseUrl(adminUrl, name);
  const { run } = newProject(
    ["database: ${LATTICE_DB:cli-pg}", "entities:", "  tasks:", "    columns:", "      id: { type: text, primaryKey: true }", "      title: text", "      points: { type: integer, default: 0 }", ""].join("\n"),
  );
  const PLAIN = "pg-secret-plaintext-0b7e";

  beforeAll(async () => {
    await withAdmin(adminUrl, (admin) => admin.query(`CREATE DATABASE ${name}`));
  });
  afterAll(async () => {
    await withAdmin(adminUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  });

  it("without the credential, says how to add it", async () => {
    expect(await run(["data", "query", "tasks"])).toEqual(failed(1, '${LATTICE_DB:cli-pg}: no database credentials labelled "cli-pg"; add them with lattice db-credentials set cli-pg <postgres-url>'));
  });

  it("inserts, queries and keeps secrets in the team's Postgres, encrypted", async () => {
    expect((await run(["db-credentials", "set", "cli-pg", "-"], url)).code).toBe(0);
    expect(await run(["data", "insert", "tasks", '{"id":"p1","title":"On Postgres","points":3}'])).toEqual(ok('Inserted "p1" into tasks.\n'));
    expect(await run(["data", "insert", "tasks", '{"id":"p2","title":"Also here"}'])).toEqual(ok('Inserted "p2" into tasks.\n'));
    expect(await run(["data", "query", "tasks", "--where", "points>1"])).toEqual(ok(["id  title        points", "p1  On Postgres  3", "(1 row)", ""].join("\n")));
    expect(await run(["data", "insert", "tasks", '{"id":"p1","title":"dup"}'])).toEqual(failed(1, 'tasks: a row with id "p1" already exists (use update or upsert to change it)'));

    expect(await run(["secrets", "set", "PG_KEY", "--kind", "api-key"], PLAIN)).toEqual(ok('Created secret "PG_KEY" (api-key).\n'));
    expect(await run(["secrets", "get", "PG_KEY", "--reveal"])).toEqual(ok(`${PLAIN}\n`));
    expect((await run(["data", "query", "secrets"])).stdout).not.toContain(PLAIN);

    const stored = await withAdmin(url, async (client) => ({
      tasks: (await client.query("SELECT id, title, points FROM lattice_data.tasks ORDER BY id")).rows,
      secrets: (await client.query("SELECT name, kind, value FROM lattice_data.secrets")).rows,
    }));
    expect(stored.tasks).toEqual([
      { id: "p1", title: "On Postgres", points: "3" },
      { id: "p2", title: "Also here", points: "0" },
    ]);
    expect(stored.secrets).toEqual([{ name: "PG_KEY", kind: "api-key", value: expect.stringMatching(/^enc:[A-Za-z0-9+/]+=*$/) }]);
    expect(JSON.stringify(stored.secrets)).not.toContain(PLAIN);
  });
});
