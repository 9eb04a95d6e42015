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

#include <muster/mem.h>
#include <muster/store.h>

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

/* ---------------------------------------------------------------- main */

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
#define T_EMPTY(fn) cmocka_unit_test_setup_teardown(fn, setup_empty, teardown)

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
    };
    char group[64];
    snprintf(group, sizeof(group), "store/%s", engine);
    int failed = cmocka_run_group_tests_name(group, tests, NULL, NULL);
    mu_db_close(pg_admin);
    return failed;
}
