/* SPDX-License-Identifier: MIT */
/*
 * The public iCal feed of one person's duty shifts:
 * GET /feeds/roster/{token}.ics (MU_ROUTE_PUBLIC: calendar apps cannot sign
 * in; the token in the path is the credential). The token is one that
 * `muster roster feed create` printed; only its hash is stored. An unknown,
 * malformed or revoked token is 404 with the same body whatever the reason,
 * so the answer tells nothing about which tokens exist. The feed holds the
 * person's published shifts from 90 days ago on.
 */
#include "duty.h"

#include <muster/mem.h>
#include <muster/roster.h>
#include <string.h>

#include "../util/banned.h"

#define FEED_PAST_MS (90LL * 24 * 3600 * 1000) /* how far back a feed reaches */

int h_feed_roster(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_http_env *env = ctx;
    struct mu_error err = {0};
    char *ics = NULL;
    const char *file = mu_http_req_param(req, "file");
    size_t len = file ? strlen(file) : 0;
    /* The route pattern cannot say "{token}.ics": the suffix is checked here. */
    if (len <= 4 || strcmp(file + len - 4, ".ics") != 0)
        return mu_http_resp_error(resp, 404, NULL, "no such feed");
    struct mu_store *s = mu_http_store_acquire(env);
    enum mu_err rc = s ? mu_app_roster_ical_for_feed(s, file, mu_http_now_ms() - FEED_PAST_MS,
                                                     &ics, &err)
                       : mu_error_set(&err, MU_ESTORE, "no database");
    mu_http_store_release(env);
    if (rc == MU_ENOTFOUND || rc == MU_EINVAL)
        return mu_http_resp_error(resp, 404, NULL, "no such feed");
    if (rc)
        return mu_http_resp_from_err(resp, rc, &err, req->rid);
    mu_free(resp->body);
    resp->body = ics;
    resp->body_len = strlen(ics);
    resp->content_type = "text/calendar; charset=utf-8";
    resp->status = 200;
    return 200;
}
