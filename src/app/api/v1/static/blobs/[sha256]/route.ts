import { AppError } from "@/server/errors";
import { toErrorResponse } from "@/server/http/json-route";

// Blobs belong to a bucket now: a hash uploaded for one bucket must not be usable from another.
export function PUT() {
  return toErrorResponse(
    new AppError("NOT_FOUND", "Blobs are uploaded for a bucket: PUT /api/v1/static/buckets/<name>/blobs/<sha256> (lattice static deploy does this)."),
  );
}
