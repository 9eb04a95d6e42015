/* SPDX-License-Identifier: MIT */
/*
 * The audit log as callers see it: one entry per state change, chained by
 * BLAKE2b-256 hashes (hex). The store appends entries (see store.h); this
 * header only defines the entry type and its release function.
 */
#ifndef MUSTER_AUDIT_H
#define MUSTER_AUDIT_H

#include "err.h"
#include <stddef.h>
#include <stdint.h>

/** Length of a hash in hex, without the NUL. */
#define MU_AUDIT_HEX_LEN 64

/**
 * One audit entry as read back from the store. The strings are owned by the
 * array that holds the entry; release the whole array with
 * mu_audit_entries_free().
 */
struct mu_audit_entry {
    int64_t seq;                          /* 1, 2, 3 ... without gaps */
    int64_t at;                           /* epoch milliseconds (the actor's clock) */
    char *actor;                          /* who: a user name, "cli", ... */
    char *action;                         /* what kind: "plan.load", "setting.set" ... */
    char *object;                         /* on what: "plan:school", "setting:tz" ... */
    char *summary;                        /* what changed, one line */
    char prev_hash[MU_AUDIT_HEX_LEN + 1]; /* hash of entry seq-1 (zeros for the first) */
    char hash[MU_AUDIT_HEX_LEN + 1];      /* hash of this entry */
};

/** Free @p v (an array of @p n entries) and every string in it; NULL is fine. */
MU_API void mu_audit_entries_free(struct mu_audit_entry *v, size_t n);

#endif
