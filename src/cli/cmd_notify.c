/* SPDX-License-Identifier: MIT */
/*
 * muster notify: the notification outbox from the command line. `send`
 * enqueues one message (idempotent by --key), `run` delivers what is due
 * (once, or every few seconds until interrupted; --at runs on a virtual
 * clock for scripts and drills), `list` and `show` read the outbox and the
 * attempts, `cancel` drops the pending messages of a reference. Console
 * messages are written to standard output. Destinations are shown masked;
 * the organization's channels are set with `muster config set notify.*`.
 */
#include "cli.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <muster/date.h>
#include <muster/mem.h>
#include <muster/notify.h>
#include <muster/outbox.h>
#include <muster/store.h>

#define U_SEND                                                                                     \
    "muster notify send --channel KIND [--to DEST] --subject TEXT [--body TEXT] "                  \
    "[--markdown TEXT] [--key KEY] [--ref REF] [--person ID] [--mention ID] "                      \
    "[--mention-mobile PHONE] [--at TIME] [--max-attempts N]"
#define U_RUN "muster notify run [--once] [--at TIME] [--max N] [--seed N] [--interval SECONDS]"
#define U_LIST "muster notify list [--state STATE] [--ref REF] [--person ID] [--json]"
#define U_SHOW "muster notify show ID [--json]"
#define U_CANCEL "muster notify cancel --ref REF"
#define USAGE                                                                                      \
    U_SEND "\n       " U_RUN "\n       " U_LIST "\n       " U_SHOW "\n       " U_CANCEL "\n"     \
           "KIND is console, webhook, wecom, dingtalk, feishu, email or sms; TIME is "             \
           "YYYY-MM-DDTHH:MM[:SS] (local time, UTC+8)"

/* --at (or now) into *ms; a bad time is a usage error here. */
static int parse_at(const char *at, int64_t *ms)
{
    return cli_parse_time("--at", at, cli_now_ms(), ms) ? MU_EXIT_USAGE : MU_EXIT_OK;
}

static int parse_num(const char *what, const char *s, long long lo, long long hi, long long *out)
{
    char *end = NULL;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi) {
        fprintf(stderr, "muster: %s must be a number from %lld to %lld, not '%s'\n", what, lo, hi,
                s);
        return MU_EXIT_USAGE;
    }
    *out = v;
    return MU_EXIT_OK;
}

static int send_cmd(int argc, char **argv, struct cli_ctx *ctx)
{
    struct mu_outbox_new v = {0};
    const char *at = NULL, *maxa = NULL;
    int npos = 0, rc;
    const struct cli_opt opts[] = {
        {"--channel", CLI_VALUE, &v.channel, NULL},
        {"--to", CLI_VALUE, &v.dest, NULL},
        {"--subject", CLI_VALUE, &v.subject, NULL},
        {"--body", CLI_VALUE, &v.body, NULL},
        {"--markdown", CLI_VALUE, &v.markdown, NULL},
        {"--key", CLI_VALUE, &v.key, NULL},
        {"--ref", CLI_VALUE, &v.ref, NULL},
        {"--person", CLI_VALUE, &v.person, NULL},
        {"--mention", CLI_VALUE, &v.mention, NULL},
        {"--mention-mobile", CLI_VALUE, &v.mention_mobile, NULL},
        {"--at", CLI_VALUE, &at, NULL},
        {"--max-attempts", CLI_VALUE, &maxa, NULL},
        {NULL, CLI_FLAG, NULL, NULL},
    };
    if ((rc = cli_parse(argc, argv, opts, &npos)))
        return rc;
    if (npos || !v.channel || !v.subject)
        return cli_usage(U_SEND);
    int64_t now = 0;
    if ((rc = parse_at(at, &now)))
        return rc;
    if (maxa) {
        long long n = 0;
        if ((rc = parse_num("--max-attempts", maxa, 1, 100, &n)))
            return rc;
        v.max_attempts = (int)n;
    }
    char key[96];
    if (!v.key) { /* without a key every send is a new message */
        snprintf(key, sizeof(key), "cli:%" PRId64 ":%ld:%ld", cli_now_ms(), (long)getpid(),
                 (long)clock());
        v.key = key;
    }
    struct cli_run r;
    if ((rc = cli_run_open(ctx, 0, &r)))
        return rc;
    r.actor.now_ms = now; /* --at, for scripts and drills */
    int64_t id = 0;
    int existed = 0;
    enum mu_err e = mu_app_outbox_enqueue(r.s, &r.actor, &v, &id, &existed, &r.err);
    if ((rc = cli_run_end(&r, e)))
        return rc;
    if (existed)
        printf("message %" PRId64 " already queued with key '%s'\n", id, v.key);
    else
        printf("queued message %" PRId64 "\n", id);
    return MU_EXIT_OK;
}

/* ---- run ---- */

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

static uint32_t xorshift(void *ctx)
{
    uint32_t *st = ctx;
    uint32_t x = *st;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *st = x;
}

static int64_t mono_ms(void *ctx)
{
    struct timespec ts;
    (void)ctx;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The console channel of the CLI: the message on standard output. */
static void console_out(void *ctx, const char *label, const char *subject, const char *body,
                        const char *ref)
{
    (void)ctx;
    printf("console %s%s%s%s: %s\n", *label ? label : "-", *ref ? " (" : "", ref,
           *ref ? ")" : "", subject);
    if (body && *body) {
        for (const char *p = body; *p;) {
            size_t n = strcspn(p, "\n");
            printf("  %.*s\n", (int)n, p);
            p += n + (p[n] == '\n');
        }
    }
    fflush(stdout);
}

static int run_cmd(int argc, char **argv, struct cli_ctx *ctx)
{
    const char *at = NULL, *max = NULL, *seed = NULL, *interval = NULL;
    int once = 0, npos = 0, rc;
    const struct cli_opt opts[] = {
        {"--once", CLI_FLAG, NULL, &once},         {"--at", CLI_VALUE, &at, NULL},
        {"--max", CLI_VALUE, &max, NULL},          {"--seed", CLI_VALUE, &seed, NULL},
        {"--interval", CLI_VALUE, &interval, NULL}, {NULL, CLI_FLAG, NULL, NULL},
    };
    if ((rc = cli_parse(argc, argv, opts, &npos)))
        return rc;
    if (npos)
        return cli_usage(U_RUN);
    if (at && !once) {
        fprintf(stderr, "muster: notify run --at needs --once\n");
        return cli_usage(U_RUN);
    }
    long long nmax = 100, nseed = 0, nint = 5;
    if ((max && (rc = parse_num("--max", max, 1, 10000, &nmax))) ||
        (seed && (rc = parse_num("--seed", seed, 1, 4294967295LL, &nseed))) ||
        (interval && (rc = parse_num("--interval", interval, 1, 3600, &nint))))
        return rc;
    int64_t now = 0;
    if ((rc = parse_at(at, &now)))
        return rc;
    uint32_t state = seed ? (uint32_t)nseed : (uint32_t)(cli_now_ms() ^ ((int64_t)getpid() << 16));
    if (state == 0)
        state = 0x9e3779b9u;
    struct mu_outbox_transport t = {0};
    t.random = xorshift;
    t.random_ctx = &state;
    t.clock_ms = mono_ms;
    t.console = console_out;
    t.actor = ctx->actor;
    struct cli_run r;
    if ((rc = cli_run_open(ctx, 0, &r)))
        return rc;
    if (!once) {
        signal(SIGINT, on_signal);
        signal(SIGTERM, on_signal);
    }
    enum mu_err e = MU_OK;
    do {
        struct mu_outbox_run o = {0};
        if (!at)
            now = cli_now_ms();
        e = mu_app_outbox_deliver(r.s, &t, now, (size_t)nmax, &o, &r.err);
        if (e)
            break;
        if (once || o.claimed || o.deferred) {
            printf("claimed %zu, sent %zu, retried %zu, failed %zu, deferred %zu\n", o.claimed,
                   o.sent, o.retried, o.failed, o.deferred);
            fflush(stdout);
        }
        for (long long i = 0; !once && !stop_flag && i < nint * 10; i++) {
            struct timespec ts = {0, 100000000L};
            nanosleep(&ts, NULL);
        }
    } while (!once && !stop_flag);
    return cli_run_end(&r, e);
}

/* ---- list, show, cancel ---- */

static void fmt_time(int64_t ms, char out[26])
{
    if (ms)
        mu_local_format(ms, out);
    else
        snprintf(out, 26, "-");
}

static int list_cmd(int argc, char **argv, struct cli_ctx *ctx)
{
    const char *state = NULL;
    struct mu_outbox_filter f = {0};
    int json = 0, npos = 0, rc;
    const struct cli_opt opts[] = {
        {"--state", CLI_VALUE, &state, NULL}, {"--ref", CLI_VALUE, &f.ref, NULL},
        {"--person", CLI_VALUE, &f.person, NULL}, {"--json", CLI_FLAG, NULL, &json},
        {NULL, CLI_FLAG, NULL, NULL},
    };
    if ((rc = cli_parse(argc, argv, opts, &npos)))
        return rc;
    if (npos)
        return cli_usage(U_LIST);
    struct mu_error err = {0};
    if (state) {
        if (mu_outbox_state_parse(state, &f.state, &err)) {
            fprintf(stderr, "muster: %s\n", err.msg);
            return MU_EXIT_USAGE;
        }
        f.has_state = 1;
    }
    struct cli_run r;
    if ((rc = cli_run_open(ctx, 0, &r)))
        return rc;
    enum mu_err e;
    if (json) {
        char *text = NULL;
        e = mu_app_outbox_list_json(r.s, &f, &text, &r.err);
        if (e == MU_OK)
            printf("%s\n", text);
        mu_free(text);
    } else {
        struct mu_outbox_msg *v = NULL;
        size_t n = 0;
        e = mu_store_outbox_list(r.s, &f, &v, &n, &r.err);
        if (e == MU_OK && n)
            printf("%-5s %-9s %-8s %-8s %-25s %-16s %s\n", "ID", "STATE", "CHANNEL", "ATTEMPTS",
                   "NEXT", "REF", "SUBJECT");
        for (size_t i = 0; e == MU_OK && i < n; i++) {
            char next[26], tries[16];
            fmt_time(v[i].state == MU_OUTBOX_PENDING || v[i].state == MU_OUTBOX_SENDING
                         ? v[i].next_attempt_at
                         : 0,
                     next);
            snprintf(tries, sizeof(tries), "%d/%d", v[i].attempts, v[i].max_attempts);
            printf("%-5" PRId64 " %-9s %-8s %-8s %-25s %-16s %s\n", v[i].id,
                   mu_outbox_state_name(v[i].state), v[i].channel, tries, next,
                   *v[i].ref ? v[i].ref : "-", v[i].subject);
        }
        if (e == MU_OK && n == 0)
            printf("no messages\n");
        mu_outbox_msgs_free(v, n);
    }
    return cli_run_end(&r, e);
}

static int show_text(struct mu_store *s, int64_t id, struct mu_error *err)
{
    struct mu_outbox_msg m = {0};
    struct mu_outbox_attempt *a = NULL;
    size_t n = 0;
    char *dest = NULL;
    enum mu_err e = mu_store_outbox_get(s, id, &m, err);
    if (e == MU_OK)
        e = mu_store_outbox_attempts(s, id, NULL, &a, &n, err);
    if (e == MU_OK)
        e = mu_notify_mask_dest(m.dest, &dest, err);
    if (e == MU_OK) {
        char created[26], next[26], sent[26];
        fmt_time(m.created_at, created);
        fmt_time(m.next_attempt_at, next);
        fmt_time(m.sent_at, sent);
        printf("message %" PRId64 "\n", m.id);
        printf("key:      %s\n", m.key);
        printf("channel:  %s\n", m.channel);
        printf("to:       %s\n", *dest ? dest : "(organization default)");
        printf("person:   %s\n", *m.person ? m.person : "-");
        printf("ref:      %s\n", *m.ref ? m.ref : "-");
        printf("state:    %s\n", mu_outbox_state_name(m.state));
        printf("attempts: %d of %d\n", m.attempts, m.max_attempts);
        printf("created:  %s\n", created);
        printf("next:     %s\n", next);
        printf("sent:     %s\n", sent);
        if (*m.last_error)
            printf("error:    %s\n", m.last_error);
        printf("subject:  %s\n", m.subject);
        if (*m.body) {
            printf("body:\n");
            for (const char *p = m.body; *p;) {
                size_t k = strcspn(p, "\n");
                printf("  %.*s\n", (int)k, p);
                p += k + (p[k] == '\n');
            }
        }
        printf("attempts:\n");
        if (n == 0)
            printf("  none\n");
        for (size_t i = 0; i < n; i++) {
            char at[26];
            fmt_time(a[i].at, at);
            printf("  %d %s %-9s status %d%s%s%s%s (%" PRId64 " ms)\n", a[i].attempt, at,
                   mu_outbox_outcome_name(a[i].outcome), a[i].status,
                   *a[i].platform_code ? " code " : "", a[i].platform_code,
                   *a[i].error ? ": " : "", a[i].error, a[i].duration_ms);
        }
    }
    mu_free(dest);
    mu_outbox_attempts_free(a, n);
    mu_outbox_msg_release(&m);
    return e;
}

static int show_cmd(int argc, char **argv, struct cli_ctx *ctx)
{
    int json = 0, npos = 0, rc;
    const struct cli_opt opts[] = {
        {"--json", CLI_FLAG, NULL, &json},
        {NULL, CLI_FLAG, NULL, NULL},
    };
    if ((rc = cli_parse(argc, argv, opts, &npos)))
        return rc;
    if (npos != 1)
        return cli_usage(U_SHOW);
    long long id = 0;
    if ((rc = parse_num("message id", argv[0], 1, INT64_MAX, &id)))
        return rc;
    struct cli_run r;
    if ((rc = cli_run_open(ctx, 0, &r)))
        return rc;
    enum mu_err e;
    if (json) {
        char *text = NULL;
        e = mu_app_outbox_show_json(r.s, id, &text, &r.err);
        if (e == MU_OK)
            printf("%s\n", text);
        mu_free(text);
    } else {
        e = show_text(r.s, id, &r.err);
    }
    return cli_run_end(&r, e);
}

static int cancel_cmd(int argc, char **argv, struct cli_ctx *ctx)
{
    const char *ref = NULL;
    int npos = 0, rc;
    const struct cli_opt opts[] = {
        {"--ref", CLI_VALUE, &ref, NULL},
        {NULL, CLI_FLAG, NULL, NULL},
    };
    if ((rc = cli_parse(argc, argv, opts, &npos)))
        return rc;
    if (npos || !ref)
        return cli_usage(U_CANCEL);
    struct cli_run r;
    if ((rc = cli_run_open(ctx, 0, &r)))
        return rc;
    size_t n = 0;
    enum mu_err e = mu_store_outbox_cancel(r.s, &r.actor, ref, &n, &r.err);
    if ((rc = cli_run_end(&r, e)))
        return rc;
    printf("cancelled %zu message%s\n", n, n == 1 ? "" : "s");
    return MU_EXIT_OK;
}

static const struct cli_sub subs[] = {
    {"send", .run = send_cmd},   {"run", .run = run_cmd},       {"list", .run = list_cmd},
    {"show", .run = show_cmd},   {"cancel", .run = cancel_cmd}, {NULL},
};

int cmd_notify(int argc, char **argv, struct cli_ctx *ctx)
{
    static const struct cli_cmd cmd = {USAGE, "notify: unknown subcommand", CLI_HELP_ALL, subs};
    return cli_dispatch(argc, argv, ctx, &cmd);
}
