/* SPDX-License-Identifier: MIT */
/*
 * API tokens in the store: adding one (its BLAKE2b hash, never the token),
 * listing and revoking. Creation and revocation are audited; the last-used
 * stamp is bookkeeping and is not. Finding a token by its hash for
 * verification (mu_store_token_find) is in store_session.c, where it shares
 * the code of the session lookup.
 */
#include "store/store_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <muster/date.h>
#include <muster/mem.h>

#include "core/account.h"
#include "util/banned.h"

void mu_token_infos_free(struct mu_token_info *v, size_t n)
{
    if (!v)
        return;
    for (size_t i = 0; i < n; i++) {
        mu_free(v[i].user);
        mu_free(v[i].name);
        mu_free(v[i].created_by);
    }
    mu_free(v);
}

/* The id of user @p name (any case) and its stored name; MU_ENOTFOUND otherwise. */
static enum mu_err find_user(struct mu_store *s, const char *name, int64_t *id,
                             char stored[MU_USERNAME_MAX + 1], struct mu_error *err)
{
    char key[MU_USERNAME_MAX + 1];
    struct mu_db_rows *r = NULL;
    int has = 0;
    if (mu_username_check(name, NULL))
        return mu_error_field(err, MU_ENOTFOUND, "user", "no user '%.64s'", name ? name : "");
    mu_username_key(name, key);
    struct mu_db_val p[] = {MU_DB_TEXT(key)};
    enum mu_err rc = mu_db_query_row(s->db, "SELECT id, name FROM users WHERE name_key = $1", p, 1,
                                     &r, &has, err);
    if (rc == MU_OK && !has)
        rc = mu_error_field(err, MU_ENOTFOUND, "user", "no user '%s'", name);
    if (rc == MU_OK) {
        *id = mu_db_int(r, 0);
        snprintf(stored, MU_USERNAME_MAX + 1, "%s", mu_db_text(r, 1));
    }
    mu_db_finish(r);
    return rc;
}

/* "2024-03-31T08:00:00Z" for the audit summary. */
static void utc(int64_t ms, char out[32])
{
    int64_t secs = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
    int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
    int64_t rem = secs - days * 86400;
    int y = 0, m = 0, d = 0;
    mu_date_to_ymd((int32_t)days, &y, &m, &d);
    snprintf(out, 32, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d, (int)(rem / 3600),
             (int)(rem / 60 % 60), (int)(rem % 60));
}

enum mu_err mu_store_token_add(struct mu_store *s, const struct mu_actor *actor, const char *user,
                               const char *label, const char *token_hash, int64_t expires_at,
                               int64_t *id, struct mu_error *err)
{
    char stored[MU_USERNAME_MAX + 1], object[40], summary[MU_TOKEN_LABEL_MAX + 160], when[32];
    int64_t uid = 0, tid = 0;
    int has = 0;
    enum mu_err rc;
    if (id)
        *id = 0;
    if (!label)
        label = "";
    if ((rc = mu_store_check_actor(actor, err)))
        return rc;
    if (strlen(label) > MU_TOKEN_LABEL_MAX || strpbrk(label, "\r\n\t"))
        return mu_error_field(err, MU_EINVAL, "name",
                              "token name must be one line of at most %d bytes",
                              MU_TOKEN_LABEL_MAX);
    if (!token_hash || strlen(token_hash) != MU_AUTH_HASH_HEX)
        return mu_error_set(err, MU_EINVAL, "token hash is malformed");
    if (expires_at != 0 && expires_at <= actor->now_ms)
        return mu_error_field(err, MU_EINVAL, "expires", "token expiry is not in the future");
    if ((rc = mu_store_tx_enter(s, err)))
        return rc;
    if ((rc = find_user(s, user, &uid, stored, err)))
        goto out;
    struct mu_db_val p[] = {MU_DB_INT(uid),
                            MU_DB_TEXT(label),
                            MU_DB_TEXT(token_hash),
                            MU_DB_INT(actor->now_ms),
                            MU_DB_TEXT(actor->name),
                            expires_at ? (struct mu_db_val)MU_DB_INT(expires_at)
                                       : (struct mu_db_val)MU_DB_NULL};
    rc = mu_db_query_int(s->db,
                         "INSERT INTO api_tokens (user_id, name, token_hash, created_at, "
                         "created_by, expires_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                         p, 6, &tid, &has, err);
    if (rc == MU_OK && !has)
        rc = mu_error_set(err, MU_ESTORE, "adding a token returned no id");
    if (rc)
        goto out;
    if (expires_at)
        utc(expires_at, when);
    else
        snprintf(when, sizeof(when), "never");
    snprintf(object, sizeof(object), "token:%" PRId64, tid);
    snprintf(summary, sizeof(summary), "for user %s, name '%s', expires %s", stored, label, when);
    rc = mu_store_audit_append_tx(s, actor, "token.create", object, summary, err);
    if (rc == MU_OK && id)
        *id = tid;
out:
    return mu_store_tx_leave(s, rc, err);
}

enum mu_err mu_store_token_touch(struct mu_store *s, int64_t id, int64_t now, struct mu_error *err)
{
    struct mu_db_val p[] = {MU_DB_INT(now), MU_DB_INT(id)};
    enum mu_err rc = mu_store_tx_enter(s, err);
    if (rc)
        return rc;
    rc = mu_db_exec(s->db,
                    "UPDATE api_tokens SET last_used_at = $1 WHERE id = $2 AND "
                    "(last_used_at IS NULL OR last_used_at < $1)",
                    p, 2, err);
    return mu_store_tx_leave(s, rc, err);
}

/* Copy the current row of the token list into @p item (a struct mu_token_info). */
static enum mu_err read_token(struct mu_db_rows *r, void *item, struct mu_error *err)
{
    struct mu_token_info *t = item;
    t->id = mu_db_int(r, 0);
    t->user = mu_db_dup(r, 1);
    t->name = mu_db_dup(r, 2);
    t->created_at = mu_db_int(r, 3);
    t->created_by = mu_db_dup(r, 4);
    t->expires_at = mu_db_is_null(r, 5) ? 0 : mu_db_int(r, 5);
    t->last_used_at = mu_db_is_null(r, 6) ? 0 : mu_db_int(r, 6);
    t->revoked_at = mu_db_is_null(r, 7) ? 0 : mu_db_int(r, 7);
    if (!t->user || !t->name || !t->created_by)
        return mu_error_set(err, MU_ENOMEM, "out of memory listing tokens");
    return MU_OK;
}

enum mu_err mu_store_token_list(struct mu_store *s, const char *user, struct mu_token_info **out,
                                size_t *count, struct mu_error *err)
{
    void *v = NULL;
    char stored[MU_USERNAME_MAX + 1];
    size_t len = 0;
    int64_t uid = 0;
    enum mu_err rc;

    *out = NULL;
    *count = 0;
    if ((rc = mu_store_tx_enter_read(s, err)))
        return rc;
    if (user && (rc = find_user(s, user, &uid, stored, err)))
        goto out;
    struct mu_db_val p[] = {MU_DB_INT(uid)};
    rc = mu_db_query_all(s->db,
                         "SELECT t.id, u.name, t.name, t.created_at, t.created_by, t.expires_at, "
                         "t.last_used_at, t.revoked_at FROM api_tokens t JOIN users u ON "
                         "u.id = t.user_id WHERE t.user_id = $1 OR $1 = 0 ORDER BY t.id",
                         p, 1, sizeof(struct mu_token_info), read_token, "listing tokens", &v, &len,
                         err);
out:
    mu_store_tx_leave(s, MU_ECONFLICT, NULL); /* read-only */
    if (rc) {
        mu_token_infos_free(v, len);
        return rc;
    }
    *out = v;
    *count = len;
    return MU_OK;
}

enum mu_err mu_store_token_revoke(struct mu_store *s, const struct mu_actor *actor, int64_t id,
                                  int *changed, struct mu_error *err)
{
    struct mu_db_rows *r = NULL;
    char object[40], summary[MU_USERNAME_MAX + 32];
    int has = 0;
    enum mu_err rc;
    if (changed)
        *changed = 0;
    if ((rc = mu_store_check_actor(actor, err)))
        return rc;
    if ((rc = mu_store_tx_enter(s, err)))
        return rc;
    struct mu_db_val p[] = {MU_DB_INT(id)};
    rc = mu_db_query_row(s->db,
                         "SELECT u.name, t.revoked_at FROM api_tokens t JOIN users u ON "
                         "u.id = t.user_id WHERE t.id = $1",
                         p, 1, &r, &has, err);
    if (rc == MU_OK && !has)
        rc = mu_error_field(err, MU_ENOTFOUND, "id", "no token %" PRId64, id);
    if (rc)
        goto out;
    int revoked = !mu_db_is_null(r, 1);
    snprintf(summary, sizeof(summary), "of user %s", mu_db_text(r, 0));
    mu_db_finish(r);
    r = NULL;
    if (revoked)
        goto out;
    struct mu_db_val q[] = {MU_DB_INT(actor->now_ms), MU_DB_INT(id)};
    if ((rc = mu_db_exec(s->db, "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2", q, 2, err)))
        goto out;
    snprintf(object, sizeof(object), "token:%" PRId64, id);
    rc = mu_store_audit_append_tx(s, actor, "token.revoke", object, summary, err);
    if (rc == MU_OK && changed)
        *changed = 1;
out:
    mu_db_finish(r);
    return mu_store_tx_leave(s, rc, err);
}
