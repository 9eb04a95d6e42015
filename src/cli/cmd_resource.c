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

#include <muster/date.h>
#include <muster/mem.h>
#include <muster/register.h>
#include <muster/store.h>
#include <stdlib.h>
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

static int parse_id(const char *what, const char *s, int64_t *id)
{
    char *end = NULL;
    long long v = s ? strtoll(s, &end, 10) : 0;
    if (!s || !*s || *end || v <= 0) {
        fprintf(stderr, "muster: %s: '%s' is not an id\n", what, s ? s : "");
        return MU_EXIT_FAIL;
    }
    *id = v;
    return MU_EXIT_OK;
}

static int open_store(const struct cli_ctx *ctx, struct mu_store **s)
{
    struct mu_error err = {0};
    enum mu_err rc = mu_store_open(ctx->db, s, &err);
    return rc ? cli_fail(rc, &err) : MU_EXIT_OK;
}

/* --within and --at; exit code. */
static int judge(const char *within, const char *at, int32_t *days, int64_t *when)
{
    struct mu_error err = {0};
    *days = 30;
    *when = cli_now_ms();
    if (within) {
        char *end = NULL;
        long v = strtol(within, &end, 10);
        if (!*within || *end || v < 0 || v > 3660) {
            fprintf(stderr, "muster: within: '%s' is not a number of days\n", within);
            return MU_EXIT_FAIL;
        }
        *days = (int32_t)v;
    }
    if (at && mu_local_parse(at, when, &err)) {
        fprintf(stderr, "muster: at: %s\n", err.msg);
        return MU_EXIT_FAIL;
    }
    return MU_EXIT_OK;
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
    struct mu_store *s = NULL;
    if ((rc = open_store(ctx, &s)))
        return rc;
    struct mu_error err = {0};
    struct mu_actor actor = {.name = ctx->actor, .now_ms = cli_now_ms()};
    int64_t id = 0;
    char *out = NULL;
    enum mu_err e = mu_app_resource_add(s, &actor, &in, &id, &err);
    if (e == MU_OK)
        e = mu_app_resource_show(s, id, actor.now_ms, 30, json ? MU_REG_JSON : MU_REG_TEXT, &out,
                                 &err);
    mu_store_close(s);
    if (e)
        return cli_fail(e, &err);
    fputs(out, stdout);
    mu_free(out);
    return MU_EXIT_OK;
}

static int move(int argc, char **argv, struct cli_ctx *ctx, enum mu_resource_move_kind kind)
{
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
    if ((rc = parse_id("id", argv[0], &id)) ||
        (incident && (rc = parse_id("incident", incident, &inc))))
        return rc;
    struct mu_store *s = NULL;
    if ((rc = open_store(ctx, &s)))
        return rc;
    struct mu_error err = {0};
    struct mu_actor actor = {.name = ctx->actor, .now_ms = cli_now_ms()};
    enum mu_err e = mu_app_resource_move(s, &actor, id, kind,
                                         kind == MU_MOVE_ADJUST ? by : quantity, inc, reason,
                                         &after, &err);
    mu_store_close(s);
    if (e)
        return cli_fail(e, &err);
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
    if ((is_show && (rc = parse_id("id", argv[0], &id))) ||
        (rc = judge(within, at, &days, &when)))
        return rc;
    struct mu_store *s = NULL;
    if ((rc = open_store(ctx, &s)))
        return rc;
    struct mu_error err = {0};
    char *out = NULL;
    enum mu_reg_format fmt = json ? MU_REG_JSON : MU_REG_TEXT;
    enum mu_err e = MU_OK;
    if (xlsx)
        e = mu_app_resource_xlsx(s, alerts, when, days, xlsx, &err);
    if (e == MU_OK && (is_show || json || !xlsx))
        e = is_show ? mu_app_resource_show(s, id, when, days, fmt, &out, &err)
                    : mu_app_resource_list(s, alerts, when, days, fmt, &out, &err);
    mu_store_close(s);
    if (e)
        return cli_fail(e, &err);
    if (out)
        fputs(out, stdout);
    else
        printf("wrote %s\n", xlsx);
    mu_free(out);
    return MU_EXIT_OK;
}

int cmd_resource(int argc, char **argv, struct cli_ctx *ctx)
{
    if (argc < 1)
        return cli_usage(USAGE);
    const char *sub = argv[0];
    if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0 || strcmp(sub, "help") == 0) {
        printf("usage: %s\n", USAGE);
        return MU_EXIT_OK;
    }
    if (strcmp(sub, "add") == 0)
        return add(argc - 1, argv + 1, ctx);
    if (strcmp(sub, "adjust") == 0)
        return move(argc - 1, argv + 1, ctx, MU_MOVE_ADJUST);
    if (strcmp(sub, "assign") == 0)
        return move(argc - 1, argv + 1, ctx, MU_MOVE_ASSIGN);
    if (strcmp(sub, "return") == 0)
        return move(argc - 1, argv + 1, ctx, MU_MOVE_RETURN);
    if (strcmp(sub, "show") == 0)
        return show_list(argc - 1, argv + 1, ctx, 1);
    if (strcmp(sub, "list") == 0)
        return show_list(argc - 1, argv + 1, ctx, 0);
    fprintf(stderr, "muster: resource: unknown subcommand '%s'\n", sub);
    return cli_usage(USAGE);
}
