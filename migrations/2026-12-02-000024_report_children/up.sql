-- Issue 20, second part: the children identified, counted once each in every
-- territory of the tree and every year, kept by the database as cases are
-- written.
--
-- A case puts its child in *cells* (identified; identified with a form, a
-- sector, a sex, an age band) in its territory (a district or city) and the
-- year the child was identified: `report_child_cells`. What each case put is
-- kept in `report_child_contributions`. `report_child_members` holds, for
-- each cell, child, territory at every level of the tree and year, how many
-- cases put the child there; `report_child_counts` holds, for each cell,
-- territory and year, how many children are members. A member whose cases
-- go from none to some adds one child to the count, from some to none takes
-- one away: a child counts once in a region however many of its districts or
-- cases saw them, and a merge, a move or a corrected date subtracts exactly
-- what it added. A page reads one row per figure, territory and year.

CREATE TABLE report_child_contributions (
    anchor      text    NOT NULL,
    anchor_id   bigint  NOT NULL,
    cell        text    NOT NULL,
    child_id    bigint  NOT NULL,
    location_id integer NOT NULL,
    year        integer NOT NULL,
    PRIMARY KEY (anchor, anchor_id, cell, child_id, location_id, year)
);

CREATE TABLE report_child_members (
    child_id     bigint  NOT NULL,
    cell         text    NOT NULL,
    territory_id integer NOT NULL,
    year         integer NOT NULL,
    refs         integer NOT NULL CHECK (refs > 0),
    PRIMARY KEY (child_id, cell, territory_id, year)
);

CREATE TABLE report_child_counts (
    cell         text    NOT NULL,
    territory_id integer NOT NULL REFERENCES locations (id),
    year         integer NOT NULL,
    -- No CHECK: an insert of a negative change is checked before ON CONFLICT
    -- turns it into an update; `korgoo reports rebuild --check` checks.
    children     integer NOT NULL,
    PRIMARY KEY (cell, territory_id, year)
);

-- The cells of the cases `ids`, as `reports::indicators::identified` counts
-- them: the day of identification, the case's territory, the child's sex
-- and age then.
CREATE FUNCTION report_child_cells_of_cases(ids bigint[])
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

-- The cells of the referrals `ids`, as `reports::indicators::assisted`
-- counts them: a child assisted is one whose referral to a service (law
-- enforcement is another sort) started in the year, in the case's territory,
-- by each form of the case and the service.
CREATE FUNCTION report_child_cells_of_referrals(ids bigint[])
RETURNS TABLE (anchor text, anchor_id bigint, cell text, child_id bigint, location_id integer,
               year integer)
LANGUAGE sql STABLE AS $$
  SELECT 'referral', r.id, x.cell, c.child_id, c.location_id, extract(year FROM r.started_on)::int
  FROM referrals r JOIN cases c ON c.id = r.case_id
  CROSS JOIN LATERAL (
    SELECT 'assisted' AS cell
    UNION SELECT 'assisted:service:' || r.service
    UNION SELECT 'assisted:form:' || f FROM unnest(c.forms) f WHERE f IS NOT NULL
    UNION SELECT 'assisted:form:' || f || ':service:' || r.service
            FROM unnest(c.forms) f WHERE f IS NOT NULL
  ) x
  WHERE r.id = ANY (ids) AND r.status IN ('in_service', 'completed')
    AND r.service <> 'law_enforcement' AND r.started_on IS NOT NULL
$$;

CREATE FUNCTION report_child_cells(p_anchor text, ids bigint[])
RETURNS TABLE (anchor text, anchor_id bigint, cell text, child_id bigint, location_id integer,
               year integer)
LANGUAGE plpgsql STABLE AS $$
BEGIN
  IF p_anchor = 'case' THEN
    RETURN QUERY SELECT * FROM report_child_cells_of_cases(ids);
  ELSE
    RETURN QUERY SELECT * FROM report_child_cells_of_referrals(ids);
  END IF;
END $$;

-- The territories a territory lies in, itself included.
CREATE FUNCTION report_territories_of(location integer) RETURNS SETOF integer
LANGUAGE sql STABLE AS $$
  SELECT a.id FROM locations l JOIN locations a
    ON a.path = l.path OR left(l.path, length(a.path) + 1) = a.path || '/'
  WHERE l.id = location
$$;

CREATE TYPE report_child_change AS (
    child_id bigint, cell text, territory_id integer, year integer, delta integer, refs integer
);

CREATE FUNCTION report_child_refresh(p_anchor text, ids bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  fresh report_child_contributions[];
  stale report_child_contributions[];
  changes report_child_change[];
BEGIN
  IF ids IS NULL OR cardinality(ids) = 0 THEN
    RETURN;
  END IF;
  fresh := ARRAY(SELECT ROW(n.*)::report_child_contributions FROM report_child_cells(p_anchor, ids) n
                 ORDER BY n.anchor_id, n.cell, n.child_id, n.location_id, n.year);
  stale := ARRAY(SELECT c FROM report_child_contributions c
                  WHERE c.anchor = p_anchor AND c.anchor_id = ANY (ids)
                  ORDER BY c.anchor_id, c.cell, c.child_id, c.location_id, c.year);
  IF fresh = stale THEN
    RETURN;
  END IF;
  DELETE FROM report_child_contributions c WHERE c.anchor = p_anchor AND c.anchor_id = ANY (ids);
  INSERT INTO report_child_contributions SELECT * FROM unnest(fresh);

  -- The change of each member (cell, child, territory at every level,
  -- year), with its refs before.
  changes := ARRAY(
    SELECT ROW(g.child_id, g.cell, g.territory_id, g.year, g.delta, coalesce(m.refs, 0))::report_child_change
    FROM (
      SELECT d.child_id, d.cell, t.id AS territory_id, d.year, sum(d.delta)::int AS delta
      FROM (
        SELECT s.child_id, s.cell, s.location_id, s.year, -1 AS delta FROM unnest(stale) s
        UNION ALL
        SELECT f.child_id, f.cell, f.location_id, f.year, 1 FROM unnest(fresh) f
      ) d
      CROSS JOIN LATERAL report_territories_of(d.location_id) AS t (id)
      GROUP BY d.child_id, d.cell, t.id, d.year
      HAVING sum(d.delta) <> 0
    ) g
    LEFT JOIN report_child_members m
      ON (m.child_id, m.cell, m.territory_id, m.year) = (g.child_id, g.cell, g.territory_id, g.year)
    ORDER BY g.child_id, g.cell, g.territory_id, g.year);
  IF cardinality(changes) = 0 THEN
    RETURN;
  END IF;

  DELETE FROM report_child_members m USING unnest(changes) d
   WHERE (m.child_id, m.cell, m.territory_id, m.year) = (d.child_id, d.cell, d.territory_id, d.year)
     AND d.refs + d.delta <= 0;
  INSERT INTO report_child_members AS m (child_id, cell, territory_id, year, refs)
  SELECT d.child_id, d.cell, d.territory_id, d.year, d.refs + d.delta FROM unnest(changes) d
   WHERE d.refs + d.delta > 0
  ON CONFLICT (child_id, cell, territory_id, year) DO UPDATE SET refs = EXCLUDED.refs;

  -- A member that appeared adds a child, one that vanished takes one away.
  INSERT INTO report_child_counts AS c (cell, territory_id, year, children)
  SELECT x.cell, x.territory_id, x.year, x.n FROM (
    SELECT d.cell, d.territory_id, d.year,
           sum(CASE WHEN d.refs <= 0 AND d.refs + d.delta > 0 THEN 1
                    WHEN d.refs > 0 AND d.refs + d.delta <= 0 THEN -1 ELSE 0 END)::int AS n
    FROM unnest(changes) d
    GROUP BY d.cell, d.territory_id, d.year
  ) x
  WHERE x.n <> 0
  ORDER BY 1, 2, 3
  ON CONFLICT (cell, territory_id, year) DO UPDATE SET children = c.children + EXCLUDED.children;
  DELETE FROM report_child_counts c USING unnest(changes) d
   WHERE (c.cell, c.territory_id, c.year) = (d.cell, d.territory_id, d.year) AND c.children = 0;
END $$;

-- Every contribution, afresh from the records.
CREATE FUNCTION report_child_fresh()
RETURNS TABLE (anchor text, anchor_id bigint, cell text, child_id bigint, location_id integer,
               year integer)
LANGUAGE sql STABLE AS $$
  SELECT * FROM report_child_cells_of_cases(ARRAY(SELECT id FROM cases))
  UNION ALL
  SELECT * FROM report_child_cells_of_referrals(ARRAY(SELECT id FROM referrals))
$$;

-- Everything again from the records (`korgoo reports rebuild`).
CREATE FUNCTION report_child_rebuild() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM report_child_contributions;
  DELETE FROM report_child_members;
  DELETE FROM report_child_counts;
  INSERT INTO report_child_contributions SELECT * FROM report_child_fresh();
  INSERT INTO report_child_members (child_id, cell, territory_id, year, refs)
  SELECT c.child_id, c.cell, t.id, c.year, count(*)
  FROM report_child_contributions c CROSS JOIN LATERAL report_territories_of(c.location_id) t (id)
  GROUP BY c.child_id, c.cell, t.id, c.year;
  INSERT INTO report_child_counts (cell, territory_id, year, children)
  SELECT cell, territory_id, year, count(*) FROM report_child_members
  GROUP BY cell, territory_id, year;
END $$;

CREATE FUNCTION report_on_child_cases() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE moved bigint[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM report_child_refresh('case', ARRAY(SELECT id FROM new_rows));
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM report_child_refresh('case', ARRAY(SELECT id FROM old_rows));
  ELSE
    moved := ARRAY(
      SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
       WHERE (n.child_id, n.location_id, n.identified_on, n.forms, n.sector, n.child_is_victim)
             IS DISTINCT FROM
             (o.child_id, o.location_id, o.identified_on, o.forms, o.sector, o.child_is_victim));
    PERFORM report_child_refresh('case', moved);
    -- Its referrals count the child, where the case is, by its forms.
    IF cardinality(moved) > 0 THEN
      PERFORM report_child_refresh('referral',
        ARRAY(SELECT id FROM referrals WHERE case_id = ANY (moved)));
    END IF;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER report_child_cases_insert AFTER INSERT ON cases
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_on_child_cases();
CREATE TRIGGER report_child_cases_update AFTER UPDATE ON cases
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION report_on_child_cases();
CREATE TRIGGER report_child_cases_delete AFTER DELETE ON cases
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION report_on_child_cases();

-- A child's sex or birth date (a correction) moves their cases' cells.
CREATE FUNCTION report_on_children() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM report_child_refresh('case', ARRAY(
    SELECT c.id FROM cases c JOIN new_rows n ON n.id = c.child_id JOIN old_rows o ON o.id = n.id
     WHERE (n.sex, n.birth_date) IS DISTINCT FROM (o.sex, o.birth_date)));
  RETURN NULL;
END $$;
CREATE TRIGGER report_children_update AFTER UPDATE ON children
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION report_on_children();

CREATE FUNCTION report_on_child_referrals() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE changed bigint[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    changed := ARRAY(SELECT id FROM new_rows);
  ELSIF TG_OP = 'DELETE' THEN
    changed := ARRAY(SELECT id FROM old_rows);
  ELSE
    changed := ARRAY(
      SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
       WHERE (n.case_id, n.status, n.service, n.started_on)
             IS DISTINCT FROM (o.case_id, o.status, o.service, o.started_on));
  END IF;
  IF cardinality(changed) = 0 THEN
    RETURN NULL;
  END IF;
  PERFORM report_child_refresh('referral', changed);
  -- A street child's services are cells of their case.
  IF TG_OP = 'DELETE' THEN
    PERFORM report_child_refresh('case', ARRAY(SELECT DISTINCT case_id FROM old_rows));
  ELSIF TG_OP = 'INSERT' THEN
    PERFORM report_child_refresh('case', ARRAY(SELECT DISTINCT case_id FROM new_rows));
  ELSE
    PERFORM report_child_refresh('case', ARRAY(
      SELECT case_id FROM new_rows WHERE id = ANY (changed)
      UNION SELECT case_id FROM old_rows WHERE id = ANY (changed)));
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER report_child_referrals_insert AFTER INSERT ON referrals
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_on_child_referrals();
CREATE TRIGGER report_child_referrals_update AFTER UPDATE ON referrals
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION report_on_child_referrals();
CREATE TRIGGER report_child_referrals_delete AFTER DELETE ON referrals
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION report_on_child_referrals();

SELECT report_child_rebuild();
