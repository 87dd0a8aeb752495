-- Law enforcement (issue 5): investigations of offences against children,
-- their stages to a verdict, the cases and inspections they concern, and the
-- referrals between Child Support Units, inspectors and law enforcement.

CREATE TABLE investigations (
    id             bigserial PRIMARY KEY,
    -- The police unit or prosecutor's office that holds it.
    agency_id      bigint NOT NULL REFERENCES agencies (id),
    offenses       text[] NOT NULL CHECK (cardinality(offenses) >= 1 AND offenses <@ ARRAY[
                       'child_trafficking', 'forced_child_labor', 'csec', 'illicit_activities',
                       'worst_forms', 'labor_code']::text[]),
    opened_on      date NOT NULL,
    -- The agency's own reference number; no suspect's personal data.
    reference      text NOT NULL DEFAULT '' CHECK (length(reference) <= 100),
    suspects       integer NOT NULL DEFAULT 0 CHECK (suspects BETWEEN 0 AND 1000),
    stage          text NOT NULL DEFAULT 'investigation' CHECK (stage IN ('investigation',
                       'in_court', 'convicted', 'acquitted', 'dismissed', 'suspended')),
    in_court_on    date,
    decided_on     date,
    -- The date of the current stage (each move is dated after the last).
    stage_on       date NOT NULL,
    -- Where a suspended investigation resumes: under investigation or in court.
    suspended_from text CHECK (suspended_from IN ('investigation', 'in_court')),
    -- Penalties, on conviction only.
    prison_months  integer CHECK (prison_months BETWEEN 0 AND 600),
    fine           numeric(14, 2) CHECK (fine >= 0),
    other_penalty  text NOT NULL DEFAULT '' CHECK (length(other_penalty) <= 500),
    notes          text NOT NULL DEFAULT '' CHECK (length(notes) <= 5000),
    created_by     bigint NOT NULL REFERENCES users (id),
    version        integer NOT NULL DEFAULT 1,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    CHECK (stage = 'convicted' OR (prison_months IS NULL AND fine IS NULL AND other_penalty = '')),
    CHECK ((stage IN ('convicted', 'acquitted', 'dismissed', 'suspended')) = (decided_on IS NOT NULL)),
    CHECK (stage = 'investigation' OR stage IN ('dismissed', 'suspended') OR in_court_on IS NOT NULL),
    CHECK (in_court_on IS NULL OR in_court_on >= opened_on),
    CHECK ((stage = 'suspended') = (suspended_from IS NOT NULL)),
    CHECK (stage_on >= opened_on),
    CHECK (decided_on IS NULL OR decided_on >= coalesce(in_court_on, opened_on))
);
CREATE INDEX investigations_agency ON investigations (agency_id, opened_on DESC, id DESC);

-- The children an investigation concerns, through their cases: always a
-- victim or a witness. There is no other role a child can have here.
CREATE TABLE investigation_cases (
    investigation_id bigint NOT NULL REFERENCES investigations (id),
    case_id          bigint NOT NULL REFERENCES cases (id),
    role             text NOT NULL CHECK (role IN ('victim', 'witness')),
    PRIMARY KEY (investigation_id, case_id)
);
CREATE INDEX investigation_cases_case ON investigation_cases (case_id);

CREATE TABLE investigation_inspections (
    investigation_id bigint NOT NULL REFERENCES investigations (id),
    inspection_id    bigint NOT NULL REFERENCES inspections (id),
    PRIMARY KEY (investigation_id, inspection_id)
);
CREATE INDEX investigation_inspections_inspection ON investigation_inspections (inspection_id);

-- The history of an investigation, for its page.
CREATE TABLE investigation_events (
    id               bigserial PRIMARY KEY,
    investigation_id bigint NOT NULL REFERENCES investigations (id),
    at               timestamptz NOT NULL DEFAULT now(),
    actor_id         bigint REFERENCES users (id),
    kind             text NOT NULL CHECK (kind IN ('opened', 'updated', 'stage', 'case_linked',
                         'inspection_linked', 'victim_referred')),
    note             text NOT NULL DEFAULT '' CHECK (length(note) <= 2000),
    details          jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX investigation_events_investigation ON investigation_events (investigation_id, at, id);

-- A case or an inspection referred to a police unit or prosecutor's office,
-- and its answer: linked to an investigation, or declined with a reason.
CREATE TABLE le_referrals (
    id               bigserial PRIMARY KEY,
    agency_id        bigint NOT NULL REFERENCES agencies (id),
    case_id          bigint REFERENCES cases (id),
    inspection_id    bigint REFERENCES inspections (id),
    note             text NOT NULL DEFAULT '' CHECK (length(note) <= 2000),
    status           text NOT NULL DEFAULT 'sent' CHECK (status IN ('sent', 'accepted', 'declined')),
    decline_reason   text NOT NULL DEFAULT '' CHECK (length(decline_reason) <= 2000),
    investigation_id bigint REFERENCES investigations (id),
    sent_by          bigint NOT NULL REFERENCES users (id),
    sent_at          timestamptz NOT NULL DEFAULT now(),
    answered_at      timestamptz,
    version          integer NOT NULL DEFAULT 1,
    CHECK ((case_id IS NULL) <> (inspection_id IS NULL)),
    CHECK ((status = 'accepted') = (investigation_id IS NOT NULL)),
    CHECK (status <> 'declined' OR decline_reason <> '')
);
CREATE INDEX le_referrals_agency ON le_referrals (agency_id, status, id DESC);
CREATE INDEX le_referrals_case ON le_referrals (case_id) WHERE case_id IS NOT NULL;
CREATE INDEX le_referrals_inspection ON le_referrals (inspection_id) WHERE inspection_id IS NOT NULL;
-- One waiting referral of a case or an inspection per agency.
CREATE UNIQUE INDEX le_referrals_case_waiting ON le_referrals (case_id, agency_id)
    WHERE case_id IS NOT NULL AND status = 'sent';
CREATE UNIQUE INDEX le_referrals_inspection_waiting ON le_referrals (inspection_id, agency_id)
    WHERE inspection_id IS NOT NULL AND status = 'sent';

-- Staff of a prosecutor's office assigned to child labour and trafficking,
-- per year (the document asks to publish it).
CREATE TABLE prosecutor_staff (
    agency_id bigint NOT NULL REFERENCES agencies (id),
    year      integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    staff     integer NOT NULL CHECK (staff BETWEEN 0 AND 10000),
    PRIMARY KEY (agency_id, year)
);

INSERT INTO audit_actions (name) VALUES
    ('investigation_opened'), ('investigation_updated'), ('investigation_stage'),
    ('investigation_viewed'), ('le_referral_sent'), ('le_referral_answered'),
    ('victim_referred'), ('prosecutor_staff_set');

-- The case timeline records the referrals to law enforcement and answers.
ALTER TABLE case_events DROP CONSTRAINT case_events_kind_check;
ALTER TABLE case_events ADD CONSTRAINT case_events_kind_check CHECK (kind IN ('opened', 'updated',
    'assigned', 'assessment_started', 'assessment_recorded', 'plan_submitted', 'plan_approved',
    'plan_rejected', 'monitoring_started', 'follow_up', 'referral_sent', 'referral_accepted',
    'referral_declined', 'referral_started', 'referral_completed', 'referral_failed',
    'consent_overridden', 'closure_requested', 'closure_approved', 'closure_rejected',
    'reopened', 'transfer_requested', 'transfer_accepted', 'transfer_declined',
    'law_enforcement_referred', 'law_enforcement_accepted', 'law_enforcement_declined'));
