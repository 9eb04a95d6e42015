/* SPDX-License-Identifier: MIT */
/*
 * The contacts directory (应急通讯录) over the API: GET /api/v1/contacts
 * (the stored external numbers a page at a time as "items", with the
 * national emergency numbers and the staff of the loaded plans on every
 * page), POST /api/v1/contacts (store a number), DELETE
 * /api/v1/contacts/{id}, and the XLSX ledger. The printable one-page sheet
 * is a page (h_pages_registers.c). Checks: src/app/contact.c.
 */
#include "duty.h"
#include "registers.h"

#include <muster/mem.h>

#include "../util/banned.h"

/* The directory as the use case gives it (store lock held); NULL with @p err set. */
static json_t *directory(struct mu_store *s, struct mu_error *err)
{
    char *out = NULL;
    if (mu_app_contact_list(s, MU_REG_JSON, &out, err))
        return NULL;
    json_t *v = json_loads(out, 0, NULL);
    mu_free(out);
    if (!json_is_object(v)) {
        json_decref(v);
        mu_error_set(err, MU_ENOMEM, "out of memory reading the contacts");
        return NULL;
    }
    return v;
}

int h_contacts_list(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_http_env *env = ctx;
    struct mu_error err = {0};
    struct mu_store *s = mu_http_store_acquire(env);
    json_t *dir = s ? directory(s, &err) : NULL;
    if (!s)
        mu_error_set(&err, MU_ESTORE, "no database");
    mu_http_store_release(env);
    if (!dir)
        return mu_http_reg_error(req, resp, err.code ? err.code : MU_EINTERNAL, &err);
    json_t *items = json_incref(json_object_get(dir, "contacts"));
    json_t *extra = json_pack("{s:O, s:O}", "national", json_object_get(dir, "national"), "staff",
                              json_object_get(dir, "staff"));
    json_decref(dir);
    return mu_http_resp_page(req, resp, items, extra);
}

int h_contacts_post(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_http_env *env = ctx;
    struct mu_error err = {0};
    json_t *dir = NULL, *found = NULL, *c;
    const char *name = NULL, *phone = NULL, *category = NULL, *note = NULL;
    const struct mu_http_reg_member m[] = {
        {"name", &name}, {"phone", &phone}, {"category", &category}, {"note", &note}, {NULL, NULL}};
    struct mu_http_reg_body b;
    size_t i;
    int st;
    if ((st = mu_http_reg_body_read(&b, req, resp, m, NULL)))
        goto out;
    struct mu_actor a = mu_http_reg_actor(req);
    int64_t id = 0;
    struct mu_store *s = mu_http_store_acquire(env);
    enum mu_err rc = s ? mu_app_contact_add(s, &a, name, phone, category, note, &id, &err)
                       : mu_error_set(&err, MU_ESTORE, "no database");
    if (rc == MU_OK && !(dir = directory(s, &err)))
        rc = err.code ? err.code : MU_EINTERNAL;
    mu_http_store_release(env);
    if (rc) {
        st = mu_http_reg_error(req, resp, rc, &err);
        goto out;
    }
    json_array_foreach(json_object_get(dir, "contacts"), i, c) {
        if (json_integer_value(json_object_get(c, "id")) == id)
            found = json_incref(c);
    }
    st = mu_http_resp_json(resp, 201, found);
out:
    json_decref(dir);
    mu_http_reg_body_release(&b);
    return st;
}

int h_contacts_delete(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_http_env *env = ctx;
    struct mu_error err = {0};
    int64_t id = 0;
    int st;
    if ((st = mu_http_reg_id(req, resp, "id", "contact", &id)))
        return st;
    struct mu_actor a = mu_http_reg_actor(req);
    struct mu_store *s = mu_http_store_acquire(env);
    enum mu_err rc = s ? mu_app_contact_remove(s, &a, id, &err)
                       : mu_error_set(&err, MU_ESTORE, "no database");
    mu_http_store_release(env);
    if (rc)
        return mu_http_reg_error(req, resp, rc, &err);
    mu_free(resp->body);
    resp->body = NULL;
    resp->body_len = 0;
    resp->content_type = NULL;
    resp->status = 204;
    return 204;
}

int h_contacts_xlsx(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    return mu_http_reg_xlsx(req, resp, ctx, MU_LEDGER_CONTACTS, 0, 0, 0);
}
