/* SPDX-License-Identifier: MIT */
/*
 * Engine-neutral helpers of the database layer: picking the engine from a
 * DSN and a few conveniences over the vtable (run and discard, one integer,
 * copy a column).
 */
#include "store/db.h"

#include <string.h>

#include <muster/mem.h>

#include "util/banned.h"

static int has_prefix(const char *s, const char *p)
{
    return strncmp(s, p, strlen(p)) == 0;
}

enum mu_err mu_db_open(const char *dsn, struct mu_db **out, struct mu_error *err)
{
    *out = NULL;
    if (!dsn || !*dsn)
        return mu_error_set(err, MU_EINVAL, "no database given (use --db or MUSTER_DB)");
    if (has_prefix(dsn, "postgres://") || has_prefix(dsn, "postgresql://"))
        return mu_db_pg_ops.open(dsn, out, err);
    if (has_prefix(dsn, "sqlite:")) {
        dsn += strlen("sqlite:");
        if (!*dsn)
            return mu_error_set(err, MU_EINVAL, "no file name after 'sqlite:'");
    }
    return mu_db_sqlite_ops.open(dsn, out, err);
}

enum mu_err mu_db_exec(struct mu_db *db, const char *sql, const struct mu_db_val *p, int n,
                       struct mu_error *err)
{
    struct mu_db_rows *r = NULL;
    int has = 1;
    enum mu_err rc = mu_db_query(db, sql, p, n, &r, err);
    while (rc == MU_OK && has)
        rc = mu_db_next(r, &has, err);
    mu_db_finish(r);
    return rc;
}

enum mu_err mu_db_query_int(struct mu_db *db, const char *sql, const struct mu_db_val *p, int n,
                            int64_t *value, int *found, struct mu_error *err)
{
    struct mu_db_rows *r = NULL;
    int has = 0;
    enum mu_err rc = mu_db_query(db, sql, p, n, &r, err);
    if (rc == MU_OK)
        rc = mu_db_next(r, &has, err);
    if (rc == MU_OK) {
        *found = has;
        *value = has ? mu_db_int(r, 0) : 0;
    }
    mu_db_finish(r);
    return rc;
}

char *mu_db_dup(struct mu_db_rows *r, int i)
{
    const char *t = mu_db_text(r, i);
    return mu_strdup(t ? t : "");
}
