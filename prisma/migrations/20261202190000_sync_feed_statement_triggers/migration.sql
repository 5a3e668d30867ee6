-- Hand-written (no Prisma model changes): the feed is written once per statement from the
-- statement's transition tables, instead of one INSERT (and one feed-lock trigger call) per row.
-- Measured by bench/sync.ts: the per-row trigger was most of a push's cost in Postgres.

-- After an INSERT into a shared table: one change per new row. TG_ARGV[0] is the primary key column.
CREATE FUNCTION lattice_feed_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO public.lattice_changes (kind, table_name, pk, row, owner, version, actor_id)
  SELECT 'upsert', TG_TABLE_NAME, r ->> TG_ARGV[0], r - '_lattice_owner' - '_lattice_version' - '_lattice_updated_at', n._lattice_owner, n._lattice_version,
         nullif(current_setting('lattice.actor', true), '')::uuid
  FROM lattice_new n CROSS JOIN LATERAL to_jsonb(n) AS r;
  RETURN NULL;
END $$;

-- After an UPDATE: a delete for each key that is gone (the key itself was changed), then the rows.
CREATE FUNCTION lattice_feed_updated() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  actor uuid := nullif(current_setting('lattice.actor', true), '')::uuid;
BEGIN
  INSERT INTO public.lattice_changes (kind, table_name, pk, owner, version, actor_id)
  SELECT 'delete', TG_TABLE_NAME, o.k, o.owner, o.version, actor
  FROM (SELECT to_jsonb(x) ->> TG_ARGV[0] AS k, x._lattice_owner AS owner, x._lattice_version AS version FROM lattice_old x) o
  WHERE o.k IN (SELECT to_jsonb(x) ->> TG_ARGV[0] FROM lattice_old x EXCEPT SELECT to_jsonb(y) ->> TG_ARGV[0] FROM lattice_new y);
  INSERT INTO public.lattice_changes (kind, table_name, pk, row, owner, version, actor_id)
  SELECT 'upsert', TG_TABLE_NAME, r ->> TG_ARGV[0], r - '_lattice_owner' - '_lattice_version' - '_lattice_updated_at', n._lattice_owner, n._lattice_version, actor
  FROM lattice_new n CROSS JOIN LATERAL to_jsonb(n) AS r;
  RETURN NULL;
END $$;

-- After a DELETE: a "delete", or whatever lattice.delete_kind says (an unlink).
CREATE FUNCTION lattice_feed_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO public.lattice_changes (kind, table_name, pk, owner, version, actor_id)
  SELECT coalesce(nullif(current_setting('lattice.delete_kind', true), ''), 'delete'), TG_TABLE_NAME, to_jsonb(o) ->> TG_ARGV[0], o._lattice_owner, o._lattice_version,
         nullif(current_setting('lattice.actor', true), '')::uuid
  FROM lattice_old o;
  RETURN NULL;
END $$;

-- Tables shared before this migration: the statement triggers replace the row trigger.
DO $$
DECLARE
  t record;
BEGIN
  FOR t IN SELECT name, primary_key FROM lattice_shared_tables LOOP
    IF to_regclass(format('lattice_data.%I', t.name)) IS NULL THEN
      CONTINUE;
    END IF;
    EXECUTE format('DROP TRIGGER IF EXISTS lattice_row_feed ON lattice_data.%I', t.name);
    EXECUTE format('CREATE TRIGGER lattice_feed_inserted AFTER INSERT ON lattice_data.%I REFERENCING NEW TABLE AS lattice_new FOR EACH STATEMENT EXECUTE FUNCTION public.lattice_feed_inserted(%L)', t.name, t.primary_key);
    EXECUTE format('CREATE TRIGGER lattice_feed_updated AFTER UPDATE ON lattice_data.%I REFERENCING OLD TABLE AS lattice_old NEW TABLE AS lattice_new FOR EACH STATEMENT EXECUTE FUNCTION public.lattice_feed_updated(%L)', t.name, t.primary_key);
    EXECUTE format('CREATE TRIGGER lattice_feed_deleted AFTER DELETE ON lattice_data.%I REFERENCING OLD TABLE AS lattice_old FOR EACH STATEMENT EXECUTE FUNCTION public.lattice_feed_deleted(%L)', t.name, t.primary_key);
  END LOOP;
END $$;

DROP FUNCTION lattice_row_feed();
