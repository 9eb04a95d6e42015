/* SPDX-License-Identifier: MIT */
/*
 * POST /api/v1/session logs in with a user name and password and sets the
 * session cookie; DELETE /api/v1/session logs out and clears it. Both are
 * public routes: login because nobody is signed in yet, logout so that a
 * browser holding a dead cookie can still clear it. The Argon2id check of a
 * login (~50 ms) runs on the auth connection (env->auth_store), so it does
 * not hold the lock of the store every other request uses.
 */
#include "auth.h"

#include <muster/log.h>
#include <string.h>

#include "../util/banned.h"

#define SESSION_MAX_AGE_S (MU_SESSION_ABSOLUTE_MS / 1000)

int h_session_post(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_http_env *env = ctx;
    struct mu_session_new sess;
    struct mu_principal p;
    struct mu_error err = {0};
    json_t *body = NULL;
    const char *user = NULL, *pw = NULL;
    char addr[64];
    int st;

    memset(&sess, 0, sizeof(sess));
    memset(&p, 0, sizeof(p));
    if ((st = mu_http_req_json(req, resp, &body)))
        return st;
    if ((st = mu_http_json_str(resp, body, "username", 1, &user)) ||
        (st = mu_http_json_str(resp, body, "password", 1, &pw)))
        goto out;

    mu_http_req_remote_addr(req, env, addr, sizeof(addr));
    int64_t now = mu_http_now_ms();
    struct mu_store *s = mu_http_auth_store_acquire(env);
    enum mu_err rc = s ? mu_auth_login(s, user, pw, addr, now, &sess, &err)
                       : mu_error_set(&err, MU_ESTORE, "no database");
    if (rc == MU_OK)
        rc = mu_auth_session_lookup(s, sess.id, now, &p, &err);
    mu_http_auth_store_release(env);

    if (rc == MU_ELIMIT) {
        /* Throttled: 429, not the 413 that MU_ELIMIT means elsewhere. */
        st = mu_http_resp_error(resp, 429, NULL, "%s", err.msg);
        goto out;
    }
    if (rc == MU_EINVAL || rc == MU_ENOTFOUND) {
        st = mu_http_resp_error(resp, 401, NULL, "%s",
                                rc == MU_EINVAL && err.msg[0] ? err.msg
                                                              : "wrong user name or password");
        goto out;
    }
    if (rc) {
        st = mu_http_resp_from_err(resp, rc, &err, req->rid);
        goto out;
    }
    st = mu_http_resp_json(resp, 200,
                           json_pack("{s:o, s:s}", "user", mu_http_principal_json(&p), "csrf",
                                     sess.csrf));
    if (st == 200 && mu_http_resp_session_cookie(resp, env, sess.id, SESSION_MAX_AGE_S))
        st = 500;
out:
    mu_principal_release(&p);
    memset(&sess, 0, sizeof(sess));
    json_decref(body);
    return st;
}

int h_session_delete(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_http_env *env = ctx;
    struct mu_error err = {0};
    const char *cookie = mu_http_req_cookie(req, MU_HTTP_SESSION_COOKIE);

    /* A live session is ended only by its own pages: the CSRF token is
     * required, as for every state change made with the cookie. */
    if (req->principal && req->principal->via == MU_AUTH_SESSION && !mu_http_csrf_ok(req, NULL))
        return mu_http_resp_error(resp, 403, MU_HTTP_CSRF_HEADER, "csrf token missing or wrong");
    if (cookie && *cookie) {
        struct mu_store *s = mu_http_store_acquire(env);
        enum mu_err rc = s ? mu_auth_logout(s, cookie, mu_http_now_ms(), &err)
                           : mu_error_set(&err, MU_ESTORE, "no database");
        mu_http_store_release(env);
        if (rc)
            return mu_http_resp_from_err(resp, rc, &err, req->rid);
    }
    if (mu_http_resp_session_cookie(resp, env, "", 0))
        return 500;
    resp->status = 204;
    return 204;
}
