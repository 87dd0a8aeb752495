-- A sign that a count of persons changed (issue 20): the one protection of
-- the whole country (`reports::protection`) is made again only when one of
-- its inputs changed, and until now every report page read all of them
-- (every territory's children, every year) to find out. Now each write that
-- changes one bumps a counter here in its own transaction, and a page reads
-- the sum in the same snapshot as its figures: the same sum, the same
-- counts of persons, the same protection, from one row per slot.
--
-- The counts of persons the protection reads are the children counted once
-- (`report_child_counts`), the children referred between social services
-- and law enforcement and the referrals due by day (`report_rollups`), and
-- the territory tree (`locations`). A writer bumps the slot of its backend,
-- once per transaction, so concurrent writers rarely wait on one row, and
-- only when a row that matters changed (a note, an inspection or a fine
-- bumps nothing). The sum only grows: two snapshots with the same sum saw
-- the same committed changes.

CREATE TABLE report_persons_changes (
    slot    integer PRIMARY KEY,
    changes bigint  NOT NULL DEFAULT 0
);
INSERT INTO report_persons_changes (slot) SELECT generate_series(0, 15);

CREATE FUNCTION report_persons_bump() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('korgoo.persons_bumped', true) IS DISTINCT FROM 'yes' THEN
    UPDATE report_persons_changes SET changes = changes + 1 WHERE slot = pg_backend_pid() % 16;
    -- Local: it ends with the transaction (and a rolled-back savepoint
    -- takes it back with the bump).
    PERFORM set_config('korgoo.persons_bumped', 'yes', true);
  END IF;
END $$;

CREATE FUNCTION report_on_persons_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM report_persons_bump();
  RETURN NULL;
END $$;

CREATE FUNCTION report_persons_figure(figure text) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
  SELECT figure LIKE 'due:%'
      OR figure IN ('referred_by_social_services', 'referred_to_social_services')
$$;

-- Named `report_…` like the other report triggers: the scale load pauses
-- them all and rebuilds at its end, and a rebuild bumps (TRUNCATE below).
CREATE TRIGGER report_persons_child_counts
  AFTER INSERT OR UPDATE OR DELETE ON report_child_counts
  FOR EACH ROW EXECUTE FUNCTION report_on_persons_changed();
CREATE TRIGGER report_persons_child_counts_truncated
  AFTER TRUNCATE ON report_child_counts
  FOR EACH STATEMENT EXECUTE FUNCTION report_on_persons_changed();
CREATE TRIGGER report_persons_rollups_new
  AFTER INSERT OR UPDATE ON report_rollups
  FOR EACH ROW WHEN (report_persons_figure(NEW.figure))
  EXECUTE FUNCTION report_on_persons_changed();
CREATE TRIGGER report_persons_rollups_old
  AFTER DELETE ON report_rollups
  FOR EACH ROW WHEN (report_persons_figure(OLD.figure))
  EXECUTE FUNCTION report_on_persons_changed();
CREATE TRIGGER report_persons_rollups_truncated
  AFTER TRUNCATE ON report_rollups
  FOR EACH STATEMENT EXECUTE FUNCTION report_on_persons_changed();
CREATE TRIGGER report_persons_locations
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON locations
  FOR EACH STATEMENT EXECUTE FUNCTION report_on_persons_changed();
