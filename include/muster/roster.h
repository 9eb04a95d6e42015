/* SPDX-License-Identifier: MIT */
/*
 * The duty roster (值班): shifts generated from a plan's `duty` section,
 * published, overridden and swapped; who is on duty at a moment; the hours
 * no one covers; leave and training; iCal and XLSX exports and per-person
 * feed tokens. Three layers meet here:
 *
 *  - the pure generator, gap finder and "now" (src/core/roster.c): plan duty
 *    section, calendar, unavailability and kept shifts in, shifts out; no
 *    clock, no randomness, same inputs give the same roster;
 *  - the store functions (src/store/store_roster.c), each audited;
 *  - the use cases (src/app/roster.c) the CLI and HTTP call.
 *
 * Times are epoch milliseconds. Local days and clock times (duty start,
 * DATE arguments, the "+08:00" in JSON) are Asia/Shanghai, a fixed UTC+8
 * (China has no daylight saving time since 1991).
 */
#ifndef MUSTER_ROSTER_H
#define MUSTER_ROSTER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "calendar.h"
#include "err.h"
#include "plan.h"
#include "store.h"

/* Local time: mu_local_ms(), mu_local_day(), mu_local_format(), mu_local_parse() in date.h. */

/* ---------------------------------------------------------------------- */
/* The pure generator                                                     */

/** The fairness class of a shift, by the calendar kind of its start day. */
enum mu_shift_class {
    MU_CLASS_WORKDAY = 0, /* a working day, including a make-up working day */
    MU_CLASS_WEEKEND,     /* Saturday or Sunday that is not a holiday */
    MU_CLASS_HOLIDAY,     /* a day off of a statutory holiday other than 春节 */
    MU_CLASS_SPRING,      /* a day off of the Spring Festival (春节), the heaviest */
    MU_CLASS_COUNT
};

/** Class of a shift starting on @p day; @p cal may be NULL (the normal week). */
MU_API enum mu_shift_class mu_roster_day_class(const struct mu_calendar *cal, int32_t day);
/** "workday", "weekend", "holiday", "spring". */
MU_API const char *mu_shift_class_name(enum mu_shift_class c);

/** A person who cannot take a shift starting on days [from, to]; strings borrowed. */
struct mu_roster_unavail {
    const char *person;
    int32_t from, to;
};

/** A shift that must stay as it is (a published one); strings borrowed. */
struct mu_roster_fixed {
    const char *pool;   /* pool id */
    int64_t start_ms;   /* start of the shift it fills */
    int slot;           /* 0 .. per_shift-1 */
    const char *person;
};

/** What the generator needs; everything borrowed. */
struct mu_roster_gen_in {
    const struct mu_plan_duty *duty;
    const struct mu_calendar *cal; /* NULL: the normal week */
    const struct mu_roster_unavail *unavail;
    size_t nunavail;
    const struct mu_roster_fixed *fixed; /* matched by pool, start and slot */
    size_t nfixed;
    int32_t from, to; /* local days, inclusive: shifts that start on them */
};

/** One generated place in a shift. */
struct mu_roster_gen_shift {
    int64_t start_ms, end_ms;
    int32_t day;              /* local day the shift starts on */
    int night;                /* 1 for the night shift of `day-night` */
    size_t pool;              /* index into duty->pools */
    int slot;                 /* 0 .. per_shift-1 */
    const char *person;       /* borrowed from the inputs; NULL: nobody available (a gap) */
    int kept;                 /* 1 when taken from the fixed shifts */
    enum mu_shift_class cls;
};

/**
 * Fill every shift starting on in->from .. in->to from every pool.
 *
 * Rules, in order: a fixed shift is kept as it is; a person unavailable on
 * the start day is never chosen; with rest on (duty->no_consecutive_nights)
 * nobody gets the night shift right after their own night shift (`day-night`)
 * or the 24-hour shift right after their own (`24h`) unless the pool has no
 * one else available; the same person never holds two places of one shift.
 * Among those left, the person with the fewest shifts of this shift's class
 * in the period is chosen (so each class is balanced separately: workday,
 * weekend, holiday, 春节), then fewest night shifts (for a night shift), then
 * fewest shifts in all, then the one whose last shift is longest ago, then
 * rotation order (the pool's order). No randomness: the same input gives the
 * same output.
 *
 * *out (OUT: owned, mu_free) gets the shifts ordered by start, pool, slot;
 * *n their count. Errors: MU_EINVAL (no duty section, from > to, a range over
 * 366 days), MU_ENOMEM.
 */
MU_API enum mu_err mu_roster_generate(const struct mu_roster_gen_in *in,
                                      struct mu_roster_gen_shift **out, size_t *n,
                                      struct mu_error *err);

/** A shift as the gap finder and "now" see it; strings borrowed. */
struct mu_roster_span {
    const char *pool;
    int64_t start_ms, end_ms;
};

/** An uncovered stretch of a pool. */
struct mu_roster_gap {
    size_t pool;              /* index into the duty's pools */
    int64_t start_ms, end_ms; /* the stretch */
    int64_t missing;          /* how many of the pool's per_shift are absent */
};

/**
 * The stretches of [from_ms, to_ms) where a pool of @p duty has fewer than
 * per_shift of the @p n shifts @p v covering it, ordered by pool, then time;
 * adjacent stretches with the same shortage are merged. *out (mu_free) may
 * be NULL when there are none.
 */
MU_API enum mu_err mu_roster_gaps(const struct mu_plan_duty *duty, const struct mu_roster_span *v,
                                  size_t n, int64_t from_ms, int64_t to_ms,
                                  struct mu_roster_gap **out, size_t *count,
                                  struct mu_error *err);

/* ---------------------------------------------------------------------- */
/* Stored shifts                                                          */

enum mu_shift_source { MU_SHIFT_GENERATED = 0, MU_SHIFT_OVERRIDE, MU_SHIFT_SWAP };

/** "generated", "override", "swap". */
MU_API const char *mu_shift_source_name(enum mu_shift_source s);

/** A stored shift; strings owned (mu_shifts_free / mu_shift_release). */
struct mu_shift {
    int64_t id;
    char *plan_id, *pool, *role, *person;
    int64_t start_ms, end_ms;
    int slot;
    int published;
    enum mu_shift_source source;
    char *prev_person; /* "" when never overridden or swapped */
    char *note;        /* reason of the last override or swap, "" when none */
    int64_t created_at, updated_at, published_at; /* published_at 0 for drafts */
};

MU_API void mu_shift_release(struct mu_shift *s);
MU_API void mu_shifts_free(struct mu_shift *v, size_t n);

/** A new shift; strings borrowed. */
struct mu_shift_new {
    const char *pool, *role, *person;
    int64_t start_ms, end_ms;
    int slot;
};

/** Which shifts to list; zero it, then set what you need. */
struct mu_shift_filter {
    const char *plan_id;      /* NULL: every plan */
    const char *person;       /* NULL: everyone */
    int64_t from_ms, to_ms;   /* shifts overlapping [from, to); both 0: any time */
    int by_start;             /* select shifts starting in [from, to) instead */
    int published_only;
};

/** Shifts matching @p f ordered by start, plan, pool, slot; *out (mu_shifts_free) may be NULL. */
MU_API enum mu_err mu_store_shift_list(struct mu_store *s, const struct mu_shift_filter *f,
                                       struct mu_shift **out, size_t *n, struct mu_error *err);

/** Shift @p id into @p out (caller releases); MU_ENOTFOUND "no shift N". */
MU_API enum mu_err mu_store_shift_get(struct mu_store *s, int64_t id, struct mu_shift *out,
                                      struct mu_error *err);

/**
 * Replace the roster of plan @p plan_id for shifts starting in [from_ms,
 * to_ms): delete the drafts there (and the published ones too with
 * @p replace_published), then insert the @p n shifts @p v as drafts, source
 * generated; a new shift whose place (pool, start, slot) is still held by a
 * kept shift is skipped. One audit entry "roster.generate". *deleted and
 * *inserted may be NULL. Unsent notices of deleted shifts are cancelled.
 */
MU_API enum mu_err mu_store_roster_replace(struct mu_store *s, const struct mu_actor *actor,
                                           const char *plan_id, int64_t from_ms, int64_t to_ms,
                                           const struct mu_shift_new *v, size_t n,
                                           int replace_published, size_t *deleted,
                                           size_t *inserted, struct mu_error *err);

/**
 * Publish the drafts starting in [from_ms, to_ms) (of plan @p plan_id, or of
 * every plan when NULL); audit "roster.publish". *out (may be NULL; else
 * mu_shifts_free) gets the shifts now published.
 */
MU_API enum mu_err mu_store_roster_publish(struct mu_store *s, const struct mu_actor *actor,
                                           const char *plan_id, int64_t from_ms, int64_t to_ms,
                                           struct mu_shift **out, size_t *n,
                                           struct mu_error *err);

/**
 * Give shift @p id to @p person (borrowed), recording the one who had it as
 * prev_person, @p source (override or swap) and @p note; audit
 * "roster.override" or "roster.swap". MU_ENOTFOUND, MU_EINVAL (same person,
 * empty person, MU_SHIFT_GENERATED).
 */
MU_API enum mu_err mu_store_shift_set_person(struct mu_store *s, const struct mu_actor *actor,
                                             int64_t id, const char *person,
                                             enum mu_shift_source source, const char *note,
                                             struct mu_error *err);

/* ---- unavailability ---- */

/** Leave or training of a person; strings owned (mu_unavails_free). */
struct mu_unavail {
    int64_t id;
    char *person, *reason, *created_by;
    int32_t from, to; /* days, inclusive */
    int64_t created_at;
};

MU_API void mu_unavails_free(struct mu_unavail *v, size_t n);

/** Record that @p person is away on days [from, to]; audit "roster.unavailable". */
MU_API enum mu_err mu_store_unavail_add(struct mu_store *s, const struct mu_actor *actor,
                                        const char *person, int32_t from, int32_t to,
                                        const char *reason, int64_t *id, struct mu_error *err);

/** Remove entry @p id; audit "roster.available". MU_ENOTFOUND. */
MU_API enum mu_err mu_store_unavail_remove(struct mu_store *s, const struct mu_actor *actor,
                                           int64_t id, struct mu_error *err);

/** Entries overlapping days [from, to] (any when from > to), by person then from. */
MU_API enum mu_err mu_store_unavail_list(struct mu_store *s, int32_t from, int32_t to,
                                         struct mu_unavail **out, size_t *n,
                                         struct mu_error *err);

/* ---- swap requests ---- */

enum mu_swap_state { MU_SWAP_PENDING = 0, MU_SWAP_APPROVED, MU_SWAP_REJECTED };

/** "pending", "approved", "rejected". */
MU_API const char *mu_swap_state_name(enum mu_swap_state s);

struct mu_swap {
    int64_t id, shift_id;
    char *from_person, *to_person, *requested_by, *reason, *decided_by; /* decided_by "" if none */
    enum mu_swap_state state;
    int64_t created_at, decided_at; /* decided_at 0 while pending */
};

MU_API void mu_swap_release(struct mu_swap *w);
MU_API void mu_swaps_free(struct mu_swap *v, size_t n);

/**
 * Ask that @p to_person take shift @p shift_id (now held by the shift's
 * person), asked by person @p by; audit "roster.swap_request". MU_ENOTFOUND
 * for the shift, MU_EINVAL when to_person already holds it, MU_ECONFLICT
 * when the shift has a pending request.
 */
MU_API enum mu_err mu_store_swap_request(struct mu_store *s, const struct mu_actor *actor,
                                         int64_t shift_id, const char *to_person,
                                         const char *by, const char *reason, int64_t *id,
                                         struct mu_error *err);

MU_API enum mu_err mu_store_swap_get(struct mu_store *s, int64_t id, struct mu_swap *out,
                                     struct mu_error *err);

/**
 * Approve or reject pending request @p id; audit "roster.swap_approve" or
 * "roster.swap_reject". Does not change the shift itself (the app does that
 * in the same transaction). MU_ECONFLICT when already decided.
 */
MU_API enum mu_err mu_store_swap_decide(struct mu_store *s, const struct mu_actor *actor,
                                        int64_t id, int approve, struct mu_error *err);

/** Requests of shifts starting in [from_ms, to_ms) (both 0: all), newest first. */
MU_API enum mu_err mu_store_swap_list(struct mu_store *s, int64_t from_ms, int64_t to_ms,
                                      struct mu_swap **out, size_t *n, struct mu_error *err);

/* ---- iCal feed tokens ---- */

/** Store a feed token hash for @p person; audit "roster.feed_create". */
MU_API enum mu_err mu_store_feed_add(struct mu_store *s, const struct mu_actor *actor,
                                     const char *person, const char *token_hash,
                                     struct mu_error *err);

/** The person of the unrevoked feed token with @p token_hash: *person (mu_free) or NULL. */
MU_API enum mu_err mu_store_feed_find(struct mu_store *s, const char *token_hash, char **person,
                                      struct mu_error *err);

/** Revoke every feed token of @p person; *count how many; audit "roster.feed_revoke". */
MU_API enum mu_err mu_store_feed_revoke(struct mu_store *s, const struct mu_actor *actor,
                                        const char *person, size_t *count,
                                        struct mu_error *err);

/* ---------------------------------------------------------------------- */
/* Use cases                                                              */

/** What mu_app_roster_generate() did. */
struct mu_roster_gen_result {
    size_t shifts;    /* places filled by new drafts */
    size_t kept;      /* published places kept */
    size_t gaps;      /* places nobody could fill */
    size_t deleted;   /* shifts replaced */
    size_t published; /* shifts published (with MU_ROSTER_PUBLISH) */
};

enum mu_roster_gen_flags {
    MU_ROSTER_REPLACE = 1 << 0, /* replace published shifts too */
    MU_ROSTER_PUBLISH = 1 << 1, /* publish the result */
};

/**
 * Generate the roster of plan @p plan_id (latest version) for local days
 * [from, to] with @p cal (borrowed; NULL: the normal week), the plan's
 * `duty.unavailable` and the stored unavailability, keeping published
 * shifts unless MU_ROSTER_REPLACE; store it in one transaction. @p out may
 * be NULL.
 */
MU_API enum mu_err mu_app_roster_generate(struct mu_store *s, const struct mu_actor *actor,
                                          const char *plan_id, const struct mu_calendar *cal,
                                          int32_t from, int32_t to, unsigned flags,
                                          struct mu_roster_gen_result *out,
                                          struct mu_error *err);

/**
 * Publish the drafts starting on local days [from, to] (of @p plan_id, or
 * all plans when NULL) and record a reminder notice ("roster.reminder") for
 * each, due duty.reminder_before ahead of the shift. *count (may be NULL)
 * gets how many were published.
 */
MU_API enum mu_err mu_app_roster_publish(struct mu_store *s, const struct mu_actor *actor,
                                         const char *plan_id, int32_t from, int32_t to,
                                         size_t *count, struct mu_error *err);

/**
 * Give shift @p shift_id to @p person (a person of the shift's plan) with
 * @p reason (may be NULL). When the shift is published, the reminders of the
 * one who had it are cancelled, the new holder gets one, and both get a
 * "roster.change" notice due now.
 */
MU_API enum mu_err mu_app_roster_override(struct mu_store *s, const struct mu_actor *actor,
                                          int64_t shift_id, const char *person,
                                          const char *reason, struct mu_error *err);

/**
 * Give every shift of @p old_person starting on local days [from, to] to
 * @p new_person, as mu_app_roster_override() does for each, in one
 * transaction. *count (may be NULL) how many. MU_ENOTFOUND when there are none.
 */
MU_API enum mu_err mu_app_roster_override_range(struct mu_store *s, const struct mu_actor *actor,
                                                const char *old_person, const char *new_person,
                                                int32_t from, int32_t to, const char *reason,
                                                size_t *count, struct mu_error *err);

/** Ask for a swap (see mu_store_swap_request); both persons must be in the shift's plan. */
MU_API enum mu_err mu_app_roster_swap_request(struct mu_store *s, const struct mu_actor *actor,
                                              int64_t shift_id, const char *with,
                                              const char *by, const char *reason, int64_t *id,
                                              struct mu_error *err);

/**
 * Approve (the shift goes to the requested person, source swap, with the
 * notices of an override) or reject request @p id, in one transaction.
 */
MU_API enum mu_err mu_app_roster_swap_decide(struct mu_store *s, const struct mu_actor *actor,
                                             int64_t id, int approve, struct mu_error *err);

/** A shift with the person's name and phone from the plan; strings owned. */
struct mu_roster_entry {
    struct mu_shift shift;
    char *name;  /* the person's name, or the id when the plan does not know them */
    char *phone; /* "" when none */
};

MU_API void mu_roster_entries_free(struct mu_roster_entry *v, size_t n);

/**
 * Stored shifts matching @p f with names and phones (each shift's plan, latest
 * version). *out (mu_roster_entries_free) may be NULL.
 */
MU_API enum mu_err mu_app_roster_entries(struct mu_store *s, const struct mu_shift_filter *f,
                                         struct mu_roster_entry **out, size_t *n,
                                         struct mu_error *err);

/**
 * The shifts of @p f as a JSON array of {"id","plan","pool","start","end",
 * "person","name","role","phone","source","published","prev_person","note"}
 * with start and end as "YYYY-MM-DDTHH:MM:SS+08:00". *out owned (mu_free).
 */
MU_API enum mu_err mu_app_roster_json(struct mu_store *s, const struct mu_shift_filter *f,
                                      char **out, struct mu_error *err);

/** Published shifts covering @p at_ms (see mu_app_roster_entries). */
MU_API enum mu_err mu_app_roster_now(struct mu_store *s, int64_t at_ms,
                                     struct mu_roster_entry **out, size_t *n,
                                     struct mu_error *err);

/** A gap with its pool's id and role; strings owned (mu_roster_gap_infos_free). */
struct mu_roster_gap_info {
    char *plan_id, *pool, *role;
    int64_t start_ms, end_ms, missing;
};

MU_API void mu_roster_gap_infos_free(struct mu_roster_gap_info *v, size_t n);

/**
 * Uncovered stretches of the shift times of local days [from, to]: for plan
 * @p plan_id, or for every stored plan with a duty section when NULL, by the
 * published and draft shifts (drafts count: a gap is what nobody is
 * scheduled for). *out may be NULL when there are none.
 */
MU_API enum mu_err mu_app_roster_gaps(struct mu_store *s, const char *plan_id, int32_t from,
                                      int32_t to, struct mu_roster_gap_info **out, size_t *n,
                                      struct mu_error *err);

/**
 * An RFC 5545 VCALENDAR with one VEVENT per shift of @p f (UID
 * "shift-ID@muster", DTSTART/DTEND in UTC, SUMMARY "值班 ROLE NAME").
 * *out owned (mu_free).
 */
MU_API enum mu_err mu_app_roster_ical(struct mu_store *s, const struct mu_shift_filter *f,
                                      char **out, struct mu_error *err);

/**
 * Create a secret feed token for @p person (who must hold or have held a
 * shift, or be in a stored plan); *path (mu_free) gets
 * "/feeds/roster/TOKEN.ics". Only the token's hash is stored.
 */
MU_API enum mu_err mu_app_roster_feed_create(struct mu_store *s, const struct mu_actor *actor,
                                             const char *person, char **path,
                                             struct mu_error *err);

/**
 * The iCal feed for the token in a feed path's last component (@p token,
 * with or without ".ics"): the published shifts of its person from
 * @p from_ms on (0: all). MU_ENOTFOUND "no such feed" for an unknown or
 * revoked token. *out owned (mu_free).
 */
MU_API enum mu_err mu_app_roster_ical_for_feed(struct mu_store *s, const char *token,
                                               int64_t from_ms, char **out,
                                               struct mu_error *err);

/**
 * Write the roster of local days [from, to] as an XLSX workbook to @p path:
 * one row per day with 日期, 星期, 节假日, 带班领导, 值班人员, 联系电话.
 * Pools whose role contains "带班" or "领导" fill the leader column, the
 * others the staff column. MU_EIO when the file cannot be written.
 */
MU_API enum mu_err mu_app_roster_xlsx(struct mu_store *s, const char *plan_id,
                                      const struct mu_calendar *cal, int32_t from, int32_t to,
                                      const char *path, struct mu_error *err);

#endif
