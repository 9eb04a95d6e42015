/* SPDX-License-Identifier: MIT */
/*
 * The incident pages: /incidents (the list, open ones first, with level and
 * state), /incidents/new (the open-incident form for one plan: kind and
 * level from the plan's lists, place, time, the plan's numeric fields),
 * /incidents/{id} (the header with the state; running clocks for pending
 * deadlines, rendered server-side and ticked by app.js for [data-due]; the
 * live timeline; tasks by team with done buttons; acknowledge, arrival,
 * activate, note, status, close and reopen forms); the report page
 * /incidents/{id}/report is in h_pages_report.c. Also the two
 * dashboard cards: open incidents with their next clock, and cases due.
 * Every step goes through mu_http_incident_step() (h_incidents.c) and so
 * through the app layer; all text is escaped by the template engine.
 */
#include "incidents.h"
#include "web.h"

#include <muster/account.h>
#include <muster/app.h>
#include <muster/case.h>
#include <muster/date.h>
#include <muster/log.h>
#include <muster/mem.h>
#include <muster/plan.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/banned.h"

#define CARD_MAX 5 /* incidents and cases on a dashboard card */

static const char *const STATES[] = {"reported", "acknowledged", "responding", "contained",
                                     "closed"};
static const char *const NOTE_KINDS[] = {"note", "call", "decision"};

static const char *label(const struct mu_webpage *pg, const char *prefix, const char *name)
{
    char key[96];
    snprintf(key, sizeof(key), "%s.%s", prefix, name ? name : "");
    return mu_web_t(pg, key);
}

static const char *field(const struct mu_query *q, const char *name)
{
    const char *v = NULL;
    if (mu_query_get(q, name, &v, NULL) != MU_OK || (v && !*v))
        return NULL;
    return v;
}

static const char *form_get(void *src, const char *name)
{
    return field(src, name);
}

static int can_write(const struct mu_http_req *req)
{
    return req->principal && mu_role_can(req->principal->role, MU_ACTION_WRITE) == MU_GRANT_ALL;
}

static int64_t page_id(struct mu_http_req *req)
{
    return mu_route_id(mu_http_req_param(req, "id"));
}

static const char *jstr(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* "YYYY-MM-DD HH:MM" of an ISO time of the app's JSON into a new JSON string ("" when null). */
static json_t *local_time(const char *iso)
{
    int64_t ms;
    char out[17];
    if (!iso || mu_local_parse(iso, &ms, NULL))
        return json_string("");
    mu_web_time(ms, out);
    return json_string(out);
}

/* A clock for a pending due time: {due, due_local, minutes, overdue, text}. */
static json_t *clock_json(const struct mu_webpage *pg, const char *due_iso, int64_t now)
{
    int64_t due;
    if (!due_iso || mu_local_parse(due_iso, &due, NULL))
        return json_null();
    int64_t diff = due - now, mins = (diff >= 0 ? diff + 59999 : -diff) / 60000;
    char n[24];
    snprintf(n, sizeof(n), "%lld", (long long)mins);
    return json_pack("{s:s, s:o, s:I, s:b, s:o}", "due", due_iso, "due_local",
                     local_time(due_iso), "minutes", (json_int_t)mins, "overdue", diff < 0,
                     "text",
                     mu_web_fmt(pg, diff < 0 ? "incident.clock.over" : "incident.clock.left",
                                "n", n));
}

/* Store errors of a page: 404 for a missing incident, 500 logged otherwise. */
static int read_failed(struct mu_webpage *pg, enum mu_err rc, const struct mu_error *err)
{
    if (rc == MU_ENOTFOUND)
        return mu_web_error(pg, 404, "incident.error.not_found");
    mu_log(MU_LOG_ERROR, "http", "rid=%s incident page: %s", pg->req->rid, err->msg);
    return mu_web_error(pg, 500, NULL);
}

/* Version @p version (0: latest) of plan @p id parsed into *plan (mu_plan_free). */
static enum mu_err plan_load(struct mu_store *s, const char *id, int version,
                             struct mu_plan **plan, struct mu_error *err)
{
    struct mu_plan_record rec;
    memset(&rec, 0, sizeof(rec));
    *plan = NULL;
    enum mu_err rc = mu_store_plan_get(s, id, version, &rec, err);
    if (rc == MU_OK)
        rc = mu_plan_parse(rec.source, strlen(rec.source), plan, NULL, err);
    mu_plan_record_release(&rec);
    return rc;
}

static json_t *people_options(const struct mu_plan *p)
{
    json_t *a = json_array();
    for (size_t i = 0; p && i < p->npeople; i++)
        json_array_append_new(a, json_pack("{s:s, s:s}", "value", p->people[i].id, "label",
                                           p->people[i].name));
    return a;
}

/* ---------------------------------------------------------------- /incidents */

/* Add labels to one row of the incident list JSON. */
static void row_labels(const struct mu_webpage *pg, json_t *r)
{
    const char *st = jstr(r, "state");
    json_object_set_new(r, "state_label", json_string(label(pg, "incident.state", st)));
    json_object_set_new(r, "open", json_boolean(st && strcmp(st, "closed") != 0));
    json_object_set_new(r, "reported_local", local_time(jstr(r, "reported_at")));
}

int h_page_incidents(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_webpage pg;
    struct mu_error err = {0};
    char *text = NULL;
    int st;
    mu_web_begin(&pg, req, resp, ctx);
    struct mu_store *s = mu_http_store_acquire(pg.env);
    enum mu_err rc = s ? mu_app_incident_list(s, 0, MU_INCIDENT_JSON, &text, &err)
                       : mu_error_set(&err, MU_ESTORE, "no database");
    mu_http_store_release(pg.env);
    json_t *all = rc == MU_OK ? json_loads(text, 0, NULL) : NULL;
    mu_free(text);
    if (!all) {
        st = read_failed(&pg, rc ? rc : MU_EINTERNAL, &err);
        goto out;
    }
    /* Open ones first, each group newest first as the app lists them. */
    json_t *rows = json_array(), *r;
    size_t i;
    for (int pass = 0; pass < 2; pass++)
        json_array_foreach(all, i, r)
        {
            const char *state = jstr(r, "state");
            int closed = state && strcmp(state, "closed") == 0;
            if (closed != pass)
                continue;
            row_labels(&pg, r);
            json_array_append(rows, r);
        }
    json_decref(all);
    mu_web_set(&pg, "page_title", json_string(mu_web_t(&pg, "incident.title")));
    mu_web_set(&pg, "nav_incidents", json_true());
    mu_web_set(&pg, "incidents", rows);
    mu_web_set(&pg, "can_write", json_boolean(can_write(req)));
    st = mu_web_render(&pg, "incident_list", 200);
out:
    mu_web_end(&pg);
    return st;
}

/* ---------------------------------------------------------------- /incidents/new */

/* The open form for plan @p plan_id (NULL: the first plan), echoing @p echo (may be NULL). */
static int new_page(struct mu_webpage *pg, int status, const char *plan_id,
                    const struct mu_query *echo, json_t *form_error)
{
    struct mu_error err = {0};
    struct mu_plan_summary *v = NULL;
    struct mu_plan *plan = NULL;
    size_t n = 0;
    int st;
    struct mu_store *s = mu_http_store_acquire(pg->env);
    enum mu_err rc = s ? mu_store_plan_list(s, &v, &n, &err)
                       : mu_error_set(&err, MU_ESTORE, "no database");
    size_t pick = 0;
    for (size_t i = 0; rc == MU_OK && plan_id && i < n; i++)
        if (strcmp(v[i].id, plan_id) == 0)
            pick = i;
    if (rc == MU_OK && n)
        rc = plan_load(s, v[pick].id, 0, &plan, &err);
    mu_http_store_release(pg->env);
    if (rc) {
        json_decref(form_error);
        st = read_failed(pg, rc == MU_ENOTFOUND ? MU_EINTERNAL : rc, &err);
        goto out;
    }
    json_t *plans = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(plans, json_pack("{s:s, s:s, s:b}", "value", v[i].id, "label",
                                               v[i].title, "selected", i == pick));
    const char *kind = echo ? field(echo, "kind") : NULL;
    const char *level = echo ? field(echo, "level") : NULL;
    json_t *kinds = json_array(), *levels = json_array(), *fields = json_array();
    for (size_t i = 0; plan && i < plan->nkinds; i++)
        json_array_append_new(kinds, json_pack("{s:s, s:s, s:b}", "value", plan->kinds[i].id,
                                               "label", plan->kinds[i].name, "selected",
                                               kind && strcmp(kind, plan->kinds[i].id) == 0));
    for (size_t i = 0; plan && i < plan->nlevels; i++)
        json_array_append_new(levels, json_pack("{s:s, s:s, s:b}", "value", plan->levels[i].id,
                                                "label", plan->levels[i].name, "selected",
                                                level && strcmp(level, plan->levels[i].id) == 0));
    for (size_t i = 0; plan && i < plan->nfields; i++) {
        const struct mu_plan_field *f = &plan->fields[i];
        if (f->type == MU_FIELD_TEXT)
            continue;
        char name[96];
        snprintf(name, sizeof(name), "f.%s", f->key);
        const char *val = echo ? field(echo, name) : NULL;
        json_array_append_new(fields, json_pack("{s:s, s:s, s:s, s:s, s:b}", "key", f->key,
                                                "name", name, "label", f->label, "value",
                                                val ? val : "", "count",
                                                f->type == MU_FIELD_COUNT));
    }
    json_t *form = json_pack("{s:s, s:s}", "place",
                             echo && field(echo, "place") ? field(echo, "place") : "", "at",
                             echo && field(echo, "at") ? field(echo, "at") : "");
    mu_web_set(pg, "page_title", json_string(mu_web_t(pg, "incident.new")));
    mu_web_set(pg, "nav_incidents", json_true());
    mu_web_set(pg, "has_plan", json_boolean(plan != NULL));
    mu_web_set(pg, "plan_id", json_string(plan ? plan->id : ""));
    mu_web_set(pg, "many_plans", json_boolean(n > 1));
    mu_web_set(pg, "plans", plans);
    mu_web_set(pg, "kinds", kinds);
    mu_web_set(pg, "has_levels", json_boolean(plan && plan->nlevels > 0));
    mu_web_set(pg, "levels", levels);
    mu_web_set(pg, "fields", fields);
    mu_web_set(pg, "form", form);
    if (form_error)
        mu_web_set(pg, "form_error", form_error);
    st = mu_web_render(pg, "incident_new", status);
out:
    mu_plan_free(plan);
    mu_plan_summaries_free(v, n);
    return st;
}

int h_page_incident_new(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_webpage pg;
    const char *plan = NULL;
    mu_web_begin(&pg, req, resp, ctx);
    mu_query_get(&req->query, "plan", &plan, NULL);
    int st = new_page(&pg, 200, plan, NULL, NULL);
    mu_web_end(&pg);
    return st;
}

int h_page_incident_new_post(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_webpage pg;
    struct mu_query form;
    struct mu_error err = {0};
    struct mu_incident_kv kv[MU_INCIDENT_MAX_FIELDS];
    int st;
    mu_query_init(&form);
    mu_web_begin(&pg, req, resp, ctx);
    if (mu_http_req_form(req, &form, &err)) {
        st = mu_web_error(&pg, 400, "form.invalid");
        goto out;
    }
    struct mu_incident_open_in in = {.plan_id = field(&form, "plan"),
                                     .kind = field(&form, "kind"),
                                     .level = field(&form, "level"),
                                     .place = field(&form, "place"),
                                     .fields = kv};
    /* The numeric fields come as "f.KEY"; empty ones are not given. */
    for (size_t i = 0; i < form.n && in.nfields < MU_INCIDENT_MAX_FIELDS; i++)
        if (strncmp(form.v[i].name, "f.", 2) == 0 && form.v[i].value[0]) {
            kv[in.nfields].key = form.v[i].name + 2;
            kv[in.nfields].value = form.v[i].value;
            in.nfields++;
        }
    const char *at = field(&form, "at");
    enum mu_err rc = MU_OK;
    if (at && mu_local_parse(at, &in.occurred_at, &err))
        rc = mu_error_field(&err, MU_EINVAL, "at", "'%s' is not a time", at);
    struct mu_actor a = {req->principal->name, mu_http_now_ms()};
    int64_t id = 0;
    if (rc == MU_OK) {
        struct mu_store *s = mu_http_store_acquire(pg.env);
        rc = s ? mu_app_incident_open(s, &a, &in, &id, &err)
               : mu_error_set(&err, MU_ESTORE, "no database");
        mu_http_store_release(pg.env);
    }
    if (rc == MU_OK) {
        char loc[64];
        snprintf(loc, sizeof(loc), "/incidents/%lld", (long long)id);
        st = mu_web_redirect(resp, loc);
    } else if (rc == MU_EINVAL || rc == MU_ENOTFOUND || rc == MU_ELIMIT) {
        st = new_page(&pg, 400, in.plan_id, &form,
                      json_pack("{s:s, s:o}", "field", err.field[0] ? err.field : "plan", "text",
                                mu_web_fmt(&pg, "incident.error.form", "detail", err.msg)));
    } else {
        st = read_failed(&pg, rc, &err);
    }
out:
    mu_query_release(&form);
    mu_web_end(&pg);
    return st;
}

/* ---------------------------------------------------------------- /incidents/{id} */

static int incident_page(struct mu_webpage *pg, int status, int64_t id, json_t *form_error)
{
    struct mu_error err = {0};
    struct mu_plan *plan = NULL;
    char *text = NULL;
    json_t *c = NULL;
    int st;
    struct mu_store *s = mu_http_store_acquire(pg->env);
    enum mu_err rc = s ? mu_app_incident_show(s, id, MU_INCIDENT_JSON, &text, &err)
                       : mu_error_set(&err, MU_ESTORE, "no database");
    if (rc == MU_OK && !(c = json_loads(text, 0, NULL)))
        rc = mu_error_set(&err, MU_EINTERNAL, "incident %lld: bad JSON", (long long)id);
    if (rc == MU_OK)
        rc = plan_load(s, jstr(c, "plan"), (int)json_integer_value(json_object_get(c,
                                                                               "plan_version")),
                       &plan, &err);
    mu_http_store_release(pg->env);
    mu_free(text);
    if (rc) {
        json_decref(form_error);
        st = read_failed(pg, rc, &err);
        goto out;
    }
    int64_t now = mu_http_now_ms();
    const char *state = jstr(c, "state");
    size_t i;
    json_t *x;
    /* Deadlines: pending ones first with their running clocks. */
    json_t *clocks = json_array(), *done = json_array();
    json_array_foreach(json_object_get(c, "deadlines"), i, x)
    {
        const char *ds = jstr(x, "state");
        json_object_set_new(x, "state_label", json_string(label(pg, "incident.dl", ds)));
        json_object_set_new(x, "due_local", local_time(jstr(x, "due_at")));
        json_object_set_new(x, "met_local", local_time(jstr(x, "met_at")));
        if (ds && strcmp(ds, "pending") == 0 && strcmp(state, "closed") != 0) {
            json_object_set_new(x, "clock", clock_json(pg, jstr(x, "due_at"), now));
            json_array_append(clocks, x);
        } else {
            json_array_append(done, x);
        }
    }
    json_array_foreach(json_object_get(c, "timeline"), i, x)
        json_object_set_new(x, "at_local", local_time(jstr(x, "at")));
    /* Tasks by team, in the order the teams first appear. */
    json_t *teams = json_array();
    json_array_foreach(json_object_get(c, "tasks"), i, x)
    {
        const char *team = jstr(x, "team");
        json_t *g = NULL, *y;
        size_t k;
        json_array_foreach(teams, k, y) if (strcmp(jstr(y, "id"), team) == 0) g = y;
        if (!g) {
            const struct mu_plan_team *t = mu_plan_team(plan, team);
            g = json_pack("{s:s, s:s, s:[]}", "id", team, "name", t ? t->name : team, "tasks");
            json_array_append_new(teams, g);
        }
        json_object_set_new(x, "done_local", local_time(jstr(x, "done_at")));
        json_array_append(json_object_get(g, "tasks"), x);
    }
    json_t *crit = json_array();
    for (i = 0; plan && i < plan->termination.n; i++)
        json_array_append_new(crit, json_pack("{s:I, s:s}", "n", (json_int_t)(i + 1), "text",
                                              plan->termination.v[i].s));
    json_t *states = json_array(), *kinds = json_array();
    for (i = 0; i < 5; i++)
        json_array_append_new(states, json_pack("{s:s, s:s}", "value", STATES[i], "label",
                                                label(pg, "incident.state", STATES[i])));
    for (i = 0; i < 3; i++)
        json_array_append_new(kinds, json_pack("{s:s, s:s}", "value", NOTE_KINDS[i], "label",
                                               label(pg, "incident.note_kind", NOTE_KINDS[i])));
    json_t *fl = json_array();
    const char *key;
    json_object_foreach(json_object_get(c, "fields"), key, x)
    {
        const struct mu_plan_field *f = NULL;
        for (size_t k = 0; plan && k < plan->nfields; k++)
            if (strcmp(plan->fields[k].key, key) == 0)
                f = &plan->fields[k];
        char *v = json_is_string(x) ? NULL : json_dumps(x, JSON_ENCODE_ANY);
        json_array_append_new(fl, json_pack("{s:s, s:s}", "label", f ? f->label : key, "value",
                                            v ? v : json_string_value(x) ? json_string_value(x) : ""));
        free(v); /* jansson's allocation */
    }
    json_object_set_new(c, "occurred_local", local_time(jstr(c, "occurred_at")));
    json_object_set_new(c, "reported_local", local_time(jstr(c, "reported_at")));
    char title[160];
    snprintf(title, sizeof(title), "%s %lld", mu_web_t(pg, "incident.one"), (long long)id);
    mu_web_set(pg, "page_title", json_string(title));
    mu_web_set(pg, "nav_incidents", json_true());
    mu_web_set(pg, "state_label", json_string(label(pg, "incident.state", state)));
    mu_web_set(pg, "is_closed", json_boolean(strcmp(state, "closed") == 0));
    mu_web_set(pg, "activated", json_boolean(json_is_string(json_object_get(c, "activated_at"))));
    mu_web_set(pg, "has_clocks", json_boolean(json_array_size(clocks) > 0));
    mu_web_set(pg, "has_done", json_boolean(json_array_size(done) > 0));
    mu_web_set(pg, "clocks", clocks);
    mu_web_set(pg, "deadlines_done", done);
    mu_web_set(pg, "teams", teams);
    mu_web_set(pg, "field_list", fl);
    mu_web_set(pg, "people", people_options(plan));
    mu_web_set(pg, "criteria", crit);
    mu_web_set(pg, "states", states);
    mu_web_set(pg, "note_kinds", kinds);
    mu_web_set(pg, "incident", c);
    c = NULL;
    if (form_error)
        mu_web_set(pg, "form_error", form_error);
    mu_web_set(pg, "can_write", json_boolean(can_write(pg->req)));
    st = mu_web_render(pg, "incident_show", status);
out:
    json_decref(c);
    mu_plan_free(plan);
    return st;
}

int h_page_incident(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_webpage pg;
    mu_web_begin(&pg, req, resp, ctx);
    int64_t id = page_id(req);
    int st = id ? incident_page(&pg, 200, id, NULL)
                : mu_web_error(&pg, 404, "incident.error.not_found");
    mu_web_end(&pg);
    return st;
}

/* A step from a form on the incident page (@p task: a task id for "task_done"). */
static int page_step(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx, int task)
{
    struct mu_webpage pg;
    struct mu_query form;
    struct mu_error err = {0};
    const char *crit[MU_QUERY_MAX_PARAMS];
    size_t ncrit = 0;
    int st;
    mu_query_init(&form);
    mu_web_begin(&pg, req, resp, ctx);
    int64_t id = page_id(req), incident = 0;
    if (!id) {
        st = mu_web_error(&pg, 404, "incident.error.not_found");
        goto out;
    }
    if (mu_http_req_form(req, &form, &err)) {
        st = mu_web_error(&pg, 400, "form.invalid");
        goto out;
    }
    for (size_t i = 0; i < form.n; i++)
        if (strcmp(form.v[i].name, "criteria") == 0 && form.v[i].value[0])
            crit[ncrit++] = form.v[i].value;
    const char *op = task ? "task_done" : field(&form, "action");
    struct mu_actor a = {req->principal->name, mu_http_now_ms()};
    struct mu_store *s = mu_http_store_acquire(pg.env);
    enum mu_err rc = s ? mu_http_incident_step(s, &a, op ? op : "", id, form_get, &form, crit,
                                               ncrit, &incident, &err)
                       : mu_error_set(&err, MU_ESTORE, "no database");
    if (rc && task) {
        /* Show the error on the task's incident page. */
        struct mu_incident_task t;
        memset(&t, 0, sizeof(t));
        if (s && mu_store_incident_task_get(s, id, &t, NULL) == MU_OK) {
            incident = t.incident_id;
            mu_incident_task_release(&t);
        }
    }
    mu_http_store_release(pg.env);
    if (rc == MU_OK) {
        char loc[64];
        snprintf(loc, sizeof(loc), "/incidents/%lld", (long long)incident);
        st = mu_web_redirect(resp, loc);
    } else if ((rc == MU_EINVAL || rc == MU_ECONFLICT || rc == MU_ELIMIT ||
                (rc == MU_ENOTFOUND && incident)) &&
               incident) {
        st = incident_page(&pg, rc == MU_ECONFLICT ? 409 : rc == MU_ENOTFOUND ? 404 : 400,
                           incident,
                           json_pack("{s:s, s:o}", "field", err.field[0] ? err.field : "action",
                                     "text",
                                     mu_web_fmt(&pg, "incident.error.form", "detail", err.msg)));
    } else {
        st = read_failed(&pg, rc, &err);
    }
out:
    mu_query_release(&form);
    mu_web_end(&pg);
    return st;
}

int h_page_incident_step(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    return page_step(req, resp, ctx, 0);
}

int h_page_incident_task_done(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    return page_step(req, resp, ctx, 1);
}

/* ---------------------------------------------------------------- dashboard cards */

void mu_web_card_incidents(struct mu_webpage *pg)
{
    struct mu_error err = {0};
    char *text = NULL;
    if (!pg->req->principal || !mu_principal_can(pg->req->principal, MU_ACTION_READ, NULL))
        return;
    int64_t now = mu_http_now_ms();
    struct mu_store *s = mu_http_store_acquire(pg->env);
    enum mu_err rc = s ? mu_app_incident_list(s, 1, MU_INCIDENT_JSON, &text, &err)
                       : mu_error_set(&err, MU_ESTORE, "no database");
    json_t *open = rc == MU_OK ? json_loads(text, 0, NULL) : NULL;
    mu_free(text);
    json_t *rows = json_array(), *r;
    size_t i;
    json_array_foreach(open, i, r)
    {
        if (i >= CARD_MAX)
            break;
        row_labels(pg, r);
        /* The next pending deadline is the incident's running clock. */
        char *show = NULL;
        json_t *doc = NULL, *d, *next = NULL;
        size_t k;
        if (mu_app_incident_show(s, json_integer_value(json_object_get(r, "id")),
                                 MU_INCIDENT_JSON, &show, NULL) == MU_OK)
            doc = json_loads(show, 0, NULL);
        mu_free(show);
        json_array_foreach(json_object_get(doc, "deadlines"), k, d)
            if (strcmp(jstr(d, "state"), "pending") == 0 &&
                (!next || strcmp(jstr(d, "due_at"), jstr(next, "due_at")) < 0))
                next = d;
        if (next) {
            json_object_set_new(r, "clock", clock_json(pg, jstr(next, "due_at"), now));
            json_object_set_new(r, "clock_name", json_string(jstr(next, "name")));
        }
        json_object_set_new(r, "kind_name", json_string(doc && jstr(doc, "kind_name")
                                                            ? jstr(doc, "kind_name")
                                                            : jstr(r, "kind")));
        json_decref(doc);
        json_array_append(rows, r);
    }
    mu_http_store_release(pg->env);
    if (!open) {
        mu_log(MU_LOG_WARN, "http", "rid=%s incident card: %s", pg->req->rid, err.msg);
        json_decref(rows);
        return;
    }
    size_t more = json_array_size(open) > CARD_MAX ? json_array_size(open) - CARD_MAX : 0;
    json_decref(open);
    mu_web_set(pg, "incident_card",
               json_pack("{s:b, s:o, s:b, s:I}", "has_incidents", json_array_size(rows) > 0,
                         "incidents", rows, "has_more", more > 0, "more", (json_int_t)more));
}

void mu_web_card_cases_due(struct mu_webpage *pg)
{
    struct mu_error err = {0};
    char *text = NULL;
    if (!pg->req->principal || !mu_principal_can(pg->req->principal, MU_ACTION_READ, NULL))
        return;
    struct mu_store *s = mu_http_store_acquire(pg->env);
    enum mu_err rc = s ? mu_app_case_due(s, mu_web_today(), 3, MU_CASE_JSON, &text, &err)
                       : mu_error_set(&err, MU_ESTORE, "no database");
    mu_http_store_release(pg->env);
    json_t *due = rc == MU_OK ? json_loads(text, 0, NULL) : NULL;
    mu_free(text);
    if (!due) {
        mu_log(MU_LOG_WARN, "http", "rid=%s cases due card: %s", pg->req->rid, err.msg);
        return;
    }
    json_t *rows = json_array(), *r;
    size_t i;
    json_array_foreach(due, i, r)
    {
        if (i >= CARD_MAX)
            break;
        json_object_set_new(r, "due_kind_label",
                            json_string(label(pg, "cases.deadline", jstr(r, "due_kind"))));
        json_array_append(rows, r);
    }
    size_t more = json_array_size(due) > CARD_MAX ? json_array_size(due) - CARD_MAX : 0;
    json_decref(due);
    mu_web_set(pg, "cases_due_card",
               json_pack("{s:b, s:o, s:b, s:I}", "has_cases", json_array_size(rows) > 0, "cases",
                         rows, "has_more", more > 0, "more", (json_int_t)more));
}
