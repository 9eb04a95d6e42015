/* SPDX-License-Identifier: MIT */
/*
 * Cases: complaints and requests from the public (信访事项), answered on
 * time. The case flow serves the complainant's rights: a receipt with a
 * tracking code, written notices on time, a reply, a path to review, and
 * protection of their identity. muster keeps no watch-lists and never tracks
 * or stops anyone: a complainant's identity is only used to answer the case.
 *
 * Four layers in this header:
 *  - pure rules (src/core/case.c): states and the transitions between them,
 *    the deadline rule (calendar or working days, Civil Code 第201-203条),
 *    tracking codes and phone digits. No I/O, no clock, no randomness;
 *  - sealing (src/app/case_crypto.c) and the key file (src/app/keyfile.c):
 *    identity fields are encrypted with libsodium crypto_secretbox under a
 *    key kept in a file outside the database; each sealed value names the id
 *    of its key;
 *  - the store (src/store/store_case.c): cases, their units and actions, each
 *    change audited in the same transaction; the store only ever sees sealed
 *    identity values;
 *  - use cases (src/app/case.c): register, every workflow step, show, list,
 *    due, statistics, hand-over, notices, reveal, purge, key rotation, the
 *    public lookup.
 *
 * Dates are day numbers (muster/date.h), local (UTC+8). See
 * docs/internals/cases.md. Same threading rules as muster/store.h.
 */
#ifndef MUSTER_CASE_H
#define MUSTER_CASE_H

#include <stddef.h>
#include <stdint.h>

#include "calendar.h"
#include "err.h"
#include "store.h"

/* ---------------------------------------------------------------------- */
/* Limits                                                                 */

#define MU_CASE_NO_DAY INT32_MIN /* a date that has not happened */
#define MU_CASE_CODE_LEN 14      /* "XXXX-XXXX-XXXX" */
#define MU_CASE_MAX_SUBJECT 500  /* bytes */
#define MU_CASE_MAX_TEXT 20000   /* description, reply, note, reason */
#define MU_CASE_MAX_FIELD 200    /* category, place, unit, leader, identity fields */
#define MU_CASE_MAX_UNITS 32     /* units concerned or handling */
#define MU_CASE_KEY_ID_LEN 16    /* hex characters of a key id */
#define MU_CASE_MAX_KEYS 4       /* keys in a key file */

/* ---------------------------------------------------------------------- */
/* States, channels, steps (pure)                                         */

enum mu_case_state {
    MU_CASE_REGISTERED = 0, /* received; the decision to accept is due */
    MU_CASE_ACCEPTED,       /* accepted; being handled, the reply is due */
    MU_CASE_REJECTED,       /* not accepted (不予受理), with reason and the right body */
    MU_CASE_REPLIED,        /* written reply given; review may be requested */
    MU_CASE_REVIEW,         /* review (复查) requested; its answer is due */
    MU_CASE_REVIEWED,       /* review answered; re-review may be requested */
    MU_CASE_REREVIEW,       /* re-review (复核) requested; its answer is due */
    MU_CASE_REREVIEWED,     /* re-review answered: final */
    MU_CASE_CLOSED,         /* closed */
};
#define MU_CASE_NSTATES 9

/** "registered", "accepted", "rejected", "replied", "review_requested", "reviewed",
 *  "rereview_requested", "rereviewed", "closed". Static. */
MU_API const char *mu_case_state_name(enum mu_case_state st);
/** Parse a state name; MU_EINVAL (field "state") listing the names otherwise. */
MU_API enum mu_err mu_case_state_parse(const char *s, enum mu_case_state *out,
                                       struct mu_error *err);

/** 1 when @p s is a channel: letter, visit, phone, online, hotline, transfer. */
MU_API int mu_case_channel_valid(const char *s);
#define MU_CASE_CHANNELS "letter, visit, phone, online, hotline, transfer"

/** 1 when @p s is a reply outcome: supported, partly, not_supported, explained. */
MU_API int mu_case_outcome_valid(const char *s);
#define MU_CASE_OUTCOMES "supported, partly, not_supported, explained"

/** What a step does. */
enum mu_case_op {
    MU_CASE_OP_ACCEPT = 0, /* registered -> accepted */
    MU_CASE_OP_REJECT,     /* registered -> rejected */
    MU_CASE_OP_ASSIGN,     /* leader and handling units; no state change */
    MU_CASE_OP_NOTE,       /* supervision note or meeting decision; no state change */
    MU_CASE_OP_EXTEND,     /* once, while accepted */
    MU_CASE_OP_REPLY,      /* accepted -> replied, review -> reviewed, rereview -> rereviewed */
    MU_CASE_OP_REVIEW,     /* replied -> review, reviewed -> rereview (also from closed) */
    MU_CASE_OP_CLOSE,      /* rejected, replied, reviewed, rereviewed -> closed */
};
/** "accept", "reject", ... Static. */
MU_API const char *mu_case_op_name(enum mu_case_op op);

/** The time limits, in days of the counting mode. */
struct mu_case_limits {
    int accept;         /* decide within N days of receipt (15) */
    int handle;         /* reply within N days of acceptance (60) */
    int extend;         /* one extension of at most N days (30) */
    int review_request; /* review may be requested within N days of the reply (30) */
    int review;         /* a review is answered within N days of the request (30) */
    int workdays;       /* 1: count working days; 0: calendar days (default) */
};

/** The defaults of the 2022 信访工作条例: 15, 60, 30, 30, 30 calendar days. */
MU_API void mu_case_limits_default(struct mu_case_limits *l);

/**
 * The last day of a limit of @p n days after @p event into *out: counting
 * starts the day after the event. With @p workdays, the @p n-th working day
 * after @p event; otherwise @p event + @p n, moved to the first working day
 * after it when that day is a statutory holiday or a weekend rest day (a
 * make-up working day, 调休, is a working day). @p n >= 1. MU_EINVAL when a
 * date falls outside the calendar's range.
 */
MU_API enum mu_err mu_case_deadline(const struct mu_calendar *cal, int workdays, int32_t event,
                                    int n, int32_t *out, struct mu_error *err);

/** The workflow position of a case: its state and the days of its events. */
struct mu_case_flow {
    enum mu_case_state state;
    int32_t received;         /* day of receipt (always set) */
    int32_t decided;          /* accepted or rejected on; MU_CASE_NO_DAY */
    int32_t extended;         /* extension granted on; MU_CASE_NO_DAY */
    int extend_days;          /* 0 while not extended */
    int32_t replied;          /* the written reply (handling stage); MU_CASE_NO_DAY */
    int review_level;         /* 0, 1 (复查) or 2 (复核): the last review requested */
    int32_t review_requested; /* the last review request; MU_CASE_NO_DAY */
    int32_t review_replied;   /* the answer to the last review; MU_CASE_NO_DAY */
    int32_t closed;           /* MU_CASE_NO_DAY while open */
};

/** A fresh flow: registered, received on @p received, every other day unset. */
MU_API void mu_case_flow_init(struct mu_case_flow *f, int32_t received);

/** The deadlines of a flow; MU_CASE_NO_DAY where there is none. */
struct mu_case_deadlines {
    int32_t accept;         /* always */
    int32_t handle;         /* once accepted; includes the extension */
    int32_t review_request; /* after a reply that may still be reviewed */
    int32_t review;         /* while a review or re-review is requested */
    int32_t due;            /* the office's current deadline (one of the above), or none */
    const char *due_kind;   /* "accept", "handle", "review", or NULL; static */
};

/** Compute every deadline of @p f under @p lim on @p cal into @p out. */
MU_API enum mu_err mu_case_deadlines_compute(const struct mu_case_flow *f,
                                             const struct mu_case_limits *lim,
                                             const struct mu_calendar *cal,
                                             struct mu_case_deadlines *out, struct mu_error *err);

/** What a step needs (all borrowed; unused ones ignored). */
struct mu_case_step {
    enum mu_case_op op;
    int32_t on;               /* the day it happens (the review request's day for REVIEW) */
    int days;                 /* EXTEND: days of the extension, 1..lim->extend */
    const char *text;         /* reason, reply, note or decision: required for REJECT, EXTEND,
                                 REPLY, NOTE; optional for ACCEPT, REVIEW, CLOSE */
    const char *body;         /* REJECT: the body the complainant may turn to (required) */
    const char *outcome;      /* REPLY: supported, partly, not_supported, explained; optional */
    const char *leader;       /* ASSIGN: 包案领导 (optional if units given) */
    const char *const *units; /* ASSIGN: handling units */
    size_t nunits;
    const char *note_kind; /* NOTE: "supervision" (督办, default) or "meeting" (集体研究) */
};

/**
 * Check @p step against @p f and apply it to @p f (state and days). A step the
 * workflow does not allow is refused with MU_ECONFLICT naming the current
 * state ("cannot reply: the case is 'registered' (accept it first)"),
 * a second extension too; bad input with MU_EINVAL naming the field; a review
 * requested after its limit with MU_ECONFLICT naming the limit. On error @p f
 * is unchanged. Pure.
 */
MU_API enum mu_err mu_case_apply(struct mu_case_flow *f, const struct mu_case_step *step,
                                 const struct mu_case_limits *lim, const struct mu_calendar *cal,
                                 struct mu_error *err);

/**
 * Normalize a tracking code typed by a person (any letter case, dashes or
 * spaces anywhere) into "XXXX-XXXX-XXXX" in @p out. MU_EINVAL (field "code")
 * when it is not 12 letters of the alphabet MU_CASE_CODE_ALPHABET.
 */
#define MU_CASE_CODE_ALPHABET "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
MU_API enum mu_err mu_case_code_normalize(const char *in, char out[MU_CASE_CODE_LEN + 1],
                                          struct mu_error *err);

/**
 * Make a tracking code from 12 values in [0, 31) (@p idx, from an unbiased
 * random source) into @p out. Pure.
 */
MU_API void mu_case_code_from(const unsigned char idx[12], char out[MU_CASE_CODE_LEN + 1]);

/**
 * The last four digits of @p phone (digits only, other characters skipped)
 * into @p out. MU_EINVAL (field "phone") when it has fewer than four digits.
 */
MU_API enum mu_err mu_case_phone_last4(const char *phone, char out[5], struct mu_error *err);

/* ---------------------------------------------------------------------- */
/* Keys and sealing (src/app/case_crypto.c, src/app/keyfile.c)            */

/** One key: 32 bytes for crypto_secretbox and an id stored with each value. */
struct mu_case_key {
    char id[MU_CASE_KEY_ID_LEN + 1]; /* hex */
    unsigned char key[32];
};

/** The keys of a key file: keys[0] seals, every key opens. Caller-allocated. */
struct mu_case_keyring {
    struct mu_case_key keys[MU_CASE_MAX_KEYS];
    size_t n;
};

/** Wipe the key bytes of @p kr (sodium_memzero). */
MU_API void mu_case_keyring_wipe(struct mu_case_keyring *kr);

/**
 * The default key file for database @p dsn into @p out: $MUSTER_KEY_FILE
 * when set (read by the caller and passed as @p env_path, may be NULL),
 * else "<sqlite path>.key"; for PostgreSQL without @p env_path: MU_EINVAL
 * asking for --key-file or MUSTER_KEY_FILE.
 */
MU_API enum mu_err mu_case_keyfile_default(const char *dsn, const char *env_path, char *out,
                                           size_t outsz, struct mu_error *err);

/**
 * Create a new key file at @p path with one fresh key, mode 0600. Refuses
 * (MU_ECONFLICT) when the file exists; MU_EIO naming the path. *id (may be
 * NULL, MU_CASE_KEY_ID_LEN + 1 bytes) gets the new key's id.
 */
MU_API enum mu_err mu_case_keyfile_init(const char *path, char *id, struct mu_error *err);

/**
 * Read the key file @p path into @p kr. MU_ENOTFOUND when there is none
 * ("no key file 'P': run muster key init"), MU_EINVAL for a bad file, MU_EIO.
 */
MU_API enum mu_err mu_case_keyfile_load(const char *path, struct mu_case_keyring *kr,
                                        struct mu_error *err);

/** Write @p kr to @p path atomically (temporary file, fsync, rename), mode 0600. */
MU_API enum mu_err mu_case_keyfile_write(const char *path, const struct mu_case_keyring *kr,
                                         struct mu_error *err);

/** A fresh random key with a random id. */
MU_API void mu_case_key_generate(struct mu_case_key *k);

/**
 * Seal @p plain (NUL-terminated) with kr->keys[0] and a random nonce:
 * *out = "KEYID:" + base64(nonce || box), owned (mu_free). NULL or "" gives
 * *out = NULL (nothing to keep).
 */
MU_API enum mu_err mu_case_seal(const struct mu_case_keyring *kr, const char *plain, char **out,
                                struct mu_error *err);

/**
 * Open a value made by mu_case_seal() with the key it names. *out owned
 * (mu_free). MU_ENOTFOUND when the key id is not in @p kr, MU_EINVAL when the
 * value is damaged or does not authenticate.
 */
MU_API enum mu_err mu_case_open(const struct mu_case_keyring *kr, const char *sealed, char **out,
                                struct mu_error *err);

/**
 * The public lookup hash: BLAKE2b-256 keyed with a subkey of kr->keys[0]
 * (crypto_kdf, context "mucaseph") over "LAST4:CODE", hex into @p out.
 */
MU_API enum mu_err mu_case_lookup_hash(const struct mu_case_keyring *kr, const char *last4,
                                       const char *code, char out[65], struct mu_error *err);

/**
 * A flood challenge for public submissions: a small sum ("7 + 5") and a
 * token (base64url, at most 96 characters) that carries the numbers and its
 * expiry (@p now_ms + 10 minutes), authenticated with a subkey of
 * kr->keys[0], so the server keeps no state. @p token and @p question get
 * NUL-terminated text.
 */
MU_API enum mu_err mu_case_challenge_make(const struct mu_case_keyring *kr, int64_t now_ms,
                                          char token[128], char question[32], struct mu_error *err);

/** MU_OK when @p answer solves the unexpired @p token; MU_EINVAL (field "answer") otherwise. */
MU_API enum mu_err mu_case_challenge_check(const struct mu_case_keyring *kr, int64_t now_ms,
                                           const char *token, long answer, struct mu_error *err);

/** A fresh tracking code from libsodium randombytes. */
MU_API void mu_case_code_generate(char out[MU_CASE_CODE_LEN + 1]);

/* ---------------------------------------------------------------------- */
/* Store                                                                  */

/** A case as stored. Strings owned; release with mu_case_release(). */
struct mu_case {
    int64_t id;
    int64_t matter_id; /* the first case of the matter (its own id when alone) */
    char tracking_code[MU_CASE_CODE_LEN + 1];
    char *channel, *subject, *description, *category, *place; /* never NULL */
    char *units;    /* units concerned, comma-separated ("" when none) */
    char *handling; /* handling units, comma-separated */
    char *leader;   /* 包案领导, "" when none */
    char *outcome;  /* of the last reply, "" when none */
    struct mu_case_flow flow;
    struct mu_case_deadlines dl; /* as stored (due_kind static) */
    int rating;                  /* 1..5, 0 when not rated */
    /* Sealed identity: NULL when not given or purged. Never plaintext. */
    char *name_enc, *phone_enc, *address_enc, *id_number_enc;
    char *lookup_hash; /* hex, NULL when there is no phone */
    int64_t purged_at; /* 0 unless the personal data was purged */
    int64_t created_at, updated_at;
    char *created_by;
};
MU_API void mu_case_release(struct mu_case *c);
MU_API void mu_cases_free(struct mu_case *v, size_t n);

/** A recorded action (the case file, 一案一档). Strings owned by the array. */
struct mu_case_action {
    int64_t id, at;
    int32_t on;
    char *actor, *kind, *text;
    int public_; /* shown to the complainant (notices, replies) */
};
MU_API void mu_case_actions_free(struct mu_case_action *v, size_t n);

/**
 * Insert @p c (id, created_at, updated_at ignored; matter_id 0 = its own
 * matter) with its concerned units @p units, audit "case.register" (summary
 * without identity), in one transaction. *id gets the new id. MU_ECONFLICT
 * when the tracking code is taken; MU_ENOTFOUND when matter_id names no case.
 */
MU_API enum mu_err mu_store_case_insert(struct mu_store *s, const struct mu_actor *actor,
                                        const struct mu_case *c, const char *const *units,
                                        size_t nunits, int64_t *id, struct mu_error *err);

/** Read case @p id into @p out (zeroed by the callee). MU_ENOTFOUND "no case N". */
MU_API enum mu_err mu_store_case_get(struct mu_store *s, int64_t id, struct mu_case *out,
                                     struct mu_error *err);
/** Read the case with tracking code @p code (normalized). MU_ENOTFOUND. */
MU_API enum mu_err mu_store_case_by_code(struct mu_store *s, const char *code, struct mu_case *out,
                                         struct mu_error *err);

/** An action to record with an update; strings borrowed. */
struct mu_case_action_new {
    const char *kind; /* "accept", "note", "meeting", ... */
    int32_t on;
    const char *text;
    int public_;
};

/**
 * Write the workflow fields of @p c (state, days, deadlines, leader, outcome,
 * rating) and, when @p handling is not NULL, replace its handling units with
 * the @p nhandling given; record @p act (may be NULL); audit @p action with
 * @p summary (no identity). One transaction. MU_ENOTFOUND.
 */
MU_API enum mu_err mu_store_case_update(struct mu_store *s, const struct mu_actor *actor,
                                        const struct mu_case *c, const char *const *handling,
                                        size_t nhandling, const struct mu_case_action_new *act,
                                        const char *action, const char *summary,
                                        struct mu_error *err);

/** Update only the deadlines of case @p id (recompute after a calendar change); not audited
 *  per case: the caller appends one entry for the whole run. */
MU_API enum mu_err mu_store_case_set_deadlines(struct mu_store *s, int64_t id,
                                               const struct mu_case_deadlines *dl,
                                               struct mu_error *err);

/** Replace the sealed identity of case @p id (rotation, purge with NULLs); not audited. */
MU_API enum mu_err mu_store_case_set_identity(struct mu_store *s, int64_t id, const char *name,
                                              const char *phone, const char *address,
                                              const char *id_number, const char *lookup_hash,
                                              int64_t purged_at, struct mu_error *err);

/** The actions of case @p id, oldest first. *out may be NULL when none. */
MU_API enum mu_err mu_store_case_actions(struct mu_store *s, int64_t id,
                                         struct mu_case_action **out, size_t *n,
                                         struct mu_error *err);

/** Which cases a list returns; zero it, then set what you need. */
struct mu_case_filter {
    const char *state, *category, *unit, *channel; /* exact; NULL: any */
    int open_only;                                 /* not closed, not rejected */
    int32_t due_until; /* with has_due: only cases due on or before this day */
    int has_due;
    int with_identity;     /* also read the sealed identity columns */
    int32_t closed_before; /* with has_closed_before: closed before this day, not purged */
    int has_closed_before;
    size_t limit; /* 0: no limit */
};

/**
 * The cases matching @p f, ordered by due day (due lists) or id. *out may be
 * NULL when none. Strings of identity columns are only read with
 * f->with_identity.
 */
MU_API enum mu_err mu_store_case_list(struct mu_store *s, const struct mu_case_filter *f,
                                      struct mu_case **out, size_t *n, struct mu_error *err);

/**
 * The key file of the database of @p s: @p env_path when set (from
 * $MUSTER_KEY_FILE), else "<main database file>.key" for SQLite; MU_EINVAL
 * for PostgreSQL without @p env_path.
 */
MU_API enum mu_err mu_store_case_keyfile(struct mu_store *s, const char *env_path, char *out,
                                         size_t outsz, struct mu_error *err);

/**
 * Cancel the pending "case.due" reminders of the @p n cases @p ids (borrowed)
 * with one audit entry "notice.cancel" for all of them (none when nothing was
 * cancelled). *count (may be NULL) gets how many notices were cancelled.
 */
MU_API enum mu_err mu_store_case_reminders_cancel(struct mu_store *s, const struct mu_actor *actor,
                                                  const int64_t *ids, size_t n, size_t *count,
                                                  struct mu_error *err);

/** Call @p fn for every case with identity values (for key rotation); stops on error. */
typedef enum mu_err mu_case_row_fn(void *ctx, const struct mu_case *c, struct mu_error *err);
MU_API enum mu_err mu_store_case_scan(struct mu_store *s, int open_only, int with_identity,
                                      mu_case_row_fn *fn, void *ctx, struct mu_error *err);

/**
 * Public submissions: count one at @p now against @p key ("case.submit:ADDR")
 * and say whether it must wait (*wait_ms > 0: refused, nothing counted).
 * At most @p max per @p window_ms.
 */
MU_API enum mu_err mu_store_case_throttle(struct mu_store *s, const char *key, int64_t now, int max,
                                          int64_t window_ms, int64_t *wait_ms,
                                          struct mu_error *err);

/* ---------------------------------------------------------------------- */
/* Use cases (src/app/case.c)                                             */

/**
 * The limits from the settings case.days (calendar | workdays) and
 * case.limit.{accept,handle,extend,review_request,review}; defaults where
 * unset. MU_EINVAL naming a bad setting.
 */
MU_API enum mu_err mu_app_case_limits(struct mu_store *s, struct mu_case_limits *out,
                                      struct mu_error *err);

/** A new case; strings borrowed. */
struct mu_case_input {
    const char *channel, *subject, *description, *category, *place;
    const char *const *units; /* units concerned */
    size_t nunits;
    const char *name, *phone, *address, *id_number; /* identity: phone or address required */
    int32_t received;
    int64_t matter; /* link to the matter of this case id; 0: a new matter */
};

/**
 * Register @p in: check it, seal the identity with kr->keys[0], make a
 * tracking code, compute the deadlines, store, and record the reminders.
 * *id and @p code (may be NULL) get the case id and its tracking code.
 */
MU_API enum mu_err mu_app_case_register(struct mu_store *s, const struct mu_actor *actor,
                                        const struct mu_case_keyring *kr,
                                        const struct mu_calendar *cal,
                                        const struct mu_case_input *in, int64_t *id,
                                        char code[MU_CASE_CODE_LEN + 1], struct mu_error *err);

/**
 * Apply a workflow step to case @p id: mu_case_apply() on the stored flow,
 * deadlines recomputed, the action recorded and audited, the reminders of the
 * new current deadline recorded (and the old ones cancelled), in one
 * transaction. Refused steps change nothing; the message starts "case N: ".
 */
MU_API enum mu_err mu_app_case_step(struct mu_store *s, const struct mu_actor *actor,
                                    const struct mu_calendar *cal, int64_t id,
                                    const struct mu_case_step *step, struct mu_error *err);

/**
 * The case as JSON (*out owned, mu_free): id, tracking_code, matter, state,
 * fields, deadlines (ISO dates), actions; never the identity, only whether
 * one is on file. With @p kr and @p reason (both non-NULL) the identity is
 * revealed under "complainant" and audited "case.reveal" with who and why.
 */
MU_API enum mu_err mu_app_case_show_json(struct mu_store *s, const struct mu_actor *actor,
                                         const struct mu_case_keyring *kr, int64_t id,
                                         const char *reason, char **out, struct mu_error *err);

/** Text or JSON. */
enum mu_case_format { MU_CASE_TEXT = 0, MU_CASE_JSON, MU_CASE_MD, MU_CASE_HTML };

/** The ledger (台账) of cases matching @p f, as text or JSON (no identity). */
MU_API enum mu_err mu_app_case_list(struct mu_store *s, const struct mu_case_filter *f,
                                    enum mu_case_format fmt, char **out, struct mu_error *err);

/**
 * The ledger as XLSX at @p path. With @p kr and @p reason the identity
 * columns are filled, and the export is audited "case.reveal" per case and
 * "case.export" once; without, there are no identity columns.
 */
MU_API enum mu_err mu_app_case_list_xlsx(struct mu_store *s, const struct mu_actor *actor,
                                         const struct mu_case_filter *f,
                                         const struct mu_case_keyring *kr, const char *reason,
                                         const char *path, struct mu_error *err);

/** Open cases whose current deadline is on or before @p today + @p within days. */
MU_API enum mu_err mu_app_case_due(struct mu_store *s, int32_t today, int within,
                                   enum mu_case_format fmt, char **out, struct mu_error *err);

/** Statistics by category, unit, channel, state, outcome and on-time rates. */
MU_API enum mu_err mu_app_case_stats(struct mu_store *s, enum mu_case_format fmt, char **out,
                                     struct mu_error *err);

/** The hand-over (交办单) of case @p id, Markdown or HTML; never any identity. Audited. */
MU_API enum mu_err mu_app_case_handover(struct mu_store *s, const struct mu_actor *actor,
                                        int64_t id, enum mu_case_format fmt, char **out,
                                        struct mu_error *err);

/**
 * A notice to the complainant: @p kind "accept" (受理告知书), "reject"
 * (不予受理告知书), "extend" (延期告知书), "reply" (答复意见书), from the
 * template "<dir>/<kind>.md" with {{placeholders}} (docs/case-notices), as
 * Markdown or HTML. The complainant's name is filled in from @p kr (may be
 * NULL: left blank), which is audited as a reveal.
 */
MU_API enum mu_err mu_app_case_notice(struct mu_store *s, const struct mu_actor *actor,
                                      const struct mu_case_keyring *kr, int64_t id,
                                      const char *kind, const char *dir, enum mu_case_format fmt,
                                      char **out, struct mu_error *err);

/** Remove the personal data of cases closed before @p before (audited per case). */
MU_API enum mu_err mu_app_case_purge(struct mu_store *s, const struct mu_actor *actor,
                                     int32_t before, size_t *count, struct mu_error *err);

/** Recompute the deadlines of every open case (after a calendar or limit change). */
MU_API enum mu_err mu_app_case_recompute(struct mu_store *s, const struct mu_actor *actor,
                                         const struct mu_calendar *cal, size_t *changed,
                                         struct mu_error *err);

/**
 * Rotate keys: a new key is added first in the key file at @p path (which
 * then holds both), every sealed value is re-sealed with it and every lookup
 * hash recomputed in one transaction, then the file keeps only the new key.
 * *count (may be NULL) gets the cases re-sealed.
 */
MU_API enum mu_err mu_app_case_key_rotate(struct mu_store *s, const struct mu_actor *actor,
                                          const char *path, size_t *count, char *new_id,
                                          struct mu_error *err);

/**
 * The complainant's view, found by tracking code @p code and the last four
 * digits @p last4 of their phone: state, deadlines and the public actions
 * (notices and replies). MU_ENOTFOUND for any mismatch (which one is not told).
 */
MU_API enum mu_err mu_app_case_public_lookup(struct mu_store *s, const struct mu_case_keyring *kr,
                                             const char *code, const char *last4, char **out,
                                             struct mu_error *err);

/** Rate the outcome (1..5) after a reply; same check as the lookup. Audited. */
MU_API enum mu_err mu_app_case_public_rate(struct mu_store *s, const struct mu_actor *actor,
                                           const struct mu_case_keyring *kr, const char *code,
                                           const char *last4, int rating, struct mu_error *err);

#endif
