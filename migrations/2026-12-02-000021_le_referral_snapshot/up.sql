-- What a referral to law enforcement shows is what it showed when it was
-- sent (issue 19, as for providers in `refusals_and_names`): the child's
-- name, sex and birth date, the case's forms of exploitation and what
-- happened are copied into the referral as it is written, by whatever path,
-- and never change after; the police unit or prosecutor's office reads this
-- copy, not the live record. A referral of an inspection concerns no one
-- child and copies nothing ('{}').
--
-- The functions run as whoever writes the referral (the runtime role
-- `korgoo_app` in `serve`), which reads `cases` and `children`: nothing
-- else is needed (no SECURITY DEFINER).
ALTER TABLE le_referrals ADD COLUMN shared_data jsonb;

CREATE FUNCTION le_referral_shared_data(case_id bigint) RETURNS jsonb
LANGUAGE sql STABLE AS $$
  SELECT coalesce((
    SELECT jsonb_strip_nulls(jsonb_build_object(
      'family_name', ch.family_name,
      'given_name', ch.given_name,
      'sex', ch.sex,
      'birth_date', ch.birth_date,
      'forms', to_jsonb(c.forms),
      'narrative', c.narrative))
    FROM cases c JOIN children ch ON ch.id = c.child_id
    WHERE c.id = case_id), '{}'::jsonb)
$$;

UPDATE le_referrals SET shared_data = le_referral_shared_data(case_id);
ALTER TABLE le_referrals ALTER COLUMN shared_data SET NOT NULL;

CREATE FUNCTION le_referral_keeps_what_it_shared() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    NEW.shared_data := le_referral_shared_data(NEW.case_id);
  ELSE
    NEW.shared_data := OLD.shared_data;
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER le_referrals_snapshot BEFORE INSERT OR UPDATE ON le_referrals
  FOR EACH ROW EXECUTE FUNCTION le_referral_keeps_what_it_shared();
