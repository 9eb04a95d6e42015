/* SPDX-License-Identifier: MIT */
/*
 * Shared declarations of the muster command: the subcommand functions (one
 * file cmd_<verb>.c each), the small option parser, and the context every
 * subcommand receives. Only the public headers under include/muster are visible from here.
 */
#ifndef MU_CLI_H
#define MU_CLI_H

#include <muster/err.h>
#include <stdint.h>
#include <stdio.h>

/* Exit codes (the one table is exit_code() in main.c). */
#define MU_EXIT_OK 0
#define MU_EXIT_FAIL 1
#define MU_EXIT_USAGE 2

struct cli_ctx {
    const char *db;      /* --db, else $MUSTER_DB, else "muster.db" */
    const char *datadir; /* calendars etc.: $MUSTER_DATADIR, else the build-time data/ */
    const char *actor;   /* who the audit log names: $MUSTER_ACTOR, else $USER, else "cli" */
};

typedef int cmd_fn(int argc, char **argv, struct cli_ctx *ctx);

cmd_fn cmd_plan;
cmd_fn cmd_calendar;
cmd_fn cmd_audit;
cmd_fn cmd_migrate;
cmd_fn cmd_serve;
cmd_fn cmd_user;
cmd_fn cmd_token;
cmd_fn cmd_checkin;
cmd_fn cmd_roster;
cmd_fn cmd_notify;
cmd_fn cmd_config;
cmd_fn cmd_case;
cmd_fn cmd_key;
cmd_fn cmd_hazard;
cmd_fn cmd_drillrec;
cmd_fn cmd_resource;
cmd_fn cmd_contact;
cmd_fn cmd_incident;
cmd_fn cmd_engine;
cmd_fn cmd_drill;

/** Milliseconds since the Unix epoch: the one clock of the CLI. */
int64_t cli_now_ms(void);

/** Exit code for an error: usage problems 2, everything else 1. */
int cli_exit_code(enum mu_err rc);

/** Print "muster: MSG" (err->msg, or mu_strerror(rc)) to stderr and return cli_exit_code(rc). */
int cli_fail(enum mu_err rc, const struct mu_error *err);

/** Print "muster: usage: USAGE" to stderr; returns MU_EXIT_USAGE. */
int cli_usage(const char *usage);

/*
 * Option parsing over argv[start..argc). Options and positionals may mix;
 * "--" ends options. Each option is declared once in a table.
 */
enum cli_opt_kind { CLI_FLAG, CLI_VALUE };
struct cli_opt {
    const char *name;     /* "--json" */
    enum cli_opt_kind kind;
    const char **value;   /* OUT for CLI_VALUE: the last value given */
    int *set;             /* OUT: count of times given (may be NULL) */
};

/**
 * Parse @p argv; positionals are moved (in order) to the front of @p argv and
 * their count stored in *npos. Unknown options, or a missing value, print an
 * error naming the option and return MU_EXIT_USAGE; otherwise 0.
 */
int cli_parse(int argc, char **argv, const struct cli_opt *opts, int *npos);

#endif
