/* SPDX-License-Identifier: MIT */
/*
 * A growable byte buffer with a hard cap (curl's dynbuf idea). The content is
 * always NUL-terminated. Growing past the cap fails with MU_ELIMIT and leaves
 * the buffer as it was.
 */
#ifndef MU_UTIL_BUF_H
#define MU_UTIL_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <muster/err.h>

struct mu_buf {
    char *ptr;  /* owned; NULL until the first append */
    size_t len; /* bytes used, not counting the NUL */
    size_t cap; /* bytes allocated */
    size_t max; /* hard limit on len */
};

/** Start an empty buffer that may hold at most @p max bytes. */
void mu_buf_init(struct mu_buf *b, size_t max);
/** Free the content; the buffer is empty and reusable afterwards. */
void mu_buf_release(struct mu_buf *b);
/** Forget the content but keep the allocation. */
void mu_buf_reset(struct mu_buf *b);
enum mu_err mu_buf_add(struct mu_buf *b, const void *data, size_t len);
enum mu_err mu_buf_adds(struct mu_buf *b, const char *s);
enum mu_err mu_buf_addc(struct mu_buf *b, char c);
enum mu_err mu_buf_printf(struct mu_buf *b, const char *fmt, ...) MU_PRINTF(2, 3);
enum mu_err mu_buf_vprintf(struct mu_buf *b, const char *fmt, va_list ap);
/** Append @p s with &, <, >, " and ' escaped for HTML text and attributes. */
enum mu_err mu_buf_add_html(struct mu_buf *b, const char *s, size_t len);
/**
 * Take the content (NUL-terminated; "" when empty): transferred to the
 * caller, free with mu_free(). The buffer is left empty. NULL on ENOMEM.
 */
char *mu_buf_detach(struct mu_buf *b);

#endif
