import { createCallerFactory, router } from "./trpc.ts";
import { accountRouter } from "./routers/account/index.ts";
import { systemRouter } from "./routers/system/index.ts";
import { teamsRouter } from "./routers/teams/index.ts";
import { tokensRouter } from "./routers/tokens/index.ts";
import { kvRouter } from "./routers/kv/index.ts";
import { staticRouter } from "./routers/static/index.ts";
import { bindingsRouter } from "./routers/bindings/index.ts";
import { storageTokensRouter } from "./routers/storage-tokens/index.ts";
import { syncRouter } from "./routers/sync/index.ts";
import { sharedDataRouter } from "./routers/shared-data/index.ts";

export const appRouter = router({
  account: accountRouter,
  system: systemRouter,
  teams: teamsRouter,
  tokens: tokensRouter,
  kv: kvRouter,
  static: staticRouter,
  bindings: bindingsRouter,
  storageTokens: storageTokensRouter,
  sync: syncRouter,
  sharedData: sharedDataRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
