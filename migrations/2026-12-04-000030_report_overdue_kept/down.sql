CREATE OR REPLACE FUNCTION report_persons_figure(figure text) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
  SELECT figure LIKE 'due:%'
      OR figure IN ('referred_by_social_services', 'referred_to_social_services')
$$;
DROP INDEX report_rollups_year;
CREATE INDEX report_rollups_year ON report_rollups (year, location_id);
DROP INDEX report_rollups_due;
DROP FUNCTION report_due_day(text);
DELETE FROM report_rollups WHERE figure = 'due_open';
DELETE FROM report_contributions WHERE figure = 'due_open';
CREATE OR REPLACE FUNCTION rollup_of_referrals(ids bigint[])
RETURNS TABLE (anchor_id bigint, figure text, location_id integer, year integer, value numeric)
LANGUAGE sql STABLE AS $$
  SELECT r.id, f.figure, c.location_id, f.year, 1::numeric
  FROM referrals r JOIN cases c ON c.id = r.case_id
  CROSS JOIN LATERAL (
    SELECT 'referrals:' || r.service || ':' || r.status AS figure,
           extract(year FROM r.sent_at AT TIME ZONE 'Asia/Bishkek')::int AS year
    UNION ALL
    SELECT 'due:' || to_char(d.due, 'YYYY-MM-DD'), extract(year FROM d.due)::int
    FROM (SELECT CASE WHEN r.status = 'sent' THEN r.answer_by
                      WHEN r.status IN ('accepted', 'in_service') THEN r.planned_end END AS due) d
    WHERE d.due IS NOT NULL
  ) f
  WHERE r.id = ANY (ids)
$$;
