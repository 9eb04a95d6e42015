/* SPDX-License-Identifier: MIT */
/* muster calendar: placeholder until the subcommand lands. */
#include "cli.h"

int cmd_calendar(int argc, char **argv, struct cli_ctx *ctx)
{
    (void)argc;
    (void)argv;
    (void)ctx;
    fprintf(stderr, "muster: 'calendar' is not built yet\n");
    return MU_EXIT_FAIL;
}
