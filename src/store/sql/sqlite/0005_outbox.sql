-- SPDX-License-Identifier: MIT
-- The notification outbox (include/muster/outbox.h). outbox_messages holds
-- every message muster owes or has sent, one per idempotency key;
-- outbox_attempts every delivery attempt, never updated. A message being
-- sent (state 'sending') carries the end of its deliverer's lease in
-- next_attempt_at, so that a crashed node's claims come back. The robots'
-- rate limits are counted from outbox_attempts (channel, dest, at) plus the
-- messages in 'sending', which works across nodes. Times are epoch
-- milliseconds. Keep in step with ../pg/0005_outbox.sql (same tables and
-- columns).

CREATE TABLE outbox_messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT, -- ids are never reused
    idem_key TEXT NOT NULL UNIQUE,
    channel TEXT NOT NULL,           -- console, webhook, wecom, dingtalk, feishu, email, sms
    dest TEXT NOT NULL DEFAULT '',   -- URL, address, phone, label; '' = the organization's
    subject TEXT NOT NULL,
    body TEXT NOT NULL DEFAULT '',
    markdown TEXT NOT NULL DEFAULT '',
    person TEXT,                     -- the plan's person id, NULL when none
    ref TEXT NOT NULL DEFAULT '',    -- incident:42, notice:7 ...
    mention TEXT NOT NULL DEFAULT '',
    mention_mobile TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'sent', 'failed', 'cancelled')),
    attempts INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    next_attempt_at INTEGER,         -- pending: due; sending: end of the lease; else NULL
    last_error TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    sent_at INTEGER
);
CREATE INDEX outbox_messages_due ON outbox_messages (state, next_attempt_at);
CREATE INDEX outbox_messages_ref ON outbox_messages (ref);
CREATE INDEX outbox_messages_robot ON outbox_messages (channel, dest, state);

CREATE TABLE outbox_attempts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id INTEGER NOT NULL REFERENCES outbox_messages (id) ON DELETE CASCADE,
    attempt INTEGER NOT NULL,        -- 1 for the message's first attempt
    channel TEXT NOT NULL,           -- copied from the message, for rate counting
    dest TEXT NOT NULL,
    at INTEGER NOT NULL,             -- when the attempt started
    outcome TEXT NOT NULL CHECK (outcome IN ('ok', 'retry', 'permanent', 'lost')),
    status INTEGER NOT NULL DEFAULT 0, -- HTTP status or SMTP reply code
    platform_code TEXT NOT NULL DEFAULT '',
    error TEXT NOT NULL DEFAULT '',
    duration_ms INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX outbox_attempts_message ON outbox_attempts (message_id, id);
CREATE INDEX outbox_attempts_robot ON outbox_attempts (channel, dest, at);
