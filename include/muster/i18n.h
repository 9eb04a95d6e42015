/* SPDX-License-Identifier: MIT */
/*
 * Message catalogues of the web UI: one per language (web/i18n/zh.txt,
 * web/i18n/en.txt), lines `key = text`, `#` comments and blank lines. Pure:
 * text in, a lookup table out. Every user-facing string of the pages comes
 * from here, none from C code. See docs/internals/web.md.
 *
 * Thread-safety: a catalogue is read-only after mu_i18n_parse(); any number
 * of threads may look up at once.
 */
#ifndef MUSTER_I18N_H
#define MUSTER_I18N_H

#include <stddef.h>

#include "err.h"

#define MU_I18N_KEY_MAX 96       /* bytes of a key: [A-Za-z0-9_.-] */
#define MU_I18N_TEXT_MAX 2048    /* bytes of one text */
#define MU_I18N_ENTRIES_MAX 4096 /* entries of one catalogue */

struct mu_i18n;

/**
 * Parse catalogue @p text (@p len bytes, borrowed; copied) into *out (owned
 * by caller, mu_i18n_free). @p name (borrowed) names the file in messages.
 * Each non-blank line that does not start with '#' is `key = text`: spaces
 * around both are trimmed; the text may be empty; `\n` in the text stands
 * for a line break. Errors: MU_EINVAL "NAME:LINE: message" for a line
 * without '=', a bad or duplicate key, a text over MU_I18N_TEXT_MAX, invalid
 * UTF-8; MU_ELIMIT over MU_I18N_ENTRIES_MAX entries; MU_ENOMEM.
 */
MU_API enum mu_err mu_i18n_parse(const char *name, const char *text, size_t len,
                                 struct mu_i18n **out, struct mu_error *err);

/** Free @p c; NULL is a no-op. */
MU_API void mu_i18n_free(struct mu_i18n *c);

/** The text for @p key (borrowed from @p c), or NULL when @p c (may be NULL) lacks it. */
MU_API const char *mu_i18n_get(const struct mu_i18n *c, const char *key);

/** As mu_i18n_get(), but the key itself when the text is missing: never NULL. */
MU_API const char *mu_i18n_t(const struct mu_i18n *c, const char *key);

/** Number of entries; and the key of entry @p i (in file order; borrowed), or NULL. */
MU_API size_t mu_i18n_count(const struct mu_i18n *c);
MU_API const char *mu_i18n_key(const struct mu_i18n *c, size_t i);

/**
 * Check that @p a and @p b have exactly the same keys. MU_EINVAL naming the
 * first key one has and the other lacks: "key 'x' is in 'zh.txt' but not
 * in 'en.txt'" (the catalogue names given at parse time).
 */
MU_API enum mu_err mu_i18n_same_keys(const struct mu_i18n *a, const struct mu_i18n *b,
                                     struct mu_error *err);

#endif
