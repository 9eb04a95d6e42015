/* SPDX-License-Identifier: MIT */
/*
 * muster key: the key file that seals complainants' identity (see
 * muster/case.h). init creates it next to the SQLite file as <db>.key (or
 * at --key-file / $MUSTER_KEY_FILE), mode 0600, and never overwrites one;
 * rotate makes a new key and re-seals every value with it in one
 * transaction.
 */
#include "cli.h"

#include <muster/case.h>
#include <muster/store.h>
#include <stdlib.h>
#include <string.h>

#define USAGE "muster key init [--key-file PATH]\n       muster key rotate [--key-file PATH]"

int cmd_key(int argc, char **argv, struct cli_ctx *ctx)
{
    const char *key_file = NULL;
    int npos = 0, rc;
    if (argc < 1)
        return cli_usage(USAGE);
    const char *sub = argv[0];
    if (strcmp(sub, "--help") == 0 || strcmp(sub, "help") == 0) {
        printf("usage: %s\n", USAGE);
        return MU_EXIT_OK;
    }
    const struct cli_opt opts[] = {{"--key-file", CLI_VALUE, &key_file, NULL},
                                   {NULL, CLI_FLAG, NULL, NULL}};
    if ((rc = cli_parse(argc - 1, argv + 1, opts, &npos)))
        return rc;
    int init = strcmp(sub, "init") == 0;
    if (npos || (!init && strcmp(sub, "rotate") != 0))
        return cli_usage(USAGE);
    char path[4200], id[MU_CASE_KEY_ID_LEN + 1];
    struct mu_error err = {0};
    enum mu_err e = MU_OK;
    if (key_file)
        snprintf(path, sizeof(path), "%s", key_file);
    else
        e = mu_case_keyfile_default(ctx->db, getenv("MUSTER_KEY_FILE"), path, sizeof(path), &err);
    if (e)
        return cli_fail(e, &err);
    if (init) {
        if ((e = mu_case_keyfile_init(path, id, &err)))
            return cli_fail(e, &err);
        printf("created key file %s (key %s); keep it secret and back it up apart from the "
               "database\n",
               path, id);
        return MU_EXIT_OK;
    }
    struct cli_run r;
    if ((rc = cli_run_open(ctx, 0, &r)))
        return rc;
    size_t n = 0;
    e = mu_app_case_key_rotate(r.s, &r.actor, path, &n, id, &r.err);
    if ((rc = cli_run_end(&r, e)))
        return rc;
    printf("rotated to key %s: %zu case%s re-sealed\n", id, n, n == 1 ? "" : "s");
    return MU_EXIT_OK;
}
