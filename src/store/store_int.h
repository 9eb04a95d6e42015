/* SPDX-License-Identifier: MIT */
/*
 * Inside the store: the store object, the transaction helpers every domain
 * store function uses, and the audit append that every mutating function
 * calls inside its transaction. Not for code outside src/store (tests may
 * use it).
 */
#ifndef MU_STORE_INT_H
#define MU_STORE_INT_H

#include <muster/store.h>

#include "store/db.h"
#include "store/migrations.h"

struct mu_store {
    struct mu_db *db;                      /* owned connection */
    const struct mu_migration *migrations; /* the engine's embedded list */
    int depth;                             /* open transaction levels, 0 = none */
    int audited;          /* the open transaction appended an audit entry */
    int audited_accounts; /* ... one of scope MU_CHANGES_ACCOUNTS */
};

/* Longest accepted strings (bytes), checked before anything is written. */
#define MU_STORE_MAX_NAME 200     /* actor, action, ids, setting keys */
#define MU_STORE_MAX_SUMMARY 2000 /* audit object and summary */

/** The connection of @p s (borrowed), for tests and the migration runner. */
struct mu_db *mu_store_db(struct mu_store *s);

/** Whether audit action @p action is of scope MU_CHANGES_ACCOUNTS. */
int mu_store_action_is_account(const char *action);

/**
 * Start a unit of work: a transaction at depth 0 (BEGIN IMMEDIATE on
 * SQLite), a savepoint inside one.
 */
enum mu_err mu_store_tx_enter(struct mu_store *s, struct mu_error *err);

/** As mu_store_tx_enter() but a read-only snapshot at depth 0. */
enum mu_err mu_store_tx_enter_read(struct mu_store *s, struct mu_error *err);

/**
 * End the unit begun by mu_store_tx_enter(): commit it when @p rc is MU_OK,
 * otherwise undo it (leaving @p err as the failing step set it). Returns
 * @p rc, or the commit's error.
 */
enum mu_err mu_store_tx_leave(struct mu_store *s, enum mu_err rc, struct mu_error *err);

/** Check that @p a names someone; MU_EINVAL otherwise. */
enum mu_err mu_store_check_actor(const struct mu_actor *a, struct mu_error *err);

/**
 * Append an audit entry inside the caller's transaction (depth > 0). The
 * head row is updated first, which serializes appenders on PostgreSQL.
 */
enum mu_err mu_store_audit_append_tx(struct mu_store *s, const struct mu_actor *actor,
                                     const char *action, const char *object, const char *summary,
                                     struct mu_error *err);

/* ---- accounts: for src/app/account.c (and tests); secrets arrive hashed ---- */

#include <muster/account.h>

/**
 * Insert user @p name with @p password_hash (a crypto_pwhash_str string),
 * after the checks of mu_account_user_add(); audit "user.add".
 */
enum mu_err mu_store_user_add_hashed(struct mu_store *s, const struct mu_actor *actor,
                                     const char *name, enum mu_role role,
                                     const char *const *units, size_t nunits,
                                     const char *password_hash, struct mu_error *err);

/** Replace the password hash of @p name and end its sessions; audit "user.passwd". */
enum mu_err mu_store_user_set_password_hash(struct mu_store *s, const struct mu_actor *actor,
                                            const char *name, const char *password_hash,
                                            struct mu_error *err);

/**
 * For login: *found, and when found the stored name (@p name_out), the hash
 * (*hash owned by caller, mu_free) and *disabled.
 */
enum mu_err mu_store_user_credentials(struct mu_store *s, const char *name, int *found,
                                      char name_out[MU_USERNAME_MAX + 1], char **hash,
                                      int *disabled, struct mu_error *err);

/** The units of user @p user_id, sorted: *units owned (free each and the array). */
enum mu_err mu_store_user_units(struct mu_store *s, int64_t user_id, char ***units, size_t *n,
                                struct mu_error *err);

/** What a session or token row says, beside the principal it names. */
struct mu_auth_row {
    int64_t id;         /* token id; 0 for sessions */
    int64_t created_at;
    int64_t last_seen;  /* sessions: last activity; tokens: last use (0: never) */
    int64_t expires_at; /* 0: never (tokens only) */
    int64_t revoked_at; /* tokens: 0 when not revoked */
    int disabled;       /* the user is disabled */
};

/**
 * Store a new session for user actor->name (its stored name) with
 * @p id_hash, created now and ending at @p expires_at; clear the throttle
 * row @p clear_key (may be NULL); drop sessions that have ended; audit
 * "auth.login".
 */
enum mu_err mu_store_session_create(struct mu_store *s, const struct mu_actor *actor,
                                    const char *id_hash, int64_t expires_at,
                                    const char *clear_key, struct mu_error *err);

/**
 * Find the session with @p id_hash: *found; when found, @p row and the
 * principal @p p (name, role, units, lang; caller releases it).
 */
enum mu_err mu_store_session_find(struct mu_store *s, const char *id_hash, int *found,
                                  struct mu_auth_row *row, struct mu_principal *p,
                                  struct mu_error *err);

/** Record activity of session @p id_hash at @p now (bookkeeping, not audited). */
enum mu_err mu_store_session_touch(struct mu_store *s, const char *id_hash, int64_t now,
                                   struct mu_error *err);

/**
 * Delete the session @p id_hash; *deleted (may be NULL) tells whether there
 * was one. With @p audit an "auth.logout" entry at @p now names its user as
 * the actor; without (an ended session being cleaned up) nothing is audited.
 */
enum mu_err mu_store_session_delete(struct mu_store *s, const char *id_hash, int64_t now,
                                    int audit, int *deleted, struct mu_error *err);

/**
 * Fill @p p (zeroed by the caller) for user @p user_id with the given
 * values of its row, and load its units. For the session and token lookups.
 */
enum mu_err mu_store_principal_fill(struct mu_store *s, int64_t user_id, const char *name,
                                    const char *role, const char *lang, struct mu_principal *p,
                                    struct mu_error *err);

/** Store an API token (its hash) for @p user; *id gets its id; audit "token.create". */
enum mu_err mu_store_token_add(struct mu_store *s, const struct mu_actor *actor, const char *user,
                               const char *label, const char *token_hash, int64_t expires_at,
                               int64_t *id, struct mu_error *err);

/** As mu_store_session_find(), for the API token with @p token_hash. */
enum mu_err mu_store_token_find(struct mu_store *s, const char *token_hash, int *found,
                                struct mu_auth_row *row, struct mu_principal *p,
                                struct mu_error *err);

/** Record the use of token @p id at @p now (bookkeeping, not audited). */
enum mu_err mu_store_token_touch(struct mu_store *s, int64_t id, int64_t now,
                                 struct mu_error *err);

/** The longest wait (ms, 0: none) any of the @p n throttle @p keys imposes at @p now. */
enum mu_err mu_store_throttle_wait(struct mu_store *s, const char *const *keys, size_t n,
                                   int64_t now, int64_t *wait_ms, struct mu_error *err);

/**
 * Count a failed login against each of the @p n @p keys at actor->now_ms
 * (a new window when the old one has passed), dropping rows whose window
 * has passed. With @p user (the stored name of an existing account; may be
 * NULL) an "auth.login_failed" entry with @p summary is appended, its actor
 * the account.
 */
enum mu_err mu_store_throttle_fail(struct mu_store *s, int64_t now, const char *const *keys,
                                   size_t n, const char *user, const char *summary,
                                   struct mu_error *err);

/* ---- checks shared by the register stores (contacts, drills, hazards, resources) ---- */

/**
 * MU_EINVAL naming @p field when @p v is NULL, empty (unless
 * @p may_be_empty) or longer than @p max bytes.
 */
enum mu_err mu_store_check_str(const char *field, const char *v, size_t max, int may_be_empty,
                               struct mu_error *err);

/** The day number of a stored "YYYY-MM-DD" text, or -1 when it is NULL or not a date. */
int32_t mu_store_day_of(const char *s);

#endif
