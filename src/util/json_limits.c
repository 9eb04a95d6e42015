/* SPDX-License-Identifier: MIT */
/*
 * JSON request bodies: parsing with jansson, then the depth and string-length
 * limits of the API, and the Content-Type check (see
 * include/muster/json_limits.h). jansson already refuses nesting beyond its
 * own parser limit, so the recursive walk here is bounded.
 */
#include <muster/json_limits.h>

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "util/banned.h"

static const struct mu_json_limits defaults = {
    .max_depth = MU_JSON_DEPTH_MAX,
    .max_string = MU_JSON_STRING_MAX,
};

const struct mu_json_limits *mu_json_limits_default(void)
{
    return &defaults;
}

/* A path to the current value, for err->field; cut silently when long. */
struct path {
    char s[64];
    size_t len;
};

static size_t path_push_key(struct path *p, const char *key)
{
    size_t old = p->len;
    int n = snprintf(p->s + p->len, sizeof(p->s) - p->len, "%s%s", p->len ? "." : "", key);
    if (n > 0)
        p->len = p->len + (size_t)n < sizeof(p->s) ? p->len + (size_t)n : sizeof(p->s) - 1;
    return old;
}

static size_t path_push_index(struct path *p, size_t i)
{
    size_t old = p->len;
    int n = snprintf(p->s + p->len, sizeof(p->s) - p->len, "[%zu]", i);
    if (n > 0)
        p->len = p->len + (size_t)n < sizeof(p->s) ? p->len + (size_t)n : sizeof(p->s) - 1;
    return old;
}

static void path_pop(struct path *p, size_t old)
{
    p->len = old;
    p->s[old] = '\0';
}

static const char *path_name(const struct path *p)
{
    return p->len ? p->s : "body";
}

static enum mu_err check(const json_t *v, const struct mu_json_limits *lim, size_t depth,
                         struct path *p, struct mu_error *err)
{
    if (json_is_object(v) || json_is_array(v)) {
        if (depth > lim->max_depth)
            return mu_error_field(err, MU_EINVAL, path_name(p),
                                  "JSON nested deeper than %zu levels", lim->max_depth);
    }
    if (json_is_string(v)) {
        if (json_string_length(v) > lim->max_string)
            return mu_error_field(err, MU_EINVAL, path_name(p),
                                  "JSON string longer than %zu bytes", lim->max_string);
    } else if (json_is_object(v)) {
        const char *key;
        json_t *item;
        json_object_foreach((json_t *)v, key, item) {
            size_t old = path_push_key(p, key);
            if (strlen(key) > lim->max_string)
                return mu_error_field(err, MU_EINVAL, path_name(p),
                                      "JSON object key longer than %zu bytes", lim->max_string);
            enum mu_err rc = check(item, lim, depth + 1, p, err);
            if (rc)
                return rc;
            path_pop(p, old);
        }
    } else if (json_is_array(v)) {
        size_t i;
        json_t *item;
        json_array_foreach(v, i, item) {
            size_t old = path_push_index(p, i);
            enum mu_err rc = check(item, lim, depth + 1, p, err);
            if (rc)
                return rc;
            path_pop(p, old);
        }
    }
    return MU_OK;
}

enum mu_err mu_json_check_limits(const json_t *v, const struct mu_json_limits *lim,
                                 struct mu_error *err)
{
    struct path p = {.len = 0};
    p.s[0] = '\0';
    return check(v, lim ? lim : &defaults, 1, &p, err);
}

enum mu_err mu_json_parse_body(const char *buf, size_t len, const struct mu_json_limits *lim,
                               json_t **out, struct mu_error *err)
{
    json_error_t jerr;
    if (len == 0)
        return mu_error_field(err, MU_EINVAL, "body", "request body is empty; expected a JSON "
                              "object");
    json_t *v = json_loadb(buf, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
    if (!v) {
        if (json_error_code(&jerr) == json_error_out_of_memory)
            return mu_error_set(err, MU_ENOMEM, "out of memory parsing JSON");
        return mu_error_field(err, MU_EINVAL, "body", "invalid JSON at line %d column %d: %s",
                              jerr.line, jerr.column, jerr.text);
    }
    if (!json_is_object(v)) {
        json_decref(v);
        return mu_error_field(err, MU_EINVAL, "body", "request body must be a JSON object");
    }
    enum mu_err rc = mu_json_check_limits(v, lim, err);
    if (rc) {
        json_decref(v);
        return rc;
    }
    *out = v;
    return MU_OK;
}

static int is_ows(char c)
{
    return c == ' ' || c == '\t';
}

int mu_json_media_type_ok(const char *ct)
{
    static const char want[] = "application/json";
    if (!ct)
        return 0;
    while (is_ows(*ct))
        ct++;
    if (strncasecmp(ct, want, sizeof(want) - 1) != 0)
        return 0;
    const char *p = ct + sizeof(want) - 1;
    while (is_ows(*p))
        p++;
    /* Parameters: ;name=value or ;name="value"; only charset matters. */
    while (*p) {
        if (*p != ';')
            return 0;
        p++;
        while (is_ows(*p))
            p++;
        const char *name = p;
        while (*p && *p != '=' && *p != ';' && !is_ows(*p))
            p++;
        size_t nlen = (size_t)(p - name);
        if (*p != '=' || nlen == 0)
            return 0;
        p++;
        const char *val = p;
        size_t vlen;
        if (*p == '"') {
            val = ++p;
            while (*p && *p != '"')
                p++;
            if (*p != '"')
                return 0;
            vlen = (size_t)(p - val);
            p++;
        } else {
            while (*p && *p != ';' && !is_ows(*p))
                p++;
            vlen = (size_t)(p - val);
        }
        if (vlen == 0)
            return 0;
        if (nlen == 7 && strncasecmp(name, "charset", 7) == 0 &&
            !(vlen == 5 && strncasecmp(val, "utf-8", 5) == 0))
            return 0;
        while (is_ows(*p))
            p++;
    }
    return 1;
}
