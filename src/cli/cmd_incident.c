/* SPDX-License-Identifier: MIT */
/*
 * muster incident: incidents from the command line. open records what
 * happened under a stored plan (the engine then applies the plan's
 * escalation: run `muster engine run` or `muster serve`); ack, note,
 * status, activate, task done, arrive, close and reopen move it along and
 * fill its timeline; attach stores a photo or document; show and list print
 * it; report drafts, finalizes or stores an edited after-action report.
 * Times are YYYY-MM-DDTHH:MM in Asia/Shanghai (UTC+8) unless they carry Z or
 * an offset; the default is now. The work is done by src/app/incident.c and
 * src/app/report.c.
 */
#include "cli.h"

#include <muster/incident.h>
#include <muster/mem.h>
#include <muster/store.h>
#include <string.h>

#define U_OPEN                                                                                     \
    "muster incident open --plan ID --kind K [--level L] --place TEXT [--at TIME] "              \
    "[--reported TIME] [--field KEY=VALUE]... [--reporter NAME] [--json]"
#define U_ACK "muster incident ack ID --by PERSON [--at TIME]"
#define U_NOTE "muster incident note ID --text TEXT [--kind note|call|decision] [--by NAME] [--at TIME]"
#define U_STATUS "muster incident status ID STATE [--at TIME]"
#define U_ACTIVATE "muster incident activate ID --by PERSON [--at TIME]"
#define U_TASK "muster incident task done TASK_ID --by PERSON [--at TIME]"
#define U_ARRIVE "muster incident arrive ID --person PERSON [--at TIME]"
#define U_CLOSE "muster incident close ID [--criteria N|TEXT]... [--at TIME]"
#define U_REOPEN "muster incident reopen ID [--at TIME]"
#define U_SHOW "muster incident show ID [--json]"
#define U_LIST "muster incident list [--open] [--json]"
#define U_ATTACH "muster incident attach ID FILE"
#define U_REPORT                                                                                   \
    "muster incident report ID [--format md|html] [--draft | --revision N | --finalize | "      \
    "--edit FILE]"
#define USAGE                                                                                      \
    U_OPEN "\n       " U_ACK "\n       " U_NOTE "\n       " U_STATUS "\n       " U_ACTIVATE     \
           "\n       " U_TASK "\n       " U_ARRIVE "\n       " U_CLOSE "\n       " U_REOPEN    \
           "\n       " U_SHOW "\n       " U_LIST "\n       " U_ATTACH "\n       " U_REPORT     \
           "\nSTATE is reported, acknowledged, responding, contained or closed;\n"               \
           "TIME is YYYY-MM-DDTHH:MM in UTC+8 (or with Z or +HH:MM); the default is now"

/* An id argument; unlike the registers', a bad one is a usage error here. */
static int parse_id(const char *what, const char *s, int64_t *id)
{
    return cli_parse_id(what, s, id) ? MU_EXIT_USAGE : MU_EXIT_OK;
}

/* --at and friends: 0 when not given (the use case takes now). */
static int parse_time(const char *opt, const char *s, int64_t *ms)
{
    return cli_parse_time(opt, s, 0, ms);
}

/*
 * The start of the verbs on one incident or task: its id (@p what names it
 * in the error), --at (0: now), then the store. Returns the exit code.
 */
static int begin(struct cli_ctx *ctx, const char *what, const char *id_arg, const char *at,
                 int64_t *id, int64_t *when, struct cli_run *r)
{
    int rc;
    if ((rc = parse_id(what, id_arg, id)) || (rc = parse_time("--at", at, when)))
        return rc;
    return cli_run_open(ctx, 0, r);
}

static int do_open(int argc, char **argv, struct cli_ctx *ctx)
{
    const char *plan = NULL, *kind = NULL, *level = NULL, *place = NULL, *at = NULL;
    const char *reported = NULL, *reporter = NULL;
    int json = 0, npos = 0, nf = 0, rc;
    struct cli_kv *fields = mu_calloc((size_t)argc + 1, sizeof(*fields));
    struct mu_incident_kv *kv = mu_calloc((size_t)argc + 1, sizeof(*kv));
    if (!fields || !kv) {
        mu_free(fields);
        mu_free(kv);
        return cli_fail(MU_ENOMEM, NULL);
    }
    if ((rc = cli_take_fields(&argc, argv, "--field", fields, &nf)))
        goto out;
    for (int i = 0; i < nf; i++)
        kv[i] = (struct mu_incident_kv){fields[i].key, fields[i].value};
    const struct cli_opt opts[] = {
        {"--plan", CLI_VALUE, &plan, NULL},         {"--kind", CLI_VALUE, &kind, NULL},
        {"--level", CLI_VALUE, &level, NULL},       {"--place", CLI_VALUE, &place, NULL},
        {"--at", CLI_VALUE, &at, NULL},             {"--reported", CLI_VALUE, &reported, NULL},
        {"--reporter", CLI_VALUE, &reporter, NULL}, {"--json", CLI_FLAG, NULL, &json},
        {NULL, CLI_FLAG, NULL, NULL},
    };
    if ((rc = cli_parse(argc, argv, opts, &npos)))
        goto out;
    if (npos || !plan || !kind || !place) {
        rc = cli_usage(U_OPEN);
        goto out;
    }
    struct mu_incident_open_in in = {.plan_id = plan,
                                     .kind = kind,
                                     .level = level,
                                     .place = place,
                                     .reporter = reporter,
                                     .fields = kv,
                                     .nfields = (size_t)nf};
    if ((rc = parse_time("--at", at, &in.occurred_at)) ||
        (rc = parse_time("--reported", reported, &in.reported_at)))
        goto out;
    struct cli_run r;
    if ((rc = cli_run_open(ctx, 0, &r)))
        goto out;
    int64_t id = 0;
    enum mu_err e = mu_app_incident_open(r.s, &r.actor, &in, &id, &r.err);
    if (e == MU_OK && json) {
        char *text = NULL;
        e = mu_app_incident_show(r.s, id, MU_INCIDENT_JSON, &text, &r.err);
        rc = cli_emit(e, text, &r.err);
    } else if (e == MU_OK) {
        printf("incident %lld opened: %s%s%s at %s\n", (long long)id, kind, level ? " " : "",
               level ? level : "", place);
        rc = MU_EXIT_OK;
    } else {
        rc = cli_fail(e, &r.err);
    }
    cli_run_release(&r);
out:
    mu_free(fields);
    mu_free(kv);
    return rc;
}

enum person_verb { ACK, ARRIVE, ACTIVATE };

/* The commands of shape `VERB ID --OPT VALUE [--at TIME]`. */
static int person_cmd(int argc, char **argv, struct cli_ctx *ctx, int verb)
{
    const char *by = NULL, *person = NULL, *at = NULL;
    int npos = 0, rc;
    int is_arrive = verb == ARRIVE;
    const struct cli_opt opts[] = {
        {"--by", CLI_VALUE, &by, NULL},
        {"--person", CLI_VALUE, &person, NULL},
        {"--at", CLI_VALUE, &at, NULL},
        {NULL, CLI_FLAG, NULL, NULL},
    };
    const char *usage = is_arrive ? U_ARRIVE : verb == ACK ? U_ACK : U_ACTIVATE;
    if ((rc = cli_parse(argc, argv, opts, &npos)))
        return rc;
    const char *who = is_arrive ? person : by;
    if (npos != 1 || !who || (is_arrive ? by != NULL : person != NULL))
        return cli_usage(usage);
    int64_t id = 0, when = 0;
    struct cli_run r;
    if ((rc = begin(ctx, "incident", argv[0], at, &id, &when, &r)))
        return rc;
    enum mu_err e;
    int first = 0;
    size_t ntasks = 0;
    if (verb == ACK) {
        e = mu_app_incident_ack(r.s, &r.actor, id, who, when, &first, &r.err);
        if (e == MU_OK)
            printf(first ? "incident %lld: acknowledged by %s\n"
                         : "incident %lld: %s had already acknowledged\n",
                   (long long)id, who);
    } else if (is_arrive) {
        e = mu_app_incident_arrive(r.s, &r.actor, id, who, when, &r.err);
        if (e == MU_OK)
            printf("incident %lld: %s arrived\n", (long long)id, who);
    } else {
        e = mu_app_incident_activate(r.s, &r.actor, id, who, when, &ntasks, &r.err);
        if (e == MU_OK)
            printf("incident %lld: response activated by %s, %zu tasks\n", (long long)id, who,
                   ntasks);
    }
    return cli_run_end(&r, e);
}

static int do_note(int argc, char **argv, struct cli_ctx *ctx)
{
    const char *text = NULL, *kind = NULL, *by = NULL, *at = NULL;
    int npos = 0, rc;
    const struct cli_opt opts[] = {
        {"--text", CLI_VALUE, &text, NULL}, {"--kind", CLI_VALUE, &kind, NULL},
        {"--by", CLI_VALUE, &by, NULL},     {"--at", CLI_VALUE, &at, NULL},
        {NULL, CLI_FLAG, NULL, NULL},
    };
    if ((rc = cli_parse(argc, argv, opts, &npos)))
        return rc;
    if (npos != 1 || !text)
        return cli_usage(U_NOTE);
    int64_t id = 0, when = 0;
    struct cli_run r;
    if ((rc = begin(ctx, "incident", argv[0], at, &id, &when, &r)))
        return rc;
    enum mu_err e = mu_app_incident_note(r.s, &r.actor, id, kind, text, by, when, &r.err);
    if ((rc = cli_run_end(&r, e)))
        return rc;
    printf("incident %lld: %s recorded\n", (long long)id, kind ? kind : "note");
    return MU_EXIT_OK;
}

/* status ID STATE, and reopen ID (@p reopen 1). */
static int do_status(int argc, char **argv, struct cli_ctx *ctx, int reopen)
{
    const char *at = NULL;
    int npos = 0, rc;
    const struct cli_opt opts[] = {{"--at", CLI_VALUE, &at, NULL}, {NULL, CLI_FLAG, NULL, NULL}};
    if ((rc = cli_parse(argc, argv, opts, &npos)))
        return rc;
    if (npos != (reopen ? 1 : 2))
        return cli_usage(reopen ? U_REOPEN : U_STATUS);
    int64_t id = 0, when = 0;
    if ((rc = parse_id("incident", argv[0], &id)) || (rc = parse_time("--at", at, &when)))
        return rc;
    struct mu_error err = {0};
    enum mu_incident_state st = MU_INCIDENT_RESPONDING;
    if (!reopen && mu_incident_state_parse(argv[1], &st, &err))
        return cli_fail(MU_EINVAL, &err);
    struct cli_run r;
    if ((rc = cli_run_open(ctx, 0, &r)))
        return rc;
    enum mu_err e = reopen ? mu_app_incident_reopen(r.s, &r.actor, id, when, &r.err)
                           : mu_app_incident_status(r.s, &r.actor, id, st, when, &r.err);
    if ((rc = cli_run_end(&r, e)))
        return rc;
    printf("incident %lld: %s\n", (long long)id, mu_incident_state_name(st));
    return MU_EXIT_OK;
}

static int do_task(int argc, char **argv, struct cli_ctx *ctx)
{
    const char *by = NULL, *at = NULL;
    int npos = 0, rc;
    const struct cli_opt opts[] = {
        {"--by", CLI_VALUE, &by, NULL}, {"--at", CLI_VALUE, &at, NULL},
        {NULL, CLI_FLAG, NULL, NULL},
    };
    if ((rc = cli_parse(argc, argv, opts, &npos)))
        return rc;
    if (npos != 2 || strcmp(argv[0], "done") != 0 || !by)
        return cli_usage(U_TASK);
    int64_t id = 0, when = 0;
    struct cli_run r;
    if ((rc = begin(ctx, "task", argv[1], at, &id, &when, &r)))
        return rc;
    enum mu_err e = mu_app_incident_task_done(r.s, &r.actor, id, by, when, &r.err);
    if ((rc = cli_run_end(&r, e)))
        return rc;
    printf("task %lld: done by %s\n", (long long)id, by);
    return MU_EXIT_OK;
}

static int do_close(int argc, char **argv, struct cli_ctx *ctx)
{
    const char *at = NULL;
    int npos = 0, nc = 0, rc;
    const char **crit = mu_calloc((size_t)argc + 1, sizeof(*crit));
    if (!crit)
        return cli_fail(MU_ENOMEM, NULL);
    const struct cli_opt opts[] = {{"--at", CLI_VALUE, &at, NULL}, {NULL, CLI_FLAG, NULL, NULL}};
    if ((rc = cli_take_repeated(&argc, argv, "--criteria", crit, &nc)) ||
        (rc = cli_parse(argc, argv, opts, &npos)))
        goto out;
    if (npos != 1) {
        rc = cli_usage(U_CLOSE);
        goto out;
    }
    int64_t id = 0, when = 0;
    struct cli_run r;
    if ((rc = begin(ctx, "incident", argv[0], at, &id, &when, &r)))
        goto out;
    enum mu_err e = mu_app_incident_close(r.s, &r.actor, id, crit, (size_t)nc, when, &r.err);
    if (!(rc = cli_run_end(&r, e)))
        printf("incident %lld: closed, %d termination criteria met\n", (long long)id, nc);
out:
    mu_free(crit);
    return rc;
}

static int do_view(int argc, char **argv, struct cli_ctx *ctx, int is_list)
{
    int json = 0, open_only = 0, npos = 0, rc;
    const struct cli_opt opts[] = {
        {"--json", CLI_FLAG, NULL, &json},
        {"--open", CLI_FLAG, NULL, is_list ? &open_only : NULL},
        {NULL, CLI_FLAG, NULL, NULL},
    };
    if ((rc = cli_parse(argc, argv, opts, &npos)))
        return rc;
    if (npos != (is_list ? 0 : 1) || (!is_list && open_only))
        return cli_usage(is_list ? U_LIST : U_SHOW);
    int64_t id = 0;
    if (!is_list && (rc = parse_id("incident", argv[0], &id)))
        return rc;
    struct cli_run r;
    if ((rc = cli_run_open(ctx, 0, &r)))
        return rc;
    char *out = NULL;
    enum mu_incident_format fmt = json ? MU_INCIDENT_JSON : MU_INCIDENT_TEXT;
    enum mu_err e = is_list ? mu_app_incident_list(r.s, open_only, fmt, &out, &r.err)
                            : mu_app_incident_show(r.s, id, fmt, &out, &r.err);
    cli_run_release(&r);
    return cli_emit(e, out, &r.err);
}

static int do_attach(int argc, char **argv, struct cli_ctx *ctx)
{
    int npos = 0, rc;
    const struct cli_opt opts[] = {{NULL, CLI_FLAG, NULL, NULL}};
    if ((rc = cli_parse(argc, argv, opts, &npos)))
        return rc;
    if (npos != 2)
        return cli_usage(U_ATTACH);
    int64_t id = 0;
    if ((rc = parse_id("incident", argv[0], &id)))
        return rc;
    char *data = NULL;
    size_t len = 0;
    /* One byte over the limit is enough for the library to refuse it. */
    if ((rc = cli_read_file(argv[1], MU_INCIDENT_MAX_ATTACHMENT, &data, &len)))
        return rc;
    const char *name = strrchr(argv[1], '/');
    name = name ? name + 1 : argv[1];
    struct cli_run r;
    if ((rc = cli_run_open(ctx, 0, &r))) {
        mu_free(data);
        return rc;
    }
    int64_t att = 0;
    char hex[65];
    enum mu_err e = mu_app_incident_attach(r.s, &r.actor, id, name, data, len, &att, hex, &r.err);
    mu_free(data);
    if ((rc = cli_run_end(&r, e)))
        return rc;
    printf("incident %lld: attachment %lld '%s', %zu bytes, sha256 %s\n", (long long)id,
           (long long)att, name, len, hex);
    return MU_EXIT_OK;
}

static int do_report(int argc, char **argv, struct cli_ctx *ctx)
{
    const char *format = NULL, *revision = NULL, *edit = NULL;
    int draft = 0, finalize = 0, npos = 0, rc;
    const struct cli_opt opts[] = {
        {"--format", CLI_VALUE, &format, NULL}, {"--revision", CLI_VALUE, &revision, NULL},
        {"--edit", CLI_VALUE, &edit, NULL},     {"--draft", CLI_FLAG, NULL, &draft},
        {"--finalize", CLI_FLAG, NULL, &finalize}, {NULL, CLI_FLAG, NULL, NULL},
    };
    if ((rc = cli_parse(argc, argv, opts, &npos)))
        return rc;
    if (npos != 1 || (draft != 0) + (revision != NULL) + (finalize != 0) + (edit != NULL) > 1)
        return cli_usage(U_REPORT);
    enum mu_report_format fmt = MU_REPORT_MD;
    if (format && strcmp(format, "html") == 0)
        fmt = MU_REPORT_HTML;
    else if (format && strcmp(format, "md") != 0) {
        fprintf(stderr, "muster: --format: unknown format '%s' (md, html)\n", format);
        return MU_EXIT_USAGE;
    }
    int64_t id = 0, rev = 0;
    if ((rc = parse_id("incident", argv[0], &id)) ||
        (revision && (rc = parse_id("--revision", revision, &rev))))
        return rc;
    char *body = NULL;
    size_t len = 0;
    if (edit && (rc = cli_read_file(edit, MU_INCIDENT_MAX_REPORT, &body, &len)))
        return rc;
    struct cli_run r;
    if ((rc = cli_run_open(ctx, 0, &r))) {
        mu_free(body);
        return rc;
    }
    enum mu_err e;
    char *out = NULL;
    int newrev = 0;
    if (finalize || edit) {
        e = finalize ? mu_app_incident_report_finalize(r.s, &r.actor, id, &newrev, &r.err)
                     : mu_app_incident_report_edit(r.s, &r.actor, id, body, &newrev, &r.err);
        if (e == MU_OK)
            printf("incident %lld: report revision %d stored\n", (long long)id, newrev);
    } else {
        e = mu_app_incident_report(r.s, id, draft ? -1 : (int)rev, fmt, &out, &r.err);
        if (e == MU_OK)
            fputs(out, stdout);
    }
    mu_free(out);
    mu_free(body);
    return cli_run_end(&r, e);
}

static const struct cli_sub subs[] = {
    {"open", .run = do_open},
    {"ack", .run_with = person_cmd, .arg = ACK},
    {"arrive", .run_with = person_cmd, .arg = ARRIVE},
    {"activate", .run_with = person_cmd, .arg = ACTIVATE},
    {"note", .run = do_note},
    {"status", .run_with = do_status, .arg = 0},
    {"reopen", .run_with = do_status, .arg = 1},
    {"task", .run = do_task},
    {"close", .run = do_close},
    {"show", .run_with = do_view, .arg = 0},
    {"list", .run_with = do_view, .arg = 1},
    {"attach", .run = do_attach},
    {"report", .run = do_report},
    {NULL},
};

int cmd_incident(int argc, char **argv, struct cli_ctx *ctx)
{
    /* No help word: "help" is not a subcommand and fails as one. */
    static const struct cli_cmd cmd = {USAGE, "incident: unknown subcommand", 0, subs};
    return cli_dispatch(argc, argv, ctx, &cmd);
}
