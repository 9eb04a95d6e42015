/* SPDX-License-Identifier: MIT */
/*
 * The statement caches of the database layer (src/store/db_sqlite.c and
 * src/store/db_pg.c), on both engines: the same SQL text in a reused buffer
 * with other content is not confused, a nested query of the same SQL while
 * its first result is open works, more distinct statements than the cache
 * holds still answer right, and bindings do not leak from one call to the
 * next. On PostgreSQL (MUSTER_TEST_PG_DSN, set by tests/with-pg.sh) also: a
 * failed transaction refuses new and cached statements alike, and the cache
 * works again after the rollback, whether or not it was full.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "store/db.h"
#include "util/banned.h"

/* The checks both engines pass, on an open connection @p db. */
static void common_checks(struct mu_db *db, int sqlite)
{
    struct mu_error err = {0};
    assert_int_equal(mu_db_exec(db, "CREATE TEMP TABLE t (k INTEGER, v TEXT)", NULL, 0, &err),
                     MU_OK);
    for (int i = 0; i < 3; i++) {
        struct mu_db_val p[] = {MU_DB_INT(i), MU_DB_TEXT(i == 1 ? NULL : "x")};
        assert_int_equal(mu_db_exec(db, "INSERT INTO t VALUES ($1, $2)", p, 2, &err), MU_OK);
    }
    /* One buffer, two texts: the cache must compare the text. */
    char sql[64];
    int64_t v = 0;
    int found = 0;
    snprintf(sql, sizeof(sql), "SELECT count(*) FROM t WHERE k >= 1");
    assert_int_equal(mu_db_query_int(db, sql, NULL, 0, &v, &found, &err), MU_OK);
    assert_int_equal(v, 2);
    snprintf(sql, sizeof(sql), "SELECT count(*) FROM t WHERE k >= 2");
    assert_int_equal(mu_db_query_int(db, sql, NULL, 0, &v, &found, &err), MU_OK);
    assert_int_equal(v, 1);
    /* Nested use of the same SQL while the first result is open. */
    const char *q = "SELECT k FROM t WHERE k >= $1 ORDER BY k";
    struct mu_db_val p0[] = {MU_DB_INT(0)}, p2[] = {MU_DB_INT(2)};
    struct mu_db_rows *a = NULL, *b = NULL;
    int has = 0;
    assert_int_equal(mu_db_query(db, q, p0, 1, &a, &err), MU_OK);
    assert_int_equal(mu_db_next(a, &has, &err), MU_OK);
    assert_int_equal(has, 1);
    assert_int_equal(mu_db_int(a, 0), 0);
    assert_int_equal(mu_db_query(db, q, p2, 1, &b, &err), MU_OK);
    assert_int_equal(mu_db_next(b, &has, &err), MU_OK);
    assert_int_equal(mu_db_int(b, 0), 2);
    assert_int_equal(mu_db_next(b, &has, &err), MU_OK);
    assert_int_equal(has, 0);
    mu_db_finish(b);
    assert_int_equal(mu_db_next(a, &has, &err), MU_OK);
    assert_int_equal(mu_db_int(a, 0), 1);
    mu_db_finish(a);
    /* More distinct statements than the cache holds, twice over. */
    for (int round = 0; round < 2; round++)
        for (int i = 0; i < 100; i++) {
            snprintf(sql, sizeof(sql), "SELECT %d + count(*) FROM t", i);
            assert_int_equal(mu_db_query_int(db, sql, NULL, 0, &v, &found, &err), MU_OK);
            assert_int_equal(v, i + 3);
        }
    /* A wrong parameter count is still refused on a cached statement. */
    assert_int_equal(mu_db_query_int(db, "SELECT count(*) FROM t WHERE k = $1", p0, 1, &v,
                                      &found, &err),
                     MU_OK);
    assert_int_equal(v, 1);
    assert_int_equal(mu_db_query_int(db, "SELECT count(*) FROM t WHERE k = $1", NULL, 0, &v,
                                      &found, &err),
                     MU_EINTERNAL);
    /* NULL bound after a text on the same statement: no leftover binding. */
    struct mu_db_val pn[] = {MU_DB_TEXT(NULL)};
    assert_int_equal(mu_db_query_int(db,
                                     sqlite ? "SELECT count(*) FROM t WHERE v IS $1"
                                            : "SELECT count(*) FROM t WHERE v IS NOT DISTINCT "
                                              "FROM $1::text",
                                     pn, 1, &v, &found, &err),
                     MU_OK);
    assert_int_equal(v, 1);
    /* Transactions through the cached BEGIN/COMMIT/ROLLBACK. */
    assert_int_equal(db->ops->begin(db, &err), MU_OK);
    assert_int_equal(mu_db_exec(db, "DELETE FROM t", NULL, 0, &err), MU_OK);
    assert_int_equal(db->ops->rollback(db, &err), MU_OK);
    assert_int_equal(mu_db_query_int(db, "SELECT count(*) FROM t", NULL, 0, &v, &found, &err),
                     MU_OK);
    assert_int_equal(v, 3);
}

static void test_cache_sqlite(void **state)
{
    (void)state;
    struct mu_db *db = NULL;
    struct mu_error err = {0};
    assert_int_equal(mu_db_sqlite_ops.open(":memory:", &db, &err), MU_OK);
    common_checks(db, 1);
    mu_db_close(db);
}

/* In a transaction made to fail: @p sql (new or cached) is refused. */
static void refused_in_failed_tx(struct mu_db *db, const char *sql)
{
    struct mu_error err = {0};
    int64_t v = 0;
    int found = 0;
    assert_int_equal(mu_db_query_int(db, sql, NULL, 0, &v, &found, &err), MU_ESTORE);
    assert_non_null(strstr(err.msg, "current transaction is aborted"));
}

static void test_cache_postgres(void **state)
{
    (void)state;
    const char *dsn = getenv("MUSTER_TEST_PG_DSN");
    if (!dsn || !*dsn)
        fail_msg("MUSTER_TEST_PG_DSN is not set: run under tests/with-pg.sh (make test does)");
    struct mu_db *db = NULL;
    struct mu_error err = {0};
    int64_t v = 0;
    int found = 0;
    char sql[96];
    assert_int_equal(mu_db_pg_ops.open(dsn, &db, &err), MU_OK);
    common_checks(db, 0);

    /* Bad SQL: the error is the server's, whether preparing or running. */
    assert_int_equal(mu_db_query_int(db, "SELEC 1", NULL, 0, &v, &found, &err), MU_ESTORE);
    assert_non_null(strstr(err.msg, "syntax error"));

    /* A failed transaction refuses a cached and a new statement; after the
     * rollback both work (the new one was not cached half-made). */
    assert_int_equal(db->ops->begin(db, &err), MU_OK);
    assert_int_equal(mu_db_query_int(db, "SELECT 1/0", NULL, 0, &v, &found, &err), MU_ESTORE);
    refused_in_failed_tx(db, "SELECT count(*) FROM t");
    refused_in_failed_tx(db, "SELECT 40 + count(*) FROM t");
    assert_int_equal(db->ops->rollback(db, &err), MU_OK);
    assert_int_equal(mu_db_query_int(db, "SELECT 40 + count(*) FROM t", NULL, 0, &v, &found, &err),
                     MU_OK);
    assert_int_equal(v, 43);

    /* A full cache (each slot holding a statement) in a failed transaction:
     * the old one cannot be deallocated, so the new SQL runs unprepared and
     * is refused like any; afterwards every statement answers right. */
    for (int i = 0; i < 300; i++) {
        snprintf(sql, sizeof(sql), "SELECT %d + count(*) FROM t WHERE k >= 0", i);
        assert_int_equal(mu_db_query_int(db, sql, NULL, 0, &v, &found, &err), MU_OK);
        assert_int_equal(v, i + 3);
    }
    assert_int_equal(db->ops->begin(db, &err), MU_OK);
    assert_int_equal(mu_db_query_int(db, "SELECT 1/0", NULL, 0, &v, &found, &err), MU_ESTORE);
    refused_in_failed_tx(db, "SELECT 1000 + count(*) FROM t");
    assert_int_equal(db->ops->rollback(db, &err), MU_OK);
    for (int i = 0; i < 300; i += 7) {
        snprintf(sql, sizeof(sql), "SELECT %d + count(*) FROM t WHERE k >= 0", i);
        assert_int_equal(mu_db_query_int(db, sql, NULL, 0, &v, &found, &err), MU_OK);
        assert_int_equal(v, i + 3);
    }
    assert_int_equal(mu_db_query_int(db, "SELECT 1000 + count(*) FROM t", NULL, 0, &v, &found,
                                     &err),
                     MU_OK);
    assert_int_equal(v, 1003);
    /* The server holds no more prepared statements than the cache has slots. */
    assert_int_equal(mu_db_query_int(db, "SELECT count(*) FROM pg_prepared_statements", NULL, 0,
                                     &v, &found, &err),
                     MU_OK);
    assert_true(v >= 100 && v <= 128);
    mu_db_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_cache_sqlite),
                                       cmocka_unit_test(test_cache_postgres)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
