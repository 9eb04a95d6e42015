/* SPDX-License-Identifier: MIT */
/*
 * The route table of the server: every route, in one place, with its method,
 * pattern, handler and flags. Lookup distinguishes "no such path" (404) from
 * "path exists, not with this method" (405 with an Allow list).
 */
#ifndef MU_HTTP_ROUTER_H
#define MU_HTTP_ROUTER_H

#include <stdio.h>

#include <muster/account.h>

#include "http.h"

struct mu_http_route {
    const char *method;          /* "GET", "POST", ... */
    const char *pattern;         /* "/api/v1/plans/{id}"; see <muster/route.h> */
    mu_http_handler_fn *handler;
    unsigned flags;              /* enum mu_route_flags */
    enum mu_action action;       /* the class of the route for access control (account.h);
                                    ignored for MU_ROUTE_PUBLIC routes */
};

enum mu_http_lookup {
    MU_HTTP_FOUND = 0,
    MU_HTTP_NO_PATH,   /* 404 */
    MU_HTTP_NO_METHOD, /* 405; allow is filled */
};

/**
 * Check every pattern of the table and that no (method, pattern) pair is
 * registered twice. MU_EINVAL naming the first bad route. Called at start-up.
 */
enum mu_err mu_http_routes_check(struct mu_error *err);

/**
 * Find the route for @p method and the raw @p path (@p len bytes). HEAD is
 * served by the GET route. On MU_HTTP_FOUND, *out and @p params are set. On
 * MU_HTTP_NO_METHOD, @p allow (@p allowsz bytes) gets "GET, HEAD, POST"-style
 * text listing the methods the path has.
 */
enum mu_http_lookup mu_http_route_find(const char *method, const char *path, size_t len,
                                       const struct mu_http_route **out,
                                       struct mu_route_params *params, char *allow,
                                       size_t allowsz);

/** Print one "METHOD PATTERN" line per route to @p f, in table order. */
void mu_http_routes_print(FILE *f);

/** The route table itself (static) and its length in *n, for auth.c's --print-access. */
const struct mu_http_route *mu_http_routes_table(size_t *n);

/* ---- handlers (h_<resource>.c) ---- */
int h_health_get(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
/* auth and the JSON API (h_session.c, h_me.c, h_users.c, h_plans.c) */
int h_session_post(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_session_delete(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_me_get(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_me_lang_put(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_users_list(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_users_post(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_users_disable(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_users_enable(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_plans_list(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_plans_get(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_plans_version_get(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_plans_diff_get(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_dashboard_get(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);

#endif
