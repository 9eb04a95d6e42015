/* SPDX-License-Identifier: MIT */
/*
 * Accepting JSON from the network: parse a request body with jansson and
 * enforce the API's limits on nesting depth and string length, and decide
 * whether a Content-Type names JSON. Pure functions. The HTTP layer's
 * json.c is the only caller; handlers never parse bodies themselves.
 */
#ifndef MUSTER_JSON_LIMITS_H
#define MUSTER_JSON_LIMITS_H

#include <jansson.h>
#include <stddef.h>
#include "err.h"

#define MU_JSON_DEPTH_MAX 32           /* objects and arrays nested at most this deep */
#define MU_JSON_STRING_MAX (64 * 1024) /* longest string value or key, in bytes */

struct mu_json_limits {
    size_t max_depth;  /* the top-level value is depth 1 */
    size_t max_string; /* bytes, for values and object keys */
};

/** The API's limits: MU_JSON_DEPTH_MAX and MU_JSON_STRING_MAX. */
MU_API const struct mu_json_limits *mu_json_limits_default(void);

/**
 * Check @p v (borrowed) against @p lim. MU_OK, or MU_EINVAL with a message
 * naming the limit and err->field naming where it was exceeded, as a path
 * like "items[2].note" ("body" for the top level; cut to fit the field).
 */
MU_API enum mu_err mu_json_check_limits(const json_t *v, const struct mu_json_limits *lim,
                                        struct mu_error *err);

/**
 * Parse the request body @p buf (@p len bytes) as one JSON object, rejecting
 * duplicate keys and NUL characters, then check it against @p lim (NULL:
 * the defaults). On success *out is a new reference owned by the caller
 * (json_decref). Errors: MU_EINVAL with field "body" (or the path, for a
 * limit) for an empty body, invalid JSON (with line and column), a value
 * that is not an object, or a limit; MU_ENOMEM.
 */
MU_API enum mu_err mu_json_parse_body(const char *buf, size_t len,
                                      const struct mu_json_limits *lim, json_t **out,
                                      struct mu_error *err);

/**
 * 1 when the Content-Type value @p ct is application/json (any letter case),
 * optionally with parameters, where a charset parameter must be utf-8;
 * 0 otherwise, and for NULL.
 */
MU_API int mu_json_media_type_ok(const char *ct);

#endif
