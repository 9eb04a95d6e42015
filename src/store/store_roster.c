/* SPDX-License-Identifier: MIT */
/*
 * The duty roster in the store: shifts (replace a range with generated
 * drafts, publish, give a shift to someone else, list), unavailability,
 * swap requests and iCal feed tokens. Every change appends its audit entry
 * in the same transaction; a range operation appends one entry for the
 * whole range. The SQL is portable ($N parameters, RETURNING).
 */
#include "store/store_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <muster/date.h>
#include <muster/mem.h>
#include <muster/notice.h>
#include <muster/roster.h>

#include "util/banned.h"

#define MAX_NOTE 1000

static const char SHIFT_COLS[] =
    "id, plan_id, pool, role, person, start_at, end_at, slot, state, source, "
    "COALESCE(prev_person, ''), note, created_at, updated_at, published_at";

void mu_shift_release(struct mu_shift *s)
{
    if (!s)
        return;
    mu_free(s->plan_id);
    mu_free(s->pool);
    mu_free(s->role);
    mu_free(s->person);
    mu_free(s->prev_person);
    mu_free(s->note);
    memset(s, 0, sizeof(*s));
}

void mu_shifts_free(struct mu_shift *v, size_t n)
{
    if (!v)
        return;
    for (size_t i = 0; i < n; i++)
        mu_shift_release(&v[i]);
    mu_free(v);
}

static enum mu_shift_source source_from(const char *s)
{
    if (s && strcmp(s, "override") == 0)
        return MU_SHIFT_OVERRIDE;
    if (s && strcmp(s, "swap") == 0)
        return MU_SHIFT_SWAP;
    return MU_SHIFT_GENERATED;
}

/* Copy the current row (SHIFT_COLS) into @p item (a zeroed struct mu_shift). */
static enum mu_err read_shift(struct mu_db_rows *r, void *item, struct mu_error *err)
{
    struct mu_shift *out = item;
    out->id = mu_db_int(r, 0);
    out->plan_id = mu_db_dup(r, 1);
    out->pool = mu_db_dup(r, 2);
    out->role = mu_db_dup(r, 3);
    out->person = mu_db_dup(r, 4);
    out->start_ms = mu_db_int(r, 5);
    out->end_ms = mu_db_int(r, 6);
    out->slot = (int)mu_db_int(r, 7);
    const char *state = mu_db_text(r, 8);
    out->published = state && strcmp(state, "published") == 0;
    out->source = source_from(mu_db_text(r, 9));
    out->prev_person = mu_db_dup(r, 10);
    out->note = mu_db_dup(r, 11);
    out->created_at = mu_db_int(r, 12);
    out->updated_at = mu_db_int(r, 13);
    out->published_at = mu_db_is_null(r, 14) ? 0 : mu_db_int(r, 14);
    if (!out->plan_id || !out->pool || !out->role || !out->person || !out->prev_person ||
        !out->note)
        return mu_error_set(err, MU_ENOMEM, "out of memory reading shifts");
    return MU_OK;
}

/* Run @p sql (selecting SHIFT_COLS) and collect every row. */
static enum mu_err query_shifts(struct mu_store *s, const char *sql, const struct mu_db_val *p,
                                int np, struct mu_shift **out, size_t *n, struct mu_error *err)
{
    void *v = NULL;
    size_t cnt = 0;
    enum mu_err rc = mu_db_query_all(s->db, sql, p, np, sizeof(struct mu_shift), read_shift,
                                     "reading shifts", &v, &cnt, err);
    if (rc) {
        mu_shifts_free(v, cnt);
        return rc;
    }
    *out = v;
    *n = cnt;
    return MU_OK;
}

enum mu_err mu_store_shift_list(struct mu_store *s, const struct mu_shift_filter *f,
                                struct mu_shift **out, size_t *n, struct mu_error *err)
{
    static const struct mu_shift_filter none = {0};
    char sql[1024];
    struct mu_db_val p[6];
    int np = 0;
    enum mu_err rc;
    *out = NULL;
    *n = 0;
    if (!f)
        f = &none;
    snprintf(sql, sizeof(sql), "SELECT %s FROM roster_shifts WHERE 1 = 1", SHIFT_COLS);
    if (f->plan_id)
        mu_db_add_param(sql, sizeof(sql), p, &np, " AND plan_id = ", MU_DB_TEXT(f->plan_id), "");
    if (f->person)
        mu_db_add_param(sql, sizeof(sql), p, &np, " AND person = ", MU_DB_TEXT(f->person), "");
    if (f->from_ms || f->to_ms) {
        mu_db_add_param(sql, sizeof(sql), p, &np,
                        f->by_start ? " AND start_at >= " : " AND end_at > ",
                        (struct mu_db_val)MU_DB_INT(f->from_ms), "");
        mu_db_add_param(sql, sizeof(sql), p, &np, " AND start_at < ",
                        (struct mu_db_val)MU_DB_INT(f->to_ms), "");
    }
    size_t len = strlen(sql);
    snprintf(sql + len, sizeof(sql) - len, "%s ORDER BY start_at, plan_id, pool, slot, id",
             f->published_only ? " AND state = 'published'" : "");
    if ((rc = mu_store_tx_enter_read(s, err)))
        return rc;
    rc = query_shifts(s, sql, p, np, out, n, err);
    return mu_store_tx_leave(s, rc, err);
}

/* Shift @p id inside the caller's transaction. */
static enum mu_err get_shift(struct mu_store *s, int64_t id, struct mu_shift *out,
                             struct mu_error *err)
{
    char sql[512];
    struct mu_shift *v = NULL;
    size_t n = 0;
    snprintf(sql, sizeof(sql), "SELECT %s FROM roster_shifts WHERE id = $1", SHIFT_COLS);
    struct mu_db_val p[] = {MU_DB_INT(id)};
    enum mu_err rc = query_shifts(s, sql, p, 1, &v, &n, err);
    if (rc)
        return rc;
    if (n == 0)
        return mu_error_field(err, MU_ENOTFOUND, "shift", "no shift %" PRId64, id);
    *out = v[0];
    mu_free(v);
    return MU_OK;
}

enum mu_err mu_store_shift_get(struct mu_store *s, int64_t id, struct mu_shift *out,
                               struct mu_error *err)
{
    enum mu_err rc = mu_store_tx_enter_read(s, err);
    if (rc)
        return rc;
    rc = get_shift(s, id, out, err);
    return mu_store_tx_leave(s, rc, err);
}

static enum mu_err check_name(const char *v, const char *field, struct mu_error *err)
{
    if (!v || !*v)
        return mu_error_field(err, MU_EINVAL, field, "%s is empty", field);
    if (strlen(v) > MU_STORE_MAX_NAME)
        return mu_error_field(err, MU_EINVAL, field, "%s is longer than %d bytes", field,
                              MU_STORE_MAX_NAME);
    return MU_OK;
}

static void local_str(int64_t ms, char out[26])
{
    mu_local_format(ms, out);
}

/* Cancel the unsent notices of the shifts about to be deleted. */
static enum mu_err cancel_shift_notices(struct mu_store *s, const struct mu_actor *actor,
                                        const char *where_sql, const struct mu_db_val *p, int np,
                                        struct mu_error *err)
{
    char sql[512];
    snprintf(sql, sizeof(sql),
             "UPDATE notices SET cancelled_at = $%d WHERE sent_at IS NULL AND cancelled_at IS "
             "NULL AND ref IN (SELECT 'shift:' || CAST(id AS TEXT) FROM roster_shifts WHERE %s)",
             np + 1, where_sql);
    struct mu_db_val q[MU_DB_MAX_PARAMS];
    memcpy(q, p, (size_t)np * sizeof(*p));
    q[np] = (struct mu_db_val)MU_DB_INT(actor->now_ms);
    return mu_db_exec(s->db, sql, q, np + 1, err);
}

enum mu_err mu_store_roster_replace(struct mu_store *s, const struct mu_actor *actor,
                                    const char *plan_id, int64_t from_ms, int64_t to_ms,
                                    const struct mu_shift_new *v, size_t n,
                                    int replace_published, size_t *deleted, size_t *inserted,
                                    struct mu_error *err)
{
    enum mu_err rc;
    size_t ndel = 0, nins = 0;
    if (deleted)
        *deleted = 0;
    if (inserted)
        *inserted = 0;
    if ((rc = mu_store_check_actor(actor, err)) || (rc = check_name(plan_id, "plan", err)))
        return rc;
    if (from_ms >= to_ms)
        return mu_error_set(err, MU_EINVAL, "the time range ends before it starts");
    for (size_t i = 0; i < n; i++) {
        if ((rc = check_name(v[i].pool, "pool", err)) || (rc = check_name(v[i].role, "role", err)) ||
            (rc = check_name(v[i].person, "person", err)))
            return rc;
        if (v[i].start_ms < from_ms || v[i].start_ms >= to_ms || v[i].end_ms <= v[i].start_ms)
            return mu_error_set(err, MU_EINVAL, "shift %zu lies outside the range", i + 1);
    }
    if ((rc = mu_store_tx_enter(s, err)))
        return rc;
    const char *where = replace_published
                            ? "plan_id = $1 AND start_at >= $2 AND start_at < $3"
                            : "plan_id = $1 AND start_at >= $2 AND start_at < $3 AND state = 'draft'";
    struct mu_db_val p[] = {MU_DB_TEXT(plan_id), MU_DB_INT(from_ms), MU_DB_INT(to_ms)};
    if ((rc = cancel_shift_notices(s, actor, where, p, 3, err)))
        goto out;
    char sql[512];
    snprintf(sql, sizeof(sql), "DELETE FROM roster_shifts WHERE %s RETURNING id", where);
    rc = mu_db_count(s->db, sql, p, 3, &ndel, err);
    for (size_t i = 0; i < n && rc == MU_OK; i++) {
        int64_t held = 0;
        int found = 0;
        struct mu_db_val q[] = {MU_DB_TEXT(plan_id), MU_DB_TEXT(v[i].pool),
                                MU_DB_INT(v[i].start_ms), MU_DB_INT(v[i].slot)};
        rc = mu_db_query_int(s->db,
                             "SELECT id FROM roster_shifts WHERE plan_id = $1 AND pool = $2 AND "
                             "start_at = $3 AND slot = $4",
                             q, 4, &held, &found, err);
        if (rc || found)
            continue;
        struct mu_db_val ins[] = {MU_DB_TEXT(plan_id),       MU_DB_TEXT(v[i].pool),
                                  MU_DB_TEXT(v[i].role),     MU_DB_TEXT(v[i].person),
                                  MU_DB_INT(v[i].start_ms),  MU_DB_INT(v[i].end_ms),
                                  MU_DB_INT(v[i].slot),      MU_DB_INT(actor->now_ms)};
        rc = mu_db_exec(s->db,
                        "INSERT INTO roster_shifts (plan_id, pool, role, person, start_at, end_at, "
                        "slot, state, source, note, created_at, updated_at) VALUES ($1, $2, $3, "
                        "$4, $5, $6, $7, 'draft', 'generated', '', $8, $8)",
                        ins, 8, err);
        if (rc == MU_OK)
            nins++;
    }
    if (rc)
        goto out;
    char object[MU_STORE_MAX_NAME + 16], summary[200], a[26], b[26];
    local_str(from_ms, a);
    local_str(to_ms, b);
    snprintf(object, sizeof(object), "plan:%s", plan_id);
    snprintf(summary, sizeof(summary), "%s..%s: %zu draft shifts, %zu replaced%s", a, b, nins,
             ndel, replace_published ? " (published too)" : "");
    rc = mu_store_audit_append_tx(s, actor, "roster.generate", object, summary, err);
    if (rc == MU_OK) {
        if (deleted)
            *deleted = ndel;
        if (inserted)
            *inserted = nins;
    }
out:
    return mu_store_tx_leave(s, rc, err);
}

enum mu_err mu_store_roster_publish(struct mu_store *s, const struct mu_actor *actor,
                                    const char *plan_id, int64_t from_ms, int64_t to_ms,
                                    struct mu_shift **out, size_t *n, struct mu_error *err)
{
    enum mu_err rc;
    struct mu_shift *v = NULL;
    size_t cnt = 0;
    if (out)
        *out = NULL;
    if (n)
        *n = 0;
    if ((rc = mu_store_check_actor(actor, err)))
        return rc;
    if (from_ms >= to_ms)
        return mu_error_set(err, MU_EINVAL, "the time range ends before it starts");
    if ((rc = mu_store_tx_enter(s, err)))
        return rc;
    char sql[640];
    struct mu_db_val p[4] = {MU_DB_INT(actor->now_ms), MU_DB_INT(from_ms), MU_DB_INT(to_ms),
                             MU_DB_TEXT(plan_id)};
    snprintf(sql, sizeof(sql),
             "UPDATE roster_shifts SET state = 'published', published_at = $1, updated_at = $1 "
             "WHERE state = 'draft' AND start_at >= $2 AND start_at < $3%s RETURNING %s",
             plan_id ? " AND plan_id = $4" : "", SHIFT_COLS);
    rc = query_shifts(s, sql, p, plan_id ? 4 : 3, &v, &cnt, err);
    if (rc == MU_OK && cnt > 0) {
        char object[MU_STORE_MAX_NAME + 16], summary[160], a[26], b[26];
        local_str(from_ms, a);
        local_str(to_ms, b);
        snprintf(object, sizeof(object), "plan:%s", plan_id ? plan_id : "*");
        snprintf(summary, sizeof(summary), "%s..%s: %zu shifts published", a, b, cnt);
        rc = mu_store_audit_append_tx(s, actor, "roster.publish", object, summary, err);
    }
    rc = mu_store_tx_leave(s, rc, err);
    if (rc || !out) {
        mu_shifts_free(v, cnt);
        if (rc == MU_OK && n)
            *n = cnt;
        return rc;
    }
    *out = v;
    if (n)
        *n = cnt;
    return MU_OK;
}

enum mu_err mu_store_shift_set_person(struct mu_store *s, const struct mu_actor *actor, int64_t id,
                                      const char *person, enum mu_shift_source source,
                                      const char *note, struct mu_error *err)
{
    enum mu_err rc;
    struct mu_shift sh = {0};
    if (!note)
        note = "";
    if ((rc = mu_store_check_actor(actor, err)) || (rc = check_name(person, "person", err)))
        return rc;
    if (source == MU_SHIFT_GENERATED)
        return mu_error_set(err, MU_EINVAL, "a shift is given away by override or swap");
    if (strlen(note) > MAX_NOTE)
        return mu_error_field(err, MU_EINVAL, "reason", "reason is longer than %d bytes",
                              MAX_NOTE);
    if ((rc = mu_store_tx_enter(s, err)))
        return rc;
    if ((rc = get_shift(s, id, &sh, err)))
        goto out;
    if (strcmp(sh.person, person) == 0) {
        rc = mu_error_field(err, MU_EINVAL, "person", "'%s' already holds shift %" PRId64, person,
                            id);
        goto out;
    }
    struct mu_db_val p[] = {MU_DB_TEXT(person), MU_DB_TEXT(sh.person),
                            MU_DB_TEXT(mu_shift_source_name(source)), MU_DB_TEXT(note),
                            MU_DB_INT(actor->now_ms), MU_DB_INT(id)};
    rc = mu_db_exec(s->db,
                    "UPDATE roster_shifts SET person = $1, prev_person = $2, source = $3, "
                    "note = $4, updated_at = $5 WHERE id = $6",
                    p, 6, err);
    if (rc)
        goto out;
    char object[40], summary[MU_STORE_MAX_NAME * 2 + MAX_NOTE + 120], a[26];
    local_str(sh.start_ms, a);
    snprintf(object, sizeof(object), "shift:%" PRId64, id);
    snprintf(summary, sizeof(summary), "%s %s %s: %s -> %s%s%s", sh.plan_id, sh.role, a,
             sh.person, person, *note ? ": " : "", note);
    rc = mu_store_audit_append_tx(s, actor,
                                  source == MU_SHIFT_SWAP ? "roster.swap" : "roster.override",
                                  object, summary, err);
out:
    mu_shift_release(&sh);
    return mu_store_tx_leave(s, rc, err);
}

/* ---- unavailability ---- */

void mu_unavails_free(struct mu_unavail *v, size_t n)
{
    if (!v)
        return;
    for (size_t i = 0; i < n; i++) {
        mu_free(v[i].person);
        mu_free(v[i].reason);
        mu_free(v[i].created_by);
    }
    mu_free(v);
}

enum mu_err mu_store_unavail_add(struct mu_store *s, const struct mu_actor *actor,
                                 const char *person, int32_t from, int32_t to, const char *reason,
                                 int64_t *id, struct mu_error *err)
{
    enum mu_err rc;
    int64_t nid = 0;
    int has = 0;
    char a[11], b[11];
    if (!reason)
        reason = "";
    if (id)
        *id = 0;
    if ((rc = mu_store_check_actor(actor, err)) || (rc = check_name(person, "person", err)))
        return rc;
    if (from > to)
        return mu_error_field(err, MU_EINVAL, "to", "unavailability ends before it starts");
    if (strlen(reason) > MAX_NOTE)
        return mu_error_field(err, MU_EINVAL, "reason", "reason is longer than %d bytes",
                              MAX_NOTE);
    mu_date_format(from, a);
    mu_date_format(to, b);
    if ((rc = mu_store_tx_enter(s, err)))
        return rc;
    struct mu_db_val p[] = {MU_DB_TEXT(person),       MU_DB_TEXT(a),
                            MU_DB_TEXT(b),            MU_DB_TEXT(reason),
                            MU_DB_INT(actor->now_ms), MU_DB_TEXT(actor->name)};
    rc = mu_db_query_int(s->db,
                         "INSERT INTO roster_unavailable (person, from_day, to_day, reason, "
                         "created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                         p, 6, &nid, &has, err);
    if (rc == MU_OK && !has)
        rc = mu_error_set(err, MU_ESTORE, "adding unavailability returned no id");
    if (rc == MU_OK) {
        char object[MU_STORE_MAX_NAME + 16], summary[MAX_NOTE + 64];
        snprintf(object, sizeof(object), "person:%s", person);
        snprintf(summary, sizeof(summary), "%s..%s%s%s (entry %" PRId64 ")", a, b,
                 *reason ? ": " : "", reason, nid);
        rc = mu_store_audit_append_tx(s, actor, "roster.unavailable", object, summary, err);
    }
    if (rc == MU_OK && id)
        *id = nid;
    return mu_store_tx_leave(s, rc, err);
}

enum mu_err mu_store_unavail_remove(struct mu_store *s, const struct mu_actor *actor, int64_t id,
                                    struct mu_error *err)
{
    enum mu_err rc;
    struct mu_db_rows *r = NULL;
    int has = 0;
    if ((rc = mu_store_check_actor(actor, err)))
        return rc;
    if ((rc = mu_store_tx_enter(s, err)))
        return rc;
    struct mu_db_val p[] = {MU_DB_INT(id)};
    rc = mu_db_query_row(s->db,
                         "DELETE FROM roster_unavailable WHERE id = $1 RETURNING person, "
                         "from_day, to_day",
                         p, 1, &r, &has, err);
    if (rc == MU_OK && !has)
        rc = mu_error_set(err, MU_ENOTFOUND, "no unavailability entry %" PRId64, id);
    if (rc == MU_OK) {
        char object[MU_STORE_MAX_NAME + 16], summary[80];
        snprintf(object, sizeof(object), "person:%s", mu_db_text(r, 0));
        snprintf(summary, sizeof(summary), "removed entry %" PRId64 " %.10s..%.10s", id,
                 mu_db_text(r, 1), mu_db_text(r, 2));
        mu_db_finish(r);
        r = NULL;
        rc = mu_store_audit_append_tx(s, actor, "roster.available", object, summary, err);
    }
    mu_db_finish(r);
    return mu_store_tx_leave(s, rc, err);
}

/* Copy the current row of the unavailability list into @p item (a struct mu_unavail). */
static enum mu_err read_unavail(struct mu_db_rows *r, void *item, struct mu_error *err)
{
    struct mu_unavail *e = item;
    e->id = mu_db_int(r, 0);
    e->person = mu_db_dup(r, 1);
    const char *fd = mu_db_text(r, 2), *td = mu_db_text(r, 3);
    if (!fd || !td || mu_date_parse(fd, strlen(fd), &e->from, NULL) ||
        mu_date_parse(td, strlen(td), &e->to, NULL))
        return mu_error_set(err, MU_ESTORE, "unavailability entry %" PRId64 " has a bad date",
                            e->id);
    e->reason = mu_db_dup(r, 4);
    e->created_at = mu_db_int(r, 5);
    e->created_by = mu_db_dup(r, 6);
    if (!e->person || !e->reason || !e->created_by)
        return mu_error_set(err, MU_ENOMEM, "out of memory reading unavailability");
    return MU_OK;
}

enum mu_err mu_store_unavail_list(struct mu_store *s, int32_t from, int32_t to,
                                  struct mu_unavail **out, size_t *n, struct mu_error *err)
{
    void *v = NULL;
    size_t cnt = 0;
    char a[11], b[11];
    enum mu_err rc;
    *out = NULL;
    *n = 0;
    if ((rc = mu_store_tx_enter_read(s, err)))
        return rc;
    static const char cols[] = "SELECT id, person, from_day, to_day, reason, created_at, "
                               "created_by FROM roster_unavailable";
    if (from <= to) {
        /* YYYY-MM-DD strings compare like the dates they name. */
        mu_date_format(from, a);
        mu_date_format(to, b);
        struct mu_db_val p[] = {MU_DB_TEXT(b), MU_DB_TEXT(a)};
        char sql[300];
        snprintf(sql, sizeof(sql), "%s WHERE from_day <= $1 AND to_day >= $2 "
                 "ORDER BY person, from_day, id", cols);
        rc = mu_db_query_all(s->db, sql, p, 2, sizeof(struct mu_unavail), read_unavail,
                             "reading unavailability", &v, &cnt, err);
    } else {
        char sql[300];
        snprintf(sql, sizeof(sql), "%s ORDER BY person, from_day, id", cols);
        rc = mu_db_query_all(s->db, sql, NULL, 0, sizeof(struct mu_unavail), read_unavail,
                             "reading unavailability", &v, &cnt, err);
    }
    rc = mu_store_tx_leave(s, rc, err);
    if (rc) {
        mu_unavails_free(v, cnt);
        return rc;
    }
    *out = v;
    *n = cnt;
    return MU_OK;
}

/* ---- swap requests ---- */

void mu_swap_release(struct mu_swap *w)
{
    if (!w)
        return;
    mu_free(w->from_person);
    mu_free(w->to_person);
    mu_free(w->requested_by);
    mu_free(w->reason);
    mu_free(w->decided_by);
    memset(w, 0, sizeof(*w));
}

void mu_swaps_free(struct mu_swap *v, size_t n)
{
    if (!v)
        return;
    for (size_t i = 0; i < n; i++)
        mu_swap_release(&v[i]);
    mu_free(v);
}

static const char SWAP_COLS[] = "w.id, w.shift_id, w.from_person, w.to_person, w.requested_by, "
                                "w.state, w.reason, w.created_at, w.decided_at, "
                                "COALESCE(w.decided_by, '')";

/* Copy the current row (SWAP_COLS) into @p item (a struct mu_swap). */
static enum mu_err read_swap(struct mu_db_rows *r, void *item, struct mu_error *err)
{
    struct mu_swap *w = item;
    w->id = mu_db_int(r, 0);
    w->shift_id = mu_db_int(r, 1);
    w->from_person = mu_db_dup(r, 2);
    w->to_person = mu_db_dup(r, 3);
    w->requested_by = mu_db_dup(r, 4);
    const char *st = mu_db_text(r, 5);
    w->state = st && strcmp(st, "approved") == 0   ? MU_SWAP_APPROVED
               : st && strcmp(st, "rejected") == 0 ? MU_SWAP_REJECTED
                                                   : MU_SWAP_PENDING;
    w->reason = mu_db_dup(r, 6);
    w->created_at = mu_db_int(r, 7);
    w->decided_at = mu_db_is_null(r, 8) ? 0 : mu_db_int(r, 8);
    w->decided_by = mu_db_dup(r, 9);
    if (!w->from_person || !w->to_person || !w->requested_by || !w->reason || !w->decided_by)
        return mu_error_set(err, MU_ENOMEM, "out of memory reading swaps");
    return MU_OK;
}

static enum mu_err query_swaps(struct mu_store *s, const char *sql, const struct mu_db_val *p,
                               int np, struct mu_swap **out, size_t *n, struct mu_error *err)
{
    void *v = NULL;
    size_t cnt = 0;
    enum mu_err rc = mu_db_query_all(s->db, sql, p, np, sizeof(struct mu_swap), read_swap,
                                     "reading swaps", &v, &cnt, err);
    if (rc) {
        mu_swaps_free(v, cnt);
        return rc;
    }
    *out = v;
    *n = cnt;
    return MU_OK;
}

static enum mu_err get_swap(struct mu_store *s, int64_t id, struct mu_swap *out,
                            struct mu_error *err)
{
    char sql[400];
    struct mu_swap *v = NULL;
    size_t n = 0;
    snprintf(sql, sizeof(sql), "SELECT %s FROM roster_swaps w WHERE w.id = $1", SWAP_COLS);
    struct mu_db_val p[] = {MU_DB_INT(id)};
    enum mu_err rc = query_swaps(s, sql, p, 1, &v, &n, err);
    if (rc)
        return rc;
    if (n == 0)
        return mu_error_field(err, MU_ENOTFOUND, "swap", "no swap request %" PRId64, id);
    *out = v[0];
    mu_free(v);
    return MU_OK;
}

enum mu_err mu_store_swap_get(struct mu_store *s, int64_t id, struct mu_swap *out,
                              struct mu_error *err)
{
    enum mu_err rc = mu_store_tx_enter_read(s, err);
    if (rc)
        return rc;
    rc = get_swap(s, id, out, err);
    return mu_store_tx_leave(s, rc, err);
}

enum mu_err mu_store_swap_request(struct mu_store *s, const struct mu_actor *actor,
                                  int64_t shift_id, const char *to_person, const char *by,
                                  const char *reason, int64_t *id, struct mu_error *err)
{
    enum mu_err rc;
    struct mu_shift sh = {0};
    int64_t pending = 0, nid = 0;
    int found = 0, has = 0;
    if (!reason)
        reason = "";
    if (id)
        *id = 0;
    if ((rc = mu_store_check_actor(actor, err)) || (rc = check_name(to_person, "with", err)) ||
        (rc = check_name(by, "by", err)))
        return rc;
    if (strlen(reason) > MAX_NOTE)
        return mu_error_field(err, MU_EINVAL, "reason", "reason is longer than %d bytes",
                              MAX_NOTE);
    if ((rc = mu_store_tx_enter(s, err)))
        return rc;
    if ((rc = get_shift(s, shift_id, &sh, err)))
        goto out;
    if (strcmp(sh.person, to_person) == 0) {
        rc = mu_error_field(err, MU_EINVAL, "with", "'%s' already holds shift %" PRId64,
                            to_person, shift_id);
        goto out;
    }
    struct mu_db_val q[] = {MU_DB_INT(shift_id)};
    rc = mu_db_query_int(s->db,
                         "SELECT id FROM roster_swaps WHERE shift_id = $1 AND state = 'pending'",
                         q, 1, &pending, &found, err);
    if (rc == MU_OK && found)
        rc = mu_error_set(err, MU_ECONFLICT, "shift %" PRId64 " already has swap request %" PRId64
                          " pending", shift_id, pending);
    if (rc)
        goto out;
    struct mu_db_val p[] = {MU_DB_INT(shift_id), MU_DB_TEXT(sh.person), MU_DB_TEXT(to_person),
                            MU_DB_TEXT(by),      MU_DB_TEXT(reason),    MU_DB_INT(actor->now_ms)};
    rc = mu_db_query_int(s->db,
                         "INSERT INTO roster_swaps (shift_id, from_person, to_person, "
                         "requested_by, state, reason, created_at) VALUES ($1, $2, $3, $4, "
                         "'pending', $5, $6) RETURNING id",
                         p, 6, &nid, &has, err);
    if (rc == MU_OK && !has)
        rc = mu_error_set(err, MU_ESTORE, "adding a swap request returned no id");
    if (rc)
        goto out;
    char object[40], summary[MU_STORE_MAX_NAME * 3 + MAX_NOTE + 80];
    snprintf(object, sizeof(object), "shift:%" PRId64, shift_id);
    snprintf(summary, sizeof(summary), "request %" PRId64 " by %s: %s -> %s%s%s", nid, by,
             sh.person, to_person, *reason ? ": " : "", reason);
    rc = mu_store_audit_append_tx(s, actor, "roster.swap_request", object, summary, err);
    if (rc == MU_OK && id)
        *id = nid;
out:
    mu_shift_release(&sh);
    return mu_store_tx_leave(s, rc, err);
}

enum mu_err mu_store_swap_decide(struct mu_store *s, const struct mu_actor *actor, int64_t id,
                                 int approve, struct mu_error *err)
{
    enum mu_err rc;
    struct mu_swap w = {0};
    if ((rc = mu_store_check_actor(actor, err)))
        return rc;
    if ((rc = mu_store_tx_enter(s, err)))
        return rc;
    if ((rc = get_swap(s, id, &w, err)))
        goto out;
    if (w.state != MU_SWAP_PENDING) {
        rc = mu_error_set(err, MU_ECONFLICT, "swap request %" PRId64 " was already %s", id,
                          mu_swap_state_name(w.state));
        goto out;
    }
    struct mu_db_val p[] = {MU_DB_TEXT(approve ? "approved" : "rejected"),
                            MU_DB_INT(actor->now_ms), MU_DB_TEXT(actor->name), MU_DB_INT(id)};
    rc = mu_db_exec(s->db,
                    "UPDATE roster_swaps SET state = $1, decided_at = $2, decided_by = $3 "
                    "WHERE id = $4",
                    p, 4, err);
    if (rc)
        goto out;
    char object[40], summary[MU_STORE_MAX_NAME * 2 + 80];
    snprintf(object, sizeof(object), "swap:%" PRId64, id);
    snprintf(summary, sizeof(summary), "shift %" PRId64 ": %s -> %s %s", w.shift_id,
             w.from_person, w.to_person, approve ? "approved" : "rejected");
    rc = mu_store_audit_append_tx(s, actor, approve ? "roster.swap_approve" : "roster.swap_reject",
                                  object, summary, err);
out:
    mu_swap_release(&w);
    return mu_store_tx_leave(s, rc, err);
}

enum mu_err mu_store_swap_list(struct mu_store *s, int64_t from_ms, int64_t to_ms,
                               struct mu_swap **out, size_t *n, struct mu_error *err)
{
    char sql[600];
    enum mu_err rc;
    *out = NULL;
    *n = 0;
    if ((rc = mu_store_tx_enter_read(s, err)))
        return rc;
    if (from_ms || to_ms) {
        struct mu_db_val p[] = {MU_DB_INT(from_ms), MU_DB_INT(to_ms)};
        snprintf(sql, sizeof(sql),
                 "SELECT %s FROM roster_swaps w JOIN roster_shifts x ON x.id = w.shift_id "
                 "WHERE x.start_at >= $1 AND x.start_at < $2 ORDER BY w.id DESC",
                 SWAP_COLS);
        rc = query_swaps(s, sql, p, 2, out, n, err);
    } else {
        snprintf(sql, sizeof(sql), "SELECT %s FROM roster_swaps w ORDER BY w.id DESC", SWAP_COLS);
        rc = query_swaps(s, sql, NULL, 0, out, n, err);
    }
    return mu_store_tx_leave(s, rc, err);
}

/* ---- iCal feed tokens ---- */

enum mu_err mu_store_feed_add(struct mu_store *s, const struct mu_actor *actor, const char *person,
                              const char *token_hash, struct mu_error *err)
{
    enum mu_err rc;
    if ((rc = mu_store_check_actor(actor, err)) || (rc = check_name(person, "person", err)) ||
        (rc = check_name(token_hash, "token hash", err)))
        return rc;
    if ((rc = mu_store_tx_enter(s, err)))
        return rc;
    struct mu_db_val p[] = {MU_DB_TEXT(person), MU_DB_TEXT(token_hash), MU_DB_INT(actor->now_ms),
                            MU_DB_TEXT(actor->name)};
    rc = mu_db_exec(s->db,
                    "INSERT INTO roster_feeds (person, token_hash, created_at, created_by) "
                    "VALUES ($1, $2, $3, $4)",
                    p, 4, err);
    if (rc == MU_OK) {
        char object[MU_STORE_MAX_NAME + 16];
        snprintf(object, sizeof(object), "person:%s", person);
        rc = mu_store_audit_append_tx(s, actor, "roster.feed_create", object,
                                      "iCal feed token created", err);
    }
    return mu_store_tx_leave(s, rc, err);
}

enum mu_err mu_store_feed_find(struct mu_store *s, const char *token_hash, char **person,
                               struct mu_error *err)
{
    struct mu_db_rows *r = NULL;
    int has = 0;
    enum mu_err rc;
    *person = NULL;
    if (!token_hash || !*token_hash)
        return MU_OK;
    if ((rc = mu_store_tx_enter_read(s, err)))
        return rc;
    struct mu_db_val p[] = {MU_DB_TEXT(token_hash)};
    rc = mu_db_query_row(s->db,
                         "SELECT person FROM roster_feeds WHERE token_hash = $1 AND revoked_at "
                         "IS NULL",
                         p, 1, &r, &has, err);
    if (rc == MU_OK && has) {
        *person = mu_db_dup(r, 0);
        if (!*person)
            rc = mu_error_set(err, MU_ENOMEM, "out of memory");
    }
    mu_db_finish(r);
    return mu_store_tx_leave(s, rc, err);
}

enum mu_err mu_store_feed_revoke(struct mu_store *s, const struct mu_actor *actor,
                                 const char *person, size_t *count, struct mu_error *err)
{
    enum mu_err rc;
    size_t k = 0;
    if (count)
        *count = 0;
    if ((rc = mu_store_check_actor(actor, err)) || (rc = check_name(person, "person", err)))
        return rc;
    if ((rc = mu_store_tx_enter(s, err)))
        return rc;
    struct mu_db_val p[] = {MU_DB_INT(actor->now_ms), MU_DB_TEXT(person)};
    rc = mu_db_count(s->db,
                     "UPDATE roster_feeds SET revoked_at = $1 WHERE person = $2 AND revoked_at "
                     "IS NULL RETURNING id",
                     p, 2, &k, err);
    if (rc == MU_OK && k > 0) {
        char object[MU_STORE_MAX_NAME + 16], summary[64];
        snprintf(object, sizeof(object), "person:%s", person);
        snprintf(summary, sizeof(summary), "%zu iCal feed token%s revoked", k, k == 1 ? "" : "s");
        rc = mu_store_audit_append_tx(s, actor, "roster.feed_revoke", object, summary, err);
    }
    if (rc == MU_OK && count)
        *count = k;
    return mu_store_tx_leave(s, rc, err);
}
