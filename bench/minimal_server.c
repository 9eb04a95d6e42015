/* SPDX-License-Identifier: MIT */
/*
 * The baseline of bench/bench_http.sh: a bare libmicrohttpd server that
 * answers GET /api/v1/health (and, when given, GET /api/v1/dashboard) with
 * fixed bytes read from files at start-up, the bytes muster itself answered,
 * under the same headers muster sends and in the same threading mode as
 * muster serve (internal polling thread, epoll, a pool of N threads, the
 * same connection limits). It does no routing beyond two string compares, no
 * logging, no authentication and no per-request allocation: one response
 * object per path is built once and queued for every request. The ratio of
 * muster's throughput to this server's is the cost of everything muster does
 * per request. Not part of muster; built beside the benchmarks.
 *
 *   minimal_server --health FILE [--dashboard FILE] [--threads N]
 *
 * Listens on 127.0.0.1 on a port the kernel picks, prints
 * "minimal_mhd: listening on http://127.0.0.1:PORT/" and serves until
 * SIGTERM or SIGINT.
 */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/banned.h"

#define BODY_MAX (1024 * 1024)

/* The same values as muster's server.c and http.h; keep them in step. */
#define CONN_MEMORY (32 * 1024)
#define CONN_TIMEOUT_S 30
#define CONN_LIMIT 1024

static char health_body[BODY_MAX];
static char dashboard_body[BODY_MAX];

struct paths {
    struct MHD_Response *health;    /* owned */
    struct MHD_Response *dashboard; /* owned; NULL when not served */
    struct MHD_Response *missing;   /* owned: 404 */
};

/* Read @p path into @p buf (BODY_MAX bytes); returns its length or -1. */
static long read_file(const char *path, char *buf)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "minimal_server: cannot open '%s'\n", path);
        return -1;
    }
    size_t n = fread(buf, 1, BODY_MAX, f);
    int bad = ferror(f) || !feof(f) || fgetc(f) != EOF;
    fclose(f);
    if (bad) {
        fprintf(stderr, "minimal_server: cannot read '%s' (or it is over %d bytes)\n", path,
                BODY_MAX);
        return -1;
    }
    return (long)n;
}

/* A response with muster's headers (X-Request-Id fixed, of the same size). */
static struct MHD_Response *make_response(const char *body, size_t len, const char *type)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_PERSISTENT);
    if (!r)
        return NULL;
    int ok = MHD_add_response_header(r, "Content-Type", type) == MHD_YES &&
             MHD_add_response_header(r, "X-Content-Type-Options", "nosniff") == MHD_YES &&
             MHD_add_response_header(r, "Referrer-Policy", "no-referrer") == MHD_YES &&
             MHD_add_response_header(r, "Content-Security-Policy",
                                     "default-src 'self'; frame-ancestors 'none'; "
                                     "base-uri 'none'; form-action 'self'") == MHD_YES &&
             MHD_add_response_header(r, "Cache-Control", "no-store") == MHD_YES &&
             MHD_add_response_header(r, "X-Request-Id", "0123456789abcdef") == MHD_YES;
    if (!ok) {
        MHD_destroy_response(r);
        return NULL;
    }
    return r;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    static int seen; /* marks a request whose headers were seen */
    const struct paths *p = cls;
    (void)version;
    (void)upload_data;
    /* Answer on the second call, once the whole request is read, as muster
     * does: a response queued at the first call makes libmicrohttpd close
     * the connection after it (the client might still send a body). */
    if (!*con_cls) {
        *con_cls = &seen;
        return MHD_YES;
    }
    if (*upload_data_size) {
        *upload_data_size = 0; /* a body: ignore it */
        return MHD_YES;
    }
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
        return MHD_queue_response(c, MHD_HTTP_NOT_FOUND, p->missing);
    if (strcmp(url, "/api/v1/health") == 0)
        return MHD_queue_response(c, MHD_HTTP_OK, p->health);
    if (p->dashboard && strcmp(url, "/api/v1/dashboard") == 0)
        return MHD_queue_response(c, MHD_HTTP_OK, p->dashboard);
    return MHD_queue_response(c, MHD_HTTP_NOT_FOUND, p->missing);
}

static int usage(void)
{
    fprintf(stderr, "usage: minimal_server --health FILE [--dashboard FILE] [--threads N]\n");
    return 2;
}

int main(int argc, char **argv)
{
    const char *health_path = NULL, *dashboard_path = NULL;
    unsigned threads = 1;
    for (int i = 1; i < argc; i++) {
        if (i + 1 >= argc)
            return usage();
        if (strcmp(argv[i], "--health") == 0) {
            health_path = argv[++i];
        } else if (strcmp(argv[i], "--dashboard") == 0) {
            dashboard_path = argv[++i];
        } else if (strcmp(argv[i], "--threads") == 0) {
            char *end = NULL;
            unsigned long v = strtoul(argv[++i], &end, 10);
            if (!end || *end || v < 1 || v > 256)
                return usage();
            threads = (unsigned)v;
        } else {
            return usage();
        }
    }
    if (!health_path)
        return usage();

    static const char missing_body[] =
        "{\"error\":{\"code\":\"not_found\",\"message\":\"no such path\"}}";
    struct paths p = {NULL, NULL, NULL};
    struct MHD_Daemon *d = NULL;
    int code = 1;
    long hl = read_file(health_path, health_body), dl = 0;
    if (hl < 0)
        goto out;
    if (dashboard_path && (dl = read_file(dashboard_path, dashboard_body)) < 0)
        goto out;
    p.health = make_response(health_body, (size_t)hl, "application/json");
    p.missing = make_response(missing_body, sizeof(missing_body) - 1, "application/json");
    if (dashboard_path)
        p.dashboard = make_response(dashboard_body, (size_t)dl, "application/json");
    if (!p.health || !p.missing || (dashboard_path && !p.dashboard)) {
        fprintf(stderr, "minimal_server: out of memory\n");
        goto out;
    }

    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    struct sockaddr_in sin;
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_port = 0;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_ERROR_LOG, 0, NULL,
        NULL, on_request, &p, MHD_OPTION_SOCK_ADDR, (const struct sockaddr *)&sin,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)(threads > 1 ? threads : 0),
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONN_MEMORY, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned int)CONN_TIMEOUT_S, MHD_OPTION_CONNECTION_LIMIT, (unsigned int)CONN_LIMIT,
        MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "minimal_server: libmicrohttpd did not start\n");
        goto out;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    if (!info || !info->port) {
        fprintf(stderr, "minimal_server: no bound port\n");
        goto out;
    }
    printf("minimal_mhd: listening on http://127.0.0.1:%u/\n", (unsigned)info->port);
    fflush(stdout);

    int sig = 0;
    while (sigwait(&stop, &sig) != 0)
        ;
    code = 0;
out:
    if (d)
        MHD_stop_daemon(d);
    if (p.health)
        MHD_destroy_response(p.health);
    if (p.dashboard)
        MHD_destroy_response(p.dashboard);
    if (p.missing)
        MHD_destroy_response(p.missing);
    return code;
}
