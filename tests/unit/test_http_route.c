/* SPDX-License-Identifier: MIT */
/* Unit tests for route patterns and path matching (include/muster/route.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include <muster/route.h>

static int match(const char *pattern, const char *path, struct mu_route_params *p)
{
    return mu_route_match(pattern, path, strlen(path), p);
}

static void literal_paths(void **state)
{
    (void)state;
    struct mu_route_params p;
    assert_true(match("/api/v1/health", "/api/v1/health", &p));
    assert_int_equal(p.n, 0);
    assert_true(match("/", "/", NULL));
    const char *miss[] = {"/api/v1/health/", "/api/v1/healthz", "/api/v1/healt", "/api/v1",
                          "/api//v1/health", "api/v1/health", "", "/API/v1/health",
                          "/api/v1/%68ealth", "/api/v1/health/x"};
    for (size_t i = 0; i < sizeof(miss) / sizeof(miss[0]); i++)
        assert_false(match("/api/v1/health", miss[i], &p));
    assert_false(match("/", "/x", NULL));
    assert_false(match("/", "//", NULL));
}

static void parameters_capture_one_segment(void **state)
{
    (void)state;
    struct mu_route_params p;
    assert_true(match("/api/v1/plans/{id}/versions/{n}", "/api/v1/plans/school%20A/versions/3",
                      &p));
    assert_int_equal(p.n, 2);
    assert_int_equal(p.v[0].name_len, 2);
    assert_memory_equal(p.v[0].name, "id", 2);
    assert_int_equal(p.v[0].value_len, strlen("school%20A"));
    assert_memory_equal(p.v[0].value, "school%20A", p.v[0].value_len);
    assert_memory_equal(p.v[1].name, "n", 1);
    assert_int_equal(p.v[1].value_len, 1);
    assert_memory_equal(p.v[1].value, "3", 1);

    assert_false(match("/api/v1/plans/{id}", "/api/v1/plans/", &p));      /* empty */
    assert_false(match("/api/v1/plans/{id}", "/api/v1/plans", &p));
    assert_false(match("/api/v1/plans/{id}", "/api/v1/plans/a/b", &p));   /* one segment */
    assert_true(match("/{a}", "/x", &p));
    assert_int_equal(p.n, 1);
}

static void only_the_length_given_is_read(void **state)
{
    (void)state;
    const char *s = "/api/v1/health?limit=5";
    assert_true(mu_route_match("/api/v1/health", s, 14, NULL));
    assert_false(mu_route_match("/api/v1/health", s, 13, NULL));
    struct mu_route_params p;
    assert_true(mu_route_match("/x/{id}", "/x/42?y", 5, &p));
    assert_int_equal(p.v[0].value_len, 2);
}

static void pattern_check(void **state)
{
    (void)state;
    const char *good[] = {"/", "/api/v1/health", "/api/v1/plans/{id}",
                          "/a/{x}/b/{y_2}", "/api/v1/x.json"};
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
        assert_int_equal(mu_route_pattern_check(good[i], NULL), MU_OK);
    struct {
        const char *p;
        const char *msg_part;
    } bad[] = {
        {"", "does not start with '/'"},
        {"api", "does not start with '/'"},
        {"/api/", "empty segment"},
        {"/api//v1", "empty segment"},
        {"/a/x{id}", "whole segment"},
        {"/a/{id}x", "whole segment"},
        {"/a/{}", "whole segment"},
        {"/a/{i{d}", "whole segment"},
        {"/a/{Id}", "[a-z0-9_]"},
        {"/a/{id}/{id}", "repeats parameter 'id'"},
        {"/{a}/{b}/{c}/{d}/{e}/{f}/{g}/{h}/{i}", "more than 8 parameters"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct mu_error err = {0};
        assert_int_equal(mu_route_pattern_check(bad[i].p, &err), MU_EINVAL);
        assert_non_null(strstr(err.msg, bad[i].msg_part));
    }
    assert_int_equal(mu_route_pattern_check(NULL, NULL), MU_EINVAL);
}

/* One rule for ids in URLs and forms: digits only, 1 to 18 of them, at least 1. */
static void ids(void **state)
{
    (void)state;
    assert_true(mu_route_id("42") == 42);
    assert_true(mu_route_id("007") == 7);
    assert_true(mu_route_id("999999999999999999") == 999999999999999999LL);
    assert_true(mu_route_id("1000000000000000000") == 0); /* 19 digits */
    const char *bad[] = {NULL, "", "0", "000", "+1", "-1", " 1", "1 ", "1a", "0x10", "1.0"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_true(mu_route_id(bad[i]) == 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(literal_paths),
        cmocka_unit_test(parameters_capture_one_segment),
        cmocka_unit_test(only_the_length_given_is_read),
        cmocka_unit_test(pattern_check),
        cmocka_unit_test(ids),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
