/* SPDX-License-Identifier: MIT */
/* muster plan: placeholder until the subcommand lands. */
#include "cli.h"

int cmd_plan(int argc, char **argv, struct cli_ctx *ctx)
{
    (void)argc;
    (void)argv;
    (void)ctx;
    fprintf(stderr, "muster: 'plan' is not built yet\n");
    return MU_EXIT_FAIL;
}
