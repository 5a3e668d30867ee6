import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../../test/support/database.ts";
import type { Principal } from "../../auth/principal.ts";
import { registerTeam } from "../teams/register-team.ts";
import { pullChanges, currentRows } from "./feed.ts";
import { pushChanges, type PushOp } from "./push.ts";
import { shareTable } from "./tables.ts";

// Never a missed change: random histories in which members push and pull at once against one real
// Postgres, while "someone with psql" runs transactions that write a shared table and commit late.
// At the end every member's copy equals the workspace, every member saw each change of the table
// exactly once and in order, and no cursor ever moved back. `npm run test:soak` runs 10,000.

const RUNS = Number(process.env.LATTICE_SYNC_HISTORIES ?? 1000);
const KEYS = ["k0", "k1", "k2", "k3"];
const CLIENTS = 3;

type Step =
  | { t: "push"; key: string; op: PushOp; title: string }
  | { t: "pull" }
  | { t: "sql"; key: string; action: "upsert" | "delete"; title: string; holdMs: number };

const title = fc.string({ minLength: 0, maxLength: 6 });
const clientStep: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ t: fc.constant("push" as const), key: fc.constantFrom(...KEYS), op: fc.constantFrom<PushOp>("link", "upsert", "upsert", "delete", "unlink"), title }) },
  { weight: 2, arbitrary: fc.constant({ t: "pull" as const }) },
);
const sqlStep: fc.Arbitrary<Step> = fc.record({
  t: fc.constant("sql" as const),
  key: fc.constantFrom(...KEYS),
  action: fc.constantFrom<"upsert" | "delete">("upsert", "upsert", "delete"),
  title,
  holdMs: fc.integer({ min: 0, max: 12 }),
});
const history = fc.record({
  clients: fc.array(fc.array(clientStep, { minLength: 1, maxLength: 7 }), { minLength: CLIENTS, maxLength: CLIENTS }),
  sql: fc.array(sqlStep, { minLength: 0, maxLength: 3 }),
});

interface Copy {
  title: string;
  owner: string | null;
  version: number;
}

/** A member's local copy, kept only by pulling the feed (as the library's engine does). */
class Member {
  cursor: number;
  rows = new Map<string, Copy>();
  seen: number[] = [];
  constructor(
    readonly principal: Principal,
    start: number,
  ) {
    this.cursor = start;
  }

  async pull(t: TestDatabase, table: string): Promise<void> {
    for (;;) {
      const since = this.cursor;
      const page = await pullChanges(t.database.prisma, { since, limit: 7 });
      let last = since;
      for (const change of page.changes) {
        // Cursors only move forward, changes come in seq order.
        expect(change.seq).toBeGreaterThan(last);
        last = change.seq;
        if (change.table !== table) continue;
        this.seen.push(change.seq);
        const local = this.rows.get(change.pk!);
        if (change.kind === "upsert") {
          if (!local || change.version! > local.version) {
            this.rows.set(change.pk!, { title: String((change.row as { title: string }).title), owner: change.owner, version: change.version! });
          }
        } else this.rows.delete(change.pk!);
      }
      expect(page.cursor).toBeGreaterThanOrEqual(since);
      this.cursor = page.cursor;
      if (!page.more) return;
    }
  }

  async push(t: TestDatabase, table: string, step: Extract<Step, { t: "push" }>, id: string): Promise<void> {
    const local = this.rows.get(step.key);
    const row = step.op === "link" || step.op === "upsert" ? { row: { id: step.key, title: step.title } } : {};
    const [result] = (await pushChanges(t.database.prisma, this.principal, { entries: [{ id, table, op: step.op, pk: step.key, baseVersion: local?.version ?? 0, ...row }] })).results;
    expect(["applied", "refused", "stale"]).toContain(result!.status);
    // A retry of the same entry answers the same and applies nothing.
    if (Number(id.slice(-1)) % 4 === 0) {
      const again = await pushChanges(t.database.prisma, this.principal, { entries: [{ id, table, op: step.op, pk: step.key, baseVersion: local?.version ?? 0, ...row }] });
      expect(again.results[0]).toEqual(result);
    }
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("the change feed never skips a change", () => {
  let t: TestDatabase;
  let principals: Principal[];
  let histories = 0;
  let entries = 0;

  beforeAll(async () => {
    t = await createTestDatabase();
    const team = await registerTeam(t.database.prisma, { email: "m0@example.com", name: "M0", teamName: "Atlas" });
    principals = [{ userId: team.user.id, email: team.user.email, displayName: "M0", scopes: ["*"], via: "token" }];
    for (let i = 1; i < CLIENTS; i++) {
      const user = await t.database.prisma.user.create({ data: { email: `m${i}@example.com`, displayName: `M${i}`, scopes: ["*"] } });
      await t.database.prisma.membership.create({ data: { teamId: team.team.id, userId: user.id, role: "member" } });
      principals.push({ userId: user.id, email: user.email, displayName: `M${i}`, scopes: ["*"], via: "token" });
    }
  });
  afterAll(async () => {
    await t?.drop();
  });

  it(`holds for ${RUNS} random histories of concurrent pushes, pulls and late-committing SQL`, { timeout: Math.max(600_000, RUNS * 400) }, async () => {
    await fc.assert(
      fc.asyncProperty(history, async ({ clients, sql }) => {
        const table = `h${++histories}`;
        await shareTable(t.database.prisma, principals[0]!, { table, columns: { id: "text", title: "text" } });
        const start = (await pullChanges(t.database.prisma, { since: 0, limit: 1 })).head;
        const members = principals.map((p) => new Member(p, start));
        const lanes = clients.map(async (steps, i) => {
          for (const step of steps) {
            if (step.t === "pull") await members[i]!.pull(t, table);
            else if (step.t === "push") await members[i]!.push(t, table, step, `entry-${histories}-${++entries}`);
          }
        });
        // Someone with psql: each transaction writes the table, holds it open, then commits.
        const admin = (async () => {
          for (const step of sql) {
            if (step.t !== "sql") continue;
            await t.database.prisma.$transaction(
              async (tx) => {
                if (step.action === "delete") await tx.$executeRawUnsafe(`DELETE FROM lattice_data.${table} WHERE id = $1`, step.key);
                else await tx.$executeRawUnsafe(`INSERT INTO lattice_data.${table} (id, title) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET title = excluded.title`, step.key, step.title);
                await sleep(step.holdMs);
              },
              { timeout: 60_000, maxWait: 60_000 },
            );
          }
        })();
        await Promise.all([...lanes, admin]);
        const workspace = (await t.database.prisma.$queryRawUnsafe(`SELECT id, title, _lattice_owner::text AS owner, _lattice_version AS version FROM lattice_data.${table} ORDER BY id`)) as {
          id: string;
          title: string;
          owner: string | null;
          version: bigint;
        }[];
        const expected = Object.fromEntries(workspace.map((r) => [r.id, { title: r.title, owner: r.owner, version: Number(r.version) }]));
        const feed = ((await t.database.prisma.$queryRawUnsafe(`SELECT seq FROM lattice_changes WHERE table_name = $1 AND kind <> 'share' ORDER BY seq`, table)) as { seq: bigint }[]).map((r) => Number(r.seq));
        for (const member of members) {
          await member.pull(t, table);
          expect(Object.fromEntries([...member.rows].sort(([a], [b]) => (a < b ? -1 : 1)))).toEqual(expected);
          // Every change of the table, each exactly once, in commit order: none lost, none twice.
          expect(member.seen).toEqual(feed);
        }
        // What a refused or stale member reads back is the team's row.
        const { rows } = await currentRows(t.database.prisma, { table, pks: KEYS });
        expect(Object.fromEntries(rows.map((r) => [r.pk, { title: r.row.title, owner: r.owner, version: r.version }]))).toEqual(expected);
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
  });
});
