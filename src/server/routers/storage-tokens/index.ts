import { z } from "zod";
import { authedProcedure, router } from "../../trpc.ts";
import { createStorageToken, listStorageTokens, revokeStorageToken } from "../../services/storage-tokens/storage-tokens.ts";
import { createStorageTokenInput, listStorageTokensInput, storageTokenIdInput } from "../../services/storage-tokens/schemas.ts";

const tokenOutput = z.object({
  id: z.string(),
  label: z.string(),
  surface: z.enum(["kv", "static"]),
  access: z.enum(["read", "write", "admin"]),
  buckets: z.array(z.string()),
  prefix: z.string(),
  /** The creator's email while they are a member; null once they were removed. */
  createdBy: z.string().nullable(),
  createdAt: z.date(),
  lastUsedAt: z.date().nullable(),
  expiresAt: z.date().nullable(),
  revokedAt: z.date().nullable(),
  status: z.enum(["active", "expired", "revoked"]),
});

// The surface is in the input or the row, so each service checks `<surface>:admin` itself.
export const storageTokensRouter = router({
  /** The secret (`lst_…`) is in the result once and never again. */
  create: authedProcedure
    .input(createStorageTokenInput)
    .output(tokenOutput.extend({ token: z.string() }))
    .mutation(({ ctx, input }) => createStorageToken(ctx.db.prisma, ctx.principal, input)),
  list: authedProcedure
    .input(listStorageTokensInput.optional())
    .output(z.array(tokenOutput))
    .query(({ ctx, input }) => listStorageTokens(ctx.db.prisma, ctx.principal, input ?? {})),
  revoke: authedProcedure.input(storageTokenIdInput).output(tokenOutput).mutation(({ ctx, input }) => revokeStorageToken(ctx.db.prisma, ctx.principal, input)),
});
