/* SPDX-License-Identifier: MIT */
/*
 * Account use cases: adding users and changing passwords (policy check,
 * then Argon2id through libsodium's crypto_pwhash_str), password login with
 * throttling into a browser session, session lookup and logout, and API
 * tokens. Randomness (libsodium's randombytes) is used here and only here;
 * the rules are in src/core/account.c and the rows in src/store/store_*.c.
 *
 * Cost: OPSLIMIT_INTERACTIVE (2 passes) and MEMLIMIT_INTERACTIVE (64 MiB),
 * about 50-100 ms per hash on an office PC. MODERATE (3 passes, 256 MiB,
 * ~0.7 s) would make every login wait and let a handful of concurrent
 * logins take a gigabyte on a small server; throttling bounds guessing
 * instead. Hashes record their parameters, so raising the cost later only
 * affects new hashes.
 */
#include <muster/account.h>

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include <muster/mem.h>

#include "core/account.h"
#include "store/store_int.h"
#include "util/banned.h"

static enum mu_err sodium_ready(struct mu_error *err)
{
    if (sodium_init() < 0)
        return mu_error_set(err, MU_EINTERNAL, "cannot initialise libsodium");
    return MU_OK;
}

/* Check @p password against the policy and hash it into @p out. */
static enum mu_err hash_password(const char *password, char out[crypto_pwhash_STRBYTES],
                                 struct mu_error *err)
{
    enum mu_err rc;
    if (!password)
        return mu_error_field(err, MU_EINVAL, "password", "password is empty");
    size_t len = strlen(password);
    if ((rc = mu_password_check(password, len, err)) || (rc = sodium_ready(err)))
        return rc;
    if (crypto_pwhash_str(out, password, len, MU_PWHASH_OPSLIMIT, MU_PWHASH_MEMLIMIT) != 0)
        return mu_error_set(err, MU_ENOMEM, "out of memory hashing the password");
    return MU_OK;
}

enum mu_err mu_account_user_add(struct mu_store *s, const struct mu_actor *actor, const char *name,
                                enum mu_role role, const char *const *units, size_t nunits,
                                const char *password, struct mu_error *err)
{
    char hash[crypto_pwhash_STRBYTES];
    enum mu_err rc;
    if ((rc = mu_store_check_actor(actor, err)) || (rc = mu_username_check(name, err)))
        return rc;
    if ((rc = hash_password(password, hash, err)))
        return rc;
    rc = mu_store_user_add_hashed(s, actor, name, role, units, nunits, hash, err);
    sodium_memzero(hash, sizeof(hash));
    return rc;
}

enum mu_err mu_account_user_passwd(struct mu_store *s, const struct mu_actor *actor,
                                   const char *name, const char *password, struct mu_error *err)
{
    char hash[crypto_pwhash_STRBYTES];
    enum mu_err rc;
    if ((rc = mu_store_check_actor(actor, err)) || (rc = hash_password(password, hash, err)))
        return rc;
    rc = mu_store_user_set_password_hash(s, actor, name, hash, err);
    sodium_memzero(hash, sizeof(hash));
    return rc;
}

/* A fresh random secret: 32 bytes from the system CSPRNG, base64url. */
static void new_secret(char out[MU_AUTH_SECRET_LEN + 1])
{
    unsigned char raw[MU_AUTH_RAW_BYTES];
    randombytes_buf(raw, sizeof(raw));
    mu_auth_secret_encode(raw, out);
    sodium_memzero(raw, sizeof(raw));
}

/*
 * The throttle keys of a login attempt: the account (case-folded, whether
 * or not it exists, so that throttling tells nothing about existence) and
 * the address. Hashed, so that neither a mistyped password in the name
 * field nor an address sits in the table in clear.
 */
static size_t throttle_keys(const char *username, const char *addr,
                            char keys[2][MU_AUTH_HASH_HEX + 1])
{
    char buf[300];
    size_t n = 0, len = 0;
    len = (size_t)snprintf(buf, sizeof(buf), "user:%.256s", username);
    if (len >= sizeof(buf))
        len = sizeof(buf) - 1;
    for (size_t i = 5; i < len; i++)
        if (buf[i] >= 'A' && buf[i] <= 'Z')
            buf[i] = (char)(buf[i] - 'A' + 'a');
    mu_secret_hash(MU_SECRET_THROTTLE, buf, len, keys[n++]);
    if (addr && *addr) {
        len = (size_t)snprintf(buf, sizeof(buf), "addr:%.256s", addr);
        if (len >= sizeof(buf))
            len = sizeof(buf) - 1;
        mu_secret_hash(MU_SECRET_THROTTLE, buf, len, keys[n++]);
    }
    return n;
}

enum mu_err mu_auth_login(struct mu_store *s, const char *username, const char *password,
                          const char *remote_addr, int64_t now_ms, struct mu_session_new *out,
                          struct mu_error *err)
{
    char keys[2][MU_AUTH_HASH_HEX + 1], stored[MU_USERNAME_MAX + 1], id_hash[MU_AUTH_HASH_HEX + 1];
    const char *kp[2] = {keys[0], keys[1]};
    char *hash = NULL;
    int found = 0, disabled = 0, ok;
    int64_t wait = 0;
    enum mu_err rc;

    memset(out, 0, sizeof(*out));
    if (!username)
        username = "";
    if (!password)
        password = "";
    if ((rc = sodium_ready(err)))
        return rc;
    size_t nkeys = throttle_keys(username, remote_addr, keys);
    if ((rc = mu_store_throttle_wait(s, kp, nkeys, now_ms, &wait, err)))
        return rc;
    if (wait > 0) {
        int64_t m = mu_throttle_minutes(wait);
        return mu_error_set(err, MU_ELIMIT, "too many failed logins; try again in %lld minute%s",
                            (long long)m, m == 1 ? "" : "s");
    }
    if ((rc = mu_store_user_credentials(s, username, &found, stored, &hash, &disabled, err)))
        return rc;
    /* Verify even for an unknown user, so that both take as long. */
    ok = crypto_pwhash_str_verify(found ? hash : mu_account_dummy_hash, password,
                                  strlen(password)) == 0;
    ok = ok && found;
    mu_free(hash);
    if (!ok || disabled) {
        rc = mu_store_throttle_fail(s, now_ms, kp, nkeys, found ? stored : NULL,
                                    ok ? "account disabled" : "wrong password", err);
        if (rc)
            return rc;
        if (ok)
            return mu_error_field(err, MU_EINVAL, "username", "user '%s' is disabled", stored);
        return mu_error_field(err, MU_EINVAL, "password", "wrong user name or password");
    }

    new_secret(out->id);
    mu_secret_hash(MU_SECRET_SESSION, out->id, MU_AUTH_SECRET_LEN, id_hash);
    mu_csrf_derive(out->id, out->csrf);
    out->expires_at = now_ms + MU_SESSION_ABSOLUTE_MS;
    struct mu_actor a = {.name = stored, .now_ms = now_ms};
    rc = mu_store_session_create(s, &a, id_hash, out->expires_at, keys[0], err);
    if (rc) {
        sodium_memzero(out, sizeof(*out));
        return rc;
    }
    return MU_OK;
}

enum mu_err mu_auth_session_lookup(struct mu_store *s, const char *session_id, int64_t now_ms,
                                   struct mu_principal *out, struct mu_error *err)
{
    char id_hash[MU_AUTH_HASH_HEX + 1];
    struct mu_principal p = {0};
    struct mu_auth_row row;
    int found = 0;
    enum mu_err rc;

    memset(out, 0, sizeof(*out));
    if (!mu_auth_secret_valid(session_id))
        return mu_error_set(err, MU_ENOTFOUND, "no such session");
    if ((rc = sodium_ready(err)))
        return rc;
    mu_secret_hash(MU_SECRET_SESSION, session_id, MU_AUTH_SECRET_LEN, id_hash);
    if ((rc = mu_store_session_find(s, id_hash, &found, &row, &p, err)))
        goto fail;
    if (!found) {
        rc = mu_error_set(err, MU_ENOTFOUND, "no such session");
        goto fail;
    }
    if (row.disabled) {
        rc = mu_error_set(err, MU_ENOTFOUND, "user '%s' is disabled", p.name);
        goto fail;
    }
    if (mu_session_state(row.last_seen, row.expires_at, now_ms) != MU_SESSION_VALID) {
        rc = mu_store_session_delete(s, id_hash, now_ms, 0, NULL, err);
        if (rc == MU_OK)
            rc = mu_error_set(err, MU_ENOTFOUND, "session expired; log in again");
        goto fail;
    }
    if (now_ms - row.last_seen >= MU_SESSION_TOUCH_MS) {
        if ((rc = mu_store_session_touch(s, id_hash, now_ms, err)))
            goto fail;
        row.last_seen = now_ms;
    }
    p.via = MU_AUTH_SESSION;
    mu_csrf_derive(session_id, p.csrf);
    p.expires_at = mu_session_deadline(row.last_seen, row.expires_at);
    *out = p;
    return MU_OK;
fail:
    mu_principal_release(&p);
    return rc;
}

enum mu_err mu_auth_logout(struct mu_store *s, const char *session_id, int64_t now_ms,
                           struct mu_error *err)
{
    char id_hash[MU_AUTH_HASH_HEX + 1];
    enum mu_err rc;
    if (!mu_auth_secret_valid(session_id))
        return MU_OK;
    if ((rc = sodium_ready(err)))
        return rc;
    mu_secret_hash(MU_SECRET_SESSION, session_id, MU_AUTH_SECRET_LEN, id_hash);
    return mu_store_session_delete(s, id_hash, now_ms, 1, NULL, err);
}

enum mu_err mu_auth_token_create(struct mu_store *s, const struct mu_actor *actor, const char *user,
                                 const char *label, int64_t expires_at,
                                 char token[MU_TOKEN_LEN + 1], int64_t *id, struct mu_error *err)
{
    char secret[MU_AUTH_SECRET_LEN + 1], hash[MU_AUTH_HASH_HEX + 1];
    enum mu_err rc;
    token[0] = '\0';
    if ((rc = sodium_ready(err)))
        return rc;
    new_secret(secret);
    snprintf(token, MU_TOKEN_LEN + 1, "%s%s", MU_TOKEN_PREFIX, secret);
    sodium_memzero(secret, sizeof(secret));
    mu_secret_hash(MU_SECRET_TOKEN, token, MU_TOKEN_LEN, hash);
    rc = mu_store_token_add(s, actor, user, label, hash, expires_at, id, err);
    if (rc)
        sodium_memzero(token, MU_TOKEN_LEN + 1);
    return rc;
}

/*
 * mu_auth_token_verify() with @p hash, the token's hash, computed by the
 * caller; *recheck_at (may be NULL) is when the answer must next be taken
 * from the store: the token's expiry, or when its last use is due to be
 * recorded again.
 */
static enum mu_err token_verify(struct mu_store *s, const char *hash, int64_t now_ms,
                                struct mu_principal *out, int64_t *recheck_at,
                                struct mu_error *err)
{
    struct mu_principal p = {0};
    struct mu_auth_row row;
    int found = 0;
    enum mu_err rc;

    memset(out, 0, sizeof(*out));
    if ((rc = mu_store_token_find(s, hash, &found, &row, &p, err)))
        goto fail;
    if (!found)
        rc = mu_error_set(err, MU_ENOTFOUND, "unknown API token");
    else if (row.revoked_at)
        rc = mu_error_set(err, MU_ENOTFOUND, "API token %lld has been revoked", (long long)row.id);
    else if (row.expires_at && now_ms >= row.expires_at)
        rc = mu_error_set(err, MU_ENOTFOUND, "API token %lld has expired", (long long)row.id);
    else if (row.disabled)
        rc = mu_error_set(err, MU_ENOTFOUND, "user '%s' is disabled", p.name);
    if (rc)
        goto fail;
    int64_t last_seen = row.last_seen;
    if (!last_seen || now_ms - last_seen >= MU_SESSION_TOUCH_MS) {
        if ((rc = mu_store_token_touch(s, row.id, now_ms, err)))
            goto fail;
        last_seen = now_ms;
    }
    if (recheck_at) {
        *recheck_at = last_seen + MU_SESSION_TOUCH_MS;
        if (row.expires_at && row.expires_at < *recheck_at)
            *recheck_at = row.expires_at;
    }
    p.via = MU_AUTH_TOKEN;
    p.token_id = row.id;
    p.expires_at = row.expires_at;
    *out = p;
    return MU_OK;
fail:
    mu_principal_release(&p);
    return rc;
}

/* The hash of @p token after the checks every verification starts with. */
static enum mu_err token_hash(const char *token, char hash[MU_AUTH_HASH_HEX + 1],
                              struct mu_error *err)
{
    if (!mu_token_format_valid(token))
        return mu_error_set(err, MU_ENOTFOUND, "not a muster API token");
    enum mu_err rc = sodium_ready(err);
    if (rc == MU_OK)
        mu_secret_hash(MU_SECRET_TOKEN, token, MU_TOKEN_LEN, hash);
    return rc;
}

enum mu_err mu_auth_token_verify(struct mu_store *s, const char *token, int64_t now_ms,
                                 struct mu_principal *out, struct mu_error *err)
{
    char hash[MU_AUTH_HASH_HEX + 1];
    memset(out, 0, sizeof(*out));
    enum mu_err rc = token_hash(token, hash, err);
    return rc ? rc : token_verify(s, hash, now_ms, out, NULL, err);
}

/* ---- the token cache ---- */

#define TOKEN_CACHE_SLOTS 16
#define TOKEN_ID_LEN crypto_shorthash_siphashx24_BYTES

/*
 * Slots are found by a 128-bit SipHash of the token under a key of the
 * cache's own: some 20 times cheaper than the stored BLAKE2b hash, which
 * only a miss needs (for the database). The key is secret, so nobody can
 * make two tokens that collide.
 */
struct mu_token_cache {
    unsigned char key[crypto_shorthash_siphashx24_KEYBYTES];
    struct {
        int used;
        unsigned char id[TOKEN_ID_LEN]; /* the keyed SipHash of the token */
        uint64_t version;               /* the data version it was verified under */
        int64_t recheck_at;             /* see token_verify() */
        struct mu_principal p;          /* owned */
    } slot[TOKEN_CACHE_SLOTS];
    unsigned next; /* the slot replaced next */
};

struct mu_token_cache *mu_token_cache_new(void)
{
    if (sodium_init() < 0)
        return NULL;
    struct mu_token_cache *c = mu_calloc(1, sizeof(struct mu_token_cache));
    if (c)
        randombytes_buf(c->key, sizeof(c->key));
    return c;
}

void mu_token_cache_free(struct mu_token_cache *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < TOKEN_CACHE_SLOTS; i++)
        mu_principal_release(&c->slot[i].p);
    sodium_memzero(c->key, sizeof(c->key));
    mu_free(c);
}

/* The id of @p token in @p c; 0 for a string that is not a token. */
static int cache_id(const struct mu_token_cache *c, const char *token,
                    unsigned char id[TOKEN_ID_LEN])
{
    if (!mu_token_format_valid(token))
        return 0;
    crypto_shorthash_siphashx24(id, (const unsigned char *)token, MU_TOKEN_LEN, c->key);
    return 1;
}

/* The slot of @p id in @p c, or TOKEN_CACHE_SLOTS. */
static size_t cache_find(const struct mu_token_cache *c, const unsigned char *id)
{
    for (size_t i = 0; i < TOKEN_CACHE_SLOTS; i++)
        if (c->slot[i].used && sodium_memcmp(c->slot[i].id, id, TOKEN_ID_LEN) == 0)
            return i;
    return TOKEN_CACHE_SLOTS;
}

int mu_token_cache_get(const struct mu_token_cache *c, const char *token, uint64_t version,
                       int64_t now_ms, struct mu_principal *out)
{
    unsigned char id[TOKEN_ID_LEN];
    memset(out, 0, sizeof(*out));
    if (!cache_id(c, token, id))
        return 0;
    size_t i = cache_find(c, id);
    return i < TOKEN_CACHE_SLOTS && c->slot[i].version == version &&
           now_ms < c->slot[i].recheck_at && mu_principal_copy(out, &c->slot[i].p, NULL) == MU_OK;
}

enum mu_err mu_auth_token_verify_cached(struct mu_token_cache *c, struct mu_store *s,
                                        uint64_t version, const char *token, int64_t now_ms,
                                        struct mu_principal *out, struct mu_error *err)
{
    char hash[MU_AUTH_HASH_HEX + 1];
    unsigned char id[TOKEN_ID_LEN];
    int64_t recheck_at = 0;
    memset(out, 0, sizeof(*out));
    enum mu_err rc = token_hash(token, hash, err);
    if (rc)
        return rc;
    cache_id(c, token, id); /* the format was checked by token_hash() */
    size_t i = cache_find(c, id);
    if (i == TOKEN_CACHE_SLOTS) {
        i = c->next;
        c->next = (c->next + 1) % TOKEN_CACHE_SLOTS;
    }
    /* The slot is emptied first: a refused token leaves nothing behind. */
    mu_principal_release(&c->slot[i].p);
    c->slot[i].used = 0;
    if ((rc = token_verify(s, hash, now_ms, out, &recheck_at, err)))
        return rc;
    if (mu_principal_copy(&c->slot[i].p, out, NULL) == MU_OK) {
        memcpy(c->slot[i].id, id, sizeof(id));
        c->slot[i].version = version;
        c->slot[i].recheck_at = recheck_at;
        c->slot[i].used = 1;
    }
    return MU_OK;
}
