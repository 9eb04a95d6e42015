/* SPDX-License-Identifier: MIT */
/*
 * The migration runner. Each numbered migration runs in its own transaction
 * together with the row that records it in schema_version, so a failure
 * leaves the database at the version before. The schema_version table is
 * created by the runner (in the first migration's transaction), the same on
 * both engines. A database newer than the binary is refused untouched.
 */
#include "store/migrate.h"

#include <stdio.h>
#include <time.h>

#include "util/banned.h"

static const char create_version_sql[] = "CREATE TABLE schema_version (\n"
                                         "    version INTEGER PRIMARY KEY,\n"
                                         "    name TEXT NOT NULL,\n"
                                         "    applied_at BIGINT NOT NULL\n"
                                         ")";

int mu_migrations_latest(const struct mu_migration *list)
{
    int v = 0;
    for (; list && list->sql; list++)
        if (list->version > v)
            v = list->version;
    return v;
}

int mu_store_schema_latest(const struct mu_store *s)
{
    return mu_migrations_latest(s->migrations);
}

enum mu_err mu_store_read_version(struct mu_store *s, int *version, struct mu_error *err)
{
    int exists = 0, found = 0;
    int64_t v = 0;
    *version = 0;
    enum mu_err rc = s->db->ops->has_table(s->db, "schema_version", &exists, err);
    if (rc || !exists)
        return rc;
    rc =
        mu_db_query_int(s->db, "SELECT MAX(version) FROM schema_version", NULL, 0, &v, &found, err);
    if (rc == MU_OK)
        *version = (int)v;
    return rc;
}

enum mu_err mu_store_schema_version(struct mu_store *s, int *version, struct mu_error *err)
{
    return mu_store_read_version(s, version, err);
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static enum mu_err too_new(int have, int know, struct mu_error *err)
{
    return mu_error_set(err, MU_ECONFLICT,
                        "database schema version %d is newer than this muster supports (%d); "
                        "upgrade muster",
                        have, know);
}

/* One migration in its own transaction; nothing when someone else applied it already. */
static enum mu_err apply_one(struct mu_store *s, const struct mu_migration *m, int latest,
                             struct mu_error *err)
{
    int have = 0, exists = 0;
    enum mu_err rc = mu_store_tx_enter(s, err);
    if (rc)
        return rc;
    rc = s->db->ops->lock_migrations(s->db, err);
    if (rc == MU_OK)
        rc = mu_store_read_version(s, &have, err);
    if (rc)
        goto out;
    if (have > latest) {
        rc = too_new(have, latest, err);
        goto out;
    }
    if (have >= m->version)
        goto out; /* another process got here first */
    rc = s->db->ops->has_table(s->db, "schema_version", &exists, err);
    if (rc == MU_OK && !exists)
        rc = s->db->ops->exec_script(s->db, create_version_sql, err);
    if (rc)
        goto out;
    rc = s->db->ops->exec_script(s->db, m->sql, err);
    if (rc) {
        char why[MU_ERROR_MSG_MAX];
        snprintf(why, sizeof(why), "%s", err ? err->msg : "");
        rc = mu_error_set(err, MU_ESTORE, "migration %s failed: %s", m->name, why);
        goto out;
    }
    struct mu_db_val p[] = {MU_DB_INT(m->version), MU_DB_TEXT(m->name), MU_DB_INT(now_ms())};
    rc = mu_db_exec(s->db,
                    "INSERT INTO schema_version (version, name, applied_at) VALUES ($1, $2, $3)", p,
                    3, err);
out:
    return mu_store_tx_leave(s, rc, err);
}

enum mu_err mu_store_migrate_with(struct mu_store *s, const struct mu_migration *list, int *from,
                                  int *to, struct mu_error *err)
{
    int have = 0;
    int latest = mu_migrations_latest(list);
    enum mu_err rc;
    if (s->depth > 0)
        return mu_error_set(err, MU_EINVAL, "cannot migrate inside a transaction");
    rc = mu_store_read_version(s, &have, err);
    if (rc)
        return rc;
    if (from)
        *from = have;
    if (to)
        *to = have;
    if (have > latest)
        return too_new(have, latest, err);
    for (const struct mu_migration *m = list; m && m->sql; m++) {
        if (m->version <= have)
            continue;
        rc = apply_one(s, m, latest, err);
        if (rc)
            break;
        if (to)
            *to = m->version;
    }
    if (rc == MU_OK && to) {
        /* Another process may have applied some; report what is there now. */
        rc = mu_store_read_version(s, &have, err);
        if (rc == MU_OK)
            *to = have;
    }
    return rc;
}

enum mu_err mu_store_migrate(struct mu_store *s, int *from, int *to, struct mu_error *err)
{
    return mu_store_migrate_with(s, s->migrations, from, to, err);
}
