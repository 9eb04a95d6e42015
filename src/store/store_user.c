/* SPDX-License-Identifier: MIT */
/*
 * Users in the store: adding (with a password hash computed by the app
 * layer), reading and listing them with their units, changing the password
 * hash, disabling and the language preference. Names are unique without
 * regard to letter case (the name_key column holds the lowercase form).
 * Every change appends its audit entry in the same transaction; summaries
 * never contain passwords or hashes. Lists are sorted in C, so both engines
 * give the same order whatever their collation.
 */
#include "store/store_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <muster/mem.h>

#include "core/account.h"
#include "util/banned.h"
#include "util/buf.h"

#define HASH_MAX 512           /* longest password hash string accepted */
#define SUMMARY_UNITS_MAX 1000 /* list the units in the audit summary up to this size */

static const char user_cols[] =
    "SELECT id, name, role, lang, created_at, created_by, disabled_at FROM users ";

void mu_user_release(struct mu_user *u)
{
    if (!u)
        return;
    mu_free(u->name);
    mu_free(u->created_by);
    for (size_t i = 0; i < u->nunits; i++)
        mu_free(u->units[i]);
    mu_free(u->units);
    memset(u, 0, sizeof(*u));
}

void mu_users_free(struct mu_user *v, size_t n)
{
    if (!v)
        return;
    for (size_t i = 0; i < n; i++)
        mu_user_release(&v[i]);
    mu_free(v);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_user(const void *a, const void *b)
{
    const struct mu_user *x = a, *y = b;
    char kx[MU_USERNAME_MAX + 1], ky[MU_USERNAME_MAX + 1];
    mu_username_key(x->name, kx);
    mu_username_key(y->name, ky);
    return strcmp(kx, ky);
}

enum mu_err mu_store_user_units(struct mu_store *s, int64_t user_id, char ***units, size_t *n,
                                struct mu_error *err)
{
    struct mu_db_rows *r = NULL;
    struct mu_db_val p[] = {MU_DB_INT(user_id)};
    char **v = NULL;
    size_t len = 0, cap = 0;
    int has = 0;
    enum mu_err rc =
        mu_db_query(s->db, "SELECT unit FROM user_units WHERE user_id = $1", p, 1, &r, err);
    while (rc == MU_OK && (rc = mu_db_next(r, &has, err)) == MU_OK && has) {
        char **nv = mu_db_grow(v, sizeof(*v), len, &cap);
        if (nv)
            v = nv;
        if (!nv || !(v[len] = mu_db_dup(r, 0))) {
            rc = mu_error_set(err, MU_ENOMEM, "out of memory reading units");
            break;
        }
        len++;
    }
    mu_db_finish(r);
    if (rc) {
        for (size_t i = 0; i < len; i++)
            mu_free(v[i]);
        mu_free(v);
        return rc;
    }
    if (len > 1)
        qsort(v, len, sizeof(*v), cmp_str);
    *units = v;
    *n = len;
    return MU_OK;
}

/* Fill @p u from the current row of a user_cols query; *id gets the row id. */
static enum mu_err read_user(struct mu_db_rows *r, struct mu_user *u, int64_t *id,
                             struct mu_error *err)
{
    const char *role = mu_db_text(r, 2), *lang = mu_db_text(r, 3);
    *id = mu_db_int(r, 0);
    u->name = mu_db_dup(r, 1);
    u->created_by = mu_db_dup(r, 5);
    if (!u->name || !u->created_by)
        return mu_error_set(err, MU_ENOMEM, "out of memory reading users");
    if (!mu_role_parse(role, &u->role))
        return mu_error_set(err, MU_ESTORE, "user '%s' has an unknown role '%s'", u->name,
                            role ? role : "");
    snprintf(u->lang, sizeof(u->lang), "%s", mu_lang_valid(lang) ? lang : "zh");
    u->created_at = mu_db_int(r, 4);
    u->disabled = !mu_db_is_null(r, 6);
    u->disabled_at = u->disabled ? mu_db_int(r, 6) : 0;
    return MU_OK;
}

/*
 * Find user @p name (any case): *found, *id, and the stored name in
 * @p stored (may be NULL). A name that breaks the rules is simply not found.
 */
static enum mu_err find_user(struct mu_store *s, const char *name, int *found, int64_t *id,
                             char stored[MU_USERNAME_MAX + 1], struct mu_error *err)
{
    char key[MU_USERNAME_MAX + 1];
    struct mu_db_rows *r = NULL;
    *found = 0;
    if (mu_username_check(name, NULL))
        return MU_OK;
    mu_username_key(name, key);
    struct mu_db_val p[] = {MU_DB_TEXT(key)};
    enum mu_err rc = mu_db_query_row(s->db, "SELECT id, name FROM users WHERE name_key = $1", p, 1,
                                     &r, found, err);
    if (rc == MU_OK && *found) {
        *id = mu_db_int(r, 0);
        if (stored)
            snprintf(stored, MU_USERNAME_MAX + 1, "%s", mu_db_text(r, 1));
    }
    mu_db_finish(r);
    return rc;
}

/* Find user @p name or fail with MU_ENOTFOUND "no user 'x'". */
static enum mu_err need_user(struct mu_store *s, const char *name, int64_t *id,
                             char stored[MU_USERNAME_MAX + 1], struct mu_error *err)
{
    int found = 0;
    enum mu_err rc = find_user(s, name, &found, id, stored, err);
    if (rc == MU_OK && !found)
        rc = mu_error_field(err, MU_ENOTFOUND, "name", "no user '%.64s'", name ? name : "");
    return rc;
}

static enum mu_err check_hash(const char *hash, struct mu_error *err)
{
    if (!hash || !*hash || strlen(hash) > HASH_MAX)
        return mu_error_field(err, MU_EINVAL, "password", "password hash is missing or too long");
    return MU_OK;
}

/* The rules for a new user's role and units. */
static enum mu_err check_role_units(enum mu_role role, const char *const *units, size_t nunits,
                                    struct mu_error *err)
{
    enum mu_err rc;
    if (role <= MU_ROLE_NONE || role > MU_ROLE_VIEWER)
        return mu_error_field(err, MU_EINVAL, "role", "unknown role (expected %s)", MU_ROLE_NAMES);
    if (nunits > MU_USER_MAX_UNITS)
        return mu_error_field(err, MU_EINVAL, "unit", "a user has at most %d units",
                              MU_USER_MAX_UNITS);
    for (size_t i = 0; i < nunits; i++) {
        if ((rc = mu_unit_check(units[i], err)))
            return rc;
        for (size_t j = 0; j < i; j++)
            if (strcmp(units[i], units[j]) == 0)
                return mu_error_field(err, MU_EINVAL, "unit", "unit '%s' is given twice", units[i]);
    }
    if (role == MU_ROLE_REPORTER && nunits == 0)
        return mu_error_field(err, MU_EINVAL, "unit",
                              "role 'reporter' needs at least one unit (--unit)");
    return MU_OK;
}

enum mu_err mu_store_user_add_hashed(struct mu_store *s, const struct mu_actor *actor,
                                     const char *name, enum mu_role role, const char *const *units,
                                     size_t nunits, const char *password_hash, struct mu_error *err)
{
    char key[MU_USERNAME_MAX + 1], object[MU_USERNAME_MAX + 8];
    struct mu_buf summary;
    int found = 0, has = 0;
    int64_t id = 0;
    enum mu_err rc;

    if ((rc = mu_store_check_actor(actor, err)) || (rc = mu_username_check(name, err)) ||
        (rc = check_role_units(role, units, nunits, err)) || (rc = check_hash(password_hash, err)))
        return rc;
    mu_username_key(name, key);
    mu_buf_init(&summary, MU_STORE_MAX_SUMMARY);

    if ((rc = mu_store_tx_enter(s, err)))
        return rc;
    if ((rc = find_user(s, name, &found, &id, NULL, err)))
        goto out;
    if (found) {
        rc = mu_error_field(err, MU_ECONFLICT, "name", "user '%s' already exists", name);
        goto out;
    }
    struct mu_db_val p[] = {
        MU_DB_TEXT(name),          MU_DB_TEXT(key),          MU_DB_TEXT(mu_role_name(role)),
        MU_DB_TEXT(password_hash), MU_DB_INT(actor->now_ms), MU_DB_TEXT(actor->name)};
    rc = mu_db_query_int(s->db,
                         "INSERT INTO users (name, name_key, role, password_hash, lang, "
                         "created_at, created_by) VALUES ($1, $2, $3, $4, 'zh', $5, $6) "
                         "RETURNING id",
                         p, 6, &id, &has, err);
    if (rc == MU_OK && !has)
        rc = mu_error_set(err, MU_ESTORE, "adding user '%s' returned no id", name);
    if (rc == MU_ECONFLICT) /* a concurrent add of the same name won */
        rc = mu_error_field(err, MU_ECONFLICT, "name", "user '%s' already exists", name);
    if (rc)
        goto out;
    for (size_t i = 0; i < nunits && rc == MU_OK; i++) {
        struct mu_db_val u[] = {MU_DB_INT(id), MU_DB_TEXT(units[i])};
        rc = mu_db_exec(s->db, "INSERT INTO user_units (user_id, unit) VALUES ($1, $2)", u, 2, err);
    }
    if (rc)
        goto out;

    /* "role reporter, units a, b": short, and never anything secret. */
    if (mu_buf_printf(&summary, "role %s", mu_role_name(role)) != MU_OK) {
        rc = mu_error_set(err, MU_ENOMEM, "out of memory writing the audit entry");
        goto out;
    }
    size_t ulen = 0;
    for (size_t i = 0; i < nunits; i++)
        ulen += strlen(units[i]) + 2;
    if (nunits && ulen <= SUMMARY_UNITS_MAX) {
        for (size_t i = 0; i < nunits && rc == MU_OK; i++)
            rc = mu_buf_printf(&summary, "%s%s", i ? ", " : ", units ", units[i]);
    } else if (nunits) {
        rc = mu_buf_printf(&summary, ", %zu units", nunits);
    }
    if (rc) {
        rc = mu_error_set(err, MU_ENOMEM, "out of memory writing the audit entry");
        goto out;
    }
    snprintf(object, sizeof(object), "user:%s", name);
    rc = mu_store_audit_append_tx(s, actor, "user.add", object, summary.ptr, err);
out:
    mu_buf_release(&summary);
    return mu_store_tx_leave(s, rc, err);
}

/* Delete every session of user @p id; *n gets how many there were. */
static enum mu_err end_sessions(struct mu_store *s, int64_t id, int64_t *n, struct mu_error *err)
{
    int found = 0;
    struct mu_db_val p[] = {MU_DB_INT(id)};
    enum mu_err rc = mu_db_query_int(s->db, "SELECT COUNT(*) FROM sessions WHERE user_id = $1", p,
                                     1, n, &found, err);
    if (rc == MU_OK && *n > 0)
        rc = mu_db_exec(s->db, "DELETE FROM sessions WHERE user_id = $1", p, 1, err);
    return rc;
}

enum mu_err mu_store_user_set_password_hash(struct mu_store *s, const struct mu_actor *actor,
                                            const char *name, const char *password_hash,
                                            struct mu_error *err)
{
    char stored[MU_USERNAME_MAX + 1], object[MU_USERNAME_MAX + 8], summary[96];
    int64_t id = 0, ended = 0;
    enum mu_err rc;
    if ((rc = mu_store_check_actor(actor, err)) || (rc = check_hash(password_hash, err)))
        return rc;
    if ((rc = mu_store_tx_enter(s, err)))
        return rc;
    if ((rc = need_user(s, name, &id, stored, err)))
        goto out;
    struct mu_db_val p[] = {MU_DB_TEXT(password_hash), MU_DB_INT(id)};
    if ((rc = mu_db_exec(s->db, "UPDATE users SET password_hash = $1 WHERE id = $2", p, 2, err)))
        goto out;
    if ((rc = end_sessions(s, id, &ended, err)))
        goto out;
    snprintf(object, sizeof(object), "user:%s", stored);
    snprintf(summary, sizeof(summary), "password changed; %" PRId64 " session%s ended", ended,
             ended == 1 ? "" : "s");
    rc = mu_store_audit_append_tx(s, actor, "user.passwd", object, summary, err);
out:
    return mu_store_tx_leave(s, rc, err);
}

enum mu_err mu_store_user_set_disabled(struct mu_store *s, const struct mu_actor *actor,
                                       const char *name, int disabled, int *changed,
                                       struct mu_error *err)
{
    char stored[MU_USERNAME_MAX + 1], object[MU_USERNAME_MAX + 8], summary[96];
    struct mu_db_rows *r = NULL;
    int64_t id = 0, ended = 0;
    int has = 0, was;
    enum mu_err rc;
    if (changed)
        *changed = 0;
    if ((rc = mu_store_check_actor(actor, err)))
        return rc;
    if ((rc = mu_store_tx_enter(s, err)))
        return rc;
    if ((rc = need_user(s, name, &id, stored, err)))
        goto out;
    struct mu_db_val p[] = {MU_DB_INT(id)};
    rc = mu_db_query_row(s->db, "SELECT disabled_at FROM users WHERE id = $1", p, 1, &r, &has, err);
    if (rc)
        goto out;
    was = has && !mu_db_is_null(r, 0);
    mu_db_finish(r);
    r = NULL;
    if (was == !!disabled)
        goto out;
    if (disabled) {
        struct mu_db_val q[] = {MU_DB_INT(actor->now_ms), MU_DB_INT(id)};
        rc = mu_db_exec(s->db, "UPDATE users SET disabled_at = $1 WHERE id = $2", q, 2, err);
        if (rc == MU_OK)
            rc = end_sessions(s, id, &ended, err);
        snprintf(summary, sizeof(summary), "disabled; %" PRId64 " session%s ended", ended,
                 ended == 1 ? "" : "s");
    } else {
        rc = mu_db_exec(s->db, "UPDATE users SET disabled_at = NULL WHERE id = $1", p, 1, err);
        snprintf(summary, sizeof(summary), "enabled");
    }
    if (rc)
        goto out;
    snprintf(object, sizeof(object), "user:%s", stored);
    rc = mu_store_audit_append_tx(s, actor, disabled ? "user.disable" : "user.enable", object,
                                  summary, err);
    if (rc == MU_OK && changed)
        *changed = 1;
out:
    mu_db_finish(r);
    return mu_store_tx_leave(s, rc, err);
}

enum mu_err mu_store_user_set_lang(struct mu_store *s, const struct mu_actor *actor,
                                   const char *name, const char *lang, struct mu_error *err)
{
    char stored[MU_USERNAME_MAX + 1], object[MU_USERNAME_MAX + 8], summary[32];
    int64_t id = 0;
    size_t changed = 0;
    enum mu_err rc;
    if ((rc = mu_store_check_actor(actor, err)))
        return rc;
    if (!mu_lang_valid(lang))
        return mu_error_field(err, MU_EINVAL, "lang",
                              "unknown language '%.16s' (expected zh or en)", lang ? lang : "");
    if ((rc = mu_store_tx_enter(s, err)))
        return rc;
    if ((rc = need_user(s, name, &id, stored, err)))
        goto out;
    struct mu_db_val p[] = {MU_DB_TEXT(lang), MU_DB_INT(id)};
    /* Only a change updates a row, and only then is there an audit entry. */
    rc = mu_db_count(s->db, "UPDATE users SET lang = $1 WHERE id = $2 AND lang <> $1 RETURNING id",
                     p, 2, &changed, err);
    if (rc || !changed)
        goto out;
    snprintf(object, sizeof(object), "user:%s", stored);
    snprintf(summary, sizeof(summary), "language %s", lang);
    rc = mu_store_audit_append_tx(s, actor, "user.lang", object, summary, err);
out:
    return mu_store_tx_leave(s, rc, err);
}

enum mu_err mu_store_user_get(struct mu_store *s, const char *name, struct mu_user *out,
                              struct mu_error *err)
{
    struct mu_user u = {0};
    struct mu_db_rows *r = NULL;
    char key[MU_USERNAME_MAX + 1], sql[160];
    int64_t id = 0;
    int has = 0;
    enum mu_err rc;
    if (mu_username_check(name, NULL))
        return mu_error_field(err, MU_ENOTFOUND, "name", "no user '%.64s'", name ? name : "");
    mu_username_key(name, key);
    snprintf(sql, sizeof(sql), "%sWHERE name_key = $1", user_cols);
    struct mu_db_val p[] = {MU_DB_TEXT(key)};
    if ((rc = mu_store_tx_enter_read(s, err)))
        return rc;
    rc = mu_db_query_row(s->db, sql, p, 1, &r, &has, err);
    if (rc == MU_OK && !has)
        rc = mu_error_field(err, MU_ENOTFOUND, "name", "no user '%s'", name);
    if (rc == MU_OK)
        rc = read_user(r, &u, &id, err);
    mu_db_finish(r);
    if (rc == MU_OK)
        rc = mu_store_user_units(s, id, &u.units, &u.nunits, err);
    mu_store_tx_leave(s, MU_ECONFLICT, NULL); /* read-only: always undone */
    if (rc) {
        mu_user_release(&u);
        return rc;
    }
    *out = u;
    return MU_OK;
}

enum mu_err mu_store_user_list(struct mu_store *s, struct mu_user **out, size_t *count,
                               struct mu_error *err)
{
    struct mu_db_rows *r = NULL;
    struct mu_user *v = NULL;
    int64_t *ids = NULL;
    size_t len = 0, cap = 0, idcap = 0;
    int has = 0;
    enum mu_err rc;
    char sql[160];

    *out = NULL;
    *count = 0;
    snprintf(sql, sizeof(sql), "%sORDER BY id", user_cols);
    if ((rc = mu_store_tx_enter_read(s, err)))
        return rc;
    rc = mu_db_query(s->db, sql, NULL, 0, &r, err);
    while (rc == MU_OK && (rc = mu_db_next(r, &has, err)) == MU_OK && has) {
        struct mu_user *nv = mu_db_grow(v, sizeof(*v), len, &cap);
        int64_t *nids = nv ? mu_db_grow(ids, sizeof(*ids), len, &idcap) : NULL;
        if (nv)
            v = nv;
        if (nids)
            ids = nids;
        if (!nv || !nids) {
            rc = mu_error_set(err, MU_ENOMEM, "out of memory listing users");
            break;
        }
        rc = read_user(r, &v[len], &ids[len], err);
        len++;
    }
    mu_db_finish(r);
    for (size_t i = 0; rc == MU_OK && i < len; i++)
        rc = mu_store_user_units(s, ids[i], &v[i].units, &v[i].nunits, err);
    mu_store_tx_leave(s, MU_ECONFLICT, NULL);
    mu_free(ids);
    if (rc) {
        mu_users_free(v, len);
        return rc;
    }
    if (len > 1)
        qsort(v, len, sizeof(*v), cmp_user);
    *out = v;
    *count = len;
    return MU_OK;
}

enum mu_err mu_store_user_credentials(struct mu_store *s, const char *name, int *found,
                                      char name_out[MU_USERNAME_MAX + 1], char **hash,
                                      int *disabled, struct mu_error *err)
{
    char key[MU_USERNAME_MAX + 1];
    struct mu_db_rows *r = NULL;
    enum mu_err rc;
    *found = 0;
    *hash = NULL;
    *disabled = 0;
    name_out[0] = '\0';
    if (mu_username_check(name, NULL))
        return MU_OK;
    mu_username_key(name, key);
    struct mu_db_val p[] = {MU_DB_TEXT(key)};
    rc = mu_db_query_row(s->db,
                         "SELECT name, password_hash, disabled_at FROM users WHERE name_key = $1",
                         p, 1, &r, found, err);
    if (rc == MU_OK && *found) {
        snprintf(name_out, MU_USERNAME_MAX + 1, "%s", mu_db_text(r, 0));
        *disabled = !mu_db_is_null(r, 2);
        if (!(*hash = mu_db_dup(r, 1)))
            rc = mu_error_set(err, MU_ENOMEM, "out of memory reading user '%s'", name);
    }
    mu_db_finish(r);
    if (rc) {
        *found = 0;
        mu_free(*hash);
        *hash = NULL;
    }
    return rc;
}
