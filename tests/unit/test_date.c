/* SPDX-License-Identifier: MIT */
/* Unit tests for civil dates, clock times and durations (src/core/date.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include <muster/date.h>

static int32_t D(const char *s)
{
    int32_t d = 0;
    assert_int_equal(mu_date_parse(s, strlen(s), &d, NULL), MU_OK);
    return d;
}

static void epoch_and_known_weekdays(void **state)
{
    (void)state;
    assert_int_equal(D("1970-01-01"), 0);
    assert_int_equal(D("2000-03-01"), 11017);
    assert_int_equal(mu_date_weekday(D("1970-01-01")), 4);  /* Thursday */
    assert_int_equal(mu_date_weekday(D("2026-02-17")), 2);  /* 春节 2026 is a Tuesday */
    assert_int_equal(mu_date_weekday(D("2024-02-04")), 7);  /* a make-up Sunday */
    assert_int_equal(mu_date_weekday(D("1969-12-31")), 3);
    assert_int_equal(mu_date_weekday(D("1900-01-01")), 1);
}

static void round_trip_every_day(void **state)
{
    (void)state;
    int32_t lo = mu_date_from_ymd(MU_DATE_MIN_YEAR, 1, 1);
    int32_t hi = mu_date_from_ymd(MU_DATE_MAX_YEAR, 12, 31);
    int prev_w = mu_date_weekday(lo - 1);
    for (int32_t d = lo; d <= hi; d++) {
        int y, m, dd;
        mu_date_to_ymd(d, &y, &m, &dd);
        assert_true(mu_date_valid(y, m, dd));
        assert_int_equal(mu_date_from_ymd(y, m, dd), d);
        int w = mu_date_weekday(d);
        assert_int_equal(w, prev_w % 7 + 1);
        prev_w = w;
        char s[11];
        mu_date_format(d, s);
        assert_int_equal(D(s), d);
    }
}

static void rejects_bad_dates(void **state)
{
    (void)state;
    const char *bad[] = {"2025-13-01", "2025-02-29", "2024-02-30", "2025-1-01", "tomorrow",
                         "2025-01-01x", "", "1899-12-31", "2200-01-01", "2025/01/01"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        int32_t d = 12345;
        struct mu_error err;
        assert_int_equal(mu_date_parse(bad[i], strlen(bad[i]), &d, &err), MU_EINVAL);
        assert_int_equal(d, 12345);
        assert_non_null(strstr(err.msg, "date"));
    }
    assert_int_equal(D("2024-02-29"), mu_date_from_ymd(2024, 2, 29));
}

static void clock_times(void **state)
{
    (void)state;
    int m = -1;
    assert_int_equal(mu_clock_parse("08:30", 5, &m, NULL), MU_OK);
    assert_int_equal(m, 510);
    assert_int_equal(mu_clock_parse("23:59", 5, &m, NULL), MU_OK);
    assert_int_equal(m, 1439);
    struct mu_error err;
    assert_int_equal(mu_clock_parse("25:00", 5, &m, &err), MU_EINVAL);
    assert_non_null(strstr(err.msg, "'25:00' is not a time of day"));
    assert_int_equal(mu_clock_parse("8:30", 4, &m, NULL), MU_EINVAL);
    assert_int_equal(mu_clock_parse("12:60", 5, &m, NULL), MU_EINVAL);
    assert_int_equal(mu_clock_parse("24:00", 5, &m, NULL), MU_EINVAL);
}

static void durations(void **state)
{
    (void)state;
    int64_t s = -1;
    struct { const char *in; int64_t want; } ok[] = {
        {"90s", 90}, {"15m", 900}, {"2h", 7200}, {"1h30m", 5400}, {"3d", 259200}, {"2w", 1209600},
        {"0m", 0},
    };
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        assert_int_equal(mu_duration_parse(ok[i].in, strlen(ok[i].in), &s, NULL), MU_OK);
        assert_int_equal(s, ok[i].want);
    }
    const char *bad[] = {"15 minutes", "15", "m", "", "-5m", "1y", "99999999999999d", "5m5"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct mu_error err;
        assert_int_equal(mu_duration_parse(bad[i], strlen(bad[i]), &s, &err), MU_EINVAL);
        assert_non_null(strstr(err.msg, "is not a duration"));
    }
}

static int64_t L(const char *s)
{
    int64_t ms = 0;
    assert_int_equal(mu_local_parse(s, &ms, NULL), MU_OK);
    return ms;
}

static void local_time(void **state)
{
    (void)state;
    /* 2026-02-17T00:00+08:00 is 2026-02-16T16:00Z. */
    int64_t midnight = L("2026-02-17");
    assert_true(midnight == L("2026-02-16T16:00Z"));
    assert_true(midnight == L("2026-02-17T00:00:00+08:00"));
    assert_true(midnight == L("2026-02-17 01:00+0900"));
    assert_true(midnight == L("2026-02-16T10:00-06"));
    assert_true(midnight == mu_local_ms(D("2026-02-17"), 0));
    int m = -1;
    assert_int_equal(mu_local_day(midnight - 1, &m), D("2026-02-16"));
    assert_int_equal(m, 1439);
    assert_int_equal(mu_local_day(midnight, &m), D("2026-02-17"));
    assert_int_equal(m, 0);
    assert_int_equal(mu_local_minutes(L("2026-02-17T09:30:59")), 570);
    /* Before the epoch, days still round down. */
    assert_int_equal(mu_local_day(L("1969-12-31T23:59"), NULL), -1);
    char out[26];
    mu_local_format(L("2026-02-16T17:30:05Z"), out);
    assert_string_equal(out, "2026-02-17T01:30:05+08:00");
    const char *bad[] = {"", "2026-02", "2026-02-17T9:30", "2026-02-30T09:30", "2026-02-17T24:00",
                         "2026-02-17T09:60", "2026-02-17T09:30+8", "2026-02-17T09:30 ",
                         "yesterday", "2026-02-17T09:30:00.5", "2026-02-17T09:30+15:00"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        int64_t ms = 42;
        struct mu_error err;
        assert_int_equal(mu_local_parse(bad[i], &ms, &err), MU_EINVAL);
        assert_int_equal(ms, 42);
        assert_non_null(strstr(err.msg, "is not a date and time"));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(epoch_and_known_weekdays), cmocka_unit_test(round_trip_every_day),
        cmocka_unit_test(rejects_bad_dates),        cmocka_unit_test(clock_times),
        cmocka_unit_test(durations),                cmocka_unit_test(local_time),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
