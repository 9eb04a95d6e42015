/* SPDX-License-Identifier: MIT */
/* muster migrate: placeholder until the subcommand lands. */
#include "cli.h"

int cmd_migrate(int argc, char **argv, struct cli_ctx *ctx)
{
    (void)argc;
    (void)argv;
    (void)ctx;
    fprintf(stderr, "muster: 'migrate' is not built yet\n");
    return MU_EXIT_FAIL;
}
