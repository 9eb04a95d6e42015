/* SPDX-License-Identifier: MIT */
/*
 * Daily check-ins (零报告): every unit of a schedule reports by each due time
 * of a day, "nothing to report" included. This header has three layers:
 *
 *  - pure rules (src/core/checkin.c): local time, the slots of a day from a
 *    plan's `checkins` entry and the working-day calendar, which slot a
 *    submission belongs to and whether it is late, the validation of a
 *    form, the board (unit x slot -> on_time, late, missing, not_due), field
 *    totals and on-time statistics. No I/O, no clock: every function takes
 *    the time it should judge at;
 *  - the store (src/store/store_checkin.c): submissions (all kept, never
 *    replaced in place), summaries as sent, and the tick bookkeeping, each
 *    change audited in its own transaction;
 *  - use cases (src/app/checkin.c): submit, board, summary, tick, stats and
 *    the XLSX export, over the latest version of a stored plan.
 *
 * Times are epoch milliseconds. Wall-clock times (due times, dates) are in
 * Asia/Shanghai, a fixed UTC+8 (no daylight saving since 1991), whatever the
 * plan's org.timezone says. See docs/internals/checkins.md.
 */
#ifndef MUSTER_CHECKIN_H
#define MUSTER_CHECKIN_H

#include <stddef.h>
#include <stdint.h>

#include "account.h"
#include "calendar.h"
#include "err.h"
#include "plan.h"
#include "store.h"

/* ---------------------------------------------------------------------- */
/* Limits                                                                 */

#define MU_CHECKIN_MAX_SLOTS 48                      /* due times in one day */
#define MU_CHECKIN_COUNT_MAX 1000000000LL            /* largest count value */
#define MU_CHECKIN_TEXT_MAX 1000 /* characters of a text field without `max` */
#define MU_CHECKIN_MAX_FIELDS 64 /* fields given in one submission */
#define MU_CHECKIN_MAX_REF 200   /* bytes of "PLAN/CHECKIN" */

/* ---------------------------------------------------------------------- */
/* Local time (UTC+8)                                                     */

/* See mu_local_ms(), mu_local_day(), mu_local_format(), mu_local_parse() in date.h. */

/* ---------------------------------------------------------------------- */
/* Schedules and slots                                                    */

/**
 * A check-in schedule resolved against its plan: the reporting units in
 * board order, their reporters, the sorted due times. Caller-allocated;
 * mu_checkin_schedule_init() ... mu_checkin_schedule_release(). Borrows the
 * plan, which must outlive it.
 *
 * Units: the `units` list as written (a unit listed twice counts once), or
 * for `units: all` every leaf unit of the plan (a unit without children) in
 * the plan's order: parents are where reports are summed, not reporters.
 * Reporter of a unit: its `reporters` entry, else the unit's head, else none.
 */
struct mu_checkin_schedule {
    const struct mu_plan *plan;       /* borrowed */
    const struct mu_plan_checkin *ci; /* borrowed from plan */
    size_t nunits;
    const struct mu_plan_unit **units;      /* owned array of borrowed units */
    const struct mu_plan_person **reporter; /* owned array; entries may be NULL */
    int times[MU_CHECKIN_MAX_SLOTS];        /* due times, minutes, ascending, unique */
    size_t ntimes;
    struct mu_checkin_map *map; /* private: unit id -> index */
};

/**
 * Resolve check-in @p checkin_id (borrowed) of @p plan. MU_ENOTFOUND naming
 * it (field "schedule") when the plan has no such check-in; MU_ELIMIT for
 * more than MU_CHECKIN_MAX_SLOTS due times; MU_ENOMEM. @p s untouched on error.
 */
MU_API enum mu_err mu_checkin_schedule_init(struct mu_checkin_schedule *s,
                                            const struct mu_plan *plan, const char *checkin_id,
                                            struct mu_error *err);
MU_API void mu_checkin_schedule_release(struct mu_checkin_schedule *s);

/** Index of unit @p id in @p s, or -1 when the unit does not report. Constant time. */
MU_API int mu_checkin_schedule_unit(const struct mu_checkin_schedule *s, const char *id);

/** The form field @p key, or NULL. Borrowed from the plan. */
MU_API const struct mu_plan_field *mu_checkin_schedule_field(const struct mu_checkin_schedule *s,
                                                             const char *key);

/** One slot: a due time of a day. */
struct mu_checkin_slot {
    int32_t day;      /* local day number */
    int minutes;      /* due time, minutes after local midnight */
    int64_t due_at;   /* epoch ms of the due time */
    int64_t close_at; /* due_at + grace: a submission after this is late */
};

/**
 * The slots of local day @p day into @p out, ascending; returns how many.
 * 0 when the schedule is `workdays` and @p day is not a working day in
 * @p cal (a statutory holiday, a weekend that is not a make-up working day).
 */
MU_API size_t mu_checkin_slots(const struct mu_checkin_schedule *s, const struct mu_calendar *cal,
                               int32_t day, struct mu_checkin_slot out[MU_CHECKIN_MAX_SLOTS]);

/**
 * Which slot a submission made at @p at belongs to. With @p want_day < 0 the
 * slot is chosen: on the local day of @p at, the earliest slot whose
 * close_at (due time + grace) is at or after @p at, else the last slot of
 * that day (and the submission is late). With @p want_day >= 0 the slot is
 * the one at @p want_minutes of day @p want_day (a late report for an
 * earlier slot, or an early one for a later slot of the same day); that day
 * may not be after the day of @p at.
 * *late = 1 when @p at > close_at: exactly at close_at is still on time.
 * MU_EINVAL (field "at" or "slot") when the day has no slots or the slot
 * is not one of the day's due times.
 */
MU_API enum mu_err mu_checkin_assign(const struct mu_checkin_schedule *s,
                                     const struct mu_calendar *cal, int64_t at, int32_t want_day,
                                     int want_minutes, struct mu_checkin_slot *slot, int *late,
                                     struct mu_error *err);

/* ---------------------------------------------------------------------- */
/* The form                                                               */

/** A field as given: "KEY=VALUE" split. Both borrowed. */
struct mu_checkin_kv {
    const char *key;
    const char *value;
};

/**
 * Check a submission's fields against the form. A nil report may carry text
 * fields (a remark) but no counts; any other report needs at least one
 * field. Counts are whole numbers 0..MU_CHECKIN_COUNT_MAX in decimal digits;
 * texts are UTF-8 without control characters (newline and tab allowed), at
 * most `max` characters (MU_CHECKIN_TEXT_MAX without one). Errors, MU_EINVAL
 * with err->field the key: "field 'sick': -1 is negative", "field 'x' is
 * not in the form of check-in 'daily' (fields: a, b)", "field 'note': 201
 * characters, more than 200", "field 'a' is given twice", ...
 */
MU_API enum mu_err mu_checkin_check_fields(const struct mu_checkin_schedule *s, int nil,
                                           const struct mu_checkin_kv *kv, size_t n,
                                           struct mu_error *err);

/* ---------------------------------------------------------------------- */
/* The board                                                              */

enum mu_checkin_status {
    MU_CHECKIN_NOT_DUE = 0, /* no report yet, and the slot has not closed */
    MU_CHECKIN_ON_TIME,     /* reported by due time + grace */
    MU_CHECKIN_LATE,        /* reported after due time + grace */
    MU_CHECKIN_MISSING,     /* no report, and the slot has closed */
};

/** "not_due", "on_time", "late", "missing". Static. */
MU_API const char *mu_checkin_status_name(enum mu_checkin_status st);

/** A stored submission as the board sees it. */
struct mu_checkin_sub {
    int64_t id;           /* store id: breaks ties of equal times */
    int64_t submitted_at; /* epoch ms */
    int late, nil;
};

/** One board cell: the submission that counts, if any. */
struct mu_checkin_cell {
    enum mu_checkin_status status;
    int has;                   /* a submission counts */
    struct mu_checkin_sub sub; /* valid when has */
};

/**
 * The board of one day: units x slots, row-major (cell of unit u, slot k at
 * cells[u * nslots + k]). Caller-allocated; init, add, finish, release.
 */
struct mu_checkin_board {
    size_t nunits, nslots;
    struct mu_checkin_slot slots[MU_CHECKIN_MAX_SLOTS];
    struct mu_checkin_cell *cells; /* owned */
    size_t count[4];               /* cells per status, after finish */
};

/** Empty board for @p nunits and the @p nslots @p slots (copied). MU_ENOMEM. */
MU_API enum mu_err mu_checkin_board_init(struct mu_checkin_board *b, size_t nunits,
                                         const struct mu_checkin_slot *slots, size_t nslots,
                                         struct mu_error *err);

/**
 * Offer submission @p sub for unit @p unit and slot index @p slot. The cell
 * keeps the latest on-time submission (a resubmission before the deadline
 * replaces the earlier one), or, when there is none, the first late one.
 * Returns 1 when @p sub is now the cell's submission, 0 otherwise (also for
 * out-of-range indexes). Order of offers does not matter.
 */
MU_API int mu_checkin_board_add(struct mu_checkin_board *b, size_t unit, size_t slot,
                                const struct mu_checkin_sub *sub);

/**
 * Set every status as seen at @p at (callers offer only submissions made at
 * or before @p at) and the counts: a cell with a submission is on_time or
 * late, one without is missing when @p at is after the slot's close_at and
 * not_due otherwise.
 */
MU_API void mu_checkin_board_finish(struct mu_checkin_board *b, int64_t at);
MU_API void mu_checkin_board_release(struct mu_checkin_board *b);

/** Slot index of due time @p slot_at (epoch ms) on @p b, or -1. */
MU_API int mu_checkin_board_slot(const struct mu_checkin_board *b, int64_t slot_at);

/* ---------------------------------------------------------------------- */
/* Totals and statistics                                                  */

/** Per count field of the form: how many reports gave it and their sum. */
struct mu_checkin_total {
    const struct mu_plan_field *field; /* borrowed */
    size_t reports;
    int64_t sum;
};

/** Summary totals over the reports that count on a board. Caller-allocated. */
struct mu_checkin_totals {
    size_t reports;  /* submissions that count */
    size_t nil;      /* of which nil reports */
    struct mu_checkin_total *v; /* owned: one per count field, form order */
    size_t n;
};

MU_API enum mu_err mu_checkin_totals_init(struct mu_checkin_totals *t,
                                          const struct mu_checkin_schedule *s,
                                          struct mu_error *err);
/**
 * Add one report's values (already checked): @p kv of @p n fields. Unknown
 * keys and text fields are ignored; counts that do not parse are ignored.
 */
MU_API void mu_checkin_totals_add(struct mu_checkin_totals *t, int nil,
                                  const struct mu_checkin_kv *kv, size_t n);
MU_API void mu_checkin_totals_release(struct mu_checkin_totals *t);

/** On-time statistics of one unit over a period. */
struct mu_checkin_unit_stats {
    size_t due;     /* slots that have closed (on_time + late + missing) */
    size_t on_time, late, missing;
};

/** Add the finished board @p b into @p per_unit (b->nunits entries). */
MU_API void mu_checkin_stats_add(struct mu_checkin_unit_stats *per_unit,
                                 const struct mu_checkin_board *b);

/** on_time / due in [0, 1]; 0 when nothing was due. */
MU_API double mu_checkin_rate(const struct mu_checkin_unit_stats *u);

/* ---------------------------------------------------------------------- */
/* Store                                                                  */

/** A submission to store; every string borrowed. */
struct mu_checkin_record {
    const char *plan_id, *checkin_id; /* the schedule */
    int plan_version;                 /* the plan version it was checked against */
    const char *unit;
    int64_t slot_at;      /* the slot's due time, epoch ms */
    int64_t submitted_at; /* when the report was made (may differ from actor->now_ms) */
    int late, nil;
    const char *fields_json; /* {"key": value, ...}; "{}" when none */
    const char *submitted_by; /* person id or user name */
};

/**
 * Store one submission with audit entry "checkin.submit" (object
 * "checkin:PLAN/CHECKIN/UNIT", summary "slot YYYY-MM-DDTHH:MM, on time|late,
 * nil|N fields, by WHO") in one transaction. Nothing is replaced: every
 * submission is kept and the board picks the one that counts. *id (may be
 * NULL) gets its id. MU_EINVAL naming the bad string; MU_ESTORE.
 */
MU_API enum mu_err mu_store_checkin_submit(struct mu_store *s, const struct mu_actor *actor,
                                           const struct mu_checkin_record *rec, int64_t *id,
                                           struct mu_error *err);

/**
 * Store @p n submissions in one transaction (one commit): all or none, each
 * with its own audit entry. @p ids (may be NULL) gets n ids in order. The
 * path for grouped commits of concurrent API submissions.
 */
MU_API enum mu_err mu_store_checkin_submit_many(struct mu_store *s, const struct mu_actor *actor,
                                                const struct mu_checkin_record *recs, size_t n,
                                                int64_t *ids, struct mu_error *err);

/** A submission as read back; strings borrowed, valid during the callback only. */
struct mu_checkin_row {
    int64_t id;
    const char *unit;
    int64_t slot_at, submitted_at;
    int late, nil;
    int plan_version;
    const char *fields_json;  /* NULL unless MU_CHECKIN_SCAN_FIELDS */
    const char *submitted_by; /* NULL unless MU_CHECKIN_SCAN_FIELDS */
};

enum mu_checkin_scan_flags {
    MU_CHECKIN_SCAN_FIELDS = 1 << 0, /* also read fields_json and submitted_by */
};

/** Called for each row; a non-OK return stops the scan and is returned. */
typedef enum mu_err mu_checkin_row_fn(void *ctx, const struct mu_checkin_row *row,
                                      struct mu_error *err);

/**
 * Call @p fn for every submission of schedule @p plan_id / @p checkin_id with
 * slot_at in [@p slot_from, @p slot_to) and submitted_at <= @p until, in no
 * particular order, inside one read snapshot. Never calls @p fn after it
 * returned an error.
 */
MU_API enum mu_err mu_store_checkin_scan(struct mu_store *s, const char *plan_id,
                                         const char *checkin_id, int64_t slot_from,
                                         int64_t slot_to, int64_t until, unsigned flags,
                                         mu_checkin_row_fn *fn, void *ctx, struct mu_error *err);

/** The number of submissions of a schedule (all days); for tests and checks. */
MU_API enum mu_err mu_store_checkin_count(struct mu_store *s, const char *plan_id,
                                          const char *checkin_id, int64_t *count,
                                          struct mu_error *err);

/**
 * Record that the reminders of slot @p slot_at of a schedule were made
 * (@p nnotices notices; the notices themselves go through muster/notice.h in
 * the caller's transaction), with audit "checkin.reminders". When already
 * recorded nothing changes and *done (may be NULL) is 0, else 1.
 */
MU_API enum mu_err mu_store_checkin_reminders_put(struct mu_store *s, const struct mu_actor *actor,
                                                  const char *plan_id, const char *checkin_id,
                                                  int64_t slot_at, size_t nnotices, int *done,
                                                  struct mu_error *err);

/**
 * Keep the summary of local day @p day of a schedule as made at @p made_for
 * (the summary time), @p json borrowed, with audit "checkin.summary". When
 * one is already kept nothing changes and *done (may be NULL) is 0, else 1.
 */
MU_API enum mu_err mu_store_checkin_summary_put(struct mu_store *s, const struct mu_actor *actor,
                                                const char *plan_id, const char *checkin_id,
                                                int32_t day, int64_t made_for, const char *json,
                                                int *done, struct mu_error *err);

/**
 * The kept summary of day @p day: *found, and *json (owned by caller,
 * mu_free; may be NULL when not wanted).
 */
MU_API enum mu_err mu_store_checkin_summary_get(struct mu_store *s, const char *plan_id,
                                                const char *checkin_id, int32_t day, int *found,
                                                char **json, struct mu_error *err);

/** Whether the reminders of slot @p slot_at were recorded: *found. */
MU_API enum mu_err mu_store_checkin_reminders_done(struct mu_store *s, const char *plan_id,
                                                   const char *checkin_id, int64_t slot_at,
                                                   int *found, struct mu_error *err);

/* ---------------------------------------------------------------------- */
/* Use cases                                                              */

/**
 * A submission from the CLI, the API or a form; every string borrowed.
 * `schedule` is "PLAN/CHECKIN", or "CHECKIN" alone when exactly one stored
 * plan has a check-in with that id.
 */
struct mu_checkin_input {
    const char *schedule;
    const char *unit;
    int nil;
    const struct mu_checkin_kv *fields; /* n entries; may be NULL when 0 */
    size_t nfields;
    const char *text; /* fills the form's only text field; may be NULL */
    int64_t at;       /* when the report was made */
    const char *slot; /* "HH:MM" (of the day of at), "YYYY-MM-DDTHH:MM", or NULL: choose */
    const char *by;   /* a person of the plan or a user; NULL: the principal or the actor */
};

/** What mu_app_checkin_submit() stored. */
struct mu_checkin_receipt {
    int64_t id;
    char schedule[MU_CHECKIN_MAX_REF + 1]; /* "PLAN/CHECKIN" */
    char slot[17];                         /* "YYYY-MM-DDTHH:MM" */
    int late;
    int replaced; /* an earlier on-time report for the slot no longer counts */
    int counts;   /* this report is the one the board shows */
};

/**
 * Check and store a submission for the latest version of the plan. @p who
 * (may be NULL for a trusted local caller such as the CLI) must be allowed
 * MU_ACTION_UNIT_WRITE on the unit (a reporter only for their own units):
 * MU_EINVAL "not allowed to report for unit 'x'" (field "unit") otherwise.
 * When @p in->by names a user account its role and units are checked the
 * same way. Every problem is found before anything is written: unknown
 * schedule (MU_ENOTFOUND, field "schedule") or unit (MU_EINVAL, "unit"),
 * fields (see mu_checkin_check_fields), text, slot, time. @p cal borrowed.
 */
MU_API enum mu_err mu_app_checkin_submit(struct mu_store *s, const struct mu_actor *actor,
                                         const struct mu_principal *who,
                                         const struct mu_calendar *cal,
                                         const struct mu_checkin_input *in,
                                         struct mu_checkin_receipt *out, struct mu_error *err);

enum mu_checkin_format { MU_CHECKIN_TEXT, MU_CHECKIN_JSON };

/**
 * The board of @p schedule on local day @p day as seen at @p at, as a text
 * table or JSON (a list of {"unit","unit_name","slot","status",
 * "submitted_at","nil","reporter_id","reporter","phone"}, units in board
 * order, slots ascending). *out owned by caller (mu_free).
 */
MU_API enum mu_err mu_app_checkin_board(struct mu_store *s, const struct mu_calendar *cal,
                                        const char *schedule, int32_t day, int64_t at,
                                        enum mu_checkin_format fmt, char **out,
                                        struct mu_error *err);

/**
 * The summary of @p schedule for @p day: the recorded one when the tick has
 * made it, else computed as of min(@p now, the summary time) (or the end of
 * the last slot's grace when the schedule has no summary time). *out owned.
 */
MU_API enum mu_err mu_app_checkin_summary(struct mu_store *s, const struct mu_calendar *cal,
                                          const char *schedule, int32_t day, int64_t now,
                                          enum mu_checkin_format fmt, char **out,
                                          struct mu_error *err);

/** What one tick did. */
struct mu_checkin_tick_result {
    size_t reminders; /* reminder notices recorded */
    size_t summaries; /* summaries recorded (with their notices) */
    size_t notices;   /* notices recorded in all */
};

/**
 * Record every reminder and summary of every schedule of every stored plan
 * that is due at or before @p at and not yet recorded, looking back to the
 * start of the previous local day: at each due time a "checkin.reminder"
 * notice to the reporter of each unit without a report by then; at the
 * summary time the summary (kept in checkin_summaries) and a "checkin.summary"
 * notice to each recipient. Idempotent: a second tick at the same time
 * records nothing. The timer engine will call this every minute.
 */
MU_API enum mu_err mu_app_checkin_tick(struct mu_store *s, const struct mu_actor *actor,
                                       const struct mu_calendar *cal, int64_t at,
                                       struct mu_checkin_tick_result *out, struct mu_error *err);

/**
 * On-time rate per unit over local days @p from..@p to (both included), for
 * slots closed by @p at, as a text table or JSON. *out owned by caller.
 * MU_EINVAL when to < from or the period is longer than 366 days.
 */
MU_API enum mu_err mu_app_checkin_stats(struct mu_store *s, const struct mu_calendar *cal,
                                        const char *schedule, int32_t from, int32_t to,
                                        int64_t at, enum mu_checkin_format fmt, char **out,
                                        struct mu_error *err);

/** As mu_app_checkin_stats(), written to the XLSX file @p path (borrowed). MU_EIO. */
MU_API enum mu_err mu_app_checkin_stats_xlsx(struct mu_store *s, const struct mu_calendar *cal,
                                             const char *schedule, int32_t from, int32_t to,
                                             int64_t at, const char *path,
                                             struct mu_error *err);

#endif
