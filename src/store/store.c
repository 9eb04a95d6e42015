/* SPDX-License-Identifier: MIT */
/*
 * The store object: opening by DSN (and migrating), closing, the engine's
 * name, and transactions. Transactions nest through savepoints so that a
 * store function can always run as one unit of work, whether or not its
 * caller has a transaction open.
 */
#include "store/migrate.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include <muster/date.h>
#include <muster/mem.h>

#include "util/banned.h"

struct mu_db *mu_store_db(struct mu_store *s)
{
    return s->db;
}

enum mu_err mu_store_open_raw(const char *dsn, struct mu_store **out, struct mu_error *err)
{
    struct mu_store *s = NULL;
    enum mu_err rc;
    *out = NULL;
    s = mu_calloc(1, sizeof(*s));
    if (!s)
        return mu_error_set(err, MU_ENOMEM, "out of memory opening the database");
    rc = mu_db_open(dsn, &s->db, err);
    if (rc) {
        mu_free(s);
        return rc;
    }
    s->migrations = s->db->ops == &mu_db_pg_ops ? mu_migrations_pg : mu_migrations_sqlite;
    *out = s;
    return MU_OK;
}

enum mu_err mu_store_open_ex(const char *dsn, unsigned flags, struct mu_store **out,
                             struct mu_error *err)
{
    struct mu_store *s = NULL;
    enum mu_err rc = mu_store_open_raw(dsn, &s, err);
    if (rc == MU_OK && !(flags & MU_STORE_OPEN_NO_MIGRATE))
        rc = mu_store_migrate(s, NULL, NULL, err);
    if (rc) {
        mu_store_close(s);
        *out = NULL;
        return rc;
    }
    *out = s;
    return MU_OK;
}

enum mu_err mu_store_open(const char *dsn, struct mu_store **out, struct mu_error *err)
{
    return mu_store_open_ex(dsn, 0, out, err);
}

void mu_store_close(struct mu_store *s)
{
    if (!s)
        return;
    if (s->depth > 0)
        s->db->ops->rollback(s->db, NULL);
    mu_db_close(s->db);
    mu_free(s);
}

/* Commits of audited changes in this process, by scope; see mu_store_local_changes(). */
static atomic_uint_fast64_t local_changes[2];

uint64_t mu_store_local_changes(enum mu_change_scope scope)
{
    return (uint64_t)atomic_load(&local_changes[scope == MU_CHANGES_ACCOUNTS]);
}

const char *mu_store_engine(const struct mu_store *s)
{
    return s->db->ops->name;
}

static enum mu_err enter(struct mu_store *s, int read_only, struct mu_error *err)
{
    enum mu_err rc;
    if (s->depth == 0) {
        rc = read_only ? s->db->ops->begin_read(s->db, err) : s->db->ops->begin(s->db, err);
    } else {
        char sql[64];
        snprintf(sql, sizeof(sql), "SAVEPOINT mu_sp_%d", s->depth);
        rc = s->db->ops->exec_script(s->db, sql, err);
    }
    if (rc == MU_OK)
        s->depth++;
    return rc;
}

enum mu_err mu_store_tx_enter(struct mu_store *s, struct mu_error *err)
{
    return enter(s, 0, err);
}

enum mu_err mu_store_tx_enter_read(struct mu_store *s, struct mu_error *err)
{
    return enter(s, 1, err);
}

enum mu_err mu_store_tx_leave(struct mu_store *s, enum mu_err rc, struct mu_error *err)
{
    struct mu_error scratch; /* a failing undo must not hide the first error */
    if (s->depth <= 0)
        MU_BUG("transaction end without a beginning");
    s->depth--;
    if (s->depth == 0) {
        int audited = s->audited, accounts = s->audited_accounts;
        s->audited = s->audited_accounts = 0;
        if (rc == MU_OK) {
            rc = s->db->ops->commit(s->db, err);
            if (rc) {
                s->db->ops->rollback(s->db, &scratch);
            } else if (audited) {
                /* After the commit: see store.h. */
                atomic_fetch_add(&local_changes[0], 1);
                if (accounts)
                    atomic_fetch_add(&local_changes[1], 1);
            }
        } else {
            s->db->ops->rollback(s->db, &scratch);
        }
        return rc;
    }
    char sql[128];
    if (rc == MU_OK) {
        snprintf(sql, sizeof(sql), "RELEASE SAVEPOINT mu_sp_%d", s->depth);
        return s->db->ops->exec_script(s->db, sql, err);
    }
    snprintf(sql, sizeof(sql), "ROLLBACK TO SAVEPOINT mu_sp_%d; RELEASE SAVEPOINT mu_sp_%d",
             s->depth, s->depth);
    s->db->ops->exec_script(s->db, sql, &scratch);
    return rc;
}

enum mu_err mu_store_begin(struct mu_store *s, struct mu_error *err)
{
    return mu_store_tx_enter(s, err);
}

enum mu_err mu_store_commit(struct mu_store *s, struct mu_error *err)
{
    if (s->depth <= 0)
        return mu_error_set(err, MU_EINVAL, "commit without a transaction");
    return mu_store_tx_leave(s, MU_OK, err);
}

void mu_store_rollback(struct mu_store *s)
{
    if (s && s->depth > 0)
        mu_store_tx_leave(s, MU_ECONFLICT, NULL); /* any error code means: undo */
}

enum mu_err mu_store_check_actor(const struct mu_actor *a, struct mu_error *err)
{
    if (!a || !a->name || !*a->name)
        return mu_error_field(err, MU_EINVAL, "actor", "no actor given for the change");
    if (strlen(a->name) > MU_STORE_MAX_NAME)
        return mu_error_field(err, MU_EINVAL, "actor", "actor name is longer than %d bytes",
                              MU_STORE_MAX_NAME);
    return MU_OK;
}

enum mu_err mu_store_check_str(const char *field, const char *v, size_t max, int may_be_empty,
                               struct mu_error *err)
{
    if (!v || (!may_be_empty && !*v))
        return mu_error_field(err, MU_EINVAL, field, "%s is empty", field);
    if (strlen(v) > max)
        return mu_error_field(err, MU_EINVAL, field, "%s is longer than %zu bytes", field, max);
    return MU_OK;
}

int32_t mu_store_day_of(const char *s)
{
    int32_t d = 0;
    if (!s || mu_date_parse(s, strlen(s), &d, NULL))
        return -1;
    return d;
}
