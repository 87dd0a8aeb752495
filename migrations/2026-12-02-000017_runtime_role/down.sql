ALTER DEFAULT PRIVILEGES IN SCHEMA public
    REVOKE USAGE, SELECT ON SEQUENCES FROM korgoo_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public
    REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLES FROM korgoo_app;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM korgoo_app;
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM korgoo_app;
REVOKE USAGE ON SCHEMA public FROM korgoo_app;
-- The role itself is the cluster's (other databases may use it): it stays.
DROP TRIGGER case_events_no_truncate ON case_events;
DROP TRIGGER investigation_events_no_truncate ON investigation_events;
DROP TRIGGER investigation_events_no_change ON investigation_events;
DROP FUNCTION investigation_events_append_only();
