-- The recommendations of the document (shared/seed/README.md), in its order.
-- Their texts are in locales/ (recommendation-<code>); the figures beside
-- them are computed live. Only the status and a public note are kept here.
CREATE TABLE recommendations (
    id          integer PRIMARY KEY CHECK (id BETWEEN 1 AND 9),
    code        text NOT NULL UNIQUE,
    status      text NOT NULL DEFAULT 'not_started'
                CHECK (status IN ('not_started', 'in_progress', 'done')),
    note        text NOT NULL DEFAULT '' CHECK (length(note) <= 2000),
    updated_by  bigint REFERENCES users (id),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    version     integer NOT NULL DEFAULT 1
);

INSERT INTO recommendations (id, code) VALUES
    (1, 'drug_trafficking_law'),
    (2, 'free_education'),
    (3, 'coordination'),
    (4, 'inspectors_trained'),
    (5, 'publish_inspections_fines'),
    (6, 'publish_assistance'),
    (7, 'publish_prosecutions'),
    (8, 'csec_victims'),
    (9, 'street_children');

INSERT INTO audit_actions (name) VALUES ('recommendation_updated');

-- The reports read a period through these instead of scanning the tables.
CREATE INDEX referrals_started ON referrals (started_at)
    WHERE status IN ('in_service', 'completed');
CREATE INDEX referrals_sent ON referrals (sent_at);
CREATE INDEX follow_ups_visited ON follow_ups (visited_on);
CREATE INDEX investigations_opened ON investigations (opened_on);
CREATE INDEX investigations_in_court ON investigations (in_court_on) WHERE in_court_on IS NOT NULL;
CREATE INDEX investigations_decided ON investigations (decided_on) WHERE decided_on IS NOT NULL;
CREATE INDEX le_referrals_sent ON le_referrals (sent_at);
CREATE INDEX cases_location_opened ON cases (location_id, opened_at);
