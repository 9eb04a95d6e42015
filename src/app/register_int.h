/* SPDX-License-Identifier: MIT */
/*
 * Inside the register use cases (src/app/hazard.c, drillrec.c, resource.c,
 * contact.c): the loaded plans (latest versions, parsed) that units and
 * people are checked against, field-naming input checks, and the small
 * output helpers they share. Not part of the public API.
 */
#ifndef MU_APP_REGISTER_INT_H
#define MU_APP_REGISTER_INT_H

#include <jansson.h>
#include <muster/plan.h>
#include <muster/register.h>

#include "util/buf.h"

#define REG_OUT_MAX (64u * 1024 * 1024) /* largest text or JSON produced */

/** The latest version of every loaded plan, parsed, ordered by id. */
struct reg_plans {
    struct mu_plan **v; /* owned */
    size_t n;
};

enum mu_err reg_plans_load(struct mu_store *s, struct reg_plans *p, struct mu_error *err);
void reg_plans_release(struct reg_plans *p);
/** Plan @p id, or NULL. */
const struct mu_plan *reg_plan(const struct reg_plans *p, const char *id);

/**
 * The plan to check a unit (and people) against: @p plan_id when given
 * (MU_ENOTFOUND, field "plan", when not loaded), else the first plan that
 * has unit @p unit (NULL unit: the only plan, or field "plan" when there
 * are several or none). MU_EINVAL with field "unit" for an unknown unit.
 */
enum mu_err reg_plan_for_unit(const struct reg_plans *p, const char *plan_id, const char *unit,
                              const struct mu_plan **out, struct mu_error *err);

/** Check that @p person is a person of @p plan; MU_EINVAL naming @p field otherwise. */
enum mu_err reg_check_person(const struct mu_plan *plan, const char *field, const char *person,
                             struct mu_error *err);

/** Name of unit/person @p id in plan @p plan_id, else @p id itself. */
const char *reg_unit_name(const struct reg_plans *p, const char *plan_id, const char *id);
const char *reg_person_name(const struct reg_plans *p, const char *plan_id, const char *id);

/** A required (or, with !required, optional) text: empty, too long, not UTF-8. */
enum mu_err reg_text(const char *field, const char *v, size_t max, int required,
                     struct mu_error *err);

/** Parse YYYY-MM-DD for @p field: "due: '2026-02-30' is not a valid date ...". */
enum mu_err reg_day(const char *field, const char *text, int32_t *day, struct mu_error *err);

/** Format @p day ("" for a negative day) into @p out. */
void reg_day_format(int32_t day, char out[static 11]);

/** Serialize @p doc (stolen) with a final newline into *out (mu_free). */
enum mu_err reg_take_json(json_t *doc, char **out, struct mu_error *err);

/** Detach @p b into *out when @p rc is MU_OK; release it either way. */
enum mu_err reg_take_buf(struct mu_buf *b, enum mu_err rc, char **out, struct mu_error *err);

/** A JSON string of the local time of @p ms, or null for 0. */
json_t *reg_time_json(int64_t ms);

/** Format @p ms as local "YYYY-MM-DD HH:MM" ("" for 0). */
void reg_time_format(int64_t ms, char out[static 17]);

/** Format seconds as "1h30m", "3m20s", "45s", "0s". */
void reg_duration_format(int64_t secs, char out[static 32]);

#endif
