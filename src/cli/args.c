/* SPDX-License-Identifier: MIT */
/* A small table-driven option parser for the subcommands; see cli.h. */
#include "cli.h"

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
