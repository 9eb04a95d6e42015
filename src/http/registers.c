/* SPDX-License-Identifier: MIT */
/*
 * What the register handlers share (registers.h). For the API (h_hazards.c,
 * h_drills_held.c, h_resources.c, h_contacts.c): ids of the path, query
 * flags and day counts, the members of a JSON body read as text for a use
 * case, the use case's JSON or error as the answer, GET of one record and
 * the XLSX downloads. For the pages (h_pages_registers.c,
 * h_pages_checklists.c): form fields, the use case's JSON as page data,
 * error pages, the ?ok= flash, textarea lines, and the frame of a register
 * page's GET and of a form post that either redirects back (303) or
 * re-renders the page with the use case's message naming the field.
 * Pointers handed in are borrowed unless registers.h says otherwise.
 */
#include "registers.h"
#include "duty.h"
#include "web.h"

#include <muster/account.h>
#include <muster/log.h>
#include <muster/mem.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../util/banned.h"

/* ---------------------------------------------------------------- API */

int mu_http_reg_in_list(const char *v, const char *const *list)
{
    for (size_t i = 0; v && list[i]; i++)
        if (strcmp(v, list[i]) == 0)
            return 1;
    return 0;
}

int mu_http_reg_id(struct mu_http_req *req, struct mu_http_resp *resp, const char *name,
                   const char *what, int64_t *id)
{
    const char *s = mu_http_req_param(req, name);
    *id = mu_route_id(s);
    if (*id < 1)
        return mu_http_resp_error(resp, 404, "id", "no %s '%.40s'", what, s ? s : "");
    return 0;
}

/*
 * Member @p key of @p obj as text for a use case: a string as it is, a whole
 * number in decimal (into @p buf), absent or null as NULL. Any other type
 * answers 400 naming the member. Returns 0 or that status.
 */
static int member_text(struct mu_http_resp *resp, json_t *obj, const char *key, char buf[24],
                       const char **out)
{
    json_t *v = json_object_get(obj, key);
    *out = NULL;
    if (!v || json_is_null(v))
        return 0;
    if (json_is_string(v)) {
        *out = json_string_value(v);
        return 0;
    }
    if (json_is_integer(v)) {
        snprintf(buf, 24, "%lld", (long long)json_integer_value(v));
        *out = buf;
        return 0;
    }
    return mu_http_resp_error(resp, 400, key, "'%s' must be a string or a whole number", key);
}

/* Whether @p key is the key of one of @p m. */
static int is_member(const struct mu_http_reg_member *m, const char *key)
{
    for (size_t i = 0; m[i].key; i++)
        if (strcmp(m[i].key, key) == 0)
            return 1;
    return 0;
}

int mu_http_reg_body_read(struct mu_http_reg_body *b, struct mu_http_req *req,
                          struct mu_http_resp *resp, const struct mu_http_reg_member *m,
                          const char *const *also)
{
    const char *key;
    json_t *v;
    int st;
    b->obj = NULL;
    if ((st = mu_http_req_json(req, resp, &b->obj)))
        return st;
    json_object_foreach(b->obj, key, v) {
        if (!is_member(m, key) && !(also && mu_http_reg_in_list(key, also)))
            return mu_http_resp_error(resp, 400, key, "unknown member '%s'", key);
    }
    for (size_t i = 0; m[i].key; i++) {
        if (i == MU_HTTP_REG_MEMBERS_MAX)
            MU_BUG("more body members than MU_HTTP_REG_MEMBERS_MAX");
        if ((st = member_text(resp, b->obj, m[i].key, b->num[i], m[i].out)))
            return st;
    }
    return 0;
}

void mu_http_reg_body_release(struct mu_http_reg_body *b)
{
    json_decref(b->obj);
    b->obj = NULL;
}

int mu_http_reg_error(struct mu_http_req *req, struct mu_http_resp *resp, enum mu_err rc,
                      struct mu_error *err)
{
    if (err && strcmp(err->field, "unit-of-measure") == 0)
        snprintf(err->field, sizeof(err->field), "unit_of_measure");
    return mu_http_resp_from_err(resp, rc, err, req->rid);
}

struct mu_actor mu_http_reg_actor(const struct mu_http_req *req)
{
    struct mu_actor a = {.name = req->principal ? req->principal->name : "api",
                         .now_ms = mu_http_now_ms()};
    return a;
}

int mu_http_reg_json_text(struct mu_http_req *req, struct mu_http_resp *resp, enum mu_err rc,
                          struct mu_error *err, int status, char *text)
{
    if (rc) {
        mu_free(text);
        return mu_http_reg_error(req, resp, rc, err);
    }
    /* The use cases indent their JSON for people; the API answers it compact. */
    json_t *v = json_loads(text, 0, NULL);
    mu_free(text);
    return mu_http_resp_json(resp, status, v);
}

int mu_http_reg_page(struct mu_http_req *req, struct mu_http_resp *resp, enum mu_err rc,
                     struct mu_error *err, char *text)
{
    if (rc) {
        mu_free(text);
        return mu_http_reg_error(req, resp, rc, err);
    }
    json_t *items = json_loads(text, 0, NULL);
    mu_free(text);
    if (!json_is_array(items)) {
        json_decref(items);
        items = NULL;
    }
    return mu_http_resp_page(req, resp, items, NULL);
}

int mu_http_reg_get(struct mu_http_req *req, struct mu_http_resp *resp, struct mu_http_env *env,
                    const char *what, mu_http_reg_show_fn *show)
{
    int64_t id = 0;
    int st;
    if ((st = mu_http_reg_id(req, resp, "id", what, &id)))
        return st;
    struct mu_store *s = mu_http_store_acquire(env);
    st = s ? show(req, resp, s, id, 200) : mu_http_resp_error(resp, 500, NULL, "no database");
    mu_http_store_release(env);
    return st;
}

int mu_http_reg_flag(struct mu_http_req *req, struct mu_http_resp *resp, const char *name, int *out)
{
    const char *v = NULL;
    *out = 0;
    if (mu_query_get(&req->query, name, &v, NULL) == MU_OK && v) {
        if (strcmp(v, "1") != 0 && strcmp(v, "0") != 0)
            return mu_http_resp_error(resp, 400, name, "'%s' must be 0 or 1", name);
        *out = v[0] == '1';
    }
    return 0;
}

int mu_http_reg_days(struct mu_http_req *req, struct mu_http_resp *resp, const char *name, int dflt,
                     int32_t *out)
{
    const char *v = NULL;
    *out = dflt;
    if (mu_query_get(&req->query, name, &v, NULL) == MU_OK && v) {
        int64_t n = strcmp(v, "0") == 0 ? 0 : mu_route_id(v);
        if ((n < 1 && strcmp(v, "0") != 0) || n > 3660)
            return mu_http_resp_error(resp, 400, name, "'%s' must be a number of days, 0 to 3660",
                                      name);
        *out = (int32_t)n;
    }
    return 0;
}

int mu_http_reg_xlsx(struct mu_http_req *req, struct mu_http_resp *resp, struct mu_http_env *env,
                     enum mu_reg_ledger which, int only, int64_t at, int32_t within)
{
    static const char *const names[] = {"hazards.xlsx", "drills-held.xlsx", "resources.xlsx",
                                        "contacts.xlsx"};
    struct mu_error err = {0};
    char path[512];
    if (mu_http_tmpfile(path, sizeof(path)))
        return mu_http_resp_error(resp, 500, NULL, "cannot make a temporary file (request id %s)",
                                  req->rid);
    struct mu_store *s = mu_http_store_acquire(env);
    enum mu_err rc;
    if (!s)
        rc = mu_error_set(&err, MU_ESTORE, "no database");
    else if (which == MU_LEDGER_HAZARDS)
        rc = mu_app_hazard_xlsx(s, only, at, path, &err);
    else if (which == MU_LEDGER_DRILLS)
        rc = mu_app_drill_xlsx(s, path, &err);
    else if (which == MU_LEDGER_RESOURCES)
        rc = mu_app_resource_xlsx(s, only, at, within, path, &err);
    else
        rc = mu_app_contact_xlsx(s, path, &err);
    mu_http_store_release(env);
    if (rc) {
        unlink(path);
        return mu_http_reg_error(req, resp, rc, &err);
    }
    return mu_http_resp_file(resp, path,
                             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                             names[which], req->rid);
}

/* ---------------------------------------------------------------- pages */

const char *mu_web_reg_field(const struct mu_query *q, const char *name)
{
    const char *v = NULL;
    if (!q || mu_query_get(q, name, &v, NULL))
        return NULL;
    return v;
}

const char *mu_web_reg_opt(const struct mu_query *q, const char *name)
{
    const char *v = mu_web_reg_field(q, name);
    return v && *v ? v : NULL;
}

int mu_web_reg_can_write(const struct mu_webpage *pg)
{
    return mu_principal_can(pg->req->principal, MU_ACTION_WRITE, NULL);
}

json_t *mu_web_reg_form_values(const struct mu_query *posted, json_t *dflt)
{
    if (!posted)
        return dflt ? dflt : json_object();
    json_decref(dflt);
    json_t *o = json_object();
    for (size_t i = 0; o && i < posted->n; i++)
        if (strcmp(posted->v[i].name, MU_HTTP_CSRF_FIELD) != 0)
            json_object_set_new(o, posted->v[i].name, json_string(posted->v[i].value));
    return o;
}

json_t *mu_web_reg_doc(char *text)
{
    json_t *v = text ? json_loads(text, 0, NULL) : NULL;
    mu_free(text);
    return v;
}

int mu_web_reg_load(struct mu_webpage *pg, const char *what, enum mu_err rc,
                    const struct mu_error *err, char *text, json_type type, json_t **out)
{
    *out = NULL;
    if (rc) {
        mu_free(text);
        return mu_web_reg_read_failed(pg, what, rc, err);
    }
    json_t *v = mu_web_reg_doc(text);
    if (!v || json_typeof(v) != type) {
        json_decref(v);
        return mu_web_reg_read_failed(pg, what, MU_EINTERNAL, err);
    }
    *out = v;
    return 0;
}

/* A form post's error: the message naming the field, shown above form @p form. */
static void form_error(struct mu_webpage *pg, const char *form, const struct mu_error *err)
{
    const char *f = err->field[0] ? err->field : "form";
    mu_web_set(pg, "form_error",
               json_pack("{s:s, s:s, s:o}", "form", form, "field", f, "text",
                         mu_web_fmt(pg, "registers.error", "msg", err->msg)));
    json_t *e = json_object();
    json_object_set_new(e, f, json_true());
    mu_web_set(pg, "err", e);
}

int mu_web_reg_render(struct mu_webpage *pg, const char *name, int status, const char *which,
                      const struct mu_error *ferr)
{
    if (ferr)
        form_error(pg, which, ferr);
    return mu_web_render(pg, name, status);
}

int mu_web_reg_read_failed(struct mu_webpage *pg, const char *what, enum mu_err rc,
                           const struct mu_error *err)
{
    if (rc == MU_ENOTFOUND)
        return mu_web_error(pg, 404, NULL);
    mu_log(MU_LOG_ERROR, "http", "rid=%s %s page: %s", pg->req->rid, what, err->msg);
    return mu_web_error(pg, 500, NULL);
}

void mu_web_reg_ok_flash(struct mu_webpage *pg, const char *prefix, const char *const *words)
{
    const char *ok = mu_web_reg_field(&pg->req->query, "ok");
    if (mu_http_reg_in_list(ok, words)) {
        char key[64];
        snprintf(key, sizeof(key), "%s.ok_%s", prefix, ok);
        mu_web_flash(pg, "ok", json_string(mu_web_t(pg, key)));
    }
}

void mu_web_reg_begin(struct mu_webpage *pg, struct mu_http_req *req, struct mu_http_resp *resp,
                      void *ctx, const char *title_key)
{
    mu_web_begin(pg, req, resp, ctx);
    mu_web_set(pg, "page_title", json_string(mu_web_t(pg, title_key)));
    mu_web_set(pg, "nav_registers", json_true());
    mu_web_set(pg, "can_write", json_boolean(mu_web_reg_can_write(pg)));
}

size_t mu_web_reg_lines(char *text, const char *blank, const char **out, size_t cap)
{
    size_t n = 0;
    for (char *p = text; p && *p && n < cap;) {
        char *nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        size_t len = strlen(p);
        while (len && (p[len - 1] == '\r' || strchr(blank, p[len - 1])))
            p[--len] = '\0';
        while (*p && strchr(blank, *p))
            p++;
        if (*p)
            out[n++] = p;
        p = nl ? nl + 1 : NULL;
    }
    return n;
}

/* Begin page @p page: its title "PREFIX.title", the nav, can_write. */
static void begin_page(struct mu_webpage *pg, const struct mu_web_reg_page *page,
                       struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    char title[64];
    snprintf(title, sizeof(title), "%s.title", page->prefix);
    mu_web_reg_begin(pg, req, resp, ctx, title);
}

int mu_web_reg_get(const struct mu_web_reg_page *page, struct mu_http_req *req,
                   struct mu_http_resp *resp, void *ctx)
{
    struct mu_webpage pg;
    int64_t id = page->by_id ? mu_route_id(mu_http_req_param(req, "id")) : 0;
    begin_page(&pg, page, req, resp, ctx);
    if (page->oks)
        mu_web_reg_ok_flash(&pg, page->prefix, page->oks);
    int st = !page->by_id || id > 0 ? page->render(&pg, id, 200, NULL, NULL, NULL)
                                    : mu_web_error(&pg, 404, NULL);
    mu_web_end(&pg);
    return st;
}

void mu_web_reg_post_begin(struct mu_web_reg_post *p, const struct mu_web_reg_page *page,
                           struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    memset(p, 0, sizeof(*p));
    p->page = page;
    p->id = mu_route_id(mu_http_req_param(req, "id"));
    begin_page(&p->pg, page, req, resp, ctx);
    mu_query_init(&p->form);
}

int mu_web_reg_post_read(struct mu_web_reg_post *p, int found)
{
    struct mu_error err = {0};
    if (!found)
        return mu_web_error(&p->pg, 404, NULL);
    if (mu_http_req_form(p->pg.req, &p->form, &err))
        return mu_web_error(&p->pg,
                            err.field[0] && strcmp(err.field, "Content-Type") == 0 ? 415 : 400,
                            "form.invalid");
    p->actor = mu_http_reg_actor(p->pg.req);
    return 0;
}

int mu_web_reg_post_refused(struct mu_web_reg_post *p, int64_t id, int status, const char *which)
{
    return p->page->render(&p->pg, id, status, which, &p->form, &p->err);
}

int mu_web_reg_post_done(struct mu_web_reg_post *p, enum mu_err rc, const char *fmt, ...)
{
    char loc[128];
    va_list ap;
    if (rc)
        return mu_web_reg_read_failed(&p->pg, p->page->what, MU_EINTERNAL, &p->err);
    va_start(ap, fmt);
    vsnprintf(loc, sizeof(loc), fmt, ap);
    va_end(ap);
    return mu_web_redirect(p->pg.resp, loc);
}

int mu_web_reg_post_end(struct mu_web_reg_post *p, int status)
{
    mu_query_release(&p->form);
    mu_web_end(&p->pg);
    return status;
}
