/* SPDX-License-Identifier: MIT */
/*
 * GET /api/v1/health: whether the server is up, its version and which
 * database engine it runs on. Public (load balancers and monitors call it)
 * and cheap: it does not touch the database, so it never waits on the store
 * lock.
 */
#include "router.h"

#include "../util/banned.h"

int h_health_get(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_http_env *env = ctx;
    (void)req;
    /* The answer never changes while the server runs: made once per thread
     * (load balancers call this many times a second). */
    if (mu_http_cache_get(MU_HTTP_CACHE_HEALTH, 0, "", resp)) {
        resp->content_type = "application/json";
        resp->status = 200;
        return 200;
    }
    int st = mu_http_resp_json(resp, 200,
                               json_pack("{s:s, s:s, s:s}", "status", "ok", "version",
                                         MUSTER_VERSION, "db",
                                         env->db_engine ? env->db_engine : "none"));
    if (st == 200)
        mu_http_cache_put(MU_HTTP_CACHE_HEALTH, 0, "", resp->body, resp->body_len);
    return st;
}
