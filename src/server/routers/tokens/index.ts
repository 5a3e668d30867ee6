import { z } from "zod";
import { authedProcedure, router } from "../../trpc.ts";
import { listApiTokens } from "../../services/tokens/list-api-tokens.ts";
import { createApiToken } from "../../services/tokens/create-api-token.ts";
import { revokeApiToken } from "../../services/tokens/revoke-api-token.ts";
import { apiTokenIdInput, createApiTokenInput, listApiTokensInput } from "../../services/tokens/schemas.ts";

const apiTokenOutput = z.object({
  id: z.string(),
  label: z.string(),
  prefix: z.string(),
  scopes: z.array(z.string()),
  owner: z.string(),
  createdAt: z.date(),
  lastUsedAt: z.date().nullable(),
  expiresAt: z.date().nullable(),
  revokedAt: z.date().nullable(),
  status: z.enum(["active", "expired", "revoked"]),
});

// Operator tokens (lat_). Any member manages their own; the services check scopes for the rest
// (widening a token's scopes, another member's tokens).
export const tokensRouter = router({
  /** The caller's own API tokens; `all` lists every member's (teams:admin). */
  list: authedProcedure
    .input(listApiTokensInput.optional())
    .output(z.array(apiTokenOutput))
    .query(({ ctx, input }) => listApiTokens(ctx.db.prisma, ctx.principal, input ?? {})),
  /** The secret (`lat_…`) is in the result once and never again. */
  create: authedProcedure
    .input(createApiTokenInput)
    .output(apiTokenOutput.extend({ token: z.string() }))
    .mutation(({ ctx, input }) => createApiToken(ctx.db.prisma, ctx.principal, input)),
  revoke: authedProcedure.input(apiTokenIdInput).output(apiTokenOutput).mutation(({ ctx, input }) => revokeApiToken(ctx.db.prisma, ctx.principal, input)),
});
