DELETE FROM audit_actions WHERE name = 'access_refused';
