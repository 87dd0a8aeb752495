-- The kinds of audit entry become rows of their own table instead of a CHECK
-- list, so a feature's migration adds its kinds with one INSERT instead of
-- restating every kind there is.
CREATE TABLE audit_actions (name text PRIMARY KEY);
INSERT INTO audit_actions (name) VALUES
    ('login_ok'), ('login_failed'), ('login_locked'), ('logout'),
    ('password_changed'), ('password_reset'),
    ('user_created'), ('user_updated'), ('user_deactivated'), ('user_activated'),
    ('agency_created'), ('agency_updated'),
    ('child_created'), ('child_updated'), ('child_viewed'), ('child_search'), ('child_merged'),
    ('case_opened'), ('case_updated'), ('case_viewed'), ('case_step'),
    ('referral_sent'), ('referral_viewed'), ('referral_step'), ('consent_overridden');
ALTER TABLE audit_log DROP CONSTRAINT audit_log_action_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_action_fkey
    FOREIGN KEY (action) REFERENCES audit_actions (name);
