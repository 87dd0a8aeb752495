-- Issue 20, third part: the monitoring figures and the breakdowns of the
-- state's actions kept by the database as well, so a report of one year
-- reads no record at all.
--
-- Counts of actions (`report_rollups`, per record's territory):
--   violations:kind:<kind>          violations found, by kind, in the year of the visit
--   complaints:status:<status>      school-fee complaints by status, in the year charged
--   referrals:<service>:<status>    referrals by service and status, in the year sent
--   served_days:<days>              cases identified in the year whose child was
--                                   first served (a service started) by its end,
--                                   by the days it took: the median is read from
--                                   this histogram
--   due:<yyyy-mm-dd>                open referrals by the day their answer or
--                                   service is due (overdue today: the days
--                                   before today); an answered or finished
--                                   referral leaves it, so these rows are the
--                                   open work, not the history
-- Children counted once (`report_child_counts`, cells of a case):
--   served                          identified in the year and served by its end
--   followed_up, withdrawn          the latest follow-up of the year found the
--                                   child (still working or not)
--   follow:<w>:<s>, follow:<w>:*, follow:*:<s>
--                                   that visit's results: still working (w),
--                                   attending school (s), yes or no

CREATE OR REPLACE FUNCTION rollup_of_inspections(ids bigint[])
RETURNS TABLE (anchor_id bigint, figure text, location_id integer, year integer, value numeric)
LANGUAGE sql STABLE AS $$
  SELECT i.id, f.figure, i.location_id, extract(year FROM i.visited_on)::int, f.value
  FROM inspections i
  LEFT JOIN LATERAL (SELECT coalesce(sum(v.count), 0) AS n FROM inspection_violations v
                      WHERE v.inspection_id = i.id) v ON true
  CROSS JOIN LATERAL (VALUES
    ('inspections', CASE WHEN i.status <> 'planned' THEN 1 ELSE 0 END),
    ('at_worksite', CASE WHEN i.status <> 'planned' AND i.method = 'worksite' THEN 1 ELSE 0 END),
    ('desk_reviews', CASE WHEN i.status <> 'planned' AND i.method = 'desk_review' THEN 1 ELSE 0 END),
    ('routine', CASE WHEN i.status <> 'planned' AND i.kind = 'routine' THEN 1 ELSE 0 END),
    ('unannounced', CASE WHEN i.status <> 'planned' AND i.kind = 'unannounced' THEN 1 ELSE 0 END),
    ('complaint_driven', CASE WHEN i.status <> 'planned' AND i.kind = 'complaint' THEN 1 ELSE 0 END),
    ('found_child_labor', CASE WHEN i.status <> 'planned' AND i.children_found > 0 THEN 1 ELSE 0 END),
    ('violations', CASE WHEN i.status <> 'planned' THEN v.n ELSE 0 END),
    ('planned', CASE WHEN i.status = 'planned' THEN 1 ELSE 0 END),
    ('referred', CASE WHEN i.status <> 'planned' AND i.law_enforcement_id IS NOT NULL THEN 1 ELSE 0 END)
  ) AS f (figure, value)
  WHERE i.id = ANY (ids) AND f.value <> 0
  UNION ALL
  SELECT i.id, 'violations:kind:' || v.kind, i.location_id, extract(year FROM i.visited_on)::int,
         sum(v.count)
  FROM inspections i JOIN inspection_violations v ON v.inspection_id = i.id
  WHERE i.id = ANY (ids) AND i.status <> 'planned'
  GROUP BY i.id, v.kind, i.location_id, i.visited_on
  HAVING sum(v.count) <> 0
$$;

CREATE OR REPLACE FUNCTION rollup_of_complaints(ids bigint[])
RETURNS TABLE (anchor_id bigint, figure text, location_id integer, year integer, value numeric)
LANGUAGE sql STABLE AS $$
  SELECT c.id, f.figure, c.location_id, extract(year FROM c.charged_on)::int, 1::numeric
  FROM school_fee_complaints c
  CROSS JOIN LATERAL (VALUES ('complaints'), ('complaints:status:' || c.status)) AS f (figure)
  WHERE c.id = ANY (ids)
$$;

-- A case counts by its status as it stands now, and, when its child was
-- served by the end of the year of identification, by the days that took.
CREATE OR REPLACE FUNCTION rollup_of_cases(ids bigint[])
RETURNS TABLE (anchor_id bigint, figure text, location_id integer, year integer, value numeric)
LANGUAGE sql STABLE AS $$
  SELECT c.id, f.figure, c.location_id, extract(year FROM c.identified_on)::int, 1::numeric
  FROM cases c
  LEFT JOIN LATERAL (
    SELECT min(r.started_on) AS served_on FROM referrals r
    WHERE r.case_id = c.id AND r.status IN ('in_service', 'completed')
      AND r.service <> 'law_enforcement'
      AND r.started_on < make_date(extract(year FROM c.identified_on)::int + 1, 1, 1)
  ) s ON true
  CROSS JOIN LATERAL (
    SELECT 'case_status:' || c.status AS figure
    UNION ALL
    SELECT 'served_days:' || greatest(s.served_on - c.identified_on, 0) WHERE s.served_on IS NOT NULL
  ) f
  WHERE c.id = ANY (ids)
$$;

-- A referral counts by service and status in the year it was sent (in
-- Bishkek), where its case is; while open, on the day it is due.
CREATE FUNCTION rollup_of_referrals(ids bigint[])
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

CREATE OR REPLACE FUNCTION rollup_of(anchor text, ids bigint[])
RETURNS TABLE (anchor_id bigint, figure text, location_id integer, year integer, value numeric)
LANGUAGE plpgsql STABLE AS $$
BEGIN
  CASE anchor
    WHEN 'inspection' THEN RETURN QUERY SELECT * FROM rollup_of_inspections(ids);
    WHEN 'penalty' THEN RETURN QUERY SELECT * FROM rollup_of_penalties(ids);
    WHEN 'complaint' THEN RETURN QUERY SELECT * FROM rollup_of_complaints(ids);
    WHEN 'investigation' THEN RETURN QUERY SELECT * FROM rollup_of_investigations(ids);
    WHEN 'le_referral' THEN RETURN QUERY SELECT * FROM rollup_of_le_referrals(ids);
    WHEN 'victim_referred' THEN RETURN QUERY SELECT * FROM rollup_of_victims_referred(ids);
    WHEN 'case' THEN RETURN QUERY SELECT * FROM rollup_of_cases(ids);
    WHEN 'referral' THEN RETURN QUERY SELECT * FROM rollup_of_referrals(ids);
  END CASE;
END $$;

CREATE OR REPLACE FUNCTION report_fresh_contributions()
RETURNS TABLE (anchor text, anchor_id bigint, figure text, location_id integer, year integer,
               value numeric)
LANGUAGE sql STABLE AS $$
  SELECT 'inspection', f.* FROM rollup_of_inspections(ARRAY(SELECT id FROM inspections)) f
  UNION ALL SELECT 'penalty', f.* FROM rollup_of_penalties(ARRAY(SELECT id FROM penalties)) f
  UNION ALL SELECT 'complaint', f.*
    FROM rollup_of_complaints(ARRAY(SELECT id FROM school_fee_complaints)) f
  UNION ALL SELECT 'investigation', f.*
    FROM rollup_of_investigations(ARRAY(SELECT id FROM investigations)) f
  UNION ALL SELECT 'le_referral', f.* FROM rollup_of_le_referrals(ARRAY(SELECT id FROM le_referrals)) f
  UNION ALL SELECT 'victim_referred', f.*
    FROM rollup_of_victims_referred(
      ARRAY(SELECT id FROM investigation_events WHERE kind = 'victim_referred')) f
  UNION ALL SELECT 'case', f.* FROM rollup_of_cases(ARRAY(SELECT id FROM cases)) f
  UNION ALL SELECT 'referral', f.* FROM rollup_of_referrals(ARRAY(SELECT id FROM referrals)) f
$$;

-- A referral written refreshes itself and its case (the days to service).
CREATE FUNCTION report_on_referrals() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM report_refresh('referral', ARRAY(SELECT id FROM new_rows));
    PERFORM report_refresh('case', ARRAY(SELECT DISTINCT case_id FROM new_rows));
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM report_refresh('referral', ARRAY(SELECT id FROM old_rows));
    PERFORM report_refresh('case', ARRAY(SELECT DISTINCT case_id FROM old_rows));
  ELSE
    PERFORM report_refresh('referral', ARRAY(
      SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
       WHERE (n.case_id, n.service, n.status, n.sent_at, n.answer_by, n.planned_end)
             IS DISTINCT FROM (o.case_id, o.service, o.status, o.sent_at, o.answer_by, o.planned_end)));
    PERFORM report_refresh('case', ARRAY(
      SELECT n.case_id FROM new_rows n JOIN old_rows o ON o.id = n.id
       WHERE (n.case_id, n.service, n.status, n.started_on)
             IS DISTINCT FROM (o.case_id, o.service, o.status, o.started_on)
      UNION
      SELECT o.case_id FROM new_rows n JOIN old_rows o ON o.id = n.id
       WHERE n.case_id IS DISTINCT FROM o.case_id));
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER report_referrals_insert AFTER INSERT ON referrals
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_on_referrals();
CREATE TRIGGER report_referrals_update AFTER UPDATE ON referrals
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION report_on_referrals();
CREATE TRIGGER report_referrals_delete AFTER DELETE ON referrals
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION report_on_referrals();

-- A case moved to another territory takes its referrals along.
CREATE FUNCTION report_on_case_referrals() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM report_refresh('referral', ARRAY(
    SELECT r.id FROM referrals r JOIN new_rows n ON n.id = r.case_id JOIN old_rows o ON o.id = n.id
     WHERE n.location_id IS DISTINCT FROM o.location_id));
  RETURN NULL;
END $$;
CREATE TRIGGER report_case_referrals_update AFTER UPDATE ON cases
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION report_on_case_referrals();

-- The children of a case: identified (by form, sector, sex, age), the
-- special groups, served by the end of the year, and followed up in each
-- year with a follow-up visit (the year's latest visit).
CREATE OR REPLACE FUNCTION report_child_cells_of_cases(ids bigint[])
RETURNS TABLE (anchor text, anchor_id bigint, cell text, child_id bigint, location_id integer,
               year integer)
LANGUAGE sql STABLE AS $$
  SELECT 'case', c.id, x.cell, c.child_id, c.location_id, x.year
  FROM cases c JOIN children ch ON ch.id = c.child_id
  CROSS JOIN LATERAL (SELECT extract(year FROM c.identified_on)::int AS y,
                             date_part('year', age(c.identified_on, ch.birth_date)) AS age) k
  CROSS JOIN LATERAL (
    SELECT 'identified' AS cell, k.y AS year
    UNION SELECT 'identified:form:' || f, k.y FROM unnest(c.forms) f WHERE f IS NOT NULL
    UNION SELECT 'identified:sector:' || c.sector, k.y
    UNION SELECT 'identified:sex:' || ch.sex, k.y
    UNION SELECT 'identified:age:' || CASE
        WHEN k.age < 14 THEN 'under_14'
        WHEN k.age < 16 THEN '14_15'
        WHEN k.age < 18 THEN '16_17'
        ELSE '18_over' END, k.y
    -- The special groups the document names: victims of commercial sexual
    -- exploitation, and street children with the services they received
    -- by the end of the year.
    UNION SELECT 'group:csec_victims', k.y
      WHERE 'commercial_sexual_exploitation' = ANY (c.forms) AND c.child_is_victim
    UNION SELECT 'group:street', k.y
      WHERE c.sector = 'street_work' OR 'forced_begging' = ANY (c.forms)
    UNION SELECT 'group:street_' || g.grp, k.y FROM (
        SELECT DISTINCT CASE
            WHEN r.service IN ('catch_up_education', 'school_enrolment') THEN 'education'
            WHEN r.service = 'medical' THEN 'medical'
            WHEN r.service IN ('psychosocial', 'shelter', 'family_support', 'rehabilitation',
                               'legal_aid') THEN 'social' END AS grp
        FROM referrals r
        WHERE r.case_id = c.id AND r.status IN ('in_service', 'completed')
          AND r.started_on < make_date(k.y + 1, 1, 1)
      ) g
      WHERE g.grp IS NOT NULL AND (c.sector = 'street_work' OR 'forced_begging' = ANY (c.forms))
    -- Served: a service started by the end of the year of identification.
    UNION SELECT 'served', k.y WHERE EXISTS (
        SELECT 1 FROM referrals r
        WHERE r.case_id = c.id AND r.status IN ('in_service', 'completed')
          AND r.service <> 'law_enforcement' AND r.started_on < make_date(k.y + 1, 1, 1))
    -- Followed up: the latest visit of each year, with what it found.
    UNION SELECT z.cell, v.year FROM (
        SELECT DISTINCT ON (extract(year FROM f.visited_on))
               extract(year FROM f.visited_on)::int AS year,
               CASE WHEN f.still_working THEN 'yes' ELSE 'no' END AS w,
               CASE WHEN f.attending_school THEN 'yes' ELSE 'no' END AS s
        FROM follow_ups f WHERE f.case_id = c.id
        ORDER BY extract(year FROM f.visited_on), f.visited_on DESC, f.id DESC
      ) v
      CROSS JOIN LATERAL (
        SELECT 'followed_up' AS cell
        UNION ALL SELECT 'withdrawn' WHERE v.w = 'no'
        UNION ALL SELECT 'follow:' || v.w || ':' || v.s
        UNION ALL SELECT 'follow:' || v.w || ':*'
        UNION ALL SELECT 'follow:*:' || v.s
      ) z
  ) x
  WHERE c.id = ANY (ids)
$$;

-- A follow-up visit written refreshes its case's children.
CREATE FUNCTION report_on_follow_ups() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM report_child_refresh('case', ARRAY(SELECT DISTINCT case_id FROM new_rows));
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM report_child_refresh('case', ARRAY(SELECT DISTINCT case_id FROM old_rows));
  ELSE
    PERFORM report_child_refresh('case', ARRAY(
      SELECT n.case_id FROM new_rows n JOIN old_rows o ON o.id = n.id
       WHERE (n.case_id, n.visited_on, n.still_working, n.attending_school)
             IS DISTINCT FROM (o.case_id, o.visited_on, o.still_working, o.attending_school)
      UNION
      SELECT o.case_id FROM new_rows n JOIN old_rows o ON o.id = n.id
       WHERE n.case_id IS DISTINCT FROM o.case_id));
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER report_follow_ups_insert AFTER INSERT ON follow_ups
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_on_follow_ups();
CREATE TRIGGER report_follow_ups_update AFTER UPDATE ON follow_ups
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION report_on_follow_ups();
CREATE TRIGGER report_follow_ups_delete AFTER DELETE ON follow_ups
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION report_on_follow_ups();

-- A report reads one year (or a few) of one territory's rows.
CREATE INDEX report_rollups_year ON report_rollups (year, location_id);
CREATE INDEX report_child_counts_territory ON report_child_counts (territory_id, year);

SELECT report_rebuild();
SELECT report_child_rebuild();
