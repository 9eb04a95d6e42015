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
    return mu_http_resp_json(resp, 200,
                             json_pack("{s:s, s:s, s:s}", "status", "ok", "version",
                                       MUSTER_VERSION, "db",
                                       env->db_engine ? env->db_engine : "none"));
}
