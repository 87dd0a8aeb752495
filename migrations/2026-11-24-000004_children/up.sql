-- Children (DESIGN §2). A child may have several cases over time; the record
-- holds who the child is. `search_name` is the names transliterated to one
-- Latin spelling (src/children/translit.rs), so Cyrillic and Latin spellings of
-- the same name meet in one trigram index for search and duplicate detection.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE children (
    id                   bigserial PRIMARY KEY,
    family_name          text NOT NULL CHECK (length(family_name) BETWEEN 1 AND 100),
    given_name           text NOT NULL CHECK (length(given_name) BETWEEN 1 AND 100),
    patronymic           text NOT NULL DEFAULT '' CHECK (length(patronymic) <= 100),
    search_name          text NOT NULL,
    sex                  text NOT NULL CHECK (sex IN ('female', 'male')),
    birth_date           date NOT NULL,
    -- True when only an age was known: birth_date is then an estimate.
    birth_date_estimated boolean NOT NULL DEFAULT false,
    -- ПИН: 14 digits (sex, date of birth ddmmyyyy, serial); unique when known.
    personal_number      text UNIQUE CHECK (personal_number ~ '^[12][0-9]{13}$'),
    guardian_name        text NOT NULL DEFAULT '' CHECK (length(guardian_name) <= 200),
    guardian_contact     text NOT NULL DEFAULT '' CHECK (length(guardian_contact) <= 200),
    home_location_id     integer NOT NULL REFERENCES locations (id),
    language             text NOT NULL CHECK (language IN ('ky', 'ru', 'uz', 'tg', 'other')),
    school_status        text NOT NULL CHECK (school_status IN ('enrolled', 'irregular', 'out_of_school', 'never_enrolled')),
    disability           text NOT NULL DEFAULT 'none' CHECK (disability IN ('none', 'physical', 'sensory', 'intellectual', 'psychosocial', 'multiple')),
    created_by           bigint NOT NULL REFERENCES users (id),
    version              integer NOT NULL DEFAULT 1,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX children_search_trgm ON children USING gin (search_name gin_trgm_ops);
CREATE INDEX children_location ON children (home_location_id, id DESC);
CREATE INDEX children_birth_date ON children (birth_date);

ALTER TABLE audit_log DROP CONSTRAINT audit_log_action_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_action_check CHECK (action IN (
    'login_ok', 'login_failed', 'login_locked', 'logout',
    'password_changed', 'password_reset',
    'user_created', 'user_updated', 'user_deactivated', 'user_activated',
    'agency_created', 'agency_updated',
    'child_created', 'child_updated', 'child_viewed', 'child_search'));
