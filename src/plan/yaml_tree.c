/* SPDX-License-Identifier: MIT */
/*
 * libyaml events to a small node tree (mapping, sequence, scalar) with file
 * positions. The tree lives in the plan's arena; containers are collected in
 * temporary growable arrays while open. Aliases are refused (they would let a
 * small file expand without bound) and nesting is limited.
 */
#include "plan/plan_int.h"

#include <muster/mem.h>
#include <string.h>
#include <yaml.h>

#include "util/banned.h"

#define MAX_DEPTH 64

struct frame {
    struct mu_ynode *node;
    struct mu_ynode **kids; /* mu_malloc'ed while the container is open */
    size_t n, cap;
};

struct builder {
    struct mu_arena *a;
    struct mu_diags *d;
    int first_line;
    struct frame stack[MAX_DEPTH];
    size_t depth;
    struct mu_ynode *root;
};

int mu_ynode_is_null(const struct mu_ynode *n)
{
    if (!n)
        return 1;
    if (n->kind != MU_Y_SCALAR || !n->plain)
        return 0;
    return n->len == 0 || strcmp(n->s, "~") == 0 || strcmp(n->s, "null") == 0 ||
           strcmp(n->s, "Null") == 0 || strcmp(n->s, "NULL") == 0;
}

static struct mu_ynode *new_node(struct builder *b, enum mu_ynode_kind kind, yaml_mark_t m)
{
    struct mu_ynode *n = mu_arena_alloc(b->a, sizeof(*n));
    if (!n)
        return NULL;
    n->kind = kind;
    n->line = (int)m.line + b->first_line;
    n->col = (int)m.column + 1;
    return n;
}

/* Attach @p n to the open container, or make it the root. */
static enum mu_err attach(struct builder *b, struct mu_ynode *n)
{
    if (b->depth == 0) {
        if (!b->root)
            b->root = n;
        return MU_OK;
    }
    struct frame *f = &b->stack[b->depth - 1];
    if (f->n == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 8;
        struct mu_ynode **k = mu_realloc(f->kids, cap * sizeof(*k));
        if (!k)
            return MU_ENOMEM;
        f->kids = k;
        f->cap = cap;
    }
    f->kids[f->n++] = n;
    return MU_OK;
}

static enum mu_err close_frame(struct builder *b)
{
    struct frame *f = &b->stack[--b->depth];
    enum mu_err rc = MU_OK;
    if (f->n) {
        f->node->kids = mu_arena_alloc(b->a, f->n * sizeof(*f->node->kids));
        if (!f->node->kids)
            rc = MU_ENOMEM;
        else
            memcpy(f->node->kids, f->kids, f->n * sizeof(*f->kids));
        f->node->n = f->n;
    }
    mu_free(f->kids);
    f->kids = NULL;
    return rc;
}

static enum mu_err syntax_error(struct builder *b, const yaml_parser_t *p)
{
    int line = (int)p->problem_mark.line + b->first_line;
    int col = (int)p->problem_mark.column + 1;
    const char *problem = p->problem ? p->problem : "unknown problem";
    enum mu_err rc;
    if (p->context)
        rc = mu_diags_add(b->d, MU_DIAG_ERROR, line, col, "yaml: %s (%s at %d:%d)", problem,
                          p->context, (int)p->context_mark.line + b->first_line,
                          (int)p->context_mark.column + 1);
    else
        rc = mu_diags_add(b->d, MU_DIAG_ERROR, line, col, "yaml: %s", problem);
    return rc ? rc : MU_EINVAL;
}

enum mu_err mu_plan_yaml_load(struct mu_arena *a, const char *s, size_t len, int first_line,
                              struct mu_ynode **root, struct mu_diags *d)
{
    struct builder b = {0};
    b.a = a;
    b.d = d;
    b.first_line = first_line;
    yaml_parser_t parser;
    enum mu_err rc = MU_OK;
    int docs = 0, done = 0;

    *root = NULL;
    if (!yaml_parser_initialize(&parser))
        return MU_ENOMEM;
    yaml_parser_set_input_string(&parser, (const unsigned char *)s, len);
    yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
    while (!done && !rc) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&parser, &ev)) {
            rc = parser.error == YAML_MEMORY_ERROR ? MU_ENOMEM : syntax_error(&b, &parser);
            break;
        }
        struct mu_ynode *n = NULL;
        switch (ev.type) {
        case YAML_STREAM_END_EVENT:
            done = 1;
            break;
        case YAML_DOCUMENT_START_EVENT:
            if (++docs > 1) {
                rc = mu_diags_add(d, MU_DIAG_ERROR, (int)ev.start_mark.line + first_line,
                                  (int)ev.start_mark.column + 1,
                                  "the front matter must hold one YAML document");
                if (!rc)
                    rc = MU_EINVAL;
            }
            break;
        case YAML_SCALAR_EVENT:
            n = new_node(&b, MU_Y_SCALAR, ev.start_mark);
            if (n) {
                n->s = mu_arena_strndup(a, (const char *)ev.data.scalar.value,
                                        ev.data.scalar.length);
                n->len = ev.data.scalar.length;
                n->plain = ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
            }
            if (!n || !n->s)
                rc = MU_ENOMEM;
            else
                rc = attach(&b, n);
            break;
        case YAML_ALIAS_EVENT:
            rc = mu_diags_add(d, MU_DIAG_ERROR, (int)ev.start_mark.line + first_line,
                              (int)ev.start_mark.column + 1,
                              "yaml aliases ('*%s') are not supported in plans",
                              (const char *)ev.data.alias.anchor);
            /* Keep going with a null in its place so later problems show too. */
            if (!rc) {
                n = new_node(&b, MU_Y_SCALAR, ev.start_mark);
                if (n) {
                    n->s = "";
                    n->plain = 1;
                }
                rc = n ? attach(&b, n) : MU_ENOMEM;
            }
            break;
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT:
            if (b.depth == MAX_DEPTH) {
                rc = mu_diags_add(d, MU_DIAG_ERROR, (int)ev.start_mark.line + first_line,
                                  (int)ev.start_mark.column + 1,
                                  "yaml is nested more than %d levels deep", MAX_DEPTH);
                if (!rc)
                    rc = MU_EINVAL;
                break;
            }
            n = new_node(&b, ev.type == YAML_SEQUENCE_START_EVENT ? MU_Y_SEQ : MU_Y_MAP,
                         ev.start_mark);
            if (!n) {
                rc = MU_ENOMEM;
                break;
            }
            rc = attach(&b, n);
            if (!rc) {
                b.stack[b.depth].node = n;
                b.stack[b.depth].kids = NULL;
                b.stack[b.depth].n = b.stack[b.depth].cap = 0;
                b.depth++;
            }
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            rc = close_frame(&b);
            break;
        default:
            break;
        }
        yaml_event_delete(&ev);
    }
    while (b.depth)
        close_frame(&b);
    yaml_parser_delete(&parser);
    if (!rc)
        *root = b.root;
    return rc;
}
