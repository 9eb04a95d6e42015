/* SPDX-License-Identifier: MIT */
/*
 * Check-ins for a server: group commit of concurrent submissions and the
 * board of a day, over one shared store connection guarded by the caller's
 * mutex (the HTTP server's store lock).
 *
 * Group commit (one queue, a committer thread of its own): a submission is
 * queued with copies of everything it needs; the committer takes up to
 * `max_batch` queued submissions, checks each of them (exactly the checks
 * of mu_app_checkin_submit(): schedule, unit, permission, `by`, fields,
 * text, slot, time), stores every valid one in ONE transaction
 * (mu_store_checkin_submit_many() per run of the same actor, nested in one
 * outer transaction: one commit) and answers every member only after that
 * commit, so every acknowledged submission is durable. A member that fails
 * its checks gets its own error and does not hold up the others; when the
 * shared transaction fails, the valid members are retried one by one so
 * that each gets its own answer. While the committer commits, new
 * submissions queue up and form the next group: the group size follows the
 * load. A server submits without waiting (mu_checkin_batcher_submit_async),
 * so a waiting submission holds no worker thread.
 *
 * Schedules are resolved from a cache of parsed plans, checked against the
 * latest stored version of each plan once per group (a new plan version is
 * parsed once, then used): parsing a 25,000-unit plan for every submission
 * would cost more than the commit it shares.
 *
 * See docs/internals/checkins.md ("Group commit").
 */
#ifndef MUSTER_CHECKIN_BATCH_H
#define MUSTER_CHECKIN_BATCH_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "account.h"
#include "calendar.h"
#include "checkin.h"
#include "err.h"
#include "store.h"

#define MU_CHECKIN_BATCH_DEFAULT 64 /* submissions per shared commit at most */
#define MU_CHECKIN_BATCH_MAX 1024

struct mu_checkin_batcher;

/**
 * A batcher over store @p s, whose every use is guarded by @p store_lock
 * (both borrowed; they must outlive the batcher), with the working-day
 * calendar @p cal (borrowed; may be NULL). @p max_batch: 1..
 * MU_CHECKIN_BATCH_MAX (0: the default). *out owned by the caller
 * (mu_checkin_batcher_free). MU_EINVAL, MU_ENOMEM.
 */
MU_API enum mu_err mu_checkin_batcher_new(struct mu_store *s, pthread_mutex_t *store_lock,
                                          const struct mu_calendar *cal, size_t max_batch,
                                          struct mu_checkin_batcher **out,
                                          struct mu_error *err);

/**
 * Free @p b and its cache, after answering every queued submission. No
 * submission may be made during or after the call. NULL is a no-op.
 */
MU_API void mu_checkin_batcher_free(struct mu_checkin_batcher *b);

/**
 * Check and store one submission as mu_app_checkin_submit() does, sharing a
 * commit with concurrent callers; returns after the commit (or the error).
 * Everything is borrowed for the call. @p who (may be NULL: a trusted local
 * caller) must be allowed MU_ACTION_UNIT_WRITE on the unit. In @p out, id,
 * schedule, slot and late are set; replaced and counts are not computed
 * (0): finding the earlier report would read the whole slot of every unit.
 * Errors as mu_app_checkin_submit(), each with its field. Thread-safe: call
 * from any number of threads; never with the store lock held.
 */
MU_API enum mu_err mu_checkin_batcher_submit(struct mu_checkin_batcher *b,
                                             const struct mu_actor *actor,
                                             const struct mu_principal *who,
                                             const struct mu_checkin_input *in,
                                             struct mu_checkin_receipt *out,
                                             struct mu_error *err);

/**
 * The answer to a submission: @p rc, with @p err (borrowed for the call)
 * when it is not MU_OK, else @p receipt (borrowed for the call). Called once,
 * on the batcher's committer thread, after the commit; it must not submit
 * to the same batcher and should return promptly.
 */
typedef void mu_checkin_done_fn(void *ctx, enum mu_err rc, const struct mu_error *err,
                                const struct mu_checkin_receipt *receipt);

/**
 * mu_checkin_batcher_submit() without waiting: the submission (copied; the
 * arguments are borrowed for the call only) is queued, and @p done is called
 * with @p ctx when it is stored or refused. MU_OK when queued; otherwise
 * (MU_EINVAL, MU_ENOMEM) @p done is never called.
 */
MU_API enum mu_err mu_checkin_batcher_submit_async(struct mu_checkin_batcher *b,
                                                   const struct mu_actor *actor,
                                                   const struct mu_principal *who,
                                                   const struct mu_checkin_input *in,
                                                   mu_checkin_done_fn *done, void *ctx,
                                                   struct mu_error *err);

/** Counters since the batcher was made. */
struct mu_checkin_batch_stats {
    uint64_t groups;      /* groups processed */
    uint64_t commits;     /* shared commits that succeeded */
    uint64_t stored;      /* submissions stored */
    uint64_t rejected;    /* submissions that failed their checks */
    uint64_t retried;     /* submissions stored one by one after a failed shared commit */
    uint64_t largest;     /* the largest group */
};

MU_API void mu_checkin_batcher_stats(struct mu_checkin_batcher *b,
                                     struct mu_checkin_batch_stats *out);

/**
 * For tests: @p fn (may be NULL) is called inside the shared transaction,
 * after the inserts and before the commit, with the group's size; a non-OK
 * return makes the shared transaction fail (and the members be retried one
 * by one, outside any hook).
 */
typedef enum mu_err mu_checkin_batch_hook_fn(void *ctx, size_t n, struct mu_error *err);
MU_API void mu_checkin_batcher_set_hook(struct mu_checkin_batcher *b, mu_checkin_batch_hook_fn *fn,
                                        void *ctx);

/**
 * Resolve @p ref ("PLAN/CHECKIN", or a bare "CHECKIN" of exactly one plan)
 * against the latest stored plan versions. *sch is borrowed from the
 * batcher's cache and stays valid until mu_checkin_batcher_free() (cached
 * versions are never freed before). *version (may be NULL) gets the plan
 * version. Errors as mu_app_checkin_submit() gives for the schedule.
 * Takes the store lock.
 */
MU_API enum mu_err mu_checkin_batcher_schedule(struct mu_checkin_batcher *b, const char *ref,
                                               const struct mu_checkin_schedule **sch,
                                               int *version, struct mu_error *err);

/**
 * Call @p fn for every check-in schedule of every stored plan (latest
 * version), in plan id order then plan order. The schedule is borrowed as
 * with mu_checkin_batcher_schedule(). Takes the store lock to resolve, and
 * calls @p fn without it. Stops at and returns the first non-OK return.
 */
typedef enum mu_err mu_checkin_schedule_fn(void *ctx, const struct mu_checkin_schedule *sch,
                                           struct mu_error *err);
MU_API enum mu_err mu_checkin_batcher_each(struct mu_checkin_batcher *b, mu_checkin_schedule_fn *fn,
                                           void *ctx, struct mu_error *err);

/** One cell of a board as mu_checkin_batcher_board() hands it out; strings borrowed. */
struct mu_checkin_cell_view {
    size_t unit_index, slot_index;
    const struct mu_plan_unit *unit;
    const struct mu_plan_person *reporter; /* NULL when the unit has none */
    const struct mu_checkin_slot *slot;
    enum mu_checkin_status status;
    int has;              /* a submission counts */
    int64_t submitted_at; /* when has */
    int nil, late;        /* when has */
};

typedef enum mu_err mu_checkin_cell_fn(void *ctx, const struct mu_checkin_cell_view *c,
                                       struct mu_error *err);

/**
 * The board of @p sch (from this batcher) on local day @p day as seen at
 * @p at: the submissions are read under the store lock, then @p fn is called
 * for every cell, units in board order and slots ascending, without it.
 * *nslots (may be NULL) gets the day's slot count (0 on a day without
 * slots, and then @p fn is never called). Stops at the first non-OK return.
 */
MU_API enum mu_err mu_checkin_batcher_board(struct mu_checkin_batcher *b,
                                            const struct mu_checkin_schedule *sch, int32_t day,
                                            int64_t at, size_t *nslots, mu_checkin_cell_fn *fn,
                                            void *ctx, struct mu_error *err);

#endif
