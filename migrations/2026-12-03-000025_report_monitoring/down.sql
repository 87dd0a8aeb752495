-- Back to the definitions of `report_rollups` and `report_children`.
DROP INDEX report_child_counts_territory;
DROP INDEX report_rollups_year;
DROP TRIGGER report_follow_ups_delete ON follow_ups;
DROP TRIGGER report_follow_ups_update ON follow_ups;
DROP TRIGGER report_follow_ups_insert ON follow_ups;
DROP FUNCTION report_on_follow_ups();
DROP TRIGGER report_case_referrals_update ON cases;
DROP FUNCTION report_on_case_referrals();
DROP TRIGGER report_referrals_delete ON referrals;
DROP TRIGGER report_referrals_update ON referrals;
DROP TRIGGER report_referrals_insert ON referrals;
DROP FUNCTION report_on_referrals();

CREATE OR REPLACE FUNCTION report_child_cells_of_cases(ids bigint[])
RETURNS TABLE (anchor text, anchor_id bigint, cell text, child_id bigint, location_id integer,
               year integer)
LANGUAGE sql STABLE AS $$
  SELECT 'case', c.id, x.cell, c.child_id, c.location_id, extract(year FROM c.identified_on)::int
  FROM cases c JOIN children ch ON ch.id = c.child_id
  CROSS JOIN LATERAL (
    SELECT 'identified' AS cell
    UNION SELECT 'identified:form:' || f FROM unnest(c.forms) f WHERE f IS NOT NULL
    UNION SELECT 'identified:sector:' || c.sector
    UNION SELECT 'identified:sex:' || ch.sex
    UNION SELECT 'identified:age:' || CASE
        WHEN date_part('year', age(c.identified_on, ch.birth_date)) < 14 THEN 'under_14'
        WHEN date_part('year', age(c.identified_on, ch.birth_date)) < 16 THEN '14_15'
        WHEN date_part('year', age(c.identified_on, ch.birth_date)) < 18 THEN '16_17'
        ELSE '18_over' END
    -- The special groups the document names: victims of commercial sexual
    -- exploitation, and street children with the services they received
    -- by the end of the year.
    UNION SELECT 'group:csec_victims'
      WHERE 'commercial_sexual_exploitation' = ANY (c.forms) AND c.child_is_victim
    UNION SELECT 'group:street' WHERE c.sector = 'street_work' OR 'forced_begging' = ANY (c.forms)
    UNION SELECT 'group:street_' || g.grp FROM (
        SELECT DISTINCT CASE
            WHEN r.service IN ('catch_up_education', 'school_enrolment') THEN 'education'
            WHEN r.service = 'medical' THEN 'medical'
            WHEN r.service IN ('psychosocial', 'shelter', 'family_support', 'rehabilitation',
                               'legal_aid') THEN 'social' END AS grp
        FROM referrals r
        WHERE r.case_id = c.id AND r.status IN ('in_service', 'completed')
          AND r.started_on < make_date(extract(year FROM c.identified_on)::int + 1, 1, 1)
      ) g
      WHERE g.grp IS NOT NULL AND (c.sector = 'street_work' OR 'forced_begging' = ANY (c.forms))
  ) x
  WHERE c.id = ANY (ids)
$$;

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
  END CASE;
END $$;

CREATE OR REPLACE FUNCTION rollup_of_cases(ids bigint[])
RETURNS TABLE (anchor_id bigint, figure text, location_id integer, year integer, value numeric)
LANGUAGE sql STABLE AS $$
  SELECT c.id, 'case_status:' || c.status, c.location_id, extract(year FROM c.identified_on)::int,
         1::numeric
  FROM cases c WHERE c.id = ANY (ids)
$$;

CREATE OR REPLACE FUNCTION rollup_of_complaints(ids bigint[])
RETURNS TABLE (anchor_id bigint, figure text, location_id integer, year integer, value numeric)
LANGUAGE sql STABLE AS $$
  SELECT c.id, 'complaints', c.location_id, extract(year FROM c.charged_on)::int, 1::numeric
  FROM school_fee_complaints c WHERE c.id = ANY (ids)
$$;

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
$$;

DROP FUNCTION rollup_of_referrals(bigint[]);
SELECT report_rebuild();
SELECT report_child_rebuild();
