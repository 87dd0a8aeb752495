-- Back to refreshing the case on every change of a referral's status.
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
       WHERE (n.case_id, n.status, n.service, n.started_on)
             IS DISTINCT FROM (o.case_id, o.status, o.service, o.started_on));
  END IF;
  IF cardinality(changed) = 0 THEN
    RETURN NULL;
  END IF;
  PERFORM report_child_refresh('referral', changed);
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
       WHERE (n.case_id, n.service, n.status, n.started_on)
             IS DISTINCT FROM (o.case_id, o.service, o.status, o.started_on)
      UNION
      SELECT o.case_id FROM new_rows n JOIN old_rows o ON o.id = n.id
       WHERE n.case_id IS DISTINCT FROM o.case_id));
  END IF;
  RETURN NULL;
END $$;

DROP FUNCTION report_referral_counts_case(text);
