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
-- `report_refresh`, which takes the anchor's old contribution away from
-- `report_rollups` and adds the new one: a removed violation, a cancelled
-- penalty or a moved record subtracts exactly what it had added.
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

CREATE FUNCTION rollup_of_inspection(p_id bigint)
RETURNS TABLE (figure text, location_id integer, year integer, value numeric)
LANGUAGE sql STABLE AS $$
  SELECT f.figure, i.location_id, extract(year FROM i.visited_on)::int, f.value
  FROM inspections i
  CROSS JOIN LATERAL (VALUES
    ('inspections', CASE WHEN i.status <> 'planned' THEN 1 ELSE 0 END),
    ('at_worksite', CASE WHEN i.status <> 'planned' AND i.method = 'worksite' THEN 1 ELSE 0 END),
    ('desk_reviews', CASE WHEN i.status <> 'planned' AND i.method = 'desk_review' THEN 1 ELSE 0 END),
    ('routine', CASE WHEN i.status <> 'planned' AND i.kind = 'routine' THEN 1 ELSE 0 END),
    ('unannounced', CASE WHEN i.status <> 'planned' AND i.kind = 'unannounced' THEN 1 ELSE 0 END),
    ('complaint_driven', CASE WHEN i.status <> 'planned' AND i.kind = 'complaint' THEN 1 ELSE 0 END),
    ('found_child_labor', CASE WHEN i.status <> 'planned' AND i.children_found > 0 THEN 1 ELSE 0 END),
    ('violations', CASE WHEN i.status <> 'planned' THEN
        (SELECT coalesce(sum(v.count), 0) FROM inspection_violations v WHERE v.inspection_id = i.id)
      ELSE 0 END),
    ('planned', CASE WHEN i.status = 'planned' THEN 1 ELSE 0 END),
    ('referred', CASE WHEN i.status <> 'planned' AND i.law_enforcement_id IS NOT NULL THEN 1 ELSE 0 END)
  ) AS f (figure, value)
  WHERE i.id = p_id AND f.value <> 0
$$;

-- A penalty counts in the territory of its inspection's visit: imposed in
-- the year of its decision, collected in the year it was paid in full, and
-- its money in the year of each payment. A cancelled one counts nowhere.
CREATE FUNCTION rollup_of_penalty(p_id bigint)
RETURNS TABLE (figure text, location_id integer, year integer, value numeric)
LANGUAGE sql STABLE AS $$
  WITH p AS (
    SELECT p.*, i.location_id FROM penalties p JOIN inspections i ON i.id = p.inspection_id
    WHERE p.id = p_id AND p.status <> 'cancelled'
  )
  SELECT x.figure, x.location_id, x.year, x.value FROM (
    SELECT 'penalties_imposed' AS figure, p.location_id, extract(year FROM p.decided_on)::int AS year,
           1::numeric AS value FROM p
    UNION ALL
    SELECT 'imposed_som', p.location_id, extract(year FROM p.decided_on)::int, p.imposed FROM p
    UNION ALL
    SELECT 'violations_penalised', p.location_id, extract(year FROM p.decided_on)::int,
           (SELECT coalesce(sum(v.count), 0) FROM penalty_violations pv
              JOIN inspection_violations v ON v.inspection_id = pv.inspection_id AND v.kind = pv.kind
             WHERE pv.penalty_id = p.id)
      FROM p
    UNION ALL
    SELECT 'penalties_collected', p.location_id, extract(year FROM p.collected_on)::int, 1
      FROM p WHERE p.status = 'paid' AND p.collected_on IS NOT NULL
    UNION ALL
    SELECT 'collected_som', p.location_id, extract(year FROM pp.paid_on)::int, sum(pp.amount)
      FROM p JOIN penalty_payments pp ON pp.penalty_id = p.id
     GROUP BY p.location_id, extract(year FROM pp.paid_on)
  ) x
  WHERE x.value <> 0
$$;

CREATE FUNCTION rollup_of_complaint(p_id bigint)
RETURNS TABLE (figure text, location_id integer, year integer, value numeric)
LANGUAGE sql STABLE AS $$
  SELECT 'complaints', c.location_id, extract(year FROM c.charged_on)::int, 1::numeric
  FROM school_fee_complaints c WHERE c.id = p_id
$$;

-- An investigation counts in the territory of the agency holding it: opened
-- in the year it was opened, prosecuted in the year it went to court, its
-- verdict in the year of the decision.
CREATE FUNCTION rollup_of_investigation(p_id bigint)
RETURNS TABLE (figure text, location_id integer, year integer, value numeric)
LANGUAGE sql STABLE AS $$
  WITH v AS (
    SELECT v.*, a.location_id FROM investigations v JOIN agencies a ON a.id = v.agency_id
    WHERE v.id = p_id
  )
  SELECT x.figure, x.location_id, x.year, x.value FROM (
    SELECT 'investigations' AS figure, v.location_id, extract(year FROM v.opened_on)::int AS year,
           1::numeric AS value FROM v
    UNION ALL
    SELECT 'prosecutions', v.location_id, extract(year FROM v.in_court_on)::int, 1
      FROM v WHERE v.in_court_on IS NOT NULL
    UNION ALL
    SELECT d.figure, v.location_id, extract(year FROM v.decided_on)::int, d.value
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
CREATE FUNCTION rollup_of_le_referral(p_id bigint)
RETURNS TABLE (figure text, location_id integer, year integer, value numeric)
LANGUAGE sql STABLE AS $$
  SELECT 'referred_by_social_services', c.location_id, extract(year FROM r.sent_on)::int, 1::numeric
  FROM le_referrals r JOIN cases c ON c.id = r.case_id WHERE r.id = p_id
$$;

-- A child law enforcement referred to a unit: in the investigating agency's
-- territory, in the year its case says the child was identified.
CREATE FUNCTION rollup_of_victim_referred(p_id bigint)
RETURNS TABLE (figure text, location_id integer, year integer, value numeric)
LANGUAGE sql STABLE AS $$
  SELECT 'referred_to_social_services', a.location_id, extract(year FROM c.identified_on)::int, 1::numeric
  FROM investigation_events e
  JOIN investigations v ON v.id = e.investigation_id
  JOIN agencies a ON a.id = v.agency_id
  JOIN cases c ON c.id = (e.details->>'case_id')::bigint
  WHERE e.id = p_id AND e.kind = 'victim_referred'
$$;

CREATE FUNCTION rollup_of(p_anchor text, p_id bigint)
RETURNS TABLE (figure text, location_id integer, year integer, value numeric)
LANGUAGE plpgsql STABLE AS $$
BEGIN
  CASE p_anchor
    WHEN 'inspection' THEN RETURN QUERY SELECT * FROM rollup_of_inspection(p_id);
    WHEN 'penalty' THEN RETURN QUERY SELECT * FROM rollup_of_penalty(p_id);
    WHEN 'complaint' THEN RETURN QUERY SELECT * FROM rollup_of_complaint(p_id);
    WHEN 'investigation' THEN RETURN QUERY SELECT * FROM rollup_of_investigation(p_id);
    WHEN 'le_referral' THEN RETURN QUERY SELECT * FROM rollup_of_le_referral(p_id);
    WHEN 'victim_referred' THEN RETURN QUERY SELECT * FROM rollup_of_victim_referred(p_id);
  END CASE;
END $$;

-- Take the anchor's old contribution away and add its new one.
CREATE FUNCTION report_refresh(p_anchor text, p_id bigint) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  -- The difference, in one order (so two writers take the rows' locks in
  -- the same order and cannot deadlock on them).
  INSERT INTO report_rollups AS r (figure, location_id, year, value)
  SELECT d.figure, d.location_id, d.year, sum(d.value)
  FROM (
    SELECT c.figure, c.location_id, c.year, -c.value AS value FROM report_contributions c
     WHERE c.anchor = p_anchor AND c.anchor_id = p_id
    UNION ALL
    SELECT n.figure, n.location_id, n.year, n.value FROM rollup_of(p_anchor, p_id) n
  ) d
  GROUP BY d.figure, d.location_id, d.year
  HAVING sum(d.value) <> 0
  ORDER BY d.figure, d.location_id, d.year
  ON CONFLICT (figure, location_id, year) DO UPDATE SET value = r.value + EXCLUDED.value;

  DELETE FROM report_contributions WHERE anchor = p_anchor AND anchor_id = p_id;
  INSERT INTO report_contributions (anchor, anchor_id, figure, location_id, year, value)
  SELECT p_anchor, p_id, n.figure, n.location_id, n.year, n.value FROM rollup_of(p_anchor, p_id) n;
END $$;

-- Every anchor's contribution, computed afresh from the records.
CREATE FUNCTION report_fresh_contributions()
RETURNS TABLE (anchor text, anchor_id bigint, figure text, location_id integer, year integer,
               value numeric)
LANGUAGE sql STABLE AS $$
  SELECT 'inspection', i.id, f.* FROM inspections i, rollup_of_inspection(i.id) f
  UNION ALL SELECT 'penalty', p.id, f.* FROM penalties p, rollup_of_penalty(p.id) f
  UNION ALL SELECT 'complaint', c.id, f.* FROM school_fee_complaints c, rollup_of_complaint(c.id) f
  UNION ALL SELECT 'investigation', v.id, f.* FROM investigations v, rollup_of_investigation(v.id) f
  UNION ALL SELECT 'le_referral', r.id, f.* FROM le_referrals r, rollup_of_le_referral(r.id) f
  UNION ALL SELECT 'victim_referred', e.id, f.* FROM investigation_events e,
                   rollup_of_victim_referred(e.id) f
             WHERE e.kind = 'victim_referred'
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

-- The triggers: each change refreshes the anchors it touches.
CREATE FUNCTION report_on_inspection() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE pen bigint;
BEGIN
  PERFORM report_refresh('inspection', CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END);
  -- Its penalties count where it was visited.
  IF TG_OP = 'UPDATE' AND NEW.location_id IS DISTINCT FROM OLD.location_id THEN
    FOR pen IN SELECT id FROM penalties WHERE inspection_id = NEW.id LOOP
      PERFORM report_refresh('penalty', pen);
    END LOOP;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER report_inspections AFTER INSERT OR UPDATE OR DELETE ON inspections
  FOR EACH ROW EXECUTE FUNCTION report_on_inspection();

CREATE FUNCTION report_on_violation() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE insp bigint; pen bigint;
BEGIN
  insp := CASE WHEN TG_OP = 'DELETE' THEN OLD.inspection_id ELSE NEW.inspection_id END;
  PERFORM report_refresh('inspection', insp);
  FOR pen IN SELECT DISTINCT penalty_id FROM penalty_violations WHERE inspection_id = insp LOOP
    PERFORM report_refresh('penalty', pen);
  END LOOP;
  IF TG_OP = 'UPDATE' AND NEW.inspection_id <> OLD.inspection_id THEN
    PERFORM report_refresh('inspection', OLD.inspection_id);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER report_inspection_violations AFTER INSERT OR UPDATE OR DELETE ON inspection_violations
  FOR EACH ROW EXECUTE FUNCTION report_on_violation();

CREATE FUNCTION report_on_penalty_part() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- penalties themselves, their payments and the violations they name.
  IF TG_TABLE_NAME = 'penalties' THEN
    PERFORM report_refresh('penalty', CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END);
  ELSE
    PERFORM report_refresh('penalty', CASE WHEN TG_OP = 'DELETE' THEN OLD.penalty_id ELSE NEW.penalty_id END);
    IF TG_OP = 'UPDATE' AND NEW.penalty_id <> OLD.penalty_id THEN
      PERFORM report_refresh('penalty', OLD.penalty_id);
    END IF;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER report_penalties AFTER INSERT OR UPDATE OR DELETE ON penalties
  FOR EACH ROW EXECUTE FUNCTION report_on_penalty_part();
CREATE TRIGGER report_penalty_payments AFTER INSERT OR UPDATE OR DELETE ON penalty_payments
  FOR EACH ROW EXECUTE FUNCTION report_on_penalty_part();
CREATE TRIGGER report_penalty_violations AFTER INSERT OR UPDATE OR DELETE ON penalty_violations
  FOR EACH ROW EXECUTE FUNCTION report_on_penalty_part();

CREATE FUNCTION report_on_complaint() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM report_refresh('complaint', CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END);
  RETURN NULL;
END $$;
CREATE TRIGGER report_complaints AFTER INSERT OR UPDATE OR DELETE ON school_fee_complaints
  FOR EACH ROW EXECUTE FUNCTION report_on_complaint();

CREATE FUNCTION report_on_investigation() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE ev bigint;
BEGIN
  PERFORM report_refresh('investigation', CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END);
  IF TG_OP = 'UPDATE' AND NEW.agency_id <> OLD.agency_id THEN
    FOR ev IN SELECT id FROM investigation_events
               WHERE investigation_id = NEW.id AND kind = 'victim_referred' LOOP
      PERFORM report_refresh('victim_referred', ev);
    END LOOP;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER report_investigations AFTER INSERT OR UPDATE OR DELETE ON investigations
  FOR EACH ROW EXECUTE FUNCTION report_on_investigation();

CREATE FUNCTION report_on_investigation_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.kind = 'victim_referred' THEN
    PERFORM report_refresh('victim_referred', NEW.id);
  END IF;
  RETURN NULL;
END $$;
-- The events are append-only: only an insert can change what they count.
CREATE TRIGGER report_investigation_events AFTER INSERT ON investigation_events
  FOR EACH ROW EXECUTE FUNCTION report_on_investigation_event();

CREATE FUNCTION report_on_le_referral() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM report_refresh('le_referral', CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END);
  RETURN NULL;
END $$;
CREATE TRIGGER report_le_referrals AFTER INSERT OR UPDATE OR DELETE ON le_referrals
  FOR EACH ROW EXECUTE FUNCTION report_on_le_referral();

-- A case's territory and identification day place its referrals.
CREATE FUNCTION report_on_case() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE r bigint;
BEGIN
  IF NEW.location_id IS DISTINCT FROM OLD.location_id
     OR NEW.identified_on IS DISTINCT FROM OLD.identified_on THEN
    FOR r IN SELECT id FROM le_referrals WHERE case_id = NEW.id LOOP
      PERFORM report_refresh('le_referral', r);
    END LOOP;
    FOR r IN SELECT id FROM investigation_events
              WHERE kind = 'victim_referred' AND (details->>'case_id')::bigint = NEW.id LOOP
      PERFORM report_refresh('victim_referred', r);
    END LOOP;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER report_cases AFTER UPDATE ON cases
  FOR EACH ROW EXECUTE FUNCTION report_on_case();

-- An agency moved to another territory takes its investigations along.
CREATE FUNCTION report_on_agency() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE v bigint;
BEGIN
  IF NEW.location_id IS DISTINCT FROM OLD.location_id THEN
    FOR v IN SELECT id FROM investigations WHERE agency_id = NEW.id LOOP
      PERFORM report_refresh('investigation', v);
    END LOOP;
    FOR v IN SELECT e.id FROM investigation_events e JOIN investigations i ON i.id = e.investigation_id
              WHERE i.agency_id = NEW.id AND e.kind = 'victim_referred' LOOP
      PERFORM report_refresh('victim_referred', v);
    END LOOP;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER report_agencies AFTER UPDATE ON agencies
  FOR EACH ROW EXECUTE FUNCTION report_on_agency();

SELECT report_rebuild();
