DROP TABLE children;
ALTER TABLE audit_log DROP CONSTRAINT audit_log_action_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_action_check CHECK (action IN (
    'login_ok', 'login_failed', 'login_locked', 'logout',
    'password_changed', 'password_reset',
    'user_created', 'user_updated', 'user_deactivated', 'user_activated',
    'agency_created', 'agency_updated'));
