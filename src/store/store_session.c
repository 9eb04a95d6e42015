/* SPDX-License-Identifier: MIT */
/*
 * Browser sessions and failed-login throttling in the store. A session row
 * is keyed by the BLAKE2b hash of its id (the id itself is never stored);
 * login and logout are audited, while the per-request bookkeeping (the
 * last_seen stamp, cleaning up ended sessions, the failure counters of
 * unknown user names) is not, so that the audit log records decisions
 * rather than traffic. The counters live in the database, so a limit holds
 * across every node of a cluster. Policy (how long, how many) is in
 * src/core/account.c and src/app/account.c; this file only reads and writes.
 * The lookup of an API token by its hash is here too: it is the session
 * lookup with another table (auth_find).
 */
#include "store/store_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <muster/mem.h>

#include "core/account.h"
#include "util/banned.h"

enum mu_err mu_store_principal_fill(struct mu_store *s, int64_t user_id, const char *name,
                                    const char *role, const char *lang, struct mu_principal *p,
                                    struct mu_error *err)
{
    snprintf(p->name, sizeof(p->name), "%s", name ? name : "");
    if (!mu_role_parse(role, &p->role))
        return mu_error_set(err, MU_ESTORE, "user '%s' has an unknown role '%s'", p->name,
                            role ? role : "");
    snprintf(p->lang, sizeof(p->lang), "%s", mu_lang_valid(lang) ? lang : "zh");
    return mu_store_user_units(s, user_id, &p->units, &p->nunits, err);
}

/* Look up the id and stored name of user @p name; MU_ENOTFOUND when there is none. */
static enum mu_err user_id_of(struct mu_store *s, const char *name, int64_t *id,
                              struct mu_error *err)
{
    char key[MU_USERNAME_MAX + 1];
    int found = 0;
    enum mu_err rc;
    if (mu_username_check(name, NULL))
        return mu_error_set(err, MU_ENOTFOUND, "no user '%.64s'", name ? name : "");
    mu_username_key(name, key);
    struct mu_db_val p[] = {MU_DB_TEXT(key)};
    rc = mu_db_query_int(s->db, "SELECT id FROM users WHERE name_key = $1", p, 1, id, &found, err);
    if (rc == MU_OK && !found)
        rc = mu_error_set(err, MU_ENOTFOUND, "no user '%s'", name);
    return rc;
}

enum mu_err mu_store_session_create(struct mu_store *s, const struct mu_actor *actor,
                                    const char *id_hash, int64_t expires_at, const char *clear_key,
                                    struct mu_error *err)
{
    char object[MU_USERNAME_MAX + 8];
    int64_t uid = 0;
    enum mu_err rc;
    if ((rc = mu_store_check_actor(actor, err)))
        return rc;
    if (!id_hash || strlen(id_hash) != MU_AUTH_HASH_HEX)
        return mu_error_set(err, MU_EINVAL, "session hash is malformed");
    if ((rc = mu_store_tx_enter(s, err)))
        return rc;
    if ((rc = user_id_of(s, actor->name, &uid, err)))
        goto out;
    /* Sessions that have ended go first (bookkeeping). */
    struct mu_db_val d[] = {MU_DB_INT(actor->now_ms),
                            MU_DB_INT(actor->now_ms - MU_SESSION_IDLE_MS)};
    rc = mu_db_exec(s->db, "DELETE FROM sessions WHERE expires_at <= $1 OR last_seen <= $2", d, 2,
                    err);
    if (rc)
        goto out;
    struct mu_db_val p[] = {MU_DB_TEXT(id_hash), MU_DB_INT(uid), MU_DB_INT(actor->now_ms),
                            MU_DB_INT(expires_at)};
    rc = mu_db_exec(s->db,
                    "INSERT INTO sessions (id_hash, user_id, created_at, last_seen, expires_at) "
                    "VALUES ($1, $2, $3, $3, $4)",
                    p, 4, err);
    if (rc)
        goto out;
    if (clear_key) {
        struct mu_db_val k[] = {MU_DB_TEXT(clear_key)};
        if ((rc = mu_db_exec(s->db, "DELETE FROM login_throttle WHERE key = $1", k, 1, err)))
            goto out;
    }
    snprintf(object, sizeof(object), "user:%s", actor->name);
    rc = mu_store_audit_append_tx(s, actor, "auth.login", object, "session started", err);
out:
    return mu_store_tx_leave(s, rc, err);
}

static int cmp_unit(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Find the session or API token that @p sql selects by @p hash. The columns
 * are the token id, created_at, last_seen, expires_at and revoked_at (each 0
 * when NULL), then the user's id, name, role, lang and disabled_at, then one
 * of the user's units (NULL when none): one row per unit. A single statement
 * (its own consistent snapshot, no explicit transaction), because this runs
 * on every authenticated request. See mu_store_session_find().
 */
static enum mu_err auth_find(struct mu_store *s, const char *sql, const char *hash, int *found,
                             struct mu_auth_row *row, struct mu_principal *p, struct mu_error *err)
{
    struct mu_db_rows *r = NULL;
    char role[16] = "", lang[3] = "";
    char **units = NULL;
    size_t nunits = 0, cap = 0;
    int has = 0;
    enum mu_err rc;
    *found = 0;
    memset(row, 0, sizeof(*row));
    struct mu_db_val q[] = {MU_DB_TEXT(hash)};
    rc = mu_db_query(s->db, sql, q, 1, &r, err);
    while (rc == MU_OK && (rc = mu_db_next(r, &has, err)) == MU_OK && has) {
        if (!*found) {
            *found = 1;
            row->id = mu_db_is_null(r, 0) ? 0 : mu_db_int(r, 0);
            row->created_at = mu_db_is_null(r, 1) ? 0 : mu_db_int(r, 1);
            row->last_seen = mu_db_is_null(r, 2) ? 0 : mu_db_int(r, 2);
            row->expires_at = mu_db_is_null(r, 3) ? 0 : mu_db_int(r, 3);
            row->revoked_at = mu_db_is_null(r, 4) ? 0 : mu_db_int(r, 4);
            snprintf(p->name, sizeof(p->name), "%s", mu_db_text(r, 6));
            snprintf(role, sizeof(role), "%s", mu_db_text(r, 7));
            snprintf(lang, sizeof(lang), "%s", mu_db_text(r, 8));
            row->disabled = !mu_db_is_null(r, 9);
        }
        if (mu_db_is_null(r, 10))
            continue;
        char **nv = mu_db_grow(units, sizeof(*units), nunits, &cap);
        if (nv)
            units = nv;
        if (!nv || !(units[nunits] = mu_db_dup(r, 10))) {
            rc = mu_error_set(err, MU_ENOMEM, "out of memory reading units");
            break;
        }
        nunits++;
    }
    mu_db_finish(r);
    if (nunits > 1)
        qsort(units, nunits, sizeof(*units), cmp_unit);
    p->units = units;
    p->nunits = nunits;
    if (rc == MU_OK && *found) {
        if (!mu_role_parse(role, &p->role))
            rc = mu_error_set(err, MU_ESTORE, "user '%s' has an unknown role '%s'", p->name, role);
        snprintf(p->lang, sizeof(p->lang), "%s", mu_lang_valid(lang) ? lang : "zh");
    }
    if (rc) {
        *found = 0;
        mu_principal_release(p);
    }
    return rc;
}

enum mu_err mu_store_session_find(struct mu_store *s, const char *id_hash, int *found,
                                  struct mu_auth_row *row, struct mu_principal *p,
                                  struct mu_error *err)
{
    return auth_find(s,
                     "SELECT 0, s.created_at, s.last_seen, s.expires_at, NULL, u.id, u.name, "
                     "u.role, u.lang, u.disabled_at, uu.unit FROM sessions s "
                     "JOIN users u ON u.id = s.user_id "
                     "LEFT JOIN user_units uu ON uu.user_id = u.id WHERE s.id_hash = $1",
                     id_hash, found, row, p, err);
}

enum mu_err mu_store_token_find(struct mu_store *s, const char *token_hash, int *found,
                                struct mu_auth_row *row, struct mu_principal *p,
                                struct mu_error *err)
{
    return auth_find(s,
                     "SELECT t.id, t.created_at, t.last_used_at, t.expires_at, t.revoked_at, "
                     "u.id, u.name, u.role, u.lang, u.disabled_at, uu.unit FROM api_tokens t "
                     "JOIN users u ON u.id = t.user_id "
                     "LEFT JOIN user_units uu ON uu.user_id = u.id WHERE t.token_hash = $1",
                     token_hash, found, row, p, err);
}

enum mu_err mu_store_session_touch(struct mu_store *s, const char *id_hash, int64_t now,
                                   struct mu_error *err)
{
    struct mu_db_val p[] = {MU_DB_INT(now), MU_DB_TEXT(id_hash)};
    enum mu_err rc = mu_store_tx_enter(s, err);
    if (rc)
        return rc;
    /* Never move it backwards (a node with a slower clock). */
    rc = mu_db_exec(s->db,
                    "UPDATE sessions SET last_seen = $1 WHERE id_hash = $2 AND last_seen < $1", p,
                    2, err);
    return mu_store_tx_leave(s, rc, err);
}

enum mu_err mu_store_session_delete(struct mu_store *s, const char *id_hash, int64_t now, int audit,
                                    int *deleted, struct mu_error *err)
{
    struct mu_db_rows *r = NULL;
    char name[MU_USERNAME_MAX + 1] = "", object[MU_USERNAME_MAX + 8];
    int has = 0;
    enum mu_err rc;
    if (deleted)
        *deleted = 0;
    struct mu_db_val p[] = {MU_DB_TEXT(id_hash)};
    if ((rc = mu_store_tx_enter(s, err)))
        return rc;
    rc = mu_db_query_row(s->db,
                         "SELECT u.name FROM sessions s JOIN users u ON u.id = s.user_id "
                         "WHERE s.id_hash = $1",
                         p, 1, &r, &has, err);
    if (rc == MU_OK && has)
        snprintf(name, sizeof(name), "%s", mu_db_text(r, 0));
    mu_db_finish(r);
    if (rc || !has)
        goto out;
    if ((rc = mu_db_exec(s->db, "DELETE FROM sessions WHERE id_hash = $1", p, 1, err)))
        goto out;
    if (deleted)
        *deleted = 1;
    if (audit) {
        struct mu_actor a = {.name = name, .now_ms = now};
        snprintf(object, sizeof(object), "user:%s", name);
        rc = mu_store_audit_append_tx(s, &a, "auth.logout", object, "session ended", err);
    }
out:
    return mu_store_tx_leave(s, rc, err);
}

enum mu_err mu_store_throttle_wait(struct mu_store *s, const char *const *keys, size_t n,
                                   int64_t now, int64_t *wait_ms, struct mu_error *err)
{
    enum mu_err rc = MU_OK;
    *wait_ms = 0;
    for (size_t i = 0; i < n && rc == MU_OK; i++) {
        struct mu_db_rows *r = NULL;
        struct mu_db_val p[] = {MU_DB_TEXT(keys[i])};
        int has = 0;
        rc = mu_db_query_row(s->db,
                             "SELECT window_start, failures FROM login_throttle WHERE key = $1", p,
                             1, &r, &has, err);
        if (rc == MU_OK && has) {
            int64_t w = mu_throttle_wait(mu_db_int(r, 0), mu_db_int(r, 1), now);
            if (w > *wait_ms)
                *wait_ms = w;
        }
        mu_db_finish(r);
    }
    return rc;
}

enum mu_err mu_store_throttle_fail(struct mu_store *s, int64_t now, const char *const *keys,
                                   size_t n, const char *user, const char *summary,
                                   struct mu_error *err)
{
    char object[MU_USERNAME_MAX + 8];
    enum mu_err rc = mu_store_tx_enter(s, err);
    if (rc)
        return rc;
    int64_t window_floor =
        now - MU_LOGIN_WINDOW_MS; /* windows that began at or before it have passed */
    for (size_t i = 0; i < n && rc == MU_OK; i++) {
        struct mu_db_val p[] = {MU_DB_TEXT(keys[i]), MU_DB_INT(now), MU_DB_INT(window_floor)};
        /* One statement, so concurrent failures on PostgreSQL all count. */
        rc = mu_db_exec(s->db,
                        "INSERT INTO login_throttle (key, window_start, failures) "
                        "VALUES ($1, $2, 1) ON CONFLICT (key) DO UPDATE SET "
                        "failures = CASE WHEN login_throttle.window_start > $3 "
                        "THEN login_throttle.failures + 1 ELSE 1 END, "
                        "window_start = CASE WHEN login_throttle.window_start > $3 "
                        "THEN login_throttle.window_start ELSE excluded.window_start END",
                        p, 3, err);
    }
    if (rc == MU_OK) {
        struct mu_db_val d[] = {MU_DB_INT(window_floor)};
        rc = mu_db_exec(s->db, "DELETE FROM login_throttle WHERE window_start <= $1", d, 1, err);
    }
    if (rc == MU_OK && user) {
        struct mu_actor a = {.name = user, .now_ms = now};
        snprintf(object, sizeof(object), "user:%s", user);
        rc = mu_store_audit_append_tx(s, &a, "auth.login_failed", object, summary, err);
    }
    return mu_store_tx_leave(s, rc, err);
}
