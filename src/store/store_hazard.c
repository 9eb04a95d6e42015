/* SPDX-License-Identifier: MIT */
/*
 * The hazard register in the database: hazards and their history (every
 * add, assignment, note, rectification and verification is a row of
 * hazard_events), inspection checklists and the rounds made with them.
 * Each change appends its audit entry in the same transaction. The rules
 * (who may rectify or verify) are checked by the app inside its own
 * transaction before these functions write.
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
    return mu_error_set(err, MU_ENOMEM, "out of memory reading hazards");
}

static enum mu_err event_tx(struct mu_store *s, const struct mu_actor *actor, int64_t id,
                            const char *action, const char *person, const char *text,
                            struct mu_error *err)
{
    struct mu_db_val p[] = {MU_DB_INT(id),         MU_DB_INT(actor->now_ms),
                            MU_DB_TEXT(actor->name), MU_DB_TEXT(action),
                            MU_DB_TEXT(person ? person : ""), MU_DB_TEXT(text ? text : "")};
    return mu_db_exec(s->db,
                      "INSERT INTO hazard_events (hazard_id, at, actor, action, person, text) "
                      "VALUES ($1, $2, $3, $4, $5, $6)",
                      p, 6, err);
}

enum mu_err mu_store_hazard_add(struct mu_store *s, const struct mu_actor *actor,
                                const struct mu_hazard_new *h, int64_t *id, struct mu_error *err)
{
    enum mu_err rc;
    int64_t new_id = 0;
    int found = 0;
    char due[11];
    if ((rc = mu_store_check_actor(actor, err)) ||
        (rc = mu_store_check_str("plan", h->plan_id, MU_REG_MAX_ID, 0, err)) ||
        (rc = mu_store_check_str("place", h->place, MU_REG_MAX_LINE, 0, err)) ||
        (rc = mu_store_check_str("description", h->description, MU_REG_MAX_TEXT, 0, err)) ||
        (rc = mu_store_check_str("unit", h->unit, MU_REG_MAX_ID, 0, err)) ||
        (rc = mu_store_check_str("owner", h->owner, MU_REG_MAX_ID, 0, err)))
        return rc;
    if ((unsigned)h->severity > MU_HAZARD_HIGH)
        return mu_error_field(err, MU_EINVAL, "severity", "severity is not valid");
    mu_date_format(h->due, due);
    if ((rc = mu_store_tx_enter(s, err)))
        return rc;
    struct mu_db_val p[] = {
        MU_DB_TEXT(h->plan_id), MU_DB_TEXT(h->place),   MU_DB_TEXT(h->description),
        MU_DB_TEXT(mu_hazard_severity_name(h->severity)), MU_DB_TEXT(h->unit),
        MU_DB_TEXT(h->owner),   MU_DB_TEXT(due),        MU_DB_INT(actor->now_ms),
        MU_DB_TEXT(actor->name),
    };
    rc = mu_db_query_int(s->db,
                         "INSERT INTO hazards (plan_id, place, description, severity, unit, owner, "
                         "due_day, state, found_at, found_by) VALUES ($1, $2, $3, $4, $5, $6, $7, "
                         "'open', $8, $9) RETURNING id",
                         p, 9, &new_id, &found, err);
    if (rc == MU_OK && !found)
        rc = mu_error_set(err, MU_ESTORE, "hazard insert returned no id");
    if (rc == MU_OK)
        rc = event_tx(s, actor, new_id, "add", h->owner, h->description, err);
    if (rc == MU_OK) {
        char object[48], summary[MU_STORE_MAX_SUMMARY];
        snprintf(object, sizeof(object), "hazard:%lld", (long long)new_id);
        snprintf(summary, sizeof(summary), "%s at %.200s, unit %s, owner %s, due %s",
                 mu_hazard_severity_name(h->severity), h->place, h->unit, h->owner, due);
        rc = mu_store_audit_append_tx(s, actor, "hazard.add", object, summary, err);
    }
    if (rc == MU_OK && id)
        *id = new_id;
    return mu_store_tx_leave(s, rc, err);
}

#define HAZARD_COLS                                                                                \
    "id, plan_id, place, description, severity, unit, owner, due_day, state, found_at, "          \
    "found_by, rectified_at, rectified_by, verified_at, verified_by"

void mu_hazard_release(struct mu_hazard *h)
{
    if (!h)
        return;
    mu_free(h->plan_id);
    mu_free(h->place);
    mu_free(h->description);
    mu_free(h->unit);
    mu_free(h->owner);
    mu_free(h->found_by);
    mu_free(h->rectified_by);
    mu_free(h->verified_by);
    memset(h, 0, sizeof(*h));
}

void mu_hazards_free(struct mu_hazard *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        mu_hazard_release(&v[i]);
    mu_free(v);
}

static enum mu_err read_hazard(struct mu_db_rows *r, struct mu_hazard *h, struct mu_error *err)
{
    memset(h, 0, sizeof(*h));
    h->id = mu_db_int(r, 0);
    h->plan_id = mu_db_dup(r, 1);
    h->place = mu_db_dup(r, 2);
    h->description = mu_db_dup(r, 3);
    (void)mu_hazard_severity_parse(mu_db_text(r, 4), &h->severity, NULL);
    h->unit = mu_db_dup(r, 5);
    h->owner = mu_db_dup(r, 6);
    h->due = mu_store_day_of(mu_db_text(r, 7));
    (void)mu_hazard_state_parse(mu_db_text(r, 8), &h->state, NULL);
    h->found_at = mu_db_int(r, 9);
    h->found_by = mu_db_dup(r, 10);
    h->rectified_at = mu_db_int(r, 11);
    h->rectified_by = mu_db_dup(r, 12);
    h->verified_at = mu_db_int(r, 13);
    h->verified_by = mu_db_dup(r, 14);
    if (!h->plan_id || !h->place || !h->description || !h->unit || !h->owner || !h->found_by ||
        !h->rectified_by || !h->verified_by) {
        mu_hazard_release(h);
        return oom(err);
    }
    return MU_OK;
}

enum mu_err mu_store_hazard_get(struct mu_store *s, int64_t id, struct mu_hazard *out,
                                struct mu_error *err)
{
    struct mu_db_rows *r = NULL;
    int has = 0;
    struct mu_db_val p[] = {MU_DB_INT(id)};
    enum mu_err rc =
        mu_db_query(s->db, "SELECT " HAZARD_COLS " FROM hazards WHERE id = $1", p, 1, &r, err);
    if (rc == MU_OK)
        rc = mu_db_next(r, &has, err);
    if (rc == MU_OK && !has)
        rc = mu_error_field(err, MU_ENOTFOUND, "id", "no hazard %lld", (long long)id);
    if (rc == MU_OK)
        rc = read_hazard(r, out, err);
    mu_db_finish(r);
    return rc;
}

enum mu_err mu_store_hazard_list(struct mu_store *s, int32_t open_due_before,
                                 struct mu_hazard **out, size_t *n, struct mu_error *err)
{
    struct mu_db_rows *r = NULL;
    struct mu_hazard *v = NULL;
    size_t count = 0, cap = 0;
    int has = 0;
    char day[11];
    enum mu_err rc;
    *out = NULL;
    *n = 0;
    if (open_due_before >= 0) {
        mu_date_format(open_due_before, day);
        struct mu_db_val p[] = {MU_DB_TEXT(day)};
        rc = mu_db_query(s->db,
                         "SELECT " HAZARD_COLS " FROM hazards WHERE state = 'open' AND "
                         "due_day < $1 ORDER BY id",
                         p, 1, &r, err);
    } else {
        rc = mu_db_query(s->db, "SELECT " HAZARD_COLS " FROM hazards ORDER BY id", NULL, 0, &r,
                         err);
    }
    while (rc == MU_OK && (rc = mu_db_next(r, &has, err)) == MU_OK && has) {
        if (count == cap) {
            size_t nc = cap ? cap * 2 : 16;
            struct mu_hazard *nv = mu_realloc(v, nc * sizeof(*v));
            if (!nv) {
                rc = oom(err);
                break;
            }
            v = nv;
            cap = nc;
        }
        rc = read_hazard(r, &v[count], err);
        if (rc == MU_OK)
            count++;
    }
    mu_db_finish(r);
    if (rc) {
        mu_hazards_free(v, count);
        return rc;
    }
    *out = v;
    *n = count;
    return MU_OK;
}

/* Check that hazard @p id exists (inside the transaction). */
static enum mu_err exists_tx(struct mu_store *s, int64_t id, struct mu_error *err)
{
    int64_t v = 0;
    int found = 0;
    struct mu_db_val p[] = {MU_DB_INT(id)};
    enum mu_err rc = mu_db_query_int(s->db, "SELECT id FROM hazards WHERE id = $1", p, 1, &v,
                                     &found, err);
    if (rc == MU_OK && !found)
        rc = mu_error_field(err, MU_ENOTFOUND, "id", "no hazard %lld", (long long)id);
    return rc;
}

static enum mu_err audit_tx(struct mu_store *s, const struct mu_actor *actor, int64_t id,
                            const char *action, const char *summary, struct mu_error *err)
{
    char object[48];
    snprintf(object, sizeof(object), "hazard:%lld", (long long)id);
    return mu_store_audit_append_tx(s, actor, action, object, summary, err);
}

enum mu_err mu_store_hazard_set_state(struct mu_store *s, const struct mu_actor *actor,
                                      int64_t id, enum mu_hazard_state state, const char *by,
                                      const char *note, struct mu_error *err)
{
    enum mu_err rc;
    if ((rc = mu_store_check_actor(actor, err)) ||
        (rc = mu_store_check_str("by", by, MU_REG_MAX_ID, 0, err)) ||
        (note && (rc = mu_store_check_str("note", note, MU_REG_MAX_TEXT, 1, err))))
        return rc;
    if (state != MU_HAZARD_RECTIFIED && state != MU_HAZARD_VERIFIED)
        return mu_error_field(err, MU_EINVAL, "state", "a hazard can only be set rectified or "
                                                       "verified");
    if ((rc = mu_store_tx_enter(s, err)))
        return rc;
    rc = exists_tx(s, id, err);
    struct mu_db_val p[] = {MU_DB_INT(id), MU_DB_INT(actor->now_ms), MU_DB_TEXT(by)};
    if (rc == MU_OK)
        rc = mu_db_exec(s->db,
                        state == MU_HAZARD_RECTIFIED
                            ? "UPDATE hazards SET state = 'rectified', rectified_at = $2, "
                              "rectified_by = $3 WHERE id = $1"
                            : "UPDATE hazards SET state = 'verified', verified_at = $2, "
                              "verified_by = $3 WHERE id = $1",
                        p, 3, err);
    const char *action = state == MU_HAZARD_RECTIFIED ? "rectify" : "verify";
    if (rc == MU_OK)
        rc = event_tx(s, actor, id, action, by, note, err);
    if (rc == MU_OK) {
        char summary[MU_STORE_MAX_SUMMARY];
        snprintf(summary, sizeof(summary), "%s by %s%s%.1000s",
                 state == MU_HAZARD_RECTIFIED ? "rectified" : "verified", by,
                 note && *note ? ": " : "", note ? note : "");
        rc = audit_tx(s, actor, id,
                      state == MU_HAZARD_RECTIFIED ? "hazard.rectify" : "hazard.verify", summary,
                      err);
    }
    return mu_store_tx_leave(s, rc, err);
}

enum mu_err mu_store_hazard_assign(struct mu_store *s, const struct mu_actor *actor, int64_t id,
                                   const char *owner, int32_t due, struct mu_error *err)
{
    enum mu_err rc;
    char day[11] = "";
    if ((rc = mu_store_check_actor(actor, err)) ||
        (rc = mu_store_check_str("owner", owner, MU_REG_MAX_ID, 0, err)))
        return rc;
    if ((rc = mu_store_tx_enter(s, err)))
        return rc;
    rc = exists_tx(s, id, err);
    if (rc == MU_OK && due >= 0) {
        mu_date_format(due, day);
        struct mu_db_val p[] = {MU_DB_INT(id), MU_DB_TEXT(owner), MU_DB_TEXT(day)};
        rc = mu_db_exec(s->db,
                        "UPDATE hazards SET owner = $2, due_day = $3, state = 'open', "
                        "rectified_at = 0, rectified_by = '' WHERE id = $1",
                        p, 3, err);
    } else if (rc == MU_OK) {
        struct mu_db_val p[] = {MU_DB_INT(id), MU_DB_TEXT(owner)};
        rc = mu_db_exec(s->db,
                        "UPDATE hazards SET owner = $2, state = 'open', rectified_at = 0, "
                        "rectified_by = '' WHERE id = $1",
                        p, 2, err);
    }
    char summary[MU_STORE_MAX_SUMMARY];
    snprintf(summary, sizeof(summary), "owner %s%s%s", owner, day[0] ? ", due " : "", day);
    if (rc == MU_OK)
        rc = event_tx(s, actor, id, "assign", owner, summary, err);
    if (rc == MU_OK)
        rc = audit_tx(s, actor, id, "hazard.assign", summary, err);
    return mu_store_tx_leave(s, rc, err);
}

enum mu_err mu_store_hazard_note(struct mu_store *s, const struct mu_actor *actor, int64_t id,
                                 const char *text, struct mu_error *err)
{
    enum mu_err rc;
    if ((rc = mu_store_check_actor(actor, err)) ||
        (rc = mu_store_check_str("text", text, MU_REG_MAX_TEXT, 0, err)))
        return rc;
    if ((rc = mu_store_tx_enter(s, err)))
        return rc;
    rc = exists_tx(s, id, err);
    if (rc == MU_OK)
        rc = event_tx(s, actor, id, "note", NULL, text, err);
    if (rc == MU_OK) {
        char summary[MU_STORE_MAX_SUMMARY];
        snprintf(summary, sizeof(summary), "%.1500s", text);
        rc = audit_tx(s, actor, id, "hazard.note", summary, err);
    }
    return mu_store_tx_leave(s, rc, err);
}

void mu_hazard_events_free(struct mu_hazard_event *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) {
        mu_free(v[i].actor);
        mu_free(v[i].action);
        mu_free(v[i].person);
        mu_free(v[i].text);
    }
    mu_free(v);
}

enum mu_err mu_store_hazard_events(struct mu_store *s, int64_t id, struct mu_hazard_event **out,
                                   size_t *n, struct mu_error *err)
{
    struct mu_db_rows *r = NULL;
    struct mu_hazard_event *v = NULL;
    size_t count = 0, cap = 0;
    int has = 0;
    *out = NULL;
    *n = 0;
    struct mu_db_val p[] = {MU_DB_INT(id)};
    enum mu_err rc = mu_db_query(s->db,
                                 "SELECT at, actor, action, person, text FROM hazard_events "
                                 "WHERE hazard_id = $1 ORDER BY id",
                                 p, 1, &r, err);
    while (rc == MU_OK && (rc = mu_db_next(r, &has, err)) == MU_OK && has) {
        if (count == cap) {
            size_t nc = cap ? cap * 2 : 8;
            struct mu_hazard_event *nv = mu_realloc(v, nc * sizeof(*v));
            if (!nv) {
                rc = oom(err);
                break;
            }
            v = nv;
            cap = nc;
        }
        struct mu_hazard_event *e = &v[count++];
        e->at = mu_db_int(r, 0);
        e->actor = mu_db_dup(r, 1);
        e->action = mu_db_dup(r, 2);
        e->person = mu_db_dup(r, 3);
        e->text = mu_db_dup(r, 4);
        if (!e->actor || !e->action || !e->person || !e->text)
            rc = oom(err);
    }
    mu_db_finish(r);
    if (rc) {
        mu_hazard_events_free(v, count);
        return rc;
    }
    *out = v;
    *n = count;
    return MU_OK;
}

/* ---------------------------------------------------------- checklists */

enum mu_err mu_store_checklist_add(struct mu_store *s, const struct mu_actor *actor,
                                   const char *plan_id, const char *unit, const char *name,
                                   const char *const *items, size_t nitems, int64_t *id,
                                   struct mu_error *err)
{
    enum mu_err rc;
    int64_t new_id = 0;
    int found = 0;
    char *text = NULL;
    if ((rc = mu_store_check_actor(actor, err)) ||
        (rc = mu_store_check_str("plan", plan_id, MU_REG_MAX_ID, 0, err)) ||
        (rc = mu_store_check_str("unit", unit, MU_REG_MAX_ID, 0, err)) ||
        (rc = mu_store_check_str("name", name, MU_REG_MAX_LINE, 0, err)))
        return rc;
    if (nitems == 0 || nitems > MU_REG_MAX_ITEMS)
        return mu_error_field(err, MU_EINVAL, "item", "a checklist needs 1 to %d items",
                              MU_REG_MAX_ITEMS);
    json_t *arr = json_array();
    for (size_t i = 0; rc == MU_OK && i < nitems; i++) {
        if ((rc = mu_store_check_str("item", items[i], MU_REG_MAX_LINE, 0, err)))
            break;
        if (!arr || json_array_append_new(arr, json_string(items[i])))
            rc = mu_error_set(err, MU_EINVAL, "item %zu is not UTF-8", i + 1);
    }
    if (rc == MU_OK && !(text = json_dumps(arr, JSON_COMPACT)))
        rc = mu_error_set(err, MU_ENOMEM, "out of memory storing a checklist");
    json_decref(arr);
    if (rc)
        return rc;
    if ((rc = mu_store_tx_enter(s, err))) {
        free(text);
        return rc;
    }
    struct mu_db_val p[] = {MU_DB_TEXT(plan_id), MU_DB_TEXT(unit), MU_DB_TEXT(name),
                            MU_DB_TEXT(text), MU_DB_INT(actor->now_ms), MU_DB_TEXT(actor->name)};
    rc = mu_db_query_int(s->db,
                         "INSERT INTO hazard_checklists (plan_id, unit, name, items_json, "
                         "created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                         p, 6, &new_id, &found, err);
    free(text);
    if (rc == MU_OK && !found)
        rc = mu_error_set(err, MU_ESTORE, "checklist insert returned no id");
    if (rc == MU_OK) {
        char object[48], summary[MU_STORE_MAX_SUMMARY];
        snprintf(object, sizeof(object), "checklist:%lld", (long long)new_id);
        snprintf(summary, sizeof(summary), "%.300s for unit %s, %zu items", name, unit, nitems);
        rc = mu_store_audit_append_tx(s, actor, "hazard.checklist", object, summary, err);
    }
    if (rc == MU_OK && id)
        *id = new_id;
    return mu_store_tx_leave(s, rc, err);
}

void mu_checklists_free(struct mu_checklist *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) {
        mu_free(v[i].plan_id);
        mu_free(v[i].unit);
        mu_free(v[i].name);
        mu_free(v[i].created_by);
        for (size_t j = 0; v[i].items && j < v[i].nitems; j++)
            mu_free(v[i].items[j]);
        mu_free(v[i].items);
    }
    mu_free(v);
}

static enum mu_err read_items(const char *text, struct mu_checklist *c, struct mu_error *err)
{
    json_t *arr = json_loads(text ? text : "[]", 0, NULL);
    size_t n = json_array_size(arr);
    c->items = n ? mu_calloc(n, sizeof(char *)) : NULL;
    if (n && !c->items) {
        json_decref(arr);
        return oom(err);
    }
    for (size_t i = 0; i < n; i++) {
        const char *t = json_string_value(json_array_get(arr, i));
        c->items[c->nitems] = mu_strdup(t ? t : "");
        if (!c->items[c->nitems++]) {
            json_decref(arr);
            return oom(err);
        }
    }
    json_decref(arr);
    return MU_OK;
}

/* Read one row of mu_store_checklist_list into @p item. */
static enum mu_err read_checklist(struct mu_db_rows *r, void *item, struct mu_error *err)
{
    struct mu_checklist *c = item;
    c->id = mu_db_int(r, 0);
    c->plan_id = mu_db_dup(r, 1);
    c->unit = mu_db_dup(r, 2);
    c->name = mu_db_dup(r, 3);
    c->created_at = mu_db_int(r, 5);
    c->created_by = mu_db_dup(r, 6);
    if (!c->plan_id || !c->unit || !c->name || !c->created_by)
        return oom(err);
    return read_items(mu_db_text(r, 4), c, err);
}

enum mu_err mu_store_checklist_list(struct mu_store *s, int64_t id, struct mu_checklist **out,
                                    size_t *n, struct mu_error *err)
{
    void *v = NULL;
    size_t count = 0;
    *out = NULL;
    *n = 0;
    struct mu_db_val p[] = {MU_DB_INT(id)};
    enum mu_err rc = mu_db_query_all(s->db,
                                     "SELECT id, plan_id, unit, name, items_json, created_at, "
                                     "created_by FROM hazard_checklists WHERE id = $1 OR $1 = 0 "
                                     "ORDER BY id",
                                     p, 1, sizeof(struct mu_checklist), read_checklist,
                                     "reading hazards", &v, &count, err);
    if (rc == MU_OK && id != 0 && count == 0)
        rc = mu_error_field(err, MU_ENOTFOUND, "checklist", "no checklist %lld", (long long)id);
    if (rc) {
        mu_checklists_free(v, count);
        return rc;
    }
    *out = v;
    *n = count;
    return MU_OK;
}

enum mu_err mu_store_round_add(struct mu_store *s, const struct mu_actor *actor,
                               int64_t checklist_id, int32_t day, const char *inspector,
                               const int *passed, size_t n, const char *note, int64_t *id,
                               struct mu_error *err)
{
    enum mu_err rc;
    struct mu_checklist *c = NULL;
    size_t nc = 0, failed = 0;
    char *text = NULL, ds[11];
    int64_t new_id = 0;
    int found = 0;
    if ((rc = mu_store_check_actor(actor, err)) ||
        (rc = mu_store_check_str("by", inspector, MU_REG_MAX_ID, 0, err)) ||
        (note && (rc = mu_store_check_str("note", note, MU_REG_MAX_TEXT, 1, err))))
        return rc;
    if ((rc = mu_store_tx_enter(s, err)))
        return rc;
    rc = mu_store_checklist_list(s, checklist_id, &c, &nc, err);
    if (rc == MU_OK && c[0].nitems != n)
        rc = mu_error_field(err, MU_EINVAL, "results",
                            "checklist %lld has %zu items, %zu results given",
                            (long long)checklist_id, c[0].nitems, n);
    mu_checklists_free(c, nc);
    json_t *arr = rc == MU_OK ? json_array() : NULL;
    for (size_t i = 0; arr && i < n; i++) {
        failed += !passed[i];
        if (json_array_append_new(arr, json_integer(passed[i] ? 1 : 0)))
            break;
    }
    if (rc == MU_OK && !(text = json_dumps(arr, JSON_COMPACT)))
        rc = mu_error_set(err, MU_ENOMEM, "out of memory storing a round");
    json_decref(arr);
    mu_date_format(day, ds);
    if (rc == MU_OK) {
        struct mu_db_val p[] = {MU_DB_INT(checklist_id), MU_DB_TEXT(ds),
                                MU_DB_TEXT(inspector),   MU_DB_TEXT(text),
                                MU_DB_INT(failed),       MU_DB_TEXT(note ? note : ""),
                                MU_DB_INT(actor->now_ms), MU_DB_TEXT(actor->name)};
        rc = mu_db_query_int(s->db,
                             "INSERT INTO hazard_rounds (checklist_id, day, inspector, "
                             "results_json, failed, note, created_at, created_by) VALUES ($1, "
                             "$2, $3, $4, $5, $6, $7, $8) RETURNING id",
                             p, 8, &new_id, &found, err);
        if (rc == MU_OK && !found)
            rc = mu_error_set(err, MU_ESTORE, "round insert returned no id");
    }
    free(text);
    if (rc == MU_OK) {
        char object[48], summary[200];
        snprintf(object, sizeof(object), "checklist:%lld", (long long)checklist_id);
        snprintf(summary, sizeof(summary), "round %lld on %s by %.100s: %zu of %zu failed",
                 (long long)new_id, ds, inspector, failed, n);
        rc = mu_store_audit_append_tx(s, actor, "hazard.inspect", object, summary, err);
    }
    if (rc == MU_OK && id)
        *id = new_id;
    return mu_store_tx_leave(s, rc, err);
}

void mu_rounds_free(struct mu_round *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) {
        mu_free(v[i].inspector);
        mu_free(v[i].note);
        mu_free(v[i].passed);
    }
    mu_free(v);
}

/* Read one row of mu_store_round_list into @p item. */
static enum mu_err read_round(struct mu_db_rows *r, void *item, struct mu_error *err)
{
    struct mu_round *x = item;
    x->id = mu_db_int(r, 0);
    x->checklist_id = mu_db_int(r, 1);
    x->day = mu_store_day_of(mu_db_text(r, 2));
    x->inspector = mu_db_dup(r, 3);
    x->note = mu_db_dup(r, 4);
    x->failed = (size_t)mu_db_int(r, 6);
    x->created_at = mu_db_int(r, 7);
    json_t *arr = json_loads(mu_db_text(r, 5) ? mu_db_text(r, 5) : "[]", 0, NULL);
    x->nitems = json_array_size(arr);
    x->passed = mu_calloc(x->nitems ? x->nitems : 1, sizeof(int));
    for (size_t i = 0; x->passed && i < x->nitems; i++)
        x->passed[i] = json_integer_value(json_array_get(arr, i)) != 0;
    json_decref(arr);
    if (!x->inspector || !x->note || !x->passed)
        return oom(err);
    return MU_OK;
}

enum mu_err mu_store_round_list(struct mu_store *s, int64_t checklist_id, struct mu_round **out,
                                size_t *n, struct mu_error *err)
{
    void *v = NULL;
    size_t count = 0;
    *out = NULL;
    *n = 0;
    struct mu_db_val p[] = {MU_DB_INT(checklist_id)};
    enum mu_err rc = mu_db_query_all(
        s->db,
        "SELECT id, checklist_id, day, inspector, note, results_json, "
        "failed, created_at FROM hazard_rounds WHERE checklist_id = $1 OR "
        "$1 = 0 ORDER BY day, id",
        p, 1, sizeof(struct mu_round), read_round, "reading hazards", &v, &count, err);
    if (rc) {
        mu_rounds_free(v, count);
        return rc;
    }
    *out = v;
    *n = count;
    return MU_OK;
}
