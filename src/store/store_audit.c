/* SPDX-License-Identifier: MIT */
/*
 * The audit log in the database: append (inside the caller's transaction),
 * verify and tail. The one-row table audit_head holds the last seq and hash;
 * an append updates it first, which takes its row lock on PostgreSQL and so
 * serializes concurrent appenders, and it lets verify notice entries
 * removed from the end. Hashing and the chain check are in core/audit.c.
 */
#include "store/store_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <muster/mem.h>

#include "core/audit.h"
#include "util/banned.h"

#define VERIFY_BATCH 1000

static enum mu_err check_text(const char *what, const char *s, size_t max, int required,
                              struct mu_error *err)
{
    if (required && (!s || !*s))
        return mu_error_field(err, MU_EINVAL, what, "audit %s is empty", what);
    if (s && strlen(s) > max)
        return mu_error_field(err, MU_EINVAL, what, "audit %s is longer than %zu bytes", what, max);
    return MU_OK;
}

enum mu_err mu_store_audit_append_tx(struct mu_store *s, const struct mu_actor *actor,
                                     const char *action, const char *object, const char *summary,
                                     struct mu_error *err)
{
    struct mu_db_rows *r = NULL;
    struct mu_audit_input in = {0};
    char prev[MU_AUDIT_HEX_LEN + 1] = "";
    char hash[MU_AUDIT_HEX_LEN + 1];
    int has = 0;
    enum mu_err rc;

    if (s->depth <= 0)
        MU_BUG("audit append outside a transaction");
    if ((rc = mu_store_check_actor(actor, err)) ||
        (rc = check_text("action", action, MU_STORE_MAX_NAME, 1, err)) ||
        (rc = check_text("object", object, MU_STORE_MAX_SUMMARY, 0, err)) ||
        (rc = check_text("summary", summary, MU_STORE_MAX_SUMMARY, 0, err)))
        return rc;

    /* The hash column still holds the previous entry's hash here. */
    rc = mu_db_query_row(s->db,
                         "UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash",
                         NULL, 0, &r, &has, err);
    if (rc)
        goto out;
    if (!has) {
        rc = mu_error_set(err, MU_ESTORE, "audit head is missing; the audit log was tampered with");
        goto out;
    }
    s->audited = 1;
    if (mu_store_action_is_account(action))
        s->audited_accounts = 1;
    in.seq = mu_db_int(r, 0);
    const char *t = mu_db_text(r, 1);
    if (!t || strlen(t) != MU_AUDIT_HEX_LEN) {
        rc = mu_error_set(err, MU_ESTORE, "audit head hash is damaged");
        goto out;
    }
    memcpy(prev, t, sizeof(prev));
    mu_db_finish(r);
    r = NULL;

    in.at = actor->now_ms;
    in.actor = actor->name;
    in.action = action;
    in.object = object ? object : "";
    in.summary = summary ? summary : "";
    in.prev_hash = prev;
    mu_audit_hash(&in, hash);

    struct mu_db_val p[] = {MU_DB_INT(in.seq),     MU_DB_INT(in.at),      MU_DB_TEXT(in.actor),
                            MU_DB_TEXT(in.action), MU_DB_TEXT(in.object), MU_DB_TEXT(in.summary),
                            MU_DB_TEXT(prev),      MU_DB_TEXT(hash)};
    rc = mu_db_exec(s->db,
                    "INSERT INTO audit (seq, at, actor, action, object, summary, prev_hash, hash) "
                    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                    p, 8, err);
    if (rc)
        goto out;
    struct mu_db_val h[] = {MU_DB_TEXT(hash)};
    rc = mu_db_exec(s->db, "UPDATE audit_head SET hash = $1 WHERE id = 1", h, 1, err);
out:
    mu_db_finish(r);
    return rc;
}

enum mu_err mu_store_audit_append(struct mu_store *s, const struct mu_actor *actor,
                                  const char *action, const char *object, const char *summary,
                                  struct mu_error *err)
{
    enum mu_err rc = mu_store_tx_enter(s, err);
    if (rc)
        return rc;
    rc = mu_store_audit_append_tx(s, actor, action, object, summary, err);
    return mu_store_tx_leave(s, rc, err);
}

static enum mu_err bad(struct mu_audit_verify *out, enum mu_audit_fault f, int64_t seq,
                       struct mu_error *err)
{
    if (out)
        out->bad_seq = seq;
    return mu_error_set(err, MU_ECONFLICT, "audit entry %" PRId64 ": %s", seq,
                        mu_audit_fault_text(f));
}

/* Walk the entries after *last in batches, feeding the chain. */
static enum mu_err verify_entries(struct mu_store *s, struct mu_audit_chain *c,
                                  struct mu_audit_verify *out, struct mu_error *err)
{
    enum mu_err rc = MU_OK;
    int64_t after = 0;
    for (;;) {
        struct mu_db_rows *r = NULL;
        struct mu_db_val p[] = {MU_DB_INT(after), MU_DB_INT(VERIFY_BATCH)};
        int has = 0, n = 0;
        rc = mu_db_query(s->db,
                         "SELECT seq, at, actor, action, object, summary, prev_hash, hash "
                         "FROM audit WHERE seq > $1 ORDER BY seq LIMIT $2",
                         p, 2, &r, err);
        while (rc == MU_OK && (rc = mu_db_next(r, &has, err)) == MU_OK && has) {
            struct mu_audit_input in = {
                .seq = mu_db_int(r, 0),
                .at = mu_db_int(r, 1),
                .actor = mu_db_text(r, 2),
                .action = mu_db_text(r, 3),
                .object = mu_db_text(r, 4),
                .summary = mu_db_text(r, 5),
                .prev_hash = mu_db_text(r, 6),
            };
            int64_t bad_seq = 0;
            enum mu_audit_fault f = mu_audit_chain_next(c, &in, mu_db_text(r, 7), &bad_seq);
            if (f != MU_AUDIT_OK) {
                rc = bad(out, f, bad_seq, err);
                break;
            }
            if (out)
                out->entries++;
            after = in.seq;
            n++;
        }
        mu_db_finish(r);
        if (rc || n < VERIFY_BATCH)
            return rc;
    }
}

enum mu_err mu_store_audit_verify(struct mu_store *s, struct mu_audit_verify *out,
                                  struct mu_error *err)
{
    struct mu_audit_chain c;
    struct mu_db_rows *r = NULL;
    int64_t head_seq = 0, bad_seq = 0;
    char head_hash[MU_AUDIT_HEX_LEN + 1] = "";
    int has = 0;
    enum mu_err rc;

    if (out) {
        out->entries = 0;
        out->bad_seq = 0;
    }
    mu_audit_chain_init(&c);
    rc = mu_store_tx_enter_read(s, err);
    if (rc)
        return rc;
    rc = mu_db_query_row(s->db, "SELECT seq, hash FROM audit_head WHERE id = 1", NULL, 0, &r, &has,
                         err);
    if (rc)
        goto out;
    if (!has) {
        rc = mu_error_set(err, MU_ECONFLICT, "audit head is missing (removed)");
        goto out;
    }
    head_seq = mu_db_int(r, 0);
    const char *t = mu_db_text(r, 1);
    if (t && strlen(t) == MU_AUDIT_HEX_LEN)
        memcpy(head_hash, t, sizeof(head_hash));
    mu_db_finish(r);
    r = NULL;

    rc = verify_entries(s, &c, out, err);
    if (rc)
        goto out;
    enum mu_audit_fault f = mu_audit_chain_end(&c, head_seq, head_hash, &bad_seq);
    if (f != MU_AUDIT_OK)
        rc = bad(out, f, bad_seq, err);
out:
    mu_db_finish(r);
    /* Read-only: end it the same way whatever happened. */
    mu_store_tx_leave(s, MU_ECONFLICT, NULL);
    return rc;
}

/* Copy the current row of the tail query into @p item (a struct mu_audit_entry). */
static enum mu_err read_entry(struct mu_db_rows *r, void *item, struct mu_error *err)
{
    struct mu_audit_entry *e = item;
    e->seq = mu_db_int(r, 0);
    e->at = mu_db_int(r, 1);
    e->actor = mu_db_dup(r, 2);
    e->action = mu_db_dup(r, 3);
    e->object = mu_db_dup(r, 4);
    e->summary = mu_db_dup(r, 5);
    const char *ph = mu_db_text(r, 6), *h = mu_db_text(r, 7);
    snprintf(e->prev_hash, sizeof(e->prev_hash), "%s", ph ? ph : "");
    snprintf(e->hash, sizeof(e->hash), "%s", h ? h : "");
    if (!e->actor || !e->action || !e->object || !e->summary)
        return mu_error_set(err, MU_ENOMEM, "out of memory reading the audit log");
    return MU_OK;
}

enum mu_err mu_store_audit_tail(struct mu_store *s, size_t n, struct mu_audit_entry **out,
                                size_t *count, struct mu_error *err)
{
    void *v = NULL;
    size_t len = 0;
    enum mu_err rc = MU_OK;

    *out = NULL;
    *count = 0;
    if (n == 0)
        return MU_OK;
    if (n > (size_t)INT64_MAX)
        n = INT64_MAX;
    struct mu_db_val p[] = {MU_DB_INT((int64_t)n)};
    rc = mu_db_query_all(s->db,
                         "SELECT seq, at, actor, action, object, summary, prev_hash, hash FROM "
                         "(SELECT * FROM audit ORDER BY seq DESC LIMIT $1) AS t ORDER BY seq",
                         p, 1, sizeof(struct mu_audit_entry), read_entry, "reading the audit log",
                         &v, &len, err);
    if (rc) {
        mu_audit_entries_free(v, len);
        return rc;
    }
    *out = v;
    *count = len;
    return MU_OK;
}

enum mu_err mu_store_audit_head(struct mu_store *s, int64_t *seq, struct mu_error *err)
{
    int found = 0;
    enum mu_err rc =
        mu_db_query_int(s->db, "SELECT seq FROM audit_head WHERE id = 1", NULL, 0, seq, &found, err);
    if (rc == MU_OK && !found)
        rc = mu_error_set(err, MU_ESTORE, "audit head is missing; the audit log was tampered with");
    return rc;
}

/* The one definition of the accounts scope, here and in SQL below. */
int mu_store_action_is_account(const char *action)
{
    return action && (strncmp(action, "user.", 5) == 0 || strncmp(action, "token.", 6) == 0);
}

enum mu_err mu_store_audit_scope_moved(struct mu_store *s, enum mu_change_scope scope,
                                       int64_t since, int64_t head, int *moved,
                                       struct mu_error *err)
{
    *moved = head > since;
    if (!*moved || scope == MU_CHANGES_ANY || head - since > 10000)
        return MU_OK;
    size_t n = 0;
    struct mu_db_val p[] = {MU_DB_INT(since), MU_DB_INT(head)};
    enum mu_err rc = mu_db_count(s->db,
                                 "SELECT 1 FROM audit WHERE seq > $1 AND seq <= $2 AND "
                                 "(action LIKE 'user.%' OR action LIKE 'token.%') LIMIT 1",
                                 p, 2, &n, err);
    if (rc == MU_OK)
        *moved = n > 0;
    return rc;
}
