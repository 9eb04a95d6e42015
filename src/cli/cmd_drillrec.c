/* SPDX-License-Identifier: MIT */
/*
 * muster drill-record: the register of drills held (演练台账); the verb
 * `drill` belongs to the simulated drill. add records a drill (findings
 * repeat --finding; --simulation attaches the JSON of `muster drill run
 * --json`), task turns a finding into a follow-up task with an owner and a
 * deadline, done closes a task, list and show print the history (--xlsx
 * writes the ledger), terms and require set the terms and the required
 * number of drills per term, due says what the current term still needs.
 * The work is done by src/app/drillrec.c.
 */
#include "cli.h"

#include <muster/mem.h>
#include <muster/register.h>
#include <muster/store.h>
#include <stdlib.h>
#include <string.h>

#define U_ADD                                                                                      \
    "muster drill-record add --date DATE --kind KIND --scenario TEXT --participants N "          \
    "--duration DURATION [--evacuation DURATION] [--finding TEXT]... [--simulation FILE] "       \
    "[--plan ID] [--json]"
#define U_TASK                                                                                     \
    "muster drill-record task DRILL (--finding N | --text TEXT) --owner PERSON --due DATE"
#define U_DONE "muster drill-record done TASK --by PERSON"
#define U_SHOW "muster drill-record show ID [--json]"
#define U_LIST "muster drill-record list [--plan ID] [--json] [--xlsx FILE]"
#define U_TERMS "muster drill-record terms FROM..TO[,FROM..TO...]"
#define U_REQUIRE "muster drill-record require KIND N"
#define U_DUE "muster drill-record due [--within DAYS] [--at TIME] [--json]"
#define USAGE                                                                                      \
    U_ADD "\n       " U_TASK "\n       " U_DONE "\n       " U_SHOW "\n       " U_LIST            \
          "\n       " U_TERMS "\n       " U_REQUIRE "\n       " U_DUE                             \
          "\nKIND is fire-evacuation, earthquake, flood, food-poisoning, ... (a-z, 0-9, -);\n"   \
          "DURATION is 45m, 1h30m, 3m20s; due exits 1 when a requirement is at risk"

/* Read @p path (at most MU_REG_MAX_SIM bytes) into *out (mu_free). */
static int read_file(const char *path, char **out)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "muster: simulation: cannot open '%s'\n", path);
        return MU_EXIT_FAIL;
    }
    char *buf = mu_malloc(MU_REG_MAX_SIM + 2);
    size_t n = buf ? fread(buf, 1, MU_REG_MAX_SIM + 1, f) : 0;
    int bad = ferror(f);
    fclose(f);
    if (!buf)
        return cli_fail(MU_ENOMEM, NULL);
    if (bad || n > MU_REG_MAX_SIM || memchr(buf, '\0', n)) {
        fprintf(stderr, "muster: simulation: '%s' %s\n", path,
                bad ? "cannot be read" : "is too large or not text");
        mu_free(buf);
        return MU_EXIT_FAIL;
    }
    buf[n] = '\0';
    *out = buf;
    return MU_EXIT_OK;
}

static int add(int argc, char **argv, struct cli_ctx *ctx)
{
    struct mu_drill_input in = {0};
    const char *sim = NULL;
    int json = 0, npos = 0, rc, nf = 0;
    const char **findings = mu_calloc((size_t)argc + 1, sizeof(*findings));
    if (!findings)
        return cli_fail(MU_ENOMEM, NULL);
    /* --finding repeats: take them out before cli_parse. */
    int m = 0;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--finding") == 0) {
            if (i + 1 >= argc) {
                fprintf(stderr, "muster: option '--finding' needs a value\n");
                mu_free(findings);
                return MU_EXIT_USAGE;
            }
            findings[nf++] = argv[++i];
        } else if (strncmp(argv[i], "--finding=", 10) == 0) {
            findings[nf++] = argv[i] + 10;
        } else {
            argv[m++] = argv[i];
        }
    }
    const struct cli_opt opts[] = {
        {"--date", CLI_VALUE, &in.date, NULL},
        {"--kind", CLI_VALUE, &in.kind, NULL},
        {"--scenario", CLI_VALUE, &in.scenario, NULL},
        {"--participants", CLI_VALUE, &in.participants, NULL},
        {"--duration", CLI_VALUE, &in.duration, NULL},
        {"--evacuation", CLI_VALUE, &in.evacuation, NULL},
        {"--simulation", CLI_VALUE, &sim, NULL},
        {"--plan", CLI_VALUE, &in.plan, NULL},
        {"--json", CLI_FLAG, NULL, &json},
        {NULL, CLI_FLAG, NULL, NULL},
    };
    if ((rc = cli_parse(m, argv, opts, &npos))) {
        mu_free(findings);
        return rc;
    }
    if (npos || !in.date || !in.kind || !in.scenario || !in.participants || !in.duration) {
        mu_free(findings);
        return cli_usage(U_ADD);
    }
    char *simtext = NULL;
    if (sim && (rc = read_file(sim, &simtext))) {
        mu_free(findings);
        return rc;
    }
    in.findings = findings;
    in.nfindings = (size_t)nf;
    in.simulation_json = simtext;
    struct cli_run r;
    if ((rc = cli_run_open(ctx, 0, &r))) {
        mu_free(findings);
        mu_free(simtext);
        return rc;
    }
    int64_t id = 0;
    char *out = NULL;
    enum mu_err e = mu_app_drill_add(r.s, &r.actor, &in, &id, &r.err);
    if (e == MU_OK)
        e = mu_app_drill_show(r.s, id, json ? MU_REG_JSON : MU_REG_TEXT, &out, &r.err);
    cli_run_release(&r);
    mu_free(findings);
    mu_free(simtext);
    return cli_emit(e, out, &r.err);
}

static int task(int argc, char **argv, struct cli_ctx *ctx, int done)
{
    const char *finding = NULL, *text = NULL, *owner = NULL, *due = NULL, *by = NULL;
    int npos = 0, rc;
    const struct cli_opt opts[] = {
        {"--finding", CLI_VALUE, &finding, NULL}, {"--text", CLI_VALUE, &text, NULL},
        {"--owner", CLI_VALUE, &owner, NULL},     {"--due", CLI_VALUE, &due, NULL},
        {"--by", CLI_VALUE, &by, NULL},           {NULL, CLI_FLAG, NULL, NULL},
    };
    if ((rc = cli_parse(argc, argv, opts, &npos)))
        return rc;
    if (done ? (npos != 1 || !by || finding || text || owner || due)
             : (npos != 1 || !owner || !due || by || (!finding && !text)))
        return cli_usage(done ? U_DONE : U_TASK);
    int64_t id = 0, tid = 0;
    if ((rc = cli_parse_id("id", argv[0], &id)))
        return rc;
    int fno = 0;
    if (finding) {
        char *end = NULL;
        long v = strtol(finding, &end, 10);
        if (!*finding || *end || v < 1 || v > MU_REG_MAX_ITEMS) {
            fprintf(stderr, "muster: finding: '%s' is not a finding number\n", finding);
            return MU_EXIT_FAIL;
        }
        fno = (int)v;
    }
    struct cli_run r;
    if ((rc = cli_run_open(ctx, 0, &r)))
        return rc;
    enum mu_err e = done ? mu_app_drill_task_done(r.s, &r.actor, id, by, &r.err)
                         : mu_app_drill_task_add(r.s, &r.actor, id, fno, text, owner, due, &tid,
                                                 &r.err);
    if ((rc = cli_run_end(&r, e)))
        return rc;
    if (done)
        printf("task %lld: done by %s\n", (long long)id, by);
    else
        printf("task %lld of drill %lld: owner %s, due %s\n", (long long)tid, (long long)id, owner,
               due);
    return MU_EXIT_OK;
}

static int show_list(int argc, char **argv, struct cli_ctx *ctx, int is_show)
{
    const char *plan = NULL, *xlsx = NULL;
    int json = 0, npos = 0, rc;
    const struct cli_opt opts[] = {
        {"--plan", CLI_VALUE, &plan, NULL}, {"--xlsx", CLI_VALUE, &xlsx, NULL},
        {"--json", CLI_FLAG, NULL, &json},  {NULL, CLI_FLAG, NULL, NULL},
    };
    if ((rc = cli_parse(argc, argv, opts, &npos)))
        return rc;
    if (is_show ? (npos != 1 || plan || xlsx) : npos != 0)
        return cli_usage(is_show ? U_SHOW : U_LIST);
    int64_t id = 0;
    if (is_show && (rc = cli_parse_id("id", argv[0], &id)))
        return rc;
    struct cli_run r;
    if ((rc = cli_run_open(ctx, 0, &r)))
        return rc;
    char *out = NULL;
    enum mu_reg_format fmt = json ? MU_REG_JSON : MU_REG_TEXT;
    enum mu_err e = MU_OK;
    if (xlsx)
        e = mu_app_drill_xlsx(r.s, xlsx, &r.err);
    if (e == MU_OK && (is_show || json || !xlsx))
        e = is_show ? mu_app_drill_show(r.s, id, fmt, &out, &r.err)
                    : mu_app_drill_list(r.s, plan, fmt, &out, &r.err);
    cli_run_release(&r);
    return cli_emit_ledger(e, out, xlsx, &r.err);
}

static int settings(int argc, char **argv, struct cli_ctx *ctx, int is_terms)
{
    int npos = 0, rc;
    const struct cli_opt opts[] = {{NULL, CLI_FLAG, NULL, NULL}};
    if ((rc = cli_parse(argc, argv, opts, &npos)))
        return rc;
    if (npos != (is_terms ? 1 : 2))
        return cli_usage(is_terms ? U_TERMS : U_REQUIRE);
    struct cli_run r;
    if ((rc = cli_run_open(ctx, 0, &r)))
        return rc;
    enum mu_err e = is_terms ? mu_app_drill_terms_set(r.s, &r.actor, argv[0], &r.err)
                             : mu_app_drill_require_set(r.s, &r.actor, argv[0], argv[1], &r.err);
    if ((rc = cli_run_end(&r, e)))
        return rc;
    if (is_terms)
        printf("drill.terms = %s\n", argv[0]);
    else
        printf("drill.require.%s = %s\n", argv[0], argv[1]);
    return MU_EXIT_OK;
}

static int due(int argc, char **argv, struct cli_ctx *ctx)
{
    const char *within = NULL, *at = NULL;
    int json = 0, npos = 0, rc;
    const struct cli_opt opts[] = {
        {"--within", CLI_VALUE, &within, NULL}, {"--at", CLI_VALUE, &at, NULL},
        {"--json", CLI_FLAG, NULL, &json},      {NULL, CLI_FLAG, NULL, NULL},
    };
    if ((rc = cli_parse(argc, argv, opts, &npos)))
        return rc;
    if (npos)
        return cli_usage(U_DUE);
    int32_t days = 0;
    int64_t when = 0;
    if ((rc = cli_parse_within(within, 14, &days)) ||
        (rc = cli_parse_time("at", at, cli_now_ms(), &when)))
        return rc;
    struct cli_run r;
    if ((rc = cli_run_open(ctx, 0, &r)))
        return rc;
    char *out = NULL;
    size_t warnings = 0;
    enum mu_err e = mu_app_drill_due(r.s, when, days, json ? MU_REG_JSON : MU_REG_TEXT, &out,
                                     &warnings, &r.err);
    cli_run_release(&r);
    if ((rc = cli_emit(e, out, &r.err)))
        return rc;
    return warnings ? MU_EXIT_FAIL : MU_EXIT_OK;
}

static const struct cli_sub subs[] = {
    {"add", .run = add},
    {"task", .run_with = task, .arg = 0},
    {"done", .run_with = task, .arg = 1},
    {"show", .run_with = show_list, .arg = 1},
    {"list", .run_with = show_list, .arg = 0},
    {"terms", .run_with = settings, .arg = 1},
    {"require", .run_with = settings, .arg = 0},
    {"due", .run = due},
    {NULL},
};

int cmd_drillrec(int argc, char **argv, struct cli_ctx *ctx)
{
    static const struct cli_cmd cmd = {USAGE, "drill-record: unknown subcommand", CLI_HELP_ALL,
                                       subs};
    return cli_dispatch(argc, argv, ctx, &cmd);
}
