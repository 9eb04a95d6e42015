/* SPDX-License-Identifier: MIT */
/*
 * Server-sent events: GET /api/v1/events streams `text/event-stream` to
 * signed-in browsers, so that open pages refresh when something changes.
 * One hub per server owns the streams and ONE background thread, which
 * reads the store's audit head at most once a second and, when the log has
 * grown, queues `event: audit` / `data: {"seq":N}` on every stream; it also
 * queues `event: ping` every 15 s (which is how dead clients are noticed).
 *
 * The streams never block a worker thread: server.c serves each from a
 * content-reader callback; when a client has nothing pending, the reader
 * suspends the connection (under the client's lock) and the hub resumes it
 * when it queues something. At shutdown every stream is ended (and resumed)
 * before the server drains, so an open page never holds up a stop. Streams
 * are bounded (MU_SSE_CLIENTS_MAX; more get 503) and so is each client's
 * queue (a client that does not read is dropped).
 *
 * A client is shared by the hub's list and the response streaming it;
 * `refs` counts both, and the broadcaster takes a reference while it works
 * outside the hub's lock. The response's free callback unlinks the client
 * and marks it gone, after which its connection is never touched again.
 */
#include "web.h"

#include <errno.h>
#include <muster/log.h>
#include <muster/mem.h>
#include <muster/store.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../util/banned.h"

struct mu_sse_client {
    pthread_mutex_t lock;
    atomic_int refs;
    char *buf;        /* pending bytes are buf[off, len) */
    size_t off, len, cap;
    int waiting;      /* the connection is suspended until something is queued */
    int closed;       /* end the stream once the pending bytes are sent */
    int gone;         /* the response was destroyed: conn is invalid */
    mu_sse_conn_fn *suspend, *resume;
    void *conn;
    struct mu_sse_hub *hub;
};

struct mu_sse_hub {
    struct mu_http_env *env;      /* borrowed */
    pthread_mutex_t lock;         /* clients, n, closing, stop */
    pthread_cond_t cond;          /* wakes the thread at stop */
    struct mu_sse_client *clients[MU_SSE_CLIENTS_MAX];
    size_t n;
    int closing;
    int stop;
    pthread_t thread;
    int64_t seq;                  /* the audit head last seen; -1 before the first read */
};

static void client_unref(struct mu_sse_client *c)
{
    if (atomic_fetch_sub(&c->refs, 1) != 1)
        return;
    pthread_mutex_destroy(&c->lock);
    mu_free(c->buf);
    mu_free(c);
}

/* Queue @p s on @p c and wake its connection; c->lock held. */
static void client_push(struct mu_sse_client *c, const char *s)
{
    size_t n = strlen(s);
    if (c->gone || c->closed)
        return;
    if (c->off > 0 && c->off == c->len)
        c->off = c->len = 0;
    if (c->len - c->off + n > MU_SSE_BUFFER_MAX) {
        c->closed = 1; /* not reading: drop it rather than buffer without bound */
        c->off = c->len = 0;
    } else {
        if (c->len + n > c->cap) {
            if (c->off) {
                memmove(c->buf, c->buf + c->off, c->len - c->off);
                c->len -= c->off;
                c->off = 0;
            }
            size_t cap = c->cap ? c->cap : 256;
            while (cap < c->len + n)
                cap *= 2;
            char *b = cap > c->cap ? mu_realloc(c->buf, cap) : c->buf;
            if (!b) {
                c->closed = 1;
                c->off = c->len = 0;
                goto wake;
            }
            c->buf = b;
            c->cap = cap;
        }
        memcpy(c->buf + c->len, s, n);
        c->len += n;
    }
wake:
    if (c->waiting) {
        c->waiting = 0;
        c->resume(c->conn);
    }
}

/* Apply @p fn (with @p s) to every client, outside the hub's lock. */
static void each_client(struct mu_sse_hub *hub, void (*fn)(struct mu_sse_client *, const char *),
                        const char *s, int closing)
{
    struct mu_sse_client *v[MU_SSE_CLIENTS_MAX];
    size_t n;
    pthread_mutex_lock(&hub->lock);
    if (closing)
        hub->closing = 1;
    n = hub->n;
    for (size_t i = 0; i < n; i++) {
        v[i] = hub->clients[i];
        atomic_fetch_add(&v[i]->refs, 1);
    }
    pthread_mutex_unlock(&hub->lock);
    for (size_t i = 0; i < n; i++) {
        pthread_mutex_lock(&v[i]->lock);
        fn(v[i], s);
        pthread_mutex_unlock(&v[i]->lock);
        client_unref(v[i]);
    }
}

static void client_close(struct mu_sse_client *c, const char *unused)
{
    (void)unused;
    c->closed = 1;
    if (c->waiting && !c->gone) {
        c->waiting = 0;
        c->resume(c->conn);
    }
}

static int64_t mono_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* The audit head (0 for an empty log), or -1 when the store cannot say. */
static int64_t audit_head(struct mu_http_env *env)
{
    int64_t seq = -1;
    struct mu_error err = {0};
    struct mu_store *s = mu_http_store_acquire(env);
    enum mu_err rc = s ? mu_store_audit_head(s, &seq, &err) : MU_ESTORE;
    mu_http_store_release(env);
    if (rc) {
        if (s)
            mu_log(MU_LOG_WARN, "http", "events: cannot read the audit head: %s", err.msg);
        return -1;
    }
    return seq;
}

static void *hub_thread(void *arg)
{
    struct mu_sse_hub *hub = arg;
    int64_t last_ping = mono_ms();
    pthread_mutex_lock(&hub->lock);
    while (!hub->stop) {
        pthread_mutex_unlock(&hub->lock);
        int64_t seq = audit_head(hub->env);
        if (seq >= 0) {
            if (hub->seq >= 0 && seq > hub->seq) {
                char msg[64];
                snprintf(msg, sizeof(msg), "event: audit\ndata: {\"seq\":%lld}\n\n",
                         (long long)seq);
                each_client(hub, client_push, msg, 0);
            }
            hub->seq = seq;
        }
        int64_t now = mono_ms();
        if (now - last_ping >= MU_SSE_PING_MS) {
            each_client(hub, client_push, "event: ping\ndata: {}\n\n", 0);
            last_ping = now;
        }
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_sec += MU_SSE_POLL_MS / 1000;
        until.tv_nsec += (long)(MU_SSE_POLL_MS % 1000) * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_mutex_lock(&hub->lock);
        while (!hub->stop && pthread_cond_timedwait(&hub->cond, &hub->lock, &until) != ETIMEDOUT)
            ;
    }
    pthread_mutex_unlock(&hub->lock);
    return NULL;
}

enum mu_err mu_sse_hub_start(struct mu_http_env *env, struct mu_sse_hub **out,
                             struct mu_error *err)
{
    struct mu_sse_hub *hub = mu_calloc(1, sizeof(*hub));
    if (!hub)
        return mu_error_set(err, MU_ENOMEM, "out of memory starting the event hub");
    hub->env = env;
    hub->seq = -1;
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_mutex_init(&hub->lock, NULL);
    pthread_cond_init(&hub->cond, &ca);
    pthread_condattr_destroy(&ca);
    int e = pthread_create(&hub->thread, NULL, hub_thread, hub);
    if (e) {
        pthread_cond_destroy(&hub->cond);
        pthread_mutex_destroy(&hub->lock);
        mu_free(hub);
        return mu_error_set(err, MU_EINTERNAL, "cannot start the event thread: %s", strerror(e));
    }
    *out = hub;
    return MU_OK;
}

void mu_sse_hub_shutdown(struct mu_sse_hub *hub)
{
    if (hub)
        each_client(hub, client_close, NULL, 1);
}

void mu_sse_hub_free(struct mu_sse_hub *hub)
{
    if (!hub)
        return;
    mu_sse_hub_shutdown(hub);
    pthread_mutex_lock(&hub->lock);
    hub->stop = 1;
    pthread_cond_signal(&hub->cond);
    pthread_mutex_unlock(&hub->lock);
    pthread_join(hub->thread, NULL);
    /* The daemon has stopped, so every response (and its client) is gone. */
    if (hub->n)
        mu_log(MU_LOG_WARN, "http", "events: %zu stream(s) left at stop", hub->n);
    pthread_cond_destroy(&hub->cond);
    pthread_mutex_destroy(&hub->lock);
    mu_free(hub);
}

struct mu_sse_client *mu_sse_client_new(struct mu_sse_hub *hub, mu_sse_conn_fn *suspend,
                                        mu_sse_conn_fn *resume, void *conn)
{
    struct mu_sse_client *c = mu_calloc(1, sizeof(*c));
    if (!c)
        return NULL;
    pthread_mutex_init(&c->lock, NULL);
    atomic_init(&c->refs, 2); /* the hub's list and the response */
    c->suspend = suspend;
    c->resume = resume;
    c->conn = conn;
    c->hub = hub;
    /* Tell the browser how soon to reconnect, and send something at once so
     * that the headers go out. */
    client_push(c, "retry: 5000\n: connected\n\n");
    if (c->closed) {
        client_unref(c);
        client_unref(c);
        return NULL;
    }
    pthread_mutex_lock(&hub->lock);
    int ok = !hub->closing && hub->n < MU_SSE_CLIENTS_MAX;
    if (ok)
        hub->clients[hub->n++] = c;
    pthread_mutex_unlock(&hub->lock);
    if (!ok) {
        client_unref(c);
        client_unref(c);
        return NULL;
    }
    return c;
}

long mu_sse_client_read(struct mu_sse_client *c, char *buf, size_t max)
{
    long r;
    pthread_mutex_lock(&c->lock);
    if (c->len > c->off) {
        size_t n = c->len - c->off;
        if (n > max)
            n = max;
        memcpy(buf, c->buf + c->off, n);
        c->off += n;
        r = (long)n;
    } else if (c->closed) {
        r = -1;
    } else {
        /* Nothing to send: park the connection until client_push() wakes it. */
        c->waiting = 1;
        c->suspend(c->conn);
        r = 0;
    }
    pthread_mutex_unlock(&c->lock);
    return r;
}

void mu_sse_client_free(void *arg)
{
    struct mu_sse_client *c = arg;
    struct mu_sse_hub *hub = c->hub;
    pthread_mutex_lock(&hub->lock);
    for (size_t i = 0; i < hub->n; i++)
        if (hub->clients[i] == c) {
            hub->clients[i] = hub->clients[--hub->n];
            client_unref(c);
            break;
        }
    pthread_mutex_unlock(&hub->lock);
    pthread_mutex_lock(&c->lock);
    c->gone = 1;
    c->waiting = 0;
    pthread_mutex_unlock(&c->lock);
    client_unref(c);
}

int h_events_get(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    (void)req;
    (void)ctx;
    resp->event_stream = 1;
    resp->content_type = "text/event-stream; charset=utf-8";
    resp->status = 200;
    return 200;
}
