/* SPDX-License-Identifier: MIT */
/*
 * The raw checks of a plan file before any YAML: UTF-8 validity with the
 * position of the first bad byte, and the split into front matter and body.
 */
#include "plan/plan_int.h"

#include <string.h>

#include "util/banned.h"

int mu_plan_utf8_check(const char *src, size_t len, int *line, int *col, unsigned char *bad)
{
    const unsigned char *s = (const unsigned char *)src;
    int ln = 1, cl = 1;
    size_t i = 0;
    unsigned char c = 0;
    while (i < len) {
        c = s[i];
        size_t n;
        unsigned cp;
        if (c < 0x80) {
            if (c == '\n') {
                ln++;
                cl = 1;
            } else {
                cl++;
            }
            i++;
            continue;
        } else if (c >= 0xc2 && c <= 0xdf) {
            n = 2;
            cp = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
            n = 3;
            cp = c & 0x0f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            n = 4;
            cp = c & 0x07;
        } else {
            goto fail;
        }
        if (len - i < n)
            goto fail;
        for (size_t k = 1; k < n; k++) {
            if ((s[i + k] & 0xc0) != 0x80) {
                c = s[i + k];
                /* The bad byte is the continuation that broke the sequence; it
                 * sits in the same character cell as its lead byte. */
                goto fail;
            }
            cp = (cp << 6) | (s[i + k] & 0x3f);
        }
        if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
            (cp >= 0xd800 && cp <= 0xdfff))
            goto fail;
        i += n;
        cl++;
    }
    return 1;
fail:
    *line = ln;
    *col = cl;
    *bad = c;
    return 0;
}

/* Length of the line at @p s (up to, not including, the '\n'). */
static size_t line_len(const char *s, size_t len)
{
    const char *nl = memchr(s, '\n', len);
    return nl ? (size_t)(nl - s) : len;
}

/* 1 when the line is exactly "---", allowing trailing blanks and a CR. */
static int is_fence(const char *s, size_t n)
{
    if (n < 3 || memcmp(s, "---", 3) != 0)
        return 0;
    for (size_t i = 3; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
            return 0;
    return 1;
}

enum mu_err mu_plan_split_source(const char *s, size_t len, struct mu_plan_split *out,
                                 struct mu_diags *d)
{
    size_t off = 0;
    if (len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
        off = 3; /* a byte-order mark is tolerated */
    size_t n = line_len(s + off, len - off);
    if (!is_fence(s + off, n)) {
        if (mu_diags_add(d, MU_DIAG_ERROR, 1, 1,
                         "missing front matter: the first line must be '---'"))
            return MU_ENOMEM;
        return MU_EINVAL;
    }
    off += n < len - off ? n + 1 : n;
    out->yaml_off = off;
    out->yaml_line = 2;
    int line = 2;
    while (off < len) {
        n = line_len(s + off, len - off);
        if (is_fence(s + off, n)) {
            out->yaml_len = off - out->yaml_off;
            off += n < len - off ? n + 1 : n;
            out->body_off = off;
            out->body_len = len - off;
            out->body_line = line + 1;
            return MU_OK;
        }
        off += n < len - off ? n + 1 : n;
        line++;
    }
    if (mu_diags_add(d, MU_DIAG_ERROR, 1, 1,
                     "front matter is not closed: no line '---' after the first line"))
        return MU_ENOMEM;
    return MU_EINVAL;
}
