/* SPDX-License-Identifier: MIT */
/*
 * The replay of a simulated drill: a private in-memory SQLite database, the
 * plan loaded into it, its duty roster generated and published around the
 * drill (the scenario's `duty` overrides who holds a role), the incident
 * opened at `start`, and then a loop on a virtual clock: apply the
 * responses that are due (acknowledgements and arrivals a set time after a
 * person's first message), run the real timer engine at that instant, look
 * at the messages it sent to schedule their responses, and jump to the next
 * instant something happens, until `until`. Messages stay in the outbox;
 * nothing is delivered. The timeline and the verdict of every deadline come
 * out as text and as JSON.
 */
#include <muster/drill.h>

#include <inttypes.h>
#include <jansson.h>
#include <stdarg.h>
#include <muster/app.h>
#include <muster/date.h>
#include <muster/engine.h>
#include <muster/mem.h>
#include <muster/roster.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/banned.h"

#define MAX_ROUNDS 100000 /* a guard against a scenario that never ends */

void mu_drill_result_release(struct mu_drill_result *r)
{
    if (!r)
        return;
    mu_free(r->text);
    mu_free(r->json);
    memset(r, 0, sizeof(*r));
}

static int64_t virtual_now(void *ctx)
{
    return *(const int64_t *)ctx;
}

enum what { DO_ACK, DO_ARRIVE, DO_ACTIVATE };

struct pending {
    int64_t at;
    enum what what;
    const char *person; /* borrowed from the plan or the scenario */
    size_t order;       /* ties keep the order of scheduling */
};

struct run {
    struct mu_store *s;
    struct mu_plan *plan;
    const struct mu_scenario *sc;
    int64_t now, end, id;
    struct pending *q;
    size_t nq, capq, order;
    const char **seen; /* people already scheduled (borrowed) */
    size_t nseen, capseen;
    int64_t last_seq; /* events looked at so far */
};

static enum mu_err push(struct run *r, int64_t at, enum what w, const char *person,
                        struct mu_error *err)
{
    if (r->nq == r->capq) {
        size_t cap = r->capq ? r->capq * 2 : 64;
        struct pending *q = mu_realloc(r->q, cap * sizeof(*q));
        if (!q)
            return mu_error_set(err, MU_ENOMEM, "out of memory");
        r->q = q;
        r->capq = cap;
    }
    r->q[r->nq++] = (struct pending){at, w, person, r->order++};
    return MU_OK;
}

static int in_a_team(const struct mu_plan *plan, const char *person)
{
    for (size_t i = 0; i < plan->nteams; i++) {
        const struct mu_plan_team *t = &plan->teams[i];
        if (t->leader.s && strcmp(t->leader.s, person) == 0)
            return 1;
        for (size_t k = 0; k < t->deputies.n; k++)
            if (strcmp(t->deputies.v[k].s, person) == 0)
                return 1;
        for (size_t k = 0; k < t->members.n; k++)
            if (strcmp(t->members.v[k].s, person) == 0)
                return 1;
    }
    return 0;
}

/* Schedule the responses of everyone messaged for the first time since the last look. */
static enum mu_err schedule(struct run *r, struct mu_error *err)
{
    struct mu_incident_event *ev = NULL;
    size_t n = 0;
    enum mu_err rc = mu_store_incident_events(r->s, r->id, &ev, &n, err);
    for (size_t i = 0; rc == MU_OK && i < n; i++) {
        if (ev[i].seq <= r->last_seq || strcmp(ev[i].kind, "notify.sent") != 0)
            continue;
        const struct mu_plan_person *p = mu_plan_person(r->plan, ev[i].person);
        const char *person = p ? p->id : NULL;
        int seen = !person;
        for (size_t k = 0; k < r->nseen && !seen; k++)
            seen = strcmp(r->seen[k], person) == 0;
        if (seen)
            continue;
        if (r->nseen == r->capseen) {
            size_t cap = r->capseen ? r->capseen * 2 : 64;
            const char **v = mu_realloc(r->seen, cap * sizeof(*v));
            if (!v) {
                rc = mu_error_set(err, MU_ENOMEM, "out of memory");
                break;
            }
            r->seen = v;
            r->capseen = cap;
        }
        r->seen[r->nseen++] = person;
        const struct mu_scenario_response *resp = mu_scenario_response_of(r->sc, person);
        if (resp->none)
            continue;
        if (resp->ack_after >= 0)
            rc = push(r, ev[i].at + resp->ack_after * 1000, DO_ACK, person, err);
        /* Only responders come on site: a higher authority's duty desk does not. */
        if (rc == MU_OK && resp->arrive_after >= 0 && in_a_team(r->plan, person))
            rc = push(r, ev[i].at + resp->arrive_after * 1000, DO_ARRIVE, person, err);
    }
    for (size_t i = 0; i < n; i++)
        if (ev[i].seq > r->last_seq)
            r->last_seq = ev[i].seq;
    mu_incident_events_free(ev, n);
    return rc;
}

/* The earliest pending response, or -1. */
static long first_due(const struct run *r)
{
    long best = -1;
    for (size_t i = 0; i < r->nq; i++)
        if (best < 0 || r->q[i].at < r->q[best].at ||
            (r->q[i].at == r->q[best].at && r->q[i].order < r->q[best].order))
            best = (long)i;
    return best;
}

static enum mu_err apply_due(struct run *r, struct mu_error *err)
{
    enum mu_err rc = MU_OK;
    for (long i; rc == MU_OK && (i = first_due(r)) >= 0 && r->q[i].at <= r->now;) {
        struct pending p = r->q[i];
        r->q[i] = r->q[--r->nq];
        struct mu_actor actor = {.name = "drill", .now_ms = r->now};
        if (p.what == DO_ACK)
            rc = mu_app_incident_ack(r->s, &actor, r->id, p.person, p.at, NULL, err);
        else if (p.what == DO_ARRIVE)
            rc = mu_app_incident_arrive(r->s, &actor, r->id, p.person, p.at, err);
        else
            rc = mu_app_incident_activate(r->s, &actor, r->id, p.person, p.at, NULL, err);
    }
    return rc;
}

/* ---------------------------------------------------------------- checks */

static enum mu_err diag(struct mu_diags *d, struct mu_pos pos, const char *fmt, ...)
    MU_PRINTF(3, 4);

static enum mu_err diag(struct mu_diags *d, struct mu_pos pos, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    enum mu_err rc = mu_diags_addv(d, MU_DIAG_ERROR, pos.line ? pos.line : 1,
                                   pos.col ? pos.col : 1, fmt, ap);
    va_end(ap);
    return rc;
}

static int has_role(const struct mu_plan *plan, const char *role)
{
    for (size_t i = 0; plan->duty.present && i < plan->duty.npools; i++)
        if (strcmp(plan->duty.pools[i].role, role) == 0)
            return 1;
    return 0;
}

/* The scenario against the plan: every problem into @p d. */
static enum mu_err check_scenario(const struct mu_scenario *sc, const struct mu_plan *plan,
                                  struct mu_diags *d, struct mu_error *err)
{
    size_t before = d->nerrors;
    struct mu_error e = {0};
    enum mu_err rc = MU_OK;
    for (size_t i = 0; rc == MU_OK && i < sc->nresponses; i++)
        if (!mu_plan_person(plan, sc->responses[i].person))
            rc = mu_diags_add(d, MU_DIAG_ERROR, sc->responses[i].pos.line,
                              sc->responses[i].pos.col, "no person '%s' in plan '%s'",
                              sc->responses[i].person, plan->id);
    for (size_t i = 0; rc == MU_OK && i < sc->nduty; i++) {
        if (!has_role(plan, sc->duty[i].role))
            rc = diag(d, sc->duty[i].pos, "no duty role '%s' in the plan's duty pools",
                      sc->duty[i].role);
        else if (sc->duty[i].person && !mu_plan_person(plan, sc->duty[i].person))
            rc = diag(d, sc->duty[i].pos, "no person '%s' in the plan", sc->duty[i].person);
    }
    if (rc == MU_OK && sc->has_activate && sc->activate_by &&
        !mu_plan_person(plan, sc->activate_by))
        rc = diag(d, sc->activate_pos, "no person '%s' in the plan", sc->activate_by);
    if (rc == MU_OK &&
        mu_incident_check(plan, sc->kind, sc->level, sc->fields, sc->nfields, NULL, &e)) {
        struct mu_pos pos = sc->fields_pos;
        if (strcmp(e.field, "kinds") == 0 || strcmp(e.field, "kind") == 0)
            pos = sc->kind_pos;
        else if (strcmp(e.field, "levels") == 0 || strcmp(e.field, "level") == 0)
            pos = sc->level_pos.line ? sc->level_pos : sc->kind_pos;
        rc = diag(d, pos, "%s", e.msg);
    }
    if (rc)
        return mu_error_set(err, MU_ENOMEM, "out of memory");
    if (d->nerrors > before)
        return mu_error_set(err, MU_EINVAL, "the scenario does not fit plan '%s'", plan->id);
    return MU_OK;
}

/* Generate and publish the roster around the drill, then the scenario's overrides. */
static enum mu_err roster(struct run *r, const struct mu_calendar *cal, struct mu_error *err)
{
    struct mu_actor actor = {.name = "drill", .now_ms = r->sc->start};
    int32_t from = mu_local_day(r->sc->start, NULL) - 1, to = mu_local_day(r->end, NULL) + 1;
    if (!r->plan->duty.present)
        return MU_OK;
    enum mu_err rc = mu_app_roster_generate(r->s, &actor, r->plan->id, cal, from, to,
                                            MU_ROSTER_PUBLISH, NULL, err);
    if (rc || !r->sc->nduty)
        return rc;
    struct mu_shift_filter f = {.plan_id = r->plan->id, .from_ms = r->sc->start, .to_ms = r->end};
    struct mu_shift *v = NULL;
    size_t n = 0;
    if ((rc = mu_store_shift_list(r->s, &f, &v, &n, err)))
        return rc;
    for (size_t i = 0; rc == MU_OK && i < n; i++)
        for (size_t k = 0; rc == MU_OK && k < r->sc->nduty; k++)
            if (strcmp(v[i].role, r->sc->duty[k].role) == 0 && v[i].slot == 0 &&
                strcmp(v[i].person, r->sc->duty[k].person) != 0)
                rc = mu_app_roster_override(r->s, &actor, v[i].id, r->sc->duty[k].person,
                                            "drill scenario", err);
    mu_shifts_free(v, n);
    return rc;
}

/* ---------------------------------------------------------------- output */

static enum mu_err output(struct run *r, const struct mu_plan_load_result *pl,
                          struct mu_drill_result *out, struct mu_error *err)
{
    struct mu_incident_event *ev = NULL;
    struct mu_incident_deadline *dl = NULL;
    size_t nev = 0, ndl = 0;
    enum mu_err rc = mu_store_incident_events(r->s, r->id, &ev, &nev, err);
    if (rc == MU_OK)
        rc = mu_store_incident_deadlines(r->s, r->id, &dl, &ndl, err);
    if (rc)
        goto out;
    struct mu_buf b;
    char t[26], e[26];
    json_t *root = json_object(), *tl = json_array(), *ds = json_array();
    json_object_set_new(root, "timeline", tl);
    json_object_set_new(root, "deadlines", ds);
    mu_buf_init(&b, 64u << 20);
    mu_local_format(r->sc->start, t);
    mu_local_format(r->end, e);
    mu_buf_printf(&b, "drill: plan '%s' version %d: %s%s%s at %s\n", pl->id, pl->version,
                  r->sc->kind, r->sc->level ? " " : "", r->sc->level ? r->sc->level : "",
                  r->sc->place);
    mu_buf_printf(&b, "from %s to %s (virtual clock; messages recorded, not sent)\n\n", t, e);
    for (size_t i = 0; i < nev; i++) {
        json_t *o = json_object();
        struct mu_buf x;
        mu_buf_init(&x, 8000);
        mu_buf_printf(&x, "%s%s%s", ev[i].kind, *ev[i].text ? " " : "", ev[i].text);
        mu_local_format(ev[i].at, t);
        json_object_set_new(o, "at", json_string(t));
        json_object_set_new(o, "event", json_string(x.ptr ? x.ptr : ev[i].kind));
        json_object_set_new(o, "person", *ev[i].person ? json_string(ev[i].person) : json_null());
        json_object_set_new(o, "channel",
                            *ev[i].channel ? json_string(ev[i].channel) : json_null());
        json_array_append_new(tl, o);
        mu_buf_release(&x);
        mu_buf_printf(&b, "%.8s  %-16s", t + 11, ev[i].kind);
        if (*ev[i].person)
            mu_buf_printf(&b, " %s", ev[i].person);
        if (*ev[i].channel)
            mu_buf_printf(&b, " [%s]", ev[i].channel);
        mu_buf_printf(&b, "  %s\n", ev[i].text);
    }
    mu_buf_printf(&b, "\ndeadlines:\n");
    size_t missed = 0;
    for (size_t i = 0; i < ndl; i++) {
        json_t *o = json_object();
        int met = dl[i].state == MU_DL_MET;
        int late = dl[i].state == MU_DL_MISSED && dl[i].met_at;
        int64_t late_s = late ? (dl[i].met_at - dl[i].due_at) / 1000 : 0;
        missed += !met;
        mu_local_format(dl[i].due_at, t);
        json_object_set_new(o, "name", json_string(dl[i].name));
        json_object_set_new(o, "due_at", json_string(t));
        json_object_set_new(o, "met", json_boolean(met));
        json_object_set_new(o, "late_by_s", late ? json_integer(late_s) : json_null());
        json_array_append_new(ds, o);
        mu_buf_printf(&b, "  %-7s %.8s  %s", met ? "met" : dl[i].state == MU_DL_MISSED ? "MISSED"
                                                                                      : "PENDING",
                      t + 11, dl[i].name);
        if (late)
            mu_buf_printf(&b, " (late by %" PRId64 " s)", late_s);
        else if (dl[i].state == MU_DL_MISSED)
            mu_buf_printf(&b, " (never met)");
        mu_buf_printf(&b, "\n");
    }
    mu_buf_printf(&b, "\nverdict: %s (%zu of %zu deadlines missed)\n",
                  missed ? "deadlines missed" : "all deadlines met", missed, ndl);
    char *dump = json_dumps(root, JSON_PRESERVE_ORDER | JSON_INDENT(2));
    json_decref(root);
    if (dump && b.ptr) {
        size_t len = strlen(dump);
        out->json = mu_malloc(len + 2);
        if (out->json) {
            memcpy(out->json, dump, len);
            memcpy(out->json + len, "\n", 2);
        }
        out->text = mu_buf_detach(&b);
    }
    free(dump);
    mu_buf_release(&b);
    if (!out->json || !out->text) {
        mu_drill_result_release(out);
        rc = mu_error_set(err, MU_ENOMEM, "out of memory");
    }
    out->deadlines = ndl;
    out->missed = missed;
out:
    mu_incident_events_free(ev, nev);
    mu_incident_deadlines_free(dl, ndl);
    return rc;
}

/* ---------------------------------------------------------------- the run */

enum mu_err mu_app_drill_run(const char *plan_src, size_t plan_len, const struct mu_scenario *sc,
                             const struct mu_calendar *cal, struct mu_diags *plan_diags,
                             struct mu_diags *sc_diags, struct mu_drill_result *out,
                             struct mu_error *err)
{
    struct run r = {.sc = sc, .now = sc->start, .end = sc->start + sc->until * 1000};
    struct mu_plan_load_result pl;
    struct mu_clock clock = {virtual_now, &r.now};
    struct mu_actor actor = {.name = "drill", .now_ms = sc->start};
    struct mu_diags own;
    memset(out, 0, sizeof(*out));
    mu_diags_init(&own);
    enum mu_err rc = mu_plan_parse(plan_src, plan_len, &r.plan, plan_diags, err);
    if (rc == MU_OK)
        rc = check_scenario(sc, r.plan, sc_diags ? sc_diags : &own, err);
    if (rc == MU_OK)
        rc = mu_store_open("sqlite::memory:", &r.s, err);
    if (rc == MU_OK)
        rc = mu_app_plan_load(r.s, &actor, plan_src, plan_len, NULL, &pl, err);
    if (rc == MU_OK)
        rc = roster(&r, cal, err);
    if (rc == MU_OK) {
        struct mu_incident_open_in in = {.plan_id = pl.id,
                                         .kind = sc->kind,
                                         .level = sc->level,
                                         .place = sc->place,
                                         .reporter = sc->reporter,
                                         .fields = sc->fields,
                                         .nfields = sc->nfields,
                                         .reported_at = sc->start};
        rc = mu_app_incident_open(r.s, &actor, &in, &r.id, err);
    }
    if (rc == MU_OK && sc->has_activate)
        rc = push(&r, sc->start + sc->activate_after * 1000, DO_ACTIVATE,
                  mu_plan_person(r.plan, sc->activate_by)->id, err);
    for (int round = 0; rc == MU_OK; round++) {
        if (round >= MAX_ROUNDS) {
            rc = mu_error_set(err, MU_ELIMIT, "the drill did not settle after %d rounds",
                              MAX_ROUNDS);
            break;
        }
        if ((rc = apply_due(&r, err)))
            break;
        if ((rc = mu_engine_run_due(r.s, &clock, 0, NULL, err)))
            break;
        if ((rc = schedule(&r, err)))
            break;
        int64_t next = -1;
        long q = first_due(&r);
        if ((rc = mu_engine_next_due(r.s, &next, err)))
            break;
        if (q >= 0 && (next < 0 || r.q[q].at < next))
            next = r.q[q].at;
        if (next < 0 || next > r.end)
            break;
        if (next > r.now)
            r.now = next;
    }
    if (rc == MU_OK)
        rc = output(&r, &pl, out, err);
    mu_free(r.q);
    mu_free(r.seen);
    mu_store_close(r.s);
    mu_plan_free(r.plan);
    mu_diags_release(&own);
    return rc;
}
