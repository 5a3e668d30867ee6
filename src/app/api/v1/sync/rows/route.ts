import { jsonRoute } from "@/server/http/json-route";
import { sessionPrincipal } from "@/server/auth/next-auth";
import { currentRows, rowsInput } from "@/server/services/sync/feed";

// POST (a read with a body: up to 1000 keys do not fit a URL): the team's current version of some rows.
export const POST = jsonRoute({ access: "teams:read", session: sessionPrincipal, input: rowsInput }, ({ db, input }) => currentRows(db.prisma, input));
