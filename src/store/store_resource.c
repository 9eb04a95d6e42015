/* SPDX-License-Identifier: MIT */
/*
 * The resource register in the database: resources (vehicles, cash,
 * supplies, equipment) with their stock, and resource_movements, one row
 * for every change of a stock (the initial count, adjustments, assignments
 * to an incident and returns), each with its audit entry in the same
 * transaction. The app checks a movement against the rules (never below
 * zero, never more back than went out) inside its transaction first.
 */
#include "store/store_int.h"

#include <muster/date.h>
#include <muster/mem.h>
#include <muster/register.h>
#include <stdio.h>
#include <string.h>

#include "util/banned.h"

static enum mu_err oom(struct mu_error *err)
{
    return mu_error_set(err, MU_ENOMEM, "out of memory reading resources");
}

static const char *opt(const char *s)
{
    return s ? s : "";
}

static enum mu_err movement_tx(struct mu_store *s, const struct mu_actor *actor, int64_t id,
                               enum mu_resource_move_kind kind, int64_t delta, int64_t after,
                               int64_t incident, const char *reason, struct mu_error *err)
{
    struct mu_db_val p[] = {MU_DB_INT(id),       MU_DB_TEXT(mu_resource_move_name(kind)),
                            MU_DB_INT(delta),    MU_DB_INT(after),
                            MU_DB_INT(incident), MU_DB_TEXT(opt(reason)),
                            MU_DB_INT(actor->now_ms), MU_DB_TEXT(actor->name)};
    return mu_db_exec(s->db,
                      "INSERT INTO resource_movements (resource_id, kind, delta, quantity_after, "
                      "incident_id, reason, at, actor) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                      p, 8, err);
}

enum mu_err mu_store_resource_add(struct mu_store *s, const struct mu_actor *actor,
                                  const struct mu_resource_new *r, int64_t *id,
                                  struct mu_error *err)
{
    enum mu_err rc;
    int64_t new_id = 0;
    int found = 0;
    char exp[11] = "";
    if ((rc = mu_store_check_actor(actor, err)) ||
        (rc = mu_store_check_str("name", r->name, MU_REG_MAX_LINE, 0, err)) ||
        (rc = mu_store_check_str("unit-of-measure", r->unit_of_measure, MU_REG_MAX_ID, 0, err)) ||
        (rc = mu_store_check_str("location", opt(r->location), MU_REG_MAX_LINE, 1, err)) ||
        (rc = mu_store_check_str("custodian", opt(r->custodian), MU_REG_MAX_ID, 1, err)) ||
        (rc = mu_store_check_str("plan", opt(r->plan_id), MU_REG_MAX_ID, 1, err)))
        return rc;
    if (r->quantity < 0 || r->quantity > MU_REG_QUANTITY_MAX)
        return mu_error_field(err, MU_EINVAL, "quantity", "quantity: %lld is negative or too "
                              "large", (long long)r->quantity);
    if (r->min < 0 || r->min > MU_REG_QUANTITY_MAX)
        return mu_error_field(err, MU_EINVAL, "min", "min: %lld is negative or too large",
                              (long long)r->min);
    if ((unsigned)r->category > MU_RESOURCE_EQUIPMENT || (unsigned)r->status > MU_RESOURCE_RETIRED)
        return mu_error_field(err, MU_EINVAL, "category", "category or status is not valid");
    if (r->expires >= 0)
        mu_date_format(r->expires, exp);
    if ((rc = mu_store_tx_enter(s, err)))
        return rc;
    struct mu_db_val p[] = {
        MU_DB_TEXT(r->name),
        MU_DB_TEXT(mu_resource_category_name(r->category)),
        MU_DB_INT(r->quantity),
        MU_DB_INT(r->min),
        MU_DB_TEXT(r->unit_of_measure),
        MU_DB_TEXT(opt(r->location)),
        MU_DB_TEXT(opt(r->custodian)),
        MU_DB_TEXT(opt(r->plan_id)),
        MU_DB_TEXT(mu_resource_status_name(r->status)),
        MU_DB_TEXT(exp),
        MU_DB_INT(actor->now_ms),
        MU_DB_TEXT(actor->name),
    };
    rc = mu_db_query_int(s->db,
                         "INSERT INTO resources (name, category, quantity, min_quantity, "
                         "unit_of_measure, location, custodian, plan_id, status, expires_day, "
                         "created_at, created_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6, "
                         "$7, $8, $9, $10, $11, $12, $11) RETURNING id",
                         p, 12, &new_id, &found, err);
    if (rc == MU_OK && !found)
        rc = mu_error_set(err, MU_ESTORE, "resource insert returned no id");
    if (rc == MU_OK)
        rc = movement_tx(s, actor, new_id, MU_MOVE_ADD, r->quantity, r->quantity, 0, NULL, err);
    if (rc == MU_OK) {
        char object[48], summary[MU_STORE_MAX_SUMMARY];
        snprintf(object, sizeof(object), "resource:%lld", (long long)new_id);
        snprintf(summary, sizeof(summary), "%.300s (%s): %lld %.100s%s%.300s", r->name,
                 mu_resource_category_name(r->category), (long long)r->quantity,
                 r->unit_of_measure, r->location && *r->location ? " at " : "", opt(r->location));
        rc = mu_store_audit_append_tx(s, actor, "resource.add", object, summary, err);
    }
    if (rc == MU_OK && id)
        *id = new_id;
    return mu_store_tx_leave(s, rc, err);
}

void mu_resource_release(struct mu_resource *r)
{
    if (!r)
        return;
    mu_free(r->name);
    mu_free(r->unit_of_measure);
    mu_free(r->location);
    mu_free(r->custodian);
    mu_free(r->plan_id);
    memset(r, 0, sizeof(*r));
}

void mu_resources_free(struct mu_resource *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        mu_resource_release(&v[i]);
    mu_free(v);
}

#define RESOURCE_SELECT                                                                            \
    "SELECT r.id, r.name, r.category, r.quantity, r.min_quantity, r.unit_of_measure, "           \
    "r.location, r.custodian, r.plan_id, r.status, r.expires_day, r.created_at, r.updated_at, "   \
    "(SELECT COALESCE(-SUM(m.delta), 0) "      \
    "FROM resource_movements m WHERE m.resource_id = r.id AND m.kind IN ('assign', 'return')) "  \
    "FROM resources r "

static enum mu_err read_resource(struct mu_db_rows *r, struct mu_resource *x,
                                 struct mu_error *err)
{
    memset(x, 0, sizeof(*x));
    x->id = mu_db_int(r, 0);
    x->name = mu_db_dup(r, 1);
    (void)mu_resource_category_parse(mu_db_text(r, 2), &x->category, NULL);
    x->quantity = mu_db_int(r, 3);
    x->min = mu_db_int(r, 4);
    x->unit_of_measure = mu_db_dup(r, 5);
    x->location = mu_db_dup(r, 6);
    x->custodian = mu_db_dup(r, 7);
    x->plan_id = mu_db_dup(r, 8);
    (void)mu_resource_status_parse(mu_db_text(r, 9), &x->status, NULL);
    const char *e = mu_db_text(r, 10);
    x->expires = -1;
    if (e && *e && mu_date_parse(e, strlen(e), &x->expires, NULL))
        x->expires = -1;
    x->created_at = mu_db_int(r, 11);
    x->updated_at = mu_db_int(r, 12);
    x->assigned = mu_db_int(r, 13);
    if (!x->name || !x->unit_of_measure || !x->location || !x->custodian || !x->plan_id) {
        mu_resource_release(x);
        return oom(err);
    }
    return MU_OK;
}

enum mu_err mu_store_resource_get(struct mu_store *s, int64_t id, struct mu_resource *out,
                                  struct mu_error *err)
{
    struct mu_db_rows *r = NULL;
    int has = 0;
    struct mu_db_val p[] = {MU_DB_INT(id)};
    enum mu_err rc = mu_db_query(s->db, RESOURCE_SELECT "WHERE r.id = $1", p, 1, &r, err);
    if (rc == MU_OK)
        rc = mu_db_next(r, &has, err);
    if (rc == MU_OK && !has)
        rc = mu_error_field(err, MU_ENOTFOUND, "id", "no resource %lld", (long long)id);
    if (rc == MU_OK)
        rc = read_resource(r, out, err);
    mu_db_finish(r);
    return rc;
}

enum mu_err mu_store_resource_list(struct mu_store *s, struct mu_resource **out, size_t *n,
                                   struct mu_error *err)
{
    struct mu_db_rows *r = NULL;
    struct mu_resource *v = NULL;
    size_t count = 0, cap = 0;
    int has = 0;
    *out = NULL;
    *n = 0;
    enum mu_err rc = mu_db_query(s->db,
                                 RESOURCE_SELECT "ORDER BY CASE r.category WHEN 'vehicle' THEN 0 "
                                                 "WHEN 'cash' THEN 1 WHEN 'supply' THEN 2 ELSE 3 "
                                                 "END, r.id",
                                 NULL, 0, &r, err);
    while (rc == MU_OK && (rc = mu_db_next(r, &has, err)) == MU_OK && has) {
        if (count == cap) {
            size_t nc = cap ? cap * 2 : 16;
            struct mu_resource *nv = mu_realloc(v, nc * sizeof(*v));
            if (!nv) {
                rc = oom(err);
                break;
            }
            v = nv;
            cap = nc;
        }
        rc = read_resource(r, &v[count], err);
        if (rc == MU_OK)
            count++;
    }
    mu_db_finish(r);
    if (rc) {
        mu_resources_free(v, count);
        return rc;
    }
    *out = v;
    *n = count;
    return MU_OK;
}

enum mu_err mu_store_resource_outstanding(struct mu_store *s, int64_t id, int64_t incident,
                                          int64_t *out, struct mu_error *err)
{
    int found = 0;
    struct mu_db_val p[] = {MU_DB_INT(id), MU_DB_INT(incident)};
    *out = 0;
    /* An assignment is stored with a negative delta, a return with a positive one. */
    return mu_db_query_int(s->db,
                           "SELECT COALESCE(-SUM(delta), 0) FROM resource_movements WHERE "
                           "resource_id = $1 AND kind IN ('assign', 'return') AND "
                           "(incident_id = $2 OR $2 = 0)",
                           p, 2, out, &found, err);
}

enum mu_err mu_store_resource_move(struct mu_store *s, const struct mu_actor *actor, int64_t id,
                                   enum mu_resource_move_kind kind, int64_t delta, int64_t after,
                                   int64_t incident, const char *reason, struct mu_error *err)
{
    enum mu_err rc;
    int64_t before = 0;
    int found = 0;
    if ((rc = mu_store_check_actor(actor, err)) ||
        (rc = mu_store_check_str("reason", opt(reason), MU_REG_MAX_TEXT, 1, err)))
        return rc;
    if (kind != MU_MOVE_ADJUST && kind != MU_MOVE_ASSIGN && kind != MU_MOVE_RETURN)
        return mu_error_set(err, MU_EINVAL, "not a movement of a stored resource");
    if (after < 0)
        return mu_error_field(err, MU_EINVAL, "quantity", "a quantity cannot be negative");
    if ((rc = mu_store_tx_enter(s, err)))
        return rc;
    struct mu_db_val q[] = {MU_DB_INT(id)};
    rc = mu_db_query_int(s->db, "SELECT quantity FROM resources WHERE id = $1", q, 1, &before,
                         &found, err);
    if (rc == MU_OK && !found)
        rc = mu_error_field(err, MU_ENOTFOUND, "id", "no resource %lld", (long long)id);
    if (rc == MU_OK && before + delta != after)
        rc = mu_error_set(err, MU_ECONFLICT, "resource %lld changed meanwhile", (long long)id);
    if (rc == MU_OK) {
        struct mu_db_val p[] = {MU_DB_INT(id), MU_DB_INT(after), MU_DB_INT(actor->now_ms)};
        rc = mu_db_exec(s->db, "UPDATE resources SET quantity = $2, updated_at = $3 WHERE id = $1",
                        p, 3, err);
    }
    if (rc == MU_OK)
        rc = movement_tx(s, actor, id, kind, delta, after, incident, reason, err);
    if (rc == MU_OK) {
        char object[48], summary[MU_STORE_MAX_SUMMARY], inc[48] = "";
        if (incident)
            snprintf(inc, sizeof(inc), " incident %lld", (long long)incident);
        snprintf(object, sizeof(object), "resource:%lld", (long long)id);
        snprintf(summary, sizeof(summary), "%s %+lld ->%lld%s%s%.1000s",
                 mu_resource_move_name(kind), (long long)delta, (long long)after, inc,
                 reason && *reason ? ": " : "", opt(reason));
        char action[32];
        snprintf(action, sizeof(action), "resource.%s", mu_resource_move_name(kind));
        rc = mu_store_audit_append_tx(s, actor, action, object, summary, err);
    }
    return mu_store_tx_leave(s, rc, err);
}

void mu_resource_movements_free(struct mu_resource_movement *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) {
        mu_free(v[i].reason);
        mu_free(v[i].actor);
    }
    mu_free(v);
}

static enum mu_resource_move_kind move_kind(const char *s)
{
    if (s && strcmp(s, "adjust") == 0)
        return MU_MOVE_ADJUST;
    if (s && strcmp(s, "assign") == 0)
        return MU_MOVE_ASSIGN;
    if (s && strcmp(s, "return") == 0)
        return MU_MOVE_RETURN;
    return MU_MOVE_ADD;
}

/* Read one row of mu_store_resource_movements into @p item. */
static enum mu_err read_movement(struct mu_db_rows *r, void *item, struct mu_error *err)
{
    struct mu_resource_movement *m = item;
    m->id = mu_db_int(r, 0);
    m->resource_id = mu_db_int(r, 1);
    m->kind = move_kind(mu_db_text(r, 2));
    m->delta = mu_db_int(r, 3);
    m->after = mu_db_int(r, 4);
    m->incident = mu_db_int(r, 5);
    m->reason = mu_db_dup(r, 6);
    m->actor = mu_db_dup(r, 7);
    m->at = mu_db_int(r, 8);
    if (!m->reason || !m->actor)
        return oom(err);
    return MU_OK;
}

enum mu_err mu_store_resource_movements(struct mu_store *s, int64_t id,
                                        struct mu_resource_movement **out, size_t *n,
                                        struct mu_error *err)
{
    void *v = NULL;
    size_t count = 0;
    *out = NULL;
    *n = 0;
    struct mu_db_val p[] = {MU_DB_INT(id)};
    enum mu_err rc = mu_db_query_all(s->db,
                                     "SELECT id, resource_id, kind, delta, quantity_after, "
                                     "incident_id, reason, actor, at FROM resource_movements "
                                     "WHERE resource_id = $1 ORDER BY id",
                                     p, 1, sizeof(struct mu_resource_movement), read_movement,
                                     "reading resources", &v, &count, err);
    if (rc) {
        mu_resource_movements_free(v, count);
        return rc;
    }
    *out = v;
    *n = count;
    return MU_OK;
}

enum mu_err mu_store_incident_exists(struct mu_store *s, int64_t id, int *exists,
                                     struct mu_error *err)
{
    int has = 0, found = 0;
    int64_t v = 0;
    *exists = -1;
    enum mu_err rc = s->db->ops->has_table(s->db, "incidents", &has, err);
    if (rc || !has)
        return rc;
    struct mu_db_val p[] = {MU_DB_INT(id)};
    rc = mu_db_query_int(s->db, "SELECT 1 FROM incidents WHERE id = $1", p, 1, &v, &found, err);
    if (rc == MU_OK)
        *exists = found;
    return rc;
}
