/* SPDX-License-Identifier: MIT */
/*
 * Error codes and error detail. Every fallible function in libmuster returns
 * an enum mu_err; detail goes into an optional struct mu_error whose message
 * lives in a fixed buffer, so reporting an error never allocates.
 */
#ifndef MUSTER_ERR_H
#define MUSTER_ERR_H

#include <stdarg.h>
#include <stddef.h>

#if defined(__GNUC__)
#define MU_API __attribute__((visibility("default")))
#define MU_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define MU_API
#define MU_PRINTF(a, b)
#endif

enum mu_err {
    MU_OK = 0,
    MU_EINVAL,    /* bad input from the caller or the user */
    MU_ENOMEM,    /* allocation failed */
    MU_ENOTFOUND, /* the named object does not exist */
    MU_ECONFLICT, /* the change conflicts with stored state */
    MU_ELIMIT,    /* a size or count limit was exceeded */
    MU_EIO,       /* a file or socket operation failed */
    MU_ESTORE,    /* the database failed or refused */
    MU_EINTERNAL, /* a bug */
};

#define MU_ERROR_MSG_MAX 256

struct mu_error {
    enum mu_err code;
    char field[64];             /* offending input field, or "" */
    char msg[MU_ERROR_MSG_MAX]; /* lowercase, no trailing period */
};

/** Short static text for @p code ("invalid input", ...). Never NULL. */
MU_API const char *mu_strerror(enum mu_err code);

/**
 * Fill @p err (may be NULL) with @p code and a formatted message; returns
 * @p code so callers can write `return mu_error_set(err, MU_EINVAL, ...)`.
 * The message is truncated to fit; nothing is allocated.
 */
MU_API enum mu_err mu_error_set(struct mu_error *err, enum mu_err code, const char *fmt, ...)
    MU_PRINTF(3, 4);

/** As mu_error_set(), also naming the offending input @p field. */
MU_API enum mu_err mu_error_field(struct mu_error *err, enum mu_err code, const char *field,
                                  const char *fmt, ...) MU_PRINTF(4, 5);

/** Reset @p err to MU_OK with empty message and field. */
MU_API void mu_error_clear(struct mu_error *err);

/** Abort with a message: only for broken invariants (a bug), never for input. */
#define MU_BUG(msg) mu_bug(__FILE__, __LINE__, (msg))
MU_API _Noreturn void mu_bug(const char *file, int line, const char *msg);

#endif
