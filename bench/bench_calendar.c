/* SPDX-License-Identifier: MIT */
/*
 * Benchmark of the working-day calendar: add-workdays and workdays-between
 * throughput over millions of random queries (dates 2020-2032, N up to 90
 * working days either way), against a naive day-by-day loop measured in the
 * same run on the same queries (fewer of them; the rate is per query). The
 * naive answers are also compared with the fast ones, so a wrong table fails
 * the benchmark. Reads the calendars from $MUSTER_DATADIR/calendars, else
 * data/calendars. Prints one "bench: NAME: VALUE UNIT (ratio R vs BASELINE)"
 * line per figure, and the checksums as "#" comments.
 */
#include <muster/calendar.h>
#include <muster/date.h>
#include <muster/mem.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/banned.h"

#define NQUERIES (1u << 20) /* distinct queries, cycled */
#define FAST_ROUNDS 16      /* 16.7 million fast queries per figure */
#define NAIVE_QUERIES 200000u
#define MAX_N 90

struct query {
    int32_t day;
    int32_t arg; /* N for add-workdays, B for workdays-between */
};

static uint64_t rng = 0x2545f4914f6cdd1dull;
static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 32);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int32_t naive_add(const struct mu_calendar *cal, int32_t day, int32_t n)
{
    int32_t step = n > 0 ? 1 : -1, left = n > 0 ? n : -n;
    while (left > 0) {
        day += step;
        if (mu_calendar_is_workday(cal, day))
            left--;
    }
    return day;
}

static int32_t naive_between(const struct mu_calendar *cal, int32_t a, int32_t b)
{
    int32_t lo = a < b ? a : b, hi = a < b ? b : a, c = 0;
    for (int32_t d = lo + 1; d <= hi; d++)
        c += mu_calendar_is_workday(cal, d);
    return a <= b ? c : -c;
}

/* Run the fast path over every query FAST_ROUNDS times; returns queries/s. */
static double run_fast(const struct mu_calendar *cal, const struct query *q, int between,
                       uint64_t *sum)
{
    uint64_t s = 0;
    double t0 = now();
    for (unsigned r = 0; r < FAST_ROUNDS; r++) {
        for (unsigned i = 0; i < NQUERIES; i++) {
            int32_t out = 0;
            if (between)
                mu_calendar_workdays_between(cal, q[i].day, q[i].arg, &out, NULL);
            else
                mu_calendar_add_workdays(cal, q[i].day, q[i].arg, &out, NULL);
            s += (uint32_t)out;
        }
    }
    double t = now() - t0;
    *sum = s;
    return (double)FAST_ROUNDS * NQUERIES / t;
}

/* The naive loop over the first NAIVE_QUERIES queries; returns queries/s.
 * Also checks each answer against the fast path. */
static double run_naive(const struct mu_calendar *cal, const struct query *q, int between,
                        uint64_t *sum, int *bad)
{
    uint64_t s = 0;
    int32_t *got = mu_calloc(NAIVE_QUERIES, sizeof(*got));
    if (!got) {
        fprintf(stderr, "bench_calendar: out of memory\n");
        exit(1);
    }
    double t0 = now();
    for (unsigned i = 0; i < NAIVE_QUERIES; i++) {
        int32_t out = between ? naive_between(cal, q[i].day, q[i].arg)
                              : naive_add(cal, q[i].day, q[i].arg);
        got[i] = out;
        s += (uint32_t)out;
    }
    double t = now() - t0;
    for (unsigned i = 0; i < NAIVE_QUERIES; i++) {
        int32_t out = 0;
        if (between)
            mu_calendar_workdays_between(cal, q[i].day, q[i].arg, &out, NULL);
        else
            mu_calendar_add_workdays(cal, q[i].day, q[i].arg, &out, NULL);
        if (out != got[i] && (*bad)++ == 0) {
            char s1[11];
            mu_date_format(q[i].day, s1);
            fprintf(stderr, "bench_calendar: %s %s %d: fast %d, naive %d\n",
                    between ? "workdays_between" : "add_workdays", s1, (int)q[i].arg, (int)out,
                    (int)got[i]);
        }
    }
    mu_free(got);
    *sum = s;
    return (double)NAIVE_QUERIES / t;
}

int main(void)
{
    const char *datadir = getenv("MUSTER_DATADIR");
    char dir[4096];
    snprintf(dir, sizeof(dir), "%s/calendars", datadir && *datadir ? datadir : "data");
    struct mu_calendar *cal = NULL;
    struct mu_error err = {0};
    if (mu_calendar_load_dir(dir, &cal, &err) != MU_OK) {
        fprintf(stderr, "bench_calendar: %s\n", err.msg);
        return 1;
    }

    struct query *add_q = mu_calloc(NQUERIES, sizeof(*add_q));
    struct query *btw_q = mu_calloc(NQUERIES, sizeof(*btw_q));
    if (!add_q || !btw_q) {
        fprintf(stderr, "bench_calendar: out of memory\n");
        return 1;
    }
    const int32_t lo = mu_date_from_ymd(2020, 1, 1);
    const uint32_t span = (uint32_t)(mu_date_from_ymd(2032, 12, 31) - lo + 1);
    for (unsigned i = 0; i < NQUERIES; i++) {
        add_q[i].day = lo + (int32_t)(rnd() % span);
        add_q[i].arg = (int32_t)(rnd() % (2 * MAX_N + 1)) - MAX_N;
        btw_q[i].day = lo + (int32_t)(rnd() % span);
        btw_q[i].arg = btw_q[i].day + (int32_t)(rnd() % 361) - 180;
    }

    int bad = 0;
    uint64_t fast_sum, naive_sum;
    double fast = run_fast(cal, add_q, 0, &fast_sum);
    double naive = run_naive(cal, add_q, 0, &naive_sum, &bad);
    printf("bench: calendar_add_workdays: %.1f Mqueries/s (ratio %.1f vs naive_day_loop)\n",
           fast / 1e6, fast / naive);
    printf("# calendar_add_workdays: %u queries, checksum %llu; naive %u queries at %.2f "
           "Mqueries/s, checksum %llu\n",
           FAST_ROUNDS * NQUERIES, (unsigned long long)fast_sum, NAIVE_QUERIES, naive / 1e6,
           (unsigned long long)naive_sum);

    fast = run_fast(cal, btw_q, 1, &fast_sum);
    naive = run_naive(cal, btw_q, 1, &naive_sum, &bad);
    printf("bench: calendar_workdays_between: %.1f Mqueries/s (ratio %.1f vs naive_day_loop)\n",
           fast / 1e6, fast / naive);
    printf("# calendar_workdays_between: %u queries, checksum %llu; naive %u queries at %.2f "
           "Mqueries/s, checksum %llu\n",
           FAST_ROUNDS * NQUERIES, (unsigned long long)fast_sum, NAIVE_QUERIES, naive / 1e6,
           (unsigned long long)naive_sum);

    mu_free(btw_q);
    mu_free(add_q);
    mu_calendar_free(cal);
    if (bad) {
        fprintf(stderr, "bench_calendar: %d answers differ from the naive loop\n", bad);
        return 1;
    }
    return 0;
}
