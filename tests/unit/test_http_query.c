/* SPDX-License-Identifier: MIT */
/* Unit tests for query-string parsing, percent-decoding, UTF-8 checks and
 * the pagination parameters (include/muster/query.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include <muster/mem.h>
#include <muster/query.h>

static enum mu_err parse(struct mu_query *q, const char *s, struct mu_error *err)
{
    mu_query_init(q);
    return mu_query_parse(q, s, strlen(s), err);
}

static void parses_pairs_in_order(void **state)
{
    (void)state;
    struct mu_query q;
    struct mu_error err = {0};
    assert_int_equal(parse(&q, "a=1&b=two+words&&c&d=&e=%E4%B8%AD%2B%26", &err), MU_OK);
    assert_int_equal(q.n, 5);
    assert_string_equal(q.v[0].name, "a");
    assert_string_equal(q.v[0].value, "1");
    assert_string_equal(q.v[1].name, "b");
    assert_string_equal(q.v[1].value, "two words");
    assert_string_equal(q.v[2].name, "c");
    assert_string_equal(q.v[2].value, "");
    assert_string_equal(q.v[3].name, "d");
    assert_string_equal(q.v[3].value, "");
    assert_string_equal(q.v[4].name, "e");
    assert_string_equal(q.v[4].value, "中+&");
    const char *v = NULL;
    assert_int_equal(mu_query_get(&q, "b", &v, &err), MU_OK);
    assert_string_equal(v, "two words");
    assert_int_equal(mu_query_get(&q, "zzz", &v, &err), MU_OK);
    assert_null(v);
    mu_query_release(&q);
    assert_int_equal(q.n, 0);
    assert_null(q.storage);

    /* The empty query and one made of separators only. */
    assert_int_equal(parse(&q, "", &err), MU_OK);
    assert_int_equal(q.n, 0);
    mu_query_release(&q);
    assert_int_equal(parse(&q, "&&&", &err), MU_OK);
    assert_int_equal(q.n, 0);
    mu_query_release(&q);
}

static void rejects_bad_queries_naming_the_field(void **state)
{
    (void)state;
    struct {
        const char *in;
        const char *field;
        const char *msg_part;
    } bad[] = {
        {"limit=%zz", "limit", "not valid percent-encoded"},
        {"limit=%4", "limit", "not valid percent-encoded"},
        {"x=%00", "x", "not valid percent-encoded"},
        {"x=%ff%fe", "x", "not valid percent-encoded"},       /* not UTF-8 */
        {"x=%ED%A0%80", "x", "not valid percent-encoded"},    /* a surrogate */
        {"x=%C0%AF", "x", "not valid percent-encoded"},       /* overlong '/' */
        {"=1", "query", "without a name"},
        {"%zz=1", "query", "name is not valid"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct mu_query q;
        struct mu_error err = {0};
        assert_int_equal(parse(&q, bad[i].in, &err), MU_EINVAL);
        assert_string_equal(err.field, bad[i].field);
        assert_non_null(strstr(err.msg, bad[i].msg_part));
        assert_int_equal(q.n, 0);
        assert_null(q.storage);
    }
}

static void enforces_count_and_length_limits(void **state)
{
    (void)state;
    char s[MU_QUERY_MAX_BYTES + 2];
    struct mu_query q;
    struct mu_error err = {0};

    /* Exactly MU_QUERY_MAX_PARAMS pairs pass; one more fails. */
    size_t n = 0;
    for (int i = 0; i < MU_QUERY_MAX_PARAMS; i++)
        n += (size_t)snprintf(s + n, sizeof(s) - n, "%sp%d=%d", i ? "&" : "", i, i);
    assert_int_equal(parse(&q, s, &err), MU_OK);
    assert_int_equal(q.n, MU_QUERY_MAX_PARAMS);
    assert_string_equal(q.v[MU_QUERY_MAX_PARAMS - 1].value, "31");
    mu_query_release(&q);
    snprintf(s + n, sizeof(s) - n, "&one=more");
    assert_int_equal(parse(&q, s, &err), MU_EINVAL);
    assert_string_equal(err.field, "query");
    assert_non_null(strstr(err.msg, "more than 32 query parameters"));

    /* Length: MU_QUERY_MAX_BYTES bytes pass, one more fails. */
    memset(s, 'a', sizeof(s));
    s[0] = 'x';
    s[1] = '=';
    s[MU_QUERY_MAX_BYTES] = '\0';
    assert_int_equal(parse(&q, s, &err), MU_OK);
    assert_int_equal(strlen(q.v[0].value), MU_QUERY_MAX_BYTES - 2);
    mu_query_release(&q);
    s[MU_QUERY_MAX_BYTES] = 'a';
    s[MU_QUERY_MAX_BYTES + 1] = '\0';
    assert_int_equal(parse(&q, s, &err), MU_EINVAL);
    assert_non_null(strstr(err.msg, "longer than 4096 bytes"));
}

static void out_of_memory_leaves_query_empty(void **state)
{
    (void)state;
    struct mu_query q;
    struct mu_error err = {0};
    mu_mem_fail_after(1);
    assert_int_equal(parse(&q, "a=1", &err), MU_ENOMEM);
    mu_mem_fail_after(0);
    assert_int_equal(q.n, 0);
    assert_null(q.storage);
}

static void duplicate_is_an_error_naming_it(void **state)
{
    (void)state;
    struct mu_query q;
    struct mu_error err = {0};
    const char *v = "unchanged";
    assert_int_equal(parse(&q, "limit=5&limit=6", &err), MU_OK);
    assert_int_equal(mu_query_get(&q, "limit", &v, &err), MU_EINVAL);
    assert_string_equal(err.field, "limit");
    assert_string_equal(err.msg, "query parameter 'limit' given more than once");
    assert_string_equal(v, "unchanged");
    mu_query_release(&q);
}

static void pct_decode_paths_keep_plus(void **state)
{
    (void)state;
    char out[32];
    size_t n = 0;
    assert_int_equal(mu_pct_decode("a+b%2Fc", 7, 0, out, &n), MU_OK);
    assert_string_equal(out, "a+b/c");
    assert_int_equal(n, 5);
    assert_int_equal(mu_pct_decode("a+b", 3, 1, out, &n), MU_OK);
    assert_string_equal(out, "a b");
    assert_int_equal(mu_pct_decode("%", 1, 0, out, &n), MU_EINVAL);
    assert_int_equal(mu_pct_decode("a%2", 3, 0, out, &n), MU_EINVAL);
    assert_int_equal(mu_pct_decode("", 0, 0, out, &n), MU_OK);
    assert_int_equal(n, 0);
    assert_string_equal(out, "");
}

static void utf8_validation(void **state)
{
    (void)state;
    assert_true(mu_utf8_valid("", 0));
    assert_true(mu_utf8_valid("plain ascii", 11));
    assert_true(mu_utf8_valid("应急预案", strlen("应急预案")));
    assert_true(mu_utf8_valid("\xf0\x9f\x9a\x92", 4));    /* U+1F692 fire engine */
    assert_false(mu_utf8_valid("\xf0\x9f\x9a", 3));       /* cut short */
    assert_false(mu_utf8_valid("\xc3", 1));
    assert_false(mu_utf8_valid("\x80", 1));               /* lone continuation */
    assert_false(mu_utf8_valid("\xe0\x80\xaf", 3));       /* overlong */
    assert_false(mu_utf8_valid("\xf4\x90\x80\x80", 4));   /* above U+10FFFF */
    assert_false(mu_utf8_valid("\xed\xb0\x80", 3));       /* surrogate */
}

static enum mu_err page(const char *qs, struct mu_page *p, struct mu_error *err)
{
    struct mu_query q;
    enum mu_err rc = parse(&q, qs, err);
    if (rc == MU_OK)
        rc = mu_page_from_query(&q, p, err);
    /* Borrowed cursors die with the query: compare before releasing. */
    static char cursor[MU_PAGE_CURSOR_MAX + 1];
    if (rc == MU_OK && p->cursor) {
        snprintf(cursor, sizeof(cursor), "%s", p->cursor);
        p->cursor = cursor;
    }
    mu_query_release(&q);
    return rc;
}

static void pagination_defaults_and_bounds(void **state)
{
    (void)state;
    struct mu_page p;
    struct mu_error err = {0};
    assert_int_equal(page("", &p, &err), MU_OK);
    assert_int_equal(p.limit, MU_PAGE_LIMIT_DEFAULT);
    assert_null(p.cursor);
    assert_int_equal(page("limit=1", &p, &err), MU_OK);
    assert_int_equal(p.limit, 1);
    assert_int_equal(page("limit=500&cursor=abc_DEF-0.9~", &p, &err), MU_OK);
    assert_int_equal(p.limit, 500);
    assert_string_equal(p.cursor, "abc_DEF-0.9~");
    assert_int_equal(page("other=1&limit=007", &p, &err), MU_OK);
    assert_int_equal(p.limit, 7);

    const char *bad_limits[] = {"limit=0", "limit=501", "limit=", "limit=-1", "limit=%2B5",
                                "limit=5x", "limit=+5", "limit=1e2", "limit=99999999999",
                                "limit=%205", "limit=1&limit=2"};
    for (size_t i = 0; i < sizeof(bad_limits) / sizeof(bad_limits[0]); i++) {
        p.limit = -7;
        assert_int_equal(page(bad_limits[i], &p, &err), MU_EINVAL);
        assert_string_equal(err.field, "limit");
        assert_int_equal(p.limit, -7); /* untouched on failure */
    }
    assert_int_equal(page("limit=0", &p, &err), MU_EINVAL);
    assert_string_equal(err.msg, "'limit' must be a whole number from 1 to 500");

    char longc[MU_PAGE_CURSOR_MAX + 16];
    snprintf(longc, sizeof(longc), "cursor=");
    memset(longc + 7, 'c', MU_PAGE_CURSOR_MAX);
    longc[7 + MU_PAGE_CURSOR_MAX] = '\0';
    assert_int_equal(page(longc, &p, &err), MU_OK);
    assert_int_equal(strlen(p.cursor), MU_PAGE_CURSOR_MAX);
    longc[7 + MU_PAGE_CURSOR_MAX] = 'c';
    longc[8 + MU_PAGE_CURSOR_MAX] = '\0';
    const char *bad_cursors[] = {"cursor=", "cursor=a%2Fb", "cursor=a+b", "cursor=%E4%B8%AD",
                                 "cursor=x&cursor=y", longc};
    for (size_t i = 0; i < sizeof(bad_cursors) / sizeof(bad_cursors[0]); i++) {
        assert_int_equal(page(bad_cursors[i], &p, &err), MU_EINVAL);
        assert_string_equal(err.field, "cursor");
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_pairs_in_order),
        cmocka_unit_test(rejects_bad_queries_naming_the_field),
        cmocka_unit_test(enforces_count_and_length_limits),
        cmocka_unit_test(out_of_memory_leaves_query_empty),
        cmocka_unit_test(duplicate_is_an_error_naming_it),
        cmocka_unit_test(pct_decode_paths_keep_plus),
        cmocka_unit_test(utf8_validation),
        cmocka_unit_test(pagination_defaults_and_bounds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
