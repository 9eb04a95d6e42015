/* SPDX-License-Identifier: MIT */
/*
 * The audit chain, pure: how an entry is hashed (BLAKE2b-256 over a
 * length-prefixed encoding of its fields and the previous hash) and how a
 * sequence of stored entries is checked, one at a time, for alteration,
 * removal and reordering. No I/O; the store feeds rows in.
 */
#ifndef MU_CORE_AUDIT_H
#define MU_CORE_AUDIT_H

#include <muster/audit.h>
#include <stddef.h>
#include <stdint.h>

/** The prev_hash of the first entry: 64 zeros. */
extern const char mu_audit_genesis[MU_AUDIT_HEX_LEN + 1];

/** The fields that an entry's hash covers; all borrowed, NULL reads as "". */
struct mu_audit_input {
    int64_t seq;
    int64_t at;
    const char *actor;
    const char *action;
    const char *object;
    const char *summary;
    const char *prev_hash;
};

/**
 * Hash @p in into @p out (lowercase hex, NUL-terminated). The encoding is a
 * version tag, then seq and at as 8-byte big-endian integers, then each
 * string as a 4-byte big-endian length and its bytes, in the order of the
 * struct, so that no two different entries encode alike.
 */
void mu_audit_hash(const struct mu_audit_input *in, char out[MU_AUDIT_HEX_LEN + 1]);

/** BLAKE2b-256 of @p len bytes at @p data as lowercase hex into @p out. */
void mu_blake2b_hex(const void *data, size_t len, char out[MU_AUDIT_HEX_LEN + 1]);

/** What is wrong with an entry, first problem found. */
enum mu_audit_fault {
    MU_AUDIT_OK = 0,
    MU_AUDIT_ALTERED,   /* the stored hash does not match the content */
    MU_AUDIT_REMOVED,   /* an entry is missing: a gap in seq or a short tail */
    MU_AUDIT_REORDERED, /* the entry does not link to the one before it */
    MU_AUDIT_INSERTED,  /* an entry beyond the recorded head */
};

/** The walk over the log: the last good entry seen. */
struct mu_audit_chain {
    int64_t seq;                     /* 0 before the first entry */
    char hash[MU_AUDIT_HEX_LEN + 1]; /* the genesis hash before the first entry */
};

void mu_audit_chain_init(struct mu_audit_chain *c);

/**
 * Check the next entry in seq order: @p in as stored (its prev_hash
 * included) and its stored hash. On MU_AUDIT_OK the chain advances; otherwise
 * *bad_seq gets the seq to blame and the chain is unchanged.
 */
enum mu_audit_fault mu_audit_chain_next(struct mu_audit_chain *c, const struct mu_audit_input *in,
                                        const char *stored_hash, int64_t *bad_seq);

/**
 * After the last entry: compare with the recorded head (seq and hash). An
 * entry missing at the end is MU_AUDIT_REMOVED with *bad_seq the first
 * missing seq.
 */
enum mu_audit_fault mu_audit_chain_end(const struct mu_audit_chain *c, int64_t head_seq,
                                       const char *head_hash, int64_t *bad_seq);

/** "hash mismatch (altered)", "missing (removed)", ...; static text. */
const char *mu_audit_fault_text(enum mu_audit_fault f);

#endif
