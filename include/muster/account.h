/* SPDX-License-Identifier: MIT */
/*
 * Accounts and access: roles and what each may do, the password and name
 * rules, the users in the store, and authentication for the HTTP layer
 * (password login into a browser session with a CSRF token, and API
 * tokens). Passwords are hashed with Argon2id (libsodium crypto_pwhash_str,
 * OPSLIMIT/MEMLIMIT_INTERACTIVE); session ids and API tokens are 32 random
 * bytes and only their BLAKE2b-256 hash is stored. Secrets never reach the
 * audit log. See docs/internals/accounts.md.
 *
 * Functions that take a store follow include/muster/store.h: one thread at
 * a time per store, every change audited in its own transaction.
 */
#ifndef MUSTER_ACCOUNT_H
#define MUSTER_ACCOUNT_H

#include "err.h"
#include "store.h"
#include <stddef.h>
#include <stdint.h>

/* ---- limits and policy ---- */

#define MU_USERNAME_MAX 64       /* bytes of [A-Za-z0-9._@-] */
#define MU_PASSWORD_MIN_CHARS 10 /* characters (UTF-8 code points) */
#define MU_PASSWORD_MAX_BYTES 1024
#define MU_USER_MAX_UNITS 256  /* units assigned to one user */
#define MU_TOKEN_LABEL_MAX 100 /* bytes of a token's name */

#define MU_AUTH_SECRET_LEN 43  /* 32 random bytes, base64url without padding */
#define MU_TOKEN_PREFIX "mst_" /* API tokens: "mst_" + 43 characters */
#define MU_TOKEN_LEN (4 + MU_AUTH_SECRET_LEN)

#define MU_SESSION_IDLE_MS (12 * 3600 * 1000LL)         /* ends after 12 h unused */
#define MU_SESSION_ABSOLUTE_MS (7 * 24 * 3600 * 1000LL) /* and 7 days after login */
#define MU_SESSION_TOUCH_MS (60 * 1000LL)     /* last_seen is written at most once a minute */
#define MU_LOGIN_MAX_FAILURES 5               /* failures per account, and per address, */
#define MU_LOGIN_WINDOW_MS (15 * 60 * 1000LL) /* within this window block further logins */

/* ---- roles and permissions (pure) ---- */

/** A user's role. MU_ROLE_NONE (zero) may do nothing, so a zeroed principal fails closed. */
enum mu_role {
    MU_ROLE_NONE = 0,
    MU_ROLE_ADMIN,    /* everything, including users, tokens and settings */
    MU_ROLE_OFFICER,  /* office staff: read and change the organisation's data */
    MU_ROLE_LEADER,   /* read and change (acknowledge, decide, activate) */
    MU_ROLE_REPORTER, /* only the units assigned to them */
    MU_ROLE_VIEWER,   /* read only */
};

/* For messages: the valid role names in order. */
#define MU_ROLE_NAMES "admin, officer, leader, reporter or viewer"

/** Classes of routes; every API route belongs to one. */
enum mu_action {
    MU_ACTION_READ = 0,   /* read organisation-wide data (plans, boards, incidents) */
    MU_ACTION_WRITE,      /* change organisation-wide data */
    MU_ACTION_ADMIN,      /* users, tokens, settings, loading plans */
    MU_ACTION_UNIT_READ,  /* read the data of one unit */
    MU_ACTION_UNIT_WRITE, /* report for one unit (check-ins, hazards, incidents) */
    MU_ACTION_MANAGE,     /* office management (officers and admins): the roster, case files */
};

/** What a role may do for an action. */
enum mu_grant {
    MU_GRANT_NONE = 0,  /* refused (403) */
    MU_GRANT_ALL,       /* allowed, for every unit */
    MU_GRANT_OWN_UNITS, /* allowed only for the units assigned to the user */
};

/** The role named @p s ("admin" ...) into *out; 0 when there is no such role. */
MU_API int mu_role_parse(const char *s, enum mu_role *out);

/** "admin", "officer", ...; "none" for MU_ROLE_NONE or an out-of-range value. Static. */
MU_API const char *mu_role_name(enum mu_role role);

/**
 * The permission table: what @p role may do for @p action. Unknown roles and
 * actions get MU_GRANT_NONE. Pure; thread-safe.
 */
MU_API enum mu_grant mu_role_can(enum mu_role role, enum mu_action action);

/* ---- names and secrets (pure) ---- */

/** 1..64 bytes of [A-Za-z0-9._@-]; MU_EINVAL (field "name") naming the rule otherwise. */
MU_API enum mu_err mu_username_check(const char *name, struct mu_error *err);

/** A unit id as in plan files: [a-z0-9][a-z0-9_-]{0,63}; MU_EINVAL (field "unit"). */
MU_API enum mu_err mu_unit_check(const char *unit, struct mu_error *err);

/**
 * The password policy for @p pw (@p len bytes, not necessarily
 * NUL-terminated): valid UTF-8, no control characters, at least
 * MU_PASSWORD_MIN_CHARS characters and at most MU_PASSWORD_MAX_BYTES bytes.
 * MU_EINVAL (field "password") with a message that never echoes it.
 */
MU_API enum mu_err mu_password_check(const char *pw, size_t len, struct mu_error *err);

/** 1 when @p lang is a supported UI language ("zh" or "en"). */
MU_API int mu_lang_valid(const char *lang);

/* ---- users ---- */

/** A user as stored; strings and units owned (mu_user_release / mu_users_free). */
struct mu_user {
    char *name; /* as given at creation; unique without regard to case */
    enum mu_role role;
    char **units; /* sorted; may be NULL when nunits is 0 */
    size_t nunits;
    char lang[3]; /* "zh" or "en" */
    int disabled; /* 1: cannot log in; sessions and tokens refused */
    int64_t created_at;
    char *created_by;
    int64_t disabled_at; /* 0 while enabled */
};

/** Free what @p u owns and zero it; NULL and zeroed records are fine. */
MU_API void mu_user_release(struct mu_user *u);
/** Release @p n users and free the array; NULL is fine. */
MU_API void mu_users_free(struct mu_user *v, size_t n);

/**
 * Create user @p name with @p role, @p units (array of @p nunits borrowed
 * strings; may be NULL when 0) and @p password (NUL-terminated, checked with
 * mu_password_check, hashed with Argon2id; the hash alone is stored). A
 * reporter needs at least one unit. Audit: "user.add", object "user:NAME",
 * summary "role R, units A, B". Slow by design (one Argon2id hash).
 * Errors: MU_EINVAL (name, role, unit, password), MU_ECONFLICT "user 'x'
 * already exists" (any letter case), MU_ESTORE, MU_ENOMEM.
 */
MU_API enum mu_err mu_account_user_add(struct mu_store *s, const struct mu_actor *actor,
                                       const char *name, enum mu_role role,
                                       const char *const *units, size_t nunits,
                                       const char *password, struct mu_error *err);

/**
 * Set the password of user @p name (checked and hashed as above). Every
 * session of the user ends; API tokens stay valid. Audit "user.passwd".
 * Errors: MU_EINVAL, MU_ENOTFOUND "no user 'x'", MU_ESTORE.
 */
MU_API enum mu_err mu_account_user_passwd(struct mu_store *s, const struct mu_actor *actor,
                                          const char *name, const char *password,
                                          struct mu_error *err);

/**
 * Disable (@p disabled = 1) or enable (0) user @p name. Disabling ends every
 * session of the user and makes their API tokens fail verification (the
 * tokens are kept, and work again when the user is enabled). Audit
 * "user.disable" / "user.enable"; a call that changes nothing appends
 * nothing. *changed (may be NULL) tells which. MU_ENOTFOUND "no user 'x'".
 */
MU_API enum mu_err mu_store_user_set_disabled(struct mu_store *s, const struct mu_actor *actor,
                                              const char *name, int disabled, int *changed,
                                              struct mu_error *err);

/** Read user @p name (any letter case) into @p out (filled only on success). MU_ENOTFOUND. */
MU_API enum mu_err mu_store_user_get(struct mu_store *s, const char *name, struct mu_user *out,
                                     struct mu_error *err);

/** Every user, ordered by name; *out (mu_users_free) may be NULL when there are none. */
MU_API enum mu_err mu_store_user_list(struct mu_store *s, struct mu_user **out, size_t *count,
                                      struct mu_error *err);

/**
 * The language preference of user @p name: @p lang "zh" or "en" (MU_EINVAL
 * otherwise), audit "user.lang" when it changes. Get it from
 * mu_store_user_get() (field lang) or from the principal.
 */
MU_API enum mu_err mu_store_user_set_lang(struct mu_store *s, const struct mu_actor *actor,
                                          const char *name, const char *lang, struct mu_error *err);

/* ---- who is calling: sessions and tokens ---- */

enum mu_auth_via { MU_AUTH_NONE = 0, MU_AUTH_SESSION, MU_AUTH_TOKEN };

/**
 * An authenticated caller. Caller-allocated (zero it first); units owned,
 * release with mu_principal_release(). A zeroed principal may do nothing.
 */
struct mu_principal {
    char name[MU_USERNAME_MAX + 1];
    enum mu_role role;
    char **units; /* sorted; owned */
    size_t nunits;
    char lang[3];
    enum mu_auth_via via;
    char csrf[MU_AUTH_SECRET_LEN + 1]; /* sessions: the CSRF token; "" for tokens */
    int64_t token_id;                  /* tokens: the token's id; 0 for sessions */
    int64_t expires_at;                /* when it stops working if unused (0: never) */
};

/** Free the units of @p p and zero it; NULL is fine. */
MU_API void mu_principal_release(struct mu_principal *p);

/** A deep copy of @p from into @p to (release it); @p to is zeroed on MU_ENOMEM. */
MU_API enum mu_err mu_principal_copy(struct mu_principal *to, const struct mu_principal *from,
                                     struct mu_error *err);

/**
 * Whether @p p may do @p action; for the unit actions, on unit @p unit
 * (NULL: the route names no unit, which a unit-scoped role may not use).
 * 1 allowed, 0 refused.
 */
MU_API int mu_principal_can(const struct mu_principal *p, enum mu_action action, const char *unit);

/** A new browser session, as returned by mu_auth_login(). */
struct mu_session_new {
    char id[MU_AUTH_SECRET_LEN + 1];   /* the cookie value; shown once, stored hashed */
    char csrf[MU_AUTH_SECRET_LEN + 1]; /* for the X-CSRF-Token header */
    int64_t expires_at;                /* absolute end (login + 7 days) */
};

/**
 * Log in with @p username and @p password (NUL-terminated, borrowed) from
 * @p remote_addr (may be NULL or ""), at @p now_ms. On success a new session
 * (fresh random id) is stored and returned in @p out; audit "auth.login".
 * Errors:
 *  - MU_ELIMIT "too many failed logins; try again in N minutes" when the
 *    account or the address had MU_LOGIN_MAX_FAILURES failures within
 *    MU_LOGIN_WINDOW_MS (the password is then not even checked): HTTP 429.
 *  - MU_EINVAL "wrong user name or password" for an unknown user or a wrong
 *    password, MU_EINVAL "user 'x' is disabled" for a disabled account
 *    given its right password: HTTP 401. Each counts as a failure for the
 *    account and the address; failures of existing accounts are audited
 *    ("auth.login_failed"). Unknown users take as long as known ones (a
 *    hash is verified either way).
 *  - MU_ESTORE, MU_ENOMEM.
 * Slow by design (one Argon2id verification, ~50 ms).
 */
MU_API enum mu_err mu_auth_login(struct mu_store *s, const char *username, const char *password,
                                 const char *remote_addr, int64_t now_ms,
                                 struct mu_session_new *out, struct mu_error *err);

/**
 * The principal of session @p session_id (the cookie value) at @p now_ms,
 * with its CSRF token, into @p out (zeroed first, filled only on success).
 * MU_ENOTFOUND (HTTP 401) when the id is malformed or unknown, the session
 * has been idle for MU_SESSION_IDLE_MS or is older than
 * MU_SESSION_ABSOLUTE_MS (it is then deleted), or the user is disabled.
 * Records activity at most once per MU_SESSION_TOUCH_MS.
 */
MU_API enum mu_err mu_auth_session_lookup(struct mu_store *s, const char *session_id,
                                          int64_t now_ms, struct mu_principal *out,
                                          struct mu_error *err);

/**
 * End session @p session_id; audit "auth.logout". Ending an unknown or
 * malformed session is not an error (logging out twice is fine).
 */
MU_API enum mu_err mu_auth_logout(struct mu_store *s, const char *session_id, int64_t now_ms,
                                  struct mu_error *err);

/**
 * 1 when @p header_value (the X-CSRF-Token header; may be NULL) equals the
 * CSRF token of session principal @p p, compared in constant time; 0
 * otherwise, and always 0 for a principal without a session.
 */
MU_API int mu_auth_csrf_check(const struct mu_principal *p, const char *header_value);

/* ---- API tokens ---- */

/**
 * Create an API token for user @p user with label @p label (may be NULL or
 * "", at most MU_TOKEN_LABEL_MAX bytes), expiring at @p expires_at (epoch
 * ms, 0 = never; must be after actor->now_ms). @p token gets the token
 * ("mst_" + 43 characters): show it once, it cannot be read back. *id
 * (may be NULL) gets its id. Audit "token.create", object "token:ID".
 * Errors: MU_EINVAL, MU_ENOTFOUND (no such user), MU_ESTORE.
 */
MU_API enum mu_err mu_auth_token_create(struct mu_store *s, const struct mu_actor *actor,
                                        const char *user, const char *label, int64_t expires_at,
                                        char token[MU_TOKEN_LEN + 1], int64_t *id,
                                        struct mu_error *err);

/**
 * The principal of API token @p token at @p now_ms into @p out (zeroed
 * first, filled only on success; via MU_AUTH_TOKEN, no CSRF token).
 * MU_ENOTFOUND (HTTP 401) when the token is malformed, unknown, revoked,
 * expired, or its user is disabled. Records last use at most once a minute.
 */
MU_API enum mu_err mu_auth_token_verify(struct mu_store *s, const char *token, int64_t now_ms,
                                        struct mu_principal *out, struct mu_error *err);

/**
 * A small cache of verified API tokens, keyed by the token's hash (the
 * token itself is not kept), for one thread: no locking. A server keeps one
 * per worker thread so that a busy integration does not cost a database
 * lookup per request.
 */
struct mu_token_cache;

/** A new, empty cache (mu_token_cache_free), or NULL without memory. */
MU_API struct mu_token_cache *mu_token_cache_new(void);
MU_API void mu_token_cache_free(struct mu_token_cache *c);

/**
 * 1 with the principal of @p token in @p out (release it) when @p c holds
 * it from a verification under data version @p version that is still good
 * at @p now_ms (the token has not expired and its last use is not due to
 * be recorded); 0 otherwise, @p out zeroed. @p version is a number that
 * changes whenever tokens or users may have changed: it must be read
 * before the store is (see mu_store_local_changes()).
 */
MU_API int mu_token_cache_get(const struct mu_token_cache *c, const char *token,
                              uint64_t version, int64_t now_ms, struct mu_principal *out);

/**
 * mu_auth_token_verify() that also remembers the answer in @p c under
 * @p version (a refused token is forgotten), for mu_token_cache_get().
 */
MU_API enum mu_err mu_auth_token_verify_cached(struct mu_token_cache *c, struct mu_store *s,
                                               uint64_t version, const char *token,
                                               int64_t now_ms, struct mu_principal *out,
                                               struct mu_error *err);

/** A token in the list: never the token itself. Strings owned (mu_token_infos_free). */
struct mu_token_info {
    int64_t id;
    char *user;
    char *name; /* the label, "" when none */
    int64_t created_at;
    char *created_by;
    int64_t expires_at;   /* 0: never */
    int64_t last_used_at; /* 0: never used */
    int64_t revoked_at;   /* 0: not revoked */
};

/**
 * The tokens of user @p user (NULL: of everyone), ordered by id. *out may
 * be NULL when there are none. MU_ENOTFOUND when @p user does not exist.
 */
MU_API enum mu_err mu_store_token_list(struct mu_store *s, const char *user,
                                       struct mu_token_info **out, size_t *count,
                                       struct mu_error *err);
MU_API void mu_token_infos_free(struct mu_token_info *v, size_t n);

/**
 * Revoke token @p id: it fails verification from now on. Audit
 * "token.revoke". Revoking a revoked token changes nothing and appends
 * nothing; *changed (may be NULL) tells which. MU_ENOTFOUND "no token N".
 */
MU_API enum mu_err mu_store_token_revoke(struct mu_store *s, const struct mu_actor *actor,
                                         int64_t id, int *changed, struct mu_error *err);

#endif
