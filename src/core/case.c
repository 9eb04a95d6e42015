/* SPDX-License-Identifier: MIT */
/*
 * The rules of cases (信访事项), pure: the state names, the transitions a
 * case may make and the checks on each step, the deadline rule (calendar or
 * working days, with the Civil Code's move of a last day that falls on a
 * rest day), tracking codes and the last four digits of a phone number.
 * No I/O, no clock and no randomness: the caller passes days and random
 * values in.
 */
#include <muster/case.h>
#include <muster/date.h>

#include <stdio.h>
#include <string.h>

#include "util/banned.h"

static const char *const state_names[MU_CASE_NSTATES] = {
    "registered", "accepted",           "rejected",   "replied", "review_requested",
    "reviewed",   "rereview_requested", "rereviewed", "closed",
};

const char *mu_case_state_name(enum mu_case_state st)
{
    return (unsigned)st < MU_CASE_NSTATES ? state_names[st] : "unknown";
}

enum mu_err mu_case_state_parse(const char *s, enum mu_case_state *out, struct mu_error *err)
{
    for (int i = 0; s && i < MU_CASE_NSTATES; i++)
        if (strcmp(s, state_names[i]) == 0) {
            *out = (enum mu_case_state)i;
            return MU_OK;
        }
    return mu_error_field(err, MU_EINVAL, "state",
                          "unknown case state '%.40s' (registered, accepted, rejected, replied, "
                          "review_requested, reviewed, rereview_requested, rereviewed, closed)",
                          s ? s : "");
}

static int in_list(const char *s, const char *const *list)
{
    for (; s && *list; list++)
        if (strcmp(s, *list) == 0)
            return 1;
    return 0;
}

int mu_case_channel_valid(const char *s)
{
    static const char *const v[] = {"letter",  "visit",    "phone", "online",
                                    "hotline", "transfer", NULL};
    return in_list(s, v);
}

int mu_case_outcome_valid(const char *s)
{
    static const char *const v[] = {"supported", "partly", "not_supported", "explained", NULL};
    return in_list(s, v);
}

const char *mu_case_op_name(enum mu_case_op op)
{
    static const char *const v[] = {"accept", "reject", "assign", "note",
                                    "extend", "reply",  "review", "close"};
    return (unsigned)op < sizeof(v) / sizeof(v[0]) ? v[op] : "unknown";
}

void mu_case_limits_default(struct mu_case_limits *l)
{
    l->accept = 15;
    l->handle = 60;
    l->extend = 30;
    l->review_request = 30;
    l->review = 30;
    l->workdays = 0;
}

enum mu_err mu_case_deadline(const struct mu_calendar *cal, int workdays, int32_t event, int n,
                             int32_t *out, struct mu_error *err)
{
    if (n < 1)
        return mu_error_set(err, MU_EINVAL, "a time limit of %d days is not valid", n);
    if (workdays)
        return mu_calendar_add_workdays(cal, event, n, out, err);
    int32_t day = event + n;
    if (mu_calendar_is_workday(cal, day)) {
        /* The range check of add_workdays, so that both modes fail alike. */
        int32_t tmp = 0;
        enum mu_err rc = mu_calendar_add_workdays(cal, day, 0, &tmp, err);
        if (rc == MU_OK)
            *out = day;
        return rc;
    }
    /* Civil Code 第203条: a last day that is a rest day moves to the next working day. */
    return mu_calendar_add_workdays(cal, day, 1, out, err);
}

void mu_case_flow_init(struct mu_case_flow *f, int32_t received)
{
    memset(f, 0, sizeof(*f));
    f->state = MU_CASE_REGISTERED;
    f->received = received;
    f->decided = f->extended = f->replied = MU_CASE_NO_DAY;
    f->review_requested = f->review_replied = f->closed = MU_CASE_NO_DAY;
}

/* The day of the last written answer (the reply, or the answer to the last review). */
static int32_t last_answer(const struct mu_case_flow *f)
{
    if (f->review_level > 0)
        return f->review_replied;
    return f->replied;
}

enum mu_err mu_case_deadlines_compute(const struct mu_case_flow *f,
                                      const struct mu_case_limits *lim,
                                      const struct mu_calendar *cal, struct mu_case_deadlines *out,
                                      struct mu_error *err)
{
    struct mu_case_deadlines d = {MU_CASE_NO_DAY, MU_CASE_NO_DAY, MU_CASE_NO_DAY,
                                  MU_CASE_NO_DAY, MU_CASE_NO_DAY, NULL};
    int w = lim->workdays;
    enum mu_err rc = mu_case_deadline(cal, w, f->received, lim->accept, &d.accept, err);
    int accepted = f->state != MU_CASE_REGISTERED && f->state != MU_CASE_REJECTED &&
                   f->decided != MU_CASE_NO_DAY;
    if (rc == MU_OK && accepted)
        rc = mu_case_deadline(cal, w, f->decided, lim->handle, &d.handle, err);
    if (rc == MU_OK && accepted && f->extend_days > 0)
        rc = mu_case_deadline(cal, w, d.handle, f->extend_days, &d.handle, err);
    int32_t answer = last_answer(f);
    int answered = f->state == MU_CASE_REPLIED || f->state == MU_CASE_REVIEWED ||
                   (f->state == MU_CASE_CLOSED && f->replied != MU_CASE_NO_DAY);
    if (rc == MU_OK && answered && f->review_level < 2 && answer != MU_CASE_NO_DAY)
        rc = mu_case_deadline(cal, w, answer, lim->review_request, &d.review_request, err);
    if (rc == MU_OK && (f->state == MU_CASE_REVIEW || f->state == MU_CASE_REREVIEW))
        rc = mu_case_deadline(cal, w, f->review_requested, lim->review, &d.review, err);
    if (rc)
        return rc;
    switch (f->state) {
    case MU_CASE_REGISTERED:
        d.due = d.accept;
        d.due_kind = "accept";
        break;
    case MU_CASE_ACCEPTED:
        d.due = d.handle;
        d.due_kind = "handle";
        break;
    case MU_CASE_REVIEW:
    case MU_CASE_REREVIEW:
        d.due = d.review;
        d.due_kind = "review";
        break;
    default:
        break;
    }
    *out = d;
    return MU_OK;
}

static enum mu_err refuse(const struct mu_case_flow *f, enum mu_case_op op, const char *hint,
                          struct mu_error *err)
{
    return mu_error_set(err, MU_ECONFLICT, "cannot %s: the case is '%s'%s%s%s", mu_case_op_name(op),
                        mu_case_state_name(f->state), hint ? " (" : "", hint ? hint : "",
                        hint ? ")" : "");
}

static enum mu_err need_text(const char *text, const char *field, const char *what,
                             struct mu_error *err)
{
    if (!text || !*text)
        return mu_error_field(err, MU_EINVAL, field, "%s is required", what);
    if (strlen(text) > MU_CASE_MAX_TEXT)
        return mu_error_field(err, MU_EINVAL, field, "%s is longer than %d bytes", what,
                              MU_CASE_MAX_TEXT);
    return MU_OK;
}

static enum mu_err not_before(int32_t day, int32_t earlier, const char *what, struct mu_error *err)
{
    if (earlier != MU_CASE_NO_DAY && day < earlier) {
        char a[11], b[11];
        mu_date_format(day, a);
        mu_date_format(earlier, b);
        return mu_error_field(err, MU_EINVAL, "date", "date %s is before the %s on %s", a, what, b);
    }
    return MU_OK;
}

/* The date of the newest event, for the "not before" checks. */
static int32_t newest(const struct mu_case_flow *f)
{
    int32_t v[] = {f->received, f->decided,          f->extended,
                   f->replied,  f->review_requested, f->review_replied};
    int32_t m = f->received;
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
        if (v[i] != MU_CASE_NO_DAY && v[i] > m)
            m = v[i];
    return m;
}

enum mu_err mu_case_apply(struct mu_case_flow *f, const struct mu_case_step *st,
                          const struct mu_case_limits *lim, const struct mu_calendar *cal,
                          struct mu_error *err)
{
    struct mu_case_flow n = *f;
    enum mu_err rc = MU_OK;
    enum mu_case_state s = f->state;
    int open = s != MU_CASE_CLOSED && s != MU_CASE_REJECTED && s != MU_CASE_REREVIEWED;

    if (st->text && strlen(st->text) > MU_CASE_MAX_TEXT)
        return mu_error_field(err, MU_EINVAL, "text", "text is longer than %d bytes",
                              MU_CASE_MAX_TEXT);
    if (st->op != MU_CASE_OP_NOTE && st->op != MU_CASE_OP_ASSIGN &&
        (rc = not_before(st->on, newest(f), "last step", err)))
        return rc;

    switch (st->op) {
    case MU_CASE_OP_ACCEPT:
        if (s != MU_CASE_REGISTERED)
            return refuse(f, st->op, "only a registered case can be accepted", err);
        n.state = MU_CASE_ACCEPTED;
        n.decided = st->on;
        break;
    case MU_CASE_OP_REJECT:
        if (s != MU_CASE_REGISTERED)
            return refuse(f, st->op, "only a registered case can be rejected", err);
        if ((rc = need_text(st->text, "reason", "the reason of non-acceptance", err)) ||
            (rc = need_text(st->body, "body", "the body the complainant may turn to", err)))
            return rc;
        n.state = MU_CASE_REJECTED;
        n.decided = st->on;
        break;
    case MU_CASE_OP_ASSIGN:
        if (!open || s == MU_CASE_REPLIED || s == MU_CASE_REVIEWED)
            return refuse(f, st->op, "assign while the case is being handled", err);
        if ((!st->leader || !*st->leader) && st->nunits == 0)
            return mu_error_field(err, MU_EINVAL, "leader",
                                  "assign needs a leader or at least one unit");
        if (st->nunits > MU_CASE_MAX_UNITS)
            return mu_error_field(err, MU_EINVAL, "unit", "more than %d units", MU_CASE_MAX_UNITS);
        for (size_t i = 0; i < st->nunits; i++)
            if (!st->units[i] || !*st->units[i] || strlen(st->units[i]) > MU_CASE_MAX_FIELD ||
                strchr(st->units[i], ','))
                return mu_error_field(err, MU_EINVAL, "unit",
                                      "unit %zu is empty, too long or has a comma", i + 1);
        if (st->leader && strlen(st->leader) > MU_CASE_MAX_FIELD)
            return mu_error_field(err, MU_EINVAL, "leader", "leader is longer than %d bytes",
                                  MU_CASE_MAX_FIELD);
        return MU_OK;
    case MU_CASE_OP_NOTE:
        if (s == MU_CASE_CLOSED)
            return refuse(f, st->op, "notes are kept while the case is open", err);
        if (st->note_kind && strcmp(st->note_kind, "supervision") != 0 &&
            strcmp(st->note_kind, "meeting") != 0)
            return mu_error_field(err, MU_EINVAL, "kind",
                                  "note kind '%.40s' is not supervision or meeting", st->note_kind);
        return need_text(st->text, "text", "the note", err);
    case MU_CASE_OP_EXTEND:
        if (s != MU_CASE_ACCEPTED)
            return refuse(f, st->op, "only an accepted case can be extended", err);
        if (f->extend_days > 0)
            return refuse(f, st->op, "it was already extended once", err);
        if (st->days < 1 || st->days > lim->extend)
            return mu_error_field(err, MU_EINVAL, "days", "an extension is 1 to %d days, not %d",
                                  lim->extend, st->days);
        if ((rc = need_text(st->text, "reason", "the reason of the extension", err)))
            return rc;
        {
            struct mu_case_deadlines d;
            if ((rc = mu_case_deadlines_compute(f, lim, cal, &d, err)))
                return rc;
            if (st->on > d.handle) {
                char a[11];
                mu_date_format(d.handle, a);
                return mu_error_set(err, MU_ECONFLICT, "cannot extend: the time limit ended on %s",
                                    a);
            }
        }
        n.extended = st->on;
        n.extend_days = st->days;
        break;
    case MU_CASE_OP_REPLY:
        if ((rc = need_text(st->text, "text", "the reply", err)))
            return rc;
        if (st->outcome && *st->outcome && !mu_case_outcome_valid(st->outcome))
            return mu_error_field(err, MU_EINVAL, "outcome", "outcome '%.40s' is not one of %s",
                                  st->outcome, MU_CASE_OUTCOMES);
        if (s == MU_CASE_ACCEPTED) {
            n.state = MU_CASE_REPLIED;
            n.replied = st->on;
        } else if (s == MU_CASE_REVIEW || s == MU_CASE_REREVIEW) {
            n.state = s == MU_CASE_REVIEW ? MU_CASE_REVIEWED : MU_CASE_REREVIEWED;
            n.review_replied = st->on;
        } else {
            return refuse(
                f, st->op,
                s == MU_CASE_REGISTERED ? "accept it first" : "there is nothing to answer", err);
        }
        break;
    case MU_CASE_OP_REVIEW: {
        int from_closed = s == MU_CASE_CLOSED && f->replied != MU_CASE_NO_DAY;
        if (s != MU_CASE_REPLIED && s != MU_CASE_REVIEWED && !from_closed)
            return refuse(f, st->op, "review follows a written reply", err);
        if (f->review_level >= 2)
            return refuse(f, st->op, "re-review was the last level", err);
        struct mu_case_deadlines d;
        struct mu_case_flow g = *f;
        if (from_closed)
            g.state = f->review_level ? MU_CASE_REVIEWED : MU_CASE_REPLIED;
        if ((rc = mu_case_deadlines_compute(&g, lim, cal, &d, err)))
            return rc;
        if (d.review_request == MU_CASE_NO_DAY || st->on > d.review_request) {
            char a[11] = "";
            if (d.review_request != MU_CASE_NO_DAY)
                mu_date_format(d.review_request, a);
            return mu_error_set(err, MU_ECONFLICT,
                                "cannot review: the time to ask for it ended on %s", a);
        }
        n.review_level = f->review_level + 1;
        n.state = n.review_level == 1 ? MU_CASE_REVIEW : MU_CASE_REREVIEW;
        n.review_requested = st->on;
        n.review_replied = MU_CASE_NO_DAY;
        n.closed = MU_CASE_NO_DAY;
        break;
    }
    case MU_CASE_OP_CLOSE:
        if (s != MU_CASE_REJECTED && s != MU_CASE_REPLIED && s != MU_CASE_REVIEWED &&
            s != MU_CASE_REREVIEWED)
            return refuse(f, st->op,
                          s == MU_CASE_CLOSED ? "it is already closed"
                                              : "a case closes after its reply or rejection",
                          err);
        n.state = MU_CASE_CLOSED;
        n.closed = st->on;
        break;
    default:
        return mu_error_set(err, MU_EINVAL, "unknown case step %d", (int)st->op);
    }
    /* The new deadlines must be computable before anything changes. */
    struct mu_case_deadlines d;
    if ((rc = mu_case_deadlines_compute(&n, lim, cal, &d, err)))
        return rc;
    *f = n;
    return MU_OK;
}

void mu_case_code_from(const unsigned char idx[12], char out[MU_CASE_CODE_LEN + 1])
{
    static const char alpha[] = MU_CASE_CODE_ALPHABET;
    size_t o = 0;
    for (int i = 0; i < 12; i++) {
        if (i && i % 4 == 0)
            out[o++] = '-';
        out[o++] = alpha[idx[i] % 31];
    }
    out[o] = '\0';
}

enum mu_err mu_case_code_normalize(const char *in, char out[MU_CASE_CODE_LEN + 1],
                                   struct mu_error *err)
{
    static const char alpha[] = MU_CASE_CODE_ALPHABET;
    unsigned char idx[12];
    int n = 0;
    for (const char *p = in ? in : ""; *p; p++) {
        char c = *p;
        if (c == '-' || c == ' ')
            continue;
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        const char *hit = c ? strchr(alpha, c) : NULL;
        if (!hit || n == 12)
            return mu_error_field(err, MU_EINVAL, "code",
                                  "'%.40s' is not a tracking code (XXXX-XXXX-XXXX)", in);
        idx[n++] = (unsigned char)(hit - alpha);
    }
    if (n != 12)
        return mu_error_field(err, MU_EINVAL, "code",
                              "'%.40s' is not a tracking code (XXXX-XXXX-XXXX)", in ? in : "");
    mu_case_code_from(idx, out);
    return MU_OK;
}

enum mu_err mu_case_phone_last4(const char *phone, char out[5], struct mu_error *err)
{
    char d[4];
    size_t n = 0;
    for (const char *p = phone ? phone : ""; *p; p++)
        if (*p >= '0' && *p <= '9') {
            d[n % 4] = *p;
            n++;
        }
    if (n < 4)
        return mu_error_field(err, MU_EINVAL, "phone", "a phone number needs at least 4 digits");
    for (size_t i = 0; i < 4; i++)
        out[i] = d[(n + i) % 4];
    out[4] = '\0';
    return MU_OK;
}
