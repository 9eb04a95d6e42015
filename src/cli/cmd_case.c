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
    int nunits = 0, rc;
    *units = mu_calloc((size_t)*argc + 1, sizeof(char *));
    *n = 0;
    if (!*units)
        return cli_fail(MU_ENOMEM, NULL);
    if ((rc = cli_take_repeated(argc, argv, "--unit", *units, &nunits))) {
        mu_free(*units);
        *units = NULL;
        return rc;
    }
    *n = (size_t)nunits;
    return MU_EXIT_OK;
}

static int print_show(struct mu_store *s, const struct cli_ctx *ctx, int64_t id)
{
    struct mu_error err = {0};
    char *out = NULL;
    struct mu_actor actor = {.name = ctx->actor, .now_ms = cli_now_ms()};
    enum mu_err rc = mu_app_case_show_json(s, &actor, NULL, id, NULL, &out, &err);
    return cli_emit(rc, out, &err);
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
    if ((rc = cli_parse_date("--received", received, &in.received)) ||
        (matter && (rc = parse_id(matter, &in.matter)))) {
        mu_free(units);
        return rc;
    }
    struct mu_case_keyring kr;
    struct cli_run r;
    if ((rc = load_key(ctx, key_file, &kr))) {
        mu_free(units);
        return rc;
    }
    if ((rc = cli_run_open(ctx, CLI_RUN_CALENDAR, &r))) {
        mu_case_keyring_wipe(&kr);
        mu_free(units);
        return rc;
    }
    int64_t id = 0;
    char code[MU_CASE_CODE_LEN + 1];
    enum mu_err e = mu_app_case_register(r.s, &r.actor, &kr, r.cal, &in, &id, code, &r.err);
    mu_case_keyring_wipe(&kr);
    mu_free(units);
    if (e)
        return cli_run_end(&r, e);
    if (json)
        rc = print_show(r.s, ctx, id);
    else
        printf("case %lld registered, tracking code %s\n", (long long)id, code);
    cli_run_release(&r);
    return rc;
}

/* accept, reject, assign, note, extend, reply, review, close: @p arg is the enum mu_case_op. */
static int do_step(int argc, char **argv, struct cli_ctx *ctx, int arg)
{
    enum mu_case_op op = (enum mu_case_op)arg;
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
    if ((rc = cli_parse_date("--on", on, &st.on))) {
        mu_free(units);
        return rc;
    }
    struct cli_run r;
    if ((rc = cli_run_open(ctx, CLI_RUN_CALENDAR, &r))) {
        mu_free(units);
        return rc;
    }
    enum mu_err e = mu_app_case_step(r.s, &r.actor, r.cal, id, &st, &r.err);
    mu_free(units);
    if (e)
        return cli_run_end(&r, e);
    if (json) {
        rc = print_show(r.s, ctx, id);
    } else {
        struct mu_case cs;
        if (mu_store_case_get(r.s, id, &cs, &r.err) == MU_OK) {
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
    cli_run_release(&r);
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
    struct cli_run r;
    if ((rc = cli_run_open(ctx, 0, &r))) {
        if (reveal)
            mu_case_keyring_wipe(&kr);
        return rc;
    }
    char *out = NULL;
    enum mu_err e =
        mu_app_case_show_json(r.s, &r.actor, reveal ? &kr : NULL, id, reason, &out, &r.err);
    if (reveal)
        mu_case_keyring_wipe(&kr);
    if (e == MU_OK) { /* the attachments, without their content (src/app/attachment.c) */
        char ref[32], *with = NULL;
        snprintf(ref, sizeof(ref), "case:%lld", (long long)id);
        e = mu_app_attachment_merge_json(r.s, ref, "attachments", out, &with, &r.err);
        mu_free(out);
        out = with;
    }
    cli_run_release(&r);
    (void)json; /* the JSON document is the one output of show */
    return cli_emit(e, out, &r.err);
}

enum attach_op { ATTACH, ATTACHMENTS, ATTACHMENT };

/* attach ID FILE; attachments ID [--json]; attachment ID ATT --output F --reason R */
static int do_attach(int argc, char **argv, struct cli_ctx *ctx, int op)
{
    const char *output = NULL, *reason = NULL, *key_file = NULL;
    int json = 0, npos = 0, rc;
    int add = op == ATTACH, get = op == ATTACHMENT;
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
    struct cli_run r;
    if ((rc = cli_run_open(ctx, 0, &r))) {
        if (add || get)
            mu_case_keyring_wipe(&kr);
        mu_free(data);
        return rc;
    }
    char ref[32], *out = NULL;
    snprintf(ref, sizeof(ref), "case:%lld", (long long)id);
    if (add)
        e = mu_app_case_attach(r.s, &r.actor, &kr, id, name, data, len, &att, hex, &r.err);
    else if (get)
        e = mu_app_case_attachment_get(r.s, &r.actor, &kr, id, att, reason, NULL, &data, &len,
                                       &r.err);
    else {
        struct mu_case cs = {0};
        e = mu_store_case_get(r.s, id, &cs, &r.err); /* "no case N" rather than an empty list */
        mu_case_release(&cs);
        if (e == MU_OK)
            e = json ? mu_app_attachment_list_json(r.s, ref, &out, &r.err)
                     : mu_app_attachment_list_text(r.s, ref, &out, &r.err);
    }
    if (add || get)
        mu_case_keyring_wipe(&kr);
    cli_run_release(&r);
    if (e == MU_OK && get)
        e = mu_app_attachment_write_file(output, data, len, &r.err);
    mu_free(data);
    if (e || !(add || get))
        return cli_emit(e, out, &r.err);
    if (add)
        printf("case %lld: attachment %lld '%s' stored (%zu bytes, sha256 %s)\n", (long long)id,
               (long long)att, name, len, hex);
    else
        printf("case %lld: attachment %lld written to %s (%zu bytes)\n", (long long)id,
               (long long)att, output, len);
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
    struct cli_run r;
    if ((rc = cli_run_open(ctx, 0, &r))) {
        if (with_id)
            mu_case_keyring_wipe(&kr);
        return rc;
    }
    char *out = NULL;
    enum mu_err e = MU_OK;
    if (xlsx)
        e = mu_app_case_list_xlsx(r.s, &r.actor, &f, with_id ? &kr : NULL, reason, xlsx, &r.err);
    if (with_id)
        mu_case_keyring_wipe(&kr);
    if (e == MU_OK && (json || !xlsx))
        e = mu_app_case_list(r.s, &f, json ? MU_CASE_JSON : MU_CASE_TEXT, &out, &r.err);
    cli_run_release(&r);
    return cli_emit_ledger(e, out, xlsx, &r.err);
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
    if ((rc = cli_parse_date("--today", today, &day)))
        return rc;
    struct cli_run r;
    if ((rc = cli_run_open(ctx, 0, &r)))
        return rc;
    char *out = NULL;
    enum mu_err e = mu_app_case_due(r.s, day, (int)(secs / 86400),
                                    json ? MU_CASE_JSON : MU_CASE_TEXT, &out, &r.err);
    cli_run_release(&r);
    return cli_emit(e, out, &r.err);
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
    struct cli_run r;
    if ((rc = cli_run_open(ctx, 0, &r))) {
        if (have_key)
            mu_case_keyring_wipe(&kr);
        return rc;
    }
    char *out = NULL;
    enum mu_err e = notice ? mu_app_case_notice(r.s, &r.actor, have_key ? &kr : NULL, id, kind,
                                                dir, fmt, &out, &r.err)
                           : mu_app_case_handover(r.s, &r.actor, id, fmt, &out, &r.err);
    if (have_key)
        mu_case_keyring_wipe(&kr);
    cli_run_release(&r);
    return cli_emit(e, out, &r.err);
}

enum simple_op { STATS, PURGE, RECOMPUTE };

/* stats [--json]; purge --closed-before DATE; recompute */
static int do_simple(int argc, char **argv, struct cli_ctx *ctx, int op)
{
    const char *before = NULL;
    int json = 0, npos = 0, rc;
    const struct cli_opt opts[] = {
        {"--closed-before", CLI_VALUE, &before, NULL},
        {"--json", CLI_FLAG, NULL, &json},
        {NULL, CLI_FLAG, NULL, NULL},
    };
    int purge = op == PURGE, stats = op == STATS;
    if ((rc = cli_parse(argc, argv, opts, &npos)) || npos || (purge && !before) ||
        (!purge && before) || (!stats && json))
        return rc ? rc : cli_usage(U_OTHER);
    int32_t day = 0;
    if (purge && (rc = cli_parse_date("--closed-before", before, &day)))
        return rc;
    struct cli_run r;
    if ((rc = cli_run_open(ctx, op == RECOMPUTE ? CLI_RUN_CALENDAR : 0, &r)))
        return rc;
    size_t n = 0;
    char *out = NULL;
    enum mu_err e;
    if (purge)
        e = mu_app_case_purge(r.s, &r.actor, day, &n, &r.err);
    else if (stats)
        e = mu_app_case_stats(r.s, json ? MU_CASE_JSON : MU_CASE_TEXT, &out, &r.err);
    else
        e = mu_app_case_recompute(r.s, &r.actor, r.cal, &n, &r.err);
    cli_run_release(&r);
    if (e || out)
        return cli_emit(e, out, &r.err);
    if (purge)
        printf("personal data removed from %zu closed case%s\n", n, n == 1 ? "" : "s");
    else
        printf("deadlines changed in %zu open case%s\n", n, n == 1 ? "" : "s");
    return MU_EXIT_OK;
}

static const struct cli_sub subs[] = {
    {"register", .run = do_register},
    {"accept", .run_with = do_step, .arg = MU_CASE_OP_ACCEPT},
    {"reject", .run_with = do_step, .arg = MU_CASE_OP_REJECT},
    {"assign", .run_with = do_step, .arg = MU_CASE_OP_ASSIGN},
    {"note", .run_with = do_step, .arg = MU_CASE_OP_NOTE},
    {"extend", .run_with = do_step, .arg = MU_CASE_OP_EXTEND},
    {"reply", .run_with = do_step, .arg = MU_CASE_OP_REPLY},
    {"review", .run_with = do_step, .arg = MU_CASE_OP_REVIEW},
    {"close", .run_with = do_step, .arg = MU_CASE_OP_CLOSE},
    {"show", .run = do_show},
    {"attach", .run_with = do_attach, .arg = ATTACH},
    {"attachments", .run_with = do_attach, .arg = ATTACHMENTS},
    {"attachment", .run_with = do_attach, .arg = ATTACHMENT},
    {"list", .run = do_list},
    {"due", .run = do_due},
    {"handover", .run_with = do_doc, .arg = 0},
    {"notice", .run_with = do_doc, .arg = 1},
    {"stats", .run_with = do_simple, .arg = STATS},
    {"purge", .run_with = do_simple, .arg = PURGE},
    {"recompute", .run_with = do_simple, .arg = RECOMPUTE},
    {NULL},
};

int cmd_case(int argc, char **argv, struct cli_ctx *ctx)
{
    static const struct cli_cmd cmd = {USAGE, "case: unknown subcommand", CLI_HELP_ALL, subs};
    return cli_dispatch(argc, argv, ctx, &cmd);
}
