import { sessionPrincipal } from "@/server/auth/next-auth";
import { storageRoute } from "@/server/services/storage-tokens/storage-route";
import { BLOB_TOO_LARGE } from "@/server/services/static/blobs";
import { deleteStaticFile, getStaticFile, putStaticFile } from "@/server/services/static/files";
import { MAX_BLOB_BYTES } from "@/server/services/static/schemas";

export const dynamic = "force-dynamic";
const common = { surface: "static", restAfter: "/files/", session: sessionPrincipal } as const;

export const GET = storageRoute({ ...common, level: "read" }, ({ db, bucket, rest }) => getStaticFile(db.prisma, { bucket, path: rest }));
// Body: the file's raw bytes (application/octet-stream); `X-Lattice-Content-Type` sets the type it is
// served with (default: from the path). Publishes a new deploy with this file added or replaced.
export const PUT = storageRoute(
  { ...common, level: "write", raw: true, maxBody: MAX_BLOB_BYTES, tooLarge: BLOB_TOO_LARGE },
  async ({ db, bucket, rest, input, request }) => {
    const contentType = request.headers.get("x-lattice-content-type") ?? undefined;
    const written = await putStaticFile(db.prisma, { bucket, path: rest, contentType }, input as Buffer);
    return Response.json(written, { status: written.created ? 201 : 200, headers: { "cache-control": "no-store" } });
  },
);
export const DELETE = storageRoute({ ...common, level: "write" }, ({ db, bucket, rest }) => deleteStaticFile(db.prisma, { bucket, path: rest }));
