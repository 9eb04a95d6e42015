/* SPDX-License-Identifier: MIT */
/* Unit tests for the bounded buffer, the arena and the allocation hooks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include <muster/mem.h>
#include "util/arena.h"
#include "util/buf.h"

static void buf_appends_and_detaches(void **state)
{
    (void)state;
    struct mu_buf b;
    mu_buf_init(&b, 1024);
    assert_int_equal(mu_buf_adds(&b, "abc"), MU_OK);
    assert_int_equal(mu_buf_printf(&b, "-%d-", 42), MU_OK);
    assert_int_equal(mu_buf_addc(&b, 'z'), MU_OK);
    assert_string_equal(b.ptr, "abc-42-z");
    assert_int_equal(b.len, 8);
    char *s = mu_buf_detach(&b);
    assert_string_equal(s, "abc-42-z");
    assert_null(b.ptr);
    mu_free(s);
}

static void buf_cap_is_hard_and_leaves_content(void **state)
{
    (void)state;
    struct mu_buf b;
    mu_buf_init(&b, 8);
    assert_int_equal(mu_buf_adds(&b, "12345678"), MU_OK);
    assert_int_equal(mu_buf_adds(&b, "9"), MU_ELIMIT);
    assert_string_equal(b.ptr, "12345678");
    assert_int_equal(mu_buf_printf(&b, "%s", "x"), MU_ELIMIT);
    assert_int_equal(b.len, 8);
    mu_buf_release(&b);
}

static void buf_escapes_html(void **state)
{
    (void)state;
    struct mu_buf b;
    mu_buf_init(&b, 1024);
    const char *in = "<script>alert('x') & \"y\"</script>中文";
    assert_int_equal(mu_buf_add_html(&b, in, strlen(in)), MU_OK);
    assert_string_equal(b.ptr, "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;中文");
    mu_buf_release(&b);
}

static void buf_detach_empty_gives_empty_string(void **state)
{
    (void)state;
    struct mu_buf b;
    mu_buf_init(&b, 16);
    char *s = mu_buf_detach(&b);
    assert_non_null(s);
    assert_string_equal(s, "");
    mu_free(s);
}

static void arena_allocates_aligned_zeroed(void **state)
{
    (void)state;
    struct mu_arena a;
    mu_arena_init(&a);
    for (int i = 0; i < 1000; i++) {
        unsigned char *p = mu_arena_alloc(&a, (size_t)(i % 37) + 1);
        assert_non_null(p);
        assert_int_equal((uintptr_t)p % _Alignof(max_align_t), 0);
        for (int k = 0; k < (i % 37) + 1; k++)
            assert_int_equal(p[k], 0);
        memset(p, 0xab, (size_t)(i % 37) + 1);
    }
    char *big = mu_arena_alloc(&a, 100000);
    assert_non_null(big);
    char *s = mu_arena_strdup(&a, "值班");
    assert_string_equal(s, "值班");
    mu_arena_release(&a);
    assert_null(a.head);
}

static void alloc_failure_injection(void **state)
{
    (void)state;
    mu_mem_fail_after(2);
    void *p1 = mu_malloc(10);
    assert_non_null(p1);
    void *p2 = mu_malloc(10);
    assert_null(p2);
    void *p3 = mu_malloc(10);
    assert_null(p3);
    mu_mem_fail_after(0);
    mu_free(p1);

    /* A failed append leaves the buffer unchanged. */
    struct mu_buf b;
    mu_buf_init(&b, 1 << 20);
    assert_int_equal(mu_buf_adds(&b, "keep"), MU_OK);
    mu_mem_fail_after(1);
    char big[200];
    memset(big, 'x', sizeof(big));
    assert_int_equal(mu_buf_add(&b, big, sizeof(big)), MU_ENOMEM);
    mu_mem_fail_after(0);
    assert_string_equal(b.ptr, "keep");
    mu_buf_release(&b);
}

static void error_set_formats_and_returns_code(void **state)
{
    (void)state;
    struct mu_error err;
    mu_error_clear(&err);
    assert_int_equal(mu_error_field(&err, MU_EINVAL, "due", "'%s' is not a date", "x"), MU_EINVAL);
    assert_string_equal(err.field, "due");
    assert_string_equal(err.msg, "'x' is not a date");
    assert_int_equal(mu_error_set(NULL, MU_ENOTFOUND, "ignored"), MU_ENOTFOUND);
    assert_string_equal(mu_strerror(MU_ESTORE), "database error");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(buf_appends_and_detaches),
        cmocka_unit_test(buf_cap_is_hard_and_leaves_content),
        cmocka_unit_test(buf_escapes_html),
        cmocka_unit_test(buf_detach_empty_gives_empty_string),
        cmocka_unit_test(arena_allocates_aligned_zeroed),
        cmocka_unit_test(alloc_failure_injection),
        cmocka_unit_test(error_set_formats_and_returns_code),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
