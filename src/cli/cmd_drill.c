/* SPDX-License-Identifier: MIT */
/*
 * muster drill run: replay a scenario (docs/drill-format.md) against a plan
 * file on a virtual clock, with messages recorded instead of sent, and
 * print the timeline and a verdict for every deadline (text, or --json).
 * With --check the exit status is 3 when any deadline was missed (0 when
 * all were met). Problems of either file are printed as FILE:LINE:COL. No
 * database is touched: the drill runs in memory. The register of drills
 * actually held is `muster drill-record`.
 */
#include "cli.h"

#include <muster/calendar.h>
#include <muster/drill.h>
#include <muster/mem.h>
#include <stdlib.h>
#include <string.h>

#define U_RUN "muster drill run PLAN_FILE --scenario SCENARIO_FILE [--json] [--check]"
#define EXIT_MISSED 3

/* cli_read_file, refusing more than @p max bytes. */
static int read_file(const char *path, size_t max, char **out, size_t *len)
{
    int rc = cli_read_file(path, max, out, len);
    if (rc == MU_EXIT_OK && *len > max) {
        mu_free(*out);
        *out = NULL;
        fprintf(stderr, "muster: '%s' is too large\n", path);
        return MU_EXIT_FAIL;
    }
    return rc;
}

static void print_diags(const char *file, struct mu_diags *d)
{
    mu_diags_sort(d);
    for (size_t i = 0; i < d->n; i++)
        fprintf(stderr, "%s:%d:%d: %s: %s\n", file, d->v[i].line, d->v[i].col,
                d->v[i].severity == MU_DIAG_ERROR ? "error" : "warning", d->v[i].msg);
}

static int run(int argc, char **argv, struct cli_ctx *ctx)
{
    const char *scenario = NULL;
    int json = 0, check = 0, npos = 0, rc;
    const struct cli_opt opts[] = {
        {"--scenario", CLI_VALUE, &scenario, NULL},
        {"--json", CLI_FLAG, NULL, &json},
        {"--check", CLI_FLAG, NULL, &check},
        {NULL, CLI_FLAG, NULL, NULL},
    };
    if ((rc = cli_parse(argc, argv, opts, &npos)))
        return rc;
    if (npos != 1 || !scenario)
        return cli_usage(U_RUN);
    const char *plan_file = argv[0];
    char *plan = NULL, *sc_src = NULL, dir[4096];
    size_t plan_len = 0, sc_len = 0;
    struct mu_scenario *sc = NULL;
    struct mu_calendar *cal = NULL;
    struct mu_diags pd, sd;
    struct mu_error err = {0};
    struct mu_drill_result res = {0};
    enum mu_err e = MU_OK;
    mu_diags_init(&pd);
    mu_diags_init(&sd);
    if ((rc = read_file(plan_file, MU_PLAN_MAX_BYTES, &plan, &plan_len)) ||
        (rc = read_file(scenario, MU_SCENARIO_MAX_BYTES, &sc_src, &sc_len)))
        goto out;
    e = mu_scenario_parse(sc_src, sc_len, &sc, &sd, &err);
    if (e) {
        print_diags(scenario, &sd);
        rc = e == MU_EINVAL ? MU_EXIT_FAIL : cli_fail(e, &err);
        goto out;
    }
    snprintf(dir, sizeof(dir), "%s/calendars", ctx->datadir);
    if ((e = mu_calendar_load_dir(dir, &cal, &err))) {
        rc = cli_fail(e, &err);
        goto out;
    }
    e = mu_app_drill_run(plan, plan_len, sc, cal, &pd, &sd, &res, &err);
    print_diags(plan_file, &pd);
    print_diags(scenario, &sd);
    if (e) {
        rc = (pd.nerrors || sd.nerrors) ? MU_EXIT_FAIL : cli_fail(e, &err);
        goto out;
    }
    fputs(json ? res.json : res.text, stdout);
    rc = check && res.missed ? EXIT_MISSED : MU_EXIT_OK;
out:
    mu_drill_result_release(&res);
    mu_calendar_free(cal);
    mu_scenario_free(sc);
    mu_diags_release(&pd);
    mu_diags_release(&sd);
    mu_free(plan);
    mu_free(sc_src);
    return rc;
}

static const struct cli_sub subs[] = {{"run", .run = run}, {NULL}};

int cmd_drill(int argc, char **argv, struct cli_ctx *ctx)
{
    static const struct cli_cmd cmd = {U_RUN, "drill: unknown subcommand", 0, subs};
    return cli_dispatch(argc, argv, ctx, &cmd);
}
