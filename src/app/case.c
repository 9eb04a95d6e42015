/* SPDX-License-Identifier: MIT */
/*
 * Case use cases (信访事项): register a case (sealing the complainant's
 * identity, making the tracking code), apply each workflow step with its
 * deadlines and reminders in one transaction, show a case (its identity only
 * when revealed, with who and why audited), the ledger as text, JSON and
 * XLSX, the due list, statistics, the hand-over to units (never with the
 * identity), the notices to the complainant from editable templates, the
 * purge of personal data, recomputing deadlines after a calendar change, key
 * rotation and the complainant's own status check. The rules are in
 * src/core/case.c; sealing in src/app/case_crypto.c.
 */
#include <muster/attachment.h>
#include <muster/case.h>

#include <errno.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#include <muster/date.h>
#include <muster/mem.h>
#include <muster/notice.h>

#include "util/buf.h"

#include "util/banned.h"

#define OUT_MAX (256u * 1024 * 1024)
#define REMIND_MINUTES (9 * 60) /* reminders go out at 09:00 local */
#define TEMPLATE_MAX (256 * 1024)

/* ---------------------------------------------------------------- helpers */

static void fmt_day(int32_t d, char out[static 11])
{
    if (d == MU_CASE_NO_DAY)
        out[0] = '\0';
    else
        mu_date_format(d, out);
}

static json_t *day_json(int32_t d)
{
    char b[11];
    if (d == MU_CASE_NO_DAY)
        return json_null();
    mu_date_format(d, b);
    return json_string(b);
}

static enum mu_err take_json(json_t *doc, char **out, struct mu_error *err)
{
    char *text = doc ? json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
    size_t len = text ? strlen(text) : 0;
    *out = text ? mu_malloc(len + 2) : NULL;
    if (*out) {
        memcpy(*out, text, len);
        (*out)[len] = '\n';
        (*out)[len + 1] = '\0';
    }
    free(text);
    json_decref(doc);
    return *out ? MU_OK : mu_error_set(err, MU_ENOMEM, "out of memory formatting JSON");
}

static enum mu_err take_buf(struct mu_buf *b, enum mu_err rc, char **out, struct mu_error *err)
{
    if (rc == MU_OK) {
        *out = mu_buf_detach(b);
        if (!*out)
            *out = mu_strdup("");
        if (!*out)
            rc = MU_ENOMEM;
    }
    mu_buf_release(b);
    if (rc == MU_ENOMEM || rc == MU_ELIMIT)
        return mu_error_set(err, rc, "output too large or out of memory");
    return rc;
}

/* Prefix err->msg with "case N: ". */
static enum mu_err case_prefix(int64_t id, enum mu_err rc, struct mu_error *err)
{
    if (rc && err && strncmp(err->msg, "case ", 5) != 0) {
        char tmp[MU_ERROR_MSG_MAX];
        snprintf(tmp, sizeof(tmp), "%s", err->msg);
        snprintf(err->msg, sizeof(err->msg), "case %lld: %.220s", (long long)id, tmp);
    }
    return rc;
}

static enum mu_err int_setting(struct mu_store *s, const char *key, int *v, int lo, int hi,
                               struct mu_error *err)
{
    char *val = NULL;
    enum mu_err rc = mu_store_setting_get(s, key, &val, NULL);
    if (rc == MU_ENOTFOUND)
        return MU_OK;
    if (rc)
        return mu_error_set(err, rc, "cannot read setting '%s'", key);
    char *end = NULL;
    errno = 0;
    long n = strtol(val, &end, 10);
    if (errno || end == val || *end || n < lo || n > hi)
        rc = mu_error_field(err, MU_EINVAL, key,
                            "setting '%s' is '%.40s', not a number of days "
                            "from %d to %d",
                            key, val, lo, hi);
    else
        *v = (int)n;
    mu_free(val);
    return rc;
}

enum mu_err mu_app_case_limits(struct mu_store *s, struct mu_case_limits *out, struct mu_error *err)
{
    struct mu_case_limits l;
    char *days = NULL;
    mu_case_limits_default(&l);
    enum mu_err rc = mu_store_setting_get(s, "case.days", &days, NULL);
    if (rc == MU_OK) {
        if (strcmp(days, "workdays") == 0)
            l.workdays = 1;
        else if (strcmp(days, "calendar") != 0)
            rc = mu_error_field(err, MU_EINVAL, "case.days",
                                "setting 'case.days' is '%.40s', not calendar or workdays", days);
        mu_free(days);
    } else if (rc == MU_ENOTFOUND) {
        rc = MU_OK;
    } else {
        rc = mu_error_set(err, rc, "cannot read setting 'case.days'");
    }
    if (!rc)
        rc = int_setting(s, "case.limit.accept", &l.accept, 1, 3650, err);
    if (!rc)
        rc = int_setting(s, "case.limit.handle", &l.handle, 1, 3650, err);
    if (!rc)
        rc = int_setting(s, "case.limit.extend", &l.extend, 1, 3650, err);
    if (!rc)
        rc = int_setting(s, "case.limit.review_request", &l.review_request, 1, 3650, err);
    if (!rc)
        rc = int_setting(s, "case.limit.review", &l.review, 1, 3650, err);
    if (!rc)
        *out = l;
    return rc;
}

static const char *due_label(const char *kind)
{
    if (!kind)
        return "";
    if (strcmp(kind, "accept") == 0)
        return "decision on acceptance";
    if (strcmp(kind, "handle") == 0)
        return "written reply";
    return "answer to the review";
}

/* Reminders to record, built per case and stored together (one audit entry). */
struct remind_batch {
    struct mu_notice_new *v; /* strings owned by strs */
    char **strs;
    size_t n, cap;
    int before; /* setting case.remind_days */
};

static enum mu_err batch_init(struct mu_store *s, struct remind_batch *b, struct mu_error *err)
{
    memset(b, 0, sizeof(*b));
    b->before = 3;
    return int_setting(s, "case.remind_days", &b->before, 0, 365, err);
}

static void batch_release(struct remind_batch *b)
{
    for (size_t i = 0; i < b->n * 4; i++)
        mu_free(b->strs[i]);
    mu_free(b->strs);
    mu_free(b->v);
    memset(b, 0, sizeof(*b));
}

/* Add the reminders of the current deadline of @p c: before it and on the day. */
static enum mu_err batch_add(struct remind_batch *b, const struct mu_case *c, struct mu_error *err)
{
    if (c->dl.due == MU_CASE_NO_DAY)
        return MU_OK;
    if (b->n + 2 > b->cap) {
        size_t ncap = b->cap ? b->cap * 2 : 8;
        struct mu_notice_new *nv = mu_realloc(b->v, ncap * sizeof(*nv));
        if (nv)
            b->v = nv;
        char **ns = nv ? mu_realloc(b->strs, ncap * 4 * sizeof(char *)) : NULL;
        if (!ns)
            return mu_error_set(err, MU_ENOMEM, "out of memory for reminders");
        b->strs = ns;
        b->cap = ncap;
    }
    char day[11], subject[160], body[400], ref[32];
    mu_date_format(c->dl.due, day);
    snprintf(ref, sizeof(ref), "case:%lld", (long long)c->id);
    snprintf(subject, sizeof(subject), "case %lld: %s due %s", (long long)c->id,
             due_label(c->dl.due_kind), day);
    snprintf(body, sizeof(body), "Case %lld (%s) needs its %s by %s. Subject: %.200s",
             (long long)c->id, c->channel, due_label(c->dl.due_kind), day, c->subject);
    const char *person = c->leader && *c->leader ? c->leader : "case-office";
    for (int k = b->before > 0 ? 0 : 1; k < 2; k++) {
        char **str = &b->strs[b->n * 4];
        str[0] = mu_strdup(person);
        str[1] = mu_strdup(subject);
        str[2] = mu_strdup(body);
        str[3] = mu_strdup(ref);
        struct mu_notice_new nn = {
            "case.due", str[0], mu_local_ms(c->dl.due - (k == 0 ? b->before : 0), REMIND_MINUTES),
            str[1],     str[2], str[3]};
        b->v[b->n++] = nn;
        if (!str[0] || !str[1] || !str[2] || !str[3])
            return mu_error_set(err, MU_ENOMEM, "out of memory for reminders");
    }
    return MU_OK;
}

/* Cancel the case's reminders and record those of its current deadline. */
static enum mu_err remind(struct mu_store *s, const struct mu_actor *actor, const struct mu_case *c,
                          struct mu_error *err)
{
    struct remind_batch b;
    enum mu_err rc = batch_init(s, &b, err);
    if (rc == MU_OK)
        rc = mu_store_case_reminders_cancel(s, actor, &c->id, 1, NULL, err);
    if (rc == MU_OK)
        rc = batch_add(&b, c, err);
    if (rc == MU_OK && b.n)
        rc = mu_store_notice_add(s, actor, b.v, b.n, NULL, err);
    batch_release(&b);
    return rc;
}

/* Split "a,b" into an array of owned strings. */
static void join_units(const char *const *u, size_t n, struct mu_buf *b)
{
    for (size_t i = 0; i < n; i++) {
        if (i)
            mu_buf_addc(b, ',');
        mu_buf_adds(b, u[i]);
    }
}

static enum mu_err check_field(const char *name, const char *v, size_t max, struct mu_error *err)
{
    if (v && strlen(v) > max)
        return mu_error_field(err, MU_EINVAL, name, "%s is longer than %zu bytes", name, max);
    if (v && strpbrk(v, "\r\n") && max <= MU_CASE_MAX_FIELD)
        return mu_error_field(err, MU_EINVAL, name, "%s has a line break", name);
    return MU_OK;
}

/* ---------------------------------------------------------------- register */

enum mu_err mu_app_case_register(struct mu_store *s, const struct mu_actor *actor,
                                 const struct mu_case_keyring *kr, const struct mu_calendar *cal,
                                 const struct mu_case_input *in, int64_t *id,
                                 char code[MU_CASE_CODE_LEN + 1], struct mu_error *err)
{
    struct mu_case c;
    struct mu_case_limits lim;
    struct mu_buf units;
    enum mu_err rc = MU_OK;
    int64_t new_id = 0;
    memset(&c, 0, sizeof(c));
    mu_buf_init(&units, 64 * 1024);

    if (!cal)
        return mu_error_set(err, MU_EINTERNAL, "no working-day calendar loaded");
    if (!in->subject || !*in->subject)
        return mu_error_field(err, MU_EINVAL, "subject", "the subject is required");
    if (!in->channel || !mu_case_channel_valid(in->channel))
        return mu_error_field(err, MU_EINVAL, "channel", "channel '%.40s' is not one of %s",
                              in->channel ? in->channel : "", MU_CASE_CHANNELS);
    if ((!in->phone || !*in->phone) && (!in->address || !*in->address))
        return mu_error_field(err, MU_EINVAL, "phone",
                              "a way to reply is required: a phone number or an address");
    if ((rc = check_field("subject", in->subject, MU_CASE_MAX_SUBJECT, err)) ||
        (rc = check_field("description", in->description, MU_CASE_MAX_TEXT, err)) ||
        (rc = check_field("category", in->category, MU_CASE_MAX_FIELD, err)) ||
        (rc = check_field("place", in->place, MU_CASE_MAX_FIELD, err)) ||
        (rc = check_field("name", in->name, MU_CASE_MAX_FIELD, err)) ||
        (rc = check_field("phone", in->phone, MU_CASE_MAX_FIELD, err)) ||
        (rc = check_field("address", in->address, MU_CASE_MAX_FIELD, err)) ||
        (rc = check_field("id_number", in->id_number, MU_CASE_MAX_FIELD, err)))
        return rc;
    if (in->nunits > MU_CASE_MAX_UNITS)
        return mu_error_field(err, MU_EINVAL, "unit", "more than %d units", MU_CASE_MAX_UNITS);
    for (size_t i = 0; i < in->nunits; i++)
        if (!in->units[i] || !*in->units[i] || strchr(in->units[i], ',') ||
            (rc = check_field("unit", in->units[i], MU_CASE_MAX_FIELD, err)))
            return rc ? rc
                      : mu_error_field(err, MU_EINVAL, "unit", "unit %zu is empty or has a comma",
                                       i + 1);
    char last4[5] = "";
    if (in->phone && *in->phone && (rc = mu_case_phone_last4(in->phone, last4, err)))
        return rc;
    if ((rc = mu_app_case_limits(s, &lim, err)))
        return rc;
    mu_case_flow_init(&c.flow, in->received);
    if ((rc = mu_case_deadlines_compute(&c.flow, &lim, cal, &c.dl, err)))
        return rc;
    join_units(in->units, in->nunits, &units);
    c.channel = (char *)in->channel;
    c.subject = (char *)in->subject;
    c.description = (char *)(in->description ? in->description : "");
    c.category = (char *)(in->category ? in->category : "");
    c.place = (char *)(in->place ? in->place : "");
    c.units = units.ptr ? units.ptr : (char *)"";
    c.matter_id = in->matter;
    char *sealed[4] = {NULL, NULL, NULL, NULL};
    const char *plain[4] = {in->name, in->phone, in->address, in->id_number};
    for (int i = 0; rc == MU_OK && i < 4; i++)
        rc = mu_case_seal(kr, plain[i], &sealed[i], err);
    char hash[65];
    if (rc)
        goto out;
    c.name_enc = sealed[0];
    c.phone_enc = sealed[1];
    c.address_enc = sealed[2];
    c.id_number_enc = sealed[3];
    rc = mu_store_begin(s, err);
    if (rc)
        goto out;
    for (int attempt = 0; attempt < 5; attempt++) {
        mu_case_code_generate(c.tracking_code);
        c.lookup_hash = NULL;
        if (last4[0]) {
            if ((rc = mu_case_lookup_hash(kr, last4, c.tracking_code, hash, err)))
                break;
            c.lookup_hash = hash;
        }
        rc = mu_store_case_insert(s, actor, &c, in->units, in->nunits, &new_id, err);
        if (rc != MU_ECONFLICT || strcmp(err ? err->msg : "", "tracking code is taken") != 0)
            break;
    }
    if (rc == MU_OK) {
        c.id = new_id;
        rc = remind(s, actor, &c, err);
    }
    if (rc == MU_OK)
        rc = mu_store_commit(s, err);
    else
        mu_store_rollback(s);
    if (rc == MU_OK) {
        if (id)
            *id = new_id;
        if (code)
            memcpy(code, c.tracking_code, MU_CASE_CODE_LEN + 1);
    }
out:
    for (int i = 0; i < 4; i++)
        mu_free(sealed[i]);
    mu_buf_release(&units);
    return rc;
}

/* ---------------------------------------------------------------- steps */

static const char *action_kind(const struct mu_case_step *st, const struct mu_case_flow *before)
{
    switch (st->op) {
    case MU_CASE_OP_NOTE:
        return st->note_kind && strcmp(st->note_kind, "meeting") == 0 ? "meeting" : "supervision";
    case MU_CASE_OP_REPLY:
        return before->state == MU_CASE_ACCEPTED ? "reply" : "review_reply";
    default:
        return mu_case_op_name(st->op);
    }
}

enum mu_err mu_app_case_step(struct mu_store *s, const struct mu_actor *actor,
                             const struct mu_calendar *cal, int64_t id,
                             const struct mu_case_step *st, struct mu_error *err)
{
    struct mu_case c;
    struct mu_case_limits lim;
    struct mu_buf units, summary;
    char *old_handling = NULL, *old_leader = NULL, *old_outcome = NULL;
    memset(&c, 0, sizeof(c));
    mu_buf_init(&units, 64 * 1024);
    mu_buf_init(&summary, 4096);
    if (!cal)
        return mu_error_set(err, MU_EINTERNAL, "no working-day calendar loaded");
    enum mu_err rc = mu_app_case_limits(s, &lim, err);
    if (rc)
        return rc;
    rc = mu_store_begin(s, err);
    if (rc)
        return rc;
    rc = mu_store_case_get(s, id, &c, err);
    if (rc)
        goto out;
    struct mu_case_flow before = c.flow;
    rc = mu_case_apply(&c.flow, st, &lim, cal, err);
    if (rc == MU_OK)
        rc = mu_case_deadlines_compute(&c.flow, &lim, cal, &c.dl, err);
    if (rc)
        goto out;
    const char *kind = action_kind(st, &before);
    mu_buf_printf(&summary, "%s", kind);
    if (before.state != c.flow.state)
        mu_buf_printf(&summary, ": %s -> %s", mu_case_state_name(before.state),
                      mu_case_state_name(c.flow.state));
    struct mu_case_action_new act = {kind, st->on, st->text ? st->text : "", 0};
    const char *const *handling = NULL;
    size_t nhandling = 0;
    switch (st->op) {
    case MU_CASE_OP_ASSIGN:
        old_leader = c.leader;
        old_handling = c.handling;
        c.leader = mu_strdup(st->leader && *st->leader ? st->leader : old_leader);
        if (st->nunits) {
            join_units(st->units, st->nunits, &units);
            c.handling = mu_strdup(units.ptr ? units.ptr : "");
            handling = st->units;
            nhandling = st->nunits;
        } else {
            c.handling = mu_strdup(old_handling);
        }
        if (!c.leader || !c.handling) {
            rc = mu_error_set(err, MU_ENOMEM, "out of memory");
            goto out;
        }
        mu_buf_printf(&summary, ": leader '%s', units '%s'", c.leader, c.handling);
        act.text = summary.ptr + strlen("assign: ");
        break;
    case MU_CASE_OP_EXTEND:
        mu_buf_printf(&summary, " by %d days", st->days);
        act.public_ = 1;
        break;
    case MU_CASE_OP_REPLY:
        if (st->outcome && *st->outcome) {
            old_outcome = c.outcome;
            c.outcome = mu_strdup(st->outcome);
            if (!c.outcome) {
                rc = mu_error_set(err, MU_ENOMEM, "out of memory");
                goto out;
            }
            mu_buf_printf(&summary, ", outcome %s", st->outcome);
        }
        act.public_ = 1;
        break;
    case MU_CASE_OP_ACCEPT:
    case MU_CASE_OP_REJECT:
    case MU_CASE_OP_REVIEW:
    case MU_CASE_OP_CLOSE:
        act.public_ = 1;
        break;
    default:
        break;
    }
    if (summary.ptr == NULL) {
        rc = mu_error_set(err, MU_ENOMEM, "out of memory");
        goto out;
    }
    char action[48];
    snprintf(action, sizeof(action), "case.%s", mu_case_op_name(st->op));
    rc = mu_store_case_update(s, actor, &c, handling, nhandling, &act, action, summary.ptr, err);
    if (rc == MU_OK && st->op == MU_CASE_OP_REJECT) {
        struct mu_case_action_new b = {"reject_body", st->on, st->body, 1};
        rc = mu_store_case_update(s, actor, &c, NULL, 0, &b, "case.reject",
                                  "the body the complainant may turn to", err);
    }
    if (rc == MU_OK && (before.state != c.flow.state || st->op == MU_CASE_OP_EXTEND ||
                        st->op == MU_CASE_OP_ASSIGN))
        rc = remind(s, actor, &c, err);
out:
    if (rc == MU_OK)
        rc = mu_store_commit(s, err);
    else
        mu_store_rollback(s);
    mu_free(old_handling);
    mu_free(old_leader);
    mu_free(old_outcome);
    mu_case_release(&c);
    mu_buf_release(&units);
    mu_buf_release(&summary);
    return case_prefix(id, rc, err);
}

/* ---------------------------------------------------------------- show */

static json_t *deadlines_json(const struct mu_case *c)
{
    json_t *d = json_object();
    json_object_set_new(d, "accept", day_json(c->dl.accept));
    if (c->dl.handle != MU_CASE_NO_DAY)
        json_object_set_new(d, "handle", day_json(c->dl.handle));
    if (c->dl.review_request != MU_CASE_NO_DAY)
        json_object_set_new(d, "review_request", day_json(c->dl.review_request));
    if (c->dl.review != MU_CASE_NO_DAY)
        json_object_set_new(d, "review", day_json(c->dl.review));
    return d;
}

static json_t *units_json(const char *csv)
{
    json_t *a = json_array();
    const char *p = csv ? csv : "";
    while (*p) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        json_array_append_new(a, json_stringn(p, len));
        p += len + (e ? 1 : 0);
    }
    return a;
}

static json_t *case_json(const struct mu_case *c, int brief)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(c->id));
    json_object_set_new(o, "tracking_code", json_string(c->tracking_code));
    json_object_set_new(o, "matter", json_integer(c->matter_id));
    json_object_set_new(o, "state", json_string(mu_case_state_name(c->flow.state)));
    json_object_set_new(o, "channel", json_string(c->channel));
    json_object_set_new(o, "subject", json_string(c->subject));
    if (!brief)
        json_object_set_new(o, "description", json_string(c->description));
    json_object_set_new(o, "category", json_string(c->category));
    json_object_set_new(o, "place", json_string(c->place));
    json_object_set_new(o, "units", units_json(c->units));
    json_object_set_new(o, "handling_units", units_json(c->handling));
    json_object_set_new(o, "leader", json_string(c->leader));
    json_object_set_new(o, "received", day_json(c->flow.received));
    json_object_set_new(o, "decided", day_json(c->flow.decided));
    json_object_set_new(o, "replied", day_json(c->flow.replied));
    json_object_set_new(o, "closed", day_json(c->flow.closed));
    json_object_set_new(o, "extend_days", json_integer(c->flow.extend_days));
    json_object_set_new(o, "review_level", json_integer(c->flow.review_level));
    json_object_set_new(o, "outcome", json_string(c->outcome));
    json_object_set_new(o, "deadlines", deadlines_json(c));
    json_object_set_new(o, "due", day_json(c->dl.due));
    json_object_set_new(o, "due_kind", c->dl.due_kind ? json_string(c->dl.due_kind) : json_null());
    json_object_set_new(o, "rating", c->rating ? json_integer(c->rating) : json_null());
    return o;
}

static int has_identity(const struct mu_case *c)
{
    return c->name_enc || c->phone_enc || c->address_enc || c->id_number_enc;
}

/* Open the four identity values of @p c into @p out (owned strings or NULL). */
static enum mu_err open_identity(const struct mu_case_keyring *kr, const struct mu_case *c,
                                 char *out[4], struct mu_error *err)
{
    const char *v[4] = {c->name_enc, c->phone_enc, c->address_enc, c->id_number_enc};
    enum mu_err rc = MU_OK;
    for (int i = 0; i < 4; i++)
        out[i] = NULL;
    for (int i = 0; rc == MU_OK && i < 4; i++)
        if (v[i])
            rc = mu_case_open(kr, v[i], &out[i], err);
    if (rc)
        for (int i = 0; i < 4; i++) {
            mu_free(out[i]);
            out[i] = NULL;
        }
    return rc;
}

static void free_identity(char *v[4])
{
    for (int i = 0; i < 4; i++)
        if (v[i]) {
            memset(v[i], 0, strlen(v[i]));
            mu_free(v[i]);
            v[i] = NULL;
        }
}

static enum mu_err audit_reveal(struct mu_store *s, const struct mu_actor *actor, int64_t id,
                                const char *why, struct mu_error *err)
{
    char object[32], summary[600];
    snprintf(object, sizeof(object), "case:%lld", (long long)id);
    snprintf(summary, sizeof(summary), "identity revealed to %s: %.500s", actor->name, why);
    return mu_store_audit_append(s, actor, "case.reveal", object, summary, err);
}

static enum mu_err check_reason(const char *reason, struct mu_error *err)
{
    if (!reason || !*reason)
        return mu_error_field(err, MU_EINVAL, "reason",
                              "a reason is required to reveal the complainant's identity");
    if (strlen(reason) > 500)
        return mu_error_field(err, MU_EINVAL, "reason", "the reason is longer than 500 bytes");
    return MU_OK;
}

enum mu_err mu_app_case_show_json(struct mu_store *s, const struct mu_actor *actor,
                                  const struct mu_case_keyring *kr, int64_t id, const char *reason,
                                  char **out, struct mu_error *err)
{
    struct mu_case c;
    struct mu_case_action *acts = NULL;
    size_t nacts = 0;
    char *ident[4] = {NULL, NULL, NULL, NULL};
    int reveal = kr != NULL;
    *out = NULL;
    if (reveal) {
        enum mu_err rc = check_reason(reason, err);
        if (rc)
            return rc;
    }
    enum mu_err rc = mu_store_case_get(s, id, &c, err);
    if (rc)
        return rc;
    rc = mu_store_case_actions(s, id, &acts, &nacts, err);
    if (rc == MU_OK && reveal)
        rc = open_identity(kr, &c, ident, err);
    if (rc == MU_OK && reveal)
        rc = audit_reveal(s, actor, id, reason, err);
    if (rc)
        goto out;
    json_t *o = case_json(&c, 0);
    json_object_set_new(o, "identity_on_file", json_boolean(has_identity(&c)));
    json_object_set_new(o, "identity_purged", json_boolean(c.purged_at != 0));
    if (reveal) {
        json_t *p = json_object();
        const char *names[4] = {"name", "phone", "address", "id_number"};
        for (int i = 0; i < 4; i++)
            json_object_set_new(p, names[i], ident[i] ? json_string(ident[i]) : json_null());
        json_object_set_new(o, "complainant", p);
    }
    json_t *a = json_array();
    for (size_t i = 0; i < nacts; i++) {
        json_t *e = json_object();
        char t[26];
        mu_local_format(acts[i].at, t);
        json_object_set_new(e, "kind", json_string(acts[i].kind));
        json_object_set_new(e, "on", day_json(acts[i].on));
        json_object_set_new(e, "at", json_string(t));
        json_object_set_new(e, "by", json_string(acts[i].actor));
        json_object_set_new(e, "text", json_string(acts[i].text));
        json_array_append_new(a, e);
    }
    json_object_set_new(o, "actions", a);
    rc = take_json(o, out, err);
out:
    free_identity(ident);
    mu_case_actions_free(acts, nacts);
    mu_case_release(&c);
    return case_prefix(id, rc, err);
}

/* ---------------------------------------------------------------- ledger */

static enum mu_err list_text(const struct mu_case *v, size_t n, struct mu_buf *b)
{
    enum mu_err rc = MU_OK;
    if (n == 0)
        return mu_buf_adds(b, "no cases\n");
    rc = mu_buf_printf(b, "%-6s %-14s %-18s %-10s %-10s %-6s %-9s %s\n", "ID", "CODE", "STATE",
                       "RECEIVED", "DUE", "FOR", "CHANNEL", "SUBJECT");
    for (size_t i = 0; rc == MU_OK && i < n; i++) {
        char rec[11], due[11];
        fmt_day(v[i].flow.received, rec);
        fmt_day(v[i].dl.due, due);
        rc = mu_buf_printf(b, "%-6lld %-14s %-18s %-10s %-10s %-6s %-9s %s\n", (long long)v[i].id,
                           v[i].tracking_code, mu_case_state_name(v[i].flow.state), rec,
                           due[0] ? due : "-", v[i].dl.due_kind ? v[i].dl.due_kind : "-",
                           v[i].channel, v[i].subject);
    }
    return rc;
}

enum mu_err mu_app_case_list(struct mu_store *s, const struct mu_case_filter *f,
                             enum mu_case_format fmt, char **out, struct mu_error *err)
{
    struct mu_case *v = NULL;
    size_t n = 0;
    struct mu_case_filter ff = f ? *f : (struct mu_case_filter){0};
    ff.with_identity = 0;
    *out = NULL;
    enum mu_err rc = mu_store_case_list(s, &ff, &v, &n, err);
    if (rc)
        return rc;
    if (fmt == MU_CASE_JSON) {
        json_t *a = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(a, case_json(&v[i], 1));
        mu_cases_free(v, n);
        return take_json(a, out, err);
    }
    struct mu_buf b;
    mu_buf_init(&b, OUT_MAX);
    rc = list_text(v, n, &b);
    mu_cases_free(v, n);
    return take_buf(&b, rc, out, err);
}

enum mu_err mu_app_case_due(struct mu_store *s, int32_t today, int within, enum mu_case_format fmt,
                            char **out, struct mu_error *err)
{
    struct mu_case_filter f = {.has_due = 1, .due_until = today + within};
    struct mu_case *v = NULL;
    size_t n = 0;
    *out = NULL;
    enum mu_err rc = mu_store_case_list(s, &f, &v, &n, err);
    if (rc)
        return rc;
    if (fmt == MU_CASE_JSON) {
        json_t *a = json_array();
        for (size_t i = 0; i < n; i++) {
            json_t *o = json_object();
            json_object_set_new(o, "id", json_integer(v[i].id));
            json_object_set_new(o, "tracking_code", json_string(v[i].tracking_code));
            json_object_set_new(o, "state", json_string(mu_case_state_name(v[i].flow.state)));
            json_object_set_new(o, "due", day_json(v[i].dl.due));
            json_object_set_new(o, "due_kind",
                                json_string(v[i].dl.due_kind ? v[i].dl.due_kind : ""));
            json_object_set_new(o, "overdue", json_boolean(v[i].dl.due < today));
            json_object_set_new(o, "days_left", json_integer(v[i].dl.due - today));
            json_object_set_new(o, "leader", json_string(v[i].leader));
            json_object_set_new(o, "subject", json_string(v[i].subject));
            json_array_append_new(a, o);
        }
        mu_cases_free(v, n);
        return take_json(a, out, err);
    }
    struct mu_buf b;
    mu_buf_init(&b, OUT_MAX);
    if (n == 0)
        rc = mu_buf_adds(&b, "nothing due\n");
    for (size_t i = 0; rc == MU_OK && i < n; i++) {
        char due[11];
        fmt_day(v[i].dl.due, due);
        int left = v[i].dl.due - today;
        char when[48];
        if (left < 0)
            snprintf(when, sizeof(when), "overdue by %d day%s", -left, left == -1 ? "" : "s");
        else if (left == 0)
            snprintf(when, sizeof(when), "today");
        else
            snprintf(when, sizeof(when), "in %d day%s", left, left == 1 ? "" : "s");
        rc = mu_buf_printf(&b, "case %lld  %s due %s (%s)  %s\n", (long long)v[i].id,
                           v[i].dl.due_kind ? v[i].dl.due_kind : "", due, when, v[i].subject);
    }
    mu_cases_free(v, n);
    return take_buf(&b, rc, out, err);
}

/* A name -> count table for statistics. */
struct tally {
    struct {
        char *key;
        size_t n;
    } v[256];
    size_t len;
};

static void tally_add(struct tally *t, const char *key, size_t len)
{
    for (size_t i = 0; i < t->len; i++)
        if (strlen(t->v[i].key) == len && strncmp(t->v[i].key, key, len) == 0) {
            t->v[i].n++;
            return;
        }
    if (t->len < 256 && (t->v[t->len].key = mu_strndup(key, len)) != NULL)
        t->v[t->len++].n = 1;
}

static void tally_release(struct tally *t)
{
    for (size_t i = 0; i < t->len; i++)
        mu_free(t->v[i].key);
    t->len = 0;
}

static json_t *tally_json(const struct tally *t)
{
    json_t *o = json_object();
    for (size_t i = 0; i < t->len; i++)
        json_object_set_new(o, t->v[i].key[0] ? t->v[i].key : "(none)",
                            json_integer((json_int_t)t->v[i].n));
    return o;
}

enum mu_err mu_app_case_stats(struct mu_store *s, enum mu_case_format fmt, char **out,
                              struct mu_error *err)
{
    struct mu_case *v = NULL;
    size_t n = 0;
    *out = NULL;
    enum mu_err rc = mu_store_case_list(s, NULL, &v, &n, err);
    if (rc)
        return rc;
    struct tally *t = mu_calloc(5, sizeof(*t));
    if (!t) {
        mu_cases_free(v, n);
        return mu_error_set(err, MU_ENOMEM, "out of memory");
    }
    size_t decided = 0, decided_on_time = 0, replied = 0, replied_on_time = 0, rated = 0;
    long rating_sum = 0;
    for (size_t i = 0; i < n; i++) {
        const struct mu_case *c = &v[i];
        tally_add(&t[0], c->category, strlen(c->category));
        tally_add(&t[2], c->channel, strlen(c->channel));
        const char *st = mu_case_state_name(c->flow.state);
        tally_add(&t[3], st, strlen(st));
        tally_add(&t[4], c->outcome, strlen(c->outcome));
        for (const char *p = c->units; *p;) {
            const char *e = strchr(p, ',');
            size_t len = e ? (size_t)(e - p) : strlen(p);
            tally_add(&t[1], p, len);
            p += len + (e ? 1 : 0);
        }
        if (c->flow.decided != MU_CASE_NO_DAY) {
            decided++;
            decided_on_time += c->flow.decided <= c->dl.accept;
        }
        if (c->flow.replied != MU_CASE_NO_DAY && c->dl.handle != MU_CASE_NO_DAY) {
            replied++;
            replied_on_time += c->flow.replied <= c->dl.handle;
        }
        if (c->rating) {
            rated++;
            rating_sum += c->rating;
        }
    }
    const char *names[5] = {"by_category", "by_unit", "by_channel", "by_state", "by_outcome"};
    if (fmt == MU_CASE_JSON) {
        json_t *o = json_object();
        json_object_set_new(o, "cases", json_integer((json_int_t)n));
        for (int i = 0; i < 5; i++)
            json_object_set_new(o, names[i], tally_json(&t[i]));
        json_t *ot = json_object();
        json_object_set_new(ot, "decided", json_integer((json_int_t)decided));
        json_object_set_new(ot, "decided_on_time", json_integer((json_int_t)decided_on_time));
        json_object_set_new(ot, "replied", json_integer((json_int_t)replied));
        json_object_set_new(ot, "replied_on_time", json_integer((json_int_t)replied_on_time));
        json_object_set_new(ot, "rate",
                            decided + replied
                                ? json_real((double)(decided_on_time + replied_on_time) /
                                            (double)(decided + replied))
                                : json_null());
        json_object_set_new(o, "on_time", ot);
        json_object_set_new(o, "ratings", json_integer((json_int_t)rated));
        json_object_set_new(o, "rating_average",
                            rated ? json_real((double)rating_sum / (double)rated) : json_null());
        rc = take_json(o, out, err);
    } else {
        struct mu_buf b;
        mu_buf_init(&b, OUT_MAX);
        rc = mu_buf_printf(&b, "cases %zu\n", n);
        for (int i = 0; rc == MU_OK && i < 5; i++) {
            rc = mu_buf_printf(&b, "%s:\n", names[i]);
            for (size_t k = 0; rc == MU_OK && k < t[i].len; k++)
                rc = mu_buf_printf(&b, "  %-20s %zu\n", t[i].v[k].key[0] ? t[i].v[k].key : "(none)",
                                   t[i].v[k].n);
        }
        if (rc == MU_OK)
            rc = mu_buf_printf(&b, "on time: decided %zu of %zu, replied %zu of %zu\n",
                               decided_on_time, decided, replied_on_time, replied);
        if (rc == MU_OK && rated)
            rc = mu_buf_printf(&b, "rating: %.2f from %zu ratings\n",
                               (double)rating_sum / (double)rated, rated);
        rc = take_buf(&b, rc, out, err);
    }
    for (int i = 0; i < 5; i++)
        tally_release(&t[i]);
    mu_free(t);
    mu_cases_free(v, n);
    return rc;
}

enum mu_err mu_app_case_list_xlsx(struct mu_store *s, const struct mu_actor *actor,
                                  const struct mu_case_filter *f, const struct mu_case_keyring *kr,
                                  const char *reason, const char *path, struct mu_error *err)
{
    struct mu_case *v = NULL;
    size_t n = 0;
    int ident = kr != NULL;
    struct mu_case_filter ff = f ? *f : (struct mu_case_filter){0};
    enum mu_err rc = MU_OK;
    if (ident && (rc = check_reason(reason, err)))
        return rc;
    ff.with_identity = ident;
    rc = mu_store_case_list(s, &ff, &v, &n, err);
    if (rc)
        return rc;
    lxw_workbook *wb = workbook_new(path);
    if (!wb) {
        mu_cases_free(v, n);
        return mu_error_set(err, MU_EIO, "cannot create '%s'", path);
    }
    lxw_worksheet *ws = workbook_add_worksheet(wb, "台账");
    lxw_format *bold = workbook_add_format(wb);
    format_set_bold(bold);
    const char *head[] = {"编号",     "查询码",   "渠道",     "事项",     "类别",
                          "地点",     "涉及单位", "承办单位", "包案领导", "状态",
                          "登记日期", "受理期限", "办理期限", "答复日期", "结果",
                          "评价",     "姓名",     "电话",     "地址",     "身份证号"};
    int ncols = ident ? 20 : 16;
    for (int i = 0; i < ncols; i++)
        worksheet_write_string(ws, 0, (lxw_col_t)i, head[i], bold);
    if (ident) {
        rc = mu_store_begin(s, err);
        if (rc)
            goto out;
    }
    for (size_t i = 0; rc == MU_OK && i < n; i++) {
        const struct mu_case *c = &v[i];
        lxw_row_t r = (lxw_row_t)(i + 1);
        char d1[11], d2[11], d3[11], d4[11];
        fmt_day(c->flow.received, d1);
        fmt_day(c->dl.accept, d2);
        fmt_day(c->dl.handle, d3);
        fmt_day(c->flow.replied, d4);
        const char *cells[16] = {NULL,        c->tracking_code,
                                 c->channel,  c->subject,
                                 c->category, c->place,
                                 c->units,    c->handling,
                                 c->leader,   mu_case_state_name(c->flow.state),
                                 d1,          d2,
                                 d3,          d4,
                                 c->outcome,  NULL};
        worksheet_write_number(ws, r, 0, (double)c->id, NULL);
        for (int k = 1; k < 15; k++)
            worksheet_write_string(ws, r, (lxw_col_t)k, cells[k], NULL);
        if (c->rating)
            worksheet_write_number(ws, r, 15, c->rating, NULL);
        if (ident && has_identity(c)) {
            char *id4[4];
            rc = open_identity(kr, c, id4, err);
            for (int k = 0; rc == MU_OK && k < 4; k++)
                if (id4[k])
                    worksheet_write_string(ws, r, (lxw_col_t)(16 + k), id4[k], NULL);
            if (rc == MU_OK)
                rc = audit_reveal(s, actor, c->id, reason, err);
            free_identity(id4);
        }
    }
    if (rc == MU_OK) {
        char summary[700];
        snprintf(summary, sizeof(summary), "%zu cases to XLSX%s%.500s", n,
                 ident ? " with identity: " : " without identity", ident ? reason : "");
        rc = mu_store_audit_append(s, actor, "case.export", "cases", summary, err);
    }
    if (ident) {
        if (rc == MU_OK)
            rc = mu_store_commit(s, err);
        else
            mu_store_rollback(s);
    }
out:;
    lxw_error xe = workbook_close(wb);
    if (rc == MU_OK && xe != LXW_NO_ERROR)
        rc = mu_error_set(err, MU_EIO, "cannot write '%s': %s", path, lxw_strerror(xe));
    if (rc)
        remove(path);
    mu_cases_free(v, n);
    return rc;
}

/* ---------------------------------------------------------------- documents */

static enum mu_err add_md(struct mu_buf *b, enum mu_case_format fmt, const char *s)
{
    return fmt == MU_CASE_HTML ? mu_buf_add_html(b, s, strlen(s)) : mu_buf_adds(b, s);
}

enum mu_err mu_app_case_handover(struct mu_store *s, const struct mu_actor *actor, int64_t id,
                                 enum mu_case_format fmt, char **out, struct mu_error *err)
{
    struct mu_case c;
    struct mu_buf b;
    *out = NULL;
    enum mu_err rc = mu_store_case_get(s, id, &c, err);
    if (rc)
        return case_prefix(id, rc, err);
    mu_buf_init(&b, OUT_MAX);
    char rec[11], due[11];
    fmt_day(c.flow.received, rec);
    fmt_day(c.dl.handle != MU_CASE_NO_DAY ? c.dl.handle : c.dl.accept, due);
    /* Only the matter and the work to do: no name, phone, address, ID number or code. */
    const char *rows[][2] = {
        {"案件编号 Case", NULL},         {"登记日期 Received", rec},
        {"来源渠道 Channel", c.channel}, {"类别 Category", c.category},
        {"地点 Place", c.place},         {"涉及单位 Units concerned", c.units},
        {"包案领导 Leader", c.leader},   {"承办单位 Handling units", c.handling},
        {"办理期限 Due", due},           {"事项 Subject", c.subject},
    };
    char idtext[24];
    snprintf(idtext, sizeof(idtext), "%lld", (long long)c.id);
    rows[0][1] = idtext;
    if (fmt == MU_CASE_HTML)
        rc = mu_buf_adds(&b, "<!DOCTYPE html>\n<html lang=\"zh\"><head><meta charset=\"utf-8\">"
                             "<title>交办单</title></head><body>\n<h1>信访事项交办单</h1>\n"
                             "<table>\n");
    else
        rc = mu_buf_adds(&b, "# 信访事项交办单\n\n");
    for (size_t i = 0; rc == MU_OK && i < sizeof(rows) / sizeof(rows[0]); i++) {
        if (fmt == MU_CASE_HTML) {
            rc = mu_buf_adds(&b, "<tr><th>");
            if (!rc)
                rc = add_md(&b, fmt, rows[i][0]);
            if (!rc)
                rc = mu_buf_adds(&b, "</th><td>");
            if (!rc)
                rc = add_md(&b, fmt, rows[i][1]);
            if (!rc)
                rc = mu_buf_adds(&b, "</td></tr>\n");
        } else {
            rc = mu_buf_printf(&b, "- %s: %s\n", rows[i][0], rows[i][1]);
        }
    }
    if (rc == MU_OK && fmt == MU_CASE_HTML) {
        rc = mu_buf_adds(&b, "</table>\n<h2>反映内容 Description</h2>\n<p>");
        if (!rc)
            rc = add_md(&b, fmt, c.description);
        if (!rc)
            rc = mu_buf_adds(&b, "</p>\n<p>本交办单不含信访人身份信息。This hand-over carries no "
                                 "identity of the complainant.</p>\n</body></html>\n");
    } else if (rc == MU_OK) {
        rc = mu_buf_printf(&b,
                           "\n## 反映内容 Description\n\n%s\n\n本交办单不含信访人身份信息。"
                           "This hand-over carries no identity of the complainant.\n",
                           c.description);
    }
    if (rc == MU_OK) {
        char object[32];
        snprintf(object, sizeof(object), "case:%lld", (long long)id);
        rc = mu_store_audit_append(s, actor, "case.handover", object, "hand-over printed", err);
    }
    mu_case_release(&c);
    return case_prefix(id, take_buf(&b, rc, out, err), err);
}

/* The default notices; docs/case-notices/ holds the same text to edit. */
static const char *default_template(const char *kind)
{
    if (strcmp(kind, "accept") == 0)
        return "# 受理告知书\n\n{{complainant}}：\n\n"
               "您于 {{received}} 提出的信访事项（{{subject}}）已于 {{decided}} 受理，"
               "我们将在 {{handle_due}} 前办理完毕并书面答复您。\n\n"
               "查询码：{{tracking_code}}（凭查询码和电话号码后四位查询办理进展）\n\n"
               "{{office}}\n{{date}}\n";
    if (strcmp(kind, "reject") == 0)
        return "# 不予受理告知书\n\n{{complainant}}：\n\n"
               "您于 {{received}} 提出的信访事项（{{subject}}），经审查不予受理。\n\n"
               "理由：{{reason}}\n\n您可以向 {{body}} 提出。\n\n"
               "查询码：{{tracking_code}}\n\n{{office}}\n{{date}}\n";
    if (strcmp(kind, "extend") == 0)
        return "# 延期告知书\n\n{{complainant}}：\n\n"
               "您于 {{received}} 提出的信访事项（{{subject}}），因 {{reason}}，"
               "办理期限延长 {{extend_days}} 日，至 {{handle_due}}。\n\n"
               "查询码：{{tracking_code}}\n\n{{office}}\n{{date}}\n";
    if (strcmp(kind, "reply") == 0)
        return "# 答复意见书\n\n{{complainant}}：\n\n"
               "您于 {{received}} 提出的信访事项（{{subject}}），答复如下：\n\n{{reply}}\n\n"
               "如不服本答复意见，可以自收到之日起 30 日内请求复查（至 "
               "{{review_request_due}}）。\n\n"
               "查询码：{{tracking_code}}\n\n{{office}}\n{{date}}\n";
    return NULL;
}

static char *read_template(const char *dir, const char *kind)
{
    char path[4200];
    snprintf(path, sizeof(path), "%s/%s.md", dir, kind);
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = mu_malloc(TEMPLATE_MAX + 1);
    size_t n = buf ? fread(buf, 1, TEMPLATE_MAX, f) : 0;
    fclose(f);
    if (buf)
        buf[n] = '\0';
    return buf;
}

/* The text of the last action of @p kind, or "". */
static const char *last_text(const struct mu_case_action *a, size_t n, const char *kind)
{
    const char *t = "";
    for (size_t i = 0; i < n; i++)
        if (strcmp(a[i].kind, kind) == 0)
            t = a[i].text;
    return t;
}

enum mu_err mu_app_case_notice(struct mu_store *s, const struct mu_actor *actor,
                               const struct mu_case_keyring *kr, int64_t id, const char *kind,
                               const char *dir, enum mu_case_format fmt, char **out,
                               struct mu_error *err)
{
    struct mu_case c;
    struct mu_case_action *acts = NULL;
    size_t nacts = 0;
    char *ident[4] = {NULL, NULL, NULL, NULL};
    char *tmpl = NULL, *office = NULL, *setdir = NULL;
    struct mu_buf b;
    *out = NULL;
    const char *def = kind ? default_template(kind) : NULL;
    if (!def)
        return mu_error_field(err, MU_EINVAL, "kind",
                              "notice kind '%.40s' is not accept, reject, extend or reply",
                              kind ? kind : "");
    enum mu_err rc = mu_store_case_get(s, id, &c, err);
    if (rc)
        return case_prefix(id, rc, err);
    mu_buf_init(&b, OUT_MAX);
    /* The notice must match what happened. */
    int ok = (strcmp(kind, "accept") == 0 && c.flow.decided != MU_CASE_NO_DAY &&
              c.flow.state != MU_CASE_REJECTED && c.dl.handle != MU_CASE_NO_DAY) ||
             (strcmp(kind, "reject") == 0 && c.flow.state == MU_CASE_REJECTED) ||
             (strcmp(kind, "extend") == 0 && c.flow.extend_days > 0) ||
             (strcmp(kind, "reply") == 0 && c.flow.replied != MU_CASE_NO_DAY);
    if (!ok) {
        rc = mu_error_set(err, MU_ECONFLICT, "no %s notice: the case is '%s'", kind,
                          mu_case_state_name(c.flow.state));
        goto out;
    }
    if ((rc = mu_store_case_actions(s, id, &acts, &nacts, err)))
        goto out;
    if (!dir && mu_store_setting_get(s, "case.notice_dir", &setdir, NULL) == MU_OK)
        dir = setdir;
    if (dir && !(tmpl = read_template(dir, kind))) {
        rc = mu_error_set(err, MU_EIO, "cannot read notice template '%s/%s.md'", dir, kind);
        goto out;
    }
    if (mu_store_setting_get(s, "case.office", &office, NULL) != MU_OK)
        office = NULL;
    if (kr && c.name_enc) {
        if ((rc = open_identity(kr, &c, ident, err)))
            goto out;
        char why[64];
        snprintf(why, sizeof(why), "%s notice to the complainant", kind);
        if ((rc = audit_reveal(s, actor, id, why, err)))
            goto out;
    }
    char rec[11], dec[11], hd[11], rrd[11], today[11], days[16];
    fmt_day(c.flow.received, rec);
    fmt_day(c.flow.decided, dec);
    fmt_day(c.dl.handle, hd);
    fmt_day(c.dl.review_request, rrd);
    fmt_day(mu_local_day(actor->now_ms, NULL), today);
    snprintf(days, sizeof(days), "%d", c.flow.extend_days);
    const char *reason = strcmp(kind, "reject") == 0 ? last_text(acts, nacts, "reject")
                                                     : last_text(acts, nacts, "extend");
    const char *vars[][2] = {
        {"complainant", ident[0] ? ident[0] : "信访人"},
        {"tracking_code", c.tracking_code},
        {"subject", c.subject},
        {"received", rec},
        {"decided", dec},
        {"handle_due", hd},
        {"review_request_due", rrd},
        {"extend_days", days},
        {"reason", reason},
        {"body", last_text(acts, nacts, "reject_body")},
        {"reply", last_text(acts, nacts, "reply")},
        {"office", office ? office : ""},
        {"date", today},
        {"case", NULL},
    };
    char idtext[24];
    snprintf(idtext, sizeof(idtext), "%lld", (long long)c.id);
    vars[13][1] = idtext;
    const char *t = tmpl ? tmpl : def;
    if (fmt == MU_CASE_HTML)
        rc = mu_buf_adds(&b, "<!DOCTYPE html>\n<html lang=\"zh\"><head><meta charset=\"utf-8\">"
                             "</head><body><pre class=\"notice\">");
    while (rc == MU_OK && *t) {
        const char *open = strstr(t, "{{");
        const char *close = open ? strstr(open + 2, "}}") : NULL;
        size_t lit = open && close ? (size_t)(open - t) : strlen(t);
        rc = fmt == MU_CASE_HTML ? mu_buf_add_html(&b, t, lit) : mu_buf_add(&b, t, lit);
        if (rc || !open || !close)
            break;
        size_t nlen = (size_t)(close - open - 2);
        const char *val = NULL;
        for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
            if (strlen(vars[i][0]) == nlen && strncmp(vars[i][0], open + 2, nlen) == 0)
                val = vars[i][1];
        if (!val) {
            rc = mu_error_set(err, MU_EINVAL,
                              "notice template '%s': unknown placeholder "
                              "'{{%.*s}}'",
                              kind, (int)(nlen > 40 ? 40 : nlen), open + 2);
            break;
        }
        rc = add_md(&b, fmt, val);
        t = close + 2;
    }
    if (rc == MU_OK && fmt == MU_CASE_HTML)
        rc = mu_buf_adds(&b, "</pre></body></html>\n");
out:
    free_identity(ident);
    mu_free(tmpl);
    mu_free(office);
    mu_free(setdir);
    mu_case_actions_free(acts, nacts);
    mu_case_release(&c);
    return case_prefix(id, take_buf(&b, rc, out, err), err);
}

/* ---------------------------------------------------------------- maintenance */

struct purge_ctx {
    struct mu_store *s;
    const struct mu_actor *actor;
    size_t n;
};

static enum mu_err purge_one(struct purge_ctx *p, const struct mu_case *c, struct mu_error *err)
{
    enum mu_err rc = mu_store_case_set_identity(p->s, c->id, NULL, NULL, NULL, NULL, NULL,
                                                p->actor->now_ms, err);
    if (rc == MU_OK) {
        char object[32];
        snprintf(object, sizeof(object), "case:%lld", (long long)c->id);
        rc = mu_store_audit_append(p->s, p->actor, "case.purge", object,
                                   "personal data removed; matter, actions and outcome kept", err);
    }
    if (rc == MU_OK)
        p->n++;
    return rc;
}

enum mu_err mu_app_case_purge(struct mu_store *s, const struct mu_actor *actor, int32_t before,
                              size_t *count, struct mu_error *err)
{
    struct mu_case_filter f = {.has_closed_before = 1, .closed_before = before};
    struct mu_case *v = NULL;
    size_t n = 0;
    struct purge_ctx p = {s, actor, 0};
    enum mu_err rc = mu_store_begin(s, err);
    if (rc)
        return rc;
    rc = mu_store_case_list(s, &f, &v, &n, err);
    for (size_t i = 0; rc == MU_OK && i < n; i++)
        rc = purge_one(&p, &v[i], err);
    mu_cases_free(v, n);
    if (rc == MU_OK)
        rc = mu_store_commit(s, err);
    else
        mu_store_rollback(s);
    if (rc == MU_OK && count)
        *count = p.n;
    return rc;
}

static int same_dl(const struct mu_case_deadlines *a, const struct mu_case_deadlines *b)
{
    return a->accept == b->accept && a->handle == b->handle &&
           a->review_request == b->review_request && a->review == b->review && a->due == b->due;
}

enum mu_err mu_app_case_recompute(struct mu_store *s, const struct mu_actor *actor,
                                  const struct mu_calendar *cal, size_t *changed,
                                  struct mu_error *err)
{
    struct mu_case_limits lim;
    struct mu_case_filter f = {.open_only = 1};
    struct mu_case *v = NULL;
    size_t n = 0, nchanged = 0;
    if (!cal)
        return mu_error_set(err, MU_EINTERNAL, "no working-day calendar loaded");
    enum mu_err rc = mu_app_case_limits(s, &lim, err);
    if (rc)
        return rc;
    rc = mu_store_begin(s, err);
    if (rc)
        return rc;
    struct remind_batch b;
    int64_t *moved = NULL;
    size_t nmoved = 0;
    rc = batch_init(s, &b, err);
    if (rc == MU_OK)
        rc = mu_store_case_list(s, &f, &v, &n, err);
    if (rc == MU_OK && n && !(moved = mu_calloc(n, sizeof(*moved))))
        rc = mu_error_set(err, MU_ENOMEM, "out of memory");
    for (size_t i = 0; rc == MU_OK && i < n; i++) {
        struct mu_case_deadlines d;
        rc = mu_case_deadlines_compute(&v[i].flow, &lim, cal, &d, err);
        if (rc || same_dl(&d, &v[i].dl))
            continue;
        int due_moved = d.due != v[i].dl.due;
        v[i].dl = d;
        rc = mu_store_case_set_deadlines(s, v[i].id, &d, err);
        if (rc == MU_OK && due_moved) {
            moved[nmoved++] = v[i].id;
            rc = batch_add(&b, &v[i], err);
        }
        nchanged++;
    }
    /* The reminders of every moved deadline: one cancel and one add for all. */
    if (rc == MU_OK)
        rc = mu_store_case_reminders_cancel(s, actor, moved, nmoved, NULL, err);
    if (rc == MU_OK && b.n)
        rc = mu_store_notice_add(s, actor, b.v, b.n, NULL, err);
    batch_release(&b);
    mu_free(moved);
    mu_cases_free(v, n);
    if (rc == MU_OK) {
        char summary[96];
        snprintf(summary, sizeof(summary), "deadlines of %zu open cases changed", nchanged);
        rc = mu_store_audit_append(s, actor, "case.recompute", "cases", summary, err);
    }
    if (rc == MU_OK)
        rc = mu_store_commit(s, err);
    else
        mu_store_rollback(s);
    if (rc == MU_OK && changed)
        *changed = nchanged;
    return rc;
}

struct rotate_ctx {
    struct mu_store *s;
    const struct mu_case_keyring *kr;
    size_t n;
};

static enum mu_err reseal(void *ctx, const struct mu_case *c, struct mu_error *err)
{
    struct rotate_ctx *r = ctx;
    char *plain[4], *sealed[4] = {NULL, NULL, NULL, NULL}, hash[65], last4[5];
    if (!has_identity(c))
        return MU_OK;
    enum mu_err rc = open_identity(r->kr, c, plain, err);
    if (rc)
        return case_prefix(c->id, rc, err);
    for (int i = 0; rc == MU_OK && i < 4; i++)
        rc = mu_case_seal(r->kr, plain[i], &sealed[i], err);
    int has_hash = 0;
    if (rc == MU_OK && plain[1] && mu_case_phone_last4(plain[1], last4, NULL) == MU_OK) {
        rc = mu_case_lookup_hash(r->kr, last4, c->tracking_code, hash, err);
        has_hash = 1;
    }
    if (rc == MU_OK)
        rc = mu_store_case_set_identity(r->s, c->id, sealed[0], sealed[1], sealed[2], sealed[3],
                                        has_hash ? hash : NULL, c->purged_at, err);
    if (rc == MU_OK)
        r->n++;
    free_identity(plain);
    for (int i = 0; i < 4; i++)
        mu_free(sealed[i]);
    return rc;
}

enum mu_err mu_app_case_key_rotate(struct mu_store *s, const struct mu_actor *actor,
                                   const char *path, size_t *count, char *new_id,
                                   struct mu_error *err)
{
    struct mu_case_keyring old, both;
    enum mu_err rc = mu_case_keyfile_load(path, &old, err);
    if (rc)
        return rc;
    memset(&both, 0, sizeof(both));
    mu_case_key_generate(&both.keys[0]);
    both.n = 1;
    for (size_t i = 0; i < old.n && both.n < MU_CASE_MAX_KEYS; i++)
        both.keys[both.n++] = old.keys[i];
    /* First the file with both keys: whatever happens next, every value opens. */
    rc = mu_case_keyfile_write(path, &both, err);
    struct rotate_ctx r = {s, &both, 0};
    if (rc == MU_OK)
        rc = mu_store_begin(s, err);
    if (rc)
        goto out;
    rc = mu_store_case_scan(s, 0, 1, reseal, &r, err);
    /* Case files are sealed with the same key and move with it. */
    size_t nfiles = 0;
    if (rc == MU_OK)
        rc = mu_app_case_attachments_reseal(s, &both, &nfiles, err);
    if (rc == MU_OK) {
        char summary[160];
        snprintf(summary, sizeof(summary), "re-sealed %zu cases and %zu files with key %s", r.n,
                 nfiles, both.keys[0].id);
        rc = mu_store_audit_append(s, actor, "case.key_rotate", "case-key", summary, err);
    }
    if (rc == MU_OK)
        rc = mu_store_commit(s, err);
    else
        mu_store_rollback(s);
    if (rc == MU_OK) {
        both.n = 1; /* only the new key from now on */
        rc = mu_case_keyfile_write(path, &both, err);
    }
    if (rc == MU_OK && count)
        *count = r.n;
    if (rc == MU_OK && new_id)
        memcpy(new_id, both.keys[0].id, MU_CASE_KEY_ID_LEN + 1);
out:
    mu_case_keyring_wipe(&old);
    mu_case_keyring_wipe(&both);
    return rc;
}

/* ---------------------------------------------------------------- public */

/* Find the case by code and last four digits; MU_ENOTFOUND for any mismatch. */
static enum mu_err public_find(struct mu_store *s, const struct mu_case_keyring *kr,
                               const char *code, const char *last4, struct mu_case *c,
                               struct mu_error *err)
{
    char norm[MU_CASE_CODE_LEN + 1], hash[65];
    enum mu_err rc = MU_OK;
    memset(c, 0, sizeof(*c));
    int digits = last4 && strlen(last4) == 4;
    for (int i = 0; digits && i < 4; i++)
        digits = last4[i] >= '0' && last4[i] <= '9';
    if (!digits || mu_case_code_normalize(code, norm, NULL) != MU_OK)
        return mu_error_set(err, MU_ENOTFOUND, "no case with that tracking code and phone");
    rc = mu_store_case_by_code(s, norm, c, NULL);
    if (rc == MU_ENOTFOUND)
        return mu_error_set(err, MU_ENOTFOUND, "no case with that tracking code and phone");
    if (rc)
        return mu_error_set(err, rc, "cannot look up the case");
    /* The hash is keyed with the current key; rotation recomputes them all. */
    rc = mu_case_lookup_hash(kr, last4, norm, hash, err);
    if (rc == MU_OK && (!c->lookup_hash || strlen(c->lookup_hash) != 64 ||
                        sodium_memcmp(c->lookup_hash, hash, 64) != 0))
        rc = mu_error_set(err, MU_ENOTFOUND, "no case with that tracking code and phone");
    if (rc)
        mu_case_release(c);
    return rc;
}

enum mu_err mu_app_case_public_lookup(struct mu_store *s, const struct mu_case_keyring *kr,
                                      const char *code, const char *last4, char **out,
                                      struct mu_error *err)
{
    struct mu_case c;
    struct mu_case_action *acts = NULL;
    size_t nacts = 0;
    *out = NULL;
    enum mu_err rc = public_find(s, kr, code, last4, &c, err);
    if (rc)
        return rc;
    rc = mu_store_case_actions(s, c.id, &acts, &nacts, err);
    if (rc == MU_OK) {
        json_t *o = json_object();
        json_object_set_new(o, "tracking_code", json_string(c.tracking_code));
        json_object_set_new(o, "state", json_string(mu_case_state_name(c.flow.state)));
        json_object_set_new(o, "subject", json_string(c.subject));
        json_object_set_new(o, "received", day_json(c.flow.received));
        json_object_set_new(o, "deadlines", deadlines_json(&c));
        json_t *a = json_array();
        for (size_t i = 0; i < nacts; i++) {
            if (!acts[i].public_)
                continue;
            json_t *e = json_object();
            json_object_set_new(e, "kind", json_string(acts[i].kind));
            json_object_set_new(e, "on", day_json(acts[i].on));
            json_object_set_new(e, "text", json_string(acts[i].text));
            json_array_append_new(a, e);
        }
        json_object_set_new(o, "notices", a);
        json_object_set_new(o, "rating", c.rating ? json_integer(c.rating) : json_null());
        rc = take_json(o, out, err);
    }
    mu_case_actions_free(acts, nacts);
    mu_case_release(&c);
    return rc;
}

enum mu_err mu_app_case_public_rate(struct mu_store *s, const struct mu_actor *actor,
                                    const struct mu_case_keyring *kr, const char *code,
                                    const char *last4, int rating, struct mu_error *err)
{
    struct mu_case c;
    if (rating < 1 || rating > 5)
        return mu_error_field(err, MU_EINVAL, "rating", "a rating is 1 to 5, not %d", rating);
    enum mu_err rc = public_find(s, kr, code, last4, &c, err);
    if (rc)
        return rc;
    if (c.flow.replied == MU_CASE_NO_DAY)
        rc = mu_error_set(err, MU_ECONFLICT, "the case can be rated after its reply");
    char summary[48];
    snprintf(summary, sizeof(summary), "rated %d by the complainant", rating);
    c.rating = rating;
    if (rc == MU_OK)
        rc = mu_store_case_update(s, actor, &c, NULL, 0, NULL, "case.rate", summary, err);
    mu_case_release(&c);
    return rc;
}
