import { jsonRoute } from "@/server/http/json-route";
import { redeemInvitationInput } from "@/server/services/teams/schemas";
import { redeemInvitation } from "@/server/services/teams/redeem-invitation";
import { clientAddress } from "@/server/http/client-address";

export const POST = jsonRoute({ access: "public", input: redeemInvitationInput, status: 201 }, ({ db, input, request }) =>
  redeemInvitation(db.prisma, input, { address: clientAddress(request.headers) }),
);
