/* SPDX-License-Identifier: MIT */
/*
 * muster token: API tokens for integrations (Authorization: Bearer ...).
 *
 *   muster token create --user NAME [--expires 90d|never] [--name LABEL]
 *   muster token list [--user NAME]
 *   muster token revoke ID
 *
 * create prints the token, and only the token, on standard output, so that
 * a script can capture it; the store keeps only its hash, so it is never
 * shown again. Tokens expire after 90 days unless --expires says otherwise.
 */
#include "cli.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <muster/account.h>
#include <muster/date.h>
#include <muster/mem.h>
#include <muster/store.h>

#define TOKEN_USAGE                                                                                \
    "muster token create --user NAME [--expires 90d|never] [--name LABEL]\n"                       \
    "       muster token list [--user NAME]\n"                                                     \
    "       muster token revoke ID"

#define DEFAULT_EXPIRY_S (90 * 86400LL)

static int token_create(int argc, char **argv, struct cli_ctx *ctx)
{
    static const char usage[] =
        "muster token create --user NAME [--expires 90d|never] [--name LABEL]";
    const char *user = NULL, *expires = NULL, *label = NULL;
    int npos = 0, code;
    int64_t seconds = DEFAULT_EXPIRY_S, id = 0;
    char token[MU_TOKEN_LEN + 1];
    const struct cli_opt opts[] = {
        {"--user", CLI_VALUE, &user, NULL},
        {"--expires", CLI_VALUE, &expires, NULL},
        {"--name", CLI_VALUE, &label, NULL},
        {0},
    };
    if (cli_parse(argc, argv, opts, &npos) || npos != 0 || !user)
        return cli_usage(usage);
    if (expires && strcmp(expires, "never") == 0) {
        seconds = 0;
    } else if (expires && mu_duration_parse(expires, strlen(expires), &seconds, NULL) != MU_OK) {
        fprintf(stderr,
                "muster: --expires needs a duration such as 90d, 12h or 2w, or 'never', not "
                "'%s'\n",
                expires);
        return MU_EXIT_USAGE;
    }
    struct cli_run r;
    if ((code = cli_run_open(ctx, 0, &r)))
        return code;
    int64_t at = seconds ? r.actor.now_ms + seconds * 1000 : 0;
    enum mu_err rc = mu_auth_token_create(r.s, &r.actor, user, label, at, token, &id, &r.err);
    if ((code = cli_run_end(&r, rc)))
        return code;
    char when[32] = "never";
    if (at)
        cli_format_utc(at, when);
    printf("%s\n", token);
    fflush(stdout);
    memset(token, 0, sizeof(token));
    fprintf(stderr,
            "muster: token %lld for user '%s', expires %s; store it now: it is not shown "
            "again\n",
            (long long)id, user, when);
    return MU_EXIT_OK;
}

static int token_list(int argc, char **argv, struct cli_ctx *ctx)
{
    const char *user = NULL;
    int npos = 0, code;
    struct mu_token_info *v = NULL;
    size_t n = 0;
    const struct cli_opt opts[] = {
        {"--user", CLI_VALUE, &user, NULL},
        {0},
    };
    if (cli_parse(argc, argv, opts, &npos) || npos != 0)
        return cli_usage("muster token list [--user NAME]");
    struct cli_run r;
    if ((code = cli_run_open(ctx, 0, &r)))
        return code;
    enum mu_err rc = mu_store_token_list(r.s, user, &v, &n, &r.err);
    if ((code = cli_run_end(&r, rc)))
        return code;
    int64_t now = cli_now_ms();
    int wuser = 4, wname = 4;
    for (size_t i = 0; i < n; i++) {
        int l = (int)strlen(v[i].user);
        wuser = l > wuser ? l : wuser;
        l = v[i].name[0] ? (int)strlen(v[i].name) : 1;
        wname = l > wname ? l : wname;
    }
    printf("%-4s  %-*s  %-*s  %-20s  %-20s  %-20s  %s\n", "ID", wuser, "USER", wname, "NAME",
           "CREATED", "EXPIRES", "LAST USED", "STATUS");
    for (size_t i = 0; i < n; i++) {
        char created[32], exp[32] = "never", used[32] = "never";
        const char *status = "active";
        cli_format_utc(v[i].created_at, created);
        if (v[i].expires_at)
            cli_format_utc(v[i].expires_at, exp);
        if (v[i].last_used_at)
            cli_format_utc(v[i].last_used_at, used);
        if (v[i].revoked_at)
            status = "revoked";
        else if (v[i].expires_at && now >= v[i].expires_at)
            status = "expired";
        printf("%-4lld  %-*s  %-*s  %-20s  %-20s  %-20s  %s\n", (long long)v[i].id, wuser,
               v[i].user, wname, v[i].name[0] ? v[i].name : "-", created, exp, used, status);
    }
    mu_token_infos_free(v, n);
    return MU_EXIT_OK;
}

static int token_revoke(int argc, char **argv, struct cli_ctx *ctx)
{
    static const char usage[] = "muster token revoke ID";
    int npos = 0, changed = 0, code;
    const struct cli_opt opts[] = {{0}};
    if (cli_parse(argc, argv, opts, &npos) || npos != 1)
        return cli_usage(usage);
    char *end = NULL;
    errno = 0;
    long long id = strtoll(argv[0], &end, 10);
    if (errno || end == argv[0] || *end || id < 1) {
        fprintf(stderr, "muster: a token id is a number from 'muster token list', not '%s'\n",
                argv[0]);
        return MU_EXIT_USAGE;
    }
    struct cli_run r;
    if ((code = cli_run_open(ctx, 0, &r)))
        return code;
    enum mu_err rc = mu_store_token_revoke(r.s, &r.actor, id, &changed, &r.err);
    if ((code = cli_run_end(&r, rc)))
        return code;
    if (changed)
        printf("revoked token %lld\n", id);
    else
        printf("token %lld was already revoked\n", id);
    return MU_EXIT_OK;
}

static const struct cli_sub subs[] = {
    {"create", .run = token_create},
    {"list", .run = token_list},
    {"revoke", .run = token_revoke},
    {NULL},
};

int cmd_token(int argc, char **argv, struct cli_ctx *ctx)
{
    static const struct cli_cmd cmd = {TOKEN_USAGE, "unknown token command", CLI_HELP_LONG, subs};
    return cli_dispatch(argc, argv, ctx, &cmd);
}
