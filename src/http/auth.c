/* SPDX-License-Identifier: MIT */
/*
 * Authentication, CSRF and access control for every request, and the small
 * session helpers handlers share (the cookie, the CSRF check, form bodies).
 * dispatch() calls mu_http_authenticate() after routing and before the
 * handler: an `Authorization: Bearer mst_...` header is verified as an API
 * token, otherwise the `muster_session` cookie is looked up; a route that is
 * not public needs one of them (401, or a redirect to the login page for
 * HTML routes). A state-changing request made with the cookie must carry the
 * session's CSRF token (header or form field) and, when the browser sends an
 * Origin, come from this server's own origin (403). Then the route's action
 * is checked against the caller's role (403). Secrets are never logged.
 */
#include "auth.h"

#include <muster/log.h>
#include <muster/mem.h>
#include <muster/store.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "../util/banned.h"

/* Why no principal was found, for the 401 message. */
enum cred {
    CRED_NONE = 0,     /* nothing sent */
    CRED_BAD_HEADER,   /* an Authorization header that is not "Bearer <token>" */
    CRED_BAD_TOKEN,    /* unknown, revoked or expired token, or a disabled user */
    CRED_BAD_SESSION,  /* unknown or expired session, or a disabled user */
    CRED_OK,
};

static int state_changing(const char *method)
{
    return strcmp(method, "POST") == 0 || strcmp(method, "PUT") == 0 ||
           strcmp(method, "PATCH") == 0 || strcmp(method, "DELETE") == 0;
}

/* The token of an "Authorization: Bearer <token>" value, or NULL. */
static const char *bearer_token(const char *h)
{
    if (strncasecmp(h, "Bearer", 6) != 0 || (h[6] != ' ' && h[6] != '\t'))
        return NULL;
    h += 7;
    while (*h == ' ' || *h == '\t')
        h++;
    return *h ? h : NULL;
}

/*
 * Find the caller: the token when an Authorization header is sent (a bad
 * one is not overridden by a cookie), else the session cookie. Store
 * failures come back as *rc with *cred CRED_NONE.
 */
static enum cred identify(struct mu_http_env *env, struct mu_http_req *req,
                          struct mu_principal *p, enum mu_err *rc, struct mu_error *err)
{
    const char *authz = mu_http_req_header(req, "Authorization");
    const char *cookie = mu_http_req_cookie(req, MU_HTTP_SESSION_COOKIE);
    const char *token = NULL;
    *rc = MU_OK;
    if (authz) {
        token = bearer_token(authz);
        if (!token)
            return CRED_BAD_HEADER;
    } else if (!cookie || !*cookie) {
        return CRED_NONE;
    }
    int64_t now = mu_http_now_ms();
    /* A token verified since the last change of accounts is taken from
     * this thread's cache: creating or revoking a token, adding, disabling
     * or changing a user are audited as "token.*" and "user.*", and so
     * move the version of that scope (other changes do not). */
    struct mu_token_cache *cache = token ? mu_http_thread_tokens() : NULL;
    uint64_t version = cache ? mu_http_data_version(env, MU_CHANGES_ACCOUNTS) : 0;
    if (cache && mu_token_cache_get(cache, token, version, now, p))
        return CRED_OK;
    struct mu_store *s = mu_http_store_acquire(env);
    enum mu_err r;
    if (!s)
        r = mu_error_set(err, MU_ESTORE, "no database");
    else if (cache)
        r = mu_auth_token_verify_cached(cache, s, version, token, now, p, err);
    else if (token)
        r = mu_auth_token_verify(s, token, now, p, err);
    else
        r = mu_auth_session_lookup(s, cookie, now, p, err);
    mu_http_store_release(env);
    if (r == MU_OK)
        return CRED_OK;
    mu_principal_release(p);
    if (r == MU_ENOTFOUND || r == MU_EINVAL)
        return token ? CRED_BAD_TOKEN : CRED_BAD_SESSION;
    *rc = r;
    return CRED_NONE;
}

/* Percent-encode @p path for a query value: unreserved characters and '/' stay. */
static void encode_next(const char *path, char *out, size_t outsz)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t o = 0;
    for (const unsigned char *c = (const unsigned char *)path; *c && o + 4 < outsz; c++) {
        if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
            *c == '-' || *c == '.' || *c == '_' || *c == '~' || *c == '/') {
            out[o++] = (char)*c;
        } else {
            out[o++] = '%';
            out[o++] = hex[*c >> 4];
            out[o++] = hex[*c & 15];
        }
    }
    out[o] = '\0';
}

static int unauthorized(const struct mu_http_route *route, struct mu_http_req *req,
                        struct mu_http_resp *resp, enum cred why)
{
    if (route->flags & MU_ROUTE_HTML) {
        char next[1024], loc[1100];
        encode_next(req->path, next, sizeof(next));
        snprintf(loc, sizeof(loc), "/login?next=%s", next);
        if (mu_http_resp_header(resp, "Location", loc))
            return 500;
        return 303;
    }
    const char *msg = "authentication required: sign in or send an API token";
    if (why == CRED_BAD_HEADER)
        msg = "the Authorization header must be 'Bearer <token>'";
    else if (why == CRED_BAD_TOKEN)
        msg = "the API token is not valid (unknown, expired or revoked, or its user is disabled)";
    else if (why == CRED_BAD_SESSION)
        msg = "the session has ended or is not valid; sign in again";
    int st = mu_http_resp_error(resp, 401, NULL, "%s", msg);
    if (st == 401 && mu_http_resp_header(resp, "WWW-Authenticate", "Bearer realm=\"muster\""))
        return 500;
    return st;
}

/* Compare @p origin with "scheme://host" of this server; letter case is ignored. */
static int same_origin(const struct mu_http_env *env, const struct mu_http_req *req,
                       const char *origin)
{
    const char *scheme = env->tls ? "https" : "http";
    const char *host = mu_http_req_header(req, "Host");
    if (env->trust_proxy) {
        const char *proto = mu_http_req_header(req, "X-Forwarded-Proto");
        const char *fhost = mu_http_req_header(req, "X-Forwarded-Host");
        if (proto && (strcasecmp(proto, "https") == 0 || strcasecmp(proto, "http") == 0))
            scheme = proto;
        if (fhost && *fhost)
            host = fhost;
    }
    if (!host || !*host)
        return 0;
    size_t sl = strlen(scheme);
    return strncasecmp(origin, scheme, sl) == 0 && strncmp(origin + sl, "://", 3) == 0 &&
           strcasecmp(origin + sl + 3, host) == 0;
}

/*
 * The "csrf" field of an urlencoded body @p body (@p len bytes) into @p out
 * (@p outsz bytes), decoded with the query decoder; 0 when absent, given
 * twice, too long or badly encoded. Only the one field is looked at, so
 * bodies of any size within the body limit work.
 */
static int form_csrf(const char *body, size_t len, char *out, size_t outsz)
{
    const char *p = body, *end = body + len;
    int found = 0;
    while (p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        const char *pe = amp ? amp : end;
        size_t flen = strlen(MU_HTTP_CSRF_FIELD);
        if ((size_t)(pe - p) > flen && memcmp(p, MU_HTTP_CSRF_FIELD, flen) == 0 &&
            p[flen] == '=') {
            const char *v = p + flen + 1;
            size_t vlen = (size_t)(pe - v), n = 0;
            if (found || vlen + 1 > outsz || mu_pct_decode(v, vlen, 1, out, &n) != MU_OK)
                return 0;
            found = 1;
        }
        p = amp ? amp + 1 : end;
    }
    return found;
}

static int is_form(const struct mu_http_req *req)
{
    const char *ct = mu_http_req_header(req, "Content-Type");
    const char form[] = "application/x-www-form-urlencoded";
    size_t n = sizeof(form) - 1;
    return ct && strncasecmp(ct, form, n) == 0 && (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

int mu_http_origin_ok(const struct mu_http_req *req, const struct mu_http_env *env)
{
    const char *origin = mu_http_req_header(req, "Origin");
    return !origin || same_origin(env, req, origin);
}

int mu_http_csrf_ok(const struct mu_http_req *req, const char *form_value)
{
    const struct mu_principal *p = req->principal;
    if (!p || p->via != MU_AUTH_SESSION)
        return 1;
    const char *h = mu_http_req_header(req, MU_HTTP_CSRF_HEADER);
    if (h)
        return mu_auth_csrf_check(p, h);
    return form_value && mu_auth_csrf_check(p, form_value);
}

/* The CSRF and origin checks of a cookie-authenticated, state-changing request. */
static int csrf_refuse(const struct mu_http_env *env, struct mu_http_req *req,
                       struct mu_http_resp *resp)
{
    if (!mu_http_origin_ok(req, env))
        return mu_http_resp_error(resp, 403, "Origin",
                                  "cross-origin request refused: the Origin header does not "
                                  "name this server");
    char field[MU_AUTH_SECRET_LEN + 8];
    const char *form_value = NULL;
    if (!mu_http_req_header(req, MU_HTTP_CSRF_HEADER) && is_form(req) && req->body &&
        form_csrf(req->body, req->body_len, field, sizeof(field)))
        form_value = field;
    if (!mu_http_csrf_ok(req, form_value))
        return mu_http_resp_error(resp, 403, MU_HTTP_CSRF_HEADER, "csrf token missing or wrong");
    return 0;
}

int mu_http_authenticate(struct mu_http_env *env, const struct mu_http_route *route,
                         struct mu_http_req *req, struct mu_http_resp *resp,
                         struct mu_principal *p)
{
    struct mu_error err = {0};
    enum mu_err rc;
    req->principal = NULL;
    enum cred c = identify(env, req, p, &rc, &err);
    if (route->flags & MU_ROUTE_PUBLIC) {
        if (c == CRED_OK)
            req->principal = p;
        else if (rc)
            mu_log(MU_LOG_WARN, "http", "rid=%s cannot identify the caller: %s", req->rid,
                   err.msg);
        return 0; /* public routes never fail here */
    }
    if (rc)
        return mu_http_resp_from_err(resp, rc, &err, req->rid);
    if (c != CRED_OK)
        return unauthorized(route, req, resp, c);
    req->principal = p;
    if (p->via == MU_AUTH_SESSION && state_changing(req->method)) {
        int st = csrf_refuse(env, req, resp);
        if (st) {
            req->principal = NULL;
            return st;
        }
    }
    if (route->flags & MU_ROUTE_ANY_USER)
        return 0;
    const char *unit = mu_http_req_param(req, "unit");
    if (!mu_principal_can(p, route->action, unit)) {
        req->principal = NULL;
        if (unit)
            return mu_http_resp_error(resp, 403, NULL,
                                      "role '%s' may not use '%s %s' for unit '%s'",
                                      mu_role_name(p->role), route->method, route->pattern,
                                      unit);
        return mu_http_resp_error(resp, 403, NULL, "role '%s' may not use '%s %s'",
                                  mu_role_name(p->role), route->method, route->pattern);
    }
    return 0;
}

enum mu_err mu_http_req_form(const struct mu_http_req *req, struct mu_query *out,
                             struct mu_error *err)
{
    if (req->body_len == 0)
        return MU_OK;
    if (!is_form(req))
        return mu_error_field(err, MU_EINVAL, "Content-Type",
                              "form body must be sent as application/x-www-form-urlencoded");
    return mu_query_parse(out, req->body, req->body_len, err);
}

int mu_http_resp_session_cookie(struct mu_http_resp *resp, const struct mu_http_env *env,
                                const char *value, long max_age)
{
    char v[256];
    snprintf(v, sizeof(v), "%s=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%ld%s",
             MU_HTTP_SESSION_COOKIE, value, max_age, env->tls ? "; Secure" : "");
    return mu_http_resp_header(resp, "Set-Cookie", v);
}

json_t *mu_http_units_json(char *const *units, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++)
        if (json_array_append_new(a, json_string(units[i]))) {
            json_decref(a);
            return NULL;
        }
    return a;
}

json_t *mu_http_principal_json(const struct mu_principal *p)
{
    return json_pack("{s:s, s:s, s:o, s:s}", "name", p->name, "role", mu_role_name(p->role),
                     "units", mu_http_units_json(p->units, p->nunits), "lang", p->lang);
}

int mu_http_json_str(struct mu_http_resp *resp, json_t *obj, const char *name, int required,
                     const char **out)
{
    json_t *v = json_object_get(obj, name);
    *out = NULL;
    if (!v || json_is_null(v)) {
        if (!required)
            return 0;
        return mu_http_resp_error(resp, 400, name, "missing '%s'", name);
    }
    if (!json_is_string(v))
        return mu_http_resp_error(resp, 400, name, "'%s' must be a string", name);
    *out = json_string_value(v);
    return 0;
}

const char *mu_http_route_access(const struct mu_http_route *route)
{
    if (route->flags & MU_ROUTE_PUBLIC)
        return "public";
    if (route->flags & MU_ROUTE_ANY_USER)
        return "any-user";
    switch (route->action) {
    case MU_ACTION_READ:
        return "read";
    case MU_ACTION_WRITE:
        return "write";
    case MU_ACTION_ADMIN:
        return "admin";
    case MU_ACTION_UNIT_READ:
        return "unit-read";
    case MU_ACTION_UNIT_WRITE:
        return "unit-write";
    case MU_ACTION_MANAGE:
        return "manage";
    }
    return "admin";
}

void mu_http_routes_print_access(FILE *f)
{
    size_t n = 0;
    const struct mu_http_route *t = mu_http_routes_table(&n);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%s %s %s%s\n", t[i].method, t[i].pattern, mu_http_route_access(&t[i]),
                (t[i].flags & MU_ROUTE_HTML) ? " html" : "");
}
