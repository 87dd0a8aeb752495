DROP INDEX children_personal_number;
ALTER TABLE children ADD CONSTRAINT children_personal_number_key UNIQUE (personal_number);
DELETE FROM audit_actions WHERE name IN ('children_listed', 'bulk_access_alert', 'report_downloaded');
