/* SPDX-License-Identifier: MIT */
/* Region allocator; see arena.h. */
#include "util/arena.h"

#include <muster/mem.h>
#include <stdalign.h>
#include <string.h>

#define BLOCK_MIN 8192

struct mu_arena_block {
    struct mu_arena_block *next;
    size_t cap, off;
    alignas(max_align_t) unsigned char data[];
};

void mu_arena_init(struct mu_arena *a)
{
    a->head = NULL;
    a->used = 0;
}

void mu_arena_release(struct mu_arena *a)
{
    struct mu_arena_block *b = a->head;
    while (b) {
        struct mu_arena_block *next = b->next;
        mu_free(b);
        b = next;
    }
    a->head = NULL;
    a->used = 0;
}

void *mu_arena_alloc(struct mu_arena *a, size_t n)
{
    const size_t align = alignof(max_align_t);
    n = (n + align - 1) & ~(align - 1);
    if (n == 0)
        n = align;
    struct mu_arena_block *b = a->head;
    if (!b || b->cap - b->off < n) {
        size_t cap = n > BLOCK_MIN ? n : BLOCK_MIN;
        b = mu_malloc(sizeof(*b) + cap);
        if (!b)
            return NULL;
        b->cap = cap;
        b->off = 0;
        b->next = a->head;
        a->head = b;
    }
    void *p = b->data + b->off;
    b->off += n;
    a->used += n;
    memset(p, 0, n);
    return p;
}

char *mu_arena_strndup(struct mu_arena *a, const char *s, size_t n)
{
    char *d = mu_arena_alloc(a, n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

char *mu_arena_strdup(struct mu_arena *a, const char *s)
{
    return mu_arena_strndup(a, s, strlen(s));
}
