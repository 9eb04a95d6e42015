/* SPDX-License-Identifier: MIT */
/*
 * The rules of the drill register (演练台账): drill kinds, the school terms
 * (or other periods) a drill frequency counts in, and the due check: in the
 * term that contains a day, how many drills of each required kind were held
 * and whether the term ends soon without them. Pure: no I/O, no clock.
 */
#include <muster/date.h>
#include <muster/register.h>
#include <stdlib.h>
#include <string.h>

#include "util/banned.h"

static const struct {
    const char *kind, *label;
} known_kinds[] = {
    {"fire-evacuation", "消防疏散"}, {"earthquake", "地震避险"},
    {"flood", "防汛"},               {"food-poisoning", "食物中毒"},
    {"stampede", "防踩踏"},          {"intruder", "防暴反恐"},
    {"gas-leak", "燃气泄漏"},        {"typhoon", "防台风"},
    {"landslide", "地质灾害"},       {"medical", "医疗救护"},
};

const char *mu_drill_kind_label(const char *kind)
{
    for (size_t i = 0; kind && i < sizeof(known_kinds) / sizeof(known_kinds[0]); i++)
        if (strcmp(kind, known_kinds[i].kind) == 0)
            return known_kinds[i].label;
    return kind ? kind : "";
}

enum mu_err mu_drill_kind_check(const char *kind, struct mu_error *err)
{
    size_t n = kind ? strlen(kind) : 0;
    if (n == 0)
        return mu_error_field(err, MU_EINVAL, "kind", "kind is empty");
    if (n > 64)
        return mu_error_field(err, MU_EINVAL, "kind", "kind is longer than 64 bytes");
    for (size_t i = 0; i < n; i++) {
        char c = kind[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
            return mu_error_field(err, MU_EINVAL, "kind",
                                  "kind '%.64s' may hold only a-z, 0-9 and '-' "
                                  "(e.g. fire-evacuation)",
                                  kind);
    }
    return MU_OK;
}

static int term_cmp(const void *a, const void *b)
{
    const struct mu_drill_term *x = a, *y = b;
    return x->from < y->from ? -1 : x->from > y->from;
}

static enum mu_err bad_term(struct mu_error *err, const char *part, size_t len, const char *why)
{
    return mu_error_field(err, MU_EINVAL, "drill.terms", "drill.terms: '%.*s' %s",
                          (int)(len > 80 ? 80 : len), part, why);
}

enum mu_err mu_drill_terms_parse(const char *spec, struct mu_drill_term *out, size_t cap,
                                 size_t *n, struct mu_error *err)
{
    size_t count = 0;
    const char *p = spec ? spec : "";
    *n = 0;
    while (*p == ' ')
        p++;
    if (!*p)
        return mu_error_field(err, MU_EINVAL, "drill.terms",
                              "drill.terms is empty (want FROM..TO[,FROM..TO...])");
    while (*p) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        while (len && p[len - 1] == ' ')
            len--;
        const char *dots = NULL;
        for (size_t i = 0; i + 1 < len; i++)
            if (p[i] == '.' && p[i + 1] == '.') {
                dots = p + i;
                break;
            }
        if (!dots)
            return bad_term(err, p, len, "is not FROM..TO");
        int32_t a = 0, b = 0;
        if (mu_date_parse(p, (size_t)(dots - p), &a, NULL) ||
            mu_date_parse(dots + 2, len - (size_t)(dots + 2 - p), &b, NULL))
            return bad_term(err, p, len, "has a date that is not a date (YYYY-MM-DD)");
        if (b < a)
            return bad_term(err, p, len, "ends before it starts");
        if (count >= cap)
            return mu_error_field(err, MU_ELIMIT, "drill.terms",
                                  "drill.terms: more than %zu terms", cap);
        out[count].from = a;
        out[count++].to = b;
        if (!end)
            break;
        p = end + 1;
        while (*p == ' ')
            p++;
        if (!*p)
            return bad_term(err, spec, strlen(spec), "ends with a comma");
    }
    qsort(out, count, sizeof(*out), term_cmp);
    for (size_t i = 1; i < count; i++)
        if (out[i].from <= out[i - 1].to) {
            char a[11], b[11];
            mu_date_format(out[i].from, a);
            mu_date_format(out[i - 1].to, b);
            return mu_error_field(err, MU_EINVAL, "drill.terms",
                                  "drill.terms: the term starting %s overlaps the one ending %s",
                                  a, b);
        }
    *n = count;
    return MU_OK;
}

size_t mu_drill_due_check(const struct mu_drill_term *terms, size_t nterms,
                          const struct mu_drill_requirement *req, size_t nreq,
                          const struct mu_drill_held *held, size_t nheld, int32_t today,
                          int32_t within_days, struct mu_drill_due *out)
{
    const struct mu_drill_term *t = NULL;
    for (size_t i = 0; i < nterms; i++)
        if (terms[i].from <= today && today <= terms[i].to) {
            t = &terms[i];
            break;
        }
    if (!t)
        return 0;
    for (size_t r = 0; r < nreq; r++) {
        int64_t count = 0;
        for (size_t h = 0; h < nheld; h++)
            if (held[h].day >= t->from && held[h].day <= t->to &&
                strcmp(held[h].kind, req[r].kind) == 0)
                count++;
        out[r].term = *t;
        out[r].kind = req[r].kind;
        out[r].required = req[r].count;
        out[r].held = count;
        out[r].days_left = t->to - today;
        out[r].warn = count < req[r].count && out[r].days_left <= within_days;
    }
    return nreq;
}
