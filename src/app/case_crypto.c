/* SPDX-License-Identifier: MIT */
/*
 * Sealing the complainant's identity (name, phone, address, ID number) with
 * libsodium crypto_secretbox: a random nonce per value, the key named by its
 * id in front of each value ("KEYID:" + base64(nonce || box)), so that key
 * rotation can re-seal while old values stay readable. Also the keyed hash
 * that lets the public status check match the last four digits of a phone
 * without keeping them in clear, and tracking codes from randombytes. The
 * plaintext never leaves this file except to the caller that asked for it.
 */
#include <muster/case.h>
#include <muster/mem.h>

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "util/banned.h"

#define B64 sodium_base64_VARIANT_ORIGINAL
#define MAX_PLAIN 4096

static void init_once(void)
{
    if (sodium_init() < 0)
        MU_BUG("libsodium cannot be initialized");
}

void mu_case_keyring_wipe(struct mu_case_keyring *kr)
{
    if (kr)
        sodium_memzero(kr, sizeof(*kr));
}

void mu_case_key_generate(struct mu_case_key *k)
{
    unsigned char id[MU_CASE_KEY_ID_LEN / 2];
    init_once();
    crypto_secretbox_keygen(k->key);
    randombytes_buf(id, sizeof(id));
    sodium_bin2hex(k->id, sizeof(k->id), id, sizeof(id));
}

void mu_case_code_generate(char out[MU_CASE_CODE_LEN + 1])
{
    unsigned char idx[12];
    init_once();
    for (int i = 0; i < 12; i++)
        idx[i] = (unsigned char)randombytes_uniform(31);
    mu_case_code_from(idx, out);
}

enum mu_err mu_case_seal(const struct mu_case_keyring *kr, const char *plain, char **out,
                         struct mu_error *err)
{
    *out = NULL;
    if (!plain || !*plain)
        return MU_OK;
    if (!kr || kr->n == 0)
        return mu_error_set(err, MU_EINVAL, "no case key loaded");
    size_t len = strlen(plain);
    if (len > MAX_PLAIN)
        return mu_error_set(err, MU_EINVAL, "a personal data value is longer than %d bytes",
                            MAX_PLAIN);
    init_once();
    size_t blen = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + len;
    unsigned char *box = mu_malloc(blen);
    size_t b64len = sodium_base64_encoded_len(blen, B64);
    char *text = mu_malloc(MU_CASE_KEY_ID_LEN + 1 + b64len);
    if (!box || !text) {
        mu_free(box);
        mu_free(text);
        return mu_error_set(err, MU_ENOMEM, "out of memory sealing a value");
    }
    randombytes_buf(box, crypto_secretbox_NONCEBYTES);
    crypto_secretbox_easy(box + crypto_secretbox_NONCEBYTES, (const unsigned char *)plain, len, box,
                          kr->keys[0].key);
    memcpy(text, kr->keys[0].id, MU_CASE_KEY_ID_LEN);
    text[MU_CASE_KEY_ID_LEN] = ':';
    sodium_bin2base64(text + MU_CASE_KEY_ID_LEN + 1, b64len, box, blen, B64);
    mu_free(box);
    *out = text;
    return MU_OK;
}

enum mu_err mu_case_open(const struct mu_case_keyring *kr, const char *sealed, char **out,
                         struct mu_error *err)
{
    *out = NULL;
    if (!sealed || strlen(sealed) < MU_CASE_KEY_ID_LEN + 2 || sealed[MU_CASE_KEY_ID_LEN] != ':')
        return mu_error_set(err, MU_EINVAL, "a sealed value is damaged");
    const struct mu_case_key *k = NULL;
    for (size_t i = 0; kr && i < kr->n; i++)
        if (memcmp(kr->keys[i].id, sealed, MU_CASE_KEY_ID_LEN) == 0)
            k = &kr->keys[i];
    if (!k)
        return mu_error_set(err, MU_ENOTFOUND, "no key '%.*s' in the key file to open a value",
                            MU_CASE_KEY_ID_LEN, sealed);
    init_once();
    const char *b64 = sealed + MU_CASE_KEY_ID_LEN + 1;
    size_t cap = strlen(b64), blen = 0;
    unsigned char *box = mu_malloc(cap + 1);
    char *plain = NULL;
    enum mu_err rc = MU_OK;
    if (!box)
        return mu_error_set(err, MU_ENOMEM, "out of memory opening a value");
    if (sodium_base642bin(box, cap, b64, cap, NULL, &blen, NULL, B64) != 0 ||
        blen < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) {
        rc = mu_error_set(err, MU_EINVAL, "a sealed value is damaged");
        goto out;
    }
    size_t plen = blen - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES;
    plain = mu_malloc(plen + 1);
    if (!plain) {
        rc = mu_error_set(err, MU_ENOMEM, "out of memory opening a value");
        goto out;
    }
    if (crypto_secretbox_open_easy((unsigned char *)plain, box + crypto_secretbox_NONCEBYTES,
                                   blen - crypto_secretbox_NONCEBYTES, box, k->key) != 0) {
        rc = mu_error_set(err, MU_EINVAL, "a sealed value does not authenticate");
        goto out;
    }
    plain[plen] = '\0';
    *out = plain;
    plain = NULL;
out:
    mu_free(plain);
    mu_free(box);
    return rc;
}

enum mu_err mu_case_lookup_hash(const struct mu_case_keyring *kr, const char *last4,
                                const char *code, char out[65], struct mu_error *err)
{
    unsigned char sub[crypto_generichash_KEYBYTES], h[32];
    char msg[64];
    if (!kr || kr->n == 0)
        return mu_error_set(err, MU_EINVAL, "no case key loaded");
    init_once();
    crypto_kdf_derive_from_key(sub, sizeof(sub), 1, "mucaseph", kr->keys[0].key);
    int m = snprintf(msg, sizeof(msg), "%s:%s", last4, code);
    crypto_generichash(h, sizeof(h), (const unsigned char *)msg, (size_t)m, sub, sizeof(sub));
    sodium_memzero(sub, sizeof(sub));
    sodium_bin2hex(out, 65, h, sizeof(h));
    return MU_OK;
}

#define CHALLENGE_TTL_MS (10 * 60 * 1000LL)
#define CH_RAW (8 + 1 + 1 + 16)

static void challenge_mac(const struct mu_case_keyring *kr, const unsigned char *msg, size_t len,
                          unsigned char mac[16])
{
    unsigned char sub[crypto_generichash_KEYBYTES];
    crypto_kdf_derive_from_key(sub, sizeof(sub), 2, "mucasech", kr->keys[0].key);
    crypto_generichash(mac, 16, msg, len, sub, sizeof(sub));
    sodium_memzero(sub, sizeof(sub));
}

enum mu_err mu_case_challenge_make(const struct mu_case_keyring *kr, int64_t now_ms,
                                   char token[128], char question[32], struct mu_error *err)
{
    unsigned char raw[CH_RAW];
    if (!kr || kr->n == 0)
        return mu_error_set(err, MU_EINVAL, "no case key loaded");
    init_once();
    uint64_t exp = (uint64_t)(now_ms + CHALLENGE_TTL_MS);
    for (int i = 0; i < 8; i++)
        raw[i] = (unsigned char)(exp >> (56 - 8 * i));
    raw[8] = (unsigned char)(1 + randombytes_uniform(20));
    raw[9] = (unsigned char)(1 + randombytes_uniform(20));
    challenge_mac(kr, raw, 10, raw + 10);
    sodium_bin2base64(token, 128, raw, sizeof(raw), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    snprintf(question, 32, "%u + %u", raw[8], raw[9]);
    return MU_OK;
}

enum mu_err mu_case_challenge_check(const struct mu_case_keyring *kr, int64_t now_ms,
                                    const char *token, long answer, struct mu_error *err)
{
    unsigned char raw[CH_RAW + 4], mac[16];
    size_t n = 0;
    if (!kr || kr->n == 0)
        return mu_error_set(err, MU_EINVAL, "no case key loaded");
    init_once();
    if (!token ||
        sodium_base642bin(raw, sizeof(raw), token, strlen(token), NULL, &n, NULL,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
        n != CH_RAW)
        return mu_error_field(err, MU_EINVAL, "challenge", "the challenge is not valid");
    challenge_mac(kr, raw, 10, mac);
    if (sodium_memcmp(mac, raw + 10, 16) != 0)
        return mu_error_field(err, MU_EINVAL, "challenge", "the challenge is not valid");
    uint64_t exp = 0;
    for (int i = 0; i < 8; i++)
        exp = exp << 8 | raw[i];
    if ((int64_t)exp < now_ms)
        return mu_error_field(err, MU_EINVAL, "challenge", "the challenge has expired");
    if (answer != (long)raw[8] + (long)raw[9])
        return mu_error_field(err, MU_EINVAL, "answer", "the answer to the challenge is wrong");
    return MU_OK;
}
