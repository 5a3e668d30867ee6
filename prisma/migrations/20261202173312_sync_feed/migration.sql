-- CreateTable
CREATE TABLE "lattice_shared_tables" (
    "name" TEXT NOT NULL,
    "primary_key" TEXT NOT NULL,
    "columns" JSONB NOT NULL,
    "shared_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "lattice_shared_tables_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "lattice_changes" (
    "seq" BIGSERIAL NOT NULL,
    "kind" TEXT NOT NULL,
    "table_name" TEXT NOT NULL,
    "pk" TEXT,
    "row" JSONB,
    "owner" UUID,
    "version" BIGINT,
    "actor_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "lattice_changes_pkey" PRIMARY KEY ("seq")
);

-- CreateTable
CREATE TABLE "lattice_push_results" (
    "user_id" UUID NOT NULL,
    "entry_id" TEXT NOT NULL,
    "result" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "lattice_push_results_pkey" PRIMARY KEY ("user_id","entry_id")
);

-- CreateTable
CREATE TABLE "lattice_blobs" (
    "sha256" TEXT NOT NULL,
    "bytes" BYTEA NOT NULL,
    "size" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "lattice_blobs_pkey" PRIMARY KEY ("sha256")
);

-- CreateIndex
CREATE INDEX "lattice_changes_table_name_seq_idx" ON "lattice_changes"("table_name", "seq");

-- CreateIndex
CREATE INDEX "lattice_push_results_created_at_idx" ON "lattice_push_results"("created_at");

-- ---- Sync: the feed's guard and the triggers of every shared table (hand-written; see
-- src/server/services/sync/). Shared tables are made at run time in the schema lattice_data, so
-- only the functions live here.

-- The feed lock, held until the transaction ends. Every append to lattice_changes takes it first
-- (the statement trigger below), so a seq is taken and committed before the next writer can take
-- one: seq order is commit order, and a reader that has seen seq n has seen everything below n.
CREATE FUNCTION lattice_feed_lock() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(4217001);
  RETURN NULL;
END $$;

CREATE TRIGGER lattice_feed_lock BEFORE INSERT ON "lattice_changes" FOR EACH STATEMENT EXECUTE FUNCTION lattice_feed_lock();

-- Before each row write of a shared table: its version (+1 per change) and the time of the change.
CREATE FUNCTION lattice_row_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    NEW._lattice_version := 1;
  ELSE
    NEW._lattice_version := coalesce(OLD._lattice_version, 0) + 1;
  END IF;
  NEW._lattice_updated_at := clock_timestamp();
  RETURN NEW;
END $$;

-- After each row write of a shared table: the change, appended to the feed in the same
-- transaction. TG_ARGV[0] is the primary key column. A delete is a "delete" unless the writer set
-- lattice.delete_kind (an unlink); lattice.actor names the member whose request wrote it.
CREATE FUNCTION lattice_row_feed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  r jsonb;
  actor uuid := nullif(current_setting('lattice.actor', true), '')::uuid;
BEGIN
  IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND (to_jsonb(OLD) -> TG_ARGV[0]) IS DISTINCT FROM (to_jsonb(NEW) -> TG_ARGV[0])) THEN
    INSERT INTO public.lattice_changes (kind, table_name, pk, owner, version, actor_id)
    VALUES (coalesce(nullif(current_setting('lattice.delete_kind', true), ''), 'delete'), TG_TABLE_NAME, to_jsonb(OLD) ->> TG_ARGV[0], OLD._lattice_owner, OLD._lattice_version, actor);
    IF TG_OP = 'DELETE' THEN
      RETURN NULL;
    END IF;
  END IF;
  r := to_jsonb(NEW);
  INSERT INTO public.lattice_changes (kind, table_name, pk, row, owner, version, actor_id)
  VALUES ('upsert', TG_TABLE_NAME, r ->> TG_ARGV[0], r - '_lattice_owner' - '_lattice_version' - '_lattice_updated_at', NEW._lattice_owner, NEW._lattice_version, actor);
  RETURN NULL;
END $$;

-- TRUNCATE of a shared table: a delete for every row, before they go.
CREATE FUNCTION lattice_truncate_feed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format(
    'INSERT INTO public.lattice_changes (kind, table_name, pk, owner, version, actor_id) SELECT %L, %L, to_jsonb(t) ->> %L, t._lattice_owner, t._lattice_version, NULL FROM %I.%I t',
    'delete', TG_TABLE_NAME, TG_ARGV[0], TG_TABLE_SCHEMA, TG_TABLE_NAME);
  RETURN NULL;
END $$;

-- Members push rows (teams:write); before this, members had teams:read only.
UPDATE "users" SET "scopes" = array_append("scopes", 'teams:write') WHERE 'teams:read' = ANY("scopes") AND NOT ('teams:write' = ANY("scopes"));
