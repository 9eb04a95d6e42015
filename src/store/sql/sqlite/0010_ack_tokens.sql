-- SPDX-License-Identifier: MIT
-- One-time acknowledgement links (src/store/store_ack.c): every message an
-- incident sends to a person carries a link /ack/TOKEN; only the token's
-- BLAKE2b-256 hash (hex) is stored. used_at is set once, by the
-- acknowledgement the link records; NULL while unused. Keep in step with
-- ../pg/0010_ack_tokens.sql.

CREATE TABLE ack_tokens (
    id INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incidents (id),
    person TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER
);
CREATE INDEX ack_tokens_incident ON ack_tokens (incident_id, person);
