/* SPDX-License-Identifier: MIT */
/*
 * The officers' case API: GET/POST /api/v1/cases (the ledger with filters;
 * register), /api/v1/cases/due, /api/v1/cases/stats, GET /api/v1/cases/{id},
 * its hand-over and notices, and POST /api/v1/cases/{id}/{action} for every
 * workflow step (accept, reject, assign, note, extend, reply, review, close)
 * and reveal. The identity is only shown through reveal, only to admins and
 * officers, and each reveal is audited with who and why. The work is done by
 * src/app/case.c.
 */
#include "cases.h"
#include "registers.h"

#include <muster/account.h>
#include <muster/date.h>
#include <muster/mem.h>
#include <stdlib.h>
#include <string.h>

#include "../util/banned.h"

#define MAX_UNITS MU_CASE_MAX_UNITS

enum mu_err mu_http_case_keyring(struct mu_store *s, struct mu_case_keyring *kr,
                                 struct mu_error *err)
{
    char path[4200];
    if (!s)
        return mu_error_set(err, MU_ESTORE, "no database");
    enum mu_err rc = mu_store_case_keyfile(s, getenv("MUSTER_KEY_FILE"), path, sizeof(path), err);
    if (rc == MU_OK)
        rc = mu_case_keyfile_load(path, kr, err);
    return rc;
}

enum mu_err mu_http_case_register(struct mu_http_env *env, struct mu_store *s,
                                  const struct mu_actor *a, const struct mu_case_input *in,
                                  int64_t *id, struct mu_error *err)
{
    struct mu_case_keyring kr;
    enum mu_err rc = mu_http_case_keyring(s, &kr, err);
    if (rc == MU_OK) {
        rc = mu_app_case_register(s, a, &kr, env->calendar, in, id, NULL, err);
        mu_case_keyring_wipe(&kr);
    }
    return rc;
}

/* @p text (owned, mu_free) as the response body of type @p ctype with @p status. */
static int text_body(struct mu_http_resp *resp, int status, char *text, const char *ctype)
{
    mu_free(resp->body);
    resp->body = text;
    resp->body_len = strlen(text);
    resp->content_type = ctype;
    resp->status = status;
    return status;
}

int mu_http_case_json_text(struct mu_http_resp *resp, int status, char *text)
{
    return text_body(resp, status, text, "application/json");
}

/* Answer a use case's result: its error when @p rc is set, else @p text as by text_body(). */
static int answer_text(struct mu_http_req *req, struct mu_http_resp *resp, enum mu_err rc,
                       const struct mu_error *err, int status, char *text, const char *ctype)
{
    if (rc) {
        mu_free(text);
        return mu_http_resp_from_err(resp, rc, err, req->rid);
    }
    return text_body(resp, status, text, ctype);
}

int mu_http_case_answer(struct mu_http_req *req, struct mu_http_resp *resp, enum mu_err rc,
                        const struct mu_error *err, int status, char *text)
{
    return answer_text(req, resp, rc, err, status, text, "application/json");
}

/* The path's case id into *id; 0, or 404 with the response set ("no case 'x'", field "id"). */
static int case_id(struct mu_http_req *req, struct mu_http_resp *resp, int64_t *id)
{
    const char *s = mu_http_req_param(req, "id");
    if (!(*id = mu_route_id(s)))
        return mu_http_resp_error(resp, 404, "id", "no case '%.40s'", s ? s : "");
    return 0;
}

static const char *qget(struct mu_http_req *req, const char *name)
{
    const char *v = NULL;
    mu_query_get(&req->query, name, &v, NULL);
    return v;
}

static const char *jstr(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* A "YYYY-MM-DD" member into *day, or today when absent; 0 or the 400 set. */
static int jday(json_t *o, const char *key, int32_t *day, struct mu_http_resp *resp)
{
    const char *s = jstr(o, key);
    if (!s) {
        if (json_object_get(o, key) && !json_is_null(json_object_get(o, key)))
            return mu_http_resp_error(resp, 400, key, "'%s' is not a date", key);
        *day = mu_local_day(mu_http_now_ms(), NULL);
        return 0;
    }
    struct mu_error err = {0};
    if (mu_date_parse(s, strlen(s), day, &err))
        return mu_http_resp_error(resp, 400, key, "'%s': %s", key, err.msg);
    return 0;
}

/* A JSON array of strings into @p out (borrowed from @p o); 0 or the 400 set. */
static int jlist(json_t *o, const char *key, const char **out, size_t *n, struct mu_http_resp *resp)
{
    json_t *a = json_object_get(o, key), *v;
    size_t i;
    *n = 0;
    if (!a || json_is_null(a))
        return 0;
    if (!json_is_array(a) || json_array_size(a) > MAX_UNITS)
        return mu_http_resp_error(resp, 400, key, "'%s' is not a list of at most %d names", key,
                                  MAX_UNITS);
    json_array_foreach(a, i, v)
    {
        if (!json_is_string(v))
            return mu_http_resp_error(resp, 400, key, "'%s' is not a list of names", key);
        out[(*n)++] = json_string_value(v);
    }
    return 0;
}

static int may_see_identity(const struct mu_http_req *req)
{
    return req->principal &&
           (req->principal->role == MU_ROLE_ADMIN || req->principal->role == MU_ROLE_OFFICER);
}

int h_cases_list(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_http_env *env = ctx;
    struct mu_error err = {0};
    struct mu_case_filter f = {.state = qget(req, "state"),
                               .category = qget(req, "category"),
                               .unit = qget(req, "unit"),
                               .channel = qget(req, "channel")};
    const char *open = qget(req, "open");
    f.open_only = open && strcmp(open, "1") == 0;
    enum mu_case_state st;
    if (f.state && mu_case_state_parse(f.state, &st, &err))
        return mu_http_resp_from_err(resp, MU_EINVAL, &err, req->rid);
    char *out = NULL;
    struct mu_store *s = mu_http_store_acquire(env);
    enum mu_err rc = s ? mu_app_case_list(s, &f, MU_CASE_JSON, &out, &err)
                       : mu_error_set(&err, MU_ESTORE, "no database");
    mu_http_store_release(env);
    return mu_http_case_answer(req, resp, rc, &err, 200, out);
}

int h_cases_post(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_http_env *env = ctx;
    struct mu_error err = {0};
    json_t *body = NULL;
    int st;
    if ((st = mu_http_req_json(req, resp, &body)))
        return st;
    const char *units[MAX_UNITS];
    struct mu_case_input in = {.channel = jstr(body, "channel"),
                               .subject = jstr(body, "subject"),
                               .description = jstr(body, "description"),
                               .category = jstr(body, "category"),
                               .place = jstr(body, "place"),
                               .units = units,
                               .name = jstr(body, "name"),
                               .phone = jstr(body, "phone"),
                               .address = jstr(body, "address"),
                               .id_number = jstr(body, "id_number")};
    json_t *m = json_object_get(body, "matter");
    if (m && !json_is_null(m) && (!json_is_integer(m) || json_integer_value(m) < 1)) {
        json_decref(body);
        return mu_http_resp_error(resp, 400, "matter", "'matter' is not a case id");
    }
    in.matter = m && json_is_integer(m) ? json_integer_value(m) : 0;
    if ((st = jlist(body, "units", units, &in.nunits, resp)) ||
        (st = jday(body, "received", &in.received, resp))) {
        json_decref(body);
        return st;
    }
    struct mu_actor a = mu_http_reg_actor(req);
    int64_t id = 0;
    char *out = NULL;
    struct mu_store *s = mu_http_store_acquire(env);
    enum mu_err rc = mu_http_case_register(env, s, &a, &in, &id, &err);
    if (rc == MU_OK)
        rc = mu_app_case_show_json(s, &a, NULL, id, NULL, &out, &err);
    mu_http_store_release(env);
    json_decref(body);
    if (rc == MU_ENOTFOUND && !id)
        rc = err.code = MU_EINTERNAL; /* no key file: a setup fault */
    return mu_http_case_answer(req, resp, rc, &err, 201, out);
}

int h_cases_due(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_http_env *env = ctx;
    struct mu_error err = {0};
    const char *w = qget(req, "within");
    int64_t secs = 0;
    if (w && mu_duration_parse(w, strlen(w), &secs, &err))
        return mu_http_resp_error(resp, 400, "within", "%s", err.msg);
    int32_t today = mu_local_day(mu_http_now_ms(), NULL);
    char *out = NULL;
    struct mu_store *s = mu_http_store_acquire(env);
    enum mu_err rc = s ? mu_app_case_due(s, today, (int)(secs / 86400), MU_CASE_JSON, &out, &err)
                       : mu_error_set(&err, MU_ESTORE, "no database");
    mu_http_store_release(env);
    return mu_http_case_answer(req, resp, rc, &err, 200, out);
}

int h_cases_stats(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_http_env *env = ctx;
    struct mu_error err = {0};
    char *out = NULL;
    struct mu_store *s = mu_http_store_acquire(env);
    enum mu_err rc = s ? mu_app_case_stats(s, MU_CASE_JSON, &out, &err)
                       : mu_error_set(&err, MU_ESTORE, "no database");
    mu_http_store_release(env);
    return mu_http_case_answer(req, resp, rc, &err, 200, out);
}

int h_cases_get(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_http_env *env = ctx;
    struct mu_error err = {0};
    int64_t id = 0;
    int st;
    if ((st = case_id(req, resp, &id)))
        return st;
    struct mu_actor a = mu_http_reg_actor(req);
    char *out = NULL;
    struct mu_store *s = mu_http_store_acquire(env);
    enum mu_err rc = s ? mu_app_case_show_json(s, &a, NULL, id, NULL, &out, &err)
                       : mu_error_set(&err, MU_ESTORE, "no database");
    mu_http_store_release(env);
    return mu_http_case_answer(req, resp, rc, &err, 200, out);
}

/* The ?format= of a case document into *fmt: html (the default) or md; 0 or the 400 set. */
static int doc_format(struct mu_http_req *req, struct mu_http_resp *resp, enum mu_case_format *fmt)
{
    const char *f = qget(req, "format");
    if (!f || strcmp(f, "html") == 0)
        *fmt = MU_CASE_HTML;
    else if (strcmp(f, "md") == 0)
        *fmt = MU_CASE_MD;
    else
        return mu_http_resp_error(resp, 400, "format", "'format' is md or html");
    return 0;
}

/* The media type of a case document in @p fmt. */
static const char *doc_type(enum mu_case_format fmt)
{
    return fmt == MU_CASE_HTML ? "text/html; charset=utf-8" : "text/markdown; charset=utf-8";
}

int h_cases_handover(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_http_env *env = ctx;
    struct mu_error err = {0};
    int64_t id = 0;
    enum mu_case_format fmt;
    int st;
    if ((st = case_id(req, resp, &id)) || (st = doc_format(req, resp, &fmt)))
        return st;
    struct mu_actor a = mu_http_reg_actor(req);
    char *out = NULL;
    struct mu_store *s = mu_http_store_acquire(env);
    enum mu_err rc = s ? mu_app_case_handover(s, &a, id, fmt, &out, &err)
                       : mu_error_set(&err, MU_ESTORE, "no database");
    mu_http_store_release(env);
    return answer_text(req, resp, rc, &err, 200, out, doc_type(fmt));
}

int h_cases_notice(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_http_env *env = ctx;
    struct mu_error err = {0};
    int64_t id = 0;
    enum mu_case_format fmt;
    int st;
    if ((st = case_id(req, resp, &id)) || (st = doc_format(req, resp, &fmt)))
        return st;
    const char *kind = mu_http_req_param(req, "kind");
    struct mu_actor a = mu_http_reg_actor(req);
    struct mu_case_keyring kr;
    int have_key = 0;
    char *out = NULL;
    struct mu_store *s = mu_http_store_acquire(env);
    /* Only case officers get the complainant's name filled in (audited as a reveal). */
    if (s && may_see_identity(req))
        have_key = mu_http_case_keyring(s, &kr, NULL) == MU_OK;
    enum mu_err rc =
        s ? mu_app_case_notice(s, &a, have_key ? &kr : NULL, id, kind, NULL, fmt, &out, &err)
          : mu_error_set(&err, MU_ESTORE, "no database");
    mu_http_store_release(env);
    if (have_key)
        mu_case_keyring_wipe(&kr);
    return answer_text(req, resp, rc, &err, 200, out, doc_type(fmt));
}

static int reveal(struct mu_http_req *req, struct mu_http_resp *resp, struct mu_http_env *env,
                  int64_t id, json_t *body)
{
    struct mu_error err = {0};
    if (!may_see_identity(req))
        return mu_http_resp_error(resp, 403, NULL,
                                  "only admins and officers may see a complainant's identity");
    const char *reason = jstr(body, "reason");
    if (!reason || !*reason)
        return mu_http_resp_error(resp, 400, "reason",
                                  "a reason is required to reveal the complainant's identity");
    struct mu_actor a = mu_http_reg_actor(req);
    struct mu_case_keyring kr;
    char *out = NULL;
    struct mu_store *s = mu_http_store_acquire(env);
    enum mu_err rc = mu_http_case_keyring(s, &kr, &err);
    if (rc == MU_OK) {
        rc = mu_app_case_show_json(s, &a, &kr, id, reason, &out, &err);
        mu_case_keyring_wipe(&kr);
    }
    mu_http_store_release(env);
    return mu_http_case_answer(req, resp, rc, &err, 200, out);
}

int h_cases_action(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    static const struct {
        const char *name;
        enum mu_case_op op;
    } ops[] = {
        {"accept", MU_CASE_OP_ACCEPT}, {"reject", MU_CASE_OP_REJECT}, {"assign", MU_CASE_OP_ASSIGN},
        {"note", MU_CASE_OP_NOTE},     {"extend", MU_CASE_OP_EXTEND}, {"reply", MU_CASE_OP_REPLY},
        {"review", MU_CASE_OP_REVIEW}, {"close", MU_CASE_OP_CLOSE},
    };
    struct mu_http_env *env = ctx;
    struct mu_error err = {0};
    int64_t id = 0;
    int st;
    if ((st = case_id(req, resp, &id)))
        return st;
    const char *action = mu_http_req_param(req, "action");
    json_t *body = NULL;
    if ((st = mu_http_req_json(req, resp, &body)))
        return st;
    if (action && strcmp(action, "reveal") == 0) {
        st = reveal(req, resp, env, id, body);
        json_decref(body);
        return st;
    }
    size_t k = 0;
    while (k < sizeof(ops) / sizeof(ops[0]) && strcmp(ops[k].name, action ? action : "") != 0)
        k++;
    if (k == sizeof(ops) / sizeof(ops[0])) {
        json_decref(body);
        return mu_http_resp_error(resp, 404, "action", "no case action '%.40s'",
                                  action ? action : "");
    }
    const char *units[MAX_UNITS];
    struct mu_case_step step = {.op = ops[k].op,
                                .text = jstr(body, "text"),
                                .body = jstr(body, "body"),
                                .outcome = jstr(body, "outcome"),
                                .leader = jstr(body, "leader"),
                                .units = units,
                                .note_kind = jstr(body, "kind")};
    if (ops[k].op == MU_CASE_OP_REJECT || ops[k].op == MU_CASE_OP_EXTEND)
        step.text = jstr(body, "reason");
    json_t *days = json_object_get(body, "days");
    if (days && !json_is_integer(days)) {
        json_decref(body);
        return mu_http_resp_error(resp, 400, "days", "'days' is not a whole number");
    }
    step.days = days && json_integer_value(days) < 100000 && json_integer_value(days) > -1
                    ? (int)json_integer_value(days)
                    : (days ? -1 : 0);
    if ((st = jlist(body, "units", units, &step.nunits, resp)) ||
        (st = jday(body, "on", &step.on, resp))) {
        json_decref(body);
        return st;
    }
    struct mu_actor a = mu_http_reg_actor(req);
    char *out = NULL;
    struct mu_store *s = mu_http_store_acquire(env);
    enum mu_err rc = s ? mu_app_case_step(s, &a, env->calendar, id, &step, &err)
                       : mu_error_set(&err, MU_ESTORE, "no database");
    if (rc == MU_OK)
        rc = mu_app_case_show_json(s, &a, NULL, id, NULL, &out, &err);
    mu_http_store_release(env);
    json_decref(body);
    return mu_http_case_answer(req, resp, rc, &err, 200, out);
}
