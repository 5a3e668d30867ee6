import { jsonRoute } from "@/server/http/json-route";
import { sessionPrincipal } from "@/server/auth/next-auth";
import { setPassword, setPasswordInput } from "@/server/services/account/set-password";

export const POST = jsonRoute({ access: "authed", session: sessionPrincipal, input: setPasswordInput }, ({ db, principal, input }) =>
  setPassword(db.prisma, principal!, input),
);
