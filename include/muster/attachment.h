/* SPDX-License-Identifier: MIT */
/*
 * Attachments of cases and photos of hazard findings: one store for both
 * (table `attachments`, rows named by a ref such as "case:12" or
 * "hazard:7"). Types are decided by magic bytes with mu_attachment_sniff()
 * (muster/incident.h), up to MU_ATTACHMENT_MAX bytes. A case's files may
 * carry the complainant's personal data: their content is sealed with the
 * case key (mu_case_seal) before it reaches the store, only officers and
 * admins see them, and every read is audited with who and why. Hazard
 * photos (JPEG or PNG only) are stored as base64 and are readable by anyone
 * who may read the register. Incidents keep their own attachments
 * (muster/incident.h). See docs/internals/attachments.md. Same threading
 * rules as muster/store.h.
 */
#ifndef MUSTER_ATTACHMENT_H
#define MUSTER_ATTACHMENT_H

#include <stddef.h>
#include <stdint.h>

#include "case.h"
#include "err.h"
#include "incident.h"
#include "store.h"

#define MU_ATTACHMENT_MAX MU_INCIDENT_MAX_ATTACHMENT /* 10 MiB per file */
#define MU_ATTACHMENT_MAX_NAME 255                   /* bytes of a file name */
#define MU_ATTACHMENT_MAX_REF 64                     /* "case:12", "hazard:7" */

/** An attachment as stored, without its content; strings owned. */
struct mu_attachment {
    int64_t id;
    char *ref;        /* "case:ID" or "hazard:ID" */
    char *name;       /* the file name as given */
    char *type;       /* MIME type, from mu_attachment_mime() */
    int64_t size;     /* bytes of the original file */
    char sha256[65];  /* hex, of the original bytes */
    int64_t created_at;
    char *created_by;
};

/** Free the strings of @p a (NULL-safe); the struct itself is the caller's. */
MU_API void mu_attachment_release(struct mu_attachment *a);
/** Free an array from mu_store_attachment_list() (NULL-safe). */
MU_API void mu_attachments_free(struct mu_attachment *v, size_t n);

/* ---------------------------------------------------------------------- */
/* Store (src/store/store_attachment.c)                                   */

/**
 * Store an attachment of @p ref: its metadata and @p data (borrowed text:
 * base64, or a value sealed by the caller), audit "attachment.add" on
 * object @p ref with the id, name, type and size (never the content), in
 * one transaction. *id (may be NULL) gets the new id. MU_EINVAL naming an
 * empty or too long ref, name or type, or a bad checksum; MU_ELIMIT when
 * @p size is over MU_ATTACHMENT_MAX. The store does not check that the
 * owner exists: the app does.
 */
MU_API enum mu_err mu_store_attachment_add(struct mu_store *s, const struct mu_actor *actor,
                                           const char *ref, const char *name, const char *type,
                                           int64_t size, const char *sha256_hex,
                                           const char *data, int64_t *id, struct mu_error *err);

/** The attachments of @p ref, oldest first, without content. *out owned (may be NULL). */
MU_API enum mu_err mu_store_attachment_list(struct mu_store *s, const char *ref,
                                            struct mu_attachment **out, size_t *n,
                                            struct mu_error *err);

/**
 * Attachment @p id of @p ref: @p meta (zeroed by the callee; release it) and
 * *data (OUT: the stored text, owned, mu_free; may be NULL when not wanted).
 * MU_ENOTFOUND "no attachment N of REF" when there is none, or it belongs to
 * another ref. @p ref NULL matches any ref (key rotation).
 */
MU_API enum mu_err mu_store_attachment_get(struct mu_store *s, const char *ref, int64_t id,
                                           struct mu_attachment *meta, char **data,
                                           struct mu_error *err);

/**
 * The ids of every attachment whose ref starts with @p prefix ("case:"),
 * oldest first: *ids owned (mu_free; may be NULL when none), *n.
 */
MU_API enum mu_err mu_store_attachment_ids(struct mu_store *s, const char *prefix, int64_t **ids,
                                           size_t *n, struct mu_error *err);

/** Replace the stored text of attachment @p id (key rotation); not audited. */
MU_API enum mu_err mu_store_attachment_set_data(struct mu_store *s, int64_t id,
                                                const char *data, struct mu_error *err);

/* ---------------------------------------------------------------------- */
/* Use cases (src/app/attachment.c)                                       */

/**
 * Attach @p len bytes of @p data (borrowed) named @p name to case @p case_id:
 * the type by magic bytes (JPEG, PNG, PDF or plain text; MU_EINVAL naming
 * the file, and what it looks like when known, otherwise), at most
 * MU_ATTACHMENT_MAX bytes (MU_ELIMIT), the content sealed with kr->keys[0].
 * MU_ENOTFOUND "no case N". Nothing is stored on any error. *id and
 * @p sha256_hex (both may be NULL) get the new id and the checksum.
 */
MU_API enum mu_err mu_app_case_attach(struct mu_store *s, const struct mu_actor *actor,
                                      const struct mu_case_keyring *kr, int64_t case_id,
                                      const char *name, const void *data, size_t len,
                                      int64_t *id, char sha256_hex[65], struct mu_error *err);

/**
 * Read attachment @p att_id of case @p case_id: *data (OUT: owned, mu_free)
 * and *len the original bytes, @p meta (may be NULL) its metadata. @p reason
 * is required (MU_EINVAL, field "reason"): the read is audited
 * "attachment.read" on "case:ID" with the id, who (the actor) and why.
 * MU_ENOTFOUND, MU_EINVAL when the value does not open with @p kr.
 */
MU_API enum mu_err mu_app_case_attachment_get(struct mu_store *s, const struct mu_actor *actor,
                                              const struct mu_case_keyring *kr, int64_t case_id,
                                              int64_t att_id, const char *reason,
                                              struct mu_attachment *meta, void **data,
                                              size_t *len, struct mu_error *err);

/**
 * Add a photo (JPEG or PNG only) of hazard @p hazard_id. A file of another
 * type is refused with MU_EINVAL naming the type ("file 'a.pdf' is a PDF
 * document; a photo must be JPEG or PNG"). MU_ENOTFOUND "no hazard N".
 */
MU_API enum mu_err mu_app_hazard_photo(struct mu_store *s, const struct mu_actor *actor,
                                       int64_t hazard_id, const char *name, const void *data,
                                       size_t len, int64_t *id, char sha256_hex[65],
                                       struct mu_error *err);

/** Photo @p att_id of hazard @p hazard_id: *data owned (mu_free), *len; @p meta may be NULL. */
MU_API enum mu_err mu_app_hazard_photo_get(struct mu_store *s, int64_t hazard_id, int64_t att_id,
                                           struct mu_attachment *meta, void **data, size_t *len,
                                           struct mu_error *err);

/**
 * The attachments of @p ref as a JSON array (*out owned, mu_free): each
 * {id, name, type, size, sha256, created_at (ISO, +08:00), created_by};
 * never the content.
 */
MU_API enum mu_err mu_app_attachment_list_json(struct mu_store *s, const char *ref, char **out,
                                               struct mu_error *err);

/**
 * The attachments of @p ref as text lines "ID NAME (TYPE, N bytes, sha256 H)"
 * or "(none)\n"; *out owned (mu_free).
 */
MU_API enum mu_err mu_app_attachment_list_text(struct mu_store *s, const char *ref, char **out,
                                               struct mu_error *err);

/**
 * Add the list of @p ref under member @p key ("attachments", "photos") to
 * the JSON object text @p doc (borrowed), as a new text *out (owned,
 * mu_free), for show --json. MU_EINVAL when @p doc is not a JSON object.
 */
MU_API enum mu_err mu_app_attachment_merge_json(struct mu_store *s, const char *ref,
                                                const char *key, const char *doc, char **out,
                                                struct mu_error *err);

/**
 * Re-seal every case attachment with kr->keys[0] (each opened with the key
 * it names): for key rotation, called inside its transaction while the key
 * ring holds both keys. *count (may be NULL) gets how many were re-sealed.
 */
MU_API enum mu_err mu_app_case_attachments_reseal(struct mu_store *s,
                                                  const struct mu_case_keyring *kr,
                                                  size_t *count, struct mu_error *err);

/**
 * Read the file at @p path for attaching: *data (OUT: owned, mu_free), *len,
 * and @p name (may be NULL, @p namesz bytes) gets its last path component.
 * MU_ELIMIT "file 'NAME' is N bytes, more than the limit ..." when it is
 * over MU_ATTACHMENT_MAX (checked before reading it whole); MU_EIO naming
 * the path.
 */
MU_API enum mu_err mu_app_attachment_read_file(const char *path, void **data, size_t *len,
                                               char *name, size_t namesz, struct mu_error *err);

/**
 * Write @p len bytes to a new or truncated file @p path with mode 0600 (a
 * case file may hold personal data), fsync'd. MU_EIO naming the path.
 */
MU_API enum mu_err mu_app_attachment_write_file(const char *path, const void *data, size_t len,
                                                struct mu_error *err);

#endif
