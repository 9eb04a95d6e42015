/* SPDX-License-Identifier: MIT */
/*
 * The pages of the acknowledgement link in an incident's messages
 * (muster/ack.h). GET /ack/{token} shows the incident (kind, level, place,
 * time) and the person the link is for, with a button; it never
 * acknowledges, because chat apps and mail scanners fetch links to preview
 * them. POST /ack/{token} (same-origin only: there is no session and so no
 * CSRF token) uses the token once: the acknowledgement is recorded as its
 * person, and a second post says it was acknowledged already. An unknown,
 * malformed or expired token gets the same 404 page, telling nothing about
 * which. The form has no action attribute, so the token is not copied into
 * the page; the access log hides it (access_log.c).
 */
#include "ack.h"
#include "web.h"

#include <muster/ack.h>
#include <muster/log.h>
#include <stdio.h>
#include <string.h>

#include "../util/banned.h"

/* The 404 page of every token that does not work, or the 500 page. */
static int failed(struct mu_webpage *pg, enum mu_err rc, const struct mu_error *err)
{
    if (rc == MU_ENOTFOUND)
        return mu_web_error(pg, 404, "ack.not_found");
    mu_log(MU_LOG_ERROR, "http", "rid=%s ack page: %s", pg->req->rid, err->msg);
    return mu_web_error(pg, 500, NULL);
}

static void set_view(struct mu_webpage *pg, const struct mu_ack_view *v)
{
    char when[17];
    mu_web_time(v->occurred_at, when);
    mu_web_set(pg, "page_title", json_string(mu_web_t(pg, "ack.title")));
    mu_web_set(pg, "incident", json_integer(v->incident_id));
    mu_web_set(pg, "kind", json_string(v->kind_name));
    mu_web_set(pg, "level", json_string(v->level_name));
    mu_web_set(pg, "place", json_string(v->place));
    mu_web_set(pg, "occurred", json_string(when));
    mu_web_set(pg, "person", json_string(v->person));
    mu_web_set(pg, "person_name", json_string(v->person_name));
    mu_web_set(pg, "used", json_boolean(v->used));
}

/* Look the token up at @p now and fill the page; 0, or the error page's status. */
static int load(struct mu_webpage *pg, int64_t now)
{
    struct mu_error err = {0};
    struct mu_ack_view v;
    memset(&v, 0, sizeof(v));
    const char *token = mu_http_req_param(pg->req, "token");
    struct mu_store *s = mu_http_store_acquire(pg->env);
    enum mu_err rc = s ? mu_app_ack_lookup(s, token, now, &v, &err)
                       : mu_error_set(&err, MU_ESTORE, "no database");
    mu_http_store_release(pg->env);
    if (rc)
        return failed(pg, rc, &err);
    set_view(pg, &v);
    mu_ack_view_release(&v);
    return 0;
}

int h_page_ack_get(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_webpage pg;
    mu_web_begin(&pg, req, resp, ctx);
    int st = load(&pg, mu_http_now_ms());
    if (!st)
        st = mu_web_render(&pg, "ack", 200);
    mu_web_end(&pg);
    return st;
}

int h_page_ack_post(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_webpage pg;
    struct mu_error err = {0};
    int acked = 0, st;
    mu_web_begin(&pg, req, resp, ctx);
    if (!mu_http_origin_ok(req, pg.env)) {
        st = mu_web_error(&pg, 403, NULL);
        goto out;
    }
    struct mu_actor actor = {.name = "ack-link", .now_ms = mu_http_now_ms()};
    struct mu_store *s = mu_http_store_acquire(pg.env);
    enum mu_err rc = s ? mu_app_ack_redeem(s, &actor, mu_http_req_param(req, "token"), &acked,
                                           NULL, &err)
                       : mu_error_set(&err, MU_ESTORE, "no database");
    mu_http_store_release(pg.env);
    if (rc) {
        st = failed(&pg, rc, &err);
        goto out;
    }
    if ((st = load(&pg, actor.now_ms)))
        goto out;
    mu_web_set(&pg, "first", json_boolean(acked));
    st = mu_web_render(&pg, "ack_done", 200);
out:
    mu_web_end(&pg);
    return st;
}
