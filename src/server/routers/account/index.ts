import { z } from "zod";
import { authedProcedure, router } from "../../trpc.ts";
import { setPassword, setPasswordInput } from "../../services/account/set-password.ts";
import { signOutEverywhere } from "../../services/account/sessions.ts";

export const accountRouter = router({
  setPassword: authedProcedure
    .input(setPasswordInput)
    .output(z.object({ email: z.string(), passwordSet: z.boolean() }))
    .mutation(({ ctx, input }) => setPassword(ctx.db.prisma, ctx.principal, input, { address: ctx.address })),

  /** Ends every dashboard session of the caller (API tokens stay: revoke those on their own). */
  signOutEverywhere: authedProcedure
    .output(z.object({ email: z.string(), signedOut: z.boolean() }))
    .mutation(({ ctx }) => signOutEverywhere(ctx.db.prisma, ctx.principal)),
});
