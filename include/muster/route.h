/* SPDX-License-Identifier: MIT */
/*
 * Route patterns of the HTTP API: "/api/v1/plans/{id}/versions/{n}". A
 * pattern is a sequence of '/'-separated segments; a segment is either
 * literal text, compared byte for byte with the raw (still percent-encoded)
 * request path, or a parameter `{name}` that matches one non-empty segment.
 * Pure functions; the server's route table (src/http/router.c) uses them.
 */
#ifndef MUSTER_ROUTE_H
#define MUSTER_ROUTE_H

#include <stddef.h>
#include <stdint.h>
#include "err.h"

#define MU_ROUTE_MAX_PARAMS 8

/** Parameters captured by a match: slices borrowed from the pattern and the path. */
struct mu_route_params {
    size_t n;
    struct {
        const char *name;  /* in the pattern, without braces; not NUL-terminated */
        size_t name_len;
        const char *value; /* in the path, raw (percent-encoded); not NUL-terminated */
        size_t value_len;
    } v[MU_ROUTE_MAX_PARAMS];
};

/**
 * Check that @p pattern is well formed: starts with '/', no empty segment
 * (no "//", no trailing '/' except the root "/"), parameters are whole
 * segments `{name}` with name in [a-z0-9_] and unique, at most
 * MU_ROUTE_MAX_PARAMS of them. MU_EINVAL with a message naming the pattern.
 */
MU_API enum mu_err mu_route_pattern_check(const char *pattern, struct mu_error *err);

/**
 * Match the raw request path @p path (@p len bytes, no query string) against
 * the well-formed @p pattern. Returns 1 and fills @p out (may be NULL) when
 * it matches, 0 otherwise (then @p out is unspecified).
 */
MU_API int mu_route_match(const char *pattern, const char *path, size_t len,
                          struct mu_route_params *out);

/**
 * The id in path segment or form value @p s: 1 to 18 decimal digits (no
 * sign, no spaces) of a value of at least 1; 0 for anything else, NULL
 * included. The one rule for ids in URLs and forms.
 */
MU_API int64_t mu_route_id(const char *s);

#endif
