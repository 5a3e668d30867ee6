import type { DbClient, PrismaClient } from "../../db.ts";
import { AppError, isUniqueViolation } from "../../errors.ts";
import type { Principal } from "../../auth/principal.ts";
import { notifyStorage } from "../hosting/notify.ts";
import { requireBucket } from "../buckets/buckets.ts";
import { requireSurfaceScope, type Surface } from "../buckets/schemas.ts";
import { adminSurfaces } from "../storage-tokens/storage-tokens.ts";
import { normalizeBindingHost } from "./host.ts";
import { dashboardHosts, refuseDashboardHost } from "./dashboard-hosts.ts";
import { bindingIdInput, createBindingInput, listBindingsInput, setBindingEnabledInput } from "./schemas.ts";

type Row = { id: string; host: string; enabled: boolean; createdAt: Date; bucket: { name: string; surface: string } };

function view(row: Row) {
  return { id: row.id, host: row.host, surface: row.bucket.surface as Surface, bucket: row.bucket.name, enabled: row.enabled, createdAt: row.createdAt };
}
const withBucket = { bucket: { select: { name: true, surface: true } } } as const;

/** `dashboardHosts`: where this server's dashboard is reached (see dashboard-hosts.ts); binding one is refused. */
export async function createBinding(
  prisma: PrismaClient,
  principal: Principal,
  raw: { host: string; surface: Surface; bucket: string; enabled?: boolean },
  options: { dashboardHosts?: ReadonlySet<string> } = {},
) {
  const input = createBindingInput.parse(raw);
  requireSurfaceScope(principal, input.surface, "admin");
  const host = normalizeBindingHost(input.host);
  refuseDashboardHost(host, options.dashboardHosts ?? dashboardHosts({}, []));
  try {
    return await prisma.$transaction(async (tx) => {
      const bucket = await requireBucket(tx, input.surface, input.bucket);
      const row = await tx.hostBinding.create({ data: { host, bucketId: bucket.id, enabled: input.enabled ?? true }, include: withBucket });
      await notifyStorage(tx, { t: "bindings" });
      return view(row);
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError("CONFLICT", `${host} is already bound; delete that binding first.`);
    throw error;
  }
}

export async function listBindings(db: DbClient, principal: Principal, raw: { surface?: Surface } = {}) {
  const { surface } = listBindingsInput.parse(raw);
  const surfaces = adminSurfaces(principal, surface);
  const rows = await db.hostBinding.findMany({ where: { bucket: { surface: { in: surfaces } } }, include: withBucket, orderBy: { host: "asc" } });
  return rows.map(view);
}

async function requireBinding(db: DbClient, principal: Principal, id: string) {
  const row = await db.hostBinding.findUnique({ where: { id }, include: withBucket });
  if (!row) throw new AppError("NOT_FOUND", `No host binding with id ${id}.`);
  requireSurfaceScope(principal, row.bucket.surface as Surface, "admin");
  return row;
}

export async function setBindingEnabled(prisma: PrismaClient, principal: Principal, raw: { id: string; enabled: boolean }) {
  const { id, enabled } = setBindingEnabledInput.parse(raw);
  await requireBinding(prisma, principal, id);
  return prisma.$transaction(async (tx) => {
    const row = await tx.hostBinding.update({ where: { id }, data: { enabled }, include: withBucket });
    await notifyStorage(tx, { t: "bindings" });
    return view(row);
  });
}

export async function deleteBinding(prisma: PrismaClient, principal: Principal, raw: { id: string }) {
  const { id } = bindingIdInput.parse(raw);
  const row = await requireBinding(prisma, principal, id);
  await prisma.$transaction(async (tx) => {
    await tx.hostBinding.delete({ where: { id } });
    await notifyStorage(tx, { t: "bindings" });
  });
  return { ...view(row), deleted: true };
}

/** Every binding with its bucket, for the serving cache. */
export async function loadHostBindings(db: DbClient) {
  const rows = await db.hostBinding.findMany({ include: { bucket: { select: { id: true, name: true, surface: true } } } });
  return rows.map((r) => ({ host: r.host, enabled: r.enabled, bucketId: r.bucket.id, bucket: r.bucket.name, surface: r.bucket.surface as Surface }));
}
export type HostBindingTarget = Awaited<ReturnType<typeof loadHostBindings>>[number];
