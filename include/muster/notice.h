/* SPDX-License-Identifier: MIT */
/*
 * Due notices: messages muster owes to a person at a time (a reminder before
 * a duty shift, a note that a published shift changed, a check-in reminder,
 * a check-in summary). Until the notification outbox exists they are only
 * recorded in the `notices` table with their due time; the outbox will later
 * pick up the rows that are due, not sent and not cancelled, deliver them
 * through the person's channels and set sent_at. Any feature may add notices:
 * the kind says which ("roster.reminder", "roster.change", "checkin.reminder",
 * "checkin.summary", ...) and ref says what about ("shift:12",
 * "checkin:daily:2026-02-03T15:00"), so that a feature can cancel what it no
 * longer owes (a shift that was removed) without touching anyone else's.
 *
 * Times are epoch milliseconds. Same threading rules as muster/store.h.
 */
#ifndef MUSTER_NOTICE_H
#define MUSTER_NOTICE_H

#include "err.h"
#include "store.h"
#include <stddef.h>
#include <stdint.h>

/* Longest accepted strings (bytes). */
#define MU_NOTICE_MAX_KIND 64
#define MU_NOTICE_MAX_PERSON 200
#define MU_NOTICE_MAX_REF 200
#define MU_NOTICE_MAX_SUBJECT 500
#define MU_NOTICE_MAX_BODY 4000

/** A notice to add; every string is borrowed. */
struct mu_notice_new {
    const char *kind;    /* required: "roster.reminder", "checkin.summary", ... */
    const char *person;  /* required: the plan's person id (or a user name) */
    int64_t due_at;      /* when it should be sent */
    const char *subject; /* required, one line */
    const char *body;    /* may be NULL or "" */
    const char *ref;     /* what it is about: "shift:12"; may be NULL or "" */
};

/** A stored notice; strings owned, free the array with mu_notices_free(). */
struct mu_notice {
    int64_t id;
    char *kind, *person, *subject, *body, *ref; /* never NULL ("" when empty) */
    int64_t due_at;
    int64_t created_at;
    int64_t sent_at;      /* 0 while not sent */
    int64_t cancelled_at; /* 0 unless cancelled (no longer owed) */
};

/**
 * Record @p n notices @p v (borrowed) due at their times, with one audit
 * entry "notice.add" naming the count (and the first ref), all in one
 * transaction: either all are stored or none. *first_id (may be NULL) gets
 * the id of the first; ids of the others follow in order but need not be
 * consecutive. n = 0 does nothing. Validates every entry first: MU_EINVAL
 * naming the field ("notice 2: kind is empty") when a required string is
 * empty or one is longer than its limit.
 */
MU_API enum mu_err mu_store_notice_add(struct mu_store *s, const struct mu_actor *actor,
                                       const struct mu_notice_new *v, size_t n,
                                       int64_t *first_id, struct mu_error *err);

/**
 * Cancel every notice with @p ref (non-empty; borrowed) that is neither sent
 * nor cancelled; with @p kind (may be NULL: any kind) only those of that
 * kind. *count (may be NULL) gets how many; an audit entry "notice.cancel"
 * is appended when there were any.
 */
MU_API enum mu_err mu_store_notice_cancel(struct mu_store *s, const struct mu_actor *actor,
                                          const char *ref, const char *kind, size_t *count,
                                          struct mu_error *err);

/**
 * Mark notice @p id sent at actor->now_ms (for the outbox); audit
 * "notice.sent". MU_ENOTFOUND when there is no such notice, MU_ECONFLICT when
 * it was already sent or was cancelled.
 */
MU_API enum mu_err mu_store_notice_mark_sent(struct mu_store *s, const struct mu_actor *actor,
                                             int64_t id, struct mu_error *err);

/** Which notices mu_store_notice_list() returns; zero it, then set what you need. */
struct mu_notice_filter {
    int64_t due_from, due_to; /* due_at in [due_from, due_to); both 0: any time */
    const char *kind;         /* exact kind, or a prefix ending in '.' ("roster."); NULL: any */
    const char *person;       /* NULL: anyone */
    const char *ref;          /* exact; NULL: any */
    int pending_only;         /* only those neither sent nor cancelled */
    int include_cancelled;    /* cancelled ones are left out unless this is set */
    size_t limit;             /* 0: no limit */
};

/**
 * The notices matching @p f (may be NULL: all but cancelled), ordered by
 * due_at, then id. *out (free with mu_notices_free) may be NULL when none.
 */
MU_API enum mu_err mu_store_notice_list(struct mu_store *s, const struct mu_notice_filter *f,
                                        struct mu_notice **out, size_t *count,
                                        struct mu_error *err);

/** Free @p n notices of @p v; NULL is fine. */
MU_API void mu_notices_free(struct mu_notice *v, size_t n);

#endif
