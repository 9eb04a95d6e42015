/* SPDX-License-Identifier: MIT */
/*
 * The pure rules of incidents: the lifecycle (reported → acknowledged →
 * responding → contained → closed, reopen to responding) and its allowed
 * transitions, the check of a new incident's kind, level and fields against
 * the plan it is opened under, the numeric view of its fields for policy
 * matching, attachment types by magic bytes, and termination criteria.
 * No I/O; see muster/incident.h.
 */
#include <muster/incident.h>

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <muster/mem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/banned.h"

#define COUNT_MAX 1000000000LL

/* ---------------------------------------------------------------- states */

static const char *const state_names[] = {"reported", "acknowledged", "responding", "contained",
                                          "closed"};
static const char *const state_labels[] = {"已报告", "已确认", "处置中", "已控制", "已结束"};

const char *mu_incident_state_name(enum mu_incident_state st)
{
    return (unsigned)st < 5 ? state_names[st] : "?";
}

const char *mu_incident_state_label(enum mu_incident_state st)
{
    return (unsigned)st < 5 ? state_labels[st] : "?";
}

enum mu_err mu_incident_state_parse(const char *name, enum mu_incident_state *out,
                                    struct mu_error *err)
{
    for (int i = 0; i < 5; i++)
        if (name && strcmp(name, state_names[i]) == 0) {
            *out = (enum mu_incident_state)i;
            return MU_OK;
        }
    return mu_error_field(err, MU_EINVAL, "state",
                          "unknown incident state '%s' (states: reported, acknowledged, "
                          "responding, contained, closed)",
                          name ? name : "");
}

/* allowed[from] is a bit set of the states it may become. */
#define BIT(s) (1u << (s))
static const unsigned allowed[5] = {
    [MU_INCIDENT_REPORTED] =
        BIT(MU_INCIDENT_ACKNOWLEDGED) | BIT(MU_INCIDENT_RESPONDING) | BIT(MU_INCIDENT_CLOSED),
    [MU_INCIDENT_ACKNOWLEDGED] = BIT(MU_INCIDENT_RESPONDING) | BIT(MU_INCIDENT_CLOSED),
    [MU_INCIDENT_RESPONDING] = BIT(MU_INCIDENT_CONTAINED),
    [MU_INCIDENT_CONTAINED] = BIT(MU_INCIDENT_CLOSED) | BIT(MU_INCIDENT_RESPONDING),
    [MU_INCIDENT_CLOSED] = BIT(MU_INCIDENT_RESPONDING),
};

enum mu_err mu_incident_transition_check(enum mu_incident_state from, enum mu_incident_state to,
                                         struct mu_error *err)
{
    if ((unsigned)from >= 5 || (unsigned)to >= 5)
        return mu_error_set(err, MU_EINVAL, "incident state out of range");
    if (allowed[from] & BIT(to))
        return MU_OK;
    char list[128] = "";
    size_t w = 0;
    for (int i = 0; i < 5; i++)
        if (allowed[from] & BIT(i))
            w += (size_t)snprintf(list + w, sizeof(list) - w, "%s%s", w ? ", " : "",
                                  state_names[i]);
    return mu_error_field(err, MU_ECONFLICT, "state",
                          "incident is '%s'; it cannot become '%s' (allowed: %s)",
                          state_names[from], state_names[to], list);
}

/* ---------------------------------------------------------------- checking */

/* "a, b, c" of up to @p n ids into @p b (truncated quietly at the buffer's cap). */
static void list_ids(struct mu_buf *b, const char *(*get)(const struct mu_plan *, size_t),
                     const struct mu_plan *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        mu_buf_printf(b, "%s%s", i ? ", " : "", get(p, i));
}

static const char *kind_at(const struct mu_plan *p, size_t i)
{
    return p->kinds[i].id;
}

static const char *level_at(const struct mu_plan *p, size_t i)
{
    return p->levels[i].id;
}

static const char *field_at(const struct mu_plan *p, size_t i)
{
    return p->fields[i].key;
}

/* An unknown @p value: the error names the request member @p field ("kind",
   "level", "fields") and the message lists the plan's ids under @p list. */
static enum mu_err unknown(struct mu_error *err, const char *field, const char *list,
                           const char *what, const char *value, const struct mu_plan *p,
                           const char *(*get)(const struct mu_plan *, size_t), size_t n)
{
    struct mu_buf b;
    mu_buf_init(&b, 180);
    list_ids(&b, get, p, n);
    enum mu_err rc = mu_error_field(err, MU_EINVAL, field, "unknown %s '%s' in plan '%s' (%s: %s)",
                                    what, value, p->id, list,
                                    b.len ? b.ptr : "none");
    mu_buf_release(&b);
    return rc;
}

static int is_count(const char *s, int64_t *out)
{
    int64_t v = 0;
    if (!*s)
        return 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return 0;
        v = v * 10 + (*s - '0');
        if (v > COUNT_MAX)
            return 0;
    }
    *out = v;
    return 1;
}

static int is_number(const char *s, double *out)
{
    char *end = NULL;
    if (!*s || strchr(s, 'x') || strchr(s, 'X') || strchr(s, 'n') || strchr(s, 'N') ||
        strchr(s, 'i') || strchr(s, 'I') || s[0] == ' ')
        return 0; /* no hex, nan or inf */
    errno = 0;
    double v = strtod(s, &end);
    if (errno || !end || *end || !isfinite(v))
        return 0;
    *out = v;
    return 1;
}

static int valid_text(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        if (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r')
            return 0;
        if (*p < 0x80) {
            p++;
            continue;
        }
        int n = (*p >= 0xF0 && *p <= 0xF4) ? 3 : (*p >= 0xE0) ? 2 : (*p >= 0xC2) ? 1 : -1;
        if (n < 0 || *p > 0xF4)
            return 0;
        p++;
        for (int i = 0; i < n; i++, p++)
            if ((*p & 0xC0) != 0x80)
                return 0;
    }
    return 1;
}

enum mu_err mu_incident_check(const struct mu_plan *plan, const char *kind, const char *level,
                              const struct mu_incident_kv *kv, size_t n, char **json,
                              struct mu_error *err)
{
    enum mu_err rc = MU_OK;
    json_t *obj = NULL;
    const struct mu_plan_field **found = NULL;
    if (json)
        *json = NULL;
    if (!kind || !*kind)
        return mu_error_field(err, MU_EINVAL, "kind", "no incident kind given");
    size_t k = 0;
    while (k < plan->nkinds && strcmp(plan->kinds[k].id, kind) != 0)
        k++;
    if (k == plan->nkinds)
        return unknown(err, "kind", "kinds", "incident kind", kind, plan, kind_at, plan->nkinds);
    if (level && *level) {
        size_t l = 0;
        while (l < plan->nlevels && strcmp(plan->levels[l].id, level) != 0)
            l++;
        if (l == plan->nlevels)
            return unknown(err, "level", "levels", "level", level, plan, level_at, plan->nlevels);
    } else if (plan->nlevels) {
        struct mu_buf b;
        mu_buf_init(&b, 180);
        list_ids(&b, level_at, plan, plan->nlevels);
        rc = mu_error_field(err, MU_EINVAL, "level", "no level given (levels: %s)",
                            b.len ? b.ptr : "");
        mu_buf_release(&b);
        return rc;
    }
    if (n > MU_INCIDENT_MAX_FIELDS)
        return mu_error_field(err, MU_ELIMIT, "fields", "%zu fields given, at most %d", n,
                              MU_INCIDENT_MAX_FIELDS);
    found = mu_calloc(n ? n : 1, sizeof(*found));
    if (!found)
        return mu_error_set(err, MU_ENOMEM, "out of memory");
    for (size_t i = 0; i < n && rc == MU_OK; i++) {
        const struct mu_plan_field *f = NULL;
        for (size_t j = 0; j < plan->nfields && !f; j++)
            if (kv[i].key && strcmp(plan->fields[j].key, kv[i].key) == 0)
                f = &plan->fields[j];
        if (!f) {
            rc = unknown(err, "fields", "fields", "incident field", kv[i].key ? kv[i].key : "",
                         plan, field_at, plan->nfields);
            break;
        }
        for (size_t j = 0; j < i; j++)
            if (found[j] == f)
                rc = mu_error_field(err, MU_EINVAL, f->key, "field '%s' is given twice", f->key);
        found[i] = f;
        const char *v = kv[i].value ? kv[i].value : "";
        int64_t c;
        double d;
        if (rc)
            break;
        if (f->type == MU_FIELD_COUNT && !is_count(v, &c))
            rc = mu_error_field(err, MU_EINVAL, f->key,
                                "field '%s': '%s' is not a whole number from 0 to %lld", f->key,
                                v, COUNT_MAX);
        else if (f->type == MU_FIELD_NUMBER && !is_number(v, &d))
            rc = mu_error_field(err, MU_EINVAL, f->key, "field '%s': '%s' is not a number",
                                f->key, v);
        else if (f->type == MU_FIELD_TEXT &&
                 (strlen(v) > MU_INCIDENT_MAX_TEXT || !valid_text(v)))
            rc = mu_error_field(err, MU_EINVAL, f->key,
                                "field '%s': not UTF-8 text of at most %d bytes", f->key,
                                MU_INCIDENT_MAX_TEXT);
    }
    if (rc || !json)
        goto out;
    obj = json_object();
    if (!obj) {
        rc = mu_error_set(err, MU_ENOMEM, "out of memory");
        goto out;
    }
    /* Plan order, so that the same fields always give the same bytes. */
    for (size_t j = 0; j < plan->nfields && rc == MU_OK; j++)
        for (size_t i = 0; i < n; i++) {
            if (found[i] != &plan->fields[j])
                continue;
            json_t *v;
            int64_t c = 0;
            double d = 0;
            if (found[i]->type == MU_FIELD_COUNT) {
                is_count(kv[i].value, &c);
                v = json_integer(c);
            } else if (found[i]->type == MU_FIELD_NUMBER) {
                is_number(kv[i].value, &d);
                v = json_real(d);
            } else {
                v = json_string(kv[i].value);
            }
            if (!v || json_object_set_new(obj, found[i]->key, v))
                rc = mu_error_set(err, MU_ENOMEM, "out of memory");
        }
    if (rc == MU_OK) {
        char *dump = json_dumps(obj, JSON_PRESERVE_ORDER | JSON_COMPACT | JSON_REAL_PRECISION(15));
        if (!dump || !(*json = mu_strdup(dump)))
            rc = mu_error_set(err, MU_ENOMEM, "out of memory");
        free(dump); /* jansson's allocation */
    }
out:
    json_decref(obj);
    mu_free(found);
    return rc;
}

enum mu_err mu_incident_fields_numeric(const struct mu_plan *plan, const char *fields_json,
                                       struct mu_esc_field **out, size_t *n,
                                       struct mu_error *err)
{
    *out = NULL;
    *n = 0;
    json_error_t jerr;
    json_t *obj = json_loads(fields_json ? fields_json : "{}", 0, &jerr);
    if (!obj || !json_is_object(obj)) {
        json_decref(obj);
        return mu_error_set(err, MU_EINVAL, "incident fields are not a JSON object");
    }
    size_t cap = json_object_size(obj);
    struct mu_esc_field *v = cap ? mu_calloc(cap, sizeof(*v)) : NULL;
    if (cap && !v) {
        json_decref(obj);
        return mu_error_set(err, MU_ENOMEM, "out of memory");
    }
    size_t k = 0;
    for (size_t j = 0; j < plan->nfields; j++) {
        json_t *x = json_object_get(obj, plan->fields[j].key);
        if (x && json_is_number(x) && k < cap) {
            v[k].key = plan->fields[j].key;
            v[k++].value = json_number_value(x);
        }
    }
    json_decref(obj);
    if (!k) {
        mu_free(v);
        v = NULL;
    }
    *out = v;
    *n = k;
    return MU_OK;
}

/* ---------------------------------------------------------------- attachments */

const char *mu_attachment_mime(enum mu_attachment_type t)
{
    switch (t) {
    case MU_ATTACH_JPEG: return "image/jpeg";
    case MU_ATTACH_PNG: return "image/png";
    case MU_ATTACH_PDF: return "application/pdf";
    case MU_ATTACH_TEXT: return "text/plain; charset=utf-8";
    }
    return "application/octet-stream";
}

/* UTF-8 text without NUL or control characters other than \t \n \r \f. */
static int plain_text(const unsigned char *p, size_t len)
{
    size_t i = 0;
    if (len >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
        i = 3; /* a byte-order mark */
    while (i < len) {
        unsigned char c = p[i];
        if (c < 0x80) {
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') || c == 0x7F)
                return 0;
            i++;
            continue;
        }
        int n = (c >= 0xC2 && c <= 0xDF) ? 1 : (c >= 0xE0 && c <= 0xEF) ? 2
                                             : (c >= 0xF0 && c <= 0xF4) ? 3 : -1;
        if (n < 0 || i + (size_t)n >= len)
            return 0; /* not a lead byte, or the sequence is cut off */
        unsigned cp = c & (n == 1 ? 0x1F : n == 2 ? 0x0F : 0x07);
        for (int k = 1; k <= n; k++) {
            if ((p[i + (size_t)k] & 0xC0) != 0x80)
                return 0;
            cp = (cp << 6) | (p[i + (size_t)k] & 0x3F);
        }
        if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += (size_t)n + 1;
    }
    return 1;
}

enum mu_err mu_attachment_sniff(const char *name, const void *data, size_t len,
                                enum mu_attachment_type *out, struct mu_error *err)
{
    const unsigned char *p = data;
    static const unsigned char png[8] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
    if (!name)
        name = "";
    if (len > MU_INCIDENT_MAX_ATTACHMENT)
        return mu_error_field(err, MU_ELIMIT, "file",
                              "file '%s' is %zu bytes, more than the limit of %u bytes (10 MiB)",
                              name, len, MU_INCIDENT_MAX_ATTACHMENT);
    if (len == 0)
        return mu_error_field(err, MU_EINVAL, "file", "file '%s' is empty", name);
    if (len >= 3 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF)
        *out = MU_ATTACH_JPEG;
    else if (len >= 8 && memcmp(p, png, 8) == 0)
        *out = MU_ATTACH_PNG;
    else if (len >= 5 && memcmp(p, "%PDF-", 5) == 0)
        *out = MU_ATTACH_PDF;
    else if (plain_text(p, len))
        *out = MU_ATTACH_TEXT;
    else
        return mu_error_field(err, MU_EINVAL, "file",
                              "file '%s' is not an allowed type (JPEG, PNG, PDF or plain text)",
                              name);
    return MU_OK;
}

/* ---------------------------------------------------------------- termination */

enum mu_err mu_incident_criteria(const struct mu_plan *plan, const char *const *given, size_t n,
                                 char **out, struct mu_error *err)
{
    size_t nc = plan->termination.n;
    enum mu_err rc = MU_OK;
    *out = NULL;
    unsigned char *met = mu_calloc(nc ? nc : 1, 1);
    if (!met)
        return mu_error_set(err, MU_ENOMEM, "out of memory");
    for (size_t i = 0; i < n && rc == MU_OK; i++) {
        const char *g = given[i];
        size_t hit = nc;
        int64_t num = 0;
        if (g && is_count(g, &num) && num >= 1 && (size_t)num <= nc)
            hit = (size_t)num - 1;
        for (size_t c = 0; hit == nc && g && c < nc; c++)
            if (strcmp(plan->termination.v[c].s, g) == 0)
                hit = c;
        if (hit == nc) {
            if (nc)
                rc = mu_error_field(err, MU_EINVAL, "criteria",
                                    "'%s' is not a termination criterion of plan '%s' (give "
                                    "1-%zu or the text)",
                                    g ? g : "", plan->id, nc);
            else
                rc = mu_error_field(err, MU_EINVAL, "criteria",
                                    "'%s' is not a termination criterion: plan '%s' has none",
                                    g ? g : "", plan->id);
        } else {
            met[hit] = 1;
        }
    }
    json_t *arr = rc ? NULL : json_array();
    if (!rc && !arr)
        rc = mu_error_set(err, MU_ENOMEM, "out of memory");
    for (size_t c = 0; rc == MU_OK && c < nc; c++)
        if (met[c] && json_array_append_new(arr, json_string(plan->termination.v[c].s)))
            rc = mu_error_set(err, MU_ENOMEM, "out of memory");
    if (rc == MU_OK) {
        char *dump = json_dumps(arr, JSON_COMPACT);
        if (!dump || !(*out = mu_strdup(dump)))
            rc = mu_error_set(err, MU_ENOMEM, "out of memory");
        free(dump);
    }
    json_decref(arr);
    mu_free(met);
    return rc;
}
