-- The referrals overdue, read from rows that do not grow with history
-- (issue 20). An open referral is kept on the day it is due
-- (`due:<yyyy-mm-dd>`), and the referrals overdue today were the sum of every
-- such day before today: at a million cases 68,000 rows, 30 ms of each
-- report page, and more with every year. Now each open referral also counts
-- once in `due_open` (per territory and year of its due day), and the
-- overdue are the open ones less those due today or later: a few rows per
-- territory and year, and the days from today on, found by an index on the
-- day.
--
-- The counts of actions of a year were read through an index of every row
-- of the year, its days due among them (two thirds of the rows at a million
-- cases); that index now leaves the days due out.

CREATE OR REPLACE FUNCTION rollup_of_referrals(ids bigint[])
RETURNS TABLE (anchor_id bigint, figure text, location_id integer, year integer, value numeric)
LANGUAGE sql STABLE AS $$
  SELECT r.id, f.figure, c.location_id, f.year, 1::numeric
  FROM referrals r JOIN cases c ON c.id = r.case_id
  CROSS JOIN LATERAL (
    SELECT 'referrals:' || r.service || ':' || r.status AS figure,
           extract(year FROM r.sent_at AT TIME ZONE 'Asia/Bishkek')::int AS year
    UNION ALL
    SELECT o.figure, extract(year FROM d.due)::int
    FROM (SELECT CASE WHEN r.status = 'sent' THEN r.answer_by
                      WHEN r.status IN ('accepted', 'in_service') THEN r.planned_end END AS due) d
    CROSS JOIN LATERAL (VALUES ('due:' || to_char(d.due, 'YYYY-MM-DD')), ('due_open')) o (figure)
    WHERE d.due IS NOT NULL
  ) f
  WHERE r.id = ANY (ids)
$$;

-- What the referrals already kept add, without recomputing them.
INSERT INTO report_contributions (anchor, anchor_id, figure, location_id, year, value)
SELECT anchor, anchor_id, 'due_open', location_id, year, value
FROM report_contributions WHERE anchor = 'referral' AND figure LIKE 'due:%';
INSERT INTO report_rollups (figure, location_id, year, value)
SELECT 'due_open', location_id, year, sum(value)
FROM report_contributions WHERE figure = 'due_open'
GROUP BY location_id, year HAVING sum(value) <> 0;

-- The day of a `due:` figure (immutable, so it can be indexed).
CREATE FUNCTION report_due_day(figure text) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT make_date(substr(figure, 5, 4)::int, substr(figure, 10, 2)::int,
                   substr(figure, 13, 2)::int)
$$;
CREATE INDEX report_rollups_due ON report_rollups (report_due_day(figure)) WHERE figure LIKE 'due:%';

DROP INDEX report_rollups_year;
CREATE INDEX report_rollups_year ON report_rollups (year, location_id) WHERE figure NOT LIKE 'due:%';

-- `due_open` is a count the protection reads too (migration
-- `report_persons_changes`).
CREATE OR REPLACE FUNCTION report_persons_figure(figure text) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
  SELECT figure LIKE 'due:%' OR figure = 'due_open'
      OR figure IN ('referred_by_social_services', 'referred_to_social_services')
$$;
