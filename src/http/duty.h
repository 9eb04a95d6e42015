/* SPDX-License-Identifier: MIT */
/*
 * The duty roster (值班) and daily check-ins (零报告) in the server: the JSON
 * API (h_roster.c, h_checkins.c), the public iCal feed (h_feeds.c), the web
 * pages (h_pages_roster.c, h_pages_checkins.c) and the small helpers they
 * share (query dates, offset pagination of a JSON array, file downloads).
 * The routes are in router.c; see docs/internals/roster.md and checkins.md.
 */
#ifndef MU_HTTP_DUTY_H
#define MU_HTTP_DUTY_H

#include <jansson.h>
#include <stdint.h>

#include <muster/checkin_batch.h>

#include "http.h"

/* ---- shared helpers (h_roster.c) ---- */

/**
 * Query parameter @p name as a local date "YYYY-MM-DD" into *out. Returns 0
 * (absent: *present 0 and, when @p required, 400 instead) or 400 with the
 * response set, naming the parameter. @p present may be NULL.
 */
int mu_http_query_day(struct mu_http_req *req, struct mu_http_resp *resp, const char *name,
                      int required, int32_t *out, int *present);

/** Query parameter @p name as a time (mu_local_parse) into *out, default @p dflt; 0 or 400. */
int mu_http_query_time(struct mu_http_req *req, struct mu_http_resp *resp, const char *name,
                       int64_t dflt, int64_t *out);

/**
 * Answer one page of @p items (a JSON array; reference taken) as
 * {...@p extra members..., "items":[...], "next_cursor":"N"|null}, where the
 * cursor is the decimal offset of the next item. @p extra (may be NULL; an
 * object, reference taken) comes first. 400 naming "limit" or "cursor" for a
 * bad page request. Returns the status.
 */
int mu_http_resp_page(struct mu_http_req *req, struct mu_http_resp *resp, json_t *items,
                      json_t *extra);

/**
 * For lists too long to build whole: the window a request asks for, *start
 * (from `cursor`) and *limit (from `limit`). Returns 0, or the status of the
 * 400 answer it made for a bad `limit` or `cursor`. Build the items
 * [*start, *start + *limit) of the list and answer with mu_http_resp_window().
 */
int mu_http_page_window(struct mu_http_req *req, struct mu_http_resp *resp, size_t *start,
                        size_t *limit);

/**
 * Answer as mu_http_resp_page() with @p pageitems (reference taken), the
 * items of a list of @p n from position @p start; 400 naming "cursor" when
 * @p start is not a position of the list.
 */
int mu_http_resp_window(struct mu_http_req *req, struct mu_http_resp *resp, json_t *pageitems,
                        size_t start, size_t n, json_t *extra);

/**
 * Answer 200 with the bytes of file @p path (then removed) as @p ctype, with
 * `Content-Disposition: attachment; filename="@p filename"`. 500 when it
 * cannot be read.
 */
int mu_http_resp_file(struct mu_http_resp *resp, const char *path, const char *ctype,
                      const char *filename, const char *rid);

/** A new temporary file name into @p out (created empty, mode 0600); 0 or -1. */
int mu_http_tmpfile(char *out, size_t outsz);

/*
 * The action class of the routes that edit the roster (generate, override,
 * approve or reject a swap): officers and admins (MU_ACTION_MANAGE), as the
 * duty issue asks; leaders may read the roster and request swaps.
 */
#define MU_HTTP_ROSTER_EDIT MU_ACTION_MANAGE

/** 1 when the caller may edit the roster (mu_principal_can MU_HTTP_ROSTER_EDIT). */
int mu_http_roster_editor(const struct mu_http_req *req);

/**
 * The check-in batcher of the server of @p env, made on first use (one per
 * process, freed at exit). NULL with @p err set when it cannot be made.
 */
struct mu_checkin_batcher *mu_http_checkins(struct mu_http_env *env, struct mu_error *err);

/** What the group commit said of a deferred check-in (the continuation's result). */
struct mu_http_checkin_result {
    enum mu_err rc;
    struct mu_error err;                /* when rc is not MU_OK */
    struct mu_checkin_receipt receipt;  /* when it is */
};

/**
 * Submit @p in (borrowed for the call) for @p req's caller through batcher
 * @p b without waiting: @p cont answers on a worker thread after the commit,
 * with a struct mu_http_checkin_result (NULL without memory). Returns
 * MU_HTTP_DEFERRED, or the status of a 500 made in @p resp.
 */
int mu_http_checkin_defer(struct mu_http_req *req, struct mu_http_resp *resp,
                          struct mu_checkin_batcher *b, const struct mu_actor *actor,
                          const struct mu_checkin_input *in, mu_http_cont_fn *cont);

/**
 * Free the check-in batcher of @p env, if it has one, after its committer
 * has answered what is queued: the server's stop calls it before the
 * caller closes env->store, which the committer uses.
 */
void mu_http_checkins_close(struct mu_http_env *env);

/* ---- dashboard cards (h_pages_roster.c, h_pages_checkins.c) ---- */

struct mu_webpage;

/** Add the "on duty now" card's data ("duty_card") to the dashboard page. */
void mu_web_card_duty(struct mu_webpage *pg);
/** Add today's check-ins card's data ("checkin_card") to the dashboard page. */
void mu_web_card_checkins(struct mu_webpage *pg);

/* ---- API handlers ---- */
int h_roster_list(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_roster_now(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_roster_gaps(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_roster_generate(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_roster_override(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_roster_swaps_list(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_roster_swap_post(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_roster_swap_approve(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_roster_swap_reject(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_roster_xlsx(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_feed_roster(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_checkins_post(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_checkins_board(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_checkins_summary(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_checkins_stats(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);

/* ---- page handlers ---- */
int h_page_roster(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_page_roster_override(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_page_roster_swap(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_page_roster_swap_decide(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_page_checkin(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_page_checkin_post(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_page_checkins_board(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_page_checkins_stats(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);

#endif
