/* SPDX-License-Identifier: MIT */
/*
 * Engine-neutral helpers of the database layer: picking the engine from a
 * DSN and a few conveniences over the vtable (run and discard, one integer,
 * copy a column) and the row helpers of db.h (one row, count, grow an
 * array, read all rows, a filtered query).
 */
#include "store/db.h"

#include <stdio.h>
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

uint32_t mu_db_sql_hash(const char *sql, size_t len)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)sql[i]) * 16777619u;
    return h;
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

enum mu_err mu_db_query_row(struct mu_db *db, const char *sql, const struct mu_db_val *p, int n,
                            struct mu_db_rows **out, int *found, struct mu_error *err)
{
    *found = 0;
    enum mu_err rc = mu_db_query(db, sql, p, n, out, err);
    if (rc == MU_OK)
        rc = mu_db_next(*out, found, err);
    return rc;
}

enum mu_err mu_db_count(struct mu_db *db, const char *sql, const struct mu_db_val *p, int n,
                        size_t *count, struct mu_error *err)
{
    struct mu_db_rows *r = NULL;
    size_t k = 0;
    int has = 0;
    enum mu_err rc = mu_db_query(db, sql, p, n, &r, err);
    while (rc == MU_OK && (rc = mu_db_next(r, &has, err)) == MU_OK && has)
        k++;
    mu_db_finish(r);
    *count = k;
    return rc;
}

void *mu_db_grow(void *v, size_t size, size_t len, size_t *cap)
{
    if (len < *cap)
        return v;
    size_t ncap = *cap ? *cap * 2 : 16;
    char *nv = mu_realloc(v, ncap * size);
    if (!nv)
        return NULL;
    memset(nv + *cap * size, 0, (ncap - *cap) * size);
    *cap = ncap;
    return nv;
}

enum mu_err mu_db_query_all(struct mu_db *db, const char *sql, const struct mu_db_val *p, int n,
                            size_t size, mu_db_read_fn *read_row, const char *what, void **out,
                            size_t *count, struct mu_error *err)
{
    struct mu_db_rows *r = NULL;
    char *v = NULL;
    size_t len = 0, cap = 0;
    int has = 0;
    enum mu_err rc = mu_db_query(db, sql, p, n, &r, err);
    while (rc == MU_OK && (rc = mu_db_next(r, &has, err)) == MU_OK && has) {
        char *nv = mu_db_grow(v, size, len, &cap);
        if (!nv) {
            rc = mu_error_set(err, MU_ENOMEM, "out of memory %s", what);
            break;
        }
        v = nv;
        rc = read_row(r, v + len++ * size, err);
    }
    mu_db_finish(r);
    *out = v;
    *count = len;
    return rc;
}

void mu_db_add_param(char *sql, size_t cap, struct mu_db_val *p, int *np, const char *before,
                     struct mu_db_val v, const char *after)
{
    size_t len = strlen(sql);
    p[*np] = v;
    ++*np;
    snprintf(sql + len, cap - len, "%s$%d%s", before, *np, after);
}
