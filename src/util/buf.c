/* SPDX-License-Identifier: MIT */
/* Bounded growable buffer; see buf.h. */
#include "util/buf.h"

#include <muster/mem.h>
#include <stdio.h>
#include <string.h>

void mu_buf_init(struct mu_buf *b, size_t max)
{
    b->ptr = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max;
}

void mu_buf_release(struct mu_buf *b)
{
    mu_free(b->ptr);
    b->ptr = NULL;
    b->len = b->cap = 0;
}

void mu_buf_reset(struct mu_buf *b)
{
    b->len = 0;
    if (b->ptr)
        b->ptr[0] = '\0';
}

static enum mu_err reserve(struct mu_buf *b, size_t extra)
{
    if (extra > b->max || b->len > b->max - extra)
        return MU_ELIMIT;
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return MU_OK;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap *= 2;
    if (cap > b->max + 1)
        cap = b->max + 1;
    char *p = mu_realloc(b->ptr, cap);
    if (!p)
        return MU_ENOMEM;
    b->ptr = p;
    b->cap = cap;
    return MU_OK;
}

enum mu_err mu_buf_add(struct mu_buf *b, const void *data, size_t len)
{
    enum mu_err rc = reserve(b, len);
    if (rc)
        return rc;
    if (len)
        memcpy(b->ptr + b->len, data, len);
    b->len += len;
    b->ptr[b->len] = '\0';
    return MU_OK;
}

enum mu_err mu_buf_adds(struct mu_buf *b, const char *s)
{
    return mu_buf_add(b, s, strlen(s));
}

enum mu_err mu_buf_addc(struct mu_buf *b, char c)
{
    return mu_buf_add(b, &c, 1);
}

enum mu_err mu_buf_vprintf(struct mu_buf *b, const char *fmt, va_list ap)
{
    va_list cp;
    va_copy(cp, ap);
    int n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n < 0)
        return MU_EINVAL;
    enum mu_err rc = reserve(b, (size_t)n);
    if (rc)
        return rc;
    vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return MU_OK;
}

enum mu_err mu_buf_printf(struct mu_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    enum mu_err rc = mu_buf_vprintf(b, fmt, ap);
    va_end(ap);
    return rc;
}

enum mu_err mu_buf_add_html(struct mu_buf *b, const char *s, size_t len)
{
    size_t start = 0;
    for (size_t i = 0; i < len; i++) {
        const char *rep = NULL;
        switch (s[i]) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        default: continue;
        }
        enum mu_err rc = mu_buf_add(b, s + start, i - start);
        if (!rc)
            rc = mu_buf_adds(b, rep);
        if (rc)
            return rc;
        start = i + 1;
    }
    return mu_buf_add(b, s + start, len - start);
}

char *mu_buf_detach(struct mu_buf *b)
{
    char *p = b->ptr;
    if (!p)
        p = mu_strdup("");
    b->ptr = NULL;
    b->len = b->cap = 0;
    return p;
}
