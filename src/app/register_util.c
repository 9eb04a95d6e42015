/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the register use cases (see src/app/register_int.h):
 * loading the plans that units and people are checked against, input
 * checks that name the field, and output formatting.
 */
#include "app/register_int.h"

#include <muster/date.h>
#include <muster/mem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/banned.h"

void reg_plans_release(struct reg_plans *p)
{
    for (size_t i = 0; p->v && i < p->n; i++)
        mu_plan_free(p->v[i]);
    mu_free(p->v);
    p->v = NULL;
    p->n = 0;
}

enum mu_err reg_plans_load(struct mu_store *s, struct reg_plans *p, struct mu_error *err)
{
    struct mu_plan_summary *list = NULL;
    size_t n = 0;
    p->v = NULL;
    p->n = 0;
    enum mu_err rc = mu_store_plan_list(s, &list, &n, err);
    if (rc)
        return rc;
    if (n && !(p->v = mu_calloc(n, sizeof(*p->v))))
        rc = mu_error_set(err, MU_ENOMEM, "out of memory loading plans");
    for (size_t i = 0; rc == MU_OK && i < n; i++) {
        struct mu_plan_record rec = {0};
        rc = mu_store_plan_get(s, list[i].id, 0, &rec, err);
        if (rc == MU_OK) {
            rc = mu_plan_parse(rec.source, strlen(rec.source), &p->v[p->n], NULL, err);
            if (rc && rc != MU_ENOMEM)
                rc = mu_error_set(err, MU_EINTERNAL, "stored plan '%s' no longer parses",
                                  list[i].id);
            if (rc == MU_OK)
                p->n++;
        }
        mu_plan_record_release(&rec);
    }
    mu_plan_summaries_free(list, n);
    if (rc)
        reg_plans_release(p);
    return rc;
}

const struct mu_plan *reg_plan(const struct reg_plans *p, const char *id)
{
    for (size_t i = 0; id && i < p->n; i++)
        if (strcmp(p->v[i]->id, id) == 0)
            return p->v[i];
    return NULL;
}

enum mu_err reg_plan_for_unit(const struct reg_plans *p, const char *plan_id, const char *unit,
                              const struct mu_plan **out, struct mu_error *err)
{
    *out = NULL;
    if (plan_id && *plan_id) {
        const struct mu_plan *pl = reg_plan(p, plan_id);
        if (!pl)
            return mu_error_field(err, MU_ENOTFOUND, "plan", "plan: no plan '%.100s' is loaded",
                                  plan_id);
        if (unit && !mu_plan_unit(pl, unit))
            return mu_error_field(err, MU_EINVAL, "unit", "unit: plan '%s' has no unit '%.100s'",
                                  pl->id, unit);
        *out = pl;
        return MU_OK;
    }
    if (p->n == 0)
        return mu_error_field(err, MU_EINVAL, unit ? "unit" : "plan",
                              "%s: no plan is loaded (muster plan load FILE)",
                              unit ? "unit" : "plan");
    if (!unit) {
        if (p->n > 1)
            return mu_error_field(err, MU_EINVAL, "plan",
                                  "plan: several plans are loaded; name one with --plan");
        *out = p->v[0];
        return MU_OK;
    }
    for (size_t i = 0; i < p->n; i++)
        if (mu_plan_unit(p->v[i], unit)) {
            *out = p->v[i];
            return MU_OK;
        }
    return mu_error_field(err, MU_EINVAL, "unit", "unit: no loaded plan has a unit '%.100s'",
                          unit);
}

enum mu_err reg_check_person(const struct mu_plan *plan, const char *field, const char *person,
                             struct mu_error *err)
{
    if (!person || !*person)
        return mu_error_field(err, MU_EINVAL, field, "%s is empty", field);
    if (!mu_plan_person(plan, person))
        return mu_error_field(err, MU_EINVAL, field, "%s: plan '%s' has no person '%.100s'", field,
                              plan->id, person);
    return MU_OK;
}

const char *reg_unit_name(const struct reg_plans *p, const char *plan_id, const char *id)
{
    const struct mu_plan *pl = reg_plan(p, plan_id);
    const struct mu_plan_unit *u = pl && id ? mu_plan_unit(pl, id) : NULL;
    return u ? u->name : id ? id : "";
}

const char *reg_person_name(const struct reg_plans *p, const char *plan_id, const char *id)
{
    const struct mu_plan *pl = reg_plan(p, plan_id);
    const struct mu_plan_person *x = pl && id && *id ? mu_plan_person(pl, id) : NULL;
    return x ? x->name : id ? id : "";
}

/* 1 when @p s is valid UTF-8 without control characters other than \n and \t. */
static int good_text(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned c = *p;
        size_t n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3
                                 : (c & 0xF8) == 0xF0 ? 4 : 0;
        if (!n || (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
            return 0;
        if (n == 2 && c < 0xC2)
            return 0;
        for (size_t i = 1; i < n; i++)
            if ((p[i] & 0xC0) != 0x80)
                return 0;
        p += n;
    }
    return 1;
}

enum mu_err reg_text(const char *field, const char *v, size_t max, int required,
                     struct mu_error *err)
{
    if (!v || !*v)
        return required ? mu_error_field(err, MU_EINVAL, field, "%s is empty", field) : MU_OK;
    if (strlen(v) > max)
        return mu_error_field(err, MU_EINVAL, field, "%s is longer than %zu bytes", field, max);
    if (!good_text(v))
        return mu_error_field(err, MU_EINVAL, field,
                              "%s is not UTF-8 text (or holds control characters)", field);
    return MU_OK;
}

enum mu_err reg_day(const char *field, const char *text, int32_t *day, struct mu_error *err)
{
    struct mu_error e = {0};
    if (!text || !*text)
        return mu_error_field(err, MU_EINVAL, field, "%s is empty", field);
    if (mu_date_parse(text, strlen(text), day, &e))
        return mu_error_field(err, MU_EINVAL, field, "%s: %s", field, e.msg);
    return MU_OK;
}

void reg_day_format(int32_t day, char out[static 11])
{
    if (day < 0)
        out[0] = '\0';
    else
        mu_date_format(day, out);
}

enum mu_err reg_take_json(json_t *doc, char **out, struct mu_error *err)
{
    char *text = doc ? json_dumps(doc, JSON_PRESERVE_ORDER | JSON_INDENT(2)) : NULL;
    size_t len = text ? strlen(text) : 0;
    json_decref(doc);
    *out = text ? mu_malloc(len + 2) : NULL;
    if (*out) {
        memcpy(*out, text, len);
        (*out)[len] = '\n';
        (*out)[len + 1] = '\0';
    }
    free(text);
    return *out ? MU_OK : mu_error_set(err, MU_ENOMEM, "out of memory formatting JSON");
}

enum mu_err reg_take_buf(struct mu_buf *b, enum mu_err rc, char **out, struct mu_error *err)
{
    if (rc == MU_OK) {
        *out = mu_buf_detach(b);
        if (!*out)
            rc = mu_error_set(err, MU_ENOMEM, "out of memory formatting output");
    } else if (rc == MU_ELIMIT || rc == MU_ENOMEM) {
        rc = mu_error_set(err, rc, "output too large or out of memory");
    }
    mu_buf_release(b);
    return rc;
}

json_t *reg_time_json(int64_t ms)
{
    char t[26];
    if (!ms)
        return json_null();
    mu_local_format(ms, t);
    return json_string(t);
}

void reg_time_format(int64_t ms, char out[static 17])
{
    char t[26];
    if (!ms) {
        out[0] = '\0';
        return;
    }
    mu_local_format(ms, t);
    t[10] = ' ';
    memcpy(out, t, 16);
    out[16] = '\0';
}

void reg_duration_format(int64_t secs, char out[static 32])
{
    char *p = out;
    size_t left = 32;
    int64_t h = secs / 3600, m = secs % 3600 / 60, s = secs % 60;
    if (secs <= 0) {
        snprintf(out, 32, "0s");
        return;
    }
    if (h) {
        int w = snprintf(p, left, "%lldh", (long long)h);
        p += w;
        left -= (size_t)w;
    }
    if (m) {
        int w = snprintf(p, left, "%lldm", (long long)m);
        p += w;
        left -= (size_t)w;
    }
    if (s)
        snprintf(p, left, "%llds", (long long)s);
}
