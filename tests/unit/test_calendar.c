/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the working-day calendar (src/core/calendar.c) and its
 * directory loader (src/app/calendar_load.c): the file parser and its error
 * messages, day kinds around Spring Festival and National Day 2024-2026 with
 * the make-up Saturdays and Sundays, add-workdays and workdays-between across
 * holidays, the new year, leap days and years without data, a brute-force
 * cross-check against a day-by-day loop, and out-of-memory paths. The real
 * data files are read from $MUSTER_SRCDIR/data/calendars.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <muster/calendar.h>
#include <muster/date.h>
#include <muster/mem.h>

static int32_t D(const char *s)
{
    int32_t d = 0;
    assert_int_equal(mu_date_parse(s, strlen(s), &d, NULL), MU_OK);
    return d;
}

static struct mu_calendar *load_real(void)
{
    const char *src = getenv("MUSTER_SRCDIR");
    char dir[4096];
    snprintf(dir, sizeof(dir), "%s/data/calendars", src ? src : ".");
    struct mu_calendar *cal = NULL;
    struct mu_error err = {0};
    enum mu_err rc = mu_calendar_load_dir(dir, &cal, &err);
    if (rc)
        fail_msg("loading '%s': %s", dir, err.msg);
    assert_non_null(cal);
    return cal;
}

static int setup_real(void **state)
{
    *state = load_real();
    return 0;
}

static int teardown_cal(void **state)
{
    mu_calendar_free(*state);
    return 0;
}

/* Kind and name of a day, as one string: "holiday 春节", "adjusted 春节", ... */
static const char *describe(const struct mu_calendar *cal, const char *date)
{
    static char buf[160];
    const char *name = "?";
    enum mu_day_kind k = mu_calendar_day(cal, D(date), &name);
    switch (k) {
    case MU_DAY_WORKDAY: snprintf(buf, sizeof(buf), "workday%s", name ? " NAMED" : ""); break;
    case MU_DAY_WEEKEND: snprintf(buf, sizeof(buf), "weekend%s", name ? " NAMED" : ""); break;
    case MU_DAY_HOLIDAY: snprintf(buf, sizeof(buf), "holiday %s", name ? name : "(null)"); break;
    case MU_DAY_ADJUSTED: snprintf(buf, sizeof(buf), "adjusted %s", name ? name : "(null)"); break;
    }
    /* is_workday agrees with the kind. */
    assert_int_equal(mu_calendar_is_workday(cal, D(date)),
                     k == MU_DAY_WORKDAY || k == MU_DAY_ADJUSTED);
    return buf;
}

#define assert_day(cal, date, want) assert_string_equal(describe((cal), (date)), (want))

static const char *add(const struct mu_calendar *cal, const char *date, int32_t n)
{
    static char buf[11];
    int32_t out = 0;
    struct mu_error err = {0};
    enum mu_err rc = mu_calendar_add_workdays(cal, D(date), n, &out, &err);
    if (rc)
        fail_msg("add_workdays(%s, %d): %s", date, (int)n, err.msg);
    mu_date_format(out, buf);
    return buf;
}

static int32_t between(const struct mu_calendar *cal, const char *a, const char *b)
{
    int32_t out = -999;
    struct mu_error err = {0};
    enum mu_err rc = mu_calendar_workdays_between(cal, D(a), D(b), &out, &err);
    if (rc)
        fail_msg("workdays_between(%s, %s): %s", a, b, err.msg);
    return out;
}

/* ---- without data: the normal week ------------------------------------ */

static void empty_calendar_is_the_normal_week(void **state)
{
    (void)state;
    struct mu_calendar *cal = mu_calendar_new();
    assert_non_null(cal);
    assert_false(mu_calendar_has_year(cal, 2025));
    assert_day(cal, "2025-01-28", "workday"); /* 春节, but no data */
    assert_day(cal, "2025-01-26", "weekend"); /* a make-up Sunday, but no data */
    assert_day(cal, "1900-01-01", "workday"); /* first supported day, a Monday */
    assert_day(cal, "2199-12-31", "workday"); /* last supported day, a Tuesday */
    assert_string_equal(add(cal, "2025-01-24", 1), "2025-01-27");
    assert_string_equal(add(cal, "2025-01-27", -1), "2025-01-24");
    assert_string_equal(add(cal, "2025-01-25", 5), "2025-01-31");
    assert_int_equal(between(cal, "2025-01-24", "2025-01-31"), 5);
    /* Outside the table: still the weekday rule, without names. */
    const char *name = "x";
    assert_int_equal(mu_calendar_day(cal, D("1900-01-01") - 1, &name), MU_DAY_WEEKEND);
    assert_null(name);
    assert_int_equal(mu_calendar_day(cal, D("2199-12-31") + 4, NULL), MU_DAY_WEEKEND); /* Sat */
    assert_true(mu_calendar_is_workday(cal, D("2199-12-31") + 3)); /* Friday 2200-01-03 */
    mu_calendar_free(cal);
    mu_calendar_free(NULL);
}

/* ---- the real data: day kinds ----------------------------------------- */

static void years_with_data(void **state)
{
    const struct mu_calendar *cal = *state;
    assert_true(mu_calendar_has_year(cal, 2024));
    assert_true(mu_calendar_has_year(cal, 2025));
    assert_true(mu_calendar_has_year(cal, 2026));
    assert_false(mu_calendar_has_year(cal, 2023));
    assert_false(mu_calendar_has_year(cal, 2027));
    assert_false(mu_calendar_has_year(cal, 1899));
    assert_false(mu_calendar_has_year(cal, 2200));
}

static void spring_festival_2024(void **state)
{
    const struct mu_calendar *cal = *state;
    assert_day(cal, "2024-02-03", "weekend");        /* Saturday before the make-up Sunday */
    assert_day(cal, "2024-02-04", "adjusted 春节"); /* make-up Sunday */
    assert_day(cal, "2024-02-09", "workday");        /* 除夕 2024 was a working Friday */
    assert_day(cal, "2024-02-10", "holiday 春节");
    assert_day(cal, "2024-02-11", "holiday 春节");
    assert_day(cal, "2024-02-12", "holiday 春节");
    assert_day(cal, "2024-02-16", "holiday 春节");
    assert_day(cal, "2024-02-17", "holiday 春节");
    assert_day(cal, "2024-02-18", "adjusted 春节"); /* make-up Sunday */
    assert_day(cal, "2024-02-19", "workday");
    assert_day(cal, "2024-02-24", "weekend");
}

static void national_day_2024(void **state)
{
    const struct mu_calendar *cal = *state;
    assert_day(cal, "2024-09-14", "adjusted 中秋节"); /* make-up Saturday */
    assert_day(cal, "2024-09-15", "holiday 中秋节");
    assert_day(cal, "2024-09-17", "holiday 中秋节");
    assert_day(cal, "2024-09-28", "weekend");
    assert_day(cal, "2024-09-29", "adjusted 国庆节"); /* make-up Sunday */
    assert_day(cal, "2024-09-30", "workday");
    assert_day(cal, "2024-10-01", "holiday 国庆节");
    assert_day(cal, "2024-10-05", "holiday 国庆节");
    assert_day(cal, "2024-10-07", "holiday 国庆节");
    assert_day(cal, "2024-10-08", "workday");
    assert_day(cal, "2024-10-12", "adjusted 国庆节"); /* make-up Saturday */
    assert_day(cal, "2024-10-13", "weekend");
}

static void spring_festival_and_national_day_2025(void **state)
{
    const struct mu_calendar *cal = *state;
    assert_day(cal, "2025-01-01", "holiday 元旦");
    assert_day(cal, "2025-01-25", "weekend");
    assert_day(cal, "2025-01-26", "adjusted 春节"); /* make-up Sunday */
    assert_day(cal, "2025-01-27", "workday");
    assert_day(cal, "2025-01-28", "holiday 春节");
    assert_day(cal, "2025-02-01", "holiday 春节");
    assert_day(cal, "2025-02-04", "holiday 春节");
    assert_day(cal, "2025-02-05", "workday");
    assert_day(cal, "2025-02-08", "adjusted 春节"); /* make-up Saturday */
    assert_day(cal, "2025-02-09", "weekend");
    assert_day(cal, "2025-09-27", "weekend");
    assert_day(cal, "2025-09-28", "adjusted 国庆节、中秋节"); /* make-up Sunday */
    assert_day(cal, "2025-10-01", "holiday 国庆节、中秋节");
    assert_day(cal, "2025-10-08", "holiday 国庆节、中秋节");
    assert_day(cal, "2025-10-09", "workday");
    assert_day(cal, "2025-10-11", "adjusted 国庆节、中秋节"); /* make-up Saturday */
    assert_day(cal, "2025-10-12", "weekend");
}

static void spring_festival_and_national_day_2026(void **state)
{
    const struct mu_calendar *cal = *state;
    assert_day(cal, "2026-01-03", "holiday 元旦");
    assert_day(cal, "2026-01-04", "adjusted 元旦"); /* make-up Sunday */
    assert_day(cal, "2026-02-13", "workday");
    assert_day(cal, "2026-02-14", "adjusted 春节"); /* make-up Saturday */
    assert_day(cal, "2026-02-15", "holiday 春节");
    assert_day(cal, "2026-02-17", "holiday 春节");
    assert_day(cal, "2026-02-23", "holiday 春节");
    assert_day(cal, "2026-02-24", "workday");
    assert_day(cal, "2026-02-28", "adjusted 春节"); /* make-up Saturday */
    assert_day(cal, "2026-03-01", "weekend");
    assert_day(cal, "2026-09-19", "weekend");
    assert_day(cal, "2026-09-20", "adjusted 国庆节"); /* make-up Sunday */
    assert_day(cal, "2026-09-25", "holiday 中秋节");
    assert_day(cal, "2026-09-28", "workday");
    assert_day(cal, "2026-10-01", "holiday 国庆节");
    assert_day(cal, "2026-10-07", "holiday 国庆节");
    assert_day(cal, "2026-10-08", "workday");
    assert_day(cal, "2026-10-10", "adjusted 国庆节"); /* make-up Saturday */
    assert_day(cal, "2026-10-11", "weekend");
}

static void unlisted_weekend_next_to_a_holiday(void **state)
{
    const struct mu_calendar *cal = *state;
    /* 2024 端午: only Monday 06-10 is listed; the weekend before belongs to it. */
    assert_day(cal, "2024-06-08", "holiday 端午节");
    assert_day(cal, "2024-06-09", "holiday 端午节");
    assert_day(cal, "2024-06-10", "holiday 端午节");
    assert_day(cal, "2024-06-15", "weekend");
    /* 2024 元旦 is Monday; the weekend before lies in 2023, which has no data. */
    assert_day(cal, "2023-12-30", "weekend");
    assert_day(cal, "2023-12-31", "weekend");
    /* A weekend cut off from the holiday by a make-up day stays a weekend. */
    assert_day(cal, "2024-04-07", "adjusted 清明节");
    assert_day(cal, "2024-04-13", "weekend");
}

static void year_without_data(void **state)
{
    const struct mu_calendar *cal = *state;
    assert_day(cal, "2023-10-02", "workday"); /* a holiday in fact, but no data */
    assert_day(cal, "2027-01-01", "workday");
    assert_day(cal, "2027-01-02", "weekend");
    assert_day(cal, "2027-02-06", "weekend");
    assert_string_equal(add(cal, "2026-12-31", 1), "2027-01-01");
    assert_string_equal(add(cal, "2026-12-31", 3), "2027-01-05");
    assert_int_equal(between(cal, "2027-01-01", "2027-12-31"), 260); /* 261 weekdays minus Jan 1 */
}

static void leap_days(void **state)
{
    const struct mu_calendar *cal = *state;
    assert_day(cal, "2024-02-29", "workday");
    assert_string_equal(add(cal, "2024-02-28", 1), "2024-02-29");
    assert_string_equal(add(cal, "2024-02-29", 1), "2024-03-01");
    assert_string_equal(add(cal, "2024-03-01", -1), "2024-02-29");
    assert_int_equal(between(cal, "2024-02-28", "2024-03-01"), 2);
    assert_string_equal(add(cal, "2028-02-28", 1), "2028-02-29"); /* Monday -> Tuesday */
    assert_string_equal(add(cal, "2000-02-28", 1), "2000-02-29");
    assert_string_equal(add(cal, "2100-02-26", 1), "2100-03-01"); /* 2100 is no leap year */
    assert_int_equal(between(cal, "2023-12-31", "2024-12-31"), 251);
}

/* ---- the real data: counting ------------------------------------------ */

static void add_workdays_across_holidays(void **state)
{
    const struct mu_calendar *cal = *state;
    /* 春节 2024 */
    assert_string_equal(add(cal, "2024-02-02", 1), "2024-02-04");
    assert_string_equal(add(cal, "2024-02-08", 1), "2024-02-09");
    assert_string_equal(add(cal, "2024-02-08", 2), "2024-02-18");
    assert_string_equal(add(cal, "2024-02-08", 3), "2024-02-19");
    assert_string_equal(add(cal, "2024-02-12", 1), "2024-02-18"); /* from inside the holiday */
    assert_string_equal(add(cal, "2024-02-19", -1), "2024-02-18");
    assert_string_equal(add(cal, "2024-02-19", -2), "2024-02-09");
    /* 国庆 2024 */
    assert_string_equal(add(cal, "2024-09-27", 1), "2024-09-29");
    assert_string_equal(add(cal, "2024-09-27", 2), "2024-09-30");
    assert_string_equal(add(cal, "2024-09-27", 3), "2024-10-08");
    assert_string_equal(add(cal, "2024-10-11", 1), "2024-10-12");
    assert_string_equal(add(cal, "2024-10-11", 2), "2024-10-14");
    assert_string_equal(add(cal, "2024-10-08", -1), "2024-09-30");
    /* 春节 2025 */
    assert_string_equal(add(cal, "2025-01-24", 1), "2025-01-26");
    assert_string_equal(add(cal, "2025-01-24", 2), "2025-01-27");
    assert_string_equal(add(cal, "2025-01-24", 3), "2025-02-05");
    assert_string_equal(add(cal, "2025-02-07", 1), "2025-02-08");
    assert_string_equal(add(cal, "2025-02-07", 2), "2025-02-10");
    assert_string_equal(add(cal, "2025-02-05", -1), "2025-01-27");
    assert_string_equal(add(cal, "2025-01-27", -3), "2025-01-23");
    /* 国庆 2025 */
    assert_string_equal(add(cal, "2025-09-26", 1), "2025-09-28");
    assert_string_equal(add(cal, "2025-09-30", 1), "2025-10-09");
    assert_string_equal(add(cal, "2025-10-10", 1), "2025-10-11");
    assert_string_equal(add(cal, "2025-10-10", 2), "2025-10-13");
    assert_string_equal(add(cal, "2025-10-09", -1), "2025-09-30");
    /* 春节 and 国庆 2026 */
    assert_string_equal(add(cal, "2026-02-13", 1), "2026-02-14");
    assert_string_equal(add(cal, "2026-02-13", 2), "2026-02-24");
    assert_string_equal(add(cal, "2026-02-27", 1), "2026-02-28");
    assert_string_equal(add(cal, "2026-02-24", -1), "2026-02-14");
    assert_string_equal(add(cal, "2026-09-18", 1), "2026-09-20");
    assert_string_equal(add(cal, "2026-09-30", 1), "2026-10-08");
    assert_string_equal(add(cal, "2026-10-09", 1), "2026-10-10");
    assert_string_equal(add(cal, "2026-10-08", -1), "2026-09-30");
    /* A 30-working-day deadline over 春节 2025. */
    assert_string_equal(add(cal, "2025-01-10", 30), "2025-02-27");
    /* n = 0 is the date itself, working day or not. */
    assert_string_equal(add(cal, "2025-01-28", 0), "2025-01-28");
    assert_string_equal(add(cal, "2025-01-27", 0), "2025-01-27");
}

static void workdays_between_counts(void **state)
{
    const struct mu_calendar *cal = *state;
    assert_int_equal(between(cal, "2024-12-31", "2025-01-31"), 19);
    assert_int_equal(between(cal, "2025-01-31", "2024-12-31"), -19);
    assert_int_equal(between(cal, "2025-12-31", "2026-01-05"), 2); /* 01-04 Sunday and 01-05 */
    assert_int_equal(between(cal, "2023-12-29", "2024-01-02"), 1);
    assert_int_equal(between(cal, "2024-12-31", "2025-01-01"), 0);
    assert_int_equal(between(cal, "2025-01-01", "2025-01-01"), 0);
    assert_int_equal(between(cal, "2025-01-27", "2025-01-28"), 0);
    assert_int_equal(between(cal, "2025-01-26", "2025-01-27"), 1);
    assert_int_equal(between(cal, "2025-01-25", "2025-01-26"), 1); /* make-up Sunday counts */
    /* Whole years, counted independently from the data. */
    assert_int_equal(between(cal, "2023-12-31", "2024-12-31"), 251);
    assert_int_equal(between(cal, "2024-12-31", "2025-12-31"), 248);
    assert_int_equal(between(cal, "2025-12-31", "2026-12-31"), 248);
    assert_int_equal(between(cal, "2022-12-31", "2023-12-31"), 260);
    assert_int_equal(between(cal, "2023-12-31", "2026-12-31"), 251 + 248 + 248);
}

static void out_of_range(void **state)
{
    const struct mu_calendar *cal = *state;
    int32_t out = 4242;
    struct mu_error err = {0};
    assert_int_equal(mu_calendar_add_workdays(cal, D("2199-12-30"), 5, &out, &err), MU_EINVAL);
    assert_string_equal(err.msg,
                        "5 working days after '2199-12-30' fall outside the supported years "
                        "1900..2199");
    assert_int_equal(mu_calendar_add_workdays(cal, D("1900-01-02"), -2, &out, &err), MU_EINVAL);
    assert_string_equal(err.msg,
                        "2 working days before '1900-01-02' fall outside the supported years "
                        "1900..2199");
    assert_int_equal(mu_calendar_add_workdays(cal, D("1900-01-02"), INT32_MIN, &out, NULL),
                     MU_EINVAL);
    assert_int_equal(mu_calendar_add_workdays(cal, D("1900-01-02"), INT32_MAX, &out, NULL),
                     MU_EINVAL);
    assert_int_equal(mu_calendar_add_workdays(cal, D("1900-01-01") - 1, 1, &out, &err), MU_EINVAL);
    assert_string_equal(err.msg, "date '1899-12-31' is outside the supported years 1900..2199");
    assert_int_equal(mu_calendar_workdays_between(cal, D("2025-01-01"), D("2199-12-31") + 1, &out,
                                                  &err),
                     MU_EINVAL);
    assert_string_equal(err.msg, "date '2200-01-01' is outside the supported years 1900..2199");
    assert_int_equal(out, 4242);
    /* The edges themselves work. */
    assert_string_equal(add(cal, "1900-01-02", -1), "1900-01-01");
    assert_string_equal(add(cal, "2199-12-30", 1), "2199-12-31");
    assert_int_equal(between(cal, "1900-01-01", "2199-12-31"),
                     between(cal, "1900-01-01", "2023-12-31") + 251 + 248 + 248 +
                         between(cal, "2026-12-31", "2199-12-31"));
}

/* ---- brute force ------------------------------------------------------ */

static uint64_t rng_state = 0x9e3779b97f4a7c15u;
static uint32_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state >> 32);
}

/* 0 when the day-by-day walk leaves the supported range. */
static int naive_add(const struct mu_calendar *cal, int32_t day, int32_t n, int32_t *out)
{
    int32_t lo = D("1900-01-01"), hi = D("2199-12-31");
    int32_t d = day, step = n > 0 ? 1 : -1, left = n > 0 ? n : -n;
    while (left > 0) {
        d += step;
        if (d < lo || d > hi)
            return 0;
        if (mu_calendar_is_workday(cal, d))
            left--;
    }
    *out = d;
    return 1;
}

static int32_t naive_between(const struct mu_calendar *cal, int32_t a, int32_t b)
{
    int32_t lo = a < b ? a : b, hi = a < b ? b : a, c = 0;
    for (int32_t d = lo + 1; d <= hi; d++)
        c += mu_calendar_is_workday(cal, d);
    return a <= b ? c : -c;
}

static void cross_check(const struct mu_calendar *cal, int32_t lo, int32_t span, int nmax,
                        int rounds)
{
    int32_t first = D("1900-01-01"), last = D("2199-12-31");
    for (int i = 0; i < rounds; i++) {
        int32_t day = lo + (int32_t)(rnd() % (uint32_t)span);
        int32_t n = (int32_t)(rnd() % (uint32_t)(2 * nmax + 1)) - nmax;
        int32_t other = day + (int32_t)(rnd() % 801) - 400;
        if (day < first || day > last)
            continue;
        int32_t want = 0, got = 0;
        int ok = naive_add(cal, day, n, &want);
        enum mu_err rc = mu_calendar_add_workdays(cal, day, n, &got, NULL);
        if (!ok) {
            assert_int_equal(rc, MU_EINVAL);
        } else {
            assert_int_equal(rc, MU_OK);
            if (got != want) {
                char s[11];
                mu_date_format(day, s);
                fail_msg("add_workdays(%s, %d): %d, want %d", s, (int)n, (int)got, (int)want);
            }
            if (n != 0) {
                assert_true(mu_calendar_is_workday(cal, got));
                int32_t c = 0;
                assert_int_equal(mu_calendar_workdays_between(cal, day, got, &c, NULL), MU_OK);
                /* (day, got] holds n working days going forward; going back,
                 * (got, day] holds |n| - 1 plus day itself if it works. */
                if (n > 0)
                    assert_int_equal(c, n);
                else
                    assert_int_equal(-c, -n - 1 + mu_calendar_is_workday(cal, day));
            }
        }
        if (other >= first && other <= last) {
            int32_t c = 0;
            assert_int_equal(mu_calendar_workdays_between(cal, day, other, &c, NULL), MU_OK);
            assert_int_equal(c, naive_between(cal, day, other));
        }
    }
}

static void brute_force_against_day_loop(void **state)
{
    const struct mu_calendar *cal = *state;
    /* Dense around the data (2023-2027), then over the whole range, then
     * right at its edges where results fall outside. */
    cross_check(cal, D("2023-06-01"), 365 * 4, 120, 200000);
    cross_check(cal, D("1900-01-01"), D("2199-12-31") - D("1900-01-01") + 1, 400, 50000);
    cross_check(cal, D("1900-01-01"), 40, 60, 5000);
    cross_check(cal, D("2199-12-31") - 40, 41, 60, 5000);
    struct mu_calendar *empty = mu_calendar_new();
    assert_non_null(empty);
    cross_check(empty, D("2023-06-01"), 365 * 4, 120, 50000);
    mu_calendar_free(empty);
}

/* ---- the parser ------------------------------------------------------- */

static enum mu_err add_text(struct mu_calendar *cal, const char *file, const char *text,
                            struct mu_error *err)
{
    return mu_calendar_add_text(cal, file, text, strlen(text), err);
}

static void parser_accepts_the_format(void **state)
{
    (void)state;
    struct mu_calendar *cal = mu_calendar_new();
    assert_non_null(cal);
    struct mu_error err = {0};
    const char *text = "\xEF\xBB\xBF# a comment\r\n"
                       "\n"
                       "   \t\n"
                       "2030-02-02\twork\t春节   # make-up Saturday\r\n"
                       "  2030-02-04  off   春节\n"
                       "2030-02-05 off 春节\n"
                       "2030-02-06 off  Lunar New Year's C#-day  \n"
                       "2030-02-09 off 春节\n"
                       "2030-02-15 off 春节\n"
                       "2030-02-16 work 春节"; /* no final newline */
    enum mu_err rc = add_text(cal, "data/calendars/2030.txt", text, &err);
    if (rc)
        fail_msg("%s", err.msg);
    assert_true(mu_calendar_has_year(cal, 2030));
    assert_day(cal, "2030-02-02", "adjusted 春节");
    assert_day(cal, "2030-02-04", "holiday 春节");
    assert_day(cal, "2030-02-06", "holiday Lunar New Year's C#-day");
    assert_day(cal, "2030-02-09", "holiday 春节");
    assert_day(cal, "2030-02-10", "holiday 春节"); /* Sunday after a listed Saturday off */
    assert_day(cal, "2030-02-03", "holiday 春节"); /* Sunday before a Monday off */
    assert_day(cal, "2030-02-16", "adjusted 春节");
    assert_day(cal, "2030-02-17", "weekend"); /* cut off by the make-up Saturday */
    assert_day(cal, "2030-02-07", "workday");
    /* The same name is stored once: both days give the same pointer. */
    const char *n1 = NULL, *n2 = NULL;
    mu_calendar_day(cal, D("2030-02-04"), &n1);
    mu_calendar_day(cal, D("2030-02-09"), &n2);
    assert_ptr_equal(n1, n2);

    /* An empty file still marks the year as having data. */
    assert_int_equal(add_text(cal, "2031.txt", "# nothing this year\n", &err), MU_OK);
    assert_true(mu_calendar_has_year(cal, 2031));
    /* Inference across a year boundary when both years have data. */
    assert_int_equal(add_text(cal, "2032.txt", "2032-01-02 off 元旦\n", &err), MU_OK);
    assert_day(cal, "2032-01-03", "holiday 元旦"); /* Saturday */
    assert_day(cal, "2032-01-04", "holiday 元旦"); /* Sunday */
    assert_int_equal(add_text(cal, "2032.txt", "", &err), MU_ECONFLICT);
    assert_string_equal(err.msg, "2032.txt: holiday data for 2032 was already added");
    mu_calendar_free(cal);
}

struct bad_case {
    const char *file;
    const char *text;
    enum mu_err rc;
    const char *msg;
};

static void parser_errors(void **state)
{
    (void)state;
    static const struct bad_case cases[] = {
        {"2025.txt", "2025-01-28 off 春节\n\n2025-02-30 off 春节\n", MU_EINVAL,
         "2025.txt:3: '2025-02-30' is not a valid date between 1900 and 2199"},
        {"2025.txt", "tomorrow off 春节\n", MU_EINVAL,
         "2025.txt:1: 'tomorrow' is not a date (expected YYYY-MM-DD)"},
        {"2025.txt", "2025-1-28 off 春节\n", MU_EINVAL,
         "2025.txt:1: '2025-1-28' is not a date (expected YYYY-MM-DD)"},
        {"2025.txt", "# c\n2025-01-28 of 春节\n", MU_EINVAL,
         "2025.txt:2: unknown kind 'of' (expected 'off' or 'work')"},
        {"2025.txt", "2025-01-28 OFF 春节\n", MU_EINVAL,
         "2025.txt:1: unknown kind 'OFF' (expected 'off' or 'work')"},
        {"2025.txt", "2025-01-28\n", MU_EINVAL,
         "2025.txt:1: missing kind after '2025-01-28' (expected 'off' or 'work')"},
        {"2025.txt", "2025-01-28 off\n", MU_EINVAL,
         "2025.txt:1: missing holiday name after 'off'"},
        {"2025.txt", "2025-01-28 off # 春节\n", MU_EINVAL,
         "2025.txt:1: missing holiday name after 'off'"},
        {"data/calendars/2025.txt", "2024-12-31 off 元旦\n", MU_EINVAL,
         "data/calendars/2025.txt:1: date '2024-12-31' is outside the file's year 2025"},
        {"2025.txt", "2025-01-28 off 春节\n2025-01-29 off 春节\n2025-01-28 off 春节\n",
         MU_EINVAL, "2025.txt:3: duplicate date '2025-01-28' (first on line 1)"},
        {"2025.txt", "2025-01-27 work 春节\n", MU_EINVAL,
         "2025.txt:1: 'work' on '2025-01-27', a Monday: only a Saturday or Sunday can be a "
         "make-up working day"},
        {"2025.txt", "2025-01-28 off \xE6\x98\n", MU_EINVAL,
         "2025.txt:1: holiday name is not valid UTF-8 or has control characters"},
        {"2025.txt", "2025-01-28 off a\x01z\n", MU_EINVAL,
         "2025.txt:1: holiday name is not valid UTF-8 or has control characters"},
        {"2025.txt",
         "2025-01-28 off "
         "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567"
         "890123456\n",
         MU_EINVAL, "2025.txt:1: holiday name is longer than 96 bytes"},
        {"holidays.txt", "2025-01-28 off 春节\n", MU_EINVAL,
         "holidays.txt: a calendar file must be named YYYY.txt after the year it covers"},
        {"dir/2025.txt.bak", "", MU_EINVAL,
         "dir/2025.txt.bak: a calendar file must be named YYYY.txt after the year it covers"},
        {"1899.txt", "", MU_EINVAL, "1899.txt: year 1899 is outside the supported years 1900..2199"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct mu_calendar *cal = mu_calendar_new();
        assert_non_null(cal);
        struct mu_error err = {0};
        enum mu_err rc = add_text(cal, cases[i].file, cases[i].text, &err);
        if (rc != cases[i].rc || strcmp(err.msg, cases[i].msg) != 0)
            fail_msg("case %zu: got %d '%s', want %d '%s'", i, (int)rc, err.msg, (int)cases[i].rc,
                     cases[i].msg);
        /* Nothing was applied. */
        assert_false(mu_calendar_has_year(cal, 2025));
        assert_day(cal, "2025-01-28", "workday");
        mu_calendar_free(cal);
    }
}

static void failed_file_changes_nothing(void **state)
{
    (void)state;
    struct mu_calendar *cal = mu_calendar_new();
    assert_non_null(cal);
    assert_int_equal(add_text(cal, "2024.txt", "2024-02-10 off 春节\n", NULL), MU_OK);
    /* New names on good lines, then an error: the names are dropped again. */
    assert_int_equal(add_text(cal, "2025.txt", "2025-01-28 off 新名字\n2025-01-29 off\n", NULL),
                     MU_EINVAL);
    assert_false(mu_calendar_has_year(cal, 2025));
    assert_day(cal, "2025-01-28", "workday");
    assert_day(cal, "2024-02-10", "holiday 春节");
    /* The year can be added once it is fixed. */
    assert_int_equal(add_text(cal, "2025.txt", "2025-01-28 off 新名字\n", NULL), MU_OK);
    assert_day(cal, "2025-01-28", "holiday 新名字");
    mu_calendar_free(cal);
}

static void out_of_memory(void **state)
{
    (void)state;
    const char *text = "2025-01-26 work 春节\n2025-01-28 off 春节\n2025-05-01 off 劳动节\n"
                       "2025-10-01 off 国庆节\n";
    int saw_success = 0;
    for (long n = 1; n < 100 && !saw_success; n++) {
        mu_mem_fail_after(n);
        struct mu_calendar *cal = mu_calendar_new();
        if (!cal) {
            mu_mem_fail_after(0);
            continue;
        }
        struct mu_error err = {0};
        enum mu_err rc = add_text(cal, "2025.txt", text, &err);
        mu_mem_fail_after(0);
        if (rc == MU_OK) {
            saw_success = 1;
            assert_day(cal, "2025-10-01", "holiday 国庆节");
        } else {
            assert_int_equal(rc, MU_ENOMEM);
            assert_false(mu_calendar_has_year(cal, 2025));
            assert_day(cal, "2025-01-28", "workday");
        }
        mu_calendar_free(cal);
    }
    mu_mem_fail_after(0);
    assert_true(saw_success);
}

static void load_dir_errors(void **state)
{
    (void)state;
    struct mu_calendar *cal = (struct mu_calendar *)0x1;
    struct mu_error err = {0};
    assert_int_equal(mu_calendar_load_dir("/nonexistent/muster-calendars", &cal, &err), MU_EIO);
    assert_string_equal(err.msg,
                        "cannot open directory '/nonexistent/muster-calendars': No such file or "
                        "directory");
    assert_ptr_equal(cal, (struct mu_calendar *)0x1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(empty_calendar_is_the_normal_week),
        cmocka_unit_test_setup_teardown(years_with_data, setup_real, teardown_cal),
        cmocka_unit_test_setup_teardown(spring_festival_2024, setup_real, teardown_cal),
        cmocka_unit_test_setup_teardown(national_day_2024, setup_real, teardown_cal),
        cmocka_unit_test_setup_teardown(spring_festival_and_national_day_2025, setup_real,
                                        teardown_cal),
        cmocka_unit_test_setup_teardown(spring_festival_and_national_day_2026, setup_real,
                                        teardown_cal),
        cmocka_unit_test_setup_teardown(unlisted_weekend_next_to_a_holiday, setup_real,
                                        teardown_cal),
        cmocka_unit_test_setup_teardown(year_without_data, setup_real, teardown_cal),
        cmocka_unit_test_setup_teardown(leap_days, setup_real, teardown_cal),
        cmocka_unit_test_setup_teardown(add_workdays_across_holidays, setup_real, teardown_cal),
        cmocka_unit_test_setup_teardown(workdays_between_counts, setup_real, teardown_cal),
        cmocka_unit_test_setup_teardown(out_of_range, setup_real, teardown_cal),
        cmocka_unit_test_setup_teardown(brute_force_against_day_loop, setup_real, teardown_cal),
        cmocka_unit_test(parser_accepts_the_format),
        cmocka_unit_test(parser_errors),
        cmocka_unit_test(failed_file_changes_nothing),
        cmocka_unit_test(out_of_memory),
        cmocka_unit_test(load_dir_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
