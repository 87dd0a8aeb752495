-- A referral's step that changes no count refreshes nothing of its case.
--
-- A child assisted, a street child's services and the days to a service
-- read a referral only while it is in service or completed, by its service,
-- its start and its case. Accepting or declining a referral (sent to
-- accepted, sent to declined) changes none of them, yet each refreshed the
-- case's cells and its rollups: half the report triggers' cost of a
-- provider's answer. Now the case is refreshed only when one of those
-- changes; the referral's own counts (by service and status, the day it is
-- due) are refreshed on every change, as before.

CREATE FUNCTION report_referral_counts_case(s text) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$ SELECT s IN ('in_service', 'completed') $$;

CREATE OR REPLACE FUNCTION report_on_child_referrals() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE changed bigint[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    changed := ARRAY(SELECT id FROM new_rows);
  ELSIF TG_OP = 'DELETE' THEN
    changed := ARRAY(SELECT id FROM old_rows);
  ELSE
    changed := ARRAY(
      SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
       WHERE (n.case_id, report_referral_counts_case(n.status), n.service, n.started_on)
             IS DISTINCT FROM
             (o.case_id, report_referral_counts_case(o.status), o.service, o.started_on));
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

CREATE OR REPLACE FUNCTION report_on_referrals() RETURNS trigger LANGUAGE plpgsql AS $$
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
       WHERE (n.case_id, n.service, report_referral_counts_case(n.status), n.started_on)
             IS DISTINCT FROM
             (o.case_id, o.service, report_referral_counts_case(o.status), o.started_on)
      UNION
      SELECT o.case_id FROM new_rows n JOIN old_rows o ON o.id = n.id
       WHERE n.case_id IS DISTINCT FROM o.case_id));
  END IF;
  RETURN NULL;
END $$;
