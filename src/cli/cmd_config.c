/* SPDX-License-Identifier: MIT */
/*
 * muster config: the organization's settings (any key; the keys muster knows
 * are validated, see `muster config keys`). Secrets are never printed:
 * `list` and `get` show "********" for them and URLs with their tokens
 * masked; `get --reveal` prints a non-secret value exactly as stored.
 */
#include "cli.h"

#include <string.h>

#include <muster/config.h>
#include <muster/mem.h>
#include <muster/store.h>

#define USAGE                                                                                      \
    "muster config set KEY VALUE\n"                                                                \
    "       muster config get KEY [--reveal]\n"                                                    \
    "       muster config unset KEY\n"                                                             \
    "       muster config list [--prefix PREFIX]\n"                                                \
    "       muster config keys"

static int open_store(const struct cli_ctx *ctx, struct mu_store **s)
{
    struct mu_error err = {0};
    enum mu_err rc = mu_store_open(ctx->db, s, &err);
    return rc ? cli_fail(rc, &err) : MU_EXIT_OK;
}

static int set_cmd(int argc, char **argv, struct cli_ctx *ctx)
{
    int npos = 0, rc;
    const struct cli_opt opts[] = {{NULL, CLI_FLAG, NULL, NULL}};
    if ((rc = cli_parse(argc, argv, opts, &npos)))
        return rc;
    if (npos != 2)
        return cli_usage("muster config set KEY VALUE");
    struct mu_store *s = NULL;
    if ((rc = open_store(ctx, &s)))
        return rc;
    struct mu_actor actor = {ctx->actor, cli_now_ms()};
    struct mu_error err = {0};
    enum mu_err e = mu_app_config_set(s, &actor, argv[0], argv[1], &err);
    mu_store_close(s);
    if (e)
        return cli_fail(e, &err);
    printf("set %s\n", argv[0]);
    return MU_EXIT_OK;
}

static int get_cmd(int argc, char **argv, struct cli_ctx *ctx)
{
    int npos = 0, reveal = 0, rc;
    const struct cli_opt opts[] = {{"--reveal", CLI_FLAG, NULL, &reveal},
                                   {NULL, CLI_FLAG, NULL, NULL}};
    if ((rc = cli_parse(argc, argv, opts, &npos)))
        return rc;
    if (npos != 1)
        return cli_usage("muster config get KEY [--reveal]");
    struct mu_store *s = NULL;
    if ((rc = open_store(ctx, &s)))
        return rc;
    struct mu_error err = {0};
    char *v = NULL, *shown = NULL;
    enum mu_err e = mu_store_setting_get(s, argv[0], &v, &err);
    mu_store_close(s);
    if (e == MU_OK && reveal && !mu_config_key_is_secret(argv[0]))
        shown = mu_strdup(v), e = shown ? MU_OK : MU_ENOMEM;
    else if (e == MU_OK)
        e = mu_config_display(argv[0], v, &shown, &err);
    if (e == MU_OK)
        printf("%s\n", shown);
    mu_free(v);
    mu_free(shown);
    return e ? cli_fail(e, &err) : MU_EXIT_OK;
}

static int unset_cmd(int argc, char **argv, struct cli_ctx *ctx)
{
    int npos = 0, rc;
    const struct cli_opt opts[] = {{NULL, CLI_FLAG, NULL, NULL}};
    if ((rc = cli_parse(argc, argv, opts, &npos)))
        return rc;
    if (npos != 1)
        return cli_usage("muster config unset KEY");
    struct mu_store *s = NULL;
    if ((rc = open_store(ctx, &s)))
        return rc;
    struct mu_actor actor = {ctx->actor, cli_now_ms()};
    struct mu_error err = {0};
    enum mu_err e = mu_store_setting_unset(s, &actor, argv[0], &err);
    mu_store_close(s);
    if (e)
        return cli_fail(e, &err);
    printf("unset %s\n", argv[0]);
    return MU_EXIT_OK;
}

static int list_cmd(int argc, char **argv, struct cli_ctx *ctx)
{
    const char *prefix = NULL;
    int npos = 0, rc;
    const struct cli_opt opts[] = {{"--prefix", CLI_VALUE, &prefix, NULL},
                                   {NULL, CLI_FLAG, NULL, NULL}};
    if ((rc = cli_parse(argc, argv, opts, &npos)))
        return rc;
    if (npos)
        return cli_usage("muster config list [--prefix PREFIX]");
    struct mu_store *s = NULL;
    if ((rc = open_store(ctx, &s)))
        return rc;
    struct mu_error err = {0};
    struct mu_setting *v = NULL;
    size_t n = 0;
    enum mu_err e = mu_store_settings_list(s, prefix, &v, &n, &err);
    mu_store_close(s);
    for (size_t i = 0; e == MU_OK && i < n; i++) {
        char *shown = NULL;
        e = mu_config_display(v[i].key, v[i].value, &shown, &err);
        if (e == MU_OK)
            printf("%s = %s\n", v[i].key, shown);
        mu_free(shown);
    }
    mu_settings_free(v, n);
    return e ? cli_fail(e, &err) : MU_EXIT_OK;
}

static int keys_cmd(void)
{
    for (const struct mu_config_key *k = mu_config_known_keys(); k->key; k++)
        printf("%-24s %s\n", k->key, k->help);
    return MU_EXIT_OK;
}

int cmd_config(int argc, char **argv, struct cli_ctx *ctx)
{
    if (argc < 1)
        return cli_usage(USAGE);
    const char *sub = argv[0];
    if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0 || strcmp(sub, "help") == 0) {
        printf("usage: %s\n", USAGE);
        return MU_EXIT_OK;
    }
    if (strcmp(sub, "set") == 0)
        return set_cmd(argc - 1, argv + 1, ctx);
    if (strcmp(sub, "get") == 0)
        return get_cmd(argc - 1, argv + 1, ctx);
    if (strcmp(sub, "unset") == 0)
        return unset_cmd(argc - 1, argv + 1, ctx);
    if (strcmp(sub, "list") == 0)
        return list_cmd(argc - 1, argv + 1, ctx);
    if (strcmp(sub, "keys") == 0 && argc == 1)
        return keys_cmd();
    fprintf(stderr, "muster: config: unknown subcommand '%s'\n", sub);
    return cli_usage(USAGE);
}
