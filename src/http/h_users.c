/* SPDX-License-Identifier: MIT */
/*
 * User administration over the API, for admins only (MU_ACTION_ADMIN):
 * GET /api/v1/users lists the users a page at a time (the cursor is the
 * last name seen, base64url), POST /api/v1/users creates one, and
 * POST /api/v1/users/{name}/disable and /enable switch an account off and
 * on. Passwords are never echoed; creating a user hashes the password
 * (Argon2id) on the auth connection, so other requests do not wait for it.
 */
#include "auth.h"

#include <muster/date.h>
#include <muster/mem.h>
#include <sodium.h>
#include <string.h>
#include <strings.h>

#include "../util/banned.h"

static json_t *time_json(int64_t ms)
{
    char buf[21];
    if (ms <= 0)
        return json_null();
    mu_time_format_utc(ms, buf);
    return json_string(buf);
}

static json_t *user_json(const struct mu_user *u)
{
    return json_pack("{s:s, s:s, s:o, s:s, s:b, s:o, s:s, s:o}", "name", u->name, "role",
                     mu_role_name(u->role), "units", mu_http_units_json(u->units, u->nunits),
                     "lang", u->lang, "disabled", u->disabled ? 1 : 0, "created_at",
                     time_json(u->created_at), "created_by", u->created_by ? u->created_by : "",
                     "disabled_at", time_json(u->disabled_at));
}

/* The cursor for "after user @p name": base64url of the name, no padding. */
static void cursor_encode(const char *name, char *out, size_t outsz)
{
    sodium_bin2base64(out, outsz, (const unsigned char *)name, strlen(name),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

/* The name in @p cursor into @p out; 0 when it does not decode to a name. */
static int cursor_decode(const char *cursor, char out[MU_USERNAME_MAX + 1])
{
    size_t n = 0;
    if (sodium_base642bin((unsigned char *)out, MU_USERNAME_MAX, cursor, strlen(cursor), NULL, &n,
                          NULL, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
        return 0;
    out[n] = '\0';
    return mu_username_check(out, NULL) == MU_OK;
}

int h_users_list(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_http_env *env = ctx;
    struct mu_error err = {0};
    struct mu_page page;
    struct mu_user *users = NULL;
    size_t n = 0, start = 0;
    char after[MU_USERNAME_MAX + 1];
    json_t *items = NULL;
    int st;

    if (mu_page_from_query(&req->query, &page, &err))
        return mu_http_resp_from_err(resp, MU_EINVAL, &err, req->rid);
    if (page.cursor && !cursor_decode(page.cursor, after))
        return mu_http_resp_error(resp, 400, "cursor", "'cursor' is not one this route gave out");
    struct mu_store *s = mu_http_store_acquire(env);
    enum mu_err rc = s ? mu_store_user_list(s, &users, &n, &err)
                       : mu_error_set(&err, MU_ESTORE, "no database");
    mu_http_store_release(env);
    if (rc)
        return mu_http_resp_from_err(resp, rc, &err, req->rid);
    if (page.cursor) {
        /* Users are never deleted, so the last one seen is still there. */
        while (start < n && strcasecmp(users[start].name, after) != 0)
            start++;
        if (start == n) {
            st = mu_http_resp_error(resp, 400, "cursor", "'cursor' names no user");
            goto out;
        }
        start++;
    }
    items = json_array();
    size_t end = start;
    for (; items && end < n && end - start < (size_t)page.limit; end++)
        if (json_array_append_new(items, user_json(&users[end]))) {
            json_decref(items);
            items = NULL;
        }
    json_t *next = json_null();
    if (end < n && end > start) {
        char cur[MU_PAGE_CURSOR_MAX + 1];
        cursor_encode(users[end - 1].name, cur, sizeof(cur));
        next = json_string(cur);
    }
    st = mu_http_resp_json(resp, 200,
                           items ? json_pack("{s:o, s:o}", "items", items, "next_cursor", next)
                                 : NULL);
    if (!items)
        json_decref(next);
out:
    mu_users_free(users, n);
    return st;
}

/* Read "units" (absent: none) into @p out (borrowed strings); 0 or 400 with the response set. */
static int read_units(struct mu_http_resp *resp, json_t *body, const char **out, size_t *n)
{
    json_t *a = json_object_get(body, "units");
    *n = 0;
    if (!a || json_is_null(a))
        return 0;
    if (!json_is_array(a))
        return mu_http_resp_error(resp, 400, "units", "'units' must be an array of unit ids");
    if (json_array_size(a) > MU_USER_MAX_UNITS)
        return mu_http_resp_error(resp, 400, "units", "more than %d units", MU_USER_MAX_UNITS);
    for (size_t i = 0; i < json_array_size(a); i++) {
        json_t *u = json_array_get(a, i);
        if (!json_is_string(u)) {
            char f[32];
            snprintf(f, sizeof(f), "units[%zu]", i);
            return mu_http_resp_error(resp, 400, f, "'%s' must be a string", f);
        }
        out[(*n)++] = json_string_value(u);
    }
    return 0;
}

int h_users_post(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_http_env *env = ctx;
    struct mu_error err = {0};
    struct mu_user u;
    json_t *body = NULL;
    const char *name, *role_s, *pw;
    const char **units = NULL;
    size_t nunits = 0;
    enum mu_role role;
    int st;

    memset(&u, 0, sizeof(u));
    if ((st = mu_http_req_json(req, resp, &body)))
        return st;
    if ((st = mu_http_json_str(resp, body, "name", 1, &name)) ||
        (st = mu_http_json_str(resp, body, "role", 1, &role_s)))
        goto out;
    if (!mu_role_parse(role_s, &role)) {
        st = mu_http_resp_error(resp, 400, "role", "unknown role '%.32s': expected %s", role_s,
                                MU_ROLE_NAMES);
        goto out;
    }
    units = mu_calloc(MU_USER_MAX_UNITS, sizeof(*units));
    if (!units) {
        st = mu_http_resp_from_err(resp, MU_ENOMEM, NULL, req->rid);
        goto out;
    }
    if ((st = read_units(resp, body, units, &nunits)) ||
        (st = mu_http_json_str(resp, body, "password", 1, &pw)))
        goto out;

    struct mu_actor actor = {req->principal->name, mu_http_now_ms()};
    struct mu_store *s = mu_http_auth_store_acquire(env);
    enum mu_err rc = s ? mu_account_user_add(s, &actor, name, role, units, nunits, pw, &err)
                       : mu_error_set(&err, MU_ESTORE, "no database");
    if (rc == MU_OK)
        rc = mu_store_user_get(s, name, &u, &err);
    mu_http_auth_store_release(env);
    if (rc)
        st = mu_http_resp_from_err(resp, rc, &err, req->rid);
    else
        st = mu_http_resp_json(resp, 201, user_json(&u));
out:
    mu_user_release(&u);
    mu_free(units);
    json_decref(body);
    return st;
}

static int set_disabled(struct mu_http_req *req, struct mu_http_resp *resp,
                        struct mu_http_env *env, int disabled)
{
    struct mu_error err = {0};
    struct mu_user u;
    const char *name = mu_http_req_param(req, "name");
    memset(&u, 0, sizeof(u));
    if (disabled && strcasecmp(name, req->principal->name) == 0)
        return mu_http_resp_error(resp, 409, "name",
                                  "you cannot disable your own account '%s'", name);
    struct mu_actor actor = {req->principal->name, mu_http_now_ms()};
    struct mu_store *s = mu_http_store_acquire(env);
    enum mu_err rc = s ? mu_store_user_set_disabled(s, &actor, name, disabled, NULL, &err)
                       : mu_error_set(&err, MU_ESTORE, "no database");
    if (rc == MU_OK)
        rc = mu_store_user_get(s, name, &u, &err);
    mu_http_store_release(env);
    int st = rc ? mu_http_resp_from_err(resp, rc, &err, req->rid)
                : mu_http_resp_json(resp, 200, user_json(&u));
    mu_user_release(&u);
    return st;
}

int h_users_disable(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    return set_disabled(req, resp, ctx, 1);
}

int h_users_enable(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    return set_disabled(req, resp, ctx, 0);
}
