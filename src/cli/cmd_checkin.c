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

#include <muster/checkin.h>
#include <muster/mem.h>
#include <muster/store.h>
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

/* --at (or now) into *ms; exit code. */
static int parse_at(const char *at, int64_t *ms)
{
    return cli_parse_time("--at", at, cli_now_ms(), ms);
}

static int submit(int argc, char **argv, struct cli_ctx *ctx)
{
    const char *schedule = NULL, *unit = NULL, *text = NULL, *at = NULL, *slot = NULL, *by = NULL;
    int nil = 0, npos = 0, nfields = 0;
    /* --field repeats, which cli_parse does not keep: take them out first. */
    struct cli_kv *fields = mu_calloc((size_t)argc + 1, sizeof(*fields));
    struct mu_checkin_kv *kv = mu_calloc((size_t)argc + 1, sizeof(*kv));
    int rc = MU_EXIT_OK;
    if (!fields || !kv) {
        rc = cli_fail(MU_ENOMEM, NULL);
        goto out;
    }
    if ((rc = cli_take_fields(&argc, argv, "--field", fields, &nfields)))
        goto out;
    for (int i = 0; i < nfields; i++)
        kv[i] = (struct mu_checkin_kv){fields[i].key, fields[i].value};
    const struct cli_opt opts[] = {
        {"--schedule", CLI_VALUE, &schedule, NULL}, {"--unit", CLI_VALUE, &unit, NULL},
        {"--nil", CLI_FLAG, NULL, &nil},            {"--text", CLI_VALUE, &text, NULL},
        {"--at", CLI_VALUE, &at, NULL},             {"--slot", CLI_VALUE, &slot, NULL},
        {"--by", CLI_VALUE, &by, NULL},             {NULL, CLI_FLAG, NULL, NULL},
    };
    if ((rc = cli_parse(argc, argv, opts, &npos)))
        goto out;
    if (npos || !schedule || !unit || (nil && nfields) || (!nil && !nfields)) {
        if (nil && nfields)
            fprintf(stderr, "muster: checkin submit: give --nil or --field, not both\n");
        rc = cli_usage(U_SUBMIT);
        goto out;
    }
    struct mu_checkin_input in = {.schedule = schedule,
                                  .unit = unit,
                                  .nil = nil != 0,
                                  .fields = kv,
                                  .nfields = (size_t)nfields,
                                  .text = text,
                                  .slot = slot,
                                  .by = by};
    struct cli_run r;
    if ((rc = parse_at(at, &in.at)) || (rc = cli_run_open(ctx, CLI_RUN_CALENDAR, &r)))
        goto out;
    struct mu_checkin_receipt rec;
    enum mu_err e = mu_app_checkin_submit(r.s, &r.actor, NULL, r.cal, &in, &rec, &r.err);
    if (!(rc = cli_run_end(&r, e)))
        printf("submission %lld: %s %s, slot %s, %s%s%s\n", (long long)rec.id, rec.schedule, unit,
               rec.slot, rec.late ? "late" : "on time",
               rec.replaced ? ", replaces the earlier report" : "",
               rec.counts ? "" : ", kept (an earlier report counts)");
out:
    mu_free(fields);
    mu_free(kv);
    return rc;
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
    if ((rc = cli_parse_date("--date", date, &day)) || (rc = parse_at(at, &when)))
        return rc;
    struct cli_run r;
    if ((rc = cli_run_open(ctx, CLI_RUN_CALENDAR, &r)))
        return rc;
    char *out = NULL;
    enum mu_checkin_format fmt = json ? MU_CHECKIN_JSON : MU_CHECKIN_TEXT;
    enum mu_err e = is_summary ? mu_app_checkin_summary(r.s, r.cal, schedule, day, when, fmt, &out,
                                                        &r.err)
                               : mu_app_checkin_board(r.s, r.cal, schedule, day, when, fmt, &out,
                                                      &r.err);
    cli_run_release(&r);
    return cli_emit(e, out, &r.err);
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
    struct cli_run r;
    if ((rc = cli_run_open(ctx, CLI_RUN_CALENDAR, &r)))
        return rc;
    struct mu_checkin_tick_result t;
    enum mu_err e = mu_app_checkin_tick(r.s, &r.actor, r.cal, when, &t, &r.err);
    if ((rc = cli_run_end(&r, e)))
        return rc;
    printf("reminders %zu, summaries %zu, notices %zu\n", t.reminders, t.summaries, t.notices);
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
    if ((rc = cli_parse_date("--from", from, &a)) || (rc = cli_parse_date("--to", to, &b)) ||
        (rc = parse_at(at, &when)))
        return rc;
    struct cli_run r;
    if ((rc = cli_run_open(ctx, CLI_RUN_CALENDAR, &r)))
        return rc;
    enum mu_err e = MU_OK;
    if (xlsx)
        e = mu_app_checkin_stats_xlsx(r.s, r.cal, schedule, a, b, when, xlsx, &r.err);
    char *out = NULL;
    if (e == MU_OK && (json || !xlsx))
        e = mu_app_checkin_stats(r.s, r.cal, schedule, a, b, when,
                                 json ? MU_CHECKIN_JSON : MU_CHECKIN_TEXT, &out, &r.err);
    cli_run_release(&r);
    return cli_emit_ledger(e, out, xlsx, &r.err);
}

static const struct cli_sub subs[] = {
    {"submit", .run = submit},
    {"board", .run_with = day_view, .arg = 0},
    {"summary", .run_with = day_view, .arg = 1},
    {"tick", .run = tick},
    {"stats", .run = stats},
    {NULL},
};

int cmd_checkin(int argc, char **argv, struct cli_ctx *ctx)
{
    static const struct cli_cmd cmd = {USAGE, "checkin: unknown subcommand", CLI_HELP_ALL, subs};
    return cli_dispatch(argc, argv, ctx, &cmd);
}
