/* SPDX-License-Identifier: MIT */
/*
 * The template engine of the web UI: a small mustache-like language, pure
 * (bytes and a jansson value in, bytes out). Every value is HTML-escaped by
 * the engine; the one exception is the explicitly marked raw form, which is
 * allowed only for names ending in "_html" (HTML that muster produced
 * itself). Templates are parsed once into a set; syntax errors are found
 * when a template is added, so a unit test that adds every template of
 * web/templates catches them at build time. See docs/internals/web.md.
 *
 * Syntax:
 *   {{name}} {{a.b.c}} {{.}}   a value, HTML-escaped; missing values render as ""
 *   {{{name_html}}}            a value, unescaped (name must end in "_html")
 *   {{#name}}...{{/name}}      a section: an array repeats it per element (the
 *                              element becomes the innermost context); an object
 *                              enters it; another true value renders it once;
 *                              false, null, "", [] and missing values skip it
 *   {{^name}}...{{/name}}      inverted: rendered only when the section would not be
 *   {{t:key}} {{t "key"}}      the catalogue text for key, HTML-escaped
 *   {{> name}}                 the template called name, with the current context
 *   {{! comment }}             nothing
 * Names are dotted paths of [A-Za-z0-9_-] segments; the first segment is
 * looked up from the innermost context outwards.
 *
 * Thread-safety: a set is built by one thread; afterwards any number of
 * threads may render from it at once.
 */
#ifndef MUSTER_TMPL_H
#define MUSTER_TMPL_H

#include <jansson.h>
#include <stddef.h>

#include "err.h"

#define MU_TMPL_OUT_MAX (32u * 1024 * 1024) /* bytes one render may produce */
#define MU_TMPL_DEPTH_MAX 32                /* nested sections and partials */
#define MU_TMPL_NAME_MAX 64                 /* bytes of a template name */

struct mu_tmpl_set;

/**
 * The catalogue lookup used for {{t:key}}: the text for @p key (borrowed;
 * must stay valid during the render), or NULL when unknown, in which case
 * the key itself is rendered.
 */
typedef const char *mu_tmpl_text_fn(void *ud, const char *key);

/** An empty set; NULL when out of memory. Owned by caller (mu_tmpl_set_free). */
MU_API struct mu_tmpl_set *mu_tmpl_set_new(void);

/** Free @p set and its templates; NULL is a no-op. */
MU_API void mu_tmpl_set_free(struct mu_tmpl_set *set);

/**
 * Parse @p src (@p len bytes, borrowed; copied) as template @p name
 * (1..MU_TMPL_NAME_MAX bytes of [A-Za-z0-9_-]) and add it to @p set.
 * Errors (the set is unchanged): MU_EINVAL "NAME:LINE: message" for a
 * syntax error (unclosed tag, bad name, unbalanced section, raw form on a
 * name not ending in "_html", invalid UTF-8), or for a bad or duplicate
 * template name; MU_ENOMEM.
 */
MU_API enum mu_err mu_tmpl_set_add(struct mu_tmpl_set *set, const char *name, const char *src,
                                   size_t len, struct mu_error *err);

/**
 * Check the whole set: every partial names a template of the set, partials
 * do not include themselves (directly or not), and, when @p text is not
 * NULL, every {{t:key}} is known to @p text. MU_EINVAL "NAME:LINE: message"
 * naming the first problem.
 */
MU_API enum mu_err mu_tmpl_set_check(const struct mu_tmpl_set *set, mu_tmpl_text_fn *text,
                                     void *ud, struct mu_error *err);

/**
 * Render template @p name of @p set with @p data (a JSON object or NULL;
 * borrowed) and the catalogue @p text (may be NULL: keys render as
 * themselves). On success *out (owned by caller, mu_free; NUL-terminated)
 * and *out_len (may be NULL) are set. Invalid UTF-8 in values is replaced
 * by U+FFFD. Errors: MU_ENOTFOUND for an unknown template or partial,
 * MU_ELIMIT over MU_TMPL_OUT_MAX bytes or MU_TMPL_DEPTH_MAX levels, MU_ENOMEM.
 */
MU_API enum mu_err mu_tmpl_render(const struct mu_tmpl_set *set, const char *name,
                                  const json_t *data, mu_tmpl_text_fn *text, void *ud,
                                  char **out, size_t *out_len, struct mu_error *err);

#endif
