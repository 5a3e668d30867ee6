import { jsonRoute } from "@/server/http/json-route";
import { sessionPrincipal } from "@/server/auth/next-auth";
import { setPassword, setPasswordInput } from "@/server/services/account/set-password";
import { clientAddress } from "@/server/http/client-address";

export const POST = jsonRoute({ access: "authed", session: sessionPrincipal, input: setPasswordInput }, ({ db, principal, input, request }) =>
  setPassword(db.prisma, principal!, input, { address: clientAddress(request.headers) }),
);
