/* SPDX-License-Identifier: MIT */
/*
 * Query-string parsing, percent-decoding and the pagination parameters of
 * the JSON API (see include/muster/query.h). Pure: no I/O, no globals.
 */
#include <muster/query.h>

#include <muster/mem.h>
#include <stdio.h>
#include <string.h>

#include "util/banned.h"

int mu_utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        unsigned c = p[i];
        size_t need;
        unsigned min;
        if (c < 0x80) {
            i++;
            continue;
        } else if (c >= 0xc2 && c <= 0xdf) {
            need = 1;
            min = 0x80;
        } else if (c >= 0xe0 && c <= 0xef) {
            need = 2;
            min = 0x800;
        } else if (c >= 0xf0 && c <= 0xf4) {
            need = 3;
            min = 0x10000;
        } else {
            return 0;
        }
        if (len - i - 1 < need)
            return 0;
        unsigned cp = c & (0x3f >> need);
        for (size_t k = 1; k <= need; k++) {
            unsigned cc = p[i + k];
            if ((cc & 0xc0) != 0x80)
                return 0;
            cp = (cp << 6) | (cc & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return 0;
        i += need + 1;
    }
    return 1;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

enum mu_err mu_pct_decode(const char *s, size_t len, int plus_is_space, char *out,
                          size_t *out_len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == '%') {
            if (len - i < 3)
                return MU_EINVAL;
            int hi = hexval(s[i + 1]);
            int lo = hexval(s[i + 2]);
            if (hi < 0 || lo < 0)
                return MU_EINVAL;
            c = (char)(hi * 16 + lo);
            if (c == '\0')
                return MU_EINVAL;
            i += 2;
        } else if (c == '+' && plus_is_space) {
            c = ' ';
        } else if (c == '\0') {
            return MU_EINVAL;
        }
        out[n++] = c;
    }
    out[n] = '\0';
    if (!mu_utf8_valid(out, n))
        return MU_EINVAL;
    if (out_len)
        *out_len = n;
    return MU_OK;
}

void mu_query_init(struct mu_query *q)
{
    q->n = 0;
    q->storage = NULL;
}

void mu_query_release(struct mu_query *q)
{
    mu_free(q->storage);
    mu_query_init(q);
}

/* Name of a pair for error messages: decoded when possible, else "query". */
static void name_for_error(const char *s, size_t len, char *out, size_t outsz)
{
    size_t n = 0;
    if (len < outsz && mu_pct_decode(s, len, 1, out, &n) == MU_OK && n > 0)
        return;
    snprintf(out, outsz, "query");
}

enum mu_err mu_query_parse(struct mu_query *q, const char *s, size_t len, struct mu_error *err)
{
    enum mu_err rc = MU_OK;
    char *store = NULL;
    size_t used = 0, n = 0;
    struct mu_query_param v[MU_QUERY_MAX_PARAMS];

    if (len > MU_QUERY_MAX_BYTES)
        return mu_error_field(err, MU_EINVAL, "query", "query string longer than %d bytes",
                              MU_QUERY_MAX_BYTES);
    if (len == 0)
        return MU_OK;
    /* Decoding never grows the text; each pair adds at most two NULs, and
     * there are at most len / 2 + 1 non-empty pairs. */
    store = mu_malloc(2 * len + 2);
    if (!store)
        return mu_error_set(err, MU_ENOMEM, "out of memory parsing the query string");

    size_t i = 0;
    while (i <= len) {
        size_t start = i;
        while (i < len && s[i] != '&')
            i++;
        size_t end = i++; /* skip the '&' (or step past the end) */
        if (end == start)
            continue;
        const char *eq = memchr(s + start, '=', end - start);
        size_t nlen = eq ? (size_t)(eq - (s + start)) : end - start;
        const char *val = eq ? eq + 1 : s + end;
        size_t vlen = eq ? (size_t)(s + end - val) : 0;
        char fname[64];
        if (nlen == 0) {
            rc = mu_error_field(err, MU_EINVAL, "query", "query parameter without a name");
            goto out;
        }
        if (n == MU_QUERY_MAX_PARAMS) {
            rc = mu_error_field(err, MU_EINVAL, "query", "more than %d query parameters",
                                MU_QUERY_MAX_PARAMS);
            goto out;
        }
        size_t dn = 0, dv = 0;
        char *name = store + used;
        if (mu_pct_decode(s + start, nlen, 1, name, &dn) != MU_OK || dn == 0) {
            rc = mu_error_field(err, MU_EINVAL, "query",
                                "query parameter name is not valid percent-encoded UTF-8");
            goto out;
        }
        used += dn + 1;
        char *value = store + used;
        if (mu_pct_decode(val, vlen, 1, value, &dv) != MU_OK) {
            name_for_error(s + start, nlen, fname, sizeof(fname));
            rc = mu_error_field(err, MU_EINVAL, fname,
                                "query parameter '%s' is not valid percent-encoded UTF-8",
                                fname);
            goto out;
        }
        used += dv + 1;
        v[n].name = name;
        v[n].value = value;
        n++;
    }
    memcpy(q->v, v, n * sizeof(v[0]));
    q->n = n;
    q->storage = store;
    store = NULL;
out:
    mu_free(store);
    return rc;
}

enum mu_err mu_query_get(const struct mu_query *q, const char *name, const char **out,
                         struct mu_error *err)
{
    const char *found = NULL;
    for (size_t i = 0; i < q->n; i++) {
        if (strcmp(q->v[i].name, name) != 0)
            continue;
        if (found)
            return mu_error_field(err, MU_EINVAL, name, "query parameter '%s' given more than once",
                                  name);
        found = q->v[i].value;
    }
    *out = found;
    return MU_OK;
}

static int cursor_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '.' || c == '_' || c == '~' || c == '-';
}

enum mu_err mu_page_from_query(const struct mu_query *q, struct mu_page *out,
                               struct mu_error *err)
{
    const char *limit = NULL, *cursor = NULL;
    enum mu_err rc = mu_query_get(q, "limit", &limit, err);
    if (rc)
        return rc;
    rc = mu_query_get(q, "cursor", &cursor, err);
    if (rc)
        return rc;

    int lim = MU_PAGE_LIMIT_DEFAULT;
    if (limit) {
        size_t len = strlen(limit);
        int ok = len > 0 && len <= 3;
        long v = 0;
        for (size_t i = 0; ok && i < len; i++) {
            if (limit[i] < '0' || limit[i] > '9')
                ok = 0;
            else
                v = v * 10 + (limit[i] - '0');
        }
        if (!ok || v < 1 || v > MU_PAGE_LIMIT_MAX)
            return mu_error_field(err, MU_EINVAL, "limit",
                                  "'limit' must be a whole number from 1 to %d",
                                  MU_PAGE_LIMIT_MAX);
        lim = (int)v;
    }
    if (cursor) {
        size_t len = strlen(cursor);
        int ok = len > 0 && len <= MU_PAGE_CURSOR_MAX;
        for (size_t i = 0; ok && i < len; i++)
            ok = cursor_char(cursor[i]);
        if (!ok)
            return mu_error_field(err, MU_EINVAL, "cursor",
                                  "'cursor' is not a cursor from a previous page");
    }
    out->limit = lim;
    out->cursor = cursor;
    return MU_OK;
}
