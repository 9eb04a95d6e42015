/* SPDX-License-Identifier: MIT */
/*
 * The pages around a session: the login form (GET and POST /login), logout
 * (POST /logout) and the language switch (POST /lang). They work without
 * JavaScript: form posts answered with 303 redirects, a failed login
 * re-rendered with its message (401, or 429 when throttled). The `next`
 * target of a login is followed only when it is a local path.
 */
#include "web.h"

#include <muster/account.h>
#include <sodium.h>
#include <string.h>
#include <strings.h>

#include "../util/banned.h"

#define LANG_COOKIE_MAX_AGE (365L * 24 * 3600)

/* Field @p name of @p form; NULL when absent or given twice. */
static const char *field(const struct mu_query *form, const char *name)
{
    const char *v = NULL;
    if (mu_query_get(form, name, &v, NULL))
        return NULL;
    return v;
}

/* The session forms answer a body that is not a form 415, and running out of memory 500. */
#define FORM_FLAGS (MU_WEB_POST_415 | MU_WEB_POST_OOM_500)

static int login_page(struct mu_webpage *pg, const char *next, const char *username, int status,
                      const char *msg_key)
{
    mu_web_set(pg, "page_title", json_string(mu_web_t(pg, "login.title")));
    mu_web_set(pg, "next", json_string(mu_web_local_path(next) ? next : "/"));
    mu_web_set(pg, "username", json_string(username ? username : ""));
    if (msg_key)
        mu_web_flash(pg, "error", json_string(mu_web_t(pg, msg_key)));
    return mu_web_render(pg, "login", status);
}

int h_page_login_get(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_webpage pg;
    const char *next = NULL;
    mu_query_get(&req->query, "next", &next, NULL);
    mu_web_begin(&pg, req, resp, ctx);
    int st = login_page(&pg, next, NULL, 200, NULL);
    mu_web_end(&pg);
    return st;
}

int h_page_login_post(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_http_env *env = ctx;
    struct mu_web_post p;
    struct mu_error err = {0};
    int st;

    mu_web_post_begin(&p, req, resp, ctx);
    if ((st = mu_web_post_read(&p, FORM_FLAGS)))
        goto out;
    const char *user = field(&p.form, "username"), *pw = field(&p.form, "password");
    const char *next = field(&p.form, "next");
    if (!user || !*user || !pw || !*pw) {
        st = login_page(&p.pg, next, user, 401, "login.error");
        goto out;
    }
    char addr[64];
    mu_http_req_remote_addr(req, env, addr, sizeof(addr));
    struct mu_session_new sess;
    memset(&sess, 0, sizeof(sess));
    int64_t now = mu_http_now_ms();
    struct mu_store *s = mu_http_auth_store_acquire(env);
    enum mu_err rc = s ? mu_auth_login(s, user, pw, addr, now, &sess, &err)
                       : mu_error_set(&err, MU_ESTORE, "no database");
    mu_http_auth_store_release(env);
    if (rc == MU_ELIMIT) {
        st = login_page(&p.pg, next, user, 429, "login.throttled");
    } else if (rc == MU_EINVAL) {
        st = login_page(&p.pg, next, user, 401,
                        strstr(err.msg, "is disabled") ? "login.disabled" : "login.error");
    } else if (rc) {
        st = mu_web_fail(&p.pg, "login failed", &err);
    } else {
        long max_age = (long)((sess.expires_at - now) / 1000);
        st = mu_http_resp_session_cookie(resp, env, sess.id, max_age > 0 ? max_age : 0);
        if (!st)
            st = mu_web_redirect(resp, mu_web_local_path(next) ? next : "/");
        sodium_memzero(&sess, sizeof(sess));
    }
out:
    return mu_web_post_end(&p, st);
}

int h_page_logout_post(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_http_env *env = ctx;
    struct mu_web_post p;
    int st = 0;

    mu_web_post_begin(&p, req, resp, ctx);
    if (req->principal) {
        /* A public route: the CSRF check is ours (a forged logout is a nuisance). */
        if ((st = mu_web_post_read(&p, FORM_FLAGS)))
            goto out;
        if (!mu_http_csrf_ok(req, field(&p.form, MU_HTTP_CSRF_FIELD))) {
            st = mu_web_error(&p.pg, 403, "form.csrf");
            goto out;
        }
        const char *sid = mu_http_req_cookie(req, MU_HTTP_SESSION_COOKIE);
        struct mu_error err = {0};
        struct mu_store *s = mu_http_store_acquire(env);
        enum mu_err rc = s && sid ? mu_auth_logout(s, sid, mu_http_now_ms(), &err) : MU_OK;
        mu_http_store_release(env);
        if (rc) {
            st = mu_web_fail(&p.pg, "logout failed", &err);
            goto out;
        }
    }
    st = mu_http_resp_session_cookie(resp, env, "", 0);
    if (!st)
        st = mu_web_redirect(resp, "/login");
out:
    return mu_web_post_end(&p, st);
}

/* Where to go back to after the language switch: the form's `next`, else the
 * Referer's path when it names this server, else the dashboard. */
static const char *back_to(const struct mu_http_req *req, const char *next)
{
    if (mu_web_local_path(next))
        return next;
    const char *ref = mu_http_req_header(req, "Referer");
    const char *host = mu_http_req_header(req, "Host");
    if (ref && host) {
        const char *p = NULL;
        if (strncasecmp(ref, "http://", 7) == 0)
            p = ref + 7;
        else if (strncasecmp(ref, "https://", 8) == 0)
            p = ref + 8;
        size_t hl = strlen(host);
        if (p && strncasecmp(p, host, hl) == 0 && mu_web_local_path(p + hl))
            return p + hl;
    }
    return "/";
}

int h_page_lang_post(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_http_env *env = ctx;
    struct mu_web_post post;
    struct mu_error err = {0};
    int st;

    mu_web_post_begin(&post, req, resp, ctx);
    if ((st = mu_web_post_read(&post, FORM_FLAGS)))
        goto out;
    const char *lang = field(&post.form, "lang");
    if (!lang || !mu_lang_valid(lang)) {
        st = mu_web_error(&post.pg, 400, "lang.error");
        goto out;
    }
    const struct mu_principal *p = req->principal;
    if (p && !mu_http_csrf_ok(req, field(&post.form, MU_HTTP_CSRF_FIELD))) {
        st = mu_web_error(&post.pg, 403, "form.csrf");
        goto out;
    }
    if (p && p->via == MU_AUTH_SESSION) {
        struct mu_actor actor = {p->name, mu_http_now_ms()};
        struct mu_store *s = mu_http_store_acquire(env);
        enum mu_err rc = s ? mu_store_user_set_lang(s, &actor, p->name, lang, &err)
                           : mu_error_set(&err, MU_ESTORE, "no database");
        mu_http_store_release(env);
        if (rc) {
            st = mu_web_fail(&post.pg, "cannot store the language", &err);
            goto out;
        }
    }
    char cookie[128];
    snprintf(cookie, sizeof(cookie), "lang=%s; Path=/; Max-Age=%ld; SameSite=Lax%s", lang,
             LANG_COOKIE_MAX_AGE, env->tls ? "; Secure" : "");
    if ((st = mu_http_resp_header(resp, "Set-Cookie", cookie)))
        goto out;
    st = mu_web_redirect(resp, back_to(req, field(&post.form, "next")));
out:
    return mu_web_post_end(&post, st);
}
