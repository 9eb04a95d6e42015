/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the drill register rules (src/core/drillrec.c): drill
 * kinds, parsing terms (order, overlap, bad dates, empty parts), and the
 * due check: the term containing the day, drills counted only inside it
 * and only of their kind, the warning window at its edge.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <muster/date.h>
#include <muster/register.h>

static int32_t d(int y, int m, int day)
{
    return mu_date_from_ymd(y, m, day);
}

static void test_kinds(void **state)
{
    (void)state;
    struct mu_error err = {0};
    assert_int_equal(mu_drill_kind_check("fire-evacuation", &err), MU_OK);
    assert_int_equal(mu_drill_kind_check("Fire", &err), MU_EINVAL);
    assert_string_equal(err.field, "kind");
    assert_int_equal(mu_drill_kind_check("", &err), MU_EINVAL);
    assert_int_equal(mu_drill_kind_check("fire evacuation", &err), MU_EINVAL);
    assert_string_equal(mu_drill_kind_label("earthquake"), "地震避险");
    assert_string_equal(mu_drill_kind_label("custom-kind"), "custom-kind");
}

static void test_terms(void **state)
{
    (void)state;
    struct mu_drill_term t[4];
    size_t n = 0;
    struct mu_error err = {0};
    assert_int_equal(mu_drill_terms_parse("2026-09-01..2027-01-20, 2026-02-23..2026-07-10", t, 4,
                                          &n, &err),
                     MU_OK);
    assert_int_equal(n, 2);
    assert_int_equal(t[0].from, d(2026, 2, 23)); /* sorted */
    assert_int_equal(t[1].to, d(2027, 1, 20));
    assert_int_equal(mu_drill_terms_parse("2026-02-23..2026-07-10,2026-07-01..2026-08-01", t, 4,
                                          &n, &err),
                     MU_EINVAL);
    assert_non_null(strstr(err.msg, "overlaps"));
    assert_string_equal(err.field, "drill.terms");
    assert_int_equal(mu_drill_terms_parse("2026-02-30..2026-07-10", t, 4, &n, &err), MU_EINVAL);
    assert_non_null(strstr(err.msg, "not a date"));
    assert_int_equal(mu_drill_terms_parse("2026-07-10..2026-02-23", t, 4, &n, &err), MU_EINVAL);
    assert_int_equal(mu_drill_terms_parse("2026-02-23", t, 4, &n, &err), MU_EINVAL);
    assert_int_equal(mu_drill_terms_parse("2026-02-23..2026-07-10,", t, 4, &n, &err), MU_EINVAL);
    assert_int_equal(mu_drill_terms_parse("", t, 4, &n, &err), MU_EINVAL);
    assert_int_equal(mu_drill_terms_parse("2026-01-01..2026-01-02,2026-02-01..2026-02-02", t, 1,
                                          &n, &err),
                     MU_ELIMIT);
}

static void test_due(void **state)
{
    (void)state;
    struct mu_drill_term t[2] = {{d(2026, 2, 23), d(2026, 7, 10)}, {d(2026, 9, 1), d(2027, 1, 20)}};
    struct mu_drill_requirement req[2] = {{"fire-evacuation", 1}, {"earthquake", 2}};
    struct mu_drill_held held[4] = {
        {"fire-evacuation", d(2026, 1, 5)},  /* before the term: does not count */
        {"earthquake", d(2026, 3, 1)},
        {"fire-evacuation", d(2026, 9, 10)}, /* next term */
        {"flood", d(2026, 3, 2)},            /* not required */
    };
    struct mu_drill_due out[2];
    /* 2026-06-30: 10 days left; nothing of fire-evacuation, 1 of 2 earthquake drills. */
    size_t n = mu_drill_due_check(t, 2, req, 2, held, 4, d(2026, 6, 30), 14, out);
    assert_int_equal(n, 2);
    assert_int_equal(out[0].held, 0);
    assert_int_equal(out[0].days_left, 10);
    assert_true(out[0].warn);
    assert_int_equal(out[1].held, 1);
    assert_true(out[1].warn);
    /* Same day, a 9-day window: not yet. */
    n = mu_drill_due_check(t, 2, req, 2, held, 4, d(2026, 6, 30), 9, out);
    assert_false(out[0].warn);
    /* Exactly at the window's edge: warns. */
    n = mu_drill_due_check(t, 2, req, 2, held, 4, d(2026, 6, 30), 10, out);
    assert_true(out[0].warn);
    /* Next term: the fire drill was held. */
    n = mu_drill_due_check(t, 2, req, 2, held, 4, d(2027, 1, 15), 14, out);
    assert_int_equal(n, 2);
    assert_int_equal(out[0].held, 1);
    assert_false(out[0].warn);
    assert_true(out[1].warn);
    /* Between terms: nothing to say. */
    assert_int_equal(mu_drill_due_check(t, 2, req, 2, held, 4, d(2026, 8, 1), 14, out), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kinds),
        cmocka_unit_test(test_terms),
        cmocka_unit_test(test_due),
    };
    return cmocka_run_group_tests_name("drillrec", tests, NULL, NULL);
}
