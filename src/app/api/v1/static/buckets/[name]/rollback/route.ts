import { sessionPrincipal } from "@/server/auth/next-auth";
import { storageRoute } from "@/server/services/storage-tokens/storage-route";
import { rollbackDeploy } from "@/server/services/static/deploys";

export const POST = storageRoute({ surface: "static", level: "write", session: sessionPrincipal }, ({ db, bucket }) => rollbackDeploy(db.prisma, bucket));
