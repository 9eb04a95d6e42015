/* SPDX-License-Identifier: MIT */
/*
 * Internals of the check-in rules (src/core/checkin.c) shared with the use
 * cases and the tests: the string -> index map the schedule uses for unit
 * lookup, and small text helpers. The public rules are in muster/checkin.h.
 */
#ifndef MU_CORE_CHECKIN_H
#define MU_CORE_CHECKIN_H

#include <muster/checkin.h>
#include <stddef.h>

/** Open-addressing map from borrowed NUL-terminated strings to indexes. */
struct mu_checkin_map {
    const char **keys; /* borrowed strings; NULL for empty slots */
    int *vals;
    size_t mask; /* capacity - 1, capacity a power of two */
};

/** A map for up to @p n keys; NULL on ENOMEM. Free with mu_checkin_map_free(). */
struct mu_checkin_map *mu_checkin_map_new(size_t n);
void mu_checkin_map_free(struct mu_checkin_map *m);
/** Add @p key (borrowed) -> @p val; returns 0 when the key was already there (kept). */
int mu_checkin_map_put(struct mu_checkin_map *m, const char *key, int val);
/** The value of @p key, or -1. */
int mu_checkin_map_get(const struct mu_checkin_map *m, const char *key);

/**
 * Characters (code points) of UTF-8 text @p s, or -1 when it is not valid
 * UTF-8 or holds a control character other than newline, carriage return
 * and tab.
 */
long mu_checkin_text_chars(const char *s);

/** Parse a count: decimal digits only, 0..MU_CHECKIN_COUNT_MAX. 1 ok, 0 not. */
int mu_checkin_count_parse(const char *s, int64_t *out);

#endif
