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

static int set_cmd(int argc, char **argv, struct cli_ctx *ctx)
{
    int npos = 0, rc;
    const struct cli_opt opts[] = {{NULL, CLI_FLAG, NULL, NULL}};
    if ((rc = cli_parse(argc, argv, opts, &npos)))
        return rc;
    if (npos != 2)
        return cli_usage("muster config set KEY VALUE");
    struct cli_run r;
    if ((rc = cli_run_open(ctx, 0, &r)))
        return rc;
    enum mu_err e = mu_app_config_set(r.s, &r.actor, argv[0], argv[1], &r.err);
    if ((rc = cli_run_end(&r, e)))
        return rc;
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
    struct cli_run r;
    if ((rc = cli_run_open(ctx, 0, &r)))
        return rc;
    char *v = NULL, *shown = NULL;
    enum mu_err e = mu_store_setting_get(r.s, argv[0], &v, &r.err);
    cli_run_release(&r);
    if (e == MU_OK && reveal && !mu_config_key_is_secret(argv[0]))
        shown = mu_strdup(v), e = shown ? MU_OK : MU_ENOMEM;
    else if (e == MU_OK)
        e = mu_config_display(argv[0], v, &shown, &r.err);
    if (e == MU_OK)
        printf("%s\n", shown);
    mu_free(v);
    mu_free(shown);
    return e ? cli_fail(e, &r.err) : MU_EXIT_OK;
}

static int unset_cmd(int argc, char **argv, struct cli_ctx *ctx)
{
    int npos = 0, rc;
    const struct cli_opt opts[] = {{NULL, CLI_FLAG, NULL, NULL}};
    if ((rc = cli_parse(argc, argv, opts, &npos)))
        return rc;
    if (npos != 1)
        return cli_usage("muster config unset KEY");
    struct cli_run r;
    if ((rc = cli_run_open(ctx, 0, &r)))
        return rc;
    enum mu_err e = mu_store_setting_unset(r.s, &r.actor, argv[0], &r.err);
    if ((rc = cli_run_end(&r, e)))
        return rc;
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
    struct cli_run r;
    if ((rc = cli_run_open(ctx, 0, &r)))
        return rc;
    struct mu_setting *v = NULL;
    size_t n = 0;
    enum mu_err e = mu_store_settings_list(r.s, prefix, &v, &n, &r.err);
    cli_run_release(&r);
    for (size_t i = 0; e == MU_OK && i < n; i++) {
        char *shown = NULL;
        e = mu_config_display(v[i].key, v[i].value, &shown, &r.err);
        if (e == MU_OK)
            printf("%s = %s\n", v[i].key, shown);
        mu_free(shown);
    }
    mu_settings_free(v, n);
    return e ? cli_fail(e, &r.err) : MU_EXIT_OK;
}

/* keys takes no arguments; with any, it is not a subcommand this command knows. */
static int keys_cmd(int argc, char **argv, struct cli_ctx *ctx)
{
    (void)argv;
    (void)ctx;
    if (argc) {
        fprintf(stderr, "muster: config: unknown subcommand 'keys'\n");
        return cli_usage(USAGE);
    }
    for (const struct mu_config_key *k = mu_config_known_keys(); k->key; k++)
        printf("%-24s %s\n", k->key, k->help);
    return MU_EXIT_OK;
}

static const struct cli_sub subs[] = {
    {"set", .run = set_cmd},     {"get", .run = get_cmd},   {"unset", .run = unset_cmd},
    {"list", .run = list_cmd},   {"keys", .run = keys_cmd}, {NULL},
};

int cmd_config(int argc, char **argv, struct cli_ctx *ctx)
{
    static const struct cli_cmd cmd = {USAGE, "config: unknown subcommand", CLI_HELP_ALL, subs};
    return cli_dispatch(argc, argv, ctx, &cmd);
}
