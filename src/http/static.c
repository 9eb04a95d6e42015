/* SPDX-License-Identifier: MIT */
/*
 * GET /static/{file}: the web UI's stylesheets, script and icon, embedded
 * in the binary. Each has a strong ETag (a hash of its bytes, computed at
 * start) and `Cache-Control: public, max-age=3600`; a matching
 * If-None-Match is answered 304 without a body. Public: the login page
 * needs them before anyone is signed in.
 */
#include "web.h"

#include <muster/mem.h>
#include <stdio.h>
#include <string.h>

#include "../util/banned.h"

static const struct {
    const char *ext;
    const char *type;
} types[] = {
    {".css", "text/css; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
    {".txt", "text/plain; charset=utf-8"},
};

static const char *content_type(const char *path)
{
    size_t n = strlen(path);
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        size_t e = strlen(types[i].ext);
        if (n > e && strcmp(path + n - e, types[i].ext) == 0)
            return types[i].type;
    }
    return "application/octet-stream";
}

/* Whether the If-None-Match value @p inm names @p etag: "*", or a list of
 * entity tags (weak ones compared weakly, as RFC 9110 asks for GET). */
static int etag_matches(const char *inm, const char *etag)
{
    size_t el = strlen(etag);
    const char *p = inm;
    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        if (*p == '*')
            return 1;
        if (p[0] == 'W' && p[1] == '/')
            p += 2;
        if (strncmp(p, etag, el) == 0 && (p[el] == '\0' || p[el] == ',' || p[el] == ' ' ||
                                          p[el] == '\t'))
            return 1;
        while (*p && *p != ',')
            p++;
    }
    return 0;
}

int h_static_get(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    (void)ctx;
    const char *file = mu_http_req_param(req, "file");
    char path[160];
    if (!file || strlen(file) > 128 || file[0] == '.')
        return mu_http_resp_error(resp, 404, NULL, "no such file");
    snprintf(path, sizeof(path), "static/%s", file);
    const struct mu_web_asset *a = mu_web_asset_find(path);
    if (!a)
        return mu_http_resp_error(resp, 404, NULL, "no such file");
    const char *etag = mu_web_asset_etag((size_t)(a - mu_web_assets));
    resp->cache_control = "public, max-age=3600";
    if (etag[0] && mu_http_resp_header(resp, "ETag", etag))
        return 500;
    const char *inm = mu_http_req_header(req, "If-None-Match");
    if (inm && etag[0] && etag_matches(inm, etag))
        return 304;
    char *body = mu_malloc(a->len + 1);
    if (!body)
        return mu_http_resp_from_err(resp, MU_ENOMEM, NULL, req->rid);
    memcpy(body, a->data, a->len);
    body[a->len] = '\0';
    resp->body = body;
    resp->body_len = a->len;
    resp->content_type = content_type(path);
    resp->status = 200;
    return 200;
}
