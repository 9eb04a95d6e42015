/* SPDX-License-Identifier: MIT */
/*
 * muster user: accounts of the web UI and API.
 *
 *   muster user add NAME --role ROLE [--unit UNIT]... --password-stdin
 *   muster user passwd NAME --password-stdin
 *   muster user disable NAME | muster user enable NAME
 *   muster user list [--json]
 *
 * Passwords are read from standard input only (one line, the newline
 * stripped), never from the command line, where other users of the machine
 * could see them in the process list. Every change is audited with the
 * actor of the CLI ($MUSTER_ACTOR, else $USER).
 */
#include "cli.h"

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <muster/account.h>
#include <muster/mem.h>
#include <muster/store.h>

#define USER_USAGE                                                                                 \
    "muster user add NAME --role ROLE [--unit UNIT]... --password-stdin\n"                         \
    "       muster user passwd NAME --password-stdin\n"                                            \
    "       muster user disable NAME | muster user enable NAME\n"                                  \
    "       muster user list [--json]"

#define PW_BUF (MU_PASSWORD_MAX_BYTES + 3) /* the password, a '\r', one byte to notice excess */

/*
 * Read the password: the first line of standard input without its newline
 * (and a '\r' before it). Checked against the policy here so that the user
 * hears about a bad password before anything is hashed. Returns an exit
 * code; the password is in @p buf on success.
 */
static int read_password(char buf[PW_BUF])
{
    struct mu_error err = {0};
    size_t n = 0;
    int c, any = 0;
    while ((c = getchar()) != EOF && c != '\n') {
        any = 1;
        if (n < PW_BUF - 1)
            buf[n++] = (char)c;
        else
            break; /* too long: no need to read the rest */
    }
    buf[n] = '\0';
    if (!any && c == EOF) {
        fprintf(stderr, "muster: no password on standard input\n");
        return MU_EXIT_FAIL;
    }
    if (n > 0 && buf[n - 1] == '\r' && n <= MU_PASSWORD_MAX_BYTES + 1)
        buf[--n] = '\0';
    enum mu_err rc = mu_password_check(buf, n, &err);
    if (rc)
        return cli_fail(rc, &err);
    return MU_EXIT_OK;
}

/*
 * Take every "--unit U" / "--unit=U" out of argv (before "--") into
 * units[]; returns the remaining count, or -1 after printing an error.
 */
static int take_units(int argc, char **argv, const char **units, size_t max, size_t *n)
{
    int out = 0, done = 0;
    *n = 0;
    for (int i = 0; i < argc; i++) {
        const char *v = NULL;
        if (!done && strcmp(argv[i], "--") == 0)
            done = 1;
        if (!done && strcmp(argv[i], "--unit") == 0) {
            if (i + 1 >= argc) {
                fprintf(stderr, "muster: option '--unit' needs a value\n");
                return -1;
            }
            v = argv[++i];
        } else if (!done && strncmp(argv[i], "--unit=", 7) == 0) {
            v = argv[i] + 7;
        } else {
            argv[out++] = argv[i];
            continue;
        }
        if (*n >= max) {
            fprintf(stderr, "muster: a user has at most %d units\n", MU_USER_MAX_UNITS);
            return -1;
        }
        units[(*n)++] = v;
    }
    return out;
}

static int user_add(int argc, char **argv, struct cli_ctx *ctx)
{
    static const char usage[] =
        "muster user add NAME --role ROLE [--unit UNIT]... --password-stdin";
    const char *units[MU_USER_MAX_UNITS];
    const char *role_s = NULL;
    size_t nunits = 0;
    int npos = 0, pw_stdin = 0, code;
    enum mu_role role;
    struct mu_error err = {0};
    char pw[PW_BUF];

    argc = take_units(argc, argv, units, MU_USER_MAX_UNITS, &nunits);
    if (argc < 0)
        return cli_usage(usage);
    const struct cli_opt opts[] = {
        {"--role", CLI_VALUE, &role_s, NULL},
        {"--password-stdin", CLI_FLAG, NULL, &pw_stdin},
        {0},
    };
    if (cli_parse(argc, argv, opts, &npos) || npos != 1 || !role_s)
        return cli_usage(usage);
    if (!mu_role_parse(role_s, &role)) {
        fprintf(stderr, "muster: unknown role '%s' (expected %s)\n", role_s, MU_ROLE_NAMES);
        return MU_EXIT_USAGE;
    }
    if (!pw_stdin) {
        fprintf(stderr,
                "muster: the password is read from standard input: give --password-stdin\n");
        return MU_EXIT_USAGE;
    }
    if (role == MU_ROLE_REPORTER && nunits == 0) {
        fprintf(stderr, "muster: role 'reporter' needs at least one --unit\n");
        return MU_EXIT_USAGE;
    }
    enum mu_err rc = mu_username_check(argv[0], &err);
    if (rc)
        return cli_fail(rc, &err);
    if ((code = read_password(pw)))
        return code;
    struct cli_run r;
    if (!(code = cli_run_open(ctx, 0, &r))) {
        rc = mu_account_user_add(r.s, &r.actor, argv[0], role, units, nunits, pw, &r.err);
        if (!(code = cli_run_end(&r, rc)))
            printf("added user '%s' with role %s\n", argv[0], mu_role_name(role));
    }
    memset(pw, 0, sizeof(pw));
    return code;
}

static int user_passwd(int argc, char **argv, struct cli_ctx *ctx)
{
    static const char usage[] = "muster user passwd NAME --password-stdin";
    int npos = 0, pw_stdin = 0, code;
    char pw[PW_BUF];
    const struct cli_opt opts[] = {
        {"--password-stdin", CLI_FLAG, NULL, &pw_stdin},
        {0},
    };
    if (cli_parse(argc, argv, opts, &npos) || npos != 1)
        return cli_usage(usage);
    if (!pw_stdin) {
        fprintf(stderr,
                "muster: the password is read from standard input: give --password-stdin\n");
        return MU_EXIT_USAGE;
    }
    if ((code = read_password(pw)))
        return code;
    struct cli_run r;
    if (!(code = cli_run_open(ctx, 0, &r))) {
        enum mu_err rc = mu_account_user_passwd(r.s, &r.actor, argv[0], pw, &r.err);
        if (!(code = cli_run_end(&r, rc)))
            printf("changed the password of user '%s'\n", argv[0]);
    }
    memset(pw, 0, sizeof(pw));
    return code;
}

static int user_disable(int argc, char **argv, struct cli_ctx *ctx, int disable)
{
    int npos = 0, changed = 0, code;
    const struct cli_opt opts[] = {{0}};
    if (cli_parse(argc, argv, opts, &npos) || npos != 1)
        return cli_usage(disable ? "muster user disable NAME" : "muster user enable NAME");
    struct cli_run r;
    if ((code = cli_run_open(ctx, 0, &r)))
        return code;
    enum mu_err rc = mu_store_user_set_disabled(r.s, &r.actor, argv[0], disable, &changed, &r.err);
    if ((code = cli_run_end(&r, rc)))
        return code;
    if (changed)
        printf("%s user '%s'\n", disable ? "disabled" : "enabled", argv[0]);
    else
        printf("user '%s' is already %s\n", argv[0], disable ? "disabled" : "enabled");
    return MU_EXIT_OK;
}

/* The units joined with ",", or "-" when there are none; owned (mu_free). */
static char *join_units(const struct mu_user *u)
{
    size_t len = 2;
    for (size_t i = 0; i < u->nunits; i++)
        len += strlen(u->units[i]) + 1;
    char *out = mu_malloc(len);
    if (!out)
        return NULL;
    out[0] = '\0';
    size_t at = 0;
    for (size_t i = 0; i < u->nunits; i++)
        at += (size_t)snprintf(out + at, len - at, "%s%s", i ? "," : "", u->units[i]);
    if (!u->nunits)
        snprintf(out, len, "-");
    return out;
}

static int list_json(const struct mu_user *v, size_t n)
{
    json_t *arr = json_array();
    int ok = arr != NULL;
    for (size_t i = 0; ok && i < n; i++) {
        char created[32];
        json_t *o = json_object(), *units = json_array();
        for (size_t k = 0; units && k < v[i].nunits; k++)
            if (json_array_append_new(units, json_string(v[i].units[k])) != 0)
                ok = 0;
        cli_format_utc(v[i].created_at, created);
        /* The _new setters take their value even when they fail. */
        ok = ok && o && units && json_object_set_new(o, "name", json_string(v[i].name)) == 0 &&
             json_object_set_new(o, "role", json_string(mu_role_name(v[i].role))) == 0 &&
             json_object_set_new(o, "units", json_incref(units)) == 0 &&
             json_object_set_new(o, "disabled", json_boolean(v[i].disabled)) == 0 &&
             json_object_set_new(o, "lang", json_string(v[i].lang)) == 0 &&
             json_object_set_new(o, "created", json_string(created)) == 0;
        json_decref(units);
        if (o && json_array_append_new(arr, o) != 0)
            ok = 0;
        if (!o)
            ok = 0;
    }
    char *text = ok ? json_dumps(arr, JSON_COMPACT) : NULL;
    json_decref(arr);
    if (!text) {
        fprintf(stderr, "muster: out of memory writing JSON\n");
        return MU_EXIT_FAIL;
    }
    puts(text);
    free(text);
    return MU_EXIT_OK;
}

static int list_text(const struct mu_user *v, size_t n)
{
    char **units = mu_calloc(n ? n : 1, sizeof(*units));
    int wname = 4, wrole = 4, wunits = 5;
    if (!units) {
        fprintf(stderr, "muster: out of memory listing users\n");
        return MU_EXIT_FAIL;
    }
    int code = MU_EXIT_OK;
    for (size_t i = 0; i < n; i++) {
        if (!(units[i] = join_units(&v[i]))) {
            fprintf(stderr, "muster: out of memory listing users\n");
            code = MU_EXIT_FAIL;
            goto out;
        }
        int l = (int)strlen(v[i].name);
        wname = l > wname ? l : wname;
        l = (int)strlen(mu_role_name(v[i].role));
        wrole = l > wrole ? l : wrole;
        l = (int)strlen(units[i]);
        wunits = l > wunits ? l : wunits;
    }
    printf("%-*s  %-*s  %-*s  %-8s  %s\n", wname, "NAME", wrole, "ROLE", wunits, "UNITS", "STATUS",
           "CREATED");
    for (size_t i = 0; i < n; i++) {
        char created[32];
        cli_format_utc(v[i].created_at, created);
        printf("%-*s  %-*s  %-*s  %-8s  %s\n", wname, v[i].name, wrole, mu_role_name(v[i].role),
               wunits, units[i], v[i].disabled ? "disabled" : "active", created);
    }
out:
    for (size_t i = 0; i < n; i++)
        mu_free(units[i]);
    mu_free(units);
    return code;
}

static int user_list(int argc, char **argv, struct cli_ctx *ctx)
{
    int npos = 0, json = 0, code;
    struct mu_user *v = NULL;
    size_t n = 0;
    const struct cli_opt opts[] = {
        {"--json", CLI_FLAG, NULL, &json},
        {0},
    };
    if (cli_parse(argc, argv, opts, &npos) || npos != 0)
        return cli_usage("muster user list [--json]");
    struct cli_run r;
    if ((code = cli_run_open(ctx, 0, &r)))
        return code;
    enum mu_err rc = mu_store_user_list(r.s, &v, &n, &r.err);
    if ((code = cli_run_end(&r, rc)))
        return code;
    code = json ? list_json(v, n) : list_text(v, n);
    mu_users_free(v, n);
    return code;
}

static const struct cli_sub subs[] = {
    {"add", .run = user_add},
    {"passwd", .run = user_passwd},
    {"disable", .run_with = user_disable, .arg = 1},
    {"enable", .run_with = user_disable, .arg = 0},
    {"list", .run = user_list},
    {NULL},
};

int cmd_user(int argc, char **argv, struct cli_ctx *ctx)
{
    static const struct cli_cmd cmd = {USER_USAGE, "unknown user command", CLI_HELP_LONG, subs};
    return cli_dispatch(argc, argv, ctx, &cmd);
}
