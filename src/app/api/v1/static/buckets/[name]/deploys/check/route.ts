import { sessionPrincipal } from "@/server/auth/next-auth";
import { storageRoute } from "@/server/services/storage-tokens/storage-route";
import { checkDeploy } from "@/server/services/static/deploys";
import { checkDeployInput } from "@/server/services/static/schemas";

// Step 1 of a deploy: which sha256 the server lacks.
export const POST = storageRoute(
  { surface: "static", level: "write", input: checkDeployInput, maxBody: 8 * 1024 * 1024, session: sessionPrincipal },
  ({ db, bucket, input }) => checkDeploy(db.prisma, bucket, input),
);
