/* SPDX-License-Identifier: MIT */
/*
 * The HTTP server on libmicrohttpd, and the only file that includes its
 * header. It owns the request life cycle: a per-request state created when
 * the request line arrives (request id, start time, raw URI), early refusals
 * decided from the headers alone (413 by Content-Length, 404, 405, 415)
 * before any body is read, the bounded body, dispatch through the route
 * table, the headers every response carries, the access-log line when the
 * request ends, and the graceful stop (quiesce, drain, stop).
 */
#include "server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <muster/json_limits.h>
#include <muster/log.h>
#include <muster/mem.h>
#include <muster/store.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "access_log.h"
#include "auth.h"
#include "duty.h"
#include "router.h"
#include "web.h"

#include "../util/banned.h"

struct mu_http_server {
    struct MHD_Daemon *daemon;
    struct mu_http_env *env; /* borrowed */
    atomic_int inflight;     /* requests between request line and completion */
    atomic_int draining;     /* set at stop: responses say "Connection: close" */
    char url[96];
    struct mu_sse_hub *hub;  /* server-sent event streams (h_events.c) */
    /* The access-log flusher (log_flusher): writes out the workers' buffered
     * lines every MU_HTTP_LOG_FLUSH_MS until stop_log is set. */
    pthread_t log_thread;
    int log_thread_ok;
    pthread_mutex_t log_lock;
    pthread_cond_t log_cond;
    int stop_log; /* under log_lock */
};

/* How long an access-log line may wait in its worker's buffer. */
#define MU_HTTP_LOG_FLUSH_MS 100

static void *log_flusher(void *arg)
{
    struct mu_http_server *srv = arg;
    pthread_mutex_lock(&srv->log_lock);
    while (!srv->stop_log) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += MU_HTTP_LOG_FLUSH_MS * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&srv->log_cond, &srv->log_lock, &until);
        pthread_mutex_unlock(&srv->log_lock);
        mu_log_flush();
        pthread_mutex_lock(&srv->log_lock);
    }
    pthread_mutex_unlock(&srv->log_lock);
    return NULL;
}

/* One request, from its request line to its completion callback. */
struct conn_req {
    struct mu_http_server *srv;
    struct timespec t0;          /* CLOCK_MONOTONIC at the request line */
    char rid[17];                /* request id, hex */
    char *uri;                   /* owned: the raw request target as sent */
    size_t path_len;             /* bytes of uri before '?' */
    char method[16];             /* for the access log; cut */
    int started;                 /* the access handler has seen the headers */
    int responded;               /* a response is queued */
    int too_large;               /* body over MU_HTTP_BODY_MAX: discarded, answer 413 */
    int status;                  /* status sent, for the access log; 0 when none */
    long long body_announced;    /* Content-Length, capped; -1 none, -2 chunked */
    const struct mu_http_route *route;
    struct mu_route_params params; /* slices into uri */
    char *body;                  /* owned; NULL when no body arrived */
    size_t body_len, body_cap;
    struct mu_http_deferred *deferred; /* one reference; NULL: answered at once */
    struct req_state *held; /* owned: the request kept across a deferral */
};

/*
 * The request as handlers see it, from dispatch to the answer: on
 * dispatch's stack, or moved to the heap (conn_req.held) when the handler
 * defers, for the continuation. Kept out of struct conn_req so that the
 * allocation every request makes stays small.
 */
struct req_state {
    struct mu_http_req req;
    struct mu_principal principal; /* the caller; req.principal points here */
    char *pstore;                  /* owned: the decoded path parameters */
    int has_query;                 /* uri[path_len] was '?' */
};

static void state_release(struct conn_req *r, struct req_state *st);

/*
 * A request answered later (http.h). Two references: the request's, given
 * up when it completes, and the worker's (mu_http_deferred_done), given up
 * when the result is handed over; the last one frees, with the result if
 * nobody took it. The result is stored under lock and the connection
 * resumed if the handler had suspended it; the handler suspends only if no
 * result has come yet, so the two cannot miss each other.
 */
struct mu_http_deferred {
    pthread_mutex_t lock;
    int refs;
    int done;      /* result holds the worker's result, not yet taken */
    int suspended; /* the connection waits for the result */
    int gone;      /* the request completed (client gone, server stopping) */
    struct MHD_Connection *conn;
    mu_http_cont_fn *cont;
    void *result;
    mu_http_result_free_fn *free_fn;
};

static void deferred_unref(struct mu_http_deferred *d)
{
    pthread_mutex_lock(&d->lock);
    int last = --d->refs == 0;
    pthread_mutex_unlock(&d->lock);
    if (last) {
        if (d->free_fn)
            d->free_fn(d->result);
        pthread_mutex_destroy(&d->lock);
        mu_free(d);
    }
}

static const struct {
    const char *name;
    const char *value;
} security_headers[] = {
    {"X-Content-Type-Options", "nosniff"},
    /* Not no-referrer: with it, browsers send "Origin: null" on same-site form
     * posts, which the origin check must refuse. */
    {"Referrer-Policy", "same-origin"},
    {"Content-Security-Policy",
     "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"},
};

/* ---- listen address ---- */

static enum mu_err parse_port(const char *s, const char *whole, unsigned *out,
                              struct mu_error *err)
{
    size_t len = strlen(s);
    unsigned long v = 0;
    if (len == 0 || len > 5)
        goto bad;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            goto bad;
        v = v * 10 + (unsigned long)(s[i] - '0');
    }
    if (v > 65535)
        goto bad;
    *out = (unsigned)v;
    return MU_OK;
bad:
    return mu_error_field(err, MU_EINVAL, "listen",
                          "invalid port in listen address '%s': expected 0 to 65535", whole);
}

enum mu_err mu_http_addr_parse(const char *s, struct mu_http_addr *out, struct mu_error *err)
{
    struct mu_http_addr a;
    memset(&a, 0, sizeof(a));
    char host[sizeof(a.host)];
    const char *port;

    if (!s || !*s)
        return mu_error_field(err, MU_EINVAL, "listen", "empty listen address");
    if (s[0] == '[') {
        const char *close = strchr(s, ']');
        if (!close || close[1] != ':')
            return mu_error_field(err, MU_EINVAL, "listen",
                                  "invalid listen address '%s': expected [IPV6]:PORT", s);
        size_t hl = (size_t)(close - s - 1);
        if (hl == 0 || hl >= sizeof(host))
            return mu_error_field(err, MU_EINVAL, "listen",
                                  "invalid IPv6 address in listen address '%s'", s);
        memcpy(host, s + 1, hl);
        host[hl] = '\0';
        if (inet_pton(AF_INET6, host, a.ip) != 1)
            return mu_error_field(err, MU_EINVAL, "listen",
                                  "invalid IPv6 address in listen address '%s'", s);
        a.v6 = 1;
        port = close + 2;
    } else {
        const char *colon = strchr(s, ':');
        if (!colon || strchr(colon + 1, ':'))
            return mu_error_field(err, MU_EINVAL, "listen",
                                  "invalid listen address '%s': expected HOST:PORT, e.g. "
                                  "127.0.0.1:8080 or [::1]:8080",
                                  s);
        size_t hl = (size_t)(colon - s);
        if (hl == 0 || hl >= sizeof(host))
            return mu_error_field(err, MU_EINVAL, "listen",
                                  "invalid listen address '%s': missing host (use 0.0.0.0 "
                                  "for every interface)",
                                  s);
        memcpy(host, s, hl);
        host[hl] = '\0';
        if (strcmp(host, "localhost") == 0)
            snprintf(host, sizeof(host), "127.0.0.1");
        if (inet_pton(AF_INET, host, a.ip) != 1)
            return mu_error_field(err, MU_EINVAL, "listen",
                                  "invalid IPv4 address in listen address '%s'", s);
        port = colon + 1;
    }
    enum mu_err rc = parse_port(port, s, &a.port, err);
    if (rc)
        return rc;
    snprintf(a.host, sizeof(a.host), "%s", host);
    *out = a;
    return MU_OK;
}

/* ---- per-request state ---- */

/*
 * Request ids come from a per-thread ChaCha20 keystream, keyed once per
 * thread from libsodium's randombytes and read 8 bytes at a time, so that a
 * request costs no getrandom(2). The ids only need to be unique and
 * unguessable enough to correlate log lines; they are not secrets.
 */
static _Thread_local struct {
    unsigned char key[crypto_stream_chacha20_KEYBYTES];
    unsigned char buf[512];
    size_t pos;     /* next unused byte of buf */
    uint64_t block; /* nonce of the next refill */
    int seeded;
} rid_rng;

static void make_rid(char out[17])
{
    if (!rid_rng.seeded) {
        randombytes_buf(rid_rng.key, sizeof(rid_rng.key));
        rid_rng.pos = sizeof(rid_rng.buf);
        rid_rng.seeded = 1;
    }
    if (rid_rng.pos + 8 > sizeof(rid_rng.buf)) {
        unsigned char nonce[crypto_stream_chacha20_NONCEBYTES] = {0};
        uint64_t b = rid_rng.block++;
        for (size_t i = 0; i < sizeof(nonce) && i < 8; i++)
            nonce[i] = (unsigned char)(b >> (8 * i));
        crypto_stream_chacha20(rid_rng.buf, sizeof(rid_rng.buf), nonce, rid_rng.key);
        rid_rng.pos = 0;
    }
    sodium_bin2hex(out, 17, rid_rng.buf + rid_rng.pos, 8);
    rid_rng.pos += 8;
}

static double ms_since(const struct timespec *t0)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t0->tv_sec) * 1e3 + (double)(now.tv_nsec - t0->tv_nsec) / 1e6;
}

/* Called with the raw request target before MHD decodes it: the request
 * starts here. The return value becomes *con_cls. */
static void *on_request_line(void *cls, const char *uri, struct MHD_Connection *c)
{
    struct mu_http_server *srv = cls;
    (void)c;
    struct conn_req *r = mu_calloc(1, sizeof(*r));
    if (!r)
        return NULL;
    r->uri = mu_strdup(uri ? uri : "");
    if (!r->uri) {
        mu_free(r);
        return NULL;
    }
    r->srv = srv;
    clock_gettime(CLOCK_MONOTONIC, &r->t0);
    make_rid(r->rid);
    const char *q = strchr(r->uri, '?');
    r->path_len = q ? (size_t)(q - r->uri) : strlen(r->uri);
    atomic_fetch_add(&srv->inflight, 1);
    return r;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct mu_http_server *srv = cls;
    struct conn_req *r = *con_cls;
    (void)c;
    (void)toe;
    if (!r)
        return;
    mu_http_access_log(r->method[0] ? r->method : "-", r->uri, r->path_len, r->status,
                       ms_since(&r->t0), r->rid);
    if (r->deferred) {
        pthread_mutex_lock(&r->deferred->lock);
        r->deferred->gone = 1;
        pthread_mutex_unlock(&r->deferred->lock);
        deferred_unref(r->deferred);
    }
    if (r->held) {
        state_release(r, r->held);
        mu_free(r->held);
    }
    mu_free(r->body);
    mu_free(r->uri);
    mu_free(r);
    *con_cls = NULL;
    atomic_fetch_sub(&srv->inflight, 1);
}

const char *mu_http_req_header(const struct mu_http_req *req, const char *name)
{
    return MHD_lookup_connection_value((struct MHD_Connection *)req->conn, MHD_HEADER_KIND,
                                       name);
}

const char *mu_http_req_cookie(const struct mu_http_req *req, const char *name)
{
    return MHD_lookup_connection_value((struct MHD_Connection *)req->conn, MHD_COOKIE_KIND,
                                       name);
}

/* The last comma-separated hop of an X-Forwarded-For value, trimmed, into @p out. */
static int last_hop(const char *xff, char *out, size_t outsz)
{
    const char *p = strrchr(xff, ',');
    p = p ? p + 1 : xff;
    while (*p == ' ' || *p == '\t')
        p++;
    size_t n = strlen(p);
    while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
        n--;
    if (n == 0 || n >= outsz)
        return 0;
    for (size_t i = 0; i < n; i++) /* an address: hex digits, dots and colons, brackets */
        if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f') ||
              (p[i] >= 'A' && p[i] <= 'F') || p[i] == '.' || p[i] == ':' || p[i] == '[' ||
              p[i] == ']'))
            return 0;
    memcpy(out, p, n);
    out[n] = '\0';
    return 1;
}

void mu_http_req_remote_addr(const struct mu_http_req *req, const struct mu_http_env *env,
                             char *out, size_t outsz)
{
    struct MHD_Connection *c = req->conn;
    if (outsz == 0)
        return;
    out[0] = '\0';
    if (env && env->trust_proxy) {
        const char *xff = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Forwarded-For");
        if (xff && last_hop(xff, out, outsz))
            return;
    }
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (!ci || !ci->client_addr)
        return;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out,
                  (socklen_t)outsz);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out,
                  (socklen_t)outsz);
}

int64_t mu_http_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- responses ---- */

/* Server-sent event streams (h_events.c): the hub parks a connection that
 * has nothing to send and wakes it when it queues an event. */
static void sse_suspend(void *conn)
{
    MHD_suspend_connection(conn);
}

static void sse_resume(void *conn)
{
    MHD_resume_connection(conn);
}

static ssize_t sse_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    (void)pos;
    long n = mu_sse_client_read(cls, buf, max);
    return n < 0 ? MHD_CONTENT_READER_END_OF_STREAM : (ssize_t)n;
}

static enum MHD_Result send_resp(struct MHD_Connection *c, struct conn_req *r,
                                 struct mu_http_resp *resp, int status)
{
    struct MHD_Response *mr;
    if (resp->event_stream) {
        struct mu_sse_client *sc = mu_sse_client_new(r->srv->hub, sse_suspend, sse_resume, c);
        if (!sc) {
            mu_http_resp_release(resp);
            status = mu_http_resp_error(resp, 503, NULL,
                                        "too many event streams are open; try again later");
            return send_resp(c, r, resp, status);
        }
        mr = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 1024, sse_read, sc,
                                               mu_sse_client_free);
        if (!mr)
            mu_sse_client_free(sc);
    } else if (resp->body) {
        mr = MHD_create_response_from_buffer_with_free_callback(resp->body_len, resp->body,
                                                                 mu_free);
        if (mr)
            resp->body = NULL; /* MHD frees it with mu_free */
    } else {
        mr = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    }
    if (!mr) {
        mu_http_resp_release(resp);
        return MHD_NO; /* out of memory: MHD closes the connection */
    }
    int ok = 1;
    if (resp->content_type)
        ok &= MHD_add_response_header(mr, "Content-Type", resp->content_type) == MHD_YES;
    for (size_t i = 0; i < sizeof(security_headers) / sizeof(security_headers[0]); i++)
        ok &= MHD_add_response_header(mr, security_headers[i].name, security_headers[i].value) ==
              MHD_YES;
    ok &= MHD_add_response_header(mr, "Cache-Control",
                                  resp->cache_control ? resp->cache_control : "no-store") ==
          MHD_YES;
    ok &= MHD_add_response_header(mr, "X-Request-Id", r->rid) == MHD_YES;
    for (size_t i = 0; i < resp->nheaders; i++)
        ok &= MHD_add_response_header(mr, resp->headers[i].name, resp->headers[i].value) ==
              MHD_YES;
    if (atomic_load(&r->srv->draining))
        ok &= MHD_add_response_header(mr, "Connection", "close") == MHD_YES;
    enum MHD_Result res = MHD_NO;
    if (ok)
        res = MHD_queue_response(c, (unsigned)status, mr);
    MHD_destroy_response(mr);
    mu_http_resp_release(resp);
    if (res == MHD_YES) {
        r->status = status;
        r->responded = 1;
    }
    return res;
}

static enum MHD_Result send_error(struct MHD_Connection *c, struct conn_req *r, int status,
                                  const char *field, const char *msg)
{
    struct mu_http_resp resp;
    mu_http_resp_init(&resp);
    status = mu_http_resp_error(&resp, status, field, "%s", msg);
    return send_resp(c, r, &resp, status);
}

/* ---- answers that come later ---- */

struct mu_http_deferred *mu_http_defer(struct mu_http_req *req, mu_http_cont_fn *cont)
{
    struct conn_req *r = req->state;
    if (!r || r->deferred || !cont)
        return NULL;
    struct mu_http_deferred *d = mu_calloc(1, sizeof(*d));
    if (!d || pthread_mutex_init(&d->lock, NULL)) {
        mu_free(d);
        return NULL;
    }
    d->refs = 2;
    d->conn = req->conn;
    d->cont = cont;
    r->deferred = d;
    return d;
}

void mu_http_deferred_done(struct mu_http_deferred *d, void *result,
                           mu_http_result_free_fn *free_fn)
{
    pthread_mutex_lock(&d->lock);
    if (d->gone || d->done) {
        if (free_fn)
            free_fn(result);
    } else {
        d->result = result;
        d->free_fn = free_fn;
        d->done = 1;
        if (d->suspended)
            MHD_resume_connection(d->conn); /* its worker runs the continuation */
    }
    pthread_mutex_unlock(&d->lock);
    deferred_unref(d);
}

/* ---- the request life cycle ---- */

/* Length of the body announced by the client: -1 none, -2 unknown (chunked). */
static long long announced_length(struct MHD_Connection *c)
{
    const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
    if (cl) {
        char *end = NULL;
        errno = 0;
        unsigned long long v = strtoull(cl, &end, 10);
        if (errno || end == cl || *end)
            return (long long)MU_HTTP_BODY_MAX + 1; /* MHD refuses it first in practice */
        return v > (unsigned long long)MU_HTTP_BODY_MAX ? (long long)MU_HTTP_BODY_MAX + 1
                                                          : (long long)v;
    }
    if (MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Transfer-Encoding"))
        return -2;
    return -1;
}

/*
 * Refuse what can be refused from the headers alone: too large (413), no
 * such path (404), wrong method (405), a body that is not JSON for a JSON
 * route (415). Returns 1 with a response queued in *res, or 0 to go on.
 * With a body announced this runs before the body is read, so a refused
 * body is never read; without one it runs at the end, keeping the
 * connection reusable.
 */
static int refuse(struct MHD_Connection *c, struct conn_req *r, const char *method,
                  long long len, enum MHD_Result *res)
{
    char msg[MU_HTTP_LOG_PATH_MAX + 128];
    char path[MU_HTTP_LOG_PATH_MAX + 4];
    char allow[128];

    *res = MHD_YES;
    if (len > (long long)MU_HTTP_BODY_MAX) {
        snprintf(msg, sizeof(msg), "request body larger than %d bytes", MU_HTTP_BODY_MAX);
        *res = send_error(c, r, 413, NULL, msg);
        return 1;
    }
    enum mu_http_lookup lk = mu_http_route_find(method, r->uri, r->path_len, &r->route,
                                                &r->params, allow, sizeof(allow));
    if (lk != MU_HTTP_FOUND) {
        mu_http_sanitize(r->uri, r->path_len, path, sizeof(path));
        if (lk == MU_HTTP_NO_PATH) {
            snprintf(msg, sizeof(msg), "no such resource '%s'", path);
            *res = send_error(c, r, 404, NULL, msg);
            return 1;
        }
        struct mu_http_resp resp;
        mu_http_resp_init(&resp);
        char m[32];
        mu_http_sanitize(method, strlen(method), m, sizeof(m));
        int st = mu_http_resp_error(&resp, 405, NULL,
                                    "method %s is not allowed on '%s' (allowed: %s)", m, path,
                                    allow);
        if (st == 405)
            st = mu_http_resp_header(&resp, "Allow", allow) ? 500 : 405;
        *res = send_resp(c, r, &resp, st);
        return 1;
    }
    if ((r->route->flags & MU_ROUTE_JSON_BODY) && len != -1 && len != 0 &&
        !mu_json_media_type_ok(MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type"))) {
        *res = send_error(c, r, 415, "Content-Type",
                          "request body must be sent as application/json");
        return 1;
    }
    return 0;
}

static void body_append(struct conn_req *r, const char *data, size_t n)
{
    if (r->too_large)
        return;
    if (n > (size_t)MU_HTTP_BODY_MAX - r->body_len) {
        r->too_large = 1; /* keep reading and dropping; answer 413 at the end */
        mu_free(r->body);
        r->body = NULL;
        r->body_len = r->body_cap = 0;
        return;
    }
    if (r->body_len + n > r->body_cap) {
        size_t cap = r->body_cap ? r->body_cap : 4096;
        while (cap < r->body_len + n)
            cap *= 2;
        if (cap > (size_t)MU_HTTP_BODY_MAX)
            cap = MU_HTTP_BODY_MAX;
        char *p = mu_realloc(r->body, cap);
        if (!p) {
            r->too_large = 1; /* treated like an oversized body; logged below */
            mu_log(MU_LOG_WARN, "http", "rid=%s out of memory reading the request body", r->rid);
            return;
        }
        r->body = p;
        r->body_cap = cap;
    }
    memcpy(r->body + r->body_len, data, n);
    r->body_len += n;
}

/* Decode the {name} captures into one allocation owned by the caller;
 * *bad is the index of a capture that does not decode, or -1. */
static char *decode_params(const struct conn_req *r, struct mu_http_req *req, int *bad)
{
    size_t total = 0;
    *bad = -1;
    for (size_t i = 0; i < r->params.n; i++)
        total += r->params.v[i].value_len + 1;
    char *store = mu_malloc(total ? total : 1);
    if (!store)
        return NULL;
    char *p = store;
    for (size_t i = 0; i < r->params.n; i++) {
        size_t n = 0;
        if (mu_pct_decode(r->params.v[i].value, r->params.v[i].value_len, 0, p, &n) != MU_OK) {
            *bad = (int)i;
            return store;
        }
        req->params[i].name = r->params.v[i].name;
        req->params[i].name_len = r->params.v[i].name_len;
        req->params[i].value = p;
        req->nparams = i + 1;
        p += n + 1;
    }
    return store;
}

/* Release what @p st holds for the request of @p r (not the body). */
static void state_release(struct conn_req *r, struct req_state *st)
{
    r->uri[r->path_len] = st->has_query ? '?' : '\0';
    mu_principal_release(&st->principal);
    mu_query_release(&st->req.query);
    mu_free(st->pstore);
    st->pstore = NULL;
}

/*
 * Answer with what a handler (or a continuation) made: a status out of
 * range becomes a 500, an error without a body gets one, an error of an
 * HTML route becomes an error page; then @p st is released.
 */
static enum MHD_Result finish(struct mu_http_server *srv, struct MHD_Connection *c,
                              struct conn_req *r, struct req_state *st,
                              struct mu_http_resp *resp, int status, int from_handler)
{
    struct mu_http_req *req = &st->req;
    if (from_handler) {
        if (status < 100 || status > 599) {
            mu_log(MU_LOG_ERROR, "http", "rid=%s handler for '%s %s' returned status %d",
                   r->rid, r->route->method, r->route->pattern, status);
            mu_http_resp_release(resp);
            status =
                mu_http_resp_error(resp, 500, NULL, "internal error (request id %s)", r->rid);
        } else if (status >= 400 && !resp->body) {
            status = mu_http_resp_error(resp, status, NULL, "%s", mu_http_status_reason(status));
        }
    }
    /* Browsers get error pages, not JSON, from HTML routes (pages.c). */
    if ((r->route->flags & MU_ROUTE_HTML) && status >= 400 &&
        (!resp->content_type || strncmp(resp->content_type, "text/html", 9) != 0))
        status = mu_http_page_error(req, resp, srv->env,
                                    req->principal ? req->principal
                                    : st->principal.name[0] ? &st->principal
                                                            : NULL,
                                    status);
    state_release(r, st);
    return send_resp(c, r, resp, status);
}

/*
 * After the handler of @p r returned MU_HTTP_DEFERRED: when the result has
 * come, run the continuation and answer; else suspend the connection until
 * it does (the resumed connection comes back here through on_request).
 */
static enum MHD_Result send_deferred(struct mu_http_server *srv, struct MHD_Connection *c,
                                     struct conn_req *r)
{
    struct mu_http_deferred *d = r->deferred;
    void *result = NULL;
    mu_http_result_free_fn *free_fn = NULL;
    int done = 0;
    pthread_mutex_lock(&d->lock);
    if (d->done) {
        result = d->result;
        free_fn = d->free_fn;
        d->result = NULL;
        d->free_fn = NULL;
        d->suspended = 0;
        done = 1;
    } else if (!d->suspended) {
        MHD_suspend_connection(c);
        d->suspended = 1;
    }
    pthread_mutex_unlock(&d->lock);
    if (!done)
        return MHD_YES;
    struct mu_http_resp resp;
    mu_http_resp_init(&resp);
    struct req_state *st = r->held;
    int status = d->cont(&st->req, &resp, srv->env, result);
    if (free_fn)
        free_fn(result);
    enum MHD_Result res = finish(srv, c, r, st, &resp, status, 1);
    mu_free(st);
    r->held = NULL;
    return res;
}

static enum MHD_Result dispatch(struct mu_http_server *srv, struct MHD_Connection *c,
                                struct conn_req *r, const char *method)
{
    struct req_state st;
    struct mu_http_req *req = &st.req;
    struct mu_http_resp resp;
    struct mu_error err = {0};
    int bad = -1;
    int status;

    memset(&st, 0, sizeof(st));
    mu_query_init(&req->query);
    mu_http_resp_init(&resp);
    req->method = method;
    req->rid = r->rid;
    req->conn = c;
    req->state = r;
    req->route_flags = r->route->flags;
    req->body = r->body;
    req->body_len = r->body_len;

    st.has_query = r->uri[r->path_len] == '?';
    const char *query = st.has_query ? r->uri + r->path_len + 1 : "";
    enum mu_err rc = mu_query_parse(&req->query, query, strlen(query), &err);
    r->uri[r->path_len] = '\0'; /* the path alone from here on */
    req->path = r->uri;
    if (rc)
        return finish(srv, c, r, &st, &resp, mu_http_resp_from_err(&resp, rc, &err, r->rid), 0);
    st.pstore = decode_params(r, req, &bad);
    if (!st.pstore)
        return finish(srv, c, r, &st, &resp,
                      mu_http_resp_from_err(&resp, MU_ENOMEM, NULL, r->rid), 0);
    if (bad >= 0) {
        char name[64];
        snprintf(name, sizeof(name), "%.*s", (int)r->params.v[bad].name_len,
                 r->params.v[bad].name);
        status = mu_http_resp_error(&resp, 400, name,
                                    "path parameter '%s' is not valid percent-encoded UTF-8",
                                    name);
        return finish(srv, c, r, &st, &resp, status, 0);
    }
    /* Who is calling, CSRF, and whether their role may use the route. */
    status = mu_http_authenticate(srv->env, r->route, req, &resp, &st.principal);
    if (status)
        return finish(srv, c, r, &st, &resp, status, 0);
    status = r->route->handler(req, &resp, srv->env);
    if (status == MU_HTTP_DEFERRED && r->deferred) {
        /* Keep the request for the continuation: moved to the heap, its
         * principal pointer moved with it. Without memory, answer 500 now;
         * the result is then dropped when it comes. */
        mu_http_resp_release(&resp);
        r->held = mu_malloc(sizeof(*r->held));
        if (!r->held)
            return finish(srv, c, r, &st, &resp, mu_http_resp_json(&resp, 500, NULL), 1);
        *r->held = st;
        if (st.req.principal == &st.principal)
            r->held->req.principal = &r->held->principal;
        return send_deferred(srv, c, r);
    }
    return finish(srv, c, r, &st, &resp, status, 1);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
    struct mu_http_server *srv = cls;
    struct conn_req *r = *con_cls;
    (void)url; /* decoded by MHD; we route on the raw r->uri */
    (void)version;
    if (!r)
        return MHD_NO; /* out of memory at the request line: drop the connection */
    enum MHD_Result res;
    if (!r->started) {
        r->started = 1;
        snprintf(r->method, sizeof(r->method), "%s", method);
        r->body_announced = announced_length(c);
        if (r->body_announced != -1 && refuse(c, r, method, r->body_announced, &res))
            return res;
        return MHD_YES;
    }
    if (*upload_data_size) {
        if (!r->responded)
            body_append(r, upload_data, *upload_data_size);
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (r->responded)
        return MHD_YES;
    if (r->deferred) /* resumed: the result has come */
        return send_deferred(srv, c, r);
    if (r->too_large) {
        char msg[64];
        snprintf(msg, sizeof(msg), "request body larger than %d bytes", MU_HTTP_BODY_MAX);
        return send_error(c, r, 413, NULL, msg);
    }
    if (r->body_announced == -1 && refuse(c, r, method, -1, &res))
        return res;
    return dispatch(srv, c, r, method);
}

__attribute__((format(printf, 2, 0))) static void on_mhd_log(void *cls, const char *fmt,
                                                             va_list ap)
{
    char msg[512];
    (void)cls;
    vsnprintf(msg, sizeof(msg), fmt, ap);
    size_t n = strlen(msg);
    while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
        msg[--n] = '\0';
    mu_log(MU_LOG_WARN, "http", "libmicrohttpd: %s", msg);
}

/* ---- start and stop ---- */

static unsigned default_threads(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1)
        return 1;
    return n > 64 ? 64 : (unsigned)n;
}

/* Stop the flusher, and write out what is left. */
static void stop_log_flusher(struct mu_http_server *srv)
{
    if (srv->log_thread_ok) {
        pthread_mutex_lock(&srv->log_lock);
        srv->stop_log = 1;
        pthread_cond_signal(&srv->log_cond);
        pthread_mutex_unlock(&srv->log_lock);
        pthread_join(srv->log_thread, NULL);
        srv->log_thread_ok = 0;
    }
    pthread_cond_destroy(&srv->log_cond);
    pthread_mutex_destroy(&srv->log_lock);
    mu_log_flush();
}

enum mu_err mu_http_server_start(const struct mu_http_config *cfg, struct mu_http_server **out,
                                 struct mu_error *err)
{
    enum mu_err rc = mu_http_routes_check(err);
    if (rc)
        return rc;
    int tls = cfg->tls_cert_pem || cfg->tls_key_pem;
    if (tls && (!cfg->tls_cert_pem || !cfg->tls_key_pem))
        return mu_error_set(err, MU_EINVAL, "TLS needs both a certificate and a key");
    if (tls && MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES)
        return mu_error_set(err, MU_EINVAL,
                            "this libmicrohttpd was built without TLS support; serve over "
                            "HTTP behind a TLS proxy instead");
    if (sodium_init() < 0)
        return mu_error_set(err, MU_EINTERNAL, "cannot initialise libsodium");

    struct mu_http_server *srv = mu_calloc(1, sizeof(*srv));
    if (!srv)
        return mu_error_set(err, MU_ENOMEM, "out of memory starting the server");
    srv->env = cfg->env;
    atomic_init(&srv->inflight, 0);
    atomic_init(&srv->draining, 0);
    rc = mu_web_start(err);
    if (rc) {
        mu_free(srv);
        return rc;
    }
    rc = mu_sse_hub_start(cfg->env, &srv->hub, err);
    if (rc) {
        mu_web_stop();
        mu_free(srv);
        return rc;
    }
    pthread_mutex_init(&srv->log_lock, NULL);
    pthread_cond_init(&srv->log_cond, NULL);
    /* Without the flusher the access log is still written, when a worker's
     * buffer fills and at the stop. */
    srv->log_thread_ok = pthread_create(&srv->log_thread, NULL, log_flusher, srv) == 0;
    if (!srv->log_thread_ok)
        mu_log(MU_LOG_WARN, "http", "cannot start the access-log flusher; lines may wait");

    struct sockaddr_in sin;
    struct sockaddr_in6 sin6;
    const struct sockaddr *sa;
    memset(&sin, 0, sizeof(sin));
    memset(&sin6, 0, sizeof(sin6));
    if (cfg->addr.v6) {
        sin6.sin6_family = AF_INET6;
        sin6.sin6_port = htons((uint16_t)cfg->addr.port);
        memcpy(&sin6.sin6_addr, cfg->addr.ip, 16);
        sa = (const struct sockaddr *)&sin6;
    } else {
        sin.sin_family = AF_INET;
        sin.sin_port = htons((uint16_t)cfg->addr.port);
        memcpy(&sin.sin_addr, cfg->addr.ip, 4);
        sa = (const struct sockaddr *)&sin;
    }
    unsigned threads = cfg->threads ? cfg->threads : default_threads();
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC |
                     MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG | (cfg->addr.v6 ? MHD_USE_IPv6 : 0) |
                     (tls ? MHD_USE_TLS : 0);
    /* The TLS options come last and are left out (MHD_OPTION_END) without TLS. */
    srv->daemon = MHD_start_daemon(
        flags, (uint16_t)cfg->addr.port, NULL, NULL, on_request, srv,
        MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, srv, /* first, so it sees every message */
        MHD_OPTION_SOCK_ADDR, sa,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)(threads > 1 ? threads : 0),
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)MU_HTTP_CONN_MEMORY,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)MU_HTTP_TIMEOUT_S,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned int)MU_HTTP_CONN_LIMIT,
        MHD_OPTION_URI_LOG_CALLBACK, on_request_line, srv,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
        tls ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, cfg->tls_cert_pem,
        MHD_OPTION_HTTPS_MEM_KEY, cfg->tls_key_pem,
        MHD_OPTION_END);
    if (!srv->daemon) {
        int e = errno;
        stop_log_flusher(srv);
        mu_sse_hub_free(srv->hub);
        mu_web_stop();
        mu_free(srv);
        if (tls)
            return mu_error_set(err, MU_EIO,
                                "cannot serve HTTPS on '%s%s%s:%u': the certificate or key was "
                                "refused (see the log), or the address is in use",
                                cfg->addr.v6 ? "[" : "", cfg->addr.host, cfg->addr.v6 ? "]" : "",
                                cfg->addr.port);
        return mu_error_set(err, MU_EIO, "cannot listen on '%s%s%s:%u': %s",
                            cfg->addr.v6 ? "[" : "", cfg->addr.host, cfg->addr.v6 ? "]" : "",
                            cfg->addr.port, e ? strerror(e) : "libmicrohttpd refused to start");
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
    unsigned port = info ? info->port : cfg->addr.port;
    snprintf(srv->url, sizeof(srv->url), "%s://%s%s%s:%u/", tls ? "https" : "http",
             cfg->addr.v6 ? "[" : "",
             cfg->addr.host, cfg->addr.v6 ? "]" : "", port);
    *out = srv;
    return MU_OK;
}

const char *mu_http_server_url(const struct mu_http_server *s)
{
    return s->url;
}

void mu_http_server_stop(struct mu_http_server *s, int drain_ms)
{
    if (!s)
        return;
    atomic_store(&s->draining, 1);
    MHD_socket fd = MHD_quiesce_daemon(s->daemon);
    /* No thread polls the socket any more, but MHD wants it open until it
     * stops; shutting it down makes new connections fail at once instead of
     * waiting in the backlog for the whole drain. */
    if (fd != MHD_INVALID_SOCKET)
        shutdown(fd, SHUT_RDWR);
    /* Event streams never finish by themselves: end them so they drain. */
    mu_sse_hub_shutdown(s->hub);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    while (atomic_load(&s->inflight) > 0 && ms_since(&t0) < drain_ms) {
        struct timespec pause = {0, 10 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
    int left = atomic_load(&s->inflight);
    if (left > 0)
        mu_log(MU_LOG_WARN, "http", "closing %d request(s) still in flight after %d ms", left,
               drain_ms);
    MHD_stop_daemon(s->daemon);
    if (fd != MHD_INVALID_SOCKET)
        close(fd);
    mu_http_checkins_close(s->env); /* its committer thread uses env->store */
    stop_log_flusher(s);
    mu_sse_hub_free(s->hub);
    mu_web_stop();
    mu_free(s);
}

/* ---- the environment handlers get ---- */

enum mu_err mu_http_pool_open(struct mu_http_env *env, const char *dsn, unsigned n,
                              struct mu_error *err)
{
    enum mu_err rc = MU_OK;
    if (n == 0)
        n = default_threads();
    env->pool = mu_calloc(n, sizeof(*env->pool));
    env->pool_busy = mu_calloc(n, sizeof(*env->pool_busy));
    if (!env->pool || !env->pool_busy) {
        rc = mu_error_set(err, MU_ENOMEM, "out of memory opening the connection pool");
        goto out;
    }
    for (unsigned i = 0; i < n; i++) {
        if ((rc = mu_store_open(dsn, &env->pool[i], err)))
            goto out;
        env->npool = i + 1;
        atomic_init(&env->pool_busy[i], 0);
    }
    atomic_init(&env->pool_waiters, 0);
    if (pthread_mutex_init(&env->pool_lock, NULL)) {
        rc = mu_error_set(err, MU_EINTERNAL, "cannot make a mutex");
        goto out;
    }
    if (pthread_cond_init(&env->pool_cond, NULL)) {
        pthread_mutex_destroy(&env->pool_lock);
        rc = mu_error_set(err, MU_EINTERNAL, "cannot make a condition variable");
        goto out;
    }
out:
    if (rc) {
        for (size_t i = 0; i < env->npool; i++)
            mu_store_close(env->pool[i]);
        mu_free(env->pool);
        mu_free(env->pool_busy);
        env->pool = NULL;
        env->pool_busy = NULL;
        env->npool = 0;
    }
    return rc;
}

void mu_http_pool_close(struct mu_http_env *env)
{
    if (!env->npool)
        return;
    size_t busy = 0;
    for (size_t i = 0; i < env->npool; i++)
        busy += atomic_load(&env->pool_busy[i]) != 0;
    if (busy)
        mu_log(MU_LOG_WARN, "http", "%zu pool connection(s) still in use at close", busy);
    for (size_t i = 0; i < env->npool; i++)
        mu_store_close(env->pool[i]);
    pthread_cond_destroy(&env->pool_cond);
    pthread_mutex_destroy(&env->pool_lock);
    mu_free(env->pool);
    mu_free(env->pool_busy);
    env->pool = NULL;
    env->pool_busy = NULL;
    env->npool = 0;
}

/* The pool slots this thread holds, last acquired last, and the slot it
 * tries first: each worker thread keeps to its own connection while there
 * is no crowding, so acquiring costs one uncontended compare-and-swap. */
#define HELD_MAX 8
static _Thread_local size_t held[HELD_MAX];
static _Thread_local size_t nheld;
static _Thread_local size_t pool_pref;
static _Thread_local int pool_pref_set;
static atomic_size_t pool_pref_next;

/* Take a free slot, starting at this thread's own: 1 with *idx set, or 0. */
static int pool_try(struct mu_http_env *env, size_t *idx)
{
    if (!pool_pref_set) {
        pool_pref = atomic_fetch_add(&pool_pref_next, 1);
        pool_pref_set = 1;
    }
    size_t n = env->npool, start = pool_pref % n;
    for (size_t k = 0; k < n; k++) {
        size_t i = (start + k) % n;
        int expect = 0;
        if (atomic_load_explicit(&env->pool_busy[i], memory_order_relaxed) == 0 &&
            atomic_compare_exchange_strong(&env->pool_busy[i], &expect, 1)) {
            *idx = i;
            pool_pref = i;
            return 1;
        }
    }
    return 0;
}

struct mu_store *mu_http_store_acquire(struct mu_http_env *env)
{
    if (!env->npool) {
        pthread_mutex_lock(&env->store_lock);
        return env->store;
    }
    if (nheld >= HELD_MAX)
        MU_BUG("too many nested store acquisitions");
    size_t i = 0;
    if (!pool_try(env, &i)) {
        /* The count goes up before the last look, and a release stores its
         * slot before it reads the count (both sequentially consistent):
         * either the look finds the slot or the release signals. */
        pthread_mutex_lock(&env->pool_lock);
        atomic_fetch_add(&env->pool_waiters, 1);
        while (!pool_try(env, &i))
            pthread_cond_wait(&env->pool_cond, &env->pool_lock);
        atomic_fetch_sub(&env->pool_waiters, 1);
        pthread_mutex_unlock(&env->pool_lock);
    }
    held[nheld++] = i;
    return env->pool[i];
}

void mu_http_store_release(struct mu_http_env *env)
{
    if (!env->npool) {
        pthread_mutex_unlock(&env->store_lock);
        return;
    }
    if (nheld == 0)
        MU_BUG("store release without acquire");
    atomic_store(&env->pool_busy[held[--nheld]], 0);
    if (atomic_load(&env->pool_waiters) > 0) {
        pthread_mutex_lock(&env->pool_lock);
        pthread_cond_signal(&env->pool_cond);
        pthread_mutex_unlock(&env->pool_lock);
    }
}

struct mu_store *mu_http_auth_store_acquire(struct mu_http_env *env)
{
    if (!env->auth_store)
        return mu_http_store_acquire(env);
    pthread_mutex_lock(&env->auth_lock);
    return env->auth_store;
}

void mu_http_auth_store_release(struct mu_http_env *env)
{
    if (!env->auth_store)
        mu_http_store_release(env);
    else
        pthread_mutex_unlock(&env->auth_lock);
}

const char *mu_http_req_param(const struct mu_http_req *req, const char *name)
{
    size_t len = strlen(name);
    for (size_t i = 0; i < req->nparams; i++)
        if (req->params[i].name_len == len && memcmp(req->params[i].name, name, len) == 0)
            return req->params[i].value;
    return NULL;
}
