/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the pure roster module (src/core/roster.c): local time
 * conversions, the day classes of February 2026 (春节 15-23), the generator
 * (fairness within one shift per class on a month spanning the Spring
 * Festival, unavailability, no consecutive nights, rest waived only when the
 * pool has nobody else, determinism, day-night boundaries, keeping fixed
 * shifts) and the gap finder (a pool too small, everyone on leave).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <inttypes.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <muster/date.h>
#include <muster/mem.h>

#include "core/roster.h"

/* Spring Festival 2026 as the State Council set it (data/calendars/2026.txt). */
static const char cal2026[] = "2026-01-01 off 元旦\n2026-01-02 off 元旦\n2026-01-03 off 元旦\n"
                              "2026-01-04 work 元旦\n2026-02-14 work 春节\n"
                              "2026-02-15 off 春节\n2026-02-16 off 春节\n2026-02-17 off 春节\n"
                              "2026-02-18 off 春节\n2026-02-19 off 春节\n2026-02-20 off 春节\n"
                              "2026-02-21 off 春节\n2026-02-22 off 春节\n2026-02-23 off 春节\n"
                              "2026-02-28 work 春节\n2026-04-04 off 清明节\n"
                              "2026-04-05 off 清明节\n2026-04-06 off 清明节\n";

static int32_t D(const char *s)
{
    int32_t d = 0;
    assert_int_equal(mu_date_parse(s, strlen(s), &d, NULL), MU_OK);
    return d;
}

static struct mu_calendar *make_cal(void)
{
    struct mu_calendar *cal = mu_calendar_new();
    struct mu_error err = {0};
    assert_non_null(cal);
    if (mu_calendar_add_text(cal, "2026.txt", cal2026, strlen(cal2026), &err))
        fail_msg("calendar: %s", err.msg);
    return cal;
}

/* A duty section built in memory: pools of people named P0, P1 ... */
struct duty_fx {
    struct mu_plan_duty duty;
    struct mu_plan_pool pools[3];
    struct mu_plan_str names[3][32];
    char ids[3][32][24];
};

static void duty_init(struct duty_fx *f, enum mu_duty_pattern pat, size_t npools,
                      const size_t *sizes, const int64_t *per_shift)
{
    memset(f, 0, sizeof(*f));
    f->duty.present = 1;
    f->duty.pattern = pat;
    f->duty.start = 8 * 60;
    f->duty.night_start = pat == MU_DUTY_DAY_NIGHT ? 17 * 60 + 30 : -1;
    f->duty.no_consecutive_nights = 1;
    f->duty.reminder_before = 7200;
    f->duty.pools = f->pools;
    f->duty.npools = npools;
    for (size_t p = 0; p < npools; p++) {
        for (size_t i = 0; i < sizes[p]; i++) {
            snprintf(f->ids[p][i], sizeof(f->ids[p][i]), "%c%zu", p == 0 ? 'L' : 'S', i);
            f->names[p][i].s = f->ids[p][i];
        }
        f->pools[p].id = p == 0 ? "leaders" : "staff";
        f->pools[p].role = p == 0 ? "带班领导" : "值班人员";
        f->pools[p].people.v = f->names[p];
        f->pools[p].people.n = sizes[p];
        f->pools[p].per_shift = per_shift[p];
    }
}

static void generate(const struct mu_roster_gen_in *in, struct mu_roster_gen_shift **v, size_t *n)
{
    struct mu_error err = {0};
    enum mu_err rc = mu_roster_generate(in, v, n, &err);
    if (rc)
        fail_msg("generate: %s", err.msg);
}

static size_t index_of(const struct duty_fx *f, size_t pool, const char *person)
{
    for (size_t i = 0; i < f->pools[pool].people.n; i++)
        if (strcmp(f->ids[pool][i], person) == 0)
            return i;
    fail_msg("unknown person %s", person);
    return 0;
}

/* Spread (max - min) of the counts of class @p cls within pool @p pool. */
static int64_t spread(const struct duty_fx *f, const struct mu_roster_gen_shift *v, size_t n,
                      size_t pool, int cls)
{
    int64_t c[32] = {0};
    for (size_t i = 0; i < n; i++)
        if (v[i].pool == pool && v[i].person && (cls < 0 || (int)v[i].cls == cls))
            c[index_of(f, pool, v[i].person)]++;
    int64_t lo = INT64_MAX, hi = 0;
    for (size_t i = 0; i < f->pools[pool].people.n; i++) {
        lo = c[i] < lo ? c[i] : lo;
        hi = c[i] > hi ? c[i] : hi;
    }
    return hi - lo;
}

static void test_time(void **state)
{
    (void)state;
    char buf[26];
    int64_t ms = 0;
    int mins = 0;
    assert_int_equal(mu_local_ms(D("2026-02-01"), 8 * 60), 1769904000000LL);
    mu_local_format(1769904000000LL, buf);
    assert_string_equal(buf, "2026-02-01T08:00:00+08:00");
    assert_int_equal(mu_local_day(1769904000000LL - 8 * 3600000LL - 1, &mins),
                     D("2026-01-31"));
    assert_int_equal(mins, 1439);
    assert_int_equal(mu_local_parse("2026-02-01T08:00", &ms, NULL), MU_OK);
    assert_int_equal(ms, 1769904000000LL);
    assert_int_equal(mu_local_parse("2026-02-01T00:00:00Z", &ms, NULL), MU_OK);
    assert_int_equal(ms, 1769904000000LL);
    assert_int_equal(mu_local_parse("2026-02-01T08:00:00+08:00", &ms, NULL), MU_OK);
    assert_int_equal(ms, 1769904000000LL);
    assert_int_equal(mu_local_parse("2026-02-01", &ms, NULL), MU_OK);
    assert_int_equal(ms, 1769904000000LL - 8 * 3600000LL);
    struct mu_error err = {0};
    assert_int_equal(mu_local_parse("2026-02-01T25:00", &ms, &err), MU_EINVAL);
    assert_non_null(strstr(err.msg, "'2026-02-01T25:00' is not a date and time"));
    assert_int_equal(mu_local_parse("2026-02-01T08:00x", &ms, NULL), MU_EINVAL);
    assert_int_equal(mu_local_parse("tomorrow", &ms, NULL), MU_EINVAL);
}

static void test_classes(void **state)
{
    struct mu_calendar *cal = *state;
    assert_int_equal(mu_roster_day_class(cal, D("2026-02-13")), MU_CLASS_WORKDAY);
    assert_int_equal(mu_roster_day_class(cal, D("2026-02-14")), MU_CLASS_WORKDAY); /* 调休 */
    assert_int_equal(mu_roster_day_class(cal, D("2026-02-15")), MU_CLASS_SPRING);
    assert_int_equal(mu_roster_day_class(cal, D("2026-02-23")), MU_CLASS_SPRING);
    assert_int_equal(mu_roster_day_class(cal, D("2026-02-07")), MU_CLASS_WEEKEND);
    assert_int_equal(mu_roster_day_class(cal, D("2026-04-05")), MU_CLASS_HOLIDAY);
    assert_int_equal(mu_roster_day_class(NULL, D("2026-02-15")), MU_CLASS_WEEKEND);
    assert_string_equal(mu_shift_class_name(MU_CLASS_SPRING), "spring");
}

/* February 2026, 24h: each class balanced within one shift in every pool. */
static void test_fair_spring_festival(void **state)
{
    struct duty_fx f;
    size_t sizes[] = {5, 7};
    int64_t per[] = {1, 2};
    duty_init(&f, MU_DUTY_24H, 2, sizes, per);
    struct mu_roster_gen_in in = {.duty = &f.duty, .cal = *state, .from = D("2026-02-01"),
                                  .to = D("2026-02-28")};
    struct mu_roster_gen_shift *v = NULL;
    size_t n = 0;
    generate(&in, &v, &n);
    assert_int_equal(n, 28 * 3);
    size_t spring = 0;
    for (size_t i = 0; i < n; i++) {
        assert_non_null(v[i].person);
        spring += v[i].cls == MU_CLASS_SPRING && v[i].pool == 0;
    }
    assert_int_equal(spring, 9);
    for (size_t p = 0; p < 2; p++) {
        for (int c = 0; c < MU_CLASS_COUNT; c++)
            if (spread(&f, v, n, p, c) > 1)
                fail_msg("pool %zu class %s: spread %" PRId64, p, mu_shift_class_name(c),
                         spread(&f, v, n, p, c));
        assert_true(spread(&f, v, n, p, -1) <= 2);
    }
    /* Rest: nobody holds two 24h shifts in a row. */
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            if (v[j].pool == v[i].pool && v[j].start_ms == v[i].end_ms)
                assert_string_not_equal(v[i].person, v[j].person);
    mu_free(v);
}

static void test_deterministic(void **state)
{
    struct duty_fx f;
    size_t sizes[] = {4, 9};
    int64_t per[] = {1, 2};
    duty_init(&f, MU_DUTY_DAY_NIGHT, 2, sizes, per);
    struct mu_roster_unavail un[] = {{"S3", D("2026-02-10"), D("2026-02-12")}};
    struct mu_roster_gen_in in = {.duty = &f.duty, .cal = *state, .unavail = un, .nunavail = 1,
                                  .from = D("2026-02-01"), .to = D("2026-03-15")};
    struct mu_roster_gen_shift *a = NULL, *b = NULL;
    size_t na = 0, nb = 0;
    generate(&in, &a, &na);
    generate(&in, &b, &nb);
    assert_int_equal(na, nb);
    assert_int_equal(na, 43 * 2 * 3);
    for (size_t i = 0; i < na; i++) {
        assert_int_equal(a[i].start_ms, b[i].start_ms);
        assert_int_equal(a[i].pool, b[i].pool);
        assert_string_equal(a[i].person, b[i].person);
    }
    /* Rotation order decides ties: the first shift goes to the first of each pool. */
    assert_string_equal(a[0].person, "L0");
    assert_string_equal(a[1].person, "S0");
    assert_string_equal(a[2].person, "S1");
    mu_free(a);
    mu_free(b);
}

static void test_day_night_boundaries(void **state)
{
    struct duty_fx f;
    size_t sizes[] = {3};
    int64_t per[] = {1};
    duty_init(&f, MU_DUTY_DAY_NIGHT, 1, sizes, per);
    f.duty.start = 8 * 60 + 30;
    struct mu_roster_gen_in in = {.duty = &f.duty, .cal = *state, .from = D("2026-02-01"),
                                  .to = D("2026-02-02")};
    struct mu_roster_gen_shift *v = NULL;
    size_t n = 0;
    char s[26], e[26];
    generate(&in, &v, &n);
    assert_int_equal(n, 4);
    mu_local_format(v[0].start_ms, s);
    mu_local_format(v[0].end_ms, e);
    assert_string_equal(s, "2026-02-01T08:30:00+08:00");
    assert_string_equal(e, "2026-02-01T17:30:00+08:00");
    assert_int_equal(v[0].night, 0);
    mu_local_format(v[1].start_ms, s);
    mu_local_format(v[1].end_ms, e);
    assert_string_equal(s, "2026-02-01T17:30:00+08:00");
    assert_string_equal(e, "2026-02-02T08:30:00+08:00");
    assert_int_equal(v[1].night, 1);
    assert_int_equal(v[2].start_ms, v[1].end_ms);
    /* Contiguous: every shift starts where the one before ended. */
    for (size_t i = 1; i < n; i++)
        assert_int_equal(v[i].start_ms, v[i - 1].end_ms);
    mu_free(v);

    /* day-night without night_start is refused. */
    f.duty.night_start = -1;
    struct mu_error err = {0};
    assert_int_equal(mu_roster_generate(&in, &v, &n, &err), MU_EINVAL);
    assert_non_null(strstr(err.msg, "night_start"));
}

static void test_unavailable(void **state)
{
    struct duty_fx f;
    size_t sizes[] = {4};
    int64_t per[] = {1};
    duty_init(&f, MU_DUTY_24H, 1, sizes, per);
    struct mu_roster_unavail un[] = {{"L0", D("2026-02-01"), D("2026-02-10")},
                                     {"L2", D("2026-02-05"), D("2026-02-06")}};
    struct mu_roster_gen_in in = {.duty = &f.duty, .cal = *state, .unavail = un, .nunavail = 2,
                                  .from = D("2026-02-01"), .to = D("2026-02-28")};
    struct mu_roster_gen_shift *v = NULL;
    size_t n = 0;
    generate(&in, &v, &n);
    for (size_t i = 0; i < n; i++) {
        assert_non_null(v[i].person);
        for (size_t u = 0; u < 2; u++)
            if (v[i].day >= un[u].from && v[i].day <= un[u].to)
                assert_string_not_equal(v[i].person, un[u].person);
    }
    /* L0 catches up after the leave: its first shift is on 02-11. */
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i].person, "L0") == 0) {
            assert_int_equal(v[i].day, D("2026-02-11"));
            break;
        }
    mu_free(v);
}

static void test_no_consecutive_nights(void **state)
{
    struct duty_fx f;
    size_t sizes[] = {3};
    int64_t per[] = {1};
    duty_init(&f, MU_DUTY_DAY_NIGHT, 1, sizes, per);
    /* Two of three away: only L1 is left for a week, rest is waived, no gap. */
    struct mu_roster_unavail un[] = {{"L0", D("2026-03-10"), D("2026-03-12")},
                                     {"L2", D("2026-03-10"), D("2026-03-12")}};
    struct mu_roster_gen_in in = {.duty = &f.duty, .cal = *state, .unavail = un, .nunavail = 2,
                                  .from = D("2026-03-01"), .to = D("2026-03-31")};
    struct mu_roster_gen_shift *v = NULL;
    size_t n = 0;
    generate(&in, &v, &n);
    const char *prev_night = NULL;
    int32_t prev_day = 0;
    for (size_t i = 0; i < n; i++) {
        assert_non_null(v[i].person);
        if (!v[i].night)
            continue;
        int waived = v[i].day >= D("2026-03-10") && v[i].day <= D("2026-03-12");
        if (prev_night && prev_day == v[i].day - 1 && !waived)
            assert_string_not_equal(prev_night, v[i].person);
        if (v[i].day >= D("2026-03-10") && v[i].day <= D("2026-03-12"))
            assert_string_equal(v[i].person, "L1");
        prev_night = v[i].person;
        prev_day = v[i].day;
    }
    mu_free(v);

    /* With rest off, a pool of two simply rotates by counts. */
    f.duty.no_consecutive_nights = 0;
    generate(&in, &v, &n);
    assert_int_equal(n, 62);
    mu_free(v);
}

static void test_keep_fixed(void **state)
{
    struct duty_fx f;
    size_t sizes[] = {3, 4};
    int64_t per[] = {1, 2};
    duty_init(&f, MU_DUTY_24H, 2, sizes, per);
    int64_t d3 = mu_local_ms(D("2026-02-03"), 8 * 60);
    struct mu_roster_fixed fx[] = {{"leaders", d3, 0, "L2"}, {"staff", d3, 1, "S0"},
                                   {"staff", d3, 0, "outsider"}};
    struct mu_roster_gen_in in = {.duty = &f.duty, .cal = *state, .fixed = fx, .nfixed = 3,
                                  .from = D("2026-02-01"), .to = D("2026-02-06")};
    struct mu_roster_gen_shift *v = NULL;
    size_t n = 0;
    generate(&in, &v, &n);
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i].start_ms != d3)
            continue;
        if (v[i].pool == 0) {
            assert_string_equal(v[i].person, "L2");
            assert_true(v[i].kept);
            kept++;
        } else if (v[i].slot == 1) {
            assert_string_equal(v[i].person, "S0");
            kept++;
        } else {
            assert_string_equal(v[i].person, "outsider");
            kept++;
        }
    }
    assert_int_equal(kept, 3);
    /* The kept shift counts: L2 is not given 02-02 or 02-04 (rest) and the
     * leaders stay balanced over the six days. */
    assert_true(spread(&f, v, n, 0, -1) <= 1);
    mu_free(v);
}

static void test_gaps(void **state)
{
    struct duty_fx f;
    size_t sizes[] = {1, 2};
    int64_t per[] = {1, 3};
    duty_init(&f, MU_DUTY_24H, 2, sizes, per);
    struct mu_roster_unavail un[] = {{"L0", D("2026-02-02"), D("2026-02-02")}};
    struct mu_roster_gen_in in = {.duty = &f.duty, .cal = *state, .unavail = un, .nunavail = 1,
                                  .from = D("2026-02-01"), .to = D("2026-02-03")};
    struct mu_roster_gen_shift *v = NULL;
    size_t n = 0;
    generate(&in, &v, &n);
    assert_int_equal(n, 3 * 4);
    struct mu_roster_span sp[12];
    size_t ns = 0, nulls = 0;
    for (size_t i = 0; i < n; i++) {
        if (!v[i].person) {
            nulls++;
            continue;
        }
        sp[ns++] = (struct mu_roster_span){f.pools[v[i].pool].id, v[i].start_ms, v[i].end_ms};
    }
    assert_int_equal(nulls, 1 + 3); /* L0's day away, and a third staff place every day */
    struct mu_roster_gap *g = NULL;
    size_t ng = 0;
    int64_t from = mu_local_ms(D("2026-02-01"), 8 * 60);
    int64_t to = mu_local_ms(D("2026-02-04"), 8 * 60);
    assert_int_equal(mu_roster_gaps(&f.duty, sp, ns, from, to, &g, &ng, NULL), MU_OK);
    assert_int_equal(ng, 2);
    assert_int_equal(g[0].pool, 0);
    assert_int_equal(g[0].start_ms, mu_local_ms(D("2026-02-02"), 8 * 60));
    assert_int_equal(g[0].end_ms, mu_local_ms(D("2026-02-03"), 8 * 60));
    assert_int_equal(g[0].missing, 1);
    assert_int_equal(g[1].pool, 1); /* merged over the three days */
    assert_int_equal(g[1].start_ms, from);
    assert_int_equal(g[1].end_ms, to);
    assert_int_equal(g[1].missing, 1);
    mu_free(g);

    /* Everything covered: no gaps; nothing at all: one gap per pool. */
    f.pools[1].per_shift = 2;
    assert_int_equal(mu_roster_gaps(&f.duty, sp, ns, from, from + 3600000, &g, &ng, NULL), MU_OK);
    assert_int_equal(ng, 0);
    assert_null(g);
    assert_int_equal(mu_roster_gaps(&f.duty, sp, 0, from, to, &g, &ng, NULL), MU_OK);
    assert_int_equal(ng, 2);
    assert_int_equal(g[1].missing, 2);
    mu_free(g);
    mu_free(v);
}

static void test_bad_input(void **state)
{
    struct duty_fx f;
    size_t sizes[] = {1};
    int64_t per[] = {1};
    duty_init(&f, MU_DUTY_24H, 1, sizes, per);
    struct mu_roster_gen_in in = {.duty = &f.duty, .cal = *state, .from = D("2026-02-02"),
                                  .to = D("2026-02-01")};
    struct mu_roster_gen_shift *v = NULL;
    size_t n = 0;
    struct mu_error err = {0};
    assert_int_equal(mu_roster_generate(&in, &v, &n, &err), MU_EINVAL);
    in.to = in.from + 400;
    assert_int_equal(mu_roster_generate(&in, &v, &n, &err), MU_EINVAL);
    assert_non_null(strstr(err.msg, "366"));
    f.duty.present = 0;
    in.to = in.from;
    assert_int_equal(mu_roster_generate(&in, &v, &n, &err), MU_EINVAL);
    assert_null(v);
}

static int setup(void **state)
{
    *state = make_cal();
    return 0;
}

static int teardown(void **state)
{
    mu_calendar_free(*state);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_time),
        cmocka_unit_test(test_classes),
        cmocka_unit_test(test_fair_spring_festival),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_day_night_boundaries),
        cmocka_unit_test(test_unavailable),
        cmocka_unit_test(test_no_consecutive_nights),
        cmocka_unit_test(test_keep_fixed),
        cmocka_unit_test(test_gaps),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
