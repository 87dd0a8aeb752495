-- Cases of the Child Support Units (DESIGN §2–§3): the case, its timeline,
-- follow-up visits and referrals to service providers.

CREATE TABLE cases (
    id                   bigserial PRIMARY KEY,
    child_id             bigint NOT NULL REFERENCES children (id),
    -- The Child Support Unit whose queue holds the case.
    unit_id              bigint NOT NULL REFERENCES agencies (id),
    -- The child's home territory when the case was opened.
    location_id          integer NOT NULL REFERENCES locations (id),
    assigned_to          bigint REFERENCES users (id),
    source               text NOT NULL CHECK (source IN ('inspection', 'hotline', 'police', 'school',
                             'health', 'ngo', 'street_outreach', 'self_family')),
    forms                text[] NOT NULL CHECK (cardinality(forms) >= 1 AND forms <@ ARRAY[
                             'hazardous_work', 'forced_labor', 'trafficking',
                             'commercial_sexual_exploitation', 'illicit_activities',
                             'forced_begging']::text[]),
    -- The victim invariant: a child in commercial sexual exploitation, used in
    -- illicit activities, trafficked or in forced labor is a victim. The column
    -- is computed from the forms, so no form or query can record otherwise, and
    -- no table has a field that could call the child an offender.
    child_is_victim      boolean NOT NULL GENERATED ALWAYS AS (forms && ARRAY[
                             'commercial_sexual_exploitation', 'illicit_activities',
                             'trafficking', 'forced_labor']::text[]) STORED,
    sector               text NOT NULL CHECK (sector IN ('agriculture', 'livestock', 'markets_trade',
                             'street_work', 'construction', 'manufacturing', 'mining',
                             'domestic_work', 'transport', 'services', 'other')),
    risk                 text NOT NULL CHECK (risk IN ('low', 'medium', 'high')),
    status               text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'assessment',
                             'case_plan', 'in_services', 'monitoring', 'closed')),
    narrative            text NOT NULL DEFAULT '' CHECK (length(narrative) <= 5000),
    consent_given_by     text CHECK (length(consent_given_by) BETWEEN 1 AND 200),
    consent_given_on     date,
    assessment           text NOT NULL DEFAULT '' CHECK (length(assessment) <= 5000),
    plan                 text NOT NULL DEFAULT '' CHECK (length(plan) <= 5000),
    -- Set while a submitted plan waits for the supervisor.
    plan_submitted_at    timestamptz,
    plan_submitted_by    bigint REFERENCES users (id),
    -- A closure request waiting for the supervisor.
    closure_requested_reason text CHECK (closure_requested_reason IN ('withdrawn', 'turned_18',
                             'moved_away', 'transferred', 'reunified', 'died', 'other')),
    closure_requested_note text NOT NULL DEFAULT '' CHECK (length(closure_requested_note) <= 2000),
    closure_requested_by bigint REFERENCES users (id),
    closure_reason       text CHECK (closure_reason IN ('withdrawn', 'turned_18', 'moved_away',
                             'transferred', 'reunified', 'died', 'other')),
    closed_at            timestamptz,
    -- A transfer to another unit waiting for that unit's answer.
    transfer_to_unit_id  bigint REFERENCES agencies (id),
    -- When the next step is due (assessment, plan, follow-up); NULL when closed.
    due_on               date,
    status_since         timestamptz NOT NULL DEFAULT now(),
    opened_by            bigint NOT NULL REFERENCES users (id),
    opened_at            timestamptz NOT NULL DEFAULT now(),
    version              integer NOT NULL DEFAULT 1,
    updated_at           timestamptz NOT NULL DEFAULT now(),
    CHECK ((consent_given_by IS NULL) = (consent_given_on IS NULL)),
    CHECK ((status = 'closed') = (closure_reason IS NOT NULL AND closed_at IS NOT NULL)),
    CHECK ((closure_requested_reason IS NULL) = (closure_requested_by IS NULL)),
    CHECK ((plan_submitted_at IS NULL) = (plan_submitted_by IS NULL))
);
-- The unit's queue, newest first (keyset on opened_at, id).
CREATE INDEX cases_unit_opened ON cases (unit_id, opened_at DESC, id DESC);
-- The national (read-only) list.
CREATE INDEX cases_opened ON cases (opened_at DESC, id DESC);
CREATE INDEX cases_unit_status ON cases (unit_id, status, opened_at DESC, id DESC);
CREATE INDEX cases_assigned ON cases (assigned_to, status) WHERE assigned_to IS NOT NULL;
CREATE INDEX cases_due ON cases (unit_id, due_on) WHERE due_on IS NOT NULL;
CREATE INDEX cases_child ON cases (child_id);
CREATE INDEX cases_transfer ON cases (transfer_to_unit_id) WHERE transfer_to_unit_id IS NOT NULL;
CREATE INDEX cases_forms ON cases USING gin (forms);

-- Everything that happened to a case, for its timeline. Append-only, like the
-- audit log: the history of a child's case is not rewritten.
CREATE TABLE case_events (
    id        bigserial PRIMARY KEY,
    case_id   bigint NOT NULL REFERENCES cases (id),
    at        timestamptz NOT NULL DEFAULT now(),
    actor_id  bigint REFERENCES users (id),
    kind      text NOT NULL CHECK (kind IN ('opened', 'updated', 'assigned', 'assessment_started',
                  'assessment_recorded', 'plan_submitted', 'plan_approved', 'plan_rejected',
                  'monitoring_started', 'follow_up', 'referral_sent', 'referral_accepted',
                  'referral_declined', 'referral_started', 'referral_completed', 'referral_failed',
                  'consent_overridden', 'closure_requested', 'closure_approved', 'closure_rejected',
                  'reopened', 'transfer_requested', 'transfer_accepted', 'transfer_declined')),
    -- What the person wrote with the step (a comment, a reason); may be empty.
    note      text NOT NULL DEFAULT '' CHECK (length(note) <= 2000),
    details   jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX case_events_case ON case_events (case_id, at, id);
CREATE FUNCTION case_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'case_events is append-only';
END $$;
CREATE TRIGGER case_events_no_change BEFORE UPDATE OR DELETE ON case_events
    FOR EACH ROW EXECUTE FUNCTION case_events_append_only();

CREATE TABLE follow_ups (
    id               bigserial PRIMARY KEY,
    case_id          bigint NOT NULL REFERENCES cases (id),
    visited_on       date NOT NULL,
    visited_by       bigint NOT NULL REFERENCES users (id),
    still_working    boolean NOT NULL,
    attending_school boolean NOT NULL,
    notes            text NOT NULL DEFAULT '' CHECK (length(notes) <= 2000),
    created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX follow_ups_case ON follow_ups (case_id, visited_on DESC, id DESC);

CREATE TABLE referrals (
    id               bigserial PRIMARY KEY,
    case_id          bigint NOT NULL REFERENCES cases (id),
    agency_id        bigint NOT NULL REFERENCES agencies (id),
    service          text NOT NULL CHECK (service IN ('rehabilitation', 'catch_up_education',
                         'school_enrolment', 'medical', 'psychosocial', 'shelter', 'legal_aid',
                         'family_support', 'law_enforcement')),
    urgency          text NOT NULL CHECK (urgency IN ('routine', 'urgent', 'emergency')),
    -- Which of the child's data the provider sees (the name is always shared).
    shared           text[] NOT NULL DEFAULT '{}' CHECK (shared <@ ARRAY['birth_date', 'sex',
                         'guardian', 'contact', 'home', 'language', 'school_status',
                         'disability', 'narrative']::text[]),
    note             text NOT NULL DEFAULT '' CHECK (length(note) <= 2000),
    answer_by        date NOT NULL,
    planned_end      date,
    status           text NOT NULL DEFAULT 'sent' CHECK (status IN ('sent', 'accepted', 'declined',
                         'in_service', 'completed', 'failed')),
    decline_reason   text NOT NULL DEFAULT '' CHECK (length(decline_reason) <= 2000),
    outcome_note     text NOT NULL DEFAULT '' CHECK (length(outcome_note) <= 2000),
    -- Set when a supervisor sent it without recorded consent.
    consent_override_reason text CHECK (length(consent_override_reason) BETWEEN 1 AND 2000),
    sent_by          bigint NOT NULL REFERENCES users (id),
    sent_at          timestamptz NOT NULL DEFAULT now(),
    answered_at      timestamptz,
    started_at       timestamptz,
    ended_at         timestamptz,
    version          integer NOT NULL DEFAULT 1,
    CHECK (status <> 'declined' OR decline_reason <> '')
);
CREATE INDEX referrals_case ON referrals (case_id, id);
-- The provider's queue (keyset on id) and the overdue checks of both sides.
CREATE INDEX referrals_agency ON referrals (agency_id, id DESC);
CREATE INDEX referrals_unanswered ON referrals (answer_by) WHERE status = 'sent';
CREATE INDEX referrals_running ON referrals (planned_end) WHERE status IN ('accepted', 'in_service');

ALTER TABLE audit_log DROP CONSTRAINT audit_log_action_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_action_check CHECK (action IN (
    'login_ok', 'login_failed', 'login_locked', 'logout',
    'password_changed', 'password_reset',
    'user_created', 'user_updated', 'user_deactivated', 'user_activated',
    'agency_created', 'agency_updated',
    'child_created', 'child_updated', 'child_viewed', 'child_search',
    'case_opened', 'case_updated', 'case_viewed', 'case_step',
    'referral_sent', 'referral_viewed', 'referral_step', 'consent_overridden'));
