import { createCallerFactory, router } from "./trpc.ts";
import { accountRouter } from "./routers/account/index.ts";
import { systemRouter } from "./routers/system/index.ts";
import { teamsRouter } from "./routers/teams/index.ts";
import { tokensRouter } from "./routers/tokens/index.ts";

export const appRouter = router({
  account: accountRouter,
  system: systemRouter,
  teams: teamsRouter,
  tokens: tokensRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
