import { jsonRoute } from "@/server/http/json-route";
import { sessionPrincipal } from "@/server/auth/next-auth";
import { createInvitationInput } from "@/server/services/teams/schemas";
import { createInvitation, listInvitations } from "@/server/services/teams/invitations";

export const dynamic = "force-dynamic";
export const GET = jsonRoute({ access: "teams:admin", session: sessionPrincipal }, ({ db, request }) =>
  listInvitations(db.prisma, { all: new URL(request.url).searchParams.get("all") === "true" }),
);
export const POST = jsonRoute({ access: "teams:admin", session: sessionPrincipal, input: createInvitationInput, status: 201 }, ({ db, principal, input }) =>
  createInvitation(db.prisma, principal!, input),
);
