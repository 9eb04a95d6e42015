/* SPDX-License-Identifier: MIT */
/*
 * The thin database layer under the store: one vtable (struct mu_db_ops)
 * with a SQLite and a PostgreSQL implementation. SQL above this layer is
 * written once, portable, with $1, $2 ... placeholders and typed bound
 * values; nothing is ever pasted into SQL text. sqlite3_stmt and PGresult
 * stay inside db_sqlite.c and db_pg.c.
 *
 * A connection is used by one thread at a time. A result (struct
 * mu_db_rows) must be finished before the next query on its connection.
 */
#ifndef MU_STORE_DB_H
#define MU_STORE_DB_H

#include <muster/err.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

/* The most parameters one statement takes. */
#define MU_DB_MAX_PARAMS 32

enum mu_db_type { MU_DB_TNULL = 0, MU_DB_TINT, MU_DB_TTEXT };

/** A bound value; text is borrowed for the duration of the query call. */
struct mu_db_val {
    enum mu_db_type type;
    int64_t i;
    const char *s;
};

/* A text value; a NULL pointer binds SQL NULL. */
static inline struct mu_db_val mu_db_val_text(const char *s)
{
    struct mu_db_val v = {.type = s ? MU_DB_TTEXT : MU_DB_TNULL, .s = s};
    return v;
}

#define MU_DB_NULL                                                                                 \
    {                                                                                              \
        .type = MU_DB_TNULL                                                                        \
    }
#define MU_DB_INT(v)                                                                               \
    {                                                                                              \
        .type = MU_DB_TINT, .i = (int64_t)(v)                                                      \
    }
#define MU_DB_TEXT(v) mu_db_val_text(v)

struct mu_db_ops;

/** A connection: the engine's struct begins with this. */
struct mu_db {
    const struct mu_db_ops *ops;
};

/** A result being read: the engine's struct begins with this. */
struct mu_db_rows {
    struct mu_db *db;
};

struct mu_db_ops {
    const char *name; /* "sqlite" or "postgres" */
    /** Connect to @p target (a path, or a libpq URL); *out owned by caller (close). */
    enum mu_err (*open)(const char *target, struct mu_db **out, struct mu_error *err);
    void (*close)(struct mu_db *db);
    /** A write transaction: BEGIN IMMEDIATE on SQLite, so writers queue up front. */
    enum mu_err (*begin)(struct mu_db *db, struct mu_error *err);
    /** A read-only transaction that sees one snapshot. */
    enum mu_err (*begin_read)(struct mu_db *db, struct mu_error *err);
    enum mu_err (*commit)(struct mu_db *db, struct mu_error *err);
    enum mu_err (*rollback)(struct mu_db *db, struct mu_error *err);
    /** Run trusted SQL (migrations, savepoints): one or more statements, no parameters. */
    enum mu_err (*exec_script)(struct mu_db *db, const char *sql, struct mu_error *err);
    /**
     * Run one statement with @p n values bound to $1..$n (every one must be
     * used). *out (finish it) is positioned before the first row.
     */
    enum mu_err (*query)(struct mu_db *db, const char *sql, const struct mu_db_val *params, int n,
                         struct mu_db_rows **out, struct mu_error *err);
    /** Advance: *has_row = 1 with a row to read, 0 at the end. */
    enum mu_err (*next)(struct mu_db_rows *r, int *has_row, struct mu_error *err);
    /** Column @p i of the current row as text (NULL for SQL NULL); valid until next(). */
    const char *(*col_text)(struct mu_db_rows *r, int i);
    int64_t (*col_int)(struct mu_db_rows *r, int i);
    int (*col_null)(struct mu_db_rows *r, int i);
    /** Release a result; NULL is fine. */
    void (*finish)(struct mu_db_rows *r);
    /** Whether table @p name exists in the current schema. */
    enum mu_err (*has_table)(struct mu_db *db, const char *name, int *exists, struct mu_error *err);
    /** Inside a transaction: wait for the migration lock (no-op where BEGIN already serializes). */
    enum mu_err (*lock_migrations)(struct mu_db *db, struct mu_error *err);
    /** Append "table.column\n" for every column of every table, sorted. */
    enum mu_err (*columns)(struct mu_db *db, struct mu_buf *out, struct mu_error *err);
};

extern const struct mu_db_ops mu_db_sqlite_ops;
extern const struct mu_db_ops mu_db_pg_ops;

/** A hash of SQL text, for the engines' statement caches (FNV-1a). */
uint32_t mu_db_sql_hash(const char *sql, size_t len);

/** Connect with the engine the DSN names (see mu_store_open). */
enum mu_err mu_db_open(const char *dsn, struct mu_db **out, struct mu_error *err);

static inline void mu_db_close(struct mu_db *db)
{
    if (db)
        db->ops->close(db);
}

static inline enum mu_err mu_db_query(struct mu_db *db, const char *sql, const struct mu_db_val *p,
                                      int n, struct mu_db_rows **out, struct mu_error *err)
{
    return db->ops->query(db, sql, p, n, out, err);
}

static inline enum mu_err mu_db_next(struct mu_db_rows *r, int *has_row, struct mu_error *err)
{
    return r->db->ops->next(r, has_row, err);
}

static inline const char *mu_db_text(struct mu_db_rows *r, int i)
{
    return r->db->ops->col_text(r, i);
}

static inline int64_t mu_db_int(struct mu_db_rows *r, int i)
{
    return r->db->ops->col_int(r, i);
}

static inline int mu_db_is_null(struct mu_db_rows *r, int i)
{
    return r->db->ops->col_null(r, i);
}

static inline void mu_db_finish(struct mu_db_rows *r)
{
    if (r)
        r->db->ops->finish(r);
}

/** Run a statement and discard any rows. */
enum mu_err mu_db_exec(struct mu_db *db, const char *sql, const struct mu_db_val *p, int n,
                       struct mu_error *err);

/**
 * Run a query for one integer: *found = 1 and *value from the first column of
 * the first row, or *found = 0 when there is no row.
 */
enum mu_err mu_db_query_int(struct mu_db *db, const char *sql, const struct mu_db_val *p, int n,
                            int64_t *value, int *found, struct mu_error *err);

/** Copy of column @p i (SQL NULL gives ""); owned by caller; NULL on ENOMEM. */
char *mu_db_dup(struct mu_db_rows *r, int i);

/*
 * Row helpers: the one way the store_*.c files look up a row, count the
 * rows a statement returns, read rows into an array and put a filtered
 * query together.
 */

/**
 * Run a query and step to its first row: *found = 1 with that row ready to
 * read in *out, 0 when there is none. *out is set even on error and must be
 * finished (mu_db_finish) either way.
 */
enum mu_err mu_db_query_row(struct mu_db *db, const char *sql, const struct mu_db_val *p, int n,
                            struct mu_db_rows **out, int *found, struct mu_error *err);

/** Run a statement and count the rows it returns (e.g. "UPDATE ... RETURNING id") in *count. */
enum mu_err mu_db_count(struct mu_db *db, const char *sql, const struct mu_db_val *p, int n,
                        size_t *count, struct mu_error *err);

/**
 * Make room for one more item in the array @p v that holds @p len items of
 * @p size bytes and has room for *cap: returns the array (moved or not; new
 * room zeroed, *cap updated), or NULL when out of memory, @p v then left as
 * it was. Free the array with mu_free.
 */
void *mu_db_grow(void *v, size_t size, size_t len, size_t *cap);

/**
 * Read the current row into @p item (zeroed beforehand). On error @p item
 * may hold copies made so far: the caller's free function releases it.
 */
typedef enum mu_err mu_db_read_fn(struct mu_db_rows *r, void *item, struct mu_error *err);

/**
 * Run a query and read every row with @p read_row into a new array of
 * @p size-byte items: *out (owned by caller) and *count. On error too *out
 * and *count give the items begun so far, for the caller to free with the
 * free function of their type. Running out of memory for the array is
 * MU_ENOMEM "out of memory @p what" (e.g. what = "listing notices").
 */
enum mu_err mu_db_query_all(struct mu_db *db, const char *sql, const struct mu_db_val *p, int n,
                            size_t size, mu_db_read_fn *read_row, const char *what, void **out,
                            size_t *count, struct mu_error *err);

/**
 * Append to @p sql (@p cap bytes, NUL-terminated) the fixed text @p before,
 * "$N" for the next parameter and the fixed text @p after, and bind @p v as
 * that parameter: p[N - 1] = v, *np = N. The caller keeps @p p big enough.
 */
void mu_db_add_param(char *sql, size_t cap, struct mu_db_val *p, int *np, const char *before,
                     struct mu_db_val v, const char *after);

#endif
