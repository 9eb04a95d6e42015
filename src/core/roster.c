/* SPDX-License-Identifier: MIT */
/*
 * The pure part of the duty roster: local time (Asia/Shanghai, a fixed
 * UTC+8) to and from epoch milliseconds, the fairness class of a day, the
 * generator that fills every shift of a date range from the plan's pools,
 * and the gap finder. No clock, no randomness, no I/O: the same inputs give
 * the same roster. The rules are spelled out at mu_roster_generate() in
 * include/muster/roster.h and in docs/internals/roster.md.
 */
#include "core/roster.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <muster/date.h>
#include <muster/mem.h>

#include "util/banned.h"

#define DAY_MS (86400LL * 1000)
#define MAX_DAYS 366


enum mu_shift_class mu_roster_day_class(const struct mu_calendar *cal, int32_t day)
{
    const char *name = NULL;
    enum mu_day_kind k;
    if (cal) {
        k = mu_calendar_day(cal, day, &name);
    } else {
        k = mu_date_weekday(day) >= 6 ? MU_DAY_WEEKEND : MU_DAY_WORKDAY;
    }
    switch (k) {
    case MU_DAY_HOLIDAY: return name && strcmp(name, "春节") == 0 ? MU_CLASS_SPRING : MU_CLASS_HOLIDAY;
    case MU_DAY_WEEKEND: return MU_CLASS_WEEKEND;
    case MU_DAY_WORKDAY:
    case MU_DAY_ADJUSTED: return MU_CLASS_WORKDAY;
    }
    return MU_CLASS_WORKDAY;
}

const char *mu_shift_class_name(enum mu_shift_class c)
{
    static const char *const names[] = {"workday", "weekend", "holiday", "spring"};
    return (unsigned)c < MU_CLASS_COUNT ? names[c] : "?";
}

/* What the generator remembers of one person of one pool. */
struct member {
    const char *id;
    int64_t cls[MU_CLASS_COUNT]; /* shifts per class in the period */
    int64_t nights;              /* night shifts (every 24h shift counts as one) */
    int64_t total;
    int64_t last_shift; /* running number of their last shift, -1: none yet */
    int64_t last_night; /* running number of their last night shift, -1: none */
};

static int unavailable(const struct mu_roster_gen_in *in, const char *person, int32_t day)
{
    for (size_t i = 0; i < in->nunavail; i++)
        if (in->unavail[i].from <= day && day <= in->unavail[i].to &&
            strcmp(in->unavail[i].person, person) == 0)
            return 1;
    return 0;
}

static const struct mu_roster_fixed *find_fixed(const struct mu_roster_gen_in *in,
                                                const char *pool, int64_t start, int slot)
{
    for (size_t i = 0; i < in->nfixed; i++)
        if (in->fixed[i].start_ms == start && in->fixed[i].slot == slot &&
            strcmp(in->fixed[i].pool, pool) == 0)
            return &in->fixed[i];
    return NULL;
}

static struct member *member_of(struct member *m, size_t n, const char *person)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(m[i].id, person) == 0)
            return &m[i];
    return NULL;
}

static void count(struct member *m, enum mu_shift_class cls, int night, int64_t shift_no,
                  int64_t night_no)
{
    m->cls[cls]++;
    m->total++;
    m->last_shift = shift_no;
    if (night) {
        m->nights++;
        m->last_night = night_no;
    }
}

/*
 * Whether @p a is a better choice than @p b for a shift of class @p cls
 * (see the rules at mu_roster_generate); indices give the rotation order.
 */
static int better(const struct member *a, size_t ia, const struct member *b, size_t ib,
                  enum mu_shift_class cls, int night, int64_t shift_no)
{
    if (a->cls[cls] != b->cls[cls])
        return a->cls[cls] < b->cls[cls];
    int adj_a = a->last_shift == shift_no - 1, adj_b = b->last_shift == shift_no - 1;
    if (adj_a != adj_b)
        return adj_b;
    if (night && a->nights != b->nights)
        return a->nights < b->nights;
    if (a->total != b->total)
        return a->total < b->total;
    if (a->last_shift != b->last_shift)
        return a->last_shift < b->last_shift;
    return ia < ib;
}

/* Fill the free places of one shift of one pool. */
static void fill_shift(const struct mu_roster_gen_in *in, struct member *mem, size_t nmem,
                       struct mu_roster_gen_shift *places, int per_shift, int night,
                       int64_t shift_no, int64_t night_no, unsigned char *taken)
{
    const struct mu_plan_duty *d = in->duty;
    int32_t day = places[0].day;
    enum mu_shift_class cls = places[0].cls;
    memset(taken, 0, nmem);
    for (int k = 0; k < per_shift; k++) {
        if (!places[k].person)
            continue;
        struct member *m = member_of(mem, nmem, places[k].person);
        if (m)
            taken[m - mem] = 1;
    }
    for (int k = 0; k < per_shift; k++) {
        if (places[k].person)
            continue;
        /* Pass 0 honours rest; pass 1, only when pass 0 found no one, waives it. */
        for (int pass = 0; pass < 2 && !places[k].person; pass++) {
            size_t best = nmem;
            for (size_t i = 0; i < nmem; i++) {
                if (taken[i] || unavailable(in, mem[i].id, day))
                    continue;
                if (pass == 0 && d->no_consecutive_nights && night &&
                    mem[i].last_night == night_no - 1)
                    continue;
                if (best == nmem || better(&mem[i], i, &mem[best], best, cls, night, shift_no))
                    best = i;
            }
            if (best < nmem) {
                places[k].person = mem[best].id;
                taken[best] = 1;
            }
        }
    }
    for (int k = 0; k < per_shift; k++) {
        if (!places[k].person)
            continue;
        struct member *m = member_of(mem, nmem, places[k].person);
        if (m)
            count(m, cls, night, shift_no, night_no);
    }
}

enum mu_err mu_roster_generate(const struct mu_roster_gen_in *in,
                               struct mu_roster_gen_shift **out, size_t *n, struct mu_error *err)
{
    const struct mu_plan_duty *d = in->duty;
    struct mu_roster_gen_shift *v = NULL;
    struct member **mem = NULL;
    unsigned char *taken = NULL;
    enum mu_err rc = MU_OK;
    *out = NULL;
    *n = 0;
    if (!d || !d->present || d->npools == 0)
        return mu_error_set(err, MU_EINVAL, "the plan has no duty section with pools");
    if (in->from > in->to)
        return mu_error_set(err, MU_EINVAL, "the date range ends before it starts");
    if ((int64_t)in->to - in->from + 1 > MAX_DAYS)
        return mu_error_set(err, MU_EINVAL, "the date range is longer than %d days", MAX_DAYS);
    int two = d->pattern == MU_DUTY_DAY_NIGHT;
    int day_len = 1440; /* minutes of the day shift (24h: the whole shift) */
    if (two) {
        if (d->night_start < 0)
            return mu_error_set(err, MU_EINVAL, "a day-night duty needs night_start");
        day_len = ((d->night_start - d->start) % 1440 + 1440) % 1440;
        if (day_len == 0)
            return mu_error_set(err, MU_EINVAL, "night_start equals start");
    }

    size_t per_day = 0, maxpeople = 1;
    for (size_t p = 0; p < d->npools; p++) {
        if (d->pools[p].per_shift < 1 || d->pools[p].per_shift > 1000)
            return mu_error_set(err, MU_EINVAL, "pool '%s': per_shift out of range",
                                d->pools[p].id);
        per_day += (size_t)d->pools[p].per_shift * (two ? 2 : 1);
        if (d->pools[p].people.n > maxpeople)
            maxpeople = d->pools[p].people.n;
    }
    size_t ndays = (size_t)(in->to - in->from + 1);
    size_t total = ndays * per_day;
    v = mu_calloc(total, sizeof(*v));
    mem = mu_calloc(d->npools, sizeof(*mem));
    taken = mu_malloc(maxpeople);
    if (!v || !mem || !taken) {
        rc = mu_error_set(err, MU_ENOMEM, "out of memory generating the roster");
        goto out;
    }
    for (size_t p = 0; p < d->npools; p++) {
        size_t np = d->pools[p].people.n;
        mem[p] = mu_calloc(np ? np : 1, sizeof(**mem));
        if (!mem[p]) {
            rc = mu_error_set(err, MU_ENOMEM, "out of memory generating the roster");
            goto out;
        }
        for (size_t i = 0; i < np; i++) {
            mem[p][i].id = d->pools[p].people.v[i].s;
            mem[p][i].last_shift = mem[p][i].last_night = -2;
        }
    }

    size_t at = 0;
    int64_t shift_no = 0, night_no = 0;
    for (int32_t day = in->from; day <= in->to; day++) {
        enum mu_shift_class cls = mu_roster_day_class(in->cal, day);
        for (int half = 0; half < (two ? 2 : 1); half++, shift_no++) {
            int night = two ? half : 1; /* a 24h shift includes a night */
            int64_t start = mu_local_ms(day, d->start + (half ? day_len : 0));
            int64_t end = two && !half ? mu_local_ms(day, d->start + day_len)
                                       : mu_local_ms(day + 1, d->start);
            for (size_t p = 0; p < d->npools; p++) {
                const struct mu_plan_pool *pool = &d->pools[p];
                int per = (int)pool->per_shift;
                struct mu_roster_gen_shift *places = &v[at];
                for (int k = 0; k < per; k++) {
                    const struct mu_roster_fixed *f = find_fixed(in, pool->id, start, k);
                    places[k] = (struct mu_roster_gen_shift){
                        .start_ms = start,
                        .end_ms = end,
                        .day = day,
                        .night = two ? half : 0,
                        .pool = p,
                        .slot = k,
                        .person = f ? f->person : NULL,
                        .kept = f != NULL,
                        .cls = cls,
                    };
                }
                fill_shift(in, mem[p], pool->people.n, places, per, night, shift_no, night_no,
                           taken);
                at += (size_t)per;
            }
            if (night)
                night_no++;
        }
    }
    *out = v;
    *n = at;
    v = NULL;
out:
    if (mem)
        for (size_t p = 0; p < d->npools; p++)
            mu_free(mem[p]);
    mu_free(mem);
    mu_free(taken);
    mu_free(v);
    return rc;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

enum mu_err mu_roster_gaps(const struct mu_plan_duty *duty, const struct mu_roster_span *v,
                           size_t n, int64_t from_ms, int64_t to_ms, struct mu_roster_gap **out,
                           size_t *count, struct mu_error *err)
{
    int64_t *pts = NULL;
    struct mu_roster_gap *g = NULL;
    size_t ng = 0, cap = 0;
    enum mu_err rc = MU_OK;
    *out = NULL;
    *count = 0;
    if (!duty || !duty->present || from_ms >= to_ms)
        return MU_OK;
    pts = mu_malloc((2 * n + 2) * sizeof(*pts));
    if (!pts)
        return mu_error_set(err, MU_ENOMEM, "out of memory finding gaps");
    for (size_t p = 0; p < duty->npools; p++) {
        const char *pool = duty->pools[p].id;
        int64_t need = duty->pools[p].per_shift;
        size_t np = 0;
        pts[np++] = from_ms;
        pts[np++] = to_ms;
        for (size_t i = 0; i < n; i++) {
            if (strcmp(v[i].pool, pool) != 0)
                continue;
            if (v[i].start_ms > from_ms && v[i].start_ms < to_ms)
                pts[np++] = v[i].start_ms;
            if (v[i].end_ms > from_ms && v[i].end_ms < to_ms)
                pts[np++] = v[i].end_ms;
        }
        qsort(pts, np, sizeof(*pts), cmp_i64);
        for (size_t j = 0; j + 1 < np; j++) {
            int64_t a = pts[j], b = pts[j + 1];
            if (a == b)
                continue;
            int64_t have = 0;
            for (size_t i = 0; i < n; i++)
                if (v[i].start_ms <= a && v[i].end_ms >= b && strcmp(v[i].pool, pool) == 0)
                    have++;
            if (have >= need)
                continue;
            if (ng > 0 && g[ng - 1].pool == p && g[ng - 1].end_ms == a &&
                g[ng - 1].missing == need - have) {
                g[ng - 1].end_ms = b;
                continue;
            }
            if (ng == cap) {
                size_t ncap = cap ? cap * 2 : 16;
                struct mu_roster_gap *ngv = mu_realloc(g, ncap * sizeof(*g));
                if (!ngv) {
                    rc = mu_error_set(err, MU_ENOMEM, "out of memory finding gaps");
                    goto out;
                }
                g = ngv;
                cap = ncap;
            }
            g[ng++] = (struct mu_roster_gap){
                .pool = p, .start_ms = a, .end_ms = b, .missing = need - have};
        }
    }
out:
    mu_free(pts);
    if (rc) {
        mu_free(g);
        return rc;
    }
    *out = g;
    *count = ng;
    return MU_OK;
}

const char *mu_shift_source_name(enum mu_shift_source s)
{
    switch (s) {
    case MU_SHIFT_GENERATED: return "generated";
    case MU_SHIFT_OVERRIDE: return "override";
    case MU_SHIFT_SWAP: return "swap";
    }
    return "?";
}

const char *mu_swap_state_name(enum mu_swap_state s)
{
    switch (s) {
    case MU_SWAP_PENDING: return "pending";
    case MU_SWAP_APPROVED: return "approved";
    case MU_SWAP_REJECTED: return "rejected";
    }
    return "?";
}
