/* SPDX-License-Identifier: MIT */
/* Error codes to text and the fixed-size error detail. */
#include <muster/err.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *mu_strerror(enum mu_err code)
{
    switch (code) {
    case MU_OK: return "ok";
    case MU_EINVAL: return "invalid input";
    case MU_ENOMEM: return "out of memory";
    case MU_ENOTFOUND: return "not found";
    case MU_ECONFLICT: return "conflict";
    case MU_ELIMIT: return "limit exceeded";
    case MU_EIO: return "input/output error";
    case MU_ESTORE: return "database error";
    case MU_EINTERNAL: return "internal error";
    }
    return "unknown error";
}

static void vset(struct mu_error *err, enum mu_err code, const char *field, const char *fmt,
                 va_list ap)
{
    err->code = code;
    snprintf(err->field, sizeof(err->field), "%s", field ? field : "");
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
}

enum mu_err mu_error_set(struct mu_error *err, enum mu_err code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vset(err, code, NULL, fmt, ap);
        va_end(ap);
    }
    return code;
}

enum mu_err mu_error_field(struct mu_error *err, enum mu_err code, const char *field,
                           const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vset(err, code, field, fmt, ap);
        va_end(ap);
    }
    return code;
}

void mu_error_clear(struct mu_error *err)
{
    if (err) {
        err->code = MU_OK;
        err->field[0] = '\0';
        err->msg[0] = '\0';
    }
}

void mu_bug(const char *file, int line, const char *msg)
{
    fprintf(stderr, "BUG: %s:%d: %s\n", file, line, msg);
    abort();
}
