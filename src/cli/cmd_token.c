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
#include <time.h>

#include <muster/account.h>
#include <muster/date.h>
#include <muster/mem.h>
#include <muster/store.h>

#define TOKEN_USAGE                                                                                \
    "muster token create --user NAME [--expires 90d|never] [--name LABEL]\n"                       \
    "       muster token list [--user NAME]\n"                                                     \
    "       muster token revoke ID"

#define DEFAULT_EXPIRY_S (90 * 86400LL)

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void format_utc(int64_t ms, char out[32])
{
    struct tm tm;
    time_t t = (time_t)(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
    if (!gmtime_r(&t, &tm) || !strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm))
        snprintf(out, 32, "%lldms", (long long)ms);
}

static int open_store(struct cli_ctx *ctx, struct mu_store **s)
{
    struct mu_error err = {0};
    enum mu_err rc = mu_store_open(ctx->db, s, &err);
    return rc ? cli_fail(rc, &err) : MU_EXIT_OK;
}

static int token_create(int argc, char **argv, struct cli_ctx *ctx)
{
    static const char usage[] =
        "muster token create --user NAME [--expires 90d|never] [--name LABEL]";
    const char *user = NULL, *expires = NULL, *label = NULL;
    int npos = 0, code;
    int64_t seconds = DEFAULT_EXPIRY_S, id = 0;
    struct mu_error err = {0};
    struct mu_store *s = NULL;
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
    if ((code = open_store(ctx, &s)))
        return code;
    struct mu_actor a = {.name = ctx->actor, .now_ms = now_ms()};
    int64_t at = seconds ? a.now_ms + seconds * 1000 : 0;
    enum mu_err rc = mu_auth_token_create(s, &a, user, label, at, token, &id, &err);
    mu_store_close(s);
    if (rc)
        return cli_fail(rc, &err);
    char when[32] = "never";
    if (at)
        format_utc(at, when);
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
    struct mu_error err = {0};
    struct mu_store *s = NULL;
    struct mu_token_info *v = NULL;
    size_t n = 0;
    const struct cli_opt opts[] = {
        {"--user", CLI_VALUE, &user, NULL},
        {0},
    };
    if (cli_parse(argc, argv, opts, &npos) || npos != 0)
        return cli_usage("muster token list [--user NAME]");
    if ((code = open_store(ctx, &s)))
        return code;
    enum mu_err rc = mu_store_token_list(s, user, &v, &n, &err);
    mu_store_close(s);
    if (rc)
        return cli_fail(rc, &err);
    int64_t now = now_ms();
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
        format_utc(v[i].created_at, created);
        if (v[i].expires_at)
            format_utc(v[i].expires_at, exp);
        if (v[i].last_used_at)
            format_utc(v[i].last_used_at, used);
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
    struct mu_error err = {0};
    struct mu_store *s = NULL;
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
    if ((code = open_store(ctx, &s)))
        return code;
    struct mu_actor a = {.name = ctx->actor, .now_ms = now_ms()};
    enum mu_err rc = mu_store_token_revoke(s, &a, id, &changed, &err);
    mu_store_close(s);
    if (rc)
        return cli_fail(rc, &err);
    if (changed)
        printf("revoked token %lld\n", id);
    else
        printf("token %lld was already revoked\n", id);
    return MU_EXIT_OK;
}

int cmd_token(int argc, char **argv, struct cli_ctx *ctx)
{
    if (argc < 1)
        return cli_usage(TOKEN_USAGE);
    const char *sub = argv[0];
    if (strcmp(sub, "--help") == 0) {
        printf("usage: %s\n", TOKEN_USAGE);
        return MU_EXIT_OK;
    }
    if (strcmp(sub, "create") == 0)
        return token_create(argc - 1, argv + 1, ctx);
    if (strcmp(sub, "list") == 0)
        return token_list(argc - 1, argv + 1, ctx);
    if (strcmp(sub, "revoke") == 0)
        return token_revoke(argc - 1, argv + 1, ctx);
    fprintf(stderr, "muster: unknown token command '%s'\n", sub);
    return cli_usage(TOKEN_USAGE);
}
