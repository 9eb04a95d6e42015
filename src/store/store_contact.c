/* SPDX-License-Identifier: MIT */
/*
 * The contacts register in the database: the external numbers an office
 * keeps beside its staff (the hospital, the office duty phone, the higher
 * authority's duty office). Staff numbers come from the plans and the
 * national emergency numbers are constants (src/app/contact.c); only these
 * are stored. Adding and removing are audited in the same transaction.
 */
#include "store/store_int.h"

#include <muster/mem.h>
#include <muster/register.h>
#include <stdio.h>
#include <string.h>

#include "util/banned.h"

enum mu_err mu_store_contact_add(struct mu_store *s, const struct mu_actor *actor,
                                 const char *name, const char *phone, const char *category,
                                 const char *note, int64_t *id, struct mu_error *err)
{
    enum mu_err rc;
    int64_t new_id = 0;
    int found = 0;
    if ((rc = mu_store_check_actor(actor, err)) ||
        (rc = mu_store_check_str("name", name, MU_REG_MAX_LINE, 0, err)) ||
        (rc = mu_store_check_str("phone", phone, MU_REG_MAX_LINE, 0, err)) ||
        (rc = mu_store_check_str("category", category, MU_REG_MAX_ID, 0, err)) ||
        (rc = mu_store_check_str("note", note ? note : "", MU_REG_MAX_TEXT, 1, err)))
        return rc;
    if ((rc = mu_store_tx_enter(s, err)))
        return rc;
    struct mu_db_val p[] = {MU_DB_TEXT(name),         MU_DB_TEXT(phone),
                            MU_DB_TEXT(category),     MU_DB_TEXT(note ? note : ""),
                            MU_DB_INT(actor->now_ms), MU_DB_TEXT(actor->name)};
    rc = mu_db_query_int(s->db,
                         "INSERT INTO contacts (name, phone, category, note, created_at, "
                         "created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                         p, 6, &new_id, &found, err);
    if (rc == MU_OK && !found)
        rc = mu_error_set(err, MU_ESTORE, "contact insert returned no id");
    if (rc == MU_OK) {
        char object[48], summary[MU_STORE_MAX_SUMMARY];
        snprintf(object, sizeof(object), "contact:%lld", (long long)new_id);
        snprintf(summary, sizeof(summary), "%.400s %.100s (%s)", name, phone, category);
        rc = mu_store_audit_append_tx(s, actor, "contact.add", object, summary, err);
    }
    if (rc == MU_OK && id)
        *id = new_id;
    return mu_store_tx_leave(s, rc, err);
}

enum mu_err mu_store_contact_remove(struct mu_store *s, const struct mu_actor *actor, int64_t id,
                                    struct mu_error *err)
{
    enum mu_err rc;
    struct mu_db_rows *r = NULL;
    int has = 0;
    char summary[MU_STORE_MAX_SUMMARY] = "";
    if ((rc = mu_store_check_actor(actor, err)))
        return rc;
    if ((rc = mu_store_tx_enter(s, err)))
        return rc;
    struct mu_db_val p[] = {MU_DB_INT(id)};
    rc = mu_db_query(s->db, "SELECT name, phone FROM contacts WHERE id = $1", p, 1, &r, err);
    if (rc == MU_OK)
        rc = mu_db_next(r, &has, err);
    if (rc == MU_OK && !has)
        rc = mu_error_field(err, MU_ENOTFOUND, "id", "no contact %lld", (long long)id);
    if (rc == MU_OK)
        snprintf(summary, sizeof(summary), "%.400s %.100s", mu_db_text(r, 0) ? mu_db_text(r, 0)
                 : "", mu_db_text(r, 1) ? mu_db_text(r, 1) : "");
    mu_db_finish(r);
    if (rc == MU_OK)
        rc = mu_db_exec(s->db, "DELETE FROM contacts WHERE id = $1", p, 1, err);
    if (rc == MU_OK) {
        char object[48];
        snprintf(object, sizeof(object), "contact:%lld", (long long)id);
        rc = mu_store_audit_append_tx(s, actor, "contact.remove", object, summary, err);
    }
    return mu_store_tx_leave(s, rc, err);
}

void mu_contacts_free(struct mu_contact *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) {
        mu_free(v[i].name);
        mu_free(v[i].phone);
        mu_free(v[i].category);
        mu_free(v[i].note);
    }
    mu_free(v);
}

enum mu_err mu_store_contact_list(struct mu_store *s, struct mu_contact **out, size_t *n,
                                  struct mu_error *err)
{
    struct mu_db_rows *r = NULL;
    struct mu_contact *v = NULL;
    size_t count = 0, cap = 0;
    int has = 0;
    *out = NULL;
    *n = 0;
    enum mu_err rc = mu_db_query(s->db,
                                 "SELECT id, name, phone, category, note, created_at FROM "
                                 "contacts ORDER BY CASE category WHEN 'emergency' THEN 0 WHEN "
                                 "'hospital' THEN 1 WHEN 'duty' THEN 2 WHEN 'authority' THEN 3 "
                                 "ELSE 4 END, id",
                                 NULL, 0, &r, err);
    while (rc == MU_OK && (rc = mu_db_next(r, &has, err)) == MU_OK && has) {
        if (count == cap) {
            size_t nc = cap ? cap * 2 : 16;
            struct mu_contact *nv = mu_realloc(v, nc * sizeof(*v));
            if (!nv) {
                rc = mu_error_set(err, MU_ENOMEM, "out of memory reading contacts");
                break;
            }
            v = nv;
            cap = nc;
        }
        struct mu_contact *c = &v[count++];
        c->id = mu_db_int(r, 0);
        c->name = mu_db_dup(r, 1);
        c->phone = mu_db_dup(r, 2);
        c->category = mu_db_dup(r, 3);
        c->note = mu_db_dup(r, 4);
        c->created_at = mu_db_int(r, 5);
        if (!c->name || !c->phone || !c->category || !c->note)
            rc = mu_error_set(err, MU_ENOMEM, "out of memory reading contacts");
    }
    mu_db_finish(r);
    if (rc) {
        mu_contacts_free(v, count);
        return rc;
    }
    *out = v;
    *n = count;
    return MU_OK;
}
