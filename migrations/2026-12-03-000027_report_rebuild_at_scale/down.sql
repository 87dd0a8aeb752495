-- Back to the rebuild by DELETE.
CREATE OR REPLACE FUNCTION report_rebuild() RETURNS void
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

CREATE OR REPLACE FUNCTION report_child_rebuild() RETURNS void
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
