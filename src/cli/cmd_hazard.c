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
#include <muster/mem.h>
#include <muster/register.h>
#include <muster/store.h>
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

/* --at, default now. */
static int parse_at(const char *at, int64_t *ms)
{
    return cli_parse_time("at", at, cli_now_ms(), ms);
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
    struct cli_run r;
    if ((rc = cli_run_open(ctx, 0, &r)))
        return rc;
    int64_t id = 0;
    char *out = NULL;
    enum mu_err e = mu_app_hazard_add(r.s, &r.actor, &in, &id, &r.err);
    if (e == MU_OK)
        e = mu_app_hazard_show(r.s, id, r.actor.now_ms, json ? MU_REG_JSON : MU_REG_TEXT, &out,
                               &r.err);
    cli_run_release(&r);
    return cli_emit(e, out, &r.err);
}

enum change_op { RECTIFY, VERIFY, ASSIGN, NOTE };

/* rectify, verify, assign, note: ID plus options. */
static int change(int argc, char **argv, struct cli_ctx *ctx, int op)
{
    const char *by = NULL, *note = NULL, *owner = NULL, *due = NULL, *text = NULL;
    int npos = 0, rc;
    const struct cli_opt opts[] = {
        {"--by", CLI_VALUE, &by, NULL},       {"--note", CLI_VALUE, &note, NULL},
        {"--owner", CLI_VALUE, &owner, NULL}, {"--due", CLI_VALUE, &due, NULL},
        {"--text", CLI_VALUE, &text, NULL},   {NULL, CLI_FLAG, NULL, NULL},
    };
    const char *usage = op == RECTIFY  ? U_RECTIFY
                        : op == VERIFY ? U_VERIFY
                        : op == ASSIGN ? U_ASSIGN
                                       : U_NOTE;
    if ((rc = cli_parse(argc, argv, opts, &npos)))
        return rc;
    int ok = npos == 1;
    if (op == RECTIFY)
        ok = ok && by && !owner && !due && !text;
    else if (op == VERIFY)
        ok = ok && by && !note && !owner && !due && !text;
    else if (op == ASSIGN)
        ok = ok && owner && !by && !note && !text;
    else
        ok = ok && text && !by && !note && !owner && !due;
    if (!ok)
        return cli_usage(usage);
    int64_t id = 0;
    if ((rc = cli_parse_id("id", argv[0], &id)))
        return rc;
    struct cli_run r;
    if ((rc = cli_run_open(ctx, 0, &r)))
        return rc;
    enum mu_err e;
    if (op == RECTIFY)
        e = mu_app_hazard_rectify(r.s, &r.actor, id, by, note, &r.err);
    else if (op == VERIFY)
        e = mu_app_hazard_verify(r.s, &r.actor, id, by, &r.err);
    else if (op == ASSIGN)
        e = mu_app_hazard_assign(r.s, &r.actor, id, owner, due, &r.err);
    else
        e = mu_app_hazard_note(r.s, &r.actor, id, text, &r.err);
    if ((rc = cli_run_end(&r, e)))
        return rc;
    if (op == RECTIFY)
        printf("hazard %lld: rectified by %s\n", (long long)id, by);
    else if (op == VERIFY)
        printf("hazard %lld: verified by %s\n", (long long)id, by);
    else if (op == ASSIGN)
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
    if ((rc = cli_parse_id("id", argv[0], &id)) || (rc = parse_at(at, &when)))
        return rc;
    struct cli_run r;
    if ((rc = cli_run_open(ctx, 0, &r)))
        return rc;
    char *out = NULL;
    enum mu_err e =
        mu_app_hazard_show(r.s, id, when, json ? MU_REG_JSON : MU_REG_TEXT, &out, &r.err);
    /* the photos (src/app/attachment.c): a "photos" member, or lines after the text */
    char ref[32], *more = NULL;
    snprintf(ref, sizeof(ref), "hazard:%lld", (long long)id);
    if (e == MU_OK && json)
        e = mu_app_attachment_merge_json(r.s, ref, "photos", out, &more, &r.err);
    else if (e == MU_OK)
        e = mu_app_attachment_list_text(r.s, ref, &more, &r.err);
    cli_run_release(&r);
    if (e == MU_OK && !json) {
        fputs(out, stdout);
        fputs("photos:\n", stdout);
    }
    mu_free(out);
    return cli_emit(e, more, &r.err);
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
    if ((rc = cli_parse_id("id", argv[0], &id)) ||
        (get && (rc = cli_parse_id("id", argv[1], &att))))
        return rc;
    struct mu_error err = {0};
    void *data = NULL;
    size_t len = 0;
    char name[256];
    enum mu_err e = MU_OK;
    if (!get && (e = mu_app_attachment_read_file(argv[1], &data, &len, name, sizeof(name), &err)))
        return cli_fail(e, &err);
    struct cli_run r;
    if ((rc = cli_run_open(ctx, 0, &r))) {
        mu_free(data);
        return rc;
    }
    char hex[65];
    if (get)
        e = mu_app_hazard_photo_get(r.s, id, att, NULL, &data, &len, &r.err);
    else
        e = mu_app_hazard_photo(r.s, &r.actor, id, name, data, len, &att, hex, &r.err);
    cli_run_release(&r);
    if (e == MU_OK && get)
        e = mu_app_attachment_write_file(output, data, len, &r.err);
    mu_free(data);
    if (e)
        return cli_fail(e, &r.err);
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
    struct cli_run r;
    if ((rc = cli_run_open(ctx, 0, &r)))
        return rc;
    char *out = NULL;
    enum mu_err e = MU_OK;
    if (xlsx)
        e = mu_app_hazard_xlsx(r.s, overdue, when, xlsx, &r.err);
    if (e == MU_OK && (json || !xlsx))
        e = mu_app_hazard_list(r.s, overdue, when, json ? MU_REG_JSON : MU_REG_TEXT, &out, &r.err);
    cli_run_release(&r);
    return cli_emit_ledger(e, out, xlsx, &r.err);
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
    if ((rc = cli_take_repeated(&argc, argv, "--item", items, &nitems))) {
        mu_free(items);
        return rc;
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
    if (is_show && npos && (rc = cli_parse_id("id", argv[0], &id))) {
        mu_free(items);
        return rc;
    }
    struct cli_run r;
    if ((rc = cli_run_open(ctx, 0, &r))) {
        mu_free(items);
        return rc;
    }
    char *out = NULL;
    enum mu_err e = MU_OK;
    if (is_add)
        e = mu_app_checklist_add(r.s, &r.actor, plan, name, unit, items, (size_t)nitems, &id,
                                 &r.err);
    if (e == MU_OK)
        e = mu_app_checklist_show(r.s, id, json ? MU_REG_JSON : MU_REG_TEXT, &out, &r.err);
    cli_run_release(&r);
    mu_free(items);
    return cli_emit(e, out, &r.err);
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
    if ((rc = cli_parse_id("id", argv[0], &cl)))
        return rc;
    struct cli_run r;
    if ((rc = cli_run_open(ctx, 0, &r)))
        return rc;
    enum mu_err e = mu_app_hazard_inspect(r.s, &r.actor, cl, by, date, failed, note, &id,
                                          &nfailed, &r.err);
    if ((rc = cli_run_end(&r, e)))
        return rc;
    printf("round %lld of checklist %lld: %zu failed\n", (long long)id, (long long)cl, nfailed);
    return MU_EXIT_OK;
}

static const struct cli_sub subs[] = {
    {"add", .run = add},
    {"rectify", .run_with = change, .arg = RECTIFY},
    {"verify", .run_with = change, .arg = VERIFY},
    {"assign", .run_with = change, .arg = ASSIGN},
    {"note", .run_with = change, .arg = NOTE},
    {"show", .run = show},
    {"list", .run = list},
    {"photo", .run_with = photo, .arg = 0},
    {"photo-get", .run_with = photo, .arg = 1},
    {"checklist", .run = checklist},
    {"inspect", .run = inspect},
    {NULL},
};

int cmd_hazard(int argc, char **argv, struct cli_ctx *ctx)
{
    static const struct cli_cmd cmd = {USAGE, "hazard: unknown subcommand", CLI_HELP_ALL, subs};
    return cli_dispatch(argc, argv, ctx, &cmd);
}
