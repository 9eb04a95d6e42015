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

#include <muster/date.h>
#include <muster/incident.h>
#include <muster/mem.h>
#include <muster/store.h>
#include <stdlib.h>
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

static int parse_id(const char *what, const char *s, int64_t *id)
{
    char *end = NULL;
    long long v = s ? strtoll(s, &end, 10) : 0;
    if (!s || !*s || *end || v <= 0) {
        fprintf(stderr, "muster: %s: '%s' is not an id\n", what, s ? s : "");
        return MU_EXIT_USAGE;
    }
    *id = v;
    return MU_EXIT_OK;
}

/* --at and friends: 0 when not given (the use case takes now). */
static int parse_time(const char *opt, const char *s, int64_t *ms)
{
    struct mu_error err = {0};
    *ms = 0;
    if (!s)
        return MU_EXIT_OK;
    if (mu_local_parse(s, ms, &err)) {
        fprintf(stderr, "muster: %s: %s\n", opt, err.msg);
        return MU_EXIT_FAIL;
    }
    return MU_EXIT_OK;
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

/*
 * Take every `NAME VALUE` / `NAME=VALUE` of a repeatable option out of argv
 * (cli_parse keeps only the last): values into @p vals (argc entries), their
 * count into *n; argv keeps the rest, *argc its count. Usage error when a
 * value is missing.
 */
static int take_repeated(int *argc, char **argv, const char *name, const char **vals, int *n)
{
    int m = 0;
    size_t len = strlen(name);
    *n = 0;
    for (int i = 0; i < *argc; i++) {
        if (strcmp(argv[i], "--") == 0) {
            while (i < *argc)
                argv[m++] = argv[i++];
            break;
        }
        if (strcmp(argv[i], name) == 0) {
            if (i + 1 >= *argc) {
                fprintf(stderr, "muster: option '%s' needs a value\n", name);
                return MU_EXIT_USAGE;
            }
            vals[(*n)++] = argv[++i];
        } else if (strncmp(argv[i], name, len) == 0 && argv[i][len] == '=') {
            vals[(*n)++] = argv[i] + len + 1;
        } else {
            argv[m++] = argv[i];
        }
    }
    *argc = m;
    return MU_EXIT_OK;
}

static int do_open(int argc, char **argv, struct cli_ctx *ctx)
{
    const char *plan = NULL, *kind = NULL, *level = NULL, *place = NULL, *at = NULL;
    const char *reported = NULL, *reporter = NULL;
    int json = 0, npos = 0, nf = 0, rc;
    const char **raw = mu_calloc((size_t)argc + 1, sizeof(*raw));
    struct mu_incident_kv *kv = mu_calloc((size_t)argc + 1, sizeof(*kv));
    if (!raw || !kv) {
        mu_free(raw);
        mu_free(kv);
        return cli_fail(MU_ENOMEM, NULL);
    }
    if ((rc = take_repeated(&argc, argv, "--field", raw, &nf)))
        goto out;
    for (int i = 0; i < nf; i++) {
        char *eq = strchr(raw[i], '=');
        if (!eq) {
            fprintf(stderr, "muster: --field '%s' is not KEY=VALUE\n", raw[i]);
            rc = MU_EXIT_USAGE;
            goto out;
        }
        *eq = '\0'; /* argv strings are ours to split */
        kv[i].key = raw[i];
        kv[i].value = eq + 1;
    }
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
    struct mu_store *s = NULL;
    if ((rc = open_store(ctx, &s)))
        goto out;
    struct mu_error err = {0};
    struct mu_actor actor = {.name = ctx->actor, .now_ms = cli_now_ms()};
    int64_t id = 0;
    enum mu_err e = mu_app_incident_open(s, &actor, &in, &id, &err);
    if (e == MU_OK && json) {
        char *text = NULL;
        e = mu_app_incident_show(s, id, MU_INCIDENT_JSON, &text, &err);
        rc = emit(e, text, &err);
    } else if (e == MU_OK) {
        printf("incident %lld opened: %s%s%s at %s\n", (long long)id, kind, level ? " " : "",
               level ? level : "", place);
        rc = MU_EXIT_OK;
    } else {
        rc = cli_fail(e, &err);
    }
    mu_store_close(s);
out:
    mu_free(raw);
    mu_free(kv);
    return rc;
}

/* The commands of shape `VERB ID --OPT VALUE [--at TIME]`. */
static int person_cmd(int argc, char **argv, struct cli_ctx *ctx, const char *verb)
{
    const char *by = NULL, *person = NULL, *at = NULL;
    int npos = 0, rc;
    int is_arrive = strcmp(verb, "arrive") == 0;
    const struct cli_opt opts[] = {
        {"--by", CLI_VALUE, &by, NULL},
        {"--person", CLI_VALUE, &person, NULL},
        {"--at", CLI_VALUE, &at, NULL},
        {NULL, CLI_FLAG, NULL, NULL},
    };
    const char *usage = is_arrive ? U_ARRIVE : strcmp(verb, "ack") == 0 ? U_ACK : U_ACTIVATE;
    if ((rc = cli_parse(argc, argv, opts, &npos)))
        return rc;
    const char *who = is_arrive ? person : by;
    if (npos != 1 || !who || (is_arrive ? by != NULL : person != NULL))
        return cli_usage(usage);
    int64_t id = 0, when = 0;
    if ((rc = parse_id("incident", argv[0], &id)) || (rc = parse_time("--at", at, &when)))
        return rc;
    struct mu_store *s = NULL;
    if ((rc = open_store(ctx, &s)))
        return rc;
    struct mu_error err = {0};
    struct mu_actor actor = {.name = ctx->actor, .now_ms = cli_now_ms()};
    enum mu_err e;
    int first = 0;
    size_t ntasks = 0;
    if (strcmp(verb, "ack") == 0) {
        e = mu_app_incident_ack(s, &actor, id, who, when, &first, &err);
        if (e == MU_OK)
            printf(first ? "incident %lld: acknowledged by %s\n"
                         : "incident %lld: %s had already acknowledged\n",
                   (long long)id, who);
    } else if (is_arrive) {
        e = mu_app_incident_arrive(s, &actor, id, who, when, &err);
        if (e == MU_OK)
            printf("incident %lld: %s arrived\n", (long long)id, who);
    } else {
        e = mu_app_incident_activate(s, &actor, id, who, when, &ntasks, &err);
        if (e == MU_OK)
            printf("incident %lld: response activated by %s, %zu tasks\n", (long long)id, who,
                   ntasks);
    }
    mu_store_close(s);
    return e ? cli_fail(e, &err) : MU_EXIT_OK;
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
    if ((rc = parse_id("incident", argv[0], &id)) || (rc = parse_time("--at", at, &when)))
        return rc;
    struct mu_store *s = NULL;
    if ((rc = open_store(ctx, &s)))
        return rc;
    struct mu_error err = {0};
    struct mu_actor actor = {.name = ctx->actor, .now_ms = cli_now_ms()};
    enum mu_err e = mu_app_incident_note(s, &actor, id, kind, text, by, when, &err);
    mu_store_close(s);
    if (e)
        return cli_fail(e, &err);
    printf("incident %lld: %s recorded\n", (long long)id, kind ? kind : "note");
    return MU_EXIT_OK;
}

static int do_status(int argc, char **argv, struct cli_ctx *ctx, const char *verb)
{
    const char *at = NULL;
    int npos = 0, rc;
    int reopen = strcmp(verb, "reopen") == 0;
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
    struct mu_store *s = NULL;
    if ((rc = open_store(ctx, &s)))
        return rc;
    struct mu_actor actor = {.name = ctx->actor, .now_ms = cli_now_ms()};
    enum mu_err e = reopen ? mu_app_incident_reopen(s, &actor, id, when, &err)
                           : mu_app_incident_status(s, &actor, id, st, when, &err);
    mu_store_close(s);
    if (e)
        return cli_fail(e, &err);
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
    if ((rc = parse_id("task", argv[1], &id)) || (rc = parse_time("--at", at, &when)))
        return rc;
    struct mu_store *s = NULL;
    if ((rc = open_store(ctx, &s)))
        return rc;
    struct mu_error err = {0};
    struct mu_actor actor = {.name = ctx->actor, .now_ms = cli_now_ms()};
    enum mu_err e = mu_app_incident_task_done(s, &actor, id, by, when, &err);
    mu_store_close(s);
    if (e)
        return cli_fail(e, &err);
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
    if ((rc = take_repeated(&argc, argv, "--criteria", crit, &nc)) ||
        (rc = cli_parse(argc, argv, opts, &npos)))
        goto out;
    if (npos != 1) {
        rc = cli_usage(U_CLOSE);
        goto out;
    }
    int64_t id = 0, when = 0;
    if ((rc = parse_id("incident", argv[0], &id)) || (rc = parse_time("--at", at, &when)))
        goto out;
    struct mu_store *s = NULL;
    if ((rc = open_store(ctx, &s)))
        goto out;
    struct mu_error err = {0};
    struct mu_actor actor = {.name = ctx->actor, .now_ms = cli_now_ms()};
    enum mu_err e = mu_app_incident_close(s, &actor, id, crit, (size_t)nc, when, &err);
    mu_store_close(s);
    if (e)
        rc = cli_fail(e, &err);
    else
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
    struct mu_store *s = NULL;
    if ((rc = open_store(ctx, &s)))
        return rc;
    struct mu_error err = {0};
    char *out = NULL;
    enum mu_incident_format fmt = json ? MU_INCIDENT_JSON : MU_INCIDENT_TEXT;
    enum mu_err e = is_list ? mu_app_incident_list(s, open_only, fmt, &out, &err)
                            : mu_app_incident_show(s, id, fmt, &out, &err);
    mu_store_close(s);
    return emit(e, out, &err);
}

/* Read all of @p path, at most @p max bytes (one more tells it is too big). */
static int read_all(const char *path, size_t max, char **out, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "muster: cannot read '%s'\n", path);
        return MU_EXIT_FAIL;
    }
    char *buf = mu_malloc(max + 2);
    size_t n = buf ? fread(buf, 1, max + 1, f) : 0;
    int bad = ferror(f);
    fclose(f);
    if (!buf)
        return cli_fail(MU_ENOMEM, NULL);
    if (bad) {
        mu_free(buf);
        fprintf(stderr, "muster: cannot read '%s'\n", path);
        return MU_EXIT_FAIL;
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return MU_EXIT_OK;
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
    if ((rc = read_all(argv[1], MU_INCIDENT_MAX_ATTACHMENT, &data, &len)))
        return rc;
    const char *name = strrchr(argv[1], '/');
    name = name ? name + 1 : argv[1];
    struct mu_store *s = NULL;
    if ((rc = open_store(ctx, &s))) {
        mu_free(data);
        return rc;
    }
    struct mu_error err = {0};
    struct mu_actor actor = {.name = ctx->actor, .now_ms = cli_now_ms()};
    int64_t att = 0;
    char hex[65];
    enum mu_err e = mu_app_incident_attach(s, &actor, id, name, data, len, &att, hex, &err);
    mu_store_close(s);
    mu_free(data);
    if (e)
        return cli_fail(e, &err);
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
    if (edit && (rc = read_all(edit, MU_INCIDENT_MAX_REPORT, &body, &len)))
        return rc;
    struct mu_store *s = NULL;
    if ((rc = open_store(ctx, &s))) {
        mu_free(body);
        return rc;
    }
    struct mu_error err = {0};
    struct mu_actor actor = {.name = ctx->actor, .now_ms = cli_now_ms()};
    enum mu_err e;
    char *out = NULL;
    int newrev = 0;
    if (finalize || edit) {
        e = finalize ? mu_app_incident_report_finalize(s, &actor, id, &newrev, &err)
                     : mu_app_incident_report_edit(s, &actor, id, body, &newrev, &err);
        if (e == MU_OK)
            printf("incident %lld: report revision %d stored\n", (long long)id, newrev);
    } else {
        e = mu_app_incident_report(s, id, draft ? -1 : (int)rev, fmt, &out, &err);
        if (e == MU_OK)
            fputs(out, stdout);
    }
    mu_free(out);
    mu_free(body);
    mu_store_close(s);
    return e ? cli_fail(e, &err) : MU_EXIT_OK;
}

int cmd_incident(int argc, char **argv, struct cli_ctx *ctx)
{
    if (argc < 1)
        return cli_usage(USAGE);
    const char *v = argv[0];
    argc--;
    argv++;
    if (strcmp(v, "open") == 0)
        return do_open(argc, argv, ctx);
    if (strcmp(v, "ack") == 0 || strcmp(v, "arrive") == 0 || strcmp(v, "activate") == 0)
        return person_cmd(argc, argv, ctx, v);
    if (strcmp(v, "note") == 0)
        return do_note(argc, argv, ctx);
    if (strcmp(v, "status") == 0 || strcmp(v, "reopen") == 0)
        return do_status(argc, argv, ctx, v);
    if (strcmp(v, "task") == 0)
        return do_task(argc, argv, ctx);
    if (strcmp(v, "close") == 0)
        return do_close(argc, argv, ctx);
    if (strcmp(v, "show") == 0 || strcmp(v, "list") == 0)
        return do_view(argc, argv, ctx, strcmp(v, "list") == 0);
    if (strcmp(v, "attach") == 0)
        return do_attach(argc, argv, ctx);
    if (strcmp(v, "report") == 0)
        return do_report(argc, argv, ctx);
    fprintf(stderr, "muster: incident: unknown subcommand '%s'\n", v);
    return cli_usage(USAGE);
}
