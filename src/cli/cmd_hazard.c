/* SPDX-License-Identifier: MIT */
/*
 * muster hazard: the hazard register (隐患排查整改) from the command line.
 * add records a finding (unit and owner checked against the loaded plans)
 * and prints it with its id; rectify (by the owner), verify (by someone
 * else), assign and note move it on; show and list print it (list
 * --overdue only the overdue ones, --xlsx writes the ledger); checklist and
 * inspect keep inspection checklists and the rounds made with them. The
 * work is done by src/app/hazard.c.
 */
#include "cli.h"

#include <muster/attachment.h>
#include <muster/date.h>
#include <muster/mem.h>
#include <muster/register.h>
#include <muster/store.h>
#include <stdlib.h>
#include <string.h>

#define U_ADD                                                                                      \
    "muster hazard add --place TEXT --description TEXT --severity low|medium|high --unit UNIT "   \
    "--owner PERSON --due DATE [--plan ID] [--json]"
#define U_RECTIFY "muster hazard rectify ID --by PERSON [--note TEXT]"
#define U_VERIFY "muster hazard verify ID --by PERSON"
#define U_ASSIGN "muster hazard assign ID --owner PERSON [--due DATE]"
#define U_NOTE "muster hazard note ID --text TEXT"
#define U_SHOW "muster hazard show ID [--json] [--at TIME]"
#define U_LIST "muster hazard list [--overdue] [--json] [--xlsx FILE] [--at TIME]"
#define U_PHOTO                                                                                    \
    "muster hazard photo ID FILE (JPEG or PNG, at most 10 MiB)\n"                                 \
    "       muster hazard photo-get ID PHOTO_ID --output FILE"
#define U_CL_ADD "muster hazard checklist add --name NAME --unit UNIT --item TEXT... [--plan ID]"
#define U_CL_SHOW "muster hazard checklist list|show [ID] [--json]"
#define U_INSPECT                                                                                  \
    "muster hazard inspect CHECKLIST --by PERSON --date DATE [--failed N,N...] [--note TEXT]"
#define USAGE                                                                                      \
    U_ADD "\n       " U_RECTIFY "\n       " U_VERIFY "\n       " U_ASSIGN "\n       " U_NOTE      \
          "\n       " U_SHOW "\n       " U_LIST "\n       " U_PHOTO "\n       " U_CL_ADD "\n       " U_CL_SHOW        \
          "\n       " U_INSPECT                                                                    \
          "\nDATE is YYYY-MM-DD; TIME is YYYY-MM-DDTHH:MM in UTC+8 (default now)"

static int parse_id(const char *s, int64_t *id)
{
    char *end = NULL;
    long long v = s ? strtoll(s, &end, 10) : 0;
    if (!s || !*s || *end || v <= 0) {
        fprintf(stderr, "muster: id: '%s' is not an id\n", s ? s : "");
        return MU_EXIT_FAIL;
    }
    *id = v;
    return MU_EXIT_OK;
}

static int parse_at(const char *at, int64_t *ms)
{
    struct mu_error err = {0};
    if (!at) {
        *ms = cli_now_ms();
        return MU_EXIT_OK;
    }
    enum mu_err rc = mu_local_parse(at, ms, &err);
    if (rc)
        fprintf(stderr, "muster: at: %s\n", err.msg);
    return rc ? cli_exit_code(rc) : MU_EXIT_OK;
}

static int open_store(const struct cli_ctx *ctx, struct mu_store **s)
{
    struct mu_error err = {0};
    enum mu_err rc = mu_store_open(ctx->db, s, &err);
    return rc ? cli_fail(rc, &err) : MU_EXIT_OK;
}

static int emit(enum mu_err rc, char *text, const struct mu_error *err)
{
    if (rc)
        return cli_fail(rc, err);
    fputs(text, stdout);
    mu_free(text);
    return MU_EXIT_OK;
}

static int add(int argc, char **argv, struct cli_ctx *ctx)
{
    struct mu_hazard_input in = {0};
    int json = 0, npos = 0, rc;
    const struct cli_opt opts[] = {
        {"--place", CLI_VALUE, &in.place, NULL},   {"--description", CLI_VALUE, &in.description, NULL},
        {"--severity", CLI_VALUE, &in.severity, NULL}, {"--unit", CLI_VALUE, &in.unit, NULL},
        {"--owner", CLI_VALUE, &in.owner, NULL},   {"--due", CLI_VALUE, &in.due, NULL},
        {"--plan", CLI_VALUE, &in.plan, NULL},     {"--json", CLI_FLAG, NULL, &json},
        {NULL, CLI_FLAG, NULL, NULL},
    };
    if ((rc = cli_parse(argc, argv, opts, &npos)))
        return rc;
    if (npos || !in.place || !in.description || !in.severity || !in.unit || !in.owner || !in.due)
        return cli_usage(U_ADD);
    struct mu_store *s = NULL;
    if ((rc = open_store(ctx, &s)))
        return rc;
    struct mu_error err = {0};
    struct mu_actor actor = {.name = ctx->actor, .now_ms = cli_now_ms()};
    int64_t id = 0;
    char *out = NULL;
    enum mu_err e = mu_app_hazard_add(s, &actor, &in, &id, &err);
    if (e == MU_OK)
        e = mu_app_hazard_show(s, id, actor.now_ms, json ? MU_REG_JSON : MU_REG_TEXT, &out, &err);
    mu_store_close(s);
    return emit(e, out, &err);
}

/* rectify, verify, assign, note: ID plus options. */
static int change(int argc, char **argv, struct cli_ctx *ctx, const char *sub)
{
    const char *by = NULL, *note = NULL, *owner = NULL, *due = NULL, *text = NULL;
    int npos = 0, rc;
    const struct cli_opt opts[] = {
        {"--by", CLI_VALUE, &by, NULL},       {"--note", CLI_VALUE, &note, NULL},
        {"--owner", CLI_VALUE, &owner, NULL}, {"--due", CLI_VALUE, &due, NULL},
        {"--text", CLI_VALUE, &text, NULL},   {NULL, CLI_FLAG, NULL, NULL},
    };
    const char *usage = strcmp(sub, "rectify") == 0  ? U_RECTIFY
                        : strcmp(sub, "verify") == 0 ? U_VERIFY
                        : strcmp(sub, "assign") == 0 ? U_ASSIGN
                                                     : U_NOTE;
    if ((rc = cli_parse(argc, argv, opts, &npos)))
        return rc;
    int ok = npos == 1;
    if (strcmp(sub, "rectify") == 0)
        ok = ok && by && !owner && !due && !text;
    else if (strcmp(sub, "verify") == 0)
        ok = ok && by && !note && !owner && !due && !text;
    else if (strcmp(sub, "assign") == 0)
        ok = ok && owner && !by && !note && !text;
    else
        ok = ok && text && !by && !note && !owner && !due;
    if (!ok)
        return cli_usage(usage);
    int64_t id = 0;
    if ((rc = parse_id(argv[0], &id)))
        return rc;
    struct mu_store *s = NULL;
    if ((rc = open_store(ctx, &s)))
        return rc;
    struct mu_error err = {0};
    struct mu_actor actor = {.name = ctx->actor, .now_ms = cli_now_ms()};
    enum mu_err e;
    if (strcmp(sub, "rectify") == 0)
        e = mu_app_hazard_rectify(s, &actor, id, by, note, &err);
    else if (strcmp(sub, "verify") == 0)
        e = mu_app_hazard_verify(s, &actor, id, by, &err);
    else if (strcmp(sub, "assign") == 0)
        e = mu_app_hazard_assign(s, &actor, id, owner, due, &err);
    else
        e = mu_app_hazard_note(s, &actor, id, text, &err);
    mu_store_close(s);
    if (e)
        return cli_fail(e, &err);
    if (strcmp(sub, "rectify") == 0)
        printf("hazard %lld: rectified by %s\n", (long long)id, by);
    else if (strcmp(sub, "verify") == 0)
        printf("hazard %lld: verified by %s\n", (long long)id, by);
    else if (strcmp(sub, "assign") == 0)
        printf("hazard %lld: assigned to %s%s%s\n", (long long)id, owner, due ? ", due " : "",
               due ? due : "");
    else
        printf("hazard %lld: note added\n", (long long)id);
    return MU_EXIT_OK;
}

static int show(int argc, char **argv, struct cli_ctx *ctx)
{
    const char *at = NULL;
    int json = 0, npos = 0, rc;
    const struct cli_opt opts[] = {{"--json", CLI_FLAG, NULL, &json},
                                   {"--at", CLI_VALUE, &at, NULL},
                                   {NULL, CLI_FLAG, NULL, NULL}};
    if ((rc = cli_parse(argc, argv, opts, &npos)))
        return rc;
    if (npos != 1)
        return cli_usage(U_SHOW);
    int64_t id = 0, when = 0;
    if ((rc = parse_id(argv[0], &id)) || (rc = parse_at(at, &when)))
        return rc;
    struct mu_store *s = NULL;
    if ((rc = open_store(ctx, &s)))
        return rc;
    struct mu_error err = {0};
    char *out = NULL;
    enum mu_err e = mu_app_hazard_show(s, id, when, json ? MU_REG_JSON : MU_REG_TEXT, &out, &err);
    /* the photos (src/app/attachment.c): a "photos" member, or lines after the text */
    char ref[32], *more = NULL;
    snprintf(ref, sizeof(ref), "hazard:%lld", (long long)id);
    if (e == MU_OK && json)
        e = mu_app_attachment_merge_json(s, ref, "photos", out, &more, &err);
    else if (e == MU_OK)
        e = mu_app_attachment_list_text(s, ref, &more, &err);
    mu_store_close(s);
    if (e == MU_OK && !json) {
        fputs(out, stdout);
        fputs("photos:\n", stdout);
        mu_free(out);
        out = more;
    } else if (e == MU_OK) {
        mu_free(out);
        out = more;
    } else {
        mu_free(out);
        out = NULL;
    }
    return emit(e, out, &err);
}

/* photo ID FILE; photo-get ID PHOTO_ID --output FILE (src/app/attachment.c) */
static int photo(int argc, char **argv, struct cli_ctx *ctx, int get)
{
    const char *output = NULL;
    int npos = 0, rc;
    const struct cli_opt opts[] = {{"--output", CLI_VALUE, &output, NULL},
                                   {NULL, CLI_FLAG, NULL, NULL}};
    if ((rc = cli_parse(argc, argv, opts, &npos)))
        return rc;
    if (npos != 2 || (get && !output) || (!get && output))
        return cli_usage(U_PHOTO);
    int64_t id = 0, att = 0;
    if ((rc = parse_id(argv[0], &id)) || (get && (rc = parse_id(argv[1], &att))))
        return rc;
    struct mu_error err = {0};
    void *data = NULL;
    size_t len = 0;
    char name[256];
    enum mu_err e = MU_OK;
    if (!get && (e = mu_app_attachment_read_file(argv[1], &data, &len, name, sizeof(name), &err)))
        return cli_fail(e, &err);
    struct mu_store *s = NULL;
    if ((rc = open_store(ctx, &s))) {
        mu_free(data);
        return rc;
    }
    struct mu_actor actor = {.name = ctx->actor, .now_ms = cli_now_ms()};
    char hex[65];
    if (get)
        e = mu_app_hazard_photo_get(s, id, att, NULL, &data, &len, &err);
    else
        e = mu_app_hazard_photo(s, &actor, id, name, data, len, &att, hex, &err);
    mu_store_close(s);
    if (e == MU_OK && get)
        e = mu_app_attachment_write_file(output, data, len, &err);
    mu_free(data);
    if (e)
        return cli_fail(e, &err);
    if (get)
        printf("hazard %lld: photo %lld written to %s (%zu bytes)\n", (long long)id,
               (long long)att, output, len);
    else
        printf("hazard %lld: photo %lld '%s' stored (%zu bytes, sha256 %s)\n", (long long)id,
               (long long)att, name, len, hex);
    return MU_EXIT_OK;
}

static int list(int argc, char **argv, struct cli_ctx *ctx)
{
    const char *at = NULL, *xlsx = NULL;
    int json = 0, overdue = 0, npos = 0, rc;
    const struct cli_opt opts[] = {
        {"--json", CLI_FLAG, NULL, &json},    {"--overdue", CLI_FLAG, NULL, &overdue},
        {"--xlsx", CLI_VALUE, &xlsx, NULL},   {"--at", CLI_VALUE, &at, NULL},
        {NULL, CLI_FLAG, NULL, NULL},
    };
    if ((rc = cli_parse(argc, argv, opts, &npos)))
        return rc;
    if (npos)
        return cli_usage(U_LIST);
    int64_t when = 0;
    if ((rc = parse_at(at, &when)))
        return rc;
    struct mu_store *s = NULL;
    if ((rc = open_store(ctx, &s)))
        return rc;
    struct mu_error err = {0};
    char *out = NULL;
    enum mu_err e = MU_OK;
    if (xlsx)
        e = mu_app_hazard_xlsx(s, overdue, when, xlsx, &err);
    if (e == MU_OK && (json || !xlsx))
        e = mu_app_hazard_list(s, overdue, when, json ? MU_REG_JSON : MU_REG_TEXT, &out, &err);
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

/* Take every "--NAME VALUE" / "--NAME=VALUE" out of argv; returns -1 on a missing value. */
static int take_repeated(int *argc, char **argv, const char *name, const char **vals, int *n)
{
    int m = 0;
    size_t len = strlen(name);
    for (int i = 0; i < *argc; i++) {
        if (strcmp(argv[i], "--") == 0) {
            while (i < *argc)
                argv[m++] = argv[i++];
            break;
        }
        if (strcmp(argv[i], name) == 0) {
            if (i + 1 >= *argc) {
                fprintf(stderr, "muster: option '%s' needs a value\n", name);
                return -1;
            }
            vals[(*n)++] = argv[++i];
        } else if (strncmp(argv[i], name, len) == 0 && argv[i][len] == '=') {
            vals[(*n)++] = argv[i] + len + 1;
        } else {
            argv[m++] = argv[i];
        }
    }
    *argc = m;
    return 0;
}

static int checklist(int argc, char **argv, struct cli_ctx *ctx)
{
    const char *name = NULL, *unit = NULL, *plan = NULL;
    int json = 0, npos = 0, rc, nitems = 0;
    if (argc < 1)
        return cli_usage(U_CL_ADD "\n       " U_CL_SHOW);
    const char *sub = argv[0];
    argc--;
    argv++;
    const char **items = mu_calloc((size_t)argc + 1, sizeof(*items));
    if (!items)
        return cli_fail(MU_ENOMEM, NULL);
    if (take_repeated(&argc, argv, "--item", items, &nitems)) {
        mu_free(items);
        return MU_EXIT_USAGE;
    }
    const struct cli_opt opts[] = {
        {"--name", CLI_VALUE, &name, NULL}, {"--unit", CLI_VALUE, &unit, NULL},
        {"--plan", CLI_VALUE, &plan, NULL}, {"--json", CLI_FLAG, NULL, &json},
        {NULL, CLI_FLAG, NULL, NULL},
    };
    if ((rc = cli_parse(argc, argv, opts, &npos))) {
        mu_free(items);
        return rc;
    }
    int is_add = strcmp(sub, "add") == 0;
    int is_show = strcmp(sub, "show") == 0 || strcmp(sub, "list") == 0;
    if ((is_add && (npos || !name || !unit || !nitems)) ||
        (is_show && (npos > 1 || name || unit || plan || nitems)) || (!is_add && !is_show)) {
        mu_free(items);
        return cli_usage(is_add ? U_CL_ADD : U_CL_SHOW);
    }
    int64_t id = 0;
    if (is_show && npos && (rc = parse_id(argv[0], &id))) {
        mu_free(items);
        return rc;
    }
    struct mu_store *s = NULL;
    if ((rc = open_store(ctx, &s))) {
        mu_free(items);
        return rc;
    }
    struct mu_error err = {0};
    struct mu_actor actor = {.name = ctx->actor, .now_ms = cli_now_ms()};
    char *out = NULL;
    enum mu_err e;
    if (is_add) {
        e = mu_app_checklist_add(s, &actor, plan, name, unit, items, (size_t)nitems, &id, &err);
        if (e == MU_OK)
            e = mu_app_checklist_show(s, id, json ? MU_REG_JSON : MU_REG_TEXT, &out, &err);
    } else {
        e = mu_app_checklist_show(s, id, json ? MU_REG_JSON : MU_REG_TEXT, &out, &err);
    }
    mu_store_close(s);
    mu_free(items);
    return emit(e, out, &err);
}

static int inspect(int argc, char **argv, struct cli_ctx *ctx)
{
    const char *by = NULL, *date = NULL, *failed = NULL, *note = NULL;
    int npos = 0, rc;
    const struct cli_opt opts[] = {
        {"--by", CLI_VALUE, &by, NULL},         {"--date", CLI_VALUE, &date, NULL},
        {"--failed", CLI_VALUE, &failed, NULL}, {"--note", CLI_VALUE, &note, NULL},
        {NULL, CLI_FLAG, NULL, NULL},
    };
    if ((rc = cli_parse(argc, argv, opts, &npos)))
        return rc;
    if (npos != 1 || !by || !date)
        return cli_usage(U_INSPECT);
    int64_t cl = 0, id = 0;
    size_t nfailed = 0;
    if ((rc = parse_id(argv[0], &cl)))
        return rc;
    struct mu_store *s = NULL;
    if ((rc = open_store(ctx, &s)))
        return rc;
    struct mu_error err = {0};
    struct mu_actor actor = {.name = ctx->actor, .now_ms = cli_now_ms()};
    enum mu_err e = mu_app_hazard_inspect(s, &actor, cl, by, date, failed, note, &id, &nfailed,
                                          &err);
    mu_store_close(s);
    if (e)
        return cli_fail(e, &err);
    printf("round %lld of checklist %lld: %zu failed\n", (long long)id, (long long)cl, nfailed);
    return MU_EXIT_OK;
}

int cmd_hazard(int argc, char **argv, struct cli_ctx *ctx)
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
    if (strcmp(sub, "rectify") == 0 || strcmp(sub, "verify") == 0 ||
        strcmp(sub, "assign") == 0 || strcmp(sub, "note") == 0)
        return change(argc - 1, argv + 1, ctx, sub);
    if (strcmp(sub, "show") == 0)
        return show(argc - 1, argv + 1, ctx);
    if (strcmp(sub, "list") == 0)
        return list(argc - 1, argv + 1, ctx);
    if (strcmp(sub, "photo") == 0 || strcmp(sub, "photo-get") == 0)
        return photo(argc - 1, argv + 1, ctx, strcmp(sub, "photo-get") == 0);
    if (strcmp(sub, "checklist") == 0)
        return checklist(argc - 1, argv + 1, ctx);
    if (strcmp(sub, "inspect") == 0)
        return inspect(argc - 1, argv + 1, ctx);
    fprintf(stderr, "muster: hazard: unknown subcommand '%s'\n", sub);
    return cli_usage(USAGE);
}
