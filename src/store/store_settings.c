/* SPDX-License-Identifier: MIT */
/*
 * Settings: a key/value table for configuration (later, per organization).
 * Setting a value is audited; a set that changes nothing is not. The audit
 * summary shows short values and only the size of long ones, so that a
 * setting never floods the log.
 */
#include "store/store_int.h"

#include <stdio.h>
#include <string.h>

#include <muster/mem.h>

#include "util/banned.h"

#define SUMMARY_VALUE_MAX 80

static enum mu_err check_key(const char *key, struct mu_error *err)
{
    if (!key || !*key)
        return mu_error_field(err, MU_EINVAL, "key", "setting key is empty");
    if (strlen(key) > MU_STORE_MAX_NAME)
        return mu_error_field(err, MU_EINVAL, "key", "setting key is longer than %d bytes",
                              MU_STORE_MAX_NAME);
    return MU_OK;
}

/* Look up @p key: *found, and *value (owned, may be NULL when not wanted). */
static enum mu_err lookup(struct mu_store *s, const char *key, int *found, char **value,
                          struct mu_error *err)
{
    struct mu_db_rows *r = NULL;
    struct mu_db_val p[] = {MU_DB_TEXT(key)};
    enum mu_err rc =
        mu_db_query_row(s->db, "SELECT value FROM settings WHERE key = $1", p, 1, &r, found, err);
    if (rc == MU_OK && *found && value) {
        *value = mu_db_dup(r, 0);
        if (!*value)
            rc = mu_error_set(err, MU_ENOMEM, "out of memory reading setting '%s'", key);
    }
    mu_db_finish(r);
    return rc;
}

enum mu_err mu_store_setting_get(struct mu_store *s, const char *key, char **value,
                                 struct mu_error *err)
{
    int found = 0;
    char *v = NULL;
    *value = NULL;
    enum mu_err rc = check_key(key, err);
    if (rc == MU_OK)
        rc = lookup(s, key, &found, &v, err);
    if (rc)
        return rc;
    if (!found)
        return mu_error_set(err, MU_ENOTFOUND, "no setting '%s'", key);
    *value = v;
    return MU_OK;
}

enum mu_err mu_store_setting_set(struct mu_store *s, const struct mu_actor *actor, const char *key,
                                 const char *value, struct mu_error *err)
{
    char *old = NULL;
    int found = 0;
    enum mu_err rc;
    if ((rc = mu_store_check_actor(actor, err)) || (rc = check_key(key, err)))
        return rc;
    if (!value)
        return mu_error_field(err, MU_EINVAL, "value", "setting '%s' has no value", key);

    rc = mu_store_tx_enter(s, err);
    if (rc)
        return rc;
    rc = lookup(s, key, &found, &old, err);
    if (rc || (found && strcmp(old, value) == 0))
        goto out;
    struct mu_db_val p[] = {MU_DB_TEXT(key), MU_DB_TEXT(value)};
    rc = mu_db_exec(s->db,
                    "INSERT INTO settings (key, value) VALUES ($1, $2) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    p, 2, err);
    if (rc)
        goto out;
    char object[MU_STORE_MAX_NAME + 16], summary[SUMMARY_VALUE_MAX + 64];
    size_t vlen = strlen(value);
    snprintf(object, sizeof(object), "setting:%s", key);
    if (vlen <= SUMMARY_VALUE_MAX && !strpbrk(value, "\n\r"))
        snprintf(summary, sizeof(summary), "%s to '%s'", found ? "changed" : "set", value);
    else
        snprintf(summary, sizeof(summary), "%s to a value of %zu bytes", found ? "changed" : "set",
                 vlen);
    rc = mu_store_audit_append_tx(s, actor, "setting.set", object, summary, err);
out:
    mu_free(old);
    return mu_store_tx_leave(s, rc, err);
}
