import { z } from "zod";
import { router, scoped } from "../../trpc.ts";
import { shareTable, listSharedTables } from "../../services/sync/tables.ts";
import { pushChanges, pushInput } from "../../services/sync/push.ts";
import { currentRows, pullChanges, pullInput, rowsInput } from "../../services/sync/feed.ts";
import { missingSyncBlobs } from "../../services/sync/blobs.ts";
import { shareInput } from "../../services/sync/schemas.ts";

// Push and pull answer large pages: their shapes are declared once in the services (and in
// TeamsClient for the published types) rather than re-validated on the way out.
export const syncRouter = router({
  /** Registers a table (or adds its new columns) for the whole team. */
  share: scoped("teams:write")
    .input(shareInput)
    .mutation(({ ctx, input }) => shareTable(ctx.db.prisma, ctx.principal, input)),

  tables: scoped("teams:read").query(async ({ ctx }) =>
    (await listSharedTables(ctx.db.prisma)).map(({ name, primaryKey, columns, createdAt, updatedAt }) => ({ name, primaryKey, columns, createdAt, updatedAt })),
  ),

  push: scoped("teams:write")
    .input(pushInput)
    .mutation(({ ctx, input }) => pushChanges(ctx.db.prisma, ctx.principal, input)),

  pull: scoped("teams:read")
    .input(pullInput)
    .query(({ ctx, input }) => pullChanges(ctx.db.prisma, input)),

  rows: scoped("teams:read")
    .input(rowsInput)
    .query(({ ctx, input }) => currentRows(ctx.db.prisma, input)),

  missingBlobs: scoped("teams:write")
    .input(z.strictObject({ hashes: z.array(z.string()).max(1000) }))
    .query(({ ctx, input }) => missingSyncBlobs(ctx.db.prisma, input.hashes)),
});
