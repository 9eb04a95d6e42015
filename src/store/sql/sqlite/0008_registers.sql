-- SPDX-License-Identifier: MIT
-- The preparedness registers (台账): hazards with their history, inspection
-- checklists and rounds; drills held and their follow-up tasks; resources
-- and every movement of their stock; external contact numbers. Days are
-- 'YYYY-MM-DD' text (local), instants epoch milliseconds, people the plans'
-- person ids. Required drill frequencies and terms are settings
-- (drill.terms, drill.require.KIND). Keep in step with ../pg/0008_registers.sql
-- (same tables and columns).

CREATE TABLE hazards (
    id INTEGER PRIMARY KEY,
    plan_id TEXT NOT NULL,
    place TEXT NOT NULL,
    description TEXT NOT NULL,
    severity TEXT NOT NULL CHECK (severity IN ('low', 'medium', 'high')),
    unit TEXT NOT NULL,
    owner TEXT NOT NULL,
    due_day TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('open', 'rectified', 'verified')),
    found_at INTEGER NOT NULL,
    found_by TEXT NOT NULL,
    rectified_at INTEGER NOT NULL DEFAULT 0,
    rectified_by TEXT NOT NULL DEFAULT '',
    verified_at INTEGER NOT NULL DEFAULT 0,
    verified_by TEXT NOT NULL DEFAULT ''
);
CREATE INDEX hazards_open_due ON hazards (state, due_day);

CREATE TABLE hazard_events (
    id INTEGER PRIMARY KEY,
    hazard_id INTEGER NOT NULL REFERENCES hazards (id),
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,            -- add, assign, note, rectify, verify
    person TEXT NOT NULL DEFAULT '', -- the owner, rectifier or verifier
    text TEXT NOT NULL DEFAULT ''
);
CREATE INDEX hazard_events_hazard ON hazard_events (hazard_id, id);

CREATE TABLE hazard_checklists (
    id INTEGER PRIMARY KEY,
    plan_id TEXT NOT NULL,
    unit TEXT NOT NULL,
    name TEXT NOT NULL,
    items_json TEXT NOT NULL,        -- JSON array of strings
    created_at INTEGER NOT NULL,
    created_by TEXT NOT NULL
);

CREATE TABLE hazard_rounds (
    id INTEGER PRIMARY KEY,
    checklist_id INTEGER NOT NULL REFERENCES hazard_checklists (id),
    day TEXT NOT NULL,
    inspector TEXT NOT NULL,
    results_json TEXT NOT NULL,      -- JSON array, one 0/1 (passed) per item
    failed INTEGER NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    created_by TEXT NOT NULL
);

CREATE TABLE drills_held (
    id INTEGER PRIMARY KEY,
    plan_id TEXT NOT NULL,
    day TEXT NOT NULL,
    kind TEXT NOT NULL,
    scenario TEXT NOT NULL,
    participants INTEGER NOT NULL CHECK (participants >= 0),
    duration_s INTEGER NOT NULL CHECK (duration_s >= 0),
    evacuation_s INTEGER NOT NULL,   -- -1 when not measured
    findings_json TEXT NOT NULL DEFAULT '[]',
    simulation_json TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX drills_held_day ON drills_held (day, id);

CREATE TABLE drill_tasks (
    id INTEGER PRIMARY KEY,
    drill_id INTEGER NOT NULL REFERENCES drills_held (id),
    text TEXT NOT NULL,
    owner TEXT NOT NULL,
    due_day TEXT NOT NULL,
    done_at INTEGER NOT NULL DEFAULT 0,
    done_by TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    created_by TEXT NOT NULL
);

CREATE TABLE resources (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    category TEXT NOT NULL CHECK (category IN ('vehicle', 'cash', 'supply', 'equipment')),
    quantity INTEGER NOT NULL CHECK (quantity >= 0),
    min_quantity INTEGER NOT NULL DEFAULT 0 CHECK (min_quantity >= 0),
    unit_of_measure TEXT NOT NULL,
    location TEXT NOT NULL DEFAULT '',
    custodian TEXT NOT NULL DEFAULT '',
    plan_id TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('available', 'maintenance', 'retired')),
    expires_day TEXT NOT NULL DEFAULT '', -- '' when it does not expire
    created_at INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE resource_movements (
    id INTEGER PRIMARY KEY,
    resource_id INTEGER NOT NULL REFERENCES resources (id),
    kind TEXT NOT NULL CHECK (kind IN ('add', 'adjust', 'assign', 'return')),
    delta INTEGER NOT NULL,
    quantity_after INTEGER NOT NULL CHECK (quantity_after >= 0),
    incident_id INTEGER NOT NULL DEFAULT 0, -- 0 when not for an incident
    reason TEXT NOT NULL DEFAULT '',
    at INTEGER NOT NULL,
    actor TEXT NOT NULL
);
CREATE INDEX resource_movements_resource ON resource_movements (resource_id, incident_id);

CREATE TABLE contacts (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    phone TEXT NOT NULL,
    category TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    created_by TEXT NOT NULL
);
