-- Issue 19 (security finding, Medium): the application must not be able to
-- alter its own audit trail. Migrations run as the tables' owner; `serve`
-- connects as the runtime role `korgoo_app`, which may read and write the
-- ordinary tables but only SELECT and INSERT the append-only ones, owns
-- nothing and may create nothing, so it can neither disable their triggers
-- nor delete, update or truncate them.

-- investigation_events had no guard: it gets the same as case_events.
CREATE FUNCTION investigation_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'investigation_events is append-only' USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER investigation_events_no_change BEFORE UPDATE OR DELETE ON investigation_events
    FOR EACH ROW EXECUTE FUNCTION investigation_events_append_only();
CREATE TRIGGER investigation_events_no_truncate BEFORE TRUNCATE ON investigation_events
    FOR EACH STATEMENT EXECUTE FUNCTION investigation_events_append_only();
-- case_events refused UPDATE and DELETE but not TRUNCATE.
CREATE TRIGGER case_events_no_truncate BEFORE TRUNCATE ON case_events
    FOR EACH STATEMENT EXECUTE FUNCTION case_events_append_only();
REVOKE UPDATE, DELETE, TRUNCATE ON case_events, investigation_events FROM PUBLIC;

-- The runtime role. NOLOGIN here: whoever provisions it gives it LOGIN and
-- a password (README, "Database roles"); the private cluster does so itself.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'korgoo_app') THEN
        CREATE ROLE korgoo_app NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT;
    END IF;
END $$;

GRANT USAGE ON SCHEMA public TO korgoo_app;
REVOKE CREATE ON SCHEMA public FROM korgoo_app;

GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO korgoo_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO korgoo_app;
-- The append-only tables: read and add, nothing else.
REVOKE ALL ON audit_log, case_events, investigation_events FROM korgoo_app;
GRANT SELECT, INSERT ON audit_log, case_events, investigation_events TO korgoo_app;
-- The migrations' own bookkeeping: the app may see which ran, not change it.
REVOKE ALL ON __diesel_schema_migrations FROM korgoo_app;
GRANT SELECT ON __diesel_schema_migrations TO korgoo_app;

-- Tables and sequences later migrations create (as this same owner) are
-- granted too. A later append-only table must REVOKE UPDATE, DELETE on
-- itself from korgoo_app, as above.
ALTER DEFAULT PRIVILEGES IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO korgoo_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO korgoo_app;
