/* SPDX-License-Identifier: MIT */
/*
 * Acknowledging an incident by a link in the message. Every message an
 * incident sends to a person (muster/incident.h) carries a line
 * `确认收到：{server.public_url}/ack/{token}`: the token is 32 random bytes in
 * base64url (43 characters), valid for 24 hours and for one use; only its
 * BLAKE2b-256 hash is stored (table ack_tokens). Opening the link shows a
 * confirmation page (a GET never acknowledges: link previews fetch URLs);
 * posting it records the acknowledgement through mu_app_incident_ack() as
 * the token's person and marks the token used, in one transaction.
 *
 * Store functions (src/store/store_ack.c) take the hash, never the token;
 * the use cases (src/app/ack.c) take the token. Times are epoch ms.
 */
#ifndef MUSTER_ACK_H
#define MUSTER_ACK_H

#include <stddef.h>
#include <stdint.h>

#include "account.h"
#include "err.h"
#include "store.h"

#define MU_ACK_TOKEN_LEN MU_AUTH_SECRET_LEN       /* 43 base64url characters */
#define MU_ACK_TOKEN_TTL_MS (24 * 3600 * 1000LL)  /* a link works for 24 hours */
#define MU_ACK_URL_SETTING "server.public_url"    /* the base of the links */

/* ---- store (src/store/store_ack.c) ---- */

/** A stored acknowledgement token (never the token itself); strings owned. */
struct mu_ack_token {
    int64_t id, incident_id;
    char *person;
    int64_t created_at, expires_at;
    int64_t used_at; /* 0: not used yet */
};

/** Free what @p t owns; it is zeroed afterwards. NULL is a no-op. */
MU_API void mu_ack_token_release(struct mu_ack_token *t);

/**
 * Store a token for @p person on incident @p incident by its hash
 * @p token_hash (64 lowercase hex characters), created at actor->now_ms and
 * expiring at @p expires_at (after it). *id (may be NULL) gets its id.
 * Audit "ack_token.create" on "incident:N" naming the person and the expiry
 * (never the token or its hash). MU_EINVAL for a malformed hash, an empty
 * person or an expiry not in the future; MU_ENOTFOUND for no such incident.
 */
MU_API enum mu_err mu_store_ack_token_create(struct mu_store *s, const struct mu_actor *actor,
                                             int64_t incident, const char *person,
                                             const char *token_hash, int64_t expires_at,
                                             int64_t *id, struct mu_error *err);

/**
 * The token with hash @p token_hash: *found (0 when there is none; @p out
 * untouched), else @p out filled (release with mu_ack_token_release).
 */
MU_API enum mu_err mu_store_ack_token_find(struct mu_store *s, const char *token_hash,
                                           int *found, struct mu_ack_token *out,
                                           struct mu_error *err);

/**
 * Mark token @p id used at @p at unless it is used already: *marked = 1 when
 * this call marked it, 0 otherwise (used before, or no such token). Not
 * audited itself: call it in the transaction of the acknowledgement it
 * records, whose audit entries say who acknowledged.
 */
MU_API enum mu_err mu_store_ack_token_use(struct mu_store *s, int64_t id, int64_t at,
                                          int *marked, struct mu_error *err);

/* ---- use cases (src/app/ack.c) ---- */

/**
 * Make a new token for @p person on incident @p incident at actor->now_ms
 * (expiring MU_ACK_TOKEN_TTL_MS later) and store its hash, inside the
 * caller's transaction when there is one. @p token receives the token.
 */
MU_API enum mu_err mu_app_ack_token_new(struct mu_store *s, const struct mu_actor *actor,
                                        int64_t incident, const char *person,
                                        char token[MU_ACK_TOKEN_LEN + 1], struct mu_error *err);

/**
 * The link line's URL for @p token: "{server.public_url}/ack/{token}" (one
 * trailing '/' of the setting dropped), or "/ack/{token}" when the setting
 * is unset or empty. *out owned (mu_free).
 */
MU_API enum mu_err mu_app_ack_url(struct mu_store *s, const char *token, char **out,
                                  struct mu_error *err);

/** What the confirmation page shows; strings owned (mu_ack_view_release). */
struct mu_ack_view {
    int64_t incident_id;
    char *person, *person_name;
    char *kind_name, *level_name; /* level_name "" when none */
    char *place;
    int64_t occurred_at, reported_at;
    int used;                     /* the link was used already */
};

MU_API void mu_ack_view_release(struct mu_ack_view *v);

/**
 * Look up @p token at @p now for the confirmation page. MU_ENOTFOUND (one
 * message for all) when the token is malformed, unknown or expired, so that
 * the answer tells nothing about which. @p out zeroed first.
 */
MU_API enum mu_err mu_app_ack_lookup(struct mu_store *s, const char *token, int64_t now,
                                     struct mu_ack_view *out, struct mu_error *err);

/**
 * Use @p token at actor->now_ms: in one transaction mark it used and record
 * the acknowledgement of its person with mu_app_incident_ack(). *acked = 1
 * when this call used the token, 0 when it had been used before (nothing
 * recorded). @p incident (may be NULL) gets the incident's id. MU_ENOTFOUND
 * as for mu_app_ack_lookup().
 */
MU_API enum mu_err mu_app_ack_redeem(struct mu_store *s, const struct mu_actor *actor,
                                     const char *token, int *acked, int64_t *incident,
                                     struct mu_error *err);

#endif
