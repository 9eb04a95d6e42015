/* SPDX-License-Identifier: MIT */
/*
 * Due notices in the store (include/muster/notice.h): adding them in
 * batches with one audit entry, cancelling the unsent ones of a reference,
 * marking one sent, and listing them with a filter. The SQL of the list is
 * put together from fixed fragments; every value is bound.
 */
#include "store/store_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <muster/mem.h>
#include <muster/notice.h>

#include "util/banned.h"

void mu_notices_free(struct mu_notice *v, size_t n)
{
    if (!v)
        return;
    for (size_t i = 0; i < n; i++) {
        mu_free(v[i].kind);
        mu_free(v[i].person);
        mu_free(v[i].subject);
        mu_free(v[i].body);
        mu_free(v[i].ref);
    }
    mu_free(v);
}

static enum mu_err check_str(const char *s, int required, size_t max, size_t i, const char *field,
                             struct mu_error *err)
{
    if (required && (!s || !*s))
        return mu_error_field(err, MU_EINVAL, field, "notice %zu: %s is empty", i + 1, field);
    if (s && strlen(s) > max)
        return mu_error_field(err, MU_EINVAL, field, "notice %zu: %s is longer than %zu bytes",
                              i + 1, field, max);
    return MU_OK;
}

static enum mu_err check_notice(const struct mu_notice_new *n, size_t i, struct mu_error *err)
{
    enum mu_err rc;
    if ((rc = check_str(n->kind, 1, MU_NOTICE_MAX_KIND, i, "kind", err)) ||
        (rc = check_str(n->person, 1, MU_NOTICE_MAX_PERSON, i, "person", err)) ||
        (rc = check_str(n->subject, 1, MU_NOTICE_MAX_SUBJECT, i, "subject", err)) ||
        (rc = check_str(n->body, 0, MU_NOTICE_MAX_BODY, i, "body", err)) ||
        (rc = check_str(n->ref, 0, MU_NOTICE_MAX_REF, i, "ref", err)))
        return rc;
    return MU_OK;
}

enum mu_err mu_store_notice_add(struct mu_store *s, const struct mu_actor *actor,
                                const struct mu_notice_new *v, size_t n, int64_t *first_id,
                                struct mu_error *err)
{
    enum mu_err rc;
    int64_t first = 0;
    if (first_id)
        *first_id = 0;
    if ((rc = mu_store_check_actor(actor, err)))
        return rc;
    if (n == 0)
        return MU_OK;
    for (size_t i = 0; i < n; i++)
        if ((rc = check_notice(&v[i], i, err)))
            return rc;
    if ((rc = mu_store_tx_enter(s, err)))
        return rc;
    for (size_t i = 0; i < n && rc == MU_OK; i++) {
        int64_t nid = 0;
        int has = 0;
        struct mu_db_val p[] = {MU_DB_TEXT(v[i].kind),
                                MU_DB_TEXT(v[i].person),
                                MU_DB_INT(v[i].due_at),
                                MU_DB_TEXT(v[i].subject),
                                MU_DB_TEXT(v[i].body ? v[i].body : ""),
                                MU_DB_TEXT(v[i].ref ? v[i].ref : ""),
                                MU_DB_INT(actor->now_ms)};
        rc = mu_db_query_int(s->db,
                             "INSERT INTO notices (kind, person, due_at, subject, body, ref, "
                             "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                             p, 7, &nid, &has, err);
        if (rc == MU_OK && !has)
            rc = mu_error_set(err, MU_ESTORE, "adding a notice returned no id");
        if (rc == MU_OK && i == 0)
            first = nid;
    }
    if (rc)
        goto out;
    char object[MU_NOTICE_MAX_REF + 16], summary[MU_NOTICE_MAX_KIND + 64];
    if (v[0].ref && *v[0].ref)
        snprintf(object, sizeof(object), "%s", v[0].ref);
    else
        snprintf(object, sizeof(object), "notice:%" PRId64, first);
    snprintf(summary, sizeof(summary), "%zu %s notice%s, first due %" PRId64, n, v[0].kind,
             n == 1 ? "" : "s", v[0].due_at);
    rc = mu_store_audit_append_tx(s, actor, "notice.add", object, summary, err);
    if (rc == MU_OK && first_id)
        *first_id = first;
out:
    return mu_store_tx_leave(s, rc, err);
}

enum mu_err mu_store_notice_cancel(struct mu_store *s, const struct mu_actor *actor,
                                   const char *ref, const char *kind, size_t *count,
                                   struct mu_error *err)
{
    enum mu_err rc;
    size_t k = 0;
    if (count)
        *count = 0;
    if ((rc = mu_store_check_actor(actor, err)))
        return rc;
    if (!ref || !*ref)
        return mu_error_field(err, MU_EINVAL, "ref", "notice reference is empty");
    if (strlen(ref) > MU_NOTICE_MAX_REF)
        return mu_error_field(err, MU_EINVAL, "ref", "notice reference is too long");
    if ((rc = mu_store_tx_enter(s, err)))
        return rc;
    if (kind) {
        struct mu_db_val p[] = {MU_DB_INT(actor->now_ms), MU_DB_TEXT(ref), MU_DB_TEXT(kind)};
        rc = mu_db_count(s->db,
                         "UPDATE notices SET cancelled_at = $1 WHERE ref = $2 AND kind = $3 "
                         "AND sent_at IS NULL AND cancelled_at IS NULL RETURNING id",
                         p, 3, &k, err);
    } else {
        struct mu_db_val p[] = {MU_DB_INT(actor->now_ms), MU_DB_TEXT(ref)};
        rc = mu_db_count(s->db,
                         "UPDATE notices SET cancelled_at = $1 WHERE ref = $2 "
                         "AND sent_at IS NULL AND cancelled_at IS NULL RETURNING id",
                         p, 2, &k, err);
    }
    if (rc == MU_OK && k > 0) {
        char summary[MU_NOTICE_MAX_KIND + 64];
        snprintf(summary, sizeof(summary), "%zu unsent %s notice%s cancelled", k,
                 kind ? kind : "", k == 1 ? "" : "s");
        rc = mu_store_audit_append_tx(s, actor, "notice.cancel", ref, summary, err);
    }
    if (rc == MU_OK && count)
        *count = k;
    return mu_store_tx_leave(s, rc, err);
}

enum mu_err mu_store_notice_mark_sent(struct mu_store *s, const struct mu_actor *actor,
                                      int64_t id, struct mu_error *err)
{
    enum mu_err rc;
    struct mu_db_rows *r = NULL;
    int has = 0;
    if ((rc = mu_store_check_actor(actor, err)))
        return rc;
    if ((rc = mu_store_tx_enter(s, err)))
        return rc;
    struct mu_db_val p[] = {MU_DB_INT(id)};
    rc = mu_db_query_row(s->db, "SELECT sent_at, cancelled_at FROM notices WHERE id = $1", p, 1, &r,
                         &has, err);
    if (rc == MU_OK && !has)
        rc = mu_error_set(err, MU_ENOTFOUND, "no notice %" PRId64, id);
    if (rc == MU_OK && (!mu_db_is_null(r, 0) || !mu_db_is_null(r, 1)))
        rc = mu_error_set(err, MU_ECONFLICT, "notice %" PRId64 " was already %s", id,
                          mu_db_is_null(r, 0) ? "cancelled" : "sent");
    mu_db_finish(r);
    r = NULL;
    if (rc)
        goto out;
    struct mu_db_val q[] = {MU_DB_INT(actor->now_ms), MU_DB_INT(id)};
    rc = mu_db_exec(s->db, "UPDATE notices SET sent_at = $1 WHERE id = $2", q, 2, err);
    if (rc == MU_OK) {
        char object[40];
        snprintf(object, sizeof(object), "notice:%" PRId64, id);
        rc = mu_store_audit_append_tx(s, actor, "notice.sent", object, "sent", err);
    }
out:
    return mu_store_tx_leave(s, rc, err);
}

/* Copy the current row of the list query into @p item (a struct mu_notice). */
static enum mu_err read_notice(struct mu_db_rows *r, void *item, struct mu_error *err)
{
    struct mu_notice *e = item;
    e->id = mu_db_int(r, 0);
    e->kind = mu_db_dup(r, 1);
    e->person = mu_db_dup(r, 2);
    e->due_at = mu_db_int(r, 3);
    e->subject = mu_db_dup(r, 4);
    e->body = mu_db_dup(r, 5);
    e->ref = mu_db_dup(r, 6);
    e->created_at = mu_db_int(r, 7);
    e->sent_at = mu_db_is_null(r, 8) ? 0 : mu_db_int(r, 8);
    e->cancelled_at = mu_db_is_null(r, 9) ? 0 : mu_db_int(r, 9);
    if (!e->kind || !e->person || !e->subject || !e->body || !e->ref)
        return mu_error_set(err, MU_ENOMEM, "out of memory listing notices");
    return MU_OK;
}

enum mu_err mu_store_notice_list(struct mu_store *s, const struct mu_notice_filter *f,
                                 struct mu_notice **out, size_t *count, struct mu_error *err)
{
    static const struct mu_notice_filter none = {0};
    char sql[1024];
    struct mu_db_val p[8];
    void *v = NULL;
    size_t n = 0;
    int np = 0;
    enum mu_err rc;
    *out = NULL;
    *count = 0;
    if (!f)
        f = &none;
    snprintf(sql, sizeof(sql),
             "SELECT id, kind, person, due_at, subject, body, ref, created_at, sent_at, "
             "cancelled_at FROM notices WHERE 1 = 1");
    if (f->due_from || f->due_to) {
        mu_db_add_param(sql, sizeof(sql), p, &np,
                        " AND due_at >= ", (struct mu_db_val)MU_DB_INT(f->due_from), "");
        mu_db_add_param(sql, sizeof(sql), p, &np, " AND due_at < ",
                        (struct mu_db_val)MU_DB_INT(f->due_to), "");
    }
    if (f->kind) {
        size_t kl = strlen(f->kind);
        if (kl > 0 && f->kind[kl - 1] == '.') {
            /* A prefix: "roster." matches "roster.reminder"; no LIKE, so no escaping. */
            mu_db_add_param(sql, sizeof(sql), p, &np, " AND substr(kind, 1, ",
                            (struct mu_db_val)MU_DB_INT((int64_t)kl), ")");
            mu_db_add_param(sql, sizeof(sql), p, &np, " = ", MU_DB_TEXT(f->kind), "");
        } else {
            mu_db_add_param(sql, sizeof(sql), p, &np, " AND kind = ", MU_DB_TEXT(f->kind), "");
        }
    }
    if (f->person)
        mu_db_add_param(sql, sizeof(sql), p, &np, " AND person = ", MU_DB_TEXT(f->person), "");
    if (f->ref)
        mu_db_add_param(sql, sizeof(sql), p, &np, " AND ref = ", MU_DB_TEXT(f->ref), "");
    size_t len = strlen(sql);
    if (f->pending_only)
        snprintf(sql + len, sizeof(sql) - len, " AND sent_at IS NULL AND cancelled_at IS NULL");
    else if (!f->include_cancelled)
        snprintf(sql + len, sizeof(sql) - len, " AND cancelled_at IS NULL");
    len = strlen(sql);
    snprintf(sql + len, sizeof(sql) - len, " ORDER BY due_at, id");
    if (f->limit)
        mu_db_add_param(sql, sizeof(sql), p, &np, " LIMIT ",
                        (struct mu_db_val)MU_DB_INT((int64_t)f->limit), "");
    if ((rc = mu_store_tx_enter_read(s, err)))
        return rc;
    rc = mu_db_query_all(s->db, sql, p, np, sizeof(struct mu_notice), read_notice,
                         "listing notices", &v, &n, err);
    rc = mu_store_tx_leave(s, rc, err);
    if (rc) {
        mu_notices_free(v, n);
        return rc;
    }
    *out = v;
    *count = n;
    return MU_OK;
}
