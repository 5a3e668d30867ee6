import { sessionPrincipal } from "@/server/auth/next-auth";
import { storageRoute } from "@/server/services/storage-tokens/storage-route";
import { BLOB_TOO_LARGE, putBlob } from "@/server/services/static/blobs";
import { MAX_BLOB_BYTES } from "@/server/services/static/schemas";

// Step 2 of a deploy: the raw bytes of one file, stored under its verified SHA-256 for this bucket.
export const PUT = storageRoute(
  { surface: "static", level: "write", raw: true, maxBody: MAX_BLOB_BYTES, tooLarge: BLOB_TOO_LARGE, status: 201, session: sessionPrincipal },
  async ({ db, bucket, request, input }) => putBlob(db.prisma, bucket, new URL(request.url).pathname.split("/").pop() ?? "", input as Buffer),
);
