/* SPDX-License-Identifier: MIT */
/*
 * The parts of the settings store that `muster config` needs beside
 * mu_store_setting_get/set (store_settings.c): listing by prefix, setting a
 * secret without quoting it in the audit log, and removing a key
 * (include/muster/config.h).
 */
#include "store/store_int.h"

#include <stdio.h>
#include <string.h>

#include <muster/config.h>
#include <muster/mem.h>

#include "util/banned.h"

void mu_settings_free(struct mu_setting *v, size_t n)
{
    if (!v)
        return;
    for (size_t i = 0; i < n; i++) {
        mu_free(v[i].key);
        mu_free(v[i].value);
    }
    mu_free(v);
}

static enum mu_err check_key(const char *key, struct mu_error *err)
{
    if (!key || !*key)
        return mu_error_field(err, MU_EINVAL, "key", "setting key is empty");
    if (strlen(key) > MU_STORE_MAX_NAME)
        return mu_error_field(err, MU_EINVAL, "key", "setting key is longer than %d bytes",
                              MU_STORE_MAX_NAME);
    return MU_OK;
}

enum mu_err mu_store_settings_list(struct mu_store *s, const char *prefix,
                                   struct mu_setting **out, size_t *count, struct mu_error *err)
{
    struct mu_db_rows *r = NULL;
    struct mu_setting *v = NULL;
    size_t n = 0, cap = 0, plen = prefix ? strlen(prefix) : 0;
    int has = 0;
    *out = NULL;
    *count = 0;
    enum mu_err rc = mu_db_query(s->db, "SELECT key, value FROM settings ORDER BY key", NULL, 0,
                                 &r, err);
    while (rc == MU_OK && (rc = mu_db_next(r, &has, err)) == MU_OK && has) {
        const char *k = mu_db_text(r, 0);
        if (plen && (!k || strncmp(k, prefix, plen) != 0))
            continue;
        if (n == cap) {
            size_t nc = cap ? cap * 2 : 16;
            struct mu_setting *nv = mu_realloc(v, nc * sizeof(*v));
            if (!nv) {
                rc = mu_error_set(err, MU_ENOMEM, "out of memory");
                break;
            }
            v = nv;
            cap = nc;
        }
        v[n].key = mu_db_dup(r, 0);
        v[n].value = mu_db_dup(r, 1);
        n++;
        if (!v[n - 1].key || !v[n - 1].value)
            rc = mu_error_set(err, MU_ENOMEM, "out of memory");
    }
    mu_db_finish(r);
    if (rc) {
        mu_settings_free(v, n);
        return rc;
    }
    *out = v;
    *count = n;
    return MU_OK;
}

enum mu_err mu_store_setting_set_secret(struct mu_store *s, const struct mu_actor *actor,
                                        const char *key, const char *value, struct mu_error *err)
{
    enum mu_err rc;
    int found = 0, same = 0;
    struct mu_db_rows *r = NULL;
    if ((rc = mu_store_check_actor(actor, err)) || (rc = check_key(key, err)))
        return rc;
    if (!value)
        return mu_error_field(err, MU_EINVAL, "value", "setting '%s' has no value", key);
    if ((rc = mu_store_tx_enter(s, err)))
        return rc;
    struct mu_db_val p[] = {MU_DB_TEXT(key), MU_DB_TEXT(value)};
    rc = mu_db_query(s->db, "SELECT value FROM settings WHERE key = $1", p, 1, &r, err);
    if (rc == MU_OK && (rc = mu_db_next(r, &found, err)) == MU_OK && found)
        same = strcmp(mu_db_text(r, 0) ? mu_db_text(r, 0) : "", value) == 0;
    mu_db_finish(r);
    if (rc || same)
        goto out;
    rc = mu_db_exec(s->db,
                    "INSERT INTO settings (key, value) VALUES ($1, $2) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    p, 2, err);
    if (rc == MU_OK) {
        char object[MU_STORE_MAX_NAME + 16];
        snprintf(object, sizeof(object), "setting:%s", key);
        rc = mu_store_audit_append_tx(s, actor, "setting.set", object,
                                      found ? "changed to a secret value"
                                            : "set to a secret value",
                                      err);
    }
out:
    return mu_store_tx_leave(s, rc, err);
}

enum mu_err mu_store_setting_unset(struct mu_store *s, const struct mu_actor *actor,
                                   const char *key, struct mu_error *err)
{
    enum mu_err rc;
    struct mu_db_rows *r = NULL;
    int has = 0;
    if ((rc = mu_store_check_actor(actor, err)) || (rc = check_key(key, err)))
        return rc;
    if ((rc = mu_store_tx_enter(s, err)))
        return rc;
    struct mu_db_val p[] = {MU_DB_TEXT(key)};
    rc = mu_db_query(s->db, "DELETE FROM settings WHERE key = $1 RETURNING key", p, 1, &r, err);
    if (rc == MU_OK)
        rc = mu_db_next(r, &has, err);
    mu_db_finish(r);
    if (rc == MU_OK && !has)
        rc = mu_error_field(err, MU_ENOTFOUND, "key", "setting '%s' is not set", key);
    if (rc == MU_OK) {
        char object[MU_STORE_MAX_NAME + 16];
        snprintf(object, sizeof(object), "setting:%s", key);
        rc = mu_store_audit_append_tx(s, actor, "setting.unset", object, "removed", err);
    }
    return mu_store_tx_leave(s, rc, err);
}
