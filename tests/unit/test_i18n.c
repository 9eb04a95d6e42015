/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the message catalogues (src/util/i18n.c): parsing, comments
 * and blank lines, trimming, escapes, lookup and the fallback to the key,
 * every kind of bad line, out of memory, and the real catalogues
 * ($MUSTER_SRCDIR/web/i18n/zh.txt and en.txt): both parse and have the
 * same keys.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <muster/i18n.h>
#include <muster/mem.h>

static struct mu_i18n *parse_ok(const char *name, const char *text)
{
    struct mu_i18n *c = NULL;
    struct mu_error err = {0};
    enum mu_err rc = mu_i18n_parse(name, text, strlen(text), &c, &err);
    if (rc)
        fail_msg("parse %s: %s", name, err.msg);
    return c;
}

static void parse_bad(const char *text, enum mu_err want, const char *msg)
{
    struct mu_i18n *c = NULL;
    struct mu_error err = {0};
    assert_int_equal(mu_i18n_parse("t.txt", text, strlen(text), &c, &err), want);
    assert_null(c);
    assert_string_equal(err.msg, msg);
}

static void test_parse_lookup(void **state)
{
    (void)state;
    struct mu_i18n *c = parse_ok("zh.txt", "# comment\n"
                                           "\n"
                                           "nav.dashboard = 工作台\n"
                                           "  login.title=登录  \n"
                                           "\t# indented comment\n"
                                           "empty =\n"
                                           "two.lines = a\\nb \\\\ c\n"
                                           "eq = a = b\r\n"
                                           "last = no newline");
    assert_int_equal(mu_i18n_count(c), 6);
    assert_string_equal(mu_i18n_key(c, 0), "nav.dashboard");
    assert_string_equal(mu_i18n_key(c, 5), "last");
    assert_null(mu_i18n_key(c, 6));
    assert_string_equal(mu_i18n_get(c, "nav.dashboard"), "工作台");
    assert_string_equal(mu_i18n_get(c, "login.title"), "登录");
    assert_string_equal(mu_i18n_get(c, "empty"), "");
    assert_string_equal(mu_i18n_get(c, "two.lines"), "a\nb \\ c");
    assert_string_equal(mu_i18n_get(c, "eq"), "a = b");
    assert_string_equal(mu_i18n_get(c, "last"), "no newline");
    assert_null(mu_i18n_get(c, "missing"));
    assert_string_equal(mu_i18n_t(c, "missing.key"), "missing.key");
    assert_string_equal(mu_i18n_t(c, "login.title"), "登录");
    assert_null(mu_i18n_get(NULL, "x"));
    assert_string_equal(mu_i18n_t(NULL, "x"), "x");
    mu_i18n_free(c);
    mu_i18n_free(NULL);

    c = parse_ok("empty.txt", "");
    assert_int_equal(mu_i18n_count(c), 0);
    assert_null(mu_i18n_get(c, "a"));
    mu_i18n_free(c);
}

static void test_parse_errors(void **state)
{
    (void)state;
    parse_bad("a = 1\nno equals sign\n", MU_EINVAL, "t.txt:2: expected 'key = text'");
    parse_bad("= text\n", MU_EINVAL, "t.txt:1: bad key ''");
    parse_bad("bad key = x\n", MU_EINVAL, "t.txt:1: bad key 'bad key'");
    parse_bad("a = 1\n\nb = 2\na = 3\n", MU_EINVAL, "t.txt:4: key 'a' is defined twice");
    parse_bad("a = \xff\n", MU_EINVAL, "t.txt: not valid UTF-8");
    char big[MU_I18N_TEXT_MAX + 16];
    memset(big, 'x', sizeof(big));
    memcpy(big, "k = ", 4);
    big[sizeof(big) - 1] = '\0';
    char msg[128];
    snprintf(msg, sizeof(msg), "t.txt:1: text of 'k' longer than %d bytes", MU_I18N_TEXT_MAX);
    parse_bad(big, MU_EINVAL, msg);
}

static void test_same_keys(void **state)
{
    (void)state;
    struct mu_i18n *a = parse_ok("zh.txt", "x = 1\ny = 2\n");
    struct mu_i18n *b = parse_ok("en.txt", "y = two\nx = one\n");
    struct mu_i18n *c = parse_ok("fr.txt", "x = un\n");
    struct mu_error err = {0};
    assert_int_equal(mu_i18n_same_keys(a, b, &err), MU_OK);
    assert_int_equal(mu_i18n_same_keys(a, c, &err), MU_EINVAL);
    assert_string_equal(err.msg, "key 'y' is in 'zh.txt' but not in 'fr.txt'");
    assert_int_equal(mu_i18n_same_keys(c, a, &err), MU_EINVAL);
    assert_string_equal(err.msg, "key 'y' is in 'zh.txt' but not in 'fr.txt'");
    mu_i18n_free(a);
    mu_i18n_free(b);
    mu_i18n_free(c);
}

static void test_oom(void **state)
{
    (void)state;
    const char *text = "a = 1\nb = 2\n";
    for (long k = 1; k < 10; k++) {
        struct mu_i18n *c = NULL;
        mu_mem_fail_after(k);
        enum mu_err rc = mu_i18n_parse("t.txt", text, strlen(text), &c, NULL);
        mu_mem_fail_after(0);
        assert_true(rc == MU_OK || rc == MU_ENOMEM);
        if (rc == MU_OK)
            assert_string_equal(mu_i18n_get(c, "b"), "2");
        mu_i18n_free(c);
    }
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open '%s'", path);
    char *buf = malloc(1 << 20);
    *len = fread(buf, 1, (1 << 20) - 1, f);
    fclose(f);
    return buf;
}

static struct mu_i18n *load_real(const char *lang)
{
    const char *src = getenv("MUSTER_SRCDIR");
    char path[4096];
    snprintf(path, sizeof(path), "%s/web/i18n/%s.txt", src ? src : ".", lang);
    size_t len = 0;
    char *text = slurp(path, &len);
    struct mu_i18n *c = NULL;
    struct mu_error err = {0};
    enum mu_err rc = mu_i18n_parse(path, text, len, &c, &err);
    free(text);
    if (rc)
        fail_msg("%s", err.msg);
    return c;
}

static void test_real_catalogues(void **state)
{
    (void)state;
    struct mu_i18n *zh = load_real("zh"), *en = load_real("en");
    struct mu_error err = {0};
    if (mu_i18n_same_keys(zh, en, &err))
        fail_msg("%s", err.msg);
    assert_true(mu_i18n_count(zh) > 20);
    /* The texts the browser tests rely on (/tmp/ui-contract.txt). */
    assert_string_equal(mu_i18n_get(zh, "dashboard.title"), "工作台");
    assert_string_equal(mu_i18n_get(en, "dashboard.title"), "Dashboard");
    assert_string_equal(mu_i18n_get(zh, "login.error"), "用户名或密码错误");
    assert_string_equal(mu_i18n_get(en, "login.error"), "Wrong user name or password");
    assert_string_equal(mu_i18n_get(zh, "error.403"), "没有权限");
    assert_string_equal(mu_i18n_get(en, "error.403"), "Forbidden");
    assert_string_equal(mu_i18n_get(zh, "day.workday"), "工作日");
    assert_string_equal(mu_i18n_get(en, "day.adjusted"), "Make-up working day");
    assert_string_equal(mu_i18n_get(zh, "html.lang"), "zh-CN");
    assert_string_equal(mu_i18n_get(en, "html.lang"), "en");
    mu_i18n_free(zh);
    mu_i18n_free(en);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_lookup),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_same_keys),
        cmocka_unit_test(test_oom),
        cmocka_unit_test(test_real_catalogues),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
