/* SPDX-License-Identifier: MIT */
/*
 * Internal helpers of the plan model shared by the parser (src/plan) and the
 * cross-reference lint (src/core/plan_lint.c): id syntax, target and
 * comparison syntax, did-you-mean suggestions. Pure functions, no I/O.
 */
#ifndef MU_CORE_PLAN_MODEL_H
#define MU_CORE_PLAN_MODEL_H

#include <stddef.h>
#include <muster/plan.h>

/**
 * 1 when @p s (@p len bytes) is an id: [a-z0-9][a-z0-9_-]{0,63}; with
 * @p allow_upper also A-Z (level ids such as "IV").
 */
int mu_plan_id_valid(const char *s, size_t len, int allow_upper);

/** Levenshtein distance between two byte strings (capped at 255 bytes each). */
size_t mu_plan_edit_distance(const char *a, const char *b);

/** Did-you-mean search: offer candidates one by one, then read best (NULL: none close). */
struct mu_plan_suggest {
    const char *word; /* borrowed */
    const char *best; /* borrowed from the candidates */
    size_t bestd;
};
void mu_plan_suggest_init(struct mu_plan_suggest *s, const char *word);
void mu_plan_suggest_offer(struct mu_plan_suggest *s, const char *cand);

/**
 * Parse a target ("person:ID", "team:ID", "leader:TEAM", "role:ROLE", "duty"
 * or a bare person id). *ref points into @p s (borrowed). 0 when malformed.
 */
int mu_plan_target_parse(const char *s, enum mu_plan_target_kind *kind, const char **ref);

/** Parse a comparison such as ">= 15" into *op and *value. 0 when malformed. */
int mu_plan_cond_parse(const char *s, enum mu_cond_op *op, double *value);

/** The operator as written in plan files: ">=", ">", ... */
const char *mu_plan_op_text(enum mu_cond_op op);

/**
 * Check every cross-reference of @p p (people, teams, units, kinds, levels,
 * incident fields, duty roles), duplicate ids and the warnings the format
 * defines; append problems to @p d. Returns MU_ENOMEM only.
 */
enum mu_err mu_plan_lint(const struct mu_plan *p, struct mu_diags *d);

#endif
