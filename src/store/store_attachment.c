/* SPDX-License-Identifier: MIT */
/*
 * The one attachment store of cases and hazards (include/muster/attachment.h,
 * table `attachments` of 0009_attachments.sql). Rows are named by a ref
 * ("case:12", "hazard:7"); the content arrives as text already encoded by
 * the app (base64, or sealed with the case key), because the db layer binds
 * text and integers only and the store must never see a complainant's file
 * in the clear. Adding appends "attachment.add" on the ref in the same
 * transaction, with the id, name, type and size, never the content.
 */
#include "store/store_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <muster/attachment.h>
#include <muster/mem.h>

#include "util/banned.h"

void mu_attachment_release(struct mu_attachment *a)
{
    if (!a)
        return;
    mu_free(a->ref);
    mu_free(a->name);
    mu_free(a->type);
    mu_free(a->created_by);
    memset(a, 0, sizeof(*a));
}

void mu_attachments_free(struct mu_attachment *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        mu_attachment_release(&v[i]);
    mu_free(v);
}

static enum mu_err check_text(const char *what, const char *v, size_t max, struct mu_error *err)
{
    if (!v || !*v)
        return mu_error_field(err, MU_EINVAL, what, "attachment %s is empty", what);
    if (strlen(v) > max)
        return mu_error_field(err, MU_EINVAL, what, "attachment %s is longer than %zu bytes", what,
                              max);
    return MU_OK;
}

static int is_hex64(const char *h)
{
    if (!h || strlen(h) != 64)
        return 0;
    for (const char *p = h; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
            return 0;
    return 1;
}

#define COLS "id, ref, name, type, size, sha256, created_at, created_by"

static enum mu_err read_meta(struct mu_db_rows *r, void *item, struct mu_error *err)
{
    struct mu_attachment *a = item;
    const char *h = mu_db_text(r, 5);
    a->id = mu_db_int(r, 0);
    a->ref = mu_db_dup(r, 1);
    a->name = mu_db_dup(r, 2);
    a->type = mu_db_dup(r, 3);
    a->size = mu_db_int(r, 4);
    snprintf(a->sha256, sizeof(a->sha256), "%s", h ? h : "");
    a->created_at = mu_db_int(r, 6);
    a->created_by = mu_db_dup(r, 7);
    if (!a->ref || !a->name || !a->type || !a->created_by)
        return mu_error_set(err, MU_ENOMEM, "out of memory reading attachments");
    return MU_OK;
}

enum mu_err mu_store_attachment_add(struct mu_store *s, const struct mu_actor *actor,
                                    const char *ref, const char *name, const char *type,
                                    int64_t size, const char *sha256_hex, const char *data,
                                    int64_t *id, struct mu_error *err)
{
    enum mu_err rc = mu_store_check_actor(actor, err);
    int64_t new_id = 0;
    int found = 0;
    if (rc || (rc = check_text("ref", ref, MU_ATTACHMENT_MAX_REF, err)) ||
        (rc = check_text("name", name, MU_ATTACHMENT_MAX_NAME, err)) ||
        (rc = check_text("type", type, 100, err)) ||
        (rc = check_text("data", data, (size_t)-1, err)))
        return rc;
    if (!is_hex64(sha256_hex))
        return mu_error_field(err, MU_EINVAL, "sha256",
                              "attachment checksum is not 64 lowercase hex digits");
    if (size < 1 || size > (int64_t)MU_ATTACHMENT_MAX)
        return mu_error_field(err, MU_ELIMIT, "size",
                              "attachment of %" PRId64 " bytes is outside 1..%u bytes", size,
                              MU_ATTACHMENT_MAX);
    if ((rc = mu_store_tx_enter(s, err)))
        return rc;
    struct mu_db_val p[] = {MU_DB_TEXT(ref),        MU_DB_TEXT(name),
                            MU_DB_TEXT(type),       MU_DB_INT(size),
                            MU_DB_TEXT(sha256_hex), MU_DB_TEXT(data),
                            MU_DB_INT(actor->now_ms), MU_DB_TEXT(actor->name)};
    rc = mu_db_query_int(s->db,
                         "INSERT INTO attachments (ref, name, type, size, sha256, data, "
                         "created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
                         "RETURNING id",
                         p, 8, &new_id, &found, err);
    if (rc == MU_OK && !found)
        rc = mu_error_set(err, MU_ESTORE, "storing attachment of '%s' returned no id", ref);
    if (rc == MU_OK) {
        char summary[MU_STORE_MAX_SUMMARY];
        snprintf(summary, sizeof(summary),
                 "attachment %" PRId64 " '%s', %s, %" PRId64 " bytes, sha256 %s", new_id, name,
                 type, size, sha256_hex);
        rc = mu_store_audit_append_tx(s, actor, "attachment.add", ref, summary, err);
    }
    if (rc == MU_OK && id)
        *id = new_id;
    return mu_store_tx_leave(s, rc, err);
}

enum mu_err mu_store_attachment_list(struct mu_store *s, const char *ref,
                                     struct mu_attachment **out, size_t *n, struct mu_error *err)
{
    void *v = NULL;
    size_t k = 0;
    *out = NULL;
    *n = 0;
    struct mu_db_val p[] = {MU_DB_TEXT(ref ? ref : "")};
    enum mu_err rc = mu_store_tx_enter_read(s, err);
    if (rc)
        return rc;
    rc = mu_db_query_all(s->db, "SELECT " COLS " FROM attachments WHERE ref = $1 ORDER BY id", p,
                         1, sizeof(struct mu_attachment), read_meta, "listing attachments", &v,
                         &k, err);
    rc = mu_store_tx_leave(s, rc, err);
    if (rc) {
        mu_attachments_free(v, k);
        return rc;
    }
    *out = v;
    *n = k;
    return MU_OK;
}

enum mu_err mu_store_attachment_get(struct mu_store *s, const char *ref, int64_t id,
                                    struct mu_attachment *meta, char **data, struct mu_error *err)
{
    struct mu_db_rows *r = NULL;
    int found = 0;
    memset(meta, 0, sizeof(*meta));
    if (data)
        *data = NULL;
    struct mu_db_val p[] = {MU_DB_INT(id), MU_DB_TEXT(ref ? ref : "")};
    enum mu_err rc = mu_db_query_row(
        s->db,
        ref ? "SELECT " COLS ", data FROM attachments WHERE id = $1 AND ref = $2"
            : "SELECT " COLS ", data FROM attachments WHERE id = $1",
        p, ref ? 2 : 1, &r, &found, err);
    if (rc == MU_OK && !found)
        rc = ref ? mu_error_set(err, MU_ENOTFOUND, "no attachment %" PRId64 " of '%s'", id, ref)
                 : mu_error_set(err, MU_ENOTFOUND, "no attachment %" PRId64, id);
    if (rc == MU_OK)
        rc = read_meta(r, meta, err);
    if (rc == MU_OK && data && !(*data = mu_db_dup(r, 8)))
        rc = mu_error_set(err, MU_ENOMEM, "out of memory reading attachment %" PRId64, id);
    mu_db_finish(r);
    if (rc) {
        mu_attachment_release(meta);
        if (data) {
            mu_free(*data);
            *data = NULL;
        }
    }
    return rc;
}

static enum mu_err read_id(struct mu_db_rows *r, void *item, struct mu_error *err)
{
    (void)err;
    *(int64_t *)item = mu_db_int(r, 0);
    return MU_OK;
}

enum mu_err mu_store_attachment_ids(struct mu_store *s, const char *prefix, int64_t **ids,
                                    size_t *n, struct mu_error *err)
{
    void *v = NULL;
    size_t k = 0;
    *ids = NULL;
    *n = 0;
    /* substr rather than LIKE: the prefix is data, and '_' or '%' in it must not match. */
    const char *pre = prefix ? prefix : "";
    struct mu_db_val p[] = {MU_DB_TEXT(pre)};
    enum mu_err rc = mu_db_query_all(
        s->db,
        "SELECT id FROM attachments "
        "WHERE substr(ref, 1, length(CAST($1 AS TEXT))) = CAST($1 AS TEXT) ORDER BY id",
        p, 1,
        sizeof(int64_t), read_id, "listing attachments", &v, &k, err);
    if (rc) {
        mu_free(v);
        return rc;
    }
    *ids = v;
    *n = k;
    return MU_OK;
}

enum mu_err mu_store_attachment_set_data(struct mu_store *s, int64_t id, const char *data,
                                         struct mu_error *err)
{
    size_t count = 0;
    enum mu_err rc = check_text("data", data, (size_t)-1, err);
    if (rc)
        return rc;
    struct mu_db_val p[] = {MU_DB_INT(id), MU_DB_TEXT(data)};
    rc = mu_db_count(s->db, "UPDATE attachments SET data = $2 WHERE id = $1 RETURNING id", p, 2,
                     &count, err);
    if (rc == MU_OK && count == 0)
        rc = mu_error_set(err, MU_ENOTFOUND, "no attachment %" PRId64, id);
    return rc;
}
