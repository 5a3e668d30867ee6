import { sessionPrincipal } from "@/server/auth/next-auth";
import { storageRoute } from "@/server/services/storage-tokens/storage-route";
import { listKeys } from "@/server/services/kv/bucket-entries";
import { listKeysInput } from "@/server/services/kv/schemas";

export const dynamic = "force-dynamic";
// ?prefix=&cursor=&limit= ; a storage token with kv read access on this bucket works too.
export const GET = storageRoute({ surface: "kv", level: "read", input: listKeysInput.omit({ bucket: true }), session: sessionPrincipal }, ({ db, bucket, input }) =>
  listKeys(db.prisma, { ...input, bucket }),
);
