/* SPDX-License-Identifier: MIT */
/*
 * The access log: one line per request through mu_log(), and the path
 * sanitizer shared with error messages that echo a path. What is logged is
 * fixed here: method, path without the query string, status, duration and
 * request id. Never bodies, headers, cookies or tokens.
 */
#ifndef MU_HTTP_ACCESS_LOG_H
#define MU_HTTP_ACCESS_LOG_H

#include <stddef.h>

/** Longest path written to the log or into an error message; longer ones end in "...". */
#define MU_HTTP_LOG_PATH_MAX 256

/**
 * Copy @p len bytes of @p in to @p out (@p outsz bytes, NUL-terminated),
 * writing bytes outside printable ASCII, and '"' and '\\', as %XX (a raw
 * path is already percent-encoded, so '%' stays) so the result is one safe
 * ASCII token; cut at MU_HTTP_LOG_PATH_MAX bytes, or to fit, with "...".
 * Returns the length written.
 */
size_t mu_http_sanitize(const char *in, size_t len, char *out, size_t outsz);

/**
 * Log `method=M path=P status=S dur_ms=D rid=R` at INFO for component
 * "http". @p path is the raw path (@p len bytes, no query); status 0 means
 * the client went away before a response was sent.
 */
void mu_http_access_log(const char *method, const char *path, size_t len, int status,
                        double dur_ms, const char *rid);

#endif
