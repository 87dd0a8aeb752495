DELETE FROM audit_actions WHERE name IN ('second_factor_enrolled', 'second_factor_ok',
    'second_factor_failed', 'recovery_code_used', 'recovery_codes_renewed', 'second_factor_reset');
DROP TABLE recovery_codes;
ALTER TABLE users DROP COLUMN second_factor_due_at, DROP COLUMN totp_last_step;
