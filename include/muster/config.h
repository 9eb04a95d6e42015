/* SPDX-License-Identifier: MIT */
/*
 * Organization configuration over the settings table (`muster config`): any
 * key may be set, known keys are validated first (notify.* URLs and
 * addresses, numeric limits), secrets (keys ending in .secret, .password,
 * .token or .key) are stored through a path whose audit entry does not
 * carry the value and are masked in every listing, and URL values are shown
 * with their tokens masked (mu_notify_mask_dest).
 *
 * To validate a new key, add a line to the table in src/app/config.c.
 */
#ifndef MUSTER_CONFIG_H
#define MUSTER_CONFIG_H

#include "err.h"
#include "store.h"
#include <stddef.h>

/** One setting as listed; strings owned by the array. */
struct mu_setting {
    char *key;
    char *value; /* as stored (the app masks it for display) */
};

/** Free @p n settings of @p v and the array; NULL is fine. */
MU_API void mu_settings_free(struct mu_setting *v, size_t n);

/**
 * Every setting whose key starts with @p prefix (NULL or "": all), sorted by
 * key. *out (mu_settings_free) may be NULL when none.
 */
MU_API enum mu_err mu_store_settings_list(struct mu_store *s, const char *prefix,
                                          struct mu_setting **out, size_t *count,
                                          struct mu_error *err);

/**
 * As mu_store_setting_set() for a secret: the audit entry "setting.set"
 * says "set to a secret value" instead of quoting it.
 */
MU_API enum mu_err mu_store_setting_set_secret(struct mu_store *s, const struct mu_actor *actor,
                                               const char *key, const char *value,
                                               struct mu_error *err);

/**
 * Remove setting @p key; audit "setting.unset". MU_ENOTFOUND when not set.
 */
MU_API enum mu_err mu_store_setting_unset(struct mu_store *s, const struct mu_actor *actor,
                                          const char *key, struct mu_error *err);

/**
 * Check @p key (syntax: lowercase letters, digits, '.', '_', '-'; at most
 * 200 bytes) and, for a known key, @p value; then store it (secrets through
 * mu_store_setting_set_secret). MU_EINVAL naming the key and what is wrong.
 */
MU_API enum mu_err mu_app_config_set(struct mu_store *s, const struct mu_actor *actor,
                                     const char *key, const char *value, struct mu_error *err);

/** 1 when @p key holds a secret. */
MU_API int mu_config_key_is_secret(const char *key);

/**
 * @p value of @p key as it may be shown: "********" for a secret, URLs with
 * their tokens masked, anything else as is. *out owned by the caller.
 */
MU_API enum mu_err mu_config_display(const char *key, const char *value, char **out,
                                     struct mu_error *err);

/** The known keys and a one-line description each (static table, NULL-terminated). */
struct mu_config_key {
    const char *key;
    const char *help;
};
MU_API const struct mu_config_key *mu_config_known_keys(void);

#endif
