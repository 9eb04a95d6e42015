/* SPDX-License-Identifier: MIT */
/*
 * The SQLite engine of the database layer. On open: WAL, foreign keys on,
 * a 5 second busy timeout and synchronous=FULL, so that a write that was
 * acknowledged survives kill -9 and power loss. Write transactions start with
 * BEGIN IMMEDIATE so that two writers queue at BEGIN instead of failing at
 * their first write. Parameters $1..$n are SQLite named parameters.
 *
 * Each connection keeps a small cache of prepared statements keyed by their
 * SQL text (CACHE_SIZE entries, least recently used one replaced), so that
 * the same query is parsed once per connection rather than on every call.
 * A cached statement is reset and its bindings cleared when its result is
 * finished; one that is still being read when the same SQL comes again (a
 * nested query) is not shared: the second use gets a statement of its own,
 * finalized at finish. Everything is finalized at close.
 */
#include "store/db.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include <muster/mem.h>

#include "util/banned.h"

#define BUSY_TIMEOUT_MS 5000
#define CACHE_SIZE 64

struct stmt_slot;

struct rows_sqlite {
    struct mu_db_rows base;
    sqlite3_stmt *st;
    struct stmt_slot *slot; /* the cache entry the statement belongs to; NULL: own statement */
    int done;               /* no more rows */
};

/* One cached statement with the bind index of each $N, and its result. */
struct stmt_slot {
    char *sql;       /* owned copy of the text: the key */
    size_t len;
    uint32_t hash;
    sqlite3_stmt *st; /* NULL: slot free */
    int in_use;       /* its result (rows) is handed out */
    uint64_t used;    /* tick of the last use, for replacement */
    int nparams;
    int idx[MU_DB_MAX_PARAMS];
    struct rows_sqlite rows;
};

struct db_sqlite {
    struct mu_db base;
    sqlite3 *h;
    uint64_t tick;
    struct stmt_slot cache[CACHE_SIZE];
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
    struct db_sqlite *d = (struct db_sqlite *)db;
    for (size_t i = 0; i < CACHE_SIZE; i++) {
        sqlite3_finalize(d->cache[i].st);
        mu_free(d->cache[i].sql);
    }
    sqlite3_close_v2(d->h); /* rolls back an open transaction */
    mu_free(d);
}

/*
 * Process-wide settings, before SQLite initializes: no memory statistics
 * (they cost a global mutex on every allocation, which all the server's
 * connections would queue on). Nothing here reads them.
 */
static void sqlite_setup(void)
{
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

static enum mu_err db_open(const char *path, struct mu_db **out, struct mu_error *err)
{
    static pthread_once_t setup = PTHREAD_ONCE_INIT;
    pthread_once(&setup, sqlite_setup);
    struct db_sqlite *d = NULL;
    enum mu_err rc = MU_OK;
    *out = NULL;
    d = mu_calloc(1, sizeof(*d));
    if (!d)
        return mu_error_set(err, MU_ENOMEM, "out of memory opening '%s'", path);
    d->base.ops = &mu_db_sqlite_ops;
    /* NOMUTEX: a connection is used by one thread at a time (a store is
     * never shared without a lock: see the server's pool), so SQLite's own
     * per-connection mutex would only add a lock to every call. */
    int src = sqlite3_open_v2(path, &d->h,
                              SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                              NULL);
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
    /* temp_store=MEMORY: the statement journals of savepoints (every nested
     * unit of work, and each member of a group commit) stay in memory
     * instead of being a temporary file created and deleted each time. */
    src = sqlite3_exec(d->h, "PRAGMA foreign_keys=ON; PRAGMA synchronous=FULL; "
                             "PRAGMA temp_store=MEMORY;",
                       NULL, NULL, NULL);
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

static enum mu_err query(struct mu_db *db, const char *sql, const struct mu_db_val *p, int n,
                         struct mu_db_rows **out, struct mu_error *err);
static enum mu_err next(struct mu_db_rows *rows, int *has_row, struct mu_error *err);
static void finish(struct mu_db_rows *rows);

/* Run one parameterless statement through the statement cache. */
static enum mu_err run(struct mu_db *db, const char *sql, struct mu_error *err)
{
    struct mu_db_rows *r = NULL;
    int has = 0;
    enum mu_err rc = query(db, sql, NULL, 0, &r, err);
    while (rc == MU_OK && (rc = next(r, &has, err)) == MU_OK && has)
        ;
    finish(r);
    return rc;
}

static enum mu_err begin(struct mu_db *db, struct mu_error *err)
{
    return run(db, "BEGIN IMMEDIATE", err);
}

static enum mu_err begin_read(struct mu_db *db, struct mu_error *err)
{
    /* Deferred: in WAL mode the first read fixes the snapshot. */
    return run(db, "BEGIN", err);
}

static enum mu_err commit(struct mu_db *db, struct mu_error *err)
{
    return run(db, "COMMIT", err);
}

static enum mu_err rollback(struct mu_db *db, struct mu_error *err)
{
    /* Some errors (disk full, I/O) already rolled back; that is fine. */
    if (sqlite3_get_autocommit(handle(db)))
        return MU_OK;
    return run(db, "ROLLBACK", err);
}

/* Prepare @p sql into *st and find the bind index of $1..$n in @p idx. */
static enum mu_err prepare(struct mu_db *db, const char *sql, size_t len, int n, sqlite3_stmt **st,
                           int *idx, struct mu_error *err)
{
    *st = NULL;
    int src = sqlite3_prepare_v2(handle(db), sql, (int)len + 1, st, NULL);
    if (src != SQLITE_OK)
        return fail(db, src, err);
    if (sqlite3_bind_parameter_count(*st) != n) {
        enum mu_err rc = mu_error_set(err, MU_EINTERNAL, "query takes %d parameters, %d given",
                                      sqlite3_bind_parameter_count(*st), n);
        sqlite3_finalize(*st);
        *st = NULL;
        return rc;
    }
    for (int i = 0; i < n; i++) {
        char name[16];
        snprintf(name, sizeof(name), "$%d", i + 1);
        idx[i] = sqlite3_bind_parameter_index(*st, name);
        if (idx[i] == 0) {
            sqlite3_finalize(*st);
            *st = NULL;
            return mu_error_set(err, MU_EINTERNAL, "query does not use parameter %s", name);
        }
    }
    return MU_OK;
}

/*
 * The cache entry for @p sql: a hit, or a new entry (the least recently
 * used free one replaced). *slot is NULL when the statement cannot be
 * cached (the entry is in use by an open result, or all are).
 */
static enum mu_err lookup(struct db_sqlite *d, const char *sql, int n, struct stmt_slot **slot,
                          sqlite3_stmt **own, int *own_idx, struct mu_error *err)
{
    size_t len = strlen(sql);
    uint32_t h = mu_db_sql_hash(sql, len);
    struct stmt_slot *victim = NULL;
    *slot = NULL;
    *own = NULL;
    for (size_t i = 0; i < CACHE_SIZE; i++) {
        struct stmt_slot *c = &d->cache[i];
        if (c->st && c->hash == h && c->len == len && memcmp(c->sql, sql, len) == 0) {
            if (c->in_use) /* a nested use of the same SQL: a statement of its own */
                return prepare(&d->base, sql, len, n, own, own_idx, err);
            if (c->nparams != n)
                return mu_error_set(err, MU_EINTERNAL, "query takes %d parameters, %d given",
                                    c->nparams, n);
            c->used = ++d->tick;
            *slot = c;
            return MU_OK;
        }
        if (!c->in_use && (!victim || !c->st || (victim->st && c->used < victim->used)))
            victim = c;
    }
    enum mu_err rc;
    if (!victim || victim->in_use)
        return prepare(&d->base, sql, len, n, own, own_idx, err);
    char *copy = mu_malloc(len + 1);
    if (!copy)
        return prepare(&d->base, sql, len, n, own, own_idx, err);
    memcpy(copy, sql, len + 1);
    sqlite3_stmt *st = NULL;
    int idx[MU_DB_MAX_PARAMS];
    if ((rc = prepare(&d->base, sql, len, n, &st, idx, err))) {
        mu_free(copy);
        return rc;
    }
    sqlite3_finalize(victim->st);
    mu_free(victim->sql);
    victim->sql = copy;
    victim->len = len;
    victim->hash = h;
    victim->st = st;
    victim->used = ++d->tick;
    victim->nparams = n;
    memcpy(victim->idx, idx, sizeof(int) * (size_t)n);
    *slot = victim;
    return MU_OK;
}

static enum mu_err query(struct mu_db *db, const char *sql, const struct mu_db_val *p, int n,
                         struct mu_db_rows **out, struct mu_error *err)
{
    struct db_sqlite *d = (struct db_sqlite *)db;
    struct rows_sqlite *r = NULL;
    struct stmt_slot *slot = NULL;
    sqlite3_stmt *st = NULL;
    int own_idx[MU_DB_MAX_PARAMS];
    const int *idx = own_idx;
    enum mu_err rc = MU_OK;
    int src = SQLITE_OK;
    *out = NULL;
    if (n < 0 || n > MU_DB_MAX_PARAMS)
        return mu_error_set(err, MU_EINTERNAL, "too many query parameters (%d)", n);
    if ((rc = lookup(d, sql, n, &slot, &st, own_idx, err)))
        return rc;
    if (slot) {
        st = slot->st;
        idx = slot->idx;
        r = &slot->rows;
        memset(r, 0, sizeof(*r));
        r->slot = slot;
    } else {
        r = mu_calloc(1, sizeof(*r));
        if (!r) {
            rc = mu_error_set(err, MU_ENOMEM, "out of memory");
            goto out;
        }
    }
    for (int i = 0; i < n; i++) {
        switch (p[i].type) {
        case MU_DB_TNULL:
            src = sqlite3_bind_null(st, idx[i]);
            break;
        case MU_DB_TINT:
            src = sqlite3_bind_int64(st, idx[i], p[i].i);
            break;
        case MU_DB_TTEXT:
            src = sqlite3_bind_text(st, idx[i], p[i].s, -1, SQLITE_TRANSIENT);
            break;
        }
        if (src != SQLITE_OK) {
            rc = fail(db, src, err);
            goto out;
        }
    }
    r->base.db = db;
    r->st = st;
    if (slot)
        slot->in_use = 1;
    *out = &r->base;
    return MU_OK;
out:
    if (slot) {
        sqlite3_clear_bindings(st);
    } else {
        sqlite3_finalize(st);
        mu_free(r);
    }
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
    struct rows_sqlite *r = (struct rows_sqlite *)rows;
    if (r->slot) {
        sqlite3_reset(r->st);
        sqlite3_clear_bindings(r->st);
        r->slot->in_use = 0;
        return;
    }
    sqlite3_finalize(r->st);
    mu_free(r);
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
