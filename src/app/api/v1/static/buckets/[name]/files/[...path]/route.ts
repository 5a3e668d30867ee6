import { sessionPrincipal } from "@/server/auth/next-auth";
import { storageRoute } from "@/server/services/storage-tokens/storage-route";
import { deleteStaticFile, getStaticFile, putStaticFile } from "@/server/services/static/files";
import { putFileInput } from "@/server/services/static/schemas";

export const dynamic = "force-dynamic";
const common = { surface: "static", restAfter: "/files/", session: sessionPrincipal } as const;

export const GET = storageRoute({ ...common, level: "read" }, ({ db, bucket, rest }) => getStaticFile(db.prisma, { bucket, path: rest }));
// Body {"contentBase64", "contentType"?}: publishes a new deploy with this file added or replaced.
export const PUT = storageRoute(
  { ...common, level: "write", input: putFileInput.omit({ bucket: true, path: true }), maxBody: 35 * 1024 * 1024 },
  async ({ db, bucket, rest, input }) => {
    const written = await putStaticFile(db.prisma, { ...input, bucket, path: rest });
    return Response.json(written, { status: written.created ? 201 : 200, headers: { "cache-control": "no-store" } });
  },
);
export const DELETE = storageRoute({ ...common, level: "write" }, ({ db, bucket, rest }) => deleteStaticFile(db.prisma, { bucket, path: rest }));
