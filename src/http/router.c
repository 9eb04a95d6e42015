/* SPDX-License-Identifier: MIT */
/*
 * The one route table of the server and its lookup. Adding a route means one
 * line here, a handler in h_<resource>.c and its entry in docs/openapi.yaml
 * (tests/integration/042-openapi-routes.sh fails otherwise). The table is
 * small, so lookup is a linear scan; each pattern match is allocation-free.
 */
#include "router.h"

#include <string.h>

#include "../util/banned.h"

static const struct mu_http_route routes[] = {
    {"GET", "/api/v1/health", h_health_get, MU_ROUTE_PUBLIC, MU_ACTION_READ},
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

void mu_http_routes_print(FILE *f)
{
    for (size_t i = 0; i < NROUTES; i++)
        fprintf(f, "%s %s\n", routes[i].method, routes[i].pattern);
}
