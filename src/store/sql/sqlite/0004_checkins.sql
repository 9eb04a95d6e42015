-- SPDX-License-Identifier: MIT
-- Daily check-ins (零报告). checkin_submissions keeps every submission ever
-- made, never updated: a resubmission is a new row and the board picks the
-- one that counts (the latest on-time one, else the first late one).
-- checkin_reminders records that the reminders of a slot were made (the
-- notices themselves are in `notices`, 0003); checkin_summaries keeps each
-- day's summary as made at the summary time. A schedule is a plan id plus
-- the check-in id of that plan. Times are epoch milliseconds. Keep in step
-- with ../pg/0004_checkins.sql (same tables and columns).

CREATE TABLE checkin_submissions (
    id INTEGER PRIMARY KEY,
    plan_id TEXT NOT NULL,
    checkin_id TEXT NOT NULL,
    plan_version INTEGER NOT NULL,   -- the version the report was checked against
    unit TEXT NOT NULL,
    slot_at INTEGER NOT NULL,        -- the slot's due time
    submitted_at INTEGER NOT NULL,   -- when the report was made
    late INTEGER NOT NULL CHECK (late IN (0, 1)),
    nil INTEGER NOT NULL CHECK (nil IN (0, 1)),
    fields_json TEXT NOT NULL DEFAULT '{}',
    submitted_by TEXT NOT NULL,      -- person id or user name
    recorded_at INTEGER NOT NULL,    -- when the store received it
    recorded_by TEXT NOT NULL        -- the actor
);
-- Covering the board's read: one index range, no table lookups.
CREATE INDEX checkin_submissions_slot ON checkin_submissions
    (plan_id, checkin_id, slot_at, submitted_at, unit, late, nil, plan_version);

CREATE TABLE checkin_reminders (
    plan_id TEXT NOT NULL,
    checkin_id TEXT NOT NULL,
    slot_at INTEGER NOT NULL,
    notices INTEGER NOT NULL,        -- how many reminder notices were recorded
    made_at INTEGER NOT NULL,
    PRIMARY KEY (plan_id, checkin_id, slot_at)
);

CREATE TABLE checkin_summaries (
    plan_id TEXT NOT NULL,
    checkin_id TEXT NOT NULL,
    day TEXT NOT NULL,               -- YYYY-MM-DD, local
    made_for INTEGER NOT NULL,       -- the summary time of that day
    made_at INTEGER NOT NULL,
    summary_json TEXT NOT NULL,
    PRIMARY KEY (plan_id, checkin_id, day)
);
