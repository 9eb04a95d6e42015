/* SPDX-License-Identifier: MIT */
/*
 * Plans over the API, for everyone who may read organisation-wide data
 * (MU_ACTION_READ): GET /api/v1/plans lists them a page at a time (the
 * cursor is the last plan id seen), GET /api/v1/plans/{id} gives the latest
 * version as mu_app_plan_show_json() builds it, and
 * GET /api/v1/plans/{id}/versions/{version} an older one,
 * GET /api/v1/plans/{id}/diff?from=N&to=M the line diff of two versions'
 * sources (mu_diff_lines, capped at MU_DIFF_MAX_EDITS changed lines). Also
 * GET /api/v1/dashboard: today's date and working-day status in the
 * organisation's time zone, and the plans; later issues add cards.
 */
#include "auth.h"

#include <muster/app.h>
#include <muster/calendar.h>
#include <muster/date.h>
#include <muster/diff.h>
#include <muster/mem.h>
#include <muster/query.h>
#include <muster/store.h>
#include <stdio.h>
#include <string.h>

#include "../util/banned.h"

/* The organisation's time zone: China Standard Time, UTC+8 without daylight
 * saving. (A setting `org.timezone` may later choose another.) */
#define ORG_UTC_OFFSET_MS (8 * 3600 * 1000LL)

static json_t *time_json(int64_t ms)
{
    char buf[21];
    mu_time_format_utc(ms, buf);
    return json_string(buf);
}

int h_plans_list(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_http_env *env = ctx;
    struct mu_error err = {0};
    struct mu_page page;
    struct mu_plan_summary *v = NULL;
    size_t n = 0, start = 0, end;
    json_t *items = NULL, *next = NULL;

    if (mu_page_from_query(&req->query, &page, &err))
        return mu_http_resp_from_err(resp, MU_EINVAL, &err, req->rid);
    struct mu_store *s = mu_http_store_acquire(env);
    enum mu_err rc = s ? mu_store_plan_list(s, &v, &n, &err)
                       : mu_error_set(&err, MU_ESTORE, "no database");
    mu_http_store_release(env);
    if (rc)
        return mu_http_resp_from_err(resp, rc, &err, req->rid);
    /* Plans come ordered by id; the cursor is the last id seen. */
    if (page.cursor)
        while (start < n && strcmp(v[start].id, page.cursor) <= 0)
            start++;
    items = json_array();
    for (end = start; items && end < n && end - start < (size_t)page.limit; end++)
        if (json_array_append_new(items, json_pack("{s:s, s:s, s:i, s:o, s:s}", "id", v[end].id,
                                                   "title", v[end].title, "version",
                                                   v[end].latest_version, "loaded_at",
                                                   time_json(v[end].loaded_at), "loaded_by",
                                                   v[end].loaded_by))) {
            json_decref(items);
            items = NULL;
        }
    next = end < n && end > start ? json_string(v[end - 1].id) : json_null();
    int st = mu_http_resp_json(resp, 200,
                               items ? json_pack("{s:o, s:o}", "items", items, "next_cursor",
                                                 next)
                                     : NULL);
    if (!items)
        json_decref(next);
    mu_plan_summaries_free(v, n);
    return st;
}

/* Answer version @p version (0 = latest) of the plan named by the route. */
static int plan_show(struct mu_http_req *req, struct mu_http_resp *resp, struct mu_http_env *env,
                     int version)
{
    struct mu_error err = {0};
    char *text = NULL;
    const char *id = mu_http_req_param(req, "id");
    struct mu_store *s = mu_http_store_acquire(env);
    enum mu_err rc = s ? mu_app_plan_show_json(s, id, version, &text, &err)
                       : mu_error_set(&err, MU_ESTORE, "no database");
    mu_http_store_release(env);
    if (rc)
        return mu_http_resp_from_err(resp, rc, &err, req->rid);
    json_error_t jerr;
    json_t *doc = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);
    mu_free(text);
    if (!doc)
        return mu_http_resp_from_err(resp, MU_EINTERNAL, NULL, req->rid);
    return mu_http_resp_json(resp, 200, doc);
}

int h_plans_get(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    return plan_show(req, resp, ctx, 0);
}

/* A version number: decimal 1..999999999 without sign or leading zero; 0 when not. */
static int parse_version(const char *s)
{
    long v = 0;
    size_t len = s ? strlen(s) : 0;
    if (len == 0 || len > 9 || s[0] == '0')
        return 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        v = v * 10 + (s[i] - '0');
    }
    return (int)v;
}

int h_plans_version_get(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    int v = parse_version(mu_http_req_param(req, "version"));
    if (!v)
        return mu_http_resp_error(resp, 400, "version",
                                  "'version' must be a whole number from 1 to 999999999");
    return plan_show(req, resp, ctx, v);
}

/* Query parameter @p name as a version into *out; 0 or 400 with the response set. */
static int query_version(struct mu_http_req *req, struct mu_http_resp *resp, const char *name,
                         int *out)
{
    struct mu_error err = {0};
    const char *s = NULL;
    if (mu_query_get(&req->query, name, &s, &err))
        return mu_http_resp_from_err(resp, MU_EINVAL, &err, req->rid);
    if (!s)
        return mu_http_resp_error(resp, 400, name, "missing query parameter '%s'", name);
    if (!(*out = parse_version(s)))
        return mu_http_resp_error(resp, 400, name,
                                  "'%s' must be a whole number from 1 to 999999999", name);
    return 0;
}

int h_plans_diff_get(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_http_env *env = ctx;
    struct mu_error err = {0};
    struct mu_plan_record a, b;
    struct mu_diff_op *ops = NULL;
    size_t n = 0;
    json_t *lines = NULL;
    int from = 0, to = 0, st;

    memset(&a, 0, sizeof(a));
    memset(&b, 0, sizeof(b));
    if ((st = query_version(req, resp, "from", &from)) ||
        (st = query_version(req, resp, "to", &to)))
        return st;
    const char *id = mu_http_req_param(req, "id");
    struct mu_store *s = mu_http_store_acquire(env);
    enum mu_err rc = s ? mu_store_plan_get(s, id, from, &a, &err)
                       : mu_error_set(&err, MU_ESTORE, "no database");
    if (rc == MU_OK)
        rc = mu_store_plan_get(s, id, to, &b, &err);
    mu_http_store_release(env);
    if (rc == MU_OK)
        rc = mu_diff_lines(a.source, strlen(a.source), b.source, strlen(b.source), 0, &ops, &n,
                           &err);
    if (rc) {
        st = mu_http_resp_from_err(resp, rc, &err, req->rid);
        goto out;
    }
    lines = json_array();
    for (size_t i = 0; lines && i < n; i++) {
        char op[2] = {ops[i].op, '\0'};
        if (json_array_append_new(lines, json_pack("{s:s, s:s%}", "op", op, "text", ops[i].line,
                                                   ops[i].len))) {
            json_decref(lines);
            lines = NULL;
        }
    }
    st = mu_http_resp_json(resp, 200,
                           lines ? json_pack("{s:i, s:i, s:o}", "from", from, "to", to, "lines",
                                             lines)
                                 : NULL);
out:
    mu_free(ops);
    mu_plan_record_release(&a);
    mu_plan_record_release(&b);
    return st;
}

static const char *kind_name(enum mu_day_kind k)
{
    switch (k) {
    case MU_DAY_WORKDAY:
        return "workday";
    case MU_DAY_WEEKEND:
        return "weekend";
    case MU_DAY_HOLIDAY:
        return "holiday";
    case MU_DAY_ADJUSTED:
        return "adjusted";
    }
    return "workday";
}

/*
 * Append @p str as a JSON string at @p o (room for 6 bytes per input byte
 * plus the quotes is the caller's) and return the new end; the bytes are
 * exactly those of jansson's compact dump (quote, backslash and control
 * characters escaped, "\\u%04X" for the others, UTF-8 as it is).
 */
static char *json_put_str(char *o, const char *str)
{
    static const char hex[] = "0123456789ABCDEF";
    *o++ = '"';
    for (const unsigned char *c = (const unsigned char *)str; *c; c++) {
        if (*c == '"' || *c == '\\') {
            *o++ = '\\';
            *o++ = (char)*c;
        } else if (*c >= 0x20) {
            *o++ = (char)*c;
        } else {
            *o++ = '\\';
            switch (*c) {
            case '\b':
                *o++ = 'b';
                break;
            case '\f':
                *o++ = 'f';
                break;
            case '\n':
                *o++ = 'n';
                break;
            case '\r':
                *o++ = 'r';
                break;
            case '\t':
                *o++ = 't';
                break;
            default:
                memcpy(o, "u00", 3);
                o[3] = hex[*c >> 4];
                o[4] = hex[*c & 15];
                o += 5;
            }
        }
    }
    *o++ = '"';
    return o;
}

static char *json_put_lit(char *o, const char *lit)
{
    size_t n = strlen(lit);
    memcpy(o, lit, n);
    return o + n;
}

/* Room json_put_str() may need for @p str; 0 when it is not valid UTF-8 (jansson refuses it). */
static size_t json_str_room(const char *str)
{
    size_t n = strlen(str);
    return mu_utf8_valid(str, n) ? 6 * n + 2 : 0;
}

/*
 * The dashboard body. It is written directly (one allocation, one pass)
 * rather than built as jansson objects and dumped: this route is polled
 * by every open dashboard, and the bytes are the same as the compact dump
 * of {"today":{"date","kind","holiday"},"plans":[{"id","title","version"}],
 * "cards":[]} (tests/integration compare them).
 */
static char *dashboard_body(const char *date, const char *kind, const char *holiday,
                            const struct mu_plan_summary *v, size_t n, size_t *len)
{
    size_t room = 128 + 2 * strlen(date) + strlen(kind), r;
    if (holiday) {
        if (!(r = json_str_room(holiday)))
            return NULL;
        room += r;
    }
    for (size_t i = 0; i < n; i++) {
        size_t ri = json_str_room(v[i].id), rt = json_str_room(v[i].title);
        if (!ri || !rt)
            return NULL;
        room += ri + rt + 64;
    }
    char *buf = mu_malloc(room), *o = buf;
    if (!buf)
        return NULL;
    o = json_put_lit(o, "{\"today\":{\"date\":");
    o = json_put_str(o, date);
    o = json_put_lit(o, ",\"kind\":");
    o = json_put_str(o, kind);
    o = json_put_lit(o, ",\"holiday\":");
    o = holiday ? json_put_str(o, holiday) : json_put_lit(o, "null");
    o = json_put_lit(o, "},\"plans\":[");
    for (size_t i = 0; i < n; i++) {
        o = json_put_lit(o, i ? ",{\"id\":" : "{\"id\":");
        o = json_put_str(o, v[i].id);
        o = json_put_lit(o, ",\"title\":");
        o = json_put_str(o, v[i].title);
        o += snprintf(o, 32, ",\"version\":%d}", v[i].latest_version);
    }
    o = json_put_lit(o, "],\"cards\":[]}");
    *len = (size_t)(o - buf);
    return buf;
}

int h_dashboard_get(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_http_env *env = ctx;
    struct mu_error err = {0};
    struct mu_plan_summary *v = NULL;
    size_t n = 0;

    /* Today in the organisation's zone: whole days since 1970-01-01 there. */
    int64_t local = mu_http_now_ms() + ORG_UTC_OFFSET_MS;
    int64_t days = local >= 0 ? local / 86400000 : -((-local + 86399999) / 86400000);
    int32_t today = mu_date_from_ymd(1970, 1, 1) + (int32_t)days;
    char date[11];
    mu_date_format(today, date);
    const char *holiday = NULL;
    enum mu_day_kind kind = MU_DAY_WORKDAY;
    if (env->calendar) {
        kind = mu_calendar_day(env->calendar, today, &holiday);
    } else {
        int wd = mu_date_weekday(today);
        kind = wd >= 6 ? MU_DAY_WEEKEND : MU_DAY_WORKDAY;
    }

    /* The answer is the same for every caller: the date and the plans,
     * which change only by audited plan loads. Office screens poll it. */
    uint64_t version = mu_http_data_version(env, MU_CHANGES_ANY);
    if (mu_http_cache_get(MU_HTTP_CACHE_DASHBOARD, version, date, resp)) {
        resp->content_type = "application/json";
        resp->status = 200;
        return 200;
    }
    struct mu_store *s = mu_http_store_acquire(env);
    enum mu_err rc = s ? mu_store_plan_list(s, &v, &n, &err)
                       : mu_error_set(&err, MU_ESTORE, "no database");
    mu_http_store_release(env);
    if (rc)
        return mu_http_resp_from_err(resp, rc, &err, req->rid);
    size_t len = 0;
    char *body = dashboard_body(date, kind_name(kind), holiday, v, n, &len);
    mu_plan_summaries_free(v, n);
    if (!body)
        return mu_http_resp_json(resp, 500, NULL);
    mu_http_cache_put(MU_HTTP_CACHE_DASHBOARD, version, date, body, len);
    mu_free(resp->body);
    resp->body = body;
    resp->body_len = len;
    resp->content_type = "application/json";
    resp->status = 200;
    return 200;
}
