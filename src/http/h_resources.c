/* SPDX-License-Identifier: MIT */
/*
 * Resources kept ready (应急物资装备) over the API: GET/POST /api/v1/resources
 * (the ledger, a page at a time, ?alerts=1 for those with a low-stock or
 * expiry alert; add one), GET /api/v1/resources/{id} with its movements, the
 * movements adjust {by, reason}, assign and return {incident, quantity},
 * and the XLSX ledger. Quantities, the stock rules and the incident check
 * are the use cases' (src/app/resource.c); a refused movement stores
 * nothing.
 */
#include "duty.h"
#include "registers.h"

#include "../util/banned.h"

#define ALERT_WITHIN_DAYS 30 /* the expiry window of `resource list` */

/* The query of a list or ledger: ?alerts=1&within=DAYS&at=TIME; 0 or 400. */
static int list_query(struct mu_http_req *req, struct mu_http_resp *resp, int *alerts,
                      int32_t *within, int64_t *at)
{
    int st;
    if ((st = mu_http_reg_flag(req, resp, "alerts", alerts)) ||
        (st = mu_http_reg_days(req, resp, "within", ALERT_WITHIN_DAYS, within)) ||
        (st = mu_http_query_time(req, resp, "at", mu_http_now_ms(), at)))
        return st;
    return 0;
}

int h_resources_list(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_http_env *env = ctx;
    struct mu_error err = {0};
    int alerts = 0, st;
    int32_t within = 0;
    int64_t at = 0;
    if ((st = list_query(req, resp, &alerts, &within, &at)))
        return st;
    char *out = NULL;
    struct mu_store *s = mu_http_store_acquire(env);
    enum mu_err rc = s ? mu_app_resource_list(s, alerts, at, within, MU_REG_JSON, &out, &err)
                       : mu_error_set(&err, MU_ESTORE, "no database");
    mu_http_store_release(env);
    return mu_http_reg_page(req, resp, rc, &err, out);
}

static int show(struct mu_http_req *req, struct mu_http_resp *resp, struct mu_store *s, int64_t id,
                int status)
{
    struct mu_error err = {0};
    char *out = NULL;
    enum mu_err rc = mu_app_resource_show(s, id, mu_http_now_ms(), ALERT_WITHIN_DAYS, MU_REG_JSON,
                                          &out, &err);
    return mu_http_reg_json_text(req, resp, rc, &err, status, out);
}

int h_resources_post(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_http_env *env = ctx;
    struct mu_error err = {0};
    struct mu_resource_input in = {0};
    const struct mu_http_reg_member m[] = {{"plan", &in.plan},
                                           {"name", &in.name},
                                           {"category", &in.category},
                                           {"quantity", &in.quantity},
                                           {"unit_of_measure", &in.unit_of_measure},
                                           {"location", &in.location},
                                           {"custodian", &in.custodian},
                                           {"status", &in.status},
                                           {"expires", &in.expires},
                                           {"min", &in.min},
                                           {NULL, NULL}};
    struct mu_http_reg_body b;
    int st;
    if ((st = mu_http_reg_body_read(&b, req, resp, m, NULL)))
        goto out;
    struct mu_actor a = mu_http_reg_actor(req);
    int64_t id = 0;
    struct mu_store *s = mu_http_store_acquire(env);
    enum mu_err rc = s ? mu_app_resource_add(s, &a, &in, &id, &err)
                       : mu_error_set(&err, MU_ESTORE, "no database");
    st = rc ? mu_http_reg_error(req, resp, rc, &err) : show(req, resp, s, id, 201);
    mu_http_store_release(env);
out:
    mu_http_reg_body_release(&b);
    return st;
}

int h_resources_get(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    return mu_http_reg_get(req, resp, ctx, "resource", show);
}

static int move(struct mu_http_req *req, struct mu_http_resp *resp, struct mu_http_env *env,
                enum mu_resource_move_kind kind)
{
    struct mu_error err = {0};
    struct mu_http_reg_body b = {0};
    const char *amount = NULL, *reason = NULL, *inc = NULL;
    const struct mu_http_reg_member adjust[] = {{"by", &amount}, {"reason", &reason}, {NULL, NULL}};
    const struct mu_http_reg_member incident_move[] = {
        {"quantity", &amount}, {"reason", &reason}, {"incident", &inc}, {NULL, NULL}};
    int64_t id = 0, incident = 0;
    int st;
    if ((st = mu_http_reg_id(req, resp, "id", "resource", &id)) ||
        (st = mu_http_reg_body_read(&b, req, resp, kind == MU_MOVE_ADJUST ? adjust : incident_move,
                                    NULL)))
        goto out;
    /* The use case names a missing or bad amount or incident. */
    if (inc)
        incident = mu_route_id(inc) > 0 ? mu_route_id(inc) : -1;
    struct mu_actor a = mu_http_reg_actor(req);
    struct mu_store *s = mu_http_store_acquire(env);
    enum mu_err rc = s ? mu_app_resource_move(s, &a, id, kind, amount, incident, reason, NULL, &err)
                       : mu_error_set(&err, MU_ESTORE, "no database");
    st = rc ? mu_http_reg_error(req, resp, rc, &err) : show(req, resp, s, id, 200);
    mu_http_store_release(env);
out:
    mu_http_reg_body_release(&b);
    return st;
}

int h_resources_adjust(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    return move(req, resp, ctx, MU_MOVE_ADJUST);
}

int h_resources_assign(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    return move(req, resp, ctx, MU_MOVE_ASSIGN);
}

int h_resources_return(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    return move(req, resp, ctx, MU_MOVE_RETURN);
}

int h_resources_xlsx(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    int alerts = 0, st;
    int32_t within = 0;
    int64_t at = 0;
    if ((st = list_query(req, resp, &alerts, &within, &at)))
        return st;
    return mu_http_reg_xlsx(req, resp, ctx, MU_LEDGER_RESOURCES, alerts, at, within);
}
