import { jsonRoute } from "@/server/http/json-route";
import { sessionPrincipal } from "@/server/auth/next-auth";
import { createBinding, listBindings } from "@/server/services/bindings/bindings";
import { createBindingInput } from "@/server/services/bindings/schemas";
import { requestDashboardHosts } from "@/server/services/bindings/dashboard-hosts";
import type { Surface } from "@/server/services/buckets/schemas";

export const dynamic = "force-dynamic";
// The services check `<surface>:admin` for the binding's surface.
export const GET = jsonRoute({ access: "authed", session: sessionPrincipal }, ({ db, principal, request }) =>
  listBindings(db.prisma, principal!, { surface: (new URL(request.url).searchParams.get("surface") ?? undefined) as Surface | undefined }),
);
export const POST = jsonRoute({ access: "authed", session: sessionPrincipal, input: createBindingInput, status: 201 }, ({ db, principal, input, request }) =>
  createBinding(db.prisma, principal!, input, { dashboardHosts: requestDashboardHosts(request.headers) }),
);
