/* SPDX-License-Identifier: MIT */
/*
 * Check-in benchmark on a temporary SQLite file. A province day: a plan
 * with 25,000 reporting units (and a township day, 1,000), four due times.
 * Prints, each beside a raw SQLite baseline measured in the same run:
 *
 *   checkin_submit_store    submissions/s through mu_store_checkin_submit(),
 *                           one transaction (one commit) each, audit entry
 *                           included, vs raw single-row INSERT commits;
 *   checkin_submit_batched  submissions/s through
 *                           mu_store_checkin_submit_many() in groups of 64
 *                           (what grouping 64 concurrent API clients into
 *                           shared commits gives), vs the same baseline;
 *   checkin_board_N         ms to build the board of one day (N units x 4
 *                           slots: read every submission from the store and
 *                           pick the one that counts per cell, statuses and
 *                           totals) vs a raw sqlite3 SELECT of the same rows.
 *
 * The HTTP path (64 concurrent clients through the API, p99) comes with
 * the API route. Both sides use the store's settings: WAL,
 * synchronous=FULL (every acknowledged commit durable). The plan is parsed
 * and the schedule resolved once before timing, as a server keeps them.
 *
 * usage: bench_checkin [UNITS]   (default 25000; the township size 1000 is
 * also measured for the board)
 */
#include <muster/checkin.h>
#include <muster/date.h>
#include <muster/mem.h>
#include <muster/store.h>

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/buf.h"

#define SLOTS 4
#define SINGLE_N 300   /* single-commit submissions timed */
#define BATCH 64       /* submissions per shared commit */
#define BOARD_RUNS 7   /* board builds timed; the median is printed */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, const char *msg)
{
    fprintf(stderr, "bench_checkin: %s: %s\n", what, msg);
    exit(1);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof(*v), cmp_double);
    return v[n / 2];
}

/* A plan with @p n leaf units under one root; check-in "daily" for all of them. */
static char *make_plan(size_t n, const char *id)
{
    struct mu_buf b;
    mu_buf_init(&b, MU_PLAN_MAX_BYTES);
    enum mu_err rc = mu_buf_printf(&b,
                                   "---\nmuster: 1\nid: %s\ntitle: bench\norg: {name: bench}\n"
                                   "units:\n  - id: root\n    name: root\n    children:\n",
                                   id);
    for (size_t i = 0; rc == MU_OK && i < n; i++)
        rc = mu_buf_printf(&b, "      - {id: u%zu, name: U%zu}\n", i, i);
    if (rc == MU_OK)
        rc = mu_buf_adds(&b, "people:\n  - {id: p, name: P}\nteams:\n"
                             "  - {id: t, name: T, leader: p}\ncheckins:\n"
                             "  - id: daily\n    name: daily\n    units: all\n"
                             "    times: [\"08:00\", \"12:00\", \"16:00\", \"20:00\"]\n"
                             "    grace: 10m\n"
                             "    fields:\n      - {key: n, label: N, type: count}\n---\n");
    if (rc)
        die("plan", "too large");
    return mu_buf_detach(&b);
}

struct fill {
    struct mu_checkin_record *recs;
    char (*units)[24];
    size_t n;
};

/* Every unit reports for every slot of @p day, a few late, a few nil. */
static void fill_make(struct fill *f, const char *plan_id, size_t nunits, int32_t day)
{
    f->n = nunits * SLOTS;
    f->recs = calloc(f->n, sizeof(*f->recs));
    f->units = calloc(nunits, sizeof(*f->units));
    if (!f->recs || !f->units)
        die("fill", "out of memory");
    for (size_t u = 0; u < nunits; u++)
        snprintf(f->units[u], sizeof(f->units[u]), "u%u", (unsigned)u);
    for (size_t i = 0; i < f->n; i++) {
        size_t u = i / SLOTS, k = i % SLOTS;
        int64_t due = mu_local_ms(day, 8 * 60 + 240 * (int)k);
        int late = i % 17 == 0;
        f->recs[i] = (struct mu_checkin_record){
            .plan_id = plan_id,
            .checkin_id = "daily",
            .plan_version = 1,
            .unit = f->units[u],
            .slot_at = due,
            .submitted_at = due + (late ? 3600000 : -60000),
            .late = late,
            .nil = i % 3 == 0,
            .fields_json = i % 3 == 0 ? "{}" : "{\"n\":1}",
            .submitted_by = "p",
        };
    }
}

/* ---- raw SQLite baselines ---- */

static sqlite3 *raw_open(const char *path)
{
    sqlite3 *db = NULL;
    if (sqlite3_open(path, &db) != SQLITE_OK)
        die("raw open", sqlite3_errmsg(db));
    sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
                     "PRAGMA busy_timeout=5000",
                 NULL, NULL, NULL);
    return db;
}

/* Raw single-row commits into a table shaped like checkin_submissions. */
static double raw_single_rate(const char *path, int n)
{
    sqlite3 *db = raw_open(path);
    sqlite3_stmt *st = NULL;
    char *msg = NULL;
    if (sqlite3_exec(db,
                     "CREATE TABLE raw_rows (id INTEGER PRIMARY KEY, plan_id TEXT, checkin_id "
                     "TEXT, unit TEXT, slot_at INTEGER, submitted_at INTEGER, late INTEGER, nil "
                     "INTEGER, fields_json TEXT, submitted_by TEXT)",
                     NULL, NULL, &msg) != SQLITE_OK)
        die("raw create", msg);
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO raw_rows (plan_id, checkin_id, unit, slot_at, "
                           "submitted_at, late, nil, fields_json, submitted_by) "
                           "VALUES ('p', 'daily', ?1, ?2, ?3, 0, 0, '{\"n\":1}', 'p')",
                           -1, &st, NULL) != SQLITE_OK)
        die("raw prepare", sqlite3_errmsg(db));
    double t0 = now_s();
    for (int i = 0; i < n; i++) {
        char unit[16];
        snprintf(unit, sizeof(unit), "u%d", i);
        sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
        sqlite3_bind_text(st, 1, unit, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 2, i);
        sqlite3_bind_int64(st, 3, i);
        if (sqlite3_step(st) != SQLITE_DONE)
            die("raw insert", sqlite3_errmsg(db));
        sqlite3_reset(st);
        if (sqlite3_exec(db, "COMMIT", NULL, NULL, &msg) != SQLITE_OK)
            die("raw commit", msg);
    }
    double dt = now_s() - t0;
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n / dt;
}

/* Raw SELECT of the rows the board reads; returns seconds; *rows counted. */
static double raw_board_select(const char *path, const char *plan_id, int64_t from, int64_t to,
                               int64_t until, long *rows)
{
    sqlite3 *db = raw_open(path);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db,
                           "SELECT id, unit, slot_at, submitted_at, late, nil, plan_version "
                           "FROM checkin_submissions WHERE plan_id = ?1 AND checkin_id = "
                           "'daily' AND slot_at >= ?2 AND slot_at < ?3 AND submitted_at <= ?4",
                           -1, &st, NULL) != SQLITE_OK)
        die("raw prepare", sqlite3_errmsg(db));
    double t0 = now_s();
    sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
    sqlite3_bind_text(st, 1, plan_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, from);
    sqlite3_bind_int64(st, 3, to);
    sqlite3_bind_int64(st, 4, until);
    long n = 0;
    int64_t sink = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        sink += sqlite3_column_int64(st, 0) + sqlite3_column_int64(st, 2) +
                sqlite3_column_int64(st, 3) + sqlite3_column_int(st, 4) +
                sqlite3_column_int(st, 5) + sqlite3_column_int(st, 6);
        const unsigned char *u = sqlite3_column_text(st, 1);
        sink += u ? u[0] : 0;
        n++;
    }
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    double dt = now_s() - t0;
    sqlite3_finalize(st);
    sqlite3_close(db);
    *rows = n + (sink == -1); /* keep sink alive */
    return dt;
}

/* ---- the board through muster ---- */

struct board_ctx {
    struct mu_checkin_board *b;
    const struct mu_checkin_schedule *s;
};

static enum mu_err board_row(void *ctx, const struct mu_checkin_row *row, struct mu_error *err)
{
    struct board_ctx *c = ctx;
    (void)err;
    int u = mu_checkin_schedule_unit(c->s, row->unit);
    int k = mu_checkin_board_slot(c->b, row->slot_at);
    if (u >= 0 && k >= 0) {
        struct mu_checkin_sub sub = {row->id, row->submitted_at, row->late, row->nil};
        mu_checkin_board_add(c->b, (size_t)u, (size_t)k, &sub);
    }
    return MU_OK;
}

static double board_build(struct mu_store *s, const struct mu_checkin_schedule *sch,
                          const struct mu_calendar *cal, int32_t day, int64_t at,
                          size_t *on_time)
{
    struct mu_checkin_slot slots[MU_CHECKIN_MAX_SLOTS];
    struct mu_checkin_board b;
    struct mu_error err = {0};
    double t0 = now_s();
    size_t n = mu_checkin_slots(sch, cal, day, slots);
    if (mu_checkin_board_init(&b, sch->nunits, slots, n, &err))
        die("board", err.msg);
    struct board_ctx c = {&b, sch};
    if (mu_store_checkin_scan(s, sch->plan->id, sch->ci->id, slots[0].due_at,
                              slots[n - 1].due_at + 1, at, 0, board_row, &c, &err))
        die("scan", err.msg);
    mu_checkin_board_finish(&b, at);
    double dt = now_s() - t0;
    *on_time = b.count[MU_CHECKIN_ON_TIME];
    mu_checkin_board_release(&b);
    return dt;
}

int main(int argc, char **argv)
{
    size_t units = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 25000;
    if (units < 1 || units > 30000)
        die("usage", "bench_checkin [UNITS 1..30000]");
    char dir[] = "/tmp/muster-bench-checkin-XXXXXX";
    if (!mkdtemp(dir))
        die("mkdtemp", strerror(errno));
    char dbpath[128], rawpath[128];
    snprintf(dbpath, sizeof(dbpath), "%s/muster.db", dir);
    snprintf(rawpath, sizeof(rawpath), "%s/raw.db", dir);

    struct mu_error err = {0};
    struct mu_store *s = NULL;
    struct mu_calendar *cal = mu_calendar_new();
    if (!cal)
        die("calendar", "out of memory");
    if (mu_store_open(dbpath, &s, &err))
        die("open", err.msg);
    struct mu_actor actor = {.name = "bench", .now_ms = 1772409600000};
    const int32_t day = mu_date_from_ymd(2026, 3, 2);
    const int64_t at = mu_local_ms(day, 23 * 60);

    /* 1. Single-commit submissions vs raw single-row commits. */
    double raw_rate = raw_single_rate(rawpath, SINGLE_N);
    struct fill warm;
    fill_make(&warm, "single", SINGLE_N, day - 1);
    double t0 = now_s();
    for (size_t i = 0; i < SINGLE_N; i++)
        if (mu_store_checkin_submit(s, &actor, &warm.recs[i], NULL, &err))
            die("submit", err.msg);
    double single_rate = SINGLE_N / (now_s() - t0);
    free(warm.recs);
    free(warm.units);

    /* 2. The province day through the batched path (shared commits of BATCH). */
    const char *sizes_id[] = {"township", "province"};
    size_t sizes[] = {units < 1000 ? units : 1000, units};
    double batched_rate = 0;
    for (int z = 0; z < 2; z++) {
        struct fill f;
        fill_make(&f, sizes_id[z], sizes[z], day);
        t0 = now_s();
        for (size_t i = 0; i < f.n; i += BATCH) {
            size_t n = f.n - i < BATCH ? f.n - i : BATCH;
            if (mu_store_checkin_submit_many(s, &actor, &f.recs[i], n, NULL, &err))
                die("submit_many", err.msg);
        }
        if (z == 1)
            batched_rate = (double)f.n / (now_s() - t0);
        free(f.recs);
        free(f.units);
    }

    /* 3. Boards, timed against a raw SELECT of the same rows. */
    for (int z = 0; z < 2; z++) {
        char *src = make_plan(sizes[z], sizes_id[z]);
        struct mu_plan *plan = NULL;
        struct mu_checkin_schedule sch;
        if (mu_plan_parse(src, strlen(src), &plan, NULL, &err))
            die("parse", err.msg);
        if (mu_checkin_schedule_init(&sch, plan, "daily", &err))
            die("schedule", err.msg);
        struct mu_checkin_slot slots[MU_CHECKIN_MAX_SLOTS];
        size_t ns = mu_checkin_slots(&sch, cal, day, slots);
        double ours[BOARD_RUNS], raw[BOARD_RUNS];
        size_t on_time = 0;
        long rows = 0;
        for (int r = 0; r < BOARD_RUNS; r++) {
            ours[r] = board_build(s, &sch, cal, day, at, &on_time);
            raw[r] = raw_board_select(dbpath, sizes_id[z], slots[0].due_at,
                                      slots[ns - 1].due_at + 1, at, &rows);
        }
        if ((size_t)rows != sizes[z] * SLOTS || on_time == 0)
            die("board", "unexpected row count");
        double mo = median(ours, BOARD_RUNS), mr = median(raw, BOARD_RUNS);
        printf("bench: checkin_board_%zu: %.1f ms (ratio %.2f vs raw_sqlite_select)\n", sizes[z],
               mo * 1e3, mo / mr);
        printf("bench: checkin_board_%zu_raw_select: %.1f ms (%ld rows)\n", sizes[z], mr * 1e3,
               rows);
        mu_checkin_schedule_release(&sch);
        mu_plan_free(plan);
        mu_free(src);
    }

    printf("bench: checkin_submit_store: %.0f/s (ratio %.2f vs raw_sqlite_single_row_commit)\n",
           single_rate, single_rate / raw_rate);
    printf("bench: checkin_submit_batched: %.0f/s (ratio %.2f vs raw_sqlite_single_row_commit)\n",
           batched_rate, batched_rate / raw_rate);
    printf("bench: raw_sqlite_single_row_commit: %.0f/s\n", raw_rate);

    mu_store_close(s);
    mu_calendar_free(cal);
    const char *suffix[] = {"", "-wal", "-shm", "-journal"};
    for (int i = 0; i < 4; i++) {
        char p[160];
        snprintf(p, sizeof(p), "%s%s", dbpath, suffix[i]);
        unlink(p);
        snprintf(p, sizeof(p), "%s%s", rawpath, suffix[i]);
        unlink(p);
    }
    rmdir(dir);
    return 0;
}
