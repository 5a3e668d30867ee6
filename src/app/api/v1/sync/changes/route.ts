import { z } from "zod";
import { jsonRoute } from "@/server/http/json-route";
import { sessionPrincipal } from "@/server/auth/next-auth";
import { pullChanges, MAX_PULL_LIMIT } from "@/server/services/sync/feed";

export const dynamic = "force-dynamic";

// GET /api/v1/sync/changes?since=<seq>&limit=<n>: the feed after a cursor, oldest first.
const query = z.strictObject({
  since: z.string().regex(/^\d{1,15}$/, "since must be a change seq (a whole number ≥ 0)").transform(Number).optional(),
  limit: z.string().regex(/^\d{1,5}$/, `limit must be a whole number from 1 to ${MAX_PULL_LIMIT}`).transform(Number).optional(),
});

export const GET = jsonRoute({ access: "teams:read", session: sessionPrincipal, input: query }, ({ db, input }) =>
  pullChanges(db.prisma, { since: input.since ?? 0, ...(input.limit === undefined ? {} : { limit: input.limit }) }),
);
