/* SPDX-License-Identifier: MIT */
/*
 * Internal interfaces of the plan parser: the source checks (size, UTF-8),
 * the front-matter splitter, and the YAML node tree built from libyaml
 * events. Shared by source.c, yaml_tree.c and parse.c; tests may use it.
 */
#ifndef MU_PLAN_PLAN_INT_H
#define MU_PLAN_PLAN_INT_H

#include <stddef.h>
#include <muster/plan.h>
#include "util/arena.h"

/** Owner of a plan's memory; mu_plan.arena points at it. */
struct mu_plan_arena {
    struct mu_arena a;
};

/**
 * Check that @p s is valid UTF-8 (no overlong forms, surrogates or code
 * points past U+10FFFF). Returns 1 when valid; else 0 with the 1-based
 * line and column (in characters) of the first bad byte, and the byte.
 */
int mu_plan_utf8_check(const char *s, size_t len, int *line, int *col, unsigned char *bad);

/** Where the parts of a plan file are. */
struct mu_plan_split {
    size_t yaml_off, yaml_len; /* the front matter, between the --- lines */
    int yaml_line;             /* file line of the front matter's first line */
    size_t body_off, body_len; /* the Markdown after the closing --- line */
    int body_line;             /* file line where the body starts */
};

/**
 * Find the front matter of @p s (already checked as UTF-8). A missing or
 * unterminated block is reported in @p d with its position; returns
 * MU_EINVAL then, MU_ENOMEM, or MU_OK.
 */
enum mu_err mu_plan_split_source(const char *s, size_t len, struct mu_plan_split *out,
                                 struct mu_diags *d);

enum mu_ynode_kind { MU_Y_SCALAR, MU_Y_MAP, MU_Y_SEQ };

/** A YAML node: scalar, mapping or sequence, with its position in the file. */
struct mu_ynode {
    enum mu_ynode_kind kind;
    int line, col;
    const char *s;  /* scalar value, NUL-terminated (arena) */
    size_t len;     /* scalar length in bytes */
    int plain;      /* scalar written plain (not quoted, not a block) */
    struct mu_ynode **kids; /* sequence items, or mapping key and value alternately */
    size_t n;               /* entries in kids (twice the pairs for a mapping) */
};

/**
 * Parse the YAML text @p s (@p len bytes) whose first line is line
 * @p first_line of the file into a node tree allocated in @p a.
 * Syntax errors are reported in @p d at libyaml's problem mark; aliases are
 * rejected. *root (OUT) is NULL for an empty document. MU_EINVAL when the
 * YAML is unusable, MU_ENOMEM, or MU_OK.
 */
enum mu_err mu_plan_yaml_load(struct mu_arena *a, const char *s, size_t len, int first_line,
                              struct mu_ynode **root, struct mu_diags *d);

/** 1 when @p n is a YAML null (~, null, empty plain scalar). */
int mu_ynode_is_null(const struct mu_ynode *n);

/**
 * Build the model from the front-matter tree (shape, types and syntax of
 * every key). Problems go to @p d; MU_ENOMEM is the only failure returned.
 */
enum mu_err mu_plan_build(struct mu_arena *a, const struct mu_ynode *root, struct mu_plan *p,
                          struct mu_diags *d);

#endif
