/* SPDX-License-Identifier: MIT */
/*
 * Uploads and downloads of attachments: POST/GET
 * /api/v1/cases/{id}/attachments[/{att}] and /api/v1/hazards/{id}/photos[/{att}].
 * An upload's body is the raw file, its Content-Type one of image/jpeg,
 * image/png, application/pdf or text/plain (hazard photos: the two image
 * types) and it must agree with what the bytes are; the file name comes from
 * ?name= or the Content-Disposition filename. Case files are for officers
 * and admins only (they may carry the complainant's personal data), and
 * each download needs ?reason= and is audited with who and why. The work is
 * done by src/app/attachment.c.
 */
#include "attachments.h"
#include "cases.h"

#include <muster/account.h>
#include <muster/attachment.h>
#include <muster/mem.h>
#include <muster/register.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/banned.h"

static struct mu_actor actor_of(const struct mu_http_req *req)
{
    struct mu_actor a = {.name = req->principal ? req->principal->name : "api",
                         .now_ms = mu_http_now_ms()};
    return a;
}

static int is_officer(const struct mu_http_req *req)
{
    return req->principal &&
           (req->principal->role == MU_ROLE_ADMIN || req->principal->role == MU_ROLE_OFFICER);
}

static int officers_only(const struct mu_http_req *req, struct mu_http_resp *resp)
{
    if (is_officer(req))
        return 0;
    return mu_http_resp_error(resp, 403, NULL,
                              "case attachments are for officers and admins only");
}

static int id_param(struct mu_http_req *req, struct mu_http_resp *resp, const char *param,
                    const char *what, int64_t *id)
{
    const char *s = mu_http_req_param(req, param);
    if ((*id = mu_route_id(s)) < 1)
        return mu_http_resp_error(resp, 404, param, "no %s '%.40s'", what, s ? s : "");
    return 0;
}

static const char *qget(struct mu_http_req *req, const char *name)
{
    const char *v = NULL;
    mu_query_get(&req->query, name, &v, NULL);
    return v;
}

/* The media type of a Content-Type value without parameters, lowercased into @p out. */
static void media_type(const char *ct, char *out, size_t outsz)
{
    size_t k = 0;
    for (; ct && *ct && *ct != ';' && k + 1 < outsz; ct++)
        if (*ct != ' ' && *ct != '\t')
            out[k++] = (char)((*ct >= 'A' && *ct <= 'Z') ? *ct + 32 : *ct);
    out[k] = '\0';
}

/* The filename of a Content-Disposition value (plain quoted or token form) into @p out. */
static int disposition_name(const char *cd, char *out, size_t outsz)
{
    const char *p = cd ? strstr(cd, "filename=") : NULL;
    size_t k = 0;
    if (!p)
        return 0;
    p += 9;
    if (*p == '"') {
        for (p++; *p && *p != '"' && k + 1 < outsz; p++)
            out[k++] = *p;
    } else {
        for (; *p && *p != ';' && *p != ' ' && k + 1 < outsz; p++)
            out[k++] = *p;
    }
    out[k] = '\0';
    return k > 0;
}

/* Check the upload's declared type against @p allowed; 0 or the 415 set. */
static int upload_type(struct mu_http_req *req, struct mu_http_resp *resp, int photo,
                       char *type, size_t typesz)
{
    media_type(mu_http_req_header(req, "Content-Type"), type, typesz);
    int ok = strcmp(type, "image/jpeg") == 0 || strcmp(type, "image/png") == 0 ||
             (!photo && (strcmp(type, "application/pdf") == 0 || strcmp(type, "text/plain") == 0));
    if (ok)
        return 0;
    return mu_http_resp_error(resp, 415, "Content-Type",
                              photo ? "a photo must be sent as image/jpeg or image/png"
                                    : "an attachment must be sent as image/jpeg, image/png, "
                                      "application/pdf or text/plain");
}

/*
 * The bytes must be what the Content-Type says (the bytes decide what is
 * stored, so a mismatch is refused rather than silently relabelled); 0 or
 * the error set. Size and type errors come from mu_attachment_sniff().
 */
static int check_body(struct mu_http_req *req, struct mu_http_resp *resp, const char *declared,
                      const char *name)
{
    struct mu_error err = {0};
    enum mu_attachment_type t;
    enum mu_err rc = mu_attachment_sniff(name, req->body ? req->body : "",
                                         req->body ? req->body_len : 0, &t, &err);
    if (rc)
        return mu_http_resp_from_err(resp, rc, &err, req->rid);
    const char *real = mu_attachment_mime(t);
    if (strncmp(real, declared, strlen(declared)) != 0)
        return mu_http_resp_error(resp, 400, "Content-Type",
                                  "Content-Type is %s but file '%s' is %s", declared, name, real);
    return 0;
}

static void upload_name(struct mu_http_req *req, char *name, size_t namesz)
{
    const char *q = qget(req, "name");
    if (q && *q)
        snprintf(name, namesz, "%s", q);
    else if (!disposition_name(mu_http_req_header(req, "Content-Disposition"), name, namesz))
        snprintf(name, namesz, "upload");
}

/* The stored list as the response. */
static int list(struct mu_http_req *req, struct mu_http_resp *resp, struct mu_http_env *env,
                const char *ref, int is_case, int64_t id)
{
    struct mu_error err = {0};
    char *out = NULL;
    struct mu_store *s = mu_http_store_acquire(env);
    enum mu_err rc = s ? MU_OK : mu_error_set(&err, MU_ESTORE, "no database");
    if (rc == MU_OK && is_case) { /* "no case N" rather than an empty list */
        struct mu_case c = {0};
        rc = mu_store_case_get(s, id, &c, &err);
        mu_case_release(&c);
    } else if (rc == MU_OK) {
        struct mu_hazard h = {0};
        rc = mu_store_hazard_get(s, id, &h, &err);
        mu_hazard_release(&h);
    }
    if (rc == MU_OK)
        rc = mu_app_attachment_list_json(s, ref, &out, &err);
    mu_http_store_release(env);
    if (rc)
        return mu_http_resp_from_err(resp, rc, &err, req->rid);
    return mu_http_case_json_text(resp, 200, out);
}

/* A created attachment as the 201 response. */
static int created(struct mu_http_resp *resp, int64_t id, const char *name, const char *type,
                   size_t len, const char *hex)
{
    json_t *o = json_pack("{sI ss ss sI ss}", "id", (json_int_t)id, "name", name, "type", type,
                          "size", (json_int_t)len, "sha256", hex);
    return mu_http_resp_json(resp, 201, o);
}

/* The file as the response body (@p data transferred). */
static int file_body(struct mu_http_resp *resp, void *data, size_t len,
                     const struct mu_attachment *m)
{
    static const char *const types[] = {"image/jpeg", "image/png", "application/pdf",
                                        "text/plain; charset=utf-8"};
    const char *ct = "application/octet-stream";
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
        if (strcmp(m->type, types[i]) == 0)
            ct = types[i];
    /* RFC 6266 / 5987: the name percent-encoded as UTF-8 */
    char cd[3 * MU_ATTACHMENT_MAX_NAME + 64];
    size_t k = (size_t)snprintf(cd, sizeof(cd), "attachment; filename*=UTF-8''");
    for (const unsigned char *p = (const unsigned char *)m->name; *p && k + 4 < sizeof(cd); p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            *p == '.' || *p == '-' || *p == '_')
            cd[k++] = (char)*p;
        else
            k += (size_t)snprintf(cd + k, sizeof(cd) - k, "%%%02X", *p);
    }
    cd[k] = '\0';
    mu_free(resp->body);
    resp->body = data;
    resp->body_len = len;
    resp->content_type = ct;
    resp->status = 200;
    int st = mu_http_resp_header(resp, "Content-Disposition", cd);
    return st ? st : 200;
}

/* ---------------------------------------------------------------- cases */

int h_case_attachments_post(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_http_env *env = ctx;
    struct mu_error err = {0};
    int64_t id = 0, att = 0;
    char type[64], name[MU_ATTACHMENT_MAX_NAME + 1], hex[65];
    int st;
    /* the id's syntax first: a malformed id is 404 for everyone, as on other routes */
    if ((st = id_param(req, resp, "id", "case", &id)) || (st = officers_only(req, resp)) ||
        (st = upload_type(req, resp, 0, type, sizeof(type))))
        return st;
    upload_name(req, name, sizeof(name));
    if ((st = check_body(req, resp, type, name)))
        return st;
    struct mu_actor a = actor_of(req);
    struct mu_case_keyring kr;
    int have_key = 0;
    struct mu_store *s = mu_http_store_acquire(env);
    enum mu_err rc = s ? mu_http_case_keyring(s, &kr, &err)
                       : mu_error_set(&err, MU_ESTORE, "no database");
    have_key = s && rc == MU_OK;
    struct mu_attachment m = {0};
    if (rc == MU_OK)
        rc = mu_app_case_attach(s, &a, &kr, id, name, req->body ? req->body : "",
                                req->body ? req->body_len : 0, &att, hex, &err);
    if (have_key)
        mu_case_keyring_wipe(&kr);
    char ref[32];
    snprintf(ref, sizeof(ref), "case:%lld", (long long)id);
    if (rc == MU_OK)
        rc = mu_store_attachment_get(s, ref, att, &m, NULL, &err);
    mu_http_store_release(env);
    if (rc)
        return mu_http_resp_from_err(resp, rc, &err, req->rid);
    st = created(resp, att, m.name, m.type, (size_t)m.size, hex);
    mu_attachment_release(&m);
    return st;
}

int h_case_attachments_list(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    int64_t id = 0;
    int st;
    if ((st = id_param(req, resp, "id", "case", &id)) || (st = officers_only(req, resp)))
        return st;
    char ref[32];
    snprintf(ref, sizeof(ref), "case:%lld", (long long)id);
    return list(req, resp, ctx, ref, 1, id);
}

int h_case_attachment_get(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_http_env *env = ctx;
    struct mu_error err = {0};
    int64_t id = 0, att = 0;
    int st;
    if ((st = id_param(req, resp, "id", "case", &id)) ||
        (st = id_param(req, resp, "att", "attachment", &att)) || (st = officers_only(req, resp)))
        return st;
    const char *reason = qget(req, "reason");
    if (!reason || !*reason)
        return mu_http_resp_error(resp, 400, "reason",
                                  "'reason' is required: every read of a case attachment is "
                                  "audited with why");
    struct mu_actor a = actor_of(req);
    struct mu_case_keyring kr;
    struct mu_attachment m = {0};
    void *data = NULL;
    size_t len = 0;
    struct mu_store *s = mu_http_store_acquire(env);
    enum mu_err rc = s ? mu_http_case_keyring(s, &kr, &err)
                       : mu_error_set(&err, MU_ESTORE, "no database");
    if (rc == MU_OK) {
        rc = mu_app_case_attachment_get(s, &a, &kr, id, att, reason, &m, &data, &len, &err);
        mu_case_keyring_wipe(&kr);
    }
    mu_http_store_release(env);
    if (rc)
        return mu_http_resp_from_err(resp, rc, &err, req->rid);
    st = file_body(resp, data, len, &m);
    mu_attachment_release(&m);
    return st;
}

/* ---------------------------------------------------------------- hazards */

int h_hazard_photos_post(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_http_env *env = ctx;
    struct mu_error err = {0};
    int64_t id = 0, att = 0;
    char type[64], name[MU_ATTACHMENT_MAX_NAME + 1], hex[65];
    int st;
    if ((st = id_param(req, resp, "id", "hazard", &id)) ||
        (st = upload_type(req, resp, 1, type, sizeof(type))))
        return st;
    upload_name(req, name, sizeof(name));
    if ((st = check_body(req, resp, type, name)))
        return st;
    struct mu_actor a = actor_of(req);
    struct mu_store *s = mu_http_store_acquire(env);
    enum mu_err rc = s ? mu_app_hazard_photo(s, &a, id, name, req->body ? req->body : "",
                                             req->body ? req->body_len : 0, &att, hex, &err)
                       : mu_error_set(&err, MU_ESTORE, "no database");
    mu_http_store_release(env);
    if (rc)
        return mu_http_resp_from_err(resp, rc, &err, req->rid);
    return created(resp, att, name, strcmp(type, "image/png") == 0 ? "image/png" : "image/jpeg",
                   req->body_len, hex);
}

int h_hazard_photos_list(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_http_env *env = ctx;
    struct mu_error err = {0};
    int64_t id = 0;
    int st;
    if ((st = id_param(req, resp, "id", "hazard", &id)))
        return st;
    struct mu_hazard h = {0};
    struct mu_store *s = mu_http_store_acquire(env);
    enum mu_err rc = s ? mu_store_hazard_get(s, id, &h, &err)
                       : mu_error_set(&err, MU_ESTORE, "no database");
    mu_hazard_release(&h);
    mu_http_store_release(env);
    if (rc)
        return mu_http_resp_from_err(resp, rc, &err, req->rid);
    char ref[32];
    snprintf(ref, sizeof(ref), "hazard:%lld", (long long)id);
    return list(req, resp, ctx, ref, 0, id);
}

int h_hazard_photo_get(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_http_env *env = ctx;
    struct mu_error err = {0};
    int64_t id = 0, att = 0;
    int st;
    if ((st = id_param(req, resp, "id", "hazard", &id)) ||
        (st = id_param(req, resp, "att", "photo", &att)))
        return st;
    struct mu_attachment m = {0};
    void *data = NULL;
    size_t len = 0;
    struct mu_store *s = mu_http_store_acquire(env);
    enum mu_err rc = s ? mu_app_hazard_photo_get(s, id, att, &m, &data, &len, &err)
                       : mu_error_set(&err, MU_ESTORE, "no database");
    mu_http_store_release(env);
    if (rc)
        return mu_http_resp_from_err(resp, rc, &err, req->rid);
    st = file_body(resp, data, len, &m);
    mu_attachment_release(&m);
    return st;
}
