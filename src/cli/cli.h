/* SPDX-License-Identifier: MIT */
/*
 * Shared declarations of the muster command: the subcommand functions (one
 * file cmd_<verb>.c each), the small option parser and argument checks
 * (args.c), the frame every subcommand runs in and its output helpers
 * (main.c), and the context every subcommand receives. Only the public
 * headers under include/muster are visible from here.
 */
#ifndef MU_CLI_H
#define MU_CLI_H

#include <muster/err.h>
#include <muster/store.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct mu_calendar;

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

/* ---- main.c: exit codes, the subcommand table, the frame, output ---- */

/** Milliseconds since the Unix epoch: the one clock of the CLI. */
int64_t cli_now_ms(void);

/** Exit code for an error: usage problems 2, everything else 1. */
int cli_exit_code(enum mu_err rc);

/** Print "muster: MSG" (err->msg, or mu_strerror(rc)) to stderr and return cli_exit_code(rc). */
int cli_fail(enum mu_err rc, const struct mu_error *err);

/** Print "muster: usage: USAGE" to stderr; returns MU_EXIT_USAGE. */
int cli_usage(const char *usage);

/*
 * The subcommands of a command (`muster hazard add ...`), looked up by
 * cli_dispatch. Exactly one of run and run_with is set; run_with gets @p arg
 * as well, for the functions that serve several subcommands.
 */
struct cli_sub {
    const char *name; /* "add"; NULL ends the table */
    cmd_fn *run;
    int (*run_with)(int argc, char **argv, struct cli_ctx *ctx, int arg);
    int arg;
};

/* The words that print a command's usage on stdout and exit 0. */
enum cli_help_flags {
    CLI_HELP_LONG = 1 << 0,  /* --help */
    CLI_HELP_SHORT = 1 << 1, /* -h */
    CLI_HELP_WORD = 1 << 2,  /* help */
    CLI_HELP_ALL = CLI_HELP_LONG | CLI_HELP_SHORT | CLI_HELP_WORD,
};

struct cli_cmd {
    const char *usage;          /* borrowed: for help and every usage error */
    const char *unknown;        /* borrowed: "hazard: unknown subcommand" ("muster: %s 'SUB'") */
    unsigned help;              /* enum cli_help_flags */
    const struct cli_sub *subs; /* borrowed: ends with a NULL name */
};

/**
 * Run the subcommand named by argv[0] with the arguments after it. No
 * argument, or an unknown one (after "muster: UNKNOWN 'SUB'" on stderr),
 * is a usage error; a help word of cmd->help prints "usage: USAGE" on
 * stdout. Returns the exit code.
 */
int cli_dispatch(int argc, char **argv, struct cli_ctx *ctx, const struct cli_cmd *cmd);

/**
 * Open the store named by ctx->db into *s (OUT: owned by the caller,
 * mu_store_close). On failure prints why and returns the exit code.
 */
int cli_open_store(const struct cli_ctx *ctx, struct mu_store **s);

/**
 * Load the holiday data of ctx->datadir/calendars into *cal (OUT: owned by
 * the caller, mu_calendar_free). On failure prints why and returns the exit code.
 */
int cli_load_calendar(const struct cli_ctx *ctx, struct mu_calendar **cal);

/*
 * What one subcommand works with between cli_run_open and cli_run_end (or
 * cli_run_release): the store, the calendars when asked for, the actor the
 * audit log names and the detail of the use case's error. Caller-allocated.
 */
struct cli_run {
    struct mu_store *s;      /* owned: closed by cli_run_release */
    struct mu_calendar *cal; /* owned, NULL without CLI_RUN_CALENDAR: freed by cli_run_release */
    struct mu_actor actor;   /* name borrowed from ctx->actor; now_ms taken at open */
    struct mu_error err;     /* zeroed at open; still readable after cli_run_release */
};

enum cli_run_flags {
    CLI_RUN_CALENDAR = 1 << 0, /* load the calendars (before the store is opened) */
};

/**
 * Fill @p r: load the calendars when @p flags has CLI_RUN_CALENDAR, then
 * open the store. On failure prints why, leaves nothing open and returns
 * the exit code; otherwise MU_EXIT_OK.
 */
int cli_run_open(const struct cli_ctx *ctx, unsigned flags, struct cli_run *r);

/** Close the store and free the calendars of @p r; r->err stays readable. */
void cli_run_release(struct cli_run *r);

/** cli_run_release, then MU_EXIT_OK, or cli_fail(rc, &r->err) when @p rc is an error. */
int cli_run_end(struct cli_run *r, enum mu_err rc);

/**
 * The end of a subcommand that prints a document: on success @p text goes
 * to stdout; otherwise cli_fail(rc, err). @p text is transferred (mu_free,
 * may be NULL on error); @p err is borrowed. Returns the exit code.
 */
int cli_emit(enum mu_err rc, char *text, const struct mu_error *err);

/**
 * cli_emit for the registers that may write an XLSX ledger instead: with
 * @p text NULL on success, prints "wrote XLSX". @p text is transferred
 * (mu_free); @p xlsx and @p err are borrowed.
 */
int cli_emit_ledger(enum mu_err rc, char *text, const char *xlsx, const struct mu_error *err);

/**
 * Read all of @p path into *out (OUT: owned by the caller, mu_free; NUL
 * terminated) and its length into *len. Reads at most @p max + 1 bytes, so
 * the caller (or the library) can tell that the file is too large. Prints
 * "cannot read" and returns the exit code on failure.
 */
int cli_read_file(const char *path, size_t max, char **out, size_t *len);

/** Print @p s (borrowed; may be NULL) with control characters as '?': a record stays one line. */
void cli_put_text(const char *s);

/** Write @p ms as "YYYY-MM-DDTHH:MM:SSZ" (UTC) into @p out, or "<ms>ms" when out of range. */
void cli_format_utc(int64_t ms, char out[32]);

/* ---- args.c: options and argument checks ---- */

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

/**
 * Take every `NAME VALUE` / `NAME=VALUE` of the repeatable option @p name
 * out of argv before a "--" (cli_parse keeps only the last): the values,
 * borrowed from argv, into @p vals (room for *argc entries, caller-owned)
 * and their count into *n; argv keeps the rest, *argc their count. A
 * missing value is a usage error (printed; MU_EXIT_USAGE).
 */
int cli_take_repeated(int *argc, char **argv, const char *name, const char **vals, int *n);

/* One KEY=VALUE of a repeatable option such as --field, split in place in argv. */
struct cli_kv {
    const char *key;   /* borrowed from argv */
    const char *value; /* borrowed from argv */
};

/**
 * cli_take_repeated for an option whose values are KEY=VALUE: each is split
 * at its first '=' (argv is written to) into @p fields (room for *argc
 * entries, caller-owned), *n their count. A value without '=' is a usage
 * error ("muster: NAME 'VALUE' is not KEY=VALUE"; MU_EXIT_USAGE).
 */
int cli_take_fields(int *argc, char **argv, const char *name, struct cli_kv *fields, int *n);

/** Parse the positive id @p s into *id; else "muster: WHAT: 'S' is not an id" and MU_EXIT_FAIL. */
int cli_parse_id(const char *what, const char *s, int64_t *id);

/**
 * Parse the local time @p s (mu_local_parse) into *ms, or store @p dflt when
 * @p s is NULL; else "muster: WHAT: MSG" and MU_EXIT_FAIL.
 */
int cli_parse_time(const char *what, const char *s, int64_t dflt, int64_t *ms);

/** Parse the date @p s (YYYY-MM-DD; NULL: today) into *day; else "muster: WHAT: MSG", exit 1. */
int cli_parse_date(const char *what, const char *s, int32_t *day);

/** Parse --within DAYS (0..3660; NULL: @p dflt) into *days; else an error and MU_EXIT_FAIL. */
int cli_parse_within(const char *s, int32_t dflt, int32_t *days);

#endif
