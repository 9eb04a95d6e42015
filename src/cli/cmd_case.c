/* SPDX-License-Identifier: MIT */
/*
 * muster case: complaints and requests (信访事项) from the command line.
 * register a case from any channel (its identity sealed with the key file),
 * every workflow step (accept, reject, assign, note, extend, reply, review,
 * close), show (the identity only with --reveal and a reason, audited),
 * list (the ledger, also as XLSX), due, stats, the hand-over to units (never
 * with the identity), the notices to the complainant, the purge of personal
 * data and recomputing deadlines after a calendar change. The work is done
 * by src/app/case.c; the rules by src/core/case.c.
 */
#include "cli.h"

#include <muster/attachment.h>
#include <muster/calendar.h>
#include <muster/case.h>
#include <muster/date.h>
#include <muster/mem.h>
#include <muster/store.h>
#include <stdlib.h>
#include <string.h>

#define U_REGISTER                                                                                 \
    "muster case register --subject TEXT --channel CHANNEL --received DATE [--description TEXT] "  \
    "[--category C] [--place P] [--unit U]... [--name NAME] [--phone PHONE] [--address A] "        \
    "[--id-number ID] [--matter CASE] [--json]"
#define U_STEPS                                                                                    \
    "muster case accept ID [--on DATE] [--text TEXT]\n"                                            \
    "       muster case reject ID --reason TEXT --body BODY [--on DATE]\n"                         \
    "       muster case assign ID [--leader NAME] [--unit U]... [--on DATE]\n"                     \
    "       muster case note ID --text TEXT [--kind supervision|meeting] [--on DATE]\n"            \
    "       muster case extend ID --days N --reason TEXT [--on DATE]\n"                            \
    "       muster case reply ID --text TEXT [--outcome O] [--on DATE]\n"                          \
    "       muster case review ID [--on DATE] [--text TEXT]\n"                                     \
    "       muster case close ID [--on DATE] [--text TEXT]"
#define U_SHOW "muster case show ID [--json] [--reveal --reason TEXT]"
#define U_LIST                                                                                     \
    "muster case list [--state S] [--category C] [--unit U] [--channel C] [--open] [--json] "      \
    "[--xlsx FILE [--with-identity --reason TEXT]]"
#define U_DUE "muster case due [--within 3d] [--today DATE] [--json]"
#define U_ATTACH                                                                                   \
    "muster case attach ID FILE (JPEG, PNG, PDF or plain text, at most 10 MiB)\n"                 \
    "       muster case attachments ID [--json]\n"                                                \
    "       muster case attachment ID ATT_ID --output FILE --reason TEXT"
#define U_OTHER                                                                                    \
    "muster case stats [--json]\n"                                                                 \
    "       muster case handover ID [--format md|html]\n"                                          \
    "       muster case notice ID --kind accept|reject|extend|reply [--format md|html] "           \
    "[--templates DIR]\n"                                                                          \
    "       muster case purge --closed-before DATE\n"                                              \
    "       muster case recompute"
#define USAGE                                                                                      \
    U_REGISTER "\n       " U_STEPS "\n       " U_SHOW "\n       " U_LIST "\n       " U_DUE         \
               "\n       " U_ATTACH "\n       " U_OTHER                                                                 \
               "\nDATE is YYYY-MM-DD (default today); the key file is --key-file, "                \
               "$MUSTER_KEY_FILE or <db>.key"

struct common {
    struct mu_store *s;
    struct mu_calendar *cal;
};

static int load_calendar(const struct cli_ctx *ctx, struct mu_calendar **cal)
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

static int open_all(const struct cli_ctx *ctx, struct common *c, int with_cal)
{
    struct mu_error err = {0};
    if (with_cal) {
        int rc = load_calendar(ctx, &c->cal);
        if (rc)
            return rc;
    }
    enum mu_err e = mu_store_open(ctx->db, &c->s, &err);
    if (e) {
        mu_calendar_free(c->cal);
        c->cal = NULL;
        return cli_fail(e, &err);
    }
    return MU_EXIT_OK;
}

static void close_all(struct common *c)
{
    mu_store_close(c->s);
    mu_calendar_free(c->cal);
}

static int load_key(const struct cli_ctx *ctx, const char *key_file, struct mu_case_keyring *kr)
{
    char path[4200];
    struct mu_error err = {0};
    enum mu_err rc = key_file ? MU_OK
                              : mu_case_keyfile_default(ctx->db, getenv("MUSTER_KEY_FILE"), path,
                                                        sizeof(path), &err);
    if (rc == MU_OK)
        rc = mu_case_keyfile_load(key_file ? key_file : path, kr, &err);
    return rc ? cli_fail(rc, &err) : MU_EXIT_OK;
}

static int parse_day(const char *what, const char *s, int32_t *day)
{
    struct mu_error err = {0};
    if (!s) {
        *day = mu_local_day(cli_now_ms(), NULL);
        return MU_EXIT_OK;
    }
    if (mu_date_parse(s, strlen(s), day, &err)) {
        fprintf(stderr, "muster: %s: %s\n", what, err.msg);
        return MU_EXIT_FAIL;
    }
    return MU_EXIT_OK;
}

static int parse_id(const char *s, int64_t *id)
{
    char *end = NULL;
    long long v = s ? strtoll(s, &end, 10) : 0;
    if (!s || end == s || *end || v < 1) {
        fprintf(stderr, "muster: case id '%s' is not a number\n", s ? s : "");
        return MU_EXIT_USAGE;
    }
    *id = v;
    return MU_EXIT_OK;
}

/* Take every "--unit X" out of argv into *units (owned array of borrowed strings). */
static int take_units(int *argc, char **argv, const char ***units, size_t *n)
{
    int m = 0;
    *units = mu_calloc((size_t)*argc + 1, sizeof(char *));
    *n = 0;
    if (!*units)
        return cli_fail(MU_ENOMEM, NULL);
    for (int i = 0; i < *argc; i++) {
        if (strcmp(argv[i], "--") == 0) {
            while (i < *argc)
                argv[m++] = argv[i++];
            break;
        }
        if (strcmp(argv[i], "--unit") == 0) {
            if (i + 1 >= *argc) {
                fprintf(stderr, "muster: option '--unit' needs a value\n");
                mu_free(*units);
                *units = NULL;
                return MU_EXIT_USAGE;
            }
            (*units)[(*n)++] = argv[++i];
        } else if (strncmp(argv[i], "--unit=", 7) == 0) {
            (*units)[(*n)++] = argv[i] + 7;
        } else {
            argv[m++] = argv[i];
        }
    }
    *argc = m;
    return MU_EXIT_OK;
}

static int print_show(struct mu_store *s, const struct cli_ctx *ctx, int64_t id)
{
    struct mu_error err = {0};
    char *out = NULL;
    struct mu_actor actor = {.name = ctx->actor, .now_ms = cli_now_ms()};
    enum mu_err rc = mu_app_case_show_json(s, &actor, NULL, id, NULL, &out, &err);
    if (rc)
        return cli_fail(rc, &err);
    fputs(out, stdout);
    mu_free(out);
    return MU_EXIT_OK;
}

static int do_register(int argc, char **argv, struct cli_ctx *ctx)
{
    const char *subject = NULL, *channel = NULL, *received = NULL, *description = NULL,
               *category = NULL, *place = NULL, *name = NULL, *phone = NULL, *address = NULL,
               *idnum = NULL, *matter = NULL, *key_file = NULL;
    const char **units = NULL;
    size_t nunits = 0;
    int json = 0, npos = 0, rc;
    if ((rc = take_units(&argc, argv, &units, &nunits)))
        return rc;
    const struct cli_opt opts[] = {
        {"--subject", CLI_VALUE, &subject, NULL},
        {"--channel", CLI_VALUE, &channel, NULL},
        {"--received", CLI_VALUE, &received, NULL},
        {"--description", CLI_VALUE, &description, NULL},
        {"--category", CLI_VALUE, &category, NULL},
        {"--place", CLI_VALUE, &place, NULL},
        {"--name", CLI_VALUE, &name, NULL},
        {"--phone", CLI_VALUE, &phone, NULL},
        {"--address", CLI_VALUE, &address, NULL},
        {"--id-number", CLI_VALUE, &idnum, NULL},
        {"--matter", CLI_VALUE, &matter, NULL},
        {"--key-file", CLI_VALUE, &key_file, NULL},
        {"--json", CLI_FLAG, NULL, &json},
        {NULL, CLI_FLAG, NULL, NULL},
    };
    if ((rc = cli_parse(argc, argv, opts, &npos)) || npos || !subject || !channel || !received) {
        mu_free(units);
        return rc ? rc : cli_usage(U_REGISTER);
    }
    struct mu_case_input in = {.channel = channel,
                               .subject = subject,
                               .description = description,
                               .category = category,
                               .place = place,
                               .units = units,
                               .nunits = nunits,
                               .name = name,
                               .phone = phone,
                               .address = address,
                               .id_number = idnum};
    if ((rc = parse_day("--received", received, &in.received)) ||
        (matter && (rc = parse_id(matter, &in.matter)))) {
        mu_free(units);
        return rc;
    }
    struct mu_case_keyring kr;
    struct common c = {0};
    if ((rc = load_key(ctx, key_file, &kr))) {
        mu_free(units);
        return rc;
    }
    if ((rc = open_all(ctx, &c, 1))) {
        mu_case_keyring_wipe(&kr);
        mu_free(units);
        return rc;
    }
    struct mu_error err = {0};
    struct mu_actor actor = {.name = ctx->actor, .now_ms = cli_now_ms()};
    int64_t id = 0;
    char code[MU_CASE_CODE_LEN + 1];
    enum mu_err e = mu_app_case_register(c.s, &actor, &kr, c.cal, &in, &id, code, &err);
    mu_case_keyring_wipe(&kr);
    mu_free(units);
    if (e) {
        close_all(&c);
        return cli_fail(e, &err);
    }
    if (json)
        rc = print_show(c.s, ctx, id);
    else
        printf("case %lld registered, tracking code %s\n", (long long)id, code);
    close_all(&c);
    return rc;
}

static int do_step(int argc, char **argv, struct cli_ctx *ctx, enum mu_case_op op)
{
    const char *on = NULL, *text = NULL, *reason = NULL, *body = NULL, *leader = NULL, *kind = NULL,
               *days = NULL, *outcome = NULL;
    const char **units = NULL;
    size_t nunits = 0;
    int json = 0, npos = 0, rc;
    if (op == MU_CASE_OP_ASSIGN && (rc = take_units(&argc, argv, &units, &nunits)))
        return rc;
    const struct cli_opt opts[] = {
        {"--on", CLI_VALUE, &on, NULL},         {"--text", CLI_VALUE, &text, NULL},
        {"--reason", CLI_VALUE, &reason, NULL}, {"--body", CLI_VALUE, &body, NULL},
        {"--leader", CLI_VALUE, &leader, NULL}, {"--kind", CLI_VALUE, &kind, NULL},
        {"--days", CLI_VALUE, &days, NULL},     {"--outcome", CLI_VALUE, &outcome, NULL},
        {"--json", CLI_FLAG, NULL, &json},      {NULL, CLI_FLAG, NULL, NULL},
    };
    int64_t id = 0;
    if ((rc = cli_parse(argc, argv, opts, &npos)) || npos != 1 || (rc = parse_id(argv[0], &id))) {
        mu_free(units);
        return rc ? rc : cli_usage(U_STEPS);
    }
    struct mu_case_step st = {.op = op,
                              .text = text,
                              .body = body,
                              .outcome = outcome,
                              .leader = leader,
                              .units = units,
                              .nunits = nunits,
                              .note_kind = kind};
    if (op == MU_CASE_OP_REJECT || op == MU_CASE_OP_EXTEND)
        st.text = reason;
    if (op == MU_CASE_OP_EXTEND) {
        char *end = NULL;
        long v = days ? strtol(days, &end, 10) : 0;
        if (!days || end == days || *end || v < 0 || v > 100000) {
            fprintf(stderr, "muster: --days '%s' is not a number of days\n", days ? days : "");
            mu_free(units);
            return MU_EXIT_USAGE;
        }
        st.days = (int)v;
    }
    if ((rc = parse_day("--on", on, &st.on))) {
        mu_free(units);
        return rc;
    }
    struct common c = {0};
    if ((rc = open_all(ctx, &c, 1))) {
        mu_free(units);
        return rc;
    }
    struct mu_error err = {0};
    struct mu_actor actor = {.name = ctx->actor, .now_ms = cli_now_ms()};
    enum mu_err e = mu_app_case_step(c.s, &actor, c.cal, id, &st, &err);
    mu_free(units);
    if (e) {
        close_all(&c);
        return cli_fail(e, &err);
    }
    if (json) {
        rc = print_show(c.s, ctx, id);
    } else {
        struct mu_case cs;
        if (mu_store_case_get(c.s, id, &cs, &err) == MU_OK) {
            char due[11] = "";
            if (cs.dl.due != MU_CASE_NO_DAY)
                mu_date_format(cs.dl.due, due);
            if (due[0])
                printf("case %lld: %s, %s due %s\n", (long long)id,
                       mu_case_state_name(cs.flow.state), cs.dl.due_kind, due);
            else
                printf("case %lld: %s\n", (long long)id, mu_case_state_name(cs.flow.state));
            mu_case_release(&cs);
        }
    }
    close_all(&c);
    return rc;
}

static int do_show(int argc, char **argv, struct cli_ctx *ctx)
{
    const char *reason = NULL, *key_file = NULL;
    int json = 0, reveal = 0, npos = 0, rc;
    const struct cli_opt opts[] = {
        {"--json", CLI_FLAG, NULL, &json},      {"--reveal", CLI_FLAG, NULL, &reveal},
        {"--reason", CLI_VALUE, &reason, NULL}, {"--key-file", CLI_VALUE, &key_file, NULL},
        {NULL, CLI_FLAG, NULL, NULL},
    };
    int64_t id = 0;
    if ((rc = cli_parse(argc, argv, opts, &npos)) || npos != 1 || (rc = parse_id(argv[0], &id)))
        return rc ? rc : cli_usage(U_SHOW);
    if (reveal && (!reason || !*reason)) {
        fprintf(stderr, "muster: --reveal needs --reason: every reveal is audited with why\n");
        return MU_EXIT_USAGE;
    }
    struct mu_case_keyring kr;
    if (reveal && (rc = load_key(ctx, key_file, &kr)))
        return rc;
    struct common c = {0};
    if ((rc = open_all(ctx, &c, 0))) {
        if (reveal)
            mu_case_keyring_wipe(&kr);
        return rc;
    }
    struct mu_error err = {0};
    struct mu_actor actor = {.name = ctx->actor, .now_ms = cli_now_ms()};
    char *out = NULL;
    enum mu_err e = mu_app_case_show_json(c.s, &actor, reveal ? &kr : NULL, id, reason, &out, &err);
    if (reveal)
        mu_case_keyring_wipe(&kr);
    if (e == MU_OK) { /* the attachments, without their content (src/app/attachment.c) */
        char ref[32], *with = NULL;
        snprintf(ref, sizeof(ref), "case:%lld", (long long)id);
        e = mu_app_attachment_merge_json(c.s, ref, "attachments", out, &with, &err);
        mu_free(out);
        out = with;
    }
    close_all(&c);
    if (e)
        return cli_fail(e, &err);
    (void)json; /* the JSON document is the one output of show */
    fputs(out, stdout);
    mu_free(out);
    return MU_EXIT_OK;
}

/* attach ID FILE; attachments ID [--json]; attachment ID ATT --output F --reason R */
static int do_attach(int argc, char **argv, struct cli_ctx *ctx, const char *sub)
{
    const char *output = NULL, *reason = NULL, *key_file = NULL;
    int json = 0, npos = 0, rc;
    int add = strcmp(sub, "attach") == 0, get = strcmp(sub, "attachment") == 0;
    const struct cli_opt opts[] = {
        {"--output", CLI_VALUE, &output, NULL},     {"--reason", CLI_VALUE, &reason, NULL},
        {"--key-file", CLI_VALUE, &key_file, NULL}, {"--json", CLI_FLAG, NULL, &json},
        {NULL, CLI_FLAG, NULL, NULL},
    };
    int64_t id = 0, att = 0;
    if ((rc = cli_parse(argc, argv, opts, &npos)))
        return rc;
    if (npos != (add || get ? 2 : 1) || (get && !output) || (!get && (output || reason)) ||
        (json && (add || get)))
        return cli_usage(U_ATTACH);
    if ((rc = parse_id(argv[0], &id)) || (get && (rc = parse_id(argv[1], &att))))
        return rc;
    if (get && (!reason || !*reason)) {
        fprintf(stderr, "muster: --reason is required: every read of a case attachment is "
                        "audited with why\n");
        return MU_EXIT_USAGE;
    }
    struct mu_error err = {0};
    void *data = NULL;
    size_t len = 0;
    char name[256], hex[65];
    enum mu_err e = MU_OK;
    if (add && (e = mu_app_attachment_read_file(argv[1], &data, &len, name, sizeof(name), &err)))
        return cli_fail(e, &err);
    struct mu_case_keyring kr;
    if ((add || get) && (rc = load_key(ctx, key_file, &kr))) {
        mu_free(data);
        return rc;
    }
    struct common c = {0};
    if ((rc = open_all(ctx, &c, 0))) {
        if (add || get)
            mu_case_keyring_wipe(&kr);
        mu_free(data);
        return rc;
    }
    struct mu_actor actor = {.name = ctx->actor, .now_ms = cli_now_ms()};
    char ref[32], *out = NULL;
    snprintf(ref, sizeof(ref), "case:%lld", (long long)id);
    if (add)
        e = mu_app_case_attach(c.s, &actor, &kr, id, name, data, len, &att, hex, &err);
    else if (get)
        e = mu_app_case_attachment_get(c.s, &actor, &kr, id, att, reason, NULL, &data, &len,
                                       &err);
    else {
        struct mu_case cs = {0};
        e = mu_store_case_get(c.s, id, &cs, &err); /* "no case N" rather than an empty list */
        mu_case_release(&cs);
        if (e == MU_OK)
            e = json ? mu_app_attachment_list_json(c.s, ref, &out, &err)
                     : mu_app_attachment_list_text(c.s, ref, &out, &err);
    }
    if (add || get)
        mu_case_keyring_wipe(&kr);
    close_all(&c);
    if (e == MU_OK && get)
        e = mu_app_attachment_write_file(output, data, len, &err);
    mu_free(data);
    if (e)
        return cli_fail(e, &err);
    if (add)
        printf("case %lld: attachment %lld '%s' stored (%zu bytes, sha256 %s)\n", (long long)id,
               (long long)att, name, len, hex);
    else if (get)
        printf("case %lld: attachment %lld written to %s (%zu bytes)\n", (long long)id,
               (long long)att, output, len);
    else
        fputs(out, stdout);
    mu_free(out);
    return MU_EXIT_OK;
}

static int do_list(int argc, char **argv, struct cli_ctx *ctx)
{
    struct mu_case_filter f = {0};
    const char *xlsx = NULL, *reason = NULL, *key_file = NULL;
    int json = 0, open_only = 0, with_id = 0, npos = 0, rc;
    const struct cli_opt opts[] = {
        {"--state", CLI_VALUE, &f.state, NULL}, {"--category", CLI_VALUE, &f.category, NULL},
        {"--unit", CLI_VALUE, &f.unit, NULL},   {"--channel", CLI_VALUE, &f.channel, NULL},
        {"--open", CLI_FLAG, NULL, &open_only}, {"--json", CLI_FLAG, NULL, &json},
        {"--xlsx", CLI_VALUE, &xlsx, NULL},     {"--with-identity", CLI_FLAG, NULL, &with_id},
        {"--reason", CLI_VALUE, &reason, NULL}, {"--key-file", CLI_VALUE, &key_file, NULL},
        {NULL, CLI_FLAG, NULL, NULL},
    };
    if ((rc = cli_parse(argc, argv, opts, &npos)) || npos)
        return rc ? rc : cli_usage(U_LIST);
    if (with_id && (!xlsx || !reason || !*reason)) {
        fprintf(stderr, "muster: --with-identity goes with --xlsx FILE and --reason TEXT\n");
        return MU_EXIT_USAGE;
    }
    struct mu_error err = {0};
    enum mu_case_state st;
    if (f.state && mu_case_state_parse(f.state, &st, &err))
        return cli_fail(MU_EINVAL, &err);
    f.open_only = open_only;
    struct mu_case_keyring kr;
    if (with_id && (rc = load_key(ctx, key_file, &kr)))
        return rc;
    struct common c = {0};
    if ((rc = open_all(ctx, &c, 0))) {
        if (with_id)
            mu_case_keyring_wipe(&kr);
        return rc;
    }
    struct mu_actor actor = {.name = ctx->actor, .now_ms = cli_now_ms()};
    char *out = NULL;
    enum mu_err e = MU_OK;
    if (xlsx)
        e = mu_app_case_list_xlsx(c.s, &actor, &f, with_id ? &kr : NULL, reason, xlsx, &err);
    if (with_id)
        mu_case_keyring_wipe(&kr);
    if (e == MU_OK && (json || !xlsx))
        e = mu_app_case_list(c.s, &f, json ? MU_CASE_JSON : MU_CASE_TEXT, &out, &err);
    close_all(&c);
    if (e)
        return cli_fail(e, &err);
    if (out)
        fputs(out, stdout);
    else
        printf("wrote %s\n", xlsx);
    mu_free(out);
    return MU_EXIT_OK;
}

static int do_due(int argc, char **argv, struct cli_ctx *ctx)
{
    const char *within = NULL, *today = NULL;
    int json = 0, npos = 0, rc;
    const struct cli_opt opts[] = {
        {"--within", CLI_VALUE, &within, NULL},
        {"--today", CLI_VALUE, &today, NULL},
        {"--json", CLI_FLAG, NULL, &json},
        {NULL, CLI_FLAG, NULL, NULL},
    };
    if ((rc = cli_parse(argc, argv, opts, &npos)) || npos)
        return rc ? rc : cli_usage(U_DUE);
    int64_t secs = 0;
    struct mu_error err = {0};
    if (within && mu_duration_parse(within, strlen(within), &secs, &err)) {
        fprintf(stderr, "muster: --within: %s\n", err.msg);
        return MU_EXIT_USAGE;
    }
    int32_t day = 0;
    if ((rc = parse_day("--today", today, &day)))
        return rc;
    struct common c = {0};
    if ((rc = open_all(ctx, &c, 0)))
        return rc;
    char *out = NULL;
    enum mu_err e = mu_app_case_due(c.s, day, (int)(secs / 86400),
                                    json ? MU_CASE_JSON : MU_CASE_TEXT, &out, &err);
    close_all(&c);
    if (e)
        return cli_fail(e, &err);
    fputs(out, stdout);
    mu_free(out);
    return MU_EXIT_OK;
}

static int parse_format(const char *s, enum mu_case_format *fmt)
{
    if (!s || strcmp(s, "md") == 0) {
        *fmt = MU_CASE_MD;
        return MU_EXIT_OK;
    }
    if (strcmp(s, "html") == 0) {
        *fmt = MU_CASE_HTML;
        return MU_EXIT_OK;
    }
    fprintf(stderr, "muster: --format '%s' is not md or html\n", s);
    return MU_EXIT_USAGE;
}

static int do_doc(int argc, char **argv, struct cli_ctx *ctx, int notice)
{
    const char *format = NULL, *kind = NULL, *dir = NULL, *key_file = NULL;
    int npos = 0, rc;
    const struct cli_opt opts[] = {
        {"--format", CLI_VALUE, &format, NULL}, {"--kind", CLI_VALUE, &kind, NULL},
        {"--templates", CLI_VALUE, &dir, NULL}, {"--key-file", CLI_VALUE, &key_file, NULL},
        {NULL, CLI_FLAG, NULL, NULL},
    };
    int64_t id = 0;
    enum mu_case_format fmt = MU_CASE_MD;
    if ((rc = cli_parse(argc, argv, opts, &npos)) || npos != 1 || (notice && !kind) ||
        (!notice && (kind || dir)) || (rc = parse_id(argv[0], &id)) ||
        (rc = parse_format(format, &fmt)))
        return rc ? rc : cli_usage(U_OTHER);
    /* The notice is addressed to the complainant: with a key, their name is filled in. */
    struct mu_case_keyring kr;
    int have_key = 0;
    if (notice) {
        char path[4200];
        struct mu_error kerr = {0};
        if (key_file || mu_case_keyfile_default(ctx->db, getenv("MUSTER_KEY_FILE"), path,
                                                sizeof(path), &kerr) == MU_OK)
            have_key = mu_case_keyfile_load(key_file ? key_file : path, &kr, &kerr) == MU_OK;
    }
    struct common c = {0};
    if ((rc = open_all(ctx, &c, 0))) {
        if (have_key)
            mu_case_keyring_wipe(&kr);
        return rc;
    }
    struct mu_error err = {0};
    struct mu_actor actor = {.name = ctx->actor, .now_ms = cli_now_ms()};
    char *out = NULL;
    enum mu_err e = notice ? mu_app_case_notice(c.s, &actor, have_key ? &kr : NULL, id, kind, dir,
                                                fmt, &out, &err)
                           : mu_app_case_handover(c.s, &actor, id, fmt, &out, &err);
    if (have_key)
        mu_case_keyring_wipe(&kr);
    close_all(&c);
    if (e)
        return cli_fail(e, &err);
    fputs(out, stdout);
    mu_free(out);
    return MU_EXIT_OK;
}

static int do_simple(int argc, char **argv, struct cli_ctx *ctx, const char *what)
{
    const char *before = NULL;
    int json = 0, npos = 0, rc;
    const struct cli_opt opts[] = {
        {"--closed-before", CLI_VALUE, &before, NULL},
        {"--json", CLI_FLAG, NULL, &json},
        {NULL, CLI_FLAG, NULL, NULL},
    };
    int purge = strcmp(what, "purge") == 0, stats = strcmp(what, "stats") == 0;
    if ((rc = cli_parse(argc, argv, opts, &npos)) || npos || (purge && !before) ||
        (!purge && before) || (!stats && json))
        return rc ? rc : cli_usage(U_OTHER);
    int32_t day = 0;
    if (purge && (rc = parse_day("--closed-before", before, &day)))
        return rc;
    struct common c = {0};
    if ((rc = open_all(ctx, &c, strcmp(what, "recompute") == 0)))
        return rc;
    struct mu_error err = {0};
    struct mu_actor actor = {.name = ctx->actor, .now_ms = cli_now_ms()};
    size_t n = 0;
    char *out = NULL;
    enum mu_err e;
    if (purge)
        e = mu_app_case_purge(c.s, &actor, day, &n, &err);
    else if (stats)
        e = mu_app_case_stats(c.s, json ? MU_CASE_JSON : MU_CASE_TEXT, &out, &err);
    else
        e = mu_app_case_recompute(c.s, &actor, c.cal, &n, &err);
    close_all(&c);
    if (e)
        return cli_fail(e, &err);
    if (out)
        fputs(out, stdout);
    else if (purge)
        printf("personal data removed from %zu closed case%s\n", n, n == 1 ? "" : "s");
    else
        printf("deadlines changed in %zu open case%s\n", n, n == 1 ? "" : "s");
    mu_free(out);
    return MU_EXIT_OK;
}

int cmd_case(int argc, char **argv, struct cli_ctx *ctx)
{
    static const struct {
        const char *name;
        enum mu_case_op op;
    } steps[] = {
        {"accept", MU_CASE_OP_ACCEPT}, {"reject", MU_CASE_OP_REJECT}, {"assign", MU_CASE_OP_ASSIGN},
        {"note", MU_CASE_OP_NOTE},     {"extend", MU_CASE_OP_EXTEND}, {"reply", MU_CASE_OP_REPLY},
        {"review", MU_CASE_OP_REVIEW}, {"close", MU_CASE_OP_CLOSE},
    };
    if (argc < 1)
        return cli_usage(USAGE);
    const char *sub = argv[0];
    if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0 || strcmp(sub, "help") == 0) {
        printf("usage: %s\n", USAGE);
        return MU_EXIT_OK;
    }
    if (strcmp(sub, "register") == 0)
        return do_register(argc - 1, argv + 1, ctx);
    for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
        if (strcmp(sub, steps[i].name) == 0)
            return do_step(argc - 1, argv + 1, ctx, steps[i].op);
    if (strcmp(sub, "show") == 0)
        return do_show(argc - 1, argv + 1, ctx);
    if (strcmp(sub, "attach") == 0 || strcmp(sub, "attachments") == 0 ||
        strcmp(sub, "attachment") == 0)
        return do_attach(argc - 1, argv + 1, ctx, sub);
    if (strcmp(sub, "list") == 0)
        return do_list(argc - 1, argv + 1, ctx);
    if (strcmp(sub, "due") == 0)
        return do_due(argc - 1, argv + 1, ctx);
    if (strcmp(sub, "handover") == 0)
        return do_doc(argc - 1, argv + 1, ctx, 0);
    if (strcmp(sub, "notice") == 0)
        return do_doc(argc - 1, argv + 1, ctx, 1);
    if (strcmp(sub, "stats") == 0 || strcmp(sub, "purge") == 0 || strcmp(sub, "recompute") == 0)
        return do_simple(argc - 1, argv + 1, ctx, sub);
    fprintf(stderr, "muster: case: unknown subcommand '%s'\n", sub);
    return cli_usage(USAGE);
}
