-- A refused page or action leaves a trace (issue 19): the route and the id
-- asked for, whoever asked.
INSERT INTO audit_actions (name) VALUES ('access_refused');

-- What a referral shares is what it shared when it was sent (issue 19): the
-- child's name and the chosen fields are copied into the referral as it is
-- written, by whatever path, and never change after; the provider reads
-- this copy, not the live record.
ALTER TABLE referrals ADD COLUMN shared_data jsonb;

CREATE FUNCTION referral_shared_data(case_id bigint, shared text[]) RETURNS jsonb
LANGUAGE sql STABLE AS $$
  SELECT jsonb_strip_nulls(jsonb_build_object(
    'family_name', ch.family_name,
    'given_name', ch.given_name,
    'patronymic', ch.patronymic,
    'birth_date', CASE WHEN 'birth_date' = ANY(shared) THEN ch.birth_date END,
    'sex', CASE WHEN 'sex' = ANY(shared) THEN ch.sex END,
    'guardian_name', CASE WHEN 'guardian' = ANY(shared) THEN ch.guardian_name END,
    'guardian_contact', CASE WHEN 'contact' = ANY(shared) THEN ch.guardian_contact END,
    'home_location_id', CASE WHEN 'home' = ANY(shared) THEN ch.home_location_id END,
    'language', CASE WHEN 'language' = ANY(shared) THEN ch.language END,
    'school_status', CASE WHEN 'school_status' = ANY(shared) THEN ch.school_status END,
    'disability', CASE WHEN 'disability' = ANY(shared) THEN ch.disability END,
    'narrative', CASE WHEN 'narrative' = ANY(shared) THEN c.narrative END))
  FROM cases c JOIN children ch ON ch.id = c.child_id
  WHERE c.id = case_id
$$;

UPDATE referrals SET shared_data = referral_shared_data(case_id, shared::text[]);
ALTER TABLE referrals ALTER COLUMN shared_data SET NOT NULL;

CREATE FUNCTION referral_keeps_what_it_shared() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    NEW.shared_data := referral_shared_data(NEW.case_id, NEW.shared::text[]);
  ELSE
    NEW.shared := OLD.shared;
    NEW.shared_data := OLD.shared_data;
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER referrals_snapshot BEFORE INSERT OR UPDATE ON referrals
  FOR EACH ROW EXECUTE FUNCTION referral_keeps_what_it_shared();
