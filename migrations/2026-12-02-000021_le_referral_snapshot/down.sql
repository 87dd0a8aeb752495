DROP TRIGGER le_referrals_snapshot ON le_referrals;
DROP FUNCTION le_referral_keeps_what_it_shared();
ALTER TABLE le_referrals DROP COLUMN shared_data;
DROP FUNCTION le_referral_shared_data(bigint);
