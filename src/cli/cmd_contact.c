/* SPDX-License-Identifier: MIT */
/*
 * muster contact: the contacts directory (应急通讯录). add and remove keep
 * the external numbers (hospital, duty phones, the higher authority); list
 * prints the national emergency numbers (always there), the stored ones and
 * the staff of every loaded plan with their team roles (--xlsx writes the
 * ledger); sheet writes the one-page A4 phone list in large type as HTML.
 * The work is done by src/app/contact.c.
 */
#include "cli.h"

#include <muster/mem.h>
#include <muster/register.h>
#include <muster/store.h>
#include <string.h>

#define U_ADD                                                                                      \
    "muster contact add --name TEXT --phone PHONE [--category "                                   \
    "emergency|hospital|duty|authority|other] [--note TEXT]"
#define U_REMOVE "muster contact remove ID"
#define U_LIST "muster contact list [--json] [--xlsx FILE]"
#define U_SHEET "muster contact sheet [--format html] [--output FILE]"
#define USAGE U_ADD "\n       " U_REMOVE "\n       " U_LIST "\n       " U_SHEET

static int add(int argc, char **argv, struct cli_ctx *ctx)
{
    const char *name = NULL, *phone = NULL, *category = NULL, *note = NULL;
    int npos = 0, rc;
    const struct cli_opt opts[] = {
        {"--name", CLI_VALUE, &name, NULL},         {"--phone", CLI_VALUE, &phone, NULL},
        {"--category", CLI_VALUE, &category, NULL}, {"--note", CLI_VALUE, &note, NULL},
        {NULL, CLI_FLAG, NULL, NULL},
    };
    if ((rc = cli_parse(argc, argv, opts, &npos)))
        return rc;
    if (npos || !name || !phone)
        return cli_usage(U_ADD);
    struct cli_run r;
    if ((rc = cli_run_open(ctx, 0, &r)))
        return rc;
    int64_t id = 0;
    enum mu_err e = mu_app_contact_add(r.s, &r.actor, name, phone, category, note, &id, &r.err);
    if ((rc = cli_run_end(&r, e)))
        return rc;
    printf("contact %lld: %s %s\n", (long long)id, name, phone);
    return MU_EXIT_OK;
}

static int remove_one(int argc, char **argv, struct cli_ctx *ctx)
{
    int npos = 0, rc;
    const struct cli_opt opts[] = {{NULL, CLI_FLAG, NULL, NULL}};
    if ((rc = cli_parse(argc, argv, opts, &npos)))
        return rc;
    if (npos != 1)
        return cli_usage(U_REMOVE);
    int64_t id = 0;
    if ((rc = cli_parse_id("id", argv[0], &id)))
        return rc;
    struct cli_run r;
    if ((rc = cli_run_open(ctx, 0, &r)))
        return rc;
    enum mu_err e = mu_app_contact_remove(r.s, &r.actor, id, &r.err);
    if ((rc = cli_run_end(&r, e)))
        return rc;
    printf("contact %lld: removed\n", (long long)id);
    return MU_EXIT_OK;
}

static int list(int argc, char **argv, struct cli_ctx *ctx)
{
    const char *xlsx = NULL;
    int json = 0, npos = 0, rc;
    const struct cli_opt opts[] = {{"--json", CLI_FLAG, NULL, &json},
                                   {"--xlsx", CLI_VALUE, &xlsx, NULL},
                                   {NULL, CLI_FLAG, NULL, NULL}};
    if ((rc = cli_parse(argc, argv, opts, &npos)))
        return rc;
    if (npos)
        return cli_usage(U_LIST);
    struct cli_run r;
    if ((rc = cli_run_open(ctx, 0, &r)))
        return rc;
    char *out = NULL;
    enum mu_err e = MU_OK;
    if (xlsx)
        e = mu_app_contact_xlsx(r.s, xlsx, &r.err);
    if (e == MU_OK && (json || !xlsx))
        e = mu_app_contact_list(r.s, json ? MU_REG_JSON : MU_REG_TEXT, &out, &r.err);
    cli_run_release(&r);
    return cli_emit_ledger(e, out, xlsx, &r.err);
}

static int sheet(int argc, char **argv, struct cli_ctx *ctx)
{
    const char *format = NULL, *output = NULL;
    int npos = 0, rc;
    const struct cli_opt opts[] = {{"--format", CLI_VALUE, &format, NULL},
                                   {"--output", CLI_VALUE, &output, NULL},
                                   {NULL, CLI_FLAG, NULL, NULL}};
    if ((rc = cli_parse(argc, argv, opts, &npos)))
        return rc;
    if (npos)
        return cli_usage(U_SHEET);
    if (format && strcmp(format, "html") != 0) {
        fprintf(stderr, "muster: format: '%s' is not supported (html; print it to PDF from a "
                        "browser)\n",
                format);
        return MU_EXIT_FAIL;
    }
    struct cli_run r;
    if ((rc = cli_run_open(ctx, 0, &r)))
        return rc;
    char *out = NULL;
    enum mu_err e = mu_app_contact_sheet_html(r.s, &out, &r.err);
    cli_run_release(&r);
    if (e || !output)
        return cli_emit(e, out, &r.err);
    FILE *f = fopen(output, "wb");
    size_t len = strlen(out);
    int ok = f && fwrite(out, 1, len, f) == len;
    if (f && fclose(f) != 0)
        ok = 0;
    mu_free(out);
    if (!ok) {
        fprintf(stderr, "muster: output: cannot write '%s'\n", output);
        return MU_EXIT_FAIL;
    }
    printf("wrote %s\n", output);
    return MU_EXIT_OK;
}

static const struct cli_sub subs[] = {
    {"add", .run = add},
    {"remove", .run = remove_one},
    {"list", .run = list},
    {"sheet", .run = sheet},
    {NULL},
};

int cmd_contact(int argc, char **argv, struct cli_ctx *ctx)
{
    static const struct cli_cmd cmd = {USAGE, "contact: unknown subcommand", CLI_HELP_ALL, subs};
    return cli_dispatch(argc, argv, ctx, &cmd);
}
