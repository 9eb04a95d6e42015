/* SPDX-License-Identifier: MIT */
/*
 * Timer engine benchmark on a temporary SQLite file (WAL, synchronous=FULL,
 * the store's own settings). With N armed timers (default 1,000,000):
 *
 *   engine_arm            seconds to arm N timers through mu_store_timer_arm()
 *                         in one transaction, vs a raw sqlite3 INSERT of the
 *                         same rows into a table of the same shape and index,
 *                         one prepared statement, one transaction;
 *   engine_rss            resident memory of the process after arming (VmRSS;
 *                         the timers live in the database, not in memory);
 *   engine_next_due       microseconds per mu_engine_next_due() with N armed;
 *   engine_late_p50/p99   lateness of firing in REAL time: the timers come due
 *                         1,000 per second of wall-clock time (due times are
 *                         real instants), the engine loop sleeps until the next
 *                         due time (mu_engine_next_due) and runs
 *                         mu_engine_run_due(); a timer's lateness is the time
 *                         when the run that committed it returned minus its due
 *                         time (an upper bound: a run commits batch by batch).
 *                         Each effect is one audit entry (hash-chained) plus
 *                         the timer's deletion, in the claim's transaction.
 *                         Measured over the first LATE_SECONDS of timers;
 *   engine_fire_rate      timers fired per second from a backlog (all due),
 *                         vs the raw INSERT rate of the baseline;
 *   engine_idle_cpu       CPU milliseconds per wall second used by the whole
 *                         process while the engine thread (mu_engine_start) runs
 *                         and nothing is due for two hours (it sleeps on its
 *                         condition variable; a wake-up at most once a minute).
 *
 * usage: bench_engine [N]
 */
#include <muster/engine.h>
#include <muster/mem.h>
#include <muster/store.h>

#include "store/store_int.h" /* mu_store_db, to move due times after arming */

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#define LATE_SECONDS 10
#define RATE 1000 /* timers due per second */
#define BACKLOG 20000

static double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int64_t real_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void die(const char *what, const char *msg)
{
    fprintf(stderr, "bench_engine: %s: %s\n", what, msg);
    exit(1);
}

static long rss_kib(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long v = -1;
    while (f && fgets(line, sizeof(line), f))
        if (strncmp(line, "VmRSS:", 6) == 0)
            v = strtol(line + 6, NULL, 10);
    if (f)
        fclose(f);
    return v;
}

static double cpu_s(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
           ru.ru_stime.tv_usec / 1e6;
}

static int64_t fixed_now(void *ctx)
{
    return *(const int64_t *)ctx;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* Lateness samples recorded by the handler, fixed up when the run returns. */
static int64_t *due_seen;
static size_t nseen, capseen, fixed_upto;

static enum mu_err effect(void *ctx, struct mu_store *s, const struct mu_actor *actor,
                          const struct mu_timer *t, int64_t now, struct mu_error *err)
{
    (void)ctx;
    (void)now;
    if (nseen < capseen)
        due_seen[nseen++] = t->due_at;
    return mu_store_audit_append(s, actor, "bench.fired", t->ref, "", err);
}

static double raw_insert(const char *path, long n)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    if (sqlite3_open(path, &db) != SQLITE_OK)
        die("raw open", sqlite3_errmsg(db));
    sqlite3_exec(db,
                 "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                 "CREATE TABLE t (id INTEGER PRIMARY KEY, due_at INTEGER NOT NULL, kind TEXT NOT "
                 "NULL, ref TEXT NOT NULL, payload TEXT NOT NULL DEFAULT '', claimed_by TEXT, "
                 "claimed_until INTEGER, attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT "
                 "NOT NULL DEFAULT '', created_at INTEGER NOT NULL);"
                 "CREATE INDEX t_due ON t (due_at, id);",
                 NULL, NULL, NULL);
    double t0 = mono_s();
    sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO t (due_at, kind, ref, payload, created_at) "
                           "VALUES (?1, 'bench', ?2, '', ?1)",
                           -1, &st, NULL) != SQLITE_OK)
        die("raw prepare", sqlite3_errmsg(db));
    for (long i = 0; i < n; i++) {
        char ref[32];
        snprintf(ref, sizeof(ref), "bench:%ld", i);
        sqlite3_bind_int64(st, 1, 1000000000000LL + i);
        sqlite3_bind_text(st, 2, ref, -1, SQLITE_TRANSIENT);
        if (sqlite3_step(st) != SQLITE_DONE)
            die("raw insert", sqlite3_errmsg(db));
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    double dt = mono_s() - t0;
    sqlite3_close(db);
    return dt;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? strtol(argv[1], NULL, 10) : 1000000;
    char dir[] = "/tmp/muster-bench-engine-XXXXXX", path[128], dsn[160], raw[128];
    struct mu_error err = {0};
    struct mu_store *s = NULL;
    if (n < BACKLOG * 2)
        n = BACKLOG * 2;
    if (!mkdtemp(dir))
        die("mkdtemp", "failed");
    snprintf(path, sizeof(path), "%s/e.db", dir);
    snprintf(raw, sizeof(raw), "%s/raw.db", dir);
    snprintf(dsn, sizeof(dsn), "sqlite:%s", path);

    double raw_s = raw_insert(raw, n);
    printf("bench: engine_raw_insert: %.2f s (%ld rows, one transaction; baseline)\n", raw_s, n);

    if (mu_store_open(dsn, &s, &err))
        die("open", err.msg);
    /* Timers: the first LATE_SECONDS * RATE come due 1000/s starting in 2 s
     * of real time; the rest follow at the same rate. */
    int64_t t0 = real_ms() + 2000;
    double a0 = mono_s();
    if (mu_store_begin(s, &err))
        die("begin", err.msg);
    for (long i = 0; i < n; i++) {
        char ref[32];
        snprintf(ref, sizeof(ref), "bench:%ld", i);
        if (mu_store_timer_arm(s, t0 + i * 1000 / RATE, "bench.fire", ref, NULL, NULL, &err))
            die("arm", err.msg);
    }
    if (mu_store_commit(s, &err))
        die("commit", err.msg);
    double arm_s = mono_s() - a0;
    printf("bench: engine_arm: %.2f s (ratio %.2f vs raw INSERT in one transaction)\n", arm_s,
           arm_s / raw_s);
    printf("bench: engine_rss: %.1f MiB (after arming %ld timers)\n", rss_kib() / 1024.0, n);
    {
        /* Arming took a while: move every due time so that the first is 2 s ahead. */
        int64_t delta = real_ms() + 2000 - t0;
        struct mu_db_val p[] = {MU_DB_INT(delta)};
        if (mu_db_exec(mu_store_db(s), "UPDATE timers SET due_at = due_at + $1", p, 1, &err))
            die("shift", err.msg);
        t0 += delta;
    }

    int64_t next = 0;
    double q0 = mono_s();
    for (int i = 0; i < 1000; i++)
        if (mu_engine_next_due(s, &next, &err))
            die("next", err.msg);
    printf("bench: engine_next_due: %.1f us (per call, %ld armed)\n",
           (mono_s() - q0) * 1e6 / 1000, n);

    /* Lateness in real time while RATE come due per second. */
    capseen = (size_t)LATE_SECONDS * RATE + 1000;
    due_seen = mu_calloc(capseen, sizeof(*due_seen));
    int64_t *late = mu_calloc(capseen, sizeof(*late));
    if (!due_seen || !late)
        die("alloc", "out of memory");
    struct mu_engine_opts o = {.node = "bench", .handler = effect};
    int64_t stop = t0 + LATE_SECONDS * 1000;
    for (;;) {
        int64_t now = real_ms();
        if (now >= stop)
            break;
        if (mu_engine_run_due_ex(s, mu_clock_real(), &o, 0, NULL, &err))
            die("run", err.msg);
        int64_t done = real_ms();
        for (; fixed_upto < nseen; fixed_upto++)
            late[fixed_upto] = done - due_seen[fixed_upto];
        if (mu_engine_next_due(s, &next, &err))
            die("next", err.msg);
        int64_t wait = next - real_ms();
        if (wait > 0) {
            struct timespec ts = {wait / 1000, (long)(wait % 1000) * 1000000};
            nanosleep(&ts, NULL);
        }
    }
    qsort(late, nseen, sizeof(*late), cmp_i64);
    if (nseen) {
        printf("bench: engine_late_p50: %lld ms (real time, %d due/s, %zu fired)\n",
               (long long)late[nseen / 2], RATE, nseen);
        printf("bench: engine_late_p99: %lld ms (real time, %d due/s)\n",
               (long long)late[nseen * 99 / 100], RATE);
    }

    /* Throughput from a backlog: a clock a year ahead makes everything due. */
    {
        static int64_t ahead;
        ahead = real_ms() + 1000LL * 86400 * 365;
        struct mu_clock future = {fixed_now, &ahead};
        struct mu_engine_result r;
        capseen = 0; /* no more samples */
        double f0 = mono_s();
        if (mu_engine_run_due_ex(s, &future, &o, BACKLOG, &r, &err))
            die("backlog", err.msg);
        double dt = mono_s() - f0;
        printf("bench: engine_fire_rate: %.0f timers/s (ratio %.3f vs raw INSERT rows/s; "
               "%zu fired from a backlog, one audit entry each)\n",
               r.fired / dt, (r.fired / dt) / (n / raw_s), r.fired);
    }
    mu_store_close(s);
    s = NULL;

    /* Idle: nothing due for two hours; the engine thread sleeps. */
    {
        sqlite3 *db = NULL;
        char sql[128];
        if (sqlite3_open(path, &db) != SQLITE_OK)
            die("open", "idle");
        snprintf(sql, sizeof(sql), "UPDATE timers SET due_at = due_at + %lld",
                 (long long)(real_ms() + 7200000 - t0));
        sqlite3_exec(db, sql, NULL, NULL, NULL);
        sqlite3_close(db);
        struct mu_engine_config cfg = {.dsn = dsn, .node = "bench"};
        if (mu_engine_start(&cfg, &err))
            die("engine start", err.msg);
        sleep(1); /* its first round */
        double c0 = cpu_s(), w0 = mono_s();
        sleep(5);
        double cpu = cpu_s() - c0, wall = mono_s() - w0;
        mu_engine_stop();
        printf("bench: engine_idle_cpu: %.3f ms/s (CPU per wall second, engine thread running, "
               "nothing due for 2 h)\n",
               cpu * 1000 / wall);
    }
    mu_free(due_seen);
    mu_free(late);
    char cmd[200];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "bench_engine: could not remove %s\n", dir);
    return 0;
}
