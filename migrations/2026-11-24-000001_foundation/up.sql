-- The ground every feature stands on: the territory tree, agencies, users,
-- server-side sessions and the append-only audit log.
-- Enumerations are CHECKed text (mirrored by Rust enums in src/), so that
-- `diesel print-schema` stays plain and adding a value is one ALTER.

CREATE TABLE locations (
    id         serial PRIMARY KEY,
    code       text NOT NULL UNIQUE,
    parent_id  integer REFERENCES locations (id),
    level      text NOT NULL CHECK (level IN ('country', 'region', 'republican_city', 'district', 'city', 'aimak')),
    -- Materialised path of codes ('KG/KG-O/KG-O-KARASUU'): a territory's subtree
    -- is `path = p OR path LIKE p || '/%'`, served by the pattern index below.
    path       text NOT NULL UNIQUE,
    sort_order integer NOT NULL DEFAULT 0,
    name_ky    text NOT NULL,
    name_ru    text NOT NULL,
    name_en    text NOT NULL,
    CHECK ((parent_id IS NULL) = (level = 'country'))
);
CREATE INDEX locations_path_pattern ON locations (path text_pattern_ops);
CREATE INDEX locations_parent ON locations (parent_id);

CREATE TABLE agencies (
    id          bigserial PRIMARY KEY,
    -- Stable key for the seeded national bodies; NULL for local agencies.
    code        text UNIQUE,
    kind        text NOT NULL CHECK (kind IN (
                    'ministry', 'labor_inspectorate', 'child_support_unit',
                    'rehabilitation_center', 'school', 'catch_up_program', 'clinic',
                    'shelter', 'ngo', 'prosecutor', 'police')),
    parent_id   bigint REFERENCES agencies (id),
    location_id integer NOT NULL REFERENCES locations (id),
    name_ky     text NOT NULL CHECK (length(name_ky) BETWEEN 1 AND 300),
    name_ru     text NOT NULL CHECK (length(name_ru) BETWEEN 1 AND 300),
    name_en     text NOT NULL CHECK (length(name_en) BETWEEN 1 AND 300),
    contact     text NOT NULL DEFAULT '' CHECK (length(contact) <= 1000),
    services    text[] NOT NULL DEFAULT '{}' CHECK (services <@ ARRAY[
                    'rehabilitation', 'catch_up_education', 'school_enrolment', 'medical',
                    'psychosocial', 'shelter', 'legal_aid', 'family_support',
                    'law_enforcement']::text[]),
    capacity    integer CHECK (capacity >= 0),
    active      boolean NOT NULL DEFAULT true,
    version     integer NOT NULL DEFAULT 1,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX agencies_location ON agencies (location_id);
CREATE INDEX agencies_kind_name ON agencies (kind, name_en, id);

CREATE TABLE users (
    id                   bigserial PRIMARY KEY,
    -- Logins are stored lower-case ASCII ([a-z0-9._-]), so uniqueness is exact.
    login                text NOT NULL UNIQUE CHECK (login ~ '^[a-z0-9._-]{3,64}$'),
    display_name         text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
    password_hash        text NOT NULL,
    role                 text NOT NULL CHECK (role IN (
                             'admin', 'inspector', 'case_worker', 'supervisor',
                             'service_provider', 'prosecutor', 'police', 'official')),
    agency_id            bigint REFERENCES agencies (id),
    location_id          integer REFERENCES locations (id),
    locale               text NOT NULL DEFAULT 'ky' CHECK (locale IN ('ky', 'ru', 'en')),
    active               boolean NOT NULL DEFAULT true,
    must_change_password boolean NOT NULL DEFAULT false,
    failed_logins        integer NOT NULL DEFAULT 0 CHECK (failed_logins >= 0),
    locked_until         timestamptz,
    last_login_at        timestamptz,
    password_changed_at  timestamptz NOT NULL DEFAULT now(),
    -- A second factor (TOTP) is planned for every staff role (DESIGN §5): the
    -- secret and the moment it was confirmed live here, and sessions record
    -- when the factor was verified, so adding it needs no rewrite.
    totp_secret          bytea,
    totp_enabled_at      timestamptz,
    version              integer NOT NULL DEFAULT 1,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX users_agency ON users (agency_id);
CREATE INDEX users_location ON users (location_id);
CREATE INDEX users_role_login ON users (role, login);

CREATE TABLE sessions (
    -- SHA-256 of the cookie's random token: a copy of this table opens no session.
    id_hash          bytea PRIMARY KEY,
    user_id          bigint REFERENCES users (id) ON DELETE CASCADE,
    csrf_token       text NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    last_seen_at     timestamptz NOT NULL DEFAULT now(),
    authenticated_at timestamptz,
    second_factor_at timestamptz,
    flash            jsonb
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_last_seen ON sessions (last_seen_at);

CREATE TABLE audit_log (
    id          bigserial PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    actor_id    bigint REFERENCES users (id),
    actor_login text,
    client_addr text,
    action      text NOT NULL CHECK (action IN (
                    'login_ok', 'login_failed', 'login_locked', 'logout',
                    'password_changed', 'password_reset',
                    'user_created', 'user_updated', 'user_deactivated', 'user_activated',
                    'agency_created', 'agency_updated')),
    target_kind text,
    target_id   bigint,
    details     jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_actor ON audit_log (actor_id, id DESC);
CREATE INDEX audit_log_actor_login ON audit_log (actor_login, id DESC);
CREATE INDEX audit_log_action ON audit_log (action, id DESC);
CREATE INDEX audit_log_target ON audit_log (target_kind, target_id, id DESC);
CREATE INDEX audit_log_at ON audit_log (at);

-- Append-only, enforced by the database for every role that connects:
-- no UPDATE, DELETE or TRUNCATE, whatever the application's code does.
CREATE FUNCTION audit_log_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_log_no_update_delete
    BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER audit_log_no_truncate
    BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM PUBLIC;
