/* SPDX-License-Identifier: MIT */
/*
 * The hazard register over the API (隐患排查整改): GET/POST /api/v1/hazards
 * (the ledger, a page at a time, ?overdue=1 for the overdue ones; record a
 * finding), POST /api/v1/units/{unit}/hazards (a reporter records a finding
 * of their own unit), GET /api/v1/hazards/{id} with its history, the steps
 * rectify, verify, assign and notes, and the XLSX ledger. The rules (only
 * the owner rectifies, never the rectifier verifies) and the field checks
 * are the use cases' (src/app/hazard.c); a refused step stores nothing.
 * Also the helpers every register handler shares (registers.h).
 */
#include "duty.h"
#include "registers.h"

#include <muster/account.h>
#include <muster/date.h>
#include <muster/mem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../util/banned.h"

/* ---------------------------------------------------------------- helpers */

int64_t mu_http_reg_parse_id(const char *s)
{
    int64_t v = 0;
    size_t len = s ? strlen(s) : 0;
    if (len == 0 || len > 15)
        return 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

int mu_http_reg_id(struct mu_http_req *req, struct mu_http_resp *resp, const char *name,
                   const char *what, int64_t *id)
{
    const char *s = mu_http_req_param(req, name);
    *id = mu_http_reg_parse_id(s);
    if (*id < 1)
        return mu_http_resp_error(resp, 404, "id", "no %s '%.40s'", what, s ? s : "");
    return 0;
}

int mu_http_reg_text(struct mu_http_resp *resp, json_t *obj, const char *key, char buf[24],
                     const char **out)
{
    json_t *v = json_object_get(obj, key);
    *out = NULL;
    if (!v || json_is_null(v))
        return 0;
    if (json_is_string(v)) {
        *out = json_string_value(v);
        return 0;
    }
    if (json_is_integer(v)) {
        snprintf(buf, 24, "%lld", (long long)json_integer_value(v));
        *out = buf;
        return 0;
    }
    return mu_http_resp_error(resp, 400, key, "'%s' must be a string or a whole number", key);
}

int mu_http_reg_only_keys(struct mu_http_resp *resp, json_t *obj, const char *const *allowed)
{
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v) {
        int ok = 0;
        for (size_t i = 0; allowed[i] && !ok; i++)
            ok = strcmp(allowed[i], key) == 0;
        if (!ok)
            return mu_http_resp_error(resp, 400, key, "unknown member '%s'", key);
    }
    return 0;
}

int mu_http_reg_error(struct mu_http_req *req, struct mu_http_resp *resp, enum mu_err rc,
                      struct mu_error *err)
{
    if (err && strcmp(err->field, "unit-of-measure") == 0)
        snprintf(err->field, sizeof(err->field), "unit_of_measure");
    return mu_http_resp_from_err(resp, rc, err, req->rid);
}

struct mu_actor mu_http_reg_actor(const struct mu_http_req *req)
{
    struct mu_actor a = {.name = req->principal ? req->principal->name : "api",
                         .now_ms = mu_http_now_ms()};
    return a;
}

int mu_http_reg_json_text(struct mu_http_resp *resp, int status, char *text)
{
    /* The use cases indent their JSON for people; the API answers it compact. */
    json_t *v = json_loads(text, 0, NULL);
    mu_free(text);
    return mu_http_resp_json(resp, status, v);
}

int mu_http_reg_page(struct mu_http_req *req, struct mu_http_resp *resp, char *text,
                     json_t *extra)
{
    json_t *items = json_loads(text, 0, NULL);
    mu_free(text);
    if (!json_is_array(items)) {
        json_decref(items);
        items = NULL;
    }
    return mu_http_resp_page(req, resp, items, extra);
}

int mu_http_reg_flag(struct mu_http_req *req, struct mu_http_resp *resp, const char *name,
                     int *out)
{
    const char *v = NULL;
    *out = 0;
    if (mu_query_get(&req->query, name, &v, NULL) == MU_OK && v) {
        if (strcmp(v, "1") != 0 && strcmp(v, "0") != 0)
            return mu_http_resp_error(resp, 400, name, "'%s' must be 0 or 1", name);
        *out = v[0] == '1';
    }
    return 0;
}

int mu_http_reg_days(struct mu_http_req *req, struct mu_http_resp *resp, const char *name,
                     int dflt, int32_t *out)
{
    const char *v = NULL;
    *out = dflt;
    if (mu_query_get(&req->query, name, &v, NULL) == MU_OK && v) {
        int64_t n = strcmp(v, "0") == 0 ? 0 : mu_http_reg_parse_id(v);
        if ((n < 1 && strcmp(v, "0") != 0) || n > 3660)
            return mu_http_resp_error(resp, 400, name, "'%s' must be a number of days, 0 to 3660",
                                      name);
        *out = (int32_t)n;
    }
    return 0;
}

int mu_http_reg_xlsx(struct mu_http_req *req, struct mu_http_resp *resp, struct mu_http_env *env,
                     enum mu_reg_ledger which, int only, int64_t at, int32_t within)
{
    static const char *const names[] = {"hazards.xlsx", "drills-held.xlsx", "resources.xlsx",
                                        "contacts.xlsx"};
    struct mu_error err = {0};
    char path[512];
    if (mu_http_tmpfile(path, sizeof(path)))
        return mu_http_resp_error(resp, 500, NULL, "cannot make a temporary file (request id %s)",
                                  req->rid);
    struct mu_store *s = mu_http_store_acquire(env);
    enum mu_err rc;
    if (!s)
        rc = mu_error_set(&err, MU_ESTORE, "no database");
    else if (which == MU_LEDGER_HAZARDS)
        rc = mu_app_hazard_xlsx(s, only, at, path, &err);
    else if (which == MU_LEDGER_DRILLS)
        rc = mu_app_drill_xlsx(s, path, &err);
    else if (which == MU_LEDGER_RESOURCES)
        rc = mu_app_resource_xlsx(s, only, at, within, path, &err);
    else
        rc = mu_app_contact_xlsx(s, path, &err);
    mu_http_store_release(env);
    if (rc) {
        unlink(path);
        return mu_http_reg_error(req, resp, rc, &err);
    }
    return mu_http_resp_file(resp, path,
                             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                             names[which], req->rid);
}

/* ---------------------------------------------------------------- hazards */

/* Hazard @p id as JSON into the response with @p status (the store lock held). */
static int show(struct mu_http_req *req, struct mu_http_resp *resp, struct mu_store *s, int64_t id,
                int status)
{
    struct mu_error err = {0};
    char *out = NULL;
    enum mu_err rc = mu_app_hazard_show(s, id, mu_http_now_ms(), MU_REG_JSON, &out, &err);
    if (rc)
        return mu_http_reg_error(req, resp, rc, &err);
    return mu_http_reg_json_text(resp, status, out);
}

int h_hazards_list(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_http_env *env = ctx;
    struct mu_error err = {0};
    int overdue = 0, st;
    int64_t at = 0;
    if ((st = mu_http_reg_flag(req, resp, "overdue", &overdue)) ||
        (st = mu_http_query_time(req, resp, "at", mu_http_now_ms(), &at)))
        return st;
    char *out = NULL;
    struct mu_store *s = mu_http_store_acquire(env);
    enum mu_err rc = s ? mu_app_hazard_list(s, overdue, at, MU_REG_JSON, &out, &err)
                       : mu_error_set(&err, MU_ESTORE, "no database");
    mu_http_store_release(env);
    if (rc)
        return mu_http_reg_error(req, resp, rc, &err);
    return mu_http_reg_page(req, resp, out, NULL);
}

/* Record a hazard from @p body; @p unit (may be NULL) is the unit of the path. */
static int add(struct mu_http_req *req, struct mu_http_resp *resp, struct mu_http_env *env,
               const char *unit)
{
    static const char *const keys[] = {"plan", "place", "description", "severity", "unit",
                                       "owner", "due", NULL};
    struct mu_error err = {0};
    json_t *body = NULL;
    int st;
    if ((st = mu_http_req_json(req, resp, &body)))
        return st;
    struct mu_hazard_input in = {0};
    char b[7][24];
    if ((st = mu_http_reg_only_keys(resp, body, keys)) ||
        (st = mu_http_reg_text(resp, body, "plan", b[0], &in.plan)) ||
        (st = mu_http_reg_text(resp, body, "place", b[1], &in.place)) ||
        (st = mu_http_reg_text(resp, body, "description", b[2], &in.description)) ||
        (st = mu_http_reg_text(resp, body, "severity", b[3], &in.severity)) ||
        (st = mu_http_reg_text(resp, body, "unit", b[4], &in.unit)) ||
        (st = mu_http_reg_text(resp, body, "owner", b[5], &in.owner)) ||
        (st = mu_http_reg_text(resp, body, "due", b[6], &in.due)))
        goto out;
    if (unit) {
        if (in.unit && strcmp(in.unit, unit) != 0) {
            st = mu_http_resp_error(resp, 400, "unit", "'unit' must be '%s', the unit of the path",
                                    unit);
            goto out;
        }
        in.unit = unit;
    }
    struct mu_actor a = mu_http_reg_actor(req);
    int64_t id = 0;
    struct mu_store *s = mu_http_store_acquire(env);
    enum mu_err rc = s ? mu_app_hazard_add(s, &a, &in, &id, &err)
                       : mu_error_set(&err, MU_ESTORE, "no database");
    st = rc ? mu_http_reg_error(req, resp, rc, &err) : show(req, resp, s, id, 201);
    mu_http_store_release(env);
out:
    json_decref(body);
    return st;
}

int h_hazards_post(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    return add(req, resp, ctx, NULL);
}

int h_hazards_unit_post(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    return add(req, resp, ctx, mu_http_req_param(req, "unit"));
}

int h_hazards_get(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_http_env *env = ctx;
    int64_t id = 0;
    int st;
    if ((st = mu_http_reg_id(req, resp, "id", "hazard", &id)))
        return st;
    struct mu_store *s = mu_http_store_acquire(env);
    st = s ? show(req, resp, s, id, 200) : mu_http_resp_error(resp, 500, NULL, "no database");
    mu_http_store_release(env);
    return st;
}

enum step { RECTIFY, VERIFY, ASSIGN, NOTE };

static int step(struct mu_http_req *req, struct mu_http_resp *resp, struct mu_http_env *env,
                enum step which)
{
    static const char *const keys[][3] = {
        {"by", "note", NULL}, {"by", NULL, NULL}, {"owner", "due", NULL}, {"text", NULL, NULL}};
    struct mu_error err = {0};
    json_t *body = NULL;
    int64_t id = 0;
    int st;
    if ((st = mu_http_reg_id(req, resp, "id", "hazard", &id)) ||
        (st = mu_http_req_json(req, resp, &body)))
        return st;
    const char *a1 = NULL, *a2 = NULL;
    char b1[24], b2[24];
    if ((st = mu_http_reg_only_keys(resp, body, keys[which])) ||
        (st = mu_http_reg_text(resp, body, keys[which][0], b1, &a1)) ||
        (keys[which][1] && (st = mu_http_reg_text(resp, body, keys[which][1], b2, &a2))))
        goto out;
    struct mu_actor a = mu_http_reg_actor(req);
    struct mu_store *s = mu_http_store_acquire(env);
    enum mu_err rc;
    if (!s)
        rc = mu_error_set(&err, MU_ESTORE, "no database");
    else if (which == RECTIFY)
        rc = mu_app_hazard_rectify(s, &a, id, a1, a2, &err);
    else if (which == VERIFY)
        rc = mu_app_hazard_verify(s, &a, id, a1, &err);
    else if (which == ASSIGN)
        rc = mu_app_hazard_assign(s, &a, id, a1, a2, &err);
    else
        rc = mu_app_hazard_note(s, &a, id, a1, &err);
    st = rc ? mu_http_reg_error(req, resp, rc, &err)
            : show(req, resp, s, id, which == NOTE ? 201 : 200);
    mu_http_store_release(env);
out:
    json_decref(body);
    return st;
}

int h_hazards_rectify(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    return step(req, resp, ctx, RECTIFY);
}

int h_hazards_verify(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    return step(req, resp, ctx, VERIFY);
}

int h_hazards_assign(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    return step(req, resp, ctx, ASSIGN);
}

int h_hazards_notes(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    return step(req, resp, ctx, NOTE);
}

int h_hazards_xlsx(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    int overdue = 0, st;
    int64_t at = 0;
    if ((st = mu_http_reg_flag(req, resp, "overdue", &overdue)) ||
        (st = mu_http_query_time(req, resp, "at", mu_http_now_ms(), &at)))
        return st;
    return mu_http_reg_xlsx(req, resp, ctx, MU_LEDGER_HAZARDS, overdue, at, 0);
}
