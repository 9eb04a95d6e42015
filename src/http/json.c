/* SPDX-License-Identifier: MIT */
/*
 * JSON in and out of the API, the one module that does it (jansson): reading
 * a request body under the limits of <muster/json_limits.h>, writing JSON
 * responses and the error body {"error":{"code","message","field"}}. The
 * response helpers here are also the only way handlers set a body.
 */
#include "http.h"

#include <muster/json_limits.h>
#include <muster/log.h>
#include <muster/mem.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#include "../util/banned.h"

static const char json_mime[] = "application/json";

void mu_http_resp_init(struct mu_http_resp *resp)
{
    memset(resp, 0, sizeof(*resp));
}

void mu_http_resp_release(struct mu_http_resp *resp)
{
    mu_free(resp->body);
    for (size_t i = 0; i < resp->nheaders; i++)
        mu_free(resp->headers[i].value);
    mu_http_resp_init(resp);
}

/* A body that needs no allocation, for when allocating failed. */
static int set_static_500(struct mu_http_resp *resp)
{
    static const char body[] =
        "{\"error\":{\"code\":\"internal\",\"message\":\"out of memory\"}}";
    mu_free(resp->body);
    resp->body = mu_strdup(body);
    resp->body_len = resp->body ? sizeof(body) - 1 : 0;
    resp->content_type = resp->body ? json_mime : NULL;
    resp->status = 500;
    return 500;
}

int mu_http_resp_header(struct mu_http_resp *resp, const char *name, const char *value)
{
    if (resp->nheaders == MU_HTTP_MAX_RESP_HEADERS) {
        mu_log(MU_LOG_ERROR, "http", "too many response headers (adding '%s')", name);
        return set_static_500(resp);
    }
    char *v = mu_strdup(value);
    if (!v)
        return set_static_500(resp);
    resp->headers[resp->nheaders].name = name;
    resp->headers[resp->nheaders].value = v;
    resp->nheaders++;
    return 0;
}

/* A body being dumped by jansson: grows by doubling. */
struct dump {
    char *p; /* owned */
    size_t len, cap;
};

static int dump_add(const char *buf, size_t size, void *data)
{
    struct dump *d = data;
    if (size > d->cap - d->len) {
        size_t cap = d->cap ? d->cap : 512;
        while (cap - d->len < size) {
            if (cap > SIZE_MAX / 2)
                return -1;
            cap *= 2;
        }
        char *p = mu_realloc(d->p, cap);
        if (!p)
            return -1;
        d->p = p;
        d->cap = cap;
    }
    memcpy(d->p + d->len, buf, size);
    d->len += size;
    return 0;
}

int mu_http_resp_json(struct mu_http_resp *resp, int status, json_t *v)
{
    if (!v)
        return set_static_500(resp);
    /* One pass into memory of our own allocator (the body is freed with
     * mu_free like every other allocation); not json_dumpb() twice, size
     * then bytes, which doubled the cost of every answer. */
    struct dump d = {0};
    int bad = json_dump_callback(v, dump_add, &d, JSON_COMPACT) != 0 || d.len == 0;
    json_decref(v);
    if (bad) {
        mu_free(d.p);
        return set_static_500(resp);
    }
    mu_free(resp->body);
    resp->body = d.p;
    resp->body_len = d.len;
    resp->content_type = json_mime;
    resp->status = status;
    return status;
}

/* Cut @p s back to valid UTF-8: snprintf into a fixed buffer may have
 * split a multi-byte character at the end. */
static void utf8_trim(char *s)
{
    size_t n = strlen(s);
    while (n > 0 && !mu_utf8_valid(s, n))
        n--;
    s[n] = '\0';
}

static int verror(struct mu_http_resp *resp, int status, const char *field, const char *fmt,
                  va_list ap)
{
    char msg[MU_ERROR_MSG_MAX + 64];
    char fld[sizeof(((struct mu_error *)0)->field)];
    vsnprintf(msg, sizeof(msg), fmt, ap);
    utf8_trim(msg);
    snprintf(fld, sizeof(fld), "%s", field ? field : "");
    utf8_trim(fld);
    field = fld;
    json_t *e = json_object();
    json_t *root = json_object();
    if (!e || !root || json_object_set_new(e, "code", json_string(mu_http_status_code(status))) ||
        json_object_set_new(e, "message", json_string(msg)) ||
        (field && *field && json_object_set_new(e, "field", json_string(field))) ||
        json_object_set_new(root, "error", e)) {
        /* json_string() fails on invalid UTF-8: callers pass only checked
         * or sanitized text, so this is a bug or out of memory. */
        json_decref(e);
        json_decref(root);
        return set_static_500(resp);
    }
    return mu_http_resp_json(resp, status, root) == status ? status : 500;
}

int mu_http_resp_error(struct mu_http_resp *resp, int status, const char *field,
                       const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int st = verror(resp, status, field, fmt, ap);
    va_end(ap);
    return st;
}

int mu_http_resp_from_err(struct mu_http_resp *resp, enum mu_err rc, const struct mu_error *err,
                          const char *rid)
{
    int status = mu_http_status_for_err(rc);
    const char *msg = err && err->msg[0] ? err->msg : mu_strerror(rc);
    if (status >= 500) {
        /* Internal detail (paths, SQL errors) stays in the log. */
        mu_log(MU_LOG_ERROR, "http", "rid=%s error: %s", rid ? rid : "-", msg);
        return mu_http_resp_error(resp, status, NULL, "%s (request id %s)", mu_strerror(rc),
                                  rid ? rid : "-");
    }
    return mu_http_resp_error(resp, status, err ? err->field : NULL, "%s", msg);
}

int mu_http_req_json(struct mu_http_req *req, struct mu_http_resp *resp, json_t **out)
{
    struct mu_error err = {0};
    if (req->body_len == 0)
        return mu_http_resp_error(resp, 400, "body", "request body is empty; expected a JSON "
                                  "object");
    const char *ct = mu_http_req_header(req, "Content-Type");
    if (!mu_json_media_type_ok(ct))
        return mu_http_resp_error(resp, 415, "Content-Type",
                                  "request body must be sent as application/json");
    enum mu_err rc = mu_json_parse_body(req->body ? req->body : "", req->body_len,
                                        mu_json_limits_default(), out, &err);
    if (rc)
        return mu_http_resp_from_err(resp, rc, &err, req->rid);
    return 0;
}
