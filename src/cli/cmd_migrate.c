/* SPDX-License-Identifier: MIT */
/*
 * muster migrate: bring the database schema up to the version this binary
 * knows, and say what happened ("schema version 0 -> 1", or "schema version
 * 1 (up to date)"). A database newer than the binary is refused, untouched.
 */
#include "cli.h"

#include <muster/store.h>

static const char usage[] = "muster [--db DSN] migrate";

int cmd_migrate(int argc, char **argv, struct cli_ctx *ctx)
{
    struct mu_error err = {0};
    struct mu_store *s = NULL;
    int npos = 0, from = 0, to = 0, help = 0;
    const struct cli_opt opts[] = {{"--help", CLI_FLAG, NULL, &help}, {0}};
    if (cli_parse(argc, argv, opts, &npos))
        return cli_usage(usage);
    if (help) {
        printf("usage: %s\n", usage);
        return MU_EXIT_OK;
    }
    if (npos != 0)
        return cli_usage(usage);
    enum mu_err rc = mu_store_open_ex(ctx->db, MU_STORE_OPEN_NO_MIGRATE, &s, &err);
    if (rc == MU_OK)
        rc = mu_store_migrate(s, &from, &to, &err);
    if (rc == MU_OK) {
        if (from == to)
            printf("schema version %d (up to date)\n", to);
        else
            printf("schema version %d -> %d\n", from, to);
    }
    mu_store_close(s);
    return rc ? cli_fail(rc, &err) : MU_EXIT_OK;
}
