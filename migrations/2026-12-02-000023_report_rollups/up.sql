-- Issue 20: the report's counts of the state's actions kept up to date by
-- the database itself, in the transaction of every write, whatever makes it
-- (a form, the demo or scale loader, a correction in psql).
--
-- Each record that counts in the report (an inspection, a penalty, a
-- school-fee complaint, an investigation, a referral to law enforcement, a
-- child referred back by law enforcement) is an *anchor*. What it adds to
-- which figure, in which year and territory, is computed from the records by
-- one function per kind (`rollup_of_*`) and kept in `report_contributions`.
-- When an anchor or anything it depends on changes, a trigger calls
-- `report_refresh`, which takes the anchors' old contributions away from
-- `report_rollups` and adds the new ones: a removed violation, a cancelled
-- penalty or a moved record subtracts exactly what it had added. The
-- triggers are statement-level with transition tables: a statement that
-- writes ten thousand rows (a loader, a correction) refreshes their anchors
-- in one pass, not row by row.
--
-- `report_rollups` holds one row per figure, territory and year, at the
-- record's own territory (a district or city); a page reads the rows of the
-- territories below its own, a number that grows with the tree and the
-- years, never with the records. (Keeping every ancestor's row too would
-- make the country's rows a lock every write in the country waits for.)

CREATE TABLE report_contributions (
    anchor      text    NOT NULL,
    anchor_id   bigint  NOT NULL,
    figure      text    NOT NULL,
    location_id integer NOT NULL,
    year        integer NOT NULL,
    value       numeric NOT NULL,
    PRIMARY KEY (anchor, anchor_id, figure, location_id, year)
);

CREATE TABLE report_rollups (
    figure      text    NOT NULL,
    location_id integer NOT NULL REFERENCES locations (id),
    year        integer NOT NULL,
    value       numeric NOT NULL,
    PRIMARY KEY (figure, location_id, year)
);


-- What each anchor adds: one function per kind, for the anchors `ids`.
CREATE FUNCTION rollup_of_inspections(ids bigint[])
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

-- A penalty counts in the territory of its inspection's visit: imposed in
-- the year of its decision, collected in the year it was paid in full, and
-- its money in the year of each payment. A cancelled one counts nowhere.
CREATE FUNCTION rollup_of_penalties(ids bigint[])
RETURNS TABLE (anchor_id bigint, figure text, location_id integer, year integer, value numeric)
LANGUAGE sql STABLE AS $$
  WITH p AS (
    SELECT p.*, i.location_id FROM penalties p JOIN inspections i ON i.id = p.inspection_id
    WHERE p.id = ANY (ids) AND p.status <> 'cancelled'
  )
  SELECT x.id, x.figure, x.location_id, x.year, x.value FROM (
    SELECT p.id, 'penalties_imposed' AS figure, p.location_id,
           extract(year FROM p.decided_on)::int AS year, 1::numeric AS value FROM p
    UNION ALL
    SELECT p.id, 'imposed_som', p.location_id, extract(year FROM p.decided_on)::int, p.imposed FROM p
    UNION ALL
    SELECT p.id, 'violations_penalised', p.location_id, extract(year FROM p.decided_on)::int,
           (SELECT coalesce(sum(v.count), 0) FROM penalty_violations pv
              JOIN inspection_violations v ON v.inspection_id = pv.inspection_id AND v.kind = pv.kind
             WHERE pv.penalty_id = p.id)
      FROM p
    UNION ALL
    SELECT p.id, 'penalties_collected', p.location_id, extract(year FROM p.collected_on)::int, 1
      FROM p WHERE p.status = 'paid' AND p.collected_on IS NOT NULL
    UNION ALL
    SELECT p.id, 'collected_som', p.location_id, extract(year FROM pp.paid_on)::int, sum(pp.amount)
      FROM p JOIN penalty_payments pp ON pp.penalty_id = p.id
     GROUP BY p.id, p.location_id, extract(year FROM pp.paid_on)
  ) x
  WHERE x.value <> 0
$$;

CREATE FUNCTION rollup_of_complaints(ids bigint[])
RETURNS TABLE (anchor_id bigint, figure text, location_id integer, year integer, value numeric)
LANGUAGE sql STABLE AS $$
  SELECT c.id, 'complaints', c.location_id, extract(year FROM c.charged_on)::int, 1::numeric
  FROM school_fee_complaints c WHERE c.id = ANY (ids)
$$;

-- An investigation counts in the territory of the agency holding it: opened
-- in the year it was opened, prosecuted in the year it went to court, its
-- verdict in the year of the decision.
CREATE FUNCTION rollup_of_investigations(ids bigint[])
RETURNS TABLE (anchor_id bigint, figure text, location_id integer, year integer, value numeric)
LANGUAGE sql STABLE AS $$
  WITH v AS (
    SELECT v.*, a.location_id FROM investigations v JOIN agencies a ON a.id = v.agency_id
    WHERE v.id = ANY (ids)
  )
  SELECT x.id, x.figure, x.location_id, x.year, x.value FROM (
    SELECT v.id, 'investigations' AS figure, v.location_id,
           extract(year FROM v.opened_on)::int AS year, 1::numeric AS value FROM v
    UNION ALL
    SELECT v.id, 'prosecutions', v.location_id, extract(year FROM v.in_court_on)::int, 1
      FROM v WHERE v.in_court_on IS NOT NULL
    UNION ALL
    SELECT v.id, d.figure, v.location_id, extract(year FROM v.decided_on)::int, d.value
      FROM v CROSS JOIN LATERAL (VALUES
        ('convictions', CASE WHEN v.stage = 'convicted' THEN 1 ELSE 0 END),
        ('acquittals', CASE WHEN v.stage = 'acquitted' THEN 1 ELSE 0 END),
        ('dismissed', CASE WHEN v.stage = 'dismissed' THEN 1 ELSE 0 END),
        ('prison_sentences', CASE WHEN v.stage = 'convicted' AND v.prison_months > 0 THEN 1 ELSE 0 END),
        ('fines_som', CASE WHEN v.stage = 'convicted' THEN coalesce(v.fine, 0) ELSE 0 END)
      ) AS d (figure, value)
     WHERE v.decided_on IS NOT NULL
  ) x
  WHERE x.value <> 0
$$;

-- A case a unit referred to law enforcement: the day it was sent, in the
-- case's territory.
CREATE FUNCTION rollup_of_le_referrals(ids bigint[])
RETURNS TABLE (anchor_id bigint, figure text, location_id integer, year integer, value numeric)
LANGUAGE sql STABLE AS $$
  SELECT r.id, 'referred_by_social_services', c.location_id, extract(year FROM r.sent_on)::int,
         1::numeric
  FROM le_referrals r JOIN cases c ON c.id = r.case_id WHERE r.id = ANY (ids)
$$;

-- A child law enforcement referred to a unit: in the investigating agency's
-- territory, in the year its case says the child was identified.
CREATE FUNCTION rollup_of_victims_referred(ids bigint[])
RETURNS TABLE (anchor_id bigint, figure text, location_id integer, year integer, value numeric)
LANGUAGE sql STABLE AS $$
  SELECT e.id, 'referred_to_social_services', a.location_id,
         extract(year FROM c.identified_on)::int, 1::numeric
  FROM investigation_events e
  JOIN investigations v ON v.id = e.investigation_id
  JOIN agencies a ON a.id = v.agency_id
  JOIN cases c ON c.id = (e.details->>'case_id')::bigint
  WHERE e.id = ANY (ids) AND e.kind = 'victim_referred'
$$;

-- A case counts by its status as it stands now, in the year its child was
-- identified and the case's territory (the cases, not the children).
CREATE FUNCTION rollup_of_cases(ids bigint[])
RETURNS TABLE (anchor_id bigint, figure text, location_id integer, year integer, value numeric)
LANGUAGE sql STABLE AS $$
  SELECT c.id, 'case_status:' || c.status, c.location_id, extract(year FROM c.identified_on)::int,
         1::numeric
  FROM cases c WHERE c.id = ANY (ids)
$$;

CREATE FUNCTION rollup_of(anchor text, ids bigint[])
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

-- Take the anchors' old contributions away and add their new ones.
CREATE FUNCTION report_refresh(p_anchor text, p_ids bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
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
  -- the same order and cannot deadlock on them).
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

-- Every anchor's contribution, computed afresh from the records.
CREATE FUNCTION report_fresh_contributions()
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

-- Everything again from the records (`korgoo reports rebuild`).
CREATE FUNCTION report_rebuild() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM report_contributions;
  DELETE FROM report_rollups;
  INSERT INTO report_contributions (anchor, anchor_id, figure, location_id, year, value)
  SELECT * FROM report_fresh_contributions();
  INSERT INTO report_rollups (figure, location_id, year, value)
  SELECT c.figure, c.location_id, c.year, sum(c.value) FROM report_contributions c
  GROUP BY c.figure, c.location_id, c.year HAVING sum(c.value) <> 0;
END $$;

-- The triggers. Each is statement-level, once per event (a trigger with
-- transition tables takes one event), and refreshes the anchors the rows it
-- saw touch. `changed` is every row the statement wrote, before and after.
CREATE FUNCTION report_on_inspections() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM report_refresh('inspection', ARRAY(SELECT id FROM new_rows));
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM report_refresh('inspection', ARRAY(SELECT id FROM old_rows));
  ELSE
    -- Only what a count reads: a note, a closure or a new version changes
    -- nothing (and is most of the updates).
    PERFORM report_refresh('inspection', ARRAY(
      SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
       WHERE (n.visited_on, n.status = 'planned', n.method, n.kind, n.children_found > 0,
              n.law_enforcement_id IS NULL, n.location_id)
             IS DISTINCT FROM
             (o.visited_on, o.status = 'planned', o.method, o.kind, o.children_found > 0,
              o.law_enforcement_id IS NULL, o.location_id)));
    -- Its penalties count where it was visited.
    PERFORM report_refresh('penalty', ARRAY(
      SELECT p.id FROM penalties p JOIN new_rows n ON n.id = p.inspection_id
      JOIN old_rows o ON o.id = n.id WHERE n.location_id IS DISTINCT FROM o.location_id));
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER report_inspections_insert AFTER INSERT ON inspections
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_on_inspections();
CREATE TRIGGER report_inspections_update AFTER UPDATE ON inspections
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION report_on_inspections();
CREATE TRIGGER report_inspections_delete AFTER DELETE ON inspections
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION report_on_inspections();

-- A violation changes its inspection's count and the penalties naming it.
CREATE FUNCTION report_on_violations() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE insp bigint[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    insp := ARRAY(SELECT DISTINCT inspection_id FROM new_rows);
  ELSIF TG_OP = 'DELETE' THEN
    insp := ARRAY(SELECT DISTINCT inspection_id FROM old_rows);
  ELSE
    insp := ARRAY(SELECT inspection_id FROM new_rows UNION SELECT inspection_id FROM old_rows);
  END IF;
  PERFORM report_refresh('inspection', insp);
  PERFORM report_refresh('penalty', ARRAY(
    SELECT DISTINCT penalty_id FROM penalty_violations WHERE inspection_id = ANY (insp)));
  RETURN NULL;
END $$;
CREATE TRIGGER report_violations_insert AFTER INSERT ON inspection_violations
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_on_violations();
CREATE TRIGGER report_violations_update AFTER UPDATE ON inspection_violations
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION report_on_violations();
CREATE TRIGGER report_violations_delete AFTER DELETE ON inspection_violations
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION report_on_violations();

-- Penalties themselves (`id`), and their payments and the violations they
-- name (`penalty_id`).
CREATE FUNCTION report_on_penalty_parts() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE ids bigint[];
BEGIN
  IF TG_TABLE_NAME = 'penalties' THEN
    IF TG_OP = 'INSERT' THEN ids := ARRAY(SELECT id FROM new_rows);
    ELSIF TG_OP = 'DELETE' THEN ids := ARRAY(SELECT id FROM old_rows);
    ELSE ids := ARRAY(SELECT id FROM new_rows UNION SELECT id FROM old_rows);
    END IF;
  ELSE
    IF TG_OP = 'INSERT' THEN ids := ARRAY(SELECT DISTINCT penalty_id FROM new_rows);
    ELSIF TG_OP = 'DELETE' THEN ids := ARRAY(SELECT DISTINCT penalty_id FROM old_rows);
    ELSE ids := ARRAY(SELECT penalty_id FROM new_rows UNION SELECT penalty_id FROM old_rows);
    END IF;
  END IF;
  PERFORM report_refresh('penalty', ids);
  RETURN NULL;
END $$;
CREATE TRIGGER report_penalties_insert AFTER INSERT ON penalties
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_on_penalty_parts();
CREATE TRIGGER report_penalties_update AFTER UPDATE ON penalties
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION report_on_penalty_parts();
CREATE TRIGGER report_penalties_delete AFTER DELETE ON penalties
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION report_on_penalty_parts();
CREATE TRIGGER report_payments_insert AFTER INSERT ON penalty_payments
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_on_penalty_parts();
CREATE TRIGGER report_payments_update AFTER UPDATE ON penalty_payments
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION report_on_penalty_parts();
CREATE TRIGGER report_payments_delete AFTER DELETE ON penalty_payments
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION report_on_penalty_parts();
CREATE TRIGGER report_penalty_violations_insert AFTER INSERT ON penalty_violations
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_on_penalty_parts();
CREATE TRIGGER report_penalty_violations_update AFTER UPDATE ON penalty_violations
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION report_on_penalty_parts();
CREATE TRIGGER report_penalty_violations_delete AFTER DELETE ON penalty_violations
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION report_on_penalty_parts();

CREATE FUNCTION report_on_complaints() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM report_refresh('complaint', ARRAY(SELECT id FROM new_rows));
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM report_refresh('complaint', ARRAY(SELECT id FROM old_rows));
  ELSE
    PERFORM report_refresh('complaint', ARRAY(SELECT id FROM new_rows UNION SELECT id FROM old_rows));
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER report_complaints_insert AFTER INSERT ON school_fee_complaints
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_on_complaints();
CREATE TRIGGER report_complaints_update AFTER UPDATE ON school_fee_complaints
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION report_on_complaints();
CREATE TRIGGER report_complaints_delete AFTER DELETE ON school_fee_complaints
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION report_on_complaints();

CREATE FUNCTION report_on_investigations() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM report_refresh('investigation', ARRAY(SELECT id FROM new_rows));
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM report_refresh('investigation', ARRAY(SELECT id FROM old_rows));
  ELSE
    PERFORM report_refresh('investigation',
      ARRAY(SELECT id FROM new_rows UNION SELECT id FROM old_rows));
    -- The children it referred count where the agency holding it is.
    PERFORM report_refresh('victim_referred', ARRAY(
      SELECT e.id FROM investigation_events e JOIN new_rows n ON n.id = e.investigation_id
      JOIN old_rows o ON o.id = n.id
      WHERE e.kind = 'victim_referred' AND n.agency_id <> o.agency_id));
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER report_investigations_insert AFTER INSERT ON investigations
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_on_investigations();
CREATE TRIGGER report_investigations_update AFTER UPDATE ON investigations
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION report_on_investigations();
CREATE TRIGGER report_investigations_delete AFTER DELETE ON investigations
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION report_on_investigations();

-- The events are append-only: only an insert can change what they count.
CREATE FUNCTION report_on_investigation_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM report_refresh('victim_referred',
    ARRAY(SELECT id FROM new_rows WHERE kind = 'victim_referred'));
  RETURN NULL;
END $$;
CREATE TRIGGER report_investigation_events_insert AFTER INSERT ON investigation_events
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
  EXECUTE FUNCTION report_on_investigation_events();

CREATE FUNCTION report_on_le_referrals() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM report_refresh('le_referral', ARRAY(SELECT id FROM new_rows));
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM report_refresh('le_referral', ARRAY(SELECT id FROM old_rows));
  ELSE
    PERFORM report_refresh('le_referral', ARRAY(SELECT id FROM new_rows UNION SELECT id FROM old_rows));
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER report_le_referrals_insert AFTER INSERT ON le_referrals
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_on_le_referrals();
CREATE TRIGGER report_le_referrals_update AFTER UPDATE ON le_referrals
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION report_on_le_referrals();
CREATE TRIGGER report_le_referrals_delete AFTER DELETE ON le_referrals
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION report_on_le_referrals();

-- A case counts by its status; its territory and identification day place
-- it and its referrals.
CREATE FUNCTION report_on_cases() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE moved bigint[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM report_refresh('case', ARRAY(SELECT id FROM new_rows));
    RETURN NULL;
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM report_refresh('case', ARRAY(SELECT id FROM old_rows));
    RETURN NULL;
  END IF;
  PERFORM report_refresh('case', ARRAY(
    SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
     WHERE (n.status, n.location_id, n.identified_on)
           IS DISTINCT FROM (o.status, o.location_id, o.identified_on)));
  moved := ARRAY(SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
                  WHERE n.location_id IS DISTINCT FROM o.location_id
                     OR n.identified_on IS DISTINCT FROM o.identified_on);
  IF cardinality(moved) > 0 THEN
    PERFORM report_refresh('le_referral',
      ARRAY(SELECT id FROM le_referrals WHERE case_id = ANY (moved)));
    PERFORM report_refresh('victim_referred', ARRAY(
      SELECT id FROM investigation_events
       WHERE kind = 'victim_referred' AND (details->>'case_id')::bigint = ANY (moved)));
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER report_cases_insert AFTER INSERT ON cases
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_on_cases();
CREATE TRIGGER report_cases_delete AFTER DELETE ON cases
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION report_on_cases();
CREATE TRIGGER report_cases_update AFTER UPDATE ON cases
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION report_on_cases();

-- An agency moved to another territory takes its investigations along.
CREATE FUNCTION report_on_agencies() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE moved bigint[];
BEGIN
  moved := ARRAY(SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
                  WHERE n.location_id IS DISTINCT FROM o.location_id);
  IF cardinality(moved) > 0 THEN
    PERFORM report_refresh('investigation',
      ARRAY(SELECT id FROM investigations WHERE agency_id = ANY (moved)));
    PERFORM report_refresh('victim_referred', ARRAY(
      SELECT e.id FROM investigation_events e JOIN investigations i ON i.id = e.investigation_id
       WHERE i.agency_id = ANY (moved) AND e.kind = 'victim_referred'));
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER report_agencies_update AFTER UPDATE ON agencies
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION report_on_agencies();

-- The penalties naming a violation are found by its inspection.
CREATE INDEX penalty_violations_inspection ON penalty_violations (inspection_id);
-- The victims referred are found by the case their event names.
CREATE INDEX investigation_events_victim_case ON investigation_events (((details->>'case_id')::bigint))
  WHERE kind = 'victim_referred';

SELECT report_rebuild();
