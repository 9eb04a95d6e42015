/* SPDX-License-Identifier: MIT */
/*
 * The check-in batcher (include/muster/checkin_batch.h) on a temporary
 * SQLite store: receipts and field-named errors as mu_app_checkin_submit()
 * gives them, concurrent submitters sharing commits (a slow first commit
 * makes the others queue into one group), a group with bad members (each
 * answered on its own, the good ones stored), a failing shared commit (every
 * member retried alone and stored), a new plan version picked up while the
 * old schedule stays readable, and the board from the cached schedule.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <muster/app.h>
#include <muster/checkin_batch.h>
#include <muster/date.h>
#include <muster/mem.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define NUNITS 16
#define PER_THREAD 20

static const char plan_v1[] =
    "---\n"
    "muster: 1\n"
    "id: t\n"
    "title: 测试\n"
    "org: {name: 测试}\n"
    "units:\n"
    "  - id: root\n"
    "    name: 总部\n"
    "    children:\n"
    "      - {id: u0, name: U0, head: p}\n"
    "      - {id: u1, name: U1}\n"
    "      - {id: u2, name: U2}\n"
    "      - {id: u3, name: U3}\n"
    "      - {id: u4, name: U4}\n"
    "      - {id: u5, name: U5}\n"
    "      - {id: u6, name: U6}\n"
    "      - {id: u7, name: U7}\n"
    "      - {id: u8, name: U8}\n"
    "      - {id: u9, name: U9}\n"
    "      - {id: u10, name: U10}\n"
    "      - {id: u11, name: U11}\n"
    "      - {id: u12, name: U12}\n"
    "      - {id: u13, name: U13}\n"
    "      - {id: u14, name: U14}\n"
    "      - {id: u15, name: U15}\n"
    "people:\n"
    "  - {id: p, name: 张三, phone: \"100\"}\n"
    "teams:\n"
    "  - {id: t, name: T, leader: p}\n"
    "checkins:\n"
    "  - id: daily\n"
    "    name: 每日\n"
    "    units: all\n"
    "    times: [\"08:00\", \"16:00\"]\n"
    "    days: everyday\n"
    "    grace: 10m\n"
    "    fields:\n"
    "      - {key: n, label: N, type: count}\n"
    "      - {key: note, label: 说明, type: text, max: 10}\n"
    "---\n";

struct fx {
    char dir[64], path[128];
    struct mu_store *s;
    pthread_mutex_t lock;
    struct mu_checkin_batcher *b;
};

static const struct mu_actor actor = {"tester", 1772409600000};

static void load(struct mu_store *s, const char *src)
{
    struct mu_error err = {0};
    struct mu_plan_load_result r;
    if (mu_app_plan_load(s, &actor, src, strlen(src), NULL, &r, &err))
        fail_msg("plan load: %s", err.msg);
}

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    struct mu_error err = {0};
    snprintf(f->dir, sizeof(f->dir), "/tmp/muster-batch-XXXXXX");
    if (!mkdtemp(f->dir))
        fail_msg("mkdtemp");
    snprintf(f->path, sizeof(f->path), "%s/t.db", f->dir);
    if (mu_store_open(f->path, &f->s, &err))
        fail_msg("open: %s", err.msg);
    load(f->s, plan_v1);
    pthread_mutex_init(&f->lock, NULL);
    if (mu_checkin_batcher_new(f->s, &f->lock, NULL, 0, &f->b, &err))
        fail_msg("batcher: %s", err.msg);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    char p[160];
    mu_checkin_batcher_free(f->b);
    mu_store_close(f->s);
    pthread_mutex_destroy(&f->lock);
    const char *suffix[] = {"", "-wal", "-shm", "-journal"};
    for (int i = 0; i < 4; i++) {
        snprintf(p, sizeof(p), "%s%s", f->path, suffix[i]);
        unlink(p);
    }
    rmdir(f->dir);
    free(f);
    return 0;
}

static int64_t at_of(int day_offset, int minutes)
{
    return mu_local_ms(mu_date_from_ymd(2026, 3, 2) + day_offset, minutes);
}

static void test_receipts_and_errors(void **state)
{
    struct fx *f = *state;
    struct mu_error err = {0};
    struct mu_checkin_receipt r;
    struct mu_checkin_kv kv[] = {{"n", "3"}};
    struct mu_checkin_input in = {.schedule = "t/daily", .unit = "u1", .fields = kv,
                                  .nfields = 1, .text = "好", .at = at_of(0, 7 * 60)};
    assert_int_equal(mu_checkin_batcher_submit(f->b, &actor, NULL, &in, &r, &err), MU_OK);
    assert_true(r.id > 0);
    assert_string_equal(r.schedule, "t/daily");
    assert_string_equal(r.slot, "2026-03-02T08:00");
    assert_int_equal(r.late, 0);

    /* A bare check-in id; after the last slot closed: late for 16:00. */
    struct mu_checkin_input late = {.schedule = "daily", .unit = "u2", .nil = 1,
                                    .at = at_of(0, 17 * 60)};
    assert_int_equal(mu_checkin_batcher_submit(f->b, &actor, NULL, &late, &r, &err), MU_OK);
    assert_string_equal(r.slot, "2026-03-02T16:00");
    assert_int_equal(r.late, 1);

    /* Errors name their field, like mu_app_checkin_submit(). */
    struct {
        struct mu_checkin_input in;
        enum mu_err rc;
        const char *field;
    } bad[] = {
        {{.schedule = "t/nope", .unit = "u1", .nil = 1, .at = at_of(0, 0)}, MU_ENOTFOUND,
         "schedule"},
        {{.schedule = "x/daily", .unit = "u1", .nil = 1, .at = at_of(0, 0)}, MU_ENOTFOUND,
         "schedule"},
        {{.schedule = "t/daily", .unit = "zz", .nil = 1, .at = at_of(0, 0)}, MU_EINVAL, "unit"},
        {{.schedule = "t/daily", .unit = "root", .nil = 1, .at = at_of(0, 0)}, MU_EINVAL, "unit"},
        {{.schedule = "t/daily", .unit = "u1", .nil = 1, .by = "nobody", .at = at_of(0, 0)},
         MU_EINVAL, "by"},
        {{.schedule = "t/daily", .unit = "u1", .nil = 1, .slot = "25:00", .at = at_of(0, 0)},
         MU_EINVAL, "slot"},
        {{.schedule = "t/daily", .unit = "u1", .nil = 1,
          .text = "一二三四五六七八九十十一",
          .at = at_of(0, 0)},
         MU_EINVAL, "note"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        memset(&err, 0, sizeof(err));
        assert_int_equal(mu_checkin_batcher_submit(f->b, &actor, NULL, &bad[i].in, &r, &err),
                         bad[i].rc);
        assert_string_equal(err.field, bad[i].field);
    }
    struct mu_checkin_kv neg[] = {{"n", "-1"}};
    struct mu_checkin_input in_neg = {.schedule = "t/daily", .unit = "u1", .fields = neg,
                                      .nfields = 1, .at = at_of(0, 0)};
    assert_int_equal(mu_checkin_batcher_submit(f->b, &actor, NULL, &in_neg, &r, &err), MU_EINVAL);
    assert_string_equal(err.field, "n");

    /* A reporter only for their own units. */
    char *units[] = {"u3"};
    struct mu_principal rep = {.name = "rep", .role = MU_ROLE_REPORTER, .via = MU_AUTH_TOKEN,
                               .units = units, .nunits = 1};
    struct mu_checkin_input own = {.schedule = "t/daily", .unit = "u3", .nil = 1,
                                   .at = at_of(0, 7 * 60)};
    assert_int_equal(mu_checkin_batcher_submit(f->b, &actor, &rep, &own, &r, &err), MU_OK);
    struct mu_checkin_input other = own;
    other.unit = "u4";
    assert_int_equal(mu_checkin_batcher_submit(f->b, &actor, &rep, &other, &r, &err), MU_EINVAL);
    assert_string_equal(err.field, "unit");

    int64_t count = 0;
    assert_int_equal(mu_store_checkin_count(f->s, "t", "daily", &count, &err), MU_OK);
    assert_int_equal(count, 3);
    struct mu_checkin_batch_stats st;
    mu_checkin_batcher_stats(f->b, &st);
    assert_int_equal(st.stored, 3);
    assert_int_equal(st.rejected, 9);
}

/*
 * Out of memory while queueing: the copies of the submission fail one
 * allocation at a time (the committer is idle meanwhile, so every failure
 * is the caller's): MU_ENOMEM, nothing queued or leaked; then it works.
 */
static void test_submit_out_of_memory(void **state)
{
    struct fx *f = *state;
    struct mu_error err = {0};
    struct mu_checkin_receipt r;
    char *units[] = {"u3"};
    struct mu_principal rep = {.name = "rep", .role = MU_ROLE_REPORTER, .via = MU_AUTH_TOKEN,
                               .units = units, .nunits = 1};
    struct mu_checkin_kv kv[] = {{"n", "2"}};
    struct mu_checkin_input in = {.schedule = "t/daily", .unit = "u3", .fields = kv,
                                  .nfields = 1, .at = at_of(0, 7 * 60)};
    /* The allocations of the copy: the entry, its strings, the fields, the
     * caller's units array and its one unit. */
    for (long n = 1; n <= 5; n++) {
        mu_mem_fail_after(n);
        enum mu_err rc = mu_checkin_batcher_submit(f->b, &actor, &rep, &in, &r, &err);
        mu_mem_fail_after(0);
        assert_int_equal(rc, MU_ENOMEM);
    }
    assert_int_equal(mu_checkin_batcher_submit(f->b, &actor, &rep, &in, &r, &err), MU_OK);
    int64_t count = 0;
    assert_int_equal(mu_store_checkin_count(f->s, "t", "daily", &count, &err), MU_OK);
    assert_int_equal(count, 1);
}

/* ---- concurrency ---- */

struct slow {
    int calls, fail_always;
    pthread_mutex_t m;
};

static enum mu_err slow_hook(void *ctx, size_t n, struct mu_error *err)
{
    struct slow *s = ctx;
    (void)n;
    pthread_mutex_lock(&s->m);
    int first = s->calls++ == 0;
    pthread_mutex_unlock(&s->m);
    if (first) {
        struct timespec ts = {0, 50 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    if (s->fail_always)
        return mu_error_set(err, MU_ESTORE, "injected commit failure");
    return MU_OK;
}

struct worker {
    struct fx *f;
    int unit;
    int bad_every; /* every Nth submission has a negative count; 0: none */
    int ok, failed, wrong_field;
    int64_t ids[PER_THREAD];
};

static void *worker_run(void *arg)
{
    struct worker *w = arg;
    char unit[8];
    snprintf(unit, sizeof(unit), "u%d", w->unit);
    for (int i = 0; i < PER_THREAD; i++) {
        struct mu_error err = {0};
        struct mu_checkin_receipt r;
        int bad = w->bad_every && i % w->bad_every == 0;
        struct mu_checkin_kv kv[] = {{"n", bad ? "-5" : "1"}};
        struct mu_checkin_input in = {.schedule = "t/daily", .unit = unit, .fields = kv,
                                      .nfields = 1, .at = at_of(i, 7 * 60)};
        char name[16];
        snprintf(name, sizeof(name), "w%d", w->unit % 3);
        struct mu_actor a = {name, actor.now_ms};
        enum mu_err rc = mu_checkin_batcher_submit(w->f->b, &a, NULL, &in, &r, &err);
        if (rc == MU_OK) {
            w->ids[w->ok++] = r.id;
        } else {
            w->failed++;
            if (strcmp(err.field, "n") != 0)
                w->wrong_field++;
        }
    }
    return NULL;
}

static void run_workers(struct fx *f, struct worker *w, int bad_every)
{
    pthread_t th[NUNITS];
    for (int i = 0; i < NUNITS; i++) {
        w[i] = (struct worker){.f = f, .unit = i, .bad_every = bad_every};
        assert_int_equal(pthread_create(&th[i], NULL, worker_run, &w[i]), 0);
    }
    for (int i = 0; i < NUNITS; i++)
        pthread_join(th[i], NULL);
}

static void check_distinct(struct worker *w, int want_each)
{
    int64_t all[NUNITS * PER_THREAD];
    size_t n = 0;
    for (int i = 0; i < NUNITS; i++) {
        assert_int_equal(w[i].ok, want_each);
        assert_int_equal(w[i].wrong_field, 0);
        for (int k = 0; k < w[i].ok; k++)
            all[n++] = w[i].ids[k];
    }
    for (size_t i = 0; i < n; i++) {
        assert_true(all[i] > 0);
        for (size_t k = i + 1; k < n; k++)
            assert_true(all[i] != all[k]);
    }
}

static void test_concurrent_groups(void **state)
{
    struct fx *f = *state;
    struct slow sl = {0};
    pthread_mutex_init(&sl.m, NULL);
    mu_checkin_batcher_set_hook(f->b, slow_hook, &sl);
    struct worker w[NUNITS];
    run_workers(f, w, 0);
    check_distinct(w, PER_THREAD);
    struct mu_error err = {0};
    int64_t count = 0;
    assert_int_equal(mu_store_checkin_count(f->s, "t", "daily", &count, &err), MU_OK);
    assert_int_equal(count, NUNITS * PER_THREAD);
    struct mu_checkin_batch_stats st;
    mu_checkin_batcher_stats(f->b, &st);
    assert_int_equal(st.stored, NUNITS * PER_THREAD);
    assert_int_equal(st.rejected, 0);
    assert_int_equal(st.retried, 0);
    assert_int_equal(st.commits, st.groups);
    /* The slow first commit made the others queue: shared commits happened. */
    assert_true(st.largest >= 2);
    assert_true(st.commits < (uint64_t)NUNITS * PER_THREAD);
    pthread_mutex_destroy(&sl.m);
}

static void test_bad_members_do_not_fail_others(void **state)
{
    struct fx *f = *state;
    struct slow sl = {0};
    pthread_mutex_init(&sl.m, NULL);
    mu_checkin_batcher_set_hook(f->b, slow_hook, &sl);
    struct worker w[NUNITS];
    run_workers(f, w, 4); /* i = 0, 4, 8, 12, 16 are bad: 5 of 20 */
    check_distinct(w, PER_THREAD - 5);
    for (int i = 0; i < NUNITS; i++)
        assert_int_equal(w[i].failed, 5);
    struct mu_error err = {0};
    int64_t count = 0;
    assert_int_equal(mu_store_checkin_count(f->s, "t", "daily", &count, &err), MU_OK);
    assert_int_equal(count, NUNITS * (PER_THREAD - 5));
    struct mu_checkin_batch_stats st;
    mu_checkin_batcher_stats(f->b, &st);
    assert_int_equal(st.rejected, NUNITS * 5);
    assert_int_equal(st.retried, 0);
    pthread_mutex_destroy(&sl.m);
}

static void test_failed_commit_retries_each(void **state)
{
    struct fx *f = *state;
    struct slow sl = {.fail_always = 1};
    pthread_mutex_init(&sl.m, NULL);
    mu_checkin_batcher_set_hook(f->b, slow_hook, &sl);
    struct worker w[NUNITS];
    run_workers(f, w, 0);
    check_distinct(w, PER_THREAD);
    struct mu_error err = {0};
    int64_t count = 0;
    assert_int_equal(mu_store_checkin_count(f->s, "t", "daily", &count, &err), MU_OK);
    assert_int_equal(count, NUNITS * PER_THREAD);
    struct mu_checkin_batch_stats st;
    mu_checkin_batcher_stats(f->b, &st);
    assert_int_equal(st.commits, 0);
    assert_int_equal(st.retried, NUNITS * PER_THREAD);
    assert_int_equal(st.stored, NUNITS * PER_THREAD);
    pthread_mutex_destroy(&sl.m);
}

/* ---- versions and the board ---- */

struct tally {
    size_t cells, st[4];
    char first_reporter[32];
};

static enum mu_err tally_cell(void *ctx, const struct mu_checkin_cell_view *c,
                              struct mu_error *err)
{
    struct tally *t = ctx;
    (void)err;
    if (t->cells++ == 0 && c->reporter)
        snprintf(t->first_reporter, sizeof(t->first_reporter), "%s", c->reporter->name);
    t->st[c->status]++;
    return MU_OK;
}

static void test_versions_and_board(void **state)
{
    struct fx *f = *state;
    struct mu_error err = {0};
    const struct mu_checkin_schedule *s1 = NULL, *s2 = NULL;
    int v = 0;
    assert_int_equal(mu_checkin_batcher_schedule(f->b, "t/daily", &s1, &v, &err), MU_OK);
    assert_int_equal(v, 1);
    assert_int_equal(s1->nunits, NUNITS);

    struct mu_checkin_receipt r;
    struct mu_checkin_input in = {.schedule = "t/daily", .unit = "u0", .nil = 1,
                                  .at = at_of(0, 7 * 60)};
    assert_int_equal(mu_checkin_batcher_submit(f->b, &actor, NULL, &in, &r, &err), MU_OK);
    in.unit = "u1";
    in.at = at_of(0, 9 * 60); /* late for 08:00? no: the next open slot, 16:00, on time */
    assert_int_equal(mu_checkin_batcher_submit(f->b, &actor, NULL, &in, &r, &err), MU_OK);
    assert_string_equal(r.slot, "2026-03-02T16:00");

    struct tally t = {0};
    size_t ns = 0;
    assert_int_equal(mu_checkin_batcher_board(f->b, s1, mu_date_from_ymd(2026, 3, 2),
                                              at_of(0, 12 * 60), &ns, tally_cell, &t, &err),
                     MU_OK);
    assert_int_equal(ns, 2);
    assert_int_equal(t.cells, NUNITS * 2);
    assert_string_equal(t.first_reporter, "张三");
    assert_int_equal(t.st[MU_CHECKIN_ON_TIME], 2);
    assert_int_equal(t.st[MU_CHECKIN_MISSING], NUNITS - 1);      /* 08:00 closed */
    assert_int_equal(t.st[MU_CHECKIN_NOT_DUE], NUNITS - 1);      /* 16:00 open */

    /* A new version: a unit more; the old schedule stays readable. */
    char *v2 = mu_malloc(sizeof(plan_v1) + 64);
    const char *at = strstr(plan_v1, "people:");
    snprintf(v2, sizeof(plan_v1) + 64, "%.*s      - {id: u16, name: U16}\n%s",
             (int)(at - plan_v1), plan_v1, at);
    load(f->s, v2);
    mu_free(v2);
    assert_int_equal(mu_checkin_batcher_schedule(f->b, "t/daily", &s2, &v, &err), MU_OK);
    assert_int_equal(v, 2);
    assert_int_equal(s2->nunits, NUNITS + 1);
    assert_int_equal(s1->nunits, NUNITS);
    in.unit = "u16";
    assert_int_equal(mu_checkin_batcher_submit(f->b, &actor, NULL, &in, &r, &err), MU_OK);

    struct tally t2 = {0};
    assert_int_equal(mu_checkin_batcher_board(f->b, s2, mu_date_from_ymd(2026, 3, 2),
                                              at_of(1, 0), &ns, tally_cell, &t2, &err),
                     MU_OK);
    assert_int_equal(t2.cells, (NUNITS + 1) * 2);
    assert_int_equal(t2.st[MU_CHECKIN_ON_TIME], 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_receipts_and_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_submit_out_of_memory, setup, teardown),
        cmocka_unit_test_setup_teardown(test_concurrent_groups, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_members_do_not_fail_others, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failed_commit_retries_each, setup, teardown),
        cmocka_unit_test_setup_teardown(test_versions_and_board, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
