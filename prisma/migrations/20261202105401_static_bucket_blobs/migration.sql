-- CreateTable
CREATE TABLE "static_bucket_blobs" (
    "bucket_id" UUID NOT NULL,
    "sha256" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "static_bucket_blobs_pkey" PRIMARY KEY ("bucket_id","sha256")
);

-- CreateIndex
CREATE INDEX "static_bucket_blobs_sha256_idx" ON "static_bucket_blobs"("sha256");

-- AddForeignKey
ALTER TABLE "static_bucket_blobs" ADD CONSTRAINT "static_bucket_blobs_bucket_id_fkey" FOREIGN KEY ("bucket_id") REFERENCES "buckets"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "static_bucket_blobs" ADD CONSTRAINT "static_bucket_blobs_sha256_fkey" FOREIGN KEY ("sha256") REFERENCES "static_blobs"("sha256") ON DELETE CASCADE ON UPDATE CASCADE;

-- Every blob an existing deploy uses stays usable by that deploy's bucket.
INSERT INTO "static_bucket_blobs" ("bucket_id", "sha256")
SELECT DISTINCT d."bucket_id", f."sha256"
FROM "static_files" f JOIN "static_deploys" d ON d."id" = f."deploy_id"
ON CONFLICT DO NOTHING;
