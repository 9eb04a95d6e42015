/* SPDX-License-Identifier: MIT */
/*
 * Plans in the database: every load of a changed plan file becomes a new
 * version (plan_versions), the plan row points at the latest, and each new
 * version appends a "plan.load" audit entry in the same transaction.
 * Loading the same source again changes nothing.
 */
#include "store/store_int.h"

#include <stdio.h>
#include <string.h>

#include <muster/mem.h>

#include "core/audit.h"
#include "util/banned.h"

static enum mu_err check_id(const char *id, struct mu_error *err)
{
    if (!id || !*id)
        return mu_error_field(err, MU_EINVAL, "id", "plan id is empty");
    if (strlen(id) > MU_STORE_MAX_NAME)
        return mu_error_field(err, MU_EINVAL, "id", "plan id is longer than %d bytes",
                              MU_STORE_MAX_NAME);
    return MU_OK;
}

enum mu_err mu_store_plan_put(struct mu_store *s, const struct mu_actor *actor, const char *id,
                              const char *title, const char *source, const char *model_json,
                              int *version, int *unchanged, struct mu_error *err)
{
    struct mu_db_rows *r = NULL;
    char hash[MU_AUDIT_HEX_LEN + 1];
    int has = 0, latest = 0, same = 0;
    enum mu_err rc;

    if ((rc = mu_store_check_actor(actor, err)) || (rc = check_id(id, err)))
        return rc;
    if (!title || !source || !model_json)
        return mu_error_set(err, MU_EINVAL, "plan '%s': title, source and model are required", id);
    mu_blake2b_hex(source, strlen(source), hash);

    rc = mu_store_tx_enter(s, err);
    if (rc)
        return rc;
    struct mu_db_val pid[] = {MU_DB_TEXT(id)};
    rc = mu_db_query_row(s->db,
                         "SELECT p.latest_version, v.source_hash FROM plans AS p "
                         "JOIN plan_versions AS v ON v.plan_id = p.id "
                         "AND v.version = p.latest_version WHERE p.id = $1",
                         pid, 1, &r, &has, err);
    if (rc)
        goto out;
    if (has) {
        const char *h = mu_db_text(r, 1);
        latest = (int)mu_db_int(r, 0);
        same = h && strcmp(h, hash) == 0;
    }
    mu_db_finish(r);
    r = NULL;
    if (same)
        goto out;

    int v = latest + 1;
    if (latest == 0) {
        struct mu_db_val p[] = {MU_DB_TEXT(id), MU_DB_TEXT(title), MU_DB_INT(actor->now_ms),
                                MU_DB_TEXT(actor->name)};
        rc = mu_db_exec(s->db,
                        "INSERT INTO plans (id, title, created_at, latest_version, loaded_at, "
                        "loaded_by) VALUES ($1, $2, $3, 1, $3, $4)",
                        p, 4, err);
    } else {
        /* loaded_at and loaded_by repeat the latest version's, so that the
         * plan list need not read plan_versions rows (large: source, model). */
        struct mu_db_val p[] = {MU_DB_TEXT(id), MU_DB_TEXT(title), MU_DB_INT(v),
                                MU_DB_INT(actor->now_ms), MU_DB_TEXT(actor->name)};
        rc = mu_db_exec(s->db,
                        "UPDATE plans SET title = $2, latest_version = $3, loaded_at = $4, "
                        "loaded_by = $5 WHERE id = $1",
                        p, 5, err);
    }
    if (rc == MU_OK) {
        struct mu_db_val p[] = {MU_DB_TEXT(id),           MU_DB_INT(v),           MU_DB_TEXT(title),
                                MU_DB_TEXT(source),       MU_DB_TEXT(model_json), MU_DB_TEXT(hash),
                                MU_DB_INT(actor->now_ms), MU_DB_TEXT(actor->name)};
        rc = mu_db_exec(s->db,
                        "INSERT INTO plan_versions (plan_id, version, title, source, model_json, "
                        "source_hash, loaded_at, loaded_by) "
                        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                        p, 8, err);
    }
    if (rc == MU_ECONFLICT) {
        rc = mu_error_set(err, MU_ECONFLICT,
                          "plan '%s' was loaded by someone else at the same time; try again", id);
    }
    if (rc)
        goto out;
    char object[MU_STORE_MAX_NAME + 8], summary[MU_STORE_MAX_SUMMARY];
    snprintf(object, sizeof(object), "plan:%s", id);
    snprintf(summary, sizeof(summary), "version %d: %s", v, title);
    rc = mu_store_audit_append_tx(s, actor, "plan.load", object, summary, err);
    latest = v;
out:
    mu_db_finish(r);
    rc = mu_store_tx_leave(s, rc, err);
    if (rc == MU_OK) {
        if (version)
            *version = latest;
        if (unchanged)
            *unchanged = same;
    }
    return rc;
}

void mu_plan_record_release(struct mu_plan_record *r)
{
    if (!r)
        return;
    mu_free(r->id);
    mu_free(r->title);
    mu_free(r->source);
    mu_free(r->model_json);
    mu_free(r->loaded_by);
    memset(r, 0, sizeof(*r));
}

enum mu_err mu_store_plan_get(struct mu_store *s, const char *id, int version,
                              struct mu_plan_record *out, struct mu_error *err)
{
    struct mu_db_rows *r = NULL;
    struct mu_plan_record rec = {0};
    int has = 0;
    enum mu_err rc = check_id(id, err);
    if (rc)
        return rc;
    if (version < 0)
        return mu_error_field(err, MU_EINVAL, "version", "plan version %d is not valid", version);
    struct mu_db_val p[] = {MU_DB_TEXT(id), MU_DB_INT(version)};
    rc = mu_db_query_row(s->db,
                         "SELECT p.id, v.title, v.version, p.latest_version, v.source, "
                         "v.model_json, v.source_hash, p.created_at, v.loaded_at, v.loaded_by "
                         "FROM plans AS p JOIN plan_versions AS v ON v.plan_id = p.id "
                         "WHERE p.id = $1 AND v.version = "
                         "CASE WHEN $2 = 0 THEN p.latest_version ELSE $2 END",
                         p, 2, &r, &has, err);
    if (rc)
        goto out;
    if (!has) {
        int64_t latest = 0;
        int found = 0;
        mu_db_finish(r);
        r = NULL;
        rc = mu_db_query_int(s->db, "SELECT latest_version FROM plans WHERE id = $1", p, 1, &latest,
                             &found, err);
        if (rc)
            goto out;
        if (!found)
            rc = mu_error_set(err, MU_ENOTFOUND, "no plan '%s'", id);
        else
            rc = mu_error_set(err, MU_ENOTFOUND, "plan '%s' has no version %d (latest is %d)", id,
                              version, (int)latest);
        goto out;
    }
    rec.id = mu_db_dup(r, 0);
    rec.title = mu_db_dup(r, 1);
    rec.version = (int)mu_db_int(r, 2);
    rec.latest_version = (int)mu_db_int(r, 3);
    rec.source = mu_db_dup(r, 4);
    rec.model_json = mu_db_dup(r, 5);
    const char *h = mu_db_text(r, 6);
    snprintf(rec.source_hash, sizeof(rec.source_hash), "%s", h ? h : "");
    rec.created_at = mu_db_int(r, 7);
    rec.loaded_at = mu_db_int(r, 8);
    rec.loaded_by = mu_db_dup(r, 9);
    if (!rec.id || !rec.title || !rec.source || !rec.model_json || !rec.loaded_by)
        rc = mu_error_set(err, MU_ENOMEM, "out of memory reading plan '%s'", id);
out:
    mu_db_finish(r);
    if (rc) {
        mu_plan_record_release(&rec);
        return rc;
    }
    *out = rec;
    return MU_OK;
}

void mu_plan_summaries_free(struct mu_plan_summary *v, size_t n)
{
    if (!v)
        return;
    for (size_t i = 0; i < n; i++) {
        mu_free(v[i].id);
        mu_free(v[i].title);
        mu_free(v[i].loaded_by);
    }
    mu_free(v);
}

/* Copy the current row of the plan list into @p item (a struct mu_plan_summary). */
static enum mu_err read_summary(struct mu_db_rows *r, void *item, struct mu_error *err)
{
    struct mu_plan_summary *e = item;
    e->id = mu_db_dup(r, 0);
    e->title = mu_db_dup(r, 1);
    e->latest_version = (int)mu_db_int(r, 2);
    e->loaded_at = mu_db_int(r, 3);
    e->loaded_by = mu_db_dup(r, 4);
    if (!e->id || !e->title || !e->loaded_by)
        return mu_error_set(err, MU_ENOMEM, "out of memory reading plans");
    return MU_OK;
}

enum mu_err mu_store_plan_list(struct mu_store *s, struct mu_plan_summary **out, size_t *count,
                               struct mu_error *err)
{
    void *v = NULL;
    size_t len = 0;
    *out = NULL;
    *count = 0;
    enum mu_err rc = mu_db_query_all(s->db,
                                     "SELECT id, title, latest_version, loaded_at, loaded_by "
                                     "FROM plans ORDER BY id",
                                     NULL, 0, sizeof(struct mu_plan_summary), read_summary,
                                     "reading plans", &v, &len, err);
    if (rc) {
        mu_plan_summaries_free(v, len);
        return rc;
    }
    *out = v;
    *count = len;
    return MU_OK;
}

void mu_plan_versions_free(struct mu_plan_version_info *v, size_t n)
{
    if (!v)
        return;
    for (size_t i = 0; i < n; i++) {
        mu_free(v[i].title);
        mu_free(v[i].loaded_by);
    }
    mu_free(v);
}

/* Copy the current row of the version list into @p item (a struct mu_plan_version_info). */
static enum mu_err read_version(struct mu_db_rows *r, void *item, struct mu_error *err)
{
    struct mu_plan_version_info *e = item;
    e->version = (int)mu_db_int(r, 0);
    e->title = mu_db_dup(r, 1);
    e->loaded_at = mu_db_int(r, 2);
    e->loaded_by = mu_db_dup(r, 3);
    const char *h = mu_db_text(r, 4);
    snprintf(e->source_hash, sizeof(e->source_hash), "%s", h ? h : "");
    if (!e->title || !e->loaded_by)
        return mu_error_set(err, MU_ENOMEM, "out of memory reading plan versions");
    return MU_OK;
}

enum mu_err mu_store_plan_versions(struct mu_store *s, const char *id,
                                   struct mu_plan_version_info **out, size_t *count,
                                   struct mu_error *err)
{
    void *v = NULL;
    size_t len = 0;
    *out = NULL;
    *count = 0;
    enum mu_err rc = check_id(id, err);
    if (rc)
        return rc;
    struct mu_db_val p[] = {MU_DB_TEXT(id)};
    rc = mu_db_query_all(s->db,
                         "SELECT version, title, loaded_at, loaded_by, source_hash "
                         "FROM plan_versions WHERE plan_id = $1 ORDER BY version",
                         p, 1, sizeof(struct mu_plan_version_info), read_version, "reading plans",
                         &v, &len, err);
    if (rc == MU_OK && len == 0)
        rc = mu_error_set(err, MU_ENOTFOUND, "no plan '%s'", id);
    if (rc) {
        mu_plan_versions_free(v, len);
        return rc;
    }
    *out = v;
    *count = len;
    return MU_OK;
}
