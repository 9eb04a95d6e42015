-- SPDX-License-Identifier: MIT
-- Accounts and access: users with a role and (for reporters) the units they
-- may see, browser sessions and API tokens (both stored only as BLAKE2b
-- hashes of the secret), and the failed-login counters that throttle
-- guessing across every node. Timestamps are epoch milliseconds. Keep in
-- step with ../pg/0002_accounts.sql (same tables and columns).

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,            -- as given: "Li.Wei"
    name_key TEXT NOT NULL UNIQUE, -- lowercase: names are unique without regard to case
    role TEXT NOT NULL CHECK (role IN ('admin', 'officer', 'leader', 'reporter', 'viewer')),
    password_hash TEXT NOT NULL,   -- libsodium crypto_pwhash_str (Argon2id)
    lang TEXT NOT NULL DEFAULT 'zh' CHECK (lang IN ('zh', 'en')),
    created_at INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    disabled_at INTEGER            -- NULL while the account may log in
);

CREATE TABLE user_units (
    user_id INTEGER NOT NULL REFERENCES users (id),
    unit TEXT NOT NULL,
    PRIMARY KEY (user_id, unit)
);

CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,      -- BLAKE2b-256 hex of the session id; the id is never stored
    user_id INTEGER NOT NULL REFERENCES users (id),
    created_at INTEGER NOT NULL,
    last_seen INTEGER NOT NULL,
    expires_at INTEGER NOT NULL    -- absolute limit, whatever the activity
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    name TEXT NOT NULL,            -- a label, may be ''
    token_hash TEXT NOT NULL UNIQUE, -- BLAKE2b-256 hex of the token
    created_at INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    expires_at INTEGER,            -- NULL: never
    last_used_at INTEGER,
    revoked_at INTEGER
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE login_throttle (
    key TEXT PRIMARY KEY,          -- BLAKE2b of "user:NAME" or "addr:ADDRESS"
    window_start INTEGER NOT NULL, -- first failure of the current window
    failures INTEGER NOT NULL
);
