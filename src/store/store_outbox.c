/* SPDX-License-Identifier: MIT */
/*
 * The notification outbox in the store (include/muster/outbox.h): enqueueing
 * under an idempotency key, claiming due messages under a lease with the
 * robots' rate limits counted from the attempts table, recording each
 * attempt and the message's next state, cancelling, and reading messages
 * and attempts back. Claims run in one write transaction: BEGIN IMMEDIATE
 * on SQLite; on PostgreSQL an advisory lock serializes claimers (so rate
 * counts are exact) and FOR UPDATE SKIP LOCKED leaves rows other writers
 * hold. Audit summaries name channel, ref and state, never text or
 * destinations.
 */
#include "store/store_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <muster/mem.h>
#include <muster/notify.h>
#include <muster/outbox.h>

#include "util/banned.h"

/* pg_advisory_xact_lock key of outbox claims ("mustrOBX" folded). */
#define CLAIM_LOCK_KEY 7236011

static const char *const state_names[] = {"pending", "sending", "sent", "failed", "cancelled"};
static const char *const outcome_names[] = {"ok", "retry", "permanent", "lost"};

const char *mu_outbox_state_name(enum mu_outbox_state st)
{
    return (unsigned)st < 5 ? state_names[st] : "?";
}

enum mu_err mu_outbox_state_parse(const char *name, enum mu_outbox_state *out,
                                  struct mu_error *err)
{
    for (int i = 0; i < 5; i++)
        if (name && strcmp(name, state_names[i]) == 0) {
            *out = (enum mu_outbox_state)i;
            return MU_OK;
        }
    return mu_error_field(err, MU_EINVAL, "state",
                          "unknown message state '%s' (pending, sending, sent, failed, cancelled)",
                          name ? name : "");
}

const char *mu_outbox_outcome_name(enum mu_outbox_outcome o)
{
    return (unsigned)o < 4 ? outcome_names[o] : "?";
}

static enum mu_outbox_outcome outcome_parse(const char *s)
{
    for (int i = 0; i < 4; i++)
        if (s && strcmp(s, outcome_names[i]) == 0)
            return (enum mu_outbox_outcome)i;
    return MU_OUTBOX_LOST;
}

void mu_outbox_msg_release(struct mu_outbox_msg *m)
{
    if (!m)
        return;
    mu_free(m->key);
    mu_free(m->channel);
    mu_free(m->dest);
    mu_free(m->subject);
    mu_free(m->body);
    mu_free(m->markdown);
    mu_free(m->person);
    mu_free(m->ref);
    mu_free(m->mention);
    mu_free(m->mention_mobile);
    mu_free(m->last_error);
    memset(m, 0, sizeof(*m));
}

void mu_outbox_msgs_free(struct mu_outbox_msg *v, size_t n)
{
    if (!v)
        return;
    for (size_t i = 0; i < n; i++)
        mu_outbox_msg_release(&v[i]);
    mu_free(v);
}

void mu_outbox_attempts_free(struct mu_outbox_attempt *v, size_t n)
{
    if (!v)
        return;
    for (size_t i = 0; i < n; i++) {
        mu_free(v[i].ref);
        mu_free(v[i].channel);
        mu_free(v[i].person);
        mu_free(v[i].platform_code);
        mu_free(v[i].error);
    }
    mu_free(v);
}

/* ---- reading rows ---- */

#define MSG_COLS                                                                                   \
    "id, idem_key, channel, dest, subject, body, markdown, person, ref, mention, "                 \
    "mention_mobile, state, attempts, max_attempts, next_attempt_at, last_error, created_at, "     \
    "sent_at"

static enum mu_err read_msg(struct mu_db_rows *r, struct mu_outbox_msg *m, struct mu_error *err)
{
    enum mu_outbox_state st = MU_OUTBOX_PENDING;
    memset(m, 0, sizeof(*m));
    m->id = mu_db_int(r, 0);
    m->key = mu_db_dup(r, 1);
    m->channel = mu_db_dup(r, 2);
    m->dest = mu_db_dup(r, 3);
    m->subject = mu_db_dup(r, 4);
    m->body = mu_db_dup(r, 5);
    m->markdown = mu_db_dup(r, 6);
    m->person = mu_db_dup(r, 7);
    m->ref = mu_db_dup(r, 8);
    m->mention = mu_db_dup(r, 9);
    m->mention_mobile = mu_db_dup(r, 10);
    mu_outbox_state_parse(mu_db_text(r, 11), &st, NULL);
    m->state = st;
    m->attempts = (int)mu_db_int(r, 12);
    m->max_attempts = (int)mu_db_int(r, 13);
    m->next_attempt_at = mu_db_is_null(r, 14) ? 0 : mu_db_int(r, 14);
    m->last_error = mu_db_dup(r, 15);
    m->created_at = mu_db_int(r, 16);
    m->sent_at = mu_db_is_null(r, 17) ? 0 : mu_db_int(r, 17);
    if (!m->key || !m->channel || !m->dest || !m->subject || !m->body || !m->markdown ||
        !m->person || !m->ref || !m->mention || !m->mention_mobile || !m->last_error) {
        mu_outbox_msg_release(m);
        return mu_error_set(err, MU_ENOMEM, "out of memory");
    }
    return MU_OK;
}

/* Run @p sql and collect every row as a message. */
static enum mu_err query_msgs(struct mu_store *s, const char *sql, const struct mu_db_val *p,
                              int np, struct mu_outbox_msg **out, size_t *count,
                              struct mu_error *err)
{
    struct mu_db_rows *r = NULL;
    struct mu_outbox_msg *v = NULL;
    size_t n = 0, cap = 0;
    int has = 0;
    enum mu_err rc = mu_db_query(s->db, sql, p, np, &r, err);
    while (rc == MU_OK && (rc = mu_db_next(r, &has, err)) == MU_OK && has) {
        if (n == cap) {
            size_t nc = cap ? cap * 2 : 8;
            struct mu_outbox_msg *nv = mu_realloc(v, nc * sizeof(*v));
            if (!nv) {
                rc = mu_error_set(err, MU_ENOMEM, "out of memory");
                break;
            }
            v = nv;
            cap = nc;
        }
        if ((rc = read_msg(r, &v[n], err)) == MU_OK)
            n++;
    }
    mu_db_finish(r);
    if (rc) {
        mu_outbox_msgs_free(v, n);
        return rc;
    }
    *out = v;
    *count = n;
    return MU_OK;
}

/* ---- enqueue ---- */

static enum mu_err check_str(const char *s, int required, size_t max, const char *field,
                             struct mu_error *err)
{
    if (required && (!s || !*s))
        return mu_error_field(err, MU_EINVAL, field, "message %s is empty", field);
    if (s && strlen(s) > max)
        return mu_error_field(err, MU_EINVAL, field, "message %s is longer than %zu bytes", field,
                              max);
    return MU_OK;
}

static const char *nz(const char *s)
{
    return s ? s : "";
}

enum mu_err mu_store_outbox_enqueue(struct mu_store *s, const struct mu_actor *actor,
                                    const struct mu_outbox_new *v, int64_t *id, int *existed,
                                    struct mu_error *err)
{
    enum mu_err rc;
    int64_t got = 0;
    int found = 0;
    if (id)
        *id = 0;
    if (existed)
        *existed = 0;
    if ((rc = mu_store_check_actor(actor, err)))
        return rc;
    if ((rc = check_str(v->key, 1, MU_OUTBOX_MAX_KEY, "key", err)) ||
        (rc = check_str(v->channel, 1, MU_OUTBOX_MAX_CHANNEL, "channel", err)) ||
        (rc = check_str(v->dest, 0, MU_OUTBOX_MAX_DEST, "dest", err)) ||
        (rc = check_str(v->subject, 1, MU_OUTBOX_MAX_SUBJECT, "subject", err)) ||
        (rc = check_str(v->body, 0, MU_OUTBOX_MAX_BODY, "body", err)) ||
        (rc = check_str(v->markdown, 0, MU_OUTBOX_MAX_BODY, "markdown", err)) ||
        (rc = check_str(v->person, 0, MU_OUTBOX_MAX_PERSON, "person", err)) ||
        (rc = check_str(v->ref, 0, MU_OUTBOX_MAX_REF, "ref", err)) ||
        (rc = check_str(v->mention, 0, MU_OUTBOX_MAX_MENTION, "mention", err)) ||
        (rc = check_str(v->mention_mobile, 0, MU_OUTBOX_MAX_MENTION, "mention_mobile", err)))
        return rc;
    if (!mu_notify_channel_known(v->channel))
        return mu_error_field(err, MU_EINVAL, "channel",
                              "unknown channel '%s' (console, webhook, wecom, dingtalk, feishu, "
                              "email, sms)",
                              v->channel);
    if (strchr(v->subject, '\n') || strchr(v->subject, '\r'))
        return mu_error_field(err, MU_EINVAL, "subject", "message subject has a line break");
    if (v->max_attempts < 0 || v->max_attempts > 100)
        return mu_error_field(err, MU_EINVAL, "max_attempts",
                              "message max_attempts must be between 1 and 100");
    if ((rc = mu_store_tx_enter(s, err)))
        return rc;
    {
        /* Look first, so that a repeated key does not use up an id. */
        struct mu_db_val p[] = {MU_DB_TEXT(v->key)};
        rc = mu_db_query_int(s->db, "SELECT id FROM outbox_messages WHERE idem_key = $1", p, 1,
                             &got, &found, err);
        if (rc == MU_OK && found) {
            if (existed)
                *existed = 1;
            goto out;
        }
    }
    if (rc)
        goto out;
    {
        struct mu_db_val p[] = {
            MU_DB_TEXT(v->key),
            MU_DB_TEXT(v->channel),
            MU_DB_TEXT(nz(v->dest)),
            MU_DB_TEXT(v->subject),
            MU_DB_TEXT(nz(v->body)),
            MU_DB_TEXT(nz(v->markdown)),
            MU_DB_TEXT(v->person && *v->person ? v->person : NULL),
            MU_DB_TEXT(nz(v->ref)),
            MU_DB_TEXT(nz(v->mention)),
            MU_DB_TEXT(nz(v->mention_mobile)),
            MU_DB_INT(v->max_attempts ? v->max_attempts : MU_OUTBOX_DEFAULT_MAX_ATTEMPTS),
            MU_DB_INT(v->not_before ? v->not_before : actor->now_ms),
            MU_DB_INT(actor->now_ms),
        };
        rc = mu_db_query_int(s->db,
                             "INSERT INTO outbox_messages (idem_key, channel, dest, subject, "
                             "body, markdown, person, ref, mention, mention_mobile, state, "
                             "attempts, max_attempts, next_attempt_at, created_at) VALUES ($1, "
                             "$2, $3, $4, $5, $6, $7, $8, $9, $10, 'pending', 0, $11, $12, $13) "
                             "ON CONFLICT (idem_key) DO NOTHING RETURNING id",
                             p, 13, &got, &found, err);
    }
    if (rc)
        goto out;
    if (!found) { /* a concurrent enqueue of the key won: return its message */
        struct mu_db_val p[] = {MU_DB_TEXT(v->key)};
        rc = mu_db_query_int(s->db, "SELECT id FROM outbox_messages WHERE idem_key = $1", p, 1,
                             &got, &found, err);
        if (rc == MU_OK && !found)
            rc = mu_error_set(err, MU_ESTORE, "message key '%s' vanished", v->key);
        if (rc == MU_OK && existed)
            *existed = 1;
        goto out;
    }
    char object[64], summary[MU_OUTBOX_MAX_REF + 96];
    snprintf(object, sizeof(object), "outbox:%" PRId64, got);
    snprintf(summary, sizeof(summary), "%s message for %s", v->channel,
             v->ref && *v->ref ? v->ref : "no ref");
    rc = mu_store_audit_append_tx(s, actor, "outbox.enqueue", object, summary, err);
out:
    if (rc == MU_OK && id)
        *id = got;
    return mu_store_tx_leave(s, rc, err);
}

/* ---- reading ---- */

enum mu_err mu_store_outbox_get(struct mu_store *s, int64_t id, struct mu_outbox_msg *out,
                                struct mu_error *err)
{
    struct mu_outbox_msg *v = NULL;
    size_t n = 0;
    struct mu_db_val p[] = {MU_DB_INT(id)};
    enum mu_err rc = query_msgs(s, "SELECT " MSG_COLS " FROM outbox_messages WHERE id = $1", p, 1,
                                &v, &n, err);
    if (rc)
        return rc;
    if (n == 0) {
        mu_outbox_msgs_free(v, n);
        return mu_error_set(err, MU_ENOTFOUND, "no message %" PRId64, id);
    }
    *out = v[0];
    mu_free(v);
    return MU_OK;
}

enum mu_err mu_store_outbox_list(struct mu_store *s, const struct mu_outbox_filter *f,
                                 struct mu_outbox_msg **out, size_t *count, struct mu_error *err)
{
    struct mu_outbox_filter none = {0};
    if (!f)
        f = &none;
    *out = NULL;
    *count = 0;
    /* Every condition is always present; a NULL parameter turns it off. */
    struct mu_db_val p[] = {
        MU_DB_TEXT(f->has_state ? mu_outbox_state_name(f->state) : NULL),
        MU_DB_TEXT(f->ref),
        MU_DB_TEXT(f->person),
        MU_DB_INT(f->limit ? (int64_t)f->limit : INT64_MAX),
    };
    return query_msgs(s,
                      "SELECT " MSG_COLS " FROM outbox_messages WHERE "
                      "(CAST($1 AS TEXT) IS NULL OR state = $1) AND "
                      "(CAST($2 AS TEXT) IS NULL OR ref = $2) AND "
                      "(CAST($3 AS TEXT) IS NULL OR person = $3) ORDER BY id LIMIT $4",
                      p, 4, out, count, err);
}

enum mu_err mu_store_outbox_attempts(struct mu_store *s, int64_t message_id, const char *ref,
                                     struct mu_outbox_attempt **out, size_t *count,
                                     struct mu_error *err)
{
    struct mu_db_rows *r = NULL;
    struct mu_outbox_attempt *v = NULL;
    size_t n = 0, cap = 0;
    int has = 0;
    *out = NULL;
    *count = 0;
    struct mu_db_val p[] = {MU_DB_INT(message_id), MU_DB_TEXT(ref)};
    enum mu_err rc = mu_db_query(
        s->db,
        "SELECT a.id, a.message_id, m.ref, a.channel, m.person, a.attempt, a.at, a.outcome, "
        "a.status, a.platform_code, a.error, a.duration_ms FROM outbox_attempts a "
        "JOIN outbox_messages m ON m.id = a.message_id "
        "WHERE (CAST($1 AS BIGINT) = 0 OR a.message_id = $1) AND "
        "(CAST($2 AS TEXT) IS NULL OR m.ref = $2) "
        "ORDER BY a.at, a.id",
        p, 2, &r, err);
    while (rc == MU_OK && (rc = mu_db_next(r, &has, err)) == MU_OK && has) {
        if (n == cap) {
            size_t nc = cap ? cap * 2 : 8;
            struct mu_outbox_attempt *nv = mu_realloc(v, nc * sizeof(*v));
            if (!nv) {
                rc = mu_error_set(err, MU_ENOMEM, "out of memory");
                break;
            }
            v = nv;
            cap = nc;
        }
        struct mu_outbox_attempt *a = &v[n];
        memset(a, 0, sizeof(*a));
        a->id = mu_db_int(r, 0);
        a->message_id = mu_db_int(r, 1);
        a->ref = mu_db_dup(r, 2);
        a->channel = mu_db_dup(r, 3);
        a->person = mu_db_dup(r, 4);
        a->attempt = (int)mu_db_int(r, 5);
        a->at = mu_db_int(r, 6);
        a->outcome = outcome_parse(mu_db_text(r, 7));
        a->status = (int)mu_db_int(r, 8);
        a->platform_code = mu_db_dup(r, 9);
        a->error = mu_db_dup(r, 10);
        a->duration_ms = mu_db_int(r, 11);
        n++;
        if (!a->ref || !a->channel || !a->person || !a->platform_code || !a->error)
            rc = mu_error_set(err, MU_ENOMEM, "out of memory");
    }
    mu_db_finish(r);
    if (rc) {
        mu_outbox_attempts_free(v, n);
        return rc;
    }
    *out = v;
    *count = n;
    return MU_OK;
}

/* ---- claiming ---- */

static int is_pg(struct mu_store *s)
{
    return strcmp(mu_store_engine(s), "postgres") == 0;
}

static enum mu_err insert_attempt(struct mu_store *s, int64_t id, int attempt, const char *channel,
                                  const char *dest, const char *outcome, int64_t at,
                                  const struct mu_outbox_result *r, struct mu_error *err)
{
    struct mu_db_val p[] = {
        MU_DB_INT(id),
        MU_DB_INT(attempt),
        MU_DB_TEXT(channel),
        MU_DB_TEXT(dest),
        MU_DB_INT(at),
        MU_DB_TEXT(outcome),
        MU_DB_INT(r ? r->status : 0),
        MU_DB_TEXT(r ? nz(r->platform_code) : ""),
        MU_DB_TEXT(r ? nz(r->error) : "the deliverer's lease ran out"),
        MU_DB_INT(r ? r->duration_ms : 0),
    };
    return mu_db_exec(s->db,
                      "INSERT INTO outbox_attempts (message_id, attempt, channel, dest, at, "
                      "outcome, status, platform_code, error, duration_ms) VALUES ($1, $2, $3, "
                      "$4, $5, $6, $7, $8, $9, $10)",
                      p, 10, err);
}

static enum mu_err audit_msg(struct mu_store *s, const struct mu_actor *actor, const char *action,
                             int64_t id, const char *channel, const char *ref, const char *what,
                             struct mu_error *err)
{
    char object[64], summary[MU_OUTBOX_MAX_REF + 200];
    snprintf(object, sizeof(object), "outbox:%" PRId64, id);
    snprintf(summary, sizeof(summary), "%s message for %s: %s", channel,
             ref && *ref ? ref : "no ref", what);
    return mu_store_audit_append_tx(s, actor, action, object, summary, err);
}

/* Sending messages whose lease ran out: record a lost attempt and make them pending again
 * (or failed when they have used every attempt). */
static enum mu_err reclaim_lost(struct mu_store *s, const struct mu_actor *actor, size_t *lost,
                                struct mu_error *err)
{
    struct mu_outbox_msg *v = NULL;
    size_t n = 0;
    enum mu_err rc;
    struct mu_db_val p[] = {MU_DB_INT(actor->now_ms)};
    rc = query_msgs(s,
                    is_pg(s) ? "SELECT " MSG_COLS " FROM outbox_messages WHERE state = 'sending' "
                               "AND next_attempt_at <= $1 ORDER BY next_attempt_at, id "
                               "LIMIT 1000 FOR UPDATE SKIP LOCKED"
                             : "SELECT " MSG_COLS " FROM outbox_messages WHERE state = 'sending' "
                               "AND next_attempt_at <= $1 ORDER BY next_attempt_at, id "
                               "LIMIT 1000",
                    p, 1, &v, &n, err);
    for (size_t i = 0; i < n && rc == MU_OK; i++) {
        struct mu_outbox_msg *m = &v[i];
        int final = m->attempts >= m->max_attempts;
        rc = insert_attempt(s, m->id, m->attempts, m->channel, m->dest, "lost",
                            m->next_attempt_at, NULL, err);
        if (rc == MU_OK) {
            struct mu_db_val q[] = {MU_DB_INT(m->id), MU_DB_TEXT(final ? "failed" : "pending"),
                                    final ? (struct mu_db_val)MU_DB_NULL
                                          : (struct mu_db_val)MU_DB_INT(actor->now_ms)};
            rc = mu_db_exec(s->db,
                            "UPDATE outbox_messages SET state = $2, next_attempt_at = $3, "
                            "last_error = 'lease expired' WHERE id = $1",
                            q, 3, err);
        }
        if (rc == MU_OK)
            rc = audit_msg(s, actor, final ? "outbox.failed" : "outbox.lost", m->id, m->channel,
                           m->ref, final ? "lease expired, no attempts left" : "lease expired",
                           err);
    }
    if (rc == MU_OK && lost)
        *lost += n;
    mu_outbox_msgs_free(v, n);
    return rc;
}

/*
 * Whether robot message @p m may be sent now: 1, or 0 with *until the time
 * its robot's window has room again.
 */
static enum mu_err rate_ok(struct mu_store *s, const struct mu_outbox_msg *m, int64_t now,
                           int *ok, int64_t *until, struct mu_error *err)
{
    struct mu_notify_rate w[2];
    size_t nw = mu_notify_rate_limits(m->channel, w);
    enum mu_err rc = MU_OK;
    int found = 0;
    int64_t sending = 0;
    *ok = 1;
    *until = 0;
    if (nw == 0)
        return MU_OK;
    {
        struct mu_db_val p[] = {MU_DB_TEXT(m->channel), MU_DB_TEXT(m->dest)};
        rc = mu_db_query_int(s->db,
                             "SELECT COUNT(*) FROM outbox_messages WHERE channel = $1 AND "
                             "dest = $2 AND state = 'sending'",
                             p, 2, &sending, &found, err);
    }
    for (size_t i = 0; i < nw && rc == MU_OK; i++) {
        int64_t done = 0, oldest = 0;
        struct mu_db_val p[] = {MU_DB_TEXT(m->channel), MU_DB_TEXT(m->dest),
                                MU_DB_INT(now - w[i].window_ms)};
        rc = mu_db_query_int(s->db,
                             "SELECT COUNT(*) FROM outbox_attempts WHERE channel = $1 AND "
                             "dest = $2 AND at > $3",
                             p, 3, &done, &found, err);
        if (rc || done + sending < w[i].count)
            continue;
        *ok = 0;
        rc = mu_db_query_int(s->db,
                             "SELECT MIN(at) FROM outbox_attempts WHERE channel = $1 AND "
                             "dest = $2 AND at > $3",
                             p, 3, &oldest, &found, err);
        /* Room comes when the oldest counted attempt leaves the window; when the
         * window is full of sends in flight, wait a whole window. */
        int64_t t = done > 0 && found ? oldest + w[i].window_ms : now + w[i].window_ms;
        if (t <= now)
            t = now + 1;
        if (t > *until)
            *until = t;
    }
    return rc;
}

enum mu_err mu_store_outbox_claim(struct mu_store *s, const struct mu_actor *actor, size_t max,
                                  int64_t lease_ms, struct mu_outbox_msg **out, size_t *count,
                                  size_t *deferred, struct mu_error *err)
{
    enum mu_err rc;
    struct mu_outbox_msg *got = NULL, *cand = NULL;
    size_t ngot = 0, ncand = 0, ndef = 0, lost = 0;
    *out = NULL;
    *count = 0;
    if (deferred)
        *deferred = 0;
    if ((rc = mu_store_check_actor(actor, err)))
        return rc;
    if (s->depth > 0)
        return mu_error_set(err, MU_EINVAL, "outbox claims must not run inside a transaction");
    if (max == 0)
        return MU_OK;
    if (lease_ms <= 0)
        lease_ms = MU_OUTBOX_DEFAULT_LEASE_MS;
    if ((rc = mu_store_tx_enter(s, err)))
        return rc;
    if (is_pg(s)) {
        struct mu_db_val p[] = {MU_DB_INT(CLAIM_LOCK_KEY)};
        if ((rc = mu_db_exec(s->db, "SELECT pg_advisory_xact_lock($1)", p, 1, err)))
            goto out;
    }
    if ((rc = reclaim_lost(s, actor, &lost, err)))
        goto out;
    got = mu_calloc(max, sizeof(*got));
    if (!got) {
        rc = mu_error_set(err, MU_ENOMEM, "out of memory");
        goto out;
    }
    /* Deferred messages move into the future, so each round sees new ones. */
    for (int round = 0; round < 50 && ngot < max; round++) {
        struct mu_db_val p[] = {MU_DB_INT(actor->now_ms), MU_DB_INT((int64_t)(max - ngot))};
        rc = query_msgs(s,
                        is_pg(s) ? "SELECT " MSG_COLS " FROM outbox_messages WHERE state = "
                                   "'pending' AND next_attempt_at <= $1 ORDER BY "
                                   "next_attempt_at, id LIMIT $2 FOR UPDATE SKIP LOCKED"
                                 : "SELECT " MSG_COLS " FROM outbox_messages WHERE state = "
                                   "'pending' AND next_attempt_at <= $1 ORDER BY "
                                   "next_attempt_at, id LIMIT $2",
                        p, 2, &cand, &ncand, err);
        if (rc || ncand == 0)
            break;
        size_t taken = 0;
        for (size_t i = 0; i < ncand && rc == MU_OK; i++) {
            struct mu_outbox_msg *m = &cand[i];
            int ok = 1;
            int64_t until = 0;
            if ((rc = rate_ok(s, m, actor->now_ms, &ok, &until, err)))
                break;
            if (!ok) {
                struct mu_db_val q[] = {MU_DB_INT(m->id), MU_DB_INT(until)};
                rc = mu_db_exec(s->db,
                                "UPDATE outbox_messages SET next_attempt_at = $2 WHERE id = $1",
                                q, 2, err);
                ndef++;
                continue;
            }
            struct mu_db_val q[] = {MU_DB_INT(m->id), MU_DB_INT(actor->now_ms + lease_ms)};
            rc = mu_db_exec(s->db,
                            "UPDATE outbox_messages SET state = 'sending', attempts = attempts "
                            "+ 1, next_attempt_at = $2 WHERE id = $1",
                            q, 2, err);
            if (rc == MU_OK) {
                char what[64];
                snprintf(what, sizeof(what), "attempt %d claimed", m->attempts + 1);
                rc = audit_msg(s, actor, "outbox.claim", m->id, m->channel, m->ref, what, err);
            }
            if (rc == MU_OK) {
                m->state = MU_OUTBOX_SENDING;
                m->attempts++;
                m->next_attempt_at = actor->now_ms + lease_ms;
                got[ngot++] = *m;
                memset(m, 0, sizeof(*m)); /* moved */
                taken++;
            }
        }
        mu_outbox_msgs_free(cand, ncand);
        cand = NULL;
        ncand = 0;
        if (rc || taken == 0)
            break;
    }
out:
    mu_outbox_msgs_free(cand, ncand);
    rc = mu_store_tx_leave(s, rc, err);
    if (rc) {
        mu_outbox_msgs_free(got, ngot);
        return rc;
    }
    if (ngot == 0) {
        mu_free(got);
        got = NULL;
    }
    *out = got;
    *count = ngot;
    if (deferred)
        *deferred = ndef;
    return MU_OK;
}

/* ---- recording ---- */

enum mu_err mu_store_outbox_record(struct mu_store *s, const struct mu_actor *actor, int64_t id,
                                   const struct mu_outbox_result *r, int64_t retry_at,
                                   enum mu_outbox_state *state, struct mu_error *err)
{
    enum mu_err rc;
    struct mu_outbox_msg m = {0};
    struct mu_outbox_msg *v = NULL;
    size_t n = 0;
    if ((rc = mu_store_check_actor(actor, err)))
        return rc;
    if (r->outcome != MU_OUTBOX_OK && r->outcome != MU_OUTBOX_RETRY &&
        r->outcome != MU_OUTBOX_PERMANENT)
        return mu_error_field(err, MU_EINVAL, "outcome", "attempt outcome must be ok, retry or "
                                                         "permanent");
    if ((rc = mu_store_tx_enter(s, err)))
        return rc;
    {
        struct mu_db_val p[] = {MU_DB_INT(id)};
        rc = query_msgs(s,
                        is_pg(s) ? "SELECT " MSG_COLS
                                   " FROM outbox_messages WHERE id = $1 FOR UPDATE"
                                 : "SELECT " MSG_COLS " FROM outbox_messages WHERE id = $1",
                        p, 1, &v, &n, err);
    }
    if (rc)
        goto out;
    if (n == 0) {
        rc = mu_error_set(err, MU_ENOTFOUND, "no message %" PRId64, id);
        goto out;
    }
    m = v[0];
    mu_free(v);
    v = NULL;
    if (m.state != MU_OUTBOX_SENDING || (r->attempt && r->attempt != m.attempts)) {
        rc = mu_error_set(err, MU_ECONFLICT, "message %" PRId64 " is no longer being sent here",
                          id);
        goto out;
    }
    rc = insert_attempt(s, id, m.attempts, m.channel, m.dest, mu_outbox_outcome_name(r->outcome),
                        r->started_at ? r->started_at : actor->now_ms, r, err);
    if (rc)
        goto out;
    enum mu_outbox_state next;
    const char *action;
    char what[160];
    char last[300];
    if (r->outcome == MU_OUTBOX_OK) {
        next = MU_OUTBOX_SENT;
        action = "outbox.sent";
        snprintf(last, sizeof(last), "%s", "");
    } else if (r->outcome == MU_OUTBOX_RETRY && m.attempts < m.max_attempts) {
        next = MU_OUTBOX_PENDING;
        action = "outbox.retry";
        snprintf(last, sizeof(last), "%s", nz(r->error));
    } else {
        next = MU_OUTBOX_FAILED;
        action = "outbox.failed";
        if (r->outcome == MU_OUTBOX_RETRY)
            snprintf(last, sizeof(last), "%s (after %d attempts)", nz(r->error), m.attempts);
        else
            snprintf(last, sizeof(last), "%s", nz(r->error));
    }
    snprintf(what, sizeof(what), "attempt %d %s, status %d%s%s", m.attempts,
             mu_outbox_outcome_name(r->outcome), r->status,
             r->platform_code && *r->platform_code ? ", code " : "", nz(r->platform_code));
    {
        struct mu_db_val p[] = {
            MU_DB_INT(id),
            MU_DB_TEXT(mu_outbox_state_name(next)),
            next == MU_OUTBOX_PENDING ? (struct mu_db_val)MU_DB_INT(retry_at)
                                      : (struct mu_db_val)MU_DB_NULL,
            MU_DB_TEXT(last),
            next == MU_OUTBOX_SENT ? (struct mu_db_val)MU_DB_INT(actor->now_ms)
                                   : (struct mu_db_val)MU_DB_NULL,
        };
        rc = mu_db_exec(s->db,
                        "UPDATE outbox_messages SET state = $2, next_attempt_at = $3, "
                        "last_error = $4, sent_at = $5 WHERE id = $1",
                        p, 5, err);
    }
    if (rc == MU_OK)
        rc = audit_msg(s, actor, action, id, m.channel, m.ref, what, err);
    if (rc == MU_OK && state)
        *state = next;
out:
    mu_outbox_msgs_free(v, n);
    mu_outbox_msg_release(&m);
    return mu_store_tx_leave(s, rc, err);
}

enum mu_err mu_store_outbox_cancel(struct mu_store *s, const struct mu_actor *actor,
                                   const char *ref, size_t *count, struct mu_error *err)
{
    enum mu_err rc;
    struct mu_db_rows *r = NULL;
    size_t k = 0;
    int has = 0;
    if (count)
        *count = 0;
    if ((rc = mu_store_check_actor(actor, err)))
        return rc;
    if (!ref || !*ref)
        return mu_error_field(err, MU_EINVAL, "ref", "message reference is empty");
    if (strlen(ref) > MU_OUTBOX_MAX_REF)
        return mu_error_field(err, MU_EINVAL, "ref", "message reference is too long");
    if ((rc = mu_store_tx_enter(s, err)))
        return rc;
    struct mu_db_val p[] = {MU_DB_TEXT(ref)};
    rc = mu_db_query(s->db,
                     "UPDATE outbox_messages SET state = 'cancelled', next_attempt_at = NULL "
                     "WHERE ref = $1 AND state = 'pending' RETURNING id",
                     p, 1, &r, err);
    while (rc == MU_OK && (rc = mu_db_next(r, &has, err)) == MU_OK && has)
        k++;
    mu_db_finish(r);
    if (rc == MU_OK && k > 0) {
        char summary[MU_OUTBOX_MAX_REF + 64];
        snprintf(summary, sizeof(summary), "%zu pending message%s for %s cancelled", k,
                 k == 1 ? "" : "s", ref);
        rc = mu_store_audit_append_tx(s, actor, "outbox.cancel", ref, summary, err);
    }
    if (rc == MU_OK && count)
        *count = k;
    return mu_store_tx_leave(s, rc, err);
}
