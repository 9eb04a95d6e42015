/* SPDX-License-Identifier: MIT */
/*
 * muster audit: check and read the hash-chained audit log.
 *
 *   muster audit verify       "audit log intact: N entries", exit 0; or the
 *                             first bad entry on stderr, exit 1
 *   muster audit tail [-n N]  the last N entries (default 10), oldest first,
 *                             one per line: SEQ  TIME  ACTOR  ACTION  OBJECT  SUMMARY
 *                             with TIME in UTC (YYYY-MM-DDTHH:MM:SSZ), fields
 *                             separated by two spaces, control characters in
 *                             the text shown as '?'.
 */
#include "cli.h"

#include <muster/date.h>

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <muster/store.h>

static const char usage[] = "muster audit verify | muster audit tail [-n N]";

#define TAIL_DEFAULT 10

static void put_time(int64_t ms)
{
    char buf[21];
    mu_time_format_utc(ms, buf);
    fputs(buf, stdout);
}

static int verify(struct mu_store *s)
{
    struct mu_error err = {0};
    struct mu_audit_verify v;
    enum mu_err rc = mu_store_audit_verify(s, &v, &err);
    if (rc)
        return cli_fail(rc, &err);
    printf("audit log intact: %" PRId64 " %s\n", v.entries, v.entries == 1 ? "entry" : "entries");
    return MU_EXIT_OK;
}

static int tail(struct mu_store *s, size_t n)
{
    struct mu_error err = {0};
    struct mu_audit_entry *v = NULL;
    size_t count = 0;
    enum mu_err rc = mu_store_audit_tail(s, n, &v, &count, &err);
    if (rc)
        return cli_fail(rc, &err);
    for (size_t i = 0; i < count; i++) {
        printf("%" PRId64 "  ", v[i].seq);
        put_time(v[i].at);
        fputs("  ", stdout);
        cli_put_text(v[i].actor);
        fputs("  ", stdout);
        cli_put_text(v[i].action);
        fputs("  ", stdout);
        cli_put_text(v[i].object);
        fputs("  ", stdout);
        cli_put_text(v[i].summary);
        putchar('\n');
    }
    mu_audit_entries_free(v, count);
    return MU_EXIT_OK;
}

int cmd_audit(int argc, char **argv, struct cli_ctx *ctx)
{
    struct mu_store *s = NULL;
    const char *nval = NULL;
    int npos = 0, nset = 0, help = 0;
    size_t n = TAIL_DEFAULT;
    const struct cli_opt opts[] = {
        {"-n", CLI_VALUE, &nval, &nset},
        {"--help", CLI_FLAG, NULL, &help},
        {0},
    };
    if (cli_parse(argc, argv, opts, &npos))
        return cli_usage(usage);
    if (help) {
        printf("usage: %s\n", usage);
        return MU_EXIT_OK;
    }
    if (npos != 1)
        return cli_usage(usage);
    int is_verify = strcmp(argv[0], "verify") == 0;
    int is_tail = strcmp(argv[0], "tail") == 0;
    if (!is_verify && !is_tail) {
        fprintf(stderr, "muster: unknown audit command '%s'\n", argv[0]);
        return cli_usage(usage);
    }
    if (nset && is_verify)
        return cli_usage(usage);
    if (nset) {
        char *end = NULL;
        errno = 0;
        long long v = strtoll(nval, &end, 10);
        if (errno || end == nval || *end || v < 1 || v > 1000000) {
            fprintf(stderr, "muster: -n needs a count from 1 to 1000000, not '%s'\n", nval);
            return MU_EXIT_USAGE;
        }
        n = (size_t)v;
    }
    int code = cli_open_store(ctx, &s);
    if (code)
        return code;
    code = is_verify ? verify(s) : tail(s, n);
    mu_store_close(s);
    return code;
}
