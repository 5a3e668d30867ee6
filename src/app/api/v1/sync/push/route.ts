import { jsonRoute } from "@/server/http/json-route";
import { sessionPrincipal } from "@/server/auth/next-auth";
import { pushChanges, pushInput } from "@/server/services/sync/push";

// Up to 1000 entries of full rows: more than the 1 MiB other routes allow.
export const POST = jsonRoute({ access: "teams:write", session: sessionPrincipal, input: pushInput, maxBody: 16 * 1024 * 1024 }, ({ db, principal, input }) =>
  pushChanges(db.prisma, principal!, input),
);
