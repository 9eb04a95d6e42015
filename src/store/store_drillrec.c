/* SPDX-License-Identifier: MIT */
/*
 * The drill register in the database: drills held (with their findings and
 * an optional attached simulation) and the follow-up tasks made from the
 * findings, plus a read of the drill.require.KIND settings for the due
 * check. Each change appends its audit entry in the same transaction.
 */
#include "store/store_int.h"

#include <jansson.h>
#include <muster/date.h>
#include <muster/mem.h>
#include <muster/register.h>
#include <stdio.h>
#include <string.h>

#include "util/banned.h"

static enum mu_err oom(struct mu_error *err)
{
    return mu_error_set(err, MU_ENOMEM, "out of memory reading drills");
}

enum mu_err mu_store_drill_add(struct mu_store *s, const struct mu_actor *actor,
                               const struct mu_drill_new *d, int64_t *id, struct mu_error *err)
{
    enum mu_err rc;
    char *findings = NULL, ds[11];
    int64_t new_id = 0;
    int found = 0;
    if ((rc = mu_store_check_actor(actor, err)) ||
        (rc = mu_store_check_str("plan", d->plan_id, MU_REG_MAX_ID, 0, err)) ||
        (rc = mu_store_check_str("kind", d->kind, MU_REG_MAX_ID, 0, err)) ||
        (rc = mu_store_check_str("scenario", d->scenario, MU_REG_MAX_TEXT, 0, err)) ||
        (d->simulation_json &&
         (rc = mu_store_check_str("simulation", d->simulation_json, MU_REG_MAX_SIM, 1, err))))
        return rc;
    if (d->participants < 0)
        return mu_error_field(err, MU_EINVAL, "participants", "participants is negative");
    if (d->duration_s < 0)
        return mu_error_field(err, MU_EINVAL, "duration", "duration is negative");
    if (d->nfindings > MU_REG_MAX_ITEMS)
        return mu_error_field(err, MU_EINVAL, "finding", "more than %d findings",
                              MU_REG_MAX_ITEMS);
    json_t *arr = json_array();
    for (size_t i = 0; rc == MU_OK && i < d->nfindings; i++) {
        if ((rc = mu_store_check_str("finding", d->findings[i], MU_REG_MAX_TEXT, 0, err)))
            break;
        if (!arr || json_array_append_new(arr, json_string(d->findings[i])))
            rc = mu_error_field(err, MU_EINVAL, "finding", "finding %zu is not UTF-8", i + 1);
    }
    if (rc == MU_OK && !(findings = json_dumps(arr, JSON_COMPACT)))
        rc = oom(err);
    json_decref(arr);
    if (rc)
        return rc;
    mu_date_format(d->day, ds);
    if ((rc = mu_store_tx_enter(s, err))) {
        free(findings);
        return rc;
    }
    struct mu_db_val p[] = {
        MU_DB_TEXT(d->plan_id),      MU_DB_TEXT(ds),
        MU_DB_TEXT(d->kind),         MU_DB_TEXT(d->scenario),
        MU_DB_INT(d->participants),  MU_DB_INT(d->duration_s),
        MU_DB_INT(d->evacuation_s),  MU_DB_TEXT(findings),
        MU_DB_TEXT(d->simulation_json ? d->simulation_json : ""),
        MU_DB_INT(actor->now_ms),    MU_DB_TEXT(actor->name),
    };
    rc = mu_db_query_int(s->db,
                         "INSERT INTO drills_held (plan_id, day, kind, scenario, participants, "
                         "duration_s, evacuation_s, findings_json, simulation_json, created_at, "
                         "created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) "
                         "RETURNING id",
                         p, 11, &new_id, &found, err);
    free(findings);
    if (rc == MU_OK && !found)
        rc = mu_error_set(err, MU_ESTORE, "drill insert returned no id");
    if (rc == MU_OK) {
        char object[48], summary[MU_STORE_MAX_SUMMARY];
        snprintf(object, sizeof(object), "drill:%lld", (long long)new_id);
        snprintf(summary, sizeof(summary), "%s drill on %s, plan %s, %lld participants, %zu "
                 "findings%s",
                 d->kind, ds, d->plan_id, (long long)d->participants, d->nfindings,
                 d->simulation_json && *d->simulation_json ? ", simulation attached" : "");
        rc = mu_store_audit_append_tx(s, actor, "drill.record", object, summary, err);
    }
    if (rc == MU_OK && id)
        *id = new_id;
    return mu_store_tx_leave(s, rc, err);
}

void mu_drill_release(struct mu_drill *d)
{
    if (!d)
        return;
    mu_free(d->plan_id);
    mu_free(d->kind);
    mu_free(d->scenario);
    mu_free(d->created_by);
    for (size_t i = 0; d->findings && i < d->nfindings; i++)
        mu_free(d->findings[i]);
    mu_free(d->findings);
    mu_free(d->simulation_json);
    memset(d, 0, sizeof(*d));
}

void mu_drills_free(struct mu_drill *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        mu_drill_release(&v[i]);
    mu_free(v);
}

#define DRILL_COLS                                                                                 \
    "id, plan_id, day, kind, scenario, participants, duration_s, evacuation_s, findings_json, "    \
    "created_at, created_by"

static enum mu_err read_drill(struct mu_db_rows *r, int with_sim, struct mu_drill *d,
                              struct mu_error *err)
{
    memset(d, 0, sizeof(*d));
    d->id = mu_db_int(r, 0);
    d->plan_id = mu_db_dup(r, 1);
    d->day = mu_store_day_of(mu_db_text(r, 2));
    d->kind = mu_db_dup(r, 3);
    d->scenario = mu_db_dup(r, 4);
    d->participants = mu_db_int(r, 5);
    d->duration_s = mu_db_int(r, 6);
    d->evacuation_s = mu_db_int(r, 7);
    d->created_at = mu_db_int(r, 9);
    d->created_by = mu_db_dup(r, 10);
    d->simulation_json = with_sim ? mu_db_dup(r, 11) : mu_strdup("");
    json_t *arr = json_loads(mu_db_text(r, 8) ? mu_db_text(r, 8) : "[]", 0, NULL);
    size_t n = json_array_size(arr);
    d->findings = mu_calloc(n ? n : 1, sizeof(char *));
    for (size_t i = 0; d->findings && i < n; i++) {
        const char *t = json_string_value(json_array_get(arr, i));
        if (!(d->findings[d->nfindings++] = mu_strdup(t ? t : "")))
            break;
    }
    int ok = d->findings && (n == 0 || d->findings[n - 1]);
    json_decref(arr);
    if (!ok || !d->plan_id || !d->kind || !d->scenario || !d->created_by || !d->simulation_json) {
        mu_drill_release(d);
        return oom(err);
    }
    return MU_OK;
}

enum mu_err mu_store_drill_get(struct mu_store *s, int64_t id, struct mu_drill *out,
                               struct mu_error *err)
{
    struct mu_db_rows *r = NULL;
    int has = 0;
    struct mu_db_val p[] = {MU_DB_INT(id)};
    enum mu_err rc = mu_db_query(
        s->db, "SELECT " DRILL_COLS ", simulation_json FROM drills_held WHERE id = $1", p, 1, &r,
        err);
    if (rc == MU_OK)
        rc = mu_db_next(r, &has, err);
    if (rc == MU_OK && !has)
        rc = mu_error_field(err, MU_ENOTFOUND, "id", "no drill record %lld", (long long)id);
    if (rc == MU_OK)
        rc = read_drill(r, 1, out, err);
    mu_db_finish(r);
    return rc;
}

enum mu_err mu_store_drill_list(struct mu_store *s, const char *plan_id, struct mu_drill **out,
                                size_t *n, struct mu_error *err)
{
    struct mu_db_rows *r = NULL;
    struct mu_drill *v = NULL;
    size_t count = 0, cap = 0;
    int has = 0;
    *out = NULL;
    *n = 0;
    struct mu_db_val p[] = {MU_DB_TEXT(plan_id ? plan_id : "")};
    enum mu_err rc = mu_db_query(s->db,
                                 "SELECT " DRILL_COLS " FROM drills_held WHERE plan_id = $1 OR "
                                 "$1 = '' ORDER BY day, id",
                                 p, 1, &r, err);
    while (rc == MU_OK && (rc = mu_db_next(r, &has, err)) == MU_OK && has) {
        if (count == cap) {
            size_t nc = cap ? cap * 2 : 16;
            struct mu_drill *nv = mu_realloc(v, nc * sizeof(*v));
            if (!nv) {
                rc = oom(err);
                break;
            }
            v = nv;
            cap = nc;
        }
        rc = read_drill(r, 0, &v[count], err);
        if (rc == MU_OK)
            count++;
    }
    mu_db_finish(r);
    if (rc) {
        mu_drills_free(v, count);
        return rc;
    }
    *out = v;
    *n = count;
    return MU_OK;
}

enum mu_err mu_store_drill_task_add(struct mu_store *s, const struct mu_actor *actor,
                                    int64_t drill_id, const char *text, const char *owner,
                                    int32_t due, int64_t *id, struct mu_error *err)
{
    enum mu_err rc;
    int64_t new_id = 0, v = 0;
    int found = 0;
    char ds[11];
    if ((rc = mu_store_check_actor(actor, err)) ||
        (rc = mu_store_check_str("text", text, MU_REG_MAX_TEXT, 0, err)) ||
        (rc = mu_store_check_str("owner", owner, MU_REG_MAX_ID, 0, err)))
        return rc;
    mu_date_format(due, ds);
    if ((rc = mu_store_tx_enter(s, err)))
        return rc;
    struct mu_db_val q[] = {MU_DB_INT(drill_id)};
    rc = mu_db_query_int(s->db, "SELECT id FROM drills_held WHERE id = $1", q, 1, &v, &found, err);
    if (rc == MU_OK && !found)
        rc = mu_error_field(err, MU_ENOTFOUND, "id", "no drill record %lld", (long long)drill_id);
    if (rc == MU_OK) {
        struct mu_db_val p[] = {MU_DB_INT(drill_id), MU_DB_TEXT(text), MU_DB_TEXT(owner),
                                MU_DB_TEXT(ds), MU_DB_INT(actor->now_ms), MU_DB_TEXT(actor->name)};
        rc = mu_db_query_int(s->db,
                             "INSERT INTO drill_tasks (drill_id, text, owner, due_day, "
                             "created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6) "
                             "RETURNING id",
                             p, 6, &new_id, &found, err);
        if (rc == MU_OK && !found)
            rc = mu_error_set(err, MU_ESTORE, "task insert returned no id");
    }
    if (rc == MU_OK) {
        char object[48], summary[MU_STORE_MAX_SUMMARY];
        snprintf(object, sizeof(object), "drill:%lld", (long long)drill_id);
        snprintf(summary, sizeof(summary), "task %lld for %s due %s: %.1000s",
                 (long long)new_id, owner, ds, text);
        rc = mu_store_audit_append_tx(s, actor, "drill.task", object, summary, err);
    }
    if (rc == MU_OK && id)
        *id = new_id;
    return mu_store_tx_leave(s, rc, err);
}

enum mu_err mu_store_drill_task_done(struct mu_store *s, const struct mu_actor *actor, int64_t id,
                                     const char *by, struct mu_error *err)
{
    enum mu_err rc;
    int64_t done_at = 0;
    int found = 0;
    if ((rc = mu_store_check_actor(actor, err)) ||
        (rc = mu_store_check_str("by", by, MU_REG_MAX_ID, 0, err)))
        return rc;
    if ((rc = mu_store_tx_enter(s, err)))
        return rc;
    struct mu_db_val q[] = {MU_DB_INT(id)};
    rc = mu_db_query_int(s->db, "SELECT done_at FROM drill_tasks WHERE id = $1", q, 1, &done_at,
                         &found, err);
    if (rc == MU_OK && !found)
        rc = mu_error_field(err, MU_ENOTFOUND, "id", "no drill task %lld", (long long)id);
    if (rc == MU_OK && done_at)
        rc = mu_error_field(err, MU_ECONFLICT, "state", "drill task %lld is done already",
                            (long long)id);
    if (rc == MU_OK) {
        struct mu_db_val p[] = {MU_DB_INT(id), MU_DB_INT(actor->now_ms), MU_DB_TEXT(by)};
        rc = mu_db_exec(s->db, "UPDATE drill_tasks SET done_at = $2, done_by = $3 WHERE id = $1",
                        p, 3, err);
    }
    if (rc == MU_OK) {
        char object[48], summary[300];
        snprintf(object, sizeof(object), "drill-task:%lld", (long long)id);
        snprintf(summary, sizeof(summary), "done by %.200s", by);
        rc = mu_store_audit_append_tx(s, actor, "drill.task_done", object, summary, err);
    }
    return mu_store_tx_leave(s, rc, err);
}

void mu_drill_tasks_free(struct mu_drill_task *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) {
        mu_free(v[i].text);
        mu_free(v[i].owner);
        mu_free(v[i].done_by);
    }
    mu_free(v);
}

/* Read one row of mu_store_drill_tasks into @p item. */
static enum mu_err read_drill_task(struct mu_db_rows *r, void *item, struct mu_error *err)
{
    struct mu_drill_task *t = item;
    t->id = mu_db_int(r, 0);
    t->drill_id = mu_db_int(r, 1);
    t->text = mu_db_dup(r, 2);
    t->owner = mu_db_dup(r, 3);
    t->due = mu_store_day_of(mu_db_text(r, 4));
    t->done_at = mu_db_int(r, 5);
    t->done_by = mu_db_dup(r, 6);
    t->created_at = mu_db_int(r, 7);
    if (!t->text || !t->owner || !t->done_by)
        return oom(err);
    return MU_OK;
}

enum mu_err mu_store_drill_tasks(struct mu_store *s, int64_t drill_id, struct mu_drill_task **out,
                                 size_t *n, struct mu_error *err)
{
    void *v = NULL;
    size_t count = 0;
    *out = NULL;
    *n = 0;
    struct mu_db_val p[] = {MU_DB_INT(drill_id)};
    enum mu_err rc = mu_db_query_all(s->db,
                                     "SELECT id, drill_id, text, owner, due_day, done_at, done_by, "
                                     "created_at FROM drill_tasks WHERE drill_id = $1 OR $1 = 0 "
                                     "ORDER BY id",
                                     p, 1, sizeof(struct mu_drill_task), read_drill_task,
                                     "reading drills", &v, &count, err);
    if (rc) {
        mu_drill_tasks_free(v, count);
        return rc;
    }
    *out = v;
    *n = count;
    return MU_OK;
}

enum mu_err mu_store_drill_requirements(struct mu_store *s, char ***kinds, char ***values,
                                        size_t *n, struct mu_error *err)
{
    static const char prefix[] = "drill.require.";
    struct mu_db_rows *r = NULL;
    char **k = NULL, **v = NULL;
    size_t count = 0, cap = 0;
    int has = 0;
    *kinds = NULL;
    *values = NULL;
    *n = 0;
    enum mu_err rc = mu_db_query(s->db,
                                 "SELECT key, value FROM settings WHERE key LIKE "
                                 "'drill.require.%' ORDER BY key",
                                 NULL, 0, &r, err);
    while (rc == MU_OK && (rc = mu_db_next(r, &has, err)) == MU_OK && has) {
        if (count == cap) {
            size_t nc = cap ? cap * 2 : 8;
            char **nk = mu_realloc(k, nc * sizeof(*k));
            if (nk)
                k = nk;
            char **nv = nk ? mu_realloc(v, nc * sizeof(*v)) : NULL;
            if (nv)
                v = nv;
            if (!nk || !nv) {
                rc = oom(err);
                break;
            }
            cap = nc;
        }
        const char *key = mu_db_text(r, 0);
        k[count] = mu_strdup(key ? key + sizeof(prefix) - 1 : "");
        v[count] = mu_db_dup(r, 1);
        count++;
        if (!k[count - 1] || !v[count - 1])
            rc = oom(err);
    }
    mu_db_finish(r);
    if (rc) {
        for (size_t i = 0; i < count; i++) {
            mu_free(k[i]);
            mu_free(v[i]);
        }
        mu_free(k);
        mu_free(v);
        return rc;
    }
    *kinds = k;
    *values = v;
    *n = count;
    return MU_OK;
}
