/* SPDX-License-Identifier: MIT */
/*
 * Case benchmark on a temporary SQLite file with 100,000 open cases
 * (received over a year, a tenth accepted; about one in a hundred is due
 * within the window). Prints, each beside a raw SQLite baseline
 * measured in the same run on a copy of the same table:
 *
 *   case_due_list      ms for the due list (open cases due within 3 days,
 *                      overdue included) through mu_store_case_list(), rows
 *                      copied into structs, vs a raw sqlite3 SELECT of the
 *                      same columns with the same WHERE and ORDER BY;
 *   case_recompute     s to recompute every open case's deadlines after a
 *                      calendar change (a calendar without holidays replaced
 *                      by the real one) through mu_app_case_recompute(): read
 *                      all, compute, write the changed rows and re-make their
 *                      reminders, one transaction, vs a raw sqlite3 loop that
 *                      reads the same rows and UPDATEs the same deadlines
 *                      (computed by the same pure code) in one transaction.
 *
 * usage: bench_case [CASES]   (default 100000)
 */
#include <muster/calendar.h>
#include <muster/case.h>
#include <muster/date.h>
#include <muster/mem.h>
#include <muster/store.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define DUE_RUNS 7

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, const char *msg)
{
    fprintf(stderr, "bench_case: %s: %s\n", what, msg);
    exit(1);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void raw_exec(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
        die(sql, msg ? msg : "?");
}

/* Fill the store with @p n open cases: one transaction, no reminders. */
static void populate(struct mu_store *s, const struct mu_calendar *cal, long n, int32_t base)
{
    struct mu_error err = {0};
    struct mu_actor a = {.name = "bench", .now_ms = 1750000000000};
    struct mu_case_limits lim;
    mu_case_limits_default(&lim);
    if (mu_store_begin(s, &err))
        die("begin", err.msg);
    for (long i = 0; i < n; i++) {
        struct mu_case c;
        memset(&c, 0, sizeof(c));
        mu_case_flow_init(&c.flow, base + (int32_t)(i % 365));
        unsigned long u = (unsigned long)i;
        snprintf(c.tracking_code, sizeof(c.tracking_code), "B%03u-%04u-%04u",
                 (unsigned)(u / 100000000 % 1000), (unsigned)(u / 10000 % 10000),
                 (unsigned)(u % 10000));
        c.channel = "letter";
        c.subject = "bench case";
        if (mu_case_deadlines_compute(&c.flow, &lim, cal, &c.dl, &err))
            die("deadlines", err.msg);
        int64_t id = 0;
        if (mu_store_case_insert(s, &a, &c, NULL, 0, &id, &err))
            die("insert", err.msg);
        if (i % 10 == 0) {
            /* a tenth is accepted: their due day is the handling limit */
            c.id = id;
            c.flow.state = MU_CASE_ACCEPTED;
            c.flow.decided = c.flow.received + 3;
            if (mu_case_deadlines_compute(&c.flow, &lim, cal, &c.dl, &err) ||
                mu_store_case_update(s, &a, &c, NULL, 0, NULL, "case.accept", "bench", &err))
                die("update", err.msg);
        }
    }
    if (mu_store_commit(s, &err))
        die("commit", err.msg);
}

static double raw_due(sqlite3 *db, int32_t until, long *rows)
{
    sqlite3_stmt *st = NULL;
    const char *sql = "SELECT id, matter_id, tracking_code, channel, subject, description, "
                      "category, place, units, handling, leader, outcome, state, received_on, "
                      "decided_on, extended_on, extend_days, replied_on, review_level, "
                      "review_requested_on, review_replied_on, closed_on, accept_due, "
                      "handle_due, review_request_due, review_due, due_on, due_kind, rating, "
                      "purged_at, created_at, created_by, updated_at FROM cases WHERE 1 = 1 "
                      "AND due_on IS NOT NULL AND due_on <= ?1 ORDER BY due_on, id";
    double t0 = now_s();
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        die("prepare", sqlite3_errmsg(db));
    sqlite3_bind_int64(st, 1, until);
    long n = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        /* touch every column, as the store copies them */
        for (int i = 0; i < 33; i++)
            (void)sqlite3_column_text(st, i);
        n++;
    }
    sqlite3_finalize(st);
    *rows = n;
    return now_s() - t0;
}

/* The raw recompute: read the open rows, compute, UPDATE the changed ones. */
static double raw_recompute(sqlite3 *db, const struct mu_calendar *cal, long *changed)
{
    struct mu_case_limits lim;
    mu_case_limits_default(&lim);
    sqlite3_stmt *sel = NULL, *upd = NULL;
    double t0 = now_s();
    raw_exec(db, "BEGIN IMMEDIATE");
    if (sqlite3_prepare_v2(db,
                           "SELECT id, state, received_on, decided_on, accept_due, handle_due, "
                           "due_on FROM cases WHERE state NOT IN ('closed', 'rejected', "
                           "'rereviewed') ORDER BY id",
                           -1, &sel, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db,
                           "UPDATE cases SET accept_due = ?2, handle_due = ?3, due_on = ?4 "
                           "WHERE id = ?1",
                           -1, &upd, NULL) != SQLITE_OK)
        die("prepare", sqlite3_errmsg(db));
    long n = 0;
    while (sqlite3_step(sel) == SQLITE_ROW) {
        struct mu_case_flow f;
        struct mu_case_deadlines d;
        mu_case_flow_init(&f, (int32_t)sqlite3_column_int64(sel, 2));
        if (strcmp((const char *)sqlite3_column_text(sel, 1), "accepted") == 0) {
            f.state = MU_CASE_ACCEPTED;
            f.decided = (int32_t)sqlite3_column_int64(sel, 3);
        }
        if (mu_case_deadlines_compute(&f, &lim, cal, &d, NULL))
            die("compute", "raw");
        if (d.due == sqlite3_column_int64(sel, 6) && d.accept == sqlite3_column_int64(sel, 4))
            continue;
        sqlite3_bind_int64(upd, 1, sqlite3_column_int64(sel, 0));
        sqlite3_bind_int64(upd, 2, d.accept);
        if (d.handle == MU_CASE_NO_DAY)
            sqlite3_bind_null(upd, 3);
        else
            sqlite3_bind_int64(upd, 3, d.handle);
        sqlite3_bind_int64(upd, 4, d.due);
        if (sqlite3_step(upd) != SQLITE_DONE)
            die("update", sqlite3_errmsg(db));
        sqlite3_reset(upd);
        n++;
    }
    sqlite3_finalize(sel);
    sqlite3_finalize(upd);
    raw_exec(db, "COMMIT");
    *changed = n;
    return now_s() - t0;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? strtol(argv[1], NULL, 10) : 100000;
    if (n < 100)
        n = 100;
    const char *dd = getenv("MUSTER_DATADIR");
    char caldir[4096], dir[] = "/tmp/muster-bench-case-XXXXXX", dbpath[256], rawpath[256];
    snprintf(caldir, sizeof(caldir), "%s/calendars", dd && *dd ? dd : "data");
    struct mu_error err = {0};
    struct mu_calendar *real = NULL, *plain = mu_calendar_new();
    if (!plain || mu_calendar_load_dir(caldir, &real, &err))
        die("calendar", err.msg[0] ? err.msg : "out of memory");
    if (!mkdtemp(dir))
        die("mkdtemp", "failed");
    snprintf(dbpath, sizeof(dbpath), "%s/muster.db", dir);
    snprintf(rawpath, sizeof(rawpath), "%s/raw.db", dir);

    struct mu_store *s = NULL;
    if (mu_store_open(dbpath, &s, &err))
        die("open", err.msg);
    int32_t base = mu_date_from_ymd(2025, 6, 1);
    double t0 = now_s();
    populate(s, plain, n, base); /* deadlines as if there were no holidays */
    fprintf(stderr, "bench_case: %ld cases stored in %.1f s\n", n, now_s() - t0);

    /* The raw baseline works on a copy of the same table, in its own file. */
    sqlite3 *raw = NULL;
    if (sqlite3_open(rawpath, &raw) != SQLITE_OK)
        die("raw open", sqlite3_errmsg(raw));
    raw_exec(raw, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL");
    char attach[400];
    snprintf(attach, sizeof(attach), "ATTACH DATABASE '%s' AS m", dbpath);
    raw_exec(raw, attach);
    {
        /* the same table definition (INTEGER PRIMARY KEY id) and the same rows */
        sqlite3_stmt *st = NULL;
        if (sqlite3_prepare_v2(raw, "SELECT sql FROM m.sqlite_master WHERE name = 'cases'", -1, &st,
                               NULL) != SQLITE_OK ||
            sqlite3_step(st) != SQLITE_ROW)
            die("raw schema", sqlite3_errmsg(raw));
        raw_exec(raw, (const char *)sqlite3_column_text(st, 0));
        sqlite3_finalize(st);
    }
    raw_exec(raw, "INSERT INTO cases SELECT * FROM m.cases");
    raw_exec(raw, "CREATE INDEX cases_due ON cases (due_on) WHERE due_on IS NOT NULL");
    raw_exec(raw, "DETACH DATABASE m");

    /* ---- the due list: about one case in a hundred is due within 3 days */
    int32_t today = base + 15, until = today + 3;
    double mt[DUE_RUNS], rt[DUE_RUNS];
    long rows = 0, raw_rows = 0;
    for (int r = 0; r < DUE_RUNS; r++) {
        struct mu_case_filter f = {.has_due = 1, .due_until = until};
        struct mu_case *v = NULL;
        size_t cnt = 0;
        double a = now_s();
        if (mu_store_case_list(s, &f, &v, &cnt, &err))
            die("due list", err.msg);
        mt[r] = now_s() - a;
        rows = (long)cnt;
        mu_cases_free(v, cnt);
        rt[r] = raw_due(raw, until, &raw_rows);
    }
    if (rows != raw_rows)
        die("due list", "muster and raw disagree on the rows");
    qsort(mt, DUE_RUNS, sizeof(double), cmp_double);
    qsort(rt, DUE_RUNS, sizeof(double), cmp_double);
    double m_due = mt[DUE_RUNS / 2], r_due = rt[DUE_RUNS / 2];

    /* ---- recompute after the calendar change */
    struct mu_actor a = {.name = "bench", .now_ms = 1760000000000};
    size_t changed = 0;
    long raw_changed = 0;
    double ta = now_s();
    if (mu_app_case_recompute(s, &a, real, &changed, &err))
        die("recompute", err.msg);
    double m_rec = now_s() - ta;
    double r_rec = raw_recompute(raw, real, &raw_changed);
    if ((long)changed != raw_changed)
        fprintf(stderr, "bench_case: recompute changed %zu cases, raw %ld\n", changed, raw_changed);

    printf("bench: case_due_list_%ld: %.2f ms, %ld rows (ratio %.2f vs raw_sqlite_select)\n", n,
           m_due * 1e3, rows, m_due / r_due);
    printf("bench: case_due_list_%ld_raw_select: %.2f ms\n", n, r_due * 1e3);
    printf("bench: case_recompute_%ld: %.2f s, %zu changed (ratio %.2f vs raw_sqlite_update)\n", n,
           m_rec, changed, m_rec / r_rec);
    printf("bench: case_recompute_%ld_raw_update: %.2f s\n", n, r_rec);

    sqlite3_close(raw);
    mu_store_close(s);
    mu_calendar_free(real);
    mu_calendar_free(plain);
    const char *suffix[] = {"", "-wal", "-shm"};
    for (int i = 0; i < 3; i++) {
        char p[300];
        snprintf(p, sizeof(p), "%s%s", dbpath, suffix[i]);
        unlink(p);
        snprintf(p, sizeof(p), "%s%s", rawpath, suffix[i]);
        unlink(p);
    }
    rmdir(dir);
    return 0;
}
