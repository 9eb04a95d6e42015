/* SPDX-License-Identifier: MIT */
/*
 * The web UI's template engine (see include/muster/tmpl.h for the syntax).
 * A template is parsed once into a flat array of nodes; a section node
 * records the index just past its closing tag, so rendering is a walk over
 * the array with a stack of JSON contexts. Escaping lives here and only
 * here: callers hand over plain values and never escape anything themselves.
 */
#include <muster/tmpl.h>

#include <muster/mem.h>
#include <muster/query.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "util/buf.h"

#include "util/banned.h"

enum node_kind {
    N_TEXT,     /* literal bytes */
    N_VAR,      /* {{name}} */
    N_RAW,      /* {{{name_html}}} */
    N_SECTION,  /* {{#name}} */
    N_INVERTED, /* {{^name}} */
    N_PARTIAL,  /* {{> name}} */
    N_TEXT_KEY, /* {{t:key}} */
};

struct node {
    enum node_kind kind;
    size_t off, len; /* N_TEXT: the bytes in src; others: the name or key in names */
    size_t end;      /* sections: index of the node after the closing tag */
    int line;        /* of the tag, for messages */
};

struct tmpl {
    char *name;   /* owned */
    char *src;    /* owned copy of the source */
    char *names;  /* owned: NUL-separated names and keys the nodes point into */
    struct node *nodes;
    size_t nnodes;
};

struct mu_tmpl_set {
    struct tmpl *v;
    size_t n, cap;
};

/* ---- parsing ---- */

struct parser {
    const char *tname;
    const char *src;
    size_t len, pos;
    int line;
    struct node *nodes;
    size_t n, cap;
    struct mu_buf names;
    struct mu_error *err;
};

static int name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '-';
}

/* A dotted path of non-empty segments, or "." alone. */
static int path_ok(const char *s, size_t n)
{
    if (n == 1 && s[0] == '.')
        return 1;
    if (n == 0 || s[0] == '.' || s[n - 1] == '.')
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '.') {
            if (s[i + 1] == '.')
                return 0;
        } else if (!name_char(s[i])) {
            return 0;
        }
    }
    return 1;
}

static int key_ok(const char *s, size_t n)
{
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!name_char(s[i]) && s[i] != '.')
            return 0;
    return 1;
}

static enum mu_err perr(struct parser *p, const char *msg, const char *a, size_t alen)
{
    if (a)
        return mu_error_set(p->err, MU_EINVAL, "%s:%d: %s '%.*s'", p->tname, p->line, msg,
                            (int)(alen > 80 ? 80 : alen), a);
    return mu_error_set(p->err, MU_EINVAL, "%s:%d: %s", p->tname, p->line, msg);
}

static enum mu_err push(struct parser *p, enum node_kind kind, size_t off, size_t len, int line)
{
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 32;
        struct node *v = mu_realloc(p->nodes, cap * sizeof(*v));
        if (!v)
            return mu_error_set(p->err, MU_ENOMEM, "out of memory parsing template '%s'",
                                p->tname);
        p->nodes = v;
        p->cap = cap;
    }
    p->nodes[p->n++] = (struct node){kind, off, len, 0, line};
    return MU_OK;
}

/* Record a name in p->names; its offset goes to *off. */
static enum mu_err add_name(struct parser *p, const char *s, size_t n, size_t *off)
{
    *off = p->names.len;
    if (mu_buf_add(&p->names, s, n) || mu_buf_addc(&p->names, '\0'))
        return mu_error_set(p->err, MU_ENOMEM, "out of memory parsing template '%s'", p->tname);
    return MU_OK;
}

static void trim(const char **s, size_t *n)
{
    while (*n && (**s == ' ' || **s == '\t' || **s == '\n' || **s == '\r')) {
        (*s)++;
        (*n)--;
    }
    while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t' || (*s)[*n - 1] == '\n' ||
                  (*s)[*n - 1] == '\r'))
        (*n)--;
}

static int count_lines(const char *s, size_t n)
{
    int k = 0;
    for (size_t i = 0; i < n; i++)
        k += s[i] == '\n';
    return k;
}

/* Parse one tag whose "{{" is at p->pos. */
static enum mu_err parse_tag(struct parser *p, size_t *stack, size_t *depth)
{
    const char *s = p->src;
    size_t open = p->pos;
    int line = p->line;
    int raw = open + 2 < p->len && s[open + 2] == '{';
    const char *close = raw ? "}}}" : "}}";
    size_t clen = raw ? 3 : 2;
    size_t body = open + (raw ? 3 : 2), end = body;
    while (end + clen <= p->len && memcmp(s + end, close, clen) != 0)
        end++;
    if (end + clen > p->len)
        return perr(p, "unclosed tag", s + open, p->len - open > 20 ? 20 : p->len - open);
    const char *t = s + body;
    size_t tn = end - body;
    p->line += count_lines(t, tn);
    p->pos = end + clen;
    trim(&t, &tn);
    enum mu_err rc;
    size_t off;

    if (raw) {
        if (!path_ok(t, tn) || tn < 5 || memcmp(t + tn - 5, "_html", 5) != 0)
            return perr(p, "raw output {{{...}}} is only for names ending in '_html', not", t,
                        tn);
        if ((rc = add_name(p, t, tn, &off)))
            return rc;
        return push(p, N_RAW, off, tn, line);
    }
    if (tn == 0)
        return perr(p, "empty tag", NULL, 0);
    char sigil = t[0];
    if (sigil == '!')
        return MU_OK;
    if (sigil == '#' || sigil == '^' || sigil == '/' || sigil == '>') {
        const char *nm = t + 1;
        size_t nn = tn - 1;
        trim(&nm, &nn);
        if (sigil == '>') {
            if (nn == 0 || nn > MU_TMPL_NAME_MAX || !key_ok(nm, nn) || memchr(nm, '.', nn))
                return perr(p, "bad partial name", nm, nn);
            if ((rc = add_name(p, nm, nn, &off)))
                return rc;
            return push(p, N_PARTIAL, off, nn, line);
        }
        if (!path_ok(nm, nn))
            return perr(p, "bad section name", nm, nn);
        if (sigil == '/') {
            if (*depth == 0)
                return perr(p, "closing tag without a section:", nm, nn);
            struct node *o = &p->nodes[stack[*depth - 1]];
            const char *oname = p->names.ptr + o->off;
            if (o->len != nn || memcmp(oname, nm, nn) != 0) {
                char msg[160];
                snprintf(msg, sizeof(msg), "section '%.*s' (line %d) closed by",
                         (int)(o->len > 60 ? 60 : o->len), oname, o->line);
                return perr(p, msg, nm, nn);
            }
            o->end = p->n;
            (*depth)--;
            return MU_OK;
        }
        if (*depth >= MU_TMPL_DEPTH_MAX)
            return perr(p, "sections nested too deeply at", nm, nn);
        if ((rc = add_name(p, nm, nn, &off)))
            return rc;
        if ((rc = push(p, sigil == '#' ? N_SECTION : N_INVERTED, off, nn, line)))
            return rc;
        stack[(*depth)++] = p->n - 1;
        return MU_OK;
    }
    /* {{t:key}} or {{t "key"}} */
    if (tn >= 2 && t[0] == 't' && (t[1] == ':' || t[1] == ' ' || t[1] == '\t')) {
        const char *k = t + 2;
        size_t kn = tn - 2;
        trim(&k, &kn);
        if (t[1] != ':') {
            if (kn < 2 || k[0] != '"' || k[kn - 1] != '"')
                return perr(p, "expected {{t \"key\"}}, got", t, tn);
            k++;
            kn -= 2;
        }
        if (!key_ok(k, kn))
            return perr(p, "bad catalogue key", k, kn);
        if ((rc = add_name(p, k, kn, &off)))
            return rc;
        return push(p, N_TEXT_KEY, off, kn, line);
    }
    if (!path_ok(t, tn))
        return perr(p, "bad name", t, tn);
    if ((rc = add_name(p, t, tn, &off)))
        return rc;
    return push(p, N_VAR, off, tn, line);
}

static enum mu_err parse(struct parser *p)
{
    size_t stack[MU_TMPL_DEPTH_MAX];
    size_t depth = 0;
    enum mu_err rc;
    if (!mu_utf8_valid(p->src, p->len))
        return mu_error_set(p->err, MU_EINVAL, "%s: not valid UTF-8", p->tname);
    while (p->pos < p->len) {
        const char *o = NULL;
        for (size_t i = p->pos; i + 1 < p->len; i++)
            if (p->src[i] == '{' && p->src[i + 1] == '{') {
                o = p->src + i;
                break;
            }
        size_t tend = o ? (size_t)(o - p->src) : p->len;
        if (tend > p->pos) {
            if ((rc = push(p, N_TEXT, p->pos, tend - p->pos, p->line)))
                return rc;
            p->line += count_lines(p->src + p->pos, tend - p->pos);
            p->pos = tend;
        }
        if (!o)
            break;
        if ((rc = parse_tag(p, stack, &depth)))
            return rc;
    }
    if (depth) {
        struct node *o = &p->nodes[stack[depth - 1]];
        p->line = o->line;
        return perr(p, "unclosed section", p->names.ptr + o->off, o->len);
    }
    return MU_OK;
}

struct mu_tmpl_set *mu_tmpl_set_new(void)
{
    return mu_calloc(1, sizeof(struct mu_tmpl_set));
}

void mu_tmpl_set_free(struct mu_tmpl_set *set)
{
    if (!set)
        return;
    for (size_t i = 0; i < set->n; i++) {
        mu_free(set->v[i].name);
        mu_free(set->v[i].src);
        mu_free(set->v[i].names);
        mu_free(set->v[i].nodes);
    }
    mu_free(set->v);
    mu_free(set);
}

static const struct tmpl *find(const struct mu_tmpl_set *set, const char *name, size_t len)
{
    for (size_t i = 0; i < set->n; i++)
        if (strlen(set->v[i].name) == len && memcmp(set->v[i].name, name, len) == 0)
            return &set->v[i];
    return NULL;
}

enum mu_err mu_tmpl_set_add(struct mu_tmpl_set *set, const char *name, const char *src,
                            size_t len, struct mu_error *err)
{
    size_t nlen = name ? strlen(name) : 0;
    if (nlen == 0 || nlen > MU_TMPL_NAME_MAX || !key_ok(name, nlen) || strchr(name, '.'))
        return mu_error_set(err, MU_EINVAL, "bad template name '%.64s'", name ? name : "");
    if (find(set, name, nlen))
        return mu_error_set(err, MU_EINVAL, "template '%s' is added twice", name);

    struct parser p;
    memset(&p, 0, sizeof(p));
    p.tname = name;
    p.src = src;
    p.len = len;
    p.line = 1;
    p.err = err;
    mu_buf_init(&p.names, MU_TMPL_OUT_MAX);
    struct tmpl t = {0};
    enum mu_err rc = parse(&p);
    if (rc)
        goto out;
    rc = MU_ENOMEM;
    if (set->n == set->cap) {
        size_t cap = set->cap ? set->cap * 2 : 16;
        struct tmpl *v = mu_realloc(set->v, cap * sizeof(*v));
        if (!v)
            goto oom;
        set->v = v;
        set->cap = cap;
    }
    t.name = mu_strdup(name);
    t.src = mu_strndup(src, len);
    t.names = mu_buf_detach(&p.names);
    if (!t.name || !t.src || !t.names)
        goto oom;
    t.nodes = p.nodes;
    t.nnodes = p.n;
    p.nodes = NULL;
    set->v[set->n++] = t;
    rc = MU_OK;
    goto out;
oom:
    mu_free(t.name);
    mu_free(t.src);
    mu_free(t.names);
    rc = mu_error_set(err, MU_ENOMEM, "out of memory adding template '%s'", name);
out:
    mu_free(p.nodes);
    mu_buf_release(&p.names);
    return rc;
}

/* Depth-first walk of the partials from template @p t, looking for cycles. */
static enum mu_err check_partials(const struct mu_tmpl_set *set, const struct tmpl *t,
                                  const struct tmpl **path, size_t depth, struct mu_error *err)
{
    for (size_t i = 0; i < t->nnodes; i++) {
        const struct node *nd = &t->nodes[i];
        if (nd->kind != N_PARTIAL)
            continue;
        const char *pn = t->names + nd->off;
        const struct tmpl *q = find(set, pn, nd->len);
        if (!q)
            return mu_error_set(err, MU_EINVAL, "%s:%d: no template '%s' for the partial",
                                t->name, nd->line, pn);
        for (size_t k = 0; k <= depth; k++)
            if (path[k] == q)
                return mu_error_set(err, MU_EINVAL, "%s:%d: partial '%s' includes itself",
                                    t->name, nd->line, pn);
        if (depth + 1 >= MU_TMPL_DEPTH_MAX)
            return mu_error_set(err, MU_EINVAL, "%s:%d: partials nested too deeply", t->name,
                                nd->line);
        path[depth + 1] = q;
        enum mu_err rc = check_partials(set, q, path, depth + 1, err);
        if (rc)
            return rc;
    }
    return MU_OK;
}

enum mu_err mu_tmpl_set_check(const struct mu_tmpl_set *set, mu_tmpl_text_fn *text, void *ud,
                              struct mu_error *err)
{
    const struct tmpl *path[MU_TMPL_DEPTH_MAX];
    for (size_t i = 0; i < set->n; i++) {
        const struct tmpl *t = &set->v[i];
        path[0] = t;
        enum mu_err rc = check_partials(set, t, path, 0, err);
        if (rc)
            return rc;
        if (!text)
            continue;
        for (size_t k = 0; k < t->nnodes; k++)
            if (t->nodes[k].kind == N_TEXT_KEY && !text(ud, t->names + t->nodes[k].off))
                return mu_error_set(err, MU_EINVAL, "%s:%d: no catalogue text for key '%s'",
                                    t->name, t->nodes[k].line, t->names + t->nodes[k].off);
    }
    return MU_OK;
}

/* ---- rendering ---- */

struct render {
    const struct mu_tmpl_set *set;
    mu_tmpl_text_fn *text;
    void *ud;
    const json_t *stack[MU_TMPL_DEPTH_MAX + 1];
    size_t depth; /* contexts on the stack */
    int levels;   /* sections and partials entered */
    struct mu_buf out;
    struct mu_error *err;
};

static const json_t *lookup(const struct render *r, const char *name)
{
    if (name[0] == '.' && name[1] == '\0')
        return r->depth ? r->stack[r->depth - 1] : NULL;
    const char *dot = strchr(name, '.');
    size_t first = dot ? (size_t)(dot - name) : strlen(name);
    char seg[256];
    if (first >= sizeof(seg))
        return NULL;
    memcpy(seg, name, first);
    seg[first] = '\0';
    const json_t *v = NULL;
    for (size_t i = r->depth; i-- > 0;) {
        if (json_is_object(r->stack[i]) && (v = json_object_get(r->stack[i], seg)) != NULL)
            break;
    }
    while (v && dot) {
        const char *s = dot + 1;
        dot = strchr(s, '.');
        size_t n = dot ? (size_t)(dot - s) : strlen(s);
        if (n >= sizeof(seg) || !json_is_object(v))
            return NULL;
        memcpy(seg, s, n);
        seg[n] = '\0';
        v = json_object_get(v, seg);
    }
    return v;
}

static int truthy(const json_t *v)
{
    if (!v || json_is_null(v) || json_is_false(v))
        return 0;
    if (json_is_array(v))
        return json_array_size(v) > 0;
    if (json_is_string(v))
        return json_string_length(v) > 0;
    return 1;
}

/* Length of the valid UTF-8 sequence at s (n bytes left), or 0 when invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    if (s[0] < 0x80)
        return 1;
    size_t len = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc0 ? 2 : 0;
    if (len == 0 || len > n)
        return 0;
    return mu_utf8_valid((const char *)s, len) ? len : 0;
}

/* Append @p s escaped (or not), replacing invalid UTF-8 with U+FFFD. */
static enum mu_err emit(struct render *r, const char *s, size_t n, int escape)
{
    size_t i = 0, start = 0;
    enum mu_err rc = MU_OK;
    while (i < n && !rc) {
        size_t k = utf8_len((const unsigned char *)s + i, n - i);
        if (k) {
            i += k;
            continue;
        }
        rc = escape ? mu_buf_add_html(&r->out, s + start, i - start)
                    : mu_buf_add(&r->out, s + start, i - start);
        if (!rc)
            rc = mu_buf_adds(&r->out, "\xef\xbf\xbd");
        start = ++i;
    }
    if (!rc)
        rc = escape ? mu_buf_add_html(&r->out, s + start, n - start)
                    : mu_buf_add(&r->out, s + start, n - start);
    return rc;
}

static enum mu_err emit_value(struct render *r, const json_t *v, int escape)
{
    char num[64];
    if (json_is_string(v))
        return emit(r, json_string_value(v), json_string_length(v), escape);
    if (json_is_integer(v))
        snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(v));
    else if (json_is_real(v))
        snprintf(num, sizeof(num), "%g", json_real_value(v));
    else if (json_is_true(v))
        snprintf(num, sizeof(num), "true");
    else if (json_is_false(v))
        snprintf(num, sizeof(num), "false");
    else
        return MU_OK;
    return mu_buf_adds(&r->out, num);
}

static enum mu_err out_err(struct render *r, enum mu_err rc)
{
    if (rc == MU_ELIMIT)
        return mu_error_set(r->err, MU_ELIMIT, "page larger than %u bytes", MU_TMPL_OUT_MAX);
    return mu_error_set(r->err, MU_ENOMEM, "out of memory rendering a page");
}

static enum mu_err render_tmpl(struct render *r, const struct tmpl *t, size_t from, size_t to);

static enum mu_err enter(struct render *r, const struct tmpl *t, const struct node *nd)
{
    if (r->levels >= MU_TMPL_DEPTH_MAX || r->depth >= MU_TMPL_DEPTH_MAX)
        return mu_error_set(r->err, MU_ELIMIT, "%s:%d: templates nested too deeply", t->name,
                            nd->line);
    return MU_OK;
}

static enum mu_err render_tmpl(struct render *r, const struct tmpl *t, size_t from, size_t to)
{
    enum mu_err rc = MU_OK;
    size_t i = from;
    while (i < to && !rc) {
        const struct node *nd = &t->nodes[i];
        const char *name = t->names ? t->names + nd->off : "";
        const json_t *v;
        switch (nd->kind) {
        case N_TEXT:
            if ((rc = mu_buf_add(&r->out, t->src + nd->off, nd->len)))
                return out_err(r, rc);
            i++;
            break;
        case N_VAR:
        case N_RAW:
            v = lookup(r, name);
            if (v && (rc = emit_value(r, v, nd->kind == N_VAR)))
                return out_err(r, rc);
            i++;
            break;
        case N_TEXT_KEY: {
            const char *s = r->text ? r->text(r->ud, name) : NULL;
            if (!s)
                s = name;
            if ((rc = emit(r, s, strlen(s), 1)))
                return out_err(r, rc);
            i++;
            break;
        }
        case N_SECTION:
        case N_INVERTED:
            v = lookup(r, name);
            if ((rc = enter(r, t, nd)))
                return rc;
            r->levels++;
            if (nd->kind == N_INVERTED) {
                if (!truthy(v))
                    rc = render_tmpl(r, t, i + 1, nd->end);
            } else if (json_is_array(v)) {
                for (size_t k = 0; k < json_array_size(v) && !rc; k++) {
                    r->stack[r->depth++] = json_array_get(v, k);
                    rc = render_tmpl(r, t, i + 1, nd->end);
                    r->depth--;
                }
            } else if (json_is_object(v)) {
                r->stack[r->depth++] = v;
                rc = render_tmpl(r, t, i + 1, nd->end);
                r->depth--;
            } else if (truthy(v)) {
                rc = render_tmpl(r, t, i + 1, nd->end);
            }
            r->levels--;
            i = nd->end;
            break;
        case N_PARTIAL: {
            const struct tmpl *q = find(r->set, name, nd->len);
            if (!q)
                return mu_error_set(r->err, MU_ENOTFOUND, "%s:%d: no template '%s'", t->name,
                                    nd->line, name);
            if ((rc = enter(r, t, nd)))
                return rc;
            r->levels++;
            rc = render_tmpl(r, q, 0, q->nnodes);
            r->levels--;
            i++;
            break;
        }
        }
    }
    return rc;
}

enum mu_err mu_tmpl_render(const struct mu_tmpl_set *set, const char *name, const json_t *data,
                           mu_tmpl_text_fn *text, void *ud, char **out, size_t *out_len,
                           struct mu_error *err)
{
    const struct tmpl *t = find(set, name, strlen(name));
    if (!t)
        return mu_error_set(err, MU_ENOTFOUND, "no template '%s'", name);
    struct render *r = mu_calloc(1, sizeof(*r));
    if (!r)
        return mu_error_set(err, MU_ENOMEM, "out of memory rendering a page");
    r->set = set;
    r->text = text;
    r->ud = ud;
    r->err = err;
    mu_buf_init(&r->out, MU_TMPL_OUT_MAX);
    if (data)
        r->stack[r->depth++] = data;
    enum mu_err rc = render_tmpl(r, t, 0, t->nnodes);
    if (!rc) {
        size_t len = r->out.len;
        char *s = mu_buf_detach(&r->out);
        if (!s) {
            rc = mu_error_set(err, MU_ENOMEM, "out of memory rendering a page");
        } else {
            *out = s;
            if (out_len)
                *out_len = len;
        }
    }
    mu_buf_release(&r->out);
    mu_free(r);
    return rc;
}
