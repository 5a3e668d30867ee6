import { z } from "zod";
import { authedProcedure, router } from "../../trpc.ts";
import { listApiTokens } from "../../services/tokens/list-api-tokens.ts";

const apiTokenOutput = z.object({
  id: z.string(),
  label: z.string(),
  prefix: z.string(),
  scopes: z.array(z.string()),
  createdAt: z.date(),
  lastUsedAt: z.date().nullable(),
  expiresAt: z.date().nullable(),
  revokedAt: z.date().nullable(),
});

export const tokensRouter = router({
  /** The caller's own API tokens; any signed-in principal may see its own. */
  list: authedProcedure
    .output(z.array(apiTokenOutput))
    .query(({ ctx }) => listApiTokens(ctx.db.prisma, ctx.principal.userId)),
});
