/* SPDX-License-Identifier: MIT */
/*
 * The rules of daily check-ins, pure: local time in UTC+8, a schedule
 * resolved from a plan (units, reporters, sorted due times), the slots of a
 * day from the working-day calendar, which slot a submission belongs to and
 * whether it is late, the checks of a submitted form, the board of a day
 * (which submission counts in each unit x slot cell and its status at a
 * given time), summary totals and on-time statistics. No I/O and no clock:
 * every time is passed in. See docs/internals/checkins.md for the rules.
 */
#include "core/checkin.h"

#include <muster/date.h>
#include <muster/mem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/banned.h"

#define DAY_MS (86400 * 1000LL)

/* ---------------------------------------------------------------- map */

static size_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return (size_t)(h ^ (h >> 29));
}

struct mu_checkin_map *mu_checkin_map_new(size_t n)
{
    size_t cap = 16;
    while (cap < n * 2 + 1)
        cap <<= 1;
    struct mu_checkin_map *m = mu_calloc(1, sizeof(*m));
    if (!m)
        return NULL;
    m->keys = mu_calloc(cap, sizeof(*m->keys));
    m->vals = mu_calloc(cap, sizeof(*m->vals));
    m->mask = cap - 1;
    if (!m->keys || !m->vals) {
        mu_checkin_map_free(m);
        return NULL;
    }
    return m;
}

void mu_checkin_map_free(struct mu_checkin_map *m)
{
    if (!m)
        return;
    mu_free(m->keys);
    mu_free(m->vals);
    mu_free(m);
}

int mu_checkin_map_put(struct mu_checkin_map *m, const char *key, int val)
{
    size_t i = hash_str(key) & m->mask;
    while (m->keys[i]) {
        if (strcmp(m->keys[i], key) == 0)
            return 0;
        i = (i + 1) & m->mask;
    }
    m->keys[i] = key;
    m->vals[i] = val;
    return 1;
}

int mu_checkin_map_get(const struct mu_checkin_map *m, const char *key)
{
    if (!m || !key)
        return -1;
    size_t i = hash_str(key) & m->mask;
    while (m->keys[i]) {
        if (strcmp(m->keys[i], key) == 0)
            return m->vals[i];
        i = (i + 1) & m->mask;
    }
    return -1;
}

/* ---------------------------------------------------------------- text */

long mu_checkin_text_chars(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    long n = 0;
    while (*p) {
        unsigned c = *p;
        size_t len;
        unsigned cp;
        if (c < 0x80) {
            if ((c < 0x20 && c != '\n' && c != '\r' && c != '\t') || c == 0x7f)
                return -1;
            p++;
            n++;
            continue;
        } else if ((c & 0xe0) == 0xc0) {
            len = 2;
            cp = c & 0x1f;
        } else if ((c & 0xf0) == 0xe0) {
            len = 3;
            cp = c & 0x0f;
        } else if ((c & 0xf8) == 0xf0) {
            len = 4;
            cp = c & 0x07;
        } else {
            return -1;
        }
        for (size_t i = 1; i < len; i++) {
            if ((p[i] & 0xc0) != 0x80)
                return -1;
            cp = (cp << 6) | (p[i] & 0x3f);
        }
        /* Overlong forms, surrogates, beyond U+10FFFF, C1 controls. */
        if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
            (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff || (cp >= 0x80 && cp < 0xa0))
            return -1;
        p += len;
        n++;
    }
    return n;
}

int mu_checkin_count_parse(const char *s, int64_t *out)
{
    int64_t v = 0;
    if (!s || !*s || strlen(s) > 12)
        return 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9')
            return 0;
        v = v * 10 + (*p - '0');
    }
    if (v > MU_CHECKIN_COUNT_MAX)
        return 0;
    *out = v;
    return 1;
}

/* ---------------------------------------------------------------- time */


/* ---------------------------------------------------------------- schedule */

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

enum mu_err mu_checkin_schedule_init(struct mu_checkin_schedule *s, const struct mu_plan *plan,
                                     const char *checkin_id, struct mu_error *err)
{
    const struct mu_plan_checkin *ci = NULL;
    struct mu_checkin_map *units = NULL, *people = NULL;
    struct mu_checkin_schedule t;
    enum mu_err rc = MU_OK;
    memset(&t, 0, sizeof(t));

    for (size_t i = 0; checkin_id && i < plan->ncheckins; i++)
        if (strcmp(plan->checkins[i].id, checkin_id) == 0)
            ci = &plan->checkins[i];
    if (!ci)
        return mu_error_field(err, MU_ENOTFOUND, "schedule", "plan '%s' has no check-in '%s'",
                              plan->id, checkin_id ? checkin_id : "");
    if (ci->ntimes > MU_CHECKIN_MAX_SLOTS)
        return mu_error_field(err, MU_ELIMIT, "schedule",
                              "check-in '%s' has %zu due times, more than %d", ci->id, ci->ntimes,
                              MU_CHECKIN_MAX_SLOTS);
    t.plan = plan;
    t.ci = ci;
    for (size_t i = 0; i < ci->ntimes; i++)
        t.times[i] = ci->times[i].minutes;
    qsort(t.times, ci->ntimes, sizeof(int), cmp_int);
    for (size_t i = 0; i < ci->ntimes; i++)
        if (t.ntimes == 0 || t.times[t.ntimes - 1] != t.times[i])
            t.times[t.ntimes++] = t.times[i];

    /* Lookups by id over the whole plan, so that resolving is linear. */
    units = mu_checkin_map_new(plan->nunits);
    people = mu_checkin_map_new(plan->npeople);
    size_t cap = ci->all_units ? plan->nunits : ci->units.n;
    t.units = mu_calloc(cap ? cap : 1, sizeof(*t.units));
    t.reporter = mu_calloc(cap ? cap : 1, sizeof(*t.reporter));
    t.map = mu_checkin_map_new(cap);
    if (!units || !people || !t.units || !t.reporter || !t.map) {
        rc = mu_error_set(err, MU_ENOMEM, "out of memory resolving check-in '%s'", ci->id);
        goto out;
    }
    for (size_t i = 0; i < plan->nunits; i++)
        mu_checkin_map_put(units, plan->units[i].id, (int)i);
    for (size_t i = 0; i < plan->npeople; i++)
        mu_checkin_map_put(people, plan->people[i].id, (int)i);

    if (ci->all_units) {
        /* Leaves: units that are nobody's parent. */
        char *parent = mu_calloc(plan->nunits ? plan->nunits : 1, 1);
        if (!parent) {
            rc = mu_error_set(err, MU_ENOMEM, "out of memory resolving check-in '%s'", ci->id);
            goto out;
        }
        for (size_t i = 0; i < plan->nunits; i++)
            if (plan->units[i].parent >= 0)
                parent[plan->units[i].parent] = 1;
        for (size_t i = 0; i < plan->nunits; i++)
            if (!parent[i] && mu_checkin_map_put(t.map, plan->units[i].id, (int)t.nunits))
                t.units[t.nunits++] = &plan->units[i];
        mu_free(parent);
    } else {
        for (size_t i = 0; i < ci->units.n; i++) {
            int u = mu_checkin_map_get(units, ci->units.v[i].s);
            if (u < 0) /* the parser and lint refuse this; be safe */
                continue;
            if (mu_checkin_map_put(t.map, plan->units[u].id, (int)t.nunits))
                t.units[t.nunits++] = &plan->units[u];
        }
    }
    for (size_t i = 0; i < t.nunits; i++) {
        const char *person = t.units[i]->head.s;
        for (size_t r = 0; r < ci->nreporters; r++)
            if (ci->reporters[r].unit.s && strcmp(ci->reporters[r].unit.s, t.units[i]->id) == 0) {
                person = ci->reporters[r].person.s;
                break;
            }
        int pi = person ? mu_checkin_map_get(people, person) : -1;
        t.reporter[i] = pi >= 0 ? &plan->people[pi] : NULL;
    }
out:
    mu_checkin_map_free(units);
    mu_checkin_map_free(people);
    if (rc) {
        mu_checkin_schedule_release(&t);
        return rc;
    }
    *s = t;
    return MU_OK;
}

void mu_checkin_schedule_release(struct mu_checkin_schedule *s)
{
    if (!s)
        return;
    mu_free((void *)s->units);
    mu_free((void *)s->reporter);
    mu_checkin_map_free(s->map);
    memset(s, 0, sizeof(*s));
}

int mu_checkin_schedule_unit(const struct mu_checkin_schedule *s, const char *id)
{
    return mu_checkin_map_get(s->map, id);
}

const struct mu_plan_field *mu_checkin_schedule_field(const struct mu_checkin_schedule *s,
                                                      const char *key)
{
    for (size_t i = 0; key && i < s->ci->nfields; i++)
        if (strcmp(s->ci->fields[i].key, key) == 0)
            return &s->ci->fields[i];
    return NULL;
}

/* ---------------------------------------------------------------- slots */

size_t mu_checkin_slots(const struct mu_checkin_schedule *s, const struct mu_calendar *cal,
                        int32_t day, struct mu_checkin_slot out[MU_CHECKIN_MAX_SLOTS])
{
    if (s->ci->days == MU_DAYS_WORKDAYS && !mu_calendar_is_workday(cal, day))
        return 0;
    for (size_t i = 0; i < s->ntimes; i++) {
        out[i].day = day;
        out[i].minutes = s->times[i];
        out[i].due_at = mu_local_ms(day, s->times[i]);
        out[i].close_at = out[i].due_at + s->ci->grace * 1000;
    }
    return s->ntimes;
}

static void fmt_day(int32_t day, char out[static 11])
{
    mu_date_format(day, out);
}

enum mu_err mu_checkin_assign(const struct mu_checkin_schedule *s, const struct mu_calendar *cal,
                              int64_t at, int32_t want_day, int want_minutes,
                              struct mu_checkin_slot *slot, int *late, struct mu_error *err)
{
    struct mu_checkin_slot v[MU_CHECKIN_MAX_SLOTS];
    int32_t at_day = mu_local_day(at, NULL);
    int32_t day = want_day >= 0 ? want_day : at_day;
    char ds[11];
    fmt_day(day, ds);
    if (want_day > at_day)
        return mu_error_field(err, MU_EINVAL, "slot",
                              "slot on %s is on a later day than the report", ds);
    size_t n = mu_checkin_slots(s, cal, day, v);
    if (n == 0)
        return mu_error_field(err, MU_EINVAL, want_day >= 0 ? "slot" : "at",
                              "check-in '%s' has no report due on %s (not a working day)",
                              s->ci->id, ds);
    size_t k = n - 1;
    if (want_day >= 0) {
        size_t i = 0;
        while (i < n && v[i].minutes != want_minutes)
            i++;
        if (i == n) {
            char list[MU_CHECKIN_MAX_SLOTS * 7 + 1] = "";
            size_t len = 0;
            for (size_t j = 0; j < n && len + 8 < sizeof(list); j++)
                len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%02d:%02d",
                                        j ? ", " : "", v[j].minutes / 60, v[j].minutes % 60);
            return mu_error_field(err, MU_EINVAL, "slot",
                                  "slot %02d:%02d is not a due time of check-in '%s' (%s)",
                                  want_minutes / 60, want_minutes % 60, s->ci->id, list);
        }
        k = i;
    } else {
        for (size_t i = 0; i < n; i++)
            if (at <= v[i].close_at) {
                k = i;
                break;
            }
    }
    *slot = v[k];
    *late = at > v[k].close_at;
    return MU_OK;
}

/* ---------------------------------------------------------------- form */

static enum mu_err not_in_form(const struct mu_checkin_schedule *s, const char *key,
                               struct mu_error *err)
{
    char list[160] = "";
    size_t len = 0;
    for (size_t i = 0; i < s->ci->nfields && len < sizeof(list); i++) {
        int w = snprintf(list + len, sizeof(list) - len, "%s%s", i ? ", " : "",
                         s->ci->fields[i].key);
        if (w < 0)
            break;
        len += (size_t)w;
    }
    if (s->ci->nfields == 0)
        return mu_error_field(err, MU_EINVAL, key,
                              "field '%.64s' is not in the form of check-in '%s' (it has no "
                              "fields; send a nil report)",
                              key, s->ci->id);
    return mu_error_field(err, MU_EINVAL, key,
                          "field '%.64s' is not in the form of check-in '%s' (fields: %s)", key,
                          s->ci->id, list);
}

enum mu_err mu_checkin_check_fields(const struct mu_checkin_schedule *s, int nil,
                                    const struct mu_checkin_kv *kv, size_t n,
                                    struct mu_error *err)
{
    if (n > MU_CHECKIN_MAX_FIELDS)
        return mu_error_field(err, MU_ELIMIT, "field", "more than %d fields",
                              MU_CHECKIN_MAX_FIELDS);
    if (!nil && n == 0)
        return mu_error_field(err, MU_EINVAL, "field",
                              "a report needs at least one field, or is a nil report");
    for (size_t i = 0; i < n; i++) {
        const char *key = kv[i].key ? kv[i].key : "";
        const char *value = kv[i].value ? kv[i].value : "";
        const struct mu_plan_field *f = mu_checkin_schedule_field(s, key);
        if (!*key)
            return mu_error_field(err, MU_EINVAL, "field", "a field has no name (want KEY=VALUE)");
        if (!f)
            return not_in_form(s, key, err);
        for (size_t j = 0; j < i; j++)
            if (kv[j].key && strcmp(kv[j].key, key) == 0)
                return mu_error_field(err, MU_EINVAL, key, "field '%s' is given twice", key);
        if (f->type == MU_FIELD_TEXT) {
            long chars = mu_checkin_text_chars(value);
            long max = f->max > 0 ? (long)f->max : MU_CHECKIN_TEXT_MAX;
            if (chars < 0)
                return mu_error_field(err, MU_EINVAL, key,
                                      "field '%s': text is not valid UTF-8 or holds control "
                                      "characters",
                                      key);
            if (chars > max)
                return mu_error_field(err, MU_EINVAL, key,
                                      "field '%s': %ld characters, more than %ld", key, chars,
                                      max);
            continue;
        }
        /* A count (the parser admits only count and text in check-in forms). */
        int64_t v;
        if (nil)
            return mu_error_field(err, MU_EINVAL, key,
                                  "field '%s': a nil report has no counts", key);
        if (mu_checkin_count_parse(value, &v))
            continue;
        if (value[0] == '-' && value[1] && mu_checkin_count_parse(value + 1, &v))
            return mu_error_field(err, MU_EINVAL, key, "field '%s': %.40s is negative", key,
                                  value);
        int digits = *value != 0;
        for (const char *p = value; *p; p++)
            digits &= *p >= '0' && *p <= '9';
        if (digits)
            return mu_error_field(err, MU_EINVAL, key, "field '%s': %.40s is more than %lld", key,
                                  value, (long long)MU_CHECKIN_COUNT_MAX);
        return mu_error_field(err, MU_EINVAL, key, "field '%s': '%.40s' is not a whole number",
                              key, value);
    }
    return MU_OK;
}

/* ---------------------------------------------------------------- board */

const char *mu_checkin_status_name(enum mu_checkin_status st)
{
    switch (st) {
    case MU_CHECKIN_NOT_DUE: return "not_due";
    case MU_CHECKIN_ON_TIME: return "on_time";
    case MU_CHECKIN_LATE: return "late";
    case MU_CHECKIN_MISSING: return "missing";
    }
    return "not_due";
}

enum mu_err mu_checkin_board_init(struct mu_checkin_board *b, size_t nunits,
                                  const struct mu_checkin_slot *slots, size_t nslots,
                                  struct mu_error *err)
{
    memset(b, 0, sizeof(*b));
    if (nslots > MU_CHECKIN_MAX_SLOTS)
        return mu_error_set(err, MU_ELIMIT, "more than %d slots", MU_CHECKIN_MAX_SLOTS);
    size_t cells = nunits * nslots;
    if (cells) {
        b->cells = mu_calloc(cells, sizeof(*b->cells));
        if (!b->cells)
            return mu_error_set(err, MU_ENOMEM, "out of memory for a board of %zu cells", cells);
    }
    b->nunits = nunits;
    b->nslots = nslots;
    if (nslots)
        memcpy(b->slots, slots, nslots * sizeof(*slots));
    return MU_OK;
}

/* 1 when @p a should count instead of @p b (both for the same cell). */
static int better(const struct mu_checkin_sub *a, const struct mu_checkin_sub *b)
{
    if (!a->late && b->late)
        return 1;
    if (a->late && !b->late)
        return 0;
    if (!a->late) /* both on time: the latest replaces */
        return a->submitted_at > b->submitted_at ||
               (a->submitted_at == b->submitted_at && a->id > b->id);
    /* both late: the first counts */
    return a->submitted_at < b->submitted_at ||
           (a->submitted_at == b->submitted_at && a->id < b->id);
}

int mu_checkin_board_add(struct mu_checkin_board *b, size_t unit, size_t slot,
                         const struct mu_checkin_sub *sub)
{
    if (unit >= b->nunits || slot >= b->nslots)
        return 0;
    struct mu_checkin_cell *c = &b->cells[unit * b->nslots + slot];
    if (c->has && !better(sub, &c->sub))
        return 0;
    c->has = 1;
    c->sub = *sub;
    return 1;
}

void mu_checkin_board_finish(struct mu_checkin_board *b, int64_t at)
{
    memset(b->count, 0, sizeof(b->count));
    for (size_t u = 0; u < b->nunits; u++)
        for (size_t k = 0; k < b->nslots; k++) {
            struct mu_checkin_cell *c = &b->cells[u * b->nslots + k];
            if (c->has)
                c->status = c->sub.late ? MU_CHECKIN_LATE : MU_CHECKIN_ON_TIME;
            else
                c->status = at > b->slots[k].close_at ? MU_CHECKIN_MISSING : MU_CHECKIN_NOT_DUE;
            b->count[c->status]++;
        }
}

void mu_checkin_board_release(struct mu_checkin_board *b)
{
    if (!b)
        return;
    mu_free(b->cells);
    memset(b, 0, sizeof(*b));
}

int mu_checkin_board_slot(const struct mu_checkin_board *b, int64_t slot_at)
{
    for (size_t k = 0; k < b->nslots; k++)
        if (b->slots[k].due_at == slot_at)
            return (int)k;
    return -1;
}

/* ---------------------------------------------------------------- totals */

enum mu_err mu_checkin_totals_init(struct mu_checkin_totals *t,
                                   const struct mu_checkin_schedule *s, struct mu_error *err)
{
    memset(t, 0, sizeof(*t));
    size_t n = 0;
    for (size_t i = 0; i < s->ci->nfields; i++)
        n += s->ci->fields[i].type == MU_FIELD_COUNT;
    if (n) {
        t->v = mu_calloc(n, sizeof(*t->v));
        if (!t->v)
            return mu_error_set(err, MU_ENOMEM, "out of memory for totals");
    }
    for (size_t i = 0; i < s->ci->nfields; i++)
        if (s->ci->fields[i].type == MU_FIELD_COUNT)
            t->v[t->n++].field = &s->ci->fields[i];
    return MU_OK;
}

void mu_checkin_totals_add(struct mu_checkin_totals *t, int nil, const struct mu_checkin_kv *kv,
                           size_t n)
{
    t->reports++;
    if (nil)
        t->nil++;
    for (size_t i = 0; i < n; i++) {
        int64_t v;
        if (!kv[i].key || !mu_checkin_count_parse(kv[i].value, &v))
            continue;
        for (size_t j = 0; j < t->n; j++)
            if (strcmp(t->v[j].field->key, kv[i].key) == 0) {
                t->v[j].reports++;
                t->v[j].sum += v;
                break;
            }
    }
}

void mu_checkin_totals_release(struct mu_checkin_totals *t)
{
    if (!t)
        return;
    mu_free(t->v);
    memset(t, 0, sizeof(*t));
}

void mu_checkin_stats_add(struct mu_checkin_unit_stats *per_unit, const struct mu_checkin_board *b)
{
    for (size_t u = 0; u < b->nunits; u++)
        for (size_t k = 0; k < b->nslots; k++) {
            switch (b->cells[u * b->nslots + k].status) {
            case MU_CHECKIN_ON_TIME: per_unit[u].on_time++; break;
            case MU_CHECKIN_LATE: per_unit[u].late++; break;
            case MU_CHECKIN_MISSING: per_unit[u].missing++; break;
            case MU_CHECKIN_NOT_DUE: continue;
            }
            per_unit[u].due++;
        }
}

double mu_checkin_rate(const struct mu_checkin_unit_stats *u)
{
    return u->due ? (double)u->on_time / (double)u->due : 0.0;
}
