/* SPDX-License-Identifier: MIT */
/*
 * Allocation hooks. Every allocation in libmuster goes through mu_malloc and
 * friends so that tests can fail the Nth call (MU_TEST_FAIL_ALLOC=N).
 */
#ifndef MUSTER_MEM_H
#define MUSTER_MEM_H

#include <stddef.h>
#include "err.h"

MU_API void *mu_malloc(size_t n);
MU_API void *mu_calloc(size_t n, size_t size);
MU_API void *mu_realloc(void *p, size_t n);
MU_API void mu_free(void *p);
/** Copy of @p s (NULL gives NULL); owned by caller, free with mu_free(). */
MU_API char *mu_strdup(const char *s);
/** Copy of the first @p n bytes of @p s, NUL-terminated; owned by caller. */
MU_API char *mu_strndup(const char *s, size_t n);

/**
 * Make the Nth allocation from now (1-based) and every later one fail;
 * 0 turns failure injection off. For tests only; not thread-safe.
 */
MU_API void mu_mem_fail_after(long n);

#endif
