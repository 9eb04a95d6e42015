/* SPDX-License-Identifier: MIT */
/*
 * The one route table of the server and its lookup. Adding a route means one
 * line here, a handler in h_<resource>.c and its entry in docs/openapi.yaml
 * (tests/integration/042-openapi-routes.sh fails otherwise). The table is
 * small, so lookup is a linear scan; each pattern match is allocation-free.
 */
#include "router.h"
#include "web.h"

#include <string.h>

#include "../util/banned.h"

static const struct mu_http_route routes[] = {
    {"GET", "/api/v1/health", h_health_get, MU_ROUTE_PUBLIC, MU_ACTION_READ},
    /* auth and the JSON API (auth.c decides who may call; see auth-http.md) */
    {"POST", "/api/v1/session", h_session_post, MU_ROUTE_PUBLIC | MU_ROUTE_JSON_BODY,
     MU_ACTION_READ},
    {"DELETE", "/api/v1/session", h_session_delete, MU_ROUTE_PUBLIC, MU_ACTION_READ},
    {"GET", "/api/v1/me", h_me_get, MU_ROUTE_ANY_USER, MU_ACTION_READ},
    {"PUT", "/api/v1/me/lang", h_me_lang_put, MU_ROUTE_ANY_USER | MU_ROUTE_JSON_BODY,
     MU_ACTION_READ},
    {"GET", "/api/v1/users", h_users_list, 0, MU_ACTION_ADMIN},
    {"POST", "/api/v1/users", h_users_post, MU_ROUTE_JSON_BODY, MU_ACTION_ADMIN},
    {"POST", "/api/v1/users/{name}/disable", h_users_disable, 0, MU_ACTION_ADMIN},
    {"POST", "/api/v1/users/{name}/enable", h_users_enable, 0, MU_ACTION_ADMIN},
    {"GET", "/api/v1/plans", h_plans_list, 0, MU_ACTION_READ},
    {"GET", "/api/v1/plans/{id}", h_plans_get, 0, MU_ACTION_READ},
    {"GET", "/api/v1/plans/{id}/versions/{version}", h_plans_version_get, 0, MU_ACTION_READ},
    {"GET", "/api/v1/plans/{id}/diff", h_plans_diff_get, 0, MU_ACTION_READ},
    {"GET", "/api/v1/dashboard", h_dashboard_get, 0, MU_ACTION_READ},
    {"GET", "/api/v1/events", h_events_get, MU_ROUTE_ANY_USER, MU_ACTION_READ},
    /* the web UI (h_pages_*.c, static.c; docs/internals/web.md) */
    {"GET", "/", h_page_dashboard, MU_ROUTE_HTML | MU_ROUTE_ANY_USER, MU_ACTION_READ},
    {"GET", "/login", h_page_login_get, MU_ROUTE_PUBLIC | MU_ROUTE_HTML, MU_ACTION_READ},
    {"POST", "/login", h_page_login_post, MU_ROUTE_PUBLIC | MU_ROUTE_HTML, MU_ACTION_READ},
    {"POST", "/logout", h_page_logout_post, MU_ROUTE_PUBLIC | MU_ROUTE_HTML, MU_ACTION_READ},
    {"POST", "/lang", h_page_lang_post, MU_ROUTE_PUBLIC | MU_ROUTE_HTML, MU_ACTION_READ},
    {"GET", "/plans", h_page_plans, MU_ROUTE_HTML, MU_ACTION_READ},
    {"GET", "/plans/{id}", h_page_plan, MU_ROUTE_HTML, MU_ACTION_READ},
    {"GET", "/plans/{id}/diff", h_page_plan_diff, MU_ROUTE_HTML, MU_ACTION_READ},
    {"GET", "/plans/{id}/print", h_page_plan_print, MU_ROUTE_HTML, MU_ACTION_READ},
    {"GET", "/admin/users", h_page_users, MU_ROUTE_HTML, MU_ACTION_ADMIN},
    {"POST", "/admin/users", h_page_users_add, MU_ROUTE_HTML, MU_ACTION_ADMIN},
    {"POST", "/admin/users/{name}/disable", h_page_user_disable, MU_ROUTE_HTML, MU_ACTION_ADMIN},
    {"POST", "/admin/users/{name}/enable", h_page_user_enable, MU_ROUTE_HTML, MU_ACTION_ADMIN},
    {"GET", "/static/{file}", h_static_get, MU_ROUTE_PUBLIC, MU_ACTION_READ},
};

#define NROUTES (sizeof(routes) / sizeof(routes[0]))

enum mu_err mu_http_routes_check(struct mu_error *err)
{
    for (size_t i = 0; i < NROUTES; i++) {
        enum mu_err rc = mu_route_pattern_check(routes[i].pattern, err);
        if (rc)
            return rc;
        if (!routes[i].handler || !routes[i].method || strcmp(routes[i].method, "HEAD") == 0)
            return mu_error_set(err, MU_EINVAL, "route '%s %s' is malformed", routes[i].method,
                                routes[i].pattern);
        for (size_t k = 0; k < i; k++)
            if (strcmp(routes[k].method, routes[i].method) == 0 &&
                strcmp(routes[k].pattern, routes[i].pattern) == 0)
                return mu_error_set(err, MU_EINVAL, "route '%s %s' is registered twice",
                                    routes[i].method, routes[i].pattern);
    }
    return MU_OK;
}

/* Append @p m to the Allow list unless it is there already. */
static void allow_add(char *allow, size_t allowsz, const char *m)
{
    size_t len = strlen(allow), mlen = strlen(m);
    for (const char *p = allow; (p = strstr(p, m)) != NULL; p += mlen)
        if ((p == allow || p[-1] == ' ') && (p[mlen] == ',' || p[mlen] == '\0'))
            return;
    snprintf(allow + len, allowsz - len, "%s%s", len ? ", " : "", m);
}

enum mu_http_lookup mu_http_route_find(const char *method, const char *path, size_t len,
                                       const struct mu_http_route **out,
                                       struct mu_route_params *params, char *allow,
                                       size_t allowsz)
{
    const char *want = strcmp(method, "HEAD") == 0 ? "GET" : method;
    int path_known = 0;
    if (allowsz)
        allow[0] = '\0';
    for (size_t i = 0; i < NROUTES; i++) {
        if (!mu_route_match(routes[i].pattern, path, len, params))
            continue;
        if (strcmp(routes[i].method, want) == 0) {
            *out = &routes[i];
            return MU_HTTP_FOUND;
        }
        path_known = 1;
        if (allowsz) {
            allow_add(allow, allowsz, routes[i].method);
            if (strcmp(routes[i].method, "GET") == 0)
                allow_add(allow, allowsz, "HEAD");
        }
    }
    /* The scan matched again with other routes; params are only valid on FOUND. */
    return path_known ? MU_HTTP_NO_METHOD : MU_HTTP_NO_PATH;
}

const struct mu_http_route *mu_http_routes_table(size_t *n)
{
    *n = NROUTES;
    return routes;
}

void mu_http_routes_print(FILE *f)
{
    for (size_t i = 0; i < NROUTES; i++)
        fprintf(f, "%s %s\n", routes[i].method, routes[i].pattern);
}
