/* SPDX-License-Identifier: MIT */
/* Plan syntax helpers: ids, targets, comparisons, edit distance and suggestions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/plan_model.h"

static void test_ids(void **state)
{
    (void)state;
    assert_true(mu_plan_id_valid("li-ming", 7, 0));
    assert_true(mu_plan_id_valid("a_1", 3, 0));
    assert_true(mu_plan_id_valid("9", 1, 0));
    assert_false(mu_plan_id_valid("", 0, 0));
    assert_false(mu_plan_id_valid("-a", 2, 0));
    assert_false(mu_plan_id_valid("Li", 2, 0));
    assert_true(mu_plan_id_valid("IV", 2, 1));
    assert_false(mu_plan_id_valid("li ming", 7, 0));
    char long_id[66];
    memset(long_id, 'a', sizeof(long_id));
    assert_true(mu_plan_id_valid(long_id, 64, 0));
    assert_false(mu_plan_id_valid(long_id, 65, 0));
}

static void test_targets(void **state)
{
    (void)state;
    enum mu_plan_target_kind k;
    const char *ref;
    assert_true(mu_plan_target_parse("person:li", &k, &ref));
    assert_int_equal(k, MU_TARGET_PERSON);
    assert_string_equal(ref, "li");
    assert_true(mu_plan_target_parse("leader:evac", &k, &ref));
    assert_int_equal(k, MU_TARGET_LEADER);
    assert_true(mu_plan_target_parse("role:带班领导", &k, &ref));
    assert_int_equal(k, MU_TARGET_ROLE);
    assert_string_equal(ref, "带班领导");
    assert_true(mu_plan_target_parse("duty", &k, &ref));
    assert_int_equal(k, MU_TARGET_DUTY);
    assert_true(mu_plan_target_parse("wang-wu", &k, &ref));
    assert_int_equal(k, MU_TARGET_PERSON);
    assert_false(mu_plan_target_parse("group:x", &k, &ref));
    assert_false(mu_plan_target_parse("role:", &k, &ref));
    assert_false(mu_plan_target_parse("team:", &k, &ref));
}

static void test_conditions(void **state)
{
    (void)state;
    enum mu_cond_op op;
    double v;
    assert_true(mu_plan_cond_parse(">= 15", &op, &v));
    assert_int_equal(op, MU_OP_GE);
    assert_true(v == 15);
    assert_true(mu_plan_cond_parse("<3.5", &op, &v));
    assert_int_equal(op, MU_OP_LT);
    assert_true(v == 3.5);
    assert_true(mu_plan_cond_parse("!= 0", &op, &v));
    assert_int_equal(op, MU_OP_NE);
    assert_false(mu_plan_cond_parse("15", &op, &v));
    assert_false(mu_plan_cond_parse("about 15", &op, &v));
    assert_false(mu_plan_cond_parse(">= ", &op, &v));
    assert_false(mu_plan_cond_parse(">= 1e3", &op, &v));
    assert_false(mu_plan_cond_parse(">= 15 people", &op, &v));
    assert_false(mu_plan_cond_parse("=> 15", &op, &v));
}

static void test_suggest(void **state)
{
    (void)state;
    assert_int_equal(mu_plan_edit_distance("leeder", "leader"), 1);
    assert_int_equal(mu_plan_edit_distance("", "abc"), 3);
    assert_int_equal(mu_plan_edit_distance("kitten", "sitting"), 3);
    struct mu_plan_suggest s;
    mu_plan_suggest_init(&s, "leeder");
    mu_plan_suggest_offer(&s, "id");
    mu_plan_suggest_offer(&s, "leader");
    mu_plan_suggest_offer(&s, "members");
    assert_string_equal(s.best, "leader");
    mu_plan_suggest_init(&s, "x");
    mu_plan_suggest_offer(&s, "id");
    assert_null(s.best);
    mu_plan_suggest_init(&s, "zzzzzz");
    mu_plan_suggest_offer(&s, "leader");
    assert_null(s.best);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ids),
        cmocka_unit_test(test_targets),
        cmocka_unit_test(test_conditions),
        cmocka_unit_test(test_suggest),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
