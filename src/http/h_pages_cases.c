/* SPDX-License-Identifier: MIT */
/*
 * The case pages. For officers: /cases (the due list with overdue cases
 * marked, the ledger, the registration form) and /cases/{id} (the case, its
 * deadlines, its file of actions, links to the printable hand-over and
 * notices, the form for the next step). They never show the complainant's
 * identity; revealing it is an audited API call (POST
 * /api/v1/cases/{id}/reveal) or `muster case show --reveal`. For the public,
 * without login: /complaint (submit a case with the flood challenge; check
 * its status with the tracking code and the last four digits of the phone).
 * The work is done by src/app/case.c through muster/case.h.
 */
#include "cases.h"
#include "web.h"

#include <muster/account.h>
#include <muster/date.h>
#include <muster/log.h>
#include <muster/mem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/banned.h"

#define LIST_MAX 500 /* cases on the ledger page */

static const char *const STATES[] = {
    "registered", "accepted",           "rejected",   "replied", "review_requested",
    "reviewed",   "rereview_requested", "rereviewed", "closed"};
static const char *const CHANNELS[] = {"letter", "visit", "phone", "online", "hotline", "transfer"};
static const char *const OPS[] = {"accept", "reject", "assign", "note",
                                  "extend", "reply",  "review", "close"};

/* The catalogue text of "PREFIX.NAME". */
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

static int can_write(const struct mu_http_req *req)
{
    return req->principal && mu_role_can(req->principal->role, MU_ACTION_WRITE) == MU_GRANT_ALL;
}

/* Split "a, b，c" into at most @p max pieces of @p buf (modified). */
static size_t split(char *buf, const char **out, size_t max)
{
    size_t n = 0;
    for (char *p = buf; p && *p;) {
        while (*p == ',' || *p == ' ')
            p++;
        if (!*p || n == max)
            break;
        out[n++] = p;
        while (*p && *p != ',' && *p != ' ')
            p++;
        if (*p)
            *p++ = '\0';
    }
    return n;
}

static json_t *options(const struct mu_webpage *pg, const char *prefix, const char *const *values,
                       size_t n, const char *selected)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_pack("{s:s, s:s, s:b}", "value", values[i], "label",
                                           label(pg, prefix, values[i]), "selected",
                                           selected && strcmp(selected, values[i]) == 0));
    return a;
}

/* ---------------------------------------------------------------- /cases */

static int list_page(struct mu_webpage *pg, int status, const char *state, json_t *form,
                     json_t *form_error)
{
    struct mu_http_env *env = pg->env;
    struct mu_error err = {0};
    struct mu_case_filter f = {.state = state, .limit = LIST_MAX};
    char *list = NULL, *due = NULL;
    int32_t today = mu_web_today();
    struct mu_store *s = mu_http_store_acquire(env);
    enum mu_err rc = s ? mu_app_case_list(s, &f, MU_CASE_JSON, &list, &err)
                       : mu_error_set(&err, MU_ESTORE, "no database");
    if (rc == MU_OK)
        rc = mu_app_case_due(s, today, 3, MU_CASE_JSON, &due, &err);
    mu_http_store_release(env);
    json_t *cases = rc == MU_OK ? json_loads(list, 0, NULL) : NULL;
    json_t *dues = rc == MU_OK ? json_loads(due, 0, NULL) : NULL;
    mu_free(list);
    mu_free(due);
    if (!cases || !dues) {
        if (rc)
            mu_log(MU_LOG_ERROR, "http", "rid=%s cannot list cases: %s", pg->req->rid, err.msg);
        json_decref(cases);
        json_decref(dues);
        return mu_web_error(pg, 500, NULL);
    }
    size_t i;
    json_t *c;
    json_array_foreach(cases, i, c)
    {
        json_object_set_new(
            c, "state_label",
            json_string(label(pg, "cases.state", json_string_value(json_object_get(c, "state")))));
        json_object_set_new(c, "channel_label",
                            json_string(label(pg, "cases.channel",
                                              json_string_value(json_object_get(c, "channel")))));
    }
    json_array_foreach(dues, i, c)
    {
        const char *k = json_string_value(json_object_get(c, "due_kind"));
        json_object_set_new(c, "due_kind_label", json_string(label(pg, "cases.deadline", k)));
    }
    mu_web_set(pg, "title", json_string(mu_web_t(pg, "cases.title")));
    mu_web_set(pg, "page_title", json_string(mu_web_t(pg, "cases.title")));
    mu_web_set(pg, "due_any", json_boolean(json_array_size(dues) > 0));
    mu_web_set(pg, "due", dues);
    mu_web_set(pg, "cases", cases);
    mu_web_set(pg, "states", options(pg, "cases.state", STATES, 9, state));
    json_t *fo = form ? form : json_object();
    const char *ch = json_string_value(json_object_get(fo, "channel"));
    mu_web_set(pg, "channels", options(pg, "cases.channel", CHANNELS, 6, ch ? ch : "visit"));
    if (!json_object_get(fo, "received")) {
        char d[11];
        mu_date_format(today, d);
        json_object_set_new(fo, "received", json_string(d));
    }
    mu_web_set(pg, "form", fo);
    if (form_error)
        mu_web_set(pg, "form_error", form_error);
    mu_web_set(pg, "can_write", json_boolean(can_write(pg->req)));
    mu_web_set(pg, "nav_cases", json_true());
    return mu_web_render(pg, "case_list", status);
}

int h_page_cases(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_webpage pg;
    const char *state = NULL;
    mu_web_begin(&pg, req, resp, ctx);
    mu_query_get(&req->query, "state", &state, NULL);
    enum mu_case_state st;
    if (state && (!*state || mu_case_state_parse(state, &st, NULL) != MU_OK))
        state = NULL;
    int rc = list_page(&pg, 200, state, NULL, NULL);
    mu_web_end(&pg);
    return rc;
}

int h_page_cases_add(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_http_env *env = ctx;
    struct mu_webpage pg;
    struct mu_query form;
    struct mu_error err = {0};
    char *units_buf = NULL;
    const char *units[MU_CASE_MAX_UNITS];
    int st;
    mu_query_init(&form);
    mu_web_begin(&pg, req, resp, ctx);
    if (mu_http_req_form(req, &form, &err)) {
        st = mu_web_error(&pg, 400, "form.invalid");
        goto out;
    }
    struct mu_case_input in = {.subject = field(&form, "subject"),
                               .channel = field(&form, "channel"),
                               .description = field(&form, "description"),
                               .category = field(&form, "category"),
                               .place = field(&form, "place"),
                               .name = field(&form, "name"),
                               .phone = field(&form, "phone"),
                               .address = field(&form, "address"),
                               .id_number = field(&form, "id_number"),
                               .units = units};
    const char *received = field(&form, "received");
    units_buf = mu_strdup(field(&form, "units") ? field(&form, "units") : "");
    if (!units_buf) {
        st = mu_web_error(&pg, 500, NULL);
        goto out;
    }
    in.nunits = split(units_buf, units, MU_CASE_MAX_UNITS);
    enum mu_err rc = MU_OK;
    if (!received)
        in.received = mu_web_today();
    else
        rc = mu_date_parse(received, strlen(received), &in.received, &err);
    struct mu_case_keyring kr;
    int64_t id = 0;
    struct mu_actor a = {req->principal->name, mu_http_now_ms()};
    if (rc == MU_OK) {
        struct mu_store *s = mu_http_store_acquire(env);
        rc = s ? mu_http_case_keyring(s, &kr, &err) : mu_error_set(&err, MU_ESTORE, "no database");
        if (rc == MU_OK) {
            rc = mu_app_case_register(s, &a, &kr, env->calendar, &in, &id, NULL, &err);
            mu_case_keyring_wipe(&kr);
        }
        mu_http_store_release(env);
    }
    if (rc == MU_OK) {
        char loc[64];
        snprintf(loc, sizeof(loc), "/cases/%lld", (long long)id);
        st = mu_web_redirect(resp, loc);
        goto out;
    }
    if (rc != MU_EINVAL) {
        mu_log(MU_LOG_ERROR, "http", "rid=%s cannot register a case: %s", req->rid, err.msg);
        st = mu_web_error(&pg, 500, NULL);
        goto out;
    }
    /* Echo the matter, never the identity. */
    json_t *echo = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "subject",
                             in.subject ? in.subject : "", "channel", in.channel ? in.channel : "",
                             "description", in.description ? in.description : "", "category",
                             in.category ? in.category : "", "place", in.place ? in.place : "",
                             "units", field(&form, "units") ? field(&form, "units") : "");
    if (received)
        json_object_set_new(echo, "received", json_string(received));
    st = list_page(&pg, 400, NULL, echo,
                   json_pack("{s:s, s:o}", "field", err.field[0] ? err.field : "subject", "text",
                             mu_web_fmt(&pg, "cases.error.form", "detail", err.msg)));
out:
    mu_free(units_buf);
    mu_query_release(&form);
    mu_web_end(&pg);
    return st;
}

/* ---------------------------------------------------------------- /cases/{id} */

static int case_page(struct mu_webpage *pg, int status, int64_t id, json_t *form_error)
{
    struct mu_http_env *env = pg->env;
    struct mu_error err = {0};
    char *text = NULL;
    struct mu_actor a = {pg->req->principal->name, mu_http_now_ms()};
    struct mu_store *s = mu_http_store_acquire(env);
    enum mu_err rc = s ? mu_app_case_show_json(s, &a, NULL, id, NULL, &text, &err)
                       : mu_error_set(&err, MU_ESTORE, "no database");
    mu_http_store_release(env);
    if (rc == MU_ENOTFOUND) {
        json_decref(form_error);
        return mu_web_error(pg, 404, "cases.error.not_found");
    }
    json_t *c = rc == MU_OK ? json_loads(text, 0, NULL) : NULL;
    mu_free(text);
    if (!c) {
        mu_log(MU_LOG_ERROR, "http", "rid=%s cannot show a case: %s", pg->req->rid, err.msg);
        json_decref(form_error);
        return mu_web_error(pg, 500, NULL);
    }
    const char *state = json_string_value(json_object_get(c, "state"));
    const char *due_kind = json_string_value(json_object_get(c, "due_kind"));
    char today[11];
    mu_date_format(mu_web_today(), today);
    json_t *dl = json_array(), *dobj = json_object_get(c, "deadlines");
    static const char *const kinds[] = {"accept", "handle", "review_request", "review"};
    for (size_t i = 0; i < 4; i++) {
        const char *d = json_string_value(json_object_get(dobj, kinds[i]));
        if (!d)
            continue;
        int current = due_kind && strcmp(due_kind, kinds[i]) == 0;
        json_array_append_new(dl,
                              json_pack("{s:s, s:s, s:s, s:b, s:b}", "kind", kinds[i], "label",
                                        label(pg, "cases.deadline", kinds[i]), "date", d, "current",
                                        current, "overdue", current && strcmp(d, today) < 0));
    }
    json_t *notices = json_array();
    static const char *const nk[] = {"accept", "reject", "extend", "reply"};
    int ok[4] = {json_string_value(json_object_get(c, "decided")) && strcmp(state, "rejected") &&
                     json_object_get(dobj, "handle"),
                 strcmp(state, "rejected") == 0,
                 json_integer_value(json_object_get(c, "extend_days")) > 0,
                 json_string_value(json_object_get(c, "replied")) != NULL};
    for (size_t i = 0; i < 4; i++)
        if (ok[i])
            json_array_append_new(notices, json_pack("{s:s, s:s}", "kind", nk[i], "label",
                                                     label(pg, "cases.notice", nk[i])));
    json_t *steps = json_array();
    for (size_t i = 0; i < 8; i++)
        json_array_append_new(steps, json_pack("{s:s, s:s}", "value", OPS[i], "label",
                                               label(pg, "cases.op", OPS[i])));
    json_t *units = json_object_get(c, "units"), *handling = json_object_get(c, "handling_units");
    char ubuf[2048] = "", hbuf[2048] = "";
    size_t i;
    json_t *v;
    json_array_foreach(units, i, v) snprintf(ubuf + strlen(ubuf), sizeof(ubuf) - strlen(ubuf),
                                             "%s%s", i ? ", " : "", json_string_value(v));
    json_array_foreach(handling, i, v) snprintf(hbuf + strlen(hbuf), sizeof(hbuf) - strlen(hbuf),
                                                "%s%s", i ? ", " : "", json_string_value(v));
    char title[64];
    snprintf(title, sizeof(title), "%s %lld", mu_web_t(pg, "cases.case"), (long long)id);
    mu_web_set(pg, "page_title", json_string(title));
    mu_web_set(pg, "state_label", json_string(label(pg, "cases.state", state)));
    mu_web_set(
        pg, "channel_label",
        json_string(label(pg, "cases.channel", json_string_value(json_object_get(c, "channel")))));
    mu_web_set(pg, "units", json_string(ubuf));
    mu_web_set(pg, "handling", json_string(hbuf));
    mu_web_set(pg, "deadlines", dl);
    mu_web_set(pg, "notices", notices);
    mu_web_set(pg, "steps", steps);
    mu_web_set(pg, "today", json_string(today));
    mu_web_set(pg, "case", c);
    if (form_error)
        mu_web_set(pg, "form_error", form_error);
    mu_web_set(pg, "can_write", json_boolean(can_write(pg->req)));
    return mu_web_render(pg, "case_show", status);
}

static int64_t page_id(struct mu_http_req *req)
{
    const char *s = mu_http_req_param(req, "id");
    char *end = NULL;
    long long v = s ? strtoll(s, &end, 10) : 0;
    return !s || end == s || *end || v < 1 ? 0 : v;
}

int h_page_case(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_webpage pg;
    mu_web_begin(&pg, req, resp, ctx);
    int64_t id = page_id(req);
    int st = id ? case_page(&pg, 200, id, NULL) : mu_web_error(&pg, 404, "cases.error.not_found");
    mu_web_end(&pg);
    return st;
}

int h_page_case_step(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_http_env *env = ctx;
    struct mu_webpage pg;
    struct mu_query form;
    struct mu_error err = {0};
    char *units_buf = NULL;
    const char *units[MU_CASE_MAX_UNITS];
    int st;
    mu_query_init(&form);
    mu_web_begin(&pg, req, resp, ctx);
    int64_t id = page_id(req);
    if (!id) {
        st = mu_web_error(&pg, 404, "cases.error.not_found");
        goto out;
    }
    if (mu_http_req_form(req, &form, &err)) {
        st = mu_web_error(&pg, 400, "form.invalid");
        goto out;
    }
    const char *action = field(&form, "action"), *on = field(&form, "on");
    size_t k = 0;
    while (k < 8 && (!action || strcmp(action, OPS[k]) != 0))
        k++;
    struct mu_case_step step = {.op = (enum mu_case_op)k,
                                .text = field(&form, "text"),
                                .body = field(&form, "body"),
                                .outcome = field(&form, "outcome"),
                                .leader = field(&form, "leader"),
                                .note_kind = field(&form, "kind"),
                                .units = units};
    if (k == MU_CASE_OP_REJECT || k == MU_CASE_OP_EXTEND)
        step.text = field(&form, "reason");
    const char *days = field(&form, "days");
    step.days = days ? (int)strtol(days, NULL, 10) : 0;
    units_buf = mu_strdup(field(&form, "units") ? field(&form, "units") : "");
    if (!units_buf) {
        st = mu_web_error(&pg, 500, NULL);
        goto out;
    }
    step.nunits = split(units_buf, units, MU_CASE_MAX_UNITS);
    enum mu_err rc = MU_OK;
    if (k == 8)
        rc = mu_error_field(&err, MU_EINVAL, "action", "choose a step");
    else if (!on)
        step.on = mu_web_today();
    else
        rc = mu_date_parse(on, strlen(on), &step.on, &err);
    if (rc == MU_OK) {
        struct mu_actor a = {req->principal->name, mu_http_now_ms()};
        struct mu_store *s = mu_http_store_acquire(env);
        rc = s ? mu_app_case_step(s, &a, env->calendar, id, &step, &err)
               : mu_error_set(&err, MU_ESTORE, "no database");
        mu_http_store_release(env);
    }
    if (rc == MU_OK) {
        char loc[64];
        snprintf(loc, sizeof(loc), "/cases/%lld", (long long)id);
        st = mu_web_redirect(resp, loc);
    } else if (rc == MU_EINVAL || rc == MU_ECONFLICT) {
        st = case_page(&pg, rc == MU_ECONFLICT ? 409 : 400, id,
                       json_pack("{s:s, s:o}", "field", err.field[0] ? err.field : "action", "text",
                                 mu_web_fmt(&pg, "cases.error.step", "detail", err.msg)));
    } else if (rc == MU_ENOTFOUND) {
        st = mu_web_error(&pg, 404, "cases.error.not_found");
    } else {
        mu_log(MU_LOG_ERROR, "http", "rid=%s cannot apply a case step: %s", req->rid, err.msg);
        st = mu_web_error(&pg, 500, NULL);
    }
out:
    mu_free(units_buf);
    mu_query_release(&form);
    mu_web_end(&pg);
    return st;
}

/* ---------------------------------------------------------------- /complaint */

/* The public page, with a fresh challenge; @p pg's data already holds results. */
static int public_page(struct mu_webpage *pg, int status)
{
    struct mu_http_env *env = pg->env;
    struct mu_error err = {0};
    struct mu_case_keyring kr;
    char token[128], question[32];
    struct mu_store *s = mu_http_store_acquire(env);
    enum mu_err rc =
        s ? mu_http_case_keyring(s, &kr, &err) : mu_error_set(&err, MU_ESTORE, "no database");
    mu_http_store_release(env);
    if (rc == MU_OK) {
        rc = mu_case_challenge_make(&kr, mu_http_now_ms(), token, question, &err);
        mu_case_keyring_wipe(&kr);
    }
    if (rc) {
        mu_log(MU_LOG_ERROR, "http", "rid=%s public case page: %s", pg->req->rid, err.msg);
        return mu_web_error(pg, 500, NULL);
    }
    mu_web_set(pg, "page_title", json_string(mu_web_t(pg, "public.title")));
    mu_web_set(pg, "challenge", json_string(token));
    mu_web_set(pg, "question", json_string(question));
    return mu_web_render(pg, "case_public", status);
}

int h_page_complaint(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_webpage pg;
    mu_web_begin(&pg, req, resp, ctx);
    int st = public_page(&pg, 200);
    mu_web_end(&pg);
    return st;
}

/* Same-origin form posts only; 0, or the 403 page set. */
static int origin_check(struct mu_webpage *pg)
{
    if (mu_http_origin_ok(pg->req, pg->env))
        return 0;
    return mu_web_error(pg, 403, NULL);
}

int h_page_complaint_post(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_http_env *env = ctx;
    struct mu_webpage pg;
    struct mu_query form;
    struct mu_error err = {0};
    int st;
    mu_query_init(&form);
    mu_web_begin(&pg, req, resp, ctx);
    if ((st = origin_check(&pg)))
        goto out;
    if (mu_http_req_form(req, &form, &err)) {
        st = mu_web_error(&pg, 400, "form.invalid");
        goto out;
    }
    int64_t now = mu_http_now_ms(), wait = 0, id = 0;
    struct mu_case_input in = {.channel = "online",
                               .subject = field(&form, "subject"),
                               .description = field(&form, "description"),
                               .place = field(&form, "place"),
                               .name = field(&form, "name"),
                               .phone = field(&form, "phone"),
                               .address = field(&form, "address"),
                               .received = mu_local_day(now, NULL)};
    const char *answer = field(&form, "answer");
    char *end = NULL;
    long ans = answer ? strtol(answer, &end, 10) : -1;
    if (!answer || !end || *end)
        ans = -1;
    struct mu_actor a = {"public", now};
    struct mu_case_keyring kr;
    char code[MU_CASE_CODE_LEN + 1];
    struct mu_case c;
    memset(&c, 0, sizeof(c));
    struct mu_store *s = mu_http_store_acquire(env);
    enum mu_err rc = s ? mu_http_case_throttle(req, env, s, "submit", MU_CASE_SUBMIT_MAX,
                                               MU_CASE_SUBMIT_WINDOW_MS, &wait, &err)
                       : mu_error_set(&err, MU_ESTORE, "no database");
    int key = 0, challenge_bad = 0;
    if (rc == MU_OK && !wait && (rc = mu_http_case_keyring(s, &kr, &err)) == MU_OK) {
        key = 1;
        rc = mu_case_challenge_check(&kr, now, field(&form, "challenge"), ans, &err);
        challenge_bad = rc == MU_EINVAL;
        if (rc == MU_OK)
            rc = mu_app_case_register(s, &a, &kr, env->calendar, &in, &id, code, &err);
        if (rc == MU_OK)
            rc = mu_store_case_get(s, id, &c, &err);
        mu_case_keyring_wipe(&kr);
    }
    mu_http_store_release(env);
    json_t *echo =
        json_pack("{s:s, s:s, s:s}", "subject", in.subject ? in.subject : "", "description",
                  in.description ? in.description : "", "place", in.place ? in.place : "");
    mu_web_set(&pg, "form", echo);
    if (rc == MU_OK && wait) {
        mu_web_flash(&pg, "error", json_string(mu_web_t(&pg, "public.error.throttled")));
        st = public_page(&pg, 429);
    } else if (rc == MU_OK) {
        char due[11];
        mu_date_format(c.dl.accept, due);
        mu_web_set(&pg, "receipt",
                   json_pack("{s:s, s:s}", "tracking_code", code, "accept_due", due));
        mu_web_set(&pg, "form", json_object());
        mu_case_release(&c);
        st = public_page(&pg, 201);
    } else if (challenge_bad) {
        mu_web_flash(&pg, "error", json_string(mu_web_t(&pg, "public.error.challenge")));
        st = public_page(&pg, 400);
    } else if (rc == MU_EINVAL && key) {
        mu_web_flash(&pg, "error", mu_web_fmt(&pg, "public.error.invalid", "detail", err.msg));
        st = public_page(&pg, 400);
    } else {
        mu_log(MU_LOG_ERROR, "http", "rid=%s public case submission: %s", req->rid, err.msg);
        st = mu_web_error(&pg, 500, NULL);
    }
out:
    mu_query_release(&form);
    mu_web_end(&pg);
    return st;
}

int h_page_complaint_status(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_http_env *env = ctx;
    struct mu_webpage pg;
    struct mu_query form;
    struct mu_error err = {0};
    int st;
    mu_query_init(&form);
    mu_web_begin(&pg, req, resp, ctx);
    if ((st = origin_check(&pg)))
        goto out;
    if (mu_http_req_form(req, &form, &err)) {
        st = mu_web_error(&pg, 400, "form.invalid");
        goto out;
    }
    int64_t wait = 0;
    char *text = NULL;
    struct mu_case_keyring kr;
    struct mu_store *s = mu_http_store_acquire(env);
    enum mu_err rc = s ? mu_http_case_throttle(req, env, s, "lookup", MU_CASE_LOOKUP_MAX,
                                               MU_CASE_LOOKUP_WINDOW_MS, &wait, &err)
                       : mu_error_set(&err, MU_ESTORE, "no database");
    if (rc == MU_OK && !wait && (rc = mu_http_case_keyring(s, &kr, &err)) == MU_OK) {
        rc = mu_app_case_public_lookup(s, &kr, field(&form, "tracking_code"),
                                       field(&form, "phone_last4"), &text, &err);
        mu_case_keyring_wipe(&kr);
    }
    mu_http_store_release(env);
    json_t *doc = rc == MU_OK && text ? json_loads(text, 0, NULL) : NULL;
    mu_free(text);
    if (rc == MU_OK && wait) {
        mu_web_flash(&pg, "error", json_string(mu_web_t(&pg, "public.error.throttled")));
        st = public_page(&pg, 429);
    } else if (rc == MU_ENOTFOUND) {
        mu_web_flash(&pg, "error", json_string(mu_web_t(&pg, "public.error.not_found")));
        st = public_page(&pg, 404);
    } else if (doc) {
        const char *state = json_string_value(json_object_get(doc, "state"));
        json_object_set_new(doc, "state_label", json_string(label(&pg, "cases.state", state)));
        json_t *dl = json_array(), *dobj = json_object_get(doc, "deadlines");
        const char *k;
        json_t *v;
        json_object_foreach(dobj, k, v)
            json_array_append_new(dl, json_pack("{s:s, s:s, s:O}", "kind", k, "label",
                                                label(&pg, "cases.deadline", k), "date", v));
        json_object_set_new(doc, "deadlines", dl);
        size_t i;
        json_array_foreach(json_object_get(doc, "notices"), i, v)
            json_object_set_new(v, "label",
                                json_string(label(&pg, "public.notice",
                                                  json_string_value(json_object_get(v, "kind")))));
        mu_web_set(&pg, "status", doc);
        st = public_page(&pg, 200);
    } else {
        mu_log(MU_LOG_ERROR, "http", "rid=%s public case lookup: %s", req->rid, err.msg);
        st = mu_web_error(&pg, 500, NULL);
    }
out:
    mu_query_release(&form);
    mu_web_end(&pg);
    return st;
}
