-- SPDX-License-Identifier: MIT
-- Cases: complaints and requests from the public (信访事项). One row per
-- case in `cases` (one complainant each; several cases about the same matter
-- share matter_id, the id of the first). Dates of events and deadlines are
-- day numbers (days since 1970-01-01, local); NULL where there is none.
-- due_on is the office's current deadline (accept, handle or review) so the
-- due list is one index range. The complainant's identity is only ever kept
-- sealed (crypto_secretbox, "KEYID:base64"); lookup_hash is a keyed BLAKE2b
-- of the phone's last four digits and the tracking code for the public
-- status check. case_units lists the units concerned and the handling units;
-- case_actions is the case file (一案一档), never updated. case_throttle
-- limits public submissions per address. Keep in step with
-- ../pg/0007_cases.sql (same tables and columns).

CREATE TABLE cases (
    id INTEGER PRIMARY KEY AUTOINCREMENT, -- ids are never reused
    tracking_code TEXT NOT NULL,
    matter_id INTEGER NOT NULL,
    channel TEXT NOT NULL,
    subject TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    category TEXT NOT NULL DEFAULT '',
    place TEXT NOT NULL DEFAULT '',
    units TEXT NOT NULL DEFAULT '',       -- units concerned, comma-separated
    handling TEXT NOT NULL DEFAULT '',    -- handling units, comma-separated
    leader TEXT NOT NULL DEFAULT '',      -- 包案领导
    outcome TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL,
    received_on INTEGER NOT NULL,
    decided_on INTEGER,
    extended_on INTEGER,
    extend_days INTEGER NOT NULL DEFAULT 0,
    replied_on INTEGER,
    review_level INTEGER NOT NULL DEFAULT 0,
    review_requested_on INTEGER,
    review_replied_on INTEGER,
    closed_on INTEGER,
    accept_due INTEGER NOT NULL,
    handle_due INTEGER,
    review_request_due INTEGER,
    review_due INTEGER,
    due_on INTEGER,
    due_kind TEXT,
    rating INTEGER NOT NULL DEFAULT 0,
    name_enc TEXT,
    phone_enc TEXT,
    address_enc TEXT,
    id_number_enc TEXT,
    lookup_hash TEXT,
    purged_at INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX cases_tracking_code ON cases (tracking_code);
CREATE INDEX cases_due ON cases (due_on) WHERE due_on IS NOT NULL;
CREATE INDEX cases_matter ON cases (matter_id);

CREATE TABLE case_units (
    case_id INTEGER NOT NULL REFERENCES cases (id),
    unit TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('concerned', 'handling')),
    PRIMARY KEY (case_id, role, unit)
);
CREATE INDEX case_units_unit ON case_units (unit);

CREATE TABLE case_actions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id INTEGER NOT NULL REFERENCES cases (id),
    at INTEGER NOT NULL,
    on_day INTEGER NOT NULL,
    actor TEXT NOT NULL,
    kind TEXT NOT NULL,
    text TEXT NOT NULL DEFAULT '',
    public INTEGER NOT NULL DEFAULT 0 CHECK (public IN (0, 1))
);
CREATE INDEX case_actions_case ON case_actions (case_id, id);

CREATE TABLE case_throttle (
    key TEXT PRIMARY KEY,
    window_start INTEGER NOT NULL,
    hits INTEGER NOT NULL
);
