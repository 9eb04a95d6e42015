/* SPDX-License-Identifier: MIT */
/*
 * muster serve: open the database, start the HTTP server, print the URL it
 * listens on, and run until SIGTERM or SIGINT; then stop accepting, let the
 * requests in flight finish, close the database and exit 0. The signals are
 * blocked in every thread and taken by sigwait() here, so no handler code
 * runs in signal context. (cmd_serve is the one CLI file that includes an
 * http/ header: the server is part of this binary, not of libmuster.)
 * With --tls-cert and --tls-key it serves HTTPS; the working-day calendar
 * is loaded once from DATADIR/calendars for the dashboard. Handlers get
 * a pool of connections, one per worker thread.
 */
#include "cli.h"

#include <errno.h>
#include <muster/calendar.h>
#include <muster/date.h>
#include <muster/engine.h>
#include <muster/log.h>
#include <muster/mem.h>
#include <muster/store.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "../http/auth.h"
#include "../http/router.h"
#include "../http/server.h"

static const char usage[] =
    "muster [--db DSN] serve [--listen HOST:PORT] [--threads N] [--tls-cert FILE --tls-key FILE]\n"
    "       [--trust-proxy] [--no-engine] [--engine-interval 60s] [--print-routes | --print-access]";

#define PEM_MAX (1024 * 1024) /* a certificate chain or key file larger than this is refused */

/* Read the PEM file @p path into *out (mu_free); prints the error naming it and returns 1. */
static int read_pem(const char *what, const char *path, char **out)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t n = 0;
    if (!f) {
        fprintf(stderr, "muster: cannot read TLS %s '%s': %s\n", what, path, strerror(errno));
        return 1;
    }
    buf = mu_malloc(PEM_MAX + 1);
    if (buf)
        n = fread(buf, 1, PEM_MAX + 1, f);
    int bad = !buf || ferror(f) || n == 0 || n > PEM_MAX;
    fclose(f);
    if (bad) {
        fprintf(stderr, "muster: cannot read TLS %s '%s': %s\n", what, path,
                !buf ? "out of memory" : n == 0 ? "empty or unreadable" : "larger than 1 MiB");
        mu_free(buf);
        return 1;
    }
    buf[n] = '\0';
    *out = buf;
    return 0;
}

/*
 * The calendar for the dashboard from DATADIR/calendars. A missing directory
 * is a warning (every year then follows the normal week); a bad file stops
 * the server, as it would give wrong working days.
 */
static int load_calendar(const struct cli_ctx *ctx, struct mu_calendar **out)
{
    char dir[4096];
    struct mu_error err = {0};
    int w = snprintf(dir, sizeof(dir), "%s/calendars", ctx->datadir);
    if (w < 0 || (size_t)w >= sizeof(dir)) {
        fprintf(stderr, "muster: data directory path is too long\n");
        return 1;
    }
    enum mu_err rc = mu_calendar_load_dir(dir, out, &err);
    if (rc == MU_EIO) {
        mu_log(MU_LOG_WARN, "http", "no holiday data (%s): weekdays only", err.msg);
        *out = mu_calendar_new();
        rc = *out ? MU_OK : MU_ENOMEM;
    }
    if (rc) {
        cli_fail(rc, &err);
        return 1;
    }
    return 0;
}

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

/* The engine goes on after an error; the log says what happened. */
static void engine_error(void *ctx, enum mu_err rc, const struct mu_error *err)
{
    (void)ctx;
    mu_log(MU_LOG_ERROR, "engine", "%s", err && err->msg[0] ? err->msg : mu_strerror(rc));
}

int cmd_serve(int argc, char **argv, struct cli_ctx *ctx)
{
    const char *listen = "127.0.0.1:8080", *threads_s = NULL;
    const char *cert_file = NULL, *key_file = NULL, *engine_interval_s = NULL;
    int print_routes = 0, print_access = 0, trust_proxy = 0, help = 0, npos = 0, no_engine = 0;
    const struct cli_opt opts[] = {
        {"--listen", CLI_VALUE, &listen, NULL},
        {"--threads", CLI_VALUE, &threads_s, NULL},
        {"--tls-cert", CLI_VALUE, &cert_file, NULL},
        {"--tls-key", CLI_VALUE, &key_file, NULL},
        {"--trust-proxy", CLI_FLAG, NULL, &trust_proxy},
        {"--no-engine", CLI_FLAG, NULL, &no_engine},
        {"--engine-interval", CLI_VALUE, &engine_interval_s, NULL},
        {"--print-routes", CLI_FLAG, NULL, &print_routes},
        {"--print-access", CLI_FLAG, NULL, &print_access},
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
    if (print_access) {
        mu_http_routes_print_access(stdout);
        return fflush(stdout) == 0 ? MU_EXIT_OK : MU_EXIT_FAIL;
    }
    if (!cert_file != !key_file) {
        fprintf(stderr, "muster: --tls-cert and --tls-key go together: give both or neither\n");
        return cli_usage(usage);
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
    /* How often the engine looks for work that other processes or nodes
     * wrote; writes through this server wake it at once. */
    int64_t engine_interval = 60;
    if (engine_interval_s &&
        (mu_duration_parse(engine_interval_s, strlen(engine_interval_s), &engine_interval, &err) ||
         engine_interval < 1 || engine_interval > 3600)) {
        fprintf(stderr, "muster: invalid --engine-interval '%s': expected 1s to 1h\n",
                engine_interval_s);
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
    pthread_mutex_init(&env.auth_lock, NULL);
    pthread_mutex_init(&env.dv_lock, NULL);
    struct mu_http_server *srv = NULL;
    struct mu_calendar *cal = NULL;
    char *cert = NULL, *key = NULL;
    int code = MU_EXIT_OK, engine_running = 0;
    enum mu_err rc;

    if (cert_file &&
        (read_pem("certificate", cert_file, &cert) || read_pem("key", key_file, &key))) {
        code = MU_EXIT_FAIL;
        goto out;
    }
    if (load_calendar(ctx, &cal)) {
        code = MU_EXIT_FAIL;
        goto out;
    }
    rc = mu_store_open(ctx->db, &env.store, &err);
    if (rc) {
        code = cli_fail(rc, &err);
        goto out;
    }
    /* The handlers' connections: one per worker thread, so that requests
     * use the database in parallel (SQLite readers in WAL mode do not wait
     * for each other). An in-memory SQLite database exists per connection,
     * so it stays on the single shared one. */
    if (!strstr(ctx->db, ":memory:") && !strstr(ctx->db, "mode=memory")) {
        rc = mu_http_pool_open(&env, ctx->db, cfg.threads, &err);
        if (rc) {
            code = cli_fail(rc, &err);
            goto out;
        }
    }
    /* A second connection for logins and password hashing (see http.h). */
    rc = mu_store_open(ctx->db, &env.auth_store, &err);
    if (rc) {
        code = cli_fail(rc, &err);
        goto out;
    }
    env.db_engine = mu_store_engine(env.store);
    env.calendar = cal;
    env.tls = cert != NULL;
    env.trust_proxy = trust_proxy;
    cfg.env = &env;
    cfg.tls_cert_pem = cert; /* kept until the server stops */
    cfg.tls_key_pem = key;
    rc = mu_http_server_start(&cfg, &srv, &err);
    if (rc) {
        code = cli_fail(rc, &err);
        goto out;
    }
    /* The timer engine: escalations, deadlines, check-in reminders and
     * summaries, and delivery of the outbox. It has its own connection. */
    if (!no_engine) {
        struct mu_engine_config ecfg = {
            .dsn = ctx->db,
            .cal = cal,
            .deliver = 1,
            .max_sleep_ms = engine_interval * 1000,
            .on_error = engine_error,
        };
        rc = mu_engine_start(&ecfg, &err);
        if (rc) {
            code = cli_fail(rc, &err);
            goto out;
        }
        engine_running = 1;
    }
    mu_log(MU_LOG_INFO, "http", "serving on %s with %s database%s", mu_http_server_url(srv),
           env.db_engine, no_engine ? " (engine off)" : "");
    printf("muster: listening on %s\n", mu_http_server_url(srv));
    fflush(stdout);

    int sig = 0;
    while (sigwait(&stop, &sig) != 0)
        ;
    mu_log(MU_LOG_INFO, "http", "%s received: stopping", sig == SIGINT ? "SIGINT" : "SIGTERM");
    mu_http_server_stop(srv, MU_HTTP_DRAIN_MS);
    srv = NULL;
out:
    if (engine_running)
        mu_engine_stop();
    mu_http_server_stop(srv, 0);
    mu_http_pool_close(&env);
    mu_store_close(env.auth_store);
    mu_store_close(env.store);
    mu_calendar_free(cal);
    mu_free(cert);
    mu_free(key);
    pthread_mutex_destroy(&env.dv_lock);
    pthread_mutex_destroy(&env.auth_lock);
    pthread_mutex_destroy(&env.store_lock);
    if (code == MU_EXIT_OK)
        mu_log(MU_LOG_INFO, "http", "stopped");
    return code;
}
