/* SPDX-License-Identifier: MIT */
/*
 * The allocation hooks. A countdown lets tests fail the Nth allocation so
 * that every MU_ENOMEM path can be exercised.
 */
#include <muster/mem.h>

#include <stdlib.h>
#include <string.h>

static long fail_countdown; /* 0: off; otherwise allocations left before failing */

static int should_fail(void)
{
    if (fail_countdown == 0)
        return 0;
    if (fail_countdown == 1)
        return 1; /* stays at 1: every later allocation fails too */
    fail_countdown--;
    return 0;
}

void mu_mem_fail_after(long n)
{
    fail_countdown = n < 0 ? 0 : n;
}

void *mu_malloc(size_t n)
{
    return should_fail() ? NULL : malloc(n ? n : 1);
}

void *mu_calloc(size_t n, size_t size)
{
    return should_fail() ? NULL : calloc(n ? n : 1, size ? size : 1);
}

void *mu_realloc(void *p, size_t n)
{
    return should_fail() ? NULL : realloc(p, n ? n : 1);
}

void mu_free(void *p)
{
    free(p);
}

char *mu_strndup(const char *s, size_t n)
{
    if (!s)
        return NULL;
    char *d = mu_malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

char *mu_strdup(const char *s)
{
    return s ? mu_strndup(s, strlen(s)) : NULL;
}
