/* SPDX-License-Identifier: MIT */
/*
 * Matching request paths against route patterns with `{name}` segments (see
 * include/muster/route.h). Pure and allocation-free: captures are slices.
 */
#include <muster/route.h>

#include <string.h>

#include "util/banned.h"

static int name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

enum mu_err mu_route_pattern_check(const char *pattern, struct mu_error *err)
{
    const char *names[MU_ROUTE_MAX_PARAMS];
    size_t lens[MU_ROUTE_MAX_PARAMS];
    size_t np = 0;

    if (!pattern || pattern[0] != '/')
        return mu_error_set(err, MU_EINVAL, "route pattern '%s' does not start with '/'",
                            pattern ? pattern : "");
    if (strcmp(pattern, "/") == 0)
        return MU_OK;
    const char *p = pattern + 1;
    for (;;) {
        const char *end = strchr(p, '/');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == 0)
            return mu_error_set(err, MU_EINVAL, "route pattern '%s' has an empty segment",
                                pattern);
        int open = memchr(p, '{', len) != NULL, close = memchr(p, '}', len) != NULL;
        if (open || close) {
            if (p[0] != '{' || p[len - 1] != '}' || len < 3 || memchr(p + 1, '{', len - 1) ||
                memchr(p, '}', len - 1))
                return mu_error_set(err, MU_EINVAL,
                                    "route pattern '%s': a parameter must be a whole segment "
                                    "'{name}'",
                                    pattern);
            for (size_t i = 1; i + 1 < len; i++)
                if (!name_char(p[i]))
                    return mu_error_set(err, MU_EINVAL,
                                        "route pattern '%s': parameter names use [a-z0-9_]",
                                        pattern);
            if (np == MU_ROUTE_MAX_PARAMS)
                return mu_error_set(err, MU_EINVAL, "route pattern '%s' has more than %d "
                                    "parameters", pattern, MU_ROUTE_MAX_PARAMS);
            for (size_t k = 0; k < np; k++)
                if (lens[k] == len - 2 && memcmp(names[k], p + 1, len - 2) == 0)
                    return mu_error_set(err, MU_EINVAL,
                                        "route pattern '%s' repeats parameter '%.*s'", pattern,
                                        (int)(len - 2), p + 1);
            names[np] = p + 1;
            lens[np] = len - 2;
            np++;
        }
        if (!end)
            break;
        p = end + 1;
    }
    return MU_OK;
}

int mu_route_match(const char *pattern, const char *path, size_t len,
                   struct mu_route_params *out)
{
    struct mu_route_params scratch;
    if (!out)
        out = &scratch;
    out->n = 0;
    if (len == 0 || path[0] != '/' || pattern[0] != '/')
        return 0;
    const char *pp = pattern, *sp = path, *send = path + len;
    /* Walk both one segment at a time; pp and sp point at a '/'. */
    for (;;) {
        pp++;
        sp++;
        const char *pe = strchr(pp, '/');
        size_t plen = pe ? (size_t)(pe - pp) : strlen(pp);
        const char *se = memchr(sp, '/', (size_t)(send - sp));
        size_t slen = se ? (size_t)(se - sp) : (size_t)(send - sp);
        if (plen > 0 && pp[0] == '{') {
            if (slen == 0 || out->n == MU_ROUTE_MAX_PARAMS)
                return 0;
            out->v[out->n].name = pp + 1;
            out->v[out->n].name_len = plen - 2;
            out->v[out->n].value = sp;
            out->v[out->n].value_len = slen;
            out->n++;
        } else if (plen != slen || memcmp(pp, sp, plen) != 0) {
            return 0;
        }
        if (!pe || !se)
            return !pe && !se;
        pp = pe;
        sp = se;
    }
}

int64_t mu_route_id(const char *s)
{
    int64_t v = 0;
    size_t len = s ? strlen(s) : 0;
    if (len == 0 || len > 18)
        return 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}
