import { sessionPrincipal } from "@/server/auth/next-auth";
import { storageRoute } from "@/server/services/storage-tokens/storage-route";
import { putBlob } from "@/server/services/static/blobs";
import { MAX_BLOB_BYTES } from "@/server/services/static/schemas";

// Step 2 of a deploy: the raw bytes of one file, stored under its verified SHA-256.
export const PUT = storageRoute(
  { surface: "static", level: "write", bucketParam: false, raw: true, maxBody: MAX_BLOB_BYTES, status: 201, session: sessionPrincipal },
  async ({ db, request, input }) => putBlob(db.prisma, new URL(request.url).pathname.split("/").pop() ?? "", input as Buffer),
);
