/* SPDX-License-Identifier: MIT */
/*
 * The subcommands' arguments: a small table-driven option parser, the
 * repeatable options it leaves alone, and the checks of ids, times, dates
 * and day counts whose messages every command shares; see cli.h.
 */
#include "cli.h"

#include <muster/date.h>
#include <stdlib.h>
#include <string.h>

int cli_parse(int argc, char **argv, const struct cli_opt *opts, int *npos)
{
    int n = 0, only_pos = 0;
    for (int i = 0; i < argc; i++) {
        char *a = argv[i];
        if (only_pos || a[0] != '-' || a[1] == '\0') {
            argv[n++] = a;
            continue;
        }
        if (strcmp(a, "--") == 0) {
            only_pos = 1;
            continue;
        }
        const char *eq = strchr(a, '=');
        size_t nlen = eq ? (size_t)(eq - a) : strlen(a);
        const struct cli_opt *o = opts;
        for (; o && o->name; o++)
            if (strlen(o->name) == nlen && strncmp(o->name, a, nlen) == 0)
                break;
        if (!o || !o->name) {
            fprintf(stderr, "muster: unknown option '%.*s'\n", (int)nlen, a);
            return MU_EXIT_USAGE;
        }
        if (o->kind == CLI_VALUE) {
            const char *v = eq ? eq + 1 : NULL;
            if (!v) {
                if (i + 1 >= argc) {
                    fprintf(stderr, "muster: option '%s' needs a value\n", o->name);
                    return MU_EXIT_USAGE;
                }
                v = argv[++i];
            }
            if (o->value)
                *o->value = v;
        } else if (eq) {
            fprintf(stderr, "muster: option '%s' takes no value\n", o->name);
            return MU_EXIT_USAGE;
        }
        if (o->set)
            (*o->set)++;
    }
    *npos = n;
    return 0;
}

/* What take_each does with each value of the option: 0, or an exit code to stop with. */
typedef int take_fn(void *ctx, const char *name, const char *value);

/*
 * Hand every `NAME VALUE` / `NAME=VALUE` of option @p name before a "--"
 * to @p take, and keep the other arguments, in order, at the front of argv
 * (*argc their count).
 */
static int take_each(int *argc, char **argv, const char *name, take_fn *take, void *ctx)
{
    int m = 0, rc;
    size_t len = strlen(name);
    for (int i = 0; i < *argc; i++) {
        const char *v = NULL;
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
            v = argv[++i];
        } else if (strncmp(argv[i], name, len) == 0 && argv[i][len] == '=') {
            v = argv[i] + len + 1;
        } else {
            argv[m++] = argv[i];
            continue;
        }
        if ((rc = take(ctx, name, v)))
            return rc;
    }
    *argc = m;
    return MU_EXIT_OK;
}

struct take_values {
    const char **vals;
    int n;
};

static int take_value(void *ctx, const char *name, const char *value)
{
    struct take_values *t = ctx;
    (void)name;
    t->vals[t->n++] = value;
    return MU_EXIT_OK;
}

int cli_take_repeated(int *argc, char **argv, const char *name, const char **vals, int *n)
{
    struct take_values t = {vals, 0};
    int rc = take_each(argc, argv, name, take_value, &t);
    *n = t.n;
    return rc;
}

struct take_fields {
    struct cli_kv *fields;
    int n;
};

static int take_field(void *ctx, const char *name, const char *value)
{
    struct take_fields *t = ctx;
    char *eq = strchr(value, '=');
    if (!eq) {
        fprintf(stderr, "muster: %s '%s' is not KEY=VALUE\n", name, value);
        return MU_EXIT_USAGE;
    }
    *eq = '\0'; /* argv strings are ours to split */
    t->fields[t->n].key = value;
    t->fields[t->n++].value = eq + 1;
    return MU_EXIT_OK;
}

int cli_take_fields(int *argc, char **argv, const char *name, struct cli_kv *fields, int *n)
{
    struct take_fields t = {fields, 0};
    int rc = take_each(argc, argv, name, take_field, &t);
    *n = t.n;
    return rc;
}

int cli_parse_id(const char *what, const char *s, int64_t *id)
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

int cli_parse_time(const char *what, const char *s, int64_t dflt, int64_t *ms)
{
    struct mu_error err = {0};
    if (!s) {
        *ms = dflt;
        return MU_EXIT_OK;
    }
    if (mu_local_parse(s, ms, &err)) {
        fprintf(stderr, "muster: %s: %s\n", what, err.msg);
        return MU_EXIT_FAIL;
    }
    return MU_EXIT_OK;
}

int cli_parse_date(const char *what, const char *s, int32_t *day)
{
    struct mu_error err = {0};
    if (!s) {
        *day = mu_local_day(cli_now_ms(), NULL);
        return MU_EXIT_OK;
    }
    if (mu_date_parse(s, strlen(s), day, &err)) {
        fprintf(stderr, "muster: %s: %s\n", what, err.msg);
        return MU_EXIT_FAIL;
    }
    return MU_EXIT_OK;
}

int cli_parse_within(const char *s, int32_t dflt, int32_t *days)
{
    *days = dflt;
    if (!s)
        return MU_EXIT_OK;
    char *end = NULL;
    long v = strtol(s, &end, 10);
    if (!*s || *end || v < 0 || v > 3660) {
        fprintf(stderr, "muster: within: '%s' is not a number of days\n", s);
        return MU_EXIT_FAIL;
    }
    *days = (int32_t)v;
    return MU_EXIT_OK;
}
