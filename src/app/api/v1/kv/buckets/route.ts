import { jsonRoute } from "@/server/http/json-route";
import { sessionPrincipal } from "@/server/auth/next-auth";
import { createBucket, listBuckets } from "@/server/services/buckets/buckets";
import { createBucketInput } from "@/server/services/buckets/schemas";

export const dynamic = "force-dynamic";
export const GET = jsonRoute({ access: "kv:read", session: sessionPrincipal }, ({ db }) => listBuckets(db.prisma, "kv"));
export const POST = jsonRoute({ access: "kv:admin", session: sessionPrincipal, input: createBucketInput, status: 201 }, ({ db, input }) =>
  createBucket(db.prisma, "kv", input),
);
