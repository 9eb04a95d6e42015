/* SPDX-License-Identifier: MIT */
/*
 * The duty roster over the API (docs/internals/roster.md, "HTTP"): the
 * shifts of a date range, who is on duty now, the uncovered hours, the XLSX
 * export (MU_ACTION_READ); generation, overrides and swap decisions
 * (MU_HTTP_ROSTER_EDIT in the route table, see duty.h); and
 * swap requests, which any signed-in user may make. Also the helpers the
 * roster and check-in handlers share (duty.h): dates in the query, offset
 * pagination of a JSON array, file downloads.
 */
#include "auth.h"
#include "duty.h"

#include <errno.h>
#include <fcntl.h>
#include <muster/date.h>
#include <muster/mem.h>
#include <muster/roster.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../util/banned.h"

#define FILE_MAX (64 * 1024 * 1024) /* largest download built in memory */

/* ---------------------------------------------------------------- helpers */

int mu_http_query_day(struct mu_http_req *req, struct mu_http_resp *resp, const char *name,
                      int required, int32_t *out, int *present)
{
    struct mu_error err = {0};
    const char *s = NULL;
    if (present)
        *present = 0;
    if (mu_query_get(&req->query, name, &s, &err))
        return mu_http_resp_from_err(resp, MU_EINVAL, &err, req->rid);
    if (!s) {
        if (required)
            return mu_http_resp_error(resp, 400, name, "missing query parameter '%s'", name);
        return 0;
    }
    if (strlen(s) != 10 || mu_date_parse(s, 10, out, NULL))
        return mu_http_resp_error(resp, 400, name, "'%s' must be a date YYYY-MM-DD", name);
    if (present)
        *present = 1;
    return 0;
}

int mu_http_query_time(struct mu_http_req *req, struct mu_http_resp *resp, const char *name,
                       int64_t dflt, int64_t *out)
{
    struct mu_error err = {0};
    const char *s = NULL;
    if (mu_query_get(&req->query, name, &s, &err))
        return mu_http_resp_from_err(resp, MU_EINVAL, &err, req->rid);
    *out = dflt;
    if (s && mu_local_parse(s, out, NULL))
        return mu_http_resp_error(resp, 400, name,
                                  "'%s' must be a time YYYY-MM-DDTHH:MM[:SS][+08:00]", name);
    return 0;
}

static int stale_cursor(struct mu_http_resp *resp)
{
    return mu_http_resp_error(resp, 400, "cursor",
                              "'cursor' is not a position of this list (stale or forged)");
}

int mu_http_page_window(struct mu_http_req *req, struct mu_http_resp *resp, size_t *start,
                        size_t *limit)
{
    struct mu_error err = {0};
    struct mu_page page;
    *start = 0;
    *limit = 0;
    if (mu_page_from_query(&req->query, &page, &err))
        return mu_http_resp_from_err(resp, MU_EINVAL, &err, req->rid);
    if (page.cursor) {
        size_t v = 0, len = strlen(page.cursor);
        int ok = len <= 9;
        for (size_t i = 0; ok && i < len; i++) {
            ok = page.cursor[i] >= '0' && page.cursor[i] <= '9';
            v = v * 10 + (size_t)(page.cursor[i] - '0');
        }
        if (!ok || v == 0)
            return stale_cursor(resp);
        *start = v;
    }
    *limit = (size_t)page.limit;
    return 0;
}

int mu_http_resp_window(struct mu_http_req *req, struct mu_http_resp *resp, json_t *pageitems,
                        size_t start, size_t n, json_t *extra)
{
    (void)req;
    if (!pageitems || (extra && !json_is_object(extra))) {
        json_decref(pageitems);
        json_decref(extra);
        return mu_http_resp_json(resp, 500, NULL);
    }
    if (start > 0 && start >= n) {
        json_decref(pageitems);
        json_decref(extra);
        return stale_cursor(resp);
    }
    size_t end = start + json_array_size(pageitems);
    json_t *doc = extra ? extra : json_object();
    char next[24];
    snprintf(next, sizeof(next), "%zu", end);
    if (!doc || json_object_set_new(doc, "items", pageitems) ||
        json_object_set_new(doc, "next_cursor", end < n ? json_string(next) : json_null())) {
        json_decref(doc);
        return mu_http_resp_json(resp, 500, NULL);
    }
    return mu_http_resp_json(resp, 200, doc);
}

int mu_http_resp_page(struct mu_http_req *req, struct mu_http_resp *resp, json_t *items,
                      json_t *extra)
{
    size_t start = 0, limit = 0;
    if (!items || (extra && !json_is_object(extra))) {
        json_decref(items);
        json_decref(extra);
        return mu_http_resp_json(resp, 500, NULL);
    }
    int st = mu_http_page_window(req, resp, &start, &limit);
    if (st) {
        json_decref(items);
        json_decref(extra);
        return st;
    }
    size_t n = json_array_size(items);
    size_t end = start < n ? (limit < n - start ? start + limit : n) : start;
    json_t *pageitems = json_array();
    for (size_t i = start; pageitems && i < end; i++)
        if (json_array_append(pageitems, json_array_get(items, i))) {
            json_decref(pageitems);
            pageitems = NULL;
        }
    json_decref(items);
    return mu_http_resp_window(req, resp, pageitems, start, n, extra);
}

int mu_http_tmpfile(char *out, size_t outsz)
{
    const char *dir = getenv("TMPDIR");
    snprintf(out, outsz, "%s/muster-dl-XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkstemp(out);
    if (fd < 0)
        return -1;
    close(fd);
    return 0;
}

int mu_http_resp_file(struct mu_http_resp *resp, const char *path, const char *ctype,
                      const char *filename, const char *rid)
{
    struct mu_error err = {0};
    char *buf = NULL;
    size_t len = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) || st.st_size < 0 || st.st_size > FILE_MAX) {
        mu_error_set(&err, MU_EIO, "cannot read '%s': %s", path, strerror(errno));
        goto fail;
    }
    buf = mu_malloc((size_t)st.st_size + 1);
    if (!buf) {
        mu_error_set(&err, MU_ENOMEM, "out of memory");
        goto fail;
    }
    while (len < (size_t)st.st_size) {
        ssize_t r = read(fd, buf + len, (size_t)st.st_size - len);
        if (r <= 0) {
            mu_error_set(&err, MU_EIO, "cannot read '%s'", path);
            goto fail;
        }
        len += (size_t)r;
    }
    close(fd);
    unlink(path);
    char disp[160];
    snprintf(disp, sizeof(disp), "attachment; filename=\"%s\"", filename);
    mu_free(resp->body);
    resp->body = buf;
    resp->body_len = len;
    resp->content_type = ctype;
    resp->status = 200;
    if (mu_http_resp_header(resp, "Content-Disposition", disp))
        return 500;
    return 200;
fail:
    if (fd >= 0)
        close(fd);
    unlink(path);
    mu_free(buf);
    return mu_http_resp_from_err(resp, err.code ? err.code : MU_EIO, &err, rid);
}

int mu_http_roster_editor(const struct mu_http_req *req)
{
    return mu_principal_can(req->principal, MU_HTTP_ROSTER_EDIT, NULL);
}

static int not_editor(struct mu_http_req *req, struct mu_http_resp *resp)
{
    return mu_http_resp_error(resp, 403, NULL, "role '%s' may not edit the roster",
                              mu_role_name(req->principal ? req->principal->role : MU_ROLE_NONE));
}

/* 400 naming the first member of @p obj not in @p allowed (NULL-terminated); else 0. */
static int only_keys(struct mu_http_resp *resp, json_t *obj, const char *const *allowed)
{
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v) {
        int ok = 0;
        for (size_t i = 0; allowed[i] && !ok; i++)
            ok = strcmp(allowed[i], key) == 0;
        if (!ok)
            return mu_http_resp_error(resp, 400, key, "unknown member '%s'", key);
    }
    return 0;
}

/* Boolean member @p name (absent: 0) into *out; 0 or 400. */
static int json_flag(struct mu_http_resp *resp, json_t *obj, const char *name, int *out)
{
    json_t *v = json_object_get(obj, name);
    *out = 0;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_boolean(v))
        return mu_http_resp_error(resp, 400, name, "'%s' must be true or false", name);
    *out = json_is_true(v);
    return 0;
}

/* A date member "YYYY-MM-DD" into *out; 0 or 400. */
static int json_day(struct mu_http_resp *resp, json_t *obj, const char *name, int32_t *out)
{
    const char *s = NULL;
    int st = mu_http_json_str(resp, obj, name, 1, &s);
    if (st)
        return st;
    if (strlen(s) != 10 || mu_date_parse(s, 10, out, NULL))
        return mu_http_resp_error(resp, 400, name, "'%s' must be a date YYYY-MM-DD", name);
    return 0;
}

static json_t *time_json(int64_t ms)
{
    char t[26];
    if (!ms)
        return json_null();
    mu_local_format(ms, t);
    return json_string(t);
}

/* Parse the JSON array text @p text (taken, mu_free). NULL when out of memory. */
static json_t *array_take(char *text)
{
    json_t *v = text ? json_loads(text, JSON_REJECT_DUPLICATES, NULL) : NULL;
    mu_free(text);
    if (v && !json_is_array(v)) {
        json_decref(v);
        v = NULL;
    }
    return v;
}

/* ---------------------------------------------------------------- reads */

int h_roster_list(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_http_env *env = ctx;
    struct mu_error err = {0};
    int32_t from = 0, to = 0;
    const char *plan = NULL, *person = NULL;
    char *text = NULL;
    int st;
    if ((st = mu_http_query_day(req, resp, "from", 1, &from, NULL)) ||
        (st = mu_http_query_day(req, resp, "to", 1, &to, NULL)))
        return st;
    if (to < from)
        return mu_http_resp_error(resp, 400, "to", "'to' is before 'from'");
    if (to - from > 366)
        return mu_http_resp_error(resp, 400, "to", "at most 366 days at a time");
    if (mu_query_get(&req->query, "plan", &plan, &err) ||
        mu_query_get(&req->query, "person", &person, &err))
        return mu_http_resp_from_err(resp, MU_EINVAL, &err, req->rid);
    struct mu_shift_filter f = {.plan_id = plan, .person = person,
                                .from_ms = mu_local_ms(from, 0), .to_ms = mu_local_ms(to + 1, 0),
                                .by_start = 1};
    struct mu_store *s = mu_http_store_acquire(env);
    enum mu_err rc = s ? mu_app_roster_json(s, &f, &text, &err)
                       : mu_error_set(&err, MU_ESTORE, "no database");
    mu_http_store_release(env);
    if (rc)
        return mu_http_resp_from_err(resp, rc, &err, req->rid);
    return mu_http_resp_page(req, resp, array_take(text), NULL);
}

static json_t *entry_json(const struct mu_roster_entry *e)
{
    return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o}", "id",
                     (json_int_t)e->shift.id, "plan", e->shift.plan_id, "pool", e->shift.pool,
                     "role", e->shift.role, "person", e->shift.person, "name", e->name, "phone",
                     e->phone, "start", time_json(e->shift.start_ms), "end",
                     time_json(e->shift.end_ms));
}

int h_roster_now(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_http_env *env = ctx;
    struct mu_error err = {0};
    struct mu_roster_entry *v = NULL;
    size_t n = 0;
    int64_t at = 0;
    int st;
    if ((st = mu_http_query_time(req, resp, "at", mu_http_now_ms(), &at)))
        return st;
    struct mu_store *s = mu_http_store_acquire(env);
    enum mu_err rc = s ? mu_app_roster_now(s, at, &v, &n, &err)
                       : mu_error_set(&err, MU_ESTORE, "no database");
    mu_http_store_release(env);
    if (rc)
        return mu_http_resp_from_err(resp, rc, &err, req->rid);
    json_t *items = json_array();
    for (size_t i = 0; items && i < n; i++)
        if (json_array_append_new(items, entry_json(&v[i]))) {
            json_decref(items);
            items = NULL;
        }
    mu_roster_entries_free(v, n);
    return mu_http_resp_json(resp, 200,
                             items ? json_pack("{s:o, s:o}", "at", time_json(at), "items", items)
                                   : NULL);
}

int h_roster_gaps(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_http_env *env = ctx;
    struct mu_error err = {0};
    struct mu_roster_gap_info *g = NULL;
    size_t n = 0;
    int32_t from = 0, to = 0;
    const char *plan = NULL;
    int st;
    if ((st = mu_http_query_day(req, resp, "from", 1, &from, NULL)) ||
        (st = mu_http_query_day(req, resp, "to", 1, &to, NULL)))
        return st;
    if (mu_query_get(&req->query, "plan", &plan, &err))
        return mu_http_resp_from_err(resp, MU_EINVAL, &err, req->rid);
    struct mu_store *s = mu_http_store_acquire(env);
    enum mu_err rc = s ? mu_app_roster_gaps(s, plan, from, to, &g, &n, &err)
                       : mu_error_set(&err, MU_ESTORE, "no database");
    mu_http_store_release(env);
    if (rc)
        return mu_http_resp_from_err(resp, rc, &err, req->rid);
    json_t *items = json_array();
    for (size_t i = 0; items && i < n; i++) {
        double hours = (double)(g[i].end_ms - g[i].start_ms) / 3600000.0;
        if (json_array_append_new(items,
                                  json_pack("{s:s, s:s, s:s, s:o, s:o, s:f, s:I}", "plan",
                                            g[i].plan_id, "pool", g[i].pool, "role", g[i].role,
                                            "start", time_json(g[i].start_ms), "end",
                                            time_json(g[i].end_ms), "hours", hours, "missing",
                                            (json_int_t)g[i].missing))) {
            json_decref(items);
            items = NULL;
        }
    }
    mu_roster_gap_infos_free(g, n);
    return mu_http_resp_page(req, resp, items, NULL);
}

int h_roster_xlsx(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_http_env *env = ctx;
    struct mu_error err = {0};
    int32_t from = 0, to = 0;
    const char *plan = NULL;
    char path[512], name[64], a[11], b[11];
    int st;
    if ((st = mu_http_query_day(req, resp, "from", 1, &from, NULL)) ||
        (st = mu_http_query_day(req, resp, "to", 1, &to, NULL)))
        return st;
    if (to < from)
        return mu_http_resp_error(resp, 400, "to", "'to' is before 'from'");
    if (to - from > 366)
        return mu_http_resp_error(resp, 400, "to", "at most 366 days at a time");
    if (mu_query_get(&req->query, "plan", &plan, &err))
        return mu_http_resp_from_err(resp, MU_EINVAL, &err, req->rid);
    if (mu_http_tmpfile(path, sizeof(path)))
        return mu_http_resp_error(resp, 500, NULL, "cannot make a temporary file (request id %s)",
                                  req->rid);
    struct mu_store *s = mu_http_store_acquire(env);
    enum mu_err rc = s ? mu_app_roster_xlsx(s, plan, env->calendar, from, to, path, &err)
                       : mu_error_set(&err, MU_ESTORE, "no database");
    mu_http_store_release(env);
    if (rc) {
        unlink(path);
        return mu_http_resp_from_err(resp, rc, &err, req->rid);
    }
    mu_date_format(from, a);
    mu_date_format(to, b);
    snprintf(name, sizeof(name), "roster-%s-%s.xlsx", a, b);
    return mu_http_resp_file(resp, path,
                             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                             name, req->rid);
}

/* ---------------------------------------------------------------- changes */

int h_roster_generate(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    static const char *const keys[] = {"plan", "from", "to", "replace", "publish", NULL};
    struct mu_http_env *env = ctx;
    struct mu_error err = {0};
    struct mu_roster_gen_result r = {0};
    json_t *body = NULL;
    const char *plan = NULL;
    int32_t from = 0, to = 0;
    int replace = 0, publish = 0, st;
    if (!mu_http_roster_editor(req))
        return not_editor(req, resp);
    if ((st = mu_http_req_json(req, resp, &body)))
        return st;
    if ((st = only_keys(resp, body, keys)) ||
        (st = mu_http_json_str(resp, body, "plan", 1, &plan)) ||
        (st = json_day(resp, body, "from", &from)) || (st = json_day(resp, body, "to", &to)) ||
        (st = json_flag(resp, body, "replace", &replace)) ||
        (st = json_flag(resp, body, "publish", &publish)))
        goto out;
    struct mu_actor actor = {req->principal->name, mu_http_now_ms()};
    unsigned flags = (replace ? MU_ROSTER_REPLACE : 0) | (publish ? MU_ROSTER_PUBLISH : 0);
    struct mu_store *s = mu_http_store_acquire(env);
    enum mu_err rc = s ? mu_app_roster_generate(s, &actor, plan, env->calendar, from, to, flags,
                                                &r, &err)
                       : mu_error_set(&err, MU_ESTORE, "no database");
    mu_http_store_release(env);
    if (rc) {
        if (rc == MU_ENOTFOUND && !err.field[0])
            snprintf(err.field, sizeof(err.field), "plan");
        st = mu_http_resp_from_err(resp, rc, &err, req->rid);
        goto out;
    }
    char a[11], b[11];
    mu_date_format(from, a);
    mu_date_format(to, b);
    st = mu_http_resp_json(resp, 200,
                           json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:I}", "plan", plan,
                                     "from", a, "to", b, "shifts", (json_int_t)r.shifts, "kept",
                                     (json_int_t)r.kept, "gaps", (json_int_t)r.gaps, "deleted",
                                     (json_int_t)r.deleted, "published",
                                     (json_int_t)r.published));
out:
    json_decref(body);
    return st;
}

/* Shift @p id as a list item (with name and phone); store lock held. */
static enum mu_err shift_item(struct mu_store *s, int64_t id, json_t **out, struct mu_error *err)
{
    struct mu_shift sh;
    char *text = NULL;
    memset(&sh, 0, sizeof(sh));
    enum mu_err rc = mu_store_shift_get(s, id, &sh, err);
    if (rc)
        return rc;
    struct mu_shift_filter f = {.plan_id = sh.plan_id, .from_ms = sh.start_ms,
                                .to_ms = sh.start_ms + 1, .by_start = 1};
    rc = mu_app_roster_json(s, &f, &text, err);
    mu_shift_release(&sh);
    if (rc)
        return rc;
    json_t *a = array_take(text);
    size_t i;
    json_t *v;
    *out = NULL;
    json_array_foreach(a, i, v) {
        if (json_integer_value(json_object_get(v, "id")) == id) {
            *out = json_incref(v);
            break;
        }
    }
    json_decref(a);
    return *out ? MU_OK : mu_error_set(err, MU_ENOMEM, "out of memory");
}

int h_roster_override(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    static const char *const keys[] = {"person", "reason", NULL};
    struct mu_http_env *env = ctx;
    struct mu_error err = {0};
    json_t *body = NULL, *item = NULL;
    const char *person = NULL, *reason = NULL;
    int st;
    if (!mu_http_roster_editor(req))
        return not_editor(req, resp);
    int64_t id = mu_route_id(mu_http_req_param(req, "id"));
    if (!id)
        return mu_http_resp_error(resp, 404, "id", "no shift '%s'", mu_http_req_param(req, "id"));
    if ((st = mu_http_req_json(req, resp, &body)))
        return st;
    if ((st = only_keys(resp, body, keys)) ||
        (st = mu_http_json_str(resp, body, "person", 1, &person)) ||
        (st = mu_http_json_str(resp, body, "reason", 0, &reason)))
        goto out;
    struct mu_actor actor = {req->principal->name, mu_http_now_ms()};
    struct mu_store *s = mu_http_store_acquire(env);
    enum mu_err rc = s ? mu_app_roster_override(s, &actor, id, person, reason, &err)
                       : mu_error_set(&err, MU_ESTORE, "no database");
    if (!rc)
        rc = shift_item(s, id, &item, &err);
    mu_http_store_release(env);
    if (rc == MU_EINVAL && !err.field[0])
        snprintf(err.field, sizeof(err.field), "person");
    st = rc ? mu_http_resp_from_err(resp, rc, &err, req->rid) : mu_http_resp_json(resp, 200, item);
out:
    json_decref(body);
    return st;
}

static json_t *swap_json(const struct mu_swap *w)
{
    return json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:o, s:s?, s:o}", "id",
                     (json_int_t)w->id, "shift", (json_int_t)w->shift_id, "from", w->from_person,
                     "to", w->to_person, "requested_by", w->requested_by, "reason",
                     w->reason ? w->reason : "",
                     "state", mu_swap_state_name(w->state), "created_at",
                     time_json(w->created_at), "decided_by",
                     w->decided_by && *w->decided_by ? w->decided_by : NULL, "decided_at",
                     time_json(w->decided_at));
}

int h_roster_swaps_list(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_http_env *env = ctx;
    struct mu_error err = {0};
    struct mu_swap *v = NULL;
    size_t n = 0;
    const char *state = NULL;
    if (mu_query_get(&req->query, "state", &state, &err))
        return mu_http_resp_from_err(resp, MU_EINVAL, &err, req->rid);
    if (state && strcmp(state, "pending") && strcmp(state, "approved") &&
        strcmp(state, "rejected"))
        return mu_http_resp_error(resp, 400, "state",
                                  "'state' must be pending, approved or rejected");
    struct mu_store *s = mu_http_store_acquire(env);
    enum mu_err rc = s ? mu_store_swap_list(s, 0, 0, &v, &n, &err)
                       : mu_error_set(&err, MU_ESTORE, "no database");
    mu_http_store_release(env);
    if (rc)
        return mu_http_resp_from_err(resp, rc, &err, req->rid);
    json_t *items = json_array();
    for (size_t i = 0; items && i < n; i++) {
        if (state && strcmp(state, mu_swap_state_name(v[i].state)) != 0)
            continue;
        if (json_array_append_new(items, swap_json(&v[i]))) {
            json_decref(items);
            items = NULL;
        }
    }
    mu_swaps_free(v, n);
    return mu_http_resp_page(req, resp, items, NULL);
}

int h_roster_swap_post(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    static const char *const keys[] = {"shift", "with", "by", "reason", NULL};
    struct mu_http_env *env = ctx;
    struct mu_error err = {0};
    struct mu_swap w;
    struct mu_shift sh;
    json_t *body = NULL;
    const char *with = NULL, *by = NULL, *reason = NULL;
    int st;
    memset(&w, 0, sizeof(w));
    memset(&sh, 0, sizeof(sh));
    if ((st = mu_http_req_json(req, resp, &body)))
        return st;
    json_t *jshift = json_object_get(body, "shift");
    if ((st = only_keys(resp, body, keys)))
        goto out;
    if (!jshift || !json_is_integer(jshift) || json_integer_value(jshift) < 1) {
        st = mu_http_resp_error(resp, 400, "shift", "'shift' must be a shift id (a number)");
        goto out;
    }
    if ((st = mu_http_json_str(resp, body, "with", 1, &with)) ||
        (st = mu_http_json_str(resp, body, "by", 0, &by)) ||
        (st = mu_http_json_str(resp, body, "reason", 0, &reason)))
        goto out;
    int64_t shift = json_integer_value(jshift), id = 0;
    struct mu_actor actor = {req->principal->name, mu_http_now_ms()};
    struct mu_store *s = mu_http_store_acquire(env);
    enum mu_err rc = s ? mu_store_shift_get(s, shift, &sh, &err)
                       : mu_error_set(&err, MU_ESTORE, "no database");
    if (rc == MU_ENOTFOUND)
        snprintf(err.field, sizeof(err.field), "shift");
    if (!rc)
        rc = mu_app_roster_swap_request(s, &actor, shift, with, by ? by : sh.person,
                                        reason ? reason : "", &id, &err);
    if (!rc)
        rc = mu_store_swap_get(s, id, &w, &err);
    mu_http_store_release(env);
    if (rc == MU_EINVAL && !err.field[0])
        snprintf(err.field, sizeof(err.field), "with");
    st = rc ? mu_http_resp_from_err(resp, rc, &err, req->rid)
            : mu_http_resp_json(resp, 201, swap_json(&w));
out:
    mu_swap_release(&w);
    mu_shift_release(&sh);
    json_decref(body);
    return st;
}

static int swap_decide(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx, int approve)
{
    struct mu_http_env *env = ctx;
    struct mu_error err = {0};
    struct mu_swap w;
    memset(&w, 0, sizeof(w));
    if (!mu_http_roster_editor(req))
        return not_editor(req, resp);
    int64_t id = mu_route_id(mu_http_req_param(req, "id"));
    if (!id)
        return mu_http_resp_error(resp, 404, "id", "no swap request '%s'",
                                  mu_http_req_param(req, "id"));
    struct mu_actor actor = {req->principal->name, mu_http_now_ms()};
    struct mu_store *s = mu_http_store_acquire(env);
    enum mu_err rc = s ? mu_app_roster_swap_decide(s, &actor, id, approve, &err)
                       : mu_error_set(&err, MU_ESTORE, "no database");
    if (!rc)
        rc = mu_store_swap_get(s, id, &w, &err);
    mu_http_store_release(env);
    int st = rc ? mu_http_resp_from_err(resp, rc, &err, req->rid)
                : mu_http_resp_json(resp, 200, swap_json(&w));
    mu_swap_release(&w);
    return st;
}

int h_roster_swap_approve(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    return swap_decide(req, resp, ctx, 1);
}

int h_roster_swap_reject(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    return swap_decide(req, resp, ctx, 0);
}
