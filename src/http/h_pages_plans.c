/* SPDX-License-Identifier: MIT */
/*
 * The dashboard (GET /) and the plan pages: the list (GET /plans), one plan
 * with its versions (GET /plans/{id}), the line diff between two versions
 * (GET /plans/{id}/diff?from=N&to=M) and the printable document
 * (GET /plans/{id}/print). The plan itself is the HTML that
 * mu_app_plan_render() makes (every plan value escaped by the renderer),
 * the only HTML that goes into a page unescaped.
 */
#include "duty.h"
#include "incidents.h"
#include "registers.h"
#include "web.h"

#include <muster/account.h>
#include <muster/app.h>
#include <muster/calendar.h>
#include <muster/date.h>
#include <muster/diff.h>
#include <muster/log.h>
#include <muster/mem.h>
#include <stdio.h>
#include <string.h>

#include "../util/banned.h"

#define DIFF_CONTEXT 3 /* unchanged lines shown around each change */

/* A version number: 1 to 9 digits, not 0. */
static int parse_version(const char *s, int *out)
{
    size_t n = s ? strlen(s) : 0;
    long v = 0;
    if (n == 0 || n > 9)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    if (v < 1)
        return -1;
    *out = (int)v;
    return 0;
}

/* Query parameter @p name as a version: 0 when absent, -1 when bad. */
static int query_version(const struct mu_http_req *req, const char *name)
{
    const char *s = NULL;
    int v = 0;
    if (mu_query_get(&req->query, name, &s, NULL))
        return -1;
    if (!s)
        return 0;
    return parse_version(s, &v) ? -1 : v;
}

/* The part of a rendered document between <body> and </body> (owned), or a copy of it all. */
static char *doc_body(const char *doc)
{
    const char *b = strstr(doc, "<body>");
    const char *e = b ? strstr(b, "</body>") : NULL;
    if (!b || !e)
        return mu_strdup(doc);
    b += 6;
    if (*b == '\n')
        b++;
    return mu_strndup(b, (size_t)(e - b));
}

static json_t *version_label(struct mu_webpage *pg, int version)
{
    char n[16];
    snprintf(n, sizeof(n), "%d", version);
    return mu_web_fmt(pg, "plan.version", "n", n);
}

static int store_error(struct mu_webpage *pg, enum mu_err rc, const struct mu_error *err)
{
    if (rc == MU_ENOTFOUND)
        return mu_web_error(pg, 404, "plan.not_found");
    mu_log(MU_LOG_ERROR, "http", "rid=%s %s", pg->req->rid, err->msg);
    return mu_web_error(pg, rc == MU_EINVAL ? 400 : 500, NULL);
}

/* pg->data.plans and has_plans from the store. */
static enum mu_err list_plans(struct mu_webpage *pg, struct mu_error *err)
{
    struct mu_plan_summary *v = NULL;
    size_t n = 0;
    struct mu_store *s = mu_http_store_acquire(pg->env);
    enum mu_err rc = s ? mu_store_plan_list(s, &v, &n, err)
                       : mu_error_set(err, MU_ESTORE, "no database");
    mu_http_store_release(pg->env);
    if (rc)
        return rc;
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++) {
        char when[17];
        mu_web_time(v[i].loaded_at, when);
        if (json_array_append_new(a, json_pack("{s:s, s:s, s:o, s:s, s:s}", "id", v[i].id,
                                               "title", v[i].title, "version_label",
                                               version_label(pg, v[i].latest_version),
                                               "loaded_at", when, "loaded_by",
                                               v[i].loaded_by ? v[i].loaded_by : ""))) {
            json_decref(a);
            a = NULL;
        }
    }
    mu_plan_summaries_free(v, n);
    mu_web_set(pg, "has_plans", json_boolean(n > 0));
    mu_web_set(pg, "plans", a);
    return MU_OK;
}

int h_page_dashboard(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_webpage pg;
    struct mu_error err = {0};
    int st;
    mu_web_begin(&pg, req, resp, ctx);
    mu_web_set(&pg, "page_title", json_string(mu_web_t(&pg, "dashboard.title")));
    mu_web_set(&pg, "nav_dashboard", json_true());

    int32_t today = mu_web_today();
    char date[11], wkey[16];
    mu_date_format(today, date);
    snprintf(wkey, sizeof(wkey), "weekday.%d", mu_date_weekday(today));
    const char *holiday = NULL;
    enum mu_day_kind kind;
    if (pg.env->calendar)
        kind = mu_calendar_day(pg.env->calendar, today, &holiday);
    else
        kind = mu_date_weekday(today) >= 6 ? MU_DAY_WEEKEND : MU_DAY_WORKDAY;
    const char *kname = kind == MU_DAY_HOLIDAY    ? "holiday"
                        : kind == MU_DAY_ADJUSTED ? "adjusted"
                        : kind == MU_DAY_WEEKEND  ? "weekend"
                                                  : "workday";
    char skey[24];
    snprintf(skey, sizeof(skey), "day.%s", kname);
    json_t *status = kind == MU_DAY_HOLIDAY
                         ? mu_web_fmt(&pg, skey, "name", holiday ? holiday : "")
                         : json_string(mu_web_t(&pg, skey));
    mu_web_set(&pg, "today",
                status ? json_pack("{s:s, s:s, s:s, s:o}", "date", date, "weekday",
                                   mu_web_t(&pg, wkey), "kind", kname, "status", status)
                       : NULL);

    /* The plans are organisation-wide data: a reporter sees only the frame. */
    if (req->principal && mu_principal_can(req->principal, MU_ACTION_READ, NULL)) {
        enum mu_err rc = list_plans(&pg, &err);
        if (rc) {
            st = store_error(&pg, rc, &err);
            goto out;
        }
    }
    mu_web_card_duty(&pg);     /* duty.h: who is on duty now */
    mu_web_card_checkins(&pg); /* duty.h: today's check-ins */
    mu_web_card_registers(&pg); /* registers.h: overdue hazards, drills due, alerts */
    mu_web_card_incidents(&pg); /* incidents.h: open incidents with running clocks */
    mu_web_card_cases_due(&pg); /* incidents.h: cases overdue or due within 3 days */
    st = mu_web_render(&pg, "dashboard", 200);
out:
    mu_web_end(&pg);
    return st;
}

int h_page_plans(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_webpage pg;
    struct mu_error err = {0};
    mu_web_begin(&pg, req, resp, ctx);
    mu_web_set(&pg, "page_title", json_string(mu_web_t(&pg, "plans.title")));
    mu_web_set(&pg, "nav_plans", json_true());
    enum mu_err rc = list_plans(&pg, &err);
    int st = rc ? store_error(&pg, rc, &err) : mu_web_render(&pg, "plans", 200);
    mu_web_end(&pg);
    return st;
}

/* One plan's versions and the document of one of them (0: latest), from the store. */
struct plan_view {
    struct mu_plan_version_info *vers;
    size_t nvers;
    char *doc; /* the rendered HTML document */
    int version, latest;
    const char *title; /* of the shown version; borrowed from vers */
};

static enum mu_err load_view(struct mu_webpage *pg, const char *id, int version, int render,
                             struct plan_view *out, struct mu_error *err)
{
    memset(out, 0, sizeof(*out));
    struct mu_store *s = mu_http_store_acquire(pg->env);
    enum mu_err rc = s ? mu_store_plan_versions(s, id, &out->vers, &out->nvers, err)
                       : mu_error_set(err, MU_ESTORE, "no database");
    if (!rc && render)
        rc = mu_app_plan_render(s, id, version, MU_PLAN_HTML, &out->doc, err);
    mu_http_store_release(pg->env);
    if (rc)
        return rc;
    if (out->nvers == 0)
        return mu_error_set(err, MU_ENOTFOUND, "no plan '%s'", id);
    out->latest = out->vers[out->nvers - 1].version;
    out->version = version ? version : out->latest;
    for (size_t i = 0; i < out->nvers; i++)
        if (out->vers[i].version == out->version)
            out->title = out->vers[i].title;
    if (!out->title)
        return mu_error_set(err, MU_ENOTFOUND, "plan '%s' has no version %d", id, version);
    return MU_OK;
}

static void view_release(struct plan_view *v)
{
    mu_plan_versions_free(v->vers, v->nvers);
    mu_free(v->doc);
    memset(v, 0, sizeof(*v));
}

int h_page_plan(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_webpage pg;
    struct mu_error err = {0};
    struct plan_view v;
    char *body = NULL;
    int st;
    const char *id = mu_http_req_param(req, "id");
    int version = query_version(req, "version");

    memset(&v, 0, sizeof(v));
    mu_web_begin(&pg, req, resp, ctx);
    mu_web_set(&pg, "nav_plans", json_true());
    if (version < 0) {
        st = mu_web_error(&pg, 400, "plan.not_found");
        goto out;
    }
    enum mu_err rc = load_view(&pg, id, version, 1, &v, &err);
    if (rc) {
        st = store_error(&pg, rc, &err);
        goto out;
    }
    body = doc_body(v.doc);
    mu_web_set(&pg, "page_title", json_string(v.title));
    mu_web_set(&pg, "id", json_string(id));
    mu_web_set(&pg, "title", json_string(v.title));
    mu_web_set(&pg, "version", json_integer(v.version));
    mu_web_set(&pg, "version_label", version_label(&pg, v.version));
    mu_web_set(&pg, "is_old", json_boolean(v.version != v.latest));
    mu_web_set(&pg, "has_diff", json_boolean(v.nvers >= 2));
    mu_web_set(&pg, "diff_from", json_integer(v.latest - 1));
    mu_web_set(&pg, "diff_to", json_integer(v.latest));
    mu_web_set(&pg, "plan_html", body ? json_string(body) : NULL);
    json_t *a = json_array();
    for (size_t i = v.nvers; a && i-- > 0;) {
        const struct mu_plan_version_info *x = &v.vers[i];
        char when[17];
        mu_web_time(x->loaded_at, when);
        if (json_array_append_new(
                a, json_pack("{s:i, s:o, s:s, s:s, s:b, s:b}", "version", x->version, "label",
                             version_label(&pg, x->version), "loaded_at", when, "loaded_by",
                             x->loaded_by ? x->loaded_by : "", "current",
                             x->version == v.version, "latest", x->version == v.latest))) {
            json_decref(a);
            a = NULL;
        }
    }
    mu_web_set(&pg, "versions", a);
    st = mu_web_render(&pg, "plan", 200);
out:
    mu_free(body);
    view_release(&v);
    mu_web_end(&pg);
    return st;
}

int h_page_plan_print(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_webpage pg;
    struct mu_error err = {0};
    struct plan_view v;
    char *body = NULL;
    int st;
    const char *id = mu_http_req_param(req, "id");
    int version = query_version(req, "version");

    memset(&v, 0, sizeof(v));
    mu_web_begin(&pg, req, resp, ctx);
    if (version < 0) {
        st = mu_web_error(&pg, 400, "plan.not_found");
        goto out;
    }
    enum mu_err rc = load_view(&pg, id, version, 1, &v, &err);
    if (rc) {
        st = store_error(&pg, rc, &err);
        goto out;
    }
    body = doc_body(v.doc);
    mu_web_set(&pg, "id", json_string(id));
    mu_web_set(&pg, "title", json_string(v.title));
    mu_web_set(&pg, "version", json_integer(v.version));
    mu_web_set(&pg, "is_old", json_boolean(v.version != v.latest));
    mu_web_set(&pg, "plan_html", body ? json_string(body) : NULL);
    st = mu_web_render(&pg, "print", 200);
out:
    mu_free(body);
    view_release(&v);
    mu_web_end(&pg);
    return st;
}

/* ---- the diff page ---- */

static json_t *diff_row(const char *cls, const char *sign, const struct mu_diff_op *op,
                        int old_no, int new_no)
{
    return json_pack("{s:s, s:s, s:o, s:o, s:o}", "cls", cls, "sign", sign, "text",
                     json_stringn_nocheck(op->line, op->len), "old",
                     old_no ? json_integer(old_no) : json_string(""), "new",
                     new_no ? json_integer(new_no) : json_string(""));
}

/* The table rows of @p ops: unchanged runs longer than the context around
 * changes become one "skip" row. Counts added and removed lines. */
static json_t *diff_rows(struct mu_webpage *pg, const struct mu_diff_op *ops, size_t n, int *added,
                         int *removed)
{
    json_t *rows = json_array();
    int *near = mu_calloc(n ? n : 1, sizeof(*near)); /* 1: within context of a change */
    if (!rows || !near)
        goto oom;
    long last = -1000000;
    for (size_t i = 0; i < n; i++) {
        if (ops[i].op != ' ')
            last = (long)i;
        near[i] = (long)i - last <= DIFF_CONTEXT;
    }
    last = 2000000000;
    for (size_t i = n; i-- > 0;) {
        if (ops[i].op != ' ')
            last = (long)i;
        near[i] |= last - (long)i <= DIFF_CONTEXT;
    }
    int old_no = 0, new_no = 0;
    *added = *removed = 0;
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && !near[j])
            j++;
        if (j - i >= 2) { /* collapse a hidden run; a single line is just shown */
            char cnt[24];
            snprintf(cnt, sizeof(cnt), "%zu", j - i);
            old_no += (int)(j - i);
            new_no += (int)(j - i);
            if (json_array_append_new(rows,
                                      json_pack("{s:b, s:s, s:o}", "skip", 1, "cls", "skip",
                                                "text", mu_web_fmt(pg, "diff.skipped", "n", cnt))))
                goto oom;
            i = j;
            continue;
        }
        const struct mu_diff_op *op = &ops[i];
        json_t *row;
        if (op->op == '+') {
            (*added)++;
            row = diff_row("add", "+", op, 0, ++new_no);
        } else if (op->op == '-') {
            (*removed)++;
            row = diff_row("del", "-", op, ++old_no, 0);
        } else {
            ++old_no;
            ++new_no;
            row = diff_row("same", "", op, old_no, new_no);
        }
        if (json_array_append_new(rows, row))
            goto oom;
        i++;
    }
    mu_free(near);
    return rows;
oom:
    mu_free(near);
    json_decref(rows);
    return NULL;
}

static json_t *version_options(struct mu_webpage *pg, const struct plan_view *v, int selected)
{
    json_t *a = json_array();
    for (size_t i = v->nvers; a && i-- > 0;) {
        int n = v->vers[i].version;
        if (json_array_append_new(a, json_pack("{s:i, s:o, s:b}", "version", n, "label",
                                               version_label(pg, n), "selected",
                                               n == selected))) {
            json_decref(a);
            a = NULL;
        }
    }
    return a;
}

int h_page_plan_diff(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_webpage pg;
    struct mu_error err = {0};
    struct plan_view v;
    struct mu_plan_record ra, rb;
    struct mu_diff_op *ops = NULL;
    size_t nops = 0;
    int st, status = 200;
    const char *id = mu_http_req_param(req, "id");
    int from = query_version(req, "from"), to = query_version(req, "to");

    memset(&v, 0, sizeof(v));
    memset(&ra, 0, sizeof(ra));
    memset(&rb, 0, sizeof(rb));
    mu_web_begin(&pg, req, resp, ctx);
    mu_web_set(&pg, "nav_plans", json_true());
    enum mu_err rc = load_view(&pg, id, 0, 0, &v, &err);
    if (rc) {
        st = store_error(&pg, rc, &err);
        goto out;
    }
    if (to == 0)
        to = v.latest;
    if (from == 0)
        from = to > 1 ? to - 1 : to;
    int ok = from > 0 && to > 0;
    int fa = 0, fb = 0;
    for (size_t i = 0; ok && i < v.nvers; i++) {
        fa |= v.vers[i].version == from;
        fb |= v.vers[i].version == to;
    }
    json_t *heading = mu_web_fmt(&pg, "diff.heading", "name", v.title);
    mu_web_set(&pg, "page_title", json_string(mu_web_t(&pg, "diff.title")));
    mu_web_set(&pg, "heading", heading);
    mu_web_set(&pg, "id", json_string(id));
    mu_web_set(&pg, "from_opts", version_options(&pg, &v, from));
    mu_web_set(&pg, "to_opts", version_options(&pg, &v, to));
    if (!ok || !fa || !fb) {
        status = 400;
        mu_web_set(&pg, "error", json_string(mu_web_t(&pg, "diff.bad_version")));
        st = mu_web_render(&pg, "diff", status);
        goto out;
    }
    struct mu_store *s = mu_http_store_acquire(pg.env);
    rc = s ? mu_store_plan_get(s, id, from, &ra, &err)
           : mu_error_set(&err, MU_ESTORE, "no database");
    if (!rc)
        rc = mu_store_plan_get(s, id, to, &rb, &err);
    mu_http_store_release(pg.env);
    if (rc) {
        st = store_error(&pg, rc, &err);
        goto out;
    }
    mu_web_set(&pg, "from_label", version_label(&pg, from));
    mu_web_set(&pg, "to_label", version_label(&pg, to));
    rc = mu_diff_lines(ra.source, strlen(ra.source), rb.source, strlen(rb.source), 0, &ops,
                       &nops, &err);
    if (rc == MU_ELIMIT) {
        mu_web_set(&pg, "error", json_string(mu_web_t(&pg, "diff.too_large")));
    } else if (rc) {
        st = store_error(&pg, rc, &err);
        goto out;
    } else {
        int added = 0, removed = 0;
        json_t *rows = diff_rows(&pg, ops, nops, &added, &removed);
        int changed = added + removed > 0;
        mu_web_set(&pg, "rows", rows);
        mu_web_set(&pg, "has_rows", json_boolean(changed));
        mu_web_set(&pg, "identical", json_boolean(!changed));
        if (changed)
            mu_web_set(&pg, "stats",
                        json_pack("{s:i, s:i}", "added", added, "removed", removed));
    }
    st = mu_web_render(&pg, "diff", status);
out:
    mu_free(ops);
    mu_plan_record_release(&ra);
    mu_plan_record_release(&rb);
    view_release(&v);
    mu_web_end(&pg);
    return st;
}
