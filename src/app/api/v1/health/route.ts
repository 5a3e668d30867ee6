import { jsonRoute } from "@/server/http/json-route";
import { health } from "@/server/services/system/health";

export const dynamic = "force-dynamic";
export const GET = jsonRoute({ access: "public" }, ({ db }) => health(db));
