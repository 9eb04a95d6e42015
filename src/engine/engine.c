/* SPDX-License-Identifier: MIT */
/*
 * The timer engine: run the timers that are due, each batch in one
 * transaction (claim, effects, delete, commit), and the engine thread of
 * `muster serve`, which sleeps on a condition variable until the next due
 * time, a wake-up after a write, or a minute at most. The effects of
 * incident timers are in src/app/incident.c (mu_app_incident_timer); other
 * kinds come through the handler in struct mu_engine_opts. See
 * docs/internals/engine.md for the guarantees and their proof sketch.
 */
#include <muster/engine.h>

#include <errno.h>
#include <muster/checkin.h>
#include <muster/incident.h>
#include <muster/mem.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "util/banned.h"

#define DEFAULT_BATCH 64
#define DEFAULT_LEASE_MS 60000
#define RETRY_FIRST_MS 60000
#define RETRY_MAX_MS 3600000

/* ---------------------------------------------------------------- clock */

static int64_t real_now(void *ctx)
{
    (void)ctx;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static const struct mu_clock real_clock = {real_now, NULL};

const struct mu_clock *mu_clock_real(void)
{
    return &real_clock;
}

/* ---------------------------------------------------------------- running */

static int64_t retry_delay(int attempts)
{
    int64_t d = RETRY_FIRST_MS;
    for (int i = 0; i < attempts && d < RETRY_MAX_MS; i++)
        d *= 2;
    return d < RETRY_MAX_MS ? d : RETRY_MAX_MS;
}

/* One timer's effects inside the batch's transaction, in a savepoint of its own. */
static enum mu_err fire(struct mu_store *s, const struct mu_engine_opts *o,
                        const struct mu_actor *actor, const struct mu_timer *t, int64_t now,
                        struct mu_error *err)
{
    enum mu_err rc = MU_ENOTFOUND;
    if (o->handler)
        rc = o->handler(o->handler_ctx, s, actor, t, now, err);
    if (rc == MU_ENOTFOUND && strncmp(t->kind, "incident.", 9) == 0)
        rc = mu_app_incident_timer(s, actor, t->kind, t->ref, t->payload, now, err);
    if (rc == MU_ENOTFOUND)
        rc = mu_error_set(err, MU_EINVAL, "unknown timer kind '%s'", t->kind);
    return rc;
}

enum mu_err mu_engine_run_due_ex(struct mu_store *s, const struct mu_clock *clock,
                                 const struct mu_engine_opts *opts, size_t max,
                                 struct mu_engine_result *out, struct mu_error *err)
{
    static const struct mu_engine_opts none;
    const struct mu_engine_opts *o = opts ? opts : &none;
    const char *node = o->node && *o->node ? o->node : "engine";
    size_t batch = o->batch ? o->batch : DEFAULT_BATCH;
    int64_t lease = o->lease_ms > 0 ? o->lease_ms : DEFAULT_LEASE_MS;
    struct mu_engine_result res = {0};
    enum mu_err rc = MU_OK;
    if (!clock)
        clock = &real_clock;
    for (;;) {
        size_t want = batch;
        if (max && res.fired + res.deferred + want > max)
            want = max - res.fired - res.deferred;
        if (want == 0)
            break;
        int64_t now = clock->now_ms(clock->ctx);
        struct mu_actor actor = {.name = node, .now_ms = now};
        struct mu_timer *v = NULL;
        size_t n = 0, fired = 0, deferred = 0;
        int64_t late = 0;
        if ((rc = mu_store_begin(s, err)))
            break;
        rc = mu_store_timer_claim(s, node, now, lease, want, &v, &n, err);
        if (rc == MU_OK && n && o->after_claim)
            o->after_claim(o->after_claim_ctx, v, n);
        for (size_t i = 0; rc == MU_OK && i < n; i++) {
            struct mu_error e2 = {0};
            enum mu_err r2 = mu_store_begin(s, &e2); /* a savepoint */
            if (r2 == MU_OK)
                r2 = fire(s, o, &actor, &v[i], now, &e2);
            if (r2 == MU_OK)
                r2 = mu_store_timer_done(s, v[i].id, &e2);
            if (r2 == MU_OK)
                r2 = mu_store_commit(s, &e2);
            else
                mu_store_rollback(s); /* back to the savepoint: this timer's effects only */
            if (r2 == MU_OK) {
                fired++;
                if (now - v[i].due_at > late)
                    late = now - v[i].due_at;
            } else if (r2 == MU_ESTORE || r2 == MU_ENOMEM) {
                /* The database itself failed: give the whole batch back. */
                rc = r2;
                if (err)
                    *err = e2;
            } else {
                rc = mu_store_timer_defer(s, v[i].id, now + retry_delay(v[i].attempts), e2.msg,
                                          err);
                deferred++;
            }
        }
        mu_timers_free(v, n);
        if (rc == MU_OK && n)
            rc = mu_store_commit(s, err);
        else
            mu_store_rollback(s);
        if (rc)
            break;
        if (!n)
            break;
        res.fired += fired;
        res.deferred += deferred;
        res.batches++;
        if (late > res.max_late_ms)
            res.max_late_ms = late;
    }
    if (out)
        *out = res;
    return rc;
}

enum mu_err mu_engine_run_due(struct mu_store *s, const struct mu_clock *clock, size_t max,
                              struct mu_engine_result *out, struct mu_error *err)
{
    return mu_engine_run_due_ex(s, clock, NULL, max, out, err);
}

enum mu_err mu_engine_next_due(struct mu_store *s, int64_t *at, struct mu_error *err)
{
    int found = 0;
    enum mu_err rc = mu_store_timer_next(s, at, &found, err);
    if (rc == MU_OK && !found)
        *at = -1;
    return rc;
}

/* ---------------------------------------------------------------- the thread */

static struct {
    pthread_mutex_t mu;
    pthread_cond_t cond;
    pthread_t thread;
    int running;  /* a thread exists (between start and stop) */
    int stopping; /* stop was asked */
    int woken;    /* wake was asked since the last sleep */
    struct mu_engine_config cfg;
    struct mu_store *store;
} eng = {.mu = PTHREAD_MUTEX_INITIALIZER};

static void report(enum mu_err rc, const struct mu_error *err)
{
    if (rc && eng.cfg.on_error)
        eng.cfg.on_error(eng.cfg.on_error_ctx, rc, err);
}

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void *loop(void *arg)
{
    (void)arg;
    const struct mu_clock *clock = eng.cfg.clock ? eng.cfg.clock : &real_clock;
    int64_t max_sleep = eng.cfg.max_sleep_ms > 0 ? eng.cfg.max_sleep_ms : 60000;
    int64_t last_tick_min = -1;
    struct mu_engine_opts opts = {.node = eng.cfg.node};
    for (;;) {
        struct mu_error err = {0};
        pthread_mutex_lock(&eng.mu);
        int stop = eng.stopping;
        eng.woken = 0;
        pthread_mutex_unlock(&eng.mu);
        if (stop)
            break;

        enum mu_err rc = mu_engine_run_due_ex(eng.store, clock, &opts, 0, NULL, &err);
        report(rc, &err);
        int64_t now = clock->now_ms(clock->ctx);
        if (eng.cfg.cal && now / 60000 != last_tick_min) {
            struct mu_checkin_tick_result tr;
            struct mu_actor actor = {.name = opts.node ? opts.node : "engine", .now_ms = now};
            memset(&err, 0, sizeof(err));
            rc = mu_app_checkin_tick(eng.store, &actor, eng.cfg.cal, now, &tr, &err);
            report(rc, &err);
            last_tick_min = now / 60000;
        }
        if (eng.cfg.deliver) {
            struct mu_outbox_transport t;
            if (eng.cfg.transport)
                t = *eng.cfg.transport;
            else
                memset(&t, 0, sizeof(t));
            if (!t.on_attempt)
                t.on_attempt = mu_app_incident_on_attempt;
            memset(&err, 0, sizeof(err));
            rc = mu_app_outbox_deliver(eng.store, &t, now, 100, NULL, &err);
            report(rc, &err);
        }

        /* Sleep until the next due timer (or the next minute for the tick). */
        int64_t next = -1, wait = max_sleep;
        memset(&err, 0, sizeof(err));
        rc = mu_engine_next_due(eng.store, &next, &err);
        report(rc, &err);
        now = clock->now_ms(clock->ctx);
        if (rc == MU_OK && next >= 0 && next - now < wait)
            wait = next - now;
        if (eng.cfg.cal) {
            int64_t to_minute = 60000 - now % 60000;
            if (to_minute < wait)
                wait = to_minute;
        }
        if (wait < 0)
            wait = 0;
        int64_t until = mono_ms() + wait;
        struct timespec ts = {.tv_sec = until / 1000, .tv_nsec = (long)(until % 1000) * 1000000};
        pthread_mutex_lock(&eng.mu);
        while (!eng.woken && !eng.stopping && mono_ms() < until)
            if (pthread_cond_timedwait(&eng.cond, &eng.mu, &ts) == ETIMEDOUT)
                break;
        pthread_mutex_unlock(&eng.mu);
    }
    return NULL;
}

enum mu_err mu_engine_start(const struct mu_engine_config *cfg, struct mu_error *err)
{
    enum mu_err rc = MU_OK;
    pthread_condattr_t attr;
    pthread_mutex_lock(&eng.mu);
    if (eng.running) {
        pthread_mutex_unlock(&eng.mu);
        return mu_error_set(err, MU_ECONFLICT, "the engine is already running");
    }
    eng.cfg = *cfg;
    eng.stopping = 0;
    eng.woken = 0;
    rc = mu_store_open(cfg->dsn, &eng.store, err);
    if (rc == MU_OK) {
        pthread_condattr_init(&attr);
        pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
        pthread_cond_init(&eng.cond, &attr);
        pthread_condattr_destroy(&attr);
        if (pthread_create(&eng.thread, NULL, loop, NULL) != 0) {
            pthread_cond_destroy(&eng.cond);
            mu_store_close(eng.store);
            eng.store = NULL;
            rc = mu_error_set(err, MU_EINTERNAL, "cannot start the engine thread");
        } else {
            eng.running = 1;
        }
    }
    pthread_mutex_unlock(&eng.mu);
    return rc;
}

void mu_engine_wake(void)
{
    pthread_mutex_lock(&eng.mu);
    if (eng.running) {
        eng.woken = 1;
        pthread_cond_signal(&eng.cond);
    }
    pthread_mutex_unlock(&eng.mu);
}

void mu_engine_stop(void)
{
    pthread_mutex_lock(&eng.mu);
    if (!eng.running) {
        pthread_mutex_unlock(&eng.mu);
        return;
    }
    eng.stopping = 1;
    pthread_cond_signal(&eng.cond);
    pthread_mutex_unlock(&eng.mu);
    pthread_join(eng.thread, NULL);
    pthread_mutex_lock(&eng.mu);
    pthread_cond_destroy(&eng.cond);
    mu_store_close(eng.store);
    eng.store = NULL;
    eng.running = 0;
    pthread_mutex_unlock(&eng.mu);
}
