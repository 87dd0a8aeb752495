-- A search by a child's name is posted, kept here for the session, and its
-- results shown at an address that holds no name (issue 21): Back and reload
-- show the results again, and nothing typed reaches a URL or a log. A search
-- ends with its session.
CREATE TABLE saved_searches (
    session_hash bytea NOT NULL REFERENCES sessions (id_hash) ON DELETE CASCADE,
    kind text NOT NULL CHECK (kind IN ('children', 'cases')),
    query jsonb NOT NULL,
    saved_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (session_hash, kind)
);
