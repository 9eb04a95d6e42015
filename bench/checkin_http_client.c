/* SPDX-License-Identifier: MIT */
/*
 * The load driver of bench/bench_checkin_http.sh (compiled by that script;
 * not a bench_*.c, so CMake and bench/run.sh leave it alone): CONNS threads,
 * each with one keep-alive HTTP/1.1 connection to 127.0.0.1:PORT, submit
 * UNITS x 4 check-ins of one day (unit uN, due times 08:00, 12:00, 16:00,
 * 20:00, each made five minutes before) through
 * POST /api/v1/checkins/uN with an API token, every (unit, slot) once.
 * Prints one line: "ok N errors E seconds S rate R p50_ms A p99_ms B".
 * Plain POSIX sockets, no dependencies.
 *
 * usage: checkin_http_client PORT TOKEN SCHEDULE UNITS DATE CONNS
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int port, conns;
static long units, total;
static const char *token, *schedule, *date;
static double *lat; /* per submission, seconds */
static long errors_total;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int dial(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

/* Send @p req and read one response; the status, or -1 (then reconnect). */
static int exchange(int fd, const char *req, size_t len, int *keep)
{
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(fd, req + off, len - off);
        if (w <= 0)
            return -1;
        off += (size_t)w;
    }
    char buf[16384];
    size_t have = 0;
    char *end = NULL;
    while (!end) {
        if (have == sizeof(buf) - 1)
            return -1;
        ssize_t r = read(fd, buf + have, sizeof(buf) - 1 - have);
        if (r <= 0)
            return -1;
        have += (size_t)r;
        buf[have] = '\0';
        end = strstr(buf, "\r\n\r\n");
    }
    int status = (int)strtol(buf + 9, NULL, 10);
    long clen = 0;
    *keep = 1;
    for (char *h = strstr(buf, "\r\n"); h && h < end; h = strstr(h + 2, "\r\n")) {
        if (strncasecmp(h + 2, "Content-Length:", 15) == 0)
            clen = strtol(h + 17, NULL, 10);
        if (strncasecmp(h + 2, "Connection: close", 17) == 0)
            *keep = 0;
    }
    size_t body = have - (size_t)(end + 4 - buf);
    while ((long)body < clen) {
        ssize_t r = read(fd, buf, sizeof(buf));
        if (r <= 0)
            return -1;
        body += (size_t)r;
    }
    return status;
}

static void *run(void *arg)
{
    long t = (long)arg;
    static const char *at_time[4] = {"07:55", "11:55", "15:55", "19:55"};
    int fd = dial();
    long errors = 0;
    char body[512], req[2048];
    for (long i = t; i < total; i += conns) {
        long u = i / 4, k = i % 4;
        int n = snprintf(body, sizeof(body),
                         i % 3 == 0 ? "{\"schedule\":\"%s\",\"nil\":true,\"at\":\"%sT%s\"}"
                                    : "{\"schedule\":\"%s\",\"fields\":{\"n\":1},\"at\":\"%sT%s\"}",
                         schedule, date, at_time[k]);
        int len = snprintf(req, sizeof(req),
                           "POST /api/v1/checkins/u%ld HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
                           "Authorization: Bearer %s\r\nContent-Type: application/json\r\n"
                           "Content-Length: %d\r\n\r\n%s",
                           u, port, token, n, body);
        double t0 = now_s();
        int keep = 1, st = fd >= 0 ? exchange(fd, req, (size_t)len, &keep) : -1;
        if (st < 0) { /* one retry on a fresh connection */
            if (fd >= 0)
                close(fd);
            fd = dial();
            st = fd >= 0 ? exchange(fd, req, (size_t)len, &keep) : -1;
        }
        lat[i] = now_s() - t0;
        if (st != 201)
            errors++;
        if (!keep) {
            close(fd);
            fd = dial();
        }
    }
    if (fd >= 0)
        close(fd);
    pthread_mutex_lock(&mu);
    errors_total += errors;
    pthread_mutex_unlock(&mu);
    return NULL;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    if (argc != 7) {
        fprintf(stderr, "usage: checkin_http_client PORT TOKEN SCHEDULE UNITS DATE CONNS\n");
        return 2;
    }
    port = (int)strtol(argv[1], NULL, 10);
    token = argv[2];
    schedule = argv[3];
    units = strtol(argv[4], NULL, 10);
    date = argv[5];
    conns = (int)strtol(argv[6], NULL, 10);
    total = units * 4;
    if (port <= 0 || units <= 0 || conns <= 0 || conns > 1024)
        return 2;
    lat = calloc((size_t)total, sizeof(*lat));
    pthread_t *th = calloc((size_t)conns, sizeof(*th));
    if (!lat || !th)
        return 1;
    double t0 = now_s();
    for (long t = 0; t < conns; t++)
        pthread_create(&th[t], NULL, run, (void *)t);
    for (long t = 0; t < conns; t++)
        pthread_join(th[t], NULL);
    double dt = now_s() - t0;
    qsort(lat, (size_t)total, sizeof(*lat), cmp);
    printf("ok %ld errors %ld seconds %.3f rate %.0f p50_ms %.2f p99_ms %.2f\n",
           total - errors_total, errors_total, dt, (double)total / dt,
           lat[total / 2] * 1e3, lat[(size_t)((double)total * 0.99)] * 1e3);
    free(lat);
    free(th);
    return errors_total ? 1 : 0;
}
