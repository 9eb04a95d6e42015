/* SPDX-License-Identifier: MIT */
/*
 * The engine's timers in the store (include/muster/engine.h): arm, claim
 * inside the caller's transaction (FOR UPDATE SKIP LOCKED on PostgreSQL;
 * SQLite's BEGIN IMMEDIATE already makes the claimer the only writer),
 * delete when fired, defer when the effects failed, and the next due time.
 * Timers are the engine's bookkeeping: they are not audited themselves, the
 * changes that arm them and the effects of firing them are.
 */
#include "store/store_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <muster/engine.h>
#include <muster/mem.h>

#include "util/banned.h"

static int is_pg(struct mu_store *s)
{
    return strcmp(mu_store_engine(s), "postgres") == 0;
}

void mu_timers_free(struct mu_timer *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) {
        mu_free(v[i].kind);
        mu_free(v[i].ref);
        mu_free(v[i].payload);
        mu_free(v[i].last_error);
    }
    mu_free(v);
}

static enum mu_err check(const char *what, const char *v, size_t max, int may_be_empty,
                         struct mu_error *err)
{
    if (!v || (!may_be_empty && !*v))
        return mu_error_field(err, MU_EINVAL, what, "timer %s is empty", what);
    if (strlen(v) > max)
        return mu_error_field(err, MU_EINVAL, what, "timer %s is longer than %zu bytes", what,
                              max);
    return MU_OK;
}

enum mu_err mu_store_timer_arm(struct mu_store *s, int64_t due_at, const char *kind,
                               const char *ref, const char *payload, int64_t *id,
                               struct mu_error *err)
{
    enum mu_err rc;
    int64_t new_id = 0;
    int found = 0;
    if ((rc = check("kind", kind, MU_TIMER_MAX_KIND, 0, err)) ||
        (rc = check("ref", ref, MU_TIMER_MAX_REF, 0, err)) ||
        (rc = check("payload", payload ? payload : "", MU_TIMER_MAX_PAYLOAD, 1, err)))
        return rc;
    struct mu_db_val p[] = {MU_DB_INT(due_at), MU_DB_TEXT(kind), MU_DB_TEXT(ref),
                            MU_DB_TEXT(payload ? payload : ""), MU_DB_INT(due_at)};
    /* created_at is the due time's clock domain too: the engine's clock may be virtual. */
    rc = mu_db_query_int(s->db,
                         "INSERT INTO timers (due_at, kind, ref, payload, created_at) "
                         "VALUES ($1, $2, $3, $4, $5) RETURNING id",
                         p, 5, &new_id, &found, err);
    if (rc == MU_OK && id)
        *id = new_id;
    return rc;
}

enum mu_err mu_store_timer_claim(struct mu_store *s, const char *node, int64_t now,
                                 int64_t lease_ms, size_t max, struct mu_timer **out, size_t *n,
                                 struct mu_error *err)
{
    struct mu_db_rows *r = NULL;
    struct mu_timer *v = NULL;
    size_t k = 0;
    int has = 0;
    enum mu_err rc;
    *out = NULL;
    *n = 0;
    if (s->depth <= 0)
        return mu_error_set(err, MU_EINVAL, "timers are claimed inside a transaction");
    if ((rc = check("node", node, MU_STORE_MAX_NAME, 0, err)))
        return rc;
    if (max == 0)
        return MU_OK;
    if (max > 10000)
        max = 10000;
    v = mu_calloc(max, sizeof(*v));
    if (!v)
        return mu_error_set(err, MU_ENOMEM, "out of memory");
    struct mu_db_val p[] = {MU_DB_INT(now), MU_DB_INT((int64_t)max)};
    rc = mu_db_query(s->db,
                     is_pg(s) ? "SELECT id, due_at, kind, ref, payload, attempts, last_error "
                                "FROM timers WHERE due_at <= $1 AND (claimed_until IS NULL OR "
                                "claimed_until <= $1) ORDER BY due_at, id LIMIT $2 "
                                "FOR UPDATE SKIP LOCKED"
                              : "SELECT id, due_at, kind, ref, payload, attempts, last_error "
                                "FROM timers WHERE due_at <= $1 AND (claimed_until IS NULL OR "
                                "claimed_until <= $1) ORDER BY due_at, id LIMIT $2",
                     p, 2, &r, err);
    while (rc == MU_OK && k < max && (rc = mu_db_next(r, &has, err)) == MU_OK && has) {
        struct mu_timer *t = &v[k++];
        t->id = mu_db_int(r, 0);
        t->due_at = mu_db_int(r, 1);
        t->kind = mu_db_dup(r, 2);
        t->ref = mu_db_dup(r, 3);
        t->payload = mu_db_dup(r, 4);
        t->attempts = (int)mu_db_int(r, 5);
        t->last_error = mu_db_dup(r, 6);
        if (!t->kind || !t->ref || !t->payload || !t->last_error)
            rc = mu_error_set(err, MU_ENOMEM, "out of memory");
    }
    mu_db_finish(r);
    for (size_t i = 0; rc == MU_OK && i < k; i++) {
        struct mu_db_val q[] = {MU_DB_INT(v[i].id), MU_DB_TEXT(node), MU_DB_INT(now + lease_ms)};
        rc = mu_db_exec(s->db, "UPDATE timers SET claimed_by = $2, claimed_until = $3 WHERE id = $1",
                        q, 3, err);
    }
    if (rc || !k) {
        mu_timers_free(v, k);
        return rc;
    }
    *out = v;
    *n = k;
    return MU_OK;
}

enum mu_err mu_store_timer_done(struct mu_store *s, int64_t id, struct mu_error *err)
{
    struct mu_db_val p[] = {MU_DB_INT(id)};
    return mu_db_exec(s->db, "DELETE FROM timers WHERE id = $1", p, 1, err);
}

enum mu_err mu_store_timer_defer(struct mu_store *s, int64_t id, int64_t retry_at,
                                 const char *error, struct mu_error *err)
{
    char msg[512];
    snprintf(msg, sizeof(msg), "%s", error ? error : "");
    struct mu_db_val p[] = {MU_DB_INT(id), MU_DB_INT(retry_at), MU_DB_TEXT(msg)};
    return mu_db_exec(s->db,
                      "UPDATE timers SET due_at = $2, claimed_until = $2, "
                      "attempts = attempts + 1, last_error = $3 WHERE id = $1",
                      p, 3, err);
}

enum mu_err mu_store_timer_next(struct mu_store *s, int64_t *at, int *found, struct mu_error *err)
{
    *at = 0;
    *found = 0;
    /* ORDER BY ... LIMIT 1 walks the due index from its start: constant time. */
    return mu_db_query_int(s->db, "SELECT due_at FROM timers ORDER BY due_at, id LIMIT 1", NULL,
                           0, at, found, err);
}

enum mu_err mu_store_timer_count(struct mu_store *s, const char *kind, const char *ref,
                                 int64_t *n, struct mu_error *err)
{
    int found = 0;
    struct mu_db_val p[] = {MU_DB_TEXT(kind ? kind : ""), MU_DB_TEXT(ref ? ref : "")};
    *n = 0;
    return mu_db_query_int(s->db,
                           "SELECT COUNT(*) FROM timers WHERE ($1 = '' OR kind = $1) "
                           "AND ($2 = '' OR ref = $2)",
                           p, 2, n, &found, err);
}
