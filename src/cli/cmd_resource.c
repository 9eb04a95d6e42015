/* SPDX-License-Identifier: MIT */
/*
 * muster resource: the resource register (应急物资保障) from the command
 * line. add records a vehicle, a cash reserve, a supply or a piece of
 * equipment with its stock; adjust changes the stock with a reason; assign
 * and return move stock out to an incident and back; list (--alerts for
 * low stock and expiry, --xlsx for the ledger) and show print it. Every
 * movement is audited. The work is done by src/app/resource.c.
 */
#include "cli.h"

#include <muster/mem.h>
#include <muster/register.h>
#include <muster/store.h>
#include <string.h>

#define U_ADD                                                                                      \
    "muster resource add --name TEXT --quantity N --unit-of-measure TEXT [--category "           \
    "vehicle|cash|supply|equipment] [--location TEXT] [--custodian PERSON] [--expires DATE] "    \
    "[--min N] [--status available|maintenance|retired] [--plan ID] [--json]"
#define U_ADJUST "muster resource adjust ID --by N --reason TEXT"
#define U_ASSIGN "muster resource assign ID --incident ID --quantity N [--reason TEXT]"
#define U_RETURN "muster resource return ID --incident ID --quantity N [--reason TEXT]"
#define U_LIST                                                                                     \
    "muster resource list [--alerts] [--within DAYS] [--at TIME] [--json] [--xlsx FILE]"
#define U_SHOW "muster resource show ID [--within DAYS] [--at TIME] [--json]"
#define USAGE                                                                                      \
    U_ADD "\n       " U_ADJUST "\n       " U_ASSIGN "\n       " U_RETURN "\n       " U_LIST      \
          "\n       " U_SHOW                                                                       \
          "\nexpiry alerts look DAYS ahead (default 30); N of adjust may be negative"

/* --within (default 30 days) and --at (default now); exit code. */
static int judge(const char *within, const char *at, int32_t *days, int64_t *when)
{
    int rc = cli_parse_within(within, 30, days);
    return rc ? rc : cli_parse_time("at", at, cli_now_ms(), when);
}

static int add(int argc, char **argv, struct cli_ctx *ctx)
{
    struct mu_resource_input in = {0};
    int json = 0, npos = 0, rc;
    const struct cli_opt opts[] = {
        {"--name", CLI_VALUE, &in.name, NULL},
        {"--quantity", CLI_VALUE, &in.quantity, NULL},
        {"--unit-of-measure", CLI_VALUE, &in.unit_of_measure, NULL},
        {"--category", CLI_VALUE, &in.category, NULL},
        {"--location", CLI_VALUE, &in.location, NULL},
        {"--custodian", CLI_VALUE, &in.custodian, NULL},
        {"--expires", CLI_VALUE, &in.expires, NULL},
        {"--min", CLI_VALUE, &in.min, NULL},
        {"--status", CLI_VALUE, &in.status, NULL},
        {"--plan", CLI_VALUE, &in.plan, NULL},
        {"--json", CLI_FLAG, NULL, &json},
        {NULL, CLI_FLAG, NULL, NULL},
    };
    if ((rc = cli_parse(argc, argv, opts, &npos)))
        return rc;
    if (npos || !in.name || !in.quantity || !in.unit_of_measure)
        return cli_usage(U_ADD);
    struct cli_run r;
    if ((rc = cli_run_open(ctx, 0, &r)))
        return rc;
    int64_t id = 0;
    char *out = NULL;
    enum mu_err e = mu_app_resource_add(r.s, &r.actor, &in, &id, &r.err);
    if (e == MU_OK)
        e = mu_app_resource_show(r.s, id, r.actor.now_ms, 30, json ? MU_REG_JSON : MU_REG_TEXT,
                                 &out, &r.err);
    cli_run_release(&r);
    return cli_emit(e, out, &r.err);
}

/* adjust, assign, return: @p arg is the enum mu_resource_move_kind. */
static int move(int argc, char **argv, struct cli_ctx *ctx, int arg)
{
    enum mu_resource_move_kind kind = (enum mu_resource_move_kind)arg;
    const char *by = NULL, *reason = NULL, *incident = NULL, *quantity = NULL;
    int npos = 0, rc;
    const struct cli_opt opts[] = {
        {"--by", CLI_VALUE, &by, NULL},
        {"--reason", CLI_VALUE, &reason, NULL},
        {"--incident", CLI_VALUE, &incident, NULL},
        {"--quantity", CLI_VALUE, &quantity, NULL},
        {NULL, CLI_FLAG, NULL, NULL},
    };
    if ((rc = cli_parse(argc, argv, opts, &npos)))
        return rc;
    const char *usage = kind == MU_MOVE_ADJUST   ? U_ADJUST
                        : kind == MU_MOVE_ASSIGN ? U_ASSIGN
                                                 : U_RETURN;
    if (npos != 1 || (kind == MU_MOVE_ADJUST ? (!by || !reason || incident || quantity)
                                             : (!incident || !quantity || by)))
        return cli_usage(usage);
    int64_t id = 0, inc = 0, after = 0;
    if ((rc = cli_parse_id("id", argv[0], &id)) ||
        (incident && (rc = cli_parse_id("incident", incident, &inc))))
        return rc;
    struct cli_run r;
    if ((rc = cli_run_open(ctx, 0, &r)))
        return rc;
    enum mu_err e = mu_app_resource_move(r.s, &r.actor, id, kind,
                                         kind == MU_MOVE_ADJUST ? by : quantity, inc, reason,
                                         &after, &r.err);
    if ((rc = cli_run_end(&r, e)))
        return rc;
    if (kind == MU_MOVE_ADJUST)
        printf("resource %lld: adjusted by %s, now %lld\n", (long long)id, by, (long long)after);
    else
        printf("resource %lld: %s %s %s incident %lld, now %lld\n", (long long)id,
               kind == MU_MOVE_ASSIGN ? "assigned" : "returned", quantity,
               kind == MU_MOVE_ASSIGN ? "to" : "from", (long long)inc, (long long)after);
    return MU_EXIT_OK;
}

static int show_list(int argc, char **argv, struct cli_ctx *ctx, int is_show)
{
    const char *within = NULL, *at = NULL, *xlsx = NULL;
    int json = 0, alerts = 0, npos = 0, rc;
    const struct cli_opt opts[] = {
        {"--within", CLI_VALUE, &within, NULL}, {"--at", CLI_VALUE, &at, NULL},
        {"--xlsx", CLI_VALUE, &xlsx, NULL},     {"--alerts", CLI_FLAG, NULL, &alerts},
        {"--json", CLI_FLAG, NULL, &json},      {NULL, CLI_FLAG, NULL, NULL},
    };
    if ((rc = cli_parse(argc, argv, opts, &npos)))
        return rc;
    if (is_show ? (npos != 1 || xlsx || alerts) : npos != 0)
        return cli_usage(is_show ? U_SHOW : U_LIST);
    int64_t id = 0, when = 0;
    int32_t days = 0;
    if ((is_show && (rc = cli_parse_id("id", argv[0], &id))) ||
        (rc = judge(within, at, &days, &when)))
        return rc;
    struct cli_run r;
    if ((rc = cli_run_open(ctx, 0, &r)))
        return rc;
    char *out = NULL;
    enum mu_reg_format fmt = json ? MU_REG_JSON : MU_REG_TEXT;
    enum mu_err e = MU_OK;
    if (xlsx)
        e = mu_app_resource_xlsx(r.s, alerts, when, days, xlsx, &r.err);
    if (e == MU_OK && (is_show || json || !xlsx))
        e = is_show ? mu_app_resource_show(r.s, id, when, days, fmt, &out, &r.err)
                    : mu_app_resource_list(r.s, alerts, when, days, fmt, &out, &r.err);
    cli_run_release(&r);
    return cli_emit_ledger(e, out, xlsx, &r.err);
}

static const struct cli_sub subs[] = {
    {"add", .run = add},
    {"adjust", .run_with = move, .arg = MU_MOVE_ADJUST},
    {"assign", .run_with = move, .arg = MU_MOVE_ASSIGN},
    {"return", .run_with = move, .arg = MU_MOVE_RETURN},
    {"show", .run_with = show_list, .arg = 1},
    {"list", .run_with = show_list, .arg = 0},
    {NULL},
};

int cmd_resource(int argc, char **argv, struct cli_ctx *ctx)
{
    static const struct cli_cmd cmd = {USAGE, "resource: unknown subcommand", CLI_HELP_ALL, subs};
    return cli_dispatch(argc, argv, ctx, &cmd);
}
