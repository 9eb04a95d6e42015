/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the check-in rules (src/core/checkin.c): local time and the
 * time parser, the slots of a day on working days around the 2026 Spring
 * Festival and its make-up Saturdays, slot assignment with grace and the
 * exact deadline boundary, form checks, the board (replacement before the
 * deadline, late after it, statuses at different times), summary totals and
 * on-time statistics. The calendar is the real data/calendars/2026.txt.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <muster/calendar.h>
#include <muster/checkin.h>
#include <muster/date.h>
#include <muster/mem.h>
#include <muster/plan.h>

#include "core/checkin.h"

static const char plan_src[] =
    "---\n"
    "muster: 1\n"
    "id: t\n"
    "title: 测试预案\n"
    "org: {name: 测试学校}\n"
    "units:\n"
    "  - id: school\n"
    "    name: 学校\n"
    "    head: boss\n"
    "    children:\n"
    "      - id: g7\n"
    "        name: 七年级\n"
    "        children:\n"
    "          - {id: c1, name: 一班, head: ann}\n"
    "          - {id: c2, name: 二班}\n"
    "      - {id: office, name: 办公室, head: boss}\n"
    "people:\n"
    "  - {id: boss, name: 校长, phone: \"100\"}\n"
    "  - {id: ann, name: 安, phone: \"101\"}\n"
    "  - {id: bob, name: 鲍勃}\n"
    "teams:\n"
    "  - {id: office, name: 办公室, leader: boss, members: [ann]}\n"
    "checkins:\n"
    "  - id: daily\n"
    "    name: 每日零报告\n"
    "    units: [c1, c2, office, c1]\n"
    "    times: [\"14:30\", \"09:30\"]\n"
    "    days: workdays\n"
    "    grace: 10m\n"
    "    fields:\n"
    "      - {key: sick, label: 病假, type: count}\n"
    "      - {key: fever, label: 发热, type: count}\n"
    "      - {key: note, label: 说明, type: text, max: 5}\n"
    "    reporters:\n"
    "      - {unit: c2, person: bob}\n"
    "    summary: {at: \"16:00\", to: [team:office]}\n"
    "  - id: all\n"
    "    name: 全部单位\n"
    "    units: all\n"
    "    times: [\"17:00\"]\n"
    "---\n"
    "body\n";

struct fx {
    struct mu_plan *plan;
    struct mu_calendar *cal;
    struct mu_checkin_schedule s;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    struct mu_error err = {0};
    char dir[1024];
    const char *src = getenv("MUSTER_SRCDIR");
    snprintf(dir, sizeof(dir), "%s/data/calendars", src && *src ? src : ".");
    if (mu_calendar_load_dir(dir, &f->cal, &err))
        fail_msg("calendar: %s", err.msg);
    if (mu_plan_parse(plan_src, sizeof(plan_src) - 1, &f->plan, NULL, &err))
        fail_msg("plan: %s", err.msg);
    if (mu_checkin_schedule_init(&f->s, f->plan, "daily", &err))
        fail_msg("schedule: %s", err.msg);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    mu_checkin_schedule_release(&f->s);
    mu_plan_free(f->plan);
    mu_calendar_free(f->cal);
    free(f);
    return 0;
}

static int32_t D(int y, int m, int d)
{
    return mu_date_from_ymd(y, m, d);
}

static int64_t T(const char *s)
{
    int64_t ms = 0;
    struct mu_error err = {0};
    if (mu_local_parse(s, &ms, &err))
        fail_msg("time '%s': %s", s, err.msg);
    return ms;
}

/* ---------------------------------------------------------------- time */

static void test_time_parse_and_format(void **state)
{
    (void)state;
    char out[26];
    /* 2026-03-02T09:30 in UTC+8 is 01:30Z. */
    assert_true(T("2026-03-02T09:30") == T("2026-03-02T01:30Z"));
    assert_true(T("2026-03-02T09:30") == T("2026-03-02T09:30:00+08:00"));
    assert_true(T("2026-03-02 09:30") == T("2026-03-02T10:30+0900"));
    assert_true(T("2026-03-02T09:30:59") - T("2026-03-02T09:30") == 59000);
    mu_local_format(T("2026-03-02T01:30:05Z"), out);
    assert_string_equal(out, "2026-03-02T09:30:05+08:00");
    /* Just before local midnight is still the same local day. */
    assert_int_equal(mu_local_day(T("2026-03-02T23:59"), NULL), D(2026, 3, 2));
    assert_int_equal(mu_local_day(T("2026-03-01T16:00Z"), NULL), D(2026, 3, 2));
    assert_int_equal(mu_local_minutes(T("2026-03-02T09:30")), 9 * 60 + 30);

    /* A date alone is local midnight. */
    assert_true(T("2026-03-02") == T("2026-03-02T00:00"));
    const char *bad[] = {"", "2026-03", "2026-03-02T9:30", "2026-02-30T09:30",
                         "2026-03-02T24:00", "2026-03-02T09:60", "2026-03-02T09:30+8",
                         "2026-03-02T09:30 ", "yesterday", "2026-03-02T09:30:00.5"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct mu_error err = {0};
        int64_t ms = 42;
        assert_int_equal(mu_local_parse(bad[i], &ms, &err), MU_EINVAL);
        assert_int_equal(ms, 42);
        assert_non_null(strstr(err.msg, "is not a date and time"));
    }
}

/* ---------------------------------------------------------------- schedule */

static void test_schedule_units_and_reporters(void **state)
{
    struct fx *f = *state;
    /* c1 listed twice counts once; times sorted. */
    assert_int_equal(f->s.nunits, 3);
    assert_string_equal(f->s.units[0]->id, "c1");
    assert_string_equal(f->s.units[1]->id, "c2");
    assert_string_equal(f->s.units[2]->id, "office");
    assert_int_equal(f->s.ntimes, 2);
    assert_int_equal(f->s.times[0], 9 * 60 + 30);
    assert_int_equal(f->s.times[1], 14 * 60 + 30);
    /* reporters entry, else the head. */
    assert_string_equal(f->s.reporter[0]->id, "ann");
    assert_string_equal(f->s.reporter[1]->id, "bob");
    assert_string_equal(f->s.reporter[2]->id, "boss");
    assert_int_equal(mu_checkin_schedule_unit(&f->s, "c2"), 1);
    assert_int_equal(mu_checkin_schedule_unit(&f->s, "g7"), -1);
    assert_int_equal(mu_checkin_schedule_unit(&f->s, "nope"), -1);

    /* units: all means the leaves, in plan order. */
    struct mu_checkin_schedule all;
    struct mu_error err = {0};
    assert_int_equal(mu_checkin_schedule_init(&all, f->plan, "all", &err), MU_OK);
    assert_int_equal(all.nunits, 3);
    assert_string_equal(all.units[0]->id, "c1");
    assert_string_equal(all.units[1]->id, "c2");
    assert_string_equal(all.units[2]->id, "office");
    assert_null(all.reporter[1]); /* c2 has no head and no reporter here */
    mu_checkin_schedule_release(&all);

    assert_int_equal(mu_checkin_schedule_init(&all, f->plan, "weekly", &err), MU_ENOTFOUND);
    assert_string_equal(err.msg, "plan 't' has no check-in 'weekly'");
}

static void test_slots_workdays_spring_festival(void **state)
{
    struct fx *f = *state;
    struct mu_checkin_slot v[MU_CHECKIN_MAX_SLOTS];
    /* 2026: Sat 02-14 is a make-up working day, 02-15..02-23 are off, Sat 02-28 worked. */
    assert_int_equal(mu_checkin_slots(&f->s, f->cal, D(2026, 2, 13), v), 2); /* Friday */
    assert_int_equal(mu_checkin_slots(&f->s, f->cal, D(2026, 2, 14), v), 2); /* make-up Sat */
    for (int d = 15; d <= 23; d++)
        assert_int_equal(mu_checkin_slots(&f->s, f->cal, D(2026, 2, d), v), 0);
    assert_int_equal(mu_checkin_slots(&f->s, f->cal, D(2026, 2, 24), v), 2);
    assert_int_equal(mu_checkin_slots(&f->s, f->cal, D(2026, 2, 28), v), 2); /* make-up Sat */
    assert_int_equal(mu_checkin_slots(&f->s, f->cal, D(2026, 3, 1), v), 0);  /* Sunday */
    assert_int_equal(mu_checkin_slots(&f->s, f->cal, D(2026, 3, 7), v), 0);  /* Saturday */
    size_t n = mu_checkin_slots(&f->s, f->cal, D(2026, 2, 14), v);
    assert_int_equal(n, 2);
    assert_true(v[0].due_at == T("2026-02-14T09:30"));
    assert_true(v[0].close_at == T("2026-02-14T09:40"));
    assert_true(v[1].due_at == T("2026-02-14T14:30"));
    assert_int_equal(v[1].minutes, 14 * 60 + 30);
    assert_int_equal(v[1].day, D(2026, 2, 14));

    /* An everyday schedule reports on holidays too. */
    struct mu_checkin_schedule all;
    struct mu_error err = {0};
    assert_int_equal(mu_checkin_schedule_init(&all, f->plan, "all", &err), MU_OK);
    assert_int_equal(mu_checkin_slots(&all, f->cal, D(2026, 2, 17), v), 1);
    assert_true(v[0].close_at == v[0].due_at); /* no grace */
    mu_checkin_schedule_release(&all);
}

static void assign_ok(struct fx *f, const char *at, const char *want_slot, int want_late)
{
    struct mu_checkin_slot slot;
    int late = -1;
    struct mu_error err = {0};
    if (mu_checkin_assign(&f->s, f->cal, T(at), -1, 0, &slot, &late, &err))
        fail_msg("assign %s: %s", at, err.msg);
    if (slot.due_at != T(want_slot) || late != want_late)
        fail_msg("assign %s: slot %d:%02d late %d, want %s late %d", at, slot.minutes / 60,
                 slot.minutes % 60, late, want_slot, want_late);
}

static void test_assign_boundaries(void **state)
{
    struct fx *f = *state;
    assign_ok(f, "2026-03-02T00:00", "2026-03-02T09:30", 0);
    assign_ok(f, "2026-03-02T09:30", "2026-03-02T09:30", 0);
    /* Exactly at due + grace is on time; a second later it belongs to the next slot. */
    assign_ok(f, "2026-03-02T09:40", "2026-03-02T09:30", 0);
    assign_ok(f, "2026-03-02T09:40:00", "2026-03-02T09:30", 0);
    assign_ok(f, "2026-03-02T09:40:01", "2026-03-02T14:30", 0);
    assign_ok(f, "2026-03-02T14:40", "2026-03-02T14:30", 0);
    /* After the last slot closed: the last slot, late. */
    assign_ok(f, "2026-03-02T14:40:01", "2026-03-02T14:30", 1);
    assign_ok(f, "2026-03-02T23:59", "2026-03-02T14:30", 1);

    /* One millisecond past the close is late for a named slot. */
    struct mu_checkin_slot slot;
    int late = -1;
    struct mu_error err = {0};
    int64_t close = T("2026-03-02T09:40");
    assert_int_equal(mu_checkin_assign(&f->s, f->cal, close, D(2026, 3, 2), 570, &slot, &late,
                                       &err),
                     MU_OK);
    assert_int_equal(late, 0);
    assert_int_equal(mu_checkin_assign(&f->s, f->cal, close + 1, D(2026, 3, 2), 570, &slot, &late,
                                       &err),
                     MU_OK);
    assert_int_equal(late, 1);
    assert_true(slot.due_at == T("2026-03-02T09:30"));
    /* A late report for yesterday's afternoon slot. */
    assert_int_equal(mu_checkin_assign(&f->s, f->cal, T("2026-03-03T08:00"), D(2026, 3, 2), 870,
                                       &slot, &late, &err),
                     MU_OK);
    assert_int_equal(late, 1);
    assert_true(slot.due_at == T("2026-03-02T14:30"));

    /* Errors. */
    assert_int_equal(mu_checkin_assign(&f->s, f->cal, T("2026-02-17T09:00"), -1, 0, &slot, &late,
                                       &err),
                     MU_EINVAL);
    assert_string_equal(err.field, "at");
    assert_string_equal(err.msg,
                        "check-in 'daily' has no report due on 2026-02-17 (not a working day)");
    assert_int_equal(mu_checkin_assign(&f->s, f->cal, T("2026-03-02T09:00"), D(2026, 3, 2), 600,
                                       &slot, &late, &err),
                     MU_EINVAL);
    assert_string_equal(err.field, "slot");
    assert_string_equal(err.msg, "slot 10:00 is not a due time of check-in 'daily' (09:30, 14:30)");
    assert_int_equal(mu_checkin_assign(&f->s, f->cal, T("2026-03-02T09:00"), D(2026, 3, 3), 570,
                                       &slot, &late, &err),
                     MU_EINVAL);
    assert_string_equal(err.msg, "slot on 2026-03-03 is on a later day than the report");
}

/* ---------------------------------------------------------------- form */

static void expect_field_error(struct fx *f, int nil, const char *key, const char *value,
                               const char *msg)
{
    struct mu_checkin_kv kv = {key, value};
    struct mu_error err = {0};
    assert_int_equal(mu_checkin_check_fields(&f->s, nil, &kv, 1, &err), MU_EINVAL);
    assert_string_equal(err.msg, msg);
    assert_string_equal(err.field, key);
}

static void test_form_checks(void **state)
{
    struct fx *f = *state;
    struct mu_error err = {0};
    struct mu_checkin_kv ok[] = {{"sick", "0"}, {"fever", "12"}, {"note", "一切正常"}};
    assert_int_equal(mu_checkin_check_fields(&f->s, 0, ok, 3, &err), MU_OK);
    /* A nil report may carry a remark, and nothing at all. */
    assert_int_equal(mu_checkin_check_fields(&f->s, 1, &ok[2], 1, &err), MU_OK);
    assert_int_equal(mu_checkin_check_fields(&f->s, 1, NULL, 0, &err), MU_OK);
    /* Exactly max characters (not bytes) is fine. */
    struct mu_checkin_kv five = {"note", "五个汉字啊"};
    assert_int_equal(mu_checkin_check_fields(&f->s, 0, &five, 1, &err), MU_OK);

    expect_field_error(f, 0, "sick", "-1", "field 'sick': -1 is negative");
    expect_field_error(f, 0, "sick", "1.5", "field 'sick': '1.5' is not a whole number");
    expect_field_error(f, 0, "sick", "", "field 'sick': '' is not a whole number");
    expect_field_error(f, 0, "sick", "+3", "field 'sick': '+3' is not a whole number");
    expect_field_error(f, 0, "sick", "1000000001", "field 'sick': 1000000001 is more than 1000000000");
    expect_field_error(f, 0, "note", "六个汉字啊啊", "field 'note': 6 characters, more than 5");
    expect_field_error(f, 0, "note", "a\001", "field 'note': text is not valid UTF-8 or holds "
                                             "control characters");
    expect_field_error(f, 0, "note", "\xff", "field 'note': text is not valid UTF-8 or holds "
                                            "control characters");
    expect_field_error(f, 0, "temp", "1",
                       "field 'temp' is not in the form of check-in 'daily' (fields: sick, fever, "
                       "note)");
    expect_field_error(f, 1, "sick", "0", "field 'sick': a nil report has no counts");

    struct mu_checkin_kv twice[] = {{"sick", "1"}, {"sick", "2"}};
    assert_int_equal(mu_checkin_check_fields(&f->s, 0, twice, 2, &err), MU_EINVAL);
    assert_string_equal(err.msg, "field 'sick' is given twice");
    assert_int_equal(mu_checkin_check_fields(&f->s, 0, NULL, 0, &err), MU_EINVAL);
    assert_string_equal(err.msg, "a report needs at least one field, or is a nil report");
}

/* ---------------------------------------------------------------- board */

static struct mu_checkin_sub sub(int64_t id, const char *at, int late, int nil)
{
    struct mu_checkin_sub s = {id, T(at), late, nil};
    return s;
}

static void day_board(struct fx *f, struct mu_checkin_board *b)
{
    struct mu_checkin_slot v[MU_CHECKIN_MAX_SLOTS];
    struct mu_error err = {0};
    size_t n = mu_checkin_slots(&f->s, f->cal, D(2026, 3, 2), v);
    assert_int_equal(mu_checkin_board_init(b, f->s.nunits, v, n, &err), MU_OK);
}

static enum mu_checkin_status st(const struct mu_checkin_board *b, size_t u, size_t k)
{
    return b->cells[u * b->nslots + k].status;
}

static void test_board_replacement_and_late(void **state)
{
    struct fx *f = *state;
    struct mu_checkin_board b;
    day_board(f, &b);
    /* c1: two on-time reports; the later one counts, whatever the offer order. */
    struct mu_checkin_sub a = sub(1, "2026-03-02T08:00", 0, 1);
    struct mu_checkin_sub a2 = sub(2, "2026-03-02T09:35", 0, 0);
    struct mu_checkin_sub a3 = sub(3, "2026-03-02T10:00", 1, 0); /* late for 09:30 */
    assert_int_equal(mu_checkin_board_add(&b, 0, 0, &a2), 1);
    assert_int_equal(mu_checkin_board_add(&b, 0, 0, &a), 0);
    assert_int_equal(mu_checkin_board_add(&b, 0, 0, &a3), 0); /* late never beats on time */
    assert_true(b.cells[0].sub.id == 2);
    /* c2: two late reports; the first counts. */
    struct mu_checkin_sub l1 = sub(5, "2026-03-02T11:00", 1, 1);
    struct mu_checkin_sub l2 = sub(4, "2026-03-02T10:00", 1, 0);
    assert_int_equal(mu_checkin_board_add(&b, 1, 0, &l1), 1);
    assert_int_equal(mu_checkin_board_add(&b, 1, 0, &l2), 1);
    assert_int_equal(mu_checkin_board_add(&b, 1, 0, &l1), 0);
    assert_true(b.cells[2].sub.id == 4);
    /* Same time: the higher id (the later insert) wins when on time. */
    struct mu_checkin_sub t1 = sub(7, "2026-03-02T14:00", 0, 0);
    struct mu_checkin_sub t2 = sub(8, "2026-03-02T14:00", 0, 1);
    mu_checkin_board_add(&b, 2, 1, &t2);
    assert_int_equal(mu_checkin_board_add(&b, 2, 1, &t1), 0);
    assert_int_equal(mu_checkin_board_add(&b, 9, 0, &t1), 0); /* out of range */

    mu_checkin_board_finish(&b, T("2026-03-02T15:00"));
    assert_int_equal(st(&b, 0, 0), MU_CHECKIN_ON_TIME);
    assert_int_equal(st(&b, 0, 1), MU_CHECKIN_MISSING);
    assert_int_equal(st(&b, 1, 0), MU_CHECKIN_LATE);
    assert_int_equal(st(&b, 1, 1), MU_CHECKIN_MISSING);
    assert_int_equal(st(&b, 2, 0), MU_CHECKIN_MISSING);
    assert_int_equal(st(&b, 2, 1), MU_CHECKIN_ON_TIME);
    assert_int_equal(b.count[MU_CHECKIN_ON_TIME], 2);
    assert_int_equal(b.count[MU_CHECKIN_LATE], 1);
    assert_int_equal(b.count[MU_CHECKIN_MISSING], 3);
    assert_int_equal(b.count[MU_CHECKIN_NOT_DUE], 0);
    assert_int_equal(mu_checkin_board_slot(&b, T("2026-03-02T14:30")), 1);
    assert_int_equal(mu_checkin_board_slot(&b, T("2026-03-02T14:31")), -1);
    assert_string_equal(mu_checkin_status_name(MU_CHECKIN_NOT_DUE), "not_due");
    assert_string_equal(mu_checkin_status_name(MU_CHECKIN_MISSING), "missing");
    mu_checkin_board_release(&b);
}

static void test_board_statuses_over_the_day(void **state)
{
    struct fx *f = *state;
    struct {
        const char *at;
        enum mu_checkin_status s0, s1;
    } cases[] = {
        {"2026-03-02T08:00", MU_CHECKIN_NOT_DUE, MU_CHECKIN_NOT_DUE},
        {"2026-03-02T09:30", MU_CHECKIN_NOT_DUE, MU_CHECKIN_NOT_DUE},
        {"2026-03-02T09:40", MU_CHECKIN_NOT_DUE, MU_CHECKIN_NOT_DUE}, /* grace still running */
        {"2026-03-02T09:40:01", MU_CHECKIN_MISSING, MU_CHECKIN_NOT_DUE},
        {"2026-03-02T14:40:01", MU_CHECKIN_MISSING, MU_CHECKIN_MISSING},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct mu_checkin_board b;
        day_board(f, &b);
        mu_checkin_board_finish(&b, T(cases[i].at));
        assert_int_equal(st(&b, 0, 0), cases[i].s0);
        assert_int_equal(st(&b, 0, 1), cases[i].s1);
        mu_checkin_board_release(&b);
    }
}

static void test_totals_and_stats(void **state)
{
    struct fx *f = *state;
    struct mu_checkin_totals t;
    struct mu_error err = {0};
    assert_int_equal(mu_checkin_totals_init(&t, &f->s, &err), MU_OK);
    assert_int_equal(t.n, 2); /* sick, fever: counts only */
    struct mu_checkin_kv r1[] = {{"sick", "2"}, {"note", "x"}};
    struct mu_checkin_kv r2[] = {{"sick", "3"}, {"fever", "1"}};
    mu_checkin_totals_add(&t, 0, r1, 2);
    mu_checkin_totals_add(&t, 0, r2, 2);
    mu_checkin_totals_add(&t, 1, NULL, 0);
    assert_int_equal(t.reports, 3);
    assert_int_equal(t.nil, 1);
    assert_string_equal(t.v[0].field->key, "sick");
    assert_int_equal(t.v[0].sum, 5);
    assert_int_equal(t.v[0].reports, 2);
    assert_int_equal(t.v[1].sum, 1);
    assert_int_equal(t.v[1].reports, 1);
    mu_checkin_totals_release(&t);

    struct mu_checkin_unit_stats per[3] = {{0}};
    struct mu_checkin_board b;
    day_board(f, &b);
    struct mu_checkin_sub a = sub(1, "2026-03-02T09:00", 0, 1);
    struct mu_checkin_sub l = sub(2, "2026-03-02T16:00", 1, 1);
    mu_checkin_board_add(&b, 0, 0, &a);
    mu_checkin_board_add(&b, 0, 1, &l);
    mu_checkin_board_add(&b, 1, 0, &a);
    mu_checkin_board_finish(&b, T("2026-03-02T12:00"));
    mu_checkin_stats_add(per, &b);
    assert_int_equal(per[0].due, 2); /* the 14:30 late report is there already */
    assert_int_equal(per[0].on_time, 1);
    assert_int_equal(per[0].late, 1);
    assert_int_equal(per[1].due, 1); /* 14:30 not due yet */
    assert_int_equal(per[2].due, 1);
    assert_int_equal(per[2].missing, 1);
    assert_true(mu_checkin_rate(&per[0]) == 0.5);
    assert_true(mu_checkin_rate(&per[1]) == 1.0);
    assert_true(mu_checkin_rate(&per[2]) == 0.0);
    struct mu_checkin_unit_stats none = {0};
    assert_true(mu_checkin_rate(&none) == 0.0);
    mu_checkin_board_release(&b);
}

static void test_text_and_count_helpers(void **state)
{
    (void)state;
    int64_t v = -1;
    assert_int_equal(mu_checkin_text_chars("abc"), 3);
    assert_int_equal(mu_checkin_text_chars("汉字\n\t"), 4);
    assert_int_equal(mu_checkin_text_chars("\xc0\x80"), -1);     /* overlong NUL */
    assert_int_equal(mu_checkin_text_chars("\xed\xa0\x80"), -1); /* surrogate */
    assert_int_equal(mu_checkin_text_chars("\xc2\x85"), -1);     /* C1 control */
    assert_true(mu_checkin_count_parse("0", &v) && v == 0);
    assert_true(mu_checkin_count_parse("1000000000", &v) && v == 1000000000);
    assert_false(mu_checkin_count_parse("1000000001", &v));
    assert_false(mu_checkin_count_parse("99999999999999999999", &v));
    assert_false(mu_checkin_count_parse("1e3", &v));

    struct mu_checkin_map *m = mu_checkin_map_new(3);
    assert_non_null(m);
    assert_int_equal(mu_checkin_map_put(m, "a", 1), 1);
    assert_int_equal(mu_checkin_map_put(m, "a", 2), 0);
    assert_int_equal(mu_checkin_map_get(m, "a"), 1);
    assert_int_equal(mu_checkin_map_get(m, "b"), -1);
    mu_checkin_map_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_time_parse_and_format),
        cmocka_unit_test_setup_teardown(test_schedule_units_and_reporters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_slots_workdays_spring_festival, setup, teardown),
        cmocka_unit_test_setup_teardown(test_assign_boundaries, setup, teardown),
        cmocka_unit_test_setup_teardown(test_form_checks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_board_replacement_and_late, setup, teardown),
        cmocka_unit_test_setup_teardown(test_board_statuses_over_the_day, setup, teardown),
        cmocka_unit_test_setup_teardown(test_totals_and_stats, setup, teardown),
        cmocka_unit_test(test_text_and_count_helpers),
    };
    return cmocka_run_group_tests_name("checkin", tests, NULL, NULL);
}
