-- Every page that shows a child's name is traced (DESIGN §5), and bulk
-- reading raises an alert the admin sees.
INSERT INTO audit_actions (name) VALUES ('children_listed'), ('bulk_access_alert');
