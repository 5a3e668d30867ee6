import { jsonRoute } from "@/server/http/json-route";
import { sessionPrincipal } from "@/server/auth/next-auth";
import { browseInput, browseSharedTable } from "@/server/services/sync/shared-data";

export const dynamic = "force-dynamic";
// ?limit=&after= : a page of the table's rows in primary-key order; `next` is the next page's `after`.
export const GET = jsonRoute({ access: "teams:read", session: sessionPrincipal, input: browseInput.omit({ table: true }) }, ({ db, input, params }) =>
  browseSharedTable(db.prisma, { ...input, table: params.name ?? "" }),
);
