/* SPDX-License-Identifier: MIT */
/*
 * Incident use cases: open (checked against the plan version it is opened
 * under, which the incident keeps), acknowledge, note, status, activate
 * (teams alerted, procedures become tasks), task done, arrive, close
 * (termination criteria), reopen, attach, and the text and JSON views. Each
 * runs in one transaction that locks the incident row first, so that it
 * never interleaves with the engine's effects on the same incident. The
 * escalation itself (the engine's timers) is in incident_escalate.c.
 */
#include "app/incident_int.h"

#include <inttypes.h>
#include <jansson.h>
#include <muster/date.h>
#include <muster/engine.h>
#include <muster/mem.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/banned.h"

#define OUT_MAX (64u * 1024 * 1024)

static enum mu_err nomem(struct mu_error *err)
{
    return mu_error_set(err, MU_ENOMEM, "out of memory");
}

static int64_t when(const struct mu_actor *actor, int64_t at)
{
    return at ? at : actor->now_ms;
}

static enum mu_err need_person(const struct inc *c, const char *person, const char *what,
                               struct mu_error *err)
{
    if (!person || !*person)
        return mu_error_field(err, MU_EINVAL, what, "no person given (%s)", what);
    if (!mu_plan_person(c->plan, person))
        return mu_error_field(err, MU_EINVAL, what, "no person '%s' in plan '%s'", person,
                              c->row.plan_id);
    return MU_OK;
}

/* Begin, lock and load the incident; on error nothing is left open. */
static enum mu_err begin_load(struct mu_store *s, int64_t id, struct inc *c, struct mu_error *err)
{
    enum mu_err rc = mu_store_begin(s, err);
    if (rc)
        return rc;
    rc = inc_load(s, id, 1, c, err);
    if (rc)
        mu_store_rollback(s);
    return rc;
}

static enum mu_err finish(struct mu_store *s, struct inc *c, enum mu_err rc, struct mu_error *err)
{
    if (rc == MU_OK)
        rc = mu_store_commit(s, err);
    else
        mu_store_rollback(s);
    inc_release(c);
    if (rc == MU_OK)
        mu_engine_wake();
    return rc;
}

static enum mu_err set_state(struct mu_store *s, const struct mu_actor *actor, struct inc *c,
                             enum mu_incident_state to, int64_t at, struct mu_error *err)
{
    char text[200], summary[100];
    struct mu_incident_update u = {.has_state = 1, .state = to};
    snprintf(summary, sizeof(summary), "%s -> %s", mu_incident_state_name(c->row.state),
             mu_incident_state_name(to));
    enum mu_err rc = mu_store_incident_update(s, actor, c->row.id, &u, summary, err);
    snprintf(text, sizeof(text), "状态：%s → %s", mu_incident_state_label(c->row.state),
             mu_incident_state_label(to));
    if (rc == MU_OK)
        rc = inc_event(s, actor, c->row.id, at, "status", NULL, NULL, text, err);
    if (rc == MU_OK)
        c->row.state = to;
    return rc;
}

/* ---------------------------------------------------------------- open */

enum mu_err mu_app_incident_open(struct mu_store *s, const struct mu_actor *actor,
                                 const struct mu_incident_open_in *in, int64_t *id,
                                 struct mu_error *err)
{
    struct mu_plan_record rec = {0};
    struct mu_plan *plan = NULL;
    char *fields = NULL;
    int64_t new_id = 0;
    enum mu_err rc;
    if (!in->plan_id || !*in->plan_id)
        return mu_error_field(err, MU_EINVAL, "plan", "no plan given");
    if (!in->place || !*in->place)
        return mu_error_field(err, MU_EINVAL, "place", "no place given");
    if (strlen(in->place) > MU_INCIDENT_MAX_TEXT)
        return mu_error_field(err, MU_EINVAL, "place", "place is longer than %d bytes",
                              MU_INCIDENT_MAX_TEXT);
    rc = mu_store_plan_get(s, in->plan_id, 0, &rec, err);
    if (rc == MU_OK) {
        rc = mu_plan_parse(rec.source, strlen(rec.source), &plan, NULL, err);
        if (rc && rc != MU_ENOMEM)
            rc = mu_error_set(err, MU_EINTERNAL, "stored plan '%s' no longer parses",
                              in->plan_id);
    }
    if (rc == MU_OK)
        rc = mu_incident_check(plan, in->kind, in->level, in->fields, in->nfields, &fields, err);
    if (rc)
        goto out;
    int64_t reported = in->reported_at ? in->reported_at : actor->now_ms;
    struct mu_incident_new n = {.plan_id = rec.id,
                                .plan_version = rec.version,
                                .kind = in->kind,
                                .level = in->level,
                                .place = in->place,
                                .reporter = in->reporter && *in->reporter ? in->reporter
                                                                          : actor->name,
                                .fields_json = fields,
                                .occurred_at = in->occurred_at ? in->occurred_at : reported,
                                .reported_at = reported};
    if ((rc = mu_store_begin(s, err)))
        goto out;
    rc = mu_store_incident_insert(s, actor, &n, &new_id, err);
    if (rc == MU_OK) {
        char text[MU_INCIDENT_MAX_TEXT + 400], occ[17], ref[48];
        inc_hm(n.occurred_at, occ);
        snprintf(text, sizeof(text), "接报：%s%s%s%s，地点 %s，发生于 %s，报告人 %s（预案 %s 第 %d 版）",
                 inc_kind_name(plan, in->kind), in->level && *in->level ? "（" : "",
                 in->level && *in->level ? inc_level_name(plan, in->level) : "",
                 in->level && *in->level ? "）" : "", in->place, occ,
                 inc_person_name(plan, n.reporter), rec.id, rec.version);
        rc = inc_event(s, actor, new_id, reported, "opened", n.reporter, NULL, text, err);
        snprintf(ref, sizeof(ref), "incident:%" PRId64, new_id);
        if (rc == MU_OK)
            rc = mu_store_timer_arm(s, reported, "incident.open", ref, "", NULL, err);
    }
    if (rc == MU_OK)
        rc = mu_store_commit(s, err);
    else
        mu_store_rollback(s);
    if (rc == MU_OK) {
        mu_engine_wake();
        if (id)
            *id = new_id;
    }
out:
    mu_free(fields);
    mu_plan_free(plan);
    mu_plan_record_release(&rec);
    return rc;
}

/* ---------------------------------------------------------------- ack, arrive */

enum mu_err mu_app_incident_ack(struct mu_store *s, const struct mu_actor *actor, int64_t id,
                                const char *person, int64_t at, int *first, struct mu_error *err)
{
    struct inc c;
    int is_first = 0;
    int64_t *dls = NULL;
    size_t ndl = 0;
    at = when(actor, at);
    if (first)
        *first = 0;
    enum mu_err rc = begin_load(s, id, &c, err);
    if (rc)
        return rc;
    if ((rc = need_person(&c, person, "by", err)))
        return finish(s, &c, rc, err);
    rc = mu_store_incident_ack(s, actor, id, person, at, &is_first, err);
    if (rc || !is_first)
        return finish(s, &c, rc, err);
    rc = inc_event(s, actor, id, at, "ack", person, NULL, "确认收到", err);
    if (rc == MU_OK && c.row.state == MU_INCIDENT_REPORTED)
        rc = set_state(s, actor, &c, MU_INCIDENT_ACKNOWLEDGED, at, err);
    if (rc == MU_OK && c.row.state != MU_INCIDENT_CLOSED)
        rc = mu_store_incident_deadlines_for(s, id, person, &dls, &ndl, err);
    for (size_t i = 0; rc == MU_OK && i < ndl; i++) {
        struct mu_incident_deadline d = {0};
        int64_t acked = 0;
        rc = mu_store_incident_deadline_get(s, dls[i], &d, err);
        if (rc == MU_OK && d.kind != MU_DEADLINE_ASSEMBLY)
            rc = mu_store_incident_deadline_acks(s, d.id, at, &acked, NULL, err);
        if (rc == MU_OK && d.kind != MU_DEADLINE_ASSEMBLY && acked >= d.need)
            rc = inc_deadline_satisfied(s, actor, &c, &d, at, err);
        mu_incident_deadline_release(&d);
    }
    mu_free(dls);
    if (rc == MU_OK && first)
        *first = 1;
    return finish(s, &c, rc, err);
}

enum mu_err mu_app_incident_arrive(struct mu_store *s, const struct mu_actor *actor, int64_t id,
                                   const char *person, int64_t at, struct mu_error *err)
{
    struct inc c;
    struct mu_incident_deadline *dl = NULL;
    size_t n = 0;
    int is_first = 0;
    at = when(actor, at);
    enum mu_err rc = begin_load(s, id, &c, err);
    if (rc)
        return rc;
    if ((rc = need_person(&c, person, "person", err)))
        return finish(s, &c, rc, err);
    rc = mu_store_incident_arrive(s, actor, id, person, at, &is_first, err);
    if (rc || !is_first)
        return finish(s, &c, rc, err);
    rc = inc_event(s, actor, id, at, "arrived", person, NULL, "到达现场", err);
    if (rc == MU_OK)
        rc = mu_store_incident_deadlines(s, id, &dl, &n, err);
    for (size_t i = 0; rc == MU_OK && i < n; i++) {
        if (dl[i].kind != MU_DEADLINE_ASSEMBLY || dl[i].met_at)
            continue;
        const struct mu_plan_team *t = mu_plan_team(c.plan, dl[i].target);
        if (t && mu_esc_team_in_charge(t, person))
            rc = inc_deadline_satisfied(s, actor, &c, &dl[i], at, err);
    }
    mu_incident_deadlines_free(dl, n);
    return finish(s, &c, rc, err);
}

/* ---------------------------------------------------------------- note, status */

enum mu_err mu_app_incident_note(struct mu_store *s, const struct mu_actor *actor, int64_t id,
                                 const char *kind, const char *text, const char *by, int64_t at,
                                 struct mu_error *err)
{
    struct inc c;
    if (!kind)
        kind = "note";
    if (strcmp(kind, "note") && strcmp(kind, "call") && strcmp(kind, "decision"))
        return mu_error_field(err, MU_EINVAL, "kind",
                              "unknown entry kind '%s' (kinds: note, call, decision)", kind);
    if (!text || !*text)
        return mu_error_field(err, MU_EINVAL, "text", "no text given");
    enum mu_err rc = begin_load(s, id, &c, err);
    if (rc)
        return rc;
    rc = inc_event(s, actor, id, when(actor, at), kind, by && *by ? by : actor->name, NULL, text,
                   err);
    return finish(s, &c, rc, err);
}

static enum mu_err cancel_chains(struct mu_store *s, const struct mu_actor *actor, int64_t id,
                                 struct mu_error *err)
{
    struct mu_incident_chain *v = NULL;
    size_t n = 0;
    enum mu_err rc = mu_store_incident_chains(s, id, &v, &n, err);
    for (size_t i = 0; rc == MU_OK && i < n; i++)
        if (v[i].state == MU_CHAIN_PENDING || v[i].state == MU_CHAIN_WAITING)
            rc = mu_store_incident_chain_set(s, actor, v[i].id, v[i].step, MU_CHAIN_CANCELLED,
                                             v[i].deadline_id, v[i].step_at, err);
    mu_incident_chains_free(v, n);
    return rc;
}

static enum mu_err do_close(struct mu_store *s, const struct mu_actor *actor, struct inc *c,
                            const char *const *criteria, size_t n, int64_t at,
                            struct mu_error *err)
{
    char *json = NULL;
    enum mu_err rc = mu_incident_transition_check(c->row.state, MU_INCIDENT_CLOSED, err);
    if (rc == MU_OK)
        rc = mu_incident_criteria(c->plan, criteria, n, &json, err);
    if (rc)
        return rc;
    char summary[100];
    struct mu_incident_update u = {.has_state = 1,
                                   .state = MU_INCIDENT_CLOSED,
                                   .has_closed = 1,
                                   .closed_at = at,
                                   .criteria_json = json};
    snprintf(summary, sizeof(summary), "%s -> closed", mu_incident_state_name(c->row.state));
    rc = mu_store_incident_update(s, actor, c->row.id, &u, summary, err);
    if (rc == MU_OK)
        rc = cancel_chains(s, actor, c->row.id, err);
    if (rc == MU_OK) {
        struct mu_buf b;
        mu_buf_init(&b, MU_INCIDENT_MAX_TEXT);
        mu_buf_printf(&b, "终止应急响应，事件结束");
        json_t *arr = json_loads(json, 0, NULL);
        size_t k;
        json_t *v;
        if (json_array_size(arr))
            mu_buf_printf(&b, "。满足终止条件：");
        json_array_foreach(arr, k, v) mu_buf_printf(&b, "%s%s", k ? "；" : "", json_string_value(v));
        json_decref(arr);
        rc = b.ptr ? inc_event(s, actor, c->row.id, at, "closed", NULL, NULL, b.ptr, err)
                   : nomem(err);
        mu_buf_release(&b);
    }
    mu_free(json);
    return rc;
}

enum mu_err mu_app_incident_status(struct mu_store *s, const struct mu_actor *actor, int64_t id,
                                   enum mu_incident_state state, int64_t at, struct mu_error *err)
{
    struct inc c;
    at = when(actor, at);
    enum mu_err rc = begin_load(s, id, &c, err);
    if (rc)
        return rc;
    if (state == MU_INCIDENT_CLOSED) {
        rc = do_close(s, actor, &c, NULL, 0, at, err);
    } else if ((rc = mu_incident_transition_check(c.row.state, state, err)) == MU_OK) {
        int reopen = c.row.state == MU_INCIDENT_CLOSED;
        rc = set_state(s, actor, &c, state, at, err);
        if (rc == MU_OK && reopen) {
            struct mu_incident_update u = {.has_closed = 1, .closed_at = 0};
            rc = mu_store_incident_update(s, actor, id, &u, "reopened", err);
            if (rc == MU_OK)
                rc = inc_event(s, actor, id, at, "reopened", NULL, NULL, "事件重新打开", err);
        }
    }
    return finish(s, &c, rc, err);
}

enum mu_err mu_app_incident_close(struct mu_store *s, const struct mu_actor *actor, int64_t id,
                                  const char *const *criteria, size_t n, int64_t at,
                                  struct mu_error *err)
{
    struct inc c;
    enum mu_err rc = begin_load(s, id, &c, err);
    if (rc)
        return rc;
    rc = do_close(s, actor, &c, criteria, n, when(actor, at), err);
    return finish(s, &c, rc, err);
}

enum mu_err mu_app_incident_reopen(struct mu_store *s, const struct mu_actor *actor, int64_t id,
                                   int64_t at, struct mu_error *err)
{
    struct inc c;
    enum mu_err rc = begin_load(s, id, &c, err);
    if (rc)
        return rc;
    int state = c.row.state;
    inc_release(&c);
    mu_store_rollback(s);
    if (state != MU_INCIDENT_CLOSED)
        return mu_error_field(err, MU_ECONFLICT, "state",
                              "incident %" PRId64 " is '%s', not closed; nothing to reopen", id,
                              mu_incident_state_name((enum mu_incident_state)state));
    return mu_app_incident_status(s, actor, id, MU_INCIDENT_RESPONDING, at, err);
}

/* ---------------------------------------------------------------- activation, tasks */

static int kind_listed(const struct mu_plan_strs *kinds, const char *kind)
{
    if (!kinds->n)
        return 1;
    for (size_t i = 0; i < kinds->n; i++)
        if (strcmp(kinds->v[i].s, kind) == 0)
            return 1;
    return 0;
}

static int leads_a_team(const struct mu_plan *plan, const char *person)
{
    for (size_t i = 0; i < plan->nteams; i++)
        if (mu_esc_team_in_charge(&plan->teams[i], person))
            return 1;
    return 0;
}

enum mu_err mu_app_incident_activate(struct mu_store *s, const struct mu_actor *actor, int64_t id,
                                     const char *by, int64_t at, size_t *ntasks,
                                     struct mu_error *err)
{
    struct inc c;
    size_t tasks = 0;
    at = when(actor, at);
    enum mu_err rc = begin_load(s, id, &c, err);
    if (rc)
        return rc;
    if ((rc = need_person(&c, by, "by", err)))
        return finish(s, &c, rc, err);
    if (!leads_a_team(c.plan, by))
        return finish(s, &c,
                      mu_error_field(err, MU_EINVAL, "by",
                                     "'%s' cannot activate the response: only a team leader or "
                                     "deputy of plan '%s' can",
                                     by, c.row.plan_id),
                      err);
    if (c.row.activated_at)
        return finish(s, &c,
                      mu_error_field(err, MU_ECONFLICT, "state",
                                     "incident %" PRId64 " was already activated by '%s'", id,
                                     c.row.activated_by),
                      err);
    if (c.row.state == MU_INCIDENT_CLOSED || c.row.state == MU_INCIDENT_CONTAINED)
        return finish(s, &c,
                      mu_error_field(err, MU_ECONFLICT, "state",
                                     "incident is '%s'; only a reported, acknowledged or "
                                     "responding incident can be activated",
                                     mu_incident_state_name(c.row.state)),
                      err);
    if (c.row.state != MU_INCIDENT_RESPONDING)
        rc = set_state(s, actor, &c, MU_INCIDENT_RESPONDING, at, err);
    struct mu_incident_update u = {.has_activated = 1, .activated_at = at, .activated_by = by};
    if (rc == MU_OK)
        rc = mu_store_incident_update(s, actor, id, &u, "activated", err);
    /* Tasks in plan order; each team alerted once. */
    const char **alerted = mu_calloc(c.plan->nprocedures + 1, sizeof(*alerted));
    size_t nalerted = 0;
    if (!alerted && rc == MU_OK)
        rc = nomem(err);
    for (size_t i = 0; rc == MU_OK && i < c.plan->nprocedures; i++) {
        const struct mu_plan_procedure *pr = &c.plan->procedures[i];
        if (!kind_listed(&pr->kinds, c.row.kind))
            continue;
        const struct mu_plan_team *t = mu_plan_team(c.plan, pr->team.s);
        for (size_t k = 0; rc == MU_OK && k < pr->tasks.n; k++)
            rc = mu_store_incident_task_add(s, actor, id, (int)++tasks, pr->team.s,
                                            t ? t->leader.s : "", pr->tasks.v[k].s, NULL, err);
        int seen = 0;
        for (size_t k = 0; k < nalerted; k++)
            seen |= strcmp(alerted[k], pr->team.s) == 0;
        if (!seen && rc == MU_OK)
            alerted[nalerted++] = pr->team.s;
    }
    char text[600];
    snprintf(text, sizeof(text), "%s 宣布启动应急响应：%zu 个工作组，%zu 项任务",
             inc_person_name(c.plan, by), nalerted, tasks);
    if (rc == MU_OK)
        rc = inc_event(s, actor, id, at, "activated", by, NULL, text, err);
    for (size_t k = 0; rc == MU_OK && k < nalerted; k++) {
        const struct mu_plan_team *t = mu_plan_team(c.plan, alerted[k]);
        struct mu_plan_target tg = {.kind = MU_TARGET_TEAM, .ref = alerted[k], .text = alerted[k]};
        struct mu_esc_people people = {0};
        char what[400], ask[400], keyp[64];
        snprintf(what, sizeof(what), "启动响应：%s", t ? t->name : alerted[k]);
        snprintf(ask, sizeof(ask), "预案已启动，%s 请按任务清单处置（muster incident show %" PRId64
                 "）",
                 t ? t->name : alerted[k], id);
        snprintf(keyp, sizeof(keyp), "a%s", alerted[k]);
        struct inc_msg m = {.purpose = "activate", .step = -1, .what = what, .ask = ask,
                            .key_part = keyp};
        rc = mu_esc_resolve(c.plan, &tg, NULL, at, &people, err);
        for (size_t i = 0; rc == MU_OK && i < people.n; i++)
            rc = inc_send(s, actor, &c, &m, people.v[i], at, err);
        mu_esc_people_release(&people);
    }
    mu_free(alerted);
    if (rc == MU_OK && ntasks)
        *ntasks = tasks;
    return finish(s, &c, rc, err);
}

enum mu_err mu_app_incident_task_done(struct mu_store *s, const struct mu_actor *actor,
                                      int64_t task, const char *by, int64_t at,
                                      struct mu_error *err)
{
    struct mu_incident_task t = {0};
    struct inc c;
    at = when(actor, at);
    if (!by || !*by)
        return mu_error_field(err, MU_EINVAL, "by", "no person given (by)");
    enum mu_err rc = mu_store_incident_task_get(s, task, &t, err);
    if (rc)
        return rc;
    if ((rc = begin_load(s, t.incident_id, &c, err))) {
        mu_incident_task_release(&t);
        return rc;
    }
    rc = mu_store_incident_task_done(s, actor, task, at, by, err);
    char text[MU_INCIDENT_MAX_TEXT + 300];
    const struct mu_plan_team *team = mu_plan_team(c.plan, t.team);
    snprintf(text, sizeof(text), "任务 %" PRId64 " 完成（%s）：%s", task,
             team ? team->name : t.team, t.text);
    if (rc == MU_OK)
        rc = inc_event(s, actor, t.incident_id, at, "task.done", by, NULL, text, err);
    mu_incident_task_release(&t);
    return finish(s, &c, rc, err);
}

/* ---------------------------------------------------------------- attachments */

enum mu_err mu_app_incident_attach(struct mu_store *s, const struct mu_actor *actor, int64_t id,
                                   const char *name, const void *data, size_t len,
                                   int64_t *att_id, char sha256_hex[65], struct mu_error *err)
{
    enum mu_attachment_type type;
    unsigned char hash[crypto_hash_sha256_BYTES];
    char hex[65];
    struct inc c;
    enum mu_err rc = mu_attachment_sniff(name, data, len, &type, err);
    if (rc)
        return rc;
    crypto_hash_sha256(hash, data, len);
    sodium_bin2hex(hex, sizeof(hex), hash, sizeof(hash));
    if ((rc = begin_load(s, id, &c, err)))
        return rc;
    rc = mu_store_incident_attach(s, actor, id, name, mu_attachment_mime(type), data, len, hex,
                                  att_id, err);
    char text[600];
    snprintf(text, sizeof(text), "附件：%s（%s，%zu 字节，SHA-256 %s）", name,
             mu_attachment_mime(type), len, hex);
    if (rc == MU_OK)
        rc = inc_event(s, actor, id, actor->now_ms, "attachment", NULL, NULL, text, err);
    if (rc == MU_OK && sha256_hex)
        memcpy(sha256_hex, hex, 65);
    return finish(s, &c, rc, err);
}

/* ---------------------------------------------------------------- views */

static json_t *jstr(const char *s)
{
    return s && *s ? json_string(s) : json_null();
}

static json_t *jtime(int64_t ms)
{
    char iso[26];
    if (!ms)
        return json_null();
    mu_local_format(ms, iso);
    return json_string(iso);
}

/* Everything a view needs, read in one snapshot. */
struct view {
    struct inc c;
    struct mu_incident_event *ev;
    size_t nev;
    struct mu_incident_deadline *dl;
    size_t ndl;
    struct mu_incident_chain *ch;
    size_t nch;
    struct mu_incident_task *tasks;
    size_t ntasks;
    struct mu_incident_attachment *att;
    size_t natt;
};

static void view_release(struct view *v)
{
    mu_incident_events_free(v->ev, v->nev);
    mu_incident_deadlines_free(v->dl, v->ndl);
    mu_incident_chains_free(v->ch, v->nch);
    mu_incident_tasks_free(v->tasks, v->ntasks);
    mu_incident_attachments_free(v->att, v->natt);
    inc_release(&v->c);
    memset(v, 0, sizeof(*v));
}

static enum mu_err view_load(struct mu_store *s, int64_t id, struct view *v, struct mu_error *err)
{
    memset(v, 0, sizeof(*v));
    enum mu_err rc = inc_load(s, id, 0, &v->c, err);
    if (rc == MU_OK)
        rc = mu_store_incident_events(s, id, &v->ev, &v->nev, err);
    if (rc == MU_OK)
        rc = mu_store_incident_deadlines(s, id, &v->dl, &v->ndl, err);
    if (rc == MU_OK)
        rc = mu_store_incident_chains(s, id, &v->ch, &v->nch, err);
    if (rc == MU_OK)
        rc = mu_store_incident_tasks(s, id, &v->tasks, &v->ntasks, err);
    if (rc == MU_OK)
        rc = mu_store_incident_attachments(s, id, &v->att, &v->natt, err);
    if (rc)
        view_release(v);
    return rc;
}

static json_t *deadline_json(const struct mu_incident_deadline *d)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(d->id));
    json_object_set_new(o, "name", json_string(d->name));
    json_object_set_new(o, "kind", json_string(mu_esc_deadline_kind_name(d->kind)));
    json_object_set_new(o, "policy", json_string(d->policy_id));
    json_object_set_new(o, "target", jstr(d->target));
    json_object_set_new(o, "need", json_integer(d->need));
    json_object_set_new(o, "due_at", jtime(d->due_at));
    json_object_set_new(o, "state", json_string(mu_deadline_state_name(d->state)));
    json_object_set_new(o, "met_at", jtime(d->met_at));
    json_object_set_new(o, "late_by_s", d->state == MU_DL_MISSED && d->met_at
                                            ? json_integer((d->met_at - d->due_at) / 1000)
                                            : json_null());
    return o;
}

static enum mu_err show_json(const struct view *v, char **out, struct mu_error *err)
{
    const struct mu_incident *r = &v->c.row;
    json_t *o = json_object(), *a;
    json_object_set_new(o, "id", json_integer(r->id));
    json_object_set_new(o, "plan", json_string(r->plan_id));
    json_object_set_new(o, "plan_version", json_integer(r->plan_version));
    json_object_set_new(o, "kind", json_string(r->kind));
    json_object_set_new(o, "kind_name", json_string(inc_kind_name(v->c.plan, r->kind)));
    json_object_set_new(o, "level", jstr(r->level));
    json_object_set_new(o, "place", json_string(r->place));
    json_object_set_new(o, "reporter", json_string(r->reporter));
    json_object_set_new(o, "fields", json_loads(r->fields_json, 0, NULL));
    json_object_set_new(o, "state", json_string(mu_incident_state_name(r->state)));
    json_object_set_new(o, "occurred_at", jtime(r->occurred_at));
    json_object_set_new(o, "reported_at", jtime(r->reported_at));
    json_object_set_new(o, "activated_at", jtime(r->activated_at));
    json_object_set_new(o, "activated_by", jstr(r->activated_by));
    json_object_set_new(o, "closed_at", jtime(r->closed_at));
    json_object_set_new(o, "criteria", json_loads(r->criteria_json, 0, NULL));
    json_object_set_new(o, "timeline", a = json_array());
    for (size_t i = 0; i < v->nev; i++) {
        json_t *e = json_object();
        json_object_set_new(e, "seq", json_integer(v->ev[i].seq));
        json_object_set_new(e, "at", jtime(v->ev[i].at));
        json_object_set_new(e, "event", json_string(v->ev[i].kind));
        json_object_set_new(e, "person", jstr(v->ev[i].person));
        json_object_set_new(e, "channel", jstr(v->ev[i].channel));
        json_object_set_new(e, "text", json_string(v->ev[i].text));
        json_array_append_new(a, e);
    }
    json_object_set_new(o, "deadlines", a = json_array());
    for (size_t i = 0; i < v->ndl; i++)
        json_array_append_new(a, deadline_json(&v->dl[i]));
    json_object_set_new(o, "chains", a = json_array());
    for (size_t i = 0; i < v->nch; i++) {
        json_t *e = json_object();
        json_object_set_new(e, "policy", json_string(v->ch[i].policy_id));
        json_object_set_new(e, "step", json_integer(v->ch[i].step + 1));
        json_object_set_new(e, "state", json_string(mu_chain_state_name(v->ch[i].state)));
        json_array_append_new(a, e);
    }
    json_object_set_new(o, "tasks", a = json_array());
    for (size_t i = 0; i < v->ntasks; i++) {
        json_t *e = json_object();
        json_object_set_new(e, "id", json_integer(v->tasks[i].id));
        json_object_set_new(e, "team", json_string(v->tasks[i].team));
        json_object_set_new(e, "owner", jstr(v->tasks[i].owner));
        json_object_set_new(e, "text", json_string(v->tasks[i].text));
        json_object_set_new(e, "done_at", jtime(v->tasks[i].done_at));
        json_object_set_new(e, "done_by", jstr(v->tasks[i].done_by));
        json_array_append_new(a, e);
    }
    json_object_set_new(o, "attachments", a = json_array());
    for (size_t i = 0; i < v->natt; i++) {
        json_t *e = json_object();
        json_object_set_new(e, "id", json_integer(v->att[i].id));
        json_object_set_new(e, "name", json_string(v->att[i].name));
        json_object_set_new(e, "type", json_string(v->att[i].mime));
        json_object_set_new(e, "size", json_integer(v->att[i].size));
        json_object_set_new(e, "sha256", json_string(v->att[i].sha256));
        json_array_append_new(a, e);
    }
    char *dump = json_dumps(o, JSON_PRESERVE_ORDER | JSON_INDENT(2));
    json_decref(o);
    if (!dump)
        return nomem(err);
    size_t len = strlen(dump);
    *out = mu_malloc(len + 2);
    if (*out) {
        memcpy(*out, dump, len);
        (*out)[len] = '\n';
        (*out)[len + 1] = '\0';
    }
    free(dump);
    return *out ? MU_OK : nomem(err);
}

static void time_or_dash(int64_t ms, char out[17])
{
    if (ms)
        inc_hm(ms, out);
    else
        snprintf(out, 17, "-");
}

static enum mu_err show_text(const struct view *v, char **out, struct mu_error *err)
{
    const struct mu_incident *r = &v->c.row;
    const struct mu_plan *plan = v->c.plan;
    struct mu_buf b;
    char t1[17], t2[17];
    mu_buf_init(&b, OUT_MAX);
    inc_hm(r->occurred_at, t1);
    inc_hm(r->reported_at, t2);
    mu_buf_printf(&b, "incident %" PRId64 ": %s%s%s%s at %s\n", r->id, inc_kind_name(plan, r->kind),
                  *r->level ? " (" : "", *r->level ? inc_level_name(plan, r->level) : "",
                  *r->level ? ")" : "", r->place);
    mu_buf_printf(&b, "state: %s\nplan: %s version %d\noccurred: %s\nreported: %s by %s\n",
                  mu_incident_state_name(r->state), r->plan_id, r->plan_version, t1, t2,
                  r->reporter);
    if (strcmp(r->fields_json, "{}"))
        mu_buf_printf(&b, "fields: %s\n", r->fields_json);
    if (r->activated_at) {
        inc_hm(r->activated_at, t1);
        mu_buf_printf(&b, "activated: %s by %s\n", t1, r->activated_by);
    }
    if (r->closed_at) {
        inc_hm(r->closed_at, t1);
        mu_buf_printf(&b, "closed: %s, criteria met: %s\n", t1, r->criteria_json);
    }
    mu_buf_printf(&b, "\ntimeline:\n");
    for (size_t i = 0; i < v->nev; i++) {
        const struct mu_incident_event *e = &v->ev[i];
        inc_hm(e->at, t1);
        mu_buf_printf(&b, "  %s  %-16s", t1 + 11, e->kind);
        if (*e->person)
            mu_buf_printf(&b, " %s", e->person);
        if (*e->channel)
            mu_buf_printf(&b, " [%s]", e->channel);
        mu_buf_printf(&b, "  %s\n", e->text);
    }
    if (v->ndl) {
        mu_buf_printf(&b, "\ndeadlines:\n");
        for (size_t i = 0; i < v->ndl; i++) {
            const struct mu_incident_deadline *d = &v->dl[i];
            inc_hm(d->due_at, t1);
            time_or_dash(d->met_at, t2);
            mu_buf_printf(&b, "  %-7s due %s  %s  %s", mu_deadline_state_name(d->state), t1 + 11,
                          mu_esc_deadline_kind_name(d->kind), d->name);
            if (d->met_at)
                mu_buf_printf(&b, " (met %s)", t2 + 11);
            mu_buf_printf(&b, "\n");
        }
    }
    if (v->nch) {
        mu_buf_printf(&b, "\nescalation:\n");
        for (size_t i = 0; i < v->nch; i++)
            mu_buf_printf(&b, "  %s: step %d, %s\n", v->ch[i].policy_id, v->ch[i].step + 1,
                          mu_chain_state_name(v->ch[i].state));
    }
    if (v->ntasks) {
        mu_buf_printf(&b, "\ntasks:\n");
        for (size_t i = 0; i < v->ntasks; i++) {
            const struct mu_incident_task *t = &v->tasks[i];
            time_or_dash(t->done_at, t1);
            mu_buf_printf(&b, "  %" PRId64 " [%s] %s (%s): %s", t->id, t->done_at ? "x" : " ",
                          t->team, *t->owner ? t->owner : "-", t->text);
            if (t->done_at)
                mu_buf_printf(&b, " (done %s by %s)", t1 + 11, t->done_by);
            mu_buf_printf(&b, "\n");
        }
    }
    if (v->natt) {
        mu_buf_printf(&b, "\nattachments:\n");
        for (size_t i = 0; i < v->natt; i++)
            mu_buf_printf(&b, "  %" PRId64 " %s (%s, %" PRId64 " bytes, sha256 %s)\n",
                          v->att[i].id, v->att[i].name, v->att[i].mime, v->att[i].size,
                          v->att[i].sha256);
    }
    if (!b.ptr) {
        mu_buf_release(&b);
        return mu_error_set(err, MU_ELIMIT, "incident view is too large");
    }
    *out = mu_buf_detach(&b);
    return *out ? MU_OK : nomem(err);
}

enum mu_err mu_app_incident_show(struct mu_store *s, int64_t id, enum mu_incident_format fmt,
                                 char **out, struct mu_error *err)
{
    struct view v;
    *out = NULL;
    enum mu_err rc = view_load(s, id, &v, err);
    if (rc)
        return rc;
    rc = fmt == MU_INCIDENT_JSON ? show_json(&v, out, err) : show_text(&v, out, err);
    view_release(&v);
    return rc;
}

enum mu_err mu_app_incident_list(struct mu_store *s, int open_only, enum mu_incident_format fmt,
                                 char **out, struct mu_error *err)
{
    struct mu_incident *v = NULL;
    size_t n = 0;
    *out = NULL;
    enum mu_err rc = mu_store_incident_list(s, open_only, &v, &n, err);
    if (rc)
        return rc;
    if (fmt == MU_INCIDENT_JSON) {
        json_t *a = json_array();
        for (size_t i = 0; i < n; i++) {
            json_t *o = json_object();
            json_object_set_new(o, "id", json_integer(v[i].id));
            json_object_set_new(o, "plan", json_string(v[i].plan_id));
            json_object_set_new(o, "kind", json_string(v[i].kind));
            json_object_set_new(o, "level", jstr(v[i].level));
            json_object_set_new(o, "place", json_string(v[i].place));
            json_object_set_new(o, "state", json_string(mu_incident_state_name(v[i].state)));
            json_object_set_new(o, "reported_at", jtime(v[i].reported_at));
            json_array_append_new(a, o);
        }
        char *dump = json_dumps(a, JSON_PRESERVE_ORDER | JSON_INDENT(2));
        json_decref(a);
        if (dump) {
            size_t len = strlen(dump);
            if ((*out = mu_malloc(len + 2))) {
                memcpy(*out, dump, len);
                memcpy(*out + len, "\n", 2);
            }
        }
        free(dump);
    } else {
        struct mu_buf b;
        mu_buf_init(&b, OUT_MAX);
        mu_buf_printf(&b, "%-5s %-13s %-16s %-5s %-16s %s\n", "ID", "STATE", "KIND", "LEVEL",
                      "REPORTED", "PLACE");
        for (size_t i = 0; i < n; i++) {
            char t[17];
            inc_hm(v[i].reported_at, t);
            mu_buf_printf(&b, "%-5" PRId64 " %-13s %-16s %-5s %-16s %s\n", v[i].id,
                          mu_incident_state_name(v[i].state), v[i].kind,
                          *v[i].level ? v[i].level : "-", t, v[i].place);
        }
        *out = mu_buf_detach(&b);
    }
    mu_incidents_free(v, n);
    return *out ? MU_OK : nomem(err);
}
