/* SPDX-License-Identifier: MIT */
/*
 * Drills held (演练台账) over the API: GET/POST /api/v1/drills-held (the
 * history, a page at a time; record a drill with its findings),
 * GET /api/v1/drills-held/{id} with its follow-up tasks, POST
 * /api/v1/drills-held/{id}/tasks (a finding becomes a task with an owner and
 * a deadline), POST /api/v1/drills-held/tasks/{id}/done, GET
 * /api/v1/drills-held/due (the term containing the day: what is required,
 * what was held, which requirement warns) and the XLSX ledger. The checks
 * and the reminders are the use cases' (src/app/drillrec.c).
 */
#include "duty.h"
#include "registers.h"

#include <muster/mem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/banned.h"

#define DUE_WITHIN_DAYS 14 /* the warning window of `drill-record due` */

int h_drills_held_list(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_http_env *env = ctx;
    struct mu_error err = {0};
    const char *plan = NULL;
    if (mu_query_get(&req->query, "plan", &plan, &err))
        return mu_http_reg_error(req, resp, MU_EINVAL, &err);
    char *out = NULL;
    struct mu_store *s = mu_http_store_acquire(env);
    enum mu_err rc = s ? mu_app_drill_list(s, plan, MU_REG_JSON, &out, &err)
                       : mu_error_set(&err, MU_ESTORE, "no database");
    mu_http_store_release(env);
    return mu_http_reg_page(req, resp, rc, &err, out);
}

static int show(struct mu_http_req *req, struct mu_http_resp *resp, struct mu_store *s, int64_t id,
                int status)
{
    struct mu_error err = {0};
    char *out = NULL;
    enum mu_err rc = mu_app_drill_show(s, id, MU_REG_JSON, &out, &err);
    return mu_http_reg_json_text(req, resp, rc, &err, status, out);
}

int h_drills_held_post(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    static const char *const also[] = {"findings", "simulation", NULL};
    struct mu_http_env *env = ctx;
    struct mu_error err = {0};
    char *sim = NULL;
    const char *findings[MU_REG_MAX_ITEMS];
    struct mu_drill_input in = {.findings = findings};
    const struct mu_http_reg_member m[] = {{"plan", &in.plan},
                                           {"date", &in.date},
                                           {"kind", &in.kind},
                                           {"scenario", &in.scenario},
                                           {"participants", &in.participants},
                                           {"duration", &in.duration},
                                           {"evacuation", &in.evacuation},
                                           {NULL, NULL}};
    struct mu_http_reg_body b;
    int st;
    if ((st = mu_http_reg_body_read(&b, req, resp, m, also)))
        goto out;
    json_t *f = json_object_get(b.obj, "findings"), *v;
    size_t i;
    if (f && !json_is_null(f)) {
        if (!json_is_array(f) || json_array_size(f) > MU_REG_MAX_ITEMS) {
            st = mu_http_resp_error(resp, 400, "findings",
                                    "'findings' must be a list of at most %d texts",
                                    MU_REG_MAX_ITEMS);
            goto out;
        }
        json_array_foreach(f, i, v) {
            if (!json_is_string(v)) {
                st = mu_http_resp_error(resp, 400, "findings", "'findings' must be a list of texts");
                goto out;
            }
            findings[in.nfindings++] = json_string_value(v);
        }
    }
    json_t *sv = json_object_get(b.obj, "simulation");
    if (sv && !json_is_null(sv)) {
        if (!json_is_object(sv)) {
            st = mu_http_resp_error(resp, 400, "simulation",
                                    "'simulation' must be the JSON object of a simulated drill");
            goto out;
        }
        char *dump = json_dumps(sv, JSON_COMPACT);
        sim = dump ? mu_strdup(dump) : NULL;
        free(dump);
        if (!sim) {
            st = mu_http_resp_json(resp, 500, NULL);
            goto out;
        }
        in.simulation_json = sim;
    }
    struct mu_actor a = mu_http_reg_actor(req);
    int64_t id = 0;
    struct mu_store *s = mu_http_store_acquire(env);
    enum mu_err rc = s ? mu_app_drill_add(s, &a, &in, &id, &err)
                       : mu_error_set(&err, MU_ESTORE, "no database");
    st = rc ? mu_http_reg_error(req, resp, rc, &err) : show(req, resp, s, id, 201);
    mu_http_store_release(env);
out:
    mu_free(sim);
    mu_http_reg_body_release(&b);
    return st;
}

int h_drills_held_get(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    return mu_http_reg_get(req, resp, ctx, "drill", show);
}

/*
 * Task @p id as JSON into the response with @p status: the use case's task
 * object, found in the drill history (store lock held).
 */
static int task_json(struct mu_http_req *req, struct mu_http_resp *resp, struct mu_store *s,
                     int64_t id, int status)
{
    struct mu_error err = {0};
    char *out = NULL;
    enum mu_err rc = mu_app_drill_list(s, NULL, MU_REG_JSON, &out, &err);
    if (rc)
        return mu_http_reg_error(req, resp, rc, &err);
    json_t *all = json_loads(out, 0, NULL), *d, *t, *found = NULL;
    size_t i, k;
    mu_free(out);
    json_array_foreach(all, i, d) {
        json_array_foreach(json_object_get(d, "tasks"), k, t) {
            if (json_integer_value(json_object_get(t, "id")) == id && !found) {
                found = json_deep_copy(t);
                if (found)
                    json_object_set(found, "drill", json_object_get(d, "id"));
            }
        }
    }
    json_decref(all);
    if (!found)
        return mu_http_resp_error(resp, 404, "id", "no task %lld", (long long)id);
    return mu_http_resp_json(resp, status, found);
}

int h_drills_held_task_post(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    static const char *const also[] = {"finding", NULL};
    struct mu_http_env *env = ctx;
    struct mu_error err = {0};
    struct mu_http_reg_body b = {0};
    const char *text = NULL, *owner = NULL, *due = NULL;
    const struct mu_http_reg_member m[] = {
        {"text", &text}, {"owner", &owner}, {"due", &due}, {NULL, NULL}};
    int64_t drill = 0;
    int st;
    if ((st = mu_http_reg_id(req, resp, "id", "drill", &drill)) ||
        (st = mu_http_reg_body_read(&b, req, resp, m, also)))
        goto out;
    json_t *fv = json_object_get(b.obj, "finding");
    int finding = 0;
    if (fv && !json_is_null(fv)) {
        if (!json_is_integer(fv) || json_integer_value(fv) < 1 ||
            json_integer_value(fv) > MU_REG_MAX_ITEMS) {
            st = mu_http_resp_error(resp, 400, "finding",
                                    "'finding' must be the number of a finding (1, 2, ...)");
            goto out;
        }
        finding = (int)json_integer_value(fv);
    }
    struct mu_actor a = mu_http_reg_actor(req);
    int64_t id = 0;
    struct mu_store *s = mu_http_store_acquire(env);
    enum mu_err rc = s ? mu_app_drill_task_add(s, &a, drill, finding, text, owner, due, &id, &err)
                       : mu_error_set(&err, MU_ESTORE, "no database");
    st = rc ? mu_http_reg_error(req, resp, rc, &err) : task_json(req, resp, s, id, 201);
    mu_http_store_release(env);
out:
    mu_http_reg_body_release(&b);
    return st;
}

int h_drills_held_task_done(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_http_env *env = ctx;
    struct mu_error err = {0};
    struct mu_http_reg_body b = {0};
    const char *by = NULL;
    const struct mu_http_reg_member m[] = {{"by", &by}, {NULL, NULL}};
    int64_t id = 0;
    int st;
    if ((st = mu_http_reg_id(req, resp, "id", "task", &id)) ||
        (st = mu_http_reg_body_read(&b, req, resp, m, NULL)))
        goto out;
    struct mu_actor a = mu_http_reg_actor(req);
    struct mu_store *s = mu_http_store_acquire(env);
    enum mu_err rc = s ? mu_app_drill_task_done(s, &a, id, by, &err)
                       : mu_error_set(&err, MU_ESTORE, "no database");
    st = rc ? mu_http_reg_error(req, resp, rc, &err) : task_json(req, resp, s, id, 200);
    mu_http_store_release(env);
out:
    mu_http_reg_body_release(&b);
    return st;
}

int h_drills_held_due(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_http_env *env = ctx;
    struct mu_error err = {0};
    int64_t at = 0;
    int32_t within = 0;
    int st;
    if ((st = mu_http_reg_days(req, resp, "within", DUE_WITHIN_DAYS, &within)) ||
        (st = mu_http_query_time(req, resp, "at", mu_http_now_ms(), &at)))
        return st;
    char *out = NULL;
    struct mu_store *s = mu_http_store_acquire(env);
    enum mu_err rc = s ? mu_app_drill_due(s, at, within, MU_REG_JSON, &out, NULL, &err)
                       : mu_error_set(&err, MU_ESTORE, "no database");
    mu_http_store_release(env);
    return mu_http_reg_json_text(req, resp, rc, &err, 200, out);
}

int h_drills_held_xlsx(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    return mu_http_reg_xlsx(req, resp, ctx, MU_LEDGER_DRILLS, 0, 0, 0);
}
