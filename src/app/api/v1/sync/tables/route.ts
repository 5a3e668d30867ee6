import { jsonRoute } from "@/server/http/json-route";
import { sessionPrincipal } from "@/server/auth/next-auth";
import { shareTable } from "@/server/services/sync/tables";
import { shareInput } from "@/server/services/sync/schemas";
import { sharedTablesOverview } from "@/server/services/sync/shared-data";

export const dynamic = "force-dynamic";
export const GET = jsonRoute({ access: "teams:read", session: sessionPrincipal }, ({ db }) => sharedTablesOverview(db.prisma));

// Body {table, primaryKey?, columns}: 201 when the table is new to the team, 200 when sharing it
// again (its new columns added). jsonRoute answers one fixed status, so the share's result picks it.
export function POST(request: Request, context?: { params?: Promise<Record<string, string | string[]>> }): Promise<Response> {
  let created = false;
  const share = jsonRoute({ access: "teams:write", session: sessionPrincipal, input: shareInput }, async ({ db, principal, input }) => {
    const result = await shareTable(db.prisma, principal!, input);
    created = result.created;
    return result;
  });
  return share(request, context).then((response) => (created && response.status === 200 ? new Response(response.body, { status: 201, headers: response.headers }) : response));
}
