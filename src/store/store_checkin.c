/* SPDX-License-Identifier: MIT */
/*
 * Check-ins in the database: submissions (every one kept, never updated;
 * the board chooses which counts), the record that a slot's reminders were
 * made, and the summaries kept as made. Each change appends its audit entry
 * in the same transaction. mu_store_checkin_submit_many() stores a batch in
 * one transaction, so that concurrent API submissions can share a commit.
 */
#include "store/store_int.h"

#include <muster/checkin.h>
#include <muster/date.h>
#include <muster/mem.h>
#include <stdio.h>
#include <string.h>

#include "util/banned.h"

#define MAX_FIELDS_JSON (64 * 1024)

static enum mu_err check_str(const char *what, const char *v, size_t max, int may_be_empty,
                             struct mu_error *err)
{
    if (!v || (!may_be_empty && !*v))
        return mu_error_field(err, MU_EINVAL, what, "check-in %s is empty", what);
    if (strlen(v) > max)
        return mu_error_field(err, MU_EINVAL, what, "check-in %s is longer than %zu bytes", what,
                              max);
    return MU_OK;
}

static enum mu_err check_schedule(const char *plan_id, const char *checkin_id,
                                  struct mu_error *err)
{
    enum mu_err rc = check_str("plan", plan_id, MU_STORE_MAX_NAME, 0, err);
    if (!rc)
        rc = check_str("schedule", checkin_id, MU_STORE_MAX_NAME, 0, err);
    return rc;
}

static enum mu_err check_record(const struct mu_checkin_record *r, struct mu_error *err)
{
    enum mu_err rc = check_schedule(r->plan_id, r->checkin_id, err);
    if (!rc)
        rc = check_str("unit", r->unit, MU_STORE_MAX_NAME, 0, err);
    if (!rc)
        rc = check_str("by", r->submitted_by, MU_STORE_MAX_NAME, 0, err);
    if (!rc && r->fields_json)
        rc = check_str("fields", r->fields_json, MAX_FIELDS_JSON, 1, err);
    if (!rc && ((r->late != 0 && r->late != 1) || (r->nil != 0 && r->nil != 1)))
        rc = mu_error_set(err, MU_EINVAL, "check-in late and nil must be 0 or 1");
    if (!rc && r->plan_version < 1)
        rc = mu_error_field(err, MU_EINVAL, "plan_version", "check-in plan version %d is not valid",
                            r->plan_version);
    return rc;
}

/* Insert one record and its audit entry; inside the caller's transaction. */
static enum mu_err insert_one(struct mu_store *s, const struct mu_actor *actor,
                              const struct mu_checkin_record *r, int64_t *id,
                              struct mu_error *err)
{
    int64_t new_id = 0;
    int found = 0;
    struct mu_db_val p[] = {
        MU_DB_TEXT(r->plan_id),      MU_DB_TEXT(r->checkin_id),
        MU_DB_INT(r->plan_version),  MU_DB_TEXT(r->unit),
        MU_DB_INT(r->slot_at),       MU_DB_INT(r->submitted_at),
        MU_DB_INT(r->late),          MU_DB_INT(r->nil),
        MU_DB_TEXT(r->fields_json ? r->fields_json : "{}"),
        MU_DB_TEXT(r->submitted_by), MU_DB_INT(actor->now_ms),
        MU_DB_TEXT(actor->name),
    };
    enum mu_err rc = mu_db_query_int(
        s->db,
        "INSERT INTO checkin_submissions (plan_id, checkin_id, plan_version, unit, slot_at, "
        "submitted_at, late, nil, fields_json, submitted_by, recorded_at, recorded_by) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
        p, 12, &new_id, &found, err);
    if (rc)
        return rc;
    if (!found)
        return mu_error_set(err, MU_ESTORE, "check-in insert returned no id");

    char object[3 * MU_STORE_MAX_NAME + 16], summary[MU_STORE_MAX_SUMMARY], slot[26];
    mu_local_format(r->slot_at, slot);
    slot[16] = '\0'; /* "YYYY-MM-DDTHH:MM" */
    snprintf(object, sizeof(object), "checkin:%s/%s/%s", r->plan_id, r->checkin_id, r->unit);
    if (r->nil)
        snprintf(summary, sizeof(summary), "slot %s, %s, nil report, by %s", slot,
                 r->late ? "late" : "on time", r->submitted_by);
    else
        snprintf(summary, sizeof(summary), "slot %s, %s, report, by %s", slot,
                 r->late ? "late" : "on time", r->submitted_by);
    rc = mu_store_audit_append_tx(s, actor, "checkin.submit", object, summary, err);
    if (rc == MU_OK && id)
        *id = new_id;
    return rc;
}

enum mu_err mu_store_checkin_submit(struct mu_store *s, const struct mu_actor *actor,
                                    const struct mu_checkin_record *rec, int64_t *id,
                                    struct mu_error *err)
{
    return mu_store_checkin_submit_many(s, actor, rec, 1, id, err);
}

enum mu_err mu_store_checkin_submit_many(struct mu_store *s, const struct mu_actor *actor,
                                         const struct mu_checkin_record *recs, size_t n,
                                         int64_t *ids, struct mu_error *err)
{
    enum mu_err rc = mu_store_check_actor(actor, err);
    if (rc)
        return rc;
    for (size_t i = 0; i < n; i++)
        if ((rc = check_record(&recs[i], err)))
            return rc;
    if (n == 0)
        return MU_OK;
    rc = mu_store_tx_enter(s, err);
    if (rc)
        return rc;
    for (size_t i = 0; i < n && rc == MU_OK; i++)
        rc = insert_one(s, actor, &recs[i], ids ? &ids[i] : NULL, err);
    return mu_store_tx_leave(s, rc, err);
}

enum mu_err mu_store_checkin_scan(struct mu_store *s, const char *plan_id, const char *checkin_id,
                                  int64_t slot_from, int64_t slot_to, int64_t until,
                                  unsigned flags, mu_checkin_row_fn *fn, void *ctx,
                                  struct mu_error *err)
{
    struct mu_db_rows *r = NULL;
    int has = 0;
    int fields = (flags & MU_CHECKIN_SCAN_FIELDS) != 0;
    enum mu_err rc = check_schedule(plan_id, checkin_id, err);
    if (rc)
        return rc;
    rc = mu_store_tx_enter_read(s, err);
    if (rc)
        return rc;
    struct mu_db_val p[] = {MU_DB_TEXT(plan_id), MU_DB_TEXT(checkin_id), MU_DB_INT(slot_from),
                            MU_DB_INT(slot_to), MU_DB_INT(until)};
    rc = mu_db_query(s->db,
                     fields ? "SELECT id, unit, slot_at, submitted_at, late, nil, plan_version, "
                              "fields_json, submitted_by FROM checkin_submissions "
                              "WHERE plan_id = $1 AND checkin_id = $2 AND slot_at >= $3 "
                              "AND slot_at < $4 AND submitted_at <= $5"
                            : "SELECT id, unit, slot_at, submitted_at, late, nil, plan_version "
                              "FROM checkin_submissions "
                              "WHERE plan_id = $1 AND checkin_id = $2 AND slot_at >= $3 "
                              "AND slot_at < $4 AND submitted_at <= $5",
                     p, 5, &r, err);
    while (rc == MU_OK && (rc = mu_db_next(r, &has, err)) == MU_OK && has) {
        struct mu_checkin_row row = {
            .id = mu_db_int(r, 0),
            .unit = mu_db_text(r, 1),
            .slot_at = mu_db_int(r, 2),
            .submitted_at = mu_db_int(r, 3),
            .late = mu_db_int(r, 4) != 0,
            .nil = mu_db_int(r, 5) != 0,
            .plan_version = (int)mu_db_int(r, 6),
            .fields_json = fields ? mu_db_text(r, 7) : NULL,
            .submitted_by = fields ? mu_db_text(r, 8) : NULL,
        };
        if (!row.unit)
            row.unit = "";
        rc = fn(ctx, &row, err);
    }
    mu_db_finish(r);
    return mu_store_tx_leave(s, rc, err);
}

enum mu_err mu_store_checkin_count(struct mu_store *s, const char *plan_id,
                                   const char *checkin_id, int64_t *count, struct mu_error *err)
{
    int found = 0;
    enum mu_err rc = check_schedule(plan_id, checkin_id, err);
    if (rc)
        return rc;
    struct mu_db_val p[] = {MU_DB_TEXT(plan_id), MU_DB_TEXT(checkin_id)};
    *count = 0;
    return mu_db_query_int(s->db,
                           "SELECT COUNT(*) FROM checkin_submissions "
                           "WHERE plan_id = $1 AND checkin_id = $2",
                           p, 2, count, &found, err);
}

enum mu_err mu_store_checkin_reminders_done(struct mu_store *s, const char *plan_id,
                                            const char *checkin_id, int64_t slot_at, int *found,
                                            struct mu_error *err)
{
    int64_t v = 0;
    enum mu_err rc = check_schedule(plan_id, checkin_id, err);
    if (rc)
        return rc;
    struct mu_db_val p[] = {MU_DB_TEXT(plan_id), MU_DB_TEXT(checkin_id), MU_DB_INT(slot_at)};
    return mu_db_query_int(s->db,
                           "SELECT 1 FROM checkin_reminders "
                           "WHERE plan_id = $1 AND checkin_id = $2 AND slot_at = $3",
                           p, 3, &v, found, err);
}

enum mu_err mu_store_checkin_reminders_put(struct mu_store *s, const struct mu_actor *actor,
                                           const char *plan_id, const char *checkin_id,
                                           int64_t slot_at, size_t nnotices, int *done,
                                           struct mu_error *err)
{
    int found = 0;
    enum mu_err rc = mu_store_check_actor(actor, err);
    if (!rc)
        rc = check_schedule(plan_id, checkin_id, err);
    if (rc)
        return rc;
    if (done)
        *done = 0;
    rc = mu_store_tx_enter(s, err);
    if (rc)
        return rc;
    rc = mu_store_checkin_reminders_done(s, plan_id, checkin_id, slot_at, &found, err);
    if (rc || found)
        goto out;
    struct mu_db_val p[] = {MU_DB_TEXT(plan_id), MU_DB_TEXT(checkin_id), MU_DB_INT(slot_at),
                            MU_DB_INT(nnotices), MU_DB_INT(actor->now_ms)};
    rc = mu_db_exec(s->db,
                    "INSERT INTO checkin_reminders (plan_id, checkin_id, slot_at, notices, "
                    "made_at) VALUES ($1, $2, $3, $4, $5)",
                    p, 5, err);
    if (rc)
        goto out;
    char object[2 * MU_STORE_MAX_NAME + 16], summary[128], slot[26];
    mu_local_format(slot_at, slot);
    slot[16] = '\0';
    snprintf(object, sizeof(object), "checkin:%s/%s", plan_id, checkin_id);
    snprintf(summary, sizeof(summary), "slot %s: %zu reminder%s", slot, nnotices,
             nnotices == 1 ? "" : "s");
    rc = mu_store_audit_append_tx(s, actor, "checkin.reminders", object, summary, err);
    if (rc == MU_OK && done)
        *done = 1;
out:
    return mu_store_tx_leave(s, rc, err);
}

enum mu_err mu_store_checkin_summary_get(struct mu_store *s, const char *plan_id,
                                         const char *checkin_id, int32_t day, int *found,
                                         char **json, struct mu_error *err)
{
    struct mu_db_rows *r = NULL;
    char ds[11];
    enum mu_err rc = check_schedule(plan_id, checkin_id, err);
    if (rc)
        return rc;
    *found = 0;
    if (json)
        *json = NULL;
    mu_date_format(day, ds);
    struct mu_db_val p[] = {MU_DB_TEXT(plan_id), MU_DB_TEXT(checkin_id), MU_DB_TEXT(ds)};
    rc = mu_db_query_row(s->db,
                         "SELECT summary_json FROM checkin_summaries "
                         "WHERE plan_id = $1 AND checkin_id = $2 AND day = $3",
                         p, 3, &r, found, err);
    if (rc == MU_OK && *found && json) {
        *json = mu_db_dup(r, 0);
        if (!*json)
            rc = mu_error_set(err, MU_ENOMEM, "out of memory reading a check-in summary");
    }
    mu_db_finish(r);
    return rc;
}

enum mu_err mu_store_checkin_summary_put(struct mu_store *s, const struct mu_actor *actor,
                                         const char *plan_id, const char *checkin_id,
                                         int32_t day, int64_t made_for, const char *json,
                                         int *done, struct mu_error *err)
{
    int found = 0;
    char ds[11];
    enum mu_err rc = mu_store_check_actor(actor, err);
    if (!rc)
        rc = check_schedule(plan_id, checkin_id, err);
    if (!rc)
        rc = check_str("summary", json, 16 * 1024 * 1024, 0, err);
    if (rc)
        return rc;
    if (done)
        *done = 0;
    mu_date_format(day, ds);
    rc = mu_store_tx_enter(s, err);
    if (rc)
        return rc;
    rc = mu_store_checkin_summary_get(s, plan_id, checkin_id, day, &found, NULL, err);
    if (rc || found)
        goto out;
    struct mu_db_val p[] = {MU_DB_TEXT(plan_id), MU_DB_TEXT(checkin_id), MU_DB_TEXT(ds),
                            MU_DB_INT(made_for),  MU_DB_INT(actor->now_ms), MU_DB_TEXT(json)};
    rc = mu_db_exec(s->db,
                    "INSERT INTO checkin_summaries (plan_id, checkin_id, day, made_for, made_at, "
                    "summary_json) VALUES ($1, $2, $3, $4, $5, $6)",
                    p, 6, err);
    if (rc)
        goto out;
    char object[2 * MU_STORE_MAX_NAME + 16], summary[64];
    snprintf(object, sizeof(object), "checkin:%s/%s", plan_id, checkin_id);
    snprintf(summary, sizeof(summary), "summary of %s", ds);
    rc = mu_store_audit_append_tx(s, actor, "checkin.summary", object, summary, err);
    if (rc == MU_OK && done)
        *done = 1;
out:
    return mu_store_tx_leave(s, rc, err);
}
