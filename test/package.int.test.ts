// The published package as a user gets it: `npm pack` of this repository, installed into an empty
// folder, then the seed's snippet run there with plain `node` (SQLite, and Postgres through
// ${LATTICE_DB:label}), the `lattice` command it installs, and a strict TypeScript consumer.
import { spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { databaseUrl, withAdmin } from "./support/postgres.ts";

const root = path.resolve(import.meta.dirname, "..");

// The seed's code block (002_3714b790dbca82dd.txt, "secrets and files come for free"), verbatim.
const SEED_SNIPPET = `import { Lattice } from 'latticesql';
import { registerNativeEntities } from 'latticesql/framework/native-entities';
const db = new Lattice(
{ config: './lattice.config.yml' },
{ encryptionKey: process.env.LATTICE_ENCRYPTION_KEY },
);
registerNativeEntities(db);
await db.init();
// secrets.value is encrypted at rest (AES-256-GCM)
await db.insert('secrets', {
name: 'OPENAI_API_KEY',
kind: 'api-key',
value: 'sk-...', // stored as 'enc:<base64>' on disk
});
// files lands in content-addressed storage at data/blobs/<sha256>
import { attachBlob } from 'latticesql/framework/blob-store';
const meta = await attachBlob('./contract.pdf', process.cwd());
await db.insert('files', meta);
`;

// The seed's sync section: "db.update('tasks', 'task-002', { status: 'done' });" on a tasks entity.
const SEED_SCRIPT = `${SEED_SNIPPET}
await db.insert('tasks', { id: 'task-002', title: 'Write the launch post' });
await db.update('tasks', 'task-002', { status: 'done' });
await db.close();
`;

// A second process reads back what the first wrote.
const READ_SCRIPT = `import { Lattice } from 'latticesql';
import { registerNativeEntities } from 'latticesql/framework/native-entities';
const db = new Lattice({ config: './lattice.config.yml' }, { encryptionKey: process.env.LATTICE_ENCRYPTION_KEY });
registerNativeEntities(db);
await db.init();
const secret = await db.get('secrets', 'OPENAI_API_KEY');
const files = await db.query('files');
const task = await db.get('tasks', 'task-002');
console.log(JSON.stringify({ secret: { name: secret.name, kind: secret.kind, value: secret.value }, files, task }));
await db.close();
`;

const TASKS = `entities:
  tasks:
    columns:
      id: { type: text, primaryKey: true }
      title: text
      status: { type: text, default: todo }
`;

// What a TypeScript user writes: the seed in TypeScript, typed rows from a config literal.
const TS_CONSUMER = `import { Lattice, LatticeError, TeamsClient, type InferEntities, type LatticeChange, type TeamMember } from "latticesql";
import { registerNativeEntities, type Secret } from "latticesql/framework/native-entities";
import { attachBlob, type BlobMeta } from "latticesql/framework/blob-store";

const config = {
  entities: {
    tasks: {
      columns: {
        id: { type: "text", primaryKey: true },
        title: { type: "text" },
        status: { type: "text", default: "todo" },
        points: { type: "integer", nullable: true },
      },
    },
  },
} as const;

const db = registerNativeEntities(new Lattice<InferEntities<typeof config>>({ config, baseDir: process.cwd() }));
await db.init();
const changes: LatticeChange[] = [];
db.on("change", (change: LatticeChange) => changes.push(change));
const task = await db.insert("tasks", { id: "task-002", title: "Write the launch post" });
const title: string = task.title;
const points: number | null = task.points;
const done = await db.update("tasks", "task-002", { status: "done" });
const secret: Secret | null = await db.get("secrets", "OPENAI_API_KEY");
const meta: BlobMeta = await attachBlob("./contract.pdf", process.cwd());
await db.insert("files", meta);
const members: TeamMember[] = [];
const joined: Date | undefined = members[0]?.joinedAt;
try {
  await db.delete("tasks", "task-002");
} catch (error) {
  if (error instanceof LatticeError) console.log(error.code);
}
console.log(title, points, done.status, secret?.value, joined, changes.length, typeof TeamsClient.probeCloud);
await db.close();
`;

// Four mistakes the published types must catch; each line is one.
const TS_WRONG = `import { Lattice, type InferEntities } from "latticesql";
import { attachBlob } from "latticesql/framework/blob-store";

const config = { entities: { tasks: { columns: { id: { type: "text", primaryKey: true }, title: { type: "text" } } } } } as const;
const db = new Lattice<InferEntities<typeof config>>({ config, baseDir: process.cwd() });
await db.insert("tasks", { id: "task-001", title: 42 });
await db.get("projects", "p-1");
const size: string = (await attachBlob("./contract.pdf", process.cwd())).size;
db.on("change", (change: string) => console.log(change, size));
`;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command with an environment free of the npm_* variables of whatever started the tests. */
function run(command: string, args: string[], options: { cwd: string; env?: Record<string, string> }): Promise<Run> {
  const env: Record<string, string | undefined> = {
    ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.toLowerCase().startsWith("npm_"))),
    NO_COLOR: "1",
    ...options.env,
  };
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: env as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

function installedVersion(name: string): string {
  return JSON.parse(fs.readFileSync(path.join(root, "node_modules", name, "package.json"), "utf8")).version;
}

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "latticesql-package-"));
const consumer = path.join(scratch, "consumer");
const home = path.join(scratch, "home");
const encryptionKey = crypto.randomBytes(32).toString("base64");
const contract = crypto.randomBytes(5000);
const contractSha = crypto.createHash("sha256").update(contract).digest("hex");
const userEnv = { LATTICE_HOME: home, LATTICE_ENCRYPTION_KEY: encryptionKey };
let tarball: string;

/** A project folder inside the consumer (so `latticesql` resolves from its node_modules). */
function project(name: string, config: string): string {
  const dir = path.join(consumer, name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "lattice.config.yml"), config);
  fs.writeFileSync(path.join(dir, "contract.pdf"), contract);
  fs.writeFileSync(path.join(dir, "seed.mjs"), SEED_SCRIPT);
  fs.writeFileSync(path.join(dir, "read.mjs"), READ_SCRIPT);
  return dir;
}

function lattice(args: string[]): Promise<Run> {
  return run(path.join(consumer, "node_modules/.bin/lattice"), args, { cwd: consumer, env: userEnv });
}

async function seedThenRead(dir: string) {
  const seeded = await run(process.execPath, ["seed.mjs"], { cwd: dir, env: userEnv });
  expect(seeded).toEqual({ code: 0, stdout: "", stderr: "" });
  const read = await run(process.execPath, ["read.mjs"], { cwd: dir, env: userEnv });
  expect(read.stderr).toBe("");
  expect(read.code).toBe(0);
  const rows = JSON.parse(read.stdout);
  expect(rows.secret).toEqual({ name: "OPENAI_API_KEY", kind: "api-key", value: "sk-..." });
  expect(rows.files).toEqual([
    { sha256: contractSha, name: "contract.pdf", size: contract.length, mimeType: "application/pdf", createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) },
  ]);
  expect(rows.task).toEqual({ id: "task-002", title: "Write the launch post", status: "done" });
  expect(fs.readFileSync(path.join(dir, "data/blobs", contractSha))).toEqual(contract);
}

beforeAll(async () => {
  // Packs the current build (integration tests run after `npm run build`) without npm's prepare
  // step, which would rebuild dist/ under the CLI tests running beside this file.
  if (!fs.existsSync(path.join(root, "dist/types/index.d.ts"))) throw new Error("no dist/types: run `npm run build` first");
  const packed = await run("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", scratch], { cwd: root });
  expect(packed.code, packed.stderr).toBe(0);
  tarball = path.join(scratch, JSON.parse(packed.stdout)[0].filename);

  fs.mkdirSync(consumer);
  // npm 11 runs a dependency's install script only when allowScripts lists it (better-sqlite3 builds its binding).
  fs.writeFileSync(
    path.join(consumer, "package.json"),
    JSON.stringify({ name: "consumer", private: true, type: "module", allowScripts: { "better-sqlite3": true } }, null, 2),
  );
  const toolchain = [`typescript@${installedVersion("typescript")}`, `@types/node@${installedVersion("@types/node")}`];
  const installed = await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", tarball, ...toolchain], { cwd: consumer });
  expect(installed.code, installed.stderr).toBe(0);
}, 360_000);

afterAll(() => {
  fs.rmSync(scratch, { recursive: true, force: true });
});

describe("the packed tarball, installed into an empty folder", () => {
  it("holds the built package and its docs, and no sources, tests or server build", async () => {
    const listed = await run("tar", ["-tzf", tarball], { cwd: scratch });
    const files = listed.stdout.trim().split("\n").map((name) => name.replace(/^package\//, ""));
    for (const needed of [
      "package.json",
      "README.md",
      "LICENSE",
      "bin/lattice.mjs",
      "dist/cli/index.js",
      "dist/lattice/index.js",
      "dist/lattice/framework/native-entities.js",
      "dist/lattice/framework/blob-store.js",
      "dist/types/index.d.ts",
      "dist/types/framework/native-entities.d.ts",
      "dist/types/framework/blob-store.d.ts",
      "docs/library.md",
    ]) {
      expect(files).toContain(needed);
    }
    expect(files.filter((name) => /^(src|test|e2e|bench|prisma|scripts|data|\.next|dist\/server)\//.test(name))).toEqual([]);
    // Only the library and CLI's own packages come with it, not the server's.
    const manifest = JSON.parse(fs.readFileSync(path.join(consumer, "node_modules/latticesql/package.json"), "utf8"));
    for (const serverOnly of ["next", "react", "prisma", "@prisma/client", "@electric-sql/pglite", "next-auth", "@trpc/client", "@trpc/server"]) {
      expect(manifest.dependencies).not.toHaveProperty(serverOnly);
      expect(fs.existsSync(path.join(consumer, "node_modules", serverOnly))).toBe(false);
    }
  });

  it("installs a working `lattice` command", async () => {
    const help = await lattice(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^lattice\/\d+\.\d+\.\d+\n/);
    expect(help.stdout).toContain("identity show");

    expect(await lattice(["identity", "set", "--name", "Alice", "--email", "alice@example.com"])).toEqual({
      code: 0,
      stdout: "Identity saved: Alice <alice@example.com>\n",
      stderr: "",
    });
    expect(await lattice(["identity", "show"])).toEqual({ code: 0, stdout: "Name:  Alice\nEmail: alice@example.com\n", stderr: "" });
  });

  it("runs the seed's snippet verbatim with plain node on SQLite: rows read back, secrets encrypted on disk, the blob stored", async () => {
    const dir = project("sqlite-project", TASKS);
    await seedThenRead(dir);
    const raw = Buffer.concat(
      fs
        .readdirSync(path.join(dir, "data"))
        .filter((name) => name.startsWith("lattice.db"))
        .map((name) => fs.readFileSync(path.join(dir, "data", name))),
    );
    expect(raw.includes("enc:")).toBe(true);
    expect(raw.includes("sk-...")).toBe(false);
  });

  it("runs the seed's snippet verbatim on Postgres through ${LATTICE_DB:label}", async () => {
    const adminUrl = inject("pgAdminUrl");
    const name = `latticesql_pkg_${crypto.randomBytes(6).toString("hex")}`;
    await withAdmin(adminUrl, (admin) => admin.query(`CREATE DATABASE ${name}`));
    try {
      const url = databaseUrl(adminUrl, name);
      const saved = await lattice(["db-credentials", "set", "pkgdb", url]);
      expect(saved.stderr).toBe("");
      expect(saved.code).toBe(0);
      const dir = project("postgres-project", `database: \${LATTICE_DB:pkgdb}\n${TASKS}`);
      await seedThenRead(dir);
      expect(fs.readFileSync(path.join(dir, "lattice.config.yml"), "utf8")).not.toContain("postgres://");

      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        const { rows } = await client.query(`SELECT name, value FROM lattice_data.secrets`);
        expect(rows).toEqual([{ name: "OPENAI_API_KEY", value: expect.stringMatching(/^enc:[A-Za-z0-9+/]+=*$/) }]);
        const { rows: tasks } = await client.query(`SELECT id, status FROM lattice_data.tasks`);
        expect(tasks).toEqual([{ id: "task-002", status: "done" }]);
      } finally {
        await client.end();
      }
    } finally {
      await withAdmin(adminUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    }
  });

  // One program per resolution mode: the consumer must compile cleanly and each wrong use must be
  // refused (types that had decayed to `any` would accept all four).
  for (const resolution of [
    { moduleResolution: "nodenext", module: "nodenext" },
    { moduleResolution: "bundler", module: "esnext" },
  ]) {
    it(`types: a strict TypeScript consumer compiles and wrong uses are refused (moduleResolution ${resolution.moduleResolution})`, async () => {
      const dir = path.join(consumer, `ts-${resolution.moduleResolution}`);
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, "consumer.ts"), TS_CONSUMER);
      fs.writeFileSync(path.join(dir, "wrong.ts"), TS_WRONG);
      fs.writeFileSync(
        path.join(dir, "tsconfig.json"),
        JSON.stringify({
          compilerOptions: { ...resolution, target: "es2022", strict: true, noEmit: true, skipLibCheck: false, types: ["node"] },
          files: ["consumer.ts", "wrong.ts"],
        }),
      );
      const result = await run(process.execPath, [path.join(consumer, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.json"], { cwd: dir });
      expect(result.stdout.trim().split("\n")).toEqual([
        "wrong.ts(6,44): error TS2322: Type 'number' is not assignable to type 'string'.",
        `wrong.ts(7,14): error TS2345: Argument of type '"projects"' is not assignable to parameter of type '"tasks"'.`,
        "wrong.ts(8,7): error TS2322: Type 'number' is not assignable to type 'string'.",
        expect.stringMatching(/^wrong\.ts\(9,17\): error TS2345: Argument of type '\(change: string\) => void' is not assignable/),
        "  Types of parameters 'change' and 'change' are incompatible.",
        "    Type 'LatticeChange<Row>' is not assignable to type 'string'.",
      ]);
      expect(result.code).toBe(2);
    });
  }
});
