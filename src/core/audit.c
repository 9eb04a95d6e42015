/* SPDX-License-Identifier: MIT */
/*
 * The audit chain: hashing of entries and the step-by-step check used by
 * mu_store_audit_verify(). Pure: libsodium's BLAKE2b only, no I/O.
 */
#include "core/audit.h"

#include <sodium.h>
#include <string.h>

#include <muster/mem.h>

#include "util/banned.h"

#define AUDIT_TAG "muster-audit-v1"

const char mu_audit_genesis[MU_AUDIT_HEX_LEN + 1] =
    "0000000000000000000000000000000000000000000000000000000000000000";

static void put_u64(crypto_generichash_state *st, uint64_t v)
{
    unsigned char b[8];
    for (int i = 7; i >= 0; i--) {
        b[i] = (unsigned char)(v & 0xff);
        v >>= 8;
    }
    crypto_generichash_update(st, b, sizeof(b));
}

static void put_str(crypto_generichash_state *st, const char *s)
{
    size_t len = s ? strlen(s) : 0;
    uint32_t n = (uint32_t)len; /* fields are far below 4 GiB; the store caps them */
    unsigned char b[4] = {(unsigned char)(n >> 24), (unsigned char)(n >> 16),
                          (unsigned char)(n >> 8), (unsigned char)n};
    crypto_generichash_update(st, b, sizeof(b));
    if (len)
        crypto_generichash_update(st, (const unsigned char *)s, len);
}

static void to_hex(const unsigned char *d, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[d[i] >> 4];
        out[2 * i + 1] = digits[d[i] & 15];
    }
    out[2 * n] = '\0';
}

void mu_audit_hash(const struct mu_audit_input *in, char out[MU_AUDIT_HEX_LEN + 1])
{
    crypto_generichash_state st;
    unsigned char d[32];
    crypto_generichash_init(&st, NULL, 0, sizeof(d));
    put_str(&st, AUDIT_TAG);
    put_u64(&st, (uint64_t)in->seq);
    put_u64(&st, (uint64_t)in->at);
    put_str(&st, in->actor);
    put_str(&st, in->action);
    put_str(&st, in->object);
    put_str(&st, in->summary);
    put_str(&st, in->prev_hash);
    crypto_generichash_final(&st, d, sizeof(d));
    to_hex(d, sizeof(d), out);
}

void mu_blake2b_hex(const void *data, size_t len, char out[MU_AUDIT_HEX_LEN + 1])
{
    unsigned char d[32];
    crypto_generichash(d, sizeof(d), data, len, NULL, 0);
    to_hex(d, sizeof(d), out);
}

void mu_audit_chain_init(struct mu_audit_chain *c)
{
    c->seq = 0;
    memcpy(c->hash, mu_audit_genesis, sizeof(c->hash));
}

static int same_hash(const char *a, const char *b)
{
    return a && b && strlen(a) == MU_AUDIT_HEX_LEN && strcmp(a, b) == 0;
}

enum mu_audit_fault mu_audit_chain_next(struct mu_audit_chain *c, const struct mu_audit_input *in,
                                        const char *stored_hash, int64_t *bad_seq)
{
    char h[MU_AUDIT_HEX_LEN + 1];
    if (in->seq != c->seq + 1) {
        /* Entries are read in seq order, so a larger seq means c->seq + 1
         * is gone. (A smaller one cannot happen with a primary key.) */
        *bad_seq = c->seq + 1;
        return in->seq > c->seq + 1 ? MU_AUDIT_REMOVED : MU_AUDIT_REORDERED;
    }
    if (!same_hash(in->prev_hash, c->hash)) {
        *bad_seq = in->seq;
        return MU_AUDIT_REORDERED;
    }
    mu_audit_hash(in, h);
    if (!same_hash(stored_hash, h)) {
        *bad_seq = in->seq;
        return MU_AUDIT_ALTERED;
    }
    c->seq = in->seq;
    memcpy(c->hash, h, sizeof(c->hash));
    return MU_AUDIT_OK;
}

enum mu_audit_fault mu_audit_chain_end(const struct mu_audit_chain *c, int64_t head_seq,
                                       const char *head_hash, int64_t *bad_seq)
{
    if (c->seq < head_seq) {
        *bad_seq = c->seq + 1;
        return MU_AUDIT_REMOVED;
    }
    if (c->seq > head_seq) {
        *bad_seq = head_seq + 1;
        return MU_AUDIT_INSERTED;
    }
    if (!same_hash(head_hash, c->hash)) {
        /* The last entry was replaced by a consistent forgery. */
        *bad_seq = c->seq;
        return MU_AUDIT_ALTERED;
    }
    return MU_AUDIT_OK;
}

const char *mu_audit_fault_text(enum mu_audit_fault f)
{
    switch (f) {
    case MU_AUDIT_OK:
        return "intact";
    case MU_AUDIT_ALTERED:
        return "hash mismatch (altered)";
    case MU_AUDIT_REMOVED:
        return "missing (removed)";
    case MU_AUDIT_REORDERED:
        return "does not follow the entry before it (reordered)";
    case MU_AUDIT_INSERTED:
        return "not in the recorded chain (inserted)";
    }
    return "unknown fault";
}

void mu_audit_entries_free(struct mu_audit_entry *v, size_t n)
{
    if (!v)
        return;
    for (size_t i = 0; i < n; i++) {
        mu_free(v[i].actor);
        mu_free(v[i].action);
        mu_free(v[i].object);
        mu_free(v[i].summary);
    }
    mu_free(v);
}
