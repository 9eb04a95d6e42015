-- SPDX-License-Identifier: MIT
-- Duty roster and due notices. roster_shifts holds every shift (drafts and
-- published ones) with its times in epoch milliseconds (the plan's local
-- days are Asia/Shanghai, UTC+8); roster_unavailable the leave and training
-- entered per person; roster_swaps the swap requests and their decisions;
-- roster_feeds the per-person iCal feed tokens (only their BLAKE2b hashes).
-- notices are the due notices any feature records until the outbox sends
-- them (see include/muster/notice.h). Keep in step with ../pg/0003_roster.sql
-- (same tables and columns). AUTOINCREMENT: a shift id names the shift
-- in notices (ref shift:ID) and iCal UIDs, so a deleted id must not return.

CREATE TABLE roster_shifts (
    id INTEGER PRIMARY KEY AUTOINCREMENT, -- ids are never reused
    plan_id TEXT NOT NULL,
    pool TEXT NOT NULL,
    role TEXT NOT NULL,            -- the pool's role: 带班领导, 值班人员 ...
    person TEXT NOT NULL,          -- the plan's person id
    start_at INTEGER NOT NULL,
    end_at INTEGER NOT NULL,
    slot INTEGER NOT NULL,         -- 0 .. per_shift-1: the place within the pool's shift
    state TEXT NOT NULL CHECK (state IN ('draft', 'published')),
    source TEXT NOT NULL CHECK (source IN ('generated', 'override', 'swap')),
    prev_person TEXT,              -- who had the shift before the last override or swap
    note TEXT NOT NULL DEFAULT '', -- reason of the last override or swap
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    published_at INTEGER,
    UNIQUE (plan_id, pool, start_at, slot)
);
CREATE INDEX roster_shifts_time ON roster_shifts (start_at, end_at);
CREATE INDEX roster_shifts_person ON roster_shifts (person, start_at);

CREATE TABLE roster_unavailable (
    id INTEGER PRIMARY KEY AUTOINCREMENT, -- ids are never reused
    person TEXT NOT NULL,
    from_day TEXT NOT NULL,        -- YYYY-MM-DD, inclusive
    to_day TEXT NOT NULL,          -- YYYY-MM-DD, inclusive
    reason TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX roster_unavailable_person ON roster_unavailable (person);

CREATE TABLE roster_swaps (
    id INTEGER PRIMARY KEY AUTOINCREMENT, -- ids are never reused
    shift_id INTEGER NOT NULL REFERENCES roster_shifts (id) ON DELETE CASCADE,
    from_person TEXT NOT NULL,     -- who had the shift when the swap was asked for
    to_person TEXT NOT NULL,       -- who would take it
    requested_by TEXT NOT NULL,    -- person id of the one who asked
    state TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'rejected')),
    reason TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    decided_at INTEGER,
    decided_by TEXT
);
CREATE INDEX roster_swaps_shift ON roster_swaps (shift_id);

CREATE TABLE roster_feeds (
    id INTEGER PRIMARY KEY,
    person TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE, -- BLAKE2b-256 hex of the token; the token is never stored
    created_at INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    revoked_at INTEGER
);
CREATE INDEX roster_feeds_person ON roster_feeds (person);

CREATE TABLE notices (
    id INTEGER PRIMARY KEY AUTOINCREMENT, -- ids are never reused
    kind TEXT NOT NULL,            -- roster.reminder, roster.change, checkin.reminder ...
    person TEXT NOT NULL,
    due_at INTEGER NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL DEFAULT '',
    ref TEXT NOT NULL DEFAULT '',  -- what it is about: shift:12
    created_at INTEGER NOT NULL,
    sent_at INTEGER,               -- NULL until the outbox sends it
    cancelled_at INTEGER           -- NULL unless no longer owed
);
CREATE INDEX notices_due ON notices (due_at);
CREATE INDEX notices_ref ON notices (ref);
