import { publicProcedure, router } from "../../trpc.ts";
import { health, healthOutput } from "../../services/system/health.ts";

export const systemRouter = router({
  health: publicProcedure.output(healthOutput).query(({ ctx }) => health(ctx.db)),
});
