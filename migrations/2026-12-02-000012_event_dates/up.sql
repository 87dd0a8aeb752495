-- Every figure is dated by when its event happened, never by when it was
-- typed (DESIGN §4 "Dates"). The time of typing stays where it was
-- (opened_at, started_at, created_at, the timelines and the audit log), so a
-- late entry remains visible.

-- A child is identified on the day of the inspection that found them, the
-- day law enforcement referred them, or the day typed for other sources.
ALTER TABLE cases ADD COLUMN identified_on date;
UPDATE cases c SET identified_on = coalesce(
    (SELECT i.visited_on FROM inspections i WHERE i.id = c.inspection_id),
    (c.opened_at AT TIME ZONE 'Asia/Bishkek')::date);
ALTER TABLE cases ALTER COLUMN identified_on SET NOT NULL;
CREATE INDEX cases_location_identified ON cases (location_id, identified_on);
CREATE INDEX cases_identified ON cases (identified_on);

-- A service starts and ends on the days the provider says.
ALTER TABLE referrals ADD COLUMN started_on date, ADD COLUMN ended_on date;
UPDATE referrals SET started_on = (started_at AT TIME ZONE 'Asia/Bishkek')::date
    WHERE started_at IS NOT NULL;
UPDATE referrals SET ended_on = (ended_at AT TIME ZONE 'Asia/Bishkek')::date
    WHERE ended_at IS NOT NULL;
ALTER TABLE referrals
    ADD CONSTRAINT referrals_started_on CHECK ((started_at IS NULL) = (started_on IS NULL)),
    ADD CONSTRAINT referrals_ended_on CHECK ((ended_at IS NULL) = (ended_on IS NULL)),
    ADD CONSTRAINT referrals_ended_after_start CHECK (ended_on IS NULL OR started_on IS NULL OR ended_on >= started_on);
CREATE INDEX referrals_started_on ON referrals (started_on)
    WHERE status IN ('in_service', 'completed');

-- A case is referred to law enforcement on the day the unit says.
ALTER TABLE le_referrals ADD COLUMN sent_on date;
UPDATE le_referrals SET sent_on = (sent_at AT TIME ZONE 'Asia/Bishkek')::date;
ALTER TABLE le_referrals ALTER COLUMN sent_on SET NOT NULL;
CREATE INDEX le_referrals_sent_on ON le_referrals (sent_on);

-- An inspection dated after today is a plan: listed on the inspector's
-- queue, never counted as conducted, until its day has come and the
-- inspector records what was found.
ALTER TABLE inspections DROP CONSTRAINT inspections_status_check;
ALTER TABLE inspections ADD CONSTRAINT inspections_status_check
    CHECK (status IN ('planned', 'open', 'closed'));
UPDATE inspections SET status = 'planned'
    WHERE status = 'open' AND visited_on > (now() AT TIME ZONE 'Asia/Bishkek')::date
      AND children_found = 0
      AND NOT EXISTS (SELECT 1 FROM inspection_violations v WHERE v.inspection_id = inspections.id)
      AND NOT EXISTS (SELECT 1 FROM penalties p WHERE p.inspection_id = inspections.id);
CREATE INDEX inspections_planned ON inspections (office_id, visited_on) WHERE status = 'planned';

-- A penalty is decided on its own day, which may come after the inspection
-- was closed, for named violations of the inspection (each penalised once,
-- unless the penalty naming it was cancelled).
ALTER TABLE penalties ADD COLUMN decided_on date;
UPDATE penalties p SET decided_on = greatest(i.visited_on,
        least((p.created_at AT TIME ZONE 'Asia/Bishkek')::date, coalesce(p.collected_on, 'infinity')))
    FROM inspections i WHERE i.id = p.inspection_id;
ALTER TABLE penalties ALTER COLUMN decided_on SET NOT NULL;
ALTER TABLE penalties ADD CONSTRAINT penalties_paid_after_decision
    CHECK (collected_on IS NULL OR collected_on >= decided_on);
ALTER TABLE penalties ADD COLUMN recorded_by bigint REFERENCES users (id);
CREATE INDEX penalties_decided ON penalties (decided_on) WHERE status <> 'cancelled';

CREATE TABLE penalty_violations (
    penalty_id    bigint NOT NULL REFERENCES penalties (id),
    inspection_id bigint NOT NULL,
    kind          text NOT NULL,
    -- Copied from the penalty when it is cancelled: the violation may then
    -- be penalised again.
    cancelled     boolean NOT NULL DEFAULT false,
    PRIMARY KEY (penalty_id, kind),
    FOREIGN KEY (inspection_id, kind) REFERENCES inspection_violations (inspection_id, kind)
);
CREATE UNIQUE INDEX penalty_violations_once ON penalty_violations (inspection_id, kind)
    WHERE NOT cancelled;

-- Where it is unambiguous (the inspection has exactly one penalty), the
-- existing penalty is the penalty for all the inspection's violations.
INSERT INTO penalty_violations (penalty_id, inspection_id, kind, cancelled)
SELECT p.id, v.inspection_id, v.kind, p.status = 'cancelled'
FROM penalties p JOIN inspection_violations v ON v.inspection_id = p.inspection_id
WHERE (SELECT count(*) FROM penalties q WHERE q.inspection_id = p.inspection_id) = 1;

-- What was paid, on which day: collections count in the year paid.
-- `penalties.collected` and `collected_on` stay as the sum and the last day,
-- kept with each payment in the same transaction.
CREATE TABLE penalty_payments (
    id          bigserial PRIMARY KEY,
    penalty_id  bigint NOT NULL REFERENCES penalties (id),
    paid_on     date NOT NULL,
    amount      numeric(14, 2) NOT NULL CHECK (amount > 0),
    recorded_by bigint REFERENCES users (id),
    recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX penalty_payments_penalty ON penalty_payments (penalty_id, paid_on);
CREATE INDEX penalty_payments_paid ON penalty_payments (paid_on);
INSERT INTO penalty_payments (penalty_id, paid_on, amount, recorded_at)
SELECT id, collected_on, collected, created_at FROM penalties WHERE collected > 0;

-- A closed inspection is corrected (never reopened): the act stays closed,
-- and each correction says why.
INSERT INTO audit_actions (name) VALUES
    ('inspection_corrected'), ('penalty_status_changed');
