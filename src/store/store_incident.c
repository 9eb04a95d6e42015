/* SPDX-License-Identifier: MIT */
/*
 * Incidents in the store (include/muster/incident.h): the incident rows,
 * the append-only timeline, tasks, deadlines, escalation chains, messages
 * sent, acknowledgements, arrivals, attachments (base64 text: the db layer
 * binds text and integers only) and immutable report revisions. Every
 * change appends its audit entry "incident.*" on object "incident:ID" in
 * the same transaction. Reads copy rows into caller structs; each kind of
 * row is described once (struct row_kind) and read, looked up, listed and
 * freed by the same few helpers.
 */
#include "store/store_int.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdarg.h>
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

static enum mu_err no_such(struct mu_error *err, const char *what, int64_t id)
{
    return mu_error_set(err, MU_ENOTFOUND, "no %s %" PRId64, what, id);
}

/* Optional strings are stored as "". */
static const char *or_empty(const char *v)
{
    return v ? v : "";
}

/*
 * Like mu_store_check_str(), but the messages name the incident: "incident
 * place is empty".
 */
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

/* The index of @p name among the @p n @p names; 0 (the first) when NULL or absent. */
static int name_index(const char *name, const char *const *names, int n)
{
    for (int i = 0; name && i < n; i++)
        if (strcmp(name, names[i]) == 0)
            return i;
    return 0;
}

/* ---------------------------------------------------------------- changes */

/* Append audit entry @p action on "incident:@p incident" with @p summary (NULL: ""). */
static enum mu_err audit(struct mu_store *s, const struct mu_actor *actor, const char *action,
                         int64_t incident, const char *summary, struct mu_error *err)
{
    char object[48];
    snprintf(object, sizeof(object), "incident:%" PRId64, incident);
    return mu_store_audit_append_tx(s, actor, action, object, summary ? summary : "", err);
}

/* As audit(), with the summary formatted (and cut to MU_STORE_MAX_SUMMARY - 1 bytes). */
static enum mu_err auditf(struct mu_store *s, const struct mu_actor *actor, const char *action,
                          int64_t incident, struct mu_error *err, const char *fmt, ...)
    MU_PRINTF(6, 7);

static enum mu_err auditf(struct mu_store *s, const struct mu_actor *actor, const char *action,
                          int64_t incident, struct mu_error *err, const char *fmt, ...)
{
    char summary[MU_STORE_MAX_SUMMARY];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(summary, sizeof(summary), fmt, ap);
    va_end(ap);
    return audit(s, actor, action, incident, summary, err);
}

/* Run @p sql, an INSERT ... RETURNING id of a new @p what: its id in *id. */
static enum mu_err insert_id(struct mu_store *s, const char *sql, const struct mu_db_val *p,
                             int np, const char *what, int64_t *id, struct mu_error *err)
{
    int found = 0;
    enum mu_err rc = mu_db_query_int(s->db, sql, p, np, id, &found, err);
    if (rc == MU_OK && !found)
        rc = mu_error_set(err, MU_ESTORE, "%s insert returned no id", what);
    return rc;
}

/* Whether @p sql (a SELECT, or a change RETURNING something) gives a row: *found. */
static enum mu_err has_row(struct mu_store *s, const char *sql, const struct mu_db_val *p,
                           int np, int *found, struct mu_error *err)
{
    int64_t first = 0;
    return mu_db_query_int(s->db, sql, p, np, &first, found, err);
}

/* The next number in column @p col of @p table for @p incident: 1 + the highest so far. */
static enum mu_err next_number(struct mu_store *s, const char *col, const char *table,
                               int64_t incident, int64_t *next, struct mu_error *err)
{
    char sql[128];
    int found = 0;
    struct mu_db_val p[] = {MU_DB_INT(incident)};
    snprintf(sql, sizeof(sql), "SELECT COALESCE(MAX(%s), 0) + 1 FROM %s WHERE incident_id = $1",
             col, table);
    return mu_db_query_int(s->db, sql, p, 1, next, &found, err);
}

/* End the unit of work of an addition; when it worked, *out (may be NULL) gets @p value first. */
static enum mu_err leave_with(struct mu_store *s, enum mu_err rc, int64_t value, int64_t *out,
                              struct mu_error *err)
{
    if (rc == MU_OK && out)
        *out = value;
    return mu_store_tx_leave(s, rc, err);
}

/* ---------------------------------------------------------------- reading rows */

/* Read the current row into a zeroed @p item; a string not copied (ENOMEM) sets *bad. */
typedef void fill_fn(struct mu_db_rows *r, void *item, int *bad);
typedef void free_strings_fn(void *item);

/* One kind of row and the caller struct it is read into. */
struct row_kind {
    const char *select;            /* "SELECT <columns> FROM <table>" */
    const char *what;              /* names a missing row: "no <what> 42" */
    size_t size;                   /* of the caller struct */
    fill_fn *fill;                 /* columns in the order of select */
    free_strings_fn *free_strings; /* frees what fill copied; NULL when nothing is */
};

/* Free the strings of the @p n items of kind @p k at @p v, then the array. */
static void free_items(const struct row_kind *k, void *v, size_t n)
{
    for (size_t i = 0; v && k->free_strings && i < n; i++)
        k->free_strings((char *)v + i * k->size);
    mu_free(v);
}

/* Free the strings of @p item (NULL is fine) and zero it. */
static void release_item(const struct row_kind *k, void *item)
{
    if (!item)
        return;
    k->free_strings(item);
    memset(item, 0, k->size);
}

/* Copy column @p i, NULL-safe: "" for SQL NULL. Sets *bad on ENOMEM. */
static char *dup(struct mu_db_rows *r, int i, int *bad)
{
    char *v = mu_db_dup(r, i);
    if (!v)
        *bad = 1;
    return v;
}

/*
 * Read the rows of kind @p k that @p where ("WHERE ... ORDER BY ...", with
 * @p np values) picks into a new array: *out (NULL when there are none)
 * and *n. On error nothing is handed out.
 */
static enum mu_err select_rows(struct mu_store *s, const struct row_kind *k, const char *where,
                               const struct mu_db_val *p, int np, void **out, size_t *n,
                               struct mu_error *err)
{
    struct mu_db_rows *r = NULL;
    char sql[1024], *v = NULL;
    size_t len = 0, cap = 0;
    int has = 0, bad = 0;
    *out = NULL;
    *n = 0;
    snprintf(sql, sizeof(sql), "%s %s", k->select, where);
    enum mu_err rc = mu_db_query(s->db, sql, p, np, &r, err);
    while (rc == MU_OK && (rc = mu_db_next(r, &has, err)) == MU_OK && has) {
        char *nv = mu_db_grow(v, k->size, len, &cap);
        if (!nv) {
            rc = nomem(err);
            break;
        }
        v = nv;
        k->fill(r, v + len++ * k->size, &bad);
        if (bad)
            rc = nomem(err);
    }
    mu_db_finish(r);
    if (rc) {
        free_items(k, v, len);
        return rc;
    }
    *out = v;
    *n = len;
    return MU_OK;
}

/* Read the first row of kind @p k that @p where picks into @p out (zeroed first): *found. */
static enum mu_err select_one(struct mu_store *s, const struct row_kind *k, const char *where,
                              const struct mu_db_val *p, int np, void *out, int *found,
                              struct mu_error *err)
{
    void *v = NULL;
    size_t n = 0;
    *found = 0;
    memset(out, 0, k->size);
    enum mu_err rc = select_rows(s, k, where, p, np, &v, &n, err);
    if (rc == MU_OK && n) {
        memcpy(out, v, k->size);
        memset(v, 0, k->size); /* its strings belong to *out now */
        *found = 1;
    }
    free_items(k, v, n);
    return rc;
}

/* Read row @p id of kind @p k into @p out; @p lock is "" or " FOR UPDATE". MU_ENOTFOUND. */
static enum mu_err get_by_id(struct mu_store *s, const struct row_kind *k, int64_t id,
                             const char *lock, void *out, struct mu_error *err)
{
    char where[48];
    int found = 0;
    struct mu_db_val p[] = {MU_DB_INT(id)};
    snprintf(where, sizeof(where), "WHERE id = $1%s", lock);
    enum mu_err rc = select_one(s, k, where, p, 1, out, &found, err);
    if (rc == MU_OK && !found)
        rc = no_such(err, k->what, id);
    return rc;
}

/* The rows of kind @p k of incident @p incident, ordered by @p order_by. */
static enum mu_err list_for(struct mu_store *s, const struct row_kind *k, int64_t incident,
                            const char *order_by, void **out, size_t *n, struct mu_error *err)
{
    char where[128];
    struct mu_db_val p[] = {MU_DB_INT(incident)};
    snprintf(where, sizeof(where), "WHERE incident_id = $1 ORDER BY %s", order_by);
    return select_rows(s, k, where, p, 1, out, n, err);
}

/* ---------------------------------------------------------------- incidents */

static void incident_free_strings(void *item)
{
    struct mu_incident *i = item;
    mu_free(i->plan_id);
    mu_free(i->kind);
    mu_free(i->level);
    mu_free(i->place);
    mu_free(i->reporter);
    mu_free(i->fields_json);
    mu_free(i->activated_by);
    mu_free(i->criteria_json);
    mu_free(i->created_by);
}

static void incident_fill(struct mu_db_rows *r, void *item, int *bad)
{
    struct mu_incident *i = item;
    i->id = mu_db_int(r, 0);
    i->plan_id = dup(r, 1, bad);
    i->plan_version = (int)mu_db_int(r, 2);
    i->kind = dup(r, 3, bad);
    i->level = dup(r, 4, bad);
    i->place = dup(r, 5, bad);
    i->reporter = dup(r, 6, bad);
    i->fields_json = dup(r, 7, bad);
    const char *st = mu_db_text(r, 8);
    i->state = MU_INCIDENT_REPORTED;
    if (st && mu_incident_state_parse(st, &i->state, NULL))
        i->state = MU_INCIDENT_REPORTED;
    i->occurred_at = mu_db_int(r, 9);
    i->reported_at = mu_db_int(r, 10);
    i->activated_at = mu_db_int(r, 11);
    i->activated_by = dup(r, 12, bad);
    i->closed_at = mu_db_int(r, 13);
    i->criteria_json = dup(r, 14, bad);
    i->created_at = mu_db_int(r, 15);
    i->updated_at = mu_db_int(r, 16);
    i->created_by = dup(r, 17, bad);
}

static const struct row_kind incident_rows = {
    "SELECT id, plan_id, plan_version, kind, level, place, reporter, fields_json, state, "
    "occurred_at, reported_at, activated_at, activated_by, closed_at, criteria_json, created_at, "
    "updated_at, created_by FROM incidents",
    "incident", sizeof(struct mu_incident), incident_fill, incident_free_strings};

void mu_incident_release(struct mu_incident *i)
{
    release_item(&incident_rows, i);
}

void mu_incidents_free(struct mu_incident *v, size_t n)
{
    free_items(&incident_rows, v, n);
}

enum mu_err mu_store_incident_insert(struct mu_store *s, const struct mu_actor *actor,
                                     const struct mu_incident_new *in, int64_t *id,
                                     struct mu_error *err)
{
    const char *level = or_empty(in->level);
    const char *fields = in->fields_json ? in->fields_json : "{}";
    int64_t new_id = 0;
    enum mu_err rc = mu_store_check_actor(actor, err);
    if (rc || (rc = check_text("plan", in->plan_id, MU_STORE_MAX_NAME, 0, err)) ||
        (rc = check_text("kind", in->kind, MU_STORE_MAX_NAME, 0, err)) ||
        (rc = check_text("level", level, MU_STORE_MAX_NAME, 1, err)) ||
        (rc = check_text("place", in->place, MU_INCIDENT_MAX_TEXT, 0, err)) ||
        (rc = check_text("reporter", in->reporter, MU_STORE_MAX_NAME, 0, err)) ||
        (rc = check_text("fields", fields, 64 * 1024, 0, err)))
        return rc;
    if (in->plan_version < 1)
        return mu_error_field(err, MU_EINVAL, "plan_version", "incident plan version %d",
                              in->plan_version);
    if ((rc = mu_store_tx_enter(s, err)))
        return rc;
    struct mu_db_val p[] = {
        MU_DB_TEXT(in->plan_id),    MU_DB_INT(in->plan_version), MU_DB_TEXT(in->kind),
        MU_DB_TEXT(level),          MU_DB_TEXT(in->place),       MU_DB_TEXT(in->reporter),
        MU_DB_TEXT(fields),         MU_DB_INT(in->occurred_at),  MU_DB_INT(in->reported_at),
        MU_DB_INT(actor->now_ms),   MU_DB_TEXT(actor->name),
    };
    rc = insert_id(s,
                   "INSERT INTO incidents (plan_id, plan_version, kind, level, place, reporter, "
                   "fields_json, state, occurred_at, reported_at, created_at, updated_at, "
                   "created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, 'reported', $8, $9, $10, $10, "
                   "$11) RETURNING id",
                   p, 11, "incident", &new_id, err);
    if (rc == MU_OK)
        rc = auditf(s, actor, "incident.open", new_id, err, "%s level %s, plan %s v%d", in->kind,
                    *level ? level : "-", in->plan_id, in->plan_version);
    return leave_with(s, rc, new_id, id, err);
}

enum mu_err mu_store_incident_get(struct mu_store *s, int64_t id, int lock,
                                  struct mu_incident *out, struct mu_error *err)
{
    return get_by_id(s, &incident_rows, id, lock && is_pg(s) ? " FOR UPDATE" : "", out, err);
}

enum mu_err mu_store_incident_list(struct mu_store *s, int open_only, struct mu_incident **out,
                                   size_t *n, struct mu_error *err)
{
    return select_rows(s, &incident_rows,
                       open_only ? "WHERE state <> 'closed' ORDER BY id DESC" : "ORDER BY id DESC",
                       NULL, 0, (void **)out, n, err);
}

enum mu_err mu_store_incident_update(struct mu_store *s, const struct mu_actor *actor, int64_t id,
                                     const struct mu_incident_update *u, const char *summary,
                                     struct mu_error *err)
{
    int found = 0;
    enum mu_err rc;
    if ((rc = mu_store_check_actor(actor, err)) || (rc = mu_store_tx_enter(s, err)))
        return rc;
    struct mu_db_val p[] = {
        MU_DB_INT(id),
        MU_DB_INT(u->has_state),
        MU_DB_TEXT(mu_incident_state_name(u->state)),
        MU_DB_INT(u->has_activated),
        MU_DB_INT(u->activated_at),
        MU_DB_TEXT(or_empty(u->activated_by)),
        MU_DB_INT(u->has_closed),
        MU_DB_INT(u->closed_at),
        MU_DB_INT(u->criteria_json != NULL),
        MU_DB_TEXT(u->criteria_json ? u->criteria_json : "[]"),
        MU_DB_INT(actor->now_ms),
    };
    rc = has_row(s,
                 "UPDATE incidents SET "
                 "state = CASE WHEN $2 = 1 THEN $3 ELSE state END, "
                 "activated_at = CASE WHEN $4 = 1 THEN $5 ELSE activated_at END, "
                 "activated_by = CASE WHEN $4 = 1 THEN $6 ELSE activated_by END, "
                 "closed_at = CASE WHEN $7 = 1 THEN $8 ELSE closed_at END, "
                 "criteria_json = CASE WHEN $9 = 1 THEN $10 ELSE criteria_json END, "
                 "updated_at = $11 WHERE id = $1 RETURNING 1",
                 p, 11, &found, err);
    if (rc == MU_OK && !found)
        rc = no_such(err, "incident", id);
    if (rc == MU_OK)
        rc = audit(s, actor, "incident.update", id, summary, err);
    return mu_store_tx_leave(s, rc, err);
}

/* ---------------------------------------------------------------- timeline */

static void event_free_strings(void *item)
{
    struct mu_incident_event *e = item;
    mu_free(e->kind);
    mu_free(e->person);
    mu_free(e->channel);
    mu_free(e->text);
    mu_free(e->data);
    mu_free(e->recorded_by);
}

static void event_fill(struct mu_db_rows *r, void *item, int *bad)
{
    struct mu_incident_event *e = item;
    e->id = mu_db_int(r, 0);
    e->incident_id = mu_db_int(r, 1);
    e->seq = mu_db_int(r, 2);
    e->at = mu_db_int(r, 3);
    e->kind = dup(r, 4, bad);
    e->person = dup(r, 5, bad);
    e->channel = dup(r, 6, bad);
    e->text = dup(r, 7, bad);
    e->data = dup(r, 8, bad);
    e->recorded_at = mu_db_int(r, 9);
    e->recorded_by = dup(r, 10, bad);
}

static const struct row_kind event_rows = {
    "SELECT id, incident_id, seq, at, kind, person, channel, text, data, recorded_at, "
    "recorded_by FROM incident_events",
    "event", sizeof(struct mu_incident_event), event_fill, event_free_strings};

void mu_incident_events_free(struct mu_incident_event *v, size_t n)
{
    free_items(&event_rows, v, n);
}

enum mu_err mu_store_incident_event_add(struct mu_store *s, const struct mu_actor *actor,
                                        int64_t id, const struct mu_incident_event_new *e,
                                        int64_t *seq, struct mu_error *err)
{
    const char *person = or_empty(e->person);
    int64_t next = 0;
    enum mu_err rc = mu_store_check_actor(actor, err);
    if (rc || (rc = check_text("event kind", e->kind, 64, 0, err)) ||
        (rc = check_text("person", person, MU_STORE_MAX_NAME, 1, err)) ||
        (rc = check_text("channel", or_empty(e->channel), 64, 1, err)) ||
        (rc = check_text("text", or_empty(e->text), MU_INCIDENT_MAX_TEXT, 1, err)) ||
        (rc = check_text("data", or_empty(e->data), 64 * 1024, 1, err)))
        return rc;
    if ((rc = mu_store_tx_enter(s, err)))
        return rc;
    rc = next_number(s, "seq", "incident_events", id, &next, err);
    if (rc == MU_OK) {
        struct mu_db_val p[] = {
            MU_DB_INT(id),
            MU_DB_INT(next),
            MU_DB_INT(e->at),
            MU_DB_TEXT(e->kind),
            MU_DB_TEXT(person),
            MU_DB_TEXT(or_empty(e->channel)),
            MU_DB_TEXT(or_empty(e->text)),
            MU_DB_TEXT(or_empty(e->data)),
            MU_DB_INT(actor->now_ms),
            MU_DB_TEXT(actor->name),
        };
        rc = mu_db_exec(s->db,
                        "INSERT INTO incident_events (incident_id, seq, at, kind, person, "
                        "channel, text, data, recorded_at, recorded_by) "
                        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                        p, 10, err);
    }
    if (rc == MU_OK)
        rc = auditf(s, actor, "incident.event", id, err, "#%" PRId64 " %s%s%s", next, e->kind,
                    *person ? " " : "", person);
    return leave_with(s, rc, next, seq, err);
}

enum mu_err mu_store_incident_events(struct mu_store *s, int64_t id,
                                     struct mu_incident_event **out, size_t *n,
                                     struct mu_error *err)
{
    return list_for(s, &event_rows, id, "at, seq", (void **)out, n, err);
}

/* ---------------------------------------------------------------- tasks */

static void task_free_strings(void *item)
{
    struct mu_incident_task *t = item;
    mu_free(t->team);
    mu_free(t->owner);
    mu_free(t->text);
    mu_free(t->done_by);
}

static void task_fill(struct mu_db_rows *r, void *item, int *bad)
{
    struct mu_incident_task *t = item;
    t->id = mu_db_int(r, 0);
    t->incident_id = mu_db_int(r, 1);
    t->seq = (int)mu_db_int(r, 2);
    t->team = dup(r, 3, bad);
    t->owner = dup(r, 4, bad);
    t->text = dup(r, 5, bad);
    t->done_at = mu_db_int(r, 6);
    t->done_by = dup(r, 7, bad);
}

static const struct row_kind task_rows = {
    "SELECT id, incident_id, seq, team, owner, text, done_at, done_by FROM incident_tasks",
    "task", sizeof(struct mu_incident_task), task_fill, task_free_strings};

void mu_incident_task_release(struct mu_incident_task *t)
{
    release_item(&task_rows, t);
}

void mu_incident_tasks_free(struct mu_incident_task *v, size_t n)
{
    free_items(&task_rows, v, n);
}

enum mu_err mu_store_incident_task_add(struct mu_store *s, const struct mu_actor *actor,
                                       int64_t incident, int seq, const char *team,
                                       const char *owner, const char *text, int64_t *id,
                                       struct mu_error *err)
{
    int64_t new_id = 0;
    enum mu_err rc = mu_store_check_actor(actor, err);
    if (rc || (rc = check_text("team", team, MU_STORE_MAX_NAME, 0, err)) ||
        (rc = check_text("owner", or_empty(owner), MU_STORE_MAX_NAME, 1, err)) ||
        (rc = check_text("task", text, MU_INCIDENT_MAX_TEXT, 0, err)))
        return rc;
    if ((rc = mu_store_tx_enter(s, err)))
        return rc;
    struct mu_db_val p[] = {MU_DB_INT(incident), MU_DB_INT(seq), MU_DB_TEXT(team),
                            MU_DB_TEXT(or_empty(owner)), MU_DB_TEXT(text)};
    rc = insert_id(s,
                   "INSERT INTO incident_tasks (incident_id, seq, team, owner, text) "
                   "VALUES ($1, $2, $3, $4, $5) RETURNING id",
                   p, 5, "task", &new_id, err);
    if (rc == MU_OK)
        rc = auditf(s, actor, "incident.task", incident, err,
                    "task %" PRId64 " for team %s, owner %s", new_id, team,
                    owner && *owner ? owner : "-");
    return leave_with(s, rc, new_id, id, err);
}

enum mu_err mu_store_incident_task_get(struct mu_store *s, int64_t id,
                                       struct mu_incident_task *out, struct mu_error *err)
{
    return get_by_id(s, &task_rows, id, "", out, err);
}

enum mu_err mu_store_incident_task_done(struct mu_store *s, const struct mu_actor *actor,
                                        int64_t id, int64_t at, const char *by,
                                        struct mu_error *err)
{
    int64_t incident = 0;
    int found = 0;
    enum mu_err rc = mu_store_check_actor(actor, err);
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
        /* Nothing changed: say whether the task is done already or not there at all. */
        rc = has_row(s, "SELECT 1 FROM incident_tasks WHERE id = $1", p, 1, &found, err);
        if (rc == MU_OK)
            rc = found ? mu_error_set(err, MU_ECONFLICT, "task %" PRId64 " is already done", id)
                       : no_such(err, "task", id);
    }
    if (rc == MU_OK)
        rc = auditf(s, actor, "incident.task_done", incident, err, "task %" PRId64 " done by %s",
                    id, by);
    return mu_store_tx_leave(s, rc, err);
}

enum mu_err mu_store_incident_tasks(struct mu_store *s, int64_t incident,
                                    struct mu_incident_task **out, size_t *n,
                                    struct mu_error *err)
{
    return list_for(s, &task_rows, incident, "seq, id", (void **)out, n, err);
}

/* ---------------------------------------------------------------- deadlines */

/* Indexed by enum mu_deadline_state. */
static const char *const deadline_states[] = {"pending", "met", "missed"};

#define N_DEADLINE_STATES (int)(sizeof(deadline_states) / sizeof(deadline_states[0]))

const char *mu_deadline_state_name(enum mu_deadline_state st)
{
    return (unsigned)st < N_DEADLINE_STATES ? deadline_states[st] : "?";
}

/* The kind stored as @p name (mu_esc_deadline_kind_name); a report deadline when unknown. */
static enum mu_esc_deadline_kind deadline_kind(const char *name)
{
    for (int k = MU_DEADLINE_REPORT; name && k <= MU_DEADLINE_ASSEMBLY; k++)
        if (strcmp(name, mu_esc_deadline_kind_name((enum mu_esc_deadline_kind)k)) == 0)
            return (enum mu_esc_deadline_kind)k;
    return MU_DEADLINE_REPORT;
}

static void deadline_free_strings(void *item)
{
    struct mu_incident_deadline *d = item;
    mu_free(d->name);
    mu_free(d->policy_id);
    mu_free(d->target);
}

static void deadline_fill(struct mu_db_rows *r, void *item, int *bad)
{
    struct mu_incident_deadline *d = item;
    d->id = mu_db_int(r, 0);
    d->incident_id = mu_db_int(r, 1);
    d->kind = deadline_kind(mu_db_text(r, 2));
    d->name = dup(r, 3, bad);
    d->policy_id = dup(r, 4, bad);
    d->step = (int)mu_db_int(r, 5);
    d->target = dup(r, 6, bad);
    d->need = mu_db_int(r, 7);
    d->due_at = mu_db_int(r, 8);
    d->state = (enum mu_deadline_state)name_index(mu_db_text(r, 9), deadline_states,
                                                  N_DEADLINE_STATES);
    d->met_at = mu_db_int(r, 10);
}

static const struct row_kind deadline_rows = {
    "SELECT id, incident_id, kind, name, policy_id, step, target, need, due_at, state, met_at "
    "FROM incident_deadlines",
    "deadline", sizeof(struct mu_incident_deadline), deadline_fill, deadline_free_strings};

void mu_incident_deadline_release(struct mu_incident_deadline *d)
{
    release_item(&deadline_rows, d);
}

void mu_incident_deadlines_free(struct mu_incident_deadline *v, size_t n)
{
    free_items(&deadline_rows, v, n);
}

enum mu_err mu_store_incident_deadline_add(struct mu_store *s, const struct mu_actor *actor,
                                           int64_t incident, enum mu_esc_deadline_kind kind,
                                           const char *name, const char *policy_id, int step,
                                           const char *target, int64_t need, int64_t due_at,
                                           int64_t *id, struct mu_error *err)
{
    int64_t new_id = 0;
    enum mu_err rc = mu_store_check_actor(actor, err);
    if (rc || (rc = check_text("deadline name", name, 1000, 0, err)) ||
        (rc = check_text("policy", policy_id, MU_STORE_MAX_NAME, 0, err)) ||
        (rc = check_text("target", or_empty(target), 1000, 1, err)))
        return rc;
    if ((rc = mu_store_tx_enter(s, err)))
        return rc;
    struct mu_db_val p[] = {
        MU_DB_INT(incident),  MU_DB_TEXT(mu_esc_deadline_kind_name(kind)),
        MU_DB_TEXT(name),     MU_DB_TEXT(policy_id),
        MU_DB_INT(step),      MU_DB_TEXT(or_empty(target)),
        MU_DB_INT(need),      MU_DB_INT(due_at),
    };
    rc = insert_id(s,
                   "INSERT INTO incident_deadlines (incident_id, kind, name, policy_id, step, "
                   "target, need, due_at, state) "
                   "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending') RETURNING id",
                   p, 8, "deadline", &new_id, err);
    if (rc == MU_OK)
        rc = auditf(s, actor, "incident.deadline", incident, err,
                    "deadline %" PRId64 " (%s, policy %s)", new_id,
                    mu_esc_deadline_kind_name(kind), policy_id);
    return leave_with(s, rc, new_id, id, err);
}

enum mu_err mu_store_incident_deadline_get(struct mu_store *s, int64_t id,
                                           struct mu_incident_deadline *out,
                                           struct mu_error *err)
{
    return get_by_id(s, &deadline_rows, id, "", out, err);
}

enum mu_err mu_store_incident_deadline_set(struct mu_store *s, const struct mu_actor *actor,
                                           int64_t id, enum mu_deadline_state st, int64_t at,
                                           struct mu_error *err)
{
    int64_t incident = 0;
    int found = 0;
    enum mu_err rc;
    if ((rc = mu_store_check_actor(actor, err)))
        return rc;
    if (st == MU_DL_PENDING)
        return mu_error_set(err, MU_EINVAL, "a deadline cannot become pending again");
    if ((rc = mu_store_tx_enter(s, err)))
        return rc;
    struct mu_db_val p[] = {MU_DB_INT(id), MU_DB_INT(at)};
    if (st == MU_DL_MET) /* a missed deadline met late keeps its state */
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
    if (rc == MU_OK)
        rc = auditf(s, actor, "incident.deadline_set", incident, err, "deadline %" PRId64 " %s",
                    id, mu_deadline_state_name(st));
    return mu_store_tx_leave(s, rc, err);
}

enum mu_err mu_store_incident_deadlines(struct mu_store *s, int64_t incident,
                                        struct mu_incident_deadline **out, size_t *n,
                                        struct mu_error *err)
{
    return list_for(s, &deadline_rows, incident, "due_at, id", (void **)out, n, err);
}

/* ---------------------------------------------------------------- chains */

/* Indexed by enum mu_chain_state. */
static const char *const chain_states[] = {"pending", "waiting",   "stopped",
                                           "done",    "exhausted", "cancelled"};

#define N_CHAIN_STATES (int)(sizeof(chain_states) / sizeof(chain_states[0]))

const char *mu_chain_state_name(enum mu_chain_state st)
{
    return (unsigned)st < N_CHAIN_STATES ? chain_states[st] : "?";
}

static void chain_free_strings(void *item)
{
    struct mu_incident_chain *c = item;
    mu_free(c->policy_id);
}

static void chain_fill(struct mu_db_rows *r, void *item, int *bad)
{
    struct mu_incident_chain *c = item;
    c->id = mu_db_int(r, 0);
    c->incident_id = mu_db_int(r, 1);
    c->policy_id = dup(r, 2, bad);
    c->step = (int)mu_db_int(r, 3);
    c->state = (enum mu_chain_state)name_index(mu_db_text(r, 4), chain_states, N_CHAIN_STATES);
    c->deadline_id = mu_db_int(r, 5);
    c->step_at = mu_db_int(r, 6);
}

static const struct row_kind chain_rows = {
    "SELECT id, incident_id, policy_id, step, state, deadline_id, step_at FROM incident_chains",
    "chain", sizeof(struct mu_incident_chain), chain_fill, chain_free_strings};

void mu_incident_chain_release(struct mu_incident_chain *c)
{
    release_item(&chain_rows, c);
}

void mu_incident_chains_free(struct mu_incident_chain *v, size_t n)
{
    free_items(&chain_rows, v, n);
}

enum mu_err mu_store_incident_chain_add(struct mu_store *s, const struct mu_actor *actor,
                                        int64_t incident, const char *policy_id, int64_t *id,
                                        struct mu_error *err)
{
    int64_t new_id = 0;
    enum mu_err rc = mu_store_check_actor(actor, err);
    if (rc || (rc = check_text("policy", policy_id, MU_STORE_MAX_NAME, 0, err)))
        return rc;
    if ((rc = mu_store_tx_enter(s, err)))
        return rc;
    struct mu_db_val p[] = {MU_DB_INT(incident), MU_DB_TEXT(policy_id)};
    rc = insert_id(s,
                   "INSERT INTO incident_chains (incident_id, policy_id, step, state) "
                   "VALUES ($1, $2, 0, 'pending') RETURNING id",
                   p, 2, "chain", &new_id, err);
    if (rc == MU_OK)
        rc = auditf(s, actor, "incident.chain", incident, err, "chain %" PRId64 " for policy %s",
                    new_id, policy_id);
    return leave_with(s, rc, new_id, id, err);
}

enum mu_err mu_store_incident_chain_get(struct mu_store *s, int64_t id,
                                        struct mu_incident_chain *out, struct mu_error *err)
{
    return get_by_id(s, &chain_rows, id, "", out, err);
}

enum mu_err mu_store_incident_chain_set(struct mu_store *s, const struct mu_actor *actor,
                                        int64_t id, int step, enum mu_chain_state st,
                                        int64_t deadline_id, int64_t step_at,
                                        struct mu_error *err)
{
    int64_t incident = 0;
    int found = 0;
    enum mu_err rc;
    if ((rc = mu_store_check_actor(actor, err)) || (rc = mu_store_tx_enter(s, err)))
        return rc;
    struct mu_db_val p[] = {MU_DB_INT(id), MU_DB_INT(step), MU_DB_TEXT(mu_chain_state_name(st)),
                            MU_DB_INT(deadline_id), MU_DB_INT(step_at)};
    rc = mu_db_query_int(s->db,
                         "UPDATE incident_chains SET step = $2, state = $3, deadline_id = $4, "
                         "step_at = $5 WHERE id = $1 RETURNING incident_id",
                         p, 5, &incident, &found, err);
    if (rc == MU_OK && !found)
        rc = no_such(err, "chain", id);
    if (rc == MU_OK)
        rc = auditf(s, actor, "incident.chain_set", incident, err, "chain %" PRId64 " step %d %s",
                    id, step + 1, mu_chain_state_name(st));
    return mu_store_tx_leave(s, rc, err);
}

enum mu_err mu_store_incident_chains(struct mu_store *s, int64_t incident,
                                     struct mu_incident_chain **out, size_t *n,
                                     struct mu_error *err)
{
    return list_for(s, &chain_rows, incident, "id", (void **)out, n, err);
}

/* ---------------------------------------------------------------- sends, acks, arrivals */

enum mu_err mu_store_incident_send_add(struct mu_store *s, const struct mu_actor *actor,
                                       int64_t incident, const struct mu_incident_send_new *v,
                                       struct mu_error *err)
{
    enum mu_err rc = mu_store_check_actor(actor, err);
    if (rc || (rc = check_text("purpose", v->purpose, 32, 0, err)) ||
        (rc = check_text("person", v->person, MU_STORE_MAX_NAME, 0, err)) ||
        (rc = check_text("channel", or_empty(v->channel), 64, 1, err)))
        return rc;
    if ((rc = mu_store_tx_enter(s, err)))
        return rc;
    struct mu_db_val p[] = {
        MU_DB_INT(incident),     MU_DB_INT(v->deadline_id), MU_DB_INT(v->chain_id),
        MU_DB_INT(v->step),      MU_DB_TEXT(v->purpose),    MU_DB_TEXT(v->person),
        MU_DB_TEXT(or_empty(v->channel)),                   MU_DB_INT(v->at),
        MU_DB_INT(v->outbox_id),
    };
    rc = mu_db_exec(s->db,
                    "INSERT INTO incident_sends (incident_id, deadline_id, chain_id, step, "
                    "purpose, person, channel, at, outbox_id) "
                    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                    p, 9, err);
    if (rc == MU_OK)
        rc = auditf(s, actor, "incident.send", incident, err, "%s message to %s", v->purpose,
                    v->person);
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
        *sent = 0;
        rc = mu_db_query_int(s->db,
                             "SELECT COUNT(DISTINCT person) FROM incident_sends "
                             "WHERE deadline_id = $1",
                             p, 1, sent, &found, err);
    }
    return rc;
}

static void id_fill(struct mu_db_rows *r, void *item, int *bad)
{
    (void)bad;
    *(int64_t *)item = mu_db_int(r, 0);
}

/* The ids of the deadlines messages were sent for (d: the deadline, x: the send). */
static const struct row_kind sent_deadline_ids = {
    "SELECT DISTINCT d.id FROM incident_deadlines d JOIN incident_sends x ON x.deadline_id = d.id",
    "deadline", sizeof(int64_t), id_fill, NULL};

enum mu_err mu_store_incident_deadlines_for(struct mu_store *s, int64_t incident,
                                            const char *person, int64_t **out, size_t *n,
                                            struct mu_error *err)
{
    struct mu_db_val p[] = {MU_DB_INT(incident), MU_DB_TEXT(person)};
    return select_rows(s, &sent_deadline_ids,
                       "WHERE d.incident_id = $1 AND x.person = $2 AND d.met_at = 0 ORDER BY d.id",
                       p, 2, (void **)out, n, err);
}

/* Insert (incident, person, at) into @p table unless the person is there. */
static enum mu_err once(struct mu_store *s, const struct mu_actor *actor, const char *table,
                        const char *action, int64_t incident, const char *person, int64_t at,
                        int *first, struct mu_error *err)
{
    enum mu_err rc = mu_store_check_actor(actor, err);
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
    rc = has_row(s, sql, p, 2, &found, err);
    if (rc == MU_OK && !found) {
        snprintf(sql, sizeof(sql), "INSERT INTO %s (incident_id, person, at) VALUES ($1, $2, $3)",
                 table);
        rc = mu_db_exec(s->db, sql, p, 3, err);
        if (rc == MU_OK)
            rc = audit(s, actor, action, incident, person, err);
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
    struct mu_db_val p[] = {MU_DB_INT(incident), MU_DB_TEXT(person), MU_DB_INT(at)};
    return has_row(s,
                   "SELECT 1 FROM incident_acks WHERE incident_id = $1 AND person = $2 "
                   "AND at <= $3",
                   p, 3, acked, err);
}

/* ---------------------------------------------------------------- attachments */

static void attachment_free_strings(void *item)
{
    struct mu_incident_attachment *a = item;
    mu_free(a->name);
    mu_free(a->mime);
    mu_free(a->added_by);
}

static void attachment_fill(struct mu_db_rows *r, void *item, int *bad)
{
    struct mu_incident_attachment *a = item;
    a->id = mu_db_int(r, 0);
    a->incident_id = mu_db_int(r, 1);
    a->name = dup(r, 2, bad);
    a->mime = dup(r, 3, bad);
    a->size = mu_db_int(r, 4);
    snprintf(a->sha256, sizeof(a->sha256), "%s", or_empty(mu_db_text(r, 5)));
    a->added_at = mu_db_int(r, 6);
    a->added_by = dup(r, 7, bad);
}

/* Not the data: mu_store_incident_attachment_data() reads that. */
static const struct row_kind attachment_rows = {
    "SELECT id, incident_id, name, mime, size, sha256, added_at, added_by "
    "FROM incident_attachments",
    "attachment", sizeof(struct mu_incident_attachment), attachment_fill,
    attachment_free_strings};

void mu_incident_attachments_free(struct mu_incident_attachment *v, size_t n)
{
    free_items(&attachment_rows, v, n);
}

enum mu_err mu_store_incident_attach(struct mu_store *s, const struct mu_actor *actor,
                                     int64_t incident, const char *name, const char *mime,
                                     const void *data, size_t len, const char *sha256_hex,
                                     int64_t *id, struct mu_error *err)
{
    int64_t new_id = 0;
    char *b64 = NULL;
    enum mu_err rc = mu_store_check_actor(actor, err);
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
    struct mu_db_val p[] = {MU_DB_INT(incident),      MU_DB_TEXT(name),
                            MU_DB_TEXT(mime),         MU_DB_INT((int64_t)len),
                            MU_DB_TEXT(sha256_hex),   MU_DB_TEXT(b64),
                            MU_DB_INT(actor->now_ms), MU_DB_TEXT(actor->name)};
    rc = insert_id(s,
                   "INSERT INTO incident_attachments (incident_id, name, mime, size, sha256, "
                   "data_b64, added_at, added_by) "
                   "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                   p, 8, "attachment", &new_id, err);
    if (rc == MU_OK)
        rc = auditf(s, actor, "incident.attach", incident, err,
                    "attachment %" PRId64 ", %zu bytes, sha256 %s", new_id, len, sha256_hex);
    mu_free(b64);
    return leave_with(s, rc, new_id, id, err);
}

enum mu_err mu_store_incident_attachments(struct mu_store *s, int64_t incident,
                                          struct mu_incident_attachment **out, size_t *n,
                                          struct mu_error *err)
{
    return list_for(s, &attachment_rows, incident, "id", (void **)out, n, err);
}

enum mu_err mu_store_incident_attachment_data(struct mu_store *s, int64_t id, void **data,
                                              size_t *len, struct mu_error *err)
{
    struct mu_db_rows *r = NULL;
    int has = 0;
    *data = NULL;
    *len = 0;
    struct mu_db_val p[] = {MU_DB_INT(id)};
    enum mu_err rc = mu_db_query_row(s->db,
                                     "SELECT data_b64, size FROM incident_attachments "
                                     "WHERE id = $1",
                                     p, 1, &r, &has, err);
    if (rc == MU_OK && !has)
        rc = no_such(err, "attachment", id);
    if (rc == MU_OK) {
        const char *b64 = or_empty(mu_db_text(r, 0));
        size_t size = (size_t)mu_db_int(r, 1), got = 0;
        unsigned char *buf = mu_malloc(size ? size : 1);
        if (!buf)
            rc = nomem(err);
        else if (sodium_base642bin(buf, size ? size : 1, b64, strlen(b64), NULL, &got, NULL,
                                   sodium_base64_VARIANT_ORIGINAL) != 0 ||
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

static void report_free_strings(void *item)
{
    struct mu_incident_report *x = item;
    mu_free(x->body_md);
    mu_free(x->source);
    mu_free(x->created_by);
}

static void report_fill(struct mu_db_rows *r, void *item, int *bad)
{
    struct mu_incident_report *x = item;
    x->id = mu_db_int(r, 0);
    x->incident_id = mu_db_int(r, 1);
    x->revision = (int)mu_db_int(r, 2);
    x->body_md = dup(r, 3, bad);
    x->source = dup(r, 4, bad);
    x->created_at = mu_db_int(r, 5);
    x->created_by = dup(r, 6, bad);
}

static const struct row_kind report_rows = {
    "SELECT id, incident_id, revision, body_md, source, created_at, created_by "
    "FROM incident_reports",
    "report", sizeof(struct mu_incident_report), report_fill, report_free_strings};

void mu_incident_report_release(struct mu_incident_report *r)
{
    release_item(&report_rows, r);
}

enum mu_err mu_store_incident_report_add(struct mu_store *s, const struct mu_actor *actor,
                                         int64_t incident, const char *body_md,
                                         const char *source, int *revision,
                                         struct mu_error *err)
{
    int64_t next = 0;
    enum mu_err rc = mu_store_check_actor(actor, err);
    if (rc || (rc = check_text("report", body_md, MU_INCIDENT_MAX_REPORT, 0, err)) ||
        (rc = check_text("report source", source, 16, 0, err)))
        return rc;
    if ((rc = mu_store_tx_enter(s, err)))
        return rc;
    rc = next_number(s, "revision", "incident_reports", incident, &next, err);
    if (rc == MU_OK) {
        struct mu_db_val p[] = {MU_DB_INT(incident), MU_DB_INT(next), MU_DB_TEXT(body_md),
                                MU_DB_TEXT(source), MU_DB_INT(actor->now_ms),
                                MU_DB_TEXT(actor->name)};
        rc = mu_db_exec(s->db,
                        "INSERT INTO incident_reports (incident_id, revision, body_md, source, "
                        "created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6)",
                        p, 6, err);
    }
    if (rc == MU_OK)
        rc = auditf(s, actor, "incident.report", incident, err,
                    "report revision %" PRId64 " (%s)", next, source);
    if (rc == MU_OK && revision)
        *revision = (int)next;
    return mu_store_tx_leave(s, rc, err);
}

enum mu_err mu_store_incident_report_get(struct mu_store *s, int64_t incident, int revision,
                                         int *found, struct mu_incident_report *out,
                                         struct mu_error *err)
{
    struct mu_db_val p[] = {MU_DB_INT(incident), MU_DB_INT(revision)};
    if (revision > 0)
        return select_one(s, &report_rows, "WHERE incident_id = $1 AND revision = $2", p, 2,
                          out, found, err);
    return select_one(s, &report_rows, "WHERE incident_id = $1 ORDER BY revision DESC LIMIT 1",
                      p, 1, out, found, err);
}
