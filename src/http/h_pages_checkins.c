/* SPDX-License-Identifier: MIT */
/*
 * The check-in pages (docs/internals/web.md, "Roster and check-in pages"):
 * the submit form (GET/POST /checkin: one screen on a phone, schedule and
 * unit pre-selected when there is one choice, a big nil button), the board
 * of a day (GET /checkins/board: units x slots coloured by status, missing
 * units with their reporter and phone, refreshed live through [data-live]),
 * the statistics (GET /checkins/stats: on-time rate per unit as a table and
 * a server-made SVG bar chart, with the XLSX link), and the dashboard's
 * "today's check-ins" card. Submissions go through the server's check-in
 * batcher like the API's.
 */
#include "duty.h"
#include "web.h"

#include <muster/account.h>
#include <muster/checkin.h>
#include <muster/date.h>
#include <muster/log.h>
#include <muster/mem.h>
#include <stdio.h>
#include <string.h>

#include "../util/banned.h"

static const char *field(const struct mu_query *q, const char *name)
{
    const char *v = NULL;
    if (mu_query_get(q, name, &v, NULL))
        return NULL;
    return v;
}

static void hhmm(int minutes, char out[static 6])
{
    unsigned m = (unsigned)minutes % 1440;
    snprintf(out, 6, "%02u:%02u", m / 60, m % 60);
}

/* May the caller see (@p write 0) or report for (@p write 1) unit @p unit? */
static int may(const struct mu_principal *p, int write, const char *unit)
{
    return mu_principal_can(p, write ? MU_ACTION_UNIT_WRITE : MU_ACTION_UNIT_READ, unit);
}

/* The schedules a caller may use, and the chosen one. */
struct pick {
    const struct mu_principal *who;
    int write;
    const char *want; /* the schedule asked for, or NULL */
    json_t *list;
    const struct mu_checkin_schedule *chosen, *first;
};

static void ref_of(const struct mu_checkin_schedule *s, char out[static MU_CHECKIN_MAX_REF + 2])
{
    snprintf(out, MU_CHECKIN_MAX_REF + 2, "%s/%s", s->plan->id, s->ci->id);
}

static enum mu_err pick_one(void *ctx, const struct mu_checkin_schedule *s, struct mu_error *err)
{
    struct pick *p = ctx;
    size_t ok = 0;
    for (size_t u = 0; u < s->nunits && !ok; u++)
        ok = may(p->who, p->write, s->units[u]->id);
    if (!ok)
        return MU_OK;
    char ref[MU_CHECKIN_MAX_REF + 2];
    ref_of(s, ref);
    int sel = p->want && (strcmp(p->want, ref) == 0 || strcmp(p->want, s->ci->id) == 0);
    if (sel && !p->chosen)
        p->chosen = s;
    if (!p->first)
        p->first = s;
    if (json_array_append_new(p->list, json_pack("{s:s, s:s, s:b}", "ref", ref, "name",
                                                 s->ci->name, "selected", sel)))
        return mu_error_set(err, MU_ENOMEM, "out of memory");
    return MU_OK;
}

/* Fill @p p (list of schedules, chosen one); 0 or a page error status. */
static int pick_schedules(struct mu_webpage *pg, struct pick *p, int write, const char *want)
{
    struct mu_error err = {0};
    memset(p, 0, sizeof(*p));
    p->who = pg->req->principal;
    p->write = write;
    p->want = want && *want ? want : NULL;
    p->list = json_array();
    struct mu_checkin_batcher *b = mu_http_checkins(pg->env, &err);
    enum mu_err rc = !b        ? err.code ? err.code : MU_EINTERNAL
                     : p->list ? mu_checkin_batcher_each(b, pick_one, p, &err)
                               : MU_ENOMEM;
    if (rc) {
        json_decref(p->list);
        p->list = NULL;
        mu_log(MU_LOG_ERROR, "http", "rid=%s check-in schedules: %s", pg->req->rid, err.msg);
        return mu_web_error(pg, 500, NULL);
    }
    if (!p->chosen) {
        p->chosen = p->first;
        if (p->first && json_array_size(p->list))
            json_object_set_new(json_array_get(p->list, 0), "selected", json_true());
    }
    return 0;
}

static json_t *sched_json(const struct mu_checkin_schedule *s)
{
    char ref[MU_CHECKIN_MAX_REF + 2];
    ref_of(s, ref);
    return json_pack("{s:s, s:s}", "ref", ref, "name", s->ci->name);
}

/* ---------------------------------------------------------------- the form */

struct form_state {
    const char *unit;       /* chosen unit, or NULL */
    const struct mu_query *posted; /* the posted form to echo, or NULL */
    const char *err_field;  /* the field at fault */
    json_t *err_text;       /* its message (taken) */
};

static int form_page(struct mu_webpage *pg, const char *want, int status, struct form_state *fs)
{
    struct pick p;
    int st = pick_schedules(pg, &p, 1, want);
    if (st) {
        json_decref(fs->err_text);
        return st;
    }
    mu_web_set(pg, "page_title", json_string(mu_web_t(pg, "checkin.title")));
    mu_web_set(pg, "has_schedules", json_boolean(p.chosen != NULL));
    mu_web_set(pg, "many_schedules", json_boolean(json_array_size(p.list) > 1));
    mu_web_set(pg, "schedules", p.list);
    if (p.chosen) {
        const struct mu_checkin_schedule *s = p.chosen;
        mu_web_set(pg, "schedule", sched_json(s));
        json_t *units = json_array();
        size_t nu = 0;
        const struct mu_plan_unit *only = NULL;
        for (size_t u = 0; units && u < s->nunits; u++) {
            if (!may(pg->req->principal, 1, s->units[u]->id))
                continue;
            nu++;
            only = s->units[u];
            json_array_append_new(units, json_pack("{s:s, s:s, s:b}", "id", s->units[u]->id,
                                                   "name", s->units[u]->name, "selected",
                                                   fs->unit &&
                                                       strcmp(fs->unit, s->units[u]->id) == 0));
        }
        mu_web_set(pg, "units", units);
        mu_web_set(pg, "one_unit", json_boolean(nu == 1));
        if (nu == 1)
            mu_web_set(pg, "unit", json_pack("{s:s, s:s}", "id", only->id, "name", only->name));
        json_t *fields = json_array();
        for (size_t i = 0; fields && i < s->ci->nfields; i++) {
            const struct mu_plan_field *fd = &s->ci->fields[i];
            char name[80];
            snprintf(name, sizeof(name), "f.%s", fd->key);
            const char *val = fs->posted ? field(fs->posted, name) : NULL;
            json_array_append_new(
                fields, json_pack("{s:s, s:s, s:b, s:I, s:s, s:b}", "key", fd->key, "label",
                                  fd->label ? fd->label : fd->key, "count",
                                  fd->type != MU_FIELD_TEXT, "max", (json_int_t)fd->max,
                                  "value", val ? val : "", "invalid",
                                  fs->err_field && strcmp(fs->err_field, fd->key) == 0));
        }
        mu_web_set(pg, "fields", fields);
    }
    if (fs->err_field) {
        mu_web_set(pg, "err", json_pack("{s:b}", fs->err_field, 1));
        mu_web_set(pg, "form_error",
                    json_pack("{s:s, s:o}", "field", fs->err_field, "text",
                              fs->err_text ? fs->err_text : json_string("")));
        fs->err_text = NULL;
    }
    json_decref(fs->err_text);
    return mu_web_render(pg, "checkin_form", status);
}

/* "YYYY-MM-DDTHH:MM" exactly. */
static int slot_text_ok(const char *s)
{
    static const char shape[] = "dddd-dd-ddTdd:dd";
    if (!s || strlen(s) != 16)
        return 0;
    for (size_t i = 0; i < 16; i++)
        if (shape[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != shape[i])
            return 0;
    return 1;
}

int h_page_checkin(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_webpage pg;
    struct form_state fs = {0};
    mu_web_begin(&pg, req, resp, ctx);
    mu_web_set(&pg, "nav_checkins", json_true());
    fs.unit = field(&req->query, "unit");
    const char *ok = field(&req->query, "ok"), *late = field(&req->query, "late");
    if (slot_text_ok(ok)) {
        char slot[17];
        snprintf(slot, sizeof(slot), "%.10s %.5s", ok, ok + 11);
        mu_web_flash(&pg, "ok",
                      mu_web_fmt(&pg, late && strcmp(late, "1") == 0 ? "checkin.done_late"
                                                                     : "checkin.done",
                                 "slot", slot));
    }
    int st = form_page(&pg, field(&req->query, "schedule"), 200, &fs);
    mu_web_end(&pg);
    return st;
}

/* A posted check-in form as read; the pointers borrow from form and kv. */
struct post {
    struct mu_webpage pg;
    struct mu_query form;
    struct form_state fs;
    struct mu_checkin_kv kv[MU_QUERY_MAX_PARAMS];
    struct mu_checkin_input in;
};

/* Begin the page and read the posted form: 0, or the status of the 400 page made. */
static int post_begin(struct post *p, struct mu_http_req *req, struct mu_http_resp *resp,
                      void *ctx)
{
    struct mu_error err = {0};
    size_t nkv = 0;
    memset(&p->fs, 0, sizeof(p->fs));
    memset(&p->in, 0, sizeof(p->in));
    mu_query_init(&p->form);
    mu_web_begin(&p->pg, req, resp, ctx);
    if (mu_http_req_form(req, &p->form, &err))
        return mu_web_error(&p->pg, 400, "form.invalid");
    const char *unit = field(&p->form, "unit");
    for (size_t i = 0; i < p->form.n; i++) {
        const char *name = p->form.v[i].name, *val = p->form.v[i].value;
        if (strncmp(name, "f.", 2) != 0 || !val || !*val)
            continue;
        p->kv[nkv].key = name + 2;
        p->kv[nkv++].value = val;
    }
    p->fs.unit = unit;
    p->fs.posted = &p->form;
    p->in.schedule = field(&p->form, "schedule");
    p->in.unit = unit ? unit : "";
    p->in.nil = field(&p->form, "nil") != NULL;
    p->in.fields = p->kv;
    p->in.nfields = nkv;
    p->in.at = mu_http_now_ms();
    return 0;
}

static void post_end(struct post *p)
{
    mu_query_release(&p->form);
    mu_web_end(&p->pg);
}

/*
 * After the group commit (mu_http_cont_fn): a redirect to the form with
 * the receipt, the form again with the refusal, or the error page. The
 * form is read again from the kept request.
 */
static int checkin_post_answer(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx,
                               void *result)
{
    const struct mu_http_checkin_result *res = result;
    struct post p;
    int st = post_begin(&p, req, resp, ctx);
    if (st)
        goto out;
    if (res && (res->rc == MU_EINVAL || res->rc == MU_ENOTFOUND)) {
        p.fs.err_field = res->err.field[0] ? res->err.field : "schedule";
        p.fs.err_text = mu_web_fmt(&p.pg, "checkin.error", "msg", res->err.msg);
        st = form_page(&p.pg, p.in.schedule, 400, &p.fs);
        goto out;
    }
    if (!res || res->rc) {
        mu_log(MU_LOG_ERROR, "http", "rid=%s check-in failed: %s", req->rid,
               res ? res->err.msg : "out of memory");
        st = mu_web_error(&p.pg, 500, NULL);
        goto out;
    }
    char loc[MU_CHECKIN_MAX_REF + 160];
    snprintf(loc, sizeof(loc), "/checkin?schedule=%s&unit=%s&ok=%s&late=%d",
             res->receipt.schedule, p.in.unit, res->receipt.slot, res->receipt.late);
    st = mu_web_redirect(resp, loc);
out:
    post_end(&p);
    return st;
}

int h_page_checkin_post(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_error err = {0};
    struct post p;
    int st = post_begin(&p, req, resp, ctx);
    if (st)
        goto out;
    struct mu_checkin_batcher *b = mu_http_checkins(p.pg.env, &err);
    if (!b) {
        st = mu_web_error(&p.pg, 500, NULL);
        goto out;
    }
    /* Like the API, the form waits for its group commit without holding
     * this worker; checkin_post_answer() answers after it. */
    struct mu_actor actor = {req->principal->name, p.in.at};
    st = mu_http_checkin_defer(req, resp, b, &actor, &p.in, checkin_post_answer);
out:
    post_end(&p);
    return st;
}

/* ---------------------------------------------------------------- the board */

struct board_rows {
    struct mu_webpage *pg;
    json_t *rows, *row;
    size_t counts[4];
    size_t cur_unit;
    int have_row;
};

static enum mu_err board_cell(void *ctx, const struct mu_checkin_cell_view *c,
                              struct mu_error *err)
{
    struct board_rows *b = ctx;
    if (!may(b->pg->req->principal, 0, c->unit->id))
        return MU_OK;
    if (!b->have_row || b->cur_unit != c->unit_index) {
        b->row = json_array();
        if (!b->row || json_array_append_new(b->rows, json_pack("{s:s, s:s, s:o}", "unit",
                                                                c->unit->id, "unit_name",
                                                                c->unit->name, "cells", b->row)))
            return mu_error_set(err, MU_ENOMEM, "out of memory");
        b->cur_unit = c->unit_index;
        b->have_row = 1;
    }
    b->counts[c->status]++;
    const char *status = mu_checkin_status_name(c->status);
    char key[32], t[6] = "";
    snprintf(key, sizeof(key), "checkin.%s", status);
    if (c->has)
        hhmm(mu_local_minutes(c->submitted_at), t);
    if (json_array_append_new(
            b->row, json_pack("{s:s, s:s, s:s, s:b, s:b, s:s?, s:s?}", "status", status, "label",
                              mu_web_t(b->pg, key), "time", t, "nil", c->has && c->nil,
                              "missing", c->status == MU_CHECKIN_MISSING, "reporter",
                              c->reporter ? c->reporter->name : NULL, "phone",
                              c->reporter ? c->reporter->phone : NULL)))
        return mu_error_set(err, MU_ENOMEM, "out of memory");
    return MU_OK;
}

/* The board of the chosen schedule on @p day at @p at into the page data. */
static enum mu_err board_data(struct mu_webpage *pg, const struct mu_checkin_schedule *s,
                              int32_t day, int64_t at, struct mu_error *err)
{
    struct board_rows b = {.pg = pg, .rows = json_array()};
    size_t ns = 0;
    struct mu_checkin_batcher *bt = mu_http_checkins(pg->env, err);
    enum mu_err rc = !bt ? (err->code ? err->code : MU_EINTERNAL)
                   : b.rows ? mu_checkin_batcher_board(bt, s, day, at, &ns, board_cell, &b, err)
                            : MU_ENOMEM;
    if (rc) {
        json_decref(b.rows);
        return rc;
    }
    json_t *slots = json_array();
    struct mu_checkin_slot sl[MU_CHECKIN_MAX_SLOTS];
    size_t nsl = mu_checkin_slots(s, pg->env->calendar, day, sl);
    for (size_t i = 0; slots && i < nsl; i++) {
        char t[6];
        hhmm(sl[i].minutes, t);
        json_array_append_new(slots, json_string(t));
    }
    char when[17];
    mu_web_time(at, when);
    mu_web_set(pg, "has_board", json_boolean(ns > 0 && json_array_size(b.rows) > 0));
    mu_web_set(pg, "empty_text", json_string(mu_web_t(pg, ns ? "checkin.no_units"
                                                              : "checkin.no_slots")));
    mu_web_set(pg, "slots", slots);
    mu_web_set(pg, "rows", b.rows);
    mu_web_set(pg, "at", json_string(when));
    mu_web_set(pg, "counts", json_pack("{s:I, s:I, s:I, s:I}", "on_time",
                                        (json_int_t)b.counts[MU_CHECKIN_ON_TIME], "late",
                                        (json_int_t)b.counts[MU_CHECKIN_LATE], "missing",
                                        (json_int_t)b.counts[MU_CHECKIN_MISSING], "not_due",
                                        (json_int_t)b.counts[MU_CHECKIN_NOT_DUE]));
    return MU_OK;
}

/* Query date @p name, default @p dflt; -1 when malformed. */
static int query_date(const struct mu_http_req *req, const char *name, int32_t dflt,
                      int32_t *out)
{
    const char *s = field(&req->query, name);
    *out = dflt;
    if (!s || !*s)
        return 0;
    return strlen(s) == 10 && mu_date_parse(s, 10, out, NULL) == MU_OK ? 0 : -1;
}

int h_page_checkins_board(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_webpage pg;
    struct mu_error err = {0};
    struct pick p;
    int32_t day;
    char date[11];
    int st;
    mu_web_begin(&pg, req, resp, ctx);
    mu_web_set(&pg, "page_title", json_string(mu_web_t(&pg, "checkin.board_title")));
    if (query_date(req, "date", mu_web_today(), &day)) {
        st = mu_web_error(&pg, 400, "checkin.bad_date");
        goto out;
    }
    if ((st = pick_schedules(&pg, &p, 0, field(&req->query, "schedule"))))
        goto out;
    mu_web_set(&pg, "schedules", p.list);
    mu_date_format(day, date);
    mu_web_set(&pg, "date", json_string(date));
    if (!p.chosen) {
        mu_web_set(&pg, "has_board", json_false());
        mu_web_set(&pg, "empty_text", json_string(mu_web_t(&pg, "checkin.no_schedule")));
    } else {
        mu_web_set(&pg, "schedule", sched_json(p.chosen));
        enum mu_err rc = board_data(&pg, p.chosen, day, mu_http_now_ms(), &err);
        if (rc) {
            mu_log(MU_LOG_ERROR, "http", "rid=%s board: %s", req->rid, err.msg);
            st = mu_web_error(&pg, 500, NULL);
            goto out;
        }
    }
    st = mu_web_render(&pg, "checkin_board", 200);
out:
    mu_web_end(&pg);
    return st;
}

/* ---------------------------------------------------------------- statistics */

#define CHART_LABEL 150 /* width of the unit names, px */
#define CHART_BAR 300   /* width of a 100 % bar */
#define CHART_ROW 24    /* height of a row */

static json_t *rate_text(json_t *rate)
{
    char buf[16];
    if (!json_is_number(rate))
        return json_string("—");
    snprintf(buf, sizeof(buf), "%.1f%%", json_number_value(rate) * 100.0);
    return json_string(buf);
}

int h_page_checkins_stats(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_webpage pg;
    struct mu_error err = {0};
    struct pick p;
    int32_t from, to, today;
    char *text = NULL;
    json_t *doc = NULL;
    int st;
    mu_web_begin(&pg, req, resp, ctx);
    mu_web_set(&pg, "page_title", json_string(mu_web_t(&pg, "checkin.stats_title")));
    today = mu_web_today();
    if (query_date(req, "from", today - 29, &from) || query_date(req, "to", today, &to)) {
        st = mu_web_error(&pg, 400, "checkin.bad_date");
        goto out;
    }
    if ((st = pick_schedules(&pg, &p, 0, field(&req->query, "schedule"))))
        goto out;
    char a[11], b[11];
    mu_date_format(from, a);
    mu_date_format(to, b);
    mu_web_set(&pg, "schedules", p.list);
    mu_web_set(&pg, "from", json_string(a));
    mu_web_set(&pg, "to", json_string(b));
    int status = 200;
    if (p.chosen) {
        char ref[MU_CHECKIN_MAX_REF + 2];
        ref_of(p.chosen, ref);
        mu_web_set(&pg, "schedule", sched_json(p.chosen));
        enum mu_err rc = MU_OK;
        if (to < from || to - from > 365) {
            rc = MU_EINVAL;
        } else {
            struct mu_store *s = mu_http_store_acquire(pg.env);
            rc = s ? mu_app_checkin_stats(s, pg.env->calendar, ref, from, to, mu_http_now_ms(),
                                          MU_CHECKIN_JSON, &text, &err)
                   : mu_error_set(&err, MU_ESTORE, "no database");
            mu_http_store_release(pg.env);
        }
        if (rc == MU_EINVAL) {
            status = 400;
            mu_web_set(&pg, "form_error", json_pack("{s:s, s:s}", "field", "to", "text",
                                                     mu_web_t(&pg, "checkin.bad_period")));
        } else if (rc) {
            mu_log(MU_LOG_ERROR, "http", "rid=%s stats: %s", req->rid, err.msg);
            st = mu_web_error(&pg, 500, NULL);
            goto out;
        } else {
            doc = json_loads(text, 0, NULL);
        }
    }
    json_t *units = doc ? json_object_get(doc, "units") : NULL;
    if (units && json_is_array(units)) {
        json_t *rows = json_array(), *bars = json_array();
        size_t i;
        json_t *u;
        json_array_foreach(units, i, u) {
            json_t *rate = json_object_get(u, "rate");
            double r = json_is_number(rate) ? json_number_value(rate) : 0;
            int w = (int)(r * CHART_BAR + 0.5);
            int y = (int)i * CHART_ROW;
            json_array_append_new(
                rows, json_pack("{s:O, s:O, s:O, s:O, s:O, s:O, s:o}", "unit",
                                json_object_get(u, "unit"), "unit_name",
                                json_object_get(u, "unit_name"), "due", json_object_get(u, "due"),
                                "on_time", json_object_get(u, "on_time"), "late",
                                json_object_get(u, "late"), "missing",
                                json_object_get(u, "missing"), "rate", rate_text(rate)));
            json_array_append_new(
                bars, json_pack("{s:O, s:o, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:s}", "label",
                                json_object_get(u, "unit_name"), "rate", rate_text(rate), "x",
                                CHART_LABEL, "y", y + 4, "w", w, "full", CHART_BAR, "h",
                                CHART_ROW - 8, "ty", y + CHART_ROW - 7, "vx",
                                CHART_LABEL + CHART_BAR + 6, "cls",
                                !json_is_number(rate) ? "none"
                                : r >= 0.9           ? "good"
                                : r >= 0.6           ? "fair"
                                                     : "poor"));
        }
        json_t *tot = json_object_get(doc, "total");
        mu_web_set(&pg, "units", rows);
        mu_web_set(&pg, "total",
                    json_pack("{s:O, s:O, s:O, s:O, s:o}", "due", json_object_get(tot, "due"),
                              "on_time", json_object_get(tot, "on_time"), "late",
                              json_object_get(tot, "late"), "missing",
                              json_object_get(tot, "missing"), "rate",
                              rate_text(json_object_get(tot, "rate"))));
        mu_web_set(&pg, "chart", json_pack("{s:i, s:i, s:o}", "width",
                                            CHART_LABEL + CHART_BAR + 70, "height",
                                            (int)json_array_size(units) * CHART_ROW + 4, "bars",
                                            bars));
        mu_web_set(&pg, "has_stats", json_true());
    }
    st = mu_web_render(&pg, "checkin_stats", status);
out:
    json_decref(doc);
    mu_free(text);
    mu_web_end(&pg);
    return st;
}

/* ---------------------------------------------------------------- the card */

struct card {
    struct mu_webpage *pg;
    json_t *items;
    int32_t day;
    int64_t now;
};

struct card_count {
    const struct mu_principal *who;
    size_t counts[4], visible;
};

static enum mu_err card_cell(void *ctx, const struct mu_checkin_cell_view *c,
                             struct mu_error *err)
{
    struct card_count *k = ctx;
    (void)err;
    if (may(k->who, 0, c->unit->id)) {
        k->counts[c->status]++;
        k->visible++;
    }
    return MU_OK;
}

static enum mu_err card_one(void *ctx, const struct mu_checkin_schedule *s, struct mu_error *err)
{
    struct card *c = ctx;
    struct card_count k = {.who = c->pg->req->principal};
    size_t ns = 0, units = 0;
    for (size_t u = 0; u < s->nunits && !units; u++)
        units = may(k.who, 0, s->units[u]->id);
    if (!units)
        return MU_OK;
    struct mu_checkin_batcher *b = mu_http_checkins(c->pg->env, err);
    enum mu_err rc = b ? mu_checkin_batcher_board(b, s, c->day, c->now, &ns, card_cell, &k, err)
                       : MU_EINTERNAL;
    if (rc)
        return rc;
    char ref[MU_CHECKIN_MAX_REF + 2];
    ref_of(s, ref);
    if (json_array_append_new(
            c->items, json_pack("{s:s, s:s, s:b, s:I, s:I, s:I, s:I}", "schedule", ref, "name",
                                s->ci->name, "no_slots", ns == 0, "on_time",
                                (json_int_t)k.counts[MU_CHECKIN_ON_TIME], "late",
                                (json_int_t)k.counts[MU_CHECKIN_LATE], "missing",
                                (json_int_t)k.counts[MU_CHECKIN_MISSING], "not_due",
                                (json_int_t)k.counts[MU_CHECKIN_NOT_DUE])))
        return mu_error_set(err, MU_ENOMEM, "out of memory");
    return MU_OK;
}

void mu_web_card_checkins(struct mu_webpage *pg)
{
    struct mu_error err = {0};
    struct card c = {.pg = pg, .items = json_array(), .day = mu_web_today(),
                     .now = mu_http_now_ms()};
    struct mu_checkin_batcher *b = mu_http_checkins(pg->env, &err);
    enum mu_err rc = b && c.items ? mu_checkin_batcher_each(b, card_one, &c, &err) : MU_ENOMEM;
    if (rc) {
        mu_log(MU_LOG_WARN, "http", "rid=%s check-in card: %s", pg->req->rid, err.msg);
        json_decref(c.items);
        c.items = json_array();
    }
    mu_web_set(pg, "checkin_card",
                json_pack("{s:b, s:b, s:o}", "has", json_array_size(c.items) > 0, "can_read",
                          mu_principal_can(pg->req->principal, MU_ACTION_READ, NULL), "items",
                          c.items ? c.items : json_array()));
}
