/* SPDX-License-Identifier: MIT */
/* Unit tests for the logging sink (include/muster/log.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* ---- mu_log_buffered: stderr captured in a file ---- */

static int saved_stderr = -1;
static FILE *captured;

static void capture_stderr(void)
{
    captured = tmpfile();
    assert_non_null(captured);
    fflush(stderr);
    saved_stderr = dup(STDERR_FILENO);
    assert_true(saved_stderr >= 0);
    assert_true(dup2(fileno(captured), STDERR_FILENO) >= 0);
}

/* Everything written to stderr so far (malloc'd). */
static char *stderr_text(void)
{
    long n = lseek(fileno(captured), 0, SEEK_END);
    char *t = malloc((size_t)n + 1);
    assert_non_null(t);
    assert_int_equal(pread(fileno(captured), t, (size_t)n, 0), n);
    t[n] = '\0';
    return t;
}

static void restore_stderr(void)
{
    dup2(saved_stderr, STDERR_FILENO);
    close(saved_stderr);
    fclose(captured);
}

/* The position of @p needle in @p hay, failing when absent. */
static long at(const char *hay, const char *needle)
{
    const char *p = strstr(hay, needle);
    if (!p)
        fail_msg("'%s' not in the log:\n%s", needle, hay);
    return (long)(p - hay);
}

static void *buffered_then_end(void *arg)
{
    (void)arg;
    mu_log_buffered(MU_LOG_INFO, "t", "from a thread that ends");
    return NULL;
}

static void buffered_lines(void **state)
{
    (void)state;
    capture_stderr();
    mu_log_buffered(MU_LOG_INFO, "http", "line %d", 1);
    mu_log_buffered(MU_LOG_DEBUG, "http", "filtered");
    mu_log_buffered(MU_LOG_INFO, "http", "line %d", 2);
    char *t = stderr_text();
    assert_string_equal(t, ""); /* kept in the thread's buffer */
    free(t);

    /* A line of mu_log() goes out after the thread's buffered ones. */
    mu_log(MU_LOG_WARN, "http", "now");
    t = stderr_text();
    assert_true(at(t, " INFO http line 1\n") < at(t, " INFO http line 2\n"));
    assert_true(at(t, " INFO http line 2\n") < at(t, " WARN http now\n"));
    assert_null(strstr(t, "filtered"));
    free(t);

    /* mu_log_flush() writes out what is kept. */
    mu_log_buffered(MU_LOG_INFO, "http", "line 3");
    mu_log_flush();
    t = stderr_text();
    at(t, " INFO http line 3\n");
    free(t);

    /* A full buffer goes out by itself, whole lines only. */
    for (int i = 0; i < 200; i++)
        mu_log_buffered(MU_LOG_INFO, "http", "bulk %03d %s", i, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
    t = stderr_text();
    at(t, "bulk 000 ");
    size_t len = strlen(t);
    assert_true(len > 0 && t[len - 1] == '\n');
    free(t);
    mu_log_flush();
    t = stderr_text();
    at(t, "bulk 199 ");
    free(t);

    /* A thread's lines go out when it ends. */
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, buffered_then_end, NULL), 0);
    assert_int_equal(pthread_join(th, NULL), 0);
    t = stderr_text();
    at(t, " INFO t from a thread that ends\n");
    free(t);

    /* With a sink of one's own, buffered lines reach it at once. */
    struct capture c = {0};
    mu_log_set_sink(sink, &c);
    mu_log_buffered(MU_LOG_INFO, "http", "to the sink");
    assert_int_equal(c.calls, 1);
    assert_string_equal(c.msg, "to the sink");
    mu_log_set_sink(NULL, NULL);
    restore_stderr();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sink_receives_filtered_messages),
        cmocka_unit_test(line_format),
        cmocka_unit_test(buffered_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
