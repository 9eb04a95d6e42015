/* SPDX-License-Identifier: MIT */
/*
 * The store conformance suite: the same cases against every engine, chosen
 * by MUSTER_TEST_ENGINE (sqlite or postgres). Each case starts from an
 * empty database: a temporary SQLite file, or a fresh PostgreSQL schema
 * (named after the pid, so concurrent runs do not collide) in the database
 * of MUSTER_TEST_PG_DSN, dropped afterwards. With engine=postgres and no
 * MUSTER_TEST_PG_DSN the suite fails: PostgreSQL tests never skip.
 */
#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include <muster/calendar.h>
#include <muster/case.h>
#include <muster/mem.h>
#include <muster/date.h>
#include <muster/store.h>

#include "core/account.h"
#include "core/audit.h"
#include "store/migrate.h"
#include "store/store_int.h"
#include "util/buf.h"

static int is_pg;              /* engine under test */
static const char *pg_dsn;     /* MUSTER_TEST_PG_DSN */
static struct mu_db *pg_admin; /* creates and drops the per-test schemas */
static int db_counter;

/* A fresh, empty database for one test. */
struct testdb {
    char dsn[1024];
    char dir[512];   /* SQLite: the temporary directory */
    char path[600];  /* SQLite: the database file */
    char schema[64]; /* PostgreSQL: the schema */
};

struct fixture {
    struct testdb db;
    struct mu_store *s;
};

static void db_make(struct testdb *t, int pg)
{
    memset(t, 0, sizeof(*t));
    db_counter++;
    if (pg) {
        struct mu_error err = {0};
        char sql[256];
        snprintf(t->schema, sizeof(t->schema), "mu_t_%ld_%d", (long)getpid(), db_counter);
        snprintf(sql, sizeof(sql), "DROP SCHEMA IF EXISTS %s CASCADE; CREATE SCHEMA %s", t->schema,
                 t->schema);
        if (pg_admin->ops->exec_script(pg_admin, sql, &err))
            fail_msg("cannot create schema %s: %s", t->schema, err.msg);
        snprintf(t->dsn, sizeof(t->dsn), "%s%coptions=-csearch_path%%3D%s", pg_dsn,
                 strchr(pg_dsn, '?') ? '&' : '?', t->schema);
    } else {
        const char *tmp = getenv("TMPDIR");
        snprintf(t->dir, sizeof(t->dir), "%s/muster-store-XXXXXX", tmp && *tmp ? tmp : "/tmp");
        if (!mkdtemp(t->dir))
            fail_msg("mkdtemp: %s", strerror(errno));
        snprintf(t->path, sizeof(t->path), "%s/test.db", t->dir);
        snprintf(t->dsn, sizeof(t->dsn), "sqlite:%s", t->path);
    }
}

static void db_drop(struct testdb *t)
{
    if (t->schema[0]) {
        char sql[128];
        snprintf(sql, sizeof(sql), "DROP SCHEMA IF EXISTS %s CASCADE", t->schema);
        pg_admin->ops->exec_script(pg_admin, sql, NULL);
    }
    if (t->dir[0]) {
        const char *suffix[] = {"", "-wal", "-shm", "-journal"};
        for (size_t i = 0; i < 4; i++) {
            char p[700];
            snprintf(p, sizeof(p), "%s%s", t->path, suffix[i]);
            unlink(p);
        }
        rmdir(t->dir);
    }
}

static int setup_empty(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    db_make(&f->db, is_pg);
    *state = f;
    return 0;
}

static int setup(void **state)
{
    struct mu_error err = {0};
    setup_empty(state);
    struct fixture *f = *state;
    enum mu_err rc = mu_store_open(f->db.dsn, &f->s, &err);
    if (rc)
        fail_msg("mu_store_open: %s", err.msg);
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    mu_store_close(f->s);
    db_drop(&f->db);
    free(f);
    return 0;
}

static void must(enum mu_err rc, const struct mu_error *err)
{
    if (rc)
        fail_msg("unexpected error %d: %s", rc, err->msg);
}

/* Run trusted SQL on the store's connection (to tamper, to inspect). */
static void raw(struct mu_store *s, const char *sql)
{
    struct mu_error err = {0};
    struct mu_db *db = mu_store_db(s);
    must(db->ops->exec_script(db, sql, &err), &err);
}

static int64_t raw_int(struct mu_store *s, const char *sql)
{
    struct mu_error err = {0};
    int64_t v = 0;
    int found = 0;
    must(mu_db_query_int(mu_store_db(s), sql, NULL, 0, &v, &found, &err), &err);
    assert_true(found);
    return v;
}

static int has_table(struct mu_store *s, const char *name)
{
    struct mu_error err = {0};
    int exists = 0;
    struct mu_db *db = mu_store_db(s);
    must(db->ops->has_table(db, name, &exists, &err), &err);
    return exists;
}

static struct mu_actor actor_at(const char *name, int64_t ms)
{
    struct mu_actor a = {.name = name, .now_ms = ms};
    return a;
}

/* ---------------------------------------------------------------- open */

static void test_open_engine_and_version(void **state)
{
    struct fixture *f = *state;
    struct mu_error err = {0};
    int v = -1;
    assert_string_equal(mu_store_engine(f->s), is_pg ? "postgres" : "sqlite");
    must(mu_store_schema_version(f->s, &v, &err), &err);
    assert_true(mu_store_schema_latest(f->s) >= 1);
    assert_int_equal(v, mu_store_schema_latest(f->s));
    assert_int_equal(raw_int(f->s, "SELECT COUNT(*) FROM schema_version"), v);
    assert_true(raw_int(f->s, "SELECT MIN(applied_at) FROM schema_version") > 1600000000000);
    for (const char *const *t = (const char *const[]){"audit", "audit_head", "plans",
                                                      "plan_versions", "settings", NULL};
         *t; t++)
        assert_true(has_table(f->s, *t));
}

static void test_migrate_is_idempotent(void **state)
{
    struct fixture *f = *state;
    struct mu_error err = {0};
    int from = -1, to = -1;
    must(mu_store_migrate(f->s, &from, &to, &err), &err);
    assert_int_equal(from, mu_store_schema_latest(f->s));
    assert_int_equal(to, from);
    /* A second open of the same database changes nothing either. */
    struct mu_store *s2 = NULL;
    must(mu_store_open(f->db.dsn, &s2, &err), &err);
    mu_store_close(s2);
    assert_int_equal(raw_int(f->s, "SELECT COUNT(*) FROM schema_version"), to);
}

static void test_migrate_from_zero_reports_versions(void **state)
{
    struct fixture *f = *state;
    struct mu_error err = {0};
    struct mu_store *s = NULL;
    int from = -1, to = -1;
    must(mu_store_open_ex(f->db.dsn, MU_STORE_OPEN_NO_MIGRATE, &s, &err), &err);
    assert_false(has_table(s, "schema_version"));
    must(mu_store_migrate(s, &from, &to, &err), &err);
    assert_int_equal(from, 0);
    assert_int_equal(to, mu_store_schema_latest(s));
    mu_store_close(s);
}

static void test_sqlite_pragmas(void **state)
{
    struct fixture *f = *state;
    if (is_pg)
        return; /* SQLite only: nothing to check on PostgreSQL */
    struct mu_error err = {0};
    struct mu_db_rows *r = NULL;
    int has = 0;
    must(mu_db_query(mu_store_db(f->s), "PRAGMA journal_mode", NULL, 0, &r, &err), &err);
    must(mu_db_next(r, &has, &err), &err);
    assert_true(has);
    assert_string_equal(mu_db_text(r, 0), "wal");
    mu_db_finish(r);
    assert_int_equal(raw_int(f->s, "PRAGMA foreign_keys"), 1);
    assert_int_equal(raw_int(f->s, "PRAGMA synchronous"), 2); /* FULL */
    assert_int_equal(raw_int(f->s, "PRAGMA busy_timeout"), 5000);
}

static void test_bad_dsn(void **state)
{
    (void)state;
    struct mu_error err = {0};
    struct mu_store *s = NULL;
    assert_int_equal(mu_store_open("", &s, &err), MU_EINVAL);
    assert_null(s);
    assert_int_equal(mu_store_open("sqlite:", &s, &err), MU_EINVAL);
    assert_int_equal(mu_store_open("/nonexistent-dir-muster/x.db", &s, &err), MU_ESTORE);
    assert_non_null(strstr(err.msg, "cannot open database '/nonexistent-dir-muster/x.db'"));
    assert_null(s);
    /* Port 1 on loopback: nothing listens there. */
    assert_int_equal(mu_store_open("postgres://nobody:secret@127.0.0.1:1/none", &s, &err),
                     MU_ESTORE);
    assert_non_null(strstr(err.msg, "cannot connect to postgres"));
    assert_null(strstr(err.msg, "secret"));
}

/* ---------------------------------------------------------- migrations */

static int sorted_lines_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "table.column" lines of every table, sorted in C (collations differ). */
static char *columns_of(struct mu_store *s)
{
    struct mu_error err = {0};
    struct mu_buf b, out;
    char *lines[512];
    size_t n = 0;
    mu_buf_init(&b, 1 << 20);
    mu_buf_init(&out, 1 << 20);
    struct mu_db *db = mu_store_db(s);
    must(db->ops->columns(db, &b, &err), &err);
    for (char *p = b.ptr, *nl; p && *p && n < 512; p = nl + 1) {
        nl = strchr(p, '\n');
        assert_non_null(nl);
        *nl = '\0';
        lines[n++] = p;
    }
    qsort(lines, n, sizeof(lines[0]), sorted_lines_cmp);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(mu_buf_printf(&out, "%s\n", lines[i]), MU_OK);
    mu_buf_release(&b);
    return mu_buf_detach(&out);
}

static void test_migration_lists_in_step(void **state)
{
    (void)state;
    const struct mu_migration *a = mu_migrations_sqlite, *b = mu_migrations_pg;
    int expect = 1;
    for (; a->sql && b->sql; a++, b++, expect++) {
        assert_int_equal(a->version, expect); /* numbered 1, 2, 3 ... without gaps */
        assert_int_equal(a->version, b->version);
        assert_string_equal(a->name, b->name);
    }
    assert_null(a->sql);
    assert_null(b->sql);
    assert_true(expect > 1);
}

static void test_engines_reach_same_columns(void **state)
{
    struct fixture *f = *state;
    struct mu_error err = {0};
    if (!is_pg) {
        /* The comparison needs both engines: it runs in the postgres suite. */
        char *cols = columns_of(f->s);
        assert_non_null(strstr(cols, "audit.prev_hash\n"));
        assert_non_null(strstr(cols, "schema_version.applied_at\n"));
        mu_free(cols);
        return;
    }
    struct testdb lite;
    struct mu_store *s2 = NULL;
    db_make(&lite, 0);
    must(mu_store_open(lite.dsn, &s2, &err), &err);
    char *pg_cols = columns_of(f->s);
    char *lite_cols = columns_of(s2);
    assert_string_equal(pg_cols, lite_cols);
    mu_free(pg_cols);
    mu_free(lite_cols);
    mu_store_close(s2);
    db_drop(&lite);
}

/* Tables and rows that tell whether anything changed. */
static char *snapshot(const char *dsn)
{
    struct mu_error err = {0};
    struct mu_store *s = NULL;
    struct mu_buf b;
    mu_buf_init(&b, 1 << 20);
    must(mu_store_open_raw(dsn, &s, &err), &err);
    char *cols = columns_of(s);
    mu_buf_adds(&b, cols);
    mu_free(cols);
    struct mu_db_rows *r = NULL;
    int has = 0;
    must(mu_db_query(mu_store_db(s),
                     "SELECT version, name, applied_at FROM schema_version ORDER BY version", NULL,
                     0, &r, &err),
         &err);
    while (mu_db_next(r, &has, &err) == MU_OK && has)
        mu_buf_printf(&b, "%s %s %s\n", mu_db_text(r, 0), mu_db_text(r, 1), mu_db_text(r, 2));
    mu_db_finish(r);
    mu_buf_printf(&b, "audit %" PRId64 " settings %" PRId64 "\n",
                  raw_int(s, "SELECT COUNT(*) FROM audit"),
                  raw_int(s, "SELECT COUNT(*) FROM settings"));
    mu_store_close(s);
    return mu_buf_detach(&b);
}

static char *file_bytes(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    struct mu_buf b;
    char chunk[4096];
    size_t n;
    mu_buf_init(&b, 64 << 20);
    while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
        assert_int_equal(mu_buf_add(&b, chunk, n), MU_OK);
    fclose(fp);
    *len = b.len;
    return mu_buf_detach(&b);
}

static void test_newer_schema_is_refused(void **state)
{
    struct fixture *f = *state;
    struct mu_error err = {0};
    struct mu_actor a = actor_at("tester", 1000);
    must(mu_store_setting_set(f->s, &a, "tz", "Asia/Shanghai", &err), &err);
    raw(f->s, "INSERT INTO schema_version (version, name, applied_at) "
              "VALUES (999, '0999_future', 0)");
    mu_store_close(f->s);
    f->s = NULL;

    char *before = snapshot(f->db.dsn);
    size_t blen = 0, alen = 0;
    char *bytes_before = is_pg ? NULL : file_bytes(f->db.path, &blen);

    char expect[200];
    struct mu_store *s = NULL;
    snprintf(expect, sizeof(expect),
             "database schema version 999 is newer than this muster supports (%d); "
             "upgrade muster",
             mu_migrations_latest(is_pg ? mu_migrations_pg : mu_migrations_sqlite));
    assert_int_equal(mu_store_open(f->db.dsn, &s, &err), MU_ECONFLICT);
    assert_null(s);
    assert_string_equal(err.msg, expect);

    /* The migrate path (muster migrate) refuses the same way. */
    mu_error_clear(&err);
    must(mu_store_open_ex(f->db.dsn, MU_STORE_OPEN_NO_MIGRATE, &s, &err), &err);
    assert_int_equal(mu_store_migrate(s, NULL, NULL, &err), MU_ECONFLICT);
    assert_string_equal(err.msg, expect);
    mu_store_close(s);

    char *after = snapshot(f->db.dsn);
    assert_string_equal(before, after);
    if (!is_pg) {
        char *bytes_after = file_bytes(f->db.path, &alen);
        assert_int_equal(alen, blen);
        assert_memory_equal(bytes_before, bytes_after, blen);
        mu_free(bytes_after);
    }
    mu_free(bytes_before);
    mu_free(before);
    mu_free(after);
}

static const struct mu_migration bad_first[] = {
    {1, "0001_half", "CREATE TABLE t_one (x INTEGER);\nCREATE TABLE t_two (;\n"},
    {0, 0, 0},
};

static void test_failed_first_migration_leaves_nothing(void **state)
{
    struct fixture *f = *state;
    struct mu_error err = {0};
    struct mu_store *s = NULL;
    int from = -1, to = -1, v = -1;
    must(mu_store_open_raw(f->db.dsn, &s, &err), &err);
    assert_int_equal(mu_store_migrate_with(s, bad_first, &from, &to, &err), MU_ESTORE);
    assert_non_null(strstr(err.msg, "migration 0001_half failed: "));
    assert_int_equal(from, 0);
    assert_int_equal(to, 0);
    assert_false(has_table(s, "t_one"));
    assert_false(has_table(s, "schema_version"));
    must(mu_store_read_version(s, &v, &err), &err);
    assert_int_equal(v, 0);
    mu_store_close(s);
}

static const struct mu_migration bad_second[] = {
    {1, "0001_one", "CREATE TABLE t_one (x INTEGER);\nINSERT INTO t_one (x) VALUES (1);\n"},
    {2, "0002_two",
     "CREATE TABLE t_two (x INTEGER);\nINSERT INTO t_one (x) VALUES (2);\n"
     "INSERT INTO no_such_table (x) VALUES (3);\n"},
    {0, 0, 0},
};

static const struct mu_migration good_second[] = {
    {1, "0001_one", "CREATE TABLE t_one (x INTEGER);\nINSERT INTO t_one (x) VALUES (1);\n"},
    {2, "0002_two", "CREATE TABLE t_two (x INTEGER);\n"},
    {0, 0, 0},
};

static void test_failed_migration_keeps_earlier_ones(void **state)
{
    struct fixture *f = *state;
    struct mu_error err = {0};
    struct mu_store *s = NULL;
    int from = -1, to = -1;
    must(mu_store_open_raw(f->db.dsn, &s, &err), &err);
    assert_int_equal(mu_store_migrate_with(s, bad_second, &from, &to, &err), MU_ESTORE);
    assert_non_null(strstr(err.msg, "migration 0002_two failed: "));
    assert_int_equal(from, 0);
    assert_int_equal(to, 1);
    assert_true(has_table(s, "t_one"));
    assert_false(has_table(s, "t_two"));
    assert_int_equal(raw_int(s, "SELECT COUNT(*) FROM t_one"), 1); /* not 2 */
    assert_int_equal(raw_int(s, "SELECT MAX(version) FROM schema_version"), 1);
    /* The fixed migration then applies from 1. */
    must(mu_store_migrate_with(s, good_second, &from, &to, &err), &err);
    assert_int_equal(from, 1);
    assert_int_equal(to, 2);
    assert_true(has_table(s, "t_two"));
    mu_store_close(s);
}

/* -------------------------------------------------------- transactions */

static void test_transactions(void **state)
{
    struct fixture *f = *state;
    struct mu_error err = {0};
    struct mu_actor a = actor_at("tester", 5000);
    char *v = NULL;

    /* Rolled back: neither the change nor its audit entry stays. */
    must(mu_store_begin(f->s, &err), &err);
    must(mu_store_setting_set(f->s, &a, "k", "one", &err), &err);
    mu_store_rollback(f->s);
    assert_int_equal(mu_store_setting_get(f->s, "k", &v, &err), MU_ENOTFOUND);
    assert_string_equal(err.msg, "no setting 'k'");
    assert_int_equal(raw_int(f->s, "SELECT COUNT(*) FROM audit"), 0);
    assert_int_equal(raw_int(f->s, "SELECT seq FROM audit_head"), 0);

    /* Committed: both stay. */
    must(mu_store_begin(f->s, &err), &err);
    must(mu_store_setting_set(f->s, &a, "k", "two", &err), &err);
    must(mu_store_setting_set(f->s, &a, "j", "three", &err), &err);
    must(mu_store_commit(f->s, &err), &err);
    must(mu_store_setting_get(f->s, "k", &v, &err), &err);
    assert_string_equal(v, "two");
    mu_free(v);
    assert_int_equal(raw_int(f->s, "SELECT COUNT(*) FROM audit"), 2);

    /* A failing unit inside a transaction undoes only itself. */
    must(mu_store_begin(f->s, &err), &err);
    must(mu_store_setting_set(f->s, &a, "k", "four", &err), &err);
    must(mu_store_tx_enter(f->s, &err), &err);
    raw(f->s, "UPDATE settings SET value = 'lost' WHERE key = 'j'");
    /* A real database error inside the unit: a duplicate primary key. */
    assert_int_equal(mu_db_exec(mu_store_db(f->s),
                                "INSERT INTO settings (key, value) VALUES ('k', 'dup')", NULL, 0,
                                &err),
                     MU_ECONFLICT);
    assert_int_equal(mu_store_tx_leave(f->s, MU_ECONFLICT, &err), MU_ECONFLICT);
    must(mu_store_setting_set(f->s, &a, "m", "five", &err), &err);
    must(mu_store_commit(f->s, &err), &err);
    must(mu_store_setting_get(f->s, "j", &v, &err), &err);
    assert_string_equal(v, "three");
    mu_free(v);
    must(mu_store_setting_get(f->s, "k", &v, &err), &err);
    assert_string_equal(v, "four");
    mu_free(v);
    must(mu_store_setting_get(f->s, "m", &v, &err), &err);
    assert_string_equal(v, "five");
    mu_free(v);
    assert_int_equal(mu_store_commit(f->s, &err), MU_EINVAL);
    struct mu_audit_verify res;
    must(mu_store_audit_verify(f->s, &res, &err), &err);
    assert_int_equal(res.entries, 4);
}

/* --------------------------------------------------------------- plans */

static void test_plan_versions(void **state)
{
    struct fixture *f = *state;
    struct mu_error err = {0};
    struct mu_actor a = actor_at("li.wei", 1700000000000);
    struct mu_actor b = actor_at("wang.fang", 1700000060000);
    int version = -1, unchanged = -1;

    must(mu_store_plan_put(f->s, &a, "school", "School plan", "source one", "{\"v\":1}", &version,
                           &unchanged, &err),
         &err);
    assert_int_equal(version, 1);
    assert_int_equal(unchanged, 0);

    /* Same source: nothing new, no audit entry. */
    must(mu_store_plan_put(f->s, &b, "school", "School plan", "source one", "{\"v\":1}", &version,
                           &unchanged, &err),
         &err);
    assert_int_equal(version, 1);
    assert_int_equal(unchanged, 1);
    assert_int_equal(raw_int(f->s, "SELECT COUNT(*) FROM audit"), 1);

    must(mu_store_plan_put(f->s, &b, "school", "School plan 2", "source two", "{\"v\":2}", &version,
                           &unchanged, &err),
         &err);
    assert_int_equal(version, 2);
    assert_int_equal(unchanged, 0);
    must(mu_store_plan_put(f->s, &a, "town", "Township 乡镇", "town src", "{}", &version, NULL,
                           &err),
         &err);
    assert_int_equal(version, 1);

    struct mu_plan_record r = {0};
    must(mu_store_plan_get(f->s, "school", 0, &r, &err), &err);
    assert_string_equal(r.id, "school");
    assert_int_equal(r.version, 2);
    assert_int_equal(r.latest_version, 2);
    assert_string_equal(r.title, "School plan 2");
    assert_string_equal(r.source, "source two");
    assert_string_equal(r.model_json, "{\"v\":2}");
    assert_string_equal(r.loaded_by, "wang.fang");
    assert_true(r.loaded_at == 1700000060000);
    assert_true(r.created_at == 1700000000000);
    char h[MU_AUDIT_HEX_LEN + 1];
    mu_blake2b_hex("source two", 10, h);
    assert_string_equal(r.source_hash, h);
    mu_plan_record_release(&r);

    must(mu_store_plan_get(f->s, "school", 1, &r, &err), &err);
    assert_int_equal(r.version, 1);
    assert_int_equal(r.latest_version, 2);
    assert_string_equal(r.source, "source one");
    assert_string_equal(r.title, "School plan");
    mu_plan_record_release(&r);

    assert_int_equal(mu_store_plan_get(f->s, "school", 3, &r, &err), MU_ENOTFOUND);
    assert_string_equal(err.msg, "plan 'school' has no version 3 (latest is 2)");
    assert_int_equal(mu_store_plan_get(f->s, "nope", 0, &r, &err), MU_ENOTFOUND);
    assert_string_equal(err.msg, "no plan 'nope'");
    assert_null(r.id);

    struct mu_plan_summary *list = NULL;
    size_t n = 0;
    must(mu_store_plan_list(f->s, &list, &n, &err), &err);
    assert_int_equal(n, 2);
    assert_string_equal(list[0].id, "school");
    assert_string_equal(list[0].title, "School plan 2");
    assert_int_equal(list[0].latest_version, 2);
    assert_true(list[0].loaded_at == 1700000060000);
    assert_string_equal(list[1].id, "town");
    assert_string_equal(list[1].title, "Township 乡镇");
    mu_plan_summaries_free(list, n);

    struct mu_plan_version_info *vs = NULL;
    must(mu_store_plan_versions(f->s, "school", &vs, &n, &err), &err);
    assert_int_equal(n, 2);
    assert_int_equal(vs[0].version, 1);
    assert_string_equal(vs[0].loaded_by, "li.wei");
    assert_int_equal(vs[1].version, 2);
    assert_string_equal(vs[1].source_hash, h);
    mu_plan_versions_free(vs, n);
    assert_int_equal(mu_store_plan_versions(f->s, "nope", &vs, &n, &err), MU_ENOTFOUND);
    assert_string_equal(err.msg, "no plan 'nope'");

    struct mu_audit_entry *e = NULL;
    must(mu_store_audit_tail(f->s, 10, &e, &n, &err), &err);
    assert_int_equal(n, 3);
    assert_string_equal(e[0].action, "plan.load");
    assert_string_equal(e[0].object, "plan:school");
    assert_string_equal(e[0].summary, "version 1: School plan");
    assert_string_equal(e[0].actor, "li.wei");
    assert_true(e[0].at == 1700000000000);
    assert_string_equal(e[1].summary, "version 2: School plan 2");
    assert_string_equal(e[2].object, "plan:town");
    mu_audit_entries_free(e, n);
}

static void test_plan_bad_input(void **state)
{
    struct fixture *f = *state;
    struct mu_error err = {0};
    struct mu_actor a = actor_at("x", 1);
    struct mu_actor nobody = actor_at("", 1);
    assert_int_equal(mu_store_plan_put(f->s, &a, "", "t", "s", "{}", NULL, NULL, &err), MU_EINVAL);
    assert_int_equal(mu_store_plan_put(f->s, &nobody, "p", "t", "s", "{}", NULL, NULL, &err),
                     MU_EINVAL);
    assert_int_equal(mu_store_plan_put(f->s, NULL, "p", "t", "s", "{}", NULL, NULL, &err),
                     MU_EINVAL);
    assert_int_equal(mu_store_plan_put(f->s, &a, "p", "t", NULL, "{}", NULL, NULL, &err),
                     MU_EINVAL);
    assert_int_equal(raw_int(f->s, "SELECT COUNT(*) FROM plans"), 0);
    assert_int_equal(raw_int(f->s, "SELECT COUNT(*) FROM audit"), 0);
    /* Quotes and SQL in values are data, never SQL. */
    must(mu_store_plan_put(f->s, &a, "p'; DROP TABLE plans; --", "t'\"", "s", "{}", NULL, NULL,
                           &err),
         &err);
    struct mu_plan_record r = {0};
    must(mu_store_plan_get(f->s, "p'; DROP TABLE plans; --", 0, &r, &err), &err);
    assert_string_equal(r.title, "t'\"");
    mu_plan_record_release(&r);
}

/* ------------------------------------------------------------ settings */

static void test_settings(void **state)
{
    struct fixture *f = *state;
    struct mu_error err = {0};
    struct mu_actor a = actor_at("admin", 42);
    char *v = NULL;
    assert_int_equal(mu_store_setting_get(f->s, "org.tz", &v, &err), MU_ENOTFOUND);
    assert_null(v);
    must(mu_store_setting_set(f->s, &a, "org.tz", "Asia/Shanghai", &err), &err);
    must(mu_store_setting_set(f->s, &a, "org.tz", "Asia/Shanghai", &err), &err); /* no-op */
    must(mu_store_setting_set(f->s, &a, "org.tz", "Asia/Urumqi", &err), &err);
    must(mu_store_setting_get(f->s, "org.tz", &v, &err), &err);
    assert_string_equal(v, "Asia/Urumqi");
    mu_free(v);
    assert_int_equal(mu_store_setting_set(f->s, &a, "", "x", &err), MU_EINVAL);

    struct mu_audit_entry *e = NULL;
    size_t n = 0;
    must(mu_store_audit_tail(f->s, 100, &e, &n, &err), &err);
    assert_int_equal(n, 2);
    assert_string_equal(e[0].action, "setting.set");
    assert_string_equal(e[0].object, "setting:org.tz");
    assert_string_equal(e[0].summary, "set to 'Asia/Shanghai'");
    assert_string_equal(e[1].summary, "changed to 'Asia/Urumqi'");
    assert_true(e[1].at == 42);
    mu_audit_entries_free(e, n);
}

/* --------------------------------------------------------------- audit */

/* Five entries at seq 1..5. */
static void append_five(struct mu_store *s)
{
    struct mu_error err = {0};
    for (int i = 1; i <= 5; i++) {
        struct mu_actor a = actor_at(i % 2 ? "zhang" : "li", 1700000000000 + i * 1000);
        char summary[64];
        snprintf(summary, sizeof(summary), "entry number %d", i);
        must(mu_store_audit_append(s, &a, "test.event", "thing:1", summary, &err), &err);
    }
}

static void expect_bad(struct mu_store *s, int64_t seq, const char *msg)
{
    struct mu_error err = {0};
    struct mu_audit_verify v;
    assert_int_equal(mu_store_audit_verify(s, &v, &err), MU_ECONFLICT);
    assert_string_equal(err.msg, msg);
    assert_true(v.bad_seq == seq);
}

static void test_audit_intact_and_tail(void **state)
{
    struct fixture *f = *state;
    struct mu_error err = {0};
    struct mu_audit_verify v;
    must(mu_store_audit_verify(f->s, &v, &err), &err);
    assert_int_equal(v.entries, 0);
    append_five(f->s);
    must(mu_store_audit_verify(f->s, &v, &err), &err);
    assert_int_equal(v.entries, 5);
    assert_int_equal(v.bad_seq, 0);

    struct mu_audit_entry *e = NULL;
    size_t n = 0;
    must(mu_store_audit_tail(f->s, 2, &e, &n, &err), &err);
    assert_int_equal(n, 2);
    assert_int_equal(e[0].seq, 4);
    assert_int_equal(e[1].seq, 5);
    assert_string_equal(e[1].summary, "entry number 5");
    assert_string_equal(e[1].actor, "zhang");
    assert_true(e[1].at == 1700000005000);
    assert_string_equal(e[1].prev_hash, e[0].hash);
    /* The stored hash is the core hash of the stored fields. */
    struct mu_audit_input in = {e[1].seq,    e[1].at,      e[1].actor,    e[1].action,
                                e[1].object, e[1].summary, e[1].prev_hash};
    char h[MU_AUDIT_HEX_LEN + 1];
    mu_audit_hash(&in, h);
    assert_string_equal(h, e[1].hash);
    mu_audit_entries_free(e, n);

    must(mu_store_audit_tail(f->s, 100, &e, &n, &err), &err);
    assert_int_equal(n, 5);
    assert_int_equal(e[0].seq, 1);
    assert_string_equal(e[0].prev_hash, mu_audit_genesis);
    mu_audit_entries_free(e, n);

    must(mu_store_audit_tail(f->s, 0, &e, &n, &err), &err);
    assert_int_equal(n, 0);
    assert_null(e);

    struct mu_actor nobody = actor_at("", 1);
    assert_int_equal(mu_store_audit_append(f->s, &nobody, "x", "", "", &err), MU_EINVAL);
    struct mu_actor a = actor_at("a", 1);
    assert_int_equal(mu_store_audit_append(f->s, &a, "", "", "", &err), MU_EINVAL);
    assert_int_equal(raw_int(f->s, "SELECT seq FROM audit_head"), 5);
}

static void test_audit_altered(void **state)
{
    struct fixture *f = *state;
    append_five(f->s);
    raw(f->s, "UPDATE audit SET summary = 'nothing happened' WHERE seq = 3");
    expect_bad(f->s, 3, "audit entry 3: hash mismatch (altered)");
}

static void test_audit_altered_time(void **state)
{
    struct fixture *f = *state;
    append_five(f->s);
    raw(f->s, "UPDATE audit SET at = at - 3600000 WHERE seq = 4");
    expect_bad(f->s, 4, "audit entry 4: hash mismatch (altered)");
}

static void test_audit_removed_middle(void **state)
{
    struct fixture *f = *state;
    append_five(f->s);
    raw(f->s, "DELETE FROM audit WHERE seq = 3");
    expect_bad(f->s, 3, "audit entry 3: missing (removed)");
}

static void test_audit_removed_first(void **state)
{
    struct fixture *f = *state;
    append_five(f->s);
    raw(f->s, "DELETE FROM audit WHERE seq = 1");
    expect_bad(f->s, 1, "audit entry 1: missing (removed)");
}

static void test_audit_removed_last(void **state)
{
    struct fixture *f = *state;
    append_five(f->s);
    raw(f->s, "DELETE FROM audit WHERE seq = 5");
    expect_bad(f->s, 5, "audit entry 5: missing (removed)");
    raw(f->s, "DELETE FROM audit WHERE seq >= 4");
    expect_bad(f->s, 4, "audit entry 4: missing (removed)");
}

/* Swap everything but seq between entries @p x and @p y. */
static void swap_rows(struct mu_store *s, int x, int y)
{
    struct mu_error err = {0};
    struct mu_db *db = mu_store_db(s);
    char *vals[2][7] = {{0}};
    int seqs[2] = {x, y};
    for (int k = 0; k < 2; k++) {
        struct mu_db_rows *r = NULL;
        int has = 0;
        struct mu_db_val p[] = {MU_DB_INT(seqs[k])};
        must(mu_db_query(db,
                         "SELECT at, actor, action, object, summary, prev_hash, hash "
                         "FROM audit WHERE seq = $1",
                         p, 1, &r, &err),
             &err);
        must(mu_db_next(r, &has, &err), &err);
        assert_true(has);
        for (int c = 0; c < 7; c++)
            vals[k][c] = mu_db_dup(r, c);
        mu_db_finish(r);
    }
    for (int k = 0; k < 2; k++) {
        char **v = vals[1 - k];
        struct mu_db_val p[] = {MU_DB_INT(seqs[k]), MU_DB_INT(strtoll(v[0], NULL, 10)),
                                MU_DB_TEXT(v[1]),   MU_DB_TEXT(v[2]),
                                MU_DB_TEXT(v[3]),   MU_DB_TEXT(v[4]),
                                MU_DB_TEXT(v[5]),   MU_DB_TEXT(v[6])};
        must(mu_db_exec(db,
                        "UPDATE audit SET at = $2, actor = $3, action = $4, object = $5, "
                        "summary = $6, prev_hash = $7, hash = $8 WHERE seq = $1",
                        p, 8, &err),
             &err);
    }
    for (int k = 0; k < 2; k++)
        for (int c = 0; c < 7; c++)
            mu_free(vals[k][c]);
}

static void test_audit_reordered(void **state)
{
    struct fixture *f = *state;
    append_five(f->s);
    swap_rows(f->s, 2, 3);
    expect_bad(f->s, 2, "audit entry 2: does not follow the entry before it (reordered)");
}

static void test_audit_reordered_by_seq(void **state)
{
    struct fixture *f = *state;
    append_five(f->s);
    /* Renumber instead of copying content: 4 becomes 3 and 3 becomes 4. */
    raw(f->s, "UPDATE audit SET seq = 100 WHERE seq = 3");
    raw(f->s, "UPDATE audit SET seq = 3 WHERE seq = 4");
    raw(f->s, "UPDATE audit SET seq = 4 WHERE seq = 100");
    expect_bad(f->s, 3, "audit entry 3: does not follow the entry before it (reordered)");
}

static void test_audit_forged_last_entry(void **state)
{
    struct fixture *f = *state;
    struct mu_error err = {0};
    append_five(f->s);
    /* A forger rewrites the last entry with a hash that fits its content;
     * only the head (updated in the same transaction as every append) shows it. */
    struct mu_audit_entry *e = NULL;
    size_t n = 0;
    must(mu_store_audit_tail(f->s, 1, &e, &n, &err), &err);
    assert_int_equal(n, 1);
    struct mu_audit_input in = {e[0].seq,    e[0].at,  e[0].actor,    e[0].action,
                                e[0].object, "forged", e[0].prev_hash};
    char h[MU_AUDIT_HEX_LEN + 1];
    mu_audit_hash(&in, h);
    struct mu_db_val p[] = {MU_DB_TEXT(h)};
    must(mu_db_exec(mu_store_db(f->s),
                    "UPDATE audit SET summary = 'forged', hash = $1 "
                    "WHERE seq = 5",
                    p, 1, &err),
         &err);
    mu_audit_entries_free(e, n);
    expect_bad(f->s, 5, "audit entry 5: hash mismatch (altered)");
}

static void test_audit_inserted_beyond_head(void **state)
{
    struct fixture *f = *state;
    struct mu_error err = {0};
    append_five(f->s);
    struct mu_audit_entry *e = NULL;
    size_t n = 0;
    must(mu_store_audit_tail(f->s, 1, &e, &n, &err), &err);
    struct mu_audit_input in = {6, 1, "ghost", "x", "y", "z", e[0].hash};
    char h[MU_AUDIT_HEX_LEN + 1];
    mu_audit_hash(&in, h);
    struct mu_db_val p[] = {MU_DB_TEXT(e[0].hash), MU_DB_TEXT(h)};
    must(mu_db_exec(mu_store_db(f->s),
                    "INSERT INTO audit (seq, at, actor, action, object, summary, prev_hash, hash) "
                    "VALUES (6, 1, 'ghost', 'x', 'y', 'z', $1, $2)",
                    p, 2, &err),
         &err);
    mu_audit_entries_free(e, n);
    expect_bad(f->s, 6, "audit entry 6: not in the recorded chain (inserted)");
}

/* Several processes append at once; the chain must stay whole. */
static void test_audit_concurrent_appenders(void **state)
{
    struct fixture *f = *state;
    struct mu_error err = {0};
    enum { WRITERS = 4, EACH = 25 };
    pid_t pids[WRITERS];
    mu_store_close(f->s); /* the children must not share our connection */
    f->s = NULL;
    for (int w = 0; w < WRITERS; w++) {
        pids[w] = fork();
        assert_true(pids[w] >= 0);
        if (pids[w] == 0) {
            struct mu_store *s = NULL;
            struct mu_error e = {0};
            int code = 0;
            if (mu_store_open(f->db.dsn, &s, &e)) {
                fprintf(stderr, "writer %d: %s\n", w, e.msg);
                _exit(1);
            }
            for (int i = 0; i < EACH && !code; i++) {
                char who[16], what[32];
                snprintf(who, sizeof(who), "writer%d", w);
                snprintf(what, sizeof(what), "append %d", i);
                struct mu_actor a = actor_at(who, i);
                if (mu_store_audit_append(s, &a, "test.concurrent", "", what, &e)) {
                    fprintf(stderr, "writer %d: %s\n", w, e.msg);
                    code = 1;
                }
            }
            mu_store_close(s);
            _exit(code);
        }
    }
    for (int w = 0; w < WRITERS; w++) {
        int status = 0;
        assert_int_equal(waitpid(pids[w], &status, 0), pids[w]);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
    }
    must(mu_store_open(f->db.dsn, &f->s, &err), &err);
    struct mu_audit_verify v;
    must(mu_store_audit_verify(f->s, &v, &err), &err);
    assert_int_equal(v.entries, WRITERS * EACH);
}

/* ------------------------------------------------------------ accounts */

#define T0 1700000000000LL /* the clock of the account tests */
#define MINUTE (60 * 1000LL)
#define HOUR (60 * MINUTE)
#define PW "correct horse battery"
#define PW2 "another long passphrase"

/* A user with a made-up hash: fast, for tests that never log in. */
static void add_user_fast(struct mu_store *s, const char *name, enum mu_role role,
                          const char *const *units, size_t n)
{
    struct mu_error err = {0};
    struct mu_actor a = actor_at("admin", T0);
    must(mu_store_user_add_hashed(s, &a, name, role, units, n, "$argon2id$not-a-real-hash", &err),
         &err);
}

/* The audit actions, oldest first, joined with ' '; owned (mu_free). */
static char *audit_actions(struct mu_store *s)
{
    struct mu_error err = {0};
    struct mu_audit_entry *e = NULL;
    size_t n = 0;
    struct mu_buf b;
    mu_buf_init(&b, 1 << 20);
    must(mu_store_audit_tail(s, 100000, &e, &n, &err), &err);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(mu_buf_printf(&b, "%s%s", i ? " " : "", e[i].action), MU_OK);
    mu_audit_entries_free(e, n);
    return mu_buf_detach(&b);
}

/* Fail when @p needle occurs in any text of any audit entry. */
static void audit_lacks(struct mu_store *s, const char *needle)
{
    struct mu_error err = {0};
    struct mu_audit_entry *e = NULL;
    size_t n = 0;
    must(mu_store_audit_tail(s, 100000, &e, &n, &err), &err);
    for (size_t i = 0; i < n; i++)
        if (strstr(e[i].actor, needle) || strstr(e[i].action, needle) ||
            strstr(e[i].object, needle) || strstr(e[i].summary, needle))
            fail_msg("audit entry %" PRId64 " contains '%s'", e[i].seq, needle);
    mu_audit_entries_free(e, n);
}

/* The summary of the last audit entry, in @p out. */
static void last_summary(struct mu_store *s, char *out, size_t len)
{
    struct mu_error err = {0};
    struct mu_audit_entry *e = NULL;
    size_t n = 0;
    must(mu_store_audit_tail(s, 1, &e, &n, &err), &err);
    assert_int_equal(n, 1);
    snprintf(out, len, "%s %s %s %s", e[0].actor, e[0].action, e[0].object, e[0].summary);
    mu_audit_entries_free(e, n);
}

static void test_account_users(void **state)
{
    struct fixture *f = *state;
    struct mu_error err = {0};
    struct mu_actor a = actor_at("admin", T0);
    const char *units[] = {"town", "school-1"};
    struct mu_user u = {0};
    char last[512];

    /* One real Argon2id hash; the rest use the fast path. */
    must(mu_account_user_add(f->s, &a, "Li.Wei", MU_ROLE_REPORTER, units, 2, PW, &err), &err);
    add_user_fast(f->s, "zhao", MU_ROLE_OFFICER, NULL, 0);
    add_user_fast(f->s, "an_na", MU_ROLE_VIEWER, NULL, 0);

    assert_int_equal(mu_account_user_add(f->s, &a, "LI.WEI", MU_ROLE_ADMIN, NULL, 0, PW, &err),
                     MU_ECONFLICT);
    assert_string_equal(err.msg, "user 'LI.WEI' already exists");
    assert_int_equal(mu_account_user_add(f->s, &a, "li wei", MU_ROLE_ADMIN, NULL, 0, PW, &err),
                     MU_EINVAL);
    assert_int_equal(mu_account_user_add(f->s, &a, "bo", MU_ROLE_ADMIN, NULL, 0, "short", &err),
                     MU_EINVAL);
    assert_string_equal(err.msg, "password is too short: use at least 10 characters");
    assert_int_equal(mu_account_user_add(f->s, &a, "bo", MU_ROLE_REPORTER, NULL, 0, PW, &err),
                     MU_EINVAL);
    assert_string_equal(err.msg, "role 'reporter' needs at least one unit (--unit)");
    const char *bad_units[] = {"town", "Town"};
    assert_int_equal(
        mu_store_user_add_hashed(f->s, &a, "bo", MU_ROLE_LEADER, bad_units, 2, "h", &err),
        MU_EINVAL);
    const char *twice[] = {"town", "town"};
    assert_int_equal(mu_store_user_add_hashed(f->s, &a, "bo", MU_ROLE_LEADER, twice, 2, "h", &err),
                     MU_EINVAL);
    assert_string_equal(err.msg, "unit 'town' is given twice");
    assert_int_equal(mu_store_user_add_hashed(f->s, &a, "bo", MU_ROLE_NONE, NULL, 0, "h", &err),
                     MU_EINVAL);
    assert_int_equal(raw_int(f->s, "SELECT COUNT(*) FROM users"), 3);
    assert_int_equal(raw_int(f->s, "SELECT COUNT(*) FROM user_units"), 2);

    /* The password is stored only as an Argon2id hash. */
    assert_int_equal(raw_int(f->s, "SELECT COUNT(*) FROM users WHERE name = 'Li.Wei' AND "
                                   "password_hash LIKE '$argon2id$v=19$m=65536,t=2,p=1$%'"),
                     1);
    assert_int_equal(raw_int(f->s, "SELECT COUNT(*) FROM users WHERE password_hash LIKE "
                                   "'%correct horse%'"),
                     0);

    must(mu_store_user_get(f->s, "li.WEI", &u, &err), &err);
    assert_string_equal(u.name, "Li.Wei");
    assert_int_equal(u.role, MU_ROLE_REPORTER);
    assert_int_equal(u.nunits, 2);
    assert_string_equal(u.units[0], "school-1"); /* sorted */
    assert_string_equal(u.units[1], "town");
    assert_string_equal(u.lang, "zh");
    assert_false(u.disabled);
    assert_true(u.created_at == T0);
    assert_string_equal(u.created_by, "admin");
    mu_user_release(&u);
    assert_int_equal(mu_store_user_get(f->s, "nobody", &u, &err), MU_ENOTFOUND);
    assert_string_equal(err.msg, "no user 'nobody'");

    struct mu_user *list = NULL;
    size_t n = 0;
    must(mu_store_user_list(f->s, &list, &n, &err), &err);
    assert_int_equal(n, 3);
    assert_string_equal(list[0].name, "an_na"); /* by name, regardless of case */
    assert_string_equal(list[1].name, "Li.Wei");
    assert_string_equal(list[2].name, "zhao");
    assert_int_equal(list[1].nunits, 2);
    assert_int_equal(list[2].nunits, 0);
    mu_users_free(list, n);

    /* Disable and enable: a repeat changes nothing and appends nothing. */
    int changed = -1;
    struct mu_actor b = actor_at("admin", T0 + 1000);
    must(mu_store_user_set_disabled(f->s, &b, "zhao", 1, &changed, &err), &err);
    assert_int_equal(changed, 1);
    must(mu_store_user_set_disabled(f->s, &b, "zhao", 1, &changed, &err), &err);
    assert_int_equal(changed, 0);
    must(mu_store_user_get(f->s, "zhao", &u, &err), &err);
    assert_true(u.disabled);
    assert_true(u.disabled_at == T0 + 1000);
    mu_user_release(&u);
    must(mu_store_user_set_disabled(f->s, &b, "zhao", 0, &changed, &err), &err);
    assert_int_equal(changed, 1);
    assert_int_equal(mu_store_user_set_disabled(f->s, &b, "ghost", 1, NULL, &err), MU_ENOTFOUND);

    /* Language preference. */
    must(mu_store_user_set_lang(f->s, &b, "Li.Wei", "en", &err), &err);
    must(mu_store_user_set_lang(f->s, &b, "li.wei", "en", &err), &err); /* no change */
    assert_int_equal(mu_store_user_set_lang(f->s, &b, "li.wei", "fr", &err), MU_EINVAL);
    assert_string_equal(err.msg, "unknown language 'fr' (expected zh or en)");
    assert_int_equal(mu_store_user_set_lang(f->s, &b, "ghost", "en", &err), MU_ENOTFOUND);
    must(mu_store_user_get(f->s, "li.wei", &u, &err), &err);
    assert_string_equal(u.lang, "en");
    mu_user_release(&u);

    char *acts = audit_actions(f->s);
    assert_string_equal(acts, "user.add user.add user.add user.disable user.enable user.lang");
    mu_free(acts);
    last_summary(f->s, last, sizeof(last));
    assert_string_equal(last, "admin user.lang user:Li.Wei language en");
    audit_lacks(f->s, "correct horse");
    audit_lacks(f->s, "$argon2");
    struct mu_audit_entry *e = NULL;
    must(mu_store_audit_tail(f->s, 100, &e, &n, &err), &err);
    assert_string_equal(e[0].object, "user:Li.Wei");
    assert_string_equal(e[0].summary, "role reporter, units town, school-1");
    assert_string_equal(e[1].summary, "role officer");
    assert_string_equal(e[3].summary, "disabled; 0 sessions ended");
    mu_audit_entries_free(e, n);
    must(mu_store_audit_verify(f->s, NULL, &err), &err);
}

static void test_account_sessions(void **state)
{
    struct fixture *f = *state;
    struct mu_error err = {0};
    struct mu_actor a = actor_at("admin", T0);
    const char *units[] = {"school-1"};
    struct mu_session_new s1, s2;
    struct mu_principal p = {0};
    char hash[MU_AUTH_HASH_HEX + 1], sql[256], last[512];

    must(mu_account_user_add(f->s, &a, "li.wei", MU_ROLE_REPORTER, units, 1, PW, &err), &err);
    must(mu_auth_login(f->s, "Li.Wei", PW, "10.0.0.1", T0, &s1, &err), &err);
    assert_true(mu_auth_secret_valid(s1.id));
    assert_true(mu_auth_secret_valid(s1.csrf));
    assert_string_not_equal(s1.id, s1.csrf);
    assert_true(s1.expires_at == T0 + MU_SESSION_ABSOLUTE_MS);

    /* Only the hash of the id is stored. */
    mu_secret_hash(MU_SECRET_SESSION, s1.id, strlen(s1.id), hash);
    snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM sessions WHERE id_hash = '%s'", hash);
    assert_int_equal(raw_int(f->s, sql), 1);
    assert_int_equal(raw_int(f->s, "SELECT COUNT(*) FROM sessions"), 1);
    audit_lacks(f->s, s1.id);
    audit_lacks(f->s, hash);

    must(mu_auth_session_lookup(f->s, s1.id, T0 + MINUTE, &p, &err), &err);
    assert_string_equal(p.name, "li.wei");
    assert_int_equal(p.role, MU_ROLE_REPORTER);
    assert_int_equal(p.nunits, 1);
    assert_string_equal(p.units[0], "school-1");
    assert_string_equal(p.lang, "zh");
    assert_int_equal(p.via, MU_AUTH_SESSION);
    assert_string_equal(p.csrf, s1.csrf);
    assert_true(mu_auth_csrf_check(&p, s1.csrf));
    assert_false(mu_auth_csrf_check(&p, s1.id));
    assert_true(mu_principal_can(&p, MU_ACTION_UNIT_WRITE, "school-1"));
    assert_false(mu_principal_can(&p, MU_ACTION_UNIT_WRITE, "school-2"));
    assert_true(p.expires_at == T0 + MINUTE + MU_SESSION_IDLE_MS); /* activity recorded */
    mu_principal_release(&p);

    /* A malformed or unknown id finds nothing. */
    assert_int_equal(mu_auth_session_lookup(f->s, "nope", T0, &p, &err), MU_ENOTFOUND);
    assert_int_equal(mu_auth_session_lookup(f->s, s1.csrf, T0, &p, &err), MU_ENOTFOUND);
    assert_string_equal(err.msg, "no such session");

    /* Every login gets a fresh id. */
    must(mu_auth_login(f->s, "li.wei", PW, "10.0.0.1", T0 + 2 * MINUTE, &s2, &err), &err);
    assert_string_not_equal(s1.id, s2.id);
    assert_string_not_equal(s1.csrf, s2.csrf);

    /* Kept alive by activity every 11 hours until the absolute end after 7 days. */
    int64_t t = T0 + MINUTE;
    for (; t + 11 * HOUR < T0 + MU_SESSION_ABSOLUTE_MS; t += 11 * HOUR) {
        must(mu_auth_session_lookup(f->s, s1.id, t + 11 * HOUR, &p, &err), &err);
        mu_principal_release(&p);
    }
    assert_int_equal(mu_auth_session_lookup(f->s, s1.id, T0 + MU_SESSION_ABSOLUTE_MS, &p, &err),
                     MU_ENOTFOUND);
    assert_string_equal(err.msg, "session expired; log in again");
    snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM sessions WHERE id_hash = '%s'", hash);
    assert_int_equal(raw_int(f->s, sql), 0); /* deleted */
    assert_int_equal(mu_auth_session_lookup(f->s, s1.id, T0 + 2 * MINUTE, &p, &err), MU_ENOTFOUND);

    /* Idle: 12 hours without a request end session 2. */
    must(mu_auth_session_lookup(f->s, s2.id, T0 + 2 * MINUTE + 12 * HOUR - 1, &p, &err), &err);
    mu_principal_release(&p);
    assert_int_equal(mu_auth_session_lookup(f->s, s2.id, T0 + 2 * MINUTE + 24 * HOUR, &p, &err),
                     MU_ENOTFOUND);
    assert_string_equal(err.msg, "session expired; log in again");

    /* Logout ends the session; logging out twice is fine. */
    struct mu_session_new s3;
    must(mu_auth_login(f->s, "li.wei", PW, NULL, T0 + 3 * HOUR, &s3, &err), &err);
    must(mu_auth_logout(f->s, s3.id, T0 + 4 * HOUR, &err), &err);
    last_summary(f->s, last, sizeof(last));
    assert_string_equal(last, "li.wei auth.logout user:li.wei session ended");
    must(mu_auth_logout(f->s, s3.id, T0 + 4 * HOUR, &err), &err);
    must(mu_auth_logout(f->s, "garbage", T0 + 4 * HOUR, &err), &err);
    assert_int_equal(mu_auth_session_lookup(f->s, s3.id, T0 + 4 * HOUR, &p, &err), MU_ENOTFOUND);

    /* A new password ends every session; the old one stops working. */
    struct mu_session_new s4;
    must(mu_auth_login(f->s, "li.wei", PW, NULL, T0 + 5 * HOUR, &s4, &err), &err);
    must(mu_account_user_passwd(f->s, &a, "li.wei", PW2, &err), &err);
    last_summary(f->s, last, sizeof(last));
    assert_string_equal(last, "admin user.passwd user:li.wei password changed; 1 session ended");
    assert_int_equal(mu_auth_session_lookup(f->s, s4.id, T0 + 5 * HOUR, &p, &err), MU_ENOTFOUND);
    assert_int_equal(mu_auth_login(f->s, "li.wei", PW, NULL, T0 + 5 * HOUR, &s4, &err), MU_EINVAL);
    assert_string_equal(err.msg, "wrong user name or password");
    assert_string_equal(s4.id, ""); /* nothing handed out on failure */
    must(mu_auth_login(f->s, "li.wei", PW2, NULL, T0 + 5 * HOUR, &s4, &err), &err);
    assert_int_equal(mu_account_user_passwd(f->s, &a, "li.wei", "short", &err), MU_EINVAL);
    assert_int_equal(mu_account_user_passwd(f->s, &a, "ghost", PW2, &err), MU_ENOTFOUND);

    /* A disabled user: sessions end, and even the right password does not log in. */
    must(mu_store_user_set_disabled(f->s, &a, "li.wei", 1, NULL, &err), &err);
    assert_int_equal(mu_auth_session_lookup(f->s, s4.id, T0 + 5 * HOUR, &p, &err), MU_ENOTFOUND);
    assert_int_equal(mu_auth_login(f->s, "li.wei", PW2, NULL, T0 + 6 * HOUR, &s4, &err), MU_EINVAL);
    assert_string_equal(err.msg, "user 'li.wei' is disabled");
    assert_null(p.units); /* nothing left behind in a refused principal */

    char *acts = audit_actions(f->s);
    assert_string_equal(acts, "user.add auth.login auth.login auth.login auth.logout auth.login "
                              "user.passwd auth.login_failed auth.login user.disable "
                              "auth.login_failed");
    mu_free(acts);
    audit_lacks(f->s, PW);
    audit_lacks(f->s, PW2);
    audit_lacks(f->s, "10.0.0.1");
    must(mu_store_audit_verify(f->s, NULL, &err), &err);
}

static void test_account_throttle(void **state)
{
    struct fixture *f = *state;
    struct mu_error err = {0};
    struct mu_actor a = actor_at("admin", T0);
    struct mu_session_new sn;
    struct mu_store *other = NULL;

    must(mu_account_user_add(f->s, &a, "li.wei", MU_ROLE_OFFICER, NULL, 0, PW, &err), &err);
    /* Five failures from one address within the window. */
    for (int i = 0; i < MU_LOGIN_MAX_FAILURES; i++)
        assert_int_equal(mu_auth_login(f->s, "li.wei", "not-the-password-42", "10.0.0.1",
                                       T0 + i * MINUTE, &sn, &err),
                         MU_EINVAL);
    /* Now even the right password is refused, for the account (from anywhere)... */
    assert_int_equal(mu_auth_login(f->s, "LI.WEI", PW, "10.9.9.9", T0 + 5 * MINUTE, &sn, &err),
                     MU_ELIMIT);
    assert_string_equal(err.msg, "too many failed logins; try again in 10 minutes");
    assert_string_equal(sn.id, "");
    /* ...and for the address (whatever the account). */
    assert_int_equal(mu_auth_login(f->s, "someone", "x", "10.0.0.1", T0 + 14 * MINUTE, &sn, &err),
                     MU_ELIMIT);
    assert_string_equal(err.msg, "too many failed logins; try again in 1 minute");
    /* The state is in the database: another connection (node) sees it. */
    must(mu_store_open(f->db.dsn, &other, &err), &err);
    assert_int_equal(mu_auth_login(other, "li.wei", PW, "10.9.9.9", T0 + 6 * MINUTE, &sn, &err),
                     MU_ELIMIT);
    mu_store_close(other);
    /* Neither names nor addresses are stored in clear. */
    assert_int_equal(raw_int(f->s, "SELECT COUNT(*) FROM login_throttle"), 2);
    assert_int_equal(raw_int(f->s, "SELECT COUNT(*) FROM login_throttle WHERE key LIKE '%li%' "
                                   "OR key LIKE '%10.0%'"),
                     0);

    /* When the window has passed the right password works and clears the account... */
    must(mu_auth_login(f->s, "li.wei", PW, "10.0.0.2", T0 + 15 * MINUTE, &sn, &err), &err);
    assert_true(mu_auth_secret_valid(sn.id));
    /* ...and a failure after the window starts a new one (1 of 5). */
    assert_int_equal(mu_auth_login(f->s, "li.wei", "not-the-password-42", "10.0.0.1",
                                   T0 + 16 * MINUTE, &sn, &err),
                     MU_EINVAL);
    must(mu_auth_login(f->s, "li.wei", PW, "10.0.0.1", T0 + 16 * MINUTE, &sn, &err), &err);

    /* An unknown user is throttled the same way (and takes a hash verification). */
    for (int i = 0; i < MU_LOGIN_MAX_FAILURES; i++)
        assert_int_equal(mu_auth_login(f->s, "ghost", PW, NULL, T0 + 20 * MINUTE, &sn, &err),
                         MU_EINVAL);
    assert_string_equal(err.msg, "wrong user name or password");
    assert_int_equal(mu_auth_login(f->s, "GHOST", PW, NULL, T0 + 21 * MINUTE, &sn, &err),
                     MU_ELIMIT);

    /* Failures of an existing account are audited, unknown names are not. */
    char *acts = audit_actions(f->s);
    assert_string_equal(acts, "user.add auth.login_failed auth.login_failed auth.login_failed "
                              "auth.login_failed auth.login_failed auth.login "
                              "auth.login_failed auth.login");
    mu_free(acts);
    audit_lacks(f->s, "ghost");
    audit_lacks(f->s, "not-the-password-42");
    must(mu_store_audit_verify(f->s, NULL, &err), &err);
}

/*
 * The token cache: a hit only under the version and before the recheck
 * time it was filled with, a refused token forgotten, and the data version
 * pieces (audit head, local changes) moving with audited commits only.
 */
static void test_account_token_cache(void **state)
{
    struct fixture *f = *state;
    struct mu_error err = {0};
    struct mu_actor a = actor_at("admin", T0);
    const char *units[] = {"town", "lake"};
    char tok[MU_TOKEN_LEN + 1], tok2[MU_TOKEN_LEN + 1];
    struct mu_principal p = {0};
    int64_t id = 0, head = -1, head2 = -1;

    add_user_fast(f->s, "feed", MU_ROLE_REPORTER, units, 2);
    must(mu_auth_token_create(f->s, &a, "feed", NULL, T0 + HOUR, tok, &id, &err), &err);
    must(mu_auth_token_create(f->s, &a, "feed", NULL, 0, tok2, NULL, &err), &err);

    /* The audit head is the last entry's seq. */
    struct mu_audit_entry *e = NULL;
    size_t n = 0;
    must(mu_store_audit_head(f->s, &head, &err), &err);
    must(mu_store_audit_tail(f->s, 1, &e, &n, &err), &err);
    assert_int_equal(n, 1);
    assert_true(head == e[0].seq);
    mu_audit_entries_free(e, n);

    struct mu_token_cache *c = mu_token_cache_new();
    assert_non_null(c);
    assert_false(mu_token_cache_get(c, tok, 7, T0, &p));
    assert_false(mu_token_cache_get(c, "not a token", 7, T0, &p));

    /* Verified under version 7: the same answer from the cache, a deep copy. */
    uint64_t local = mu_store_local_changes(MU_CHANGES_ANY);
    must(mu_auth_token_verify_cached(c, f->s, 7, tok, T0 + MINUTE, &p, &err), &err);
    assert_string_equal(p.name, "feed");
    mu_principal_release(&p);
    /* Recording the use is not an audited change: nothing moved. */
    assert_true(mu_store_local_changes(MU_CHANGES_ANY) == local);
    must(mu_store_audit_head(f->s, &head2, &err), &err);
    assert_true(head2 == head);
    assert_true(mu_token_cache_get(c, tok, 7, T0 + MINUTE + 1, &p));
    assert_string_equal(p.name, "feed");
    assert_int_equal(p.role, MU_ROLE_REPORTER);
    assert_int_equal(p.via, MU_AUTH_TOKEN);
    assert_true(p.token_id == id);
    assert_int_equal(p.nunits, 2);
    assert_string_equal(p.units[0], "lake");
    assert_string_equal(p.units[1], "town");
    mu_principal_release(&p);
    assert_false(mu_token_cache_get(c, tok2, 7, T0 + MINUTE, &p)); /* never verified */
    assert_false(mu_token_cache_get(c, tok, 8, T0 + MINUTE, &p));  /* another version */
    /* Not past the time its use is recorded again, nor past its expiry. */
    assert_true(mu_token_cache_get(c, tok, 7, T0 + 2 * MINUTE - 1, &p));
    mu_principal_release(&p);
    assert_false(mu_token_cache_get(c, tok, 7, T0 + 2 * MINUTE, &p));
    must(mu_auth_token_verify_cached(c, f->s, 7, tok, T0 + HOUR - 30 * 1000, &p, &err), &err);
    mu_principal_release(&p);
    assert_true(mu_token_cache_get(c, tok, 7, T0 + HOUR - 1, &p));
    mu_principal_release(&p);
    assert_false(mu_token_cache_get(c, tok, 7, T0 + HOUR, &p));

    /* Revoking is audited: the local counter and the head move after the
     * commit, and a verification under the new version refuses and
     * forgets the token, whatever version is asked for next. */
    must(mu_auth_token_verify_cached(c, f->s, 7, tok2, T0 + MINUTE, &p, &err), &err);
    mu_principal_release(&p);
    int64_t id2 = 0;
    struct mu_token_info *v = NULL;
    must(mu_store_token_list(f->s, "feed", &v, &n, &err), &err);
    for (size_t i = 0; i < n; i++)
        if (v[i].expires_at == 0)
            id2 = v[i].id;
    mu_token_infos_free(v, n);
    must(mu_store_token_revoke(f->s, &a, id2, NULL, &err), &err);
    assert_true(mu_store_local_changes(MU_CHANGES_ANY) == local + 1);
    must(mu_store_audit_head(f->s, &head2, &err), &err);
    assert_true(head2 == head + 1);
    assert_true(mu_token_cache_get(c, tok2, 7, T0 + MINUTE, &p)); /* the old version still says yes */
    mu_principal_release(&p);
    assert_int_equal(mu_auth_token_verify_cached(c, f->s, 8, tok2, T0 + MINUTE, &p, &err),
                     MU_ENOTFOUND);
    assert_false(mu_token_cache_get(c, tok2, 7, T0 + MINUTE, &p));
    assert_false(mu_token_cache_get(c, tok2, 8, T0 + MINUTE, &p));

    /* Scopes: revoking moved the accounts counter too; an audited change of
     * something else moves only "any", here and in the audit log. */
    uint64_t acc = mu_store_local_changes(MU_CHANGES_ACCOUNTS);
    int64_t h1 = head2, h2 = 0;
    int moved = -1;
    must(mu_store_audit_scope_moved(f->s, MU_CHANGES_ACCOUNTS, head, h1, &moved, &err), &err);
    assert_int_equal(moved, 1); /* the revoke */
    must(mu_store_audit_append(f->s, &a, "test.note", "x", "kept", &err), &err);
    assert_true(mu_store_local_changes(MU_CHANGES_ANY) == local + 2);
    assert_true(mu_store_local_changes(MU_CHANGES_ACCOUNTS) == acc);
    must(mu_store_audit_head(f->s, &h2, &err), &err);
    assert_true(h2 == h1 + 1);
    must(mu_store_audit_scope_moved(f->s, MU_CHANGES_ACCOUNTS, h1, h2, &moved, &err), &err);
    assert_int_equal(moved, 0);
    must(mu_store_audit_scope_moved(f->s, MU_CHANGES_ANY, h1, h2, &moved, &err), &err);
    assert_int_equal(moved, 1);
    must(mu_store_audit_scope_moved(f->s, MU_CHANGES_ACCOUNTS, h2, h2, &moved, &err), &err);
    assert_int_equal(moved, 0);

    /* A rolled-back audited change moves nothing: the counters and the
     * head stay where the last commit left them. */
    must(mu_store_begin(f->s, &err), &err);
    must(mu_store_audit_append(f->s, &a, "test.note", "x", "undone", &err), &err);
    mu_store_rollback(f->s);
    assert_true(mu_store_local_changes(MU_CHANGES_ANY) == local + 2);
    assert_true(mu_store_local_changes(MU_CHANGES_ACCOUNTS) == acc);
    must(mu_store_audit_head(f->s, &head2, &err), &err);
    assert_true(head2 == h2);

    /* More tokens than slots: the cache stays correct, just forgets. */
    for (int i = 0; i < 40; i++) {
        char t[MU_TOKEN_LEN + 1];
        must(mu_auth_token_create(f->s, &a, "feed", NULL, 0, t, NULL, &err), &err);
        must(mu_auth_token_verify_cached(c, f->s, 9, t, T0 + MINUTE, &p, &err), &err);
        mu_principal_release(&p);
        assert_true(mu_token_cache_get(c, t, 9, T0 + MINUTE, &p));
        mu_principal_release(&p);
    }
    mu_token_cache_free(c);
    mu_token_cache_free(NULL);
}

static void test_account_tokens(void **state)
{
    struct fixture *f = *state;
    struct mu_error err = {0};
    struct mu_actor a = actor_at("admin", T0);
    const char *units[] = {"town"};
    char tok[MU_TOKEN_LEN + 1], tok2[MU_TOKEN_LEN + 1], hash[MU_AUTH_HASH_HEX + 1];
    char sql[256], last[512];
    struct mu_principal p = {0};
    int64_t id = 0, id2 = 0;
    int changed = -1;

    add_user_fast(f->s, "feed", MU_ROLE_REPORTER, units, 1);
    add_user_fast(f->s, "other", MU_ROLE_VIEWER, NULL, 0);
    must(mu_auth_token_create(f->s, &a, "FEED", "ci", T0 + HOUR, tok, &id, &err), &err);
    assert_true(mu_token_format_valid(tok));
    assert_int_equal(strncmp(tok, "mst_", 4), 0);
    assert_true(id > 0);
    last_summary(f->s, last, sizeof(last));
    char want[200];
    snprintf(want, sizeof(want),
             "admin token.create token:%" PRId64 " for user feed, name 'ci', expires "
             "2023-11-14T23:13:20Z",
             id);
    assert_string_equal(last, want);

    /* Only the hash is stored. */
    mu_secret_hash(MU_SECRET_TOKEN, tok, strlen(tok), hash);
    snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM api_tokens WHERE token_hash = '%s'", hash);
    assert_int_equal(raw_int(f->s, sql), 1);
    snprintf(sql, sizeof(sql),
             "SELECT COUNT(*) FROM api_tokens WHERE token_hash LIKE '%%%s%%' OR "
             "name LIKE '%%%s%%'",
             tok + 4, tok + 4);
    assert_int_equal(raw_int(f->s, sql), 0);

    must(mu_auth_token_verify(f->s, tok, T0 + MINUTE, &p, &err), &err);
    assert_string_equal(p.name, "feed");
    assert_int_equal(p.role, MU_ROLE_REPORTER);
    assert_int_equal(p.nunits, 1);
    assert_string_equal(p.units[0], "town");
    assert_int_equal(p.via, MU_AUTH_TOKEN);
    assert_true(p.token_id == id);
    assert_string_equal(p.csrf, "");
    assert_false(mu_auth_csrf_check(&p, ""));
    mu_principal_release(&p);

    /* Expired at its time exactly. */
    assert_int_equal(mu_auth_token_verify(f->s, tok, T0 + HOUR - 1, &p, &err), MU_OK);
    mu_principal_release(&p);
    assert_int_equal(mu_auth_token_verify(f->s, tok, T0 + HOUR, &p, &err), MU_ENOTFOUND);
    snprintf(want, sizeof(want), "API token %" PRId64 " has expired", id);
    assert_string_equal(err.msg, want);

    /* Malformed and unknown tokens. */
    assert_int_equal(mu_auth_token_verify(f->s, "Bearer x", T0, &p, &err), MU_ENOTFOUND);
    assert_string_equal(err.msg, "not a muster API token");
    snprintf(tok2, sizeof(tok2), "%s", tok);
    tok2[10] = tok2[10] == 'A' ? 'B' : 'A';
    assert_int_equal(mu_auth_token_verify(f->s, tok2, T0, &p, &err), MU_ENOTFOUND);
    assert_string_equal(err.msg, "unknown API token");

    /* A token that never expires; disabling its user stops it, enabling revives it. */
    must(mu_auth_token_create(f->s, &a, "feed", NULL, 0, tok2, &id2, &err), &err);
    assert_string_not_equal(tok, tok2);
    must(mu_auth_token_verify(f->s, tok2, T0 + 1000 * 24 * HOUR, &p, &err), &err);
    assert_true(p.expires_at == 0);
    mu_principal_release(&p);
    must(mu_store_user_set_disabled(f->s, &a, "feed", 1, NULL, &err), &err);
    assert_int_equal(mu_auth_token_verify(f->s, tok2, T0, &p, &err), MU_ENOTFOUND);
    assert_string_equal(err.msg, "user 'feed' is disabled");
    must(mu_store_user_set_disabled(f->s, &a, "feed", 0, NULL, &err), &err);
    must(mu_auth_token_verify(f->s, tok2, T0 + 2 * MINUTE, &p, &err), &err);
    mu_principal_release(&p);

    /* Revoked: refused; a second revoke changes nothing. */
    must(mu_store_token_revoke(f->s, &a, id2, &changed, &err), &err);
    assert_int_equal(changed, 1);
    must(mu_store_token_revoke(f->s, &a, id2, &changed, &err), &err);
    assert_int_equal(changed, 0);
    assert_int_equal(mu_auth_token_verify(f->s, tok2, T0 + 3 * MINUTE, &p, &err), MU_ENOTFOUND);
    snprintf(want, sizeof(want), "API token %" PRId64 " has been revoked", id2);
    assert_string_equal(err.msg, want);
    assert_int_equal(mu_store_token_revoke(f->s, &a, 999, NULL, &err), MU_ENOTFOUND);
    assert_string_equal(err.msg, "no token 999");

    /* Bad input. */
    assert_int_equal(mu_auth_token_create(f->s, &a, "ghost", NULL, 0, tok2, NULL, &err),
                     MU_ENOTFOUND);
    assert_string_equal(tok2, ""); /* nothing handed out on failure */
    assert_int_equal(mu_auth_token_create(f->s, &a, "feed", NULL, T0, tok2, NULL, &err), MU_EINVAL);
    assert_int_equal(mu_auth_token_create(f->s, &a, "feed", "two\nlines", 0, tok2, NULL, &err),
                     MU_EINVAL);

    /* The list shows everything but the token. */
    struct mu_token_info *v = NULL;
    size_t n = 0;
    must(mu_auth_token_create(f->s, &a, "other", "viewer", 0, tok2, NULL, &err), &err);
    must(mu_store_token_list(f->s, "feed", &v, &n, &err), &err);
    assert_int_equal(n, 2);
    assert_true(v[0].id == id);
    assert_string_equal(v[0].user, "feed");
    assert_string_equal(v[0].name, "ci");
    assert_string_equal(v[0].created_by, "admin");
    assert_true(v[0].created_at == T0);
    assert_true(v[0].expires_at == T0 + HOUR);
    assert_true(v[0].last_used_at == T0 + HOUR - 1); /* the last successful use */
    assert_true(v[0].revoked_at == 0);
    assert_string_equal(v[1].name, "");
    assert_true(v[1].expires_at == 0);
    assert_true(v[1].revoked_at == T0);
    mu_token_infos_free(v, n);
    must(mu_store_token_list(f->s, NULL, &v, &n, &err), &err);
    assert_int_equal(n, 3);
    assert_string_equal(v[2].user, "other");
    mu_token_infos_free(v, n);
    assert_int_equal(mu_store_token_list(f->s, "ghost", &v, &n, &err), MU_ENOTFOUND);

    char *acts = audit_actions(f->s);
    assert_string_equal(acts, "user.add user.add token.create token.create user.disable "
                              "user.enable token.revoke token.create");
    mu_free(acts);
    audit_lacks(f->s, tok + 4);
    audit_lacks(f->s, tok2 + 4);
    audit_lacks(f->s, hash);
    must(mu_store_audit_verify(f->s, NULL, &err), &err);
}

/* ---------------------------------------------------------------- check-ins */

#include <muster/app.h>
#include <muster/calendar.h>
#include <muster/checkin.h>

struct ck_scan {
    int64_t n, late, nil;
    int64_t ids_sum;
    char units[8][16];
};

static enum mu_err ck_row(void *ctx, const struct mu_checkin_row *row, struct mu_error *err)
{
    struct ck_scan *c = ctx;
    (void)err;
    if (c->n < 8)
        snprintf(c->units[c->n], sizeof(c->units[0]), "%s", row->unit);
    c->n++;
    c->late += row->late;
    c->nil += row->nil;
    c->ids_sum += row->id;
    if (row->fields_json)
        assert_true(row->fields_json[0] == '{');
    return MU_OK;
}

static enum mu_err ck_stop(void *ctx, const struct mu_checkin_row *row, struct mu_error *err)
{
    (void)row;
    (*(int *)ctx)++;
    return mu_error_set(err, MU_EINTERNAL, "stop");
}

static struct mu_checkin_record ck_rec(const char *unit, int64_t slot_at, int64_t at, int late,
                                       int nil)
{
    struct mu_checkin_record r = {.plan_id = "p",
                                  .checkin_id = "daily",
                                  .plan_version = 1,
                                  .unit = unit,
                                  .slot_at = slot_at,
                                  .submitted_at = at,
                                  .late = late,
                                  .nil = nil,
                                  .fields_json = nil ? "{}" : "{\"sick\":2}",
                                  .submitted_by = "li-na"};
    return r;
}

static void test_checkin_submit_scan(void **state)
{
    struct fixture *f = *state;
    struct mu_error err = {0};
    struct mu_actor a = actor_at("clerk", 1700000000000);
    const int64_t slot = 1772415000000, slot2 = slot + 5 * 3600 * 1000LL;
    int64_t id1 = 0, ids[3] = {0}, n = -1;

    assert_int_equal(mu_store_checkin_submit(f->s, &a, &(struct mu_checkin_record){0}, NULL, &err),
                     MU_EINVAL);
    assert_string_equal(err.field, "plan");
    struct mu_checkin_record r1 = ck_rec("c7-1", slot, slot - 60000, 0, 1);
    must(mu_store_checkin_submit(f->s, &a, &r1, &id1, &err), &err);
    assert_true(id1 > 0);
    struct mu_checkin_record batch[3] = {ck_rec("c7-1", slot, slot - 1000, 0, 0),
                                         ck_rec("c7-2", slot, slot + 3600000, 1, 0),
                                         ck_rec("c7-1", slot2, slot2, 0, 1)};
    must(mu_store_checkin_submit_many(f->s, &a, batch, 3, ids, &err), &err);
    assert_true(ids[0] > id1 && ids[1] > ids[0] && ids[2] > ids[1]);
    must(mu_store_checkin_count(f->s, "p", "daily", &n, &err), &err);
    assert_int_equal(n, 4);
    /* One audit entry per submission, naming the unit and the slot. */
    assert_int_equal(raw_int(f->s, "SELECT COUNT(*) FROM audit WHERE action = 'checkin.submit'"),
                     4);
    struct mu_audit_entry *tail = NULL;
    size_t count = 0;
    must(mu_store_audit_tail(f->s, 1, &tail, &count, &err), &err);
    assert_int_equal(count, 1);
    assert_string_equal(tail[0].object, "checkin:p/daily/c7-1");
    assert_string_equal(tail[0].summary, "slot 2026-03-02T14:30, on time, nil report, by li-na");
    mu_audit_entries_free(tail, count);

    /* The first slot only, everything. */
    struct ck_scan sc = {0};
    must(mu_store_checkin_scan(f->s, "p", "daily", slot, slot + 1, INT64_MAX,
                               MU_CHECKIN_SCAN_FIELDS, ck_row, &sc, &err),
         &err);
    assert_int_equal(sc.n, 3);
    assert_int_equal(sc.late, 1);
    assert_int_equal(sc.nil, 1);
    assert_int_equal(sc.ids_sum, id1 + ids[0] + ids[1]);
    /* As seen before the late one was made. */
    memset(&sc, 0, sizeof(sc));
    must(mu_store_checkin_scan(f->s, "p", "daily", slot, slot2 + 1, slot, 0, ck_row, &sc, &err),
         &err);
    assert_int_equal(sc.n, 2);
    /* Another schedule sees nothing. */
    memset(&sc, 0, sizeof(sc));
    must(mu_store_checkin_scan(f->s, "p", "other", 0, INT64_MAX, INT64_MAX, 0, ck_row, &sc, &err),
         &err);
    assert_int_equal(sc.n, 0);
    /* A callback error stops the scan and is returned. */
    int calls = 0;
    assert_int_equal(mu_store_checkin_scan(f->s, "p", "daily", 0, INT64_MAX, INT64_MAX, 0,
                                           ck_stop, &calls, &err),
                     MU_EINTERNAL);
    assert_int_equal(calls, 1);
    must(mu_store_audit_verify(f->s, NULL, &err), &err);
}

static void test_checkin_batch_all_or_nothing(void **state)
{
    struct fixture *f = *state;
    struct mu_error err = {0};
    struct mu_actor a = actor_at("clerk", 1700000000000);
    int64_t n = -1, before = raw_int(f->s, "SELECT COUNT(*) FROM audit");
    struct mu_checkin_record batch[3] = {ck_rec("c1", 1, 1, 0, 1), ck_rec("", 1, 1, 0, 1),
                                         ck_rec("c3", 1, 1, 0, 1)};
    assert_int_equal(mu_store_checkin_submit_many(f->s, &a, batch, 3, NULL, &err), MU_EINVAL);
    assert_string_equal(err.field, "unit");
    batch[1] = ck_rec("c2", 1, 1, 2, 1); /* late must be 0 or 1 */
    assert_int_equal(mu_store_checkin_submit_many(f->s, &a, batch, 3, NULL, &err), MU_EINVAL);
    /* A failure in the database in the middle undoes the whole batch too. */
    batch[1] = ck_rec("c2", 1, 1, 0, 1);
    raw(f->s, "CREATE UNIQUE INDEX ck_t ON checkin_submissions (unit)");
    batch[2] = ck_rec("c1", 1, 1, 0, 1);
    assert_int_not_equal(mu_store_checkin_submit_many(f->s, &a, batch, 3, NULL, &err), MU_OK);
    must(mu_store_checkin_count(f->s, "p", "daily", &n, &err), &err);
    assert_int_equal(n, 0);
    assert_int_equal(raw_int(f->s, "SELECT COUNT(*) FROM audit"), before);
    /* Inside a caller's transaction a failing batch leaves it usable. */
    must(mu_store_begin(f->s, &err), &err);
    assert_int_not_equal(mu_store_checkin_submit_many(f->s, &a, batch, 3, NULL, &err), MU_OK);
    must(mu_store_checkin_submit_many(f->s, &a, batch, 2, NULL, &err), &err);
    must(mu_store_commit(f->s, &err), &err);
    must(mu_store_checkin_count(f->s, "p", "daily", &n, &err), &err);
    assert_int_equal(n, 2);
    must(mu_store_audit_verify(f->s, NULL, &err), &err);
}

static void test_checkin_app_reporter_limits(void **state)
{
    struct fixture *f = *state;
    struct mu_error err = {0};
    struct mu_actor a = actor_at("api", 1772409600000);
    static const char src[] = "---\nmuster: 1\nid: p\ntitle: t\norg: {name: o}\n"
                              "units:\n  - {id: c1, name: C1}\n  - {id: c2, name: C2}\n"
                              "people:\n  - {id: x, name: X}\n"
                              "teams:\n  - {id: t, name: T, leader: x}\n"
                              "checkins:\n  - {id: daily, name: D, units: all, times: [\"09:30\"]}\n"
                              "---\n";
    struct mu_plan_load_result lr;
    must(mu_app_plan_load(f->s, &a, src, sizeof(src) - 1, NULL, &lr, &err), &err);
    struct mu_calendar *cal = mu_calendar_new();
    assert_non_null(cal);
    char *units[] = {"c1"};
    struct mu_principal who = {.name = "rep", .role = MU_ROLE_REPORTER, .units = units,
                               .nunits = 1, .via = MU_AUTH_TOKEN};
    struct mu_checkin_input in = {.schedule = "p/daily", .unit = "c2", .nil = 1,
                                  .at = 1772409600000 + 3600000};
    struct mu_checkin_receipt r;
    int64_t before = raw_int(f->s, "SELECT COUNT(*) FROM audit");
    assert_int_equal(mu_app_checkin_submit(f->s, &a, &who, cal, &in, &r, &err), MU_EINVAL);
    assert_string_equal(err.field, "unit");
    assert_string_equal(err.msg, "'rep' is not allowed to report for unit 'c2'");
    assert_int_equal(raw_int(f->s, "SELECT COUNT(*) FROM audit"), before);
    in.unit = "c1";
    must(mu_app_checkin_submit(f->s, &a, &who, cal, &in, &r, &err), &err);
    assert_string_equal(r.schedule, "p/daily");
    assert_string_equal(r.slot, "2026-03-02T09:30");
    assert_int_equal(r.late, 0);
    assert_int_equal(r.counts, 1);
    assert_int_equal(r.replaced, 0);
    /* A viewer may not report at all. */
    who.role = MU_ROLE_VIEWER;
    assert_int_equal(mu_app_checkin_submit(f->s, &a, &who, cal, &in, &r, &err), MU_EINVAL);
    int64_t n = 0;
    must(mu_store_checkin_count(f->s, "p", "daily", &n, &err), &err);
    assert_int_equal(n, 1);
    mu_calendar_free(cal);
}

static void test_checkin_summaries_and_reminders(void **state)
{
    struct fixture *f = *state;
    struct mu_error err = {0};
    struct mu_actor a = actor_at("tick", 1700000000000);
    int done = -1, found = -1;
    char *json = NULL;
    int32_t day = 20514; /* 2026-03-02 */
    must(mu_store_checkin_summary_get(f->s, "p", "daily", day, &found, &json, &err), &err);
    assert_int_equal(found, 0);
    assert_null(json);
    must(mu_store_checkin_summary_put(f->s, &a, "p", "daily", day, 5, "{\"a\":1}", &done, &err),
         &err);
    assert_int_equal(done, 1);
    must(mu_store_checkin_summary_put(f->s, &a, "p", "daily", day, 5, "{\"a\":2}", &done, &err),
         &err);
    assert_int_equal(done, 0); /* kept as first made */
    must(mu_store_checkin_summary_get(f->s, "p", "daily", day, &found, &json, &err), &err);
    assert_int_equal(found, 1);
    assert_string_equal(json, "{\"a\":1}");
    mu_free(json);
    assert_int_equal(raw_int(f->s, "SELECT COUNT(*) FROM checkin_summaries WHERE day = "
                                   "'2026-03-02'"),
                     1);

    must(mu_store_checkin_reminders_done(f->s, "p", "daily", 77, &found, &err), &err);
    assert_int_equal(found, 0);
    must(mu_store_checkin_reminders_put(f->s, &a, "p", "daily", 77, 3, &done, &err), &err);
    assert_int_equal(done, 1);
    must(mu_store_checkin_reminders_put(f->s, &a, "p", "daily", 77, 3, &done, &err), &err);
    assert_int_equal(done, 0);
    must(mu_store_checkin_reminders_done(f->s, "p", "daily", 77, &found, &err), &err);
    assert_int_equal(found, 1);
    assert_int_equal(raw_int(f->s, "SELECT COUNT(*) FROM audit WHERE action IN "
                                   "('checkin.summary', 'checkin.reminders')"),
                     2);
    must(mu_store_audit_verify(f->s, NULL, &err), &err);
}

/* ---------------------------------------------------------------- duty roster and notices */

#include <muster/notice.h>
#include <muster/roster.h>

/* Two draft shifts of plan "p" (leaders 08:00..08:00 on two days), returns the first id. */
static int64_t roster_seed(struct fixture *f, struct mu_error *err)
{
    struct mu_actor a = actor_at("officer", 1700000000000);
    int64_t d1 = mu_local_ms(20485, 480), d2 = mu_local_ms(20486, 480);
    struct mu_shift_new v[] = {{"leaders", "带班领导", "li", d1, d2, 0},
                               {"leaders", "带班领导", "wang", d2, d2 + 86400000, 0}};
    size_t del = 9, ins = 0;
    must(mu_store_roster_replace(f->s, &a, "p", d1, d2 + 86400000, v, 2, 0, &del, &ins, err), err);
    assert_int_equal(del, 0);
    assert_int_equal(ins, 2);
    struct mu_shift *sh = NULL;
    size_t n = 0;
    must(mu_store_shift_list(f->s, NULL, &sh, &n, err), err);
    assert_int_equal(n, 2);
    int64_t id = sh[0].id;
    assert_string_equal(sh[0].person, "li");
    assert_string_equal(sh[0].role, "带班领导");
    assert_int_equal(sh[0].published, 0);
    assert_int_equal(sh[0].source, MU_SHIFT_GENERATED);
    assert_string_equal(sh[0].prev_person, "");
    mu_shifts_free(sh, n);
    return id;
}

static void test_roster_shifts_publish_replace(void **state)
{
    struct fixture *f = *state;
    struct mu_error err = {0};
    struct mu_actor a = actor_at("officer", 1700000100000);
    int64_t id = roster_seed(f, &err);
    int64_t d1 = mu_local_ms(20485, 480), end = mu_local_ms(20487, 480);

    /* Publish only the first day. */
    struct mu_shift *pub = NULL;
    size_t npub = 0;
    must(mu_store_roster_publish(f->s, &a, "p", d1, d1 + 1, &pub, &npub, &err), &err);
    assert_int_equal(npub, 1);
    assert_int_equal(pub[0].id, id);
    assert_int_equal(pub[0].published, 1);
    assert_int_equal(pub[0].published_at, 1700000100000);
    mu_shifts_free(pub, npub);

    /* Regenerating without replace keeps the published shift and replaces the draft. */
    struct mu_shift_new v[] = {{"leaders", "带班领导", "zhao", d1, d1 + 86400000, 0},
                               {"leaders", "带班领导", "zhao", d1 + 86400000, end, 0}};
    size_t del = 0, ins = 0;
    must(mu_store_roster_replace(f->s, &a, "p", d1, end, v, 2, 0, &del, &ins, &err), &err);
    assert_int_equal(del, 1);
    assert_int_equal(ins, 1);
    struct mu_shift sh = {0};
    must(mu_store_shift_get(f->s, id, &sh, &err), &err);
    assert_string_equal(sh.person, "li");
    mu_shift_release(&sh);

    /* Filters: overlap with a time, published only, person. */
    struct mu_shift_filter flt = {.from_ms = d1 + 3600000, .to_ms = d1 + 3600001,
                                  .published_only = 1};
    struct mu_shift *lst = NULL;
    size_t n = 0;
    must(mu_store_shift_list(f->s, &flt, &lst, &n, &err), &err);
    assert_int_equal(n, 1);
    assert_string_equal(lst[0].person, "li");
    mu_shifts_free(lst, n);
    struct mu_shift_filter byp = {.person = "zhao"};
    must(mu_store_shift_list(f->s, &byp, &lst, &n, &err), &err);
    assert_int_equal(n, 1);
    mu_shifts_free(lst, n);

    /* With replace, the published one goes too, and its unsent notices are cancelled. */
    char ref[40];
    snprintf(ref, sizeof(ref), "shift:%" PRId64, id);
    struct mu_notice_new nn = {"roster.reminder", "li", d1 - 7200000, "值班提醒", "", ref};
    must(mu_store_notice_add(f->s, &a, &nn, 1, NULL, &err), &err);
    must(mu_store_roster_replace(f->s, &a, "p", d1, end, v, 2, 1, &del, &ins, &err), &err);
    assert_int_equal(del, 2);
    assert_int_equal(ins, 2);
    struct mu_notice_filter nf = {.ref = ref, .pending_only = 1};
    struct mu_notice *nv = NULL;
    must(mu_store_notice_list(f->s, &nf, &nv, &n, &err), &err);
    assert_int_equal(n, 0);
    assert_int_equal(mu_store_shift_get(f->s, id, &sh, &err), MU_ENOTFOUND);
    assert_int_equal(raw_int(f->s, "SELECT COUNT(*) FROM audit WHERE action = 'roster.generate'"),
                     3);
    assert_int_equal(raw_int(f->s, "SELECT COUNT(*) FROM audit WHERE action = 'roster.publish'"),
                     1);

    /* Bad input changes nothing. */
    struct mu_shift_new bad[] = {{"leaders", "带班领导", "", d1, end, 0}};
    assert_int_equal(mu_store_roster_replace(f->s, &a, "p", d1, end, bad, 1, 1, NULL, NULL, &err),
                     MU_EINVAL);
    assert_int_equal(raw_int(f->s, "SELECT COUNT(*) FROM roster_shifts"), 2);
    must(mu_store_audit_verify(f->s, NULL, &err), &err);
}

static void test_roster_override_and_swaps(void **state)
{
    struct fixture *f = *state;
    struct mu_error err = {0};
    struct mu_actor a = actor_at("officer", 1700000200000);
    int64_t id = roster_seed(f, &err);
    struct mu_shift sh = {0};

    must(mu_store_shift_set_person(f->s, &a, id, "zhao", MU_SHIFT_OVERRIDE, "病假", &err), &err);
    must(mu_store_shift_get(f->s, id, &sh, &err), &err);
    assert_string_equal(sh.person, "zhao");
    assert_string_equal(sh.prev_person, "li");
    assert_string_equal(sh.note, "病假");
    assert_int_equal(sh.source, MU_SHIFT_OVERRIDE);
    assert_int_equal(sh.updated_at, 1700000200000);
    mu_shift_release(&sh);
    assert_int_equal(mu_store_shift_set_person(f->s, &a, id, "zhao", MU_SHIFT_OVERRIDE, NULL, &err),
                     MU_EINVAL);
    assert_int_equal(mu_store_shift_set_person(f->s, &a, 999999, "x", MU_SHIFT_OVERRIDE, NULL, &err),
                     MU_ENOTFOUND);

    int64_t w = 0, w2 = 0;
    must(mu_store_swap_request(f->s, &a, id, "qian", "zhao", "家中有事", &w, &err), &err);
    assert_true(w > 0);
    assert_int_equal(mu_store_swap_request(f->s, &a, id, "sun", "zhao", NULL, &w2, &err),
                     MU_ECONFLICT);
    assert_int_equal(mu_store_swap_request(f->s, &a, id, "zhao", "zhao", NULL, &w2, &err),
                     MU_EINVAL);
    struct mu_swap sw = {0};
    must(mu_store_swap_get(f->s, w, &sw, &err), &err);
    assert_string_equal(sw.from_person, "zhao");
    assert_string_equal(sw.to_person, "qian");
    assert_int_equal(sw.state, MU_SWAP_PENDING);
    assert_int_equal(sw.decided_at, 0);
    mu_swap_release(&sw);
    must(mu_store_swap_decide(f->s, &a, w, 0, &err), &err);
    assert_int_equal(mu_store_swap_decide(f->s, &a, w, 1, &err), MU_ECONFLICT);
    must(mu_store_swap_get(f->s, w, &sw, &err), &err);
    assert_int_equal(sw.state, MU_SWAP_REJECTED);
    assert_string_equal(sw.decided_by, "officer");
    mu_swap_release(&sw);
    /* After a rejection a new request may be made. */
    must(mu_store_swap_request(f->s, &a, id, "qian", "zhao", NULL, &w2, &err), &err);
    must(mu_store_swap_decide(f->s, &a, w2, 1, &err), &err);
    struct mu_swap *list = NULL;
    size_t n = 0;
    must(mu_store_swap_list(f->s, 0, 0, &list, &n, &err), &err);
    assert_int_equal(n, 2);
    assert_int_equal(list[0].id, w2); /* newest first */
    assert_int_equal(list[0].state, MU_SWAP_APPROVED);
    mu_swaps_free(list, n);
    assert_int_equal(raw_int(f->s, "SELECT COUNT(*) FROM audit WHERE action LIKE 'roster.%'"),
                     1 + 1 + 2 + 2);
    must(mu_store_audit_verify(f->s, NULL, &err), &err);
}

static void test_roster_unavailable_and_feeds(void **state)
{
    struct fixture *f = *state;
    struct mu_error err = {0};
    struct mu_actor a = actor_at("officer", 1700000300000);
    int64_t id = 0, id2 = 0;
    must(mu_store_unavail_add(f->s, &a, "li", 20485, 20487, "培训", &id, &err), &err);
    must(mu_store_unavail_add(f->s, &a, "wang", 20500, 20500, NULL, &id2, &err), &err);
    assert_int_equal(mu_store_unavail_add(f->s, &a, "li", 20487, 20485, NULL, NULL, &err),
                     MU_EINVAL);
    struct mu_unavail *v = NULL;
    size_t n = 0;
    must(mu_store_unavail_list(f->s, 20487, 20490, &v, &n, &err), &err);
    assert_int_equal(n, 1);
    assert_string_equal(v[0].person, "li");
    assert_int_equal(v[0].from, 20485);
    assert_int_equal(v[0].to, 20487);
    assert_string_equal(v[0].reason, "培训");
    mu_unavails_free(v, n);
    must(mu_store_unavail_list(f->s, 1, 0, &v, &n, &err), &err);
    assert_int_equal(n, 2);
    mu_unavails_free(v, n);
    must(mu_store_unavail_remove(f->s, &a, id, &err), &err);
    assert_int_equal(mu_store_unavail_remove(f->s, &a, id, &err), MU_ENOTFOUND);

    char *person = NULL;
    must(mu_store_feed_add(f->s, &a, "li", "aaaa", &err), &err);
    must(mu_store_feed_find(f->s, "aaaa", &person, &err), &err);
    assert_string_equal(person, "li");
    mu_free(person);
    must(mu_store_feed_find(f->s, "bbbb", &person, &err), &err);
    assert_null(person);
    assert_int_not_equal(mu_store_feed_add(f->s, &a, "wang", "aaaa", &err), MU_OK); /* unique */
    must(mu_store_feed_revoke(f->s, &a, "li", &n, &err), &err);
    assert_int_equal(n, 1);
    must(mu_store_feed_find(f->s, "aaaa", &person, &err), &err);
    assert_null(person);
    must(mu_store_feed_revoke(f->s, &a, "li", &n, &err), &err);
    assert_int_equal(n, 0);
    assert_int_equal(raw_int(f->s, "SELECT COUNT(*) FROM audit WHERE action LIKE 'roster.%'"),
                     2 + 1 + 1 + 1);
    must(mu_store_audit_verify(f->s, NULL, &err), &err);
}

static void test_notices(void **state)
{
    struct fixture *f = *state;
    struct mu_error err = {0};
    struct mu_actor a = actor_at("engine", 1700000400000);
    struct mu_notice_new v[] = {
        {"roster.reminder", "li", 3000, "值班提醒", "明天值班", "shift:1"},
        {"roster.change", "wang", 1000, "值班变更", NULL, "shift:1"},
        {"checkin.reminder", "li", 2000, "请报送", "", "checkin:daily:x"},
    };
    int64_t first = 0;
    must(mu_store_notice_add(f->s, &a, v, 3, &first, &err), &err);
    assert_true(first > 0);
    struct mu_notice *nv = NULL;
    size_t n = 0;
    must(mu_store_notice_list(f->s, NULL, &nv, &n, &err), &err);
    assert_int_equal(n, 3);
    assert_string_equal(nv[0].kind, "roster.change"); /* by due time */
    assert_string_equal(nv[0].body, "");
    assert_int_equal(nv[0].created_at, 1700000400000);
    assert_int_equal(nv[0].sent_at, 0);
    assert_int_equal(nv[2].id, first);
    mu_notices_free(nv, n);

    struct mu_notice_filter byk = {.kind = "roster."};
    must(mu_store_notice_list(f->s, &byk, &nv, &n, &err), &err);
    assert_int_equal(n, 2);
    mu_notices_free(nv, n);
    struct mu_notice_filter byp = {.person = "li", .due_from = 2500, .due_to = 5000};
    must(mu_store_notice_list(f->s, &byp, &nv, &n, &err), &err);
    assert_int_equal(n, 1);
    assert_string_equal(nv[0].subject, "值班提醒");
    mu_notices_free(nv, n);

    must(mu_store_notice_mark_sent(f->s, &a, first, &err), &err);
    assert_int_equal(mu_store_notice_mark_sent(f->s, &a, first, &err), MU_ECONFLICT);
    assert_int_equal(mu_store_notice_mark_sent(f->s, &a, 999999, &err), MU_ENOTFOUND);
    size_t cancelled = 0;
    must(mu_store_notice_cancel(f->s, &a, "shift:1", NULL, &cancelled, &err), &err);
    assert_int_equal(cancelled, 1); /* the sent one stays as it was */
    struct mu_notice_filter pend = {.pending_only = 1};
    must(mu_store_notice_list(f->s, &pend, &nv, &n, &err), &err);
    assert_int_equal(n, 1);
    assert_string_equal(nv[0].kind, "checkin.reminder");
    mu_notices_free(nv, n);
    struct mu_notice_filter all = {.include_cancelled = 1, .limit = 2};
    must(mu_store_notice_list(f->s, &all, &nv, &n, &err), &err);
    assert_int_equal(n, 2);
    assert_true(nv[0].cancelled_at > 0);
    mu_notices_free(nv, n);

    /* All or nothing: a bad entry stores none of the batch. */
    struct mu_notice_new bad[] = {{"x.y", "li", 1, "ok", NULL, NULL}, {"", "li", 1, "s", NULL, NULL}};
    assert_int_equal(mu_store_notice_add(f->s, &a, bad, 2, NULL, &err), MU_EINVAL);
    assert_non_null(strstr(err.msg, "notice 2: kind is empty"));
    assert_int_equal(raw_int(f->s, "SELECT COUNT(*) FROM notices"), 3);
    assert_int_equal(raw_int(f->s, "SELECT COUNT(*) FROM audit WHERE action LIKE 'notice.%'"), 3);
    must(mu_store_audit_verify(f->s, NULL, &err), &err);
}

/* ------------------------------------------------------------ outbox */

#include <muster/outbox.h>

#define OB0 1771179000000LL /* the clock of the outbox tests */

static int64_t ob_enqueue(struct mu_store *s, const char *key, const char *channel,
                          const char *dest, const char *ref, int64_t at, int max_attempts)
{
    struct mu_error err = {0};
    struct mu_actor a = actor_at("engine", at);
    struct mu_outbox_new v = {.key = key, .channel = channel, .dest = dest,
                              .subject = "火警 3号楼", .body = "secret body text",
                              .ref = ref, .person = "li-ming", .max_attempts = max_attempts};
    int64_t id = 0;
    int existed = 1;
    must(mu_store_outbox_enqueue(s, &a, &v, &id, &existed, &err), &err);
    assert_int_equal(existed, 0);
    return id;
}

static void ob_record(struct mu_store *s, int64_t id, int attempt, enum mu_outbox_outcome o,
                      int status, int64_t at, int64_t retry_at, enum mu_outbox_state want)
{
    struct mu_error err = {0};
    struct mu_actor a = actor_at("engine", at);
    struct mu_outbox_result r = {.outcome = o, .attempt = attempt, .status = status,
                                 .error = o == MU_OUTBOX_OK ? "" : "http 500",
                                 .started_at = at, .duration_ms = 12};
    enum mu_outbox_state st = MU_OUTBOX_PENDING;
    must(mu_store_outbox_record(s, &a, id, &r, retry_at, &st, &err), &err);
    assert_int_equal(st, want);
}

static size_t ob_claim(struct mu_store *s, int64_t at, size_t max, struct mu_outbox_msg **v,
                       size_t *deferred)
{
    struct mu_error err = {0};
    struct mu_actor a = actor_at("engine", at);
    size_t n = 0;
    must(mu_store_outbox_claim(s, &a, max, 60000, v, &n, deferred, &err), &err);
    return n;
}

static void test_outbox_lifecycle(void **state)
{
    struct fixture *f = *state;
    struct mu_error err = {0};
    struct mu_actor a = actor_at("engine", OB0);
    int64_t id1 = ob_enqueue(f->s, "k1", "webhook", "https://h/x", "incident:42", OB0, 0);
    int64_t id2 = ob_enqueue(f->s, "k2", "console", "desk", "incident:42", OB0, 2);
    /* the same key again: the existing message, nothing stored or audited */
    struct mu_outbox_new again = {.key = "k1", .channel = "sms", .dest = "1", .subject = "x"};
    int64_t id = 0;
    int existed = 0;
    int64_t audits = raw_int(f->s, "SELECT COUNT(*) FROM audit");
    must(mu_store_outbox_enqueue(f->s, &a, &again, &id, &existed, &err), &err);
    assert_int_equal(id, id1);
    assert_int_equal(existed, 1);
    assert_int_equal(raw_int(f->s, "SELECT COUNT(*) FROM outbox_messages"), 2);
    assert_int_equal(raw_int(f->s, "SELECT COUNT(*) FROM audit"), audits);
    /* bad input */
    struct mu_outbox_new bad = {.key = "k9", .channel = "pigeon", .subject = "x"};
    assert_int_equal(mu_store_outbox_enqueue(f->s, &a, &bad, NULL, NULL, &err), MU_EINVAL);
    assert_string_equal(err.field, "channel");
    bad.channel = "sms";
    bad.subject = "";
    assert_int_equal(mu_store_outbox_enqueue(f->s, &a, &bad, NULL, NULL, &err), MU_EINVAL);
    assert_string_equal(err.field, "subject");
    bad.subject = "two\nlines";
    assert_int_equal(mu_store_outbox_enqueue(f->s, &a, &bad, NULL, NULL, &err), MU_EINVAL);
    /* not due yet: nothing; a later one waits */
    ob_enqueue(f->s, "k3", "webhook", "https://h/y", "notice:7", OB0 + 3600000, 0);
    struct mu_outbox_msg *v = NULL;
    assert_int_equal(ob_claim(f->s, OB0 - 1, 10, &v, NULL), 0);
    assert_null(v);
    assert_int_equal(ob_claim(f->s, OB0, 10, &v, NULL), 2);
    assert_int_equal(v[0].id, id1);
    assert_int_equal(v[0].state, MU_OUTBOX_SENDING);
    assert_int_equal(v[0].attempts, 1);
    assert_int_equal(v[0].next_attempt_at, OB0 + 60000);
    assert_string_equal(v[0].body, "secret body text");
    assert_string_equal(v[0].person, "li-ming");
    mu_outbox_msgs_free(v, 2);
    /* claimed ones are not claimed twice while the lease runs */
    assert_int_equal(ob_claim(f->s, OB0 + 1000, 10, &v, NULL), 0);
    /* id1 succeeds; id2 fails retryably, then for the last time */
    ob_record(f->s, id1, 1, MU_OUTBOX_OK, 200, OB0 + 10, 0, MU_OUTBOX_SENT);
    ob_record(f->s, id2, 1, MU_OUTBOX_RETRY, 500, OB0 + 10, OB0 + 30000, MU_OUTBOX_PENDING);
    struct mu_outbox_result r = {.outcome = MU_OUTBOX_OK, .attempt = 1};
    assert_int_equal(mu_store_outbox_record(f->s, &a, id1, &r, 0, NULL, &err), MU_ECONFLICT);
    assert_int_equal(mu_store_outbox_record(f->s, &a, 99999, &r, 0, NULL, &err), MU_ENOTFOUND);
    assert_int_equal(ob_claim(f->s, OB0 + 29999, 10, &v, NULL), 0);
    assert_int_equal(ob_claim(f->s, OB0 + 30000, 10, &v, NULL), 1);
    assert_int_equal(v[0].id, id2);
    assert_int_equal(v[0].attempts, 2);
    mu_outbox_msgs_free(v, 1);
    /* a stale claimer (attempt 1) may not record over attempt 2 */
    r.attempt = 1;
    assert_int_equal(mu_store_outbox_record(f->s, &a, id2, &r, 0, NULL, &err), MU_ECONFLICT);
    ob_record(f->s, id2, 2, MU_OUTBOX_RETRY, 503, OB0 + 30010, OB0 + 90000, MU_OUTBOX_FAILED);
    struct mu_outbox_msg m = {0};
    must(mu_store_outbox_get(f->s, id2, &m, &err), &err);
    assert_int_equal(m.state, MU_OUTBOX_FAILED);
    assert_string_equal(m.last_error, "http 500 (after 2 attempts)");
    assert_int_equal(m.next_attempt_at, 0);
    mu_outbox_msg_release(&m);
    must(mu_store_outbox_get(f->s, id1, &m, &err), &err);
    assert_int_equal(m.sent_at, OB0 + 10);
    mu_outbox_msg_release(&m);
    assert_int_equal(mu_store_outbox_get(f->s, 99999, &m, &err), MU_ENOTFOUND);

    /* attempts by reference, oldest first */
    struct mu_outbox_attempt *at = NULL;
    size_t n = 0;
    must(mu_store_outbox_attempts(f->s, 0, "incident:42", &at, &n, &err), &err);
    assert_int_equal(n, 3);
    assert_int_equal(at[0].message_id, id1);
    assert_int_equal(at[0].outcome, MU_OUTBOX_OK);
    assert_int_equal(at[0].status, 200);
    assert_int_equal(at[0].duration_ms, 12);
    assert_string_equal(at[0].person, "li-ming");
    assert_int_equal(at[2].attempt, 2);
    assert_int_equal(at[2].outcome, MU_OUTBOX_RETRY);
    mu_outbox_attempts_free(at, n);
    must(mu_store_outbox_attempts(f->s, id2, NULL, &at, &n, &err), &err);
    assert_int_equal(n, 2);
    mu_outbox_attempts_free(at, n);

    /* a crashed deliverer: the lease runs out, a lost attempt, claimed again */
    assert_int_equal(ob_claim(f->s, OB0 + 3600000, 10, &v, NULL), 1); /* k3 */
    int64_t id3 = v[0].id;
    mu_outbox_msgs_free(v, 1);
    assert_int_equal(ob_claim(f->s, OB0 + 3600000 + 59999, 10, &v, NULL), 0);
    assert_int_equal(ob_claim(f->s, OB0 + 3600000 + 60000, 10, &v, NULL), 1);
    assert_int_equal(v[0].id, id3);
    assert_int_equal(v[0].attempts, 2);
    mu_outbox_msgs_free(v, 1);
    must(mu_store_outbox_attempts(f->s, id3, NULL, &at, &n, &err), &err);
    assert_int_equal(n, 1);
    assert_int_equal(at[0].outcome, MU_OUTBOX_LOST);
    mu_outbox_attempts_free(at, n);

    /* list and cancel */
    struct mu_outbox_filter fl = {.has_state = 1, .state = MU_OUTBOX_SENT};
    must(mu_store_outbox_list(f->s, &fl, &v, &n, &err), &err);
    assert_int_equal(n, 1);
    assert_int_equal(v[0].id, id1);
    mu_outbox_msgs_free(v, n);
    int64_t id4 = ob_enqueue(f->s, "k4", "console", "", "incident:43", OB0, 0);
    size_t cancelled = 0;
    must(mu_store_outbox_cancel(f->s, &a, "incident:43", &cancelled, &err), &err);
    assert_int_equal(cancelled, 1);
    must(mu_store_outbox_get(f->s, id4, &m, &err), &err);
    assert_int_equal(m.state, MU_OUTBOX_CANCELLED);
    mu_outbox_msg_release(&m);
    struct mu_outbox_filter byref = {.ref = "incident:42", .limit = 1};
    must(mu_store_outbox_list(f->s, &byref, &v, &n, &err), &err);
    assert_int_equal(n, 1);
    mu_outbox_msgs_free(v, n);

    /* claims refuse to run inside a caller's transaction; enqueue works there */
    must(mu_store_begin(f->s, &err), &err);
    ob_enqueue(f->s, "k5", "console", "", "", OB0, 0);
    assert_int_equal(mu_store_outbox_claim(f->s, &a, 1, 0, &v, &n, NULL, &err), MU_EINVAL);
    mu_store_rollback(f->s);
    assert_int_equal(raw_int(f->s, "SELECT COUNT(*) FROM outbox_messages WHERE idem_key = 'k5'"),
                     0);

    /* audited, without subjects or bodies */
    assert_int_equal(raw_int(f->s, "SELECT COUNT(*) FROM audit WHERE action = 'outbox.enqueue'"),
                     4);
    assert_int_equal(raw_int(f->s, "SELECT COUNT(*) FROM audit WHERE action = 'outbox.sent'"), 1);
    assert_int_equal(raw_int(f->s, "SELECT COUNT(*) FROM audit WHERE action = 'outbox.retry'"), 1);
    assert_int_equal(raw_int(f->s, "SELECT COUNT(*) FROM audit WHERE action = 'outbox.failed'"),
                     1);
    assert_int_equal(raw_int(f->s, "SELECT COUNT(*) FROM audit WHERE action = 'outbox.lost'"), 1);
    assert_int_equal(raw_int(f->s, "SELECT COUNT(*) FROM audit WHERE action = 'outbox.cancel'"),
                     1);
    assert_int_equal(raw_int(f->s, "SELECT COUNT(*) FROM audit WHERE summary LIKE '%secret%' OR "
                                   "summary LIKE '%3号楼%' OR summary LIKE '%https://h%'"),
                     0);
    must(mu_store_audit_verify(f->s, NULL, &err), &err);
}

static void test_outbox_rate_limits(void **state)
{
    struct fixture *f = *state;
    struct mu_outbox_msg *v = NULL;
    size_t deferred = 0;
    char key[32];
    for (int i = 0; i < 21; i++) {
        snprintf(key, sizeof(key), "wc-%d", i);
        ob_enqueue(f->s, key, "wecom", "", "drill:rate", OB0, 0);
    }
    ob_enqueue(f->s, "other-robot", "wecom", "https://other/robot", "", OB0, 0);
    ob_enqueue(f->s, "mail", "email", "a@b.cn", "", OB0, 0);
    assert_int_equal(ob_claim(f->s, OB0, 100, &v, &deferred), 22);
    assert_int_equal(deferred, 1);
    /* the 21st is due when the first attempt leaves the minute */
    for (size_t i = 0; i < 22; i++)
        ob_record(f->s, v[i].id, 1, MU_OUTBOX_OK, 200, OB0, 0, MU_OUTBOX_SENT);
    mu_outbox_msgs_free(v, 22);
    assert_int_equal(raw_int(f->s, "SELECT next_attempt_at FROM outbox_messages WHERE idem_key "
                                   "= 'wc-20'"),
                     OB0 + 60000);
    assert_int_equal(ob_claim(f->s, OB0 + 59999, 100, &v, &deferred), 0);
    assert_int_equal(ob_claim(f->s, OB0 + 60000, 100, &v, &deferred), 1);
    assert_int_equal(deferred, 0);
    mu_outbox_msgs_free(v, 1);

    /* Feishu: 5 a second */
    for (int i = 0; i < 7; i++) {
        snprintf(key, sizeof(key), "fs-%d", i);
        ob_enqueue(f->s, key, "feishu", "", "", OB0 + 100000, 0);
    }
    assert_int_equal(ob_claim(f->s, OB0 + 100000, 100, &v, &deferred), 5);
    assert_int_equal(deferred, 2);
    for (size_t i = 0; i < 5; i++)
        ob_record(f->s, v[i].id, 1, MU_OUTBOX_OK, 200, OB0 + 100000, 0, MU_OUTBOX_SENT);
    mu_outbox_msgs_free(v, 5);
    assert_int_equal(ob_claim(f->s, OB0 + 100999, 100, &v, &deferred), 0);
    assert_int_equal(ob_claim(f->s, OB0 + 101000, 100, &v, &deferred), 2);
    mu_outbox_msgs_free(v, 2);
}

/* Several processes claim from one outbox: every message is taken exactly once. */
static void test_outbox_concurrent_claimers(void **state)
{
    struct fixture *f = *state;
    struct mu_error err = {0};
    enum { CLAIMERS = 4, MESSAGES = 120 };
    pid_t pids[CLAIMERS];
    char path[CLAIMERS][64];
    for (int i = 0; i < MESSAGES; i++) {
        char key[32];
        snprintf(key, sizeof(key), "c-%d", i);
        ob_enqueue(f->s, key, i % 2 ? "console" : "webhook", i % 2 ? "" : "https://h/x", "", OB0,
                   0);
    }
    mu_store_close(f->s); /* the children must not share our connection */
    f->s = NULL;
    for (int w = 0; w < CLAIMERS; w++) {
        snprintf(path[w], sizeof(path[w]), "/tmp/mu_claims_%ld_%d", (long)getpid(), w);
        pids[w] = fork();
        assert_true(pids[w] >= 0);
        if (pids[w] != 0)
            continue;
        struct mu_store *s = NULL;
        struct mu_error e = {0};
        FILE *out = fopen(path[w], "w");
        int code = out ? 0 : 1;
        if (!code && mu_store_open(f->db.dsn, &s, &e))
            code = 1;
        for (int round = 0; !code && round < 1000; round++) {
            struct mu_actor a = actor_at("claimer", OB0);
            struct mu_outbox_msg *v = NULL;
            size_t n = 0;
            if (mu_store_outbox_claim(s, &a, 3, 600000, &v, &n, NULL, &e)) {
                fprintf(stderr, "claimer %d: %s\n", w, e.msg);
                code = 1;
                break;
            }
            for (size_t i = 0; i < n && !code; i++) {
                struct mu_outbox_result r = {.outcome = MU_OUTBOX_OK, .attempt = v[i].attempts,
                                             .status = 200, .started_at = OB0};
                fprintf(out, "%" PRId64 "\n", v[i].id);
                if (mu_store_outbox_record(s, &a, v[i].id, &r, 0, NULL, &e)) {
                    fprintf(stderr, "claimer %d: %s\n", w, e.msg);
                    code = 1;
                }
            }
            mu_outbox_msgs_free(v, n);
            if (n == 0)
                break;
        }
        mu_store_close(s);
        if (out)
            fclose(out);
        _exit(code);
    }
    int seen[MESSAGES + 1] = {0};
    int total = 0;
    for (int w = 0; w < CLAIMERS; w++) {
        int status = 0;
        assert_int_equal(waitpid(pids[w], &status, 0), pids[w]);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
        FILE *in = fopen(path[w], "r");
        assert_non_null(in);
        long long id;
        while (fscanf(in, "%lld", &id) == 1) {
            assert_true(id >= 1 && id <= MESSAGES);
            seen[id]++;
            total++;
        }
        fclose(in);
        unlink(path[w]);
    }
    assert_int_equal(total, MESSAGES);
    for (int i = 1; i <= MESSAGES; i++)
        assert_int_equal(seen[i], 1);
    must(mu_store_open(f->db.dsn, &f->s, &err), &err);
    assert_int_equal(raw_int(f->s, "SELECT COUNT(*) FROM outbox_messages WHERE state = 'sent'"),
                     MESSAGES);
    assert_int_equal(raw_int(f->s, "SELECT COUNT(*) FROM outbox_attempts"), MESSAGES);
    must(mu_store_audit_verify(f->s, NULL, &err), &err);
}

/* ---------------------------------------------------------------- cases */

static struct mu_calendar *case_calendar(void)
{
    char dir[4096];
    struct mu_calendar *cal = NULL;
    struct mu_error err = {0};
    const char *src = getenv("MUSTER_SRCDIR");
    snprintf(dir, sizeof(dir), "%s/data/calendars", src ? src : ".");
    must(mu_calendar_load_dir(dir, &cal, &err), &err);
    return cal;
}

static int64_t case_audits(struct mu_store *s)
{
    return raw_int(s, "SELECT COUNT(*) FROM audit");
}

/* Cases on every engine: registration (identity sealed: no plaintext in any
 * row), the workflow with its stored deadlines, a refused step that changes
 * nothing, filters and the due list, matters, reveal, purge, the public
 * lookup and rating, recompute after a limit change, the throttle. */
static void test_cases(void **state)
{
    struct fixture *f = *state;
    struct mu_error err = {0};
    struct mu_actor a = actor_at("clerk", 1758300000000);
    struct mu_calendar *cal = case_calendar();
    struct mu_case_keyring kr = {.n = 1};
    mu_case_key_generate(&kr.keys[0]);
    const char *units[] = {"roads", "lights"};
    struct mu_case_input in = {.channel = "letter", .subject = "路灯不亮", .units = units,
                               .nunits = 2, .name = "张小三", .phone = "139-1234-5678",
                               .address = "幸福路1号", .id_number = "420106199203154417"};
    mu_date_parse("2025-09-20", 10, &in.received, NULL);
    int64_t id = 0, id2 = 0;
    char code[MU_CASE_CODE_LEN + 1], norm[MU_CASE_CODE_LEN + 1];
    must(mu_app_case_register(f->s, &a, &kr, cal, &in, &id, code, &err), &err);
    must(mu_case_code_normalize(code, norm, &err), &err);
    assert_string_equal(norm, code);
    assert_int_equal(raw_int(f->s, "SELECT COUNT(*) FROM cases WHERE name_enc LIKE '%张小三%' "
                                   "OR phone_enc LIKE '%5678%' OR address_enc LIKE '%幸福路%' OR "
                                   "id_number_enc LIKE '%4201%' OR subject LIKE '%5678%'"),
                     0);
    assert_int_equal(raw_int(f->s, "SELECT COUNT(*) FROM audit WHERE summary LIKE '%张小三%' OR "
                                   "summary LIKE '%5678%'"),
                     0);
    assert_int_equal(raw_int(f->s, "SELECT COUNT(*) FROM case_units WHERE role = 'concerned'"), 2);
    assert_int_equal(raw_int(f->s, "SELECT COUNT(*) FROM notices WHERE kind = 'case.due' AND "
                                   "cancelled_at IS NULL"),
                     2);

    struct mu_case c;
    must(mu_store_case_get(f->s, id, &c, &err), &err);
    char d[11];
    mu_date_format(c.dl.accept, d);
    assert_string_equal(d, "2025-10-09");
    assert_int_equal(c.matter_id, id);
    assert_int_equal(c.flow.state, MU_CASE_REGISTERED);
    assert_non_null(c.lookup_hash);
    char *plain = NULL;
    must(mu_case_open(&kr, c.phone_enc, &plain, &err), &err);
    assert_string_equal(plain, "139-1234-5678");
    mu_free(plain);
    mu_case_release(&c);

    /* A refused step changes nothing and appends nothing. */
    int64_t audits = case_audits(f->s);
    struct mu_case_step st = {.op = MU_CASE_OP_REPLY, .text = "x"};
    mu_date_parse("2025-09-22", 10, &st.on, NULL);
    assert_int_equal(mu_app_case_step(f->s, &a, cal, id, &st, &err), MU_ECONFLICT);
    assert_string_equal(err.msg, "case 1: cannot reply: the case is 'registered' (accept it first)");
    assert_int_equal(case_audits(f->s), audits);
    assert_int_equal(raw_int(f->s, "SELECT COUNT(*) FROM case_actions"), 1);

    struct mu_case_step acc = {.op = MU_CASE_OP_ACCEPT, .on = st.on};
    must(mu_app_case_step(f->s, &a, cal, id, &acc, &err), &err);
    const char *hu[] = {"street"};
    struct mu_case_step as = {.op = MU_CASE_OP_ASSIGN, .on = st.on, .leader = "li-ming",
                              .units = hu, .nunits = 1};
    must(mu_app_case_step(f->s, &a, cal, id, &as, &err), &err);
    must(mu_store_case_get(f->s, id, &c, &err), &err);
    mu_date_format(c.dl.handle, d);
    assert_string_equal(d, "2025-11-21");
    assert_string_equal(c.leader, "li-ming");
    assert_string_equal(c.handling, "street");
    assert_int_equal(c.flow.state, MU_CASE_ACCEPTED);
    mu_case_release(&c);
    assert_int_equal(raw_int(f->s, "SELECT COUNT(*) FROM notices WHERE kind = 'case.due' AND "
                                   "cancelled_at IS NULL AND person = 'li-ming'"),
                     2);

    /* A second complainant on the same matter; filters; the due list. */
    in.phone = "13500001111";
    in.name = NULL;
    in.channel = "visit";
    in.units = NULL;
    in.nunits = 0;
    in.matter = id;
    must(mu_app_case_register(f->s, &a, &kr, cal, &in, &id2, NULL, &err), &err);
    struct mu_case *v = NULL;
    size_t n = 0;
    struct mu_case_filter byunit = {.unit = "street"};
    must(mu_store_case_list(f->s, &byunit, &v, &n, &err), &err);
    assert_int_equal(n, 1);
    assert_int_equal(v[0].id, id);
    assert_null(v[0].phone_enc); /* identity columns only on request */
    mu_cases_free(v, n);
    struct mu_case_filter bych = {.channel = "visit", .with_identity = 1};
    must(mu_store_case_list(f->s, &bych, &v, &n, &err), &err);
    assert_int_equal(n, 1);
    assert_int_equal(v[0].matter_id, id);
    assert_non_null(v[0].phone_enc);
    mu_cases_free(v, n);
    struct mu_case_filter due = {.has_due = 1};
    mu_date_parse("2025-10-09", 10, &due.due_until, NULL);
    must(mu_store_case_list(f->s, &due, &v, &n, &err), &err);
    assert_int_equal(n, 1);
    assert_int_equal(v[0].id, id2);
    mu_cases_free(v, n);

    /* Public lookup and rating by code + last four digits. */
    char *out = NULL;
    assert_int_equal(mu_app_case_public_lookup(f->s, &kr, code, "1111", &out, &err), MU_ENOTFOUND);
    must(mu_app_case_public_lookup(f->s, &kr, code, "5678", &out, &err), &err);
    assert_non_null(strstr(out, "\"state\": \"accepted\""));
    assert_null(strstr(out, "li-ming")); /* internal work is not shown */
    mu_free(out);
    assert_int_equal(mu_app_case_public_rate(f->s, &a, &kr, code, "5678", 5, &err), MU_ECONFLICT);
    struct mu_case_step rep = {.op = MU_CASE_OP_REPLY, .text = "已修复", .on = st.on};
    must(mu_app_case_step(f->s, &a, cal, id, &rep, &err), &err);
    must(mu_app_case_public_rate(f->s, &a, &kr, code, "5678", 5, &err), &err);
    assert_int_equal(raw_int(f->s, "SELECT rating FROM cases WHERE id = 1"), 5);

    /* Reveal is audited; purge keeps the matter and the actions. */
    must(mu_app_case_show_json(f->s, &a, &kr, id, "核实", &out, &err), &err);
    assert_non_null(strstr(out, "张小三"));
    mu_free(out);
    assert_int_equal(raw_int(f->s, "SELECT COUNT(*) FROM audit WHERE action = 'case.reveal'"), 1);
    struct mu_case_step cl = {.op = MU_CASE_OP_CLOSE, .on = st.on};
    must(mu_app_case_step(f->s, &a, cal, id, &cl, &err), &err);
    size_t purged = 0;
    must(mu_app_case_purge(f->s, &a, st.on + 1, &purged, &err), &err);
    assert_int_equal(purged, 1);
    assert_int_equal(raw_int(f->s, "SELECT COUNT(*) FROM cases WHERE id = 1 AND name_enc IS NULL "
                                   "AND phone_enc IS NULL AND lookup_hash IS NULL AND "
                                   "purged_at > 0 AND subject <> ''"),
                     1);
    assert_int_equal(raw_int(f->s, "SELECT COUNT(*) FROM case_actions WHERE case_id = 1"), 5);

    /* Recompute after a limit change. */
    must(mu_store_setting_set(f->s, &a, "case.limit.accept", "5", &err), &err);
    size_t changed = 0;
    must(mu_app_case_recompute(f->s, &a, cal, &changed, &err), &err);
    assert_int_equal(changed, 1);
    must(mu_store_case_get(f->s, id2, &c, &err), &err);
    mu_date_format(c.dl.accept, d);
    assert_string_equal(d, "2025-09-25");
    mu_case_release(&c);

    /* The submission throttle. */
    int64_t wait = 0;
    for (int i = 0; i < 3; i++) {
        must(mu_store_case_throttle(f->s, "case.submit:1.2.3.4", 1000 + i, 3, 60000, &wait, &err),
             &err);
        assert_int_equal(wait, 0);
    }
    must(mu_store_case_throttle(f->s, "case.submit:1.2.3.4", 2000, 3, 60000, &wait, &err), &err);
    assert_int_equal(wait, 59000);
    must(mu_store_case_throttle(f->s, "case.submit:1.2.3.4", 61000, 3, 60000, &wait, &err), &err);
    assert_int_equal(wait, 0);

    must(mu_store_audit_verify(f->s, NULL, &err), &err);
    mu_case_keyring_wipe(&kr);
    mu_calendar_free(cal);
}

/* ---------------------------------------------------------------- main */

/* ---- preparedness registers (include/muster/register.h) ---- */

#include <muster/register.h>

/* The number of audit entries so far. */
static int64_t reg_audit_count(struct mu_store *s)
{
    int64_t n = 0;
    int found = 0;
    struct mu_error err = {0};
    if (mu_db_query_int(mu_store_db(s), "SELECT COUNT(*) FROM audit", NULL, 0, &n, &found,
                        &err))
        fail_msg("audit count: %s", err.msg);
    return n;
}

static void test_registers_hazards(void **state)
{
    struct fixture *f = *state;
    struct mu_error err = {0};
    struct mu_actor a = {.name = "clerk", .now_ms = 1772000000000LL};
    struct mu_hazard_new h = {.plan_id = "p", .place = "实验楼", .description = "灭火器过期",
                              .unit = "c7-1", .owner = "li-na", .severity = MU_HAZARD_HIGH,
                              .due = mu_date_from_ymd(2026, 3, 10)};
    int64_t id = 0, id2 = 0;
    int64_t before = reg_audit_count(f->s);
    assert_int_equal(mu_store_hazard_add(f->s, &a, &h, &id, &err), MU_OK);
    assert_int_equal(reg_audit_count(f->s), before + 1);
    h.place = "";
    assert_int_equal(mu_store_hazard_add(f->s, &a, &h, NULL, &err), MU_EINVAL);
    assert_string_equal(err.field, "place");
    assert_int_equal(reg_audit_count(f->s), before + 1);
    h.place = "食堂";
    h.due = mu_date_from_ymd(2026, 2, 1);
    assert_int_equal(mu_store_hazard_add(f->s, &a, &h, &id2, &err), MU_OK);

    assert_int_equal(mu_store_hazard_note(f->s, &a, id, "已报采购", &err), MU_OK);
    assert_int_equal(mu_store_hazard_set_state(f->s, &a, id, MU_HAZARD_RECTIFIED, "li-na", "换新",
                                               &err),
                     MU_OK);
    assert_int_equal(mu_store_hazard_set_state(f->s, &a, id, MU_HAZARD_VERIFIED, "liu-gang", NULL,
                                               &err),
                     MU_OK);
    assert_int_equal(mu_store_hazard_assign(f->s, &a, id2, "zhang-min", mu_date_from_ymd(2026, 4, 1),
                                            &err),
                     MU_OK);
    assert_int_equal(mu_store_hazard_note(f->s, &a, 999, "x", &err), MU_ENOTFOUND);

    struct mu_hazard g;
    assert_int_equal(mu_store_hazard_get(f->s, id, &g, &err), MU_OK);
    assert_int_equal(g.state, MU_HAZARD_VERIFIED);
    assert_string_equal(g.rectified_by, "li-na");
    assert_string_equal(g.verified_by, "liu-gang");
    assert_string_equal(g.place, "实验楼");
    assert_int_equal(g.due, mu_date_from_ymd(2026, 3, 10));
    assert_int_equal(g.found_at, a.now_ms);
    mu_hazard_release(&g);
    assert_int_equal(mu_store_hazard_get(f->s, 999, &g, &err), MU_ENOTFOUND);
    assert_string_equal(err.field, "id");

    struct mu_hazard *v = NULL;
    size_t n = 0;
    assert_int_equal(mu_store_hazard_list(f->s, -1, &v, &n, &err), MU_OK);
    assert_int_equal(n, 2);
    assert_string_equal(v[1].owner, "zhang-min");
    assert_int_equal(v[1].due, mu_date_from_ymd(2026, 4, 1));
    mu_hazards_free(v, n);
    /* Overdue on 2026-03-11: the verified one is not, the other is due 04-01. */
    assert_int_equal(mu_store_hazard_list(f->s, mu_date_from_ymd(2026, 3, 11), &v, &n, &err),
                     MU_OK);
    assert_int_equal(n, 0);
    mu_hazards_free(v, n);
    assert_int_equal(mu_store_hazard_list(f->s, mu_date_from_ymd(2026, 4, 2), &v, &n, &err), MU_OK);
    assert_int_equal(n, 1);
    assert_int_equal(v[0].id, id2);
    mu_hazards_free(v, n);

    struct mu_hazard_event *ev = NULL;
    assert_int_equal(mu_store_hazard_events(f->s, id, &ev, &n, &err), MU_OK);
    assert_int_equal(n, 4);
    assert_string_equal(ev[0].action, "add");
    assert_string_equal(ev[2].action, "rectify");
    assert_string_equal(ev[2].text, "换新");
    assert_string_equal(ev[3].person, "liu-gang");
    mu_hazard_events_free(ev, n);

    const char *items[] = {"灭火器在有效期内", "疏散通道畅通"};
    int64_t cl = 0, rid = 0;
    assert_int_equal(mu_store_checklist_add(f->s, &a, "p", "canteen", "消防检查", items, 2, &cl,
                                            &err),
                     MU_OK);
    int passed[2] = {1, 0};
    assert_int_equal(mu_store_round_add(f->s, &a, cl, mu_date_from_ymd(2026, 3, 2), "guo-fang",
                                        passed, 1, NULL, &rid, &err),
                     MU_EINVAL);
    assert_int_equal(mu_store_round_add(f->s, &a, cl, mu_date_from_ymd(2026, 3, 2), "guo-fang",
                                        passed, 2, "ok", &rid, &err),
                     MU_OK);
    struct mu_checklist *c = NULL;
    struct mu_round *r = NULL;
    size_t nc = 0, nr = 0;
    assert_int_equal(mu_store_checklist_list(f->s, cl, &c, &nc, &err), MU_OK);
    assert_int_equal(nc, 1);
    assert_int_equal(c[0].nitems, 2);
    assert_string_equal(c[0].items[1], "疏散通道畅通");
    mu_checklists_free(c, nc);
    assert_int_equal(mu_store_checklist_list(f->s, 999, &c, &nc, &err), MU_ENOTFOUND);
    assert_int_equal(mu_store_round_list(f->s, cl, &r, &nr, &err), MU_OK);
    assert_int_equal(nr, 1);
    assert_int_equal(r[0].failed, 1);
    assert_int_equal(r[0].passed[0], 1);
    assert_int_equal(r[0].passed[1], 0);
    mu_rounds_free(r, nr);
    assert_int_equal(mu_store_audit_verify(f->s, NULL, &err), MU_OK);
}

static void test_registers_drills(void **state)
{
    struct fixture *f = *state;
    struct mu_error err = {0};
    struct mu_actor a = {.name = "clerk", .now_ms = 1772000000000LL};
    const char *findings[] = {"楼梯拥堵", "广播声音小"};
    struct mu_drill_new d = {.plan_id = "p", .kind = "fire-evacuation", .scenario = "二楼起火",
                             .day = mu_date_from_ymd(2026, 3, 20), .participants = 1260,
                             .duration_s = 2400, .evacuation_s = 225, .findings = findings,
                             .nfindings = 2, .simulation_json = "{\"x\":1}"};
    int64_t id = 0, t1 = 0;
    assert_int_equal(mu_store_drill_add(f->s, &a, &d, &id, &err), MU_OK);
    d.participants = -1;
    int64_t before = reg_audit_count(f->s);
    assert_int_equal(mu_store_drill_add(f->s, &a, &d, NULL, &err), MU_EINVAL);
    assert_string_equal(err.field, "participants");
    assert_int_equal(reg_audit_count(f->s), before);
    struct mu_drill g;
    assert_int_equal(mu_store_drill_get(f->s, id, &g, &err), MU_OK);
    assert_int_equal(g.nfindings, 2);
    assert_string_equal(g.findings[0], "楼梯拥堵");
    assert_string_equal(g.simulation_json, "{\"x\":1}");
    assert_int_equal(g.evacuation_s, 225);
    mu_drill_release(&g);
    struct mu_drill *v = NULL;
    size_t n = 0;
    assert_int_equal(mu_store_drill_list(f->s, "p", &v, &n, &err), MU_OK);
    assert_int_equal(n, 1);
    assert_string_equal(v[0].simulation_json, "");
    mu_drills_free(v, n);
    assert_int_equal(mu_store_drill_list(f->s, "other", &v, &n, &err), MU_OK);
    assert_int_equal(n, 0);
    mu_drills_free(v, n);

    assert_int_equal(mu_store_drill_task_add(f->s, &a, id, "疏通楼梯", "sun-wei",
                                             mu_date_from_ymd(2026, 4, 1), &t1, &err),
                     MU_OK);
    assert_int_equal(mu_store_drill_task_add(f->s, &a, 999, "x", "sun-wei", 1, NULL, &err),
                     MU_ENOTFOUND);
    assert_int_equal(mu_store_drill_task_done(f->s, &a, t1, "sun-wei", &err), MU_OK);
    assert_int_equal(mu_store_drill_task_done(f->s, &a, t1, "sun-wei", &err), MU_ECONFLICT);
    struct mu_drill_task *t = NULL;
    assert_int_equal(mu_store_drill_tasks(f->s, id, &t, &n, &err), MU_OK);
    assert_int_equal(n, 1);
    assert_string_equal(t[0].done_by, "sun-wei");
    assert_true(t[0].done_at > 0);
    mu_drill_tasks_free(t, n);

    assert_int_equal(mu_store_setting_set(f->s, &a, "drill.require.fire-evacuation", "1", &err),
                     MU_OK);
    assert_int_equal(mu_store_setting_set(f->s, &a, "drill.require.earthquake", "2", &err), MU_OK);
    assert_int_equal(mu_store_setting_set(f->s, &a, "drill.terms", "x", &err), MU_OK);
    char **kinds = NULL, **values = NULL;
    assert_int_equal(mu_store_drill_requirements(f->s, &kinds, &values, &n, &err), MU_OK);
    assert_int_equal(n, 2);
    assert_string_equal(kinds[0], "earthquake");
    assert_string_equal(values[0], "2");
    assert_string_equal(kinds[1], "fire-evacuation");
    for (size_t i = 0; i < n; i++) {
        mu_free(kinds[i]);
        mu_free(values[i]);
    }
    mu_free(kinds);
    mu_free(values);
}

static void test_registers_resources_contacts(void **state)
{
    struct fixture *f = *state;
    struct mu_error err = {0};
    struct mu_actor a = {.name = "clerk", .now_ms = 1772000000000LL};
    struct mu_resource_new r = {.name = "灭火器", .unit_of_measure = "具", .location = "各楼层",
                                .custodian = "sun-wei", .plan_id = "p",
                                .category = MU_RESOURCE_EQUIPMENT, .quantity = 40, .min = 30,
                                .expires = mu_date_from_ymd(2026, 12, 15)};
    int64_t id = 0, out = 0;
    assert_int_equal(mu_store_resource_add(f->s, &a, &r, &id, &err), MU_OK);
    r.quantity = -1;
    int64_t before = reg_audit_count(f->s);
    assert_int_equal(mu_store_resource_add(f->s, &a, &r, NULL, &err), MU_EINVAL);
    assert_string_equal(err.field, "quantity");
    assert_int_equal(reg_audit_count(f->s), before);
    assert_int_equal(mu_store_resource_move(f->s, &a, id, MU_MOVE_ADJUST, -15, 25, 0, "报废", &err),
                     MU_OK);
    /* A stale view of the stock is refused. */
    assert_int_equal(mu_store_resource_move(f->s, &a, id, MU_MOVE_ADJUST, -1, 39, 0, "x", &err),
                     MU_ECONFLICT);
    assert_int_equal(mu_store_resource_move(f->s, &a, id, MU_MOVE_ASSIGN, -5, 20, 7, NULL, &err),
                     MU_OK);
    assert_int_equal(mu_store_resource_move(f->s, &a, id, MU_MOVE_ASSIGN, -3, 17, 8, NULL, &err),
                     MU_OK);
    assert_int_equal(mu_store_resource_move(f->s, &a, id, MU_MOVE_RETURN, 2, 19, 7, NULL, &err),
                     MU_OK);
    assert_int_equal(mu_store_resource_outstanding(f->s, id, 7, &out, &err), MU_OK);
    assert_int_equal(out, 3);
    assert_int_equal(mu_store_resource_outstanding(f->s, id, 0, &out, &err), MU_OK);
    assert_int_equal(out, 6);
    struct mu_resource g;
    assert_int_equal(mu_store_resource_get(f->s, id, &g, &err), MU_OK);
    assert_int_equal(g.quantity, 19);
    assert_int_equal(g.assigned, 6);
    assert_int_equal(g.expires, mu_date_from_ymd(2026, 12, 15));
    assert_string_equal(g.custodian, "sun-wei");
    mu_resource_release(&g);
    struct mu_resource_movement *m = NULL;
    size_t n = 0;
    assert_int_equal(mu_store_resource_movements(f->s, id, &m, &n, &err), MU_OK);
    assert_int_equal(n, 5);
    assert_int_equal(m[0].kind, MU_MOVE_ADD);
    assert_int_equal(m[0].after, 40);
    assert_int_equal(m[4].kind, MU_MOVE_RETURN);
    assert_int_equal(m[4].incident, 7);
    mu_resource_movements_free(m, n);
    int exists = 0;
    assert_int_equal(mu_store_incident_exists(f->s, 12345, &exists, &err), MU_OK);
    assert_true(exists == 0 || exists == -1);

    int64_t c1 = 0, c2 = 0;
    assert_int_equal(mu_store_contact_add(f->s, &a, "医院", "0571-1", "hospital", NULL, &c1, &err),
                     MU_OK);
    assert_int_equal(mu_store_contact_add(f->s, &a, "值班室", "0571-2", "emergency", "24h", &c2,
                                          &err),
                     MU_OK);
    struct mu_contact *c = NULL;
    assert_int_equal(mu_store_contact_list(f->s, &c, &n, &err), MU_OK);
    assert_int_equal(n, 2);
    assert_string_equal(c[0].category, "emergency"); /* emergency before hospital */
    assert_string_equal(c[0].note, "24h");
    mu_contacts_free(c, n);
    assert_int_equal(mu_store_contact_remove(f->s, &a, c1, &err), MU_OK);
    assert_int_equal(mu_store_contact_remove(f->s, &a, c1, &err), MU_ENOTFOUND);
    assert_int_equal(mu_store_contact_list(f->s, &c, &n, &err), MU_OK);
    assert_int_equal(n, 1);
    mu_contacts_free(c, n);
    assert_int_equal(mu_store_audit_verify(f->s, NULL, &err), MU_OK);
}

/* ------------------------------------------------------------ incidents and timers */

#include <muster/engine.h>
#include <muster/incident.h>

static int64_t new_incident(struct mu_store *s, const char *place)
{
    struct mu_error err = {0};
    struct mu_actor a = actor_at("clerk", 1000);
    struct mu_incident_new in = {.plan_id = "p", .plan_version = 1, .kind = "fire", .level = "IV",
                                 .place = place, .reporter = "li", .fields_json = "{\"people\":3}",
                                 .occurred_at = 900, .reported_at = 1000};
    int64_t id = 0;
    must(mu_store_incident_insert(s, &a, &in, &id, &err), &err);
    assert_true(id > 0);
    return id;
}

static void test_incident_rows(void **state)
{
    struct fixture *f = *state;
    struct mu_error err = {0};
    struct mu_actor a = actor_at("clerk", 2000);
    int64_t id = new_incident(f->s, "3号楼"), id2 = new_incident(f->s, "食堂");
    struct mu_incident row;
    must(mu_store_incident_get(f->s, id, 0, &row, &err), &err);
    assert_string_equal(row.place, "3号楼");
    assert_string_equal(row.fields_json, "{\"people\":3}");
    assert_int_equal(row.state, MU_INCIDENT_REPORTED);
    assert_int_equal(row.plan_version, 1);
    assert_string_equal(row.criteria_json, "[]");
    mu_incident_release(&row);
    assert_int_equal(mu_store_incident_get(f->s, 999, 0, &row, &err), MU_ENOTFOUND);
    assert_string_equal(err.msg, "no incident 999");

    struct mu_incident_update u = {.has_state = 1, .state = MU_INCIDENT_CLOSED, .has_closed = 1,
                                   .closed_at = 5000, .criteria_json = "[\"x\"]"};
    must(mu_store_incident_update(f->s, &a, id2, &u, "closed", &err), &err);
    struct mu_incident *v = NULL;
    size_t n = 0;
    must(mu_store_incident_list(f->s, 1, &v, &n, &err), &err);
    assert_int_equal(n, 1);
    assert_int_equal(v[0].id, id);
    mu_incidents_free(v, n);
    must(mu_store_incident_list(f->s, 0, &v, &n, &err), &err);
    assert_int_equal(n, 2);
    assert_int_equal(v[0].id, id2); /* newest first */
    assert_int_equal(v[0].closed_at, 5000);
    assert_string_equal(v[0].criteria_json, "[\"x\"]");
    mu_incidents_free(v, n);

    /* The timeline: seq per incident, ordered by time then seq. */
    struct mu_incident_event_new e1 = {.at = 3000, .kind = "note", .text = "第二"};
    struct mu_incident_event_new e2 = {.at = 1000, .kind = "opened", .person = "li",
                                       .text = "第一"};
    struct mu_incident_event_new e3 = {.at = 3000, .kind = "notify.sent", .person = "wang",
                                       .channel = "sms", .text = "第三"};
    int64_t seq = 0;
    must(mu_store_incident_event_add(f->s, &a, id, &e1, &seq, &err), &err);
    assert_int_equal(seq, 1);
    must(mu_store_incident_event_add(f->s, &a, id, &e2, &seq, &err), &err);
    must(mu_store_incident_event_add(f->s, &a, id, &e3, &seq, &err), &err);
    assert_int_equal(seq, 3);
    must(mu_store_incident_event_add(f->s, &a, id2, &e1, &seq, &err), &err);
    assert_int_equal(seq, 1);
    struct mu_incident_event *ev = NULL;
    must(mu_store_incident_events(f->s, id, &ev, &n, &err), &err);
    assert_int_equal(n, 3);
    assert_string_equal(ev[0].text, "第一");
    assert_string_equal(ev[1].text, "第二");
    assert_string_equal(ev[2].channel, "sms");
    assert_string_equal(ev[2].recorded_by, "clerk");
    mu_incident_events_free(ev, n);

    /* Tasks. */
    int64_t t1 = 0;
    must(mu_store_incident_task_add(f->s, &a, id, 1, "evac", "he", "疏散", &t1, &err), &err);
    must(mu_store_incident_task_done(f->s, &a, t1, 4000, "he", &err), &err);
    assert_int_equal(mu_store_incident_task_done(f->s, &a, t1, 4100, "he", &err), MU_ECONFLICT);
    assert_int_equal(mu_store_incident_task_done(f->s, &a, 999, 4100, "he", &err), MU_ENOTFOUND);
    struct mu_incident_task *tasks = NULL;
    must(mu_store_incident_tasks(f->s, id, &tasks, &n, &err), &err);
    assert_int_equal(n, 1);
    assert_int_equal(tasks[0].done_at, 4000);
    mu_incident_tasks_free(tasks, n);

    /* Attachments: bytes back exactly, zeros and high bytes included. */
    unsigned char bytes[300];
    for (size_t i = 0; i < sizeof(bytes); i++)
        bytes[i] = (unsigned char)(i * 7);
    int64_t att = 0;
    must(mu_store_incident_attach(f->s, &a, id, "p.png", "image/png", bytes, sizeof(bytes),
                                  "ab12", &att, &err),
         &err);
    void *back = NULL;
    size_t len = 0;
    must(mu_store_incident_attachment_data(f->s, att, &back, &len, &err), &err);
    assert_int_equal(len, sizeof(bytes));
    assert_memory_equal(back, bytes, sizeof(bytes));
    mu_free(back);

    /* Report revisions. */
    int rev = 0, found = 0;
    struct mu_incident_report r;
    must(mu_store_incident_report_get(f->s, id, 0, &found, &r, &err), &err);
    assert_false(found);
    must(mu_store_incident_report_add(f->s, &a, id, "# 一", "draft", &rev, &err), &err);
    must(mu_store_incident_report_add(f->s, &a, id, "# 二", "edit", &rev, &err), &err);
    assert_int_equal(rev, 2);
    must(mu_store_incident_report_get(f->s, id, 0, &found, &r, &err), &err);
    assert_true(found);
    assert_string_equal(r.body_md, "# 二");
    mu_incident_report_release(&r);
    must(mu_store_incident_report_get(f->s, id, 1, &found, &r, &err), &err);
    assert_string_equal(r.source, "draft");
    mu_incident_report_release(&r);
}

static void test_incident_deadlines_acks(void **state)
{
    struct fixture *f = *state;
    struct mu_error err = {0};
    struct mu_actor a = actor_at("engine", 2000);
    int64_t id = new_incident(f->s, "3号楼"), d1 = 0, d2 = 0, chain = 0;
    must(mu_store_incident_deadline_add(f->s, &a, id, MU_DEADLINE_ACK, "第 1 步确认（2/3）", "fire",
                                        0, "", 2, 301000, &d1, &err),
         &err);
    must(mu_store_incident_deadline_add(f->s, &a, id, MU_DEADLINE_REPORT, "报告", "fire", -1,
                                        "person:bureau", 1, 601000, &d2, &err),
         &err);
    must(mu_store_incident_chain_add(f->s, &a, id, "fire", &chain, &err), &err);
    must(mu_store_incident_chain_set(f->s, &a, chain, 0, MU_CHAIN_WAITING, d1, 1000, &err), &err);
    const char *people[] = {"a", "b", "c"};
    for (int i = 0; i < 3; i++) {
        struct mu_incident_send_new sn = {.deadline_id = d1, .chain_id = chain, .step = 0,
                                          .purpose = "step", .person = people[i],
                                          .channel = "sms", .at = 1000};
        must(mu_store_incident_send_add(f->s, &a, id, &sn, &err), &err);
    }
    struct mu_incident_send_new rep = {.deadline_id = d2, .step = -1, .purpose = "deadline",
                                       .person = "a", .channel = "phone", .at = 1000};
    must(mu_store_incident_send_add(f->s, &a, id, &rep, &err), &err);

    int first = 0;
    must(mu_store_incident_ack(f->s, &a, id, "a", 60000, &first, &err), &err);
    assert_true(first);
    must(mu_store_incident_ack(f->s, &a, id, "a", 70000, &first, &err), &err);
    assert_false(first); /* once per person */
    must(mu_store_incident_ack(f->s, &a, id, "zz", 80000, &first, &err), &err); /* not sent to */
    int64_t acked = 0, sent = 0;
    must(mu_store_incident_deadline_acks(f->s, d1, 300000, &acked, &sent, &err), &err);
    assert_int_equal(acked, 1);
    assert_int_equal(sent, 3);
    must(mu_store_incident_ack(f->s, &a, id, "b", 400000, &first, &err), &err);
    must(mu_store_incident_deadline_acks(f->s, d1, 300000, &acked, NULL, &err), &err);
    assert_int_equal(acked, 1); /* b came after the instant asked about */
    must(mu_store_incident_deadline_acks(f->s, d1, 400000, &acked, NULL, &err), &err);
    assert_int_equal(acked, 2);
    int yes = 0;
    must(mu_store_incident_acked(f->s, id, "b", 399999, &yes, &err), &err);
    assert_false(yes);

    int64_t *ids = NULL;
    size_t n = 0;
    must(mu_store_incident_deadlines_for(f->s, id, "a", &ids, &n, &err), &err);
    assert_int_equal(n, 2);
    mu_free(ids);
    must(mu_store_incident_deadlines_for(f->s, id, "c", &ids, &n, &err), &err);
    assert_int_equal(n, 1);
    assert_int_equal(ids[0], d1);
    mu_free(ids);

    /* pending -> missed -> met late; met twice refused; never pending again. */
    must(mu_store_incident_deadline_set(f->s, &a, d1, MU_DL_MISSED, 301000, &err), &err);
    assert_int_equal(mu_store_incident_deadline_set(f->s, &a, d1, MU_DL_MISSED, 301000, &err),
                     MU_ECONFLICT);
    must(mu_store_incident_deadline_set(f->s, &a, d1, MU_DL_MET, 400000, &err), &err);
    assert_int_equal(mu_store_incident_deadline_set(f->s, &a, d1, MU_DL_MET, 400000, &err),
                     MU_ECONFLICT);
    must(mu_store_incident_deadline_set(f->s, &a, d2, MU_DL_MET, 60000, &err), &err);
    assert_int_equal(mu_store_incident_deadline_set(f->s, &a, d2, MU_DL_MISSED, 601000, &err),
                     MU_ECONFLICT);
    struct mu_incident_deadline *dl = NULL;
    must(mu_store_incident_deadlines(f->s, id, &dl, &n, &err), &err);
    assert_int_equal(n, 2);
    assert_int_equal(dl[0].state, MU_DL_MISSED);
    assert_int_equal(dl[0].met_at, 400000);
    assert_int_equal(dl[0].need, 2);
    assert_int_equal(dl[1].state, MU_DL_MET);
    assert_string_equal(dl[1].target, "person:bureau");
    mu_incident_deadlines_free(dl, n);
    must(mu_store_incident_deadlines_for(f->s, id, "a", &ids, &n, &err), &err);
    assert_int_equal(n, 0); /* all met now */

    struct mu_incident_chain c;
    must(mu_store_incident_chain_get(f->s, chain, &c, &err), &err);
    assert_int_equal(c.state, MU_CHAIN_WAITING);
    assert_int_equal(c.deadline_id, d1);
    mu_incident_chain_release(&c);
    int64_t dup = 0;
    assert_int_not_equal(mu_store_incident_chain_add(f->s, &a, id, "fire", &dup, &err), MU_OK);
}

static void test_timer_claims(void **state)
{
    struct fixture *f = *state;
    struct mu_error err = {0};
    struct mu_timer *v = NULL;
    size_t n = 0;
    int64_t t1 = 0, next = 0, count = 0;
    must(mu_engine_next_due(f->s, &next, &err), &err);
    assert_int_equal(next, -1);
    must(mu_store_timer_arm(f->s, 300, "test.x", "r:1", "c", NULL, &err), &err);
    must(mu_store_timer_arm(f->s, 100, "test.x", "r:1", "a", &t1, &err), &err);
    must(mu_store_timer_arm(f->s, 200, "test.y", "r:2", NULL, NULL, &err), &err);
    must(mu_engine_next_due(f->s, &next, &err), &err);
    assert_int_equal(next, 100);
    must(mu_store_timer_count(f->s, "test.x", NULL, &count, &err), &err);
    assert_int_equal(count, 2);
    assert_int_equal(mu_store_timer_claim(f->s, "n1", 250, 1000, 10, &v, &n, &err), MU_EINVAL);

    must(mu_store_begin(f->s, &err), &err);
    must(mu_store_timer_claim(f->s, "n1", 250, 1000, 10, &v, &n, &err), &err);
    assert_int_equal(n, 2);
    assert_int_equal(v[0].id, t1); /* oldest first */
    assert_string_equal(v[0].payload, "a");
    assert_string_equal(v[1].payload, "");
    must(mu_store_timer_done(f->s, v[0].id, &err), &err);
    must(mu_store_timer_defer(f->s, v[1].id, 5000, "boom", &err), &err);
    mu_timers_free(v, n);
    mu_store_rollback(f->s); /* nothing of it stays */
    must(mu_store_timer_count(f->s, NULL, NULL, &count, &err), &err);
    assert_int_equal(count, 3);
    must(mu_engine_next_due(f->s, &next, &err), &err);
    assert_int_equal(next, 100);

    must(mu_store_begin(f->s, &err), &err);
    must(mu_store_timer_claim(f->s, "n1", 250, 1000, 1, &v, &n, &err), &err);
    assert_int_equal(n, 1);
    must(mu_store_timer_done(f->s, v[0].id, &err), &err);
    mu_timers_free(v, n);
    must(mu_store_timer_claim(f->s, "n1", 250, 1000, 10, &v, &n, &err), &err);
    assert_int_equal(n, 1);
    must(mu_store_timer_defer(f->s, v[0].id, 5000, "boom", &err), &err);
    mu_timers_free(v, n);
    must(mu_store_commit(f->s, &err), &err);
    must(mu_engine_next_due(f->s, &next, &err), &err);
    assert_int_equal(next, 300);
    must(mu_store_begin(f->s, &err), &err);
    must(mu_store_timer_claim(f->s, "n1", 4999, 1000, 10, &v, &n, &err), &err);
    assert_int_equal(n, 1); /* the deferred one waits until 5000 */
    assert_string_equal(v[0].payload, "c");
    mu_timers_free(v, n);
    must(mu_store_timer_claim(f->s, "n1", 5000, 1000, 10, &v, &n, &err), &err);
    assert_int_equal(n, 1); /* "c" is claimed by us until 5999 in this transaction */
    assert_string_equal(v[0].kind, "test.y");
    mu_timers_free(v, n);
    mu_store_rollback(f->s);
    must(mu_store_begin(f->s, &err), &err);
    must(mu_store_timer_claim(f->s, "n1", 5000, 1000, 10, &v, &n, &err), &err);
    assert_int_equal(n, 2);
    assert_string_equal(v[1].kind, "test.y");
    assert_int_equal(v[1].attempts, 1);
    assert_string_equal(v[1].last_error, "boom");
    mu_timers_free(v, n);
    mu_store_rollback(f->s);
}

/* The effect of a test timer: an audit entry on "timer:ID". */
static enum mu_err count_effect(void *ctx, struct mu_store *s, const struct mu_actor *actor,
                                const struct mu_timer *t, int64_t now, struct mu_error *err)
{
    (void)ctx;
    (void)now;
    char object[48];
    if (strcmp(t->kind, "test.fail") == 0)
        return mu_error_set(err, MU_EINVAL, "this timer always fails");
    snprintf(object, sizeof(object), "timer:%" PRId64, t->id);
    return mu_store_audit_append(s, actor, "test.fired", object, t->payload, err);
}

static int64_t fixed_clock_now(void *ctx)
{
    return *(const int64_t *)ctx;
}

static void test_timer_engine_run(void **state)
{
    struct fixture *f = *state;
    struct mu_error err = {0};
    int64_t now = 10000, count = 0;
    struct mu_clock clock = {fixed_clock_now, &now};
    struct mu_engine_opts o = {.node = "n1", .batch = 3, .handler = count_effect};
    struct mu_engine_result r;
    for (int i = 0; i < 7; i++)
        must(mu_store_timer_arm(f->s, 1000 * i, "test.ok", "r", "", NULL, &err), &err);
    must(mu_store_timer_arm(f->s, 500, "test.fail", "r", "", NULL, &err), &err);
    must(mu_store_timer_arm(f->s, 20000, "test.ok", "r", "later", NULL, &err), &err);
    must(mu_engine_run_due_ex(f->s, &clock, &o, 0, &r, &err), &err);
    assert_int_equal(r.fired, 7);
    assert_int_equal(r.deferred, 1);
    assert_int_equal(r.max_late_ms, 10000);
    assert_int_equal(r.batches, 3);
    must(mu_store_timer_count(f->s, NULL, NULL, &count, &err), &err);
    assert_int_equal(count, 2); /* the failed one, deferred, and the later one */
    must(mu_engine_run_due_ex(f->s, &clock, &o, 0, &r, &err), &err);
    assert_int_equal(r.fired + r.deferred, 0);
    now = 70000; /* the failed one is due again after a minute */
    must(mu_engine_run_due_ex(f->s, &clock, &o, 1, &r, &err), &err);
    assert_int_equal(r.fired, 1); /* at most 1: the later one, due first */
    assert_int_equal(r.deferred, 0);
    must(mu_engine_run_due_ex(f->s, &clock, &o, 0, &r, &err), &err);
    assert_int_equal(r.fired, 0);
    assert_int_equal(r.deferred, 1);
    struct mu_audit_verify v;
    must(mu_store_audit_verify(f->s, &v, &err), &err);
    assert_int_equal(v.entries, 8);
    /* A timer of a kind nobody knows is deferred, not lost. */
    must(mu_store_timer_arm(f->s, 100, "nobody.knows", "r", "", NULL, &err), &err);
    must(mu_engine_run_due(f->s, &clock, 0, &r, &err), &err);
    must(mu_store_timer_count(f->s, "nobody.knows", NULL, &count, &err), &err);
    assert_int_equal(count, 1);
}

static void test_timer_concurrent_claimers(void **state)
{
    struct fixture *f = *state;
    struct mu_error err = {0};
    enum { ENGINES = 4, TIMERS = 120 };
    pid_t pids[ENGINES];
    for (int i = 0; i < TIMERS; i++)
        must(mu_store_timer_arm(f->s, i, "test.ok", "r", "", NULL, &err), &err);
    if (is_pg) {
        /* Two open claims at once take disjoint timers (SKIP LOCKED). */
        struct mu_store *s2 = NULL;
        struct mu_timer *a = NULL, *b = NULL;
        size_t na = 0, nb = 0;
        must(mu_store_open(f->db.dsn, &s2, &err), &err);
        must(mu_store_begin(f->s, &err), &err);
        must(mu_store_begin(s2, &err), &err);
        must(mu_store_timer_claim(f->s, "a", 1000000, 1000, 10, &a, &na, &err), &err);
        must(mu_store_timer_claim(s2, "b", 1000000, 1000, 10, &b, &nb, &err), &err);
        assert_int_equal(na, 10);
        assert_int_equal(nb, 10);
        for (size_t i = 0; i < na; i++)
            for (size_t k = 0; k < nb; k++)
                assert_int_not_equal(a[i].id, b[k].id);
        mu_timers_free(a, na);
        mu_timers_free(b, nb);
        mu_store_rollback(s2);
        mu_store_rollback(f->s);
        mu_store_close(s2);
    }
    mu_store_close(f->s);
    f->s = NULL;
    for (int w = 0; w < ENGINES; w++) {
        pids[w] = fork();
        assert_true(pids[w] >= 0);
        if (pids[w] == 0) {
            struct mu_store *s = NULL;
            struct mu_error e = {0};
            int64_t now = 1000000;
            struct mu_clock clock = {fixed_clock_now, &now};
            char node[16];
            snprintf(node, sizeof(node), "engine%d", w);
            struct mu_engine_opts o = {.node = node, .batch = 2, .handler = count_effect};
            int code = mu_store_open(f->db.dsn, &s, &e) ||
                       mu_engine_run_due_ex(s, &clock, &o, 0, NULL, &e);
            if (code)
                fprintf(stderr, "engine %d: %s\n", w, e.msg);
            mu_store_close(s);
            _exit(code);
        }
    }
    for (int w = 0; w < ENGINES; w++) {
        int status = 0;
        assert_int_equal(waitpid(pids[w], &status, 0), pids[w]);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
    }
    must(mu_store_open(f->db.dsn, &f->s, &err), &err);
    int64_t left = -1, fired = 0, distinct = 0;
    int found = 0;
    must(mu_store_timer_count(f->s, NULL, NULL, &left, &err), &err);
    assert_int_equal(left, 0);
    struct mu_db *db = mu_store_db(f->s);
    must(mu_db_query_int(db, "SELECT COUNT(*) FROM audit WHERE action = 'test.fired'", NULL, 0,
                         &fired, &found, &err),
         &err);
    must(mu_db_query_int(db,
                         "SELECT COUNT(DISTINCT object) FROM audit WHERE action = 'test.fired'",
                         NULL, 0, &distinct, &found, &err),
         &err);
    assert_int_equal(fired, TIMERS); /* none lost */
    assert_int_equal(distinct, TIMERS); /* none twice */
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
#define T_EMPTY(fn) cmocka_unit_test_setup_teardown(fn, setup_empty, teardown)

/* ---- attachments of cases and hazards (include/muster/attachment.h) ---- */

#include <muster/attachment.h>

static void test_attachments(void **state)
{
    struct fixture *f = *state;
    struct mu_error err = {0};
    struct mu_actor a = {.name = "clerk", .now_ms = 1772000000000LL};
    const char *h1 = "0000000000000000000000000000000000000000000000000000000000000001";
    int64_t id1 = 0, id2 = 0, id3 = 0;
    int64_t before = reg_audit_count(f->s);
    must(mu_store_attachment_add(f->s, &a, "hazard:1", "a.jpg", "image/jpeg", 3, h1, "/9j/",
                                 &id1, &err),
         &err);
    must(mu_store_attachment_add(f->s, &a, "case:1", "b.pdf", "application/pdf", 5, h1,
                                 "k:SEALED", &id2, &err),
         &err);
    must(mu_store_attachment_add(f->s, &a, "hazard:1", "c.png", "image/png", 4, h1, "iVBO",
                                 &id3, &err),
         &err);
    assert_true(id1 < id2 && id2 < id3);
    assert_int_equal(reg_audit_count(f->s), before + 3);

    /* the audit entry names the ref, name, type and size, never the content */
    struct mu_audit_entry *e = NULL;
    size_t ne = 0;
    must(mu_store_audit_tail(f->s, 1, &e, &ne, &err), &err);
    assert_int_equal(ne, 1);
    assert_string_equal(e[0].action, "attachment.add");
    assert_string_equal(e[0].object, "hazard:1");
    assert_non_null(strstr(e[0].summary, "'c.png', image/png, 4 bytes"));
    assert_null(strstr(e[0].summary, "iVBO"));
    mu_audit_entries_free(e, ne);

    /* bad input: nothing stored, nothing audited */
    assert_int_equal(mu_store_attachment_add(f->s, &a, "", "x", "image/png", 1, h1, "x", NULL,
                                             &err),
                     MU_EINVAL);
    assert_string_equal(err.field, "ref");
    assert_int_equal(mu_store_attachment_add(f->s, &a, "case:1", "", "image/png", 1, h1, "x",
                                             NULL, &err),
                     MU_EINVAL);
    assert_string_equal(err.field, "name");
    assert_int_equal(mu_store_attachment_add(f->s, &a, "case:1", "x", "image/png", 1, "abc", "x",
                                             NULL, &err),
                     MU_EINVAL);
    assert_int_equal(mu_store_attachment_add(f->s, &a, "case:1", "x", "image/png",
                                             (int64_t)MU_ATTACHMENT_MAX + 1, h1, "x", NULL, &err),
                     MU_ELIMIT);
    assert_int_equal(reg_audit_count(f->s), before + 3);

    /* list by ref, without content, oldest first */
    struct mu_attachment *v = NULL;
    size_t n = 0;
    must(mu_store_attachment_list(f->s, "hazard:1", &v, &n, &err), &err);
    assert_int_equal(n, 2);
    assert_int_equal(v[0].id, id1);
    assert_string_equal(v[0].name, "a.jpg");
    assert_string_equal(v[0].type, "image/jpeg");
    assert_int_equal(v[0].size, 3);
    assert_string_equal(v[0].sha256, h1);
    assert_int_equal(v[0].created_at, a.now_ms);
    assert_string_equal(v[0].created_by, "clerk");
    assert_string_equal(v[1].name, "c.png");
    mu_attachments_free(v, n);
    must(mu_store_attachment_list(f->s, "hazard:2", &v, &n, &err), &err);
    assert_int_equal(n, 0);
    mu_attachments_free(v, n);

    /* get: only under its own ref */
    struct mu_attachment m;
    char *data = NULL;
    must(mu_store_attachment_get(f->s, "case:1", id2, &m, &data, &err), &err);
    assert_string_equal(data, "k:SEALED");
    assert_string_equal(m.ref, "case:1");
    mu_attachment_release(&m);
    mu_free(data);
    assert_int_equal(mu_store_attachment_get(f->s, "hazard:1", id2, &m, &data, &err),
                     MU_ENOTFOUND);
    assert_null(data);
    assert_int_equal(mu_store_attachment_get(f->s, "case:1", 9999, &m, NULL, &err), MU_ENOTFOUND);

    /* key rotation support: ids by prefix, replace the text, get by id alone */
    int64_t *ids = NULL;
    must(mu_store_attachment_ids(f->s, "case:", &ids, &n, &err), &err);
    assert_int_equal(n, 1);
    assert_int_equal(ids[0], id2);
    mu_free(ids);
    must(mu_store_attachment_ids(f->s, "ca_e:", &ids, &n, &err), &err);
    assert_int_equal(n, 0); /* the prefix is data, not a pattern */
    mu_free(ids);
    must(mu_store_attachment_set_data(f->s, id2, "k2:RESEALED", &err), &err);
    must(mu_store_attachment_get(f->s, NULL, id2, &m, &data, &err), &err);
    assert_string_equal(data, "k2:RESEALED");
    mu_attachment_release(&m);
    mu_free(data);
    assert_int_equal(mu_store_attachment_set_data(f->s, 9999, "x", &err), MU_ENOTFOUND);
    must(mu_store_audit_verify(f->s, NULL, &err), &err);
}

/* ---- acknowledgement tokens (store_ack.c; muster/ack.h) ---- */

#include <muster/ack.h>

static void test_ack_tokens(void **state)
{
    struct fixture *f = *state;
    struct mu_error err = {0};
    struct mu_actor a = actor_at("engine", 10000);
    int64_t inc = new_incident(f->s, "3号楼"), tid = 0;
    char hash[MU_AUTH_HASH_HEX + 1];
    mu_secret_hash(MU_SECRET_TOKEN, "some-ack-token", 14, hash);

    /* Bad input: nothing stored, nothing audited. */
    int64_t audits = reg_audit_count(f->s);
    assert_int_equal(mu_store_ack_token_create(f->s, &a, inc, "li", "abc", 20000, &tid, &err),
                     MU_EINVAL);
    assert_int_equal(mu_store_ack_token_create(f->s, &a, inc, "", hash, 20000, &tid, &err),
                     MU_EINVAL);
    assert_int_equal(mu_store_ack_token_create(f->s, &a, inc, "li", hash, 10000, &tid, &err),
                     MU_EINVAL);
    assert_int_equal(mu_store_ack_token_create(f->s, &a, 999, "li", hash, 20000, &tid, &err),
                     MU_ENOTFOUND);
    assert_int_equal(reg_audit_count(f->s), audits);

    must(mu_store_ack_token_create(f->s, &a, inc, "li", hash, 20000, &tid, &err), &err);
    assert_true(tid > 0);
    assert_int_equal(reg_audit_count(f->s), audits + 1);
    /* The audit entry names the incident and the person, never the hash. */
    struct mu_db_rows *r = NULL;
    int has = 0;
    must(mu_db_query_row(mu_store_db(f->s),
                         "SELECT action, object, summary FROM audit ORDER BY seq DESC LIMIT 1",
                         NULL, 0, &r, &has, &err),
         &err);
    assert_true(has);
    assert_string_equal(mu_db_text(r, 0), "ack_token.create");
    char obj[40];
    snprintf(obj, sizeof(obj), "incident:%" PRId64, inc);
    assert_string_equal(mu_db_text(r, 1), obj);
    assert_non_null(strstr(mu_db_text(r, 2), " for li, expires "));
    assert_null(strstr(mu_db_text(r, 2), hash));
    mu_db_finish(r);
    /* The same hash twice is refused (UNIQUE), and nothing is audited. */
    assert_int_not_equal(mu_store_ack_token_create(f->s, &a, inc, "wang", hash, 20000, NULL, &err),
                         MU_OK);
    assert_int_equal(reg_audit_count(f->s), audits + 1);

    struct mu_ack_token t = {0};
    int found = 0, marked = 0;
    must(mu_store_ack_token_find(f->s, hash, &found, &t, &err), &err);
    assert_true(found);
    assert_int_equal(t.id, tid);
    assert_int_equal(t.incident_id, inc);
    assert_string_equal(t.person, "li");
    assert_int_equal(t.created_at, 10000);
    assert_int_equal(t.expires_at, 20000);
    assert_int_equal(t.used_at, 0);
    mu_ack_token_release(&t);
    char other[MU_AUTH_HASH_HEX + 1];
    mu_secret_hash(MU_SECRET_TOKEN, "another", 7, other);
    must(mu_store_ack_token_find(f->s, other, &found, &t, &err), &err);
    assert_false(found);
    must(mu_store_ack_token_find(f->s, "not-a-hash", &found, &t, &err), &err);
    assert_false(found);

    /* Single use: the first mark wins, the second changes nothing. */
    must(mu_store_ack_token_use(f->s, tid, 15000, &marked, &err), &err);
    assert_true(marked);
    must(mu_store_ack_token_use(f->s, tid, 16000, &marked, &err), &err);
    assert_false(marked);
    must(mu_store_ack_token_use(f->s, 999999, 16000, &marked, &err), &err);
    assert_false(marked);
    must(mu_store_ack_token_find(f->s, hash, &found, &t, &err), &err);
    assert_int_equal(t.used_at, 15000);
    mu_ack_token_release(&t);
    /* Marking is audited by the acknowledgement, not by itself. */
    assert_int_equal(reg_audit_count(f->s), audits + 1);

    /* Inside a transaction that is rolled back, a mark is undone too. */
    char h2[MU_AUTH_HASH_HEX + 1];
    int64_t tid2 = 0;
    mu_secret_hash(MU_SECRET_TOKEN, "second", 6, h2);
    must(mu_store_ack_token_create(f->s, &a, inc, "wang", h2, 20000, &tid2, &err), &err);
    must(mu_store_begin(f->s, &err), &err);
    must(mu_store_ack_token_use(f->s, tid2, 15000, &marked, &err), &err);
    assert_true(marked);
    mu_store_rollback(f->s);
    must(mu_store_ack_token_find(f->s, h2, &found, &t, &err), &err);
    assert_int_equal(t.used_at, 0);
    mu_ack_token_release(&t);
}

int main(void)
{
    const char *engine = getenv("MUSTER_TEST_ENGINE");
    if (!engine || !*engine)
        engine = "sqlite";
    if (strcmp(engine, "postgres") == 0) {
        struct mu_error err = {0};
        is_pg = 1;
        pg_dsn = getenv("MUSTER_TEST_PG_DSN");
        if (!pg_dsn || !*pg_dsn) {
            fprintf(stderr, "store conformance: MUSTER_TEST_PG_DSN is not set; run the "
                            "PostgreSQL suite through tests/with-pg.sh (make test does)\n");
            return 1;
        }
        if (mu_db_open(pg_dsn, &pg_admin, &err)) {
            fprintf(stderr, "store conformance: %s\n", err.msg);
            return 1;
        }
    } else if (strcmp(engine, "sqlite") != 0) {
        fprintf(stderr, "store conformance: unknown MUSTER_TEST_ENGINE '%s'\n", engine);
        return 1;
    }
    const struct CMUnitTest tests[] = {
        T(test_open_engine_and_version),
        T(test_migrate_is_idempotent),
        T_EMPTY(test_migrate_from_zero_reports_versions),
        T(test_sqlite_pragmas),
        cmocka_unit_test(test_bad_dsn),
        cmocka_unit_test(test_migration_lists_in_step),
        T(test_engines_reach_same_columns),
        T(test_newer_schema_is_refused),
        T_EMPTY(test_failed_first_migration_leaves_nothing),
        T_EMPTY(test_failed_migration_keeps_earlier_ones),
        T(test_transactions),
        T(test_plan_versions),
        T(test_plan_bad_input),
        T(test_settings),
        T(test_audit_intact_and_tail),
        T(test_audit_altered),
        T(test_audit_altered_time),
        T(test_audit_removed_middle),
        T(test_audit_removed_first),
        T(test_audit_removed_last),
        T(test_audit_reordered),
        T(test_audit_reordered_by_seq),
        T(test_audit_forged_last_entry),
        T(test_audit_inserted_beyond_head),
        T(test_audit_concurrent_appenders),
        T(test_account_users),
        T(test_account_sessions),
        T(test_account_throttle),
        T(test_account_tokens),
        T(test_account_token_cache),
        T(test_checkin_submit_scan),
        T(test_checkin_batch_all_or_nothing),
        T(test_checkin_summaries_and_reminders),
        T(test_checkin_app_reporter_limits),
        T(test_roster_shifts_publish_replace),
        T(test_roster_override_and_swaps),
        T(test_roster_unavailable_and_feeds),
        T(test_notices),
        T(test_outbox_lifecycle),
        T(test_outbox_rate_limits),
        T(test_outbox_concurrent_claimers),
        T(test_cases),
        T(test_registers_hazards),
        T(test_registers_drills),
        T(test_registers_resources_contacts),
        T(test_incident_rows),
        T(test_incident_deadlines_acks),
        T(test_timer_claims),
        T(test_timer_engine_run),
        T(test_timer_concurrent_claimers),
        T(test_attachments),
        T(test_ack_tokens),
    };
    char group[64];
    snprintf(group, sizeof(group), "store/%s", engine);
    int failed = cmocka_run_group_tests_name(group, tests, NULL, NULL);
    mu_db_close(pg_admin);
    return failed;
}
