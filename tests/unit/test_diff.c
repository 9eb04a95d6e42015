/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the line diff (src/core/diff.c): known scripts, empty and
 * identical inputs, a missing final newline, removed-before-added order,
 * the edit cap, minimality against a brute-force LCS on random inputs, and
 * out-of-memory paths.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <muster/diff.h>
#include <muster/mem.h>

/* The script as text: one "op line" per line, e.g. " a\n-b\n+c\n". */
static char *script(const char *a, const char *b, size_t cap, enum mu_err want)
{
    struct mu_diff_op *ops = NULL;
    size_t n = 99;
    struct mu_error err = {0};
    enum mu_err rc = mu_diff_lines(a, strlen(a), b, strlen(b), cap, &ops, &n, &err);
    assert_int_equal(rc, want);
    if (rc)
        return NULL;
    size_t size = 1;
    for (size_t i = 0; i < n; i++)
        size += ops[i].len + 2;
    char *s = malloc(size), *p = s;
    for (size_t i = 0; i < n; i++) {
        *p++ = ops[i].op;
        memcpy(p, ops[i].line, ops[i].len);
        p += ops[i].len;
        *p++ = '\n';
    }
    *p = '\0';
    mu_free(ops);
    return s;
}

static void check(const char *a, const char *b, const char *want)
{
    char *got = script(a, b, 0, MU_OK);
    assert_string_equal(got, want);
    free(got);
}

static void test_known(void **state)
{
    (void)state;
    check("a\nb\nc\n", "a\nc\n", " a\n-b\n c\n");
    check("a\nc\n", "a\nb\nc\n", " a\n+b\n c\n");
    check("a\nb\nc\n", "a\nB\nc\n", " a\n-b\n+B\n c\n");
    check("x\n", "y\n", "-x\n+y\n");
    /* Removed lines come before added ones within a change. */
    check("1\na\nb\n2\n", "1\nc\nd\n2\n", " 1\n-a\n-b\n+c\n+d\n 2\n");
    /* Classic Myers example: ABCABBA -> CBABAC has distance 5. */
    char *s = script("A\nB\nC\nA\nB\nB\nA\n", "C\nB\nA\nB\nA\nC\n", 0, MU_OK);
    int adds = 0, dels = 0, same = 0;
    for (char *p = s; *p; p = strchr(p, '\n') + 1) {
        adds += *p == '+';
        dels += *p == '-';
        same += *p == ' ';
    }
    assert_int_equal(adds + dels, 5);
    assert_int_equal(same, 4);
    free(s);
}

static void test_empty_and_identical(void **state)
{
    (void)state;
    struct mu_diff_op *ops = (void *)1;
    size_t n = 7;
    assert_int_equal(mu_diff_lines("", 0, "", 0, 0, &ops, &n, NULL), MU_OK);
    assert_null(ops);
    assert_int_equal(n, 0);
    check("", "a\nb\n", "+a\n+b\n");
    check("a\nb\n", "", "-a\n-b\n");
    check("a\nb\nc\n", "a\nb\nc\n", " a\n b\n c\n");
    /* A last line without a newline is a line; empty lines are lines. */
    check("a\nb", "a\nb\n", " a\n b\n");
    check("a\n\nb\n", "a\nb\n", " a\n-\n b\n");
    check("\n", "", "-\n");
}

static void test_cap(void **state)
{
    (void)state;
    /* 3 changed lines: fine with a cap of 4 (1 removed + 3 added... ) */
    char *s = script("a\nb\n", "a\nx\ny\nz\n", 4, MU_OK);
    assert_string_equal(s, " a\n-b\n+x\n+y\n+z\n");
    free(s);
    assert_null(script("a\nb\n", "a\nx\ny\nz\n", 3, MU_ELIMIT));
    /* The length difference alone exceeds the cap: refused at once. */
    assert_null(script("", "1\n2\n3\n4\n5\n", 4, MU_ELIMIT));
    struct mu_error err = {0};
    struct mu_diff_op *ops = NULL;
    size_t n = 0;
    assert_int_equal(mu_diff_lines("a\n", 2, "b\n", 2, 1, &ops, &n, &err), MU_ELIMIT);
    assert_string_equal(err.msg, "the texts differ in more than 1 lines");
    /* Large identical inputs with one change stay cheap (head/tail stripped). */
    size_t big = 100000;
    char *x = malloc(big * 2 + 1), *y = malloc(big * 2 + 1);
    for (size_t i = 0; i < big; i++) {
        x[2 * i] = y[2 * i] = (char)('a' + i % 26);
        x[2 * i + 1] = y[2 * i + 1] = '\n';
    }
    y[big] = 'Z';
    assert_int_equal(mu_diff_lines(x, big * 2, y, big * 2, 2, &ops, &n, NULL), MU_OK);
    assert_int_equal(n, big + 1);
    mu_free(ops);
    free(x);
    free(y);
}

/* Brute-force LCS length, to check that the script is a shortest one. */
static size_t lcs(const char **a, size_t na, const char **b, size_t nb)
{
    size_t *t = calloc((na + 1) * (nb + 1), sizeof(*t));
    for (size_t i = na; i-- > 0;)
        for (size_t j = nb; j-- > 0;) {
            size_t *c = &t[i * (nb + 1) + j];
            if (strcmp(a[i], b[j]) == 0)
                *c = 1 + t[(i + 1) * (nb + 1) + j + 1];
            else {
                size_t r = t[(i + 1) * (nb + 1) + j], d = t[i * (nb + 1) + j + 1];
                *c = r > d ? r : d;
            }
        }
    size_t r = t[0];
    free(t);
    return r;
}

static void test_random_minimal(void **state)
{
    (void)state;
    srand(42);
    static const char *alpha[] = {"a", "b", "c", "d"};
    for (int round = 0; round < 300; round++) {
        const char *la[20], *lb[20];
        size_t na = (size_t)(rand() % 12), nb = (size_t)(rand() % 12);
        char a[64] = "", b[64] = "";
        for (size_t i = 0; i < na; i++) {
            la[i] = alpha[rand() % 4];
            strcat(a, la[i]);
            strcat(a, "\n");
        }
        for (size_t i = 0; i < nb; i++) {
            lb[i] = alpha[rand() % 4];
            strcat(b, lb[i]);
            strcat(b, "\n");
        }
        struct mu_diff_op *ops = NULL;
        size_t n = 0;
        assert_int_equal(mu_diff_lines(a, strlen(a), b, strlen(b), 100, &ops, &n, NULL), MU_OK);
        /* Replaying the script gives back both texts. */
        char ra[64] = "", rb[64] = "";
        size_t same = 0;
        for (size_t i = 0; i < n; i++) {
            char line[8];
            snprintf(line, sizeof(line), "%.*s\n", (int)ops[i].len, ops[i].line);
            if (ops[i].op != '+')
                strcat(ra, line);
            if (ops[i].op != '-')
                strcat(rb, line);
            same += ops[i].op == ' ';
        }
        assert_string_equal(ra, a);
        assert_string_equal(rb, b);
        assert_int_equal(same, lcs(la, na, lb, nb));
        mu_free(ops);
    }
}

static void test_oom(void **state)
{
    (void)state;
    const char *a = "a\nb\nc\nd\n", *b = "a\nx\nc\ny\nz\n";
    for (long k = 1; k < 20; k++) {
        struct mu_diff_op *ops = NULL;
        size_t n = 0;
        mu_mem_fail_after(k);
        enum mu_err rc = mu_diff_lines(a, strlen(a), b, strlen(b), 0, &ops, &n, NULL);
        mu_mem_fail_after(0);
        assert_true(rc == MU_OK || rc == MU_ENOMEM);
        if (rc == MU_OK)
            assert_true(n > 0);
        mu_free(ops);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known),
        cmocka_unit_test(test_empty_and_identical),
        cmocka_unit_test(test_cap),
        cmocka_unit_test(test_random_minimal),
        cmocka_unit_test(test_oom),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
