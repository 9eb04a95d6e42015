/* SPDX-License-Identifier: MIT */
/*
 * The register pages (docs/internals/web.md, "Register pages"): the
 * overview (GET /registers), hazards (list with filters, overdue rows
 * highlighted and the add form; one hazard with its history and the
 * rectify, verify, assign and note forms), drills held (the history with
 * the term's status and the add form; one drill with its findings and
 * follow-up tasks), resources (alerts highlighted, add and adjust forms),
 * contacts (national numbers, stored numbers with add and remove, the staff
 * of the plans, the printable sheet) and the dashboard's registers card.
 * Every page reads the use cases' JSON (<muster/register.h>) and adds the
 * catalogue's labels; every form posts to a page route that calls the same
 * use case as the API, answers 303 back to the page, or re-renders it with
 * status 400 and the use case's message naming the field. Values reach the
 * templates as plain text: the template engine escapes them.
 */
#include "registers.h"
#include "web.h"

#include <muster/account.h>
#include <muster/date.h>
#include <muster/log.h>
#include <muster/mem.h>
#include <stdio.h>
#include <string.h>

#include "../util/banned.h"

#define DUE_WITHIN_DAYS 14   /* the term warning window, as `drill-record due` */
#define ALERT_WITHIN_DAYS 30 /* the expiry window, as `resource list` */
#define CARD_MAX 8           /* lines per list of the dashboard card */

static const char *const severities[] = {"low", "medium", "high", NULL};
static const char *const states[] = {"open", "rectified", "verified", NULL};
static const char *const categories[] = {"vehicle", "cash", "supply", "equipment", NULL};
static const char *const statuses[] = {"available", "maintenance", "retired", NULL};
static const char *const contact_categories[] = {"emergency", "hospital", "duty", "authority",
                                                 "other", NULL};
static const char *const drill_kinds[] = {"fire-evacuation", "earthquake", "flood",
                                          "food-poisoning",  "stampede",   "intruder",
                                          "gas-leak",        "typhoon",    "landslide",
                                          "medical",         NULL};

/* ---------------------------------------------------------------- helpers */

/* The label of @p value in the catalogue: "@p prefix.@p value" ('-' read as '_'). */
static const char *label(const struct mu_webpage *pg, const char *prefix, const char *value)
{
    char key[96];
    snprintf(key, sizeof(key), "%s.%s", prefix, value ? value : "");
    for (char *c = key; *c; c++)
        if (*c == '-')
            *c = '_';
    return mu_web_t(pg, key);
}

/* Set member @p key of @p o to the label of its member @p from. */
static void add_label(const struct mu_webpage *pg, json_t *o, const char *key, const char *from,
                      const char *prefix)
{
    const char *v = json_string_value(json_object_get(o, from));
    json_object_set_new(o, key, json_string(label(pg, prefix, v ? v : "")));
}

/* Options of a select: value, label, selected. */
static json_t *options(const struct mu_webpage *pg, const char *const *values, const char *prefix,
                       const char *selected)
{
    json_t *a = json_array();
    for (size_t i = 0; a && values[i]; i++)
        json_array_append_new(a, json_pack("{s:s, s:s, s:b}", "value", values[i], "label",
                                           label(pg, prefix, values[i]), "selected",
                                           selected && strcmp(selected, values[i]) == 0));
    return a;
}

/* The loaded plans as select options (store lock held); NULL on failure. */
static json_t *plan_options(struct mu_store *s, const char *selected)
{
    struct mu_plan_summary *v = NULL;
    size_t n = 0;
    if (mu_store_plan_list(s, &v, &n, NULL))
        return NULL;
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++)
        json_array_append_new(a, json_pack("{s:s, s:s, s:b}", "value", v[i].id, "label",
                                           v[i].title ? v[i].title : v[i].id, "selected",
                                           selected && strcmp(selected, v[i].id) == 0));
    mu_plan_summaries_free(v, n);
    return a;
}

static void fmt_duration(int64_t s, char out[static 32])
{
    if (s < 0) {
        out[0] = '\0';
        return;
    }
    long long h = s / 3600, m = s / 60 % 60, sec = s % 60;
    int n = 0;
    out[0] = '\0';
    if (h)
        n += snprintf(out + n, 32 - (size_t)n, "%lldh", h);
    if (m)
        n += snprintf(out + n, 32 - (size_t)n, "%lldm", m);
    if (sec || (!h && !m))
        snprintf(out + n, 32 - (size_t)n, "%llds", sec);
}

/* "YYYY-MM-DD HH:MM" of an ISO instant of the use cases ("2026-03-01T08:00:00+08:00"). */
static json_t *short_time(json_t *iso)
{
    const char *s = json_string_value(iso);
    char out[17];
    if (!s || strlen(s) < 16)
        return json_string("");
    snprintf(out, sizeof(out), "%.10s %.5s", s, s + 11);
    return json_string(out);
}

/* ---------------------------------------------------------------- overview */

int h_page_registers(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_webpage pg;
    struct mu_error err = {0};
    char *h = NULL, *ho = NULL, *d = NULL, *r = NULL, *ra = NULL, *c = NULL, *due = NULL;
    size_t warnings = 0;
    int64_t now = mu_http_now_ms();
    int st;
    mu_web_reg_begin(&pg, req, resp, ctx, "registers.title");
    struct mu_store *s = mu_http_store_acquire(pg.env);
    enum mu_err rc = !s ? mu_error_set(&err, MU_ESTORE, "no database")
                        : mu_app_hazard_list(s, 0, now, MU_REG_JSON, &h, &err);
    if (rc == MU_OK)
        rc = mu_app_hazard_list(s, 1, now, MU_REG_JSON, &ho, &err);
    if (rc == MU_OK)
        rc = mu_app_drill_list(s, NULL, MU_REG_JSON, &d, &err);
    if (rc == MU_OK)
        rc = mu_app_resource_list(s, 0, now, ALERT_WITHIN_DAYS, MU_REG_JSON, &r, &err);
    if (rc == MU_OK)
        rc = mu_app_resource_list(s, 1, now, ALERT_WITHIN_DAYS, MU_REG_JSON, &ra, &err);
    if (rc == MU_OK)
        rc = mu_app_contact_list(s, MU_REG_JSON, &c, &err);
    int terms_set = 0;
    if (rc == MU_OK) {
        struct mu_error e2 = {0};
        terms_set = mu_app_drill_due(s, now, DUE_WITHIN_DAYS, MU_REG_JSON, &due, &warnings,
                                     &e2) == MU_OK;
    }
    mu_http_store_release(pg.env);
    if (rc) {
        st = mu_web_reg_read_failed(&pg, "register", rc, &err);
        goto out;
    }
    json_t *jh = mu_web_reg_doc(h), *jho = mu_web_reg_doc(ho), *jd = mu_web_reg_doc(d),
           *jr = mu_web_reg_doc(r), *jra = mu_web_reg_doc(ra), *jc = mu_web_reg_doc(c);
    h = ho = d = r = ra = c = NULL;
    json_t *counts = json_pack(
        "{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:b}", "hazards", (json_int_t)json_array_size(jh),
        "overdue", (json_int_t)json_array_size(jho), "drills", (json_int_t)json_array_size(jd),
        "warnings", (json_int_t)warnings, "resources", (json_int_t)json_array_size(jr), "alerts",
        (json_int_t)json_array_size(jra), "contacts",
        (json_int_t)json_array_size(json_object_get(jc, "contacts")), "terms_set", terms_set);
    /* Sections treat every number as true: the template tests these flags. */
    json_object_set_new(counts, "has_overdue", json_boolean(json_array_size(jho) > 0));
    json_object_set_new(counts, "has_warnings", json_boolean(warnings > 0));
    json_object_set_new(counts, "has_alerts", json_boolean(json_array_size(jra) > 0));
    mu_web_set(&pg, "counts", counts);
    json_decref(jh);
    json_decref(jho);
    json_decref(jd);
    json_decref(jr);
    json_decref(jra);
    json_decref(jc);
    st = mu_web_render(&pg, "registers", 200);
out:
    mu_free(h);
    mu_free(ho);
    mu_free(d);
    mu_free(r);
    mu_free(ra);
    mu_free(c);
    mu_free(due);
    mu_web_end(&pg);
    return st;
}

/* ---------------------------------------------------------------- hazards */

static void hazard_labels(const struct mu_webpage *pg, json_t *hz)
{
    add_label(pg, hz, "severity_label", "severity", "hazard.severity");
    add_label(pg, hz, "state_label", "state", "hazard.state");
}

/*
 * The hazard list with the filters of the query, and the add form (echoing
 * @p posted with the error @p ferr after a refused post).
 */
static int hazards_page(struct mu_webpage *pg, int64_t id, int status, const char *which,
                        const struct mu_query *posted, const struct mu_error *ferr)
{
    struct mu_error err = {0};
    const struct mu_query *q = &pg->req->query;
    const char *state = mu_web_reg_opt(q, "state"), *severity = mu_web_reg_opt(q, "severity"),
               *unit = mu_web_reg_opt(q, "unit");
    int overdue = mu_web_reg_opt(q, "overdue") && strcmp(mu_web_reg_opt(q, "overdue"), "1") == 0;
    (void)id;
    if ((state && !mu_http_reg_in_list(state, states)) ||
        (severity && !mu_http_reg_in_list(severity, severities)))
        return mu_web_error(pg, 400, NULL);
    char *text = NULL;
    json_t *plans = NULL;
    struct mu_store *s = mu_http_store_acquire(pg->env);
    enum mu_err rc = s ? mu_app_hazard_list(s, overdue, mu_http_now_ms(), MU_REG_JSON, &text, &err)
                       : mu_error_set(&err, MU_ESTORE, "no database");
    if (rc == MU_OK)
        plans = plan_options(s, mu_web_reg_field(posted, "plan"));
    mu_http_store_release(pg->env);
    if (rc)
        return mu_web_reg_read_failed(pg, "register", rc, &err);
    json_t *all = mu_web_reg_doc(text), *items = json_array(), *hz;
    size_t i;
    json_array_foreach(all, i, hz) {
        if ((state && strcmp(state, json_string_value(json_object_get(hz, "state"))) != 0) ||
            (severity &&
             strcmp(severity, json_string_value(json_object_get(hz, "severity"))) != 0) ||
            (unit && strcmp(unit, json_string_value(json_object_get(hz, "unit"))) != 0))
            continue;
        hazard_labels(pg, hz);
        json_array_append(items, hz);
    }
    json_decref(all);
    mu_web_set(pg, "hazards", items);
    mu_web_set(pg, "has_hazards", json_boolean(json_array_size(items) > 0));
    mu_web_set(pg, "filter",
               json_pack("{s:s, s:b, s:o, s:o}", "unit", unit ? unit : "", "overdue", overdue,
                         "states", options(pg, states, "hazard.state", state), "severities",
                         options(pg, severities, "hazard.severity", severity)));
    mu_web_set(pg, "xlsx_href",
               json_string(overdue ? "/api/v1/hazards.xlsx?overdue=1" : "/api/v1/hazards.xlsx"));
    mu_web_set(pg, "f_add", mu_web_reg_form_values(posted, NULL));
    mu_web_set(pg, "add_severities",
               options(pg, severities, "hazard.severity",
                       posted ? mu_web_reg_field(posted, "severity") : "medium"));
    mu_web_set(pg, "plans", plans ? plans : json_array());
    return mu_web_reg_render(pg, "hazard_list", status, which, ferr);
}

static const struct mu_web_reg_page hazards_pg = {
    "hazard", "register", (const char *const[]){"added", NULL}, hazards_page, 0};

int h_page_hazards(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    return mu_web_reg_get(&hazards_pg, req, resp, ctx);
}

int h_page_hazards_add(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_web_reg_post p;
    int64_t id = 0;
    int st;
    mu_web_reg_post_begin(&p, &hazards_pg, req, resp, ctx);
    if ((st = mu_web_reg_post_read(&p, 1)))
        goto out;
    const struct mu_query *f = &p.form;
    struct mu_hazard_input in = {.plan = mu_web_reg_opt(f, "plan"),
                                 .place = mu_web_reg_field(f, "place"),
                                 .description = mu_web_reg_field(f, "description"),
                                 .severity = mu_web_reg_field(f, "severity"),
                                 .unit = mu_web_reg_field(f, "unit"),
                                 .owner = mu_web_reg_field(f, "owner"),
                                 .due = mu_web_reg_field(f, "due")};
    struct mu_store *s = mu_http_store_acquire(p.pg.env);
    enum mu_err rc = s ? mu_app_hazard_add(s, &p.actor, &in, &id, &p.err)
                       : mu_error_set(&p.err, MU_ESTORE, "no database");
    mu_http_store_release(p.pg.env);
    if (rc == MU_EINVAL || rc == MU_ENOTFOUND)
        st = mu_web_reg_post_refused(&p, 0, 400, "add");
    else
        st = mu_web_reg_post_done(&p, rc, "/hazards/%lld?ok=added", (long long)id);
out:
    return mu_web_reg_post_end(&p, st);
}

/* One hazard with its history and the forms its state allows. */
static int hazard_page(struct mu_webpage *pg, int64_t id, int status, const char *action,
                       const struct mu_query *posted, const struct mu_error *ferr)
{
    struct mu_error err = {0};
    char *text = NULL;
    json_t *hz, *ev;
    struct mu_store *s = mu_http_store_acquire(pg->env);
    enum mu_err rc = s ? mu_app_hazard_show(s, id, mu_http_now_ms(), MU_REG_JSON, &text, &err)
                       : mu_error_set(&err, MU_ESTORE, "no database");
    mu_http_store_release(pg->env);
    int st = mu_web_reg_load(pg, "register", rc, &err, text, JSON_OBJECT, &hz);
    if (st)
        return st;
    size_t i;
    hazard_labels(pg, hz);
    json_array_foreach(json_object_get(hz, "history"), i, ev) {
        json_object_set_new(ev, "time", short_time(json_object_get(ev, "at")));
        add_label(pg, ev, "action_label", "action", "hazard.event");
    }
    json_object_set_new(hz, "found_time", short_time(json_object_get(hz, "found_at")));
    json_object_set_new(hz, "rectified_time", short_time(json_object_get(hz, "rectified_at")));
    json_object_set_new(hz, "verified_time", short_time(json_object_get(hz, "verified_at")));
    const char *state = json_string_value(json_object_get(hz, "state"));
    const char *owner = json_string_value(json_object_get(hz, "owner"));
    int open = state && strcmp(state, "open") == 0;
    int rectified = state && strcmp(state, "rectified") == 0;
    int w = mu_web_reg_can_write(pg);
    mu_web_set(pg, "may_rectify", json_boolean(w && open));
    mu_web_set(pg, "may_verify", json_boolean(w && rectified));
    mu_web_set(pg, "may_change", json_boolean(w && (open || rectified)));
    const char *forms[] = {"rectify", "verify", "assign", "notes"};
    for (size_t k = 0; k < 4; k++) {
        char key[16];
        snprintf(key, sizeof(key), "f_%s", forms[k]);
        int mine = action && strcmp(action, forms[k]) == 0;
        json_t *dflt = k == 0   ? json_pack("{s:s}", "by", owner ? owner : "")
                       : k == 2 ? json_pack("{s:s, s:o}", "owner", owner ? owner : "", "due",
                                            json_incref(json_object_get(hz, "due")))
                                : json_object();
        mu_web_set(pg, key, mu_web_reg_form_values(mine ? posted : NULL, dflt));
    }
    mu_web_set(pg, "hazard", hz);
    return mu_web_reg_render(pg, "hazard", status, action, ferr);
}

static const struct mu_web_reg_page hazard_pg = {
    "hazard", "register",
    (const char *const[]){"added", "rectify", "verify", "assign", "notes", NULL}, hazard_page, 1};

int h_page_hazard(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    return mu_web_reg_get(&hazard_pg, req, resp, ctx);
}

int h_page_hazard_action(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    static const char *const actions[] = {"rectify", "verify", "assign", "notes", NULL};
    const char *action = mu_http_req_param(req, "action");
    struct mu_web_reg_post p;
    int st;
    mu_web_reg_post_begin(&p, &hazard_pg, req, resp, ctx);
    if ((st = mu_web_reg_post_read(&p, p.id > 0 && mu_http_reg_in_list(action, actions))))
        goto out;
    const struct mu_query *f = &p.form;
    struct mu_store *s = mu_http_store_acquire(p.pg.env);
    enum mu_err rc;
    if (!s)
        rc = mu_error_set(&p.err, MU_ESTORE, "no database");
    else if (strcmp(action, "rectify") == 0)
        rc = mu_app_hazard_rectify(s, &p.actor, p.id, mu_web_reg_field(f, "by"),
                                   mu_web_reg_opt(f, "note"), &p.err);
    else if (strcmp(action, "verify") == 0)
        rc = mu_app_hazard_verify(s, &p.actor, p.id, mu_web_reg_field(f, "by"), &p.err);
    else if (strcmp(action, "assign") == 0)
        rc = mu_app_hazard_assign(s, &p.actor, p.id, mu_web_reg_field(f, "owner"),
                                  mu_web_reg_opt(f, "due"), &p.err);
    else
        rc = mu_app_hazard_note(s, &p.actor, p.id, mu_web_reg_field(f, "text"), &p.err);
    mu_http_store_release(p.pg.env);
    if (rc == MU_ENOTFOUND && strcmp(p.err.field, "id") == 0)
        st = mu_web_error(&p.pg, 404, NULL);
    else if (rc == MU_EINVAL || rc == MU_ENOTFOUND || rc == MU_ECONFLICT)
        st = mu_web_reg_post_refused(&p, p.id, rc == MU_ECONFLICT ? 409 : 400, action);
    else
        st = mu_web_reg_post_done(&p, rc, "/hazards/%lld?ok=%s", (long long)p.id, action);
out:
    return mu_web_reg_post_end(&p, st);
}

/* ---------------------------------------------------------------- drills held */

static void drill_fields(const struct mu_webpage *pg, json_t *d)
{
    char buf[32];
    size_t i, open = 0;
    json_t *t;
    (void)pg;
    fmt_duration(json_integer_value(json_object_get(d, "duration_s")), buf);
    json_object_set_new(d, "duration", json_string(buf));
    json_t *ev = json_object_get(d, "evacuation_s");
    fmt_duration(json_is_integer(ev) ? json_integer_value(ev) : -1, buf);
    json_object_set_new(d, "evacuation", json_string(buf));
    json_array_foreach(json_object_get(d, "tasks"), i, t) {
        int done = !json_is_null(json_object_get(t, "done_at"));
        open += !done;
        json_object_set_new(t, "done", json_boolean(done));
        json_object_set_new(t, "done_time", short_time(json_object_get(t, "done_at")));
    }
    json_object_set_new(d, "nfindings",
                        json_integer((json_int_t)json_array_size(json_object_get(d, "findings"))));
    json_object_set_new(d, "open_tasks", json_integer((json_int_t)open));
}

/* The term's status into the page ("term"); "terms_unset" when drill.terms is not set. */
static void term_status(struct mu_webpage *pg, struct mu_store *s, const char *key)
{
    struct mu_error err = {0};
    char *text = NULL;
    enum mu_err rc = mu_app_drill_due(s, mu_http_now_ms(), DUE_WITHIN_DAYS, MU_REG_JSON, &text,
                                      NULL, &err);
    if (rc) {
        mu_free(text);
        if (rc != MU_ENOTFOUND && rc != MU_EINVAL)
            mu_log(MU_LOG_WARN, "http", "rid=%s drill term: %s", pg->req->rid, err.msg);
        mu_web_set(pg, key, json_pack("{s:b, s:s}", "unset", 1, "message", err.msg));
        return;
    }
    json_t *d = mu_web_reg_doc(text), *line;
    size_t i;
    if (!json_is_object(d)) {
        json_decref(d);
        mu_web_set(pg, key, json_pack("{s:b, s:s}", "unset", 1, "message", ""));
        return;
    }
    json_array_foreach(json_object_get(d, "due"), i, line) {
        json_int_t req = json_integer_value(json_object_get(line, "required"));
        json_int_t held = json_integer_value(json_object_get(line, "held"));
        json_object_set_new(line, "short", json_boolean(held < req));
    }
    json_object_set_new(d, "unset", json_false());
    json_object_set_new(d, "has_term", json_boolean(json_is_object(json_object_get(d, "term"))));
    json_object_set_new(d, "has_due", json_boolean(json_array_size(json_object_get(d, "due"))));
    mu_web_set(pg, key, d);
}

static int drills_page(struct mu_webpage *pg, int64_t id, int status, const char *which,
                       const struct mu_query *posted, const struct mu_error *ferr)
{
    struct mu_error err = {0};
    char *text = NULL;
    json_t *plans = NULL;
    (void)id;
    struct mu_store *s = mu_http_store_acquire(pg->env);
    enum mu_err rc = s ? mu_app_drill_list(s, NULL, MU_REG_JSON, &text, &err)
                       : mu_error_set(&err, MU_ESTORE, "no database");
    if (rc == MU_OK) {
        plans = plan_options(s, mu_web_reg_field(posted, "plan"));
        term_status(pg, s, "term");
    }
    mu_http_store_release(pg->env);
    if (rc)
        return mu_web_reg_read_failed(pg, "register", rc, &err);
    json_t *items = mu_web_reg_doc(text), *d;
    size_t i;
    json_array_foreach(items, i, d) drill_fields(pg, d);
    mu_web_set(pg, "drills", items ? items : json_array());
    mu_web_set(pg, "has_drills", json_boolean(json_array_size(items) > 0));
    char today[11];
    mu_date_format(mu_web_today(), today);
    mu_web_set(pg, "f_add", mu_web_reg_form_values(posted, json_pack("{s:s}", "date", today)));
    json_t *kinds = json_array();
    const char *want = mu_web_reg_field(posted, "kind");
    for (size_t k = 0; kinds && drill_kinds[k]; k++)
        json_array_append_new(kinds, json_pack("{s:s, s:s, s:b}", "value", drill_kinds[k], "label",
                                               mu_drill_kind_label(drill_kinds[k]), "selected",
                                               want && strcmp(want, drill_kinds[k]) == 0));
    mu_web_set(pg, "kinds", kinds);
    mu_web_set(pg, "plans", plans ? plans : json_array());
    return mu_web_reg_render(pg, "drillrec_list", status, which, ferr);
}

static const struct mu_web_reg_page drills_pg = {"drillrec", "register", NULL, drills_page, 0};

int h_page_drills_held(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    return mu_web_reg_get(&drills_pg, req, resp, ctx);
}

int h_page_drills_held_add(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_web_reg_post p;
    const char *findings[MU_REG_MAX_ITEMS];
    char *ftext = NULL;
    int64_t id = 0;
    int st;
    mu_web_reg_post_begin(&p, &drills_pg, req, resp, ctx);
    if ((st = mu_web_reg_post_read(&p, 1)))
        goto out;
    const struct mu_query *f = &p.form;
    const char *raw = mu_web_reg_field(f, "findings");
    ftext = mu_strdup(raw ? raw : "");
    if (!ftext) {
        st = mu_web_error(&p.pg, 500, NULL);
        goto out;
    }
    struct mu_drill_input in = {.plan = mu_web_reg_opt(f, "plan"),
                                .date = mu_web_reg_field(f, "date"),
                                .kind = mu_web_reg_field(f, "kind"),
                                .scenario = mu_web_reg_field(f, "scenario"),
                                .participants = mu_web_reg_field(f, "participants"),
                                .duration = mu_web_reg_field(f, "duration"),
                                .evacuation = mu_web_reg_opt(f, "evacuation"),
                                .findings = findings};
    in.nfindings = mu_web_reg_lines(ftext, " ", findings, MU_REG_MAX_ITEMS);
    struct mu_store *s = mu_http_store_acquire(p.pg.env);
    enum mu_err rc = s ? mu_app_drill_add(s, &p.actor, &in, &id, &p.err)
                       : mu_error_set(&p.err, MU_ESTORE, "no database");
    mu_http_store_release(p.pg.env);
    if (rc == MU_EINVAL || rc == MU_ENOTFOUND)
        st = mu_web_reg_post_refused(&p, 0, 400, "add");
    else
        st = mu_web_reg_post_done(&p, rc, "/drills-held/%lld?ok=added", (long long)id);
out:
    mu_free(ftext);
    return mu_web_reg_post_end(&p, st);
}

static int drill_page(struct mu_webpage *pg, int64_t id, int status, const char *which,
                      const struct mu_query *posted, const struct mu_error *ferr)
{
    struct mu_error err = {0};
    char *text = NULL;
    json_t *d, *fnd;
    struct mu_store *s = mu_http_store_acquire(pg->env);
    enum mu_err rc = s ? mu_app_drill_show(s, id, MU_REG_JSON, &text, &err)
                       : mu_error_set(&err, MU_ESTORE, "no database");
    mu_http_store_release(pg->env);
    int st = mu_web_reg_load(pg, "register", rc, &err, text, JSON_OBJECT, &d);
    if (st)
        return st;
    drill_fields(pg, d);
    json_t *findings = json_array();
    size_t i;
    json_array_foreach(json_object_get(d, "findings"), i, fnd)
        json_array_append_new(findings, json_pack("{s:I, s:O}", "n", (json_int_t)(i + 1), "text",
                                                  fnd));
    json_object_set_new(d, "finding_list", findings);
    json_object_set_new(d, "has_tasks", json_boolean(json_array_size(json_object_get(d, "tasks"))));
    json_object_set_new(d, "has_sim", json_boolean(!json_is_null(json_object_get(d, "simulation"))));
    mu_web_set(pg, "drill", d);
    mu_web_set(pg, "f_task",
               mu_web_reg_form_values(which && strcmp(which, "task") == 0 ? posted : NULL, NULL));
    mu_web_set(pg, "f_done",
               mu_web_reg_form_values(which && strcmp(which, "done") == 0 ? posted : NULL, NULL));
    return mu_web_reg_render(pg, "drillrec", status, which, ferr);
}

static const struct mu_web_reg_page drill_pg = {
    "drillrec", "register", (const char *const[]){"added", "task", "done", NULL}, drill_page, 1};

int h_page_drill_held(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    return mu_web_reg_get(&drill_pg, req, resp, ctx);
}

int h_page_drill_task_add(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_web_reg_post p;
    int64_t task = 0;
    int st;
    mu_web_reg_post_begin(&p, &drill_pg, req, resp, ctx);
    if ((st = mu_web_reg_post_read(&p, p.id > 0)))
        goto out;
    const struct mu_query *f = &p.form;
    int64_t finding = mu_route_id(mu_web_reg_opt(f, "finding"));
    struct mu_store *s = mu_http_store_acquire(p.pg.env);
    enum mu_err rc;
    if (mu_web_reg_opt(f, "finding") && (finding < 1 || finding > MU_REG_MAX_ITEMS))
        rc = mu_error_field(&p.err, MU_EINVAL, "finding", "finding: not the number of a finding");
    else
        rc = s ? mu_app_drill_task_add(s, &p.actor, p.id, (int)finding, mu_web_reg_opt(f, "text"),
                                       mu_web_reg_field(f, "owner"), mu_web_reg_field(f, "due"),
                                       &task, &p.err)
               : mu_error_set(&p.err, MU_ESTORE, "no database");
    mu_http_store_release(p.pg.env);
    if (rc == MU_ENOTFOUND && strcmp(p.err.field, "id") == 0)
        st = mu_web_error(&p.pg, 404, NULL);
    else if (rc == MU_EINVAL || rc == MU_ENOTFOUND || rc == MU_ECONFLICT)
        st = mu_web_reg_post_refused(&p, p.id, 400, "task");
    else
        st = mu_web_reg_post_done(&p, rc, "/drills-held/%lld?ok=task", (long long)p.id);
out:
    return mu_web_reg_post_end(&p, st);
}

int h_page_drill_task_done(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_web_reg_post p;
    int st;
    mu_web_reg_post_begin(&p, &drill_pg, req, resp, ctx);
    if ((st = mu_web_reg_post_read(&p, p.id > 0)))
        goto out;
    /* The form says which drill page to return to. */
    int64_t drill = mu_route_id(mu_web_reg_field(&p.form, "drill"));
    struct mu_store *s = mu_http_store_acquire(p.pg.env);
    enum mu_err rc =
        s ? mu_app_drill_task_done(s, &p.actor, p.id, mu_web_reg_field(&p.form, "by"), &p.err)
          : mu_error_set(&p.err, MU_ESTORE, "no database");
    mu_http_store_release(p.pg.env);
    if (rc == MU_ENOTFOUND && (strcmp(p.err.field, "id") == 0 || drill < 1))
        st = mu_web_error(&p.pg, 404, NULL);
    else if ((rc == MU_EINVAL || rc == MU_ENOTFOUND || rc == MU_ECONFLICT) && drill > 0)
        st = mu_web_reg_post_refused(&p, drill, rc == MU_ECONFLICT ? 409 : 400, "done");
    else if (rc == MU_EINVAL || rc == MU_ECONFLICT)
        st = mu_web_error(&p.pg, rc == MU_ECONFLICT ? 409 : 400, NULL);
    else if (drill > 0)
        st = mu_web_reg_post_done(&p, rc, "/drills-held/%lld?ok=done", (long long)drill);
    else
        st = mu_web_reg_post_done(&p, rc, "/drills-held");
out:
    return mu_web_reg_post_end(&p, st);
}

/* ---------------------------------------------------------------- resources */

static void resource_fields(const struct mu_webpage *pg, json_t *r)
{
    json_t *alerts = json_array(), *a;
    size_t i;
    add_label(pg, r, "category_label", "category", "resource.category");
    add_label(pg, r, "status_label", "status", "resource.status");
    json_array_foreach(json_object_get(r, "alerts"), i, a) {
        const char *k = json_string_value(a);
        json_array_append_new(alerts, json_pack("{s:s, s:s}", "key", k ? k : "", "label",
                                                label(pg, "resource.alert", k ? k : "")));
    }
    json_object_set_new(r, "has_alert", json_boolean(json_array_size(alerts) > 0));
    json_object_set_new(r, "alert_list", alerts);
}

static int resources_page(struct mu_webpage *pg, int64_t id, int status, const char *which,
                          const struct mu_query *posted, const struct mu_error *ferr)
{
    struct mu_error err = {0};
    const char *af = mu_web_reg_opt(&pg->req->query, "alerts");
    int alerts = af && strcmp(af, "1") == 0;
    char *text = NULL;
    json_t *plans = NULL;
    (void)id;
    struct mu_store *s = mu_http_store_acquire(pg->env);
    enum mu_err rc = s ? mu_app_resource_list(s, alerts, mu_http_now_ms(), ALERT_WITHIN_DAYS,
                                              MU_REG_JSON, &text, &err)
                       : mu_error_set(&err, MU_ESTORE, "no database");
    if (rc == MU_OK)
        plans = plan_options(s, mu_web_reg_field(posted, "plan"));
    mu_http_store_release(pg->env);
    if (rc)
        return mu_web_reg_read_failed(pg, "register", rc, &err);
    json_t *items = mu_web_reg_doc(text), *r;
    size_t i;
    const char *sel =
        which && strcmp(which, "adjust") == 0 ? mu_web_reg_field(posted, "resource") : NULL;
    json_t *choices = json_array();
    json_array_foreach(items, i, r) {
        resource_fields(pg, r);
        char idbuf[24];
        snprintf(idbuf, sizeof(idbuf), "%lld", (long long)json_integer_value(json_object_get(r, "id")));
        json_array_append_new(choices, json_pack("{s:s, s:O, s:b}", "value", idbuf, "label",
                                                 json_object_get(r, "name"), "selected",
                                                 sel && strcmp(sel, idbuf) == 0));
    }
    mu_web_set(pg, "resources", items ? items : json_array());
    mu_web_set(pg, "has_resources", json_boolean(json_array_size(items) > 0));
    mu_web_set(pg, "alerts_only", json_boolean(alerts));
    mu_web_set(pg, "xlsx_href",
               json_string(alerts ? "/api/v1/resources.xlsx?alerts=1" : "/api/v1/resources.xlsx"));
    int add = which && strcmp(which, "add") == 0;
    mu_web_set(pg, "f_add", mu_web_reg_form_values(add ? posted : NULL, NULL));
    mu_web_set(pg, "f_adjust", mu_web_reg_form_values(add ? NULL : posted, NULL));
    mu_web_set(pg, "categories",
               options(pg, categories, "resource.category",
                       add ? mu_web_reg_field(posted, "category") : "supply"));
    mu_web_set(pg, "statuses",
               options(pg, statuses, "resource.status",
                       add ? mu_web_reg_field(posted, "status") : "available"));
    mu_web_set(pg, "choices", choices);
    mu_web_set(pg, "plans", plans ? plans : json_array());
    return mu_web_reg_render(pg, "resource_list", status, which, ferr);
}

static const struct mu_web_reg_page resources_pg = {
    "resource", "register", (const char *const[]){"added", "adjust", NULL}, resources_page, 0};

int h_page_resources(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    return mu_web_reg_get(&resources_pg, req, resp, ctx);
}

int h_page_resources_add(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_web_reg_post p;
    int st;
    mu_web_reg_post_begin(&p, &resources_pg, req, resp, ctx);
    if ((st = mu_web_reg_post_read(&p, 1)))
        goto out;
    const struct mu_query *f = &p.form;
    struct mu_resource_input in = {.plan = mu_web_reg_opt(f, "plan"),
                                   .name = mu_web_reg_field(f, "name"),
                                   .category = mu_web_reg_opt(f, "category"),
                                   .quantity = mu_web_reg_field(f, "quantity"),
                                   .unit_of_measure = mu_web_reg_field(f, "unit_of_measure"),
                                   .location = mu_web_reg_opt(f, "location"),
                                   .custodian = mu_web_reg_opt(f, "custodian"),
                                   .status = mu_web_reg_opt(f, "status"),
                                   .expires = mu_web_reg_opt(f, "expires"),
                                   .min = mu_web_reg_opt(f, "min")};
    struct mu_store *s = mu_http_store_acquire(p.pg.env);
    enum mu_err rc = s ? mu_app_resource_add(s, &p.actor, &in, NULL, &p.err)
                       : mu_error_set(&p.err, MU_ESTORE, "no database");
    mu_http_store_release(p.pg.env);
    if (strcmp(p.err.field, "unit-of-measure") == 0)
        snprintf(p.err.field, sizeof(p.err.field), "unit_of_measure");
    if (rc == MU_EINVAL || rc == MU_ENOTFOUND)
        st = mu_web_reg_post_refused(&p, 0, 400, "add");
    else
        st = mu_web_reg_post_done(&p, rc, "/resources?ok=added");
out:
    return mu_web_reg_post_end(&p, st);
}

int h_page_resources_adjust(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_web_reg_post p;
    int st;
    mu_web_reg_post_begin(&p, &resources_pg, req, resp, ctx);
    if ((st = mu_web_reg_post_read(&p, 1)))
        goto out;
    int64_t id = mu_route_id(mu_web_reg_field(&p.form, "resource"));
    struct mu_store *s = mu_http_store_acquire(p.pg.env);
    enum mu_err rc;
    if (id < 1)
        rc = mu_error_field(&p.err, MU_EINVAL, "resource", "resource: choose a resource");
    else
        rc = s ? mu_app_resource_move(s, &p.actor, id, MU_MOVE_ADJUST,
                                      mu_web_reg_field(&p.form, "by"), 0,
                                      mu_web_reg_field(&p.form, "reason"), NULL, &p.err)
               : mu_error_set(&p.err, MU_ESTORE, "no database");
    mu_http_store_release(p.pg.env);
    if (rc == MU_ENOTFOUND && strcmp(p.err.field, "id") == 0)
        snprintf(p.err.field, sizeof(p.err.field), "resource");
    if (rc == MU_EINVAL || rc == MU_ENOTFOUND || rc == MU_ECONFLICT)
        st = mu_web_reg_post_refused(&p, 0, 400, "adjust");
    else
        st = mu_web_reg_post_done(&p, rc, "/resources?ok=adjust");
out:
    return mu_web_reg_post_end(&p, st);
}

/* ---------------------------------------------------------------- contacts */

static int contacts_page(struct mu_webpage *pg, int64_t id, int status, const char *which,
                         const struct mu_query *posted, const struct mu_error *ferr)
{
    struct mu_error err = {0};
    char *text = NULL;
    json_t *dir, *c, *p, *r;
    (void)id;
    struct mu_store *s = mu_http_store_acquire(pg->env);
    enum mu_err rc = s ? mu_app_contact_list(s, MU_REG_JSON, &text, &err)
                       : mu_error_set(&err, MU_ESTORE, "no database");
    mu_http_store_release(pg->env);
    int st = mu_web_reg_load(pg, "register", rc, &err, text, JSON_OBJECT, &dir);
    if (st)
        return st;
    size_t i, k;
    json_array_foreach(json_object_get(dir, "contacts"), i, c)
        add_label(pg, c, "category_label", "category", "contact.category");
    json_array_foreach(json_object_get(dir, "staff"), i, p) {
        json_t *roles = json_array();
        json_array_foreach(json_object_get(p, "roles"), k, r) {
            const char *team = json_string_value(json_object_get(r, "team_name"));
            const char *role = json_string_value(json_object_get(r, "role"));
            char buf[600];
            snprintf(buf, sizeof(buf), "%s %s", team ? team : "", role ? role : "");
            json_array_append_new(roles, json_string(buf));
        }
        json_object_set_new(p, "role_list", roles);
    }
    mu_web_set(pg, "national", json_incref(json_object_get(dir, "national")));
    mu_web_set(pg, "contacts", json_incref(json_object_get(dir, "contacts")));
    mu_web_set(pg, "staff", json_incref(json_object_get(dir, "staff")));
    mu_web_set(pg, "has_contacts",
               json_boolean(json_array_size(json_object_get(dir, "contacts")) > 0));
    mu_web_set(pg, "has_staff", json_boolean(json_array_size(json_object_get(dir, "staff")) > 0));
    json_decref(dir);
    mu_web_set(pg, "f_add", mu_web_reg_form_values(posted, NULL));
    mu_web_set(pg, "categories",
               options(pg, contact_categories, "contact.category",
                       posted ? mu_web_reg_field(posted, "category") : "other"));
    return mu_web_reg_render(pg, "contact_list", status, which, ferr);
}

static const struct mu_web_reg_page contacts_pg = {
    "contact", "register", (const char *const[]){"added", "removed", NULL}, contacts_page, 0};

int h_page_contacts(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    return mu_web_reg_get(&contacts_pg, req, resp, ctx);
}

int h_page_contacts_add(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_web_reg_post p;
    int st;
    mu_web_reg_post_begin(&p, &contacts_pg, req, resp, ctx);
    if ((st = mu_web_reg_post_read(&p, 1)))
        goto out;
    const struct mu_query *f = &p.form;
    struct mu_store *s = mu_http_store_acquire(p.pg.env);
    enum mu_err rc = s ? mu_app_contact_add(
                             s, &p.actor, mu_web_reg_field(f, "name"), mu_web_reg_field(f, "phone"),
                             mu_web_reg_opt(f, "category"), mu_web_reg_opt(f, "note"), NULL, &p.err)
                       : mu_error_set(&p.err, MU_ESTORE, "no database");
    mu_http_store_release(p.pg.env);
    if (rc == MU_EINVAL)
        st = mu_web_reg_post_refused(&p, 0, 400, "add");
    else
        st = mu_web_reg_post_done(&p, rc, "/contacts?ok=added");
out:
    return mu_web_reg_post_end(&p, st);
}

int h_page_contact_remove(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_web_reg_post p;
    int st;
    mu_web_reg_post_begin(&p, &contacts_pg, req, resp, ctx);
    if ((st = mu_web_reg_post_read(&p, p.id > 0)))
        goto out;
    struct mu_store *s = mu_http_store_acquire(p.pg.env);
    enum mu_err rc = s ? mu_app_contact_remove(s, &p.actor, p.id, &p.err)
                       : mu_error_set(&p.err, MU_ESTORE, "no database");
    mu_http_store_release(p.pg.env);
    if (rc == MU_ENOTFOUND)
        st = mu_web_error(&p.pg, 404, NULL);
    else
        st = mu_web_reg_post_done(&p, rc, "/contacts?ok=removed");
out:
    return mu_web_reg_post_end(&p, st);
}

/*
 * The printable phone list: the use case's A4 page, with its inline
 * <style> (refused by the Content-Security-Policy) replaced by the same
 * rules in /static/contact-sheet.css.
 */
int h_page_contacts_sheet(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    static const char link[] = "<link rel=\"stylesheet\" href=\"/static/contact-sheet.css\">";
    struct mu_http_env *env = ctx;
    struct mu_error err = {0};
    char *html = NULL;
    struct mu_store *s = mu_http_store_acquire(env);
    enum mu_err rc = s ? mu_app_contact_sheet_html(s, &html, &err)
                       : mu_error_set(&err, MU_ESTORE, "no database");
    mu_http_store_release(env);
    if (rc)
        return mu_http_resp_from_err(resp, rc, &err, req->rid);
    char *a = strstr(html, "<style>"), *b = a ? strstr(a, "</style>") : NULL;
    if (a && b) {
        b += strlen("</style>");
        size_t len = strlen(html), cut = (size_t)(b - a);
        char *out = mu_malloc(len - cut + sizeof(link));
        if (!out) {
            mu_free(html);
            return mu_http_resp_json(resp, 500, NULL);
        }
        size_t head = (size_t)(a - html);
        memcpy(out, html, head);
        memcpy(out + head, link, sizeof(link) - 1);
        memcpy(out + head + sizeof(link) - 1, b, strlen(b) + 1);
        mu_free(html);
        html = out;
    }
    mu_free(resp->body);
    resp->body = html;
    resp->body_len = strlen(html);
    resp->content_type = "text/html; charset=utf-8";
    resp->status = 200;
    return 200;
}

/* ---------------------------------------------------------------- dashboard card */

void mu_web_card_registers(struct mu_webpage *pg)
{
    struct mu_error err = {0};
    char *h = NULL, *r = NULL;
    if (!pg->req->principal || !mu_principal_can(pg->req->principal, MU_ACTION_READ, NULL))
        return;
    int64_t now = mu_http_now_ms();
    struct mu_store *s = mu_http_store_acquire(pg->env);
    enum mu_err rc = s ? mu_app_hazard_list(s, 1, now, MU_REG_JSON, &h, &err)
                       : mu_error_set(&err, MU_ESTORE, "no database");
    if (rc == MU_OK)
        rc = mu_app_resource_list(s, 1, now, ALERT_WITHIN_DAYS, MU_REG_JSON, &r, &err);
    if (rc == MU_OK)
        term_status(pg, s, "registers_term");
    mu_http_store_release(pg->env);
    if (rc) {
        mu_log(MU_LOG_WARN, "http", "rid=%s registers card: %s", pg->req->rid, err.msg);
        mu_free(h);
        mu_free(r);
        return;
    }
    json_t *hz = mu_web_reg_doc(h), *res = mu_web_reg_doc(r), *x;
    json_t *term = json_incref(json_object_get(pg->data, "registers_term"));
    json_object_del(pg->data, "registers_term");
    json_t *hl = json_array(), *rl = json_array(), *dl = json_array();
    size_t i;
    json_array_foreach(hz, i, x) {
        if (i >= CARD_MAX)
            break;
        hazard_labels(pg, x);
        json_array_append(hl, x);
    }
    json_array_foreach(res, i, x) {
        if (i >= CARD_MAX)
            break;
        resource_fields(pg, x);
        json_array_append(rl, x);
    }
    json_array_foreach(json_object_get(term, "due"), i, x) {
        if (json_is_true(json_object_get(x, "short")))
            json_array_append(dl, x);
    }
    size_t more_h = json_array_size(hz) > CARD_MAX ? json_array_size(hz) - CARD_MAX : 0;
    size_t more_r = json_array_size(res) > CARD_MAX ? json_array_size(res) - CARD_MAX : 0;
    mu_web_set(pg, "registers_card",
               json_pack("{s:b, s:o, s:b, s:I, s:b, s:o, s:b, s:o, s:b, s:I, s:b}", "has_hazards",
                         json_array_size(hl) > 0, "hazards", hl, "has_more_hazards", more_h > 0,
                         "more_hazards", (json_int_t)more_h, "has_drills",
                         json_array_size(dl) > 0, "drills", dl, "has_resources",
                         json_array_size(rl) > 0, "resources", rl, "has_more_resources",
                         more_r > 0, "more_resources", (json_int_t)more_r, "terms_set",
                         term && !json_is_true(json_object_get(term, "unset"))));
    json_decref(term);
    json_decref(hz);
    json_decref(res);
}
