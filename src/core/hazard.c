/* SPDX-License-Identifier: MIT */
/*
 * The rules of the hazard register (隐患排查整改): severity and state names,
 * who may mark a hazard rectified (its owner) and who may verify it (anyone
 * but the person who rectified it), when a hazard is overdue, and when the
 * deadline reminders fall. Pure: no I/O, no clock; the time to judge at is
 * passed in.
 */
#include <muster/date.h>
#include <muster/register.h>
#include <string.h>

#include "util/banned.h"

static const char *const sev_names[] = {"low", "medium", "high"};
static const char *const sev_labels[] = {"低", "中", "高"};
static const char *const state_names[] = {"open", "rectified", "verified"};
static const char *const state_labels[] = {"待整改", "已整改待验收", "已验收"};

const char *mu_hazard_severity_name(enum mu_hazard_severity v)
{
    return (unsigned)v < 3 ? sev_names[v] : "?";
}

const char *mu_hazard_severity_label(enum mu_hazard_severity v)
{
    return (unsigned)v < 3 ? sev_labels[v] : "?";
}

enum mu_err mu_hazard_severity_parse(const char *s, enum mu_hazard_severity *out,
                                     struct mu_error *err)
{
    for (unsigned i = 0; s && i < 3; i++)
        if (strcmp(s, sev_names[i]) == 0) {
            *out = (enum mu_hazard_severity)i;
            return MU_OK;
        }
    return mu_error_field(err, MU_EINVAL, "severity",
                          "severity '%.60s' is not one of low, medium, high", s ? s : "");
}

const char *mu_hazard_state_name(enum mu_hazard_state v)
{
    return (unsigned)v < 3 ? state_names[v] : "?";
}

const char *mu_hazard_state_label(enum mu_hazard_state v)
{
    return (unsigned)v < 3 ? state_labels[v] : "?";
}

enum mu_err mu_hazard_state_parse(const char *s, enum mu_hazard_state *out, struct mu_error *err)
{
    for (unsigned i = 0; s && i < 3; i++)
        if (strcmp(s, state_names[i]) == 0) {
            *out = (enum mu_hazard_state)i;
            return MU_OK;
        }
    return mu_error_field(err, MU_EINVAL, "state",
                          "state '%.60s' is not one of open, rectified, verified", s ? s : "");
}

enum mu_err mu_hazard_check_rectify(const struct mu_hazard *h, const char *by,
                                    struct mu_error *err)
{
    if (h->state != MU_HAZARD_OPEN)
        return mu_error_field(err, MU_ECONFLICT, "state", "hazard %lld is %s already",
                              (long long)h->id, mu_hazard_state_name(h->state));
    if (!by || strcmp(by, h->owner) != 0)
        return mu_error_field(err, MU_EINVAL, "by",
                              "by: hazard %lld is rectified by its owner '%s', not '%.60s' "
                              "(rule: rectified by the owner)",
                              (long long)h->id, h->owner, by ? by : "");
    return MU_OK;
}

enum mu_err mu_hazard_check_verify(const struct mu_hazard *h, const char *by,
                                   struct mu_error *err)
{
    if (h->state == MU_HAZARD_OPEN)
        return mu_error_field(err, MU_ECONFLICT, "state",
                              "hazard %lld is not rectified yet, nothing to verify",
                              (long long)h->id);
    if (h->state == MU_HAZARD_VERIFIED)
        return mu_error_field(err, MU_ECONFLICT, "state", "hazard %lld is verified already",
                              (long long)h->id);
    if (!by || !*by || strcmp(by, h->rectified_by) == 0)
        return mu_error_field(err, MU_EINVAL, "by",
                              "by: '%.60s' rectified hazard %lld and cannot verify it "
                              "(rule: verified by someone else than the person who rectified)",
                              by ? by : "", (long long)h->id);
    return MU_OK;
}

enum mu_err mu_hazard_check_open(const struct mu_hazard *h, const char *what,
                                 struct mu_error *err)
{
    if (h->state == MU_HAZARD_VERIFIED)
        return mu_error_field(err, MU_ECONFLICT, "state",
                              "hazard %lld is verified and closed: cannot %s it",
                              (long long)h->id, what);
    return MU_OK;
}

int mu_hazard_overdue(const struct mu_hazard *h, int32_t today)
{
    return h->state == MU_HAZARD_OPEN && h->due < today;
}

size_t mu_hazard_reminders(int32_t due, int64_t now, int64_t out[2], int before[2])
{
    size_t n = 0;
    int64_t early = mu_local_ms(due - MU_HAZARD_REMIND_DAYS, MU_HAZARD_REMIND_AT);
    int64_t at = mu_local_ms(due, MU_HAZARD_REMIND_AT);
    if (early >= now) {
        out[n] = early;
        before[n++] = 1;
    }
    if (at >= now) {
        out[n] = at;
        before[n++] = 0;
    }
    return n;
}
