-- Labour inspections (DESIGN §2): the places children work, the visits,
-- the violations and penalties found, and the cases opened for the children.

CREATE TABLE establishments (
    id           bigserial PRIMARY KEY,
    kind         text NOT NULL CHECK (kind IN ('farm_cotton', 'farm_tobacco', 'farm_other_crops',
                     'farm_livestock', 'market', 'street', 'construction', 'factory_workshop',
                     'mine', 'household', 'transport', 'service_business')),
    sector       text NOT NULL CHECK (sector IN ('agriculture', 'livestock', 'markets_trade',
                     'street_work', 'construction', 'manufacturing', 'mining', 'domestic_work',
                     'transport', 'services', 'other')),
    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    -- Owner or operator: a person or a company.
    owner        text NOT NULL DEFAULT '' CHECK (length(owner) <= 200),
    -- ИНН: 14 digits, when the establishment has one.
    tax_number   text CHECK (tax_number ~ '^[0-9]{14}$'),
    location_id  integer NOT NULL REFERENCES locations (id),
    address      text NOT NULL DEFAULT '' CHECK (length(address) <= 300),
    -- Name and owner in one Latin spelling, for search across scripts.
    search_name  text NOT NULL,
    created_by   bigint NOT NULL REFERENCES users (id),
    version      integer NOT NULL DEFAULT 1,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX establishments_location ON establishments (location_id, id DESC);
CREATE INDEX establishments_search ON establishments USING gin (search_name gin_trgm_ops);
-- One establishment per tax number (enforced here too: two saves at once).
CREATE UNIQUE INDEX establishments_tax_number ON establishments (tax_number)
    WHERE tax_number IS NOT NULL;

CREATE TABLE inspections (
    id                bigserial PRIMARY KEY,
    establishment_id  bigint NOT NULL REFERENCES establishments (id),
    -- The inspection office that holds the record.
    office_id         bigint NOT NULL REFERENCES agencies (id),
    -- Where and in which sector, as at the visit: correcting the
    -- establishment later does not move past inspections.
    location_id       integer NOT NULL REFERENCES locations (id),
    sector            text NOT NULL CHECK (sector IN ('agriculture', 'livestock', 'markets_trade',
                          'street_work', 'construction', 'manufacturing', 'mining', 'domestic_work',
                          'transport', 'services', 'other')),
    visited_on        date NOT NULL,
    kind              text NOT NULL CHECK (kind IN ('routine', 'unannounced', 'complaint',
                          'follow_up', 'joint_police')),
    method            text NOT NULL CHECK (method IN ('worksite', 'desk_review')),
    -- Children found working, by sex and age band.
    girls_under_14    integer NOT NULL DEFAULT 0 CHECK (girls_under_14 BETWEEN 0 AND 1000),
    girls_14_15       integer NOT NULL DEFAULT 0 CHECK (girls_14_15 BETWEEN 0 AND 1000),
    girls_16_17       integer NOT NULL DEFAULT 0 CHECK (girls_16_17 BETWEEN 0 AND 1000),
    boys_under_14     integer NOT NULL DEFAULT 0 CHECK (boys_under_14 BETWEEN 0 AND 1000),
    boys_14_15        integer NOT NULL DEFAULT 0 CHECK (boys_14_15 BETWEEN 0 AND 1000),
    boys_16_17        integer NOT NULL DEFAULT 0 CHECK (boys_16_17 BETWEEN 0 AND 1000),
    children_found    integer NOT NULL GENERATED ALWAYS AS (girls_under_14 + girls_14_15
                          + girls_16_17 + boys_under_14 + boys_14_15 + boys_16_17) STORED,
    -- Referred to law enforcement: to which agency (police or prosecutor).
    law_enforcement_id bigint REFERENCES agencies (id),
    notes             text NOT NULL DEFAULT '' CHECK (length(notes) <= 5000),
    follow_up_on      date,
    status            text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    closed_at         timestamptz,
    closed_by         bigint REFERENCES users (id),
    created_by        bigint NOT NULL REFERENCES users (id),
    version           integer NOT NULL DEFAULT 1,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    CHECK ((status = 'closed') = (closed_at IS NOT NULL AND closed_by IS NOT NULL))
);
CREATE INDEX inspections_office ON inspections (office_id, visited_on DESC, id DESC);
CREATE INDEX inspections_visited ON inspections (visited_on DESC, id DESC);
CREATE INDEX inspections_location ON inspections (location_id, visited_on DESC, id DESC);
CREATE INDEX inspections_establishment ON inspections (establishment_id, visited_on DESC);
CREATE INDEX inspections_follow_up ON inspections (office_id, follow_up_on) WHERE follow_up_on IS NOT NULL;

-- The inspectors who took part.
CREATE TABLE inspection_inspectors (
    inspection_id bigint NOT NULL REFERENCES inspections (id),
    user_id       bigint NOT NULL REFERENCES users (id),
    PRIMARY KEY (inspection_id, user_id)
);
CREATE INDEX inspection_inspectors_user ON inspection_inspectors (user_id);

CREATE TABLE inspection_violations (
    inspection_id bigint NOT NULL REFERENCES inspections (id),
    kind          text NOT NULL CHECK (kind IN ('underage_work', 'hazardous_work',
                      'excessive_hours', 'night_work', 'no_contract', 'forced_labor', 'other')),
    count         integer NOT NULL CHECK (count BETWEEN 1 AND 1000),
    PRIMARY KEY (inspection_id, kind)
);

-- Money is exact: NUMERIC, never floating point.
CREATE TABLE penalties (
    id            bigserial PRIMARY KEY,
    inspection_id bigint NOT NULL REFERENCES inspections (id),
    legal_basis   text NOT NULL CHECK (length(legal_basis) BETWEEN 1 AND 300),
    imposed       numeric(14, 2) NOT NULL CHECK (imposed > 0),
    collected     numeric(14, 2) NOT NULL DEFAULT 0 CHECK (collected >= 0 AND collected <= imposed),
    collected_on  date,
    status        text NOT NULL DEFAULT 'imposed' CHECK (status IN ('imposed', 'paid',
                      'partly_paid', 'appealed', 'cancelled')),
    version       integer NOT NULL DEFAULT 1,
    created_at    timestamptz NOT NULL DEFAULT now(),
    CHECK ((collected = 0) = (collected_on IS NULL)),
    -- A status says what happened to the money: imposed and cancelled fines
    -- hold nothing collected, paid ones all of it, partly paid some, and an
    -- appealed fine less than all.
    CHECK (status <> 'paid' OR collected = imposed),
    CHECK (status <> 'partly_paid' OR (collected > 0 AND collected < imposed)),
    CHECK (status NOT IN ('imposed', 'cancelled') OR collected = 0),
    CHECK (status <> 'appealed' OR collected < imposed)
);
CREATE INDEX penalties_inspection ON penalties (inspection_id, id);
CREATE INDEX penalties_outstanding ON penalties (inspection_id) WHERE status IN ('imposed', 'partly_paid');

-- A case opened for a child found at an inspection.
ALTER TABLE cases ADD COLUMN inspection_id bigint REFERENCES inspections (id);
CREATE INDEX cases_inspection ON cases (inspection_id) WHERE inspection_id IS NOT NULL;

INSERT INTO audit_actions (name) VALUES
    ('establishment_created'), ('establishment_updated'),
    ('inspection_created'), ('inspection_updated'), ('inspection_closed'),
    ('penalty_imposed'), ('penalty_collected');
