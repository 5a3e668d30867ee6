import { z } from "zod";
import { authedProcedure, router } from "../../trpc.ts";
import { createBinding, deleteBinding, listBindings, setBindingEnabled } from "../../services/bindings/bindings.ts";
import { requestDashboardHosts } from "../../services/bindings/dashboard-hosts.ts";
import { bindingIdInput, createBindingInput, listBindingsInput, setBindingEnabledInput } from "../../services/bindings/schemas.ts";

const bindingOutput = z.object({ id: z.string(), host: z.string(), surface: z.enum(["kv", "static"]), bucket: z.string(), enabled: z.boolean(), createdAt: z.date() });

// A binding's surface comes from its input or its row, so each service checks `<surface>:admin` itself.
export const bindingsRouter = router({
  create: authedProcedure
    .input(createBindingInput)
    .output(bindingOutput)
    .mutation(({ ctx, input }) => createBinding(ctx.db.prisma, ctx.principal, input, { dashboardHosts: requestDashboardHosts(ctx.headers) })),
  list: authedProcedure
    .input(listBindingsInput.optional())
    .output(z.array(bindingOutput))
    .query(({ ctx, input }) => listBindings(ctx.db.prisma, ctx.principal, input ?? {})),
  setEnabled: authedProcedure
    .input(setBindingEnabledInput)
    .output(bindingOutput)
    .mutation(({ ctx, input }) => setBindingEnabled(ctx.db.prisma, ctx.principal, input)),
  delete: authedProcedure
    .input(bindingIdInput)
    .output(bindingOutput.extend({ deleted: z.boolean() }))
    .mutation(({ ctx, input }) => deleteBinding(ctx.db.prisma, ctx.principal, input)),
});
