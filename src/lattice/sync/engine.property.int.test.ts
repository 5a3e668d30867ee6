import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test/support/database.ts";
import { startServer, type RunningServer } from "../../../test/support/server.ts";
import { TeamsClient } from "../teams/client.ts";
import { SyncProject } from "./engine.ts";

// Members' SQLite projects (the real engine, triggers and outbox) against a real server: random
// local inserts, library and raw-SQL updates, deletes, links, unlinks, pushes and pulls, three
// members at once, on keys they collide on. After everyone syncs, every member's linked rows are
// the workspace's, versions and owners included, and nothing is left in any outbox.

const RUNS = Number(process.env.LATTICE_SYNC_ENGINE_HISTORIES ?? 25);
const KEYS = ["a", "b", "c", "d"];

type Step =
  | { t: "insert"; key: string; title: string }
  | { t: "update"; key: string; title: string; raw: boolean }
  | { t: "delete"; key: string }
  | { t: "link"; key: string }
  | { t: "unlink"; key: string }
  | { t: "push" }
  | { t: "pull" };

const key = fc.constantFrom(...KEYS);
const title = fc.string({ maxLength: 5 });
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ t: fc.constant("insert" as const), key, title }),
  fc.record({ t: fc.constant("update" as const), key, title, raw: fc.boolean() }),
  fc.record({ t: fc.constant("delete" as const), key }),
  fc.record({ t: fc.constant("link" as const), key }),
  fc.record({ t: fc.constant("unlink" as const), key }),
  fc.constant({ t: "push" as const }),
  fc.constant({ t: "pull" as const }),
);

describe("members' projects converge on the workspace", () => {
  let t: TestDatabase;
  let server: RunningServer;
  const tokens: string[] = [];
  let histories = 0;

  async function api(method: string, route: string, token: string | null, body?: unknown) {
    const res = await fetch(`${server.url}${route}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return res.json();
  }

  beforeAll(async () => {
    t = await createTestDatabase();
    server = await startServer({ databaseUrl: t.url });
    const alice = await api("POST", "/api/v1/teams/register", null, { email: "m0@example.com", name: "M0", teamName: "Atlas" });
    tokens.push(alice.token);
    for (const email of ["m1@example.com", "m2@example.com"]) {
      const invitation = await api("POST", "/api/v1/teams/invitations", alice.token, { inviteeEmail: email });
      tokens.push((await api("POST", "/api/v1/teams/join", null, { token: invitation.token, email, name: email })).token);
    }
  });
  afterAll(async () => {
    await server?.stop();
    await t?.drop();
  });

  async function openMembers(table: string): Promise<SyncProject[]> {
    const members: SyncProject[] = [];
    for (const [i, token] of tokens.entries()) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lattice-prop-"));
      fs.writeFileSync(path.join(dir, "lattice.config.yml"), i === 0 ? `entities:\n  ${table}:\n    columns:\n      id: text\n      title: text\n` : "entities: {}\n");
      members.push(await SyncProject.open(path.join(dir, "lattice.config.yml"), new TeamsClient({ cloud: server.url, token }), { home: path.join(dir, "home"), encryptionKey: "b".repeat(64) }));
    }
    return members;
  }

  async function run(member: SyncProject, table: string, s: Step): Promise<void> {
    const db = member.db;
    try {
      if (s.t === "insert") await db.insert(table, { id: s.key, title: s.title });
      else if (s.t === "update" && s.raw) await db.sqlExecutor().run(`UPDATE "${table}" SET title = ? WHERE id = ?`, [s.title, s.key]);
      else if (s.t === "update") await db.update(table, s.key, { title: s.title });
      else if (s.t === "delete") await db.delete(table, s.key);
      else if (s.t === "link") await member.link(table, [s.key]);
      else if (s.t === "unlink") await member.unlink(table, [s.key]);
      else if (s.t === "push") await member.push();
      else await member.pull();
    } catch (error) {
      // What a user is told for a mistake (no such row, a duplicate key, someone else's row): nothing changes.
      const code = (error as { code?: string }).code;
      if (!["NOT_FOUND", "DUPLICATE_KEY", "NOT_LINKED"].includes(code ?? "")) throw error;
    }
  }

  it(`hold for ${RUNS} random histories of three members`, { timeout: Math.max(600_000, RUNS * 20_000) }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(step, { minLength: 1, maxLength: 8 }), { minLength: 3, maxLength: 3 }), async (lanes) => {
        const table = `t${++histories}`;
        const members = await openMembers(table);
        try {
          await members[0]!.share(table);
          for (const member of members.slice(1)) await member.pull();
          await Promise.all(lanes.map(async (steps, i) => {
            for (const s of steps) await run(members[i]!, table, s);
          }));
          for (let round = 0; round < 2; round++) for (const member of members) await member.sync();
          const workspace = (await t.database.prisma.$queryRawUnsafe(`SELECT id, title, _lattice_owner::text AS owner, _lattice_version AS version FROM lattice_data.${table} ORDER BY id`)) as {
            id: string;
            title: string;
            owner: string | null;
            version: bigint;
          }[];
          const expected = workspace.map((r) => ({ id: r.id, title: r.title, owner: r.owner ?? "", version: Number(r.version) }));
          for (const member of members) {
            const x = member.db.sqlExecutor();
            const linked = await x.all(`SELECT id, title, _lattice_owner AS owner, _lattice_version AS version FROM "${table}" WHERE _lattice_owner IS NOT NULL ORDER BY id`);
            // A key the member holds in an unlinked row of their own is theirs here: the team's row waits.
            const own = new Set((await x.all(`SELECT id FROM "${table}" WHERE _lattice_owner IS NULL`)).map((r) => r.id));
            expect(linked).toEqual(expected.filter((r) => !own.has(r.id)));
            const waiting = (await x.all(`SELECT pk FROM _lattice_refusals WHERE restored = 0`)).map((r) => JSON.parse(r.pk as string));
            expect(waiting.sort()).toEqual(expected.filter((r) => own.has(r.id)).map((r) => r.id).sort());
            expect(await x.all(`SELECT * FROM _lattice_outbox`)).toEqual([]);
            expect(await x.all(`SELECT * FROM _lattice_inflight`)).toEqual([]);
          }
        } finally {
          for (const member of members) await member.close();
        }
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
  });
});
