import { z } from "zod";
import { authedProcedure, router } from "../../trpc.ts";
import { setPassword, setPasswordInput } from "../../services/account/set-password.ts";

export const accountRouter = router({
  setPassword: authedProcedure
    .input(setPasswordInput)
    .output(z.object({ email: z.string(), passwordSet: z.boolean() }))
    .mutation(({ ctx, input }) => setPassword(ctx.db.prisma, ctx.principal, input)),
});
