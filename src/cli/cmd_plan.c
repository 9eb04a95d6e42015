/* SPDX-License-Identifier: MIT */
/*
 * muster plan: check and render plan files. The CLI reads the file (at most
 * one byte past the size limit, so the parser can name the limit), hands
 * the bytes to mu_plan_parse and prints its diagnostics as
 * FILE:LINE:COL: error: MESSAGE, sorted by position.
 * load, list and show go through the store (src/app/plan.c).
 */
#include "cli.h"

#include <errno.h>
#include <limits.h>
#include <muster/app.h>
#include <muster/date.h>
#include <muster/mem.h>
#include <muster/plan.h>
#include <muster/store.h>
#include <stdlib.h>
#include <string.h>

#define PLAN_USAGE                                                                         \
    "muster plan check FILE...\n"                                                          \
    "       muster plan render FILE [--format md|html]\n"                                  \
    "       muster plan load FILE\n"                                                       \
    "       muster plan list\n"                                                            \
    "       muster plan show ID [--version N] [--json]"

/*
 * Read @p path into *out (owned by caller, mu_free) and *len. Reads at most
 * MU_PLAN_MAX_BYTES + 1 bytes: enough for the parser to see the file is too
 * large without reading all of a huge file.
 */
static enum mu_err read_plan_file(const char *path, char **out, size_t *len, struct mu_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return mu_error_set(err, MU_EIO, "cannot open '%s': %s", path, strerror(errno));
    size_t cap = MU_PLAN_MAX_BYTES + 1;
    char *buf = mu_malloc(cap);
    if (!buf) {
        fclose(f);
        return mu_error_set(err, MU_ENOMEM, "out of memory reading '%s'", path);
    }
    size_t n = fread(buf, 1, cap, f);
    if (ferror(f)) {
        int e = errno;
        fclose(f);
        mu_free(buf);
        return mu_error_set(err, MU_EIO, "cannot read '%s': %s", path, strerror(e));
    }
    fclose(f);
    *out = buf;
    *len = n;
    return MU_OK;
}

static int parse_format(const char *format, enum mu_plan_format *fmt);
static int write_doc(char *doc);

static void print_diags(const char *path, struct mu_diags *d)
{
    mu_diags_sort(d);
    for (size_t i = 0; i < d->n; i++)
        fprintf(stderr, "%s:%d:%d: %s: %s\n", path, d->v[i].line, d->v[i].col,
                d->v[i].severity == MU_DIAG_ERROR ? "error" : "warning", d->v[i].msg);
    if (d->dropped)
        fprintf(stderr, "%s: %zu more problems not shown\n", path, d->dropped);
}

/*
 * Read and parse @p path, printing every diagnostic. *out (OUT, may be NULL
 * to discard) gets the plan when it is valid. Returns the exit code.
 */
static int load_and_check(const char *path, struct mu_plan **out)
{
    char *src = NULL;
    size_t len = 0;
    struct mu_error err = {0};
    struct mu_diags d;
    struct mu_plan *p = NULL;

    enum mu_err rc = read_plan_file(path, &src, &len, &err);
    if (rc)
        return cli_fail(rc, &err);
    mu_diags_init(&d);
    rc = mu_plan_parse(src, len, &p, &d, &err);
    mu_free(src);
    print_diags(path, &d);
    mu_diags_release(&d);
    if (rc && rc != MU_EINVAL)
        return cli_fail(rc, &err);
    if (rc)
        return MU_EXIT_FAIL;
    if (out)
        *out = p;
    else
        mu_plan_free(p);
    return MU_EXIT_OK;
}

static int plan_check(int argc, char **argv, struct cli_ctx *ctx)
{
    (void)ctx; /* plan files only: no store */
    int npos = 0;
    static const struct cli_opt opts[] = {{NULL, CLI_FLAG, NULL, NULL}};
    int rc = cli_parse(argc, argv, opts, &npos);
    if (rc)
        return rc;
    if (npos == 0)
        return cli_usage("muster plan check FILE...");
    int status = MU_EXIT_OK;
    for (int i = 0; i < npos; i++) {
        struct mu_plan *p = NULL;
        int one = load_and_check(argv[i], &p);
        if (one == MU_EXIT_OK) {
            struct mu_plan_overview s;
            mu_plan_summarize(p, &s);
            printf("%s: ok: plan '%s', %zu units, %zu people, %zu teams\n", argv[i], s.id,
                   s.units, s.people, s.teams);
            mu_plan_free(p);
        } else {
            status = MU_EXIT_FAIL;
        }
    }
    return status;
}

static int plan_render(int argc, char **argv, struct cli_ctx *ctx)
{
    (void)ctx;
    const char *format = "md";
    int npos = 0;
    const struct cli_opt opts[] = {
        {"--format", CLI_VALUE, &format, NULL},
        {NULL, CLI_FLAG, NULL, NULL},
    };
    int rc = cli_parse(argc, argv, opts, &npos);
    if (rc)
        return rc;
    if (npos != 1)
        return cli_usage("muster plan render FILE [--format md|html]");
    enum mu_plan_format fmt;
    if ((rc = parse_format(format, &fmt)))
        return rc;
    struct mu_plan *p = NULL;
    rc = load_and_check(argv[0], &p);
    if (rc)
        return rc;
    char *doc = NULL;
    struct mu_error err = {0};
    enum mu_err erc = mu_plan_render(p, fmt, &doc, &err);
    mu_plan_free(p);
    if (erc)
        return cli_fail(erc, &err);
    return write_doc(doc);
}

static int parse_format(const char *format, enum mu_plan_format *fmt)
{
    if (strcmp(format, "md") == 0) {
        *fmt = MU_PLAN_MD;
    } else if (strcmp(format, "html") == 0) {
        *fmt = MU_PLAN_HTML;
    } else {
        fprintf(stderr, "muster: unknown format '%s' (expected md or html)\n", format);
        return MU_EXIT_USAGE;
    }
    return MU_EXIT_OK;
}

static int write_doc(char *doc)
{
    size_t n = strlen(doc);
    int ok = fwrite(doc, 1, n, stdout) == n && fflush(stdout) == 0;
    mu_free(doc);
    if (!ok) {
        fprintf(stderr, "muster: cannot write the document: %s\n", strerror(errno));
        return MU_EXIT_FAIL;
    }
    return MU_EXIT_OK;
}

static int plan_load(int argc, char **argv, struct cli_ctx *ctx)
{
    int npos = 0;
    static const struct cli_opt opts[] = {{NULL, CLI_FLAG, NULL, NULL}};
    int rc = cli_parse(argc, argv, opts, &npos);
    if (rc)
        return rc;
    if (npos == 0)
        return cli_usage("muster plan load FILE...");
    struct mu_store *s = NULL;
    struct mu_error err = {0};
    if ((rc = cli_open_store(ctx, &s)))
        return rc;
    int status = MU_EXIT_OK;
    for (int i = 0; i < npos; i++) {
        char *src = NULL;
        size_t len = 0;
        struct mu_diags d;
        struct mu_plan_load_result res = {0};
        struct mu_actor actor = {ctx->actor, cli_now_ms()};
        enum mu_err erc = read_plan_file(argv[i], &src, &len, &err);
        if (erc) {
            status = cli_fail(erc, &err);
            continue;
        }
        mu_diags_init(&d);
        erc = mu_app_plan_load(s, &actor, src, len, &d, &res, &err);
        mu_free(src);
        print_diags(argv[i], &d);
        size_t nerrors = d.nerrors;
        mu_diags_release(&d);
        if (erc == MU_EINVAL && nerrors) {
            fprintf(stderr, "muster: %s: plan refused; nothing was stored\n", argv[i]);
            status = MU_EXIT_FAIL;
        } else if (erc) {
            status = cli_fail(erc, &err);
        } else if (res.unchanged) {
            printf("%s: plan '%s' unchanged (version %d)\n", argv[i], res.id, res.version);
        } else {
            printf("%s: plan '%s' loaded as version %d\n", argv[i], res.id, res.version);
        }
    }
    mu_store_close(s);
    return status;
}

static int plan_list(int argc, char **argv, struct cli_ctx *ctx)
{
    int npos = 0;
    static const struct cli_opt opts[] = {{NULL, CLI_FLAG, NULL, NULL}};
    int rc = cli_parse(argc, argv, opts, &npos);
    if (rc)
        return rc;
    if (npos != 0)
        return cli_usage("muster plan list");
    struct cli_run r;
    struct mu_plan_summary *v = NULL;
    size_t n = 0;
    if ((rc = cli_run_open(ctx, 0, &r)))
        return rc;
    enum mu_err erc = mu_store_plan_list(r.s, &v, &n, &r.err);
    if ((rc = cli_run_end(&r, erc)))
        return rc;
    /* Ids and user names are ASCII, so byte widths align the columns. */
    int wid = 2, wby = 2;
    for (size_t i = 0; i < n; i++) {
        int a = (int)strlen(v[i].id), b = (int)strlen(v[i].loaded_by);
        wid = a > wid ? a : wid;
        wby = b > wby ? b : wby;
    }
    if (n == 0)
        printf("no plans loaded (muster plan load FILE)\n");
    else
        printf("%-*s  %-7s  %-20s  %-*s  %s\n", wid, "ID", "VERSION", "LOADED", wby, "BY",
               "TITLE");
    for (size_t i = 0; i < n; i++) {
        char when[21];
        mu_time_format_utc(v[i].loaded_at, when);
        printf("%-*s  %-7d  %-20s  %-*s  %s\n", wid, v[i].id, v[i].latest_version, when, wby,
               v[i].loaded_by, v[i].title);
    }
    mu_plan_summaries_free(v, n);
    return MU_EXIT_OK;
}

static int plan_show(int argc, char **argv, struct cli_ctx *ctx)
{
    const char *version_s = NULL, *format = "md";
    int json = 0, npos = 0;
    const struct cli_opt opts[] = {
        {"--version", CLI_VALUE, &version_s, NULL},
        {"--json", CLI_FLAG, NULL, &json},
        {"--format", CLI_VALUE, &format, NULL},
        {NULL, CLI_FLAG, NULL, NULL},
    };
    int rc = cli_parse(argc, argv, opts, &npos);
    if (rc)
        return rc;
    if (npos != 1)
        return cli_usage("muster plan show ID [--version N] [--json | --format md|html]");
    int version = 0;
    if (version_s) {
        char *end = NULL;
        errno = 0;
        long v = strtol(version_s, &end, 10);
        if (errno || !*version_s || *end || v < 1 || v > INT_MAX) {
            fprintf(stderr, "muster: --version: '%s' is not a version number (1, 2, ...)\n",
                    version_s);
            return MU_EXIT_USAGE;
        }
        version = (int)v;
    }
    enum mu_plan_format fmt;
    if ((rc = parse_format(format, &fmt)))
        return rc;
    struct cli_run r;
    char *doc = NULL;
    if ((rc = cli_run_open(ctx, 0, &r)))
        return rc;
    enum mu_err erc = json ? mu_app_plan_show_json(r.s, argv[0], version, &doc, &r.err)
                           : mu_app_plan_render(r.s, argv[0], version, fmt, &doc, &r.err);
    if ((rc = cli_run_end(&r, erc)))
        return rc;
    if (json) {
        /* JSON documents end with a newline on a terminal or in a pipe alike. */
        rc = write_doc(doc);
        putchar('\n');
        return rc;
    }
    return write_doc(doc);
}

static const struct cli_sub subs[] = {
    {"check", .run = plan_check}, {"render", .run = plan_render}, {"load", .run = plan_load},
    {"list", .run = plan_list},   {"show", .run = plan_show},     {NULL},
};

int cmd_plan(int argc, char **argv, struct cli_ctx *ctx)
{
    static const struct cli_cmd cmd = {PLAN_USAGE, "unknown plan command", 0, subs};
    return cli_dispatch(argc, argv, ctx, &cmd);
}
