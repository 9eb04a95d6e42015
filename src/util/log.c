/* SPDX-License-Identifier: MIT */
/*
 * The logging sink (see include/muster/log.h): a level filter, a replaceable
 * sink and the default one that writes `ts level component msg` lines to
 * stderr. Nothing in libmuster calls mu_log(); the programs above it do.
 */
#include <muster/log.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <muster/date.h>

#include "util/banned.h"

static mu_log_sink_fn *sink_fn;  /* NULL: the stderr sink */
static void *sink_ctx;           /* borrowed, passed to sink_fn */
static enum mu_log_level max_level = MU_LOG_INFO;

const char *mu_log_level_name(enum mu_log_level level)
{
    switch (level) {
    case MU_LOG_ERROR: return "ERROR";
    case MU_LOG_WARN: return "WARN";
    case MU_LOG_INFO: return "INFO";
    case MU_LOG_DEBUG: return "DEBUG";
    }
    return "INFO";
}

size_t mu_log_format(char *out, size_t outsz, int64_t unix_ms, enum mu_log_level level,
                     const char *component, const char *msg)
{
    if (outsz == 0)
        return 0;
    /* Not gmtime_r(), which takes glibc's time-zone lock: every access-log
     * line comes through here, from every thread. */
    int ms = (int)(unix_ms % 1000);
    if (ms < 0)
        ms += 1000;
    char ts[21];
    mu_time_format_utc(unix_ms, ts);
    ts[19] = '\0'; /* the seconds; ".mmmZ" follows */
    int n = snprintf(out, outsz, "%s.%03dZ %s %s %s", ts, ms, mu_log_level_name(level),
                     component && *component ? component : "-", msg ? msg : "");
    if (n < 0) {
        out[0] = '\0';
        return 0;
    }
    return (size_t)n < outsz ? (size_t)n : outsz - 1;
}

static void stderr_sink(enum mu_log_level level, const char *component, const char *msg)
{
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    int64_t ms = (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
    char line[MU_LOG_LINE_MAX + 128];
    size_t n = mu_log_format(line, sizeof(line) - 1, ms, level, component, msg);
    line[n++] = '\n';
    /* One write(2) per line, so lines from several threads do not
     * interleave; not stdio, whose stream lock the threads would queue on. */
    ssize_t w = write(STDERR_FILENO, line, n);
    (void)w; /* nowhere to report a failing log */
}

void mu_log(enum mu_log_level level, const char *component, const char *fmt, ...)
{
    if (level > max_level)
        return;
    char msg[MU_LOG_LINE_MAX];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n >= sizeof(msg))
        memcpy(msg + sizeof(msg) - 4, "...", 4);
    if (sink_fn)
        sink_fn(sink_ctx, level, component, msg);
    else
        stderr_sink(level, component, msg);
}

void mu_log_set_sink(mu_log_sink_fn *fn, void *ctx)
{
    sink_fn = fn;
    sink_ctx = fn ? ctx : NULL;
}

void mu_log_set_level(enum mu_log_level max)
{
    max_level = max;
}
