import { z } from "zod";
import { jsonRoute } from "@/server/http/json-route";
import { sessionPrincipal } from "@/server/auth/next-auth";
import { deleteBinding, setBindingEnabled } from "@/server/services/bindings/bindings";

export const PATCH = jsonRoute(
  { access: "authed", session: sessionPrincipal, input: z.object({ enabled: z.boolean({ error: "enabled must be true or false" }) }) },
  ({ db, principal, params, input }) => setBindingEnabled(db.prisma, principal!, { id: params.id ?? "", enabled: input.enabled }),
);
export const DELETE = jsonRoute({ access: "authed", session: sessionPrincipal }, ({ db, principal, params }) => deleteBinding(db.prisma, principal!, { id: params.id ?? "" }));
