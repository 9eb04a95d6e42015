/* SPDX-License-Identifier: MIT */
/*
 * Incidents in the store (include/muster/incident.h): the incident rows,
 * the append-only timeline, tasks, deadlines, escalation chains, messages
 * sent, acknowledgements, arrivals, attachments (base64 text: the db layer
 * binds text and integers only) and immutable report revisions. Every
 * change appends its audit entry "incident.*" on object "incident:ID" in
 * the same transaction. Reads copy rows into caller structs.
 */
#include "store/store_int.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include <muster/incident.h>
#include <muster/mem.h>

#include "util/banned.h"

static int is_pg(struct mu_store *s)
{
    return strcmp(mu_store_engine(s), "postgres") == 0;
}

static enum mu_err nomem(struct mu_error *err)
{
    return mu_error_set(err, MU_ENOMEM, "out of memory");
}

static enum mu_err check_text(const char *what, const char *v, size_t max, int may_be_empty,
                              struct mu_error *err)
{
    if (!v || (!may_be_empty && !*v))
        return mu_error_field(err, MU_EINVAL, what, "incident %s is empty", what);
    if (strlen(v) > max)
        return mu_error_field(err, MU_EINVAL, what, "incident %s is longer than %zu bytes", what,
                              max);
    return MU_OK;
}

static enum mu_err audit(struct mu_store *s, const struct mu_actor *actor, const char *action,
                         int64_t incident, const char *summary, struct mu_error *err)
{
    char object[48];
    snprintf(object, sizeof(object), "incident:%" PRId64, incident);
    return mu_store_audit_append_tx(s, actor, action, object, summary ? summary : "", err);
}

/* Copy column @p i, NULL-safe: "" for SQL NULL. Sets *bad on ENOMEM. */
static char *dup(struct mu_db_rows *r, int i, int *bad)
{
    char *v = mu_db_dup(r, i);
    if (!v)
        *bad = 1;
    return v;
}

/* Read every row of a query into a growing array of @p size-byte items. */
typedef int fill_fn(struct mu_db_rows *r, void *item); /* returns 0 on ENOMEM */
typedef void release_fn(void *item);

static enum mu_err read_rows(struct mu_store *s, const char *sql, const struct mu_db_val *p,
                             int np, size_t size, fill_fn *fill, release_fn *release, void **out,
                             size_t *n, struct mu_error *err)
{
    struct mu_db_rows *r = NULL;
    char *v = NULL;
    size_t k = 0, cap = 0;
    int has = 0;
    *out = NULL;
    *n = 0;
    enum mu_err rc = mu_db_query(s->db, sql, p, np, &r, err);
    while (rc == MU_OK && (rc = mu_db_next(r, &has, err)) == MU_OK && has) {
        if (k == cap) {
            size_t ncap = cap ? cap * 2 : 8;
            char *nv = mu_realloc(v, ncap * size);
            if (!nv) {
                rc = nomem(err);
                break;
            }
            v = nv;
            cap = ncap;
        }
        memset(v + k * size, 0, size);
        if (!fill(r, v + k * size)) {
            release(v + k * size);
            rc = nomem(err);
            break;
        }
        k++;
    }
    mu_db_finish(r);
    if (rc) {
        for (size_t i = 0; i < k; i++)
            release(v + i * size);
        mu_free(v);
        return rc;
    }
    if (!k) {
        mu_free(v);
        v = NULL;
    }
    *out = v;
    *n = k;
    return MU_OK;
}

/* Read one row; MU_ENOTFOUND with @p what when there is none. */
static enum mu_err read_one(struct mu_store *s, const char *sql, const struct mu_db_val *p,
                            int np, size_t size, fill_fn *fill, release_fn *release, void *out,
                            const char *what, int64_t id, struct mu_error *err)
{
    void *v = NULL;
    size_t n = 0;
    enum mu_err rc = read_rows(s, sql, p, np, size, fill, release, &v, &n, err);
    if (rc)
        return rc;
    if (!n)
        return mu_error_set(err, MU_ENOTFOUND, "no %s %" PRId64, what, id);
    memcpy(out, v, size);
    for (size_t i = 1; i < n; i++)
        release((char *)v + i * size);
    mu_free(v);
    return MU_OK;
}

/* ---------------------------------------------------------------- incidents */

static const char *const incident_cols =
    "id, plan_id, plan_version, kind, level, place, reporter, fields_json, state, occurred_at, "
    "reported_at, activated_at, activated_by, closed_at, criteria_json, created_at, updated_at, "
    "created_by";

void mu_incident_release(struct mu_incident *i)
{
    if (!i)
        return;
    mu_free(i->plan_id);
    mu_free(i->kind);
    mu_free(i->level);
    mu_free(i->place);
    mu_free(i->reporter);
    mu_free(i->fields_json);
    mu_free(i->activated_by);
    mu_free(i->criteria_json);
    mu_free(i->created_by);
    memset(i, 0, sizeof(*i));
}

static void incident_release_v(void *p)
{
    mu_incident_release(p);
}

void mu_incidents_free(struct mu_incident *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        mu_incident_release(&v[i]);
    mu_free(v);
}

static int incident_fill(struct mu_db_rows *r, void *item)
{
    struct mu_incident *i = item;
    int bad = 0;
    i->id = mu_db_int(r, 0);
    i->plan_id = dup(r, 1, &bad);
    i->plan_version = (int)mu_db_int(r, 2);
    i->kind = dup(r, 3, &bad);
    i->level = dup(r, 4, &bad);
    i->place = dup(r, 5, &bad);
    i->reporter = dup(r, 6, &bad);
    i->fields_json = dup(r, 7, &bad);
    const char *st = mu_db_text(r, 8);
    i->state = MU_INCIDENT_REPORTED;
    if (st && mu_incident_state_parse(st, &i->state, NULL))
        i->state = MU_INCIDENT_REPORTED;
    i->occurred_at = mu_db_int(r, 9);
    i->reported_at = mu_db_int(r, 10);
    i->activated_at = mu_db_int(r, 11);
    i->activated_by = dup(r, 12, &bad);
    i->closed_at = mu_db_int(r, 13);
    i->criteria_json = dup(r, 14, &bad);
    i->created_at = mu_db_int(r, 15);
    i->updated_at = mu_db_int(r, 16);
    i->created_by = dup(r, 17, &bad);
    return !bad;
}

enum mu_err mu_store_incident_insert(struct mu_store *s, const struct mu_actor *actor,
                                     const struct mu_incident_new *in, int64_t *id,
                                     struct mu_error *err)
{
    enum mu_err rc = mu_store_check_actor(actor, err);
    int64_t new_id = 0;
    int found = 0;
    if (rc || (rc = check_text("plan", in->plan_id, MU_STORE_MAX_NAME, 0, err)) ||
        (rc = check_text("kind", in->kind, MU_STORE_MAX_NAME, 0, err)) ||
        (rc = check_text("level", in->level ? in->level : "", MU_STORE_MAX_NAME, 1, err)) ||
        (rc = check_text("place", in->place, MU_INCIDENT_MAX_TEXT, 0, err)) ||
        (rc = check_text("reporter", in->reporter, MU_STORE_MAX_NAME, 0, err)) ||
        (rc = check_text("fields", in->fields_json ? in->fields_json : "{}", 64 * 1024, 0, err)))
        return rc;
    if (in->plan_version < 1)
        return mu_error_field(err, MU_EINVAL, "plan_version", "incident plan version %d",
                              in->plan_version);
    if ((rc = mu_store_tx_enter(s, err)))
        return rc;
    struct mu_db_val p[] = {
        MU_DB_TEXT(in->plan_id),     MU_DB_INT(in->plan_version),
        MU_DB_TEXT(in->kind),        MU_DB_TEXT(in->level ? in->level : ""),
        MU_DB_TEXT(in->place),       MU_DB_TEXT(in->reporter),
        MU_DB_TEXT(in->fields_json ? in->fields_json : "{}"),
        MU_DB_INT(in->occurred_at),  MU_DB_INT(in->reported_at),
        MU_DB_INT(actor->now_ms),    MU_DB_TEXT(actor->name),
    };
    rc = mu_db_query_int(s->db,
                         "INSERT INTO incidents (plan_id, plan_version, kind, level, place, "
                         "reporter, fields_json, state, occurred_at, reported_at, created_at, "
                         "updated_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, "
                         "'reported', $8, $9, $10, $10, $11) RETURNING id",
                         p, 11, &new_id, &found, err);
    if (rc == MU_OK && !found)
        rc = mu_error_set(err, MU_ESTORE, "incident insert returned no id");
    if (rc == MU_OK) {
        char summary[MU_STORE_MAX_SUMMARY];
        snprintf(summary, sizeof(summary), "%s level %s, plan %s v%d", in->kind,
                 in->level && *in->level ? in->level : "-", in->plan_id, in->plan_version);
        rc = audit(s, actor, "incident.open", new_id, summary, err);
    }
    if (rc == MU_OK && id)
        *id = new_id;
    return mu_store_tx_leave(s, rc, err);
}

enum mu_err mu_store_incident_get(struct mu_store *s, int64_t id, int lock,
                                  struct mu_incident *out, struct mu_error *err)
{
    char sql[512];
    snprintf(sql, sizeof(sql), "SELECT %s FROM incidents WHERE id = $1%s", incident_cols,
             lock && is_pg(s) ? " FOR UPDATE" : "");
    struct mu_db_val p[] = {MU_DB_INT(id)};
    memset(out, 0, sizeof(*out));
    return read_one(s, sql, p, 1, sizeof(*out), incident_fill, incident_release_v, out,
                    "incident", id, err);
}

enum mu_err mu_store_incident_list(struct mu_store *s, int open_only, struct mu_incident **out,
                                   size_t *n, struct mu_error *err)
{
    char sql[512];
    snprintf(sql, sizeof(sql), "SELECT %s FROM incidents %s ORDER BY id DESC", incident_cols,
             open_only ? "WHERE state <> 'closed'" : "");
    return read_rows(s, sql, NULL, 0, sizeof(**out), incident_fill, incident_release_v,
                     (void **)out, n, err);
}

enum mu_err mu_store_incident_update(struct mu_store *s, const struct mu_actor *actor, int64_t id,
                                     const struct mu_incident_update *u, const char *summary,
                                     struct mu_error *err)
{
    enum mu_err rc = mu_store_check_actor(actor, err);
    int64_t one = 0;
    int found = 0;
    if (rc)
        return rc;
    if ((rc = mu_store_tx_enter(s, err)))
        return rc;
    struct mu_db_val p[] = {
        MU_DB_INT(id),
        MU_DB_INT(u->has_state),
        MU_DB_TEXT(mu_incident_state_name(u->state)),
        MU_DB_INT(u->has_activated),
        MU_DB_INT(u->activated_at),
        MU_DB_TEXT(u->activated_by ? u->activated_by : ""),
        MU_DB_INT(u->has_closed),
        MU_DB_INT(u->closed_at),
        MU_DB_INT(u->criteria_json != NULL),
        MU_DB_TEXT(u->criteria_json ? u->criteria_json : "[]"),
        MU_DB_INT(actor->now_ms),
    };
    rc = mu_db_query_int(
        s->db,
        "UPDATE incidents SET "
        "state = CASE WHEN $2 = 1 THEN $3 ELSE state END, "
        "activated_at = CASE WHEN $4 = 1 THEN $5 ELSE activated_at END, "
        "activated_by = CASE WHEN $4 = 1 THEN $6 ELSE activated_by END, "
        "closed_at = CASE WHEN $7 = 1 THEN $8 ELSE closed_at END, "
        "criteria_json = CASE WHEN $9 = 1 THEN $10 ELSE criteria_json END, "
        "updated_at = $11 WHERE id = $1 RETURNING 1",
        p, 11, &one, &found, err);
    if (rc == MU_OK && !found)
        rc = mu_error_set(err, MU_ENOTFOUND, "no incident %" PRId64, id);
    if (rc == MU_OK)
        rc = audit(s, actor, "incident.update", id, summary, err);
    return mu_store_tx_leave(s, rc, err);
}

/* ---------------------------------------------------------------- timeline */

void mu_incident_events_free(struct mu_incident_event *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) {
        mu_free(v[i].kind);
        mu_free(v[i].person);
        mu_free(v[i].channel);
        mu_free(v[i].text);
        mu_free(v[i].data);
        mu_free(v[i].recorded_by);
    }
    mu_free(v);
}

static void event_release_v(void *p)
{
    struct mu_incident_event *e = p;
    mu_free(e->kind);
    mu_free(e->person);
    mu_free(e->channel);
    mu_free(e->text);
    mu_free(e->data);
    mu_free(e->recorded_by);
}

static int event_fill(struct mu_db_rows *r, void *item)
{
    struct mu_incident_event *e = item;
    int bad = 0;
    e->id = mu_db_int(r, 0);
    e->incident_id = mu_db_int(r, 1);
    e->seq = mu_db_int(r, 2);
    e->at = mu_db_int(r, 3);
    e->kind = dup(r, 4, &bad);
    e->person = dup(r, 5, &bad);
    e->channel = dup(r, 6, &bad);
    e->text = dup(r, 7, &bad);
    e->data = dup(r, 8, &bad);
    e->recorded_at = mu_db_int(r, 9);
    e->recorded_by = dup(r, 10, &bad);
    return !bad;
}

enum mu_err mu_store_incident_event_add(struct mu_store *s, const struct mu_actor *actor,
                                        int64_t id, const struct mu_incident_event_new *e,
                                        int64_t *seq, struct mu_error *err)
{
    enum mu_err rc = mu_store_check_actor(actor, err);
    int64_t next = 0;
    int found = 0;
    if (rc || (rc = check_text("event kind", e->kind, 64, 0, err)) ||
        (rc = check_text("person", e->person ? e->person : "", MU_STORE_MAX_NAME, 1, err)) ||
        (rc = check_text("channel", e->channel ? e->channel : "", 64, 1, err)) ||
        (rc = check_text("text", e->text ? e->text : "", MU_INCIDENT_MAX_TEXT, 1, err)) ||
        (rc = check_text("data", e->data ? e->data : "", 64 * 1024, 1, err)))
        return rc;
    if ((rc = mu_store_tx_enter(s, err)))
        return rc;
    struct mu_db_val p1[] = {MU_DB_INT(id)};
    rc = mu_db_query_int(s->db,
                         "SELECT COALESCE(MAX(seq), 0) + 1 FROM incident_events "
                         "WHERE incident_id = $1",
                         p1, 1, &next, &found, err);
    if (rc == MU_OK) {
        struct mu_db_val p[] = {
            MU_DB_INT(id),
            MU_DB_INT(next),
            MU_DB_INT(e->at),
            MU_DB_TEXT(e->kind),
            MU_DB_TEXT(e->person ? e->person : ""),
            MU_DB_TEXT(e->channel ? e->channel : ""),
            MU_DB_TEXT(e->text ? e->text : ""),
            MU_DB_TEXT(e->data ? e->data : ""),
            MU_DB_INT(actor->now_ms),
            MU_DB_TEXT(actor->name),
        };
        rc = mu_db_exec(s->db,
                        "INSERT INTO incident_events (incident_id, seq, at, kind, person, "
                        "channel, text, data, recorded_at, recorded_by) "
                        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                        p, 10, err);
    }
    if (rc == MU_OK) {
        char summary[MU_STORE_MAX_SUMMARY];
        snprintf(summary, sizeof(summary), "#%" PRId64 " %s%s%s", next, e->kind,
                 e->person && *e->person ? " " : "", e->person ? e->person : "");
        rc = audit(s, actor, "incident.event", id, summary, err);
    }
    if (rc == MU_OK && seq)
        *seq = next;
    return mu_store_tx_leave(s, rc, err);
}

enum mu_err mu_store_incident_events(struct mu_store *s, int64_t id,
                                     struct mu_incident_event **out, size_t *n,
                                     struct mu_error *err)
{
    struct mu_db_val p[] = {MU_DB_INT(id)};
    return read_rows(s,
                     "SELECT id, incident_id, seq, at, kind, person, channel, text, data, "
                     "recorded_at, recorded_by FROM incident_events WHERE incident_id = $1 "
                     "ORDER BY at, seq",
                     p, 1, sizeof(**out), event_fill, event_release_v, (void **)out, n, err);
}

/* ---------------------------------------------------------------- tasks */

void mu_incident_task_release(struct mu_incident_task *t)
{
    if (!t)
        return;
    mu_free(t->team);
    mu_free(t->owner);
    mu_free(t->text);
    mu_free(t->done_by);
    memset(t, 0, sizeof(*t));
}

static void task_release_v(void *p)
{
    mu_incident_task_release(p);
}

void mu_incident_tasks_free(struct mu_incident_task *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        mu_incident_task_release(&v[i]);
    mu_free(v);
}

static int task_fill(struct mu_db_rows *r, void *item)
{
    struct mu_incident_task *t = item;
    int bad = 0;
    t->id = mu_db_int(r, 0);
    t->incident_id = mu_db_int(r, 1);
    t->seq = (int)mu_db_int(r, 2);
    t->team = dup(r, 3, &bad);
    t->owner = dup(r, 4, &bad);
    t->text = dup(r, 5, &bad);
    t->done_at = mu_db_int(r, 6);
    t->done_by = dup(r, 7, &bad);
    return !bad;
}

#define TASK_COLS "id, incident_id, seq, team, owner, text, done_at, done_by"

enum mu_err mu_store_incident_task_add(struct mu_store *s, const struct mu_actor *actor,
                                       int64_t incident, int seq, const char *team,
                                       const char *owner, const char *text, int64_t *id,
                                       struct mu_error *err)
{
    enum mu_err rc = mu_store_check_actor(actor, err);
    int64_t new_id = 0;
    int found = 0;
    if (rc || (rc = check_text("team", team, MU_STORE_MAX_NAME, 0, err)) ||
        (rc = check_text("owner", owner ? owner : "", MU_STORE_MAX_NAME, 1, err)) ||
        (rc = check_text("task", text, MU_INCIDENT_MAX_TEXT, 0, err)))
        return rc;
    if ((rc = mu_store_tx_enter(s, err)))
        return rc;
    struct mu_db_val p[] = {MU_DB_INT(incident), MU_DB_INT(seq), MU_DB_TEXT(team),
                            MU_DB_TEXT(owner ? owner : ""), MU_DB_TEXT(text)};
    rc = mu_db_query_int(s->db,
                         "INSERT INTO incident_tasks (incident_id, seq, team, owner, text) "
                         "VALUES ($1, $2, $3, $4, $5) RETURNING id",
                         p, 5, &new_id, &found, err);
    if (rc == MU_OK) {
        char summary[MU_STORE_MAX_SUMMARY];
        snprintf(summary, sizeof(summary), "task %" PRId64 " for team %s, owner %s", new_id,
                 team, owner && *owner ? owner : "-");
        rc = audit(s, actor, "incident.task", incident, summary, err);
    }
    if (rc == MU_OK && id)
        *id = new_id;
    return mu_store_tx_leave(s, rc, err);
}

enum mu_err mu_store_incident_task_get(struct mu_store *s, int64_t id,
                                       struct mu_incident_task *out, struct mu_error *err)
{
    struct mu_db_val p[] = {MU_DB_INT(id)};
    memset(out, 0, sizeof(*out));
    return read_one(s, "SELECT " TASK_COLS " FROM incident_tasks WHERE id = $1", p, 1,
                    sizeof(*out), task_fill, task_release_v, out, "task", id, err);
}

enum mu_err mu_store_incident_task_done(struct mu_store *s, const struct mu_actor *actor,
                                        int64_t id, int64_t at, const char *by,
                                        struct mu_error *err)
{
    enum mu_err rc = mu_store_check_actor(actor, err);
    int64_t incident = 0;
    int found = 0;
    if (rc || (rc = check_text("by", by, MU_STORE_MAX_NAME, 0, err)))
        return rc;
    if ((rc = mu_store_tx_enter(s, err)))
        return rc;
    struct mu_db_val p[] = {MU_DB_INT(id), MU_DB_INT(at), MU_DB_TEXT(by)};
    rc = mu_db_query_int(s->db,
                         "UPDATE incident_tasks SET done_at = $2, done_by = $3 "
                         "WHERE id = $1 AND done_at = 0 RETURNING incident_id",
                         p, 3, &incident, &found, err);
    if (rc == MU_OK && !found) {
        int64_t x = 0;
        struct mu_db_val q[] = {MU_DB_INT(id)};
        rc = mu_db_query_int(s->db, "SELECT 1 FROM incident_tasks WHERE id = $1", q, 1, &x,
                             &found, err);
        if (rc == MU_OK)
            rc = found ? mu_error_set(err, MU_ECONFLICT, "task %" PRId64 " is already done", id)
                       : mu_error_set(err, MU_ENOTFOUND, "no task %" PRId64, id);
    }
    if (rc == MU_OK) {
        char summary[MU_STORE_MAX_SUMMARY];
        snprintf(summary, sizeof(summary), "task %" PRId64 " done by %s", id, by);
        rc = audit(s, actor, "incident.task_done", incident, summary, err);
    }
    return mu_store_tx_leave(s, rc, err);
}

enum mu_err mu_store_incident_tasks(struct mu_store *s, int64_t incident,
                                    struct mu_incident_task **out, size_t *n,
                                    struct mu_error *err)
{
    struct mu_db_val p[] = {MU_DB_INT(incident)};
    return read_rows(s,
                     "SELECT " TASK_COLS " FROM incident_tasks WHERE incident_id = $1 "
                     "ORDER BY seq, id",
                     p, 1, sizeof(**out), task_fill, task_release_v, (void **)out, n, err);
}

/* ---------------------------------------------------------------- deadlines */

const char *mu_deadline_state_name(enum mu_deadline_state st)
{
    switch (st) {
    case MU_DL_PENDING: return "pending";
    case MU_DL_MET: return "met";
    case MU_DL_MISSED: return "missed";
    }
    return "?";
}

static enum mu_deadline_state dl_state(const char *s)
{
    if (s && strcmp(s, "met") == 0)
        return MU_DL_MET;
    if (s && strcmp(s, "missed") == 0)
        return MU_DL_MISSED;
    return MU_DL_PENDING;
}

static enum mu_esc_deadline_kind dl_kind(const char *s)
{
    if (s && strcmp(s, "ack") == 0)
        return MU_DEADLINE_ACK;
    if (s && strcmp(s, "assembly") == 0)
        return MU_DEADLINE_ASSEMBLY;
    return MU_DEADLINE_REPORT;
}

void mu_incident_deadline_release(struct mu_incident_deadline *d)
{
    if (!d)
        return;
    mu_free(d->name);
    mu_free(d->policy_id);
    mu_free(d->target);
    memset(d, 0, sizeof(*d));
}

static void deadline_release_v(void *p)
{
    mu_incident_deadline_release(p);
}

void mu_incident_deadlines_free(struct mu_incident_deadline *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        mu_incident_deadline_release(&v[i]);
    mu_free(v);
}

static int deadline_fill(struct mu_db_rows *r, void *item)
{
    struct mu_incident_deadline *d = item;
    int bad = 0;
    d->id = mu_db_int(r, 0);
    d->incident_id = mu_db_int(r, 1);
    d->kind = dl_kind(mu_db_text(r, 2));
    d->name = dup(r, 3, &bad);
    d->policy_id = dup(r, 4, &bad);
    d->step = (int)mu_db_int(r, 5);
    d->target = dup(r, 6, &bad);
    d->need = mu_db_int(r, 7);
    d->due_at = mu_db_int(r, 8);
    d->state = dl_state(mu_db_text(r, 9));
    d->met_at = mu_db_int(r, 10);
    return !bad;
}

#define DL_COLS "id, incident_id, kind, name, policy_id, step, target, need, due_at, state, met_at"

enum mu_err mu_store_incident_deadline_add(struct mu_store *s, const struct mu_actor *actor,
                                           int64_t incident, enum mu_esc_deadline_kind kind,
                                           const char *name, const char *policy_id, int step,
                                           const char *target, int64_t need, int64_t due_at,
                                           int64_t *id, struct mu_error *err)
{
    enum mu_err rc = mu_store_check_actor(actor, err);
    int64_t new_id = 0;
    int found = 0;
    if (rc || (rc = check_text("deadline name", name, 1000, 0, err)) ||
        (rc = check_text("policy", policy_id, MU_STORE_MAX_NAME, 0, err)) ||
        (rc = check_text("target", target ? target : "", 1000, 1, err)))
        return rc;
    if ((rc = mu_store_tx_enter(s, err)))
        return rc;
    struct mu_db_val p[] = {
        MU_DB_INT(incident),  MU_DB_TEXT(mu_esc_deadline_kind_name(kind)),
        MU_DB_TEXT(name),     MU_DB_TEXT(policy_id),
        MU_DB_INT(step),      MU_DB_TEXT(target ? target : ""),
        MU_DB_INT(need),      MU_DB_INT(due_at),
    };
    rc = mu_db_query_int(s->db,
                         "INSERT INTO incident_deadlines (incident_id, kind, name, policy_id, "
                         "step, target, need, due_at, state) "
                         "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending') RETURNING id",
                         p, 8, &new_id, &found, err);
    if (rc == MU_OK) {
        char summary[MU_STORE_MAX_SUMMARY];
        snprintf(summary, sizeof(summary), "deadline %" PRId64 " (%s, policy %s)", new_id,
                 mu_esc_deadline_kind_name(kind), policy_id);
        rc = audit(s, actor, "incident.deadline", incident, summary, err);
    }
    if (rc == MU_OK && id)
        *id = new_id;
    return mu_store_tx_leave(s, rc, err);
}

enum mu_err mu_store_incident_deadline_get(struct mu_store *s, int64_t id,
                                           struct mu_incident_deadline *out,
                                           struct mu_error *err)
{
    struct mu_db_val p[] = {MU_DB_INT(id)};
    memset(out, 0, sizeof(*out));
    return read_one(s, "SELECT " DL_COLS " FROM incident_deadlines WHERE id = $1", p, 1,
                    sizeof(*out), deadline_fill, deadline_release_v, out, "deadline", id, err);
}

enum mu_err mu_store_incident_deadline_set(struct mu_store *s, const struct mu_actor *actor,
                                           int64_t id, enum mu_deadline_state st, int64_t at,
                                           struct mu_error *err)
{
    enum mu_err rc = mu_store_check_actor(actor, err);
    int64_t incident = 0;
    int found = 0;
    if (rc)
        return rc;
    if (st == MU_DL_PENDING)
        return mu_error_set(err, MU_EINVAL, "a deadline cannot become pending again");
    if ((rc = mu_store_tx_enter(s, err)))
        return rc;
    struct mu_db_val p[] = {MU_DB_INT(id), MU_DB_INT(at)};
    if (st == MU_DL_MET)
        rc = mu_db_query_int(s->db,
                             "UPDATE incident_deadlines SET state = CASE WHEN state = 'pending' "
                             "THEN 'met' ELSE state END, met_at = $2 "
                             "WHERE id = $1 AND met_at = 0 AND state IN ('pending', 'missed') "
                             "RETURNING incident_id",
                             p, 2, &incident, &found, err);
    else
        rc = mu_db_query_int(s->db,
                             "UPDATE incident_deadlines SET state = 'missed' "
                             "WHERE id = $1 AND state = 'pending' RETURNING incident_id",
                             p, 1, &incident, &found, err);
    if (rc == MU_OK && !found)
        rc = mu_error_set(err, MU_ECONFLICT, "deadline %" PRId64 " cannot become %s", id,
                          mu_deadline_state_name(st));
    if (rc == MU_OK) {
        char summary[MU_STORE_MAX_SUMMARY];
        snprintf(summary, sizeof(summary), "deadline %" PRId64 " %s", id,
                 mu_deadline_state_name(st));
        rc = audit(s, actor, "incident.deadline_set", incident, summary, err);
    }
    return mu_store_tx_leave(s, rc, err);
}

enum mu_err mu_store_incident_deadlines(struct mu_store *s, int64_t incident,
                                        struct mu_incident_deadline **out, size_t *n,
                                        struct mu_error *err)
{
    struct mu_db_val p[] = {MU_DB_INT(incident)};
    return read_rows(s,
                     "SELECT " DL_COLS " FROM incident_deadlines WHERE incident_id = $1 "
                     "ORDER BY due_at, id",
                     p, 1, sizeof(**out), deadline_fill, deadline_release_v, (void **)out, n,
                     err);
}

/* ---------------------------------------------------------------- chains */

static const char *const chain_names[] = {"pending", "waiting",   "stopped",
                                          "done",    "exhausted", "cancelled"};

const char *mu_chain_state_name(enum mu_chain_state st)
{
    return (unsigned)st < 6 ? chain_names[st] : "?";
}

void mu_incident_chain_release(struct mu_incident_chain *c)
{
    if (!c)
        return;
    mu_free(c->policy_id);
    memset(c, 0, sizeof(*c));
}

static void chain_release_v(void *p)
{
    mu_incident_chain_release(p);
}

void mu_incident_chains_free(struct mu_incident_chain *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        mu_incident_chain_release(&v[i]);
    mu_free(v);
}

static int chain_fill(struct mu_db_rows *r, void *item)
{
    struct mu_incident_chain *c = item;
    int bad = 0;
    c->id = mu_db_int(r, 0);
    c->incident_id = mu_db_int(r, 1);
    c->policy_id = dup(r, 2, &bad);
    c->step = (int)mu_db_int(r, 3);
    const char *st = mu_db_text(r, 4);
    c->state = MU_CHAIN_PENDING;
    for (int i = 0; st && i < 6; i++)
        if (strcmp(st, chain_names[i]) == 0)
            c->state = (enum mu_chain_state)i;
    c->deadline_id = mu_db_int(r, 5);
    c->step_at = mu_db_int(r, 6);
    return !bad;
}

#define CHAIN_COLS "id, incident_id, policy_id, step, state, deadline_id, step_at"

enum mu_err mu_store_incident_chain_add(struct mu_store *s, const struct mu_actor *actor,
                                        int64_t incident, const char *policy_id, int64_t *id,
                                        struct mu_error *err)
{
    enum mu_err rc = mu_store_check_actor(actor, err);
    int64_t new_id = 0;
    int found = 0;
    if (rc || (rc = check_text("policy", policy_id, MU_STORE_MAX_NAME, 0, err)))
        return rc;
    if ((rc = mu_store_tx_enter(s, err)))
        return rc;
    struct mu_db_val p[] = {MU_DB_INT(incident), MU_DB_TEXT(policy_id)};
    rc = mu_db_query_int(s->db,
                         "INSERT INTO incident_chains (incident_id, policy_id, step, state) "
                         "VALUES ($1, $2, 0, 'pending') RETURNING id",
                         p, 2, &new_id, &found, err);
    if (rc == MU_OK) {
        char summary[MU_STORE_MAX_SUMMARY];
        snprintf(summary, sizeof(summary), "chain %" PRId64 " for policy %s", new_id, policy_id);
        rc = audit(s, actor, "incident.chain", incident, summary, err);
    }
    if (rc == MU_OK && id)
        *id = new_id;
    return mu_store_tx_leave(s, rc, err);
}

enum mu_err mu_store_incident_chain_get(struct mu_store *s, int64_t id,
                                        struct mu_incident_chain *out, struct mu_error *err)
{
    struct mu_db_val p[] = {MU_DB_INT(id)};
    memset(out, 0, sizeof(*out));
    return read_one(s, "SELECT " CHAIN_COLS " FROM incident_chains WHERE id = $1", p, 1,
                    sizeof(*out), chain_fill, chain_release_v, out, "chain", id, err);
}

enum mu_err mu_store_incident_chain_set(struct mu_store *s, const struct mu_actor *actor,
                                        int64_t id, int step, enum mu_chain_state st,
                                        int64_t deadline_id, int64_t step_at,
                                        struct mu_error *err)
{
    enum mu_err rc = mu_store_check_actor(actor, err);
    int64_t incident = 0;
    int found = 0;
    if (rc)
        return rc;
    if ((rc = mu_store_tx_enter(s, err)))
        return rc;
    struct mu_db_val p[] = {MU_DB_INT(id), MU_DB_INT(step), MU_DB_TEXT(mu_chain_state_name(st)),
                            MU_DB_INT(deadline_id), MU_DB_INT(step_at)};
    rc = mu_db_query_int(s->db,
                         "UPDATE incident_chains SET step = $2, state = $3, deadline_id = $4, "
                         "step_at = $5 WHERE id = $1 RETURNING incident_id",
                         p, 5, &incident, &found, err);
    if (rc == MU_OK && !found)
        rc = mu_error_set(err, MU_ENOTFOUND, "no chain %" PRId64, id);
    if (rc == MU_OK) {
        char summary[MU_STORE_MAX_SUMMARY];
        snprintf(summary, sizeof(summary), "chain %" PRId64 " step %d %s", id, step + 1,
                 mu_chain_state_name(st));
        rc = audit(s, actor, "incident.chain_set", incident, summary, err);
    }
    return mu_store_tx_leave(s, rc, err);
}

enum mu_err mu_store_incident_chains(struct mu_store *s, int64_t incident,
                                     struct mu_incident_chain **out, size_t *n,
                                     struct mu_error *err)
{
    struct mu_db_val p[] = {MU_DB_INT(incident)};
    return read_rows(s,
                     "SELECT " CHAIN_COLS " FROM incident_chains WHERE incident_id = $1 "
                     "ORDER BY id",
                     p, 1, sizeof(**out), chain_fill, chain_release_v, (void **)out, n, err);
}

/* ---------------------------------------------------------------- sends, acks, arrivals */

enum mu_err mu_store_incident_send_add(struct mu_store *s, const struct mu_actor *actor,
                                       int64_t incident, const struct mu_incident_send_new *v,
                                       struct mu_error *err)
{
    enum mu_err rc = mu_store_check_actor(actor, err);
    if (rc || (rc = check_text("purpose", v->purpose, 32, 0, err)) ||
        (rc = check_text("person", v->person, MU_STORE_MAX_NAME, 0, err)) ||
        (rc = check_text("channel", v->channel ? v->channel : "", 64, 1, err)))
        return rc;
    if ((rc = mu_store_tx_enter(s, err)))
        return rc;
    struct mu_db_val p[] = {
        MU_DB_INT(incident),     MU_DB_INT(v->deadline_id), MU_DB_INT(v->chain_id),
        MU_DB_INT(v->step),      MU_DB_TEXT(v->purpose),    MU_DB_TEXT(v->person),
        MU_DB_TEXT(v->channel ? v->channel : ""),          MU_DB_INT(v->at),
        MU_DB_INT(v->outbox_id),
    };
    rc = mu_db_exec(s->db,
                    "INSERT INTO incident_sends (incident_id, deadline_id, chain_id, step, "
                    "purpose, person, channel, at, outbox_id) "
                    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                    p, 9, err);
    if (rc == MU_OK) {
        char summary[MU_STORE_MAX_SUMMARY];
        snprintf(summary, sizeof(summary), "%s message to %s", v->purpose, v->person);
        rc = audit(s, actor, "incident.send", incident, summary, err);
    }
    return mu_store_tx_leave(s, rc, err);
}

enum mu_err mu_store_incident_deadline_acks(struct mu_store *s, int64_t deadline_id, int64_t at,
                                            int64_t *acked, int64_t *sent, struct mu_error *err)
{
    int found = 0;
    struct mu_db_val p[] = {MU_DB_INT(deadline_id), MU_DB_INT(at)};
    *acked = 0;
    enum mu_err rc = mu_db_query_int(
        s->db,
        "SELECT COUNT(DISTINCT a.person) FROM incident_sends d JOIN incident_acks a "
        "ON a.incident_id = d.incident_id AND a.person = d.person "
        "WHERE d.deadline_id = $1 AND a.at <= $2",
        p, 2, acked, &found, err);
    if (rc == MU_OK && sent) {
        struct mu_db_val q[] = {MU_DB_INT(deadline_id)};
        *sent = 0;
        rc = mu_db_query_int(s->db,
                             "SELECT COUNT(DISTINCT person) FROM incident_sends "
                             "WHERE deadline_id = $1",
                             q, 1, sent, &found, err);
    }
    return rc;
}

enum mu_err mu_store_incident_deadlines_for(struct mu_store *s, int64_t incident,
                                            const char *person, int64_t **out, size_t *n,
                                            struct mu_error *err)
{
    struct mu_db_rows *r = NULL;
    int has = 0;
    size_t k = 0, cap = 0;
    int64_t *v = NULL;
    *out = NULL;
    *n = 0;
    struct mu_db_val p[] = {MU_DB_INT(incident), MU_DB_TEXT(person)};
    enum mu_err rc = mu_db_query(s->db,
                                 "SELECT DISTINCT d.id FROM incident_deadlines d "
                                 "JOIN incident_sends x ON x.deadline_id = d.id "
                                 "WHERE d.incident_id = $1 AND x.person = $2 AND d.met_at = 0 "
                                 "ORDER BY d.id",
                                 p, 2, &r, err);
    while (rc == MU_OK && (rc = mu_db_next(r, &has, err)) == MU_OK && has) {
        if (k == cap) {
            size_t ncap = cap ? cap * 2 : 8;
            int64_t *nv = mu_realloc(v, ncap * sizeof(*v));
            if (!nv) {
                rc = nomem(err);
                break;
            }
            v = nv;
            cap = ncap;
        }
        v[k++] = mu_db_int(r, 0);
    }
    mu_db_finish(r);
    if (rc || !k) {
        mu_free(v);
        return rc;
    }
    *out = v;
    *n = k;
    return MU_OK;
}

/* Insert (incident, person, at) into @p table unless the person is there. */
static enum mu_err once(struct mu_store *s, const struct mu_actor *actor, const char *table,
                        const char *action, int64_t incident, const char *person, int64_t at,
                        int *first, struct mu_error *err)
{
    enum mu_err rc = mu_store_check_actor(actor, err);
    int64_t x = 0;
    int found = 0;
    char sql[256];
    if (first)
        *first = 0;
    if (rc || (rc = check_text("person", person, MU_STORE_MAX_NAME, 0, err)))
        return rc;
    if ((rc = mu_store_tx_enter(s, err)))
        return rc;
    struct mu_db_val p[] = {MU_DB_INT(incident), MU_DB_TEXT(person), MU_DB_INT(at)};
    snprintf(sql, sizeof(sql), "SELECT 1 FROM %s WHERE incident_id = $1 AND person = $2", table);
    rc = mu_db_query_int(s->db, sql, p, 2, &x, &found, err);
    if (rc == MU_OK && !found) {
        snprintf(sql, sizeof(sql), "INSERT INTO %s (incident_id, person, at) VALUES ($1, $2, $3)",
                 table);
        rc = mu_db_exec(s->db, sql, p, 3, err);
        if (rc == MU_OK) {
            char summary[MU_STORE_MAX_SUMMARY];
            snprintf(summary, sizeof(summary), "%s", person);
            rc = audit(s, actor, action, incident, summary, err);
        }
        if (rc == MU_OK && first)
            *first = 1;
    }
    return mu_store_tx_leave(s, rc, err);
}

enum mu_err mu_store_incident_ack(struct mu_store *s, const struct mu_actor *actor,
                                  int64_t incident, const char *person, int64_t at, int *first,
                                  struct mu_error *err)
{
    return once(s, actor, "incident_acks", "incident.ack", incident, person, at, first, err);
}

enum mu_err mu_store_incident_arrive(struct mu_store *s, const struct mu_actor *actor,
                                     int64_t incident, const char *person, int64_t at,
                                     int *first, struct mu_error *err)
{
    return once(s, actor, "incident_arrivals", "incident.arrive", incident, person, at, first,
                err);
}

enum mu_err mu_store_incident_acked(struct mu_store *s, int64_t incident, const char *person,
                                    int64_t at, int *acked, struct mu_error *err)
{
    int64_t x = 0;
    struct mu_db_val p[] = {MU_DB_INT(incident), MU_DB_TEXT(person), MU_DB_INT(at)};
    return mu_db_query_int(s->db,
                           "SELECT 1 FROM incident_acks WHERE incident_id = $1 AND person = $2 "
                           "AND at <= $3",
                           p, 3, &x, acked, err);
}

/* ---------------------------------------------------------------- attachments */

void mu_incident_attachments_free(struct mu_incident_attachment *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) {
        mu_free(v[i].name);
        mu_free(v[i].mime);
        mu_free(v[i].added_by);
    }
    mu_free(v);
}

static void attachment_release_v(void *p)
{
    struct mu_incident_attachment *a = p;
    mu_free(a->name);
    mu_free(a->mime);
    mu_free(a->added_by);
}

static int attachment_fill(struct mu_db_rows *r, void *item)
{
    struct mu_incident_attachment *a = item;
    int bad = 0;
    a->id = mu_db_int(r, 0);
    a->incident_id = mu_db_int(r, 1);
    a->name = dup(r, 2, &bad);
    a->mime = dup(r, 3, &bad);
    a->size = mu_db_int(r, 4);
    const char *h = mu_db_text(r, 5);
    snprintf(a->sha256, sizeof(a->sha256), "%s", h ? h : "");
    a->added_at = mu_db_int(r, 6);
    a->added_by = dup(r, 7, &bad);
    return !bad;
}

enum mu_err mu_store_incident_attach(struct mu_store *s, const struct mu_actor *actor,
                                     int64_t incident, const char *name, const char *mime,
                                     const void *data, size_t len, const char *sha256_hex,
                                     int64_t *id, struct mu_error *err)
{
    enum mu_err rc = mu_store_check_actor(actor, err);
    int64_t new_id = 0;
    int found = 0;
    char *b64 = NULL;
    if (rc || (rc = check_text("file name", name, 255, 0, err)) ||
        (rc = check_text("type", mime, 100, 0, err)) ||
        (rc = check_text("checksum", sha256_hex, 64, 0, err)))
        return rc;
    if (len > MU_INCIDENT_MAX_ATTACHMENT)
        return mu_error_set(err, MU_ELIMIT, "attachment of %zu bytes is over the limit", len);
    size_t b64len = sodium_base64_encoded_len(len, sodium_base64_VARIANT_ORIGINAL);
    if (!(b64 = mu_malloc(b64len)))
        return nomem(err);
    sodium_bin2base64(b64, b64len, data, len, sodium_base64_VARIANT_ORIGINAL);
    if ((rc = mu_store_tx_enter(s, err))) {
        mu_free(b64);
        return rc;
    }
    struct mu_db_val p[] = {MU_DB_INT(incident),     MU_DB_TEXT(name),
                            MU_DB_TEXT(mime),        MU_DB_INT((int64_t)len),
                            MU_DB_TEXT(sha256_hex),  MU_DB_TEXT(b64),
                            MU_DB_INT(actor->now_ms), MU_DB_TEXT(actor->name)};
    rc = mu_db_query_int(s->db,
                         "INSERT INTO incident_attachments (incident_id, name, mime, size, "
                         "sha256, data_b64, added_at, added_by) "
                         "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                         p, 8, &new_id, &found, err);
    if (rc == MU_OK) {
        char summary[MU_STORE_MAX_SUMMARY];
        snprintf(summary, sizeof(summary), "attachment %" PRId64 ", %zu bytes, sha256 %s",
                 new_id, len, sha256_hex);
        rc = audit(s, actor, "incident.attach", incident, summary, err);
    }
    if (rc == MU_OK && id)
        *id = new_id;
    mu_free(b64);
    return mu_store_tx_leave(s, rc, err);
}

enum mu_err mu_store_incident_attachments(struct mu_store *s, int64_t incident,
                                          struct mu_incident_attachment **out, size_t *n,
                                          struct mu_error *err)
{
    struct mu_db_val p[] = {MU_DB_INT(incident)};
    return read_rows(s,
                     "SELECT id, incident_id, name, mime, size, sha256, added_at, added_by "
                     "FROM incident_attachments WHERE incident_id = $1 ORDER BY id",
                     p, 1, sizeof(**out), attachment_fill, attachment_release_v, (void **)out,
                     n, err);
}

enum mu_err mu_store_incident_attachment_data(struct mu_store *s, int64_t id, void **data,
                                              size_t *len, struct mu_error *err)
{
    struct mu_db_rows *r = NULL;
    int has = 0;
    *data = NULL;
    *len = 0;
    struct mu_db_val p[] = {MU_DB_INT(id)};
    enum mu_err rc = mu_db_query(
        s->db, "SELECT data_b64, size FROM incident_attachments WHERE id = $1", p, 1, &r, err);
    if (rc == MU_OK)
        rc = mu_db_next(r, &has, err);
    if (rc == MU_OK && !has)
        rc = mu_error_set(err, MU_ENOTFOUND, "no attachment %" PRId64, id);
    if (rc == MU_OK) {
        const char *b64 = mu_db_text(r, 0);
        size_t size = (size_t)mu_db_int(r, 1), got = 0;
        unsigned char *buf = mu_malloc(size ? size : 1);
        if (!buf)
            rc = nomem(err);
        else if (sodium_base642bin(buf, size ? size : 1, b64 ? b64 : "", b64 ? strlen(b64) : 0,
                                   NULL, &got, NULL, sodium_base64_VARIANT_ORIGINAL) != 0 ||
                 got != size) {
            mu_free(buf);
            rc = mu_error_set(err, MU_ESTORE, "attachment %" PRId64 " is damaged", id);
        } else {
            *data = buf;
            *len = got;
        }
    }
    mu_db_finish(r);
    return rc;
}

/* ---------------------------------------------------------------- reports */

void mu_incident_report_release(struct mu_incident_report *r)
{
    if (!r)
        return;
    mu_free(r->body_md);
    mu_free(r->source);
    mu_free(r->created_by);
    memset(r, 0, sizeof(*r));
}

static void report_release_v(void *p)
{
    mu_incident_report_release(p);
}

static int report_fill(struct mu_db_rows *r, void *item)
{
    struct mu_incident_report *x = item;
    int bad = 0;
    x->id = mu_db_int(r, 0);
    x->incident_id = mu_db_int(r, 1);
    x->revision = (int)mu_db_int(r, 2);
    x->body_md = dup(r, 3, &bad);
    x->source = dup(r, 4, &bad);
    x->created_at = mu_db_int(r, 5);
    x->created_by = dup(r, 6, &bad);
    return !bad;
}

enum mu_err mu_store_incident_report_add(struct mu_store *s, const struct mu_actor *actor,
                                         int64_t incident, const char *body_md,
                                         const char *source, int *revision,
                                         struct mu_error *err)
{
    enum mu_err rc = mu_store_check_actor(actor, err);
    int64_t next = 0;
    int found = 0;
    if (rc || (rc = check_text("report", body_md, MU_INCIDENT_MAX_REPORT, 0, err)) ||
        (rc = check_text("report source", source, 16, 0, err)))
        return rc;
    if ((rc = mu_store_tx_enter(s, err)))
        return rc;
    struct mu_db_val p1[] = {MU_DB_INT(incident)};
    rc = mu_db_query_int(s->db,
                         "SELECT COALESCE(MAX(revision), 0) + 1 FROM incident_reports "
                         "WHERE incident_id = $1",
                         p1, 1, &next, &found, err);
    if (rc == MU_OK) {
        struct mu_db_val p[] = {MU_DB_INT(incident), MU_DB_INT(next), MU_DB_TEXT(body_md),
                                MU_DB_TEXT(source), MU_DB_INT(actor->now_ms),
                                MU_DB_TEXT(actor->name)};
        rc = mu_db_exec(s->db,
                        "INSERT INTO incident_reports (incident_id, revision, body_md, source, "
                        "created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6)",
                        p, 6, err);
    }
    if (rc == MU_OK) {
        char summary[MU_STORE_MAX_SUMMARY];
        snprintf(summary, sizeof(summary), "report revision %" PRId64 " (%s)", next, source);
        rc = audit(s, actor, "incident.report", incident, summary, err);
    }
    if (rc == MU_OK && revision)
        *revision = (int)next;
    return mu_store_tx_leave(s, rc, err);
}

enum mu_err mu_store_incident_report_get(struct mu_store *s, int64_t incident, int revision,
                                         int *found, struct mu_incident_report *out,
                                         struct mu_error *err)
{
    struct mu_incident_report *v = NULL;
    size_t n = 0;
    struct mu_db_val p[] = {MU_DB_INT(incident), MU_DB_INT(revision)};
    *found = 0;
    memset(out, 0, sizeof(*out));
    enum mu_err rc = read_rows(
        s,
        revision > 0 ? "SELECT id, incident_id, revision, body_md, source, created_at, created_by "
                       "FROM incident_reports WHERE incident_id = $1 AND revision = $2"
                     : "SELECT id, incident_id, revision, body_md, source, created_at, created_by "
                       "FROM incident_reports WHERE incident_id = $1 "
                       "ORDER BY revision DESC LIMIT 1",
        p, revision > 0 ? 2 : 1, sizeof(*v), report_fill, report_release_v, (void **)&v, &n, err);
    if (rc)
        return rc;
    if (n) {
        *out = v[0];
        *found = 1;
    }
    mu_free(v);
    return MU_OK;
}
