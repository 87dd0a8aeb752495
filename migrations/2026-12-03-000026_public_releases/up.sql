-- Issue 20: the public sees dated releases, not figures that move with each
-- write (DESIGN §5 "One protection, and releases"). A release is every
-- public figure of every year as it was published at one moment: the
-- provisional figures made on a schedule (monthly by default) or when an
-- admin asks, and the annual release of a year, which an admin publishes
-- when the year's report is sent and revises when that year's records are
-- corrected. Releases are frozen: the runtime role may read and add them,
-- never change or remove one, so each release's open data keeps its address
-- and its checksum for good.
CREATE TABLE public_releases (
    id bigserial PRIMARY KEY,
    kind text NOT NULL CHECK (kind IN ('provisional', 'annual')),
    -- An annual release: its year and revision (1 for the first).
    year integer,
    revision integer,
    -- A scheduled provisional release: the period of the schedule it is
    -- for ('2026-12' monthly, '2026-W49' weekly, '2026-12-03' daily), so
    -- two servers never make the same one twice. NULL when an admin asked.
    period_key text UNIQUE,
    -- The day (Bishkek) whose records the figures include.
    as_of date NOT NULL,
    published_at timestamptz NOT NULL DEFAULT now(),
    published_by bigint REFERENCES users (id),
    note text,
    suppression_threshold integer NOT NULL,
    -- Every year's published figures, as the pages read them.
    contents jsonb NOT NULL,
    -- The open data exactly as served, and the SHA-256 of each (hex).
    data_csv text NOT NULL,
    data_json text NOT NULL,
    csv_sha256 text NOT NULL,
    json_sha256 text NOT NULL,
    CHECK ((kind = 'annual') = (year IS NOT NULL AND revision IS NOT NULL)),
    CHECK (kind = 'provisional' OR period_key IS NULL),
    UNIQUE (year, revision)
);

CREATE FUNCTION public_releases_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'public_releases are frozen' USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER public_releases_no_change BEFORE UPDATE OR DELETE ON public_releases
    FOR EACH ROW EXECUTE FUNCTION public_releases_frozen();
CREATE TRIGGER public_releases_no_truncate BEFORE TRUNCATE ON public_releases
    FOR EACH STATEMENT EXECUTE FUNCTION public_releases_frozen();
REVOKE UPDATE, DELETE, TRUNCATE ON public_releases FROM PUBLIC;
REVOKE ALL ON public_releases FROM korgoo_app;
GRANT SELECT, INSERT ON public_releases TO korgoo_app;

INSERT INTO audit_actions (name) VALUES ('release_published');
