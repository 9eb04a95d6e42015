/* SPDX-License-Identifier: MIT */
/*
 * A tiny logging sink for the programs built on libmuster. The library itself
 * never logs (it returns errors); the HTTP server and the CLI call mu_log().
 * The default sink writes one line per message to stderr:
 * `2025-01-31T08:15:00.123Z INFO http method=GET path=/api/v1/health ...`
 * (UTC time stamp, level, component, message). Never pass secrets, request
 * bodies, cookies or tokens.
 */
#ifndef MUSTER_LOG_H
#define MUSTER_LOG_H

#include <stddef.h>
#include <stdint.h>
#include "err.h"

enum mu_log_level {
    MU_LOG_ERROR = 0,
    MU_LOG_WARN = 1,
    MU_LOG_INFO = 2,
    MU_LOG_DEBUG = 3,
};

/** Longest message kept; longer ones are cut and end in "...". */
#define MU_LOG_LINE_MAX 1024

/**
 * A sink receives each message that passes the level filter. @p component
 * and @p msg are borrowed for the call only. It may be called from several
 * threads at once.
 */
typedef void mu_log_sink_fn(void *ctx, enum mu_log_level level, const char *component,
                            const char *msg);

/**
 * Log @p fmt at @p level for @p component ("http", "cli", ...). Thread-safe:
 * the default sink writes each line with a single write to stderr.
 */
MU_API void mu_log(enum mu_log_level level, const char *component, const char *fmt, ...)
    MU_PRINTF(3, 4);

/**
 * As mu_log(), but the stderr sink keeps the line in a buffer of the
 * calling thread (up to 4 KiB) written out when full, when the thread logs
 * with mu_log() (so its lines stay in order), when it ends, and at
 * mu_log_flush(). For lines of every request (the access log): one write
 * for many requests instead of one each. A replaced sink gets the line at
 * once, as from mu_log().
 */
MU_API void mu_log_buffered(enum mu_log_level level, const char *component, const char *fmt,
                            ...) MU_PRINTF(3, 4);

/**
 * Write out every thread's buffered lines. Whoever uses mu_log_buffered()
 * calls it often (the server: every MU_HTTP_LOG_FLUSH_MS) and at the end.
 */
MU_API void mu_log_flush(void);

/**
 * Replace the sink (NULL restores the stderr sink); @p ctx is borrowed and
 * passed to every call. Not thread-safe: set it before starting threads.
 */
MU_API void mu_log_set_sink(mu_log_sink_fn *fn, void *ctx);

/** Drop messages less severe than @p max (default MU_LOG_INFO). Not thread-safe. */
MU_API void mu_log_set_level(enum mu_log_level max);

/** "ERROR", "WARN", "INFO" or "DEBUG". */
MU_API const char *mu_log_level_name(enum mu_log_level level);

/**
 * Format a line as the default sink writes it, without the newline, into
 * @p out (@p outsz bytes, truncated to fit). @p unix_ms is the time stamp in
 * milliseconds since the epoch. Returns the length written.
 */
MU_API size_t mu_log_format(char *out, size_t outsz, int64_t unix_ms, enum mu_log_level level,
                            const char *component, const char *msg);

#endif
