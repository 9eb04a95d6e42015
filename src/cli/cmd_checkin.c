/* SPDX-License-Identifier: MIT */
/*
 * muster checkin: daily check-ins (零报告) from the command line. submit
 * records a report (nil or with fields), board shows every unit x slot of a
 * day, summary prints a day's summary, tick records the reminders and
 * summaries that are due (the timer engine will call it), stats prints the
 * on-time rate per unit over a period, or writes it as XLSX. Times are
 * YYYY-MM-DDTHH:MM in Asia/Shanghai (UTC+8) unless they carry Z or an
 * offset; the default is now. The work is done by src/app/checkin.c.
 */
#include "cli.h"

#include <muster/calendar.h>
#include <muster/checkin.h>
#include <muster/date.h>
#include <muster/mem.h>
#include <muster/store.h>
#include <stdlib.h>
#include <string.h>

#define U_SUBMIT                                                                                   \
    "muster checkin submit --schedule ID --unit ID (--nil | --field KEY=VALUE...) [--text TEXT] "  \
    "[--at TIME] [--slot HH:MM] [--by PERSON|USER]"
#define U_BOARD "muster checkin board --schedule ID --date DATE [--at TIME] [--json]"
#define U_SUMMARY "muster checkin summary --schedule ID --date DATE [--at TIME] [--json]"
#define U_TICK "muster checkin tick [--at TIME]"
#define U_STATS                                                                                    \
    "muster checkin stats --schedule ID --from DATE --to DATE [--at TIME] [--json] [--xlsx FILE]"
#define USAGE                                                                                      \
    U_SUBMIT "\n       " U_BOARD "\n       " U_SUMMARY "\n       " U_TICK "\n       " U_STATS  \
             "\nID is PLAN/CHECKIN (or CHECKIN when one plan has it); DATE is YYYY-MM-DD;\n"     \
             "TIME is YYYY-MM-DDTHH:MM in UTC+8 (or with Z or +HH:MM); the default is now"

static int usage(void)
{
    return cli_usage(USAGE);
}

static int load_calendar(const struct cli_ctx *ctx, struct mu_calendar **cal)
{
    char dir[4096];
    struct mu_error err = {0};
    int w = snprintf(dir, sizeof(dir), "%s/calendars", ctx->datadir);
    if (w < 0 || (size_t)w >= sizeof(dir)) {
        fprintf(stderr, "muster: data directory path is too long\n");
        return MU_EXIT_FAIL;
    }
    enum mu_err rc = mu_calendar_load_dir(dir, cal, &err);
    return rc ? cli_fail(rc, &err) : MU_EXIT_OK;
}

/* --at (or now) into *ms; exit code. */
static int parse_at(const char *at, int64_t *ms)
{
    struct mu_error err = {0};
    if (!at) {
        *ms = cli_now_ms();
        return MU_EXIT_OK;
    }
    enum mu_err rc = mu_local_parse(at, ms, &err);
    if (rc)
        fprintf(stderr, "muster: --at: %s\n", err.msg);
    return rc ? cli_exit_code(rc) : MU_EXIT_OK;
}

static int parse_day(const char *what, const char *s, int32_t *day)
{
    struct mu_error err = {0};
    if (mu_date_parse(s, strlen(s), day, &err)) {
        fprintf(stderr, "muster: %s: %s\n", what, err.msg);
        return MU_EXIT_FAIL;
    }
    return MU_EXIT_OK;
}

/* Print and free @p text; the exit code for @p rc. */
static int emit(enum mu_err rc, char *text, const struct mu_error *err)
{
    if (rc)
        return cli_fail(rc, err);
    fputs(text, stdout);
    mu_free(text);
    return MU_EXIT_OK;
}

struct common {
    struct mu_store *s;
    struct mu_calendar *cal;
};

static int open_all(const struct cli_ctx *ctx, struct common *c)
{
    struct mu_error err = {0};
    int rc = load_calendar(ctx, &c->cal);
    if (rc)
        return rc;
    enum mu_err e = mu_store_open(ctx->db, &c->s, &err);
    if (e) {
        mu_calendar_free(c->cal);
        c->cal = NULL;
        return cli_fail(e, &err);
    }
    return MU_EXIT_OK;
}

static void close_all(struct common *c)
{
    mu_store_close(c->s);
    mu_calendar_free(c->cal);
}

static int submit(int argc, char **argv, struct cli_ctx *ctx)
{
    const char *schedule = NULL, *unit = NULL, *text = NULL, *at = NULL, *slot = NULL, *by = NULL;
    int nil = 0, npos = 0, nfields = 0;
    /* --field repeats, which cli_parse does not keep: take them out first. */
    struct mu_checkin_kv *kv = mu_calloc((size_t)argc + 1, sizeof(*kv));
    if (!kv)
        return cli_fail(MU_ENOMEM, NULL);
    int m = 0, rc;
    for (int i = 0; i < argc; i++) {
        const char *v = NULL;
        if (strcmp(argv[i], "--") == 0) {
            while (i < argc)
                argv[m++] = argv[i++];
            break;
        }
        if (strcmp(argv[i], "--field") == 0) {
            if (i + 1 >= argc) {
                fprintf(stderr, "muster: option '--field' needs a value\n");
                mu_free(kv);
                return MU_EXIT_USAGE;
            }
            v = argv[++i];
        } else if (strncmp(argv[i], "--field=", 8) == 0) {
            v = argv[i] + 8;
        } else {
            argv[m++] = argv[i];
            continue;
        }
        char *eq = strchr(v, '=');
        if (!eq) {
            fprintf(stderr, "muster: --field '%s' is not KEY=VALUE\n", v);
            mu_free(kv);
            return MU_EXIT_USAGE;
        }
        *eq = '\0'; /* argv strings are ours to split */
        kv[nfields].key = v;
        kv[nfields++].value = eq + 1;
    }
    const struct cli_opt opts[] = {
        {"--schedule", CLI_VALUE, &schedule, NULL}, {"--unit", CLI_VALUE, &unit, NULL},
        {"--nil", CLI_FLAG, NULL, &nil},            {"--text", CLI_VALUE, &text, NULL},
        {"--at", CLI_VALUE, &at, NULL},             {"--slot", CLI_VALUE, &slot, NULL},
        {"--by", CLI_VALUE, &by, NULL},             {NULL, CLI_FLAG, NULL, NULL},
    };
    if ((rc = cli_parse(m, argv, opts, &npos))) {
        mu_free(kv);
        return rc;
    }
    if (npos || !schedule || !unit || (nil && nfields) || (!nil && !nfields)) {
        if (nil && nfields)
            fprintf(stderr, "muster: checkin submit: give --nil or --field, not both\n");
        mu_free(kv);
        return cli_usage(U_SUBMIT);
    }
    struct mu_checkin_input in = {.schedule = schedule,
                                  .unit = unit,
                                  .nil = nil != 0,
                                  .fields = kv,
                                  .nfields = (size_t)nfields,
                                  .text = text,
                                  .slot = slot,
                                  .by = by};
    if ((rc = parse_at(at, &in.at))) {
        mu_free(kv);
        return rc;
    }
    struct common c = {0};
    if ((rc = open_all(ctx, &c))) {
        mu_free(kv);
        return rc;
    }
    struct mu_error err = {0};
    struct mu_checkin_receipt r;
    struct mu_actor actor = {.name = ctx->actor, .now_ms = cli_now_ms()};
    enum mu_err e = mu_app_checkin_submit(c.s, &actor, NULL, c.cal, &in, &r, &err);
    close_all(&c);
    mu_free(kv);
    if (e)
        return cli_fail(e, &err);
    printf("submission %lld: %s %s, slot %s, %s%s%s\n", (long long)r.id, r.schedule, unit, r.slot,
           r.late ? "late" : "on time", r.replaced ? ", replaces the earlier report" : "",
           r.counts ? "" : ", kept (an earlier report counts)");
    return MU_EXIT_OK;
}

/* board and summary share their options. */
static int day_view(int argc, char **argv, struct cli_ctx *ctx, int is_summary)
{
    const char *schedule = NULL, *date = NULL, *at = NULL;
    int json = 0, npos = 0, rc;
    const struct cli_opt opts[] = {
        {"--schedule", CLI_VALUE, &schedule, NULL}, {"--date", CLI_VALUE, &date, NULL},
        {"--at", CLI_VALUE, &at, NULL},             {"--json", CLI_FLAG, NULL, &json},
        {NULL, CLI_FLAG, NULL, NULL},
    };
    if ((rc = cli_parse(argc, argv, opts, &npos)))
        return rc;
    if (npos || !schedule || !date)
        return cli_usage(is_summary ? U_SUMMARY : U_BOARD);
    int32_t day = 0;
    int64_t when = 0;
    if ((rc = parse_day("--date", date, &day)) || (rc = parse_at(at, &when)))
        return rc;
    struct common c = {0};
    if ((rc = open_all(ctx, &c)))
        return rc;
    struct mu_error err = {0};
    char *out = NULL;
    enum mu_checkin_format fmt = json ? MU_CHECKIN_JSON : MU_CHECKIN_TEXT;
    enum mu_err e = is_summary ? mu_app_checkin_summary(c.s, c.cal, schedule, day, when, fmt, &out,
                                                        &err)
                               : mu_app_checkin_board(c.s, c.cal, schedule, day, when, fmt, &out,
                                                      &err);
    close_all(&c);
    return emit(e, out, &err);
}

static int tick(int argc, char **argv, struct cli_ctx *ctx)
{
    const char *at = NULL;
    int npos = 0, rc;
    const struct cli_opt opts[] = {{"--at", CLI_VALUE, &at, NULL}, {NULL, CLI_FLAG, NULL, NULL}};
    if ((rc = cli_parse(argc, argv, opts, &npos)))
        return rc;
    if (npos)
        return cli_usage(U_TICK);
    int64_t when = 0;
    if ((rc = parse_at(at, &when)))
        return rc;
    struct common c = {0};
    if ((rc = open_all(ctx, &c)))
        return rc;
    struct mu_error err = {0};
    struct mu_checkin_tick_result r;
    struct mu_actor actor = {.name = ctx->actor, .now_ms = cli_now_ms()};
    enum mu_err e = mu_app_checkin_tick(c.s, &actor, c.cal, when, &r, &err);
    close_all(&c);
    if (e)
        return cli_fail(e, &err);
    printf("reminders %zu, summaries %zu, notices %zu\n", r.reminders, r.summaries, r.notices);
    return MU_EXIT_OK;
}

static int stats(int argc, char **argv, struct cli_ctx *ctx)
{
    const char *schedule = NULL, *from = NULL, *to = NULL, *at = NULL, *xlsx = NULL;
    int json = 0, npos = 0, rc;
    const struct cli_opt opts[] = {
        {"--schedule", CLI_VALUE, &schedule, NULL}, {"--from", CLI_VALUE, &from, NULL},
        {"--to", CLI_VALUE, &to, NULL},             {"--at", CLI_VALUE, &at, NULL},
        {"--json", CLI_FLAG, NULL, &json},          {"--xlsx", CLI_VALUE, &xlsx, NULL},
        {NULL, CLI_FLAG, NULL, NULL},
    };
    if ((rc = cli_parse(argc, argv, opts, &npos)))
        return rc;
    if (npos || !schedule || !from || !to)
        return cli_usage(U_STATS);
    int32_t a = 0, b = 0;
    int64_t when = 0;
    if ((rc = parse_day("--from", from, &a)) || (rc = parse_day("--to", to, &b)) ||
        (rc = parse_at(at, &when)))
        return rc;
    struct common c = {0};
    if ((rc = open_all(ctx, &c)))
        return rc;
    struct mu_error err = {0};
    enum mu_err e = MU_OK;
    if (xlsx)
        e = mu_app_checkin_stats_xlsx(c.s, c.cal, schedule, a, b, when, xlsx, &err);
    char *out = NULL;
    if (e == MU_OK && (json || !xlsx))
        e = mu_app_checkin_stats(c.s, c.cal, schedule, a, b, when,
                                 json ? MU_CHECKIN_JSON : MU_CHECKIN_TEXT, &out, &err);
    close_all(&c);
    if (e)
        return cli_fail(e, &err);
    if (out)
        fputs(out, stdout);
    else
        printf("wrote %s\n", xlsx);
    mu_free(out);
    return MU_EXIT_OK;
}

int cmd_checkin(int argc, char **argv, struct cli_ctx *ctx)
{
    if (argc < 1)
        return usage();
    const char *sub = argv[0];
    if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0 || strcmp(sub, "help") == 0) {
        printf("usage: %s\n", USAGE);
        return MU_EXIT_OK;
    }
    if (strcmp(sub, "submit") == 0)
        return submit(argc - 1, argv + 1, ctx);
    if (strcmp(sub, "board") == 0)
        return day_view(argc - 1, argv + 1, ctx, 0);
    if (strcmp(sub, "summary") == 0)
        return day_view(argc - 1, argv + 1, ctx, 1);
    if (strcmp(sub, "tick") == 0)
        return tick(argc - 1, argv + 1, ctx);
    if (strcmp(sub, "stats") == 0)
        return stats(argc - 1, argv + 1, ctx);
    fprintf(stderr, "muster: checkin: unknown subcommand '%s'\n", sub);
    return usage();
}
