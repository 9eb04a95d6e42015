/* SPDX-License-Identifier: MIT */
/*
 * User administration for admins (the routes are MU_ACTION_ADMIN: anyone
 * else gets the 403 page): the list (GET /admin/users), the add form
 * (POST /admin/users) and disable/enable (POST /admin/users/{name}/disable,
 * .../enable). Without JavaScript: a valid post is answered with 303 back
 * to the list; an invalid one re-renders the form with status 400, the
 * input echoed (except the password) and a message naming the field.
 */
#include "web.h"

#include <muster/account.h>
#include <muster/log.h>
#include <muster/mem.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "../util/banned.h"

static const char *const role_values[] = {"admin", "officer", "leader", "reporter", "viewer"};

static const char *field(const struct mu_query *form, const char *name)
{
    const char *v = NULL;
    if (mu_query_get(form, name, &v, NULL))
        return NULL;
    return v;
}

static json_t *role_label(struct mu_webpage *pg, const char *role)
{
    char key[32];
    snprintf(key, sizeof(key), "role.%s", role);
    return json_string(mu_web_t(pg, key));
}

/* The form's values and error, when re-rendering after a bad post. */
struct add_form {
    const char *name, *role, *units; /* borrowed; NULL when not posted */
    const char *err_field;           /* "name", "role", "unit", "password" or NULL */
    const char *err_key;             /* catalogue key of the message */
};

static int users_page(struct mu_webpage *pg, int status, const struct add_form *f)
{
    struct mu_error err = {0};
    struct mu_user *users = NULL;
    size_t n = 0;
    const struct mu_principal *me = pg->req->principal;
    struct mu_store *s = mu_http_store_acquire(pg->env);
    enum mu_err rc = s ? mu_store_user_list(s, &users, &n, &err)
                       : mu_error_set(&err, MU_ESTORE, "no database");
    mu_http_store_release(pg->env);
    if (rc) {
        mu_log(MU_LOG_ERROR, "http", "rid=%s cannot list users: %s", pg->req->rid, err.msg);
        return mu_web_error(pg, 500, NULL);
    }
    mu_web_set(pg, "page_title", json_string(mu_web_t(pg, "users.title")));
    mu_web_set(pg, "nav_users", json_true());

    /* A flash after a redirect, for a user that exists (not any text from the URL). */
    const char *added = NULL, *changed = NULL;
    mu_query_get(&pg->req->query, "added", &added, NULL);
    mu_query_get(&pg->req->query, "changed", &changed, NULL);

    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++) {
        const struct mu_user *u = &users[i];
        size_t len = 1;
        for (size_t k = 0; k < u->nunits; k++)
            len += strlen(u->units[k]) + 2;
        char *units = mu_malloc(len);
        if (!units) {
            json_decref(a);
            a = NULL;
            break;
        }
        units[0] = '\0';
        size_t o = 0;
        for (size_t k = 0; k < u->nunits; k++)
            o += (size_t)snprintf(units + o, len - o, "%s%s", k ? ", " : "", u->units[k]);
        if (json_array_append_new(
                a, json_pack("{s:s, s:s, s:o, s:s, s:b, s:b}", "name", u->name, "role",
                             mu_role_name(u->role), "role_label",
                             role_label(pg, mu_role_name(u->role)), "units", units,
                             "disabled", u->disabled, "self",
                             me && strcasecmp(me->name, u->name) == 0))) {
            json_decref(a);
            a = NULL;
        }
        mu_free(units);
        if (added && strcmp(added, u->name) == 0)
            mu_web_flash(pg, "ok", mu_web_fmt(pg, "users.added", "name", u->name));
        else if (changed && strcmp(changed, u->name) == 0)
            mu_web_flash(pg, "ok", mu_web_fmt(pg, "users.changed", "name", u->name));
    }
    mu_users_free(users, n);
    mu_web_set(pg, "users", a);

    const char *sel = f && f->role ? f->role : "officer";
    json_t *roles = json_array();
    for (size_t i = 0; roles && i < sizeof(role_values) / sizeof(role_values[0]); i++)
        if (json_array_append_new(roles, json_pack("{s:s, s:o, s:b}", "value", role_values[i],
                                                   "label", role_label(pg, role_values[i]),
                                                   "selected",
                                                   strcmp(sel, role_values[i]) == 0))) {
            json_decref(roles);
            roles = NULL;
        }
    mu_web_set(pg, "roles", roles);
    mu_web_set(pg, "form", json_pack("{s:s, s:s}", "name", f && f->name ? f->name : "", "units",
                                      f && f->units ? f->units : ""));
    if (f && f->err_field) {
        mu_web_set(pg, "err", json_pack("{s:b}", f->err_field, 1));
        mu_web_set(pg, "form_error", json_pack("{s:s, s:s}", "field", f->err_field, "text",
                                                mu_web_t(pg, f->err_key)));
    }
    return mu_web_render(pg, "users", status);
}

int h_page_users(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_webpage pg;
    mu_web_begin(&pg, req, resp, ctx);
    int st = users_page(&pg, 200, NULL);
    mu_web_end(&pg);
    return st;
}

/* Characters (UTF-8 code points) in @p s. */
static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xc0) != 0x80;
    return n;
}

/*
 * Split @p text (modified in place) into unit ids at commas, semicolons,
 * whitespace and the Chinese commas "，" and "、". At most @p max; returns
 * the count, or -1 when there are more.
 */
static int split_units(char *text, char **out, int max)
{
    int n = 0;
    char *p = text;
    while (*p) {
        size_t sep = 0;
        if (*p == ',' || *p == ';' || *p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
            sep = 1;
        else if (strncmp(p, "\xef\xbc\x8c", 3) == 0 || strncmp(p, "\xe3\x80\x81", 3) == 0)
            sep = 3;
        if (sep) {
            memset(p, '\0', sep);
            p += sep;
            continue;
        }
        if (n == max)
            return -1;
        out[n++] = p;
        while (*p && !(*p == ',' || *p == ';' || *p == ' ' || *p == '\t' || *p == '\r' ||
                       *p == '\n' || strncmp(p, "\xef\xbc\x8c", 3) == 0 ||
                       strncmp(p, "\xe3\x80\x81", 3) == 0))
            p++;
    }
    return n;
}

static int units_ok(char **units, int n)
{
    for (int i = 0; i < n; i++)
        if (mu_unit_check(units[i], NULL))
            return 0;
    return 1;
}

int h_page_users_add(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_http_env *env = ctx;
    struct mu_webpage pg;
    struct mu_query form;
    struct mu_error err = {0};
    struct add_form f = {0};
    char *units_buf = NULL;
    char *units[MU_USER_MAX_UNITS];
    int st;

    mu_query_init(&form);
    mu_web_begin(&pg, req, resp, ctx);
    enum mu_err rc = mu_http_req_form(req, &form, &err);
    if (rc) {
        st = rc == MU_ENOMEM ? mu_web_error(&pg, 500, NULL)
                             : mu_web_error(&pg, strcmp(err.field, "Content-Type") == 0 ? 415
                                                                                          : 400,
                                             "form.invalid");
        goto out;
    }
    f.name = field(&form, "name");
    f.role = field(&form, "role");
    f.units = field(&form, "units");
    const char *pw = field(&form, "password");
    enum mu_role role = MU_ROLE_NONE;
    int nunits = 0;
    units_buf = mu_strdup(f.units ? f.units : "");
    if (!units_buf) {
        st = mu_web_error(&pg, 500, NULL);
        goto out;
    }
    if (!f.name || mu_username_check(f.name, NULL)) {
        f.err_field = "name";
        f.err_key = "users.error.name";
    } else if (!f.role || !mu_role_parse(f.role, &role)) {
        f.err_field = "role";
        f.err_key = "users.error.role";
    } else if ((nunits = split_units(units_buf, units, MU_USER_MAX_UNITS)) < 0 ||
               !units_ok(units, nunits)) {
        f.err_field = "unit";
        f.err_key = "users.error.unit";
    } else if (role == MU_ROLE_REPORTER && nunits == 0) {
        f.err_field = "unit";
        f.err_key = "users.error.units_required";
    } else if (!pw || utf8_chars(pw) < MU_PASSWORD_MIN_CHARS) {
        f.err_field = "password";
        f.err_key = "users.error.password_short";
    } else if (mu_password_check(pw, strlen(pw), NULL)) {
        f.err_field = "password";
        f.err_key = "users.error.password";
    }
    if (!f.err_field) {
        struct mu_actor actor = {req->principal->name, mu_http_now_ms()};
        struct mu_store *s = mu_http_auth_store_acquire(env);
        rc = s ? mu_account_user_add(s, &actor, f.name, role, (const char *const *)units,
                                     (size_t)nunits, pw, &err)
               : mu_error_set(&err, MU_ESTORE, "no database");
        mu_http_auth_store_release(env);
        if (rc == MU_ECONFLICT) {
            f.err_field = "name";
            f.err_key = "users.error.exists";
        } else if (rc == MU_EINVAL) {
            f.err_field = strcmp(err.field, "password") == 0 ? "password"
                          : strcmp(err.field, "role") == 0   ? "role"
                          : strcmp(err.field, "unit") == 0   ? "unit"
                                                             : "name";
            f.err_key = strcmp(f.err_field, "password") == 0 ? "users.error.password"
                        : strcmp(f.err_field, "role") == 0   ? "users.error.role"
                        : strcmp(f.err_field, "unit") == 0   ? "users.error.unit"
                                                             : "users.error.name";
        } else if (rc) {
            mu_log(MU_LOG_ERROR, "http", "rid=%s cannot add a user: %s", req->rid, err.msg);
            st = mu_web_error(&pg, 500, NULL);
            goto out;
        } else {
            char loc[128];
            snprintf(loc, sizeof(loc), "/admin/users?added=%s", f.name);
            st = mu_web_redirect(resp, loc);
            goto out;
        }
    }
    st = users_page(&pg, 400, &f);
out:
    mu_free(units_buf);
    mu_query_release(&form);
    mu_web_end(&pg);
    return st;
}

static int set_disabled(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx,
                        int disabled)
{
    struct mu_http_env *env = ctx;
    struct mu_webpage pg;
    struct mu_error err = {0};
    const char *name = mu_http_req_param(req, "name");
    int st;
    mu_web_begin(&pg, req, resp, ctx);
    struct mu_actor actor = {req->principal->name, mu_http_now_ms()};
    struct mu_store *s = mu_http_store_acquire(env);
    enum mu_err rc = s ? mu_store_user_set_disabled(s, &actor, name, disabled, NULL, &err)
                       : mu_error_set(&err, MU_ESTORE, "no database");
    mu_http_store_release(env);
    if (rc == MU_ENOTFOUND) {
        st = mu_web_error(&pg, 404, "users.error.not_found");
    } else if (rc) {
        mu_log(MU_LOG_ERROR, "http", "rid=%s cannot change a user: %s", req->rid, err.msg);
        st = mu_web_error(&pg, 500, NULL);
    } else {
        char loc[128];
        /* User names are [A-Za-z0-9._@-]: nothing to encode in a query. */
        snprintf(loc, sizeof(loc), "/admin/users?changed=%s",
                 mu_username_check(name, NULL) ? "" : name);
        st = mu_web_redirect(resp, loc);
    }
    mu_web_end(&pg);
    return st;
}

int h_page_user_disable(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    return set_disabled(req, resp, ctx, 1);
}

int h_page_user_enable(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    return set_disabled(req, resp, ctx, 0);
}
