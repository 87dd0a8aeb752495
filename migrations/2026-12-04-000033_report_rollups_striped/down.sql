SELECT report_rollups_fold();
DROP FUNCTION report_rollups_fold();
DROP INDEX report_rollups_stripes;
-- Whatever a fold left (a stripe held by a write at that moment) is added
-- into stripe 0 before the column goes.
INSERT INTO report_rollups AS r (figure, location_id, year, stripe, value)
SELECT figure, location_id, year, 0, sum(value) FROM report_rollups WHERE stripe > 0
GROUP BY figure, location_id, year
ON CONFLICT (figure, location_id, year, stripe) DO UPDATE SET value = r.value + EXCLUDED.value;
DELETE FROM report_rollups WHERE stripe > 0;
ALTER TABLE report_rollups DROP CONSTRAINT report_rollups_pkey;
ALTER TABLE report_rollups DROP COLUMN stripe;
ALTER TABLE report_rollups ADD PRIMARY KEY (figure, location_id, year);
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
  IF fresh = stale THEN
    RETURN;
  END IF;
  DELETE FROM report_contributions c WHERE c.anchor = p_anchor AND c.anchor_id = ANY (p_ids);
  INSERT INTO report_contributions SELECT * FROM unnest(fresh);
  INSERT INTO report_rollups AS r (figure, location_id, year, value)
  SELECT d.figure, d.location_id, d.year, sum(d.value)
  FROM (
    SELECT s.figure, s.location_id, s.year, -s.value AS value FROM unnest(stale) s
    UNION ALL
    SELECT f.figure, f.location_id, f.year, f.value FROM unnest(fresh) f
  ) d
  GROUP BY d.figure, d.location_id, d.year
  HAVING sum(d.value) <> 0
  ORDER BY d.figure, d.location_id, d.year
  ON CONFLICT (figure, location_id, year) DO UPDATE SET value = r.value + EXCLUDED.value;
END $$;
