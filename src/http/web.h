/* SPDX-License-Identifier: MIT */
/*
 * The web UI inside the server: the HTML page handlers (h_pages_*.c) and
 * what they share (pages.c: embedded templates and catalogues, the page
 * language, the layout data, rendering, error pages, redirects, form
 * posts), the static assets (static.c), and the server-sent event hub
 * (h_events.c) that server.c streams from. See docs/internals/web.md.
 */
#ifndef MU_HTTP_WEB_H
#define MU_HTTP_WEB_H

#include <jansson.h>
#include <stdint.h>

#include <muster/i18n.h>

#include "assets.h"
#include "http.h"

/* ---- pages.c: start-up ---- */

/**
 * Parse the embedded templates and catalogues (once per process; counted,
 * so every mu_web_start() needs one mu_web_stop()). MU_EINVAL naming the
 * asset when one does not parse (a build that passed the unit tests never
 * sees it), MU_ENOMEM. Not thread-safe: call from the thread that starts
 * the server. Also computes the ETags of the static assets.
 */
enum mu_err mu_web_start(struct mu_error *err);
void mu_web_stop(void);

/** The embedded asset at @p path ("static/app.js"), or NULL. */
const struct mu_web_asset *mu_web_asset_find(const char *path);

/** The ETag of static asset number @p i of mu_web_assets ("\"hex\""); "" before start. */
const char *mu_web_asset_etag(size_t i);

/* ---- pages.c: one page being built ---- */

struct mu_i18n;

struct mu_webpage {
    struct mu_http_req *req;
    struct mu_http_resp *resp;
    struct mu_http_env *env;
    const struct mu_i18n *cat; /* the page language's catalogue */
    const char *lang;          /* "zh" or "en" */
    json_t *data;              /* owned: what the template sees */
    int oom;                   /* a value could not be built: answer 500 */
};

/**
 * Start a page for @p req: pick the language (the signed-in user's, else
 * the `lang` cookie, else zh) and fill the layout data (user, role, admin
 * flag, CSRF token, current path). Always pair with mu_web_end().
 */
void mu_web_begin(struct mu_webpage *pg, struct mu_http_req *req, struct mu_http_resp *resp,
                   void *ctx);
void mu_web_end(struct mu_webpage *pg);

/** The catalogue text of @p key in the page language (the key when missing). */
const char *mu_web_t(const struct mu_webpage *pg, const char *key);

/**
 * The catalogue text of @p key with "{NAME}" replaced by @p value (once;
 * both borrowed), as a new JSON string (NULL when out of memory).
 */
json_t *mu_web_fmt(const struct mu_webpage *pg, const char *key, const char *name,
                    const char *value);

/** Set data member @p key to @p v (reference taken; NULL marks the page out of memory). */
void mu_web_set(struct mu_webpage *pg, const char *key, json_t *v);

/** Set the flash message: @p kind "error" (role alert), "ok" or "info" (role status). */
void mu_web_flash(struct mu_webpage *pg, const char *kind, json_t *text);

/**
 * Render template @p name with the page data into the response as
 * text/html with @p status; returns the status (500 when rendering fails).
 */
int mu_web_render(struct mu_webpage *pg, const char *name, int status);

/**
 * Render the error page for @p status (400, 403, 404, 413, 500 ...):
 * `[data-error=STATUS]`, the catalogue's title for it and @p detail (a
 * catalogue key; NULL for the status's own detail, if any). Returns @p status.
 */
int mu_web_error(struct mu_webpage *pg, int status, const char *detail_key);

/** Answer 303 See Other to @p location (a local path); returns 303 (500 on failure). */
int mu_web_redirect(struct mu_http_resp *resp, const char *location);

/** The catalogue text of "PREFIX.NAME" (@p name NULL: "PREFIX."), as "cases.state.closed". */
const char *mu_web_label(const struct mu_webpage *pg, const char *prefix, const char *name);

/**
 * The 500 page for a failure the visitor cannot mend, logged with the
 * request id as "@p what: MESSAGE" (the message of @p err). Returns 500.
 */
int mu_web_fail(struct mu_webpage *pg, const char *what, const struct mu_error *err);

/**
 * How mu_web_post_read() answers a body it cannot read. Without flags it
 * is always the 400 page "form.invalid".
 */
enum mu_web_post_flags {
    MU_WEB_POST_415 = 1 << 0,     /* 415 when the body is not a form */
    MU_WEB_POST_OOM_500 = 1 << 1, /* the plain 500 page when out of memory */
};

/** A form post to a page being answered (caller-allocated). */
struct mu_web_post {
    struct mu_webpage pg;
    struct mu_query form; /* the posted fields; empty until mu_web_post_read() */
};

/** Begin answering a form post: the page (mu_web_begin) and an empty form. */
void mu_web_post_begin(struct mu_web_post *p, struct mu_http_req *req, struct mu_http_resp *resp,
                       void *ctx);

/**
 * Read the posted form into p->form. Returns 0, or the status of the error
 * page made (400 "form.invalid"; 415 and 500 as @p flags say).
 */
int mu_web_post_read(struct mu_web_post *p, unsigned flags);

/** Release the form, end the page; returns @p status. */
int mu_web_post_end(struct mu_web_post *p, int status);

/** 1 when @p s is a local path to redirect to: starts with one '/', no '\\' or controls. */
int mu_web_local_path(const char *s);

/** "YYYY-MM-DD HH:MM" of @p ms in the organisation's zone (Asia/Shanghai) into @p out. */
void mu_web_time(int64_t ms, char out[static 17]);

/** Today's day number in the organisation's zone (Asia/Shanghai, UTC+8). */
int32_t mu_web_today(void);

/**
 * For server.c: turn the error response @p status of an HTML route (a JSON
 * body set by the auth layer or the server) into the HTML error page,
 * with the layout of @p principal (may be NULL). Returns the status.
 */
int mu_http_page_error(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx,
                       const struct mu_principal *principal, int status);

/* ---- handlers (router.c) ---- */
int h_page_login_get(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_page_login_post(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_page_logout_post(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_page_lang_post(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_page_dashboard(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_page_plans(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_page_plan(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_page_plan_diff(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_page_plan_print(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_page_users(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_page_users_add(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_page_user_disable(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_page_user_enable(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_static_get(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_events_get(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);

/* ---- h_events.c: server-sent events (GET /api/v1/events) ---- */

#define MU_SSE_CLIENTS_MAX 256     /* open streams per server; more get 503 */
#define MU_SSE_PING_MS 15000       /* a `ping` event this often */
#define MU_SSE_POLL_MS 1000        /* the audit head is read at most this often */
#define MU_SSE_BUFFER_MAX 65536    /* unsent bytes per client; over it the client is dropped */

struct mu_sse_hub;
struct mu_sse_client;

/** Called by the hub with the client's lock held: suspend or resume the connection. */
typedef void mu_sse_conn_fn(void *conn);

/**
 * Start the hub of one server and its one background thread, which reads
 * the audit head of env's store at most once per MU_SSE_POLL_MS and sends
 * `audit` events when it grows, and `ping` events every MU_SSE_PING_MS.
 * *out owned by caller (mu_sse_hub_free). MU_ENOMEM, MU_EINTERNAL.
 */
enum mu_err mu_sse_hub_start(struct mu_http_env *env, struct mu_sse_hub **out,
                             struct mu_error *err);

/** End every stream and refuse new ones (at stop, before draining). NULL is a no-op. */
void mu_sse_hub_shutdown(struct mu_sse_hub *hub);

/** Stop the thread and free the hub, after the HTTP daemon has stopped. NULL is a no-op. */
void mu_sse_hub_free(struct mu_sse_hub *hub);

/**
 * Register a new stream on connection @p conn. NULL when the hub is full,
 * stopping, or out of memory (answer 503). The client is owned by the
 * response that streams it: mu_sse_client_free() when it is destroyed.
 */
struct mu_sse_client *mu_sse_client_new(struct mu_sse_hub *hub, mu_sse_conn_fn *suspend,
                                        mu_sse_conn_fn *resume, void *conn);

/**
 * Copy up to @p max pending bytes into @p buf. Returns the count; 0 when
 * nothing is pending (the connection has then been suspended, and is
 * resumed when there is); -1 at the end of the stream.
 */
long mu_sse_client_read(struct mu_sse_client *c, char *buf, size_t max);

/** Unregister and release the client (the response is gone). */
void mu_sse_client_free(void *c);

#endif
