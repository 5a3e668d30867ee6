import { sessionPrincipal } from "@/server/auth/next-auth";
import { storageRoute } from "@/server/services/storage-tokens/storage-route";
import { createDeploy, listDeploys } from "@/server/services/static/deploys";
import { createDeployInput } from "@/server/services/static/schemas";

export const dynamic = "force-dynamic";
export const GET = storageRoute({ surface: "static", level: "read", session: sessionPrincipal }, ({ db, bucket }) => listDeploys(db.prisma, bucket));
// Step 3 of a deploy: every file's blob must be uploaded already; the switch is one transaction.
export const POST = storageRoute(
  { surface: "static", level: "write", input: createDeployInput, maxBody: 8 * 1024 * 1024, status: 201, session: sessionPrincipal },
  ({ db, bucket, input }) => createDeploy(db.prisma, bucket, input),
);
