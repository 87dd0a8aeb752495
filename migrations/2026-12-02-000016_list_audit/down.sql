DELETE FROM audit_actions WHERE name IN ('children_listed', 'bulk_access_alert');
