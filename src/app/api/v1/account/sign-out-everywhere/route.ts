import { jsonRoute } from "@/server/http/json-route";
import { sessionPrincipal } from "@/server/auth/next-auth";
import { signOutEverywhere } from "@/server/services/account/sessions";

export const POST = jsonRoute({ access: "authed", session: sessionPrincipal }, ({ db, principal }) => signOutEverywhere(db.prisma, principal!));
