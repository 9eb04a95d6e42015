/* SPDX-License-Identifier: MIT */
/*
 * The pure rules of accounts beyond the public ones in muster/account.h:
 * the case-folded name key, the format of session ids and API tokens, how
 * secrets are hashed for storage and how the CSRF token derives from the
 * session id, session expiry and the failed-login window. No I/O, no clock,
 * no randomness: random bytes and the time are passed in.
 */
#ifndef MU_CORE_ACCOUNT_H
#define MU_CORE_ACCOUNT_H

#include <muster/account.h>
#include <sodium.h>
#include <stddef.h>
#include <stdint.h>

#define MU_AUTH_RAW_BYTES 32 /* random bytes in a session id, CSRF token or API token */
#define MU_AUTH_HASH_HEX 64  /* BLAKE2b-256 in hex */

/*
 * The cost of password hashes (Argon2id): INTERACTIVE, 2 passes over 64 MiB,
 * about 50-100 ms. See src/app/account.c for why not MODERATE.
 */
#define MU_PWHASH_OPSLIMIT crypto_pwhash_OPSLIMIT_INTERACTIVE
#define MU_PWHASH_MEMLIMIT crypto_pwhash_MEMLIMIT_INTERACTIVE

/*
 * The hash of a random password nobody knows, made with the cost above: a
 * login for an unknown user verifies against it, so that it takes as long
 * as one for a known user. tests/unit/test_account.c checks that its
 * parameters still match the cost.
 */
extern const char mu_account_dummy_hash[];

/** What a stored secret is, for domain separation of its hash. */
enum mu_secret_kind {
    MU_SECRET_SESSION, /* a session id */
    MU_SECRET_TOKEN,   /* an API token (the whole "mst_..." string) */
    MU_SECRET_THROTTLE /* a throttle key: "user:NAME" or "addr:ADDRESS" */
};

/**
 * The lowercase form of user name @p name into @p out: names are unique and
 * found without regard to ASCII letter case. @p name must pass
 * mu_username_check().
 */
void mu_username_key(const char *name, char out[MU_USERNAME_MAX + 1]);

/** Encode @p raw as base64url without padding: MU_AUTH_SECRET_LEN characters and a NUL. */
void mu_auth_secret_encode(const unsigned char raw[MU_AUTH_RAW_BYTES],
                           char out[MU_AUTH_SECRET_LEN + 1]);

/** 1 when @p s is exactly MU_AUTH_SECRET_LEN base64url characters. */
int mu_auth_secret_valid(const char *s);

/** 1 when @p s looks like an API token: MU_TOKEN_PREFIX and a valid secret. */
int mu_token_format_valid(const char *s);

/**
 * BLAKE2b-256 of @p s (@p len bytes), keyed by the kind's context string,
 * in lowercase hex: what the store keeps instead of the secret.
 */
void mu_secret_hash(enum mu_secret_kind kind, const char *s, size_t len,
                    char out[MU_AUTH_HASH_HEX + 1]);

/**
 * The CSRF token of the session whose id is @p session_id: a keyed
 * BLAKE2b-256 of the id, base64url. Nobody without the id can compute it,
 * and it reveals nothing about the id, so it needs no storage.
 */
void mu_csrf_derive(const char *session_id, char out[MU_AUTH_SECRET_LEN + 1]);

enum mu_session_state {
    MU_SESSION_VALID = 0,
    MU_SESSION_IDLE,    /* unused for MU_SESSION_IDLE_MS */
    MU_SESSION_EXPIRED, /* past its absolute end */
};

/** The state at @p now of a session last seen at @p last_seen, ending at @p expires_at. */
enum mu_session_state mu_session_state(int64_t last_seen, int64_t expires_at, int64_t now);

/** When a valid session stops working if unused: the earlier of idle and absolute end. */
int64_t mu_session_deadline(int64_t last_seen, int64_t expires_at);

/**
 * Milliseconds until a key with @p failures failures in the window that
 * began at @p window_start may log in again at @p now; 0 when it may now.
 */
int64_t mu_throttle_wait(int64_t window_start, int64_t failures, int64_t now);

/** Whole minutes to show for a wait of @p ms (rounded up, at least 1). */
int64_t mu_throttle_minutes(int64_t ms);

#endif
