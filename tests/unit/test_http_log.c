/* SPDX-License-Identifier: MIT */
/* Unit tests for the logging sink (include/muster/log.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include <muster/log.h>

struct capture {
    int calls;
    enum mu_log_level level;
    char component[32];
    char msg[MU_LOG_LINE_MAX + 8];
};

static void sink(void *ctx, enum mu_log_level level, const char *component, const char *msg)
{
    struct capture *c = ctx;
    c->calls++;
    c->level = level;
    snprintf(c->component, sizeof(c->component), "%s", component);
    snprintf(c->msg, sizeof(c->msg), "%s", msg);
}

static void sink_receives_filtered_messages(void **state)
{
    (void)state;
    struct capture c = {0};
    mu_log_set_sink(sink, &c);
    mu_log(MU_LOG_INFO, "http", "method=%s status=%d", "GET", 200);
    assert_int_equal(c.calls, 1);
    assert_int_equal(c.level, MU_LOG_INFO);
    assert_string_equal(c.component, "http");
    assert_string_equal(c.msg, "method=GET status=200");
    mu_log(MU_LOG_DEBUG, "http", "hidden");
    assert_int_equal(c.calls, 1); /* default level is INFO */
    mu_log_set_level(MU_LOG_DEBUG);
    mu_log(MU_LOG_DEBUG, "http", "shown");
    assert_int_equal(c.calls, 2);
    mu_log_set_level(MU_LOG_ERROR);
    mu_log(MU_LOG_WARN, "http", "hidden");
    assert_int_equal(c.calls, 2);
    mu_log(MU_LOG_ERROR, "cli", "boom");
    assert_int_equal(c.calls, 3);
    assert_string_equal(c.component, "cli");
    mu_log_set_level(MU_LOG_INFO);

    /* Long messages are cut and marked. */
    char big[MU_LOG_LINE_MAX * 2];
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    mu_log(MU_LOG_INFO, "http", "%s", big);
    assert_int_equal(strlen(c.msg), MU_LOG_LINE_MAX - 1);
    assert_string_equal(c.msg + MU_LOG_LINE_MAX - 4, "...");
    mu_log_set_sink(NULL, NULL);
}

static void line_format(void **state)
{
    (void)state;
    char line[256];
    /* 2025-01-31T08:15:00.123Z */
    size_t n = mu_log_format(line, sizeof(line), 1738311300123LL, MU_LOG_WARN, "http",
                             "method=GET path=/x");
    assert_string_equal(line, "2025-01-31T08:15:00.123Z WARN http method=GET path=/x");
    assert_int_equal(n, strlen(line));
    mu_log_format(line, sizeof(line), 0, MU_LOG_ERROR, "", "m");
    assert_string_equal(line, "1970-01-01T00:00:00.000Z ERROR - m");
    /* Before 1970, the millisecond still counts forward within its second. */
    mu_log_format(line, sizeof(line), -1, MU_LOG_INFO, "x", "m");
    assert_string_equal(line, "1969-12-31T23:59:59.999Z INFO x m");
    mu_log_format(line, sizeof(line), 1709251199999LL, MU_LOG_INFO, "x", "m");
    assert_string_equal(line, "2024-02-29T23:59:59.999Z INFO x m");
    n = mu_log_format(line, 10, 0, MU_LOG_INFO, "http", "m");
    assert_int_equal(n, 9);
    assert_string_equal(line, "1970-01-0");
    assert_string_equal(mu_log_level_name(MU_LOG_DEBUG), "DEBUG");
    assert_string_equal(mu_log_level_name(MU_LOG_INFO), "INFO");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sink_receives_filtered_messages),
        cmocka_unit_test(line_format),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
