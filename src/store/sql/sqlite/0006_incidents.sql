-- SPDX-License-Identifier: MIT
-- Incidents and the escalation engine. An incident keeps the plan id and
-- version it was opened under. incident_events is the append-only timeline
-- (never updated or deleted). Deadlines, chains (one per applying
-- escalation policy), messages sent (incident_sends; the messages themselves
-- are in the outbox), acknowledgements and arrivals are what the escalation
-- engine reads and writes. Attachments are stored as base64 text (the store
-- layer binds text and integers only). Report revisions are immutable.
-- timers holds every armed timer of the engine; a fired timer is deleted in
-- the transaction that performs its effects. Times are epoch milliseconds.
-- Keep in step with ../pg/0006_incidents.sql (same tables and columns).

CREATE TABLE incidents (
    id INTEGER PRIMARY KEY,
    plan_id TEXT NOT NULL,
    plan_version INTEGER NOT NULL,
    kind TEXT NOT NULL,
    level TEXT NOT NULL DEFAULT '',
    place TEXT NOT NULL,
    reporter TEXT NOT NULL,
    fields_json TEXT NOT NULL DEFAULT '{}',
    state TEXT NOT NULL,
    occurred_at INTEGER NOT NULL,
    reported_at INTEGER NOT NULL,
    activated_at INTEGER NOT NULL DEFAULT 0,
    activated_by TEXT NOT NULL DEFAULT '',
    closed_at INTEGER NOT NULL DEFAULT 0,
    criteria_json TEXT NOT NULL DEFAULT '[]',
    created_at INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX incidents_state ON incidents (state, id);

CREATE TABLE incident_events (
    id INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incidents (id),
    seq INTEGER NOT NULL,
    at INTEGER NOT NULL,
    kind TEXT NOT NULL,
    person TEXT NOT NULL DEFAULT '',
    channel TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL DEFAULT '',
    data TEXT NOT NULL DEFAULT '',
    recorded_at INTEGER NOT NULL,
    recorded_by TEXT NOT NULL,
    UNIQUE (incident_id, seq)
);

CREATE TABLE incident_tasks (
    id INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incidents (id),
    seq INTEGER NOT NULL,
    team TEXT NOT NULL,
    owner TEXT NOT NULL,
    text TEXT NOT NULL,
    done_at INTEGER NOT NULL DEFAULT 0,
    done_by TEXT NOT NULL DEFAULT ''
);
CREATE INDEX incident_tasks_incident ON incident_tasks (incident_id, seq);

CREATE TABLE incident_deadlines (
    id INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incidents (id),
    kind TEXT NOT NULL,              -- report, ack, assembly
    name TEXT NOT NULL,
    policy_id TEXT NOT NULL,
    step INTEGER NOT NULL,           -- ack: the step; else -1
    target TEXT NOT NULL,            -- report: the target; assembly: the team
    need INTEGER NOT NULL,
    due_at INTEGER NOT NULL,
    state TEXT NOT NULL,             -- pending, met, missed
    met_at INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX incident_deadlines_incident ON incident_deadlines (incident_id, due_at);

CREATE TABLE incident_chains (
    id INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incidents (id),
    policy_id TEXT NOT NULL,
    step INTEGER NOT NULL,
    state TEXT NOT NULL,             -- pending, waiting, stopped, done, exhausted, cancelled
    deadline_id INTEGER NOT NULL DEFAULT 0,
    step_at INTEGER NOT NULL DEFAULT 0,
    UNIQUE (incident_id, policy_id)
);

CREATE TABLE incident_sends (
    id INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incidents (id),
    deadline_id INTEGER NOT NULL DEFAULT 0,
    chain_id INTEGER NOT NULL DEFAULT 0,
    step INTEGER NOT NULL DEFAULT -1,
    purpose TEXT NOT NULL,
    person TEXT NOT NULL,
    channel TEXT NOT NULL,
    at INTEGER NOT NULL,
    outbox_id INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX incident_sends_deadline ON incident_sends (deadline_id, person);
CREATE INDEX incident_sends_person ON incident_sends (incident_id, person);

CREATE TABLE incident_acks (
    incident_id INTEGER NOT NULL REFERENCES incidents (id),
    person TEXT NOT NULL,
    at INTEGER NOT NULL,
    PRIMARY KEY (incident_id, person)
);

CREATE TABLE incident_arrivals (
    incident_id INTEGER NOT NULL REFERENCES incidents (id),
    person TEXT NOT NULL,
    at INTEGER NOT NULL,
    PRIMARY KEY (incident_id, person)
);

CREATE TABLE incident_attachments (
    id INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incidents (id),
    name TEXT NOT NULL,
    mime TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    data_b64 TEXT NOT NULL,
    added_at INTEGER NOT NULL,
    added_by TEXT NOT NULL
);

CREATE TABLE incident_reports (
    id INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incidents (id),
    revision INTEGER NOT NULL,
    body_md TEXT NOT NULL,
    source TEXT NOT NULL,            -- draft or edit
    created_at INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    UNIQUE (incident_id, revision)
);

CREATE TABLE timers (
    id INTEGER PRIMARY KEY,
    due_at INTEGER NOT NULL,
    kind TEXT NOT NULL,              -- incident.open, incident.step, incident.wait, incident.deadline
    ref TEXT NOT NULL,               -- incident:42
    payload TEXT NOT NULL DEFAULT '',
    claimed_by TEXT,                 -- the node that last claimed it (set with the claim)
    claimed_until INTEGER,           -- not claimable again before this
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL
);
CREATE INDEX timers_due ON timers (due_at, id);
