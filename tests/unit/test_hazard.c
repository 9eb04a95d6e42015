/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the hazard rules (src/core/hazard.c): severity and state
 * names, rectification only by the owner and only when open, verification
 * never by the person who rectified (the error names the field and the
 * rule), closed hazards, overdue, and the reminder times before and at the
 * deadline.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <muster/date.h>
#include <muster/register.h>

static struct mu_hazard sample(enum mu_hazard_state st, char *rectified_by)
{
    static char owner[] = "li-na";
    struct mu_hazard h = {.id = 7, .owner = owner, .state = st, .rectified_by = rectified_by};
    h.due = mu_date_from_ymd(2026, 3, 10);
    return h;
}

static void test_names(void **state)
{
    (void)state;
    enum mu_hazard_severity v = MU_HAZARD_LOW;
    struct mu_error err = {0};
    assert_int_equal(mu_hazard_severity_parse("high", &v, &err), MU_OK);
    assert_int_equal(v, MU_HAZARD_HIGH);
    assert_string_equal(mu_hazard_severity_name(MU_HAZARD_MEDIUM), "medium");
    assert_string_equal(mu_hazard_severity_label(MU_HAZARD_HIGH), "高");
    assert_int_equal(mu_hazard_severity_parse("High", &v, &err), MU_EINVAL);
    assert_string_equal(err.field, "severity");
    assert_int_equal(mu_hazard_severity_parse(NULL, &v, &err), MU_EINVAL);
    enum mu_hazard_state st = MU_HAZARD_OPEN;
    assert_int_equal(mu_hazard_state_parse("verified", &st, NULL), MU_OK);
    assert_int_equal(st, MU_HAZARD_VERIFIED);
    assert_int_equal(mu_hazard_state_parse("closed", &st, &err), MU_EINVAL);
    assert_string_equal(err.field, "state");
    assert_string_equal(mu_hazard_state_label(MU_HAZARD_RECTIFIED), "已整改待验收");
}

static void test_rectify(void **state)
{
    (void)state;
    char none[] = "";
    struct mu_error err = {0};
    struct mu_hazard h = sample(MU_HAZARD_OPEN, none);
    assert_int_equal(mu_hazard_check_rectify(&h, "li-na", &err), MU_OK);
    assert_int_equal(mu_hazard_check_rectify(&h, "zhang-min", &err), MU_EINVAL);
    assert_string_equal(err.field, "by");
    assert_non_null(strstr(err.msg, "rectified by the owner"));
    h.state = MU_HAZARD_RECTIFIED;
    assert_int_equal(mu_hazard_check_rectify(&h, "li-na", &err), MU_ECONFLICT);
    assert_string_equal(err.field, "state");
}

static void test_verify_never_by_rectifier(void **state)
{
    (void)state;
    char who[] = "li-na", none[] = "";
    struct mu_error err = {0};
    struct mu_hazard open = sample(MU_HAZARD_OPEN, none);
    assert_int_equal(mu_hazard_check_verify(&open, "liu-gang", &err), MU_ECONFLICT);
    assert_string_equal(err.field, "state");
    struct mu_hazard h = sample(MU_HAZARD_RECTIFIED, who);
    assert_int_equal(mu_hazard_check_verify(&h, "li-na", &err), MU_EINVAL);
    assert_string_equal(err.field, "by");
    assert_non_null(strstr(err.msg, "rule: verified by someone else"));
    assert_int_equal(mu_hazard_check_verify(&h, "", &err), MU_EINVAL);
    assert_int_equal(mu_hazard_check_verify(&h, "liu-gang", &err), MU_OK);
    h.state = MU_HAZARD_VERIFIED;
    assert_int_equal(mu_hazard_check_verify(&h, "liu-gang", &err), MU_ECONFLICT);
    assert_int_equal(mu_hazard_check_open(&h, "reassign", &err), MU_ECONFLICT);
    assert_non_null(strstr(err.msg, "cannot reassign"));
    h.state = MU_HAZARD_RECTIFIED;
    assert_int_equal(mu_hazard_check_open(&h, "reassign", &err), MU_OK);
}

static void test_overdue(void **state)
{
    (void)state;
    char none[] = "", who[] = "li-na";
    struct mu_hazard h = sample(MU_HAZARD_OPEN, none);
    assert_false(mu_hazard_overdue(&h, h.due));     /* the deadline day itself */
    assert_true(mu_hazard_overdue(&h, h.due + 1));  /* the day after */
    h.state = MU_HAZARD_RECTIFIED;
    h.rectified_by = who;
    assert_false(mu_hazard_overdue(&h, h.due + 30)); /* waiting for verification */
}

static void test_reminders(void **state)
{
    (void)state;
    int32_t due = mu_date_from_ymd(2026, 3, 10);
    int64_t at[2];
    int before[2];
    /* Long before: both, 3 days before and on the day, at 09:00 local. */
    size_t n = mu_hazard_reminders(due, mu_local_ms(due - 30, 0), at, before);
    assert_int_equal(n, 2);
    assert_int_equal(at[0], mu_local_ms(due - 3, 9 * 60));
    assert_int_equal(before[0], 1);
    assert_int_equal(at[1], mu_local_ms(due, 9 * 60));
    assert_int_equal(before[1], 0);
    /* Two days before: only the one on the day. */
    n = mu_hazard_reminders(due, mu_local_ms(due - 2, 0), at, before);
    assert_int_equal(n, 1);
    assert_int_equal(at[0], mu_local_ms(due, 9 * 60));
    /* Exactly at the early reminder: still made; after the deadline's: none. */
    assert_int_equal(mu_hazard_reminders(due, mu_local_ms(due - 3, 9 * 60), at, before), 2);
    assert_int_equal(mu_hazard_reminders(due, mu_local_ms(due, 9 * 60) + 1, at, before), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_rectify),
        cmocka_unit_test(test_verify_never_by_rectifier),
        cmocka_unit_test(test_overdue),
        cmocka_unit_test(test_reminders),
    };
    return cmocka_run_group_tests_name("hazard", tests, NULL, NULL);
}
