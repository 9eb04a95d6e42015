/* SPDX-License-Identifier: MIT */
/*
 * Use cases of the one attachment store (include/muster/attachment.h):
 * files attached to a case, sealed with the case key because a
 * complainant's papers carry personal data, and photos of hazard findings.
 * The type is decided by magic bytes with mu_attachment_sniff() from
 * src/core/incident.c (the same rule as incident attachments), the size
 * capped at MU_ATTACHMENT_MAX, the SHA-256 computed here. Reading a case
 * file is audited "attachment.read" with who and why, in the same
 * transaction as the read.
 */
#include <muster/attachment.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdint.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <muster/date.h>
#include <muster/mem.h>
#include <muster/register.h>

#include "util/buf.h"

#include "util/banned.h"

static enum mu_err nomem(struct mu_error *err)
{
    return mu_error_set(err, MU_ENOMEM, "out of memory");
}

/* What a refused file looks like, for the message; NULL when unknown. */
static const char *looks_like(const unsigned char *p, size_t len)
{
    if (len >= 4 && memcmp(p, "GIF8", 4) == 0)
        return "a GIF image";
    if (len >= 4 && memcmp(p, "PK\x03\x04", 4) == 0)
        return "a ZIP archive (or an Office document)";
    if (len >= 8 && memcmp(p, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0)
        return "an old Office document";
    if (len >= 12 && memcmp(p, "RIFF", 4) == 0 && memcmp(p + 8, "WEBP", 4) == 0)
        return "a WebP image";
    if (len >= 2 && memcmp(p, "BM", 2) == 0)
        return "a BMP image";
    if (len >= 4 && memcmp(p, "\x7F" "ELF", 4) == 0)
        return "a program";
    if (len >= 2 && memcmp(p, "MZ", 2) == 0)
        return "a Windows program";
    return NULL;
}

static const char *type_label(enum mu_attachment_type t)
{
    switch (t) {
    case MU_ATTACH_JPEG: return "a JPEG image";
    case MU_ATTACH_PNG: return "a PNG image";
    case MU_ATTACH_PDF: return "a PDF document";
    case MU_ATTACH_TEXT: return "plain text";
    }
    return "unknown";
}

/* mu_attachment_sniff() with the refused type named when it is recognizable. */
static enum mu_err sniff(const char *name, const void *data, size_t len,
                         enum mu_attachment_type *type, struct mu_error *err)
{
    enum mu_err rc = mu_attachment_sniff(name, data, len, type, err);
    const char *what = rc == MU_EINVAL && len ? looks_like(data, len) : NULL;
    if (what)
        return mu_error_field(err, MU_EINVAL, "file",
                              "file '%s' is %s, not an allowed type (JPEG, PNG, PDF or plain "
                              "text)",
                              name ? name : "", what);
    return rc;
}

static void sha256_hex(const void *data, size_t len, char out[65])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, data, len);
    sodium_bin2hex(out, 65, h, sizeof(h));
}

/* base64 of @p len bytes: owned (mu_free), NULL on ENOMEM. */
static char *to_b64(const void *data, size_t len)
{
    size_t n = sodium_base64_encoded_len(len, sodium_base64_VARIANT_ORIGINAL);
    char *b = mu_malloc(n);
    if (b)
        sodium_bin2base64(b, n, data, len, sodium_base64_VARIANT_ORIGINAL);
    return b;
}

/* Decode base64 @p b64 of an attachment of @p size bytes into *data. */
static enum mu_err from_b64(const char *b64, int64_t size, int64_t id, void **data, size_t *len,
                            struct mu_error *err)
{
    size_t want = size > 0 ? (size_t)size : 1, got = 0;
    unsigned char *buf = mu_malloc(want);
    if (!buf)
        return nomem(err);
    if (sodium_base642bin(buf, want, b64, strlen(b64), NULL, &got, NULL,
                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
        got != (size_t)size) {
        mu_free(buf);
        return mu_error_set(err, MU_ESTORE, "attachment %" PRId64 " is damaged", id);
    }
    *data = buf;
    *len = got;
    return MU_OK;
}

static void case_ref(int64_t id, char ref[MU_ATTACHMENT_MAX_REF])
{
    snprintf(ref, MU_ATTACHMENT_MAX_REF, "case:%" PRId64, id);
}

static void hazard_ref(int64_t id, char ref[MU_ATTACHMENT_MAX_REF])
{
    snprintf(ref, MU_ATTACHMENT_MAX_REF, "hazard:%" PRId64, id);
}

static enum mu_err check_name(const char *name, struct mu_error *err)
{
    if (!name || !*name)
        return mu_error_field(err, MU_EINVAL, "name", "attachment file name is empty");
    if (strlen(name) > MU_ATTACHMENT_MAX_NAME)
        return mu_error_field(err, MU_EINVAL, "name",
                              "attachment file name is longer than %d bytes",
                              MU_ATTACHMENT_MAX_NAME);
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        if (*p < 0x20 || *p == 0x7F || *p == '/' || *p == '\\' || *p == '"')
            return mu_error_field(err, MU_EINVAL, "name",
                                  "attachment file name has a control character, a slash or "
                                  "a quote");
    return MU_OK;
}

/* ---------------------------------------------------------------- cases */

enum mu_err mu_app_case_attach(struct mu_store *s, const struct mu_actor *actor,
                               const struct mu_case_keyring *kr, int64_t case_id,
                               const char *name, const void *data, size_t len, int64_t *id,
                               char sha256_out[65], struct mu_error *err)
{
    enum mu_attachment_type type;
    char hex[65], ref[MU_ATTACHMENT_MAX_REF];
    char *b64 = NULL, *sealed = NULL;
    struct mu_case c = {0};
    enum mu_err rc = check_name(name, err);
    if (rc || (rc = sniff(name, data, len, &type, err)))
        return rc;
    if (!kr || kr->n == 0)
        return mu_error_set(err, MU_EINVAL, "no case key to seal the attachment with");
    sha256_hex(data, len, hex);
    if (!(b64 = to_b64(data, len)))
        return nomem(err);
    rc = mu_case_seal(kr, b64, &sealed, err);
    sodium_memzero(b64, strlen(b64));
    mu_free(b64);
    if (rc)
        return rc;
    case_ref(case_id, ref);
    if ((rc = mu_store_begin(s, err)))
        goto out;
    rc = mu_store_case_get(s, case_id, &c, err);
    mu_case_release(&c);
    if (rc == MU_OK)
        rc = mu_store_attachment_add(s, actor, ref, name, mu_attachment_mime(type),
                                     (int64_t)len, hex, sealed, id, err);
    if (rc == MU_OK)
        rc = mu_store_commit(s, err);
    else
        mu_store_rollback(s);
    if (rc == MU_OK && sha256_out)
        memcpy(sha256_out, hex, 65);
out:
    mu_free(sealed);
    return rc;
}

enum mu_err mu_app_case_attachment_get(struct mu_store *s, const struct mu_actor *actor,
                                       const struct mu_case_keyring *kr, int64_t case_id,
                                       int64_t att_id, const char *reason,
                                       struct mu_attachment *meta, void **data, size_t *len,
                                       struct mu_error *err)
{
    char ref[MU_ATTACHMENT_MAX_REF];
    struct mu_attachment m = {0};
    char *stored = NULL, *b64 = NULL;
    *data = NULL;
    *len = 0;
    if (meta)
        memset(meta, 0, sizeof(*meta));
    if (!reason || !*reason)
        return mu_error_field(err, MU_EINVAL, "reason",
                              "reading a case attachment needs a reason: every read is audited");
    if (strlen(reason) > 500)
        return mu_error_field(err, MU_EINVAL, "reason", "reason is longer than 500 bytes");
    case_ref(case_id, ref);
    enum mu_err rc = mu_store_begin(s, err);
    if (rc)
        return rc;
    rc = mu_store_attachment_get(s, ref, att_id, &m, &stored, err);
    if (rc == MU_OK)
        rc = mu_case_open(kr, stored, &b64, err);
    if (rc == MU_OK)
        rc = from_b64(b64, m.size, att_id, data, len, err);
    if (rc == MU_OK) {
        char summary[800];
        snprintf(summary, sizeof(summary), "attachment %" PRId64 " read by %s; reason: %s",
                 att_id, actor && actor->name ? actor->name : "", reason);
        rc = mu_store_audit_append(s, actor, "attachment.read", ref, summary, err);
    }
    if (rc == MU_OK)
        rc = mu_store_commit(s, err);
    else
        mu_store_rollback(s);
    if (b64) {
        sodium_memzero(b64, strlen(b64));
        mu_free(b64);
    }
    mu_free(stored);
    if (rc) {
        if (*data) {
            sodium_memzero(*data, *len);
            mu_free(*data);
        }
        *data = NULL;
        *len = 0;
        mu_attachment_release(&m);
        return rc;
    }
    if (meta)
        *meta = m;
    else
        mu_attachment_release(&m);
    return MU_OK;
}

enum mu_err mu_app_case_attachments_reseal(struct mu_store *s, const struct mu_case_keyring *kr,
                                           size_t *count, struct mu_error *err)
{
    int64_t *ids = NULL;
    size_t n = 0, done = 0;
    if (count)
        *count = 0;
    enum mu_err rc = mu_store_begin(s, err);
    if (rc)
        return rc;
    rc = mu_store_attachment_ids(s, "case:", &ids, &n, err);
    for (size_t i = 0; rc == MU_OK && i < n; i++) {
        struct mu_attachment m = {0};
        char *stored = NULL, *plain = NULL, *again = NULL;
        rc = mu_store_attachment_get(s, NULL, ids[i], &m, &stored, err);
        if (rc == MU_OK)
            rc = mu_case_open(kr, stored, &plain, err);
        if (rc == MU_OK)
            rc = mu_case_seal(kr, plain, &again, err);
        if (rc == MU_OK)
            rc = mu_store_attachment_set_data(s, ids[i], again, err);
        if (rc == MU_OK)
            done++;
        if (plain) {
            sodium_memzero(plain, strlen(plain));
            mu_free(plain);
        }
        mu_attachment_release(&m);
        mu_free(stored);
        mu_free(again);
    }
    mu_free(ids);
    if (rc == MU_OK)
        rc = mu_store_commit(s, err);
    else
        mu_store_rollback(s);
    if (rc == MU_OK && count)
        *count = done;
    return rc;
}

/* ---------------------------------------------------------------- hazards */

enum mu_err mu_app_hazard_photo(struct mu_store *s, const struct mu_actor *actor,
                                int64_t hazard_id, const char *name, const void *data, size_t len,
                                int64_t *id, char sha256_out[65], struct mu_error *err)
{
    enum mu_attachment_type type;
    char hex[65], ref[MU_ATTACHMENT_MAX_REF];
    char *b64 = NULL;
    struct mu_hazard h = {0};
    enum mu_err rc = check_name(name, err);
    if (rc || (rc = sniff(name, data, len, &type, err)))
        return rc;
    if (type != MU_ATTACH_JPEG && type != MU_ATTACH_PNG)
        return mu_error_field(err, MU_EINVAL, "file",
                              "file '%s' is %s; a photo must be JPEG or PNG", name,
                              type_label(type));
    sha256_hex(data, len, hex);
    if (!(b64 = to_b64(data, len)))
        return nomem(err);
    hazard_ref(hazard_id, ref);
    if ((rc = mu_store_begin(s, err)))
        goto out;
    rc = mu_store_hazard_get(s, hazard_id, &h, err);
    mu_hazard_release(&h);
    if (rc == MU_OK)
        rc = mu_store_attachment_add(s, actor, ref, name, mu_attachment_mime(type),
                                     (int64_t)len, hex, b64, id, err);
    if (rc == MU_OK)
        rc = mu_store_commit(s, err);
    else
        mu_store_rollback(s);
    if (rc == MU_OK && sha256_out)
        memcpy(sha256_out, hex, 65);
out:
    mu_free(b64);
    return rc;
}

enum mu_err mu_app_hazard_photo_get(struct mu_store *s, int64_t hazard_id, int64_t att_id,
                                    struct mu_attachment *meta, void **data, size_t *len,
                                    struct mu_error *err)
{
    char ref[MU_ATTACHMENT_MAX_REF];
    struct mu_attachment m = {0};
    char *stored = NULL;
    *data = NULL;
    *len = 0;
    if (meta)
        memset(meta, 0, sizeof(*meta));
    hazard_ref(hazard_id, ref);
    enum mu_err rc = mu_store_attachment_get(s, ref, att_id, &m, &stored, err);
    if (rc == MU_OK)
        rc = from_b64(stored, m.size, att_id, data, len, err);
    mu_free(stored);
    if (rc) {
        mu_attachment_release(&m);
        return rc;
    }
    if (meta)
        *meta = m;
    else
        mu_attachment_release(&m);
    return MU_OK;
}

/* ---------------------------------------------------------------- views */

static json_t *list_json(const struct mu_attachment *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++) {
        char iso[26];
        mu_local_format(v[i].created_at, iso);
        json_t *o = json_pack("{sI ss ss sI ss ss ss}", "id", (json_int_t)v[i].id, "name",
                              v[i].name, "type", v[i].type, "size", (json_int_t)v[i].size,
                              "sha256", v[i].sha256, "created_at", iso, "created_by",
                              v[i].created_by);
        if (!o || json_array_append_new(a, o)) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

enum mu_err mu_app_attachment_list_json(struct mu_store *s, const char *ref, char **out,
                                        struct mu_error *err)
{
    struct mu_attachment *v = NULL;
    size_t n = 0;
    *out = NULL;
    enum mu_err rc = mu_store_attachment_list(s, ref, &v, &n, err);
    if (rc)
        return rc;
    json_t *a = list_json(v, n);
    mu_attachments_free(v, n);
    char *text = a ? json_dumps(a, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
    json_decref(a);
    if (!text)
        return nomem(err);
    /* jansson allocates with its own allocator: copy into ours, with a newline */
    size_t tl = strlen(text);
    *out = mu_malloc(tl + 2);
    if (*out) {
        memcpy(*out, text, tl);
        (*out)[tl] = '\n';
        (*out)[tl + 1] = '\0';
    }
    free(text);
    return *out ? MU_OK : nomem(err);
}

enum mu_err mu_app_attachment_list_text(struct mu_store *s, const char *ref, char **out,
                                        struct mu_error *err)
{
    struct mu_attachment *v = NULL;
    size_t n = 0;
    struct mu_buf b;
    *out = NULL;
    enum mu_err rc = mu_store_attachment_list(s, ref, &v, &n, err);
    if (rc)
        return rc;
    mu_buf_init(&b, 1u << 20);
    if (n == 0)
        rc = mu_buf_printf(&b, "(none)\n");
    for (size_t i = 0; rc == MU_OK && i < n; i++)
        rc = mu_buf_printf(&b, "%" PRId64 " %s (%s, %" PRId64 " bytes, sha256 %s)\n", v[i].id,
                           v[i].name, v[i].type, v[i].size, v[i].sha256);
    mu_attachments_free(v, n);
    if (rc == MU_OK && !(*out = mu_buf_detach(&b)))
        rc = nomem(err);
    mu_buf_release(&b);
    if (rc && rc != MU_ENOMEM)
        rc = mu_error_set(err, rc, "attachment list is too long");
    else if (rc)
        rc = nomem(err);
    return rc;
}

enum mu_err mu_app_attachment_merge_json(struct mu_store *s, const char *ref, const char *key,
                                         const char *doc, char **out, struct mu_error *err)
{
    struct mu_attachment *v = NULL;
    size_t n = 0;
    *out = NULL;
    json_t *o = json_loads(doc ? doc : "", 0, NULL);
    if (!json_is_object(o)) {
        json_decref(o);
        return mu_error_set(err, MU_EINVAL, "document to add attachments to is not a JSON object");
    }
    enum mu_err rc = mu_store_attachment_list(s, ref, &v, &n, err);
    if (rc) {
        json_decref(o);
        return rc;
    }
    json_t *a = list_json(v, n);
    mu_attachments_free(v, n);
    char *text = NULL;
    if (a && json_object_set_new(o, key, a) == 0)
        text = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(o);
    if (!text)
        return nomem(err);
    size_t tl = strlen(text);
    *out = mu_malloc(tl + 2);
    if (*out) {
        memcpy(*out, text, tl);
        (*out)[tl] = '\n';
        (*out)[tl + 1] = '\0';
    }
    free(text);
    return *out ? MU_OK : nomem(err);
}

/* ---------------------------------------------------------------- files */

enum mu_err mu_app_attachment_read_file(const char *path, void **data, size_t *len, char *name,
                                        size_t namesz, struct mu_error *err)
{
    const char *base = path ? strrchr(path, '/') : NULL;
    base = base ? base + 1 : (path ? path : "");
    *data = NULL;
    *len = 0;
    if (name && namesz)
        snprintf(name, namesz, "%s", base);
    int fd = path ? open(path, O_RDONLY) : -1;
    if (fd < 0)
        return mu_error_set(err, MU_EIO, "cannot open '%s': %s", path ? path : "",
                            strerror(errno));
    struct stat st;
    enum mu_err rc = MU_OK;
    unsigned char *buf = NULL;
    size_t got = 0;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        rc = mu_error_set(err, MU_EIO, "'%s' is not a regular file", path);
        goto out;
    }
    if ((uintmax_t)st.st_size > MU_ATTACHMENT_MAX) {
        rc = mu_error_field(err, MU_ELIMIT, "file",
                            "file '%s' is %jd bytes, more than the limit of %u bytes (10 MiB)",
                            base, (intmax_t)st.st_size, MU_ATTACHMENT_MAX);
        goto out;
    }
    /* One byte more than the limit, in case the file grows while it is read. */
    if (!(buf = mu_malloc((size_t)MU_ATTACHMENT_MAX + 1))) {
        rc = nomem(err);
        goto out;
    }
    while (got <= MU_ATTACHMENT_MAX) {
        ssize_t r = read(fd, buf + got, (size_t)MU_ATTACHMENT_MAX + 1 - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            rc = mu_error_set(err, MU_EIO, "cannot read '%s': %s", path, strerror(errno));
            goto out;
        }
        if (r == 0)
            break;
        got += (size_t)r;
    }
    if (got > MU_ATTACHMENT_MAX) {
        rc = mu_error_field(err, MU_ELIMIT, "file",
                            "file '%s' is more than the limit of %u bytes (10 MiB)", base,
                            MU_ATTACHMENT_MAX);
        goto out;
    }
    *data = buf;
    *len = got;
    buf = NULL;
out:
    mu_free(buf);
    close(fd);
    return rc;
}

enum mu_err mu_app_attachment_write_file(const char *path, const void *data, size_t len,
                                         struct mu_error *err)
{
    int fd = path ? open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600) : -1;
    const unsigned char *p = data;
    size_t done = 0;
    if (fd < 0)
        return mu_error_set(err, MU_EIO, "cannot create '%s': %s", path ? path : "",
                            strerror(errno));
    while (done < len) {
        ssize_t w = write(fd, p + done, len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            enum mu_err rc = mu_error_set(err, MU_EIO, "cannot write '%s': %s", path,
                                          strerror(errno));
            close(fd);
            return rc;
        }
        done += (size_t)w;
    }
    int synced = fsync(fd) == 0, closed = close(fd) == 0;
    if (!synced || !closed)
        return mu_error_set(err, MU_EIO, "cannot write '%s': %s", path, strerror(errno));
    return MU_OK;
}
