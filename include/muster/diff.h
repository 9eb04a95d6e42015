/* SPDX-License-Identifier: MIT */
/*
 * Line diff between two texts (plan versions): Myers' O((N+M)D) algorithm
 * after stripping the common head and tail, with a cap on the number of
 * changed lines so that a request cannot make the server work or allocate
 * without bound. Pure: bytes in, an edit script out. Used by the plan diff
 * page and the JSON diff route.
 */
#ifndef MUSTER_DIFF_H
#define MUSTER_DIFF_H

#include <stddef.h>

#include "err.h"

#define MU_DIFF_MAX_LINES 200000 /* lines of each side */
#define MU_DIFF_MAX_EDITS 2000   /* default cap on added + removed lines */

/** One line of the edit script. */
struct mu_diff_op {
    char op;          /* ' ' in both, '-' only in the old text, '+' only in the new */
    const char *line; /* borrowed from the input it comes from; not NUL-terminated */
    size_t len;       /* bytes, without the '\n' */
};

/**
 * Diff the lines of @p a (@p alen bytes, the old text) against @p b (@p blen
 * bytes, the new text); both borrowed and must outlive the result. Lines
 * end at '\n'; a last line without one still counts; an empty text has no
 * lines. The script lists every line of both texts once, in order: reading
 * ' ' and '-' gives @p a, ' ' and '+' gives @p b; within a change, removed
 * lines come before added ones. The script is a shortest one.
 * @p max_edits caps the added plus removed lines (0: MU_DIFF_MAX_EDITS).
 * On success *out (owned by caller, mu_free; NULL when both are empty) and
 * *n are set. Errors: MU_ELIMIT when a side has more than MU_DIFF_MAX_LINES
 * lines or the texts differ in more than @p max_edits lines; MU_ENOMEM.
 */
MU_API enum mu_err mu_diff_lines(const char *a, size_t alen, const char *b, size_t blen,
                                 size_t max_edits, struct mu_diff_op **out, size_t *n,
                                 struct mu_error *err);

#endif
