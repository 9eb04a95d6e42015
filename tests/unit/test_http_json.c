/* SPDX-License-Identifier: MIT */
/* Unit tests for JSON request bodies: parsing, the depth and string limits,
 * and the Content-Type check (include/muster/json_limits.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include <muster/json_limits.h>
#include <muster/mem.h>

static enum mu_err parse(const char *s, json_t **out, struct mu_error *err)
{
    *out = NULL;
    return mu_json_parse_body(s, strlen(s), NULL, out, err);
}

/* {"a":{"a":...{"a":1}}} with @p depth objects. */
static char *nested_objects(size_t depth)
{
    size_t len = depth * 6 + 2;
    char *s = mu_malloc(len + 1);
    assert_non_null(s);
    size_t n = 0;
    for (size_t i = 0; i < depth; i++) {
        memcpy(s + n, i + 1 < depth ? "{\"a\":" : "{\"a\":1", i + 1 < depth ? 5 : 6);
        n += i + 1 < depth ? 5 : 6;
    }
    for (size_t i = 0; i < depth; i++)
        s[n++] = '}';
    s[n] = '\0';
    return s;
}

static void accepts_an_object(void **state)
{
    (void)state;
    json_t *v;
    struct mu_error err = {0};
    assert_int_equal(parse("{\"name\":\"演练\",\"n\":[1,2,{\"x\":null}]}", &v, &err), MU_OK);
    assert_string_equal(json_string_value(json_object_get(v, "name")), "演练");
    json_decref(v);
}

static void rejects_bad_bodies_naming_body(void **state)
{
    (void)state;
    struct {
        const char *in;
        const char *msg_part;
    } bad[] = {
        {"", "request body is empty"},
        {"[1,2]", "must be a JSON object"},
        {"\"s\"", "must be a JSON object"},
        {"{\"a\":1", "invalid JSON at line 1"},
        {"{\"a\":1}{", "invalid JSON"},
        {"{\"a\":1,\"a\":2}", "duplicate"},
        {"{\"a\":\"x\\u0000y\"}", "invalid JSON"},
        {"{\"a\":\"\xff\"}", "invalid JSON"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        json_t *v = NULL;
        struct mu_error err = {0};
        assert_int_equal(parse(bad[i].in, &v, &err), MU_EINVAL);
        assert_null(v);
        assert_string_equal(err.field, "body");
        if (!strstr(err.msg, bad[i].msg_part))
            fail_msg("input %zu: message '%s' lacks '%s'", i, err.msg, bad[i].msg_part);
    }
}

static void depth_limit(void **state)
{
    (void)state;
    json_t *v;
    struct mu_error err = {0};
    char *ok = nested_objects(MU_JSON_DEPTH_MAX);
    assert_int_equal(parse(ok, &v, &err), MU_OK);
    json_decref(v);
    mu_free(ok);

    char *deep = nested_objects(MU_JSON_DEPTH_MAX + 1);
    assert_int_equal(parse(deep, &v, &err), MU_EINVAL);
    assert_null(v);
    assert_string_equal(err.msg, "JSON nested deeper than 32 levels");
    /* The field is the path to the first value too deep, cut to fit. */
    assert_int_equal(strncmp(err.field, "a.a.a.a", 7), 0);
    assert_true(strlen(err.field) < sizeof(err.field));
    mu_free(deep);

    /* Arrays count too; scalars do not. */
    const char *arr = "{\"x\":[[[1]]]}";
    struct mu_json_limits lim = {.max_depth = 3, .max_string = 10};
    json_t *a = json_loads(arr, 0, NULL);
    assert_int_equal(mu_json_check_limits(a, &lim, &err), MU_EINVAL);
    assert_string_equal(err.field, "x[0][0]");
    lim.max_depth = 4;
    assert_int_equal(mu_json_check_limits(a, &lim, &err), MU_OK);
    json_decref(a);

    /* Far deeper than the limit is refused by jansson or by us, never a crash. */
    char *very = nested_objects(5000);
    assert_int_equal(parse(very, &v, &err), MU_EINVAL);
    mu_free(very);
}

static void string_limit(void **state)
{
    (void)state;
    json_t *v;
    struct mu_error err = {0};
    size_t big = MU_JSON_STRING_MAX;
    char *s = mu_malloc(big + 64);
    assert_non_null(s);
    /* A value of exactly the limit passes. */
    memcpy(s, "{\"items\":[\"", 11);
    memset(s + 11, 'x', big);
    memcpy(s + 11 + big, "\"]}", 4);
    assert_int_equal(parse(s, &v, &err), MU_OK);
    json_decref(v);
    /* One byte more fails, naming the path. */
    memset(s + 11, 'x', big + 1);
    memcpy(s + 12 + big, "\"]}", 4);
    assert_int_equal(parse(s, &v, &err), MU_EINVAL);
    assert_string_equal(err.field, "items[0]");
    assert_string_equal(err.msg, "JSON string longer than 65536 bytes");
    /* Keys count too. */
    s[0] = '{';
    s[1] = '"';
    memset(s + 2, 'k', big + 1);
    memcpy(s + 3 + big, "\":1}", 5);
    assert_int_equal(parse(s, &v, &err), MU_EINVAL);
    assert_non_null(strstr(err.msg, "key longer than 65536 bytes"));
    mu_free(s);
}

static void media_types(void **state)
{
    (void)state;
    const char *ok[] = {"application/json", "Application/JSON", "application/json; charset=utf-8",
                        "application/json;charset=UTF-8", "application/json ; charset=\"utf-8\"",
                        "  application/json", "application/json; foo=bar"};
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
        if (!mu_json_media_type_ok(ok[i]))
            fail_msg("'%s' should be accepted", ok[i]);
    const char *bad[] = {NULL, "", "text/plain", "application/jsonx", "application/json-patch+json",
                         "application/json; charset=latin1", "application/json;",
                         "application/json; charset=", "application/x-www-form-urlencoded",
                         "application/json garbage", "application/json; charset=\"utf-8"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (mu_json_media_type_ok(bad[i]))
            fail_msg("'%s' should be refused", bad[i] ? bad[i] : "(null)");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(accepts_an_object),
        cmocka_unit_test(rejects_bad_bodies_naming_body),
        cmocka_unit_test(depth_limit),
        cmocka_unit_test(string_limit),
        cmocka_unit_test(media_types),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
