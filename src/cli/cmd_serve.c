/* SPDX-License-Identifier: MIT */
/*
 * muster serve: open the database, start the HTTP server, print the URL it
 * listens on, and run until SIGTERM or SIGINT; then stop accepting, let the
 * requests in flight finish, close the database and exit 0. The signals are
 * blocked in every thread and taken by sigwait() here, so no handler code
 * runs in signal context. (cmd_serve is the one CLI file that includes an
 * http/ header: the server is part of this binary, not of libmuster.)
 */
#include "cli.h"

#include <muster/log.h>
#include <muster/store.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "../http/router.h"
#include "../http/server.h"

static const char usage[] =
    "muster [--db DSN] serve [--listen HOST:PORT] [--threads N] [--print-routes]";

static int parse_threads(const char *s, unsigned *out)
{
    size_t len = strlen(s);
    unsigned v = 0;
    if (len == 0 || len > 3)
        return -1;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    if (v < 1 || v > 256)
        return -1;
    *out = v;
    return 0;
}

int cmd_serve(int argc, char **argv, struct cli_ctx *ctx)
{
    const char *listen = "127.0.0.1:8080", *threads_s = NULL;
    int print_routes = 0, help = 0, npos = 0;
    const struct cli_opt opts[] = {
        {"--listen", CLI_VALUE, &listen, NULL},
        {"--threads", CLI_VALUE, &threads_s, NULL},
        {"--print-routes", CLI_FLAG, NULL, &print_routes},
        {"--help", CLI_FLAG, NULL, &help},
        {NULL, CLI_FLAG, NULL, NULL},
    };
    if (cli_parse(argc, argv, opts, &npos))
        return cli_usage(usage);
    if (help) {
        printf("usage: %s\n", usage);
        return MU_EXIT_OK;
    }
    if (npos)
        return cli_usage(usage);
    if (print_routes) {
        mu_http_routes_print(stdout);
        return fflush(stdout) == 0 ? MU_EXIT_OK : MU_EXIT_FAIL;
    }

    struct mu_error err = {0};
    struct mu_http_config cfg;
    memset(&cfg, 0, sizeof(cfg));
    if (mu_http_addr_parse(listen, &cfg.addr, &err)) {
        fprintf(stderr, "muster: %s\n", err.msg);
        return cli_usage(usage);
    }
    if (threads_s && parse_threads(threads_s, &cfg.threads)) {
        fprintf(stderr, "muster: invalid --threads '%s': expected 1 to 256\n", threads_s);
        return cli_usage(usage);
    }

    /* Block the stop signals before any thread starts, so every thread
     * inherits the mask and only sigwait() below receives them. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    struct mu_http_env env;
    memset(&env, 0, sizeof(env));
    pthread_mutex_init(&env.store_lock, NULL);
    struct mu_http_server *srv = NULL;
    int code = MU_EXIT_OK;

    enum mu_err rc = mu_store_open(ctx->db, &env.store, &err);
    if (rc) {
        code = cli_fail(rc, &err);
        goto out;
    }
    env.db_engine = mu_store_engine(env.store);
    cfg.env = &env;
    rc = mu_http_server_start(&cfg, &srv, &err);
    if (rc) {
        code = cli_fail(rc, &err);
        goto out;
    }
    mu_log(MU_LOG_INFO, "http", "serving on %s with %s database", mu_http_server_url(srv),
           env.db_engine);
    printf("muster: listening on %s\n", mu_http_server_url(srv));
    fflush(stdout);

    int sig = 0;
    while (sigwait(&stop, &sig) != 0)
        ;
    mu_log(MU_LOG_INFO, "http", "%s received: stopping", sig == SIGINT ? "SIGINT" : "SIGTERM");
    mu_http_server_stop(srv, MU_HTTP_DRAIN_MS);
    srv = NULL;
out:
    mu_http_server_stop(srv, 0);
    mu_store_close(env.store);
    pthread_mutex_destroy(&env.store_lock);
    if (code == MU_EXIT_OK)
        mu_log(MU_LOG_INFO, "http", "stopped");
    return code;
}
