DELETE FROM audit_actions WHERE name = 'access_refused';
DROP TRIGGER referrals_snapshot ON referrals;
DROP FUNCTION referral_keeps_what_it_shared();
ALTER TABLE referrals DROP COLUMN shared_data;
DROP FUNCTION referral_shared_data(bigint, text[]);
