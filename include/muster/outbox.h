/* SPDX-License-Identifier: MIT */
/*
 * The notification outbox: every message muster sends is first a row here,
 * with an idempotency key, and is delivered later by mu_app_outbox_deliver()
 * (from `muster notify run`, or a server's loop), which claims the rows that
 * are due under a lease, sends them outside the transaction through the
 * channels of muster/notify.h and records each attempt. Retryable failures
 * come back after an exponential backoff with jitter (30 s, 1 m, 2 m ... at
 * most 30 m); after max_attempts (default 8) or a permanent error the
 * message is failed. Group robots' rate limits are respected by deferring.
 *
 * Enqueueing works inside a caller's transaction (the escalation engine
 * enqueues in the same transaction as its timer's effects). Every enqueue
 * and every state change appends an audit entry whose summary names the
 * channel, ref and state only (never subject, body or destination).
 *
 * Incident timelines learn about attempts in two ways (use either):
 *  - a hook (mu_outbox_attempt_fn) in struct mu_outbox_transport, called in
 *    the same transaction that records the attempt, inside a savepoint;
 *  - the query mu_store_outbox_attempts(s, 0, "incident:42", ...).
 *
 * Times are epoch milliseconds. Same threading rules as muster/store.h.
 */
#ifndef MUSTER_OUTBOX_H
#define MUSTER_OUTBOX_H

#include "err.h"
#include "store.h"
#include <stddef.h>
#include <stdint.h>

/* Longest accepted strings (bytes). */
#define MU_OUTBOX_MAX_KEY 200
#define MU_OUTBOX_MAX_CHANNEL 32
#define MU_OUTBOX_MAX_DEST 1000
#define MU_OUTBOX_MAX_SUBJECT 500
#define MU_OUTBOX_MAX_BODY 20000
#define MU_OUTBOX_MAX_PERSON 200
#define MU_OUTBOX_MAX_REF 200
#define MU_OUTBOX_MAX_MENTION 200

#define MU_OUTBOX_DEFAULT_MAX_ATTEMPTS 8
#define MU_OUTBOX_DEFAULT_LEASE_MS 60000 /* longer than a request's 15 s limit */

/*
 * Channel kinds (the `channel` strings): "console", "webhook", "wecom",
 * "dingtalk", "feishu", "email", "sms". A plan's "phone" channel is routed to
 * "sms" by mu_outbox_route_channel() (there is no voice gateway).
 */

enum mu_outbox_state {
    MU_OUTBOX_PENDING, /* waiting for next_attempt_at */
    MU_OUTBOX_SENDING, /* claimed by a deliverer until next_attempt_at (the lease) */
    MU_OUTBOX_SENT,
    MU_OUTBOX_FAILED,    /* final: permanent error or attempts exhausted */
    MU_OUTBOX_CANCELLED, /* no longer owed (mu_store_outbox_cancel) */
};

/** "pending", "sending", "sent", "failed", "cancelled"; static. */
MU_API const char *mu_outbox_state_name(enum mu_outbox_state st);
/** Parse a state name; MU_EINVAL naming it when unknown. */
MU_API enum mu_err mu_outbox_state_parse(const char *name, enum mu_outbox_state *out,
                                         struct mu_error *err);

/** A message to enqueue; every string is borrowed. */
struct mu_outbox_new {
    const char *key;     /* required idempotency key: "incident:42:step:1:li-ming:wecom" */
    const char *channel; /* required channel kind (see above) */
    /* Where to: a webhook URL (webhook, wecom, dingtalk, feishu; NULL or ""
     * means the organization's robot/URL from the settings), an e-mail
     * address (email), a phone number (sms), a label (console). */
    const char *dest;
    const char *subject;  /* required, one line */
    const char *body;     /* plain text; may be NULL or "" */
    const char *markdown; /* optional markdown variant (WeCom, DingTalk, Feishu card); NULL */
    const char *person;   /* the plan's person id; NULL or "" when none */
    const char *ref;      /* what about: "incident:42", "notice:7"; may be NULL or "" */
    /* Group robots: whom to @-mention, the person's user id on the platform
     * and/or their mobile number; NULL or "" for none. */
    const char *mention;
    const char *mention_mobile;
    int64_t not_before; /* first attempt not before this; 0: actor->now_ms */
    int max_attempts;   /* 0: MU_OUTBOX_DEFAULT_MAX_ATTEMPTS */
};

/** A stored message; strings owned, never NULL ("" when empty). */
struct mu_outbox_msg {
    int64_t id;
    char *key, *channel, *dest, *subject, *body, *markdown, *person, *ref;
    char *mention, *mention_mobile;
    enum mu_outbox_state state;
    int attempts;     /* attempts made (claims) so far */
    int max_attempts;
    int64_t next_attempt_at; /* pending: when due; sending: end of the lease; else 0 */
    char *last_error;        /* "" when none */
    int64_t created_at;
    int64_t sent_at; /* 0 unless sent */
};

/** Free the strings of @p m (not @p m itself); NULL is fine. */
MU_API void mu_outbox_msg_release(struct mu_outbox_msg *m);
/** Free @p n messages of @p v and the array; NULL is fine. */
MU_API void mu_outbox_msgs_free(struct mu_outbox_msg *v, size_t n);

/** How an attempt ended. */
enum mu_outbox_outcome {
    MU_OUTBOX_OK,        /* delivered (the platform said so) */
    MU_OUTBOX_RETRY,     /* failed, worth retrying: timeout, refused, 5xx, 429, rate codes */
    MU_OUTBOX_PERMANENT, /* failed, retrying will not help: 4xx, signature, bad address */
    MU_OUTBOX_LOST,      /* the deliverer's lease ran out without a result (crash) */
};

/** "ok", "retry", "permanent", "lost"; static. */
MU_API const char *mu_outbox_outcome_name(enum mu_outbox_outcome o);

/** One recorded attempt; strings owned by the array. */
struct mu_outbox_attempt {
    int64_t id;
    int64_t message_id;
    char *ref;     /* the message's ref ("" when none) */
    char *channel; /* the message's channel */
    char *person;  /* the message's person ("" when none) */
    int attempt;   /* 1 for the first attempt of the message */
    int64_t at;    /* when it started */
    enum mu_outbox_outcome outcome;
    int status;           /* HTTP status or SMTP reply code; 0 when none */
    char *platform_code;  /* the platform's errcode/code ("45009"); "" when none */
    char *error;          /* short error text; "" on success */
    int64_t duration_ms;
};

/** Free @p n attempts of @p v and the array; NULL is fine. */
MU_API void mu_outbox_attempts_free(struct mu_outbox_attempt *v, size_t n);

/* ---- store ---- */

/**
 * Enqueue @p v (borrowed). When a message with the same key exists, nothing
 * is stored or audited: *id gets the existing id and *existed = 1 (the other
 * fields of @p v are not compared). Otherwise the message is stored pending,
 * due at not_before (or now), with an audit entry "outbox.enqueue" on
 * "outbox:ID" whose summary is "CHANNEL message for REF". @p id and
 * @p existed may be NULL. Works inside the caller's transaction.
 * Errors: MU_EINVAL naming the field (empty required string, too long,
 * unknown channel), MU_ESTORE.
 */
MU_API enum mu_err mu_store_outbox_enqueue(struct mu_store *s, const struct mu_actor *actor,
                                           const struct mu_outbox_new *v, int64_t *id,
                                           int *existed, struct mu_error *err);

/** Read message @p id into @p out (caller-allocated; release it). MU_ENOTFOUND. */
MU_API enum mu_err mu_store_outbox_get(struct mu_store *s, int64_t id, struct mu_outbox_msg *out,
                                       struct mu_error *err);

/** Which messages mu_store_outbox_list() returns; zero it, then set what you need. */
struct mu_outbox_filter {
    int has_state;              /* 1: only messages in @p state */
    enum mu_outbox_state state;
    const char *ref;    /* exact; NULL: any */
    const char *person; /* exact; NULL: any */
    size_t limit;       /* 0: no limit */
};

/** Messages matching @p f (NULL: all), by id. *out (mu_outbox_msgs_free) may be NULL. */
MU_API enum mu_err mu_store_outbox_list(struct mu_store *s, const struct mu_outbox_filter *f,
                                        struct mu_outbox_msg **out, size_t *count,
                                        struct mu_error *err);

/**
 * The attempts of message @p message_id (0: any) whose message has ref
 * @p ref (NULL: any), oldest first (by time, then id). *out
 * (mu_outbox_attempts_free) may be NULL when none.
 */
MU_API enum mu_err mu_store_outbox_attempts(struct mu_store *s, int64_t message_id,
                                            const char *ref, struct mu_outbox_attempt **out,
                                            size_t *count, struct mu_error *err);

/**
 * Claim up to @p max messages due at actor->now_ms (pending with
 * next_attempt_at <= now, or sending with an expired lease: for those an
 * attempt "lost" is recorded first) in one transaction (SQLite: BEGIN
 * IMMEDIATE; PostgreSQL: FOR UPDATE SKIP LOCKED, claims serialized by an
 * advisory lock so that rate counts are exact). A group-robot message that
 * would exceed its robot's rate limit (counted from recorded attempts and
 * messages being sent, across every node) is deferred instead: its
 * next_attempt_at moves to when the window has room, and it is not
 * returned. Claimed messages become sending with next_attempt_at = now +
 * @p lease_ms (0: default) and attempts + 1; audit "outbox.claim" per
 * message. *out (mu_outbox_msgs_free) gets the claimed ones, *count their
 * number; *deferred (may be NULL) the number deferred. Must not be called
 * inside a caller's transaction (MU_EINVAL).
 */
MU_API enum mu_err mu_store_outbox_claim(struct mu_store *s, const struct mu_actor *actor,
                                         size_t max, int64_t lease_ms,
                                         struct mu_outbox_msg **out, size_t *count,
                                         size_t *deferred, struct mu_error *err);

/** What happened to one attempt, for mu_store_outbox_record(); strings borrowed. */
struct mu_outbox_result {
    enum mu_outbox_outcome outcome; /* MU_OUTBOX_OK, _RETRY or _PERMANENT */
    int attempt;                    /* the claimed message's attempts; 0: not checked */
    int status;                     /* HTTP status / SMTP code; 0 when none */
    const char *platform_code;      /* NULL or "" when none */
    const char *error;              /* NULL or "" on success */
    int64_t started_at;             /* when the attempt started */
    int64_t duration_ms;
};

/**
 * Record the attempt of claimed message @p id (state sending, attempt number
 * = its attempts) ending at actor->now_ms with @p r, and move the message:
 * OK → sent (sent_at = now); RETRY → pending at @p retry_at, unless its
 * attempts reached max_attempts → failed; PERMANENT → failed. Audit
 * "outbox.sent" / "outbox.retry" / "outbox.failed". *state (may be NULL)
 * gets the new state. MU_ENOTFOUND; MU_ECONFLICT when the message is no
 * longer sending (its lease expired and another node took it over). Works
 * inside a caller's transaction. With r->attempt set, MU_ECONFLICT also when
 * the message's attempts differ (another node reclaimed it meanwhile).
 */
MU_API enum mu_err mu_store_outbox_record(struct mu_store *s, const struct mu_actor *actor,
                                          int64_t id, const struct mu_outbox_result *r,
                                          int64_t retry_at, enum mu_outbox_state *state,
                                          struct mu_error *err);

/**
 * Cancel every pending message with ref @p ref (non-empty): state
 * cancelled, one audit entry "outbox.cancel" when any. *count may be NULL.
 */
MU_API enum mu_err mu_store_outbox_cancel(struct mu_store *s, const struct mu_actor *actor,
                                          const char *ref, size_t *count, struct mu_error *err);

/* ---- pure helpers ---- */

/**
 * Route a plan person's channel (@p type as in the plan: "sms", "phone",
 * "email", "wecom", "dingtalk", "feishu", "webhook", "console"; @p to its
 * `to`; @p phone the person's phone, may be NULL) into @p v's channel, dest,
 * mention and mention_mobile (pointers borrowed from the arguments or
 * static): wecom/dingtalk/feishu with a `to` starting "https://" or
 * "http://" use it as the robot, otherwise the organization's robot with
 * `to` as the user to mention (and @p phone as the mobile); "phone" becomes
 * "sms". MU_EINVAL for an unknown type.
 */
MU_API enum mu_err mu_outbox_route_channel(const char *type, const char *to, const char *phone,
                                           struct mu_outbox_new *v, struct mu_error *err);

/* ---- delivery (src/app/outbox.c) ---- */

struct mu_channel_ops; /* muster/notify.h */

/**
 * Called for every recorded attempt, in the transaction that records it
 * (inside a savepoint: when it fails, its own changes are undone, the
 * attempt is still recorded and result->hook_errors counts it). @p m is the
 * message as claimed (state still sending), @p a the recorded attempt,
 * @p state the message's new state. Everything is borrowed for the call.
 */
typedef enum mu_err (*mu_outbox_attempt_fn)(void *ctx, struct mu_store *s,
                                            const struct mu_actor *actor,
                                            const struct mu_outbox_msg *m,
                                            const struct mu_outbox_attempt *a,
                                            enum mu_outbox_state state, struct mu_error *err);

/** How mu_app_outbox_deliver() sends; zero it for the defaults. Borrowed. */
struct mu_outbox_transport {
    /* The channels; NULL: the real ones (mu_notify_channels()). A channel
     * kind not in the list fails the message permanently. */
    const struct mu_channel_ops *const *channels;
    size_t nchannels;
    void *channel_ctx; /* passed to every send */
    /* Random source for the backoff jitter: a uniform 32-bit value per call.
     * NULL: no jitter. */
    uint32_t (*random)(void *ctx);
    void *random_ctx;
    mu_outbox_attempt_fn on_attempt; /* NULL: none */
    void *hook_ctx;
    /* Where the console channel writes (mu_notify_console_fn of
     * muster/notify.h); NULL: one mu_log() line. */
    void (*console)(void *ctx, const char *label, const char *subject, const char *body,
                    const char *ref);
    void *console_ctx;
    int64_t lease_ms;  /* 0: MU_OUTBOX_DEFAULT_LEASE_MS */
    const char *actor; /* audit actor name; NULL: "notify" */
    /* A monotonic clock in ms to measure each attempt's duration; NULL: 0.
     * Recorded times are always the virtual now_ms. */
    int64_t (*clock_ms)(void *ctx);
    void *clock_ctx;
};

/** What one mu_app_outbox_deliver() call did. */
struct mu_outbox_run {
    size_t claimed, sent, retried, failed, deferred, hook_errors;
};

/**
 * Deliver what is due at @p now_ms: claim up to @p max messages (0: 100),
 * send each through its channel with the organization's settings (read
 * from the store: notify.*), record the outcome (see mu_store_outbox_record),
 * the retry time being now + mu_notify_backoff_ms(attempts, random). *result
 * (may be NULL) gets the counts. A failing send is not an error of this
 * function; a failing store is.
 */
MU_API enum mu_err mu_app_outbox_deliver(struct mu_store *s,
                                         const struct mu_outbox_transport *transport,
                                         int64_t now_ms, size_t max, struct mu_outbox_run *result,
                                         struct mu_error *err);

/** Enqueue through the store after the app's checks (the channel's settings exist
 *  when @p v's dest is empty: MU_EINVAL "channel 'wecom' has no webhook: set
 *  notify.wecom.webhook"). Same arguments as mu_store_outbox_enqueue(). */
MU_API enum mu_err mu_app_outbox_enqueue(struct mu_store *s, const struct mu_actor *actor,
                                         const struct mu_outbox_new *v, int64_t *id,
                                         int *existed, struct mu_error *err);

/**
 * The list as JSON text (array of messages without body and with the
 * destination masked) or one message with its attempts (with body, dest
 * masked); *json owned by the caller (mu_free).
 */
MU_API enum mu_err mu_app_outbox_list_json(struct mu_store *s, const struct mu_outbox_filter *f,
                                           char **json, struct mu_error *err);
MU_API enum mu_err mu_app_outbox_show_json(struct mu_store *s, int64_t id, char **json,
                                           struct mu_error *err);

#endif
