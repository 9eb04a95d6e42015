/* SPDX-License-Identifier: MIT */
/*
 * URL query strings and pagination for the JSON API. Pure functions: bytes
 * in, decoded parameters out. The HTTP server parses the raw query of every
 * request with mu_query_parse(); every list route reads its page with
 * mu_page_from_query(), so `limit` and `cursor` mean the same everywhere.
 */
#ifndef MUSTER_QUERY_H
#define MUSTER_QUERY_H

#include <stddef.h>
#include "err.h"

#define MU_QUERY_MAX_BYTES 4096 /* longest raw query string accepted */
#define MU_QUERY_MAX_PARAMS 32  /* most name=value pairs accepted */

struct mu_query_param {
    const char *name;  /* decoded, NUL-terminated, non-empty; points into storage */
    const char *value; /* decoded, NUL-terminated, "" for `name` or `name=` */
};

/** A parsed query string; caller-allocated, mu_query_init() then mu_query_release(). */
struct mu_query {
    size_t n;                                      /* pairs in v, in order given */
    struct mu_query_param v[MU_QUERY_MAX_PARAMS];
    char *storage;                                 /* owned: every name and value */
};

/** Make @p q empty (no allocation). */
MU_API void mu_query_init(struct mu_query *q);

/** Free what @p q holds; it is empty and reusable afterwards. */
MU_API void mu_query_release(struct mu_query *q);

/**
 * Parse the raw query @p s (@p len bytes, without the leading '?'):
 * `&`-separated `name[=value]` pairs, `%XX` escapes and `+` for space.
 * Empty pairs (`a=1&&b=2`) are skipped. Names and values must decode to
 * valid UTF-8 without NUL bytes. @p q must be empty (just initialised or
 * released); on failure it stays empty.
 * Errors: MU_EINVAL naming the parameter in err->field (or "query" when the
 * name itself is bad) for a bad escape, bad UTF-8, an empty name, more than
 * MU_QUERY_MAX_PARAMS pairs or more than MU_QUERY_MAX_BYTES bytes;
 * MU_ENOMEM.
 */
MU_API enum mu_err mu_query_parse(struct mu_query *q, const char *s, size_t len,
                                  struct mu_error *err);

/**
 * The value of parameter @p name: *out (borrowed from @p q) is NULL when the
 * parameter is absent. MU_EINVAL naming it when it is given more than once.
 */
MU_API enum mu_err mu_query_get(const struct mu_query *q, const char *name, const char **out,
                                struct mu_error *err);

/**
 * Percent-decode @p len bytes of @p s into @p out, which must hold len + 1
 * bytes; the result is NUL-terminated and its length stored in *out_len.
 * With @p plus_is_space, '+' becomes ' ' (query strings; not paths).
 * MU_EINVAL for a bad escape, an encoded NUL or invalid UTF-8 (no message:
 * the caller names the subject).
 */
MU_API enum mu_err mu_pct_decode(const char *s, size_t len, int plus_is_space, char *out,
                                 size_t *out_len);

/** 1 when the @p len bytes at @p s are valid UTF-8 (no overlongs, no surrogates). */
MU_API int mu_utf8_valid(const char *s, size_t len);

/* ---- pagination ---- */

#define MU_PAGE_LIMIT_DEFAULT 50
#define MU_PAGE_LIMIT_MAX 500
#define MU_PAGE_CURSOR_MAX 256 /* longest cursor accepted, in bytes */

/** One page request of a list route. */
struct mu_page {
    int limit;          /* 1..MU_PAGE_LIMIT_MAX; MU_PAGE_LIMIT_DEFAULT when not given */
    const char *cursor; /* opaque position from a previous page, borrowed from the query;
                           NULL for the first page */
};

/**
 * Read `limit` and `cursor` from @p q into @p out (filled only on success).
 * `limit` is a decimal integer 1..500 without sign or spaces; `cursor` is
 * 1..MU_PAGE_CURSOR_MAX characters from [A-Za-z0-9._~-] (what list routes
 * hand out in "next_cursor"); each may be given once.
 * Errors: MU_EINVAL with err->field "limit" or "cursor".
 */
MU_API enum mu_err mu_page_from_query(const struct mu_query *q, struct mu_page *out,
                                      struct mu_error *err);

#endif
