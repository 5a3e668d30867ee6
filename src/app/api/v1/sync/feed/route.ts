import { jsonRoute } from "@/server/http/json-route";
import { sessionPrincipal } from "@/server/auth/next-auth";
import { feedInput, recentChanges } from "@/server/services/sync/shared-data";

export const dynamic = "force-dynamic";
// ?limit=&before=&table= : the newest changes first; `next` is the next (older) page's `before`.
export const GET = jsonRoute({ access: "teams:read", session: sessionPrincipal, input: feedInput }, ({ db, input }) => recentChanges(db.prisma, input));
