import { router, scoped } from "../../trpc.ts";
import { browseInput, browseSharedTable, feedInput, recentChanges, sharedTablesOverview } from "../../services/sync/shared-data.ts";

// What the dashboard's "Shared data" page shows; the sync router is what members' CLIs use.
export const sharedDataRouter = router({
  /** Every shared table: columns, row count, owners, who shared it, last change. */
  overview: scoped("teams:read").query(({ ctx }) => sharedTablesOverview(ctx.db.prisma)),

  /** A page of one table's rows in primary-key order, values shortened and secrets masked. */
  browse: scoped("teams:read")
    .input(browseInput)
    .query(({ ctx, input }) => browseSharedTable(ctx.db.prisma, input)),

  /** The newest changes first, values shortened and secrets masked. */
  feed: scoped("teams:read")
    .input(feedInput)
    .query(({ ctx, input }) => recentChanges(ctx.db.prisma, input)),
});
