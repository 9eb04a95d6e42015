/* SPDX-License-Identifier: MIT */
/*
 * The SQLite engine of the database layer. On open: WAL, foreign keys on,
 * a 5 second busy timeout and synchronous=FULL, so that a write that was
 * acknowledged survives kill -9 and power loss. Write transactions start with
 * BEGIN IMMEDIATE so that two writers queue at BEGIN instead of failing at
 * their first write. Parameters $1..$n are SQLite named parameters.
 */
#include "store/db.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include <muster/mem.h>

#include "util/banned.h"

#define BUSY_TIMEOUT_MS 5000

struct db_sqlite {
    struct mu_db base;
    sqlite3 *h;
};

struct rows_sqlite {
    struct mu_db_rows base;
    sqlite3_stmt *st;
    int done; /* no more rows */
};

static sqlite3 *handle(struct mu_db *db)
{
    return ((struct db_sqlite *)db)->h;
}

static enum mu_err code_of(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
        return MU_ECONFLICT;
    case SQLITE_NOMEM:
        return MU_ENOMEM;
    default:
        return MU_ESTORE;
    }
}

static enum mu_err fail(struct mu_db *db, int rc, struct mu_error *err)
{
    return mu_error_set(err, code_of(rc), "sqlite: %s", sqlite3_errmsg(handle(db)));
}

static enum mu_err exec_script(struct mu_db *db, const char *sql, struct mu_error *err)
{
    char *msg = NULL;
    int rc = sqlite3_exec(handle(db), sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        enum mu_err e =
            mu_error_set(err, code_of(rc), "sqlite: %s", msg ? msg : sqlite3_errstr(rc));
        sqlite3_free(msg);
        return e;
    }
    return MU_OK;
}

static void db_close(struct mu_db *db)
{
    if (!db)
        return;
    sqlite3_close_v2(handle(db)); /* rolls back an open transaction */
    mu_free(db);
}

static enum mu_err db_open(const char *path, struct mu_db **out, struct mu_error *err)
{
    struct db_sqlite *d = NULL;
    enum mu_err rc = MU_OK;
    *out = NULL;
    d = mu_calloc(1, sizeof(*d));
    if (!d)
        return mu_error_set(err, MU_ENOMEM, "out of memory opening '%s'", path);
    d->base.ops = &mu_db_sqlite_ops;
    int src = sqlite3_open_v2(path, &d->h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (src != SQLITE_OK) {
        rc = mu_error_set(err, MU_ESTORE, "cannot open database '%s': %s", path,
                          d->h ? sqlite3_errmsg(d->h) : sqlite3_errstr(src));
        goto out;
    }
    sqlite3_extended_result_codes(d->h, 1);
    sqlite3_busy_timeout(d->h, BUSY_TIMEOUT_MS);
    /* journal_mode answers with the mode in force; ":memory:" stays "memory". */
    sqlite3_stmt *st = NULL;
    src = sqlite3_prepare_v2(d->h, "PRAGMA journal_mode=WAL", -1, &st, NULL);
    if (src == SQLITE_OK)
        src = sqlite3_step(st);
    if (src != SQLITE_ROW) {
        rc = mu_error_set(err, MU_ESTORE, "cannot open database '%s': %s", path,
                          sqlite3_errmsg(d->h));
        sqlite3_finalize(st);
        goto out;
    }
    sqlite3_finalize(st);
    src = sqlite3_exec(d->h, "PRAGMA foreign_keys=ON; PRAGMA synchronous=FULL;", NULL, NULL, NULL);
    if (src != SQLITE_OK) {
        rc = mu_error_set(err, MU_ESTORE, "cannot open database '%s': %s", path,
                          sqlite3_errmsg(d->h));
        goto out;
    }
out:
    if (rc) {
        if (d->h)
            sqlite3_close_v2(d->h);
        mu_free(d);
        return rc;
    }
    *out = &d->base;
    return MU_OK;
}

static enum mu_err begin(struct mu_db *db, struct mu_error *err)
{
    return exec_script(db, "BEGIN IMMEDIATE", err);
}

static enum mu_err begin_read(struct mu_db *db, struct mu_error *err)
{
    /* Deferred: in WAL mode the first read fixes the snapshot. */
    return exec_script(db, "BEGIN", err);
}

static enum mu_err commit(struct mu_db *db, struct mu_error *err)
{
    return exec_script(db, "COMMIT", err);
}

static enum mu_err rollback(struct mu_db *db, struct mu_error *err)
{
    /* Some errors (disk full, I/O) already rolled back; that is fine. */
    if (sqlite3_get_autocommit(handle(db)))
        return MU_OK;
    return exec_script(db, "ROLLBACK", err);
}

static enum mu_err query(struct mu_db *db, const char *sql, const struct mu_db_val *p, int n,
                         struct mu_db_rows **out, struct mu_error *err)
{
    struct rows_sqlite *r = NULL;
    sqlite3_stmt *st = NULL;
    enum mu_err rc = MU_OK;
    *out = NULL;
    if (n < 0 || n > MU_DB_MAX_PARAMS)
        return mu_error_set(err, MU_EINTERNAL, "too many query parameters (%d)", n);
    int src = sqlite3_prepare_v2(handle(db), sql, -1, &st, NULL);
    if (src != SQLITE_OK) {
        rc = fail(db, src, err);
        goto out;
    }
    if (sqlite3_bind_parameter_count(st) != n) {
        rc = mu_error_set(err, MU_EINTERNAL, "query takes %d parameters, %d given",
                          sqlite3_bind_parameter_count(st), n);
        goto out;
    }
    for (int i = 0; i < n; i++) {
        char name[16];
        snprintf(name, sizeof(name), "$%d", i + 1);
        int idx = sqlite3_bind_parameter_index(st, name);
        if (idx == 0) {
            rc = mu_error_set(err, MU_EINTERNAL, "query does not use parameter %s", name);
            goto out;
        }
        switch (p[i].type) {
        case MU_DB_TNULL:
            src = sqlite3_bind_null(st, idx);
            break;
        case MU_DB_TINT:
            src = sqlite3_bind_int64(st, idx, p[i].i);
            break;
        case MU_DB_TTEXT:
            src = sqlite3_bind_text(st, idx, p[i].s, -1, SQLITE_TRANSIENT);
            break;
        }
        if (src != SQLITE_OK) {
            rc = fail(db, src, err);
            goto out;
        }
    }
    r = mu_calloc(1, sizeof(*r));
    if (!r) {
        rc = mu_error_set(err, MU_ENOMEM, "out of memory");
        goto out;
    }
    r->base.db = db;
    r->st = st;
    st = NULL;
    *out = &r->base;
out:
    sqlite3_finalize(st);
    return rc;
}

static enum mu_err next(struct mu_db_rows *rows, int *has_row, struct mu_error *err)
{
    struct rows_sqlite *r = (struct rows_sqlite *)rows;
    *has_row = 0;
    if (r->done)
        return MU_OK;
    int src = sqlite3_step(r->st);
    if (src == SQLITE_ROW) {
        *has_row = 1;
        return MU_OK;
    }
    r->done = 1;
    if (src == SQLITE_DONE)
        return MU_OK;
    return fail(rows->db, src, err);
}

static const char *col_text(struct mu_db_rows *rows, int i)
{
    return (const char *)sqlite3_column_text(((struct rows_sqlite *)rows)->st, i);
}

static int64_t col_int(struct mu_db_rows *rows, int i)
{
    return sqlite3_column_int64(((struct rows_sqlite *)rows)->st, i);
}

static int col_null(struct mu_db_rows *rows, int i)
{
    return sqlite3_column_type(((struct rows_sqlite *)rows)->st, i) == SQLITE_NULL;
}

static void finish(struct mu_db_rows *rows)
{
    if (!rows)
        return;
    sqlite3_finalize(((struct rows_sqlite *)rows)->st);
    mu_free(rows);
}

static enum mu_err has_table(struct mu_db *db, const char *name, int *exists, struct mu_error *err)
{
    struct mu_db_val p[] = {MU_DB_TEXT(name)};
    int64_t v = 0;
    return mu_db_query_int(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = $1", p,
                           1, &v, exists, err);
}

static enum mu_err lock_migrations(struct mu_db *db, struct mu_error *err)
{
    (void)db;
    (void)err;
    return MU_OK; /* BEGIN IMMEDIATE already holds the write lock */
}

static enum mu_err columns(struct mu_db *db, struct mu_buf *out, struct mu_error *err)
{
    struct mu_db_rows *r = NULL;
    int has = 0;
    enum mu_err rc = mu_db_query(db,
                                 "SELECT m.name, c.name FROM sqlite_master AS m, "
                                 "pragma_table_info(m.name) AS c WHERE m.type = 'table' "
                                 "AND m.name NOT LIKE 'sqlite_%' ORDER BY 1, 2",
                                 NULL, 0, &r, err);
    while (rc == MU_OK && (rc = mu_db_next(r, &has, err)) == MU_OK && has)
        if (mu_buf_printf(out, "%s.%s\n", mu_db_text(r, 0), mu_db_text(r, 1)))
            rc = mu_error_set(err, MU_ENOMEM, "out of memory");
    mu_db_finish(r);
    return rc;
}

const struct mu_db_ops mu_db_sqlite_ops = {
    .name = "sqlite",
    .open = db_open,
    .close = db_close,
    .begin = begin,
    .begin_read = begin_read,
    .commit = commit,
    .rollback = rollback,
    .exec_script = exec_script,
    .query = query,
    .next = next,
    .col_text = col_text,
    .col_int = col_int,
    .col_null = col_null,
    .finish = finish,
    .has_table = has_table,
    .lock_migrations = lock_migrations,
    .columns = columns,
};
