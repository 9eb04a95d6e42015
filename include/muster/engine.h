/* SPDX-License-Identifier: MIT */
/*
 * The timer engine (src/engine, src/store/store_timer.c). Every timer lives
 * in the database (`timers`: due_at, kind, ref, payload, claimed_by,
 * claimed_until). mu_engine_run_due() claims the timers that are due in a
 * transaction (SQLite: BEGIN IMMEDIATE, one writer; PostgreSQL: SELECT ...
 * FOR UPDATE SKIP LOCKED), performs each one's effects (outbox rows,
 * timeline entries, the next timers) and deletes it IN THAT SAME
 * TRANSACTION, then commits. So several nodes on one database never fire a
 * timer twice, and a node that dies between claim and commit loses nothing:
 * its transaction rolls back and the timer is still there for the next run.
 *
 * The clock is injected (struct mu_clock): a test or a simulated drill runs
 * a week of timers in milliseconds. mu_engine_start() runs the engine on a
 * thread for `muster serve`: it sleeps on a condition variable until the
 * next due time, until mu_engine_wake() is called after a write, or at most
 * a minute (so that writes by other nodes and the check-in tick are seen);
 * it never polls busily. See docs/internals/engine.md.
 */
#ifndef MUSTER_ENGINE_H
#define MUSTER_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "calendar.h"
#include "err.h"
#include "outbox.h"
#include "store.h"

/** The clock: epoch milliseconds. */
struct mu_clock {
    int64_t (*now_ms)(void *ctx);
    void *ctx;
};

/** The real clock (CLOCK_REALTIME). Static. */
MU_API const struct mu_clock *mu_clock_real(void);

/* ---------------------------------------------------------------------- */
/* Timers in the store                                                    */

#define MU_TIMER_MAX_KIND 64
#define MU_TIMER_MAX_REF 200
#define MU_TIMER_MAX_PAYLOAD 4000

/** An armed timer; strings owned. */
struct mu_timer {
    int64_t id;
    int64_t due_at;
    char *kind, *ref, *payload;
    int attempts;     /* failed runs so far */
    char *last_error; /* "" when none */
};

MU_API void mu_timers_free(struct mu_timer *v, size_t n);

/**
 * Arm a timer due at @p due_at (strings borrowed; payload may be NULL).
 * Works inside the caller's transaction (the usual case: a change and its
 * timer commit together). Timers are bookkeeping of the engine and are not
 * audited themselves; the change that arms one is. *id may be NULL.
 */
MU_API enum mu_err mu_store_timer_arm(struct mu_store *s, int64_t due_at, const char *kind,
                                      const char *ref, const char *payload, int64_t *id,
                                      struct mu_error *err);

/**
 * Inside the caller's transaction (MU_EINVAL otherwise): claim up to
 * @p max timers due at @p now (due_at <= now and not claimed until later),
 * oldest first, locking them (PostgreSQL: FOR UPDATE SKIP LOCKED, so that
 * concurrent claimers take disjoint sets) and writing claimed_by = @p node,
 * claimed_until = now + @p lease_ms. *out (mu_timers_free) and *n.
 */
MU_API enum mu_err mu_store_timer_claim(struct mu_store *s, const char *node, int64_t now,
                                        int64_t lease_ms, size_t max, struct mu_timer **out,
                                        size_t *n, struct mu_error *err);

/** Delete fired timer @p id (in the claiming transaction). */
MU_API enum mu_err mu_store_timer_done(struct mu_store *s, int64_t id, struct mu_error *err);

/**
 * A timer whose effects failed: due again at @p retry_at, attempts + 1,
 * @p error (borrowed) kept as last_error.
 */
MU_API enum mu_err mu_store_timer_defer(struct mu_store *s, int64_t id, int64_t retry_at,
                                        const char *error, struct mu_error *err);

/** The earliest due_at of any timer: *found = 0 when there is none. */
MU_API enum mu_err mu_store_timer_next(struct mu_store *s, int64_t *at, int *found,
                                       struct mu_error *err);

/** How many timers there are, of @p kind and @p ref when not NULL. */
MU_API enum mu_err mu_store_timer_count(struct mu_store *s, const char *kind, const char *ref,
                                        int64_t *n, struct mu_error *err);

/* ---------------------------------------------------------------------- */
/* Running due timers                                                     */

/**
 * A handler for timers: perform the effects of @p t at @p now inside the
 * engine's transaction through @p s. Return MU_ENOTFOUND (without setting
 * anything) for a kind it does not handle; any other error undoes that
 * timer's effects and defers it.
 */
typedef enum mu_err (*mu_engine_timer_fn)(void *ctx, struct mu_store *s,
                                          const struct mu_actor *actor,
                                          const struct mu_timer *t, int64_t now,
                                          struct mu_error *err);

/** Options of mu_engine_run_due_ex(); zero it for the defaults. Borrowed. */
struct mu_engine_opts {
    const char *node;  /* claimed_by and the audit actor; NULL: "engine" */
    int64_t lease_ms;  /* written as claimed_until; 0: 60 s */
    size_t batch;      /* timers per transaction; 0: 64 */
    /* Asked first for every timer; NULL: only the built-in kinds
     * ("incident.*", see mu_app_incident_timer). */
    mu_engine_timer_fn handler;
    void *handler_ctx;
    /* Called right after a batch is claimed, inside the transaction, before
     * any effect: the crash test's hook (`MUSTER_TEST_CRASH_AFTER_CLAIM`). */
    void (*after_claim)(void *ctx, const struct mu_timer *v, size_t n);
    void *after_claim_ctx;
};

/** What one run did. */
struct mu_engine_result {
    size_t fired;         /* timers whose effects committed */
    size_t deferred;      /* timers whose effects failed, due again later */
    size_t batches;       /* transactions committed */
    int64_t max_late_ms;  /* largest now - due_at of the fired timers */
};

/**
 * Fire every timer due at @p clock's now, at most @p max (0: no limit), in
 * batches: claim, effects, delete, commit. Timers armed by the effects that
 * are already due fire in the same run. A timer whose effects fail is
 * deferred (1 min, doubling, at most 1 h) with the error kept; the run goes
 * on. Must not be called inside a transaction. *out may be NULL.
 * Errors: the store's (the current batch is rolled back; fired batches stay).
 */
MU_API enum mu_err mu_engine_run_due(struct mu_store *s, const struct mu_clock *clock, size_t max,
                                     struct mu_engine_result *out, struct mu_error *err);

/** As mu_engine_run_due() with @p opts (may be NULL). */
MU_API enum mu_err mu_engine_run_due_ex(struct mu_store *s, const struct mu_clock *clock,
                                        const struct mu_engine_opts *opts, size_t max,
                                        struct mu_engine_result *out, struct mu_error *err);

/** When the engine should wake: the earliest due time, or *at = -1 when no timer is armed. */
MU_API enum mu_err mu_engine_next_due(struct mu_store *s, int64_t *at, struct mu_error *err);

/* ---------------------------------------------------------------------- */
/* The engine thread (for `muster serve`)                                 */

/** How the engine thread runs; everything borrowed for the thread's life. */
struct mu_engine_config {
    const char *dsn;              /* the thread opens its own connection */
    const char *node;             /* NULL: "engine" */
    const struct mu_clock *clock; /* NULL: mu_clock_real() */
    /* The check-in tick (mu_app_checkin_tick) runs every minute when set. */
    const struct mu_calendar *cal;
    /* Deliver the outbox (mu_app_outbox_deliver) on every wake-up when set;
     * the incident hook records attempts on incident timelines. */
    int deliver;
    const struct mu_outbox_transport *transport; /* NULL: the defaults */
    int64_t max_sleep_ms;                        /* 0: 60000 */
    /* Called with each error the loop meets (it goes on); NULL: ignored. */
    void (*on_error)(void *ctx, enum mu_err rc, const struct mu_error *err);
    void *on_error_ctx;
};

/**
 * Start the engine thread: open the store at cfg->dsn (failures are
 * returned here) and loop: run due timers, the check-in tick, the outbox;
 * then sleep until the next due time, mu_engine_wake(), or max_sleep_ms.
 * One engine per process: MU_ECONFLICT when one runs.
 */
MU_API enum mu_err mu_engine_start(const struct mu_engine_config *cfg, struct mu_error *err);

/** Wake the engine thread now (after a write that armed a timer). No-op when none runs. */
MU_API void mu_engine_wake(void);

/** Stop the engine thread and wait for it; it finishes the batch it is on. No-op when none. */
MU_API void mu_engine_stop(void);

#endif
