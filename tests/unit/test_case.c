/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the case rules (src/core/case.c): every deadline rule with
 * exact dates across the 2025 National Day and the 2026 Spring Festival in
 * both counting modes, with the real calendars of data/calendars; every
 * step the workflow refuses (state x step), leaving the flow unchanged; the
 * single extension; the review windows; tracking codes and phone digits.
 */
/* clang-format off: cmocka needs these first */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <muster/calendar.h>
#include <muster/case.h>
#include <muster/date.h>
#include <muster/mem.h>

static struct mu_calendar *cal;

static int setup(void **state)
{
    (void)state;
    char dir[4096];
    const char *src = getenv("MUSTER_SRCDIR");
    snprintf(dir, sizeof(dir), "%s/data/calendars", src ? src : ".");
    struct mu_error err = {0};
    if (mu_calendar_load_dir(dir, &cal, &err) != MU_OK)
        fail_msg("loading '%s': %s", dir, err.msg);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    mu_calendar_free(cal);
    return 0;
}

static int32_t D(const char *s)
{
    int32_t d = 0;
    assert_int_equal(mu_date_parse(s, strlen(s), &d, NULL), MU_OK);
    return d;
}

static void expect_deadline(int workdays, const char *event, int n, const char *want)
{
    int32_t out = 0;
    char got[11];
    struct mu_error err = {0};
    assert_int_equal(mu_case_deadline(cal, workdays, D(event), n, &out, &err), MU_OK);
    mu_date_format(out, got);
    if (strcmp(got, want) != 0)
        fail_msg("%s + %d %s days: got %s, want %s", event, n, workdays ? "working" : "calendar",
                 got, want);
}

/* Calendar days: the last day moves off rest days, never off make-up working days. */
static void test_calendar_days_national_day_2025(void **state)
{
    (void)state;
    expect_deadline(0, "2025-09-20", 15, "2025-10-09"); /* 10-05 is a holiday */
    expect_deadline(0, "2025-09-16", 15, "2025-10-09"); /* 10-01: first day off */
    expect_deadline(0, "2025-09-23", 15, "2025-10-09"); /* 10-08: last day off */
    expect_deadline(0, "2025-09-24", 15, "2025-10-09"); /* 10-09 itself: a Thursday */
    expect_deadline(0, "2025-09-13", 15, "2025-09-28"); /* a Sunday worked (调休) */
    expect_deadline(0, "2025-09-12", 15, "2025-09-28"); /* Saturday 09-27 -> make-up Sunday */
    expect_deadline(0, "2025-09-26", 15, "2025-10-11"); /* a Saturday worked (调休) */
    expect_deadline(0, "2025-09-27", 15, "2025-10-13"); /* Sunday 10-12 -> Monday */
    expect_deadline(0, "2025-08-06", 60, "2025-10-09"); /* handle: 10-05 -> 10-09 */
    expect_deadline(0, "2025-09-05", 30, "2025-10-09"); /* review request: 10-05 -> 10-09 */
    expect_deadline(0, "2025-09-10", 30, "2025-10-10"); /* 10-10: a Friday */
}

static void test_calendar_days_spring_festival_2026(void **state)
{
    (void)state;
    expect_deadline(0, "2026-02-01", 15, "2026-02-24"); /* 02-16 in the holiday */
    expect_deadline(0, "2026-02-07", 15, "2026-02-24"); /* 02-22: Sunday in the holiday */
    expect_deadline(0, "2026-02-08", 15, "2026-02-24"); /* 02-23: last day off */
    expect_deadline(0, "2026-01-30", 15, "2026-02-14"); /* a Saturday worked (调休) */
    expect_deadline(0, "2026-02-13", 15, "2026-02-28"); /* a Saturday worked (调休) */
    expect_deadline(0, "2026-02-12", 15, "2026-02-27"); /* a Friday */
    expect_deadline(0, "2026-01-20", 30, "2026-02-24"); /* 02-19 -> 02-24 */
    expect_deadline(0, "2025-12-21", 60, "2026-02-24"); /* handle: 02-19 -> 02-24 */
    expect_deadline(0, "2025-12-18", 15, "2026-01-04"); /* 元旦 01-02 -> make-up Sunday 01-04 */
    expect_deadline(0, "2025-12-20", 15, "2026-01-04"); /* 01-04: a Sunday worked */
}

/* Working days: the n-th working day after the event; make-up days count. */
static void test_working_days(void **state)
{
    (void)state;
    expect_deadline(1, "2025-09-20", 15, "2025-10-16");
    expect_deadline(1, "2025-09-26", 1, "2025-09-28"); /* Friday -> make-up Sunday */
    expect_deadline(1, "2025-09-30", 1, "2025-10-09"); /* across the whole holiday */
    expect_deadline(1, "2025-10-05", 2, "2025-10-10"); /* counting from a holiday */
    expect_deadline(1, "2025-10-10", 1, "2025-10-11"); /* a Saturday worked */
    expect_deadline(1, "2026-02-10", 15, "2026-03-09");
    expect_deadline(1, "2026-02-13", 1, "2026-02-14");
    expect_deadline(1, "2026-02-14", 1, "2026-02-24");
    expect_deadline(1, "2026-02-20", 5, "2026-02-28");
    expect_deadline(1, "2026-02-20", 30, "2026-04-03");
    expect_deadline(1, "2026-02-20", 31, "2026-04-07"); /* 清明 04-04..06 off */
}

static void test_deadline_bad(void **state)
{
    (void)state;
    int32_t out = 12345;
    struct mu_error err = {0};
    assert_int_equal(mu_case_deadline(cal, 0, D("2025-01-01"), 0, &out, &err), MU_EINVAL);
    assert_int_equal(mu_case_deadline(cal, 1, D("2199-12-30"), 15, &out, &err), MU_EINVAL);
    assert_int_equal(mu_case_deadline(cal, 0, D("2199-12-30"), 15, &out, &err), MU_EINVAL);
    assert_int_equal(out, 12345);
}

static struct mu_case_step step(enum mu_case_op op, const char *on)
{
    static const char *units[] = {"street-office"};
    struct mu_case_step s = {.op = op,
                             .on = D(on),
                             .days = 10,
                             .text = "text",
                             .body = "the county office",
                             .leader = "li-ming",
                             .units = units,
                             .nunits = 1};
    return s;
}

static void apply_ok(struct mu_case_flow *f, const struct mu_case_limits *lim,
                     struct mu_case_step s)
{
    struct mu_error err = {0};
    if (mu_case_apply(f, &s, lim, cal, &err) != MU_OK)
        fail_msg("%s: %s", mu_case_op_name(s.op), err.msg);
}

static void dl_is(int32_t day, const char *want)
{
    char got[11] = "none";
    if (day != MU_CASE_NO_DAY)
        mu_date_format(day, got);
    assert_string_equal(got, want);
}

/* The whole path in both modes, with every deadline on the way. */
static void test_full_flow(void **state)
{
    (void)state;
    struct mu_case_limits lim;
    struct mu_case_deadlines d;
    struct mu_case_flow f;
    mu_case_limits_default(&lim);
    mu_case_flow_init(&f, D("2025-09-20"));
    assert_int_equal(mu_case_deadlines_compute(&f, &lim, cal, &d, NULL), MU_OK);
    dl_is(d.accept, "2025-10-09");
    dl_is(d.handle, "none");
    dl_is(d.due, "2025-10-09");
    assert_string_equal(d.due_kind, "accept");

    apply_ok(&f, &lim, step(MU_CASE_OP_ACCEPT, "2025-09-25"));
    assert_int_equal(mu_case_deadlines_compute(&f, &lim, cal, &d, NULL), MU_OK);
    dl_is(d.handle, "2025-11-24"); /* 09-25 + 60 = 11-24, a Monday */
    assert_string_equal(d.due_kind, "handle");

    struct mu_case_step ext = step(MU_CASE_OP_EXTEND, "2025-11-01");
    ext.days = 30;
    apply_ok(&f, &lim, ext);
    assert_int_equal(mu_case_deadlines_compute(&f, &lim, cal, &d, NULL), MU_OK);
    dl_is(d.handle, "2025-12-24");

    apply_ok(&f, &lim, step(MU_CASE_OP_REPLY, "2025-12-01"));
    assert_int_equal(f.state, MU_CASE_REPLIED);
    assert_int_equal(mu_case_deadlines_compute(&f, &lim, cal, &d, NULL), MU_OK);
    dl_is(d.review_request, "2025-12-31");
    dl_is(d.due, "none");

    apply_ok(&f, &lim, step(MU_CASE_OP_REVIEW, "2025-12-21"));
    assert_int_equal(f.state, MU_CASE_REVIEW);
    assert_int_equal(mu_case_deadlines_compute(&f, &lim, cal, &d, NULL), MU_OK);
    dl_is(d.review, "2026-01-20");
    assert_string_equal(d.due_kind, "review");

    apply_ok(&f, &lim, step(MU_CASE_OP_REPLY, "2026-01-20"));
    assert_int_equal(f.state, MU_CASE_REVIEWED);
    assert_int_equal(mu_case_deadlines_compute(&f, &lim, cal, &d, NULL), MU_OK);
    dl_is(d.review_request, "2026-02-24"); /* 02-19 in the Spring Festival */

    apply_ok(&f, &lim, step(MU_CASE_OP_REVIEW, "2026-02-24")); /* the last day still counts */
    assert_int_equal(f.state, MU_CASE_REREVIEW);
    assert_int_equal(mu_case_deadlines_compute(&f, &lim, cal, &d, NULL), MU_OK);
    dl_is(d.review, "2026-03-26");

    apply_ok(&f, &lim, step(MU_CASE_OP_REPLY, "2026-03-20"));
    assert_int_equal(f.state, MU_CASE_REREVIEWED);
    assert_int_equal(mu_case_deadlines_compute(&f, &lim, cal, &d, NULL), MU_OK);
    dl_is(d.review_request, "none");
    apply_ok(&f, &lim, step(MU_CASE_OP_CLOSE, "2026-03-21"));
    assert_int_equal(f.state, MU_CASE_CLOSED);

    /* Working days: the same case counted in working days. */
    lim.workdays = 1;
    mu_case_flow_init(&f, D("2025-09-20"));
    apply_ok(&f, &lim, step(MU_CASE_OP_ACCEPT, "2025-09-30"));
    assert_int_equal(mu_case_deadlines_compute(&f, &lim, cal, &d, NULL), MU_OK);
    dl_is(d.accept, "2025-10-16");
    lim.handle = 3;
    assert_int_equal(mu_case_deadlines_compute(&f, &lim, cal, &d, NULL), MU_OK);
    dl_is(d.handle, "2025-10-11"); /* 10-09, 10-10, Saturday 10-11 worked */
}

/* Which steps each state allows; everything else is refused. */
static int allowed(enum mu_case_state s, enum mu_case_op op)
{
    switch (op) {
    case MU_CASE_OP_ACCEPT:
    case MU_CASE_OP_REJECT:
        return s == MU_CASE_REGISTERED;
    case MU_CASE_OP_ASSIGN:
        return s == MU_CASE_REGISTERED || s == MU_CASE_ACCEPTED || s == MU_CASE_REVIEW ||
               s == MU_CASE_REREVIEW;
    case MU_CASE_OP_NOTE:
        return s != MU_CASE_CLOSED;
    case MU_CASE_OP_EXTEND:
        return s == MU_CASE_ACCEPTED;
    case MU_CASE_OP_REPLY:
        return s == MU_CASE_ACCEPTED || s == MU_CASE_REVIEW || s == MU_CASE_REREVIEW;
    case MU_CASE_OP_REVIEW:
        return s == MU_CASE_REPLIED || s == MU_CASE_REVIEWED;
    case MU_CASE_OP_CLOSE:
        return s == MU_CASE_REJECTED || s == MU_CASE_REPLIED || s == MU_CASE_REVIEWED ||
               s == MU_CASE_REREVIEWED;
    }
    return 0;
}

/* A flow in state @p s reached through real steps (the closed one after a rejection). */
static void reach(enum mu_case_state s, const struct mu_case_limits *lim, struct mu_case_flow *f)
{
    mu_case_flow_init(f, D("2025-09-01"));
    if (s == MU_CASE_REGISTERED)
        return;
    if (s == MU_CASE_REJECTED || s == MU_CASE_CLOSED) {
        apply_ok(f, lim, step(MU_CASE_OP_REJECT, "2025-09-02"));
        if (s == MU_CASE_CLOSED)
            apply_ok(f, lim, step(MU_CASE_OP_CLOSE, "2025-09-03"));
        return;
    }
    apply_ok(f, lim, step(MU_CASE_OP_ACCEPT, "2025-09-02"));
    if (s == MU_CASE_ACCEPTED)
        return;
    apply_ok(f, lim, step(MU_CASE_OP_REPLY, "2025-09-03"));
    if (s == MU_CASE_REPLIED)
        return;
    apply_ok(f, lim, step(MU_CASE_OP_REVIEW, "2025-09-04"));
    if (s == MU_CASE_REVIEW)
        return;
    apply_ok(f, lim, step(MU_CASE_OP_REPLY, "2025-09-05"));
    if (s == MU_CASE_REVIEWED)
        return;
    apply_ok(f, lim, step(MU_CASE_OP_REVIEW, "2025-09-06"));
    if (s == MU_CASE_REREVIEW)
        return;
    apply_ok(f, lim, step(MU_CASE_OP_REPLY, "2025-09-07"));
}

static void test_refused_transitions(void **state)
{
    (void)state;
    struct mu_case_limits lim;
    mu_case_limits_default(&lim);
    int refused = 0;
    for (int s = 0; s < MU_CASE_NSTATES; s++)
        for (int op = MU_CASE_OP_ACCEPT; op <= MU_CASE_OP_CLOSE; op++) {
            struct mu_case_flow f, before;
            reach((enum mu_case_state)s, &lim, &f);
            assert_int_equal(f.state, s);
            before = f;
            struct mu_case_step st = step((enum mu_case_op)op, "2025-09-10");
            struct mu_error err = {0};
            enum mu_err rc = mu_case_apply(&f, &st, &lim, cal, &err);
            if (allowed((enum mu_case_state)s, (enum mu_case_op)op)) {
                if (rc != MU_OK)
                    fail_msg("%s in %s refused: %s", mu_case_op_name(op), mu_case_state_name(s),
                             err.msg);
                continue;
            }
            refused++;
            if (rc != MU_ECONFLICT)
                fail_msg("%s in %s: rc %d, want a refusal", mu_case_op_name(op),
                         mu_case_state_name(s), rc);
            char want[64];
            snprintf(want, sizeof(want), "the case is '%s'", mu_case_state_name(s));
            if (!strstr(err.msg, want))
                fail_msg("%s in %s: message '%s' does not name the state", mu_case_op_name(op),
                         mu_case_state_name(s), err.msg);
            assert_memory_equal(&f, &before, sizeof(f));
        }
    assert_int_equal(refused, 48);
}

static void test_extension_and_limits(void **state)
{
    (void)state;
    struct mu_case_limits lim;
    struct mu_case_flow f, before;
    struct mu_error err = {0};
    mu_case_limits_default(&lim);
    reach(MU_CASE_ACCEPTED, &lim, &f);
    struct mu_case_step e = step(MU_CASE_OP_EXTEND, "2025-09-10");
    e.days = 31;
    before = f;
    assert_int_equal(mu_case_apply(&f, &e, &lim, cal, &err), MU_EINVAL);
    assert_string_equal(err.field, "days");
    e.days = 30;
    e.text = "";
    assert_int_equal(mu_case_apply(&f, &e, &lim, cal, &err), MU_EINVAL);
    assert_memory_equal(&f, &before, sizeof(f));
    e.text = "needs a site visit";
    apply_ok(&f, &lim, e);
    before = f;
    e.on = D("2025-09-11");
    assert_int_equal(mu_case_apply(&f, &e, &lim, cal, &err), MU_ECONFLICT);
    assert_string_equal(err.msg,
                        "cannot extend: the case is 'accepted' (it was already extended once)");
    assert_memory_equal(&f, &before, sizeof(f));

    /* Extension after the limit ended. */
    reach(MU_CASE_ACCEPTED, &lim, &f); /* accepted 2025-09-02: handle by 2025-11-03 */
    e.on = D("2025-11-04");
    assert_int_equal(mu_case_apply(&f, &e, &lim, cal, &err), MU_ECONFLICT);
    assert_string_equal(err.msg, "cannot extend: the time limit ended on 2025-11-03");

    /* Reply before acceptance; rejection without a body; dates going back. */
    reach(MU_CASE_REGISTERED, &lim, &f);
    struct mu_case_step r = step(MU_CASE_OP_REPLY, "2025-09-10");
    assert_int_equal(mu_case_apply(&f, &r, &lim, cal, &err), MU_ECONFLICT);
    assert_string_equal(err.msg, "cannot reply: the case is 'registered' (accept it first)");
    struct mu_case_step j = step(MU_CASE_OP_REJECT, "2025-09-10");
    j.body = NULL;
    assert_int_equal(mu_case_apply(&f, &j, &lim, cal, &err), MU_EINVAL);
    assert_string_equal(err.field, "body");
    struct mu_case_step a = step(MU_CASE_OP_ACCEPT, "2025-08-31");
    assert_int_equal(mu_case_apply(&f, &a, &lim, cal, &err), MU_EINVAL);
    assert_string_equal(err.msg, "date 2025-08-31 is before the last step on 2025-09-01");

    /* A review asked for after its window; then from a closed case within it. */
    reach(MU_CASE_REPLIED, &lim, &f); /* replied 2025-09-03: window to 2025-10-09 (10-03 off) */
    struct mu_case_step v = step(MU_CASE_OP_REVIEW, "2025-10-10");
    assert_int_equal(mu_case_apply(&f, &v, &lim, cal, &err), MU_ECONFLICT);
    assert_string_equal(err.msg, "cannot review: the time to ask for it ended on 2025-10-09");
    apply_ok(&f, &lim, step(MU_CASE_OP_CLOSE, "2025-09-05"));
    v.on = D("2025-10-09");
    apply_ok(&f, &lim, v);
    assert_int_equal(f.state, MU_CASE_REVIEW);
    assert_int_equal(f.closed, MU_CASE_NO_DAY);
}

static void test_codes(void **state)
{
    (void)state;
    unsigned char idx[12] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 30};
    char code[MU_CASE_CODE_LEN + 1], norm[MU_CASE_CODE_LEN + 1];
    mu_case_code_from(idx, code);
    assert_string_equal(code, "2345-6789-ABCZ");
    assert_int_equal(mu_case_code_normalize("2345 6789 abcz", norm, NULL), MU_OK);
    assert_string_equal(norm, code);
    assert_int_equal(mu_case_code_normalize("23456789ABCZ", norm, NULL), MU_OK);
    assert_string_equal(norm, code);
    struct mu_error err = {0};
    assert_int_equal(mu_case_code_normalize("2345-6789-ABC0", norm, &err), MU_EINVAL); /* 0 */
    assert_int_equal(mu_case_code_normalize("2345-6789-ABCI", norm, &err), MU_EINVAL); /* I */
    assert_int_equal(mu_case_code_normalize("2345-6789-ABCL", norm, &err), MU_EINVAL); /* L */
    assert_int_equal(mu_case_code_normalize("2345-6789-ABC", norm, &err), MU_EINVAL);
    assert_int_equal(mu_case_code_normalize("2345-6789-ABCDE", norm, &err), MU_EINVAL);
    assert_int_equal(strlen(MU_CASE_CODE_ALPHABET), 31);
    assert_null(strpbrk(MU_CASE_CODE_ALPHABET, "01OIL"));
    char a[MU_CASE_CODE_LEN + 1], b[MU_CASE_CODE_LEN + 1];
    mu_case_code_generate(a);
    mu_case_code_generate(b);
    assert_int_equal(mu_case_code_normalize(a, norm, NULL), MU_OK);
    assert_string_equal(norm, a);
    assert_string_not_equal(a, b);

    char l4[5];
    assert_int_equal(mu_case_phone_last4("+86 138-0013-8000", l4, NULL), MU_OK);
    assert_string_equal(l4, "8000");
    assert_int_equal(mu_case_phone_last4("0571 8765 4321", l4, NULL), MU_OK);
    assert_string_equal(l4, "4321");
    assert_int_equal(mu_case_phone_last4("12-3", l4, &err), MU_EINVAL);
}

static void test_seal(void **state)
{
    (void)state;
    struct mu_case_keyring kr = {.n = 1}, other = {.n = 1};
    mu_case_key_generate(&kr.keys[0]);
    mu_case_key_generate(&other.keys[0]);
    char *s1 = NULL, *s2 = NULL, *plain = NULL;
    struct mu_error err = {0};
    assert_int_equal(mu_case_seal(&kr, "张三 13800138000", &s1, &err), MU_OK);
    assert_int_equal(mu_case_seal(&kr, "张三 13800138000", &s2, &err), MU_OK);
    assert_string_not_equal(s1, s2); /* a fresh nonce each time */
    assert_null(strstr(s1, "13800138000"));
    assert_memory_equal(s1, kr.keys[0].id, MU_CASE_KEY_ID_LEN);
    assert_int_equal(mu_case_open(&kr, s1, &plain, &err), MU_OK);
    assert_string_equal(plain, "张三 13800138000");
    mu_free(plain);
    assert_int_equal(mu_case_open(&other, s1, &plain, &err), MU_ENOTFOUND);
    memcpy(s2, other.keys[0].id, MU_CASE_KEY_ID_LEN); /* claim the wrong key */
    assert_int_equal(mu_case_open(&other, s2, &plain, &err), MU_EINVAL);
    mu_free(s1);
    mu_free(s2);
    char h1[65], h2[65], h3[65];
    assert_int_equal(mu_case_lookup_hash(&kr, "8000", "2345-6789-ABCZ", h1, NULL), MU_OK);
    assert_int_equal(mu_case_lookup_hash(&kr, "8000", "2345-6789-ABCZ", h2, NULL), MU_OK);
    assert_int_equal(mu_case_lookup_hash(&other, "8000", "2345-6789-ABCZ", h3, NULL), MU_OK);
    assert_string_equal(h1, h2);
    assert_string_not_equal(h1, h3);
    char *empty = (char *)1;
    assert_int_equal(mu_case_seal(&kr, "", &empty, NULL), MU_OK);
    assert_null(empty);
    mu_case_keyring_wipe(&kr);
    mu_case_keyring_wipe(&other);
}

static void test_challenge(void **state)
{
    (void)state;
    struct mu_case_keyring kr = {.n = 1}, other = {.n = 1};
    mu_case_key_generate(&kr.keys[0]);
    mu_case_key_generate(&other.keys[0]);
    char token[128], question[32];
    struct mu_error err = {0};
    int64_t now = 1760000000000;
    assert_int_equal(mu_case_challenge_make(&kr, now, token, question, &err), MU_OK);
    unsigned a = 0, b = 0;
    assert_int_equal(sscanf(question, "%u + %u", &a, &b), 2);
    assert_true(a >= 1 && a <= 20 && b >= 1 && b <= 20);
    long sum = (long)(a + b);
    assert_int_equal(mu_case_challenge_check(&kr, now + 1000, token, sum, &err), MU_OK);
    assert_int_equal(mu_case_challenge_check(&kr, now + 1000, token, sum + 1, &err), MU_EINVAL);
    assert_string_equal(err.field, "answer");
    assert_int_equal(mu_case_challenge_check(&kr, now + 600001, token, sum, &err), MU_EINVAL);
    assert_string_equal(err.msg, "the challenge has expired");
    assert_int_equal(mu_case_challenge_check(&other, now, token, sum, &err), MU_EINVAL);
    assert_string_equal(err.msg, "the challenge is not valid");
    token[5] = token[5] == 'A' ? 'B' : 'A';
    assert_int_equal(mu_case_challenge_check(&kr, now, token, sum, &err), MU_EINVAL);
    assert_int_equal(mu_case_challenge_check(&kr, now, "", sum, &err), MU_EINVAL);
    mu_case_keyring_wipe(&kr);
    mu_case_keyring_wipe(&other);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_calendar_days_national_day_2025),
        cmocka_unit_test(test_calendar_days_spring_festival_2026),
        cmocka_unit_test(test_working_days),
        cmocka_unit_test(test_deadline_bad),
        cmocka_unit_test(test_full_flow),
        cmocka_unit_test(test_refused_transitions),
        cmocka_unit_test(test_extension_and_limits),
        cmocka_unit_test(test_codes),
        cmocka_unit_test(test_seal),
        cmocka_unit_test(test_challenge),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
