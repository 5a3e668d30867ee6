// Push: a member's outbox entries applied to the shared tables, each checked for ownership and
// staleness, all in one transaction under the feed lock. Every entry's result is stored with it,
// so a retry (a lost response, a killed CLI) applies nothing twice and gets the same answers.
import { z } from "zod";
import { encodeValue } from "../../../lattice/db/columns.ts";
import { LatticeError } from "../../../lattice/config/errors.ts";
import { encryptValue } from "../../../lattice/crypto/encrypted-value.ts";
import type { ColumnSpec } from "../../../lattice/config/config.ts";
import { quoteIdentifier } from "../../../lattice/db/driver.ts";
import type { PrismaClient } from "../../db.ts";
import { AppError } from "../../errors.ts";
import type { Principal } from "../../auth/principal.ts";
import { FEED_LOCK, findSharedTables, notShared, qualified, sqlExecutor, syncTransaction, type SharedTableSpec } from "./tables.ts";
import { workspaceKey } from "./workspace-key.ts";

export const MAX_PUSH_ENTRIES = 1000;
export const PUSH_OPS = ["link", "upsert", "delete", "unlink"] as const;
export type PushOp = (typeof PUSH_OPS)[number];

export const pushEntrySchema = z.strictObject({
  /** The outbox entry's id: unique per member, the key of idempotency. */
  id: z.string({ error: "id is required" }).regex(/^[A-Za-z0-9_-]{8,64}$/, "id must be 8–64 letters, digits, _ or -"),
  table: z.string({ error: "table is required" }).max(63, "table is too long"),
  op: z.enum(PUSH_OPS, { error: "op must be link, upsert, delete or unlink" }),
  pk: z.union([z.string().min(1, "pk must not be empty").max(1000, "pk is too long"), z.number().int("pk must be a whole number")], { error: "pk must be a string or a whole number" }),
  /** The row version this edit was based on (0 or null: the row was never pushed). */
  baseVersion: z.number().int().min(0).nullable().optional(),
  /** link and upsert: the row's columns. */
  row: z.record(z.string(), z.unknown()).optional(),
});
export type PushEntry = z.infer<typeof pushEntrySchema>;

export const pushInput = z.strictObject({
  entries: z.array(pushEntrySchema, { error: "entries must be a list" }).max(MAX_PUSH_ENTRIES, `at most ${MAX_PUSH_ENTRIES} entries per push: send the rest in the next request`),
});

export type PushStatus = "applied" | "refused" | "stale";
export interface PushResult {
  id: string;
  table: string;
  pk: string;
  op: PushOp;
  status: PushStatus;
  /** applied: the row's version on the server now (null once it is gone); stale: the server's version. */
  version: number | null;
  /** refused and stale: why, in a sentence. */
  reason?: string;
  /** refused because someone else owns the row: their email. */
  owner?: string;
}

interface Current {
  owner: string | null;
  version: number;
}

/** The text form of a key, as the feed and the outbox carry it. */
export function keyText(spec: SharedTableSpec, pk: string | number, where: string): string {
  const type = spec.columns[spec.primaryKey]!.type;
  if (type === "integer") {
    const value = typeof pk === "number" ? pk : /^-?\d{1,16}$/.test(pk) ? Number(pk) : NaN;
    if (!Number.isSafeInteger(value)) throw new AppError("UNPROCESSABLE_CONTENT", `${where}: ${spec.name}.${spec.primaryKey} is an integer key, got ${JSON.stringify(pk).slice(0, 40)}`);
    return String(value);
  }
  if (typeof pk !== "string") throw new AppError("UNPROCESSABLE_CONTENT", `${where}: ${spec.name}.${spec.primaryKey} is a text key, got ${pk}`);
  if (pk.includes("\u0000")) throw new AppError("UNPROCESSABLE_CONTENT", `${where}: a key cannot contain the NUL character`);
  return pk;
}

/** One value for jsonb_populate_recordset, checked against its column; encrypted text is sealed here. */
function storedValue(spec: ColumnSpec, value: unknown, where: string): unknown {
  if (value === null) {
    if (!spec.nullable) throw new AppError("UNPROCESSABLE_CONTENT", `${where} cannot be null`);
    return null;
  }
  if (spec.type === "blob") {
    if (typeof value !== "string" || !/^\\x(?:[0-9a-fA-F]{2})*$/.test(value)) throw new AppError("UNPROCESSABLE_CONTENT", `${where}: a blob is sent as "\\x" and hex digits`);
    return value;
  }
  if (spec.type === "json") {
    encodeValue("postgres", "json", value, where);
    return value;
  }
  let encoded: unknown;
  try {
    encoded = encodeValue("postgres", spec.type, value, where);
  } catch (error) {
    if (error instanceof LatticeError) throw new AppError("UNPROCESSABLE_CONTENT", spec.encrypted ? `${where}: expected text` : error.message);
    throw error;
  }
  // Always sealed: what a member sends is plain text (their library opened it), even when it starts with "enc:".
  if (spec.encrypted && typeof encoded === "string") return encryptValue(encoded, workspaceKey());
  return encoded;
}

/** The row as stored, checked column by column: only the columns it carries (others keep their values). */
function storedRow(spec: SharedTableSpec, row: Record<string, unknown>, where: string): Record<string, unknown> {
  const stored: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(row)) {
    const column = spec.columns[name];
    if (!column || !Object.hasOwn(spec.columns, name)) throw new AppError("UNPROCESSABLE_CONTENT", `${where}: ${spec.name} has no column "${name.slice(0, 63)}"`);
    stored[name] = storedValue(column, value, `${where}: ${spec.name}.${name}`);
  }
  return stored;
}

function missingRequired(spec: SharedTableSpec, row: Record<string, unknown>): string[] {
  return Object.entries(spec.columns).filter(([name, c]) => !(name in row) && !c.nullable && c.default === undefined).map(([name]) => name);
}

export async function pushChanges(prisma: PrismaClient, principal: Principal, raw: unknown): Promise<{ results: PushResult[] }> {
  const { entries } = pushInput.parse(raw);
  if (!entries.length) return { results: [] };
  const ids = new Set<string>();
  const rowsSeen = new Set<string>();
  for (const [i, entry] of entries.entries()) {
    if (ids.has(entry.id)) throw new AppError("UNPROCESSABLE_CONTENT", `entries.${i}: id ${entry.id} appears twice in this push`);
    ids.add(entry.id);
    const rowKey = `${entry.table}\u0000${entry.pk}`;
    if (rowsSeen.has(rowKey)) throw new AppError("UNPROCESSABLE_CONTENT", `entries.${i}: ${entry.table} ${JSON.stringify(entry.pk)} appears twice in this push (one entry per row)`);
    rowsSeen.add(rowKey);
    if ((entry.op === "link" || entry.op === "upsert") && !entry.row) throw new AppError("UNPROCESSABLE_CONTENT", `entries.${i}: a ${entry.op} needs the row`);
    if ((entry.op === "delete" || entry.op === "unlink") && entry.row) throw new AppError("UNPROCESSABLE_CONTENT", `entries.${i}: a ${entry.op} carries no row`);
  }
  const tables = await findSharedTables(prisma, entries.map((e) => e.table));
  const prepared = entries.map((entry, i) => {
    const spec = tables.get(entry.table);
    if (!spec) throw notShared(entry.table);
    const where = `entries.${i}`;
    const pk = keyText(spec, entry.pk, where);
    let row: Record<string, unknown> | undefined;
    if (entry.row) {
      const given = entry.row[spec.primaryKey];
      if (given === undefined || keyText(spec, given as string | number, where) !== pk) throw new AppError("UNPROCESSABLE_CONTENT", `${where}: the row's ${spec.primaryKey} must be the entry's pk`);
      row = storedRow(spec, entry.row, where);
    }
    return { entry, spec, pk, row };
  });

  return syncTransaction(prisma, async (tx) => {
    const x = sqlExecutor(tx);
    // The feed lock first: no other writer changes a shared row between the checks and the writes.
    await x.one(`SELECT 1 AS locked FROM pg_advisory_xact_lock(${FEED_LOCK})`);
    await x.one(`SELECT set_config('lattice.actor', $1, true)`, [principal.userId]);
    const done = new Map<string, PushResult>();
    for (const row of (await x.all(`SELECT entry_id, result FROM lattice_push_results WHERE user_id = $1::uuid AND entry_id = ANY($2::text[])`, [principal.userId, [...ids]])) as { entry_id: string; result: PushResult }[]) {
      done.set(row.entry_id, row.result);
    }
    const todo = prepared.filter((p) => !done.has(p.entry.id));
    const current = new Map<string, Current>();
    for (const [name, spec] of tables) {
      const keys = todo.filter((p) => p.spec.name === name).map((p) => p.pk);
      if (!keys.length) continue;
      const pkType = spec.columns[spec.primaryKey]!.type === "integer" ? "bigint" : "text";
      const found = (await x.all(
        `SELECT ${quoteIdentifier(spec.primaryKey)}::text AS pk, _lattice_owner::text AS owner, _lattice_version AS version FROM ${qualified(name)} WHERE ${quoteIdentifier(spec.primaryKey)} = ANY($1::${pkType}[])`,
        [keys],
      )) as { pk: string; owner: string | null; version: bigint | number }[];
      for (const row of found) current.set(`${name}\u0000${row.pk}`, { owner: row.owner, version: Number(row.version) });
    }
    const owners = new Map<string, string>();
    const ownerIds = [...new Set([...current.values()].map((c) => c.owner).filter((o): o is string => o !== null && o !== principal.userId))];
    if (ownerIds.length) for (const user of await tx.user.findMany({ where: { id: { in: ownerIds } }, select: { id: true, email: true } })) owners.set(user.id, user.email);

    // A shared files row travels with its bytes: they must be uploaded (PUT /api/v1/sync/blobs/<sha256>) first.
    const hashes = todo.filter((p) => p.spec.name === "files" && p.row && typeof p.row.sha256 === "string").map((p) => p.row!.sha256 as string);
    const storedBlobs = new Set(
      hashes.length ? ((await x.all(`SELECT sha256 FROM lattice_blobs WHERE sha256 = ANY($1::text[])`, [hashes])) as { sha256: string }[]).map((b) => b.sha256) : [],
    );

    const results = new Map<string, PushResult>();
    const upserts = new Map<string, { spec: SharedTableSpec; columns: string[]; rows: Record<string, unknown>[]; ids: string[] }>();
    const deletes = new Map<string, { spec: SharedTableSpec; kind: "delete" | "unlink"; keys: string[]; ids: string[] }>();
    for (const { entry, spec, pk, row } of todo) {
      const base: PushResult = { id: entry.id, table: spec.name, pk, op: entry.op, status: "applied", version: null };
      const now = current.get(`${spec.name}\u0000${pk}`);
      const refuse = (reason: string, extra: Partial<PushResult> = {}) => results.set(entry.id, { ...base, status: "refused", reason, ...extra });
      if (now && now.owner !== principal.userId) {
        if (now.owner === null) refuse(`${spec.name} ${pk} was written directly in the team's Postgres and has no owner; change it there`);
        else {
          const email = owners.get(now.owner) ?? "another member";
          refuse(`${spec.name} ${pk} is owned by ${email}; only the owner can change it`, { owner: email });
        }
        continue;
      }
      if (entry.op === "upsert" && !now) {
        refuse(`${spec.name} ${pk} is no longer shared (deleted or unlinked on the server); link it again to share it`);
        continue;
      }
      if (now && entry.op !== "link" && (entry.baseVersion ?? 0) !== now.version) {
        results.set(entry.id, {
          ...base,
          status: "stale",
          version: now.version,
          reason: `${spec.name} ${pk} changed on the server (version ${now.version}; your edit was based on ${entry.baseVersion ?? 0}): pull, then make your edit again`,
        });
        continue;
      }
      if (entry.op === "link" || entry.op === "upsert") {
        if (spec.name === "files" && typeof row!.sha256 === "string" && !storedBlobs.has(row!.sha256)) {
          refuse(`files ${pk}: its bytes have not been uploaded (PUT /api/v1/sync/blobs/${pk}); push again after uploading them`);
          continue;
        }
        const missing = now ? [] : missingRequired(spec, row!);
        if (missing.length) {
          refuse(`${spec.name} ${pk} lacks ${missing.join(", ")}, which the team's table requires: pull to get the team's columns, fill them in, and push again`);
          continue;
        }
        const columns = Object.keys(row!).sort();
        const group = `${spec.name}\u0000${columns.join(",")}`;
        const into = upserts.get(group) ?? { spec, columns, rows: [], ids: [] };
        into.rows.push(row!);
        into.ids.push(entry.id);
        upserts.set(group, into);
      } else if (!now) {
        results.set(entry.id, { ...base, status: "applied", version: null }); // already gone: the intent holds
      } else {
        const group = `${spec.name}\u0000${entry.op}`;
        const into = deletes.get(group) ?? { spec, kind: entry.op as "delete" | "unlink", keys: [], ids: [] };
        into.keys.push(pk);
        into.ids.push(entry.id);
        deletes.set(group, into);
      }
      results.set(entry.id, base);
    }

    for (const { spec, columns, rows, ids: entryIds } of upserts.values()) {
      const list = columns.map(quoteIdentifier).join(", ");
      const pkColumn = quoteIdentifier(spec.primaryKey);
      const updates = columns.filter((c) => c !== spec.primaryKey).map((c) => `${quoteIdentifier(c)} = EXCLUDED.${quoteIdentifier(c)}`);
      updates.push("_lattice_owner = EXCLUDED._lattice_owner");
      const written = (await x.all(
        `INSERT INTO ${qualified(spec.name)} (${list}, _lattice_owner)
         SELECT ${list}, $2::uuid FROM jsonb_populate_recordset(NULL::${qualified(spec.name)}, $1::jsonb)
         ON CONFLICT (${pkColumn}) DO UPDATE SET ${updates.join(", ")}
         RETURNING ${pkColumn}::text AS pk, _lattice_version AS version`,
        [JSON.stringify(rows), principal.userId],
      )) as { pk: string; version: bigint | number }[];
      const versions = new Map(written.map((w) => [w.pk, Number(w.version)]));
      for (const id of entryIds) {
        const result = results.get(id)!;
        result.version = versions.get(result.pk) ?? null;
      }
    }
    for (const { spec, kind, keys } of deletes.values()) {
      const pkType = spec.columns[spec.primaryKey]!.type === "integer" ? "bigint" : "text";
      await x.one(`SELECT set_config('lattice.delete_kind', $1, true)`, [kind === "unlink" ? "unlink" : ""]);
      await x.run(`DELETE FROM ${qualified(spec.name)} WHERE ${quoteIdentifier(spec.primaryKey)} = ANY($1::${pkType}[])`, [keys]);
    }
    await x.one(`SELECT set_config('lattice.delete_kind', '', true)`);
    // A retry comes within minutes; results are kept 30 days, then pruned as pushes go by.
    await x.run(`DELETE FROM lattice_push_results WHERE created_at < now() - interval '30 days'`);
    const fresh = [...results.values()];
    if (fresh.length) {
      await x.run(
        `INSERT INTO lattice_push_results (user_id, entry_id, result) SELECT $1::uuid, r.id, r.result FROM jsonb_to_recordset($2::jsonb) AS r(id text, result jsonb)`,
        [principal.userId, JSON.stringify(fresh.map((result) => ({ id: result.id, result })))],
      );
    }
    return { results: entries.map((entry) => done.get(entry.id) ?? results.get(entry.id)!) };
  });
}
