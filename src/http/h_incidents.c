/* SPDX-License-Identifier: MIT */
/*
 * The incident API: GET/POST /api/v1/incidents (the list, paginated, open
 * ones only with ?open=1; open one), GET /api/v1/incidents/{id} (the same
 * JSON as `muster incident show --json`), POST /api/v1/incidents/{id}/ack,
 * note, status, activate, arrive, close, reopen, POST
 * /api/v1/incidents/tasks/{id}/done, and GET /api/v1/incidents/{id}/report
 * (?format=md|html). Every step answers the incident as it is afterwards.
 * The work is done by src/app/incident.c and src/app/report.c; this file
 * only reads requests, calls the use cases and maps their errors (a refused
 * transition is 409 naming the current state, bad input 400 naming the
 * field). mu_http_incident_step() is shared with the pages.
 */
#include "incidents.h"

#include "duty.h"

#include <muster/account.h>
#include <muster/date.h>
#include <muster/mem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/banned.h"

#define MAX_CRITERIA 32

static int json_text(struct mu_http_resp *resp, int status, char *text, const char *ctype)
{
    mu_free(resp->body);
    resp->body = text;
    resp->body_len = strlen(text);
    resp->content_type = ctype;
    resp->status = status;
    return status;
}

static int path_id(struct mu_http_req *req, struct mu_http_resp *resp, const char *what,
                   int64_t *id)
{
    const char *s = mu_http_req_param(req, "id");
    if ((*id = mu_route_id(s)) < 1)
        return mu_http_resp_error(resp, 404, "id", "no %s '%.40s'", what, s ? s : "");
    return 0;
}

static struct mu_actor actor_of(const struct mu_http_req *req)
{
    struct mu_actor a = {.name = req->principal ? req->principal->name : "api",
                         .now_ms = mu_http_now_ms()};
    return a;
}

/* ---------------------------------------------------------------- the shared step */

/* Argument @p name, or MU_EINVAL naming it when absent or empty. */
static enum mu_err need(mu_http_inc_get_fn *get, void *src, const char *name, const char **out,
                        struct mu_error *err)
{
    *out = get(src, name);
    if (!*out || !**out)
        return mu_error_field(err, MU_EINVAL, name, "no %s given", name);
    return MU_OK;
}

enum mu_err mu_http_incident_step(struct mu_store *s, const struct mu_actor *actor, const char *op,
                                  int64_t id, mu_http_inc_get_fn *get, void *src,
                                  const char *const *criteria, size_t ncrit, int64_t *incident,
                                  struct mu_error *err)
{
    const char *v = NULL, *at_s = get(src, "at");
    int64_t at = actor->now_ms;
    enum mu_err rc = MU_OK;
    *incident = id;
    if (at_s && *at_s) {
        struct mu_error e = {0};
        if (mu_local_parse(at_s, &at, &e))
            return mu_error_field(err, MU_EINVAL, "at", "'at': %s", e.msg);
    }
    if (strcmp(op, "ack") == 0) {
        if ((rc = need(get, src, "by", &v, err)) == MU_OK)
            rc = mu_app_incident_ack(s, actor, id, v, at, NULL, err);
    } else if (strcmp(op, "note") == 0) {
        const char *kind = get(src, "kind"), *by = get(src, "by");
        if ((rc = need(get, src, "text", &v, err)) == MU_OK)
            rc = mu_app_incident_note(s, actor, id, kind && *kind ? kind : "note", v,
                                      by && *by ? by : actor->name, at, err);
    } else if (strcmp(op, "status") == 0) {
        enum mu_incident_state st;
        if ((rc = need(get, src, "state", &v, err)) == MU_OK &&
            (rc = mu_incident_state_parse(v, &st, err)) == MU_OK)
            rc = mu_app_incident_status(s, actor, id, st, at, err);
    } else if (strcmp(op, "activate") == 0) {
        if ((rc = need(get, src, "by", &v, err)) == MU_OK)
            rc = mu_app_incident_activate(s, actor, id, v, at, NULL, err);
    } else if (strcmp(op, "arrive") == 0) {
        if ((rc = need(get, src, "person", &v, err)) == MU_OK)
            rc = mu_app_incident_arrive(s, actor, id, v, at, err);
    } else if (strcmp(op, "close") == 0) {
        rc = mu_app_incident_close(s, actor, id, criteria, ncrit, at, err);
    } else if (strcmp(op, "reopen") == 0) {
        rc = mu_app_incident_reopen(s, actor, id, at, err);
    } else if (strcmp(op, "task_done") == 0) {
        struct mu_incident_task t;
        memset(&t, 0, sizeof(t));
        const char *by = get(src, "by");
        rc = mu_app_incident_task_done(s, actor, id, by && *by ? by : actor->name, at, err);
        if (rc == MU_OK && (rc = mu_store_incident_task_get(s, id, &t, err)) == MU_OK) {
            *incident = t.incident_id;
            mu_incident_task_release(&t);
        }
    } else {
        rc = mu_error_field(err, MU_ENOTFOUND, "action", "no incident action '%.40s'", op);
    }
    if (rc == MU_ECONFLICT && err && !err->field[0])
        mu_error_field(err, MU_ECONFLICT, "state", "%s", err->msg);
    return rc;
}

/* ---------------------------------------------------------------- API */

int h_incidents_list(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_http_env *env = ctx;
    struct mu_error err = {0};
    const char *open = NULL;
    mu_query_get(&req->query, "open", &open, NULL);
    if (open && strcmp(open, "1") && strcmp(open, "0"))
        return mu_http_resp_error(resp, 400, "open", "'open' is 0 or 1");
    char *out = NULL;
    struct mu_store *s = mu_http_store_acquire(env);
    enum mu_err rc = s ? mu_app_incident_list(s, open && strcmp(open, "1") == 0, MU_INCIDENT_JSON,
                                              &out, &err)
                       : mu_error_set(&err, MU_ESTORE, "no database");
    mu_http_store_release(env);
    if (rc)
        return mu_http_resp_from_err(resp, rc, &err, req->rid);
    json_t *items = json_loads(out, 0, NULL);
    mu_free(out);
    if (!items)
        return mu_http_resp_json(resp, 500, NULL);
    return mu_http_resp_page(req, resp, items, NULL); /* takes items */
}

/* Show incident @p id into the response with @p status (the store is held). */
static int show(struct mu_http_req *req, struct mu_http_resp *resp, struct mu_store *s,
                int64_t id, int status)
{
    struct mu_error err = {0};
    char *out = NULL;
    enum mu_err rc = mu_app_incident_show(s, id, MU_INCIDENT_JSON, &out, &err);
    if (rc)
        return mu_http_resp_from_err(resp, rc, &err, req->rid);
    return json_text(resp, status, out, "application/json");
}

static const char *jstr(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* Every member of @p keys present in @p o must be a string: 0 or the 400 set. */
static int strings_only(json_t *o, const char *const *keys, struct mu_http_resp *resp)
{
    for (; *keys; keys++) {
        json_t *v = json_object_get(o, *keys);
        if (v && !json_is_string(v) && !json_is_null(v))
            return mu_http_resp_error(resp, 400, *keys, "'%s' is not a string", *keys);
    }
    return 0;
}

int h_incidents_post(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    static const char *const keys[] = {"plan", "kind", "level", "place", "at", "reported",
                                       "reporter", NULL};
    struct mu_http_env *env = ctx;
    struct mu_error err = {0};
    json_t *body = NULL;
    int st;
    if ((st = mu_http_req_json(req, resp, &body)))
        return st;
    struct mu_incident_kv kv[MU_INCIDENT_MAX_FIELDS];
    char nums[MU_INCIDENT_MAX_FIELDS][32];
    size_t n = 0;
    struct mu_incident_open_in in = {.plan_id = jstr(body, "plan"),
                                     .kind = jstr(body, "kind"),
                                     .level = jstr(body, "level"),
                                     .place = jstr(body, "place"),
                                     .reporter = jstr(body, "reporter"),
                                     .fields = kv};
    if ((st = strings_only(body, keys, resp)))
        goto out;
    json_t *fields = json_object_get(body, "fields"), *v;
    const char *key;
    if (fields && !json_is_null(fields) && !json_is_object(fields)) {
        st = mu_http_resp_error(resp, 400, "fields", "'fields' is not an object");
        goto out;
    }
    json_object_foreach(fields, key, v)
    {
        if (n == MU_INCIDENT_MAX_FIELDS) {
            st = mu_http_resp_error(resp, 400, "fields", "more than %d fields given",
                                    MU_INCIDENT_MAX_FIELDS);
            goto out;
        }
        kv[n].key = key;
        if (json_is_string(v))
            kv[n].value = json_string_value(v);
        else if (json_is_integer(v))
            snprintf(nums[n], sizeof(nums[n]), "%lld", (long long)json_integer_value(v)),
                kv[n].value = nums[n];
        else if (json_is_real(v))
            snprintf(nums[n], sizeof(nums[n]), "%.17g", json_real_value(v)),
                kv[n].value = nums[n];
        else {
            st = mu_http_resp_error(resp, 400, key, "field '%s' is not a number or text", key);
            goto out;
        }
        n++;
    }
    in.nfields = n;
    const char *at = jstr(body, "at"), *rep = jstr(body, "reported");
    if (at && mu_local_parse(at, &in.occurred_at, &err)) {
        st = mu_http_resp_error(resp, 400, "at", "'at': %s", err.msg);
        goto out;
    }
    if (rep && mu_local_parse(rep, &in.reported_at, &err)) {
        st = mu_http_resp_error(resp, 400, "reported", "'reported': %s", err.msg);
        goto out;
    }
    struct mu_actor a = actor_of(req);
    int64_t id = 0;
    struct mu_store *s = mu_http_store_acquire(env);
    enum mu_err rc = s ? mu_app_incident_open(s, &a, &in, &id, &err)
                       : mu_error_set(&err, MU_ESTORE, "no database");
    st = rc ? mu_http_resp_from_err(resp, rc, &err, req->rid) : show(req, resp, s, id, 201);
    mu_http_store_release(env);
out:
    json_decref(body);
    return st;
}

int h_incidents_get(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_http_env *env = ctx;
    int64_t id = 0;
    int st;
    if ((st = path_id(req, resp, "incident", &id)))
        return st;
    struct mu_store *s = mu_http_store_acquire(env);
    st = s ? show(req, resp, s, id, 200) : mu_http_resp_json(resp, 500, NULL);
    mu_http_store_release(env);
    return st;
}

static const char *json_get(void *src, const char *name)
{
    return jstr(src, name);
}

/* One step @p op on the incident (or task) of the path, from a JSON body. */
static int step(struct mu_http_req *req, struct mu_http_resp *resp, struct mu_http_env *env,
                const char *op)
{
    static const char *const keys[] = {"by", "person", "text", "kind", "state", "at", NULL};
    struct mu_error err = {0};
    int64_t id = 0, incident = 0;
    json_t *body = NULL;
    const char *crit[MAX_CRITERIA];
    size_t ncrit = 0;
    int st;
    if ((st = path_id(req, resp, strcmp(op, "task_done") ? "incident" : "task", &id)))
        return st;
    if (req->body && req->body_len) {
        if ((st = mu_http_req_json(req, resp, &body)))
            return st;
    } else {
        body = json_object();
    }
    if ((st = strings_only(body, keys, resp)))
        goto out;
    json_t *c = json_object_get(body, "criteria"), *v;
    size_t i;
    if (c && !json_is_null(c) && (!json_is_array(c) || json_array_size(c) > MAX_CRITERIA)) {
        st = mu_http_resp_error(resp, 400, "criteria",
                                "'criteria' is not a list of at most %d criteria", MAX_CRITERIA);
        goto out;
    }
    char nums[MAX_CRITERIA][24];
    json_array_foreach(c, i, v)
    {
        if (json_is_string(v)) {
            crit[ncrit++] = json_string_value(v);
        } else if (json_is_integer(v)) {
            snprintf(nums[ncrit], sizeof(nums[ncrit]), "%lld", (long long)json_integer_value(v));
            crit[ncrit] = nums[ncrit];
            ncrit++;
        } else {
            st = mu_http_resp_error(resp, 400, "criteria",
                                    "'criteria' holds texts or numbers of criteria");
            goto out;
        }
    }
    struct mu_actor a = actor_of(req);
    struct mu_store *s = mu_http_store_acquire(env);
    enum mu_err rc = s ? mu_http_incident_step(s, &a, op, id, json_get, body, crit, ncrit,
                                               &incident, &err)
                       : mu_error_set(&err, MU_ESTORE, "no database");
    st = rc ? mu_http_resp_from_err(resp, rc, &err, req->rid) : show(req, resp, s, incident, 200);
    mu_http_store_release(env);
out:
    json_decref(body);
    return st;
}

int h_incidents_ack(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    return step(req, resp, ctx, "ack");
}

int h_incidents_note(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    return step(req, resp, ctx, "note");
}

int h_incidents_status(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    return step(req, resp, ctx, "status");
}

int h_incidents_activate(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    return step(req, resp, ctx, "activate");
}

int h_incidents_arrive(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    return step(req, resp, ctx, "arrive");
}

int h_incidents_close(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    return step(req, resp, ctx, "close");
}

int h_incidents_reopen(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    return step(req, resp, ctx, "reopen");
}

int h_incidents_task_done(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    return step(req, resp, ctx, "task_done");
}

int h_incidents_report(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_http_env *env = ctx;
    struct mu_error err = {0};
    int64_t id = 0;
    int st;
    if ((st = path_id(req, resp, "incident", &id)))
        return st;
    const char *f = NULL;
    mu_query_get(&req->query, "format", &f, NULL);
    enum mu_report_format fmt = MU_REPORT_MD;
    if (f && strcmp(f, "html") == 0)
        fmt = MU_REPORT_HTML;
    else if (f && strcmp(f, "md") != 0)
        return mu_http_resp_error(resp, 400, "format", "'format' is md or html");
    char *out = NULL;
    struct mu_store *s = mu_http_store_acquire(env);
    enum mu_err rc = s ? mu_app_incident_report(s, id, 0, fmt, &out, &err)
                       : mu_error_set(&err, MU_ESTORE, "no database");
    mu_http_store_release(env);
    if (rc)
        return mu_http_resp_from_err(resp, rc, &err, req->rid);
    return json_text(resp, 200, out,
                     fmt == MU_REPORT_HTML ? "text/html; charset=utf-8"
                                           : "text/markdown; charset=utf-8");
}
