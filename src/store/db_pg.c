/* SPDX-License-Identifier: MIT */
/*
 * The PostgreSQL engine of the database layer, over libpq. Values travel as
 * text in both directions; integers are formatted and parsed here. Notices
 * are silenced (the library does not print). Unique and foreign key
 * violations map to MU_ECONFLICT, everything else to MU_ESTORE.
 */
#include "store/db.h"

#include <errno.h>
#include <inttypes.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <muster/mem.h>

#include "util/banned.h"

#define CACHE_SIZE 128

/* A statement prepared on the server as "mu_<id>". */
struct stmt_slot {
    char *sql; /* owned copy of the text: the key; NULL: slot free */
    size_t len;
    uint32_t hash;
    int nparams;
    uint64_t id;   /* its name's number */
    uint64_t used; /* tick of the last use, for replacement */
};

struct db_pg {
    struct mu_db base;
    PGconn *conn;
    uint64_t tick, next_id;
    struct stmt_slot cache[CACHE_SIZE];
};

struct rows_pg {
    struct mu_db_rows base;
    PGresult *res;
    int nrows;
    int cur; /* current row, -1 before the first */
};

static PGconn *conn_of(struct mu_db *db)
{
    return ((struct db_pg *)db)->conn;
}

static void quiet(void *arg, const char *msg)
{
    (void)arg;
    (void)msg;
}

/* The first line of a libpq message, without the "ERROR:  " prefix. */
static enum mu_err set_msg(struct mu_error *err, enum mu_err code, const char *what,
                           const char *msg)
{
    if (!msg || !*msg)
        msg = "unknown error";
    if (strncmp(msg, "ERROR:  ", 8) == 0)
        msg += 8;
    size_t len = strcspn(msg, "\n");
    return mu_error_set(err, code, "%s%.*s", what, (int)len, msg);
}

static enum mu_err fail_res(struct mu_db *db, PGresult *res, struct mu_error *err)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    enum mu_err code = MU_ESTORE;
    if (state && strncmp(state, "23", 2) == 0)
        code = MU_ECONFLICT; /* integrity constraint violation */
    return set_msg(err, code, "postgres: ", primary ? primary : PQerrorMessage(conn_of(db)));
}

static void db_close(struct mu_db *db)
{
    if (!db)
        return;
    struct db_pg *d = (struct db_pg *)db;
    for (size_t i = 0; i < CACHE_SIZE; i++)
        mu_free(d->cache[i].sql);
    PQfinish(d->conn); /* prepared statements end with the session */
    mu_free(d);
}

static enum mu_err db_open(const char *url, struct mu_db **out, struct mu_error *err)
{
    struct db_pg *d = mu_calloc(1, sizeof(*d));
    *out = NULL;
    if (!d)
        return mu_error_set(err, MU_ENOMEM, "out of memory connecting to postgres");
    d->base.ops = &mu_db_pg_ops;
    d->conn = PQconnectdb(url);
    if (!d->conn) {
        mu_free(d);
        return mu_error_set(err, MU_ENOMEM, "out of memory connecting to postgres");
    }
    if (PQstatus(d->conn) != CONNECTION_OK) {
        /* The URL may hold a password: name the server, not the URL. */
        enum mu_err rc =
            set_msg(err, MU_ESTORE, "cannot connect to postgres: ", PQerrorMessage(d->conn));
        PQfinish(d->conn);
        mu_free(d);
        return rc;
    }
    PQsetNoticeProcessor(d->conn, quiet, NULL);
    *out = &d->base;
    return MU_OK;
}

static enum mu_err exec_script(struct mu_db *db, const char *sql, struct mu_error *err)
{
    PGresult *res = PQexec(conn_of(db), sql);
    enum mu_err rc = MU_OK;
    ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
        rc = fail_res(db, res, err);
    PQclear(res);
    return rc;
}

static enum mu_err begin(struct mu_db *db, struct mu_error *err)
{
    return exec_script(db, "BEGIN", err);
}

static enum mu_err begin_read(struct mu_db *db, struct mu_error *err)
{
    return exec_script(db, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", err);
}

static enum mu_err commit(struct mu_db *db, struct mu_error *err)
{
    /* COMMIT of a failed transaction "succeeds" as a rollback: catch that. */
    PGresult *res = PQexec(conn_of(db), "COMMIT");
    enum mu_err rc = MU_OK;
    if (!res || PQresultStatus(res) != PGRES_COMMAND_OK)
        rc = fail_res(db, res, err);
    else if (strcmp(PQcmdStatus(res), "ROLLBACK") == 0)
        rc = mu_error_set(err, MU_ESTORE, "postgres: transaction was rolled back");
    PQclear(res);
    return rc;
}

static enum mu_err rollback(struct mu_db *db, struct mu_error *err)
{
    if (PQtransactionStatus(conn_of(db)) == PQTRANS_IDLE)
        return MU_OK;
    return exec_script(db, "ROLLBACK", err);
}

/*
 * The prepared statement for @p sql into @p name ("mu_<id>"): a hit, or
 * @p sql prepared now in the least recently used slot (deallocating what
 * it held). @p name is "" when the statement is not cached (a slot's old
 * statement could not be deallocated, as in a failed transaction): run it
 * unprepared. A failing PREPARE (bad SQL, a failed transaction) hands its
 * result to the caller in *res, as the execution's own would be.
 */
static enum mu_err statement(struct mu_db *db, const char *sql, int n, char name[32],
                             PGresult **res, struct mu_error *err)
{
    struct db_pg *d = (struct db_pg *)db;
    size_t len = strlen(sql);
    uint32_t h = mu_db_sql_hash(sql, len);
    struct stmt_slot *victim = NULL;
    name[0] = '\0';
    *res = NULL;
    for (size_t i = 0; i < CACHE_SIZE; i++) {
        struct stmt_slot *c = &d->cache[i];
        if (c->sql && c->hash == h && c->len == len && memcmp(c->sql, sql, len) == 0) {
            if (c->nparams != n)
                return mu_error_set(err, MU_EINTERNAL, "query takes %d parameters, %d given",
                                    c->nparams, n);
            c->used = ++d->tick;
            snprintf(name, 32, "mu_%" PRIu64, c->id);
            return MU_OK;
        }
        if (!victim || !c->sql || (victim->sql && c->used < victim->used))
            victim = c;
    }
    if (victim->sql) {
        char drop[48];
        snprintf(drop, sizeof(drop), "DEALLOCATE mu_%" PRIu64, victim->id);
        PGresult *dr = PQexec(d->conn, drop);
        int ok = dr && PQresultStatus(dr) == PGRES_COMMAND_OK;
        PQclear(dr);
        if (!ok)
            return MU_OK; /* unprepared this time; the slot keeps its statement */
        mu_free(victim->sql);
        victim->sql = NULL;
    }
    char *copy = mu_malloc(len + 1);
    if (!copy)
        return MU_OK;
    memcpy(copy, sql, len + 1);
    uint64_t id = ++d->next_id;
    char nm[32];
    snprintf(nm, sizeof(nm), "mu_%" PRIu64, id);
    PGresult *pr = PQprepare(d->conn, nm, sql, n, NULL);
    if (!pr || PQresultStatus(pr) != PGRES_COMMAND_OK) {
        mu_free(copy);
        *res = pr; /* the caller reports it */
        return MU_OK;
    }
    PQclear(pr);
    victim->sql = copy;
    victim->len = len;
    victim->hash = h;
    victim->nparams = n;
    victim->id = id;
    victim->used = ++d->tick;
    memcpy(name, nm, sizeof(nm));
    return MU_OK;
}

static enum mu_err query(struct mu_db *db, const char *sql, const struct mu_db_val *p, int n,
                         struct mu_db_rows **out, struct mu_error *err)
{
    const char *values[MU_DB_MAX_PARAMS];
    char ints[MU_DB_MAX_PARAMS][24];
    *out = NULL;
    if (n < 0 || n > MU_DB_MAX_PARAMS)
        return mu_error_set(err, MU_EINTERNAL, "too many query parameters (%d)", n);
    for (int i = 0; i < n; i++) {
        switch (p[i].type) {
        case MU_DB_TNULL:
            values[i] = NULL;
            break;
        case MU_DB_TINT:
            snprintf(ints[i], sizeof(ints[i]), "%" PRId64, p[i].i);
            values[i] = ints[i];
            break;
        case MU_DB_TTEXT:
            values[i] = p[i].s;
            break;
        }
    }
    struct rows_pg *r = mu_calloc(1, sizeof(*r));
    if (!r)
        return mu_error_set(err, MU_ENOMEM, "out of memory");
    char name[32];
    PGresult *res = NULL;
    enum mu_err rc = statement(db, sql, n, name, &res, err);
    if (rc) {
        mu_free(r);
        return rc;
    }
    if (!res) /* prepared: run it */
        res = name[0] ? PQexecPrepared(conn_of(db), name, n, n ? values : NULL, NULL, NULL, 0)
                      : PQexecParams(conn_of(db), sql, n, NULL, n ? values : NULL, NULL, NULL, 0);
    ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        rc = fail_res(db, res, err);
        PQclear(res);
        mu_free(r);
        return rc;
    }
    r->base.db = db;
    r->res = res;
    r->nrows = PQntuples(res);
    r->cur = -1;
    *out = &r->base;
    return MU_OK;
}

static enum mu_err next(struct mu_db_rows *rows, int *has_row, struct mu_error *err)
{
    struct rows_pg *r = (struct rows_pg *)rows;
    (void)err;
    if (r->cur < r->nrows)
        r->cur++;
    *has_row = r->cur < r->nrows;
    return MU_OK;
}

static const char *col_text(struct mu_db_rows *rows, int i)
{
    struct rows_pg *r = (struct rows_pg *)rows;
    if (r->cur < 0 || r->cur >= r->nrows || PQgetisnull(r->res, r->cur, i))
        return NULL;
    return PQgetvalue(r->res, r->cur, i);
}

static int64_t col_int(struct mu_db_rows *rows, int i)
{
    const char *t = col_text(rows, i);
    if (!t)
        return 0;
    errno = 0;
    long long v = strtoll(t, NULL, 10);
    return errno ? 0 : (int64_t)v;
}

static int col_null(struct mu_db_rows *rows, int i)
{
    struct rows_pg *r = (struct rows_pg *)rows;
    return r->cur < 0 || r->cur >= r->nrows || PQgetisnull(r->res, r->cur, i);
}

static void finish(struct mu_db_rows *rows)
{
    if (!rows)
        return;
    PQclear(((struct rows_pg *)rows)->res);
    mu_free(rows);
}

static enum mu_err has_table(struct mu_db *db, const char *name, int *exists, struct mu_error *err)
{
    struct mu_db_val p[] = {MU_DB_TEXT(name)};
    int64_t v = 0;
    return mu_db_query_int(db,
                           "SELECT 1 FROM information_schema.tables "
                           "WHERE table_schema = current_schema() AND table_name = $1",
                           p, 1, &v, exists, err);
}

static enum mu_err lock_migrations(struct mu_db *db, struct mu_error *err)
{
    /* One migrator per schema at a time; released at COMMIT or ROLLBACK. */
    return mu_db_exec(db,
                      "SELECT pg_advisory_xact_lock(hashtext('muster.migrate.' || "
                      "current_schema()))",
                      NULL, 0, err);
}

static enum mu_err columns(struct mu_db *db, struct mu_buf *out, struct mu_error *err)
{
    struct mu_db_rows *r = NULL;
    int has = 0;
    enum mu_err rc = mu_db_query(db,
                                 "SELECT table_name, column_name FROM information_schema.columns "
                                 "WHERE table_schema = current_schema() ORDER BY 1, 2",
                                 NULL, 0, &r, err);
    while (rc == MU_OK && (rc = mu_db_next(r, &has, err)) == MU_OK && has)
        if (mu_buf_printf(out, "%s.%s\n", mu_db_text(r, 0), mu_db_text(r, 1)))
            rc = mu_error_set(err, MU_ENOMEM, "out of memory");
    mu_db_finish(r);
    return rc;
}

const struct mu_db_ops mu_db_pg_ops = {
    .name = "postgres",
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
