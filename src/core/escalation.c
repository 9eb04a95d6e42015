/* SPDX-License-Identifier: MIT */
/*
 * The escalation rules of a plan, pure: policy matching (kind, level, time
 * window, field comparisons), target resolution through an injected roster
 * lookup, the chain's next move after a step or a wait, and the deadlines a
 * policy sets (reporting chain, acknowledgement, assembly by day or night).
 * See muster/escalation.h; the engine that runs these is src/engine and the
 * use cases are in src/app/incident.c.
 */
#include <muster/escalation.h>

#include <math.h>
#include <muster/date.h>
#include <muster/mem.h>
#include <stdio.h>
#include <string.h>

#include "util/banned.h"

/* ---------------------------------------------------------------- policies */

int mu_esc_window_contains(const struct mu_plan_window *w, int minutes)
{
    if (w->start == w->end)
        return 0; /* empty: plan check warns about it */
    if (w->start < w->end)
        return minutes >= w->start && minutes < w->end;
    return minutes >= w->start || minutes < w->end;
}

static const struct mu_esc_field *field_of(const struct mu_esc_incident *inc, const char *key)
{
    for (size_t i = 0; i < inc->nfields; i++)
        if (inc->fields[i].key && strcmp(inc->fields[i].key, key) == 0)
            return &inc->fields[i];
    return NULL;
}

static int compare(enum mu_cond_op op, double a, double b)
{
    switch (op) {
    case MU_OP_GE: return a >= b;
    case MU_OP_GT: return a > b;
    case MU_OP_LE: return a <= b;
    case MU_OP_LT: return a < b;
    case MU_OP_EQ: return a == b;
    case MU_OP_NE: return a != b;
    }
    return 0;
}

int mu_esc_cond_holds(const struct mu_plan_cond *c, const struct mu_esc_incident *inc)
{
    const struct mu_esc_field *f = c->field.s ? field_of(inc, c->field.s) : NULL;
    return f ? compare(c->op, f->value, c->value) : 0;
}

static int in_list(const struct mu_plan_strs *l, const char *id)
{
    if (!id)
        return 0;
    for (size_t i = 0; i < l->n; i++)
        if (l->v[i].s && strcmp(l->v[i].s, id) == 0)
            return 1;
    return 0;
}

int mu_esc_policy_applies(const struct mu_plan_policy *p, const struct mu_esc_incident *inc)
{
    if (p->kinds.n && !in_list(&p->kinds, inc->kind))
        return 0;
    if (p->levels.n && !in_list(&p->levels, inc->level))
        return 0;
    if (p->has_time && !mu_esc_window_contains(&p->time, mu_local_minutes(inc->reported_at)))
        return 0;
    for (size_t i = 0; i < p->nconds; i++)
        if (!mu_esc_cond_holds(&p->conds[i], inc))
            return 0;
    return 1;
}

enum mu_err mu_esc_applicable(const struct mu_plan *plan, const struct mu_esc_incident *inc,
                              size_t **out, size_t *n, struct mu_error *err)
{
    *out = NULL;
    *n = 0;
    if (!plan->npolicies)
        return MU_OK;
    size_t *v = mu_malloc(plan->npolicies * sizeof(*v));
    if (!v)
        return mu_error_set(err, MU_ENOMEM, "out of memory");
    size_t k = 0;
    for (size_t i = 0; i < plan->npolicies; i++)
        if (mu_esc_policy_applies(&plan->policies[i], inc))
            v[k++] = i;
    if (!k) {
        mu_free(v);
        return MU_OK;
    }
    *out = v;
    *n = k;
    return MU_OK;
}

static const struct mu_plan_field *plan_field(const struct mu_plan *plan, const char *key)
{
    for (size_t i = 0; i < plan->nfields; i++)
        if (strcmp(plan->fields[i].key, key) == 0)
            return &plan->fields[i];
    return NULL;
}

/* The interval the conditions on one field leave; bounds closed unless *_open. */
struct range {
    double lo, hi;
    int lo_open, hi_open;
};

static void range_narrow(struct range *r, enum mu_cond_op op, double v)
{
    switch (op) {
    case MU_OP_GE:
        if (v > r->lo) {
            r->lo = v;
            r->lo_open = 0;
        }
        break;
    case MU_OP_GT:
        if (v >= r->lo) {
            r->lo = v;
            r->lo_open = 1;
        }
        break;
    case MU_OP_LE:
        if (v < r->hi) {
            r->hi = v;
            r->hi_open = 0;
        }
        break;
    case MU_OP_LT:
        if (v <= r->hi) {
            r->hi = v;
            r->hi_open = 1;
        }
        break;
    case MU_OP_EQ:
        range_narrow(r, MU_OP_GE, v);
        range_narrow(r, MU_OP_LE, v);
        break;
    case MU_OP_NE: break; /* removes one point: only matters for a single-point range */
    }
}

int mu_esc_policy_never_matches(const struct mu_plan *plan, const struct mu_plan_policy *p,
                                size_t *cond, char *why, size_t why_len)
{
    for (size_t i = 0; i < p->nconds; i++) {
        const char *key = p->conds[i].field.s;
        if (!key)
            continue;
        int first = 1;
        for (size_t j = 0; j < i; j++)
            if (p->conds[j].field.s && strcmp(p->conds[j].field.s, key) == 0)
                first = 0;
        if (!first)
            continue;
        const struct mu_plan_field *f = plan_field(plan, key);
        int is_count = f && f->type == MU_FIELD_COUNT;
        struct range r = {-HUGE_VAL, HUGE_VAL, 0, 0};
        if (is_count)
            r.lo = 0;
        for (size_t j = i; j < p->nconds; j++)
            if (p->conds[j].field.s && strcmp(p->conds[j].field.s, key) == 0)
                range_narrow(&r, p->conds[j].op, p->conds[j].value);
        int empty;
        if (is_count) {
            double lo = r.lo_open ? floor(r.lo) + 1 : ceil(r.lo);
            double hi = r.hi_open ? ceil(r.hi) - 1 : floor(r.hi);
            empty = lo > hi;
            for (size_t j = i; !empty && j < p->nconds; j++)
                if (lo == hi && p->conds[j].op == MU_OP_NE && p->conds[j].value == lo &&
                    strcmp(p->conds[j].field.s, key) == 0)
                    empty = 1;
        } else {
            empty = r.lo > r.hi || (r.lo == r.hi && (r.lo_open || r.hi_open));
            for (size_t j = i; !empty && j < p->nconds; j++)
                if (r.lo == r.hi && p->conds[j].op == MU_OP_NE && p->conds[j].value == r.lo &&
                    strcmp(p->conds[j].field.s, key) == 0)
                    empty = 1;
        }
        if (empty) {
            size_t w = 0;
            if (cond)
                *cond = i;
            w += (size_t)snprintf(why, why_len, "no value of '%s' satisfies", key);
            for (size_t j = i; j < p->nconds && w < why_len; j++)
                if (p->conds[j].field.s && strcmp(p->conds[j].field.s, key) == 0)
                    w += (size_t)snprintf(why + w, why_len - w, " '%s'", p->conds[j].text);
            if (is_count && w < why_len)
                snprintf(why + w, why_len - w, " (a count is a whole number from 0)");
            return 1;
        }
    }
    return 0;
}

/* ---------------------------------------------------------------- targets */

void mu_esc_people_release(struct mu_esc_people *p)
{
    if (!p)
        return;
    mu_free(p->v);
    memset(p, 0, sizeof(*p));
}

int mu_esc_people_has(const struct mu_esc_people *p, const char *id)
{
    for (size_t i = 0; i < p->n; i++)
        if (strcmp(p->v[i], id) == 0)
            return 1;
    return 0;
}

enum mu_err mu_esc_people_add(struct mu_esc_people *p, const char *id, struct mu_error *err)
{
    if (!id || !*id || mu_esc_people_has(p, id))
        return MU_OK;
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 8;
        const char **v = mu_realloc(p->v, cap * sizeof(*v));
        if (!v)
            return mu_error_set(err, MU_ENOMEM, "out of memory");
        p->v = v;
        p->cap = cap;
    }
    p->v[p->n++] = id;
    return MU_OK;
}

static enum mu_err add_team(const struct mu_plan_team *t, int leader_only,
                            struct mu_esc_people *out, struct mu_error *err)
{
    enum mu_err rc = mu_esc_people_add(out, t->leader.s, err);
    for (size_t i = 0; !leader_only && rc == MU_OK && i < t->deputies.n; i++)
        rc = mu_esc_people_add(out, t->deputies.v[i].s, err);
    for (size_t i = 0; !leader_only && rc == MU_OK && i < t->members.n; i++)
        rc = mu_esc_people_add(out, t->members.v[i].s, err);
    return rc;
}

enum mu_err mu_esc_resolve(const struct mu_plan *plan, const struct mu_plan_target *t,
                           const struct mu_esc_roster *roster, int64_t at,
                           struct mu_esc_people *out, struct mu_error *err)
{
    const struct mu_plan_team *team;
    switch (t->kind) {
    case MU_TARGET_PERSON: return mu_esc_people_add(out, t->ref, err);
    case MU_TARGET_TEAM:
    case MU_TARGET_LEADER:
        team = mu_plan_team(plan, t->ref);
        return team ? add_team(team, t->kind == MU_TARGET_LEADER, out, err) : MU_OK;
    case MU_TARGET_ROLE:
    case MU_TARGET_DUTY: {
        const struct mu_esc_duty *v = NULL;
        size_t n = 0;
        if (!roster || !roster->fn)
            return MU_OK;
        enum mu_err rc = roster->fn(roster->ctx, at, &v, &n, err);
        for (size_t i = 0; rc == MU_OK && i < n; i++)
            if (t->kind == MU_TARGET_DUTY || (v[i].role && strcmp(v[i].role, t->ref) == 0))
                rc = mu_esc_people_add(out, v[i].person, err);
        return rc;
    }
    }
    return MU_OK;
}

/* ---------------------------------------------------------------- chain */

const char *mu_esc_next_name(enum mu_esc_next n)
{
    switch (n) {
    case MU_ESC_WAIT: return "wait";
    case MU_ESC_ESCALATE: return "escalate";
    case MU_ESC_STOP: return "stop";
    case MU_ESC_DONE: return "done";
    case MU_ESC_EXHAUSTED: return "exhausted";
    }
    return "?";
}

static int64_t step_need(const struct mu_plan_step *st)
{
    return st->ack_count > 0 ? st->ack_count : 1;
}

enum mu_esc_next mu_esc_after_step(const struct mu_plan_policy *p, size_t step,
                                   size_t nrecipients, size_t nacked, int64_t started_at,
                                   int64_t *timeout_at, int64_t *need)
{
    const struct mu_plan_step *st = &p->steps[step];
    int last = step + 1 >= p->nsteps;
    if (need)
        *need = step_need(st);
    if (nrecipients == 0)
        return last ? MU_ESC_EXHAUSTED : MU_ESC_ESCALATE;
    if (st->ack_within < 0)
        return MU_ESC_DONE;
    if ((int64_t)nacked >= step_need(st))
        return MU_ESC_STOP;
    if (timeout_at)
        *timeout_at = started_at + st->ack_within * 1000;
    return MU_ESC_WAIT;
}

enum mu_esc_next mu_esc_after_timeout(const struct mu_plan_policy *p, size_t step, size_t nacked)
{
    if ((int64_t)nacked >= step_need(&p->steps[step]))
        return MU_ESC_STOP;
    return step + 1 < p->nsteps ? MU_ESC_ESCALATE : MU_ESC_EXHAUSTED;
}

/* ---------------------------------------------------------------- deadlines */

const char *mu_esc_deadline_kind_name(enum mu_esc_deadline_kind k)
{
    switch (k) {
    case MU_DEADLINE_REPORT: return "report";
    case MU_DEADLINE_ACK: return "ack";
    case MU_DEADLINE_ASSEMBLY: return "assembly";
    }
    return "?";
}

int64_t mu_esc_assembly_within(const struct mu_plan_assembly *a, int minutes, int *night)
{
    int is_night = a->has_night_window && mu_esc_window_contains(&a->night_window, minutes);
    int64_t v = is_night ? a->night : a->day;
    if (v < 0)
        v = is_night ? a->day : a->night; /* the one given stands in for the other */
    if (night)
        *night = is_night;
    return v;
}

/* "30 分钟", "1 小时", "1 小时 30 分钟", "90 秒". */
static void human_duration(int64_t secs, char *out, size_t len)
{
    if (secs % 60) {
        snprintf(out, len, "%lld 秒", (long long)secs);
    } else if (secs >= 3600 && secs % 3600 == 0) {
        snprintf(out, len, "%lld 小时", (long long)(secs / 3600));
    } else if (secs > 3600) {
        snprintf(out, len, "%lld 小时 %lld 分钟", (long long)(secs / 3600),
                 (long long)(secs % 3600 / 60));
    } else {
        snprintf(out, len, "%lld 分钟", (long long)(secs / 60));
    }
}

enum mu_err mu_esc_policy_deadlines(const struct mu_plan *plan, size_t policy,
                                    int64_t reported_at, struct mu_esc_deadline **out, size_t *n,
                                    struct mu_error *err)
{
    const struct mu_plan_policy *p = &plan->policies[policy];
    *out = NULL;
    *n = 0;
    int64_t within = -1;
    int night = 0;
    size_t nteams = 0;
    if (p->assembly.present) {
        within = mu_esc_assembly_within(&p->assembly, mu_local_minutes(reported_at), &night);
        if (within >= 0)
            nteams = p->assembly.teams.n;
    }
    size_t total = p->ndeadlines + nteams;
    if (!total)
        return MU_OK;
    struct mu_esc_deadline *v = mu_calloc(total, sizeof(*v));
    if (!v)
        return mu_error_set(err, MU_ENOMEM, "out of memory");
    size_t k = 0;
    for (size_t i = 0; i < p->ndeadlines; i++, k++) {
        v[k].kind = MU_DEADLINE_REPORT;
        v[k].policy = policy;
        v[k].index = i;
        v[k].due_at = reported_at + p->deadlines[i].within * 1000;
        v[k].to = &p->deadlines[i].to;
        snprintf(v[k].name, sizeof(v[k].name), "%s", p->deadlines[i].name);
    }
    for (size_t i = 0; i < nteams; i++, k++) {
        const char *tid = p->assembly.teams.v[i].s;
        const struct mu_plan_team *t = mu_plan_team(plan, tid);
        char dur[64];
        human_duration(within, dur, sizeof(dur));
        v[k].kind = MU_DEADLINE_ASSEMBLY;
        v[k].policy = policy;
        v[k].index = i;
        v[k].due_at = reported_at + within * 1000;
        v[k].night = night;
        v[k].team = tid;
        snprintf(v[k].name, sizeof(v[k].name), "集合：%s（%s %s）", t ? t->name : tid,
                 night ? "夜间" : "日间", dur);
    }
    *out = v;
    *n = total;
    return MU_OK;
}

void mu_esc_ack_name(const struct mu_plan_policy *p, size_t step, int64_t need,
                     size_t nrecipients, char *out, size_t len)
{
    snprintf(out, len, "%s 第 %zu 步确认（%lld/%zu）", p->name ? p->name : p->id, step + 1,
             (long long)need, nrecipients);
}

int mu_esc_team_in_charge(const struct mu_plan_team *team, const char *person)
{
    if (!person)
        return 0;
    if (team->leader.s && strcmp(team->leader.s, person) == 0)
        return 1;
    for (size_t i = 0; i < team->deputies.n; i++)
        if (team->deputies.v[i].s && strcmp(team->deputies.v[i].s, person) == 0)
            return 1;
    return 0;
}
