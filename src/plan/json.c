/* SPDX-License-Identifier: MIT */
/*
 * The plan model as JSON (jansson), in a fixed key order so that the same
 * plan always gives the same bytes: the store keeps one per plan version.
 * Keys follow the plan format; times are "HH:MM", durations integer
 * seconds, dates "YYYY-MM-DD"; absent optional values are omitted or null.
 */
#include <muster/date.h>
#include <muster/mem.h>
#include <muster/plan.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/plan_model.h"
#include "util/banned.h"

/* Any failed allocation below makes the whole result NULL (set_new steals refs). */
struct jctx {
    int oom;
};

static void put(struct jctx *j, json_t *obj, const char *key, json_t *v)
{
    if (!v || json_object_set_new(obj, key, v))
        j->oom = 1;
}

static void push(struct jctx *j, json_t *arr, json_t *v)
{
    if (!v || json_array_append_new(arr, v))
        j->oom = 1;
}

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static void put_str(struct jctx *j, json_t *o, const char *key, const char *s)
{
    if (s)
        put(j, o, key, json_string(s));
}

static json_t *clock_json(int minutes)
{
    char b[24];
    snprintf(b, sizeof(b), "%02d:%02d", minutes / 60 % 24, minutes % 60);
    return json_string(b);
}

static json_t *window_json(const struct mu_plan_window *w)
{
    char b[48];
    snprintf(b, sizeof(b), "%02d:%02d-%02d:%02d", w->start / 60, w->start % 60, w->end / 60,
             w->end % 60);
    return json_string(b);
}

static json_t *strs_json(struct jctx *j, const struct mu_plan_strs *s)
{
    json_t *a = json_array();
    if (!a) {
        j->oom = 1;
        return NULL;
    }
    for (size_t i = 0; i < s->n; i++)
        push(j, a, json_string(s->v[i].s));
    return a;
}

static json_t *targets_json(struct jctx *j, const struct mu_plan_targets *t)
{
    json_t *a = json_array();
    if (!a) {
        j->oom = 1;
        return NULL;
    }
    for (size_t i = 0; i < t->n; i++)
        push(j, a, json_string(t->v[i].text));
    return a;
}

static const char *field_type(enum mu_field_type t)
{
    return t == MU_FIELD_COUNT ? "count" : t == MU_FIELD_NUMBER ? "number" : "text";
}

static json_t *fields_json(struct jctx *j, const struct mu_plan_field *f, size_t n, int with_max)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++) {
        json_t *o = json_object();
        if (!o) {
            j->oom = 1;
            break;
        }
        put(j, o, "key", json_string(f[i].key));
        put(j, o, "label", json_string(f[i].label));
        put(j, o, "type", json_string(field_type(f[i].type)));
        if (with_max && f[i].max)
            put(j, o, "max", json_integer(f[i].max));
        push(j, a, o);
    }
    if (!a)
        j->oom = 1;
    return a;
}

static json_t *units_json(struct jctx *j, const struct mu_plan *p)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < p->nunits; i++) {
        const struct mu_plan_unit *u = &p->units[i];
        json_t *o = json_object();
        if (!o) {
            j->oom = 1;
            break;
        }
        put(j, o, "id", json_string(u->id));
        put(j, o, "name", json_string(u->name));
        put(j, o, "head", str_or_null(u->head.s));
        put(j, o, "parent", u->parent >= 0 ? json_string(p->units[u->parent].id) : json_null());
        push(j, a, o);
    }
    if (!a)
        j->oom = 1;
    return a;
}

static json_t *people_json(struct jctx *j, const struct mu_plan *p)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < p->npeople; i++) {
        const struct mu_plan_person *pe = &p->people[i];
        json_t *o = json_object(), *ch = json_array();
        if (!o || !ch) {
            json_decref(o);
            json_decref(ch);
            j->oom = 1;
            break;
        }
        put(j, o, "id", json_string(pe->id));
        put(j, o, "name", json_string(pe->name));
        put(j, o, "title", str_or_null(pe->title));
        put(j, o, "phone", str_or_null(pe->phone));
        put(j, o, "unit", str_or_null(pe->unit.s));
        for (size_t k = 0; k < pe->nchannels; k++) {
            json_t *c = json_object();
            if (!c) {
                j->oom = 1;
                break;
            }
            put(j, c, "type", json_string(pe->channels[k].type_name));
            put(j, c, "to", json_string(pe->channels[k].to));
            push(j, ch, c);
        }
        put(j, o, "channels", ch);
        push(j, a, o);
    }
    if (!a)
        j->oom = 1;
    return a;
}

static json_t *teams_json(struct jctx *j, const struct mu_plan *p)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < p->nteams; i++) {
        const struct mu_plan_team *t = &p->teams[i];
        json_t *o = json_object();
        if (!o) {
            j->oom = 1;
            break;
        }
        put(j, o, "id", json_string(t->id));
        put(j, o, "name", json_string(t->name));
        put(j, o, "leader", json_string(t->leader.s));
        put(j, o, "deputies", strs_json(j, &t->deputies));
        put(j, o, "members", strs_json(j, &t->members));
        put(j, o, "duties", strs_json(j, &t->duties));
        put(j, o, "areas", strs_json(j, &t->areas));
        push(j, a, o);
    }
    if (!a)
        j->oom = 1;
    return a;
}

static json_t *levels_json(struct jctx *j, const struct mu_plan *p)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < p->nlevels; i++) {
        const struct mu_plan_level *l = &p->levels[i];
        json_t *o = json_object();
        if (!o) {
            j->oom = 1;
            break;
        }
        put(j, o, "id", json_string(l->id));
        put(j, o, "name", json_string(l->name));
        put(j, o, "description", str_or_null(l->description));
        put(j, o, "lead", l->has_lead ? json_string(l->lead.text) : json_null());
        push(j, a, o);
    }
    if (!a)
        j->oom = 1;
    return a;
}

static json_t *incidents_json(struct jctx *j, const struct mu_plan *p)
{
    json_t *o = json_object(), *k = json_array();
    if (!o || !k) {
        json_decref(o);
        json_decref(k);
        j->oom = 1;
        return NULL;
    }
    for (size_t i = 0; i < p->nkinds; i++) {
        json_t *kk = json_object();
        if (!kk) {
            j->oom = 1;
            break;
        }
        put(j, kk, "id", json_string(p->kinds[i].id));
        put(j, kk, "name", json_string(p->kinds[i].name));
        push(j, k, kk);
    }
    put(j, o, "kinds", k);
    put(j, o, "fields", fields_json(j, p->fields, p->nfields, 0));
    return o;
}

static json_t *date_json(int32_t day)
{
    char b[11];
    mu_date_format(day, b);
    return json_string(b);
}

static json_t *duty_json(struct jctx *j, const struct mu_plan_duty *d)
{
    if (!d->present)
        return json_null();
    json_t *o = json_object(), *pools = json_array(), *un = json_array(), *rest = json_object();
    if (!o || !pools || !un || !rest) {
        json_decref(o);
        json_decref(pools);
        json_decref(un);
        json_decref(rest);
        j->oom = 1;
        return NULL;
    }
    put(j, o, "pattern", json_string(d->pattern == MU_DUTY_24H ? "24h" : "day-night"));
    put(j, o, "start", clock_json(d->start));
    put(j, o, "night_start", d->night_start >= 0 ? clock_json(d->night_start) : json_null());
    for (size_t i = 0; i < d->npools; i++) {
        json_t *po = json_object();
        if (!po) {
            j->oom = 1;
            break;
        }
        put(j, po, "id", json_string(d->pools[i].id));
        put(j, po, "role", json_string(d->pools[i].role));
        put(j, po, "people", strs_json(j, &d->pools[i].people));
        put(j, po, "per_shift", json_integer(d->pools[i].per_shift));
        push(j, pools, po);
    }
    put(j, o, "pools", pools);
    put(j, o, "reminder_before", json_integer(d->reminder_before));
    put(j, rest, "no_consecutive_nights", json_boolean(d->no_consecutive_nights));
    put(j, o, "rest", rest);
    for (size_t i = 0; i < d->nunavailable; i++) {
        json_t *uo = json_object();
        if (!uo) {
            j->oom = 1;
            break;
        }
        put(j, uo, "person", json_string(d->unavailable[i].person.s));
        put(j, uo, "from", date_json(d->unavailable[i].from));
        put(j, uo, "to", date_json(d->unavailable[i].to));
        put(j, uo, "reason", str_or_null(d->unavailable[i].reason));
        push(j, un, uo);
    }
    put(j, o, "unavailable", un);
    return o;
}

static json_t *checkins_json(struct jctx *j, const struct mu_plan *p)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < p->ncheckins; i++) {
        const struct mu_plan_checkin *c = &p->checkins[i];
        json_t *o = json_object(), *times = json_array(), *reps = json_array();
        if (!o || !times || !reps) {
            json_decref(o);
            json_decref(times);
            json_decref(reps);
            j->oom = 1;
            break;
        }
        put(j, o, "id", json_string(c->id));
        put(j, o, "name", json_string(c->name));
        put(j, o, "units", c->all_units ? json_string("all") : strs_json(j, &c->units));
        for (size_t k = 0; k < c->ntimes; k++)
            push(j, times, clock_json(c->times[k].minutes));
        put(j, o, "times", times);
        put(j, o, "days", json_string(c->days == MU_DAYS_WORKDAYS ? "workdays" : "everyday"));
        put(j, o, "grace", json_integer(c->grace));
        put(j, o, "fields", fields_json(j, c->fields, c->nfields, 1));
        for (size_t k = 0; k < c->nreporters; k++) {
            json_t *r = json_object();
            if (!r) {
                j->oom = 1;
                break;
            }
            put(j, r, "unit", json_string(c->reporters[k].unit.s));
            put(j, r, "person", json_string(c->reporters[k].person.s));
            push(j, reps, r);
        }
        put(j, o, "reporters", reps);
        if (c->has_summary) {
            json_t *s = json_object();
            if (s) {
                put(j, s, "at", clock_json(c->summary_at));
                put(j, s, "to", targets_json(j, &c->summary_to));
            }
            put(j, o, "summary", s);
        } else {
            put(j, o, "summary", json_null());
        }
        push(j, a, o);
    }
    if (!a)
        j->oom = 1;
    return a;
}

static json_t *policy_json(struct jctx *j, const struct mu_plan_policy *e)
{
    json_t *o = json_object(), *when = json_object(), *steps = json_array(),
           *dls = json_array();
    if (!o || !when || !steps || !dls) {
        json_decref(o);
        json_decref(when);
        json_decref(steps);
        json_decref(dls);
        j->oom = 1;
        return NULL;
    }
    put(j, o, "id", json_string(e->id));
    put(j, o, "name", str_or_null(e->name));
    if (e->kinds.n)
        put(j, when, "kind", strs_json(j, &e->kinds));
    if (e->levels.n)
        put(j, when, "level", strs_json(j, &e->levels));
    if (e->has_time)
        put(j, when, "time", window_json(&e->time));
    for (size_t k = 0; k < e->nconds; k++) {
        char b[64];
        snprintf(b, sizeof(b), "%s %.15g", mu_plan_op_text(e->conds[k].op), e->conds[k].value);
        put(j, when, e->conds[k].field.s, json_string(b));
    }
    put(j, o, "when", when);
    for (size_t k = 0; k < e->nsteps; k++) {
        const struct mu_plan_step *s = &e->steps[k];
        json_t *so = json_object();
        if (!so) {
            j->oom = 1;
            break;
        }
        put(j, so, "notify", targets_json(j, &s->notify));
        put(j, so, "ack_within", s->ack_within >= 0 ? json_integer(s->ack_within) : json_null());
        put(j, so, "ack_count", json_integer(s->ack_count));
        put(j, so, "channel", str_or_null(s->channel));
        push(j, steps, so);
    }
    put(j, o, "steps", steps);
    for (size_t k = 0; k < e->ndeadlines; k++) {
        json_t *d = json_object();
        if (!d) {
            j->oom = 1;
            break;
        }
        put(j, d, "name", json_string(e->deadlines[k].name));
        put(j, d, "to", json_string(e->deadlines[k].to.text));
        put(j, d, "within", json_integer(e->deadlines[k].within));
        push(j, dls, d);
    }
    put(j, o, "deadlines", dls);
    if (e->assembly.present) {
        const struct mu_plan_assembly *as = &e->assembly;
        json_t *ao = json_object();
        if (ao) {
            put(j, ao, "day", as->day >= 0 ? json_integer(as->day) : json_null());
            put(j, ao, "night", as->night >= 0 ? json_integer(as->night) : json_null());
            put(j, ao, "night_window",
                as->has_night_window ? window_json(&as->night_window) : json_null());
            put(j, ao, "teams", strs_json(j, &as->teams));
        }
        put(j, o, "assembly", ao);
    } else {
        put(j, o, "assembly", json_null());
    }
    return o;
}

static json_t *procedures_json(struct jctx *j, const struct mu_plan *p)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < p->nprocedures; i++) {
        const struct mu_plan_procedure *pr = &p->procedures[i];
        json_t *o = json_object();
        if (!o) {
            j->oom = 1;
            break;
        }
        put(j, o, "team", json_string(pr->team.s));
        put(j, o, "kinds", strs_json(j, &pr->kinds));
        put(j, o, "tasks", strs_json(j, &pr->tasks));
        push(j, a, o);
    }
    if (!a)
        j->oom = 1;
    return a;
}

char *mu_plan_to_json(const struct mu_plan *p)
{
    struct jctx j = {0};
    json_t *root = json_object();
    if (!root)
        return NULL;
    put(&j, root, "muster", json_integer(p->version));
    put(&j, root, "id", json_string(p->id));
    put(&j, root, "title", json_string(p->title));
    json_t *org = json_object();
    if (org) {
        put(&j, org, "name", json_string(p->org.name));
        put(&j, org, "timezone", json_string(p->org.timezone));
        put_str(&j, org, "phone", p->org.phone);
        put_str(&j, org, "address", p->org.address);
        put_str(&j, org, "higher_authority", p->org.higher_authority);
    }
    put(&j, root, "org", org);
    put(&j, root, "units", units_json(&j, p));
    put(&j, root, "people", people_json(&j, p));
    put(&j, root, "teams", teams_json(&j, p));
    put(&j, root, "levels", levels_json(&j, p));
    put(&j, root, "incidents", incidents_json(&j, p));
    put(&j, root, "duty", duty_json(&j, &p->duty));
    put(&j, root, "checkins", checkins_json(&j, p));
    json_t *pol = json_array();
    for (size_t i = 0; pol && i < p->npolicies; i++)
        push(&j, pol, policy_json(&j, &p->policies[i]));
    put(&j, root, "escalation", pol);
    put(&j, root, "procedures", procedures_json(&j, p));
    put(&j, root, "termination", strs_json(&j, &p->termination));
    put(&j, root, "body", json_stringn(p->body ? p->body : "", p->body_len));
    char *out = NULL;
    if (!j.oom) {
        char *s = json_dumps(root, JSON_PRESERVE_ORDER | JSON_INDENT(2));
        if (s) {
            out = mu_strdup(s);
            free(s); /* jansson allocates with malloc */
        }
    }
    json_decref(root);
    return out;
}
