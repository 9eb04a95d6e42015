/* SPDX-License-Identifier: MIT */
/*
 * Acknowledgement tokens in the store (table ack_tokens, muster/ack.h):
 * creating one by its BLAKE2b hash (audited "ack_token.create", never with
 * the token or its hash), finding one by its hash, and marking it used,
 * which is audited by the acknowledgement it is part of.
 */
#include "store/store_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <muster/ack.h>
#include <muster/date.h>
#include <muster/mem.h>

#include "core/account.h"
#include "util/banned.h"

void mu_ack_token_release(struct mu_ack_token *t)
{
    if (!t)
        return;
    mu_free(t->person);
    memset(t, 0, sizeof(*t));
}

static int hash_ok(const char *h)
{
    if (!h || strlen(h) != MU_AUTH_HASH_HEX)
        return 0;
    for (const char *p = h; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
            return 0;
    return 1;
}

enum mu_err mu_store_ack_token_create(struct mu_store *s, const struct mu_actor *actor,
                                      int64_t incident, const char *person,
                                      const char *token_hash, int64_t expires_at, int64_t *id,
                                      struct mu_error *err)
{
    char object[40], summary[MU_STORE_MAX_NAME + 80], when[26];
    int64_t tid = 0, one = 0;
    int has = 0;
    enum mu_err rc;
    if (id)
        *id = 0;
    if ((rc = mu_store_check_actor(actor, err)))
        return rc;
    if (!person || !*person || strlen(person) > MU_STORE_MAX_NAME)
        return mu_error_field(err, MU_EINVAL, "person", "ack token person is empty or too long");
    if (!hash_ok(token_hash))
        return mu_error_set(err, MU_EINVAL, "ack token hash is malformed");
    if (expires_at <= actor->now_ms)
        return mu_error_field(err, MU_EINVAL, "expires", "ack token expiry is not in the future");
    if ((rc = mu_store_tx_enter(s, err)))
        return rc;
    struct mu_db_val pi[] = {MU_DB_INT(incident)};
    rc = mu_db_query_int(s->db, "SELECT id FROM incidents WHERE id = $1", pi, 1, &one, &has, err);
    if (rc == MU_OK && !has)
        rc = mu_error_set(err, MU_ENOTFOUND, "no incident %" PRId64, incident);
    if (rc)
        goto out;
    struct mu_db_val p[] = {MU_DB_INT(incident), MU_DB_TEXT(person), MU_DB_TEXT(token_hash),
                            MU_DB_INT(actor->now_ms), MU_DB_INT(expires_at)};
    rc = mu_db_query_int(s->db,
                         "INSERT INTO ack_tokens (incident_id, person, token_hash, created_at, "
                         "expires_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
                         p, 5, &tid, &has, err);
    if (rc == MU_OK && !has)
        rc = mu_error_set(err, MU_ESTORE, "adding an ack token returned no id");
    if (rc)
        goto out;
    mu_local_format(expires_at, when);
    snprintf(object, sizeof(object), "incident:%" PRId64, incident);
    snprintf(summary, sizeof(summary), "ack link %" PRId64 " for %s, expires %s", tid, person,
             when);
    rc = mu_store_audit_append_tx(s, actor, "ack_token.create", object, summary, err);
    if (rc == MU_OK && id)
        *id = tid;
out:
    return mu_store_tx_leave(s, rc, err);
}

enum mu_err mu_store_ack_token_find(struct mu_store *s, const char *token_hash, int *found,
                                    struct mu_ack_token *out, struct mu_error *err)
{
    struct mu_db_rows *r = NULL;
    int has = 0;
    *found = 0;
    if (!hash_ok(token_hash))
        return MU_OK;
    struct mu_db_val p[] = {MU_DB_TEXT(token_hash)};
    enum mu_err rc = mu_db_query_row(s->db,
                                     "SELECT id, incident_id, person, created_at, expires_at, "
                                     "used_at FROM ack_tokens WHERE token_hash = $1",
                                     p, 1, &r, &has, err);
    if (rc == MU_OK && has) {
        memset(out, 0, sizeof(*out));
        out->id = mu_db_int(r, 0);
        out->incident_id = mu_db_int(r, 1);
        out->person = mu_db_dup(r, 2);
        out->created_at = mu_db_int(r, 3);
        out->expires_at = mu_db_int(r, 4);
        out->used_at = mu_db_is_null(r, 5) ? 0 : mu_db_int(r, 5);
        if (!out->person)
            rc = mu_error_set(err, MU_ENOMEM, "out of memory reading an ack token");
        else
            *found = 1;
    }
    mu_db_finish(r);
    return rc;
}

enum mu_err mu_store_ack_token_use(struct mu_store *s, int64_t id, int64_t at, int *marked,
                                   struct mu_error *err)
{
    size_t n = 0;
    struct mu_db_val p[] = {MU_DB_INT(at), MU_DB_INT(id)};
    *marked = 0;
    enum mu_err rc = mu_store_tx_enter(s, err);
    if (rc)
        return rc;
    rc = mu_db_count(s->db,
                     "UPDATE ack_tokens SET used_at = $1 WHERE id = $2 AND used_at IS NULL "
                     "RETURNING id",
                     p, 2, &n, err);
    if (rc == MU_OK)
        *marked = n == 1;
    return mu_store_tx_leave(s, rc, err);
}
