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
#include "registers.h"
#include "web.h"

#include <muster/account.h>
#include <muster/date.h>
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
                                           mu_web_label(pg, prefix, values[i]), "selected",
                                           selected && strcmp(selected, values[i]) == 0));
    return a;
}

/* The label of member @p key of @p o, a value under catalogue @p prefix, as a JSON string. */
static json_t *member_label(const struct mu_webpage *pg, const char *prefix, json_t *o,
                            const char *key)
{
    return json_string(mu_web_label(pg, prefix, json_string_value(json_object_get(o, key))));
}

/* The JSON a use case made (@p text, owned, freed here) when it returned MU_OK; else NULL. */
static json_t *use_case_doc(enum mu_err rc, char *text)
{
    if (rc) {
        mu_free(text);
        return NULL;
    }
    return mu_web_reg_doc(text);
}

/* The 404 page of a case that is not there. */
static int not_found(struct mu_webpage *pg)
{
    return mu_web_error(pg, 404, "cases.error.not_found");
}

/* Answer a good post: 303 to the page of case @p id. */
static int to_case(struct mu_webpage *pg, int64_t id)
{
    char loc[64];
    snprintf(loc, sizeof(loc), "/cases/%lld", (long long)id);
    return mu_web_redirect(pg->resp, loc);
}

/*
 * What a refused post shows above its form: catalogue text @p key with the
 * use case's message, naming its field (@p dflt when it names none).
 */
static json_t *form_error(struct mu_webpage *pg, const struct mu_error *err, const char *dflt,
                          const char *key)
{
    return json_pack("{s:s, s:o}", "field", err->field[0] ? err->field : dflt, "text",
                     mu_web_fmt(pg, key, "detail", err->msg));
}

/* A form post to an officers' case page being answered (caller-allocated). */
struct case_post {
    struct mu_web_post web;
    struct mu_error err;                  /* OUT of the use case: what it refused */
    char *units_buf;                      /* owned: the posted "units", split in place */
    const char *units[MU_CASE_MAX_UNITS]; /* the units named, borrowed from units_buf */
    size_t nunits;
};

/* Begin answering a case form post; always end with case_post_end(). */
static void case_post_begin(struct case_post *cp, struct mu_http_req *req,
                            struct mu_http_resp *resp, void *ctx)
{
    memset(cp, 0, sizeof(*cp));
    mu_web_post_begin(&cp->web, req, resp, ctx);
}

/*
 * The 404 page unless @p found (the path names a case to post to); else
 * read the posted form and split its "units" at commas and blanks. Returns
 * 0 to go on, or the status of the error page made (404, 400, 500).
 */
static int case_post_read(struct case_post *cp, int found)
{
    if (!found)
        return not_found(&cp->web.pg);
    int st = mu_web_post_read(&cp->web, 0);
    if (st)
        return st;
    const char *v = mu_web_reg_opt(&cp->web.form, "units");
    cp->units_buf = mu_strdup(v ? v : "");
    if (!cp->units_buf)
        return mu_web_error(&cp->web.pg, 500, NULL);
    cp->nunits = split(cp->units_buf, cp->units, MU_CASE_MAX_UNITS);
    return 0;
}

/* Release what @p cp holds and end its page; returns @p status. */
static int case_post_end(struct case_post *cp, int status)
{
    mu_free(cp->units_buf);
    return mu_web_post_end(&cp->web, status);
}

/* The posted day @p name ("YYYY-MM-DD") into *day; today when it is absent. */
static enum mu_err form_day(const struct mu_query *form, const char *name, int32_t *day,
                            struct mu_error *err)
{
    const char *v = mu_web_reg_opt(form, name);
    if (!v) {
        *day = mu_web_today();
        return MU_OK;
    }
    return mu_date_parse(v, strlen(v), day, err);
}

/* The path's case id, or 0 when it is not a positive number. */
static int64_t page_id(struct mu_http_req *req)
{
    return mu_route_id(mu_http_req_param(req, "id"));
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
    json_t *cases = use_case_doc(rc, list);
    json_t *dues = use_case_doc(rc, due);
    if (!cases || !dues) {
        json_decref(cases);
        json_decref(dues);
        json_decref(form);
        json_decref(form_error);
        return rc ? mu_web_fail(pg, "cannot list cases", &err) : mu_web_error(pg, 500, NULL);
    }
    size_t i;
    json_t *c;
    json_array_foreach(cases, i, c)
    {
        json_object_set_new(c, "state_label", member_label(pg, "cases.state", c, "state"));
        json_object_set_new(c, "channel_label", member_label(pg, "cases.channel", c, "channel"));
    }
    json_array_foreach(dues, i, c)
        json_object_set_new(c, "due_kind_label", member_label(pg, "cases.deadline", c, "due_kind"));
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
    struct case_post cp;
    int st;
    case_post_begin(&cp, req, resp, ctx);
    if ((st = case_post_read(&cp, 1)))
        goto out;
    struct mu_webpage *pg = &cp.web.pg;
    const struct mu_query *form = &cp.web.form;
    struct mu_case_input in = {.subject = mu_web_reg_opt(form, "subject"),
                               .channel = mu_web_reg_opt(form, "channel"),
                               .description = mu_web_reg_opt(form, "description"),
                               .category = mu_web_reg_opt(form, "category"),
                               .place = mu_web_reg_opt(form, "place"),
                               .name = mu_web_reg_opt(form, "name"),
                               .phone = mu_web_reg_opt(form, "phone"),
                               .address = mu_web_reg_opt(form, "address"),
                               .id_number = mu_web_reg_opt(form, "id_number"),
                               .units = cp.units,
                               .nunits = cp.nunits};
    int64_t id = 0;
    enum mu_err rc = form_day(form, "received", &in.received, &cp.err);
    if (rc == MU_OK) {
        struct mu_actor a = mu_http_reg_actor(req);
        struct mu_store *s = mu_http_store_acquire(env);
        rc = mu_http_case_register(env, s, &a, &in, &id, &cp.err);
        mu_http_store_release(env);
    }
    if (rc == MU_OK) {
        st = to_case(pg, id);
        goto out;
    }
    if (rc != MU_EINVAL) {
        st = mu_web_fail(pg, "cannot register a case", &cp.err);
        goto out;
    }
    /* Echo the matter, never the identity. */
    const char *received = mu_web_reg_opt(form, "received"), *u = mu_web_reg_opt(form, "units");
    json_t *echo = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "subject",
                             in.subject ? in.subject : "", "channel", in.channel ? in.channel : "",
                             "description", in.description ? in.description : "", "category",
                             in.category ? in.category : "", "place", in.place ? in.place : "",
                             "units", u ? u : "");
    if (received)
        json_object_set_new(echo, "received", json_string(received));
    st = list_page(pg, 400, NULL, echo, form_error(pg, &cp.err, "subject", "cases.error.form"));
out:
    return case_post_end(&cp, st);
}

/* ---------------------------------------------------------------- /cases/{id} */

static int case_page(struct mu_webpage *pg, int status, int64_t id, json_t *form_error)
{
    struct mu_http_env *env = pg->env;
    struct mu_error err = {0};
    char *text = NULL;
    struct mu_actor a = mu_http_reg_actor(pg->req);
    struct mu_store *s = mu_http_store_acquire(env);
    enum mu_err rc = s ? mu_app_case_show_json(s, &a, NULL, id, NULL, &text, &err)
                       : mu_error_set(&err, MU_ESTORE, "no database");
    mu_http_store_release(env);
    json_t *c = use_case_doc(rc, text);
    if (!c) {
        json_decref(form_error);
        return rc == MU_ENOTFOUND ? not_found(pg) : mu_web_fail(pg, "cannot show a case", &err);
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
                                        mu_web_label(pg, "cases.deadline", kinds[i]), "date", d,
                                        "current", current, "overdue",
                                        current && strcmp(d, today) < 0));
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
                                                     mu_web_label(pg, "cases.notice", nk[i])));
    json_t *steps = json_array();
    for (size_t i = 0; i < 8; i++)
        json_array_append_new(steps, json_pack("{s:s, s:s}", "value", OPS[i], "label",
                                               mu_web_label(pg, "cases.op", OPS[i])));
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
    mu_web_set(pg, "state_label", member_label(pg, "cases.state", c, "state"));
    mu_web_set(pg, "channel_label", member_label(pg, "cases.channel", c, "channel"));
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

int h_page_case(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_webpage pg;
    mu_web_begin(&pg, req, resp, ctx);
    int64_t id = page_id(req);
    int st = id ? case_page(&pg, 200, id, NULL) : not_found(&pg);
    mu_web_end(&pg);
    return st;
}

int h_page_case_step(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_http_env *env = ctx;
    struct case_post cp;
    int st;
    case_post_begin(&cp, req, resp, ctx);
    int64_t id = page_id(req);
    if ((st = case_post_read(&cp, id > 0)))
        goto out;
    struct mu_webpage *pg = &cp.web.pg;
    const struct mu_query *form = &cp.web.form;
    const char *action = mu_web_reg_opt(form, "action");
    size_t k = 0;
    while (k < 8 && (!action || strcmp(action, OPS[k]) != 0))
        k++;
    struct mu_case_step step = {.op = (enum mu_case_op)k,
                                .text = mu_web_reg_opt(form, "text"),
                                .body = mu_web_reg_opt(form, "body"),
                                .outcome = mu_web_reg_opt(form, "outcome"),
                                .leader = mu_web_reg_opt(form, "leader"),
                                .note_kind = mu_web_reg_opt(form, "kind"),
                                .units = cp.units,
                                .nunits = cp.nunits};
    if (k == MU_CASE_OP_REJECT || k == MU_CASE_OP_EXTEND)
        step.text = mu_web_reg_opt(form, "reason");
    const char *days = mu_web_reg_opt(form, "days");
    step.days = days ? (int)strtol(days, NULL, 10) : 0;
    enum mu_err rc = k == 8 ? mu_error_field(&cp.err, MU_EINVAL, "action", "choose a step")
                            : form_day(form, "on", &step.on, &cp.err);
    if (rc == MU_OK) {
        struct mu_actor a = mu_http_reg_actor(req);
        struct mu_store *s = mu_http_store_acquire(env);
        rc = s ? mu_app_case_step(s, &a, env->calendar, id, &step, &cp.err)
               : mu_error_set(&cp.err, MU_ESTORE, "no database");
        mu_http_store_release(env);
    }
    if (rc == MU_OK)
        st = to_case(pg, id);
    else if (rc == MU_EINVAL || rc == MU_ECONFLICT)
        st = case_page(pg, rc == MU_ECONFLICT ? 409 : 400, id,
                       form_error(pg, &cp.err, "action", "cases.error.step"));
    else if (rc == MU_ENOTFOUND)
        st = not_found(pg);
    else
        st = mu_web_fail(pg, "cannot apply a case step", &cp.err);
out:
    return case_post_end(&cp, st);
}

/* ---------------------------------------------------------------- /complaint */

/* The public page, with a fresh challenge; @p pg's data already holds results. */
static int public_page(struct mu_webpage *pg, int status)
{
    struct mu_error err = {0};
    char token[128], question[32];
    if (mu_http_case_challenge(pg->env, token, question, &err))
        return mu_web_fail(pg, "public case page", &err);
    mu_web_set(pg, "page_title", json_string(mu_web_t(pg, "public.title")));
    mu_web_set(pg, "challenge", json_string(token));
    mu_web_set(pg, "question", json_string(question));
    return mu_web_render(pg, "case_public", status);
}

/* The public page with @p status, its error flash saying @p text (taken). */
static int public_refused(struct mu_webpage *pg, int status, json_t *text)
{
    mu_web_flash(pg, "error", text);
    return public_page(pg, status);
}

/* The public page saying the client must wait (429). */
static int public_throttled(struct mu_webpage *pg)
{
    return public_refused(pg, 429, json_string(mu_web_t(pg, "public.error.throttled")));
}

int h_page_complaint(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_webpage pg;
    mu_web_begin(&pg, req, resp, ctx);
    int st = public_page(&pg, 200);
    mu_web_end(&pg);
    return st;
}

/*
 * Begin a public form post: same-origin posts only (else the 403 page),
 * then the form read. Returns 0, or the status of the error page made.
 */
static int public_post_read(struct mu_web_post *p)
{
    if (!mu_http_origin_ok(p->pg.req, p->pg.env))
        return mu_web_error(&p->pg, 403, NULL);
    return mu_web_post_read(p, 0);
}

int h_page_complaint_post(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_http_env *env = ctx;
    struct mu_web_post p;
    struct mu_error err = {0};
    int st;
    mu_web_post_begin(&p, req, resp, ctx);
    if ((st = public_post_read(&p)))
        goto out;
    const struct mu_query *form = &p.form;
    int64_t now = mu_http_now_ms(), wait = 0, id = 0;
    struct mu_case_input in = {.channel = "online",
                               .subject = mu_web_reg_opt(form, "subject"),
                               .description = mu_web_reg_opt(form, "description"),
                               .place = mu_web_reg_opt(form, "place"),
                               .name = mu_web_reg_opt(form, "name"),
                               .phone = mu_web_reg_opt(form, "phone"),
                               .address = mu_web_reg_opt(form, "address"),
                               .received = mu_local_day(now, NULL)};
    const char *answer = mu_web_reg_opt(form, "answer");
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
    enum mu_err rc = mu_http_case_public_open(req, env, s, MU_CASE_LIMIT_SUBMIT, &wait, &kr, &err);
    int key = rc == MU_OK && !wait, challenge_bad = 0;
    if (key) {
        rc = mu_case_challenge_check(&kr, now, mu_web_reg_opt(form, "challenge"), ans, &err);
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
    mu_web_set(&p.pg, "form", echo);
    if (rc == MU_OK && wait) {
        st = public_throttled(&p.pg);
    } else if (rc == MU_OK) {
        char due[11];
        mu_date_format(c.dl.accept, due);
        mu_web_set(&p.pg, "receipt",
                   json_pack("{s:s, s:s}", "tracking_code", code, "accept_due", due));
        mu_web_set(&p.pg, "form", json_object());
        mu_case_release(&c);
        st = public_page(&p.pg, 201);
    } else if (challenge_bad) {
        st = public_refused(&p.pg, 400, json_string(mu_web_t(&p.pg, "public.error.challenge")));
    } else if (rc == MU_EINVAL && key) {
        st = public_refused(&p.pg, 400,
                            mu_web_fmt(&p.pg, "public.error.invalid", "detail", err.msg));
    } else {
        st = mu_web_fail(&p.pg, "public case submission", &err);
    }
out:
    return mu_web_post_end(&p, st);
}

int h_page_complaint_status(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_http_env *env = ctx;
    struct mu_web_post p;
    struct mu_error err = {0};
    int st;
    mu_web_post_begin(&p, req, resp, ctx);
    if ((st = public_post_read(&p)))
        goto out;
    int64_t wait = 0;
    char *text = NULL;
    struct mu_case_keyring kr;
    struct mu_store *s = mu_http_store_acquire(env);
    enum mu_err rc = mu_http_case_public_open(req, env, s, MU_CASE_LIMIT_LOOKUP, &wait, &kr, &err);
    if (rc == MU_OK && !wait) {
        rc = mu_app_case_public_lookup(s, &kr, mu_web_reg_opt(&p.form, "tracking_code"),
                                       mu_web_reg_opt(&p.form, "phone_last4"), &text, &err);
        mu_case_keyring_wipe(&kr);
    }
    mu_http_store_release(env);
    json_t *doc = use_case_doc(rc, text);
    if (rc == MU_OK && wait) {
        st = public_throttled(&p.pg);
    } else if (rc == MU_ENOTFOUND) {
        st = public_refused(&p.pg, 404, json_string(mu_web_t(&p.pg, "public.error.not_found")));
    } else if (doc) {
        struct mu_webpage *pg = &p.pg;
        json_object_set_new(doc, "state_label", member_label(pg, "cases.state", doc, "state"));
        json_t *dl = json_array(), *dobj = json_object_get(doc, "deadlines");
        const char *k;
        json_t *v;
        json_object_foreach(dobj, k, v)
            json_array_append_new(dl, json_pack("{s:s, s:s, s:O}", "kind", k, "label",
                                                mu_web_label(pg, "cases.deadline", k), "date", v));
        json_object_set_new(doc, "deadlines", dl);
        size_t i;
        json_array_foreach(json_object_get(doc, "notices"), i, v)
            json_object_set_new(v, "label", member_label(pg, "public.notice", v, "kind"));
        mu_web_set(pg, "status", doc);
        st = public_page(pg, 200);
    } else {
        st = mu_web_fail(&p.pg, "public case lookup", &err);
    }
out:
    return mu_web_post_end(&p, st);
}
