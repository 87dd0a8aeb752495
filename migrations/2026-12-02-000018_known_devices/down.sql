DELETE FROM audit_actions WHERE name = 'password_change_failed';
DROP TABLE known_devices;
