/* SPDX-License-Identifier: MIT */
/*
 * muster roster: the duty roster (值班) from the command line. Generate a
 * date range from a stored plan, publish it, show it (text or JSON), who is
 * on duty now, the uncovered hours, overrides, swap requests and their
 * approval, leave and training, the due notices, and the exports (iCal,
 * feed tokens, XLSX). Dates are YYYY-MM-DD and times YYYY-MM-DDTHH:MM, both
 * local (Asia/Shanghai, UTC+8). The CLI acts as the local administrator:
 * the audit log names $MUSTER_ACTOR (else $USER). Exit codes: 0 ok, 1
 * failure (and `gaps` when there are gaps, `now` when nobody is on duty),
 * 2 usage.
 */
#include "cli.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <muster/calendar.h>
#include <muster/date.h>
#include <muster/mem.h>
#include <muster/notice.h>
#include <muster/roster.h>
#include <muster/store.h>

static const char usage[] =
    "muster roster generate --plan ID --from DATE --to DATE [--replace] [--publish]\n"
    "       muster roster publish --from DATE --to DATE [--plan ID]\n"
    "       muster roster show --from DATE --to DATE [--plan ID] [--person ID] [--json]\n"
    "       muster roster now [--at TIME] [--json]\n"
    "       muster roster gaps --from DATE --to DATE [--plan ID]\n"
    "       muster roster override --shift ID --person NEW [--reason TEXT]\n"
    "       muster roster override --person OLD --with NEW --from DATE --to DATE [--reason TEXT]\n"
    "       muster roster swap request --shift ID --with PERSON --by PERSON [--reason TEXT]\n"
    "       muster roster swap approve|reject ID\n"
    "       muster roster swap list [--from DATE --to DATE]\n"
    "       muster roster unavailable add --person ID --from DATE --to DATE [--reason TEXT]\n"
    "       muster roster unavailable list [--from DATE --to DATE]\n"
    "       muster roster unavailable remove ID\n"
    "       muster roster notices [--from DATE --to DATE] [--person ID] [--kind KIND] [--json]\n"
    "       muster roster ical [--person ID] [--plan ID] [--from DATE --to DATE]\n"
    "       muster roster feed create|revoke --person ID\n"
    "       muster roster xlsx --from DATE --to DATE --output FILE [--plan ID]\n"
    "DATE is YYYY-MM-DD, TIME YYYY-MM-DDTHH:MM (local time, UTC+8)";

enum opt {
    O_PLAN, O_FROM, O_TO, O_REPLACE, O_PUBLISH, O_JSON, O_AT, O_SHIFT, O_PERSON, O_WITH, O_BY,
    O_REASON, O_KIND, O_OUTPUT, O_HELP, O_COUNT
};

struct args {
    const char *val[O_COUNT];
    int set[O_COUNT];
    int32_t from, to; /* parsed --from / --to */
};

static const char *const opt_names[O_COUNT] = {
    "--plan", "--from", "--to", "--replace", "--publish", "--json", "--at", "--shift",
    "--person", "--with", "--by", "--reason", "--kind", "--output", "--help"};

/* Fail with a usage error unless only the options in @p allowed are set. */
static int only(const struct args *a, const char *sub, unsigned allowed)
{
    for (int i = 0; i < O_COUNT; i++)
        if (a->set[i] && !(allowed & (1u << i)) && i != O_HELP) {
            fprintf(stderr, "muster: roster %s does not take %s\n", sub, opt_names[i]);
            return cli_usage(usage);
        }
    return 0;
}

static int need(const struct args *a, const char *sub, int o)
{
    if (a->set[o] && a->val[o] && *a->val[o])
        return 0;
    fprintf(stderr, "muster: roster %s needs %s\n", sub, opt_names[o]);
    return cli_usage(usage);
}

#define B(o) (1u << (o))

static int parse_day(const char *opt, const char *s, int32_t *out)
{
    struct mu_error err = {0};
    if (mu_date_parse(s, strlen(s), out, &err)) {
        fprintf(stderr, "muster: bad %s: %s\n", opt, err.msg);
        return MU_EXIT_USAGE;
    }
    return 0;
}

/* --from and --to, both required when @p required, else both or neither. */
static int range(struct args *a, const char *sub, int required)
{
    int rc;
    if (!required && !a->set[O_FROM] && !a->set[O_TO])
        return 0;
    if ((rc = need(a, sub, O_FROM)) || (rc = need(a, sub, O_TO)))
        return rc;
    if ((rc = parse_day("--from", a->val[O_FROM], &a->from)) ||
        (rc = parse_day("--to", a->val[O_TO], &a->to)))
        return rc;
    if (a->from > a->to) {
        fprintf(stderr, "muster: --to is before --from\n");
        return MU_EXIT_USAGE;
    }
    return 0;
}

static int parse_id(const char *what, const char *s, int64_t *out)
{
    char *end = NULL;
    errno = 0;
    long long v = s ? strtoll(s, &end, 10) : 0;
    if (!s || errno || end == s || *end || v < 1) {
        fprintf(stderr, "muster: %s must be a positive number, not '%s'\n", what, s ? s : "");
        return MU_EXIT_USAGE;
    }
    *out = v;
    return 0;
}

static void warn_years(const struct mu_calendar *cal, int32_t from, int32_t to)
{
    for (int y = mu_date_year(from); y <= mu_date_year(to); y++)
        if (!mu_calendar_has_year(cal, y))
            fprintf(stderr, "muster: warning: no holiday data for %d; using weekdays only\n", y);
}

/* "2026-02-01 08:00" */
static void hm(int64_t ms, char out[17])
{
    char full[26];
    mu_local_format(ms, full);
    memcpy(out, full, 16);
    out[10] = ' ';
    out[16] = '\0';
}

static int do_generate(struct mu_store *s, struct cli_ctx *ctx, struct args *a)
{
    struct mu_error err = {0};
    struct mu_calendar *cal = NULL;
    struct mu_roster_gen_result r;
    int code = cli_load_calendar(ctx, &cal);
    if (code)
        return code;
    warn_years(cal, a->from, a->to);
    struct mu_actor actor = {ctx->actor, cli_now_ms()};
    unsigned flags = (a->set[O_REPLACE] ? MU_ROSTER_REPLACE : 0) |
                     (a->set[O_PUBLISH] ? MU_ROSTER_PUBLISH : 0);
    enum mu_err rc = mu_app_roster_generate(s, &actor, a->val[O_PLAN], cal, a->from, a->to, flags,
                                            &r, &err);
    mu_calendar_free(cal);
    if (rc)
        return cli_fail(rc, &err);
    printf("generated %zu shifts for plan '%s' %s..%s", r.shifts, a->val[O_PLAN],
           a->val[O_FROM], a->val[O_TO]);
    if (r.kept)
        printf(", kept %zu published", r.kept);
    if (r.deleted)
        printf(", replaced %zu", r.deleted);
    if (r.published)
        printf(", published %zu", r.published);
    printf("\n");
    if (r.gaps)
        printf("warning: %zu places could not be filled; see 'muster roster gaps'\n", r.gaps);
    return MU_EXIT_OK;
}

static int do_show(struct mu_store *s, struct args *a)
{
    struct mu_error err = {0};
    struct mu_shift_filter f = {.plan_id = a->val[O_PLAN], .person = a->val[O_PERSON],
                                .from_ms = mu_local_ms(a->from, 0),
                                .to_ms = mu_local_ms(a->to + 1, 0), .by_start = 1};
    if (a->set[O_JSON]) {
        char *json = NULL;
        enum mu_err rc = mu_app_roster_json(s, &f, &json, &err);
        if (rc)
            return cli_fail(rc, &err);
        printf("%s\n", json);
        mu_free(json);
        return MU_EXIT_OK;
    }
    struct mu_roster_entry *e = NULL;
    size_t n = 0;
    enum mu_err rc = mu_app_roster_entries(s, &f, &e, &n, &err);
    if (rc)
        return cli_fail(rc, &err);
    if (n == 0)
        printf("no shifts\n");
    for (size_t i = 0; i < n; i++) {
        const struct mu_shift *sh = &e[i].shift;
        char st[17], en[17];
        hm(sh->start_ms, st);
        hm(sh->end_ms, en);
        printf("%" PRId64 "  %s..%s  ", sh->id, st, en);
        cli_put_text(sh->role);
        fputs("  ", stdout);
        cli_put_text(e[i].name);
        printf(" (%s)", sh->person);
        if (*e[i].phone) {
            fputs("  ", stdout);
            cli_put_text(e[i].phone);
        }
        if (!sh->published)
            fputs("  [draft]", stdout);
        if (sh->source != MU_SHIFT_GENERATED) {
            printf("  [%s, was %s", mu_shift_source_name(sh->source), sh->prev_person);
            if (*sh->note) {
                fputs(": ", stdout);
                cli_put_text(sh->note);
            }
            putchar(']');
        }
        putchar('\n');
    }
    mu_roster_entries_free(e, n);
    return MU_EXIT_OK;
}

static int do_now(struct mu_store *s, struct args *a)
{
    struct mu_error err = {0};
    int64_t at = cli_now_ms();
    if (a->set[O_AT] && mu_local_parse(a->val[O_AT], &at, &err)) {
        fprintf(stderr, "muster: bad --at: %s\n", err.msg);
        return MU_EXIT_USAGE;
    }
    struct mu_roster_entry *e = NULL;
    size_t n = 0;
    enum mu_err rc;
    if (a->set[O_JSON]) {
        char *json = NULL;
        struct mu_shift_filter f = {.from_ms = at, .to_ms = at + 1, .published_only = 1};
        if ((rc = mu_app_roster_json(s, &f, &json, &err)))
            return cli_fail(rc, &err);
        printf("%s\n", json);
        int empty = strcmp(json, "[]") == 0;
        mu_free(json);
        return empty ? MU_EXIT_FAIL : MU_EXIT_OK;
    }
    if ((rc = mu_app_roster_now(s, at, &e, &n, &err)))
        return cli_fail(rc, &err);
    char when[17];
    hm(at, when);
    if (n == 0)
        printf("nobody on duty at %s\n", when);
    for (size_t i = 0; i < n; i++) {
        char en[17];
        hm(e[i].shift.end_ms, en);
        cli_put_text(e[i].shift.role);
        fputs("  ", stdout);
        cli_put_text(e[i].name);
        printf(" (%s)  ", e[i].shift.person);
        cli_put_text(*e[i].phone ? e[i].phone : "-");
        printf("  until %s\n", en);
    }
    mu_roster_entries_free(e, n);
    return n ? MU_EXIT_OK : MU_EXIT_FAIL;
}

static int do_gaps(struct mu_store *s, struct args *a)
{
    struct mu_error err = {0};
    struct mu_roster_gap_info *g = NULL;
    size_t n = 0;
    enum mu_err rc = mu_app_roster_gaps(s, a->val[O_PLAN], a->from, a->to, &g, &n, &err);
    if (rc)
        return cli_fail(rc, &err);
    if (n == 0)
        printf("no gaps\n");
    for (size_t i = 0; i < n; i++) {
        char st[17], en[17];
        hm(g[i].start_ms, st);
        hm(g[i].end_ms, en);
        double hours = (double)(g[i].end_ms - g[i].start_ms) / 3600000.0;
        printf("%s  %s  ", g[i].plan_id, g[i].pool);
        cli_put_text(g[i].role);
        printf("  %s..%s  %gh uncovered, %" PRId64 " missing\n", st, en, hours, g[i].missing);
    }
    mu_roster_gap_infos_free(g, n);
    return n ? MU_EXIT_FAIL : MU_EXIT_OK;
}

static int do_override(struct mu_store *s, struct cli_ctx *ctx, struct args *a)
{
    struct mu_error err = {0};
    struct mu_actor actor = {ctx->actor, cli_now_ms()};
    enum mu_err rc;
    int code;
    if (a->set[O_SHIFT]) {
        int64_t id = 0;
        if ((code = only(a, "override --shift", B(O_SHIFT) | B(O_PERSON) | B(O_REASON))) ||
            (code = need(a, "override", O_PERSON)) || (code = parse_id("--shift", a->val[O_SHIFT], &id)))
            return code;
        if ((rc = mu_app_roster_override(s, &actor, id, a->val[O_PERSON], a->val[O_REASON], &err)))
            return cli_fail(rc, &err);
        printf("shift %" PRId64 " now held by %s\n", id, a->val[O_PERSON]);
        return MU_EXIT_OK;
    }
    if ((code = only(a, "override", B(O_PERSON) | B(O_WITH) | B(O_FROM) | B(O_TO) | B(O_REASON))) ||
        (code = need(a, "override", O_PERSON)) || (code = need(a, "override", O_WITH)) ||
        (code = range(a, "override", 1)))
        return code;
    size_t count = 0;
    rc = mu_app_roster_override_range(s, &actor, a->val[O_PERSON], a->val[O_WITH], a->from, a->to,
                                      a->val[O_REASON], &count, &err);
    if (rc)
        return cli_fail(rc, &err);
    printf("%zu shift%s of %s now held by %s\n", count, count == 1 ? "" : "s", a->val[O_PERSON],
           a->val[O_WITH]);
    return MU_EXIT_OK;
}

static int do_swap(struct mu_store *s, struct cli_ctx *ctx, struct args *a, int npos, char **pos)
{
    struct mu_error err = {0};
    struct mu_actor actor = {ctx->actor, cli_now_ms()};
    enum mu_err rc;
    int code;
    const char *sub = npos >= 2 ? pos[1] : "";
    if (strcmp(sub, "request") == 0 && npos == 2) {
        int64_t shift = 0, id = 0;
        if ((code = only(a, "swap request", B(O_SHIFT) | B(O_WITH) | B(O_BY) | B(O_REASON))) ||
            (code = need(a, "swap request", O_WITH)) || (code = need(a, "swap request", O_BY)) ||
            (code = parse_id("--shift", a->val[O_SHIFT], &shift)))
            return code;
        rc = mu_app_roster_swap_request(s, &actor, shift, a->val[O_WITH], a->val[O_BY],
                                        a->val[O_REASON], &id, &err);
        if (rc)
            return cli_fail(rc, &err);
        printf("swap request %" PRId64 " for shift %" PRId64 " is pending\n", id, shift);
        return MU_EXIT_OK;
    }
    if ((strcmp(sub, "approve") == 0 || strcmp(sub, "reject") == 0) && npos == 3) {
        int64_t id = 0;
        int approve = sub[0] == 'a';
        if ((code = only(a, sub, 0)) || (code = parse_id("swap request id", pos[2], &id)))
            return code;
        if ((rc = mu_app_roster_swap_decide(s, &actor, id, approve, &err)))
            return cli_fail(rc, &err);
        printf("swap request %" PRId64 " %s\n", id, approve ? "approved" : "rejected");
        return MU_EXIT_OK;
    }
    if (strcmp(sub, "list") == 0 && npos == 2) {
        struct mu_swap *v = NULL;
        size_t n = 0;
        if ((code = only(a, "swap list", B(O_FROM) | B(O_TO))) || (code = range(a, "swap list", 0)))
            return code;
        int64_t f = a->set[O_FROM] ? mu_local_ms(a->from, 0) : 0;
        int64_t t = a->set[O_FROM] ? mu_local_ms(a->to + 1, 0) : 0;
        if ((rc = mu_store_swap_list(s, f, t, &v, &n, &err)))
            return cli_fail(rc, &err);
        if (n == 0)
            printf("no swap requests\n");
        for (size_t i = 0; i < n; i++) {
            printf("%" PRId64 "  shift %" PRId64 "  %s -> %s  by %s  %s", v[i].id, v[i].shift_id,
                   v[i].from_person, v[i].to_person, v[i].requested_by,
                   mu_swap_state_name(v[i].state));
            if (*v[i].reason) {
                fputs("  ", stdout);
                cli_put_text(v[i].reason);
            }
            putchar('\n');
        }
        mu_swaps_free(v, n);
        return MU_EXIT_OK;
    }
    return cli_usage(usage);
}

static int do_unavailable(struct mu_store *s, struct cli_ctx *ctx, struct args *a, int npos,
                          char **pos)
{
    struct mu_error err = {0};
    struct mu_actor actor = {ctx->actor, cli_now_ms()};
    enum mu_err rc;
    int code;
    const char *sub = npos >= 2 ? pos[1] : "";
    if (strcmp(sub, "add") == 0 && npos == 2) {
        int64_t id = 0;
        if ((code = only(a, "unavailable add", B(O_PERSON) | B(O_FROM) | B(O_TO) | B(O_REASON))) ||
            (code = need(a, "unavailable add", O_PERSON)) || (code = range(a, "unavailable add", 1)))
            return code;
        rc = mu_store_unavail_add(s, &actor, a->val[O_PERSON], a->from, a->to, a->val[O_REASON],
                                  &id, &err);
        if (rc)
            return cli_fail(rc, &err);
        printf("unavailability %" PRId64 " recorded: %s %s..%s\n", id, a->val[O_PERSON],
               a->val[O_FROM], a->val[O_TO]);
        return MU_EXIT_OK;
    }
    if (strcmp(sub, "remove") == 0 && npos == 3) {
        int64_t id = 0;
        if ((code = only(a, "unavailable remove", 0)) || (code = parse_id("id", pos[2], &id)))
            return code;
        if ((rc = mu_store_unavail_remove(s, &actor, id, &err)))
            return cli_fail(rc, &err);
        printf("unavailability %" PRId64 " removed\n", id);
        return MU_EXIT_OK;
    }
    if (strcmp(sub, "list") == 0 && npos == 2) {
        struct mu_unavail *v = NULL;
        size_t n = 0;
        if ((code = only(a, "unavailable list", B(O_FROM) | B(O_TO))) ||
            (code = range(a, "unavailable list", 0)))
            return code;
        int32_t f = a->set[O_FROM] ? a->from : 1, t = a->set[O_FROM] ? a->to : 0;
        if ((rc = mu_store_unavail_list(s, f, t, &v, &n, &err)))
            return cli_fail(rc, &err);
        if (n == 0)
            printf("no unavailability\n");
        for (size_t i = 0; i < n; i++) {
            char fd[11], td[11];
            mu_date_format(v[i].from, fd);
            mu_date_format(v[i].to, td);
            printf("%" PRId64 "  %s  %s..%s  ", v[i].id, v[i].person, fd, td);
            cli_put_text(v[i].reason);
            putchar('\n');
        }
        mu_unavails_free(v, n);
        return MU_EXIT_OK;
    }
    return cli_usage(usage);
}

static int do_notices(struct mu_store *s, struct args *a)
{
    struct mu_error err = {0};
    struct mu_notice *v = NULL;
    size_t n = 0;
    struct mu_notice_filter f = {.person = a->val[O_PERSON], .kind = a->val[O_KIND]};
    if (a->set[O_FROM]) {
        f.due_from = mu_local_ms(a->from, 0);
        f.due_to = mu_local_ms(a->to + 1, 0);
    }
    enum mu_err rc = mu_store_notice_list(s, &f, &v, &n, &err);
    if (rc)
        return cli_fail(rc, &err);
    if (a->set[O_JSON]) {
        /* A small fixed shape; strings are escaped by hand (no jansson in the CLI). */
        printf("[");
        for (size_t i = 0; i < n; i++) {
            char due[26];
            mu_local_format(v[i].due_at, due);
            printf("%s\n  {\"id\": %" PRId64 ", \"kind\": \"", i ? "," : "", v[i].id);
            const char *fields[] = {v[i].kind, v[i].person, v[i].subject, v[i].body, v[i].ref};
            const char *names[] = {"kind", "person", "subject", "body", "ref"};
            for (int k = 0; k < 5; k++) {
                if (k)
                    printf("\", \"%s\": \"", names[k]);
                for (const char *c = fields[k]; *c; c++) {
                    if (*c == '"' || *c == '\\')
                        printf("\\%c", *c);
                    else if ((unsigned char)*c < 0x20)
                        printf("\\u%04x", (unsigned char)*c);
                    else
                        putchar(*c);
                }
            }
            printf("\", \"due_at\": \"%s\", \"status\": \"%s\"}", due,
                   v[i].sent_at ? "sent" : "pending");
        }
        printf("%s]\n", n ? "\n" : "");
    } else {
        if (n == 0)
            printf("no notices\n");
        for (size_t i = 0; i < n; i++) {
            char due[17];
            hm(v[i].due_at, due);
            printf("%" PRId64 "  %s  %s  %s  ", v[i].id, due, v[i].kind, v[i].person);
            cli_put_text(v[i].subject);
            printf("  %s  %s\n", v[i].ref, v[i].sent_at ? "sent" : "pending");
        }
    }
    mu_notices_free(v, n);
    return MU_EXIT_OK;
}

static int do_ical(struct mu_store *s, struct args *a)
{
    struct mu_error err = {0};
    char *text = NULL;
    struct mu_shift_filter f = {.plan_id = a->val[O_PLAN], .person = a->val[O_PERSON],
                                .published_only = 1};
    if (a->set[O_FROM]) {
        f.from_ms = mu_local_ms(a->from, 0);
        f.to_ms = mu_local_ms(a->to + 1, 0);
        f.by_start = 1;
    }
    enum mu_err rc = mu_app_roster_ical(s, &f, &text, &err);
    if (rc)
        return cli_fail(rc, &err);
    fputs(text, stdout);
    mu_free(text);
    return MU_EXIT_OK;
}

static int do_feed(struct mu_store *s, struct cli_ctx *ctx, struct args *a, int npos, char **pos)
{
    struct mu_error err = {0};
    struct mu_actor actor = {ctx->actor, cli_now_ms()};
    const char *sub = npos == 2 ? pos[1] : "";
    int code;
    if ((code = only(a, "feed", B(O_PERSON))) || (code = need(a, "feed", O_PERSON)))
        return code;
    if (strcmp(sub, "create") == 0) {
        char *path = NULL;
        enum mu_err rc = mu_app_roster_feed_create(s, &actor, a->val[O_PERSON], &path, &err);
        if (rc)
            return cli_fail(rc, &err);
        printf("%s\n", path);
        mu_free(path);
        return MU_EXIT_OK;
    }
    if (strcmp(sub, "revoke") == 0) {
        size_t n = 0;
        enum mu_err rc = mu_store_feed_revoke(s, &actor, a->val[O_PERSON], &n, &err);
        if (rc)
            return cli_fail(rc, &err);
        printf("%zu feed token%s of %s revoked\n", n, n == 1 ? "" : "s", a->val[O_PERSON]);
        return MU_EXIT_OK;
    }
    return cli_usage(usage);
}

static int do_xlsx(struct mu_store *s, struct cli_ctx *ctx, struct args *a)
{
    struct mu_error err = {0};
    struct mu_calendar *cal = NULL;
    int code = cli_load_calendar(ctx, &cal);
    if (code)
        return code;
    warn_years(cal, a->from, a->to);
    enum mu_err rc = mu_app_roster_xlsx(s, a->val[O_PLAN], cal, a->from, a->to, a->val[O_OUTPUT],
                                        &err);
    mu_calendar_free(cal);
    if (rc)
        return cli_fail(rc, &err);
    printf("wrote %s\n", a->val[O_OUTPUT]);
    return MU_EXIT_OK;
}

int cmd_roster(int argc, char **argv, struct cli_ctx *ctx)
{
    struct args a = {0};
    struct cli_opt opts[O_COUNT + 1];
    int npos = 0, code = 0;
    for (int i = 0; i < O_COUNT; i++) {
        int flag = i == O_REPLACE || i == O_PUBLISH || i == O_JSON || i == O_HELP;
        opts[i] = (struct cli_opt){opt_names[i], flag ? CLI_FLAG : CLI_VALUE, &a.val[i], &a.set[i]};
    }
    opts[O_COUNT] = (struct cli_opt){0};
    if (cli_parse(argc, argv, opts, &npos))
        return cli_usage(usage);
    if (a.set[O_HELP]) {
        printf("usage: %s\n", usage);
        return MU_EXIT_OK;
    }
    if (npos < 1)
        return cli_usage(usage);
    const char *sub = argv[0];
    /* Check the arguments before the database is opened. */
    if (strcmp(sub, "generate") == 0) {
        if ((code = only(&a, sub, B(O_PLAN) | B(O_FROM) | B(O_TO) | B(O_REPLACE) | B(O_PUBLISH))) ||
            (code = need(&a, sub, O_PLAN)) || (code = range(&a, sub, 1)))
            return code;
    } else if (strcmp(sub, "publish") == 0 || strcmp(sub, "gaps") == 0) {
        if ((code = only(&a, sub, B(O_PLAN) | B(O_FROM) | B(O_TO))) || (code = range(&a, sub, 1)))
            return code;
    } else if (strcmp(sub, "show") == 0) {
        if ((code = only(&a, sub, B(O_PLAN) | B(O_FROM) | B(O_TO) | B(O_PERSON) | B(O_JSON))) ||
            (code = range(&a, sub, 1)))
            return code;
    } else if (strcmp(sub, "now") == 0) {
        if ((code = only(&a, sub, B(O_AT) | B(O_JSON))))
            return code;
    } else if (strcmp(sub, "notices") == 0) {
        if ((code = only(&a, sub, B(O_FROM) | B(O_TO) | B(O_PERSON) | B(O_KIND) | B(O_JSON))) ||
            (code = range(&a, sub, 0)))
            return code;
    } else if (strcmp(sub, "ical") == 0) {
        if ((code = only(&a, sub, B(O_PLAN) | B(O_PERSON) | B(O_FROM) | B(O_TO))) ||
            (code = range(&a, sub, 0)))
            return code;
    } else if (strcmp(sub, "xlsx") == 0) {
        if ((code = only(&a, sub, B(O_PLAN) | B(O_FROM) | B(O_TO) | B(O_OUTPUT))) ||
            (code = need(&a, sub, O_OUTPUT)) || (code = range(&a, sub, 1)))
            return code;
    } else if (strcmp(sub, "override") != 0 && strcmp(sub, "swap") != 0 &&
               strcmp(sub, "unavailable") != 0 && strcmp(sub, "feed") != 0) {
        fprintf(stderr, "muster: unknown roster command '%s'\n", sub);
        return cli_usage(usage);
    }
    int multi = strcmp(sub, "swap") == 0 || strcmp(sub, "unavailable") == 0 ||
                strcmp(sub, "feed") == 0;
    if (!multi && npos != 1)
        return cli_usage(usage);

    struct mu_store *s = NULL;
    if ((code = cli_open_store(ctx, &s)))
        return code;
    if (strcmp(sub, "generate") == 0)
        code = do_generate(s, ctx, &a);
    else if (strcmp(sub, "publish") == 0) {
        size_t n = 0;
        struct mu_error err = {0};
        struct mu_actor actor = {ctx->actor, cli_now_ms()};
        enum mu_err rc = mu_app_roster_publish(s, &actor, a.val[O_PLAN], a.from, a.to, &n, &err);
        code = rc ? cli_fail(rc, &err) : MU_EXIT_OK;
        if (!rc)
            printf("published %zu shift%s\n", n, n == 1 ? "" : "s");
    } else if (strcmp(sub, "show") == 0)
        code = do_show(s, &a);
    else if (strcmp(sub, "now") == 0)
        code = do_now(s, &a);
    else if (strcmp(sub, "gaps") == 0)
        code = do_gaps(s, &a);
    else if (strcmp(sub, "override") == 0)
        code = do_override(s, ctx, &a);
    else if (strcmp(sub, "swap") == 0)
        code = do_swap(s, ctx, &a, npos, argv);
    else if (strcmp(sub, "unavailable") == 0)
        code = do_unavailable(s, ctx, &a, npos, argv);
    else if (strcmp(sub, "notices") == 0)
        code = do_notices(s, &a);
    else if (strcmp(sub, "ical") == 0)
        code = do_ical(s, &a);
    else if (strcmp(sub, "feed") == 0)
        code = do_feed(s, ctx, &a, npos, argv);
    else
        code = do_xlsx(s, ctx, &a);
    mu_store_close(s);
    return code;
}
