/* SPDX-License-Identifier: MIT */
/* muster audit: placeholder until the subcommand lands. */
#include "cli.h"

int cmd_audit(int argc, char **argv, struct cli_ctx *ctx)
{
    (void)argc;
    (void)argv;
    (void)ctx;
    fprintf(stderr, "muster: 'audit' is not built yet\n");
    return MU_EXIT_FAIL;
}
