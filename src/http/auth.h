/* SPDX-License-Identifier: MIT */
/*
 * The authentication and access-control layer of the server, run by
 * dispatch() between the router and the handler: who is calling (API token
 * or session cookie), whether a state-changing cookie request carries its
 * CSRF token and comes from our own origin, and whether the caller's role
 * may use the route. See docs/internals/auth-http.md.
 */
#ifndef MU_HTTP_AUTH_H
#define MU_HTTP_AUTH_H

#include <stdio.h>

#include <muster/account.h>

#include "http.h"
#include "router.h"

/**
 * Identify the caller of @p req and decide whether @p route may run.
 * @p p is caller-allocated and zeroed; on return it may hold a principal
 * (release it with mu_principal_release() after the handler, whatever this
 * returns). Returns 0 to run the handler, with req->principal set to @p p
 * when someone is signed in (NULL otherwise, public routes only); or an
 * HTTP status with the response set on @p resp: 401 (no or bad
 * credentials; 303 to /login for MU_ROUTE_HTML routes), 403 (CSRF, origin,
 * role), 5xx (the store failed). Public routes never fail here.
 * Thread-safe: takes the store lock for the session or token lookup.
 */
int mu_http_authenticate(struct mu_http_env *env, const struct mu_http_route *route,
                         struct mu_http_req *req, struct mu_http_resp *resp,
                         struct mu_principal *p);

/** A JSON array of the @p n unit ids in @p units (new reference; NULL when out of memory). */
json_t *mu_http_units_json(char *const *units, size_t n);

/**
 * The JSON of a signed-in user as the session and /me routes give it:
 * {"name","role","units":[...],"lang"}. New reference; NULL when out of memory.
 */
json_t *mu_http_principal_json(const struct mu_principal *p);

/**
 * String member @p name of JSON object @p obj into *out (borrowed from
 * @p obj; NULL when absent or null and not @p required). Returns 0, or 400
 * with the response set: "missing 'name'" or "'name' must be a string",
 * naming the field.
 */
int mu_http_json_str(struct mu_http_resp *resp, json_t *obj, const char *name, int required,
                     const char **out);

/**
 * Who may use a route, as a word: "public", "any-user", "read", "write",
 * "admin", "unit-read" or "unit-write". Static.
 */
const char *mu_http_route_access(const struct mu_http_route *route);

/**
 * Print one "METHOD PATTERN ACCESS[ html]" line per route to @p f, in
 * table order (`muster serve --print-access`).
 */
void mu_http_routes_print_access(FILE *f);

#endif
