/* SPDX-License-Identifier: MIT */
/*
 * The working-day calendar: which days are working days in China, given the
 * statutory holidays and the make-up working days (调休) of each year, as read
 * from the data files described in docs/calendar-format.md. Every deadline that
 * counts working days goes through here. Dates are day numbers (muster/date.h).
 * Every query is constant time: adding data rebuilds, over the whole supported
 * range MU_DATE_MIN_YEAR..MU_DATE_MAX_YEAR, a prefix count of working days and
 * an index from working-day ordinal to day. Years without data follow the
 * normal week (Monday to Friday work).
 *
 * Thread-safety: a calendar is built by one thread (mu_calendar_new, then
 * mu_calendar_add_text or mu_calendar_load_dir); afterwards any number of
 * threads may query it at once, as every query only reads. Adding data while
 * another thread queries is not allowed.
 */
#ifndef MUSTER_CALENDAR_H
#define MUSTER_CALENDAR_H

#include <stddef.h>
#include <stdint.h>
#include "err.h"

struct mu_calendar;

/** What kind of day a date is. */
enum mu_day_kind {
    MU_DAY_WORKDAY = 0,  /* a normal working day, Monday to Friday */
    MU_DAY_WEEKEND = 1,  /* Saturday or Sunday, no holiday */
    MU_DAY_HOLIDAY = 2,  /* a day off of a statutory holiday */
    MU_DAY_ADJUSTED = 3, /* a weekend day that is worked (调休, make-up working day) */
};

/**
 * A calendar with no holiday data: every year follows the normal week.
 * Returns NULL when out of memory. Owned by caller; free with
 * mu_calendar_free(). Allocates the lookup tables (about 1 MB) up front.
 */
MU_API struct mu_calendar *mu_calendar_new(void);

/** Free @p cal and every string it holds; NULL is a no-op. */
MU_API void mu_calendar_free(struct mu_calendar *cal);

/**
 * Parse the calendar file @p text (@p len bytes, need not be NUL-terminated;
 * borrowed) and add its entries. @p filename (borrowed) names the file in
 * error messages and gives the year it covers: its last path component must
 * be "YYYY.txt". A file with no entries still marks the year as having data
 * (a year without holidays). The format is in docs/calendar-format.md.
 *
 * Errors (the calendar is left unchanged): MU_EINVAL with a message
 * "FILE:LINE: message" for a bad date, an unknown kind, a missing holiday
 * name, a date outside the file's year, a duplicate date, or a 'work' entry on
 * a Monday-to-Friday date; "FILE: message" for a file name that is not
 * YYYY.txt or a year already added; MU_ELIMIT for too many distinct holiday
 * names; MU_ENOMEM.
 */
MU_API enum mu_err mu_calendar_add_text(struct mu_calendar *cal, const char *filename,
                                        const char *text, size_t len, struct mu_error *err);

/** 1 when holiday data for year @p year has been added, else 0. */
MU_API int mu_calendar_has_year(const struct mu_calendar *cal, int year);

/**
 * The kind of @p day. When @p name is not NULL, *name is set to the holiday
 * name for MU_DAY_HOLIDAY and MU_DAY_ADJUSTED (the holiday the make-up day
 * belongs to) and to NULL otherwise; the string is borrowed from @p cal and
 * lives as long as it. A weekend day that is not listed in the data but lies
 * next to a day off of a holiday (directly, or through another such weekend
 * day) is a day of that holiday: the State Council counts it in the holiday
 * period. Days outside the supported range, and years without data, follow
 * the normal week.
 */
MU_API enum mu_day_kind mu_calendar_day(const struct mu_calendar *cal, int32_t day,
                                        const char **name);

/** 1 when @p day is a working day (MU_DAY_WORKDAY or MU_DAY_ADJUSTED), else 0. */
MU_API int mu_calendar_is_workday(const struct mu_calendar *cal, int32_t day);

/**
 * The date @p n working days after @p day into *out, @p day itself not
 * counted: n = 1 is the first working day after @p day, whatever @p day is.
 * n = 0 gives @p day itself. A negative n counts backwards: n = -1 is the last
 * working day before @p day. For n != 0 the result is a working day with
 * exactly |n| - 1 working days strictly between it and @p day.
 * MU_EINVAL when @p day or the result lies outside the supported range;
 * *out is then unchanged.
 */
MU_API enum mu_err mu_calendar_add_workdays(const struct mu_calendar *cal, int32_t day,
                                            int32_t n, int32_t *out, struct mu_error *err);

/**
 * The number of working days in (a, b] into *out: days after @p a up to and
 * including @p b. When b < a the result is the negative of the count in
 * (b, a], so that between(a, b) + between(b, c) == between(a, c).
 * MU_EINVAL when @p a or @p b lies outside the supported range.
 */
MU_API enum mu_err mu_calendar_workdays_between(const struct mu_calendar *cal, int32_t a,
                                                int32_t b, int32_t *out, struct mu_error *err);

/*
 * Loading from disk (implemented in src/app/calendar_load.c).
 */

/**
 * Read every "YYYY.txt" in the directory @p dir (borrowed), in name order,
 * into a new calendar stored in *out (owned by caller, free with
 * mu_calendar_free()). Other files are ignored. Errors: MU_EIO when the
 * directory or a file cannot be read ("cannot open directory 'D': reason"),
 * MU_ELIMIT for a file over 1 MiB, the parse errors of mu_calendar_add_text()
 * with the file's path, MU_ENOMEM. On error *out is unchanged.
 */
MU_API enum mu_err mu_calendar_load_dir(const char *dir, struct mu_calendar **out,
                                        struct mu_error *err);

#endif
