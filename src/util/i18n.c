/* SPDX-License-Identifier: MIT */
/*
 * Message catalogues (see include/muster/i18n.h): the file is copied once,
 * keys and texts are cut in place, and lookups binary-search an index sorted
 * by key. A catalogue holds a few hundred entries, so this stays simple.
 */
#include <muster/i18n.h>

#include <muster/mem.h>
#include <muster/query.h>
#include <stdlib.h>
#include <string.h>

#include "util/banned.h"

struct entry {
    const char *key;  /* into text */
    const char *val;  /* into text */
};

struct mu_i18n {
    char *name;          /* owned: for messages */
    char *text;          /* owned: the file, cut into keys and values */
    struct entry *v;     /* file order */
    struct entry *byKey; /* sorted by key */
    size_t n;
};

static int key_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '.' || c == '-';
}

static int cmp_entry(const void *a, const void *b)
{
    return strcmp(((const struct entry *)a)->key, ((const struct entry *)b)->key);
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

void mu_i18n_free(struct mu_i18n *c)
{
    if (!c)
        return;
    mu_free(c->name);
    mu_free(c->text);
    mu_free(c->v);
    mu_free(c->byKey);
    mu_free(c);
}

enum mu_err mu_i18n_parse(const char *name, const char *text, size_t len, struct mu_i18n **out,
                          struct mu_error *err)
{
    enum mu_err rc = MU_OK;
    struct mu_i18n *c = mu_calloc(1, sizeof(*c));
    if (!c)
        return mu_error_set(err, MU_ENOMEM, "out of memory reading catalogue '%s'", name);
    c->name = mu_strdup(name);
    c->text = mu_malloc(len + 1);
    size_t lines = 1;
    for (size_t i = 0; i < len; i++)
        lines += text[i] == '\n';
    c->v = mu_calloc(lines, sizeof(*c->v));
    if (!c->name || !c->text || !c->v) {
        rc = mu_error_set(err, MU_ENOMEM, "out of memory reading catalogue '%s'", name);
        goto out;
    }
    if (!mu_utf8_valid(text, len)) {
        rc = mu_error_set(err, MU_EINVAL, "%s: not valid UTF-8", name);
        goto out;
    }
    memcpy(c->text, text, len);
    c->text[len] = '\0';

    char *p = c->text, *end = c->text + len;
    for (int line = 1; p < end; line++) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        char *le = nl ? nl : end;
        *le = '\0';
        char *s = p;
        p = le + 1;
        while (is_space(*s))
            s++;
        if (*s == '\0' || *s == '#')
            continue;
        char *eq = strchr(s, '=');
        if (!eq) {
            rc = mu_error_set(err, MU_EINVAL, "%s:%d: expected 'key = text'", name, line);
            goto out;
        }
        char *ke = eq;
        while (ke > s && is_space(ke[-1]))
            ke--;
        *ke = '\0';
        size_t klen = (size_t)(ke - s);
        int ok = klen > 0 && klen <= MU_I18N_KEY_MAX;
        for (size_t i = 0; ok && i < klen; i++)
            ok = key_char(s[i]);
        if (!ok) {
            rc = mu_error_set(err, MU_EINVAL, "%s:%d: bad key '%.*s'", name, line,
                              (int)(klen > 100 ? 100 : klen), s);
            goto out;
        }
        char *v = eq + 1;
        while (is_space(*v))
            v++;
        char *ve = v + strlen(v);
        while (ve > v && is_space(ve[-1]))
            ve--;
        *ve = '\0';
        /* "\n" stands for a line break; "\\" for a backslash. */
        char *w = v;
        for (char *r = v; *r; r++) {
            if (r[0] == '\\' && (r[1] == 'n' || r[1] == '\\')) {
                *w++ = r[1] == 'n' ? '\n' : '\\';
                r++;
            } else {
                *w++ = *r;
            }
        }
        *w = '\0';
        if ((size_t)(w - v) > MU_I18N_TEXT_MAX) {
            rc = mu_error_set(err, MU_EINVAL, "%s:%d: text of '%s' longer than %d bytes", name,
                              line, s, MU_I18N_TEXT_MAX);
            goto out;
        }
        if (c->n >= MU_I18N_ENTRIES_MAX) {
            rc = mu_error_set(err, MU_ELIMIT, "%s:%d: more than %d entries", name, line,
                              MU_I18N_ENTRIES_MAX);
            goto out;
        }
        for (size_t i = 0; i < c->n; i++)
            if (strcmp(c->v[i].key, s) == 0) {
                rc = mu_error_set(err, MU_EINVAL, "%s:%d: key '%s' is defined twice", name,
                                  line, s);
                goto out;
            }
        c->v[c->n].key = s;
        c->v[c->n].val = v;
        c->n++;
    }
    c->byKey = mu_malloc((c->n ? c->n : 1) * sizeof(*c->byKey));
    if (!c->byKey) {
        rc = mu_error_set(err, MU_ENOMEM, "out of memory reading catalogue '%s'", name);
        goto out;
    }
    if (c->n)
        memcpy(c->byKey, c->v, c->n * sizeof(*c->v));
    qsort(c->byKey, c->n, sizeof(*c->byKey), cmp_entry);
out:
    if (rc) {
        mu_i18n_free(c);
        return rc;
    }
    *out = c;
    return MU_OK;
}

const char *mu_i18n_get(const struct mu_i18n *c, const char *key)
{
    if (!c || !key || !c->n)
        return NULL;
    struct entry want = {key, NULL};
    const struct entry *e = bsearch(&want, c->byKey, c->n, sizeof(*c->byKey), cmp_entry);
    return e ? e->val : NULL;
}

const char *mu_i18n_t(const struct mu_i18n *c, const char *key)
{
    const char *s = mu_i18n_get(c, key);
    return s ? s : key;
}

size_t mu_i18n_count(const struct mu_i18n *c)
{
    return c ? c->n : 0;
}

const char *mu_i18n_key(const struct mu_i18n *c, size_t i)
{
    return c && i < c->n ? c->v[i].key : NULL;
}

enum mu_err mu_i18n_same_keys(const struct mu_i18n *a, const struct mu_i18n *b,
                              struct mu_error *err)
{
    for (size_t i = 0; i < a->n; i++)
        if (!mu_i18n_get(b, a->v[i].key))
            return mu_error_set(err, MU_EINVAL, "key '%s' is in '%s' but not in '%s'",
                                a->v[i].key, a->name, b->name);
    for (size_t i = 0; i < b->n; i++)
        if (!mu_i18n_get(a, b->v[i].key))
            return mu_error_set(err, MU_EINVAL, "key '%s' is in '%s' but not in '%s'",
                                b->v[i].key, b->name, a->name);
    return MU_OK;
}
