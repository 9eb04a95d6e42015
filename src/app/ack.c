/* SPDX-License-Identifier: MIT */
/*
 * Acknowledgement links (muster/ack.h): making a one-time token for a
 * message (32 random bytes from libsodium, base64url; the store keeps only
 * its keyed BLAKE2b hash, made by the same helper as API tokens), the link's
 * URL from the setting server.public_url, the confirmation page's data, and
 * using a token: mark it used and acknowledge as its person in one
 * transaction, so a token acknowledges at most once.
 */
#include <muster/ack.h>

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include <muster/incident.h>
#include <muster/mem.h>

#include "app/incident_int.h"
#include "core/account.h"
#include "util/banned.h"

static void token_hash(const char *token, char out[MU_AUTH_HASH_HEX + 1])
{
    /* API tokens are hashed with their "mst_" prefix, so the two never share an input. */
    mu_secret_hash(MU_SECRET_TOKEN, token, strlen(token), out);
}

enum mu_err mu_app_ack_token_new(struct mu_store *s, const struct mu_actor *actor,
                                 int64_t incident, const char *person,
                                 char token[MU_ACK_TOKEN_LEN + 1], struct mu_error *err)
{
    unsigned char raw[MU_AUTH_RAW_BYTES];
    char hash[MU_AUTH_HASH_HEX + 1];
    token[0] = '\0';
    if (sodium_init() < 0)
        return mu_error_set(err, MU_EINTERNAL, "cannot initialise libsodium");
    randombytes_buf(raw, sizeof(raw));
    mu_auth_secret_encode(raw, token);
    sodium_memzero(raw, sizeof(raw));
    token_hash(token, hash);
    enum mu_err rc = mu_store_ack_token_create(s, actor, incident, person, hash,
                                               actor->now_ms + MU_ACK_TOKEN_TTL_MS, NULL, err);
    if (rc)
        sodium_memzero(token, MU_ACK_TOKEN_LEN + 1);
    return rc;
}

enum mu_err mu_app_ack_url(struct mu_store *s, const char *token, char **out,
                           struct mu_error *err)
{
    char *base = NULL;
    *out = NULL;
    enum mu_err rc = mu_store_setting_get(s, MU_ACK_URL_SETTING, &base, err);
    if (rc == MU_ENOTFOUND) {
        rc = MU_OK;
        if (err)
            memset(err, 0, sizeof(*err));
    }
    if (rc)
        return rc;
    size_t blen = base ? strlen(base) : 0;
    if (blen && base[blen - 1] == '/')
        blen--;
    size_t need = blen + strlen("/ack/") + strlen(token) + 1;
    char *url = mu_malloc(need);
    if (!url) {
        mu_free(base);
        return mu_error_set(err, MU_ENOMEM, "out of memory");
    }
    snprintf(url, need, "%.*s/ack/%s", (int)blen, base ? base : "", token);
    mu_free(base);
    *out = url;
    return MU_OK;
}

void mu_ack_view_release(struct mu_ack_view *v)
{
    if (!v)
        return;
    mu_free(v->person);
    mu_free(v->person_name);
    mu_free(v->kind_name);
    mu_free(v->level_name);
    mu_free(v->place);
    memset(v, 0, sizeof(*v));
}

static enum mu_err not_found(struct mu_error *err)
{
    return mu_error_set(err, MU_ENOTFOUND, "no such acknowledgement link, or it has expired");
}

/* The live token of @p token at @p now into @p t; MU_ENOTFOUND otherwise. */
static enum mu_err find_live(struct mu_store *s, const char *token, int64_t now,
                             struct mu_ack_token *t, struct mu_error *err)
{
    char hash[MU_AUTH_HASH_HEX + 1];
    int found = 0;
    if (!token || !mu_auth_secret_valid(token))
        return not_found(err);
    token_hash(token, hash);
    enum mu_err rc = mu_store_ack_token_find(s, hash, &found, t, err);
    if (rc)
        return rc;
    if (!found)
        return not_found(err);
    if (now >= t->expires_at) {
        mu_ack_token_release(t);
        return not_found(err);
    }
    return MU_OK;
}

enum mu_err mu_app_ack_lookup(struct mu_store *s, const char *token, int64_t now,
                              struct mu_ack_view *out, struct mu_error *err)
{
    struct mu_ack_token t = {0};
    struct inc c;
    memset(out, 0, sizeof(*out));
    enum mu_err rc = find_live(s, token, now, &t, err);
    if (rc)
        return rc;
    rc = inc_load(s, t.incident_id, 0, &c, err);
    if (rc) {
        mu_ack_token_release(&t);
        return rc;
    }
    out->incident_id = c.row.id;
    out->person = mu_strdup(t.person);
    out->person_name = mu_strdup(inc_person_name(c.plan, t.person));
    out->kind_name = mu_strdup(inc_kind_name(c.plan, c.row.kind));
    out->level_name = mu_strdup(inc_level_name(c.plan, c.row.level));
    out->place = mu_strdup(c.row.place);
    out->occurred_at = c.row.occurred_at;
    out->reported_at = c.row.reported_at;
    out->used = t.used_at != 0;
    if (!out->person || !out->person_name || !out->kind_name || !out->level_name ||
        !out->place) {
        mu_ack_view_release(out);
        rc = mu_error_set(err, MU_ENOMEM, "out of memory");
    }
    inc_release(&c);
    mu_ack_token_release(&t);
    return rc;
}

enum mu_err mu_app_ack_redeem(struct mu_store *s, const struct mu_actor *actor,
                              const char *token, int *acked, int64_t *incident,
                              struct mu_error *err)
{
    struct mu_ack_token t = {0};
    int marked = 0;
    *acked = 0;
    if (incident)
        *incident = 0;
    enum mu_err rc = mu_store_begin(s, err);
    if (rc)
        return rc;
    rc = find_live(s, token, actor->now_ms, &t, err);
    /* Marking first locks the token's row: a second use waits, then finds it used. */
    if (rc == MU_OK)
        rc = mu_store_ack_token_use(s, t.id, actor->now_ms, &marked, err);
    if (rc == MU_OK && marked)
        rc = mu_app_incident_ack(s, actor, t.incident_id, t.person, actor->now_ms, NULL, err);
    if (rc == MU_OK)
        rc = mu_store_commit(s, err);
    else
        mu_store_rollback(s);
    if (rc == MU_OK) {
        *acked = marked;
        if (incident)
            *incident = t.incident_id;
    }
    mu_ack_token_release(&t);
    return rc;
}
