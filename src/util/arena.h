/* SPDX-License-Identifier: MIT */
/*
 * A region allocator: many small allocations freed at once. Used for parsed
 * plans and (later) for one HTTP request.
 */
#ifndef MU_UTIL_ARENA_H
#define MU_UTIL_ARENA_H

#include <stddef.h>
#include <muster/err.h>

struct mu_arena_block;

struct mu_arena {
    struct mu_arena_block *head; /* owned chain of blocks, newest first */
    size_t used;                 /* bytes handed out, all blocks */
};

void mu_arena_init(struct mu_arena *a);
/** Free every block; the arena is empty and reusable afterwards. */
void mu_arena_release(struct mu_arena *a);
/** @p n zeroed bytes aligned for any type, owned by the arena; NULL on ENOMEM. */
void *mu_arena_alloc(struct mu_arena *a, size_t n);
/** Copy of @p s (length @p n) NUL-terminated in the arena; NULL on ENOMEM. */
char *mu_arena_strndup(struct mu_arena *a, const char *s, size_t n);
char *mu_arena_strdup(struct mu_arena *a, const char *s);

#endif
