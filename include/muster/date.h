/* SPDX-License-Identifier: MIT */
/*
 * Civil dates, times of day and durations: pure arithmetic, no clock and no
 * time zone database. A date is a day number (days since 1970-01-01) in the
 * proleptic Gregorian calendar, so that date arithmetic is integer arithmetic.
 */
#ifndef MUSTER_DATE_H
#define MUSTER_DATE_H

#include <stdint.h>
#include "err.h"

#define MU_DATE_MIN_YEAR 1900
#define MU_DATE_MAX_YEAR 2199

/** Day number of @p y-@p m-@p d; the caller checks validity with mu_date_valid(). */
MU_API int32_t mu_date_from_ymd(int y, int m, int d);
/** Split a day number into year, month (1-12) and day (1-31). */
MU_API void mu_date_to_ymd(int32_t day, int *y, int *m, int *d);
/** 1 when y-m-d is a real date within MU_DATE_MIN_YEAR..MU_DATE_MAX_YEAR. */
MU_API int mu_date_valid(int y, int m, int d);
/** ISO weekday: 1 = Monday ... 7 = Sunday. */
MU_API int mu_date_weekday(int32_t day);
MU_API int mu_date_year(int32_t day);

/**
 * Parse exactly "YYYY-MM-DD" (@p len bytes, no trailing text) into *out.
 * MU_EINVAL with a message naming the text when it is not a real date.
 */
MU_API enum mu_err mu_date_parse(const char *s, size_t len, int32_t *out, struct mu_error *err);
/** Write "YYYY-MM-DD" and a NUL into @p out (at least 11 bytes). */
MU_API void mu_date_format(int32_t day, char out[static 11]);

/** Parse "HH:MM" (00:00-23:59) into minutes after midnight. */
MU_API enum mu_err mu_clock_parse(const char *s, size_t len, int *minutes, struct mu_error *err);

/**
 * Parse a duration such as "90s", "15m", "2h", "1h30m", "3d", "2w" into
 * seconds. Units: s, m, h, d, w; at least one part; no sign; at most ten
 * years in all.
 */
MU_API enum mu_err mu_duration_parse(const char *s, size_t len, int64_t *seconds,
                                     struct mu_error *err);

/*
 * Local time. muster keeps instants as epoch milliseconds and shows them in
 * the organization's time zone, Asia/Shanghai: a fixed UTC+8 (China has had
 * no daylight saving since 1991). Other zones are not supported yet.
 */
#define MU_LOCAL_OFFSET_MS (8LL * 3600 * 1000)

/** Epoch ms of @p minutes after local midnight of day number @p day. */
MU_API int64_t mu_local_ms(int32_t day, int minutes);
/** The local day number of instant @p ms; *minutes (may be NULL) gets the minute of that day. */
MU_API int32_t mu_local_day(int64_t ms, int *minutes);
/** Minutes after local midnight of instant @p ms (seconds dropped). */
MU_API int mu_local_minutes(int64_t ms);
/** Write @p ms as local "YYYY-MM-DDTHH:MM:SS+08:00" and a NUL (26 bytes). */
MU_API void mu_local_format(int64_t ms, char out[static 26]);
/**
 * Parse "YYYY-MM-DD" (local midnight), "YYYY-MM-DDTHH:MM" or
 * "YYYY-MM-DDTHH:MM:SS" (a space may stand for the T), local time unless
 * followed by "Z" or an offset "+HH:MM", "+HHMM" or "+HH" (or '-'), into
 * epoch ms. MU_EINVAL naming the text otherwise; *ms untouched on error.
 */
MU_API enum mu_err mu_local_parse(const char *s, int64_t *ms, struct mu_error *err);

/**
 * Write @p ms (milliseconds since the Unix epoch) as "YYYY-MM-DDTHH:MM:SSZ"
 * in UTC with a NUL into @p out (at least 21 bytes). Times outside the
 * supported years are clamped to its edges.
 */
MU_API void mu_time_format_utc(int64_t ms, char out[static 21]);

#endif
