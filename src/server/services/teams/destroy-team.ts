import type { PrismaClient } from "../../db.ts";
import { AppError } from "../../errors.ts";
import type { Principal } from "../../auth/principal.ts";
import { announceStorageChange, notifyStorage } from "../hosting/notify.ts";
import { destroyTeamInput } from "./schemas.ts";
import { requireTeam } from "./team-overview.ts";
import { dropSharedData, SYNC_TRANSACTION } from "../sync/tables.ts";

/**
 * Deletes every piece of team data on this server in one transaction: storage (KV entries, static
 * files, deploys, blobs, bindings, buckets, storage tokens), shared tables and their feed, invitations, members, their accounts
 * and tokens, the team. The server is back at its first-run page afterwards, and every process
 * drops its storage cache at commit, so a bound host stops serving at once.
 * Owner only, and the caller must repeat the team's name, so a stray API call cannot do it.
 */
export async function destroyTeam(prisma: PrismaClient, principal: Principal, raw: { confirm: string }) {
  const { confirm } = destroyTeamInput.parse(raw);
  const team = await requireTeam(prisma);
  if (confirm !== team.name) throw new AppError("UNPROCESSABLE_CONTENT", `confirm must be the team's name ("${team.name}").`);
  const result = await prisma.$transaction(async (tx) => {
    const membership = await tx.membership.findUnique({ where: { teamId_userId: { teamId: team.id, userId: principal.userId } } });
    if (membership?.role !== "owner") throw new AppError("FORBIDDEN", "Only an owner can destroy the team.");
    // Children before parents: bindings RESTRICT bucket deletion, files reference blobs.
    await tx.hostBinding.deleteMany({});
    await tx.kvEntry.deleteMany({});
    await tx.staticFile.deleteMany({});
    await tx.staticDeploy.deleteMany({});
    await tx.bucket.deleteMany({}); // cascades to whatever else hangs off a bucket
    await tx.staticBlob.deleteMany({});
    await tx.storageToken.deleteMany({});
    await tx.invitation.deleteMany({});
    await dropSharedData(tx);
    // Team rows cascade to memberships; users cascade to their API tokens.
    await tx.team.deleteMany({});
    await tx.user.deleteMany({});
    await notifyStorage(tx, { t: "all" });
    return { team: { id: team.id, name: team.name }, destroyed: true };
  }, SYNC_TRANSACTION);
  announceStorageChange({ t: "all" });
  return result;
}
