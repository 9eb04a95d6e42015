/* SPDX-License-Identifier: MIT */
/*
 * The hazard register over the API (隐患排查整改): GET/POST /api/v1/hazards
 * (the ledger, a page at a time, ?overdue=1 for the overdue ones; record a
 * finding), POST /api/v1/units/{unit}/hazards (a reporter records a finding
 * of their own unit), GET /api/v1/hazards/{id} with its history, the steps
 * rectify, verify, assign and notes, and the XLSX ledger. The rules (only
 * the owner rectifies, never the rectifier verifies) and the field checks
 * are the use cases' (src/app/hazard.c); a refused step stores nothing.
 */
#include "duty.h"
#include "registers.h"

#include <string.h>

#include "../util/banned.h"

/* Hazard @p id as JSON into the response with @p status (the store lock held). */
static int show(struct mu_http_req *req, struct mu_http_resp *resp, struct mu_store *s, int64_t id,
                int status)
{
    struct mu_error err = {0};
    char *out = NULL;
    enum mu_err rc = mu_app_hazard_show(s, id, mu_http_now_ms(), MU_REG_JSON, &out, &err);
    return mu_http_reg_json_text(req, resp, rc, &err, status, out);
}

/* The query of the list and the ledger: ?overdue=1&at=TIME; 0 or 400. */
static int list_query(struct mu_http_req *req, struct mu_http_resp *resp, int *overdue, int64_t *at)
{
    int st;
    if ((st = mu_http_reg_flag(req, resp, "overdue", overdue)) ||
        (st = mu_http_query_time(req, resp, "at", mu_http_now_ms(), at)))
        return st;
    return 0;
}

int h_hazards_list(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_http_env *env = ctx;
    struct mu_error err = {0};
    int overdue = 0, st;
    int64_t at = 0;
    if ((st = list_query(req, resp, &overdue, &at)))
        return st;
    char *out = NULL;
    struct mu_store *s = mu_http_store_acquire(env);
    enum mu_err rc = s ? mu_app_hazard_list(s, overdue, at, MU_REG_JSON, &out, &err)
                       : mu_error_set(&err, MU_ESTORE, "no database");
    mu_http_store_release(env);
    return mu_http_reg_page(req, resp, rc, &err, out);
}

/* Record a hazard from the body; @p unit (may be NULL) is the unit of the path. */
static int add(struct mu_http_req *req, struct mu_http_resp *resp, struct mu_http_env *env,
               const char *unit)
{
    struct mu_error err = {0};
    struct mu_hazard_input in = {0};
    const struct mu_http_reg_member m[] = {
        {"plan", &in.plan},         {"place", &in.place}, {"description", &in.description},
        {"severity", &in.severity}, {"unit", &in.unit},   {"owner", &in.owner},
        {"due", &in.due},           {NULL, NULL}};
    struct mu_http_reg_body b;
    int st;
    if ((st = mu_http_reg_body_read(&b, req, resp, m, NULL)))
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
    mu_http_reg_body_release(&b);
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
    return mu_http_reg_get(req, resp, ctx, "hazard", show);
}

enum step { RECTIFY, VERIFY, ASSIGN, NOTE };

static int step(struct mu_http_req *req, struct mu_http_resp *resp, struct mu_http_env *env,
                enum step which)
{
    struct mu_error err = {0};
    struct mu_http_reg_body b = {0};
    const char *a1 = NULL, *a2 = NULL;
    const struct mu_http_reg_member m[][3] = {[RECTIFY] = {{"by", &a1}, {"note", &a2}},
                                              [VERIFY] = {{"by", &a1}},
                                              [ASSIGN] = {{"owner", &a1}, {"due", &a2}},
                                              [NOTE] = {{"text", &a1}}};
    int64_t id = 0;
    int st;
    if ((st = mu_http_reg_id(req, resp, "id", "hazard", &id)) ||
        (st = mu_http_reg_body_read(&b, req, resp, m[which], NULL)))
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
    mu_http_reg_body_release(&b);
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
    if ((st = list_query(req, resp, &overdue, &at)))
        return st;
    return mu_http_reg_xlsx(req, resp, ctx, MU_LEDGER_HAZARDS, overdue, at, 0);
}
