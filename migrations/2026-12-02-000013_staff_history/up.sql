-- Staff history of the labour inspectorate (issue 18): who was a labour
-- inspector, in which office, from which day to which day. The enforcement
-- report counts inspectors from these posts, never from today's accounts, so
-- deactivating an account today does not rewrite a past year (DESIGN §4,
-- "Dates").
--
-- A post is held by an inspector, or by the head of a labour inspection office
-- (role `supervisor`) who inspects. `to_on` is the last day in post,
-- inclusive; NULL while the person is still in post.
--
-- No two posts of one person overlap: an exclusion constraint, so the database
-- itself refuses an overlap whatever writes it (the admin pages, the command
-- line, the demo loaders, a future import), and two admins saving at once
-- cannot both pass a check made in code. btree_gist provides `=` on bigint
-- for a GiST index; it is a trusted extension (PostgreSQL 13+), so a database
-- owner without superuser rights can create it.
CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TABLE inspector_posts (
    id         bigserial PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users (id),
    -- The office (an agency of kind labor_inspectorate): the post counts in
    -- the territory of the office, not in the person's current one.
    agency_id  bigint NOT NULL REFERENCES agencies (id),
    from_on    date NOT NULL,
    to_on      date,
    version    integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CHECK (to_on IS NULL OR to_on >= from_on),
    CONSTRAINT inspector_posts_no_overlap
        EXCLUDE USING gist (user_id WITH =, daterange(from_on, to_on, '[]') WITH &&)
);
-- The report: posts of the offices of a territory that overlap a period
-- (from_on before its end, to_on NULL or after its start).
CREATE INDEX inspector_posts_agency ON inspector_posts (agency_id, from_on, to_on);
-- One person's posts, newest first (the admin's user page); the open post.
CREATE INDEX inspector_posts_user ON inspector_posts (user_id, from_on DESC);
CREATE UNIQUE INDEX inspector_posts_open ON inspector_posts (user_id) WHERE to_on IS NULL;

-- Existing accounts become posts: every inspector, and every head of a labour
-- inspection office, from the Bishkek day their account was created; an
-- inactive account's post ended on the day it was last changed (when it was
-- deactivated, as far as the records tell).
INSERT INTO inspector_posts (user_id, agency_id, from_on, to_on)
SELECT u.id, u.agency_id,
       (u.created_at AT TIME ZONE 'Asia/Bishkek')::date,
       CASE WHEN u.active THEN NULL
            ELSE greatest((u.updated_at AT TIME ZONE 'Asia/Bishkek')::date,
                          (u.created_at AT TIME ZONE 'Asia/Bishkek')::date)
       END
FROM users u JOIN agencies a ON a.id = u.agency_id
WHERE a.kind = 'labor_inspectorate' AND u.role IN ('inspector', 'supervisor');

INSERT INTO audit_actions (name) VALUES ('inspector_post_opened'), ('inspector_post_ended');
