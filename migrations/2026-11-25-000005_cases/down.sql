DROP TABLE referrals;
DROP TABLE follow_ups;
DROP TRIGGER case_events_no_change ON case_events;
DROP TABLE case_events;
DROP FUNCTION case_events_append_only();
DROP TABLE cases;
ALTER TABLE audit_log DROP CONSTRAINT audit_log_action_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_action_check CHECK (action IN (
    'login_ok', 'login_failed', 'login_locked', 'logout',
    'password_changed', 'password_reset',
    'user_created', 'user_updated', 'user_deactivated', 'user_activated',
    'agency_created', 'agency_updated',
    'child_created', 'child_updated', 'child_viewed', 'child_search'));
