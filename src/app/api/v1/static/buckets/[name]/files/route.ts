import { sessionPrincipal } from "@/server/auth/next-auth";
import { storageRoute } from "@/server/services/storage-tokens/storage-route";
import { listStaticFiles } from "@/server/services/static/files";
import { listFilesInput } from "@/server/services/static/schemas";

export const dynamic = "force-dynamic";
export const GET = storageRoute({ surface: "static", level: "read", input: listFilesInput.omit({ bucket: true }), session: sessionPrincipal }, ({ db, bucket, input }) =>
  listStaticFiles(db.prisma, bucket, input),
);
