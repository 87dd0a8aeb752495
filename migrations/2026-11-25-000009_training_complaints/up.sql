-- Inspector training records and school-fee complaints (issue 4).

-- A course a labour inspector took. The enforcement report's "inspectors
-- trained" indicator is computed from these rows. Records are corrected, not
-- erased: there is no delete.
CREATE TABLE training_records (
    id                 bigserial PRIMARY KEY,
    user_id            bigint NOT NULL REFERENCES users (id),
    course             text NOT NULL CHECK (course IN ('forced_child_labor', 'worst_forms',
                           'hazardous_work_list', 'labor_inspection_methods', 'child_rights',
                           'other')),
    completed_on       date NOT NULL,
    provider           text NOT NULL CHECK (length(provider) BETWEEN 1 AND 300),
    certificate_number text CHECK (length(certificate_number) BETWEEN 1 AND 100),
    hours              integer CHECK (hours BETWEEN 1 AND 1000),
    recorded_by        bigint NOT NULL REFERENCES users (id),
    recorded_at        timestamptz NOT NULL DEFAULT now(),
    version            integer NOT NULL DEFAULT 1,
    updated_at         timestamptz NOT NULL DEFAULT now()
);
-- One inspector's records, newest first.
CREATE INDEX training_records_user ON training_records (user_id, completed_on DESC, id DESC);
-- Inspectors trained in a year (and on a course), for the reports.
CREATE INDEX training_records_completed ON training_records (completed_on, course, user_id);
-- The list of inspectors, by name (keyset on (display_name, id)).
CREATE INDEX users_role_name ON users (role, display_name, id);

-- A report that a school charged fees (the free-education recommendation).
-- The complainant is protected: shown only to those who process complaints,
-- never in lists or in the audit log.
CREATE TABLE school_fee_complaints (
    id                  bigserial PRIMARY KEY,
    school_id           bigint NOT NULL REFERENCES agencies (id),
    -- Defaults to the school's territory.
    location_id         integer NOT NULL REFERENCES locations (id),
    charged_on          date NOT NULL,
    -- Som, exact: never a float.
    amount              numeric(14, 2) NOT NULL CHECK (amount > 0 AND amount <= 1000000),
    complainant_name    text NOT NULL DEFAULT '' CHECK (length(complainant_name) <= 200),
    complainant_contact text NOT NULL DEFAULT '' CHECK (length(complainant_contact) <= 200),
    description         text NOT NULL CHECK (length(description) BETWEEN 1 AND 5000),
    action_taken        text NOT NULL DEFAULT '' CHECK (length(action_taken) <= 5000),
    status              text NOT NULL DEFAULT 'received' CHECK (status IN ('received', 'verified',
                            'resolved', 'unfounded')),
    status_since        timestamptz NOT NULL DEFAULT now(),
    logged_by           bigint NOT NULL REFERENCES users (id),
    logged_at           timestamptz NOT NULL DEFAULT now(),
    version             integer NOT NULL DEFAULT 1,
    updated_at          timestamptz NOT NULL DEFAULT now(),
    -- A complaint is closed with a word on what was done, or why it was unfounded.
    CHECK (status NOT IN ('resolved', 'unfounded') OR action_taken <> '')
);
-- The lists: newest first (keyset on id), by status, by territory, one's own.
CREATE INDEX school_fee_complaints_status ON school_fee_complaints (status, id DESC);
CREATE INDEX school_fee_complaints_location ON school_fee_complaints (location_id, id DESC);
CREATE INDEX school_fee_complaints_logged_by ON school_fee_complaints (logged_by, id DESC);
CREATE INDEX school_fee_complaints_school ON school_fee_complaints (school_id);
-- The reports count complaints by year of the charge.
CREATE INDEX school_fee_complaints_charged ON school_fee_complaints (charged_on);

INSERT INTO audit_actions (name) VALUES
    ('training_recorded'), ('training_updated'),
    ('complaint_logged'), ('complaint_updated'), ('complaint_processed');
