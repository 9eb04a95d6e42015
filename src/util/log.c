/* SPDX-License-Identifier: MIT */
/*
 * The logging sink (see include/muster/log.h): a level filter, a replaceable
 * sink and the default one that writes `ts level component msg` lines to
 * stderr, and the per-thread buffers of mu_log_buffered(). Nothing in
 * libmuster calls mu_log(); the programs above it do.
 */
#include <muster/log.h>

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <muster/date.h>
#include <muster/mem.h>

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

/* ---- the per-thread buffers of mu_log_buffered() ---- */

/* At most PIPE_BUF, so one write(2) of a whole buffer reaches a pipe (a
 * service manager's journal) unbroken by other threads' lines. */
#define LINE_BUF_SIZE 4096

struct line_buf {
    pthread_mutex_t lock; /* data and len; taken by the owner and by mu_log_flush() */
    size_t len;
    char data[LINE_BUF_SIZE];
    struct line_buf *prev, *next; /* in bufs, under bufs_lock */
};

static pthread_mutex_t bufs_lock = PTHREAD_MUTEX_INITIALIZER;
static struct line_buf *bufs;
static pthread_key_t buf_key;
static pthread_once_t buf_once = PTHREAD_ONCE_INIT;
static int buf_key_ok;
static _Thread_local struct line_buf *my_buf;

static void write_out(const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(STDERR_FILENO, p, n);
        if (w <= 0)
            return; /* nowhere to report a failing log */
        p += w;
        n -= (size_t)w;
    }
}

/* Write out and empty @p b; its lock held. */
static void buf_drain(struct line_buf *b)
{
    write_out(b->data, b->len);
    b->len = 0;
}

/* At the end of a thread: its lines out, its buffer gone. */
static void buf_thread_end(void *p)
{
    struct line_buf *b = p;
    pthread_mutex_lock(&bufs_lock);
    if (b->prev)
        b->prev->next = b->next;
    else
        bufs = b->next;
    if (b->next)
        b->next->prev = b->prev;
    pthread_mutex_unlock(&bufs_lock);
    pthread_mutex_lock(&b->lock);
    buf_drain(b);
    pthread_mutex_unlock(&b->lock);
    pthread_mutex_destroy(&b->lock);
    mu_free(b);
}

static void buf_key_make(void)
{
    buf_key_ok = pthread_key_create(&buf_key, buf_thread_end) == 0;
}

/* This thread's buffer, made and registered on first use; NULL when that fails. */
static struct line_buf *thread_buf(void)
{
    if (my_buf)
        return my_buf;
    pthread_once(&buf_once, buf_key_make);
    if (!buf_key_ok)
        return NULL;
    struct line_buf *b = mu_calloc(1, sizeof(*b));
    if (!b)
        return NULL;
    if (pthread_mutex_init(&b->lock, NULL)) {
        mu_free(b);
        return NULL;
    }
    if (pthread_setspecific(buf_key, b)) {
        pthread_mutex_destroy(&b->lock);
        mu_free(b);
        return NULL;
    }
    pthread_mutex_lock(&bufs_lock);
    b->next = bufs;
    if (bufs)
        bufs->prev = b;
    bufs = b;
    pthread_mutex_unlock(&bufs_lock);
    my_buf = b;
    return b;
}

void mu_log_flush(void)
{
    pthread_mutex_lock(&bufs_lock);
    for (struct line_buf *b = bufs; b; b = b->next) {
        pthread_mutex_lock(&b->lock);
        buf_drain(b);
        pthread_mutex_unlock(&b->lock);
    }
    pthread_mutex_unlock(&bufs_lock);
}

/* ---- the stderr sink ---- */

/* The line of @p msg as written, with its newline, into @p line; its length. */
static size_t stderr_line(char *line, size_t cap, enum mu_log_level level, const char *component,
                          const char *msg)
{
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    int64_t ms = (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
    size_t n = mu_log_format(line, cap - 1, ms, level, component, msg);
    line[n++] = '\n';
    return n;
}

static void stderr_sink(enum mu_log_level level, const char *component, const char *msg,
                        int buffered)
{
    char line[MU_LOG_LINE_MAX + 128];
    size_t n = stderr_line(line, sizeof(line), level, component, msg);
    struct line_buf *b = my_buf;
    if (buffered && !b)
        b = thread_buf();
    if (!b) {
        /* One write(2) per line, so lines from several threads do not
         * interleave; not stdio, whose stream lock they would queue on. */
        write_out(line, n);
        return;
    }
    pthread_mutex_lock(&b->lock);
    /* An unbuffered line goes out after this thread's buffered ones. */
    if (!buffered || b->len + n > sizeof(b->data))
        buf_drain(b);
    if (buffered) {
        memcpy(b->data + b->len, line, n);
        b->len += n;
    } else {
        write_out(line, n);
    }
    pthread_mutex_unlock(&b->lock);
}

static void vlog(enum mu_log_level level, const char *component, int buffered, const char *fmt,
                 va_list ap)
{
    if (level > max_level)
        return;
    char msg[MU_LOG_LINE_MAX];
    int n = vsnprintf(msg, sizeof(msg), fmt, ap);
    if (n < 0)
        return;
    if ((size_t)n >= sizeof(msg))
        memcpy(msg + sizeof(msg) - 4, "...", 4);
    if (sink_fn)
        sink_fn(sink_ctx, level, component, msg);
    else
        stderr_sink(level, component, msg, buffered);
}

void mu_log(enum mu_log_level level, const char *component, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vlog(level, component, 0, fmt, ap);
    va_end(ap);
}

void mu_log_buffered(enum mu_log_level level, const char *component, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vlog(level, component, 1, fmt, ap);
    va_end(ap);
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
