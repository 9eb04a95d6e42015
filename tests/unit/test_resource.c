/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the resource rules (src/core/resource.c): quantities (whole,
 * non-negative unless an adjustment, bounded), movements (never below zero,
 * no more returned than went out, positive amounts) and the low-stock and
 * expiry alerts at their edges.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <muster/register.h>

static void test_quantity(void **state)
{
    (void)state;
    int64_t v = 0;
    struct mu_error err = {0};
    assert_int_equal(mu_quantity_parse("quantity", "40", 0, &v, &err), MU_OK);
    assert_int_equal(v, 40);
    assert_int_equal(mu_quantity_parse("quantity", "-3", 0, &v, &err), MU_EINVAL);
    assert_string_equal(err.field, "quantity");
    assert_string_equal(err.msg, "quantity: '-3' is negative");
    assert_int_equal(mu_quantity_parse("by", "-3", 1, &v, &err), MU_OK);
    assert_int_equal(v, -3);
    assert_int_equal(mu_quantity_parse("quantity", "1.5", 0, &v, &err), MU_EINVAL);
    assert_string_equal(err.msg, "quantity: '1.5' is not a whole number");
    assert_int_equal(mu_quantity_parse("quantity", "", 0, &v, &err), MU_EINVAL);
    assert_int_equal(mu_quantity_parse("quantity", "-", 1, &v, &err), MU_EINVAL);
    assert_int_equal(mu_quantity_parse("quantity", "99999999999999999999", 0, &v, &err),
                     MU_EINVAL);
    assert_int_equal(mu_quantity_parse("quantity", "-0", 0, &v, &err), MU_OK);
    assert_int_equal(v, 0);
}

static void test_moves(void **state)
{
    (void)state;
    int64_t after = -1;
    struct mu_error err = {0};
    assert_int_equal(mu_resource_move(10, MU_MOVE_ADJUST, -10, 0, &after, &err), MU_OK);
    assert_int_equal(after, 0);
    assert_int_equal(mu_resource_move(10, MU_MOVE_ADJUST, -11, 0, &after, &err), MU_EINVAL);
    assert_string_equal(err.field, "by");
    assert_int_equal(mu_resource_move(10, MU_MOVE_ADJUST, 0, 0, &after, &err), MU_EINVAL);
    assert_int_equal(mu_resource_move(10, MU_MOVE_ASSIGN, 10, 0, &after, &err), MU_OK);
    assert_int_equal(after, 0);
    assert_int_equal(mu_resource_move(10, MU_MOVE_ASSIGN, 11, 0, &after, &err), MU_EINVAL);
    assert_string_equal(err.field, "quantity");
    assert_int_equal(mu_resource_move(10, MU_MOVE_ASSIGN, 0, 0, &after, &err), MU_EINVAL);
    assert_int_equal(mu_resource_move(5, MU_MOVE_RETURN, 3, 3, &after, &err), MU_OK);
    assert_int_equal(after, 8);
    assert_int_equal(mu_resource_move(5, MU_MOVE_RETURN, 4, 3, &after, &err), MU_EINVAL);
    assert_non_null(strstr(err.msg, "only 3 are out"));
    assert_int_equal(mu_resource_move(MU_REG_QUANTITY_MAX, MU_MOVE_ADJUST, 1, 0, &after, &err),
                     MU_EINVAL);
}

static void test_alerts(void **state)
{
    (void)state;
    int32_t today = 20000;
    assert_int_equal(mu_resource_alerts(MU_RESOURCE_AVAILABLE, 29, 30, -1, today, 30),
                     MU_ALERT_LOW);
    assert_int_equal(mu_resource_alerts(MU_RESOURCE_AVAILABLE, 30, 30, -1, today, 30), 0);
    assert_int_equal(mu_resource_alerts(MU_RESOURCE_AVAILABLE, 0, 0, -1, today, 30), 0);
    assert_int_equal(mu_resource_alerts(MU_RESOURCE_AVAILABLE, 5, 0, today + 30, today, 30),
                     MU_ALERT_EXPIRING);
    assert_int_equal(mu_resource_alerts(MU_RESOURCE_AVAILABLE, 5, 0, today + 31, today, 30), 0);
    assert_int_equal(mu_resource_alerts(MU_RESOURCE_AVAILABLE, 5, 0, today, today, 30),
                     MU_ALERT_EXPIRING);
    assert_int_equal(mu_resource_alerts(MU_RESOURCE_AVAILABLE, 5, 10, today - 1, today, 30),
                     MU_ALERT_EXPIRED | MU_ALERT_LOW);
    assert_int_equal(mu_resource_alerts(MU_RESOURCE_RETIRED, 5, 10, today - 1, today, 30), 0);
}

static void test_names(void **state)
{
    (void)state;
    enum mu_resource_category c = MU_RESOURCE_CASH;
    enum mu_resource_status s = MU_RESOURCE_AVAILABLE;
    struct mu_error err = {0};
    assert_int_equal(mu_resource_category_parse("vehicle", &c, &err), MU_OK);
    assert_int_equal(c, MU_RESOURCE_VEHICLE);
    assert_string_equal(mu_resource_category_label(MU_RESOURCE_SUPPLY), "物资");
    assert_int_equal(mu_resource_category_parse("food", &c, &err), MU_EINVAL);
    assert_string_equal(err.field, "category");
    assert_int_equal(mu_resource_status_parse("retired", &s, &err), MU_OK);
    assert_int_equal(mu_resource_status_parse("lost", &s, &err), MU_EINVAL);
    assert_string_equal(err.field, "status");
    assert_string_equal(mu_resource_move_name(MU_MOVE_RETURN), "return");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quantity),
        cmocka_unit_test(test_moves),
        cmocka_unit_test(test_alerts),
        cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests_name("resource", tests, NULL, NULL);
}
