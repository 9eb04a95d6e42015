/* SPDX-License-Identifier: MIT */
/*
 * GET /api/v1/me: who is signed in (name, role, units, language, and how:
 * "session" or "token"; sessions also get their CSRF token, which the
 * browser's script needs after a reload). PUT /api/v1/me/lang stores the
 * user's language ("zh" or "en") for the web UI. Both are open to every
 * signed-in user, whatever their role (MU_ROUTE_ANY_USER).
 */
#include "auth.h"

#include "../util/banned.h"

int h_me_get(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    const struct mu_principal *p = req->principal;
    (void)ctx;
    json_t *o = mu_http_principal_json(p);
    if (o && json_object_set_new(o, "via", json_string(p->via == MU_AUTH_TOKEN ? "token"
                                                                               : "session"))) {
        json_decref(o);
        o = NULL;
    }
    if (o && p->via == MU_AUTH_SESSION && json_object_set_new(o, "csrf", json_string(p->csrf))) {
        json_decref(o);
        o = NULL;
    }
    return mu_http_resp_json(resp, 200, o);
}

int h_me_lang_put(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_http_env *env = ctx;
    const struct mu_principal *p = req->principal;
    struct mu_error err = {0};
    json_t *body = NULL;
    const char *lang = NULL;
    int st;

    if ((st = mu_http_req_json(req, resp, &body)))
        return st;
    if ((st = mu_http_json_str(resp, body, "lang", 1, &lang)))
        goto out;
    if (!mu_lang_valid(lang)) {
        st = mu_http_resp_error(resp, 400, "lang", "'lang' must be \"zh\" or \"en\"");
        goto out;
    }
    struct mu_actor actor = {p->name, mu_http_now_ms()};
    struct mu_store *s = mu_http_store_acquire(env);
    enum mu_err rc = s ? mu_store_user_set_lang(s, &actor, p->name, lang, &err)
                       : mu_error_set(&err, MU_ESTORE, "no database");
    mu_http_store_release(env);
    if (rc)
        st = mu_http_resp_from_err(resp, rc, &err, req->rid);
    else
        st = mu_http_resp_json(resp, 200, json_pack("{s:s}", "lang", lang));
out:
    json_decref(body);
    return st;
}
