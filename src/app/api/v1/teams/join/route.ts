import { jsonRoute } from "@/server/http/json-route";
import { redeemInvitationInput } from "@/server/services/teams/schemas";
import { redeemInvitation } from "@/server/services/teams/redeem-invitation";

export const POST = jsonRoute({ access: "public", input: redeemInvitationInput, status: 201 }, ({ db, input }) =>
  redeemInvitation(db.prisma, input),
);
