/* SPDX-License-Identifier: MIT */
/*
 * muster engine: run the timer engine in the foreground. `run --once`
 * fires what is due (at --at, default now) and exits; `run --until TIME`
 * keeps firing, sleeping until the next due timer, until TIME; `run` alone
 * runs until interrupted. --deliver also delivers the outbox after each
 * round (incident timelines record each attempt). `status` prints how many
 * timers are armed and the next due time. `muster serve` runs the same
 * engine on a thread. The crash test sets MUSTER_TEST_CRASH_AFTER_CLAIM=1:
 * the process then exits with status 137 right after claiming a batch,
 * inside the transaction, as if killed with -9.
 */
#include "cli.h"

#include <muster/date.h>
#include <muster/engine.h>
#include <muster/incident.h>
#include <muster/outbox.h>
#include <muster/store.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define U_RUN "muster engine run [--once] [--at TIME | --until TIME] [--deliver]"
#define U_STATUS "muster engine status"
#define USAGE U_RUN "\n       " U_STATUS

static void crash_after_claim(void *ctx, const struct mu_timer *v, size_t n)
{
    (void)ctx;
    (void)v;
    (void)n;
    fprintf(stderr, "muster: engine: crashing after the claim (MUSTER_TEST_CRASH_AFTER_CLAIM)\n");
    fflush(stderr);
    _exit(137);
}

/* A fixed clock for --once --at. */
static int64_t fixed_now(void *ctx)
{
    return *(const int64_t *)ctx;
}

static void sleep_ms(int64_t ms)
{
    if (ms <= 0)
        return;
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000};
    nanosleep(&ts, NULL);
}

static int run(int argc, char **argv, struct cli_ctx *ctx)
{
    const char *at = NULL, *until = NULL;
    int once = 0, deliver = 0, npos = 0, rc;
    const struct cli_opt opts[] = {
        {"--once", CLI_FLAG, NULL, &once},       {"--at", CLI_VALUE, &at, NULL},
        {"--until", CLI_VALUE, &until, NULL},    {"--deliver", CLI_FLAG, NULL, &deliver},
        {NULL, CLI_FLAG, NULL, NULL},
    };
    if ((rc = cli_parse(argc, argv, opts, &npos)))
        return rc;
    if (npos || (at && until) || (at && !once) || (once && until))
        return cli_usage(U_RUN);
    int64_t fixed = 0, stop_at = 0;
    if ((rc = cli_parse_time("--at", at, 0, &fixed)) ||
        (rc = cli_parse_time("--until", until, 0, &stop_at)))
        return rc;
    struct mu_clock fixed_clock = {fixed_now, &fixed};
    const struct mu_clock *clock = at ? &fixed_clock : mu_clock_real();
    struct mu_engine_opts eo = {.node = ctx->actor};
    const char *crash = getenv("MUSTER_TEST_CRASH_AFTER_CLAIM");
    if (crash && strcmp(crash, "1") == 0)
        eo.after_claim = crash_after_claim;
    struct cli_run r;
    if ((rc = cli_run_open(ctx, 0, &r)))
        return rc;
    size_t fired = 0, deferred = 0;
    enum mu_err e;
    for (;;) {
        struct mu_engine_result res;
        e = mu_engine_run_due_ex(r.s, clock, &eo, 0, &res, &r.err);
        if (e)
            break;
        fired += res.fired;
        deferred += res.deferred;
        if (deliver) {
            struct mu_outbox_transport t = {.on_attempt = mu_app_incident_on_attempt,
                                            .actor = ctx->actor};
            e = mu_app_outbox_deliver(r.s, &t, clock->now_ms(clock->ctx), 100, NULL, &r.err);
            if (e)
                break;
        }
        if (once)
            break;
        int64_t next = -1, now = clock->now_ms(clock->ctx);
        if (until && now >= stop_at)
            break;
        if ((e = mu_engine_next_due(r.s, &next, &r.err)))
            break;
        int64_t wait = 60000; /* other processes may arm timers: look again within a minute */
        if (next >= 0 && next - now < wait)
            wait = next - now;
        if (until && stop_at - now < wait)
            wait = stop_at - now;
        if (deliver && wait > 5000)
            wait = 5000; /* retries of the outbox come due without a timer */
        sleep_ms(wait);
    }
    if ((rc = cli_run_end(&r, e)))
        return rc;
    printf("engine: %zu timers fired, %zu deferred\n", fired, deferred);
    return MU_EXIT_OK;
}

static int status(int argc, char **argv, struct cli_ctx *ctx)
{
    int npos = 0, rc;
    const struct cli_opt opts[] = {{NULL, CLI_FLAG, NULL, NULL}};
    if ((rc = cli_parse(argc, argv, opts, &npos)))
        return rc;
    if (npos)
        return cli_usage(U_STATUS);
    struct cli_run r;
    if ((rc = cli_run_open(ctx, 0, &r)))
        return rc;
    int64_t n = 0, next = -1;
    enum mu_err e = mu_store_timer_count(r.s, NULL, NULL, &n, &r.err);
    if (e == MU_OK)
        e = mu_engine_next_due(r.s, &next, &r.err);
    if ((rc = cli_run_end(&r, e)))
        return rc;
    char iso[26] = "none";
    if (next >= 0)
        mu_local_format(next, iso);
    printf("timers: %lld\nnext due: %s\n", (long long)n, iso);
    return MU_EXIT_OK;
}

static const struct cli_sub subs[] = {{"run", .run = run}, {"status", .run = status}, {NULL}};

int cmd_engine(int argc, char **argv, struct cli_ctx *ctx)
{
    static const struct cli_cmd cmd = {USAGE, "engine: unknown subcommand", 0, subs};
    return cli_dispatch(argc, argv, ctx, &cmd);
}
