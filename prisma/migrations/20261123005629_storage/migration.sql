-- CreateTable
CREATE TABLE "buckets" (
    "id" UUID NOT NULL,
    "surface" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "current_deploy_id" UUID,
    "previous_deploy_id" UUID,

    CONSTRAINT "buckets_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "kv_entries" (
    "bucket_id" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "value" JSONB NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3),

    CONSTRAINT "kv_entries_pkey" PRIMARY KEY ("bucket_id","key")
);

-- CreateTable
CREATE TABLE "static_blobs" (
    "sha256" TEXT NOT NULL,
    "bytes" BYTEA NOT NULL,
    "size" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "static_blobs_pkey" PRIMARY KEY ("sha256")
);

-- CreateTable
CREATE TABLE "static_deploys" (
    "id" UUID NOT NULL,
    "bucket_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "file_count" INTEGER NOT NULL DEFAULT 0,
    "total_bytes" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "static_deploys_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "static_files" (
    "deploy_id" UUID NOT NULL,
    "path" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "content_type" TEXT NOT NULL,

    CONSTRAINT "static_files_pkey" PRIMARY KEY ("deploy_id","path")
);

-- CreateTable
CREATE TABLE "host_bindings" (
    "id" UUID NOT NULL,
    "host" TEXT NOT NULL,
    "bucket_id" UUID NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "host_bindings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "storage_tokens" (
    "id" UUID NOT NULL,
    "label" TEXT NOT NULL,
    "surface" TEXT NOT NULL,
    "access" TEXT NOT NULL,
    "buckets" TEXT[],
    "token_hash" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "created_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" TIMESTAMPTZ(3),
    "expires_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "storage_tokens_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "buckets_surface_name_key" ON "buckets"("surface", "name");

-- CreateIndex
CREATE INDEX "static_deploys_bucket_id_idx" ON "static_deploys"("bucket_id");

-- CreateIndex
CREATE INDEX "static_files_sha256_idx" ON "static_files"("sha256");

-- CreateIndex
CREATE UNIQUE INDEX "host_bindings_host_key" ON "host_bindings"("host");

-- CreateIndex
CREATE UNIQUE INDEX "storage_tokens_token_hash_key" ON "storage_tokens"("token_hash");

-- AddForeignKey
ALTER TABLE "kv_entries" ADD CONSTRAINT "kv_entries_bucket_id_fkey" FOREIGN KEY ("bucket_id") REFERENCES "buckets"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "static_deploys" ADD CONSTRAINT "static_deploys_bucket_id_fkey" FOREIGN KEY ("bucket_id") REFERENCES "buckets"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "static_files" ADD CONSTRAINT "static_files_deploy_id_fkey" FOREIGN KEY ("deploy_id") REFERENCES "static_deploys"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "static_files" ADD CONSTRAINT "static_files_sha256_fkey" FOREIGN KEY ("sha256") REFERENCES "static_blobs"("sha256") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "host_bindings" ADD CONSTRAINT "host_bindings_bucket_id_fkey" FOREIGN KEY ("bucket_id") REFERENCES "buckets"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
