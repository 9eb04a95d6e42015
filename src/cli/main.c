/* SPDX-License-Identifier: MIT */
/*
 * The muster command: global options, the command table and the one
 * mu_err -> exit code table. Subcommands live in cmd_<verb>.c; the frame
 * they share (the lookup of a subcommand, the store and calendars they
 * open, how a document or an error is printed) is here, see cli.h.
 */
#include "cli.h"

#include <muster/calendar.h>
#include <muster/mem.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef MUSTER_DATADIR
#define MUSTER_DATADIR "data"
#endif

static const struct {
    const char *name;
    cmd_fn *fn;
    const char *summary;
} commands[] = {
    {"plan", cmd_plan, "check, render, load, list and show emergency plans"},
    {"calendar", cmd_calendar, "working days: is-workday, add-workdays, workdays-between"},
    {"audit", cmd_audit, "verify and tail the hash-chained audit log"},
    {"migrate", cmd_migrate, "create or upgrade the database schema"},
    {"serve", cmd_serve, "serve the web UI and JSON API"},
    {"user", cmd_user, "add, change, disable and list user accounts"},
    {"token", cmd_token, "create, list and revoke API tokens"},
    {"checkin", cmd_checkin, "daily check-ins: submit, board, summary, tick, stats"},
    {"roster", cmd_roster, "duty roster: generate, publish, show, now, gaps, overrides, exports"},
    {"notify", cmd_notify, "notification outbox: send, run, list, show, cancel"},
    {"config", cmd_config, "organization settings: set, get, unset, list, keys"},
    {"case", cmd_case, "complaints and requests (信访事项): register, steps, due, ledger"},
    {"key", cmd_key, "the key file that seals complainants' identity: init, rotate"},
    {"hazard", cmd_hazard, "hazards found and fixed (隐患排查整改), checklists, rounds"},
    {"drill-record", cmd_drillrec, "drills held (演练台账): add, tasks, terms, due, ledger"},
    {"resource", cmd_resource, "resources (应急物资): add, adjust, assign, return, alerts"},
    {"contact", cmd_contact, "contacts directory and the printable phone list"},
    {"incident", cmd_incident, "incidents: open, ack, note, status, activate, close, show, report"},
    {"engine", cmd_engine, "the timer engine: run due timers (escalation, deadlines), status"},
    {"drill", cmd_drill, "simulated drills: replay a scenario against a plan, verdicts"},
};

int64_t cli_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int cli_exit_code(enum mu_err rc)
{
    switch (rc) {
    case MU_OK: return MU_EXIT_OK;
    case MU_EINVAL: /* fallthrough: bad input is a failure, not a usage error */
    case MU_ENOMEM:
    case MU_ENOTFOUND:
    case MU_ECONFLICT:
    case MU_ELIMIT:
    case MU_EIO:
    case MU_ESTORE:
    case MU_EINTERNAL: return MU_EXIT_FAIL;
    }
    return MU_EXIT_FAIL;
}

int cli_fail(enum mu_err rc, const struct mu_error *err)
{
    const char *msg = err && err->msg[0] ? err->msg : mu_strerror(rc);
    fprintf(stderr, "muster: %s\n", msg);
    return cli_exit_code(rc);
}

int cli_usage(const char *usage)
{
    fprintf(stderr, "muster: usage: %s\n", usage);
    return MU_EXIT_USAGE;
}

int cli_dispatch(int argc, char **argv, struct cli_ctx *ctx, const struct cli_cmd *cmd)
{
    if (argc < 1)
        return cli_usage(cmd->usage);
    const char *sub = argv[0];
    if (((cmd->help & CLI_HELP_LONG) && strcmp(sub, "--help") == 0) ||
        ((cmd->help & CLI_HELP_SHORT) && strcmp(sub, "-h") == 0) ||
        ((cmd->help & CLI_HELP_WORD) && strcmp(sub, "help") == 0)) {
        printf("usage: %s\n", cmd->usage);
        return MU_EXIT_OK;
    }
    for (const struct cli_sub *c = cmd->subs; c->name; c++)
        if (strcmp(c->name, sub) == 0)
            return c->run ? c->run(argc - 1, argv + 1, ctx)
                          : c->run_with(argc - 1, argv + 1, ctx, c->arg);
    fprintf(stderr, "muster: %s '%s'\n", cmd->unknown, sub);
    return cli_usage(cmd->usage);
}

int cli_open_store(const struct cli_ctx *ctx, struct mu_store **s)
{
    struct mu_error err = {0};
    enum mu_err rc = mu_store_open(ctx->db, s, &err);
    return rc ? cli_fail(rc, &err) : MU_EXIT_OK;
}

int cli_load_calendar(const struct cli_ctx *ctx, struct mu_calendar **cal)
{
    char dir[4096];
    struct mu_error err = {0};
    int w = snprintf(dir, sizeof(dir), "%s/calendars", ctx->datadir);
    if (w < 0 || (size_t)w >= sizeof(dir)) {
        fprintf(stderr, "muster: data directory path is too long\n");
        return MU_EXIT_FAIL;
    }
    enum mu_err rc = mu_calendar_load_dir(dir, cal, &err);
    return rc ? cli_fail(rc, &err) : MU_EXIT_OK;
}

int cli_run_open(const struct cli_ctx *ctx, unsigned flags, struct cli_run *r)
{
    int rc;
    memset(r, 0, sizeof(*r));
    if ((flags & CLI_RUN_CALENDAR) && (rc = cli_load_calendar(ctx, &r->cal)))
        return rc;
    if ((rc = cli_open_store(ctx, &r->s))) {
        cli_run_release(r);
        return rc;
    }
    r->actor.name = ctx->actor;
    r->actor.now_ms = cli_now_ms();
    return MU_EXIT_OK;
}

void cli_run_release(struct cli_run *r)
{
    mu_store_close(r->s);
    mu_calendar_free(r->cal);
    r->s = NULL;
    r->cal = NULL;
}

int cli_run_end(struct cli_run *r, enum mu_err rc)
{
    cli_run_release(r);
    return rc ? cli_fail(rc, &r->err) : MU_EXIT_OK;
}

int cli_emit(enum mu_err rc, char *text, const struct mu_error *err)
{
    if (rc == MU_OK)
        fputs(text, stdout);
    mu_free(text);
    return rc ? cli_fail(rc, err) : MU_EXIT_OK;
}

int cli_emit_ledger(enum mu_err rc, char *text, const char *xlsx, const struct mu_error *err)
{
    if (rc == MU_OK && !text) {
        printf("wrote %s\n", xlsx);
        return MU_EXIT_OK;
    }
    return cli_emit(rc, text, err);
}

int cli_read_file(const char *path, size_t max, char **out, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "muster: cannot read '%s'\n", path);
        return MU_EXIT_FAIL;
    }
    char *buf = mu_malloc(max + 2);
    size_t n = buf ? fread(buf, 1, max + 1, f) : 0;
    int bad = ferror(f);
    fclose(f);
    if (!buf)
        return cli_fail(MU_ENOMEM, NULL);
    if (bad) {
        mu_free(buf);
        fprintf(stderr, "muster: cannot read '%s'\n", path);
        return MU_EXIT_FAIL;
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return MU_EXIT_OK;
}

void cli_put_text(const char *s)
{
    for (; s && *s; s++)
        putchar((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s);
}

void cli_format_utc(int64_t ms, char out[32])
{
    struct tm tm;
    time_t t = (time_t)(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
    if (!gmtime_r(&t, &tm) || !strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm))
        snprintf(out, 32, "%lldms", (long long)ms);
}

static void help(FILE *f)
{
    fprintf(f, "usage: muster [--db DSN] COMMAND [ARGS]\n\n"
               "DSN is a SQLite file (default muster.db, or $MUSTER_DB) or a postgres:// URL.\n\n"
               "commands:\n");
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "  %-10s %s\n", "version", "print the version");
}

int main(int argc, char **argv)
{
    struct cli_ctx ctx = {0};
    ctx.db = getenv("MUSTER_DB");
    ctx.datadir = getenv("MUSTER_DATADIR");
    ctx.actor = getenv("MUSTER_ACTOR");
    if (!ctx.actor || !*ctx.actor)
        ctx.actor = getenv("USER");
    if (!ctx.actor || !*ctx.actor)
        ctx.actor = "cli";
    if (!ctx.datadir || !*ctx.datadir)
        ctx.datadir = MUSTER_DATADIR;

    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
            ctx.db = argv[++i];
        } else if (strncmp(argv[i], "--db=", 5) == 0) {
            ctx.db = argv[i] + 5;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            help(stdout);
            return MU_EXIT_OK;
        } else if (strcmp(argv[i], "--version") == 0) {
            printf("muster %s\n", MUSTER_VERSION);
            return MU_EXIT_OK;
        } else {
            fprintf(stderr, "muster: unknown option '%s'\n", argv[i]);
            help(stderr);
            return MU_EXIT_USAGE;
        }
    }
    if (!ctx.db || !*ctx.db)
        ctx.db = "muster.db";
    if (i >= argc) {
        help(stderr);
        return MU_EXIT_USAGE;
    }
    const char *name = argv[i];
    if (strcmp(name, "version") == 0) {
        printf("muster %s\n", MUSTER_VERSION);
        return MU_EXIT_OK;
    }
    if (strcmp(name, "help") == 0) {
        help(stdout);
        return MU_EXIT_OK;
    }
    for (size_t c = 0; c < sizeof(commands) / sizeof(commands[0]); c++)
        if (strcmp(commands[c].name, name) == 0)
            return commands[c].fn(argc - i - 1, argv + i + 1, &ctx);
    fprintf(stderr, "muster: unknown command '%s'\n", name);
    help(stderr);
    return MU_EXIT_USAGE;
}
