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
#include <stdlib.h>
#include <string.h>

#define U_ADD                                                                                      \
    "muster contact add --name TEXT --phone PHONE [--category "                                   \
    "emergency|hospital|duty|authority|other] [--note TEXT]"
#define U_REMOVE "muster contact remove ID"
#define U_LIST "muster contact list [--json] [--xlsx FILE]"
#define U_SHEET "muster contact sheet [--format html] [--output FILE]"
#define USAGE U_ADD "\n       " U_REMOVE "\n       " U_LIST "\n       " U_SHEET

static int open_store(const struct cli_ctx *ctx, struct mu_store **s)
{
    struct mu_error err = {0};
    enum mu_err rc = mu_store_open(ctx->db, s, &err);
    return rc ? cli_fail(rc, &err) : MU_EXIT_OK;
}

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
    struct mu_store *s = NULL;
    if ((rc = open_store(ctx, &s)))
        return rc;
    struct mu_error err = {0};
    struct mu_actor actor = {.name = ctx->actor, .now_ms = cli_now_ms()};
    int64_t id = 0;
    enum mu_err e = mu_app_contact_add(s, &actor, name, phone, category, note, &id, &err);
    mu_store_close(s);
    if (e)
        return cli_fail(e, &err);
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
    char *end = NULL;
    long long id = strtoll(argv[0], &end, 10);
    if (!*argv[0] || *end || id <= 0) {
        fprintf(stderr, "muster: id: '%s' is not an id\n", argv[0]);
        return MU_EXIT_FAIL;
    }
    struct mu_store *s = NULL;
    if ((rc = open_store(ctx, &s)))
        return rc;
    struct mu_error err = {0};
    struct mu_actor actor = {.name = ctx->actor, .now_ms = cli_now_ms()};
    enum mu_err e = mu_app_contact_remove(s, &actor, id, &err);
    mu_store_close(s);
    if (e)
        return cli_fail(e, &err);
    printf("contact %lld: removed\n", id);
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
    struct mu_store *s = NULL;
    if ((rc = open_store(ctx, &s)))
        return rc;
    struct mu_error err = {0};
    char *out = NULL;
    enum mu_err e = MU_OK;
    if (xlsx)
        e = mu_app_contact_xlsx(s, xlsx, &err);
    if (e == MU_OK && (json || !xlsx))
        e = mu_app_contact_list(s, json ? MU_REG_JSON : MU_REG_TEXT, &out, &err);
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
    struct mu_store *s = NULL;
    if ((rc = open_store(ctx, &s)))
        return rc;
    struct mu_error err = {0};
    char *out = NULL;
    enum mu_err e = mu_app_contact_sheet_html(s, &out, &err);
    mu_store_close(s);
    if (e)
        return cli_fail(e, &err);
    if (!output) {
        fputs(out, stdout);
        mu_free(out);
        return MU_EXIT_OK;
    }
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

int cmd_contact(int argc, char **argv, struct cli_ctx *ctx)
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
    if (strcmp(sub, "remove") == 0)
        return remove_one(argc - 1, argv + 1, ctx);
    if (strcmp(sub, "list") == 0)
        return list(argc - 1, argv + 1, ctx);
    if (strcmp(sub, "sheet") == 0)
        return sheet(argc - 1, argv + 1, ctx);
    fprintf(stderr, "muster: contact: unknown subcommand '%s'\n", sub);
    return cli_usage(USAGE);
}
