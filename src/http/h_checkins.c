/* SPDX-License-Identifier: MIT */
/*
 * Daily check-ins over the API (docs/internals/checkins.md, "HTTP"):
 *
 *  - POST /api/v1/checkins/{unit}: a submission, MU_ACTION_UNIT_WRITE on the
 *    unit in the path, so the auth layer lets a reporter through only for
 *    their own units. It goes through the server's check-in batcher
 *    (include/muster/checkin_batch.h): concurrent submissions share one
 *    commit, and each is answered 201 only after that commit. `at` (when
 *    the report was made) may be given only by callers allowed to write
 *    organisation data (an officer entering a report taken by phone);
 *    a reporter's report is made now.
 *  - GET /api/v1/checkins/board: any signed-in user; roles that read
 *    organisation data see every unit, a reporter only their own units.
 *  - GET /api/v1/checkins/summary and /stats (MU_ACTION_READ), the stats
 *    also as XLSX.
 *
 * The batcher is made on first use, one per process (the server has one
 * store), and freed at exit.
 */
#include "auth.h"
#include "duty.h"

#include <muster/checkin.h>
#include <muster/date.h>
#include <muster/log.h>
#include <muster/mem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../util/banned.h"

/* ---------------------------------------------------------------- the batcher */

static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
    struct mu_http_env *env;
    struct mu_store *store;
    struct mu_checkin_batcher *b;
    int atexit_set;
} reg;

static void reg_free(void)
{
    pthread_mutex_lock(&reg_lock);
    if (reg.b) {
        struct mu_checkin_batch_stats st;
        mu_checkin_batcher_stats(reg.b, &st);
        mu_log(MU_LOG_INFO, "http",
               "check-in group commit: %llu stored in %llu groups (largest %llu), %llu "
               "rejected, %llu retried alone",
               (unsigned long long)st.stored, (unsigned long long)st.groups,
               (unsigned long long)st.largest, (unsigned long long)st.rejected,
               (unsigned long long)st.retried);
    }
    mu_checkin_batcher_free(reg.b);
    reg.b = NULL;
    reg.env = NULL;
    reg.store = NULL;
    pthread_mutex_unlock(&reg_lock);
}

void mu_http_checkins_close(struct mu_http_env *env)
{
    pthread_mutex_lock(&reg_lock);
    int mine = reg.b && reg.env == env;
    pthread_mutex_unlock(&reg_lock);
    if (mine)
        reg_free();
}

struct mu_checkin_batcher *mu_http_checkins(struct mu_http_env *env, struct mu_error *err)
{
    struct mu_checkin_batcher *b = NULL;
    pthread_mutex_lock(&reg_lock);
    if (reg.b && reg.env == env && reg.store == env->store) {
        b = reg.b;
    } else if (!env->store) {
        mu_error_set(err, MU_ESTORE, "no database");
    } else if (mu_checkin_batcher_new(env->store, &env->store_lock, env->calendar, 0, &b, err) ==
               MU_OK) {
        /* A new server in this process (tests): the old one has stopped. */
        mu_checkin_batcher_free(reg.b);
        reg.b = b;
        reg.env = env;
        reg.store = env->store;
        if (!reg.atexit_set && atexit(reg_free) == 0)
            reg.atexit_set = 1;
    }
    pthread_mutex_unlock(&reg_lock);
    return b;
}

/* ---------------------------------------------------------------- submit */

static int top_level(const char *field)
{
    static const char *const names[] = {"schedule", "unit", "nil", "fields", "text",
                                        "at",       "slot", "by",  NULL};
    for (size_t i = 0; names[i]; i++)
        if (strcmp(names[i], field) == 0)
            return 1;
    return 0;
}

/* On the committer's thread: keep the answer and wake the request. */
static void submit_done(void *ctx, enum mu_err rc, const struct mu_error *err,
                        const struct mu_checkin_receipt *receipt)
{
    struct mu_http_checkin_result *res = mu_calloc(1, sizeof(*res));
    if (res) {
        res->rc = rc;
        if (rc)
            res->err = *err;
        else
            res->receipt = *receipt;
    }
    mu_http_deferred_done(ctx, res, mu_free);
}

int mu_http_checkin_defer(struct mu_http_req *req, struct mu_http_resp *resp,
                          struct mu_checkin_batcher *b, const struct mu_actor *actor,
                          const struct mu_checkin_input *in, mu_http_cont_fn *cont)
{
    struct mu_error err = {0};
    struct mu_http_deferred *d = mu_http_defer(req, cont);
    if (!d)
        return mu_http_resp_json(resp, 500, NULL);
    enum mu_err rc =
        mu_checkin_batcher_submit_async(b, actor, req->principal, in, submit_done, d, &err);
    if (rc)
        submit_done(d, rc, &err, NULL);
    return MU_HTTP_DEFERRED;
}

/* Back on a worker thread (mu_http_cont_fn): the receipt or the error. */
static int submit_answer(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx,
                         void *result)
{
    const struct mu_http_checkin_result *res = result;
    const struct mu_checkin_receipt *r = res ? &res->receipt : NULL;
    (void)ctx;
    if (!res)
        return mu_http_resp_json(resp, 500, NULL);
    if (res->rc) {
        struct mu_error err = res->err;
        if (err.field[0] && !top_level(err.field)) {
            char path[sizeof(err.field) + 8];
            snprintf(path, sizeof(path), "fields.%s", err.field);
            snprintf(err.field, sizeof(err.field), "%.*s", (int)sizeof(err.field) - 1, path);
        }
        return mu_http_resp_from_err(resp, res->rc, &err, req->rid);
    }
    return mu_http_resp_json(resp, 201,
                             json_pack("{s:I, s:s, s:s, s:s, s:b, s:s}", "id", (json_int_t)r->id,
                                       "schedule", r->schedule, "unit",
                                       mu_http_req_param(req, "unit"), "slot", r->slot, "late",
                                       r->late, "status", r->late ? "late" : "on_time"));
}

int h_checkins_post(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_http_env *env = ctx;
    struct mu_error err = {0};
    json_t *body = NULL;
    const char *schedule = NULL, *text = NULL, *at_s = NULL, *slot = NULL, *by = NULL,
               *bunit = NULL;
    const char *unit = mu_http_req_param(req, "unit");
    struct mu_checkin_kv kv[MU_CHECKIN_MAX_FIELDS];
    char nums[MU_CHECKIN_MAX_FIELDS][24];
    size_t nkv = 0;
    int st;

    if ((st = mu_http_req_json(req, resp, &body)))
        return st;
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v) {
        if (!top_level(key)) {
            st = mu_http_resp_error(resp, 400, key, "unknown member '%s'", key);
            goto out;
        }
    }
    if ((st = mu_http_json_str(resp, body, "schedule", 1, &schedule)) ||
        (st = mu_http_json_str(resp, body, "text", 0, &text)) ||
        (st = mu_http_json_str(resp, body, "at", 0, &at_s)) ||
        (st = mu_http_json_str(resp, body, "slot", 0, &slot)) ||
        (st = mu_http_json_str(resp, body, "by", 0, &by)) ||
        (st = mu_http_json_str(resp, body, "unit", 0, &bunit)))
        goto out;
    if (bunit && strcmp(bunit, unit) != 0) {
        st = mu_http_resp_error(resp, 400, "unit",
                                "'unit' in the body is not the unit of the path");
        goto out;
    }
    json_t *jnil = json_object_get(body, "nil");
    if (jnil && !json_is_null(jnil) && !json_is_boolean(jnil)) {
        st = mu_http_resp_error(resp, 400, "nil", "'nil' must be true or false");
        goto out;
    }
    json_t *fields = json_object_get(body, "fields");
    if (fields && !json_is_null(fields)) {
        if (!json_is_object(fields)) {
            st = mu_http_resp_error(resp, 400, "fields", "'fields' must be an object");
            goto out;
        }
        json_object_foreach(fields, key, v) {
            char path[80];
            snprintf(path, sizeof(path), "fields.%s", key);
            if (nkv == MU_CHECKIN_MAX_FIELDS) {
                st = mu_http_resp_error(resp, 400, "fields", "more than %d fields",
                                        MU_CHECKIN_MAX_FIELDS);
                goto out;
            }
            if (json_is_integer(v)) {
                snprintf(nums[nkv], sizeof(nums[nkv]), "%" JSON_INTEGER_FORMAT,
                         json_integer_value(v));
                kv[nkv].value = nums[nkv];
            } else if (json_is_string(v)) {
                kv[nkv].value = json_string_value(v);
            } else {
                st = mu_http_resp_error(resp, 400, path,
                                        "field '%s' must be a whole number or a text", key);
                goto out;
            }
            kv[nkv++].key = key;
        }
    }
    int64_t now = mu_http_now_ms(), at = now;
    if (at_s) {
        if (!mu_principal_can(req->principal, MU_ACTION_WRITE, NULL)) {
            st = mu_http_resp_error(resp, 403, "at",
                                    "only officers and admins may set 'at' (a report taken "
                                    "earlier); a report is made now");
            goto out;
        }
        if (mu_local_parse(at_s, &at, NULL)) {
            st = mu_http_resp_error(resp, 400, "at",
                                    "'at' must be a time YYYY-MM-DDTHH:MM[:SS][+08:00]");
            goto out;
        }
    }
    struct mu_checkin_batcher *b = mu_http_checkins(env, &err);
    if (!b) {
        st = mu_http_resp_from_err(resp, err.code ? err.code : MU_EINTERNAL, &err, req->rid);
        goto out;
    }
    struct mu_checkin_input in = {
        .schedule = schedule,
        .unit = unit,
        .nil = jnil && json_is_true(jnil),
        .fields = kv,
        .nfields = nkv,
        .text = text,
        .at = at,
        .slot = slot,
        .by = by,
    };
    struct mu_actor actor = {req->principal->name, now};
    /* The connection waits for the group commit without holding this
     * worker, so any number of submissions can share a commit whatever
     * --threads is; submit_answer() makes the answer after the commit. */
    st = mu_http_checkin_defer(req, resp, b, &actor, &in, submit_answer);
out:
    json_decref(body);
    return st;
}

/* ---------------------------------------------------------------- board */

struct board_ctx {
    const struct mu_principal *who;
    int all;          /* the caller reads every unit */
    const char *only; /* status filter or NULL */
    size_t start, limit; /* the page asked for: items [start, start + limit) */
    size_t n;            /* items of the whole list so far */
    json_t *items;       /* the page's */
    size_t count[4];
};

/* "HH:MM" of @p minutes after midnight (0..1439). */
static void hhmm(int minutes, char out[static 6])
{
    unsigned m = (unsigned)minutes % 1440;
    out[0] = (char)('0' + m / 600);
    out[1] = (char)('0' + m / 60 % 10);
    out[2] = ':';
    out[3] = (char)('0' + m % 60 / 10);
    out[4] = (char)('0' + m % 10);
    out[5] = '\0';
}

static json_t *opt_str(const char *s)
{
    return s ? json_string(s) : json_null();
}

static enum mu_err board_cell(void *vctx, const struct mu_checkin_cell_view *c,
                              struct mu_error *err)
{
    struct board_ctx *b = vctx;
    if (!b->all && !mu_principal_can(b->who, MU_ACTION_UNIT_READ, c->unit->id))
        return MU_OK;
    b->count[c->status]++;
    const char *status = mu_checkin_status_name(c->status);
    if (b->only && strcmp(b->only, status) != 0)
        return MU_OK;
    /* Every cell is counted; only those of the page are built. */
    size_t idx = b->n++;
    if (idx < b->start || idx - b->start >= b->limit)
        return MU_OK;
    char slot[6], sub[26];
    hhmm(c->slot->minutes, slot);
    if (c->has)
        mu_local_format(c->submitted_at, sub);
    json_t *item = json_pack(
        "{s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o}", "unit", c->unit->id, "unit_name",
        c->unit->name, "slot", slot, "status", status, "submitted_at",
        c->has ? json_string(sub) : json_null(), "nil", c->has ? json_boolean(c->nil) : json_null(),
        "reporter_id", opt_str(c->reporter ? c->reporter->id : NULL), "reporter",
        opt_str(c->reporter ? c->reporter->name : NULL), "phone",
        opt_str(c->reporter ? c->reporter->phone : NULL));
    if (json_array_append_new(b->items, item))
        return mu_error_set(err, MU_ENOMEM, "out of memory");
    return MU_OK;
}

int h_checkins_board(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_http_env *env = ctx;
    struct mu_error err = {0};
    const char *ref = NULL, *only = NULL;
    const struct mu_checkin_schedule *sch = NULL;
    int64_t now = mu_http_now_ms(), at = now;
    int32_t day = mu_local_day(now, NULL);
    int st;
    if (mu_query_get(&req->query, "schedule", &ref, &err) ||
        mu_query_get(&req->query, "status", &only, &err))
        return mu_http_resp_from_err(resp, MU_EINVAL, &err, req->rid);
    if (!ref)
        return mu_http_resp_error(resp, 400, "schedule", "missing query parameter 'schedule'");
    if (only && strcmp(only, "on_time") && strcmp(only, "late") && strcmp(only, "missing") &&
        strcmp(only, "not_due"))
        return mu_http_resp_error(resp, 400, "status",
                                  "'status' must be on_time, late, missing or not_due");
    if ((st = mu_http_query_day(req, resp, "date", 0, &day, NULL)))
        return st;
    if ((st = mu_http_query_time(req, resp, "at", now, &at)))
        return st;
    struct mu_checkin_batcher *b = mu_http_checkins(env, &err);
    if (!b)
        return mu_http_resp_from_err(resp, err.code ? err.code : MU_EINTERNAL, &err, req->rid);
    int version = 0;
    enum mu_err rc = mu_checkin_batcher_schedule(b, ref, &sch, &version, &err);
    if (rc)
        return mu_http_resp_from_err(resp, rc, &err, req->rid);
    struct board_ctx bc = {.who = req->principal,
                           .all = mu_principal_can(req->principal, MU_ACTION_READ, NULL),
                           .only = only};
    if ((st = mu_http_page_window(req, resp, &bc.start, &bc.limit)))
        return st;
    bc.items = json_array();
    size_t ns = 0;
    rc = bc.items ? mu_checkin_batcher_board(b, sch, day, at, &ns, board_cell, &bc, &err)
                  : mu_error_set(&err, MU_ENOMEM, "out of memory");
    if (rc) {
        json_decref(bc.items);
        return mu_http_resp_from_err(resp, rc, &err, req->rid);
    }
    char date[11], when[26], full[MU_CHECKIN_MAX_REF + 2];
    mu_date_format(day, date);
    mu_local_format(at, when);
    snprintf(full, sizeof(full), "%s/%s", sch->plan->id, sch->ci->id);
    json_t *slots = json_array();
    struct mu_checkin_slot sl[MU_CHECKIN_MAX_SLOTS];
    size_t nsl = mu_checkin_slots(sch, env->calendar, day, sl);
    for (size_t i = 0; slots && i < nsl; i++) {
        char t[6];
        hhmm(sl[i].minutes, t);
        json_array_append_new(slots, json_string(t));
    }
    json_t *extra = json_pack(
        "{s:s, s:s, s:i, s:s, s:s, s:o, s:{s:I, s:I, s:I, s:I}}", "schedule", full, "name",
        sch->ci->name, "plan_version", version, "date", date, "at", when, "slots", slots,
        "counts", "on_time", (json_int_t)bc.count[MU_CHECKIN_ON_TIME], "late",
        (json_int_t)bc.count[MU_CHECKIN_LATE], "missing", (json_int_t)bc.count[MU_CHECKIN_MISSING],
        "not_due", (json_int_t)bc.count[MU_CHECKIN_NOT_DUE]);
    return mu_http_resp_window(req, resp, bc.items, bc.start, bc.n, extra);
}

/* ---------------------------------------------------------------- summary, stats */

int h_checkins_summary(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_http_env *env = ctx;
    struct mu_error err = {0};
    const char *ref = NULL;
    char *text = NULL;
    int64_t now = mu_http_now_ms();
    int32_t day = mu_local_day(now, NULL);
    int st;
    if (mu_query_get(&req->query, "schedule", &ref, &err))
        return mu_http_resp_from_err(resp, MU_EINVAL, &err, req->rid);
    if (!ref)
        return mu_http_resp_error(resp, 400, "schedule", "missing query parameter 'schedule'");
    if ((st = mu_http_query_day(req, resp, "date", 0, &day, NULL)))
        return st;
    struct mu_store *s = mu_http_store_acquire(env);
    enum mu_err rc = s ? mu_app_checkin_summary(s, env->calendar, ref, day, now, MU_CHECKIN_JSON,
                                                &text, &err)
                       : mu_error_set(&err, MU_ESTORE, "no database");
    mu_http_store_release(env);
    if (rc)
        return mu_http_resp_from_err(resp, rc, &err, req->rid);
    json_t *doc = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
    mu_free(text);
    return mu_http_resp_json(resp, 200, doc);
}

int h_checkins_stats(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_http_env *env = ctx;
    struct mu_error err = {0};
    const char *ref = NULL, *format = NULL;
    char *text = NULL;
    int32_t from = 0, to = 0;
    int64_t at = 0;
    int st;
    if (mu_query_get(&req->query, "schedule", &ref, &err) ||
        mu_query_get(&req->query, "format", &format, &err))
        return mu_http_resp_from_err(resp, MU_EINVAL, &err, req->rid);
    if (!ref)
        return mu_http_resp_error(resp, 400, "schedule", "missing query parameter 'schedule'");
    if (format && strcmp(format, "json") && strcmp(format, "xlsx"))
        return mu_http_resp_error(resp, 400, "format", "'format' must be json or xlsx");
    if ((st = mu_http_query_day(req, resp, "from", 1, &from, NULL)) ||
        (st = mu_http_query_day(req, resp, "to", 1, &to, NULL)) ||
        (st = mu_http_query_time(req, resp, "at", mu_http_now_ms(), &at)))
        return st;
    if (format && strcmp(format, "xlsx") == 0) {
        char path[512], name[64], a[11], b[11];
        if (mu_http_tmpfile(path, sizeof(path)))
            return mu_http_resp_error(resp, 500, NULL,
                                      "cannot make a temporary file (request id %s)", req->rid);
        struct mu_store *s = mu_http_store_acquire(env);
        enum mu_err rc = s ? mu_app_checkin_stats_xlsx(s, env->calendar, ref, from, to, at, path,
                                                       &err)
                           : mu_error_set(&err, MU_ESTORE, "no database");
        mu_http_store_release(env);
        if (rc) {
            unlink(path);
            return mu_http_resp_from_err(resp, rc, &err, req->rid);
        }
        mu_date_format(from, a);
        mu_date_format(to, b);
        snprintf(name, sizeof(name), "checkin-stats-%s-%s.xlsx", a, b);
        return mu_http_resp_file(
            resp, path, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name,
            req->rid);
    }
    struct mu_store *s = mu_http_store_acquire(env);
    enum mu_err rc = s ? mu_app_checkin_stats(s, env->calendar, ref, from, to, at,
                                              MU_CHECKIN_JSON, &text, &err)
                       : mu_error_set(&err, MU_ESTORE, "no database");
    mu_http_store_release(env);
    if (rc) {
        if (rc == MU_EINVAL && !err.field[0])
            snprintf(err.field, sizeof(err.field), "to");
        return mu_http_resp_from_err(resp, rc, &err, req->rid);
    }
    json_t *doc = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
    mu_free(text);
    return mu_http_resp_json(resp, 200, doc);
}
