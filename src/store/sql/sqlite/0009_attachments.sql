-- SPDX-License-Identifier: MIT
-- Attachments of cases and hazards in one table (src/store/store_attachment.c):
-- ref names the owner ("case:12", "hazard:7"); data is text: base64 of the
-- bytes for hazards, for cases the value sealed with the case key
-- (KEYID:base64(nonce || box), see docs/internals/attachments.md), so a
-- complainant's file never lies in the database in the clear. size and
-- sha256 are of the original bytes. Incidents keep their own table
-- (incident_attachments). Keep in step with ../pg/0009_attachments.sql.

CREATE TABLE attachments (
    id INTEGER PRIMARY KEY,
    ref TEXT NOT NULL,
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    data TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX attachments_ref ON attachments (ref, id);
