/* SPDX-License-Identifier: MIT */
/*
 * The escalation of incidents: what the engine's incident timers do, inside
 * the engine's transaction. "incident.open" applies the plan's policies (a
 * chain per policy, its first step run at once; report deadlines with their
 * messages; assembly deadlines with the teams' alerts); "incident.wait" ends
 * a step's wait for acknowledgements (stop, or the next step); and
 * "incident.deadline" marks a deadline missed when it is still pending. Also
 * the helpers shared by the incident use cases: loading an incident with its
 * plan snapshot, the roster lookup, sending a message, timeline entries, and
 * the outbox attempt hook that records deliveries on the timeline.
 */
#include "app/incident_int.h"

#include <inttypes.h>
#include <muster/ack.h>
#include <muster/date.h>
#include <muster/engine.h>
#include <muster/mem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/banned.h"

/* ---------------------------------------------------------------- helpers */

void inc_release(struct inc *c)
{
    mu_plan_free(c->plan);
    mu_plan_record_release(&c->rec);
    mu_incident_release(&c->row);
    memset(c, 0, sizeof(*c));
}

enum mu_err inc_load(struct mu_store *s, int64_t id, int lock, struct inc *out,
                     struct mu_error *err)
{
    memset(out, 0, sizeof(*out));
    enum mu_err rc = mu_store_incident_get(s, id, lock, &out->row, err);
    if (rc == MU_OK)
        rc = mu_store_plan_get(s, out->row.plan_id, out->row.plan_version, &out->rec, err);
    if (rc == MU_OK) {
        rc = mu_plan_parse(out->rec.source, strlen(out->rec.source), &out->plan, NULL, err);
        if (rc && rc != MU_ENOMEM)
            rc = mu_error_set(err, MU_EINTERNAL, "stored plan '%s' version %d no longer parses",
                              out->row.plan_id, out->row.plan_version);
    }
    if (rc)
        inc_release(out);
    return rc;
}

void inc_roster_init(struct inc_roster *r, struct mu_store *s, const struct inc *c)
{
    memset(r, 0, sizeof(*r));
    r->s = s;
    r->plan_id = c->row.plan_id;
}

void inc_roster_release(struct inc_roster *r)
{
    for (size_t i = 0; i < r->n; i++) {
        mu_roster_entries_free(r->v[i].entries, r->v[i].n);
        mu_free(r->v[i].duty);
    }
    mu_free(r->v);
    memset(r, 0, sizeof(*r));
}

enum mu_err inc_roster_fn(void *ctx, int64_t at, const struct mu_esc_duty **out, size_t *n,
                          struct mu_error *err)
{
    struct inc_roster *r = ctx;
    for (size_t i = 0; i < r->n; i++)
        if (r->v[i].at == at) {
            *out = r->v[i].duty;
            *n = r->v[i].nduty;
            return MU_OK;
        }
    struct inc_roster_answer *v = mu_realloc(r->v, (r->n + 1) * sizeof(*v));
    if (!v)
        return mu_error_set(err, MU_ENOMEM, "out of memory");
    r->v = v;
    struct inc_roster_answer *a = &r->v[r->n];
    memset(a, 0, sizeof(*a));
    a->at = at;
    enum mu_err rc = mu_app_roster_now(r->s, at, &a->entries, &a->n, err);
    if (rc)
        return rc;
    r->n++; /* from here on the answer is owned by the context */
    if (a->n && !(a->duty = mu_calloc(a->n, sizeof(*a->duty))))
        return mu_error_set(err, MU_ENOMEM, "out of memory");
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->entries[i].shift.plan_id, r->plan_id) == 0) {
            a->duty[a->nduty].person = a->entries[i].shift.person;
            a->duty[a->nduty++].role = a->entries[i].shift.role;
        }
    *out = a->duty;
    *n = a->nduty;
    return MU_OK;
}

enum mu_err inc_event(struct mu_store *s, const struct mu_actor *actor, int64_t id, int64_t at,
                      const char *kind, const char *person, const char *channel,
                      const char *text, struct mu_error *err)
{
    struct mu_incident_event_new e = {
        .at = at, .kind = kind, .person = person, .channel = channel, .text = text};
    return mu_store_incident_event_add(s, actor, id, &e, NULL, err);
}

const char *inc_person_name(const struct mu_plan *plan, const char *person)
{
    const struct mu_plan_person *p = person ? mu_plan_person(plan, person) : NULL;
    return p ? p->name : (person ? person : "");
}

const char *inc_kind_name(const struct mu_plan *plan, const char *id)
{
    for (size_t i = 0; i < plan->nkinds; i++)
        if (strcmp(plan->kinds[i].id, id) == 0)
            return plan->kinds[i].name;
    return id;
}

const char *inc_level_name(const struct mu_plan *plan, const char *id)
{
    for (size_t i = 0; id && i < plan->nlevels; i++)
        if (strcmp(plan->levels[i].id, id) == 0)
            return plan->levels[i].name;
    return id ? id : "";
}

void inc_hm(int64_t ms, char out[17])
{
    char iso[26];
    mu_local_format(ms, iso);
    iso[10] = ' ';
    iso[16] = '\0';
    memcpy(out, iso, 17);
}

static const struct mu_plan_policy *policy_by_id(const struct mu_plan *plan, const char *id,
                                                 size_t *index)
{
    for (size_t i = 0; i < plan->npolicies; i++)
        if (strcmp(plan->policies[i].id, id) == 0) {
            if (index)
                *index = i;
            return &plan->policies[i];
        }
    return NULL;
}

/* The message body: what happened, then what is asked of the person. */
static enum mu_err body_for(const struct inc *c, const struct inc_msg *m, const char *person,
                            const char *link, struct mu_buf *b)
{
    char when[17];
    inc_hm(c->row.occurred_at, when);
    mu_buf_printf(b, "事件编号：%" PRId64 "\n类型：%s", c->row.id,
                  inc_kind_name(c->plan, c->row.kind));
    if (*c->row.level)
        mu_buf_printf(b, "（%s）", inc_level_name(c->plan, c->row.level));
    mu_buf_printf(b, "\n地点：%s\n发生时间：%s\n", c->row.place, when);
    /* Numeric and text fields as given, with their labels. */
    for (size_t i = 0; i < c->plan->nfields; i++) {
        const char *key = c->plan->fields[i].key;
        char pat[80];
        snprintf(pat, sizeof(pat), "\"%s\":", key);
        const char *at = strstr(c->row.fields_json, pat);
        if (!at)
            continue;
        at += strlen(pat);
        size_t len = strcspn(at, ",}");
        if (*at == '"') { /* a text value: up to the closing quote */
            const char *end = strchr(at + 1, '"');
            len = end ? (size_t)(end - at) + 1 : len;
        }
        mu_buf_printf(b, "%s：%.*s\n", c->plan->fields[i].label, (int)len, at);
    }
    mu_buf_printf(b, "要求：%s\n确认收到：muster incident ack %" PRId64 " --by %s\n", m->ask,
                  c->row.id, person);
    if (link) /* the one-time acknowledgement link (muster/ack.h) */
        mu_buf_printf(b, "确认收到：%s\n", link);
    return b->ptr ? MU_OK : MU_ENOMEM;
}

enum mu_err inc_send(struct mu_store *s, const struct mu_actor *actor, const struct inc *c,
                     const struct inc_msg *m, const char *person, int64_t now,
                     struct mu_error *err)
{
    const struct mu_plan_person *p = mu_plan_person(c->plan, person);
    const struct mu_plan_channel *ch = NULL;
    enum mu_err rc = MU_OK;
    struct mu_buf body;
    char key[MU_OUTBOX_MAX_KEY + 1], ref[48], subject[600];
    int64_t oid = 0;
    int existed = 0;
    if (p && p->nchannels) {
        for (size_t i = 0; m->channel && i < p->nchannels && !ch; i++)
            if (strcmp(p->channels[i].type_name, m->channel) == 0)
                ch = &p->channels[i];
        if (!ch)
            ch = &p->channels[0];
    }
    const char *type = ch ? ch->type_name : "console";
    struct mu_outbox_new v = {0};
    rc = mu_outbox_route_channel(type, ch ? ch->to : inc_person_name(c->plan, person),
                                 p ? p->phone : NULL, &v, err);
    if (rc)
        return rc;
    mu_buf_init(&body, MU_OUTBOX_MAX_BODY);
    /* A savepoint: the message's ack token is kept only when the message is new. */
    if ((rc = mu_store_begin(s, err)))
        goto out;
    char token[MU_ACK_TOKEN_LEN + 1];
    char *link = NULL;
    rc = mu_app_ack_token_new(s, actor, c->row.id, person, token, err);
    if (rc == MU_OK)
        rc = mu_app_ack_url(s, token, &link, err);
    if (rc == MU_OK)
        rc = body_for(c, m, person, link, &body);
    mu_free(link);
    if (rc) {
        mu_store_rollback(s);
        goto out;
    }
    snprintf(key, sizeof(key), "incident:%" PRId64 ":%s:%s", c->row.id, m->key_part, person);
    snprintf(ref, sizeof(ref), "incident:%" PRId64, c->row.id);
    snprintf(subject, sizeof(subject), "【应急】%s%s%s · %s", inc_kind_name(c->plan, c->row.kind),
             *c->row.level ? " " : "", c->row.level, c->row.place);
    v.key = key;
    v.subject = subject;
    v.body = body.ptr;
    v.person = person;
    v.ref = ref;
    v.not_before = now;
    rc = mu_store_outbox_enqueue(s, actor, &v, &oid, &existed, err);
    if (rc || existed)
        mu_store_rollback(s); /* an existing message keeps the token it was sent with */
    else
        rc = mu_store_commit(s, err);
    if (rc)
        goto out;
    size_t nrows = m->ndeadlines ? m->ndeadlines : 1;
    for (size_t i = 0; rc == MU_OK && i < nrows; i++) {
        struct mu_incident_send_new sn = {
            .deadline_id = m->ndeadlines ? m->deadlines[i] : m->deadline_id,
            .chain_id = m->chain_id,
            .step = m->step,
            .purpose = m->purpose,
            .person = person,
            .channel = type,
            .at = now,
            .outbox_id = oid};
        rc = mu_store_incident_send_add(s, actor, c->row.id, &sn, err);
    }
    if (rc)
        goto out;
    rc = inc_event(s, actor, c->row.id, now, "notify.sent", person, type, m->what, err);
out:
    mu_buf_release(&body);
    return rc;
}

static enum mu_err chain_stopped(struct mu_store *s, const struct mu_actor *actor,
                                 const struct inc *c, const struct mu_incident_chain *ch,
                                 int64_t acked, int64_t need, int64_t at, struct mu_error *err)
{
    size_t pi = 0;
    const struct mu_plan_policy *p = policy_by_id(c->plan, ch->policy_id, &pi);
    char text[600];
    enum mu_err rc = mu_store_incident_chain_set(s, actor, ch->id, ch->step, MU_CHAIN_STOPPED,
                                                 ch->deadline_id, ch->step_at, err);
    snprintf(text, sizeof(text), "%s：第 %d 步已确认（%" PRId64 "/%" PRId64 "），停止升级",
             p && p->name ? p->name : ch->policy_id, ch->step + 1, acked, need);
    if (rc == MU_OK)
        rc = inc_event(s, actor, c->row.id, at, "chain.stopped", NULL, NULL, text, err);
    return rc;
}

enum mu_err inc_deadline_satisfied(struct mu_store *s, const struct mu_actor *actor,
                                   const struct inc *c, const struct mu_incident_deadline *d,
                                   int64_t at, struct mu_error *err)
{
    int late = d->state == MU_DL_MISSED;
    char text[1200];
    enum mu_err rc = mu_store_incident_deadline_set(s, actor, d->id, MU_DL_MET, at, err);
    if (rc)
        return rc;
    if (late)
        snprintf(text, sizeof(text), "%s（迟 %" PRId64 " 秒）", d->name,
                 (at - d->due_at) / 1000);
    else
        snprintf(text, sizeof(text), "%s", d->name);
    rc = inc_event(s, actor, c->row.id, at, late ? "deadline.late" : "deadline.met", NULL, NULL,
                   text, err);
    if (rc || d->kind != MU_DEADLINE_ACK || late)
        return rc;
    /* The chain waiting on this step stops. */
    struct mu_incident_chain *chains = NULL;
    size_t n = 0;
    rc = mu_store_incident_chains(s, c->row.id, &chains, &n, err);
    for (size_t i = 0; rc == MU_OK && i < n; i++)
        if (chains[i].deadline_id == d->id && chains[i].state == MU_CHAIN_WAITING) {
            int64_t acked = 0;
            rc = mu_store_incident_deadline_acks(s, d->id, at, &acked, NULL, err);
            if (rc == MU_OK)
                rc = chain_stopped(s, actor, c, &chains[i], acked, d->need, at, err);
        }
    mu_incident_chains_free(chains, n);
    return rc;
}

/* ---------------------------------------------------------------- the chain */

/* Human text of a step's targets: "duty、person:wang-zhiqiang". */
static void targets_text(const struct mu_plan_step *st, char *out, size_t len)
{
    size_t w = 0;
    out[0] = '\0';
    for (size_t i = 0; i < st->notify.n && w < len; i++)
        w += (size_t)snprintf(out + w, len - w, "%s%s", i ? "、" : "", st->notify.v[i].text);
}

/*
 * Run step @p step of chain @p ch (policy @p p) at @p now, and go on at once
 * while a step reaches nobody.
 */
static enum mu_err run_step(struct mu_store *s, const struct mu_actor *actor, const struct inc *c,
                            struct inc_roster *roster, int64_t chain_id,
                            const struct mu_plan_policy *p, size_t step, int64_t now,
                            struct mu_error *err)
{
    enum mu_err rc = MU_OK;
    const char *pname = p->name ? p->name : p->id;
    for (;;) {
        const struct mu_plan_step *st = &p->steps[step];
        struct mu_esc_roster ro = {inc_roster_fn, roster};
        struct mu_esc_people people = {0};
        char tt[600], text[1400];
        int64_t dl = 0, timeout_at = 0, need = 1;
        size_t nacked = 0;
        for (size_t i = 0; rc == MU_OK && i < st->notify.n; i++)
            rc = mu_esc_resolve(c->plan, &st->notify.v[i], &ro, now, &people, err);
        targets_text(st, tt, sizeof(tt));
        if (rc == MU_OK && people.n == 0) {
            snprintf(text, sizeof(text), "%s 第 %zu 步：%s 无人可通知（值班空缺或无人员），立即升级",
                     pname, step + 1, tt);
            rc = inc_event(s, actor, c->row.id, now, "step.empty", NULL, NULL, text, err);
        } else if (rc == MU_OK) {
            snprintf(text, sizeof(text), "%s 第 %zu 步：通知 %s（%zu 人）", pname, step + 1, tt,
                     people.n);
            rc = inc_event(s, actor, c->row.id, now, "step", NULL, NULL, text, err);
        }
        for (size_t i = 0; rc == MU_OK && i < people.n; i++) {
            int acked = 0;
            rc = mu_store_incident_acked(s, c->row.id, people.v[i], now, &acked, err);
            nacked += acked != 0;
        }
        enum mu_esc_next next = rc ? MU_ESC_DONE
                                   : mu_esc_after_step(p, step, people.n, nacked, now,
                                                       &timeout_at, &need);
        if (rc == MU_OK && people.n && st->ack_within >= 0) {
            char name[600];
            mu_esc_ack_name(p, step, need, people.n, name, sizeof(name));
            rc = mu_store_incident_deadline_add(s, actor, c->row.id, MU_DEADLINE_ACK, name, p->id,
                                                (int)step, "", need,
                                                now + st->ack_within * 1000, &dl, err);
        }
        char what[700], ask[300], keyp[64];
        snprintf(what, sizeof(what), "%s 第 %zu 步", pname, step + 1);
        if (st->ack_within >= 0)
            snprintf(ask, sizeof(ask), "请在 %" PRId64 " 分钟内确认收到", st->ack_within / 60);
        else
            snprintf(ask, sizeof(ask), "请知悉并按预案处置");
        snprintf(keyp, sizeof(keyp), "c%" PRId64 "s%zu", chain_id, step + 1);
        struct inc_msg m = {.purpose = "step",
                            .channel = st->channel,
                            .deadline_id = dl,
                            .chain_id = chain_id,
                            .step = (int)step,
                            .what = what,
                            .ask = ask,
                            .key_part = keyp};
        for (size_t i = 0; rc == MU_OK && i < people.n; i++)
            rc = inc_send(s, actor, c, &m, people.v[i], now, err);
        mu_esc_people_release(&people);
        if (rc)
            return rc;
        char payload[64];
        switch (next) {
        case MU_ESC_WAIT:
            rc = mu_store_incident_chain_set(s, actor, chain_id, (int)step, MU_CHAIN_WAITING, dl,
                                             now, err);
            snprintf(payload, sizeof(payload), "%" PRId64 ":%zu", chain_id, step);
            if (rc == MU_OK) {
                char ref[48];
                snprintf(ref, sizeof(ref), "incident:%" PRId64, c->row.id);
                rc = mu_store_timer_arm(s, timeout_at, "incident.wait", ref, payload, NULL, err);
            }
            return rc;
        case MU_ESC_STOP: {
            struct mu_incident_deadline d = {0};
            rc = mu_store_incident_chain_set(s, actor, chain_id, (int)step, MU_CHAIN_WAITING, dl,
                                             now, err);
            if (rc == MU_OK)
                rc = mu_store_incident_deadline_get(s, dl, &d, err);
            if (rc == MU_OK)
                rc = inc_deadline_satisfied(s, actor, c, &d, now, err);
            mu_incident_deadline_release(&d);
            return rc;
        }
        case MU_ESC_DONE:
            rc = mu_store_incident_chain_set(s, actor, chain_id, (int)step, MU_CHAIN_DONE, 0, now,
                                             err);
            snprintf(text, sizeof(text), "%s：最后一步已通知，升级结束", pname);
            if (rc == MU_OK)
                rc = inc_event(s, actor, c->row.id, now, "chain.done", NULL, NULL, text, err);
            return rc;
        case MU_ESC_EXHAUSTED:
            rc = mu_store_incident_chain_set(s, actor, chain_id, (int)step, MU_CHAIN_EXHAUSTED,
                                             0, now, err);
            snprintf(text, sizeof(text), "%s：所有步骤均未获确认", pname);
            if (rc == MU_OK)
                rc = inc_event(s, actor, c->row.id, now, "chain.exhausted", NULL, NULL, text, err);
            return rc;
        case MU_ESC_ESCALATE:
            step++;
            continue;
        }
        return rc;
    }
}

/* ---------------------------------------------------------------- timer effects */

static int64_t parse_id(const char *s, const char **end)
{
    char *e = NULL;
    long long v = s ? strtoll(s, &e, 10) : 0;
    if (end)
        *end = e;
    return (int64_t)v;
}

static int same_deadline(const struct mu_esc_deadline *a, const struct mu_esc_deadline *b)
{
    if (a->kind != b->kind)
        return 0;
    if (a->kind == MU_DEADLINE_ASSEMBLY)
        return strcmp(a->team, b->team) == 0;
    return a->to->kind == b->to->kind && strcmp(a->to->ref, b->to->ref) == 0;
}

/* Report and assembly deadlines of every applying policy, the same target once (earliest). */
static enum mu_err open_deadlines(struct mu_store *s, const struct mu_actor *actor,
                                  const struct inc *c, struct inc_roster *roster,
                                  const size_t *pol, size_t npol, int64_t now,
                                  struct mu_error *err)
{
    struct mu_esc_deadline *all = NULL;
    size_t nall = 0;
    enum mu_err rc = MU_OK;
    for (size_t i = 0; rc == MU_OK && i < npol; i++) {
        struct mu_esc_deadline *v = NULL;
        size_t n = 0;
        rc = mu_esc_policy_deadlines(c->plan, pol[i], c->row.reported_at, &v, &n, err);
        if (rc == MU_OK && n) {
            struct mu_esc_deadline *grown = mu_realloc(all, (nall + n) * sizeof(*all));
            if (!grown)
                rc = mu_error_set(err, MU_ENOMEM, "out of memory");
            else {
                all = grown;
                memcpy(all + nall, v, n * sizeof(*v));
                nall += n;
            }
        }
        mu_free(v);
    }
    char ref[48];
    snprintf(ref, sizeof(ref), "incident:%" PRId64, c->row.id);
    /* Who is asked what: one entry per (deadline, person). */
    struct ask {
        const char *person; /* borrowed from the plan or the roster */
        size_t d;           /* index into all */
        int64_t id;         /* the deadline's id */
    } *asks = NULL;
    size_t nasks = 0, capasks = 0;
    int64_t *ids = nall ? mu_calloc(nall, sizeof(*ids)) : NULL;
    if (nall && !ids)
        rc = mu_error_set(err, MU_ENOMEM, "out of memory");
    for (size_t i = 0; rc == MU_OK && i < nall; i++) {
        const struct mu_esc_deadline *d = &all[i];
        int skip = 0;
        for (size_t j = 0; j < nall && !skip; j++)
            if (j != i && same_deadline(d, &all[j]) &&
                (all[j].due_at < d->due_at || (all[j].due_at == d->due_at && j < i)))
                skip = 1;
        if (skip)
            continue;
        const struct mu_plan_policy *p = &c->plan->policies[d->policy];
        struct mu_esc_people people = {0};
        struct mu_esc_roster ro = {inc_roster_fn, roster};
        struct mu_plan_target team = {.kind = MU_TARGET_TEAM, .ref = d->team, .text = d->team};
        char payload[32];
        int report = d->kind == MU_DEADLINE_REPORT;
        rc = mu_store_incident_deadline_add(s, actor, c->row.id, d->kind, d->name, p->id, -1,
                                            report ? d->to->text : d->team, 1, d->due_at,
                                            &ids[i], err);
        if (rc == MU_OK)
            rc = mu_esc_resolve(c->plan, report ? d->to : &team, &ro, now, &people, err);
        if (rc == MU_OK && people.n == 0) {
            char text[800];
            snprintf(text, sizeof(text), "%s：无人可通知", d->name);
            rc = inc_event(s, actor, c->row.id, now, "deadline.nobody", NULL, NULL, text, err);
        }
        for (size_t k = 0; rc == MU_OK && k < people.n; k++) {
            if (nasks == capasks) {
                size_t ncap = capasks ? capasks * 2 : 32;
                struct ask *na = mu_realloc(asks, ncap * sizeof(*asks));
                if (!na) {
                    rc = mu_error_set(err, MU_ENOMEM, "out of memory");
                    break;
                }
                asks = na;
                capasks = ncap;
            }
            asks[nasks++] = (struct ask){people.v[k], i, ids[i]};
        }
        mu_esc_people_release(&people);
        snprintf(payload, sizeof(payload), "%" PRId64, ids[i]);
        if (rc == MU_OK)
            rc = mu_store_timer_arm(s, d->due_at, "incident.deadline", ref, payload, NULL, err);
    }
    /* One message per person with everything asked of them. */
    int64_t *dls = nasks ? mu_calloc(nasks, sizeof(*dls)) : NULL;
    if (nasks && !dls && rc == MU_OK)
        rc = mu_error_set(err, MU_ENOMEM, "out of memory");
    for (size_t i = 0; rc == MU_OK && i < nasks; i++) {
        int seen = 0;
        for (size_t j = 0; j < i && !seen; j++)
            seen = strcmp(asks[j].person, asks[i].person) == 0;
        if (seen)
            continue;
        struct mu_buf what, ask;
        size_t nd = 0;
        mu_buf_init(&what, 3000);
        mu_buf_init(&ask, 6000);
        for (size_t j = i; j < nasks; j++) {
            if (strcmp(asks[j].person, asks[i].person) != 0)
                continue;
            const struct mu_esc_deadline *d = &all[asks[j].d];
            char due[17];
            inc_hm(d->due_at, due);
            dls[nd++] = asks[j].id;
            if (d->kind == MU_DEADLINE_REPORT) {
                mu_buf_printf(&what, "%s报告：%s", nd > 1 ? "；" : "", d->name);
                mu_buf_printf(&ask, "\n- %s：请于 %s 前确认收到报告", d->name, due);
            } else {
                mu_buf_printf(&what, "%s%s", nd > 1 ? "；" : "", d->name);
                mu_buf_printf(&ask, "\n- %s：请于 %s 前到达现场，到达后登记 muster incident "
                                    "arrive %" PRId64 " --person %s",
                              d->name, due, c->row.id, asks[i].person);
            }
        }
        struct inc_msg m = {.purpose = "deadline",
                            .step = -1,
                            .what = what.ptr ? what.ptr : "",
                            .ask = ask.ptr ? ask.ptr : "",
                            .key_part = "open",
                            .deadlines = dls,
                            .ndeadlines = nd};
        rc = inc_send(s, actor, c, &m, asks[i].person, now, err);
        mu_buf_release(&what);
        mu_buf_release(&ask);
    }
    mu_free(dls);
    mu_free(asks);
    mu_free(ids);
    mu_free(all);
    return rc;
}

static enum mu_err on_open(struct mu_store *s, const struct mu_actor *actor, struct inc *c,
                           int64_t now, struct mu_error *err)
{
    struct mu_esc_field *fields = NULL;
    size_t nfields = 0, *pol = NULL, npol = 0;
    struct inc_roster roster;
    inc_roster_init(&roster, s, c);
    enum mu_err rc =
        mu_incident_fields_numeric(c->plan, c->row.fields_json, &fields, &nfields, err);
    struct mu_esc_incident ei = {.kind = c->row.kind,
                                 .level = c->row.level,
                                 .reported_at = c->row.reported_at,
                                 .fields = fields,
                                 .nfields = nfields};
    if (rc == MU_OK)
        rc = mu_esc_applicable(c->plan, &ei, &pol, &npol, err);
    if (rc == MU_OK && npol == 0)
        rc = inc_event(s, actor, c->row.id, now, "policy.none", NULL, NULL,
                       "预案中没有适用于本事件的升级策略", err);
    int64_t *chains = npol ? mu_calloc(npol, sizeof(*chains)) : NULL;
    if (rc == MU_OK && npol && !chains)
        rc = mu_error_set(err, MU_ENOMEM, "out of memory");
    for (size_t i = 0; rc == MU_OK && i < npol; i++) {
        const struct mu_plan_policy *p = &c->plan->policies[pol[i]];
        char text[600];
        snprintf(text, sizeof(text), "适用升级策略：%s", p->name ? p->name : p->id);
        rc = inc_event(s, actor, c->row.id, now, "policy", NULL, NULL, text, err);
        if (rc == MU_OK)
            rc = mu_store_incident_chain_add(s, actor, c->row.id, p->id, &chains[i], err);
    }
    for (size_t i = 0; rc == MU_OK && i < npol; i++)
        if (c->plan->policies[pol[i]].nsteps)
            rc = run_step(s, actor, c, &roster, chains[i], &c->plan->policies[pol[i]], 0, now,
                          err);
    if (rc == MU_OK)
        rc = open_deadlines(s, actor, c, &roster, pol, npol, now, err);
    mu_free(chains);
    mu_free(pol);
    mu_free(fields);
    inc_roster_release(&roster);
    return rc;
}

static enum mu_err on_wait(struct mu_store *s, const struct mu_actor *actor, struct inc *c,
                           const char *payload, int64_t now, struct mu_error *err)
{
    const char *end = NULL;
    int64_t chain_id = parse_id(payload, &end);
    int64_t step = end && *end == ':' ? parse_id(end + 1, NULL) : -1;
    struct mu_incident_chain ch = {0};
    struct mu_incident_deadline d = {0};
    struct inc_roster roster;
    inc_roster_init(&roster, s, c);
    enum mu_err rc = mu_store_incident_chain_get(s, chain_id, &ch, err);
    if (rc || ch.incident_id != c->row.id || ch.state != MU_CHAIN_WAITING || ch.step != step)
        goto out; /* stopped or moved on meanwhile: nothing to do */
    size_t pi = 0;
    const struct mu_plan_policy *p = policy_by_id(c->plan, ch.policy_id, &pi);
    if (!p || (size_t)ch.step >= p->nsteps) {
        rc = mu_error_set(err, MU_EINTERNAL, "chain %" PRId64 ": policy '%s' has no step %d",
                          chain_id, ch.policy_id, ch.step + 1);
        goto out;
    }
    int64_t acked = 0, sent = 0;
    if ((rc = mu_store_incident_deadline_get(s, ch.deadline_id, &d, err)) ||
        (rc = mu_store_incident_deadline_acks(s, ch.deadline_id, now, &acked, &sent, err)))
        goto out;
    enum mu_esc_next next = mu_esc_after_timeout(p, (size_t)ch.step, (size_t)acked);
    if (next == MU_ESC_STOP) {
        if (d.state == MU_DL_PENDING)
            rc = inc_deadline_satisfied(s, actor, c, &d, now, err);
        goto out;
    }
    char text[1400];
    if (d.state == MU_DL_PENDING) {
        rc = mu_store_incident_deadline_set(s, actor, d.id, MU_DL_MISSED, now, err);
        if (rc == MU_OK) /* missed at its due time, whenever the engine got to it */
            rc = inc_event(s, actor, c->row.id, d.due_at, "deadline.missed", NULL, NULL, d.name,
                           err);
    }
    snprintf(text, sizeof(text), "%s 第 %d 步：%" PRId64 " 分钟内确认 %" PRId64 "/%" PRId64
             "，%s",
             p->name ? p->name : p->id, ch.step + 1, p->steps[ch.step].ack_within / 60, acked,
             d.need, next == MU_ESC_ESCALATE ? "升级到下一步" : "已是最后一步");
    if (rc == MU_OK)
        rc = inc_event(s, actor, c->row.id, now, "step.timeout", NULL, NULL, text, err);
    if (rc == MU_OK && next == MU_ESC_ESCALATE)
        rc = run_step(s, actor, c, &roster, ch.id, p, (size_t)ch.step + 1, now, err);
    else if (rc == MU_OK) {
        rc = mu_store_incident_chain_set(s, actor, ch.id, ch.step, MU_CHAIN_EXHAUSTED, 0, now,
                                         err);
        snprintf(text, sizeof(text), "%s：所有步骤均未获确认", p->name ? p->name : p->id);
        if (rc == MU_OK)
            rc = inc_event(s, actor, c->row.id, now, "chain.exhausted", NULL, NULL, text, err);
    }
out:
    inc_roster_release(&roster);
    mu_incident_deadline_release(&d);
    mu_incident_chain_release(&ch);
    return rc;
}

static enum mu_err on_deadline(struct mu_store *s, const struct mu_actor *actor, struct inc *c,
                               const char *payload, int64_t now, struct mu_error *err)
{
    struct mu_incident_deadline d = {0};
    enum mu_err rc = mu_store_incident_deadline_get(s, parse_id(payload, NULL), &d, err);
    if (rc == MU_ENOTFOUND)
        return MU_OK; /* nothing to judge */
    if (rc == MU_OK && d.incident_id == c->row.id && d.state == MU_DL_PENDING) {
        rc = mu_store_incident_deadline_set(s, actor, d.id, MU_DL_MISSED, now, err);
        if (rc == MU_OK) /* missed at its due time, whenever the engine got to it */
            rc = inc_event(s, actor, c->row.id, d.due_at, "deadline.missed", NULL, NULL, d.name,
                           err);
    }
    mu_incident_deadline_release(&d);
    return rc;
}

enum mu_err mu_app_incident_timer(struct mu_store *s, const struct mu_actor *actor,
                                  const char *kind, const char *ref, const char *payload,
                                  int64_t now, struct mu_error *err)
{
    struct inc c;
    enum mu_err rc;
    int is_open = strcmp(kind, "incident.open") == 0;
    int is_wait = strcmp(kind, "incident.wait") == 0;
    int is_deadline = strcmp(kind, "incident.deadline") == 0;
    if (!is_open && !is_wait && !is_deadline)
        return MU_ENOTFOUND;
    if (!ref || strncmp(ref, "incident:", 9) != 0)
        return mu_error_set(err, MU_EINVAL, "timer ref '%s' is not an incident", ref ? ref : "");
    rc = inc_load(s, parse_id(ref + 9, NULL), 1, &c, err);
    if (rc)
        return rc;
    if (c.row.state == MU_INCIDENT_CLOSED) {
        inc_release(&c);
        return MU_OK; /* a closed incident escalates no more and judges no deadline */
    }
    if (is_open)
        rc = on_open(s, actor, &c, now, err);
    else if (is_wait)
        rc = on_wait(s, actor, &c, payload, now, err);
    else
        rc = on_deadline(s, actor, &c, payload, now, err);
    inc_release(&c);
    return rc;
}

/* ---------------------------------------------------------------- outbox hook */

enum mu_err mu_app_incident_on_attempt(void *ctx, struct mu_store *s,
                                       const struct mu_actor *actor,
                                       const struct mu_outbox_msg *m,
                                       const struct mu_outbox_attempt *a,
                                       enum mu_outbox_state state, struct mu_error *err)
{
    (void)ctx;
    if (!m->ref || strncmp(m->ref, "incident:", 9) != 0)
        return MU_OK;
    int64_t id = parse_id(m->ref + 9, NULL);
    const char *kind = a->outcome == MU_OUTBOX_OK         ? "notify.delivered"
                       : state == MU_OUTBOX_FAILED        ? "notify.failed"
                       : a->outcome == MU_OUTBOX_LOST     ? "notify.lost"
                                                          : "notify.retry";
    char text[600];
    if (a->outcome == MU_OUTBOX_OK)
        snprintf(text, sizeof(text), "第 %d 次发送成功", a->attempt);
    else
        snprintf(text, sizeof(text), "第 %d 次发送失败：%s", a->attempt,
                 a->error && *a->error ? a->error : mu_outbox_outcome_name(a->outcome));
    return inc_event(s, actor, id, actor->now_ms, kind, m->person, m->channel, text, err);
}
