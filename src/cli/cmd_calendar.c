/* SPDX-License-Identifier: MIT */
/*
 * muster calendar: working-day questions answered from the holiday data in
 * DATADIR/calendars (see docs/calendar-format.md). is-workday classifies a
 * date, add-workdays counts N working days on from a date, workdays-between
 * counts the working days in (A, B]. Years without data are answered by
 * weekdays alone, with a warning on stderr for every such year the answer
 * depends on. Arguments are checked before any file is read.
 */
#include "cli.h"

#include <muster/calendar.h>
#include <muster/date.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define USAGE                                                                              \
    "muster calendar is-workday DATE\n"                                                    \
    "       muster calendar add-workdays DATE N\n"                                         \
    "       muster calendar workdays-between A B\n"                                        \
    "DATE, A and B are YYYY-MM-DD; N is a whole number of working days (negative: before)"

#define MAX_N 1000000L /* far more working days than the supported years hold */

static int usage_error(void)
{
    return cli_usage(USAGE);
}

/* Parse argument @p what (e.g. "DATE") holding @p s; on error say which and return 2. */
static int parse_date_arg(const char *sub, const char *what, const char *s, int32_t *out)
{
    struct mu_error err;
    if (mu_date_parse(s, strlen(s), out, &err) != MU_OK) {
        fprintf(stderr, "muster: calendar %s: bad %s: %s\n", sub, what, err.msg);
        return MU_EXIT_USAGE;
    }
    return MU_EXIT_OK;
}

static int parse_n_arg(const char *sub, const char *s, int32_t *out)
{
    char *end = NULL;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (!*s || *end || errno == ERANGE || (s[0] != '-' && s[0] != '+' && (s[0] < '0' || s[0] > '9'))) {
        fprintf(stderr, "muster: calendar %s: bad N: '%s' is not a whole number\n", sub, s);
        return MU_EXIT_USAGE;
    }
    if (v > MAX_N || v < -MAX_N) {
        fprintf(stderr, "muster: calendar %s: bad N: '%s' is out of range (-%ld..%ld)\n", sub, s,
                MAX_N, MAX_N);
        return MU_EXIT_USAGE;
    }
    *out = (int32_t)v;
    return MU_EXIT_OK;
}

/* Warn for each year in [first_day, last_day] without holiday data. */
static void warn_missing(const struct mu_calendar *cal, int32_t first_day, int32_t last_day)
{
    if (first_day > last_day)
        return;
    for (int y = mu_date_year(first_day); y <= mu_date_year(last_day); y++)
        if (!mu_calendar_has_year(cal, y))
            fprintf(stderr, "muster: warning: no holiday data for %d; using weekdays only\n", y);
}

static int is_workday(struct mu_calendar *cal, int32_t day)
{
    const char *name = NULL;
    warn_missing(cal, day, day);
    switch (mu_calendar_day(cal, day, &name)) {
    case MU_DAY_WORKDAY: printf("workday\n"); break;
    case MU_DAY_WEEKEND: printf("weekend\n"); break;
    case MU_DAY_HOLIDAY: printf("holiday %s\n", name ? name : ""); break;
    case MU_DAY_ADJUSTED: printf("workday (adjusted)\n"); break;
    }
    return MU_EXIT_OK;
}

static int add_workdays(struct mu_calendar *cal, int32_t day, int32_t n)
{
    struct mu_error err;
    int32_t r = day;
    enum mu_err rc = mu_calendar_add_workdays(cal, day, n, &r, &err);
    if (rc)
        return cli_fail(rc, &err);
    /* The answer depends on the days after DATE up to the result (or from
     * the result up to the day before DATE). */
    if (n > 0)
        warn_missing(cal, day + 1, r);
    else if (n < 0)
        warn_missing(cal, r, day - 1);
    char s[11];
    mu_date_format(r, s);
    printf("%s\n", s);
    return MU_EXIT_OK;
}

static int workdays_between(struct mu_calendar *cal, int32_t a, int32_t b)
{
    struct mu_error err;
    int32_t count = 0;
    enum mu_err rc = mu_calendar_workdays_between(cal, a, b, &count, &err);
    if (rc)
        return cli_fail(rc, &err);
    if (a < b)
        warn_missing(cal, a + 1, b);
    else
        warn_missing(cal, b + 1, a);
    printf("%ld\n", (long)count);
    return MU_EXIT_OK;
}

int cmd_calendar(int argc, char **argv, struct cli_ctx *ctx)
{
    /* No options yet; everything but --help is positional, so that a
     * negative N such as "-3" is read as a number. */
    char *pos[3];
    int npos = 0;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            printf("usage: %s\n", USAGE);
            return MU_EXIT_OK;
        }
        if (strcmp(argv[i], "--") == 0)
            continue;
        if (npos == 3)
            return usage_error();
        pos[npos++] = argv[i];
    }
    if (npos == 0)
        return usage_error();

    const char *sub = pos[0];
    int32_t a = 0, b = 0, n = 0;
    int rc;
    enum { IS_WORKDAY, ADD_WORKDAYS, BETWEEN } op;
    if (strcmp(sub, "is-workday") == 0) {
        if (npos != 2)
            return usage_error();
        op = IS_WORKDAY;
        if ((rc = parse_date_arg(sub, "DATE", pos[1], &a)))
            return rc;
    } else if (strcmp(sub, "add-workdays") == 0) {
        if (npos != 3)
            return usage_error();
        op = ADD_WORKDAYS;
        if ((rc = parse_date_arg(sub, "DATE", pos[1], &a)) || (rc = parse_n_arg(sub, pos[2], &n)))
            return rc;
    } else if (strcmp(sub, "workdays-between") == 0) {
        if (npos != 3)
            return usage_error();
        op = BETWEEN;
        if ((rc = parse_date_arg(sub, "A", pos[1], &a)) || (rc = parse_date_arg(sub, "B", pos[2], &b)))
            return rc;
    } else {
        fprintf(stderr, "muster: calendar: unknown subcommand '%s'\n", sub);
        return usage_error();
    }

    struct mu_calendar *cal = NULL;
    if ((rc = cli_load_calendar(ctx, &cal)))
        return rc;
    switch (op) {
    case IS_WORKDAY: rc = is_workday(cal, a); break;
    case ADD_WORKDAYS: rc = add_workdays(cal, a, n); break;
    case BETWEEN: rc = workdays_between(cal, a, b); break;
    }
    mu_calendar_free(cal);
    return rc;
}
