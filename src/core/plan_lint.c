/* SPDX-License-Identifier: MIT */
/*
 * Cross-reference validation of a parsed plan: every id a plan refers to must
 * be defined (people, teams, units, incident kinds, levels, incident fields,
 * duty roles), ids must be unique within their section, and a few warnings
 * (a person listed twice in a team, a time window that is empty). The parser
 * has already checked shapes and syntax; this file only reads the model and
 * appends diagnostics. Pure: no I/O.
 */
#include "core/plan_model.h"

#include <string.h>

#include <muster/escalation.h>

#include "util/banned.h"

struct lint {
    const struct mu_plan *p;
    struct mu_diags *d;
    enum mu_err rc; /* sticky MU_ENOMEM */
};

#define LERR(l, pos, ...)                                                                  \
    do {                                                                                   \
        if (mu_diags_add((l)->d, MU_DIAG_ERROR, (pos).line, (pos).col, __VA_ARGS__))       \
            (l)->rc = MU_ENOMEM;                                                           \
    } while (0)
#define LWARN(l, pos, ...)                                                                 \
    do {                                                                                   \
        if (mu_diags_add((l)->d, MU_DIAG_WARNING, (pos).line, (pos).col, __VA_ARGS__))     \
            (l)->rc = MU_ENOMEM;                                                           \
    } while (0)

/* ---- lookups -------------------------------------------------------- */

static int has_person(const struct mu_plan *p, const char *id)
{
    return mu_plan_person(p, id) != NULL;
}

static int has_kind(const struct mu_plan *p, const char *id)
{
    for (size_t i = 0; i < p->nkinds; i++)
        if (p->kinds[i].id && strcmp(p->kinds[i].id, id) == 0)
            return 1;
    return 0;
}

static int has_level(const struct mu_plan *p, const char *id)
{
    for (size_t i = 0; i < p->nlevels; i++)
        if (p->levels[i].id && strcmp(p->levels[i].id, id) == 0)
            return 1;
    return 0;
}

static int has_role(const struct mu_plan *p, const char *role)
{
    for (size_t i = 0; i < p->duty.npools; i++)
        if (p->duty.pools[i].role && strcmp(p->duty.pools[i].role, role) == 0)
            return 1;
    return 0;
}

/* A " (did you mean 'x'?)" suffix for an undefined @p word of @p section, or "". */
static void suggest(const struct mu_plan *p, const char *section, const char *word, char *out,
                    size_t outsz)
{
    struct mu_plan_suggest s;
    mu_plan_suggest_init(&s, word);
    if (strcmp(section, "person") == 0) {
        for (size_t i = 0; i < p->npeople; i++)
            mu_plan_suggest_offer(&s, p->people[i].id);
    } else if (strcmp(section, "team") == 0) {
        for (size_t i = 0; i < p->nteams; i++)
            mu_plan_suggest_offer(&s, p->teams[i].id);
    } else if (strcmp(section, "unit") == 0) {
        for (size_t i = 0; i < p->nunits; i++)
            mu_plan_suggest_offer(&s, p->units[i].id);
    } else if (strcmp(section, "kind") == 0) {
        for (size_t i = 0; i < p->nkinds; i++)
            mu_plan_suggest_offer(&s, p->kinds[i].id);
    } else if (strcmp(section, "level") == 0) {
        for (size_t i = 0; i < p->nlevels; i++)
            mu_plan_suggest_offer(&s, p->levels[i].id);
    } else if (strcmp(section, "field") == 0) {
        for (size_t i = 0; i < p->nfields; i++)
            mu_plan_suggest_offer(&s, p->fields[i].key);
        /* A typo of a fixed `when` key lands here too ("kinds" for "kind"). */
        mu_plan_suggest_offer(&s, "kind");
        mu_plan_suggest_offer(&s, "level");
        mu_plan_suggest_offer(&s, "time");
    }
    if (s.best) {
        size_t n = strlen(s.best);
        if (n > 64)
            n = 64;
        /* Assembled by hand: core code leaves formatting to mu_diags_add. */
        const char *a = " (did you mean '", *b = "'?)";
        size_t la = strlen(a), lb = strlen(b);
        if (la + n + lb < outsz) {
            memcpy(out, a, la);
            memcpy(out + la, s.best, n);
            memcpy(out + la + n, b, lb + 1);
            return;
        }
    }
    out[0] = '\0';
}

/* ---- reference checks ------------------------------------------------ */

static void ref_person(struct lint *l, const char *what, const char *role,
                       const struct mu_plan_str *r)
{
    if (!r->s || has_person(l->p, r->s))
        return;
    char hint[96];
    suggest(l->p, "person", r->s, hint, sizeof(hint));
    LERR(l, r->pos, "%s: %s '%s' is not a defined person%s", what, role, r->s, hint);
}

static void ref_unit(struct lint *l, const char *what, const char *role,
                     const struct mu_plan_str *r)
{
    if (!r->s || mu_plan_unit(l->p, r->s))
        return;
    char hint[96];
    suggest(l->p, "unit", r->s, hint, sizeof(hint));
    LERR(l, r->pos, "%s: %s '%s' is not a defined unit%s", what, role, r->s, hint);
}

static void ref_team(struct lint *l, const char *what, const char *role,
                     const struct mu_plan_str *r)
{
    if (!r->s || mu_plan_team(l->p, r->s))
        return;
    char hint[96];
    suggest(l->p, "team", r->s, hint, sizeof(hint));
    LERR(l, r->pos, "%s: %s '%s' is not a defined team%s", what, role, r->s, hint);
}

static void ref_kind(struct lint *l, const char *what, const struct mu_plan_str *r)
{
    if (!r->s || has_kind(l->p, r->s))
        return;
    char hint[96];
    suggest(l->p, "kind", r->s, hint, sizeof(hint));
    LERR(l, r->pos, "%s: kind '%s' is not a defined incident kind%s", what, r->s, hint);
}

static void ref_level(struct lint *l, const char *what, const struct mu_plan_str *r)
{
    if (!r->s || has_level(l->p, r->s))
        return;
    char hint[96];
    suggest(l->p, "level", r->s, hint, sizeof(hint));
    LERR(l, r->pos, "%s: level '%s' is not a defined level%s", what, r->s, hint);
}

static void ref_target(struct lint *l, const char *what, const char *role,
                       const struct mu_plan_target *t)
{
    struct mu_plan_str r = {t->ref, t->pos};
    switch (t->kind) {
    case MU_TARGET_PERSON: ref_person(l, what, role, &r); break;
    case MU_TARGET_TEAM: ref_team(l, what, role, &r); break;
    case MU_TARGET_LEADER: ref_team(l, what, role, &r); break;
    case MU_TARGET_ROLE:
        if (!l->p->duty.present)
            LERR(l, t->pos, "%s: %s '%s' names a duty role but the plan has no duty section",
                 what, role, t->text);
        else if (!has_role(l->p, t->ref))
            LERR(l, t->pos, "%s: %s '%s': no duty pool has the role '%s'", what, role, t->text,
                 t->ref);
        break;
    case MU_TARGET_DUTY:
        if (!l->p->duty.present)
            LERR(l, t->pos, "%s: %s 'duty' needs a duty section in the plan", what, role);
        break;
    }
}

/* ---- duplicates ------------------------------------------------------ */

/* Ids are read through a stride so one loop serves every section. */
static void dup_ids(struct lint *l, const char *section, const void *base, size_t n,
                    size_t stride, size_t id_off, size_t pos_off)
{
    const char *b = base;
    for (size_t i = 1; i < n; i++) {
        const char *id = *(const char *const *)(b + i * stride + id_off);
        if (!id)
            continue;
        for (size_t j = 0; j < i; j++) {
            const char *other = *(const char *const *)(b + j * stride + id_off);
            if (other && strcmp(id, other) == 0) {
                const struct mu_pos *pi = (const struct mu_pos *)(b + i * stride + pos_off);
                const struct mu_pos *pj = (const struct mu_pos *)(b + j * stride + pos_off);
                LERR(l, *pi, "duplicate %s id '%s' (first defined at %d:%d)", section, id,
                     pj->line, pj->col);
                break;
            }
        }
    }
}

#define DUP(l, section, arr, n, type, idf, posf)                                           \
    dup_ids((l), (section), (arr), (n), sizeof(type), offsetof(type, idf),                 \
            offsetof(type, posf))

/* ---- sections -------------------------------------------------------- */

/* "team 'evac'" into @p out. */
static const char *label(char *out, size_t outsz, const char *section, const char *id)
{
    size_t ls = strlen(section), li = id ? strlen(id) : 0;
    if (li > 64)
        li = 64;
    if (!id || ls + li + 4 > outsz) {
        size_t n = ls < outsz - 1 ? ls : outsz - 1;
        memcpy(out, section, n);
        out[n] = '\0';
        return out;
    }
    memcpy(out, section, ls);
    out[ls] = ' ';
    out[ls + 1] = '\'';
    memcpy(out + ls + 2, id, li);
    out[ls + 2 + li] = '\'';
    out[ls + 3 + li] = '\0';
    return out;
}

static void lint_team_people(struct lint *l, const struct mu_plan_team *t, const char *what)
{
    /* Everyone named in the team in order (leader, deputies, members), to find repeats. */
    size_t n = 1 + t->deputies.n + t->members.n;
    for (size_t i = 1; i < n; i++) {
        const struct mu_plan_str *a =
            i <= t->deputies.n ? &t->deputies.v[i - 1] : &t->members.v[i - 1 - t->deputies.n];
        if (!a->s)
            continue;
        for (size_t j = 0; j < i; j++) {
            const struct mu_plan_str *b = j == 0              ? &t->leader
                                          : j <= t->deputies.n ? &t->deputies.v[j - 1]
                                                               : &t->members.v[j - 1 - t->deputies.n];
            if (b->s && strcmp(a->s, b->s) == 0) {
                LWARN(l, a->pos, "%s: '%s' is listed twice (also at %d:%d)", what, a->s,
                      b->pos.line, b->pos.col);
                break;
            }
        }
    }
}

static void lint_teams(struct lint *l)
{
    const struct mu_plan *p = l->p;
    char what[96];
    for (size_t i = 0; i < p->nteams; i++) {
        const struct mu_plan_team *t = &p->teams[i];
        label(what, sizeof(what), "team", t->id);
        ref_person(l, what, "leader", &t->leader);
        for (size_t j = 0; j < t->deputies.n; j++)
            ref_person(l, what, "deputy", &t->deputies.v[j]);
        for (size_t j = 0; j < t->members.n; j++)
            ref_person(l, what, "member", &t->members.v[j]);
        for (size_t j = 0; j < t->areas.n; j++)
            ref_unit(l, what, "area", &t->areas.v[j]);
        lint_team_people(l, t, what);
    }
}

static int window_empty(const struct mu_plan_window *w)
{
    return w->start == w->end;
}

static void lint_duty(struct lint *l)
{
    const struct mu_plan_duty *d = &l->p->duty;
    if (!d->present)
        return;
    char what[96];
    DUP(l, "duty pool", d->pools, d->npools, struct mu_plan_pool, id, id_pos);
    for (size_t i = 0; i < d->npools; i++) {
        const struct mu_plan_pool *pool = &d->pools[i];
        label(what, sizeof(what), "duty pool", pool->id);
        for (size_t j = 0; j < pool->people.n; j++)
            ref_person(l, what, "person", &pool->people.v[j]);
    }
    for (size_t i = 0; i < d->nunavailable; i++)
        ref_person(l, "duty unavailable", "person", &d->unavailable[i].person);
}

static void lint_checkins(struct lint *l)
{
    const struct mu_plan *p = l->p;
    char what[96];
    DUP(l, "checkin", p->checkins, p->ncheckins, struct mu_plan_checkin, id, id_pos);
    for (size_t i = 0; i < p->ncheckins; i++) {
        const struct mu_plan_checkin *c = &p->checkins[i];
        label(what, sizeof(what), "checkin", c->id);
        for (size_t j = 0; j < c->units.n; j++)
            ref_unit(l, what, "unit", &c->units.v[j]);
        for (size_t j = 0; j < c->nreporters; j++) {
            ref_unit(l, what, "reporter unit", &c->reporters[j].unit);
            ref_person(l, what, "reporter", &c->reporters[j].person);
        }
        for (size_t j = 0; j < c->summary_to.n; j++)
            ref_target(l, what, "summary to", &c->summary_to.v[j]);
        DUP(l, "checkin field", c->fields, c->nfields, struct mu_plan_field, key, key_pos);
    }
}

static const struct mu_plan_field *find_field(const struct mu_plan *p, const char *key)
{
    for (size_t i = 0; i < p->nfields; i++)
        if (p->fields[i].key && strcmp(p->fields[i].key, key) == 0)
            return &p->fields[i];
    return NULL;
}

static void lint_policies(struct lint *l)
{
    const struct mu_plan *p = l->p;
    char what[96], hint[96];
    DUP(l, "escalation", p->policies, p->npolicies, struct mu_plan_policy, id, id_pos);
    for (size_t i = 0; i < p->npolicies; i++) {
        const struct mu_plan_policy *e = &p->policies[i];
        label(what, sizeof(what), "escalation", e->id);
        for (size_t j = 0; j < e->kinds.n; j++)
            ref_kind(l, what, &e->kinds.v[j]);
        for (size_t j = 0; j < e->levels.n; j++)
            ref_level(l, what, &e->levels.v[j]);
        if (e->has_time && window_empty(&e->time))
            LWARN(l, e->time.pos, "%s: time window starts and ends at the same minute and can never match",
                  what);
        for (size_t j = 0; j < e->nconds; j++) {
            const struct mu_plan_cond *c = &e->conds[j];
            const struct mu_plan_field *f = find_field(p, c->field.s);
            if (!f) {
                suggest(p, "field", c->field.s, hint, sizeof(hint));
                LERR(l, c->field.pos, "%s: condition on '%s', which is not an incident field%s",
                     what, c->field.s, hint);
            } else if (f->type == MU_FIELD_TEXT) {
                LERR(l, c->pos, "%s: incident field '%s' is text and cannot be compared", what,
                     c->field.s);
            }
        }
        {
            /* Comparisons that no value satisfies (incidents/escalation). */
            char why[300];
            size_t at = 0;
            if (mu_esc_policy_never_matches(p, e, &at, why, sizeof(why)))
                LERR(l, e->conds[at].pos, "%s: condition can never match: %s", what, why);
        }
        for (size_t j = 0; j < e->nsteps; j++) {
            const struct mu_plan_step *s = &e->steps[j];
            char swhat[128];
            size_t wl = strlen(what);
            memcpy(swhat, what, wl);
            const char *suffix = ", step ";
            memcpy(swhat + wl, suffix, 7);
            size_t k = wl + 7;
            /* Step numbers are small; write them by hand. */
            char num[24];
            size_t nn = 0;
            size_t v = j + 1;
            do {
                num[nn++] = (char)('0' + v % 10);
                v /= 10;
            } while (v);
            while (nn)
                swhat[k++] = num[--nn];
            swhat[k] = '\0';
            if (s->notify.n == 0)
                LERR(l, s->pos, "%s notifies nobody", swhat);
            for (size_t t = 0; t < s->notify.n; t++)
                ref_target(l, swhat, "notify", &s->notify.v[t]);
        }
        for (size_t j = 0; j < e->ndeadlines; j++)
            ref_target(l, what, "deadline to", &e->deadlines[j].to);
        for (size_t j = 0; j < e->assembly.teams.n; j++)
            ref_team(l, what, "assembly team", &e->assembly.teams.v[j]);
        if (e->assembly.has_night_window && window_empty(&e->assembly.night_window))
            LWARN(l, e->assembly.night_window.pos,
                  "%s: assembly night_window starts and ends at the same minute", what);
    }
}

static void lint_procedures(struct lint *l)
{
    const struct mu_plan *p = l->p;
    for (size_t i = 0; i < p->nprocedures; i++) {
        const struct mu_plan_procedure *pr = &p->procedures[i];
        char what[96];
        label(what, sizeof(what), "procedure for team", pr->team.s);
        ref_team(l, "procedure", "team", &pr->team);
        for (size_t j = 0; j < pr->kinds.n; j++)
            ref_kind(l, what, &pr->kinds.v[j]);
    }
}

enum mu_err mu_plan_lint(const struct mu_plan *p, struct mu_diags *d)
{
    struct lint l = {p, d, MU_OK};
    char what[96];

    DUP(&l, "unit", p->units, p->nunits, struct mu_plan_unit, id, id_pos);
    DUP(&l, "person", p->people, p->npeople, struct mu_plan_person, id, id_pos);
    DUP(&l, "team", p->teams, p->nteams, struct mu_plan_team, id, id_pos);
    DUP(&l, "level", p->levels, p->nlevels, struct mu_plan_level, id, id_pos);
    DUP(&l, "incident kind", p->kinds, p->nkinds, struct mu_plan_kind, id, id_pos);
    DUP(&l, "incident field", p->fields, p->nfields, struct mu_plan_field, key, key_pos);

    for (size_t i = 0; i < p->nunits; i++)
        ref_person(&l, label(what, sizeof(what), "unit", p->units[i].id), "head",
                   &p->units[i].head);
    for (size_t i = 0; i < p->npeople; i++)
        ref_unit(&l, label(what, sizeof(what), "person", p->people[i].id), "unit",
                 &p->people[i].unit);
    lint_teams(&l);
    for (size_t i = 0; i < p->nlevels; i++)
        if (p->levels[i].has_lead)
            ref_target(&l, label(what, sizeof(what), "level", p->levels[i].id), "lead",
                       &p->levels[i].lead);
    lint_duty(&l);
    lint_checkins(&l);
    lint_policies(&l);
    lint_procedures(&l);
    return l.rc;
}
