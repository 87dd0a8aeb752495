-- Concurrent writes of one territory no longer wait for each other on its
-- counters (issue 20, the write mix).
--
-- Each counter of `report_rollups` (figure × territory × year) was one row,
-- and a write's trigger added its change to that row: a second write of the
-- same territory and year waited for the first to commit before it could
-- add its own. Measured on a million cases, sampling the write mix (a
-- provider accepting referrals of one district, a case worker recording
-- visits), 41 % of the sampled database sessions were waiting on a row
-- lock, nearly all of them inside the referral's trigger.
--
-- Now a counter is a few rows, its *stripes*: a write adds its change to
-- the stripe of its own connection (1 + its backend's number modulo 8), so
-- two connections rarely touch one row; every reader already adds up rows
-- (a territory's counters are the sum over the territories below it), and
-- now adds up the stripes too. `report_rollups_fold()`, run by the server
-- every few seconds, moves the stripes' values into stripe 0 (skipping a
-- stripe a write holds), so a counter is back to one row soon after the
-- writes stop and what a page reads does not grow. Moving a value between
-- stripes changes no count: it is not a change of a count of persons.

ALTER TABLE report_rollups ADD COLUMN stripe smallint NOT NULL DEFAULT 0;
ALTER TABLE report_rollups DROP CONSTRAINT report_rollups_pkey;
ALTER TABLE report_rollups ADD PRIMARY KEY (figure, location_id, year, stripe);
-- The stripes waiting to be folded.
CREATE INDEX report_rollups_stripes ON report_rollups (figure, location_id, year, stripe)
  WHERE stripe > 0;

CREATE OR REPLACE FUNCTION report_refresh(p_anchor text, p_ids bigint[]) RETURNS void
LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $$
DECLARE
  fresh report_contributions[];
  stale report_contributions[];
BEGIN
  IF p_ids IS NULL OR cardinality(p_ids) = 0 THEN
    RETURN;
  END IF;
  fresh := ARRAY(
    SELECT ROW(p_anchor, n.anchor_id, n.figure, n.location_id, n.year, n.value)::report_contributions
    FROM rollup_of(p_anchor, p_ids) n
    ORDER BY n.anchor_id, n.figure, n.location_id, n.year);
  stale := ARRAY(
    SELECT c FROM report_contributions c WHERE c.anchor = p_anchor AND c.anchor_id = ANY (p_ids)
    ORDER BY c.anchor_id, c.figure, c.location_id, c.year);
  -- Most writes (a note, a closure, a new version) change no count.
  IF fresh = stale THEN
    RETURN;
  END IF;
  DELETE FROM report_contributions c WHERE c.anchor = p_anchor AND c.anchor_id = ANY (p_ids);
  INSERT INTO report_contributions SELECT * FROM unnest(fresh);
  -- The difference, in one order (so two writers take the rows' locks in
  -- the same order and cannot deadlock on them), into this connection's
  -- stripe.
  INSERT INTO report_rollups AS r (figure, location_id, year, stripe, value)
  SELECT d.figure, d.location_id, d.year, (1 + pg_backend_pid() % 8)::smallint, sum(d.value)
  FROM (
    SELECT s.figure, s.location_id, s.year, -s.value AS value FROM unnest(stale) s
    UNION ALL
    SELECT f.figure, f.location_id, f.year, f.value FROM unnest(fresh) f
  ) d
  GROUP BY d.figure, d.location_id, d.year
  HAVING sum(d.value) <> 0
  ORDER BY d.figure, d.location_id, d.year
  ON CONFLICT (figure, location_id, year, stripe) DO UPDATE SET value = r.value + EXCLUDED.value;
END $$;

-- Fold the stripes into stripe 0; the number of counters folded. A stripe
-- a write holds is left for the next fold, so a fold never waits for a
-- write (and, taking its rows in the writers' order, never deadlocks with
-- one). While a rebuild holds the whole table, the fold gives up at once
-- and folds nothing: the next one comes two seconds later.
CREATE FUNCTION report_rollups_fold() RETURNS integer
LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan SET lock_timeout = '100ms' AS $$
DECLARE folded integer;
BEGIN
  -- Values move between rows of one counter: no count of persons changes.
  PERFORM set_config('korgoo.persons_bumped', 'yes', true);
  WITH taken AS (
    SELECT figure, location_id, year, stripe FROM report_rollups
    WHERE stripe > 0
    ORDER BY figure, location_id, year, stripe
    FOR UPDATE SKIP LOCKED
  ), moved AS (
    DELETE FROM report_rollups r USING taken t
    WHERE (r.figure, r.location_id, r.year, r.stripe) = (t.figure, t.location_id, t.year, t.stripe)
    RETURNING r.figure, r.location_id, r.year, r.value
  )
  INSERT INTO report_rollups AS r (figure, location_id, year, stripe, value)
  SELECT m.figure, m.location_id, m.year, 0, sum(m.value) FROM moved m
  GROUP BY m.figure, m.location_id, m.year
  ORDER BY m.figure, m.location_id, m.year
  ON CONFLICT (figure, location_id, year, stripe) DO UPDATE SET value = r.value + EXCLUDED.value;
  GET DIAGNOSTICS folded = ROW_COUNT;
  PERFORM set_config('korgoo.persons_bumped', '', true);
  RETURN folded;
EXCEPTION WHEN lock_not_available THEN
  RETURN 0;
END $$;
