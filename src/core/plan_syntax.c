/* SPDX-License-Identifier: MIT */
/*
 * Small syntax helpers of the plan format: ids, targets, comparisons and the
 * edit distance behind did-you-mean suggestions. See core/plan_model.h.
 */
#include "core/plan_model.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/banned.h"

int mu_plan_id_valid(const char *s, size_t len, int allow_upper)
{
    if (len == 0 || len > 64)
        return 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        int ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                 (allow_upper && c >= 'A' && c <= 'Z') || (i > 0 && (c == '-' || c == '_'));
        if (!ok)
            return 0;
    }
    return 1;
}

size_t mu_plan_edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 255)
        la = 255;
    if (lb > 255)
        lb = 255;
    size_t row[256];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

void mu_plan_suggest_init(struct mu_plan_suggest *s, const char *word)
{
    s->word = word;
    s->best = NULL;
    s->bestd = (size_t)-1;
}

void mu_plan_suggest_offer(struct mu_plan_suggest *s, const char *cand)
{
    if (!cand || !s->word)
        return;
    size_t d = mu_plan_edit_distance(s->word, cand);
    size_t len = strlen(s->word);
    /* Close enough: at most 2 edits, and fewer edits than the word is long
     * (so "x" does not suggest "id"). */
    size_t limit = len / 3 + 1;
    if (limit > 2)
        limit = 2;
    if (d == 0 || d > limit || d >= len)
        return;
    if (d < s->bestd) {
        s->bestd = d;
        s->best = cand;
    }
}

int mu_plan_target_parse(const char *s, enum mu_plan_target_kind *kind, const char **ref)
{
    static const struct {
        const char *prefix;
        enum mu_plan_target_kind kind;
    } pre[] = {
        {"person:", MU_TARGET_PERSON},
        {"team:", MU_TARGET_TEAM},
        {"leader:", MU_TARGET_LEADER},
        {"role:", MU_TARGET_ROLE},
    };
    if (strcmp(s, "duty") == 0) {
        *kind = MU_TARGET_DUTY;
        *ref = s + 4;
        return 1;
    }
    for (size_t i = 0; i < sizeof(pre) / sizeof(pre[0]); i++) {
        size_t n = strlen(pre[i].prefix);
        if (strncmp(s, pre[i].prefix, n) == 0) {
            const char *r = s + n;
            *kind = pre[i].kind;
            *ref = r;
            if (pre[i].kind == MU_TARGET_ROLE)
                return *r != '\0';
            return mu_plan_id_valid(r, strlen(r), 0);
        }
    }
    *kind = MU_TARGET_PERSON;
    *ref = s;
    return mu_plan_id_valid(s, strlen(s), 0);
}

int mu_plan_cond_parse(const char *s, enum mu_cond_op *op, double *value)
{
    while (*s == ' ')
        s++;
    if (strncmp(s, ">=", 2) == 0) {
        *op = MU_OP_GE;
        s += 2;
    } else if (strncmp(s, "<=", 2) == 0) {
        *op = MU_OP_LE;
        s += 2;
    } else if (strncmp(s, "==", 2) == 0) {
        *op = MU_OP_EQ;
        s += 2;
    } else if (strncmp(s, "!=", 2) == 0) {
        *op = MU_OP_NE;
        s += 2;
    } else if (*s == '>') {
        *op = MU_OP_GT;
        s++;
    } else if (*s == '<') {
        *op = MU_OP_LT;
        s++;
    } else {
        return 0;
    }
    while (*s == ' ')
        s++;
    /* A plain decimal number: digits, optional fraction, optional sign. */
    const char *p = s;
    if (*p == '-' || *p == '+')
        p++;
    if (*p < '0' || *p > '9')
        return 0;
    char *end = NULL;
    double v = strtod(s, &end);
    if (end == s || !isfinite(v))
        return 0;
    for (p = s; p < end; p++)
        if (!((*p >= '0' && *p <= '9') || *p == '.' || *p == '-' || *p == '+'))
            return 0; /* no exponents, hex or inf */
    while (*end == ' ')
        end++;
    if (*end != '\0')
        return 0;
    *value = v;
    return 1;
}

const char *mu_plan_op_text(enum mu_cond_op op)
{
    switch (op) {
    case MU_OP_GE: return ">=";
    case MU_OP_GT: return ">";
    case MU_OP_LE: return "<=";
    case MU_OP_LT: return "<";
    case MU_OP_EQ: return "==";
    case MU_OP_NE: return "!=";
    }
    return "?";
}
