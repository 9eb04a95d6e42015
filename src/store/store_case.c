/* SPDX-License-Identifier: MIT */
/*
 * Cases in the database: the case rows, their units and the case file of
 * actions, each change audited in the same transaction. The store only ever
 * sees the complainant's identity sealed (see muster/case.h); audit
 * summaries name the case, never a person. Days are stored as day numbers,
 * NULL where an event has not happened.
 */
#include "store/store_int.h"

#include <muster/case.h>
#include <muster/mem.h>
#include <stdio.h>
#include <string.h>

#include "util/buf.h"

#include "util/banned.h"

/* Columns read into struct mu_case, in order (see read_row). */
#define CASE_COLS                                                                                  \
    "id, matter_id, tracking_code, channel, subject, description, category, place, units, "        \
    "handling, leader, outcome, state, received_on, decided_on, extended_on, extend_days, "        \
    "replied_on, review_level, review_requested_on, review_replied_on, closed_on, accept_due, "    \
    "handle_due, review_request_due, review_due, due_on, due_kind, rating, purged_at, "            \
    "created_at, created_by, updated_at"
#define NCOLS 33
#define ID_COLS ", name_enc, phone_enc, address_enc, id_number_enc, lookup_hash"

static struct mu_db_val day_val(int32_t d)
{
    struct mu_db_val v = {.type = d == MU_CASE_NO_DAY ? MU_DB_TNULL : MU_DB_TINT, .i = d};
    return v;
}

static int32_t day_col(struct mu_db_rows *r, int i)
{
    return mu_db_is_null(r, i) ? MU_CASE_NO_DAY : (int32_t)mu_db_int(r, i);
}

void mu_case_release(struct mu_case *c)
{
    if (!c)
        return;
    char **v[] = {&c->channel,       &c->subject,     &c->description, &c->category,
                  &c->place,         &c->units,       &c->handling,    &c->leader,
                  &c->outcome,       &c->name_enc,    &c->phone_enc,   &c->address_enc,
                  &c->id_number_enc, &c->lookup_hash, &c->created_by};
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
        mu_free(*v[i]);
    memset(c, 0, sizeof(*c));
}

void mu_cases_free(struct mu_case *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        mu_case_release(&v[i]);
    mu_free(v);
}

void mu_case_actions_free(struct mu_case_action *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) {
        mu_free(v[i].actor);
        mu_free(v[i].kind);
        mu_free(v[i].text);
    }
    mu_free(v);
}

static const char *static_kind(const char *k)
{
    if (!k)
        return NULL;
    if (strcmp(k, "accept") == 0)
        return "accept";
    if (strcmp(k, "handle") == 0)
        return "handle";
    if (strcmp(k, "review") == 0)
        return "review";
    return NULL;
}

static enum mu_err read_row(struct mu_db_rows *r, int with_identity, struct mu_case *c,
                            struct mu_error *err)
{
    memset(c, 0, sizeof(*c));
    c->id = mu_db_int(r, 0);
    c->matter_id = mu_db_int(r, 1);
    snprintf(c->tracking_code, sizeof(c->tracking_code), "%s",
             mu_db_text(r, 2) ? mu_db_text(r, 2) : "");
    c->channel = mu_db_dup(r, 3);
    c->subject = mu_db_dup(r, 4);
    c->description = mu_db_dup(r, 5);
    c->category = mu_db_dup(r, 6);
    c->place = mu_db_dup(r, 7);
    c->units = mu_db_dup(r, 8);
    c->handling = mu_db_dup(r, 9);
    c->leader = mu_db_dup(r, 10);
    c->outcome = mu_db_dup(r, 11);
    enum mu_case_state st = MU_CASE_REGISTERED;
    const char *sname = mu_db_text(r, 12);
    if (mu_case_state_parse(sname ? sname : "", &st, NULL) != MU_OK) {
        mu_case_release(c);
        return mu_error_set(err, MU_ESTORE, "case has an unknown state '%.40s'",
                            sname ? sname : "");
    }
    c->flow.state = st;
    c->flow.received = day_col(r, 13);
    c->flow.decided = day_col(r, 14);
    c->flow.extended = day_col(r, 15);
    c->flow.extend_days = (int)mu_db_int(r, 16);
    c->flow.replied = day_col(r, 17);
    c->flow.review_level = (int)mu_db_int(r, 18);
    c->flow.review_requested = day_col(r, 19);
    c->flow.review_replied = day_col(r, 20);
    c->flow.closed = day_col(r, 21);
    c->dl.accept = day_col(r, 22);
    c->dl.handle = day_col(r, 23);
    c->dl.review_request = day_col(r, 24);
    c->dl.review = day_col(r, 25);
    c->dl.due = day_col(r, 26);
    c->dl.due_kind = static_kind(mu_db_text(r, 27));
    c->rating = (int)mu_db_int(r, 28);
    c->purged_at = mu_db_int(r, 29);
    c->created_at = mu_db_int(r, 30);
    c->created_by = mu_db_dup(r, 31);
    c->updated_at = mu_db_int(r, 32);
    int bad = !c->channel || !c->subject || !c->description || !c->category || !c->place ||
              !c->units || !c->handling || !c->leader || !c->outcome || !c->created_by;
    if (with_identity) {
        char **v[] = {&c->name_enc, &c->phone_enc, &c->address_enc, &c->id_number_enc,
                      &c->lookup_hash};
        for (int i = 0; i < 5; i++)
            if (!mu_db_is_null(r, NCOLS + i)) {
                *v[i] = mu_db_dup(r, NCOLS + i);
                bad |= !*v[i];
            }
    }
    if (bad) {
        mu_case_release(c);
        return mu_error_set(err, MU_ENOMEM, "out of memory reading a case");
    }
    return MU_OK;
}

static enum mu_err get_where(struct mu_store *s, const char *where, struct mu_db_val key,
                             const char *what, struct mu_case *out, struct mu_error *err)
{
    char sql[1024];
    struct mu_db_rows *r = NULL;
    int has = 0;
    snprintf(sql, sizeof(sql), "SELECT " CASE_COLS ID_COLS " FROM cases WHERE %s", where);
    memset(out, 0, sizeof(*out));
    enum mu_err rc = mu_db_query(s->db, sql, &key, 1, &r, err);
    if (rc == MU_OK)
        rc = mu_db_next(r, &has, err);
    if (rc == MU_OK && !has)
        rc = mu_error_set(err, MU_ENOTFOUND, "no case %s", what);
    if (rc == MU_OK)
        rc = read_row(r, 1, out, err);
    mu_db_finish(r);
    return rc;
}

enum mu_err mu_store_case_get(struct mu_store *s, int64_t id, struct mu_case *out,
                              struct mu_error *err)
{
    char what[32];
    snprintf(what, sizeof(what), "%lld", (long long)id);
    struct mu_db_val k = MU_DB_INT(id);
    return get_where(s, "id = $1", k, what, out, err);
}

enum mu_err mu_store_case_by_code(struct mu_store *s, const char *code, struct mu_case *out,
                                  struct mu_error *err)
{
    return get_where(s, "tracking_code = $1", mu_db_val_text(code), "with that tracking code", out,
                     err);
}

static enum mu_err check_text(const char *what, const char *v, size_t max, struct mu_error *err)
{
    if (v && strlen(v) > max)
        return mu_error_field(err, MU_EINVAL, what, "case %s is longer than %zu bytes", what, max);
    return MU_OK;
}

static enum mu_err put_units(struct mu_store *s, int64_t id, const char *role,
                             const char *const *units, size_t n, struct mu_error *err)
{
    struct mu_db_val d[] = {MU_DB_INT(id), MU_DB_TEXT(role)};
    enum mu_err rc =
        mu_db_exec(s->db, "DELETE FROM case_units WHERE case_id = $1 AND role = $2", d, 2, err);
    for (size_t i = 0; rc == MU_OK && i < n; i++) {
        struct mu_db_val p[] = {MU_DB_INT(id), MU_DB_TEXT(units[i]), MU_DB_TEXT(role)};
        rc = mu_db_exec(s->db,
                        "INSERT INTO case_units (case_id, unit, role) VALUES ($1, $2, $3) "
                        "ON CONFLICT DO NOTHING",
                        p, 3, err);
    }
    return rc;
}

static enum mu_err add_action(struct mu_store *s, const struct mu_actor *actor, int64_t id,
                              const struct mu_case_action_new *a, struct mu_error *err)
{
    struct mu_db_val p[] = {MU_DB_INT(id),
                            MU_DB_INT(actor->now_ms),
                            MU_DB_INT(a->on),
                            MU_DB_TEXT(actor->name),
                            MU_DB_TEXT(a->kind),
                            MU_DB_TEXT(a->text ? a->text : ""),
                            MU_DB_INT(a->public_ ? 1 : 0)};
    return mu_db_exec(s->db,
                      "INSERT INTO case_actions (case_id, at, on_day, actor, kind, text, public) "
                      "VALUES ($1, $2, $3, $4, $5, $6, $7)",
                      p, 7, err);
}

enum mu_err mu_store_case_insert(struct mu_store *s, const struct mu_actor *actor,
                                 const struct mu_case *c, const char *const *units, size_t nunits,
                                 int64_t *id, struct mu_error *err)
{
    enum mu_err rc = mu_store_check_actor(actor, err);
    if (!rc)
        rc = check_text("subject", c->subject, MU_CASE_MAX_SUBJECT, err);
    if (!rc)
        rc = check_text("description", c->description, MU_CASE_MAX_TEXT, err);
    if (rc)
        return rc;
    if (!c->subject || !*c->subject || !c->channel)
        return mu_error_field(err, MU_EINVAL, "subject", "case subject is empty");
    rc = mu_store_tx_enter(s, err);
    if (rc)
        return rc;
    int64_t new_id = 0, v = 0;
    int found = 0;
    struct mu_db_val k[] = {MU_DB_TEXT(c->tracking_code)};
    rc = mu_db_query_int(s->db, "SELECT 1 FROM cases WHERE tracking_code = $1", k, 1, &v, &found,
                         err);
    if (rc == MU_OK && found)
        rc = mu_error_set(err, MU_ECONFLICT, "tracking code is taken");
    if (rc == MU_OK && c->matter_id) {
        struct mu_db_val m[] = {MU_DB_INT(c->matter_id)};
        rc = mu_db_query_int(s->db, "SELECT matter_id FROM cases WHERE id = $1", m, 1, &v, &found,
                             err);
        if (rc == MU_OK && !found)
            rc = mu_error_field(err, MU_ENOTFOUND, "matter", "no case %lld to link the matter to",
                                (long long)c->matter_id);
    }
    int64_t matter = c->matter_id ? v : 0;
    if (rc)
        goto out;
    {
        struct mu_db_val p[] = {
            MU_DB_TEXT(c->tracking_code),
            MU_DB_INT(matter),
            MU_DB_TEXT(c->channel),
            MU_DB_TEXT(c->subject),
            MU_DB_TEXT(c->description ? c->description : ""),
            MU_DB_TEXT(c->category ? c->category : ""),
            MU_DB_TEXT(c->place ? c->place : ""),
            MU_DB_TEXT(c->units ? c->units : ""),
            MU_DB_TEXT(mu_case_state_name(c->flow.state)),
            MU_DB_INT(c->flow.received),
            day_val(c->dl.accept),
            day_val(c->dl.due),
            MU_DB_TEXT(c->dl.due_kind),
            MU_DB_TEXT(c->name_enc),
            MU_DB_TEXT(c->phone_enc),
            MU_DB_TEXT(c->address_enc),
            MU_DB_TEXT(c->id_number_enc),
            MU_DB_TEXT(c->lookup_hash),
            MU_DB_INT(actor->now_ms),
            MU_DB_TEXT(actor->name),
        };
        rc = mu_db_query_int(
            s->db,
            "INSERT INTO cases (tracking_code, matter_id, channel, subject, description, "
            "category, place, units, state, received_on, accept_due, due_on, due_kind, "
            "name_enc, phone_enc, address_enc, id_number_enc, lookup_hash, created_at, "
            "created_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, "
            "$12, $13, $14, $15, $16, $17, $18, $19, $20, $19) RETURNING id",
            p, 20, &new_id, &found, err);
    }
    if (rc == MU_OK && !found)
        rc = mu_error_set(err, MU_ESTORE, "case insert returned no id");
    if (rc == MU_OK && !matter) {
        struct mu_db_val p[] = {MU_DB_INT(new_id)};
        rc = mu_db_exec(s->db, "UPDATE cases SET matter_id = id WHERE id = $1", p, 1, err);
    }
    if (rc == MU_OK)
        rc = put_units(s, new_id, "concerned", units, nunits, err);
    if (rc == MU_OK) {
        struct mu_case_action_new a = {"register", c->flow.received, "", 0};
        rc = add_action(s, actor, new_id, &a, err);
    }
    if (rc == MU_OK) {
        char object[32], summary[128];
        snprintf(object, sizeof(object), "case:%lld", (long long)new_id);
        snprintf(summary, sizeof(summary), "registered from channel %s%s", c->channel,
                 matter ? ", linked to an existing matter" : "");
        rc = mu_store_audit_append_tx(s, actor, "case.register", object, summary, err);
    }
    if (rc == MU_OK && id)
        *id = new_id;
out:
    return mu_store_tx_leave(s, rc, err);
}

enum mu_err mu_store_case_update(struct mu_store *s, const struct mu_actor *actor,
                                 const struct mu_case *c, const char *const *handling,
                                 size_t nhandling, const struct mu_case_action_new *act,
                                 const char *action, const char *summary, struct mu_error *err)
{
    enum mu_err rc = mu_store_check_actor(actor, err);
    if (rc)
        return rc;
    rc = mu_store_tx_enter(s, err);
    if (rc)
        return rc;
    const struct mu_case_flow *f = &c->flow;
    struct mu_db_val p[] = {
        MU_DB_INT(c->id),
        MU_DB_TEXT(mu_case_state_name(f->state)),
        day_val(f->decided),
        day_val(f->extended),
        MU_DB_INT(f->extend_days),
        day_val(f->replied),
        MU_DB_INT(f->review_level),
        day_val(f->review_requested),
        day_val(f->review_replied),
        day_val(f->closed),
        day_val(c->dl.accept),
        day_val(c->dl.handle),
        day_val(c->dl.review_request),
        day_val(c->dl.review),
        day_val(c->dl.due),
        MU_DB_TEXT(c->dl.due_kind),
        MU_DB_TEXT(c->handling ? c->handling : ""),
        MU_DB_TEXT(c->leader ? c->leader : ""),
        MU_DB_TEXT(c->outcome ? c->outcome : ""),
        MU_DB_INT(c->rating),
        MU_DB_INT(actor->now_ms),
    };
    int64_t v = 0;
    int found = 0;
    rc = mu_db_query_int(
        s->db,
        "UPDATE cases SET state = $2, decided_on = $3, extended_on = $4, extend_days = $5, "
        "replied_on = $6, review_level = $7, review_requested_on = $8, review_replied_on = $9, "
        "closed_on = $10, accept_due = $11, handle_due = $12, review_request_due = $13, "
        "review_due = $14, due_on = $15, due_kind = $16, handling = $17, leader = $18, "
        "outcome = $19, rating = $20, updated_at = $21 WHERE id = $1 RETURNING id",
        p, 21, &v, &found, err);
    if (rc == MU_OK && !found)
        rc = mu_error_set(err, MU_ENOTFOUND, "no case %lld", (long long)c->id);
    if (rc == MU_OK && handling)
        rc = put_units(s, c->id, "handling", handling, nhandling, err);
    if (rc == MU_OK && act)
        rc = add_action(s, actor, c->id, act, err);
    if (rc == MU_OK) {
        char object[32];
        snprintf(object, sizeof(object), "case:%lld", (long long)c->id);
        rc = mu_store_audit_append_tx(s, actor, action, object, summary ? summary : "", err);
    }
    return mu_store_tx_leave(s, rc, err);
}

enum mu_err mu_store_case_set_deadlines(struct mu_store *s, int64_t id,
                                        const struct mu_case_deadlines *dl, struct mu_error *err)
{
    struct mu_db_val p[] = {MU_DB_INT(id),           day_val(dl->accept),
                            day_val(dl->handle),     day_val(dl->review_request),
                            day_val(dl->review),     day_val(dl->due),
                            MU_DB_TEXT(dl->due_kind)};
    return mu_db_exec(s->db,
                      "UPDATE cases SET accept_due = $2, handle_due = $3, review_request_due = $4, "
                      "review_due = $5, due_on = $6, due_kind = $7 WHERE id = $1",
                      p, 7, err);
}

enum mu_err mu_store_case_set_identity(struct mu_store *s, int64_t id, const char *name,
                                       const char *phone, const char *address,
                                       const char *id_number, const char *lookup_hash,
                                       int64_t purged_at, struct mu_error *err)
{
    struct mu_db_val p[] = {MU_DB_INT(id),       MU_DB_TEXT(name),      MU_DB_TEXT(phone),
                            MU_DB_TEXT(address), MU_DB_TEXT(id_number), MU_DB_TEXT(lookup_hash),
                            MU_DB_INT(purged_at)};
    return mu_db_exec(s->db,
                      "UPDATE cases SET name_enc = $2, phone_enc = $3, address_enc = $4, "
                      "id_number_enc = $5, lookup_hash = $6, purged_at = $7 WHERE id = $1",
                      p, 7, err);
}

enum mu_err mu_store_case_actions(struct mu_store *s, int64_t id, struct mu_case_action **out,
                                  size_t *n, struct mu_error *err)
{
    struct mu_db_rows *r = NULL;
    struct mu_case_action *v = NULL;
    size_t cnt = 0, cap = 0;
    int has = 0;
    *out = NULL;
    *n = 0;
    struct mu_db_val p[] = {MU_DB_INT(id)};
    enum mu_err rc = mu_db_query(s->db,
                                 "SELECT id, at, on_day, actor, kind, text, public FROM "
                                 "case_actions WHERE case_id = $1 ORDER BY id",
                                 p, 1, &r, err);
    while (rc == MU_OK && (rc = mu_db_next(r, &has, err)) == MU_OK && has) {
        if (cnt == cap) {
            size_t ncap = cap ? cap * 2 : 8;
            struct mu_case_action *nv = mu_realloc(v, ncap * sizeof(*v));
            if (!nv) {
                rc = mu_error_set(err, MU_ENOMEM, "out of memory reading case actions");
                break;
            }
            v = nv;
            cap = ncap;
        }
        struct mu_case_action *a = &v[cnt++];
        a->id = mu_db_int(r, 0);
        a->at = mu_db_int(r, 1);
        a->on = (int32_t)mu_db_int(r, 2);
        a->actor = mu_db_dup(r, 3);
        a->kind = mu_db_dup(r, 4);
        a->text = mu_db_dup(r, 5);
        a->public_ = mu_db_int(r, 6) != 0;
        if (!a->actor || !a->kind || !a->text)
            rc = mu_error_set(err, MU_ENOMEM, "out of memory reading case actions");
    }
    mu_db_finish(r);
    if (rc) {
        mu_case_actions_free(v, cnt);
        return rc;
    }
    *out = v;
    *n = cnt;
    return MU_OK;
}

/* Build the WHERE clause and parameters of a filter into @p sql and @p p. */
static enum mu_err filter_sql(const struct mu_case_filter *f, struct mu_buf *sql,
                              struct mu_db_val *p, int *np)
{
    int n = 0;
    enum mu_err rc = mu_buf_adds(sql, " WHERE 1 = 1");
    if (!f)
        goto out;
    if (rc == MU_OK && f->state) {
        p[n++] = mu_db_val_text(f->state);
        rc = mu_buf_printf(sql, " AND state = $%d", n);
    }
    if (rc == MU_OK && f->category) {
        p[n++] = mu_db_val_text(f->category);
        rc = mu_buf_printf(sql, " AND category = $%d", n);
    }
    if (rc == MU_OK && f->channel) {
        p[n++] = mu_db_val_text(f->channel);
        rc = mu_buf_printf(sql, " AND channel = $%d", n);
    }
    if (rc == MU_OK && f->unit) {
        p[n++] = mu_db_val_text(f->unit);
        rc = mu_buf_printf(sql,
                           " AND EXISTS (SELECT 1 FROM case_units u WHERE u.case_id = cases.id "
                           "AND u.unit = $%d)",
                           n);
    }
    if (rc == MU_OK && f->open_only)
        rc = mu_buf_adds(sql, " AND state NOT IN ('closed', 'rejected', 'rereviewed')");
    if (rc == MU_OK && f->has_due) {
        struct mu_db_val v = MU_DB_INT(f->due_until);
        p[n++] = v;
        rc = mu_buf_printf(sql, " AND due_on IS NOT NULL AND due_on <= $%d", n);
    }
    if (rc == MU_OK && f->has_closed_before) {
        struct mu_db_val v = MU_DB_INT(f->closed_before);
        p[n++] = v;
        rc = mu_buf_printf(sql, " AND state = 'closed' AND closed_on < $%d AND purged_at = 0", n);
    }
out:
    *np = n;
    return rc;
}

enum mu_err mu_store_case_list(struct mu_store *s, const struct mu_case_filter *f,
                               struct mu_case **out, size_t *n, struct mu_error *err)
{
    struct mu_buf sql;
    struct mu_db_val p[8];
    struct mu_db_rows *r = NULL;
    struct mu_case *v = NULL;
    size_t cnt = 0, cap = 0;
    int np = 0, has = 0, ident = f && f->with_identity;
    *out = NULL;
    *n = 0;
    mu_buf_init(&sql, 8192);
    enum mu_err rc = mu_buf_adds(&sql, ident ? "SELECT " CASE_COLS ID_COLS " FROM cases"
                                             : "SELECT " CASE_COLS " FROM cases");
    if (rc == MU_OK)
        rc = filter_sql(f, &sql, p, &np);
    if (rc == MU_OK)
        rc = mu_buf_adds(&sql, f && f->has_due ? " ORDER BY due_on, id" : " ORDER BY id");
    if (rc == MU_OK && f && f->limit)
        rc = mu_buf_printf(&sql, " LIMIT %zu", f->limit);
    if (rc) {
        mu_buf_release(&sql);
        return mu_error_set(err, MU_ENOMEM, "out of memory building a case query");
    }
    rc = mu_store_tx_enter_read(s, err);
    if (rc) {
        mu_buf_release(&sql);
        return rc;
    }
    rc = mu_db_query(s->db, sql.ptr, p, np, &r, err);
    while (rc == MU_OK && (rc = mu_db_next(r, &has, err)) == MU_OK && has) {
        if (cnt == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            struct mu_case *nv = mu_realloc(v, ncap * sizeof(*v));
            if (!nv) {
                rc = mu_error_set(err, MU_ENOMEM, "out of memory reading cases");
                break;
            }
            v = nv;
            cap = ncap;
        }
        rc = read_row(r, ident, &v[cnt], err);
        if (rc == MU_OK)
            cnt++;
    }
    mu_db_finish(r);
    mu_buf_release(&sql);
    rc = mu_store_tx_leave(s, rc, err);
    if (rc) {
        mu_cases_free(v, cnt);
        return rc;
    }
    *out = v;
    *n = cnt;
    return MU_OK;
}

enum mu_err mu_store_case_scan(struct mu_store *s, int open_only, int with_identity,
                               mu_case_row_fn *fn, void *ctx, struct mu_error *err)
{
    struct mu_case *v = NULL;
    size_t n = 0;
    struct mu_case_filter f = {.open_only = open_only, .with_identity = with_identity};
    /* Read everything first: the callback may write through the same connection. */
    enum mu_err rc = mu_store_case_list(s, &f, &v, &n, err);
    for (size_t i = 0; rc == MU_OK && i < n; i++)
        rc = fn(ctx, &v[i], err);
    mu_cases_free(v, n);
    return rc;
}

enum mu_err mu_store_case_throttle(struct mu_store *s, const char *key, int64_t now, int max,
                                   int64_t window_ms, int64_t *wait_ms, struct mu_error *err)
{
    struct mu_db_rows *r = NULL;
    int has = 0;
    *wait_ms = 0;
    enum mu_err rc = mu_store_tx_enter(s, err);
    if (rc)
        return rc;
    struct mu_db_val d[] = {MU_DB_INT(now - window_ms)};
    rc = mu_db_exec(s->db, "DELETE FROM case_throttle WHERE window_start <= $1", d, 1, err);
    struct mu_db_val k[] = {MU_DB_TEXT(key)};
    if (rc == MU_OK)
        rc = mu_db_query(s->db, "SELECT window_start, hits FROM case_throttle WHERE key = $1", k, 1,
                         &r, err);
    if (rc == MU_OK)
        rc = mu_db_next(r, &has, err);
    int64_t start = has ? mu_db_int(r, 0) : now, hits = has ? mu_db_int(r, 1) : 0;
    mu_db_finish(r);
    if (rc == MU_OK && hits >= max) {
        *wait_ms = start + window_ms - now;
        if (*wait_ms < 1)
            *wait_ms = 1;
    } else if (rc == MU_OK) {
        struct mu_db_val p[] = {MU_DB_TEXT(key), MU_DB_INT(start), MU_DB_INT(hits + 1)};
        rc = mu_db_exec(s->db,
                        "INSERT INTO case_throttle (key, window_start, hits) VALUES ($1, $2, $3) "
                        "ON CONFLICT (key) DO UPDATE SET hits = excluded.hits",
                        p, 3, err);
    }
    return mu_store_tx_leave(s, rc, err);
}

enum mu_err mu_store_case_keyfile(struct mu_store *s, const char *env_path, char *out, size_t outsz,
                                  struct mu_error *err)
{
    struct mu_db_rows *r = NULL;
    int has = 0;
    if (env_path && *env_path) {
        int w = snprintf(out, outsz, "%s", env_path);
        return w < 0 || (size_t)w >= outsz
                   ? mu_error_set(err, MU_EINVAL, "key file path is too long")
                   : MU_OK;
    }
    if (strcmp(mu_store_engine(s), "sqlite") != 0)
        return mu_error_set(err, MU_EINVAL,
                            "give the case key file with --key-file or MUSTER_KEY_FILE");
    enum mu_err rc = mu_db_query(s->db, "SELECT file FROM pragma_database_list WHERE name = 'main'",
                                 NULL, 0, &r, err);
    if (rc == MU_OK)
        rc = mu_db_next(r, &has, err);
    const char *file = has ? mu_db_text(r, 0) : NULL;
    if (rc == MU_OK && (!file || !*file))
        rc = mu_error_set(err, MU_EINVAL, "the database has no file to put the key file beside");
    if (rc == MU_OK) {
        int w = snprintf(out, outsz, "%s.key", file);
        if (w < 0 || (size_t)w >= outsz)
            rc = mu_error_set(err, MU_EINVAL, "key file path is too long");
    }
    mu_db_finish(r);
    return rc;
}

enum mu_err mu_store_case_reminders_cancel(struct mu_store *s, const struct mu_actor *actor,
                                           const int64_t *ids, size_t n, size_t *count,
                                           struct mu_error *err)
{
    size_t total = 0;
    enum mu_err rc = mu_store_check_actor(actor, err);
    if (rc || n == 0)
        return rc;
    rc = mu_store_tx_enter(s, err);
    if (rc)
        return rc;
    for (size_t i = 0; rc == MU_OK && i < n; i++) {
        char ref[32];
        struct mu_db_rows *r = NULL;
        int has = 0;
        snprintf(ref, sizeof(ref), "case:%lld", (long long)ids[i]);
        struct mu_db_val p[] = {MU_DB_INT(actor->now_ms), MU_DB_TEXT(ref)};
        rc = mu_db_query(s->db,
                         "UPDATE notices SET cancelled_at = $1 WHERE ref = $2 AND "
                         "kind = 'case.due' AND sent_at IS NULL AND cancelled_at IS NULL "
                         "RETURNING id",
                         p, 2, &r, err);
        while (rc == MU_OK && (rc = mu_db_next(r, &has, err)) == MU_OK && has)
            total++;
        mu_db_finish(r);
    }
    if (rc == MU_OK && total) {
        char summary[96];
        snprintf(summary, sizeof(summary), "%zu case reminder%s of %zu case%s", total,
                 total == 1 ? "" : "s", n, n == 1 ? "" : "s");
        rc = mu_store_audit_append_tx(s, actor, "notice.cancel", "cases", summary, err);
    }
    if (rc == MU_OK && count)
        *count = total;
    return mu_store_tx_leave(s, rc, err);
}
