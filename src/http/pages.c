/* SPDX-License-Identifier: MIT */
/*
 * What the HTML pages share: the templates and catalogues parsed once from
 * the assets embedded in the binary, the page language (the signed-in
 * user's choice, else the `lang` cookie, else Chinese), the layout data
 * every page template expects (user, role, admin flag, CSRF token, current
 * path), rendering into a response, the error pages, redirects, the frame
 * of a form post and the organisation's clock (Asia/Shanghai). Values go into the template data
 * as plain text; escaping is the template engine's job, never a handler's.
 */
#include "web.h"

#include <muster/account.h>
#include <muster/date.h>
#include <muster/log.h>
#include <muster/mem.h>
#include <muster/tmpl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "../util/banned.h"

/* China has one time zone and no daylight saving time. */
#define ORG_UTC_OFFSET_MS (8 * 3600 * 1000LL)

static struct {
    int refs;
    struct mu_tmpl_set *tmpl;
    struct mu_i18n *zh, *en;
    char (*etags)[40]; /* one per asset; "" for non-static ones */
} web;

static const char *cat_text(void *ud, const char *key)
{
    return mu_i18n_get(ud, key);
}

static int has_prefix(const char *s, const char *p)
{
    return strncmp(s, p, strlen(p)) == 0;
}

const struct mu_web_asset *mu_web_asset_find(const char *path)
{
    size_t lo = 0, hi = mu_web_nassets;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(mu_web_assets[mid].path, path);
        if (c == 0)
            return &mu_web_assets[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

const char *mu_web_asset_etag(size_t i)
{
    return web.etags && i < mu_web_nassets ? web.etags[i] : "";
}

void mu_web_stop(void)
{
    if (web.refs == 0 || --web.refs > 0)
        return;
    mu_tmpl_set_free(web.tmpl);
    mu_i18n_free(web.zh);
    mu_i18n_free(web.en);
    mu_free(web.etags);
    memset(&web, 0, sizeof(web));
}

enum mu_err mu_web_start(struct mu_error *err)
{
    if (web.refs > 0) {
        web.refs++;
        return MU_OK;
    }
    enum mu_err rc = MU_OK;
    web.refs = 1;
    web.tmpl = mu_tmpl_set_new();
    web.etags = mu_calloc(mu_web_nassets ? mu_web_nassets : 1, sizeof(*web.etags));
    if (!web.tmpl || !web.etags || sodium_init() < 0) {
        rc = mu_error_set(err, MU_ENOMEM, "out of memory loading the web UI");
        goto out;
    }
    for (size_t i = 0; i < mu_web_nassets && !rc; i++) {
        const struct mu_web_asset *a = &mu_web_assets[i];
        const char *text = (const char *)a->data;
        size_t plen = strlen(a->path);
        if (has_prefix(a->path, "templates/") && plen > 15 &&
            strcmp(a->path + plen - 5, ".html") == 0) {
            char name[80];
            snprintf(name, sizeof(name), "%.*s", (int)(plen - 15), a->path + 10);
            rc = mu_tmpl_set_add(web.tmpl, name, text, a->len, err);
        } else if (strcmp(a->path, "i18n/zh.txt") == 0) {
            rc = mu_i18n_parse("web/i18n/zh.txt", text, a->len, &web.zh, err);
        } else if (strcmp(a->path, "i18n/en.txt") == 0) {
            rc = mu_i18n_parse("web/i18n/en.txt", text, a->len, &web.en, err);
        } else if (has_prefix(a->path, "static/")) {
            unsigned char h[16];
            char hex[33];
            crypto_generichash(h, sizeof(h), a->data, a->len, NULL, 0);
            sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
            snprintf(web.etags[i], sizeof(web.etags[i]), "\"%s\"", hex);
        }
    }
    if (rc)
        goto out;
    if (!web.zh || !web.en) {
        rc = mu_error_set(err, MU_EINVAL, "the web UI's catalogues are not embedded");
        goto out;
    }
    if ((rc = mu_i18n_same_keys(web.zh, web.en, err)))
        goto out;
    rc = mu_tmpl_set_check(web.tmpl, cat_text, web.zh, err);
out:
    if (rc) {
        web.refs = 1;
        mu_web_stop();
    }
    return rc;
}

/* ---- small strings ---- */

/* A growable string for building paths and texts; oom is sticky. */
struct str {
    char *p;
    size_t len, cap;
    int oom;
};

static void str_add(struct str *s, const char *d, size_t n)
{
    if (s->oom)
        return;
    if (s->len + n + 1 > s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        while (cap < s->len + n + 1)
            cap *= 2;
        char *p = mu_realloc(s->p, cap);
        if (!p) {
            s->oom = 1;
            return;
        }
        s->p = p;
        s->cap = cap;
    }
    memcpy(s->p + s->len, d, n);
    s->len += n;
    s->p[s->len] = '\0';
}

static void str_adds(struct str *s, const char *d)
{
    str_add(s, d, strlen(d));
}

/* Percent-encode @p v for a query string: unreserved characters stay. */
static void str_add_pct(struct str *s, const char *v)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *c = (const unsigned char *)v; *c; c++) {
        if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
            *c == '-' || *c == '.' || *c == '_' || *c == '~') {
            str_add(s, (const char *)c, 1);
        } else {
            char e[3] = {'%', hex[*c >> 4], hex[*c & 15]};
            str_add(s, e, 3);
        }
    }
}

/* A JSON string of @p s, taking it (NULL on failure; s freed either way). */
static json_t *str_json(struct str *s)
{
    json_t *v = s->oom ? NULL : json_string(s->p ? s->p : "");
    mu_free(s->p);
    memset(s, 0, sizeof(*s));
    return v;
}

/* ---- the page ---- */

static const char *pick_lang(const struct mu_http_req *req, const struct mu_principal *p)
{
    if (p && strcmp(p->lang, "en") == 0)
        return "en";
    if (p && strcmp(p->lang, "zh") == 0)
        return "zh";
    const char *c = mu_http_req_cookie(req, "lang");
    if (c && strcmp(c, "en") == 0)
        return "en";
    return "zh";
}

const char *mu_web_t(const struct mu_webpage *pg, const char *key)
{
    return mu_i18n_t(pg->cat, key);
}

void mu_web_set(struct mu_webpage *pg, const char *key, json_t *v)
{
    if (!v || !pg->data || json_object_set_new(pg->data, key, v))
        pg->oom = 1;
}

json_t *mu_web_fmt(const struct mu_webpage *pg, const char *key, const char *name,
                    const char *value)
{
    const char *text = mu_web_t(pg, key);
    char pat[64];
    snprintf(pat, sizeof(pat), "{%s}", name);
    const char *at = strstr(text, pat);
    if (!at)
        return json_string(text);
    struct str s = {0};
    str_add(&s, text, (size_t)(at - text));
    str_adds(&s, value);
    str_adds(&s, at + strlen(pat));
    return str_json(&s);
}

void mu_web_flash(struct mu_webpage *pg, const char *kind, json_t *text)
{
    mu_web_set(pg, "flash",
                text ? json_pack("{s:s, s:s, s:o}", "kind", kind, "role",
                                 strcmp(kind, "error") == 0 ? "alert" : "status", "text", text)
                     : NULL);
}

/* The current path with its query, re-encoded: where the language form returns to. */
static json_t *here_json(const struct mu_http_req *req)
{
    struct str s = {0};
    str_adds(&s, req->path && mu_web_local_path(req->path) ? req->path : "/");
    for (size_t i = 0; i < req->query.n; i++) {
        str_adds(&s, i ? "&" : "?");
        str_add_pct(&s, req->query.v[i].name);
        str_adds(&s, "=");
        str_add_pct(&s, req->query.v[i].value);
    }
    return str_json(&s);
}

static void begin(struct mu_webpage *pg, struct mu_http_req *req, struct mu_http_resp *resp,
                  void *ctx, const struct mu_principal *p)
{
    memset(pg, 0, sizeof(*pg));
    pg->req = req;
    pg->resp = resp;
    pg->env = ctx;
    pg->lang = pick_lang(req, p);
    pg->cat = strcmp(pg->lang, "en") == 0 ? web.en : web.zh;
    pg->data = json_object();
    mu_web_set(pg, "lang_zh", json_boolean(strcmp(pg->lang, "zh") == 0));
    mu_web_set(pg, "lang_en", json_boolean(strcmp(pg->lang, "en") == 0));
    mu_web_set(pg, "here", here_json(req));
    mu_web_set(pg, "page_title", json_string(mu_web_t(pg, "app.tagline")));
    mu_web_set(pg, "logged_in", json_boolean(p != NULL));
    if (p) {
        char key[32];
        snprintf(key, sizeof(key), "role.%s", mu_role_name(p->role));
        mu_web_set(pg, "user",
                    json_pack("{s:s, s:s}", "name", p->name, "role_label", mu_web_t(pg, key)));
        mu_web_set(pg, "is_admin", json_boolean(p->role == MU_ROLE_ADMIN));
        mu_web_set(pg, "csrf", json_string(p->csrf));
    }
}

void mu_web_begin(struct mu_webpage *pg, struct mu_http_req *req, struct mu_http_resp *resp,
                   void *ctx)
{
    begin(pg, req, resp, ctx, req->principal);
}

void mu_web_end(struct mu_webpage *pg)
{
    json_decref(pg->data);
    pg->data = NULL;
}

int mu_web_render(struct mu_webpage *pg, const char *name, int status)
{
    struct mu_error err = {0};
    char *out = NULL;
    size_t len = 0;
    enum mu_err rc;
    if (!web.tmpl)
        rc = mu_error_set(&err, MU_EINTERNAL, "the web UI is not loaded");
    else if (pg->oom)
        rc = mu_error_set(&err, MU_ENOMEM, "out of memory building page '%s'", name);
    else
        rc = mu_tmpl_render(web.tmpl, name, pg->data, cat_text, (void *)pg->cat, &out, &len,
                            &err);
    mu_free(pg->resp->body);
    pg->resp->body = NULL;
    if (rc)
        return mu_http_resp_from_err(pg->resp, rc == MU_ENOTFOUND ? MU_EINTERNAL : rc, &err,
                                     pg->req->rid);
    /* Template comments and partials leave blank lines before the doctype. */
    size_t skip = 0;
    while (skip < len && (out[skip] == '\n' || out[skip] == ' ' || out[skip] == '\r'))
        skip++;
    memmove(out, out + skip, len - skip + 1);
    pg->resp->body = out;
    pg->resp->body_len = len - skip;
    pg->resp->content_type = "text/html; charset=utf-8";
    pg->resp->status = status;
    return status;
}

int mu_web_error(struct mu_webpage *pg, int status, const char *detail_key)
{
    char key[32], dkey[40];
    snprintf(key, sizeof(key), "error.%d", status);
    snprintf(dkey, sizeof(dkey), "error.%d.detail", status);
    const char *title = mu_i18n_get(pg->cat, key);
    if (!title)
        title = mu_web_t(pg, "error.generic");
    const char *detail = detail_key ? mu_web_t(pg, detail_key) : mu_i18n_get(pg->cat, dkey);
    mu_web_set(pg, "status", json_integer(status));
    mu_web_set(pg, "page_title", json_string(title));
    mu_web_set(pg, "title", json_string(title));
    mu_web_set(pg, "detail", json_string(detail ? detail : ""));
    if (status >= 500)
        mu_web_set(pg, "rid", json_string(pg->req->rid));
    return mu_web_render(pg, "error", status);
}

int mu_http_page_error(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx,
                       const struct mu_principal *principal, int status)
{
    struct mu_webpage pg;
    begin(&pg, req, resp, ctx, principal);
    int st = mu_web_error(&pg, status, NULL);
    mu_web_end(&pg);
    return st;
}

const char *mu_web_label(const struct mu_webpage *pg, const char *prefix, const char *name)
{
    char key[96];
    snprintf(key, sizeof(key), "%s.%s", prefix, name ? name : "");
    return mu_web_t(pg, key);
}

int mu_web_fail(struct mu_webpage *pg, const char *what, const struct mu_error *err)
{
    mu_log(MU_LOG_ERROR, "http", "rid=%s %s: %s", pg->req->rid, what, err->msg);
    return mu_web_error(pg, 500, NULL);
}

void mu_web_post_begin(struct mu_web_post *p, struct mu_http_req *req, struct mu_http_resp *resp,
                       void *ctx)
{
    mu_query_init(&p->form);
    mu_web_begin(&p->pg, req, resp, ctx);
}

int mu_web_post_read(struct mu_web_post *p, unsigned flags)
{
    struct mu_error err = {0};
    enum mu_err rc = mu_http_req_form(p->pg.req, &p->form, &err);
    if (!rc)
        return 0;
    if (rc == MU_ENOMEM && (flags & MU_WEB_POST_OOM_500))
        return mu_web_error(&p->pg, 500, NULL);
    int not_form = (flags & MU_WEB_POST_415) && strcmp(err.field, "Content-Type") == 0;
    return mu_web_error(&p->pg, not_form ? 415 : 400, "form.invalid");
}

int mu_web_post_end(struct mu_web_post *p, int status)
{
    mu_query_release(&p->form);
    mu_web_end(&p->pg);
    return status;
}

int mu_web_local_path(const char *s)
{
    if (!s || s[0] != '/' || s[1] == '/' || s[1] == '\\')
        return 0;
    for (const unsigned char *c = (const unsigned char *)s; *c; c++)
        if (*c < 0x20 || *c == 0x7f || *c == '\\')
            return 0;
    return strlen(s) <= 2048;
}

int mu_web_redirect(struct mu_http_resp *resp, const char *location)
{
    mu_free(resp->body);
    resp->body = NULL;
    resp->body_len = 0;
    resp->content_type = NULL;
    if (mu_http_resp_header(resp, "Location", location))
        return 500;
    return 303;
}

void mu_web_time(int64_t ms, char out[static 17])
{
    int64_t local = ms + ORG_UTC_OFFSET_MS;
    int64_t days = local >= 0 ? local / 86400000 : -((-local + 86399999) / 86400000);
    int64_t rem = local - days * 86400000;
    char date[11];
    mu_date_format(mu_date_from_ymd(1970, 1, 1) + (int32_t)days, date);
    unsigned minutes = (unsigned)(rem / 60000) % 1440;
    memcpy(out, date, 10);
    out[10] = ' ';
    out[11] = (char)('0' + minutes / 600);
    out[12] = (char)('0' + minutes / 60 % 10);
    out[13] = ':';
    out[14] = (char)('0' + minutes % 60 / 10);
    out[15] = (char)('0' + minutes % 10);
    out[16] = '\0';
}

int32_t mu_web_today(void)
{
    int64_t local = mu_http_now_ms() + ORG_UTC_OFFSET_MS;
    int64_t days = local >= 0 ? local / 86400000 : -((-local + 86399999) / 86400000);
    return mu_date_from_ymd(1970, 1, 1) + (int32_t)days;
}
