/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the audit chain (src/core/audit.c): the hash of an entry
 * against vectors computed independently (Python hashlib.blake2b over the
 * documented encoding), that every field counts, and the chain check for
 * each kind of tampering.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/audit.h"

static void known_vectors(void **state)
{
    (void)state;
    char h[MU_AUDIT_HEX_LEN + 1];
    struct mu_audit_input a = {1,
                               1700000000000,
                               "li.wei",
                               "plan.load",
                               "plan:school",
                               "version 1: 学校预案",
                               mu_audit_genesis};
    mu_audit_hash(&a, h);
    assert_string_equal(h, "f45b57ed94ffc19203c4863d7093e6f2d4bf8f71353f07c9a6e25fec649ef28d");
    /* Empty and NULL strings encode alike (length 0); negative times work. */
    struct mu_audit_input b = {2, -5, "", NULL, "", "", ""};
    mu_audit_hash(&b, h);
    assert_string_equal(h, "c1ec79faffa02bbab99cf9d384665a96d02725935ee058c0da1eb33e7de8152d");
    mu_blake2b_hex("abc", 3, h);
    assert_string_equal(h, "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
    mu_blake2b_hex("", 0, h);
    assert_string_equal(h, "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
    assert_int_equal(strlen(mu_audit_genesis), MU_AUDIT_HEX_LEN);
}

static void every_field_counts(void **state)
{
    (void)state;
    const struct mu_audit_input base = {7,        100,       "actor",         "action",
                                        "object", "summary", mu_audit_genesis};
    char h0[MU_AUDIT_HEX_LEN + 1], h[MU_AUDIT_HEX_LEN + 1];
    mu_audit_hash(&base, h0);
    struct mu_audit_input v[8];
    for (int i = 0; i < 8; i++)
        v[i] = base;
    v[0].seq = 8;
    v[1].at = 101;
    v[2].actor = "actoR";
    v[3].action = "actioN";
    v[4].object = "objecT";
    v[5].summary = "summarY";
    v[6].prev_hash = "1000000000000000000000000000000000000000000000000000000000000000";
    /* Moving a boundary between fields must change the hash (length prefixes). */
    v[7].actor = "actora";
    v[7].action = "ction";
    for (int i = 0; i < 8; i++) {
        mu_audit_hash(&v[i], h);
        assert_string_not_equal(h, h0);
    }
    mu_audit_hash(&base, h);
    assert_string_equal(h, h0);
}

/* A chain of @p n good entries in @p in / @p hashes. */
static void build(struct mu_audit_input *in, char (*hashes)[MU_AUDIT_HEX_LEN + 1], int n)
{
    for (int i = 0; i < n; i++) {
        struct mu_audit_input e = {
            i + 1, 1000 * (i + 1), "a", "x", "o", "s", i ? hashes[i - 1] : mu_audit_genesis};
        in[i] = e;
        mu_audit_hash(&in[i], hashes[i]);
    }
}

/* Walk entries in the given order; return the first fault and its seq. */
static enum mu_audit_fault walk(const struct mu_audit_input *in,
                                char (*hashes)[MU_AUDIT_HEX_LEN + 1], const int *order, int n,
                                int64_t head_seq, const char *head_hash, int64_t *bad)
{
    struct mu_audit_chain c;
    mu_audit_chain_init(&c);
    for (int k = 0; k < n; k++) {
        enum mu_audit_fault f = mu_audit_chain_next(&c, &in[order[k]], hashes[order[k]], bad);
        if (f)
            return f;
    }
    return mu_audit_chain_end(&c, head_seq, head_hash, bad);
}

static void chain_faults(void **state)
{
    (void)state;
    struct mu_audit_input in[5];
    char hashes[5][MU_AUDIT_HEX_LEN + 1];
    int64_t bad = 0;
    build(in, hashes, 5);
    const int all[] = {0, 1, 2, 3, 4};
    assert_int_equal(walk(in, hashes, all, 5, 5, hashes[4], &bad), MU_AUDIT_OK);
    assert_int_equal(walk(in, hashes, all, 0, 0, mu_audit_genesis, &bad), MU_AUDIT_OK);

    const int gap[] = {0, 1, 3, 4};
    assert_int_equal(walk(in, hashes, gap, 4, 5, hashes[4], &bad), MU_AUDIT_REMOVED);
    assert_int_equal(bad, 3);
    assert_string_equal(mu_audit_fault_text(MU_AUDIT_REMOVED), "missing (removed)");

    assert_int_equal(walk(in, hashes, all, 4, 5, hashes[4], &bad), MU_AUDIT_REMOVED);
    assert_int_equal(bad, 5);
    assert_int_equal(walk(in, hashes, all, 5, 4, hashes[3], &bad), MU_AUDIT_INSERTED);
    assert_int_equal(bad, 5);
    assert_int_equal(walk(in, hashes, all, 5, 5, hashes[3], &bad), MU_AUDIT_ALTERED);
    assert_int_equal(bad, 5);

    /* Content of 2 and 3 swapped, seq kept in place. */
    struct mu_audit_input sw[5];
    char swh[5][MU_AUDIT_HEX_LEN + 1];
    memcpy(sw, in, sizeof(sw));
    memcpy(swh, hashes, sizeof(swh));
    sw[1] = in[2];
    sw[1].seq = 2;
    sw[2] = in[1];
    sw[2].seq = 3;
    memcpy(swh[1], hashes[2], sizeof(swh[1]));
    memcpy(swh[2], hashes[1], sizeof(swh[2]));
    assert_int_equal(walk(sw, swh, all, 5, 5, hashes[4], &bad), MU_AUDIT_REORDERED);
    assert_int_equal(bad, 2);

    /* A changed summary. */
    in[3].summary = "changed";
    assert_int_equal(walk(in, hashes, all, 5, 5, hashes[4], &bad), MU_AUDIT_ALTERED);
    assert_int_equal(bad, 4);
    assert_string_equal(mu_audit_fault_text(MU_AUDIT_ALTERED), "hash mismatch (altered)");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(known_vectors),
        cmocka_unit_test(every_field_counts),
        cmocka_unit_test(chain_faults),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
