/* SPDX-License-Identifier: MIT */
/*
 * Duty roster use cases: generate a range from a stored plan (core
 * generator, then the store, in one transaction), publish with reminder
 * notices, overrides and swaps with change notices, the roster with names
 * and phones (JSON), who is on duty now, gaps, and the exports: iCal
 * (libical) for everyone, a person, or a secret feed token, and the XLSX
 * table offices print (libxlsxwriter). Feed tokens are 32 random bytes from
 * libsodium; only their BLAKE2b hash is stored.
 */
#include <muster/roster.h>

#include <inttypes.h>
#include <jansson.h>
#include <libical/ical.h>
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

#define FEED_PREFIX "/feeds/roster/"
#define FEED_TOKEN_BYTES 32
#define FEED_TOKEN_HEX (FEED_TOKEN_BYTES * 2)

/* ---- plans, cached by id for the length of one use case ---- */

struct plans {
    struct {
        char *id;
        struct mu_plan *plan; /* NULL when the plan is not stored or does not parse */
    } v[16];
    size_t n;
};

static void plans_release(struct plans *c)
{
    for (size_t i = 0; i < c->n; i++) {
        mu_free(c->v[i].id);
        mu_plan_free(c->v[i].plan);
    }
    c->n = 0;
}

/* The latest version of plan @p id; MU_ENOTFOUND when it is not stored. */
static enum mu_err load_plan(struct mu_store *s, const char *id, struct mu_plan **out,
                             struct mu_error *err)
{
    struct mu_plan_record rec = {0};
    *out = NULL;
    enum mu_err rc = mu_store_plan_get(s, id, 0, &rec, err);
    if (rc == MU_OK) {
        rc = mu_plan_parse(rec.source, strlen(rec.source), out, NULL, err);
        if (rc == MU_EINVAL)
            rc = mu_error_set(err, MU_EINTERNAL, "stored plan '%s' no longer parses", id);
    }
    mu_plan_record_release(&rec);
    return rc;
}

/* Plan @p id from the cache (loading it on first use); NULL when unknown. */
static const struct mu_plan *plans_get(struct mu_store *s, struct plans *c, const char *id)
{
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->v[i].id, id) == 0)
            return c->v[i].plan;
    struct mu_plan *p = NULL;
    if (load_plan(s, id, &p, NULL))
        p = NULL;
    if (c->n == sizeof(c->v) / sizeof(c->v[0])) {
        /* Full: forget the oldest. Pointers given out before stay valid only
         * until the next call, which callers respect by not keeping them. */
        mu_free(c->v[0].id);
        mu_plan_free(c->v[0].plan);
        memmove(&c->v[0], &c->v[1], (c->n - 1) * sizeof(c->v[0]));
        c->n--;
    }
    char *dup = mu_strdup(id);
    if (!dup) {
        mu_plan_free(p);
        return NULL;
    }
    c->v[c->n].id = dup;
    c->v[c->n].plan = p;
    c->n++;
    return p;
}

static const char *person_name(const struct mu_plan *p, const char *id)
{
    const struct mu_plan_person *pp = p ? mu_plan_person(p, id) : NULL;
    return pp ? pp->name : id;
}

static const char *person_phone(const struct mu_plan *p, const char *id)
{
    const struct mu_plan_person *pp = p ? mu_plan_person(p, id) : NULL;
    return pp && pp->phone ? pp->phone : "";
}

/* "2026-02-01 08:00" for notices and the table. */
static void short_local(int64_t ms, char out[17])
{
    char full[26];
    mu_local_format(ms, full);
    memcpy(out, full, 16);
    out[10] = ' ';
    out[16] = '\0';
}

/* ---- notices ---- */

/* Text of a reminder of @p sh; the buffers are the caller's. */
struct reminder_text {
    char ref[40], subject[256], body[512];
};

static void fill_reminder(const struct mu_plan *p, const struct mu_shift *sh,
                          struct reminder_text *t, struct mu_notice_new *n)
{
    char a[17], b[17];
    int64_t lead = p && p->duty.present ? p->duty.reminder_before : 7200;
    short_local(sh->start_ms, a);
    short_local(sh->end_ms, b);
    snprintf(t->ref, sizeof(t->ref), "shift:%" PRId64, sh->id);
    snprintf(t->subject, sizeof(t->subject), "值班提醒：%s 起%s", a, sh->role);
    snprintf(t->body, sizeof(t->body), "%s，您于 %s 至 %s 担任%s（%s），请保持通讯畅通。",
             person_name(p, sh->person), a, b, sh->role, p && p->title ? p->title : sh->plan_id);
    *n = (struct mu_notice_new){.kind = "roster.reminder",
                                .person = sh->person,
                                .due_at = sh->start_ms - lead * 1000,
                                .subject = t->subject,
                                .body = t->body,
                                .ref = t->ref};
}

/* A reminder for @p sh unless it has already started. */
static enum mu_err add_reminder(struct mu_store *s, const struct mu_actor *actor,
                                const struct mu_plan *p, const struct mu_shift *sh,
                                struct mu_error *err)
{
    struct reminder_text t;
    struct mu_notice_new n;
    if (sh->start_ms <= actor->now_ms)
        return MU_OK;
    fill_reminder(p, sh, &t, &n);
    return mu_store_notice_add(s, actor, &n, 1, NULL, err);
}

/* Notices for a published shift that went from @p old to sh->person. */
static enum mu_err change_notices(struct mu_store *s, const struct mu_actor *actor,
                                  const struct mu_plan *p, const struct mu_shift *sh,
                                  const char *old, struct mu_error *err)
{
    char ref[40], subject[2][256], body[2][512], a[17];
    size_t cancelled = 0;
    short_local(sh->start_ms, a);
    snprintf(ref, sizeof(ref), "shift:%" PRId64, sh->id);
    enum mu_err rc = mu_store_notice_cancel(s, actor, ref, "roster.reminder", &cancelled, err);
    if (rc)
        return rc;
    snprintf(subject[0], sizeof(subject[0]), "值班变更：%s %s 改由%s担任", a, sh->role,
             person_name(p, sh->person));
    snprintf(body[0], sizeof(body[0]), "%s，您 %s 起的%s已改由 %s 担任，无需到岗。",
             person_name(p, old), a, sh->role, person_name(p, sh->person));
    snprintf(subject[1], sizeof(subject[1]), "值班变更：%s 起由您担任%s", a, sh->role);
    snprintf(body[1], sizeof(body[1]), "%s，您接替 %s 于 %s 起担任%s。", person_name(p, sh->person),
             person_name(p, old), a, sh->role);
    struct mu_notice_new n[2] = {
        {.kind = "roster.change", .person = old, .due_at = actor->now_ms, .subject = subject[0],
         .body = body[0], .ref = ref},
        {.kind = "roster.change", .person = sh->person, .due_at = actor->now_ms,
         .subject = subject[1], .body = body[1], .ref = ref},
    };
    rc = mu_store_notice_add(s, actor, n, 2, NULL, err);
    if (rc == MU_OK && sh->end_ms > actor->now_ms)
        rc = add_reminder(s, actor, p, sh, err);
    return rc;
}

/* ---- generate and publish ---- */

static int64_t day_start_ms(int32_t day)
{
    return mu_local_ms(day, 0);
}

/*
 * Publish the drafts of [from_ms, to_ms) and record the reminders of those
 * not yet started, all in one batch (one audit entry).
 */
static enum mu_err publish_tx(struct mu_store *s, const struct mu_actor *actor,
                              const char *plan_id, int64_t from_ms, int64_t to_ms, size_t *count,
                              struct mu_error *err)
{
    struct mu_shift *v = NULL;
    struct plans cache = {0};
    struct reminder_text *t = NULL;
    struct mu_notice_new *nv = NULL;
    size_t n = 0, nn = 0;
    enum mu_err rc = mu_store_roster_publish(s, actor, plan_id, from_ms, to_ms, &v, &n, err);
    if (rc)
        return rc;
    t = mu_calloc(n + 1, sizeof(*t));
    nv = mu_calloc(n + 1, sizeof(*nv));
    if (!t || !nv) {
        rc = mu_error_set(err, MU_ENOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        if (v[i].start_ms > actor->now_ms) {
            fill_reminder(plans_get(s, &cache, v[i].plan_id), &v[i], &t[nn], &nv[nn]);
            nn++;
        }
    rc = mu_store_notice_add(s, actor, nv, nn, NULL, err);
    if (rc == MU_OK && count)
        *count = n;
out:
    mu_free(nv);
    mu_free(t);
    mu_shifts_free(v, n);
    plans_release(&cache);
    return rc;
}

enum mu_err mu_app_roster_publish(struct mu_store *s, const struct mu_actor *actor,
                                  const char *plan_id, int32_t from, int32_t to, size_t *count,
                                  struct mu_error *err)
{
    if (count)
        *count = 0;
    if (from > to)
        return mu_error_set(err, MU_EINVAL, "the date range ends before it starts");
    enum mu_err rc = mu_store_begin(s, err);
    if (rc)
        return rc;
    rc = publish_tx(s, actor, plan_id, day_start_ms(from), day_start_ms(to + 1), count, err);
    if (rc == MU_OK)
        rc = mu_store_commit(s, err);
    if (rc)
        mu_store_rollback(s);
    return rc;
}

enum mu_err mu_app_roster_generate(struct mu_store *s, const struct mu_actor *actor,
                                   const char *plan_id, const struct mu_calendar *cal,
                                   int32_t from, int32_t to, unsigned flags,
                                   struct mu_roster_gen_result *out, struct mu_error *err)
{
    struct mu_plan *p = NULL;
    struct mu_unavail *stored = NULL;
    struct mu_roster_unavail *un = NULL;
    struct mu_shift *existing = NULL;
    struct mu_roster_fixed *fixed = NULL;
    struct mu_roster_gen_shift *gen = NULL;
    struct mu_shift_new *nv = NULL;
    size_t nstored = 0, nexisting = 0, nfixed = 0, ngen = 0, nnew = 0;
    struct mu_roster_gen_result res = {0};
    enum mu_err rc;
    if (out)
        memset(out, 0, sizeof(*out));
    if (from > to)
        return mu_error_set(err, MU_EINVAL, "the date range ends before it starts");
    if ((rc = load_plan(s, plan_id, &p, err)))
        return rc;
    if (!p->duty.present) {
        rc = mu_error_set(err, MU_EINVAL, "plan '%s' has no duty section", plan_id);
        goto out;
    }
    int64_t from_ms = day_start_ms(from), to_ms = day_start_ms(to + 1);
    if ((rc = mu_store_begin(s, err)))
        goto out;
    rc = mu_store_unavail_list(s, from, to, &stored, &nstored, err);
    if (rc)
        goto rollback;
    un = mu_calloc(p->duty.nunavailable + nstored + 1, sizeof(*un));
    if (!un) {
        rc = mu_error_set(err, MU_ENOMEM, "out of memory");
        goto rollback;
    }
    size_t nun = 0;
    for (size_t i = 0; i < p->duty.nunavailable; i++)
        un[nun++] = (struct mu_roster_unavail){p->duty.unavailable[i].person.s,
                                               p->duty.unavailable[i].from,
                                               p->duty.unavailable[i].to};
    for (size_t i = 0; i < nstored; i++)
        un[nun++] = (struct mu_roster_unavail){stored[i].person, stored[i].from, stored[i].to};
    if (!(flags & MU_ROSTER_REPLACE)) {
        struct mu_shift_filter f = {.plan_id = plan_id, .from_ms = from_ms, .to_ms = to_ms,
                                    .published_only = 1};
        if ((rc = mu_store_shift_list(s, &f, &existing, &nexisting, err)))
            goto rollback;
        fixed = mu_calloc(nexisting + 1, sizeof(*fixed));
        if (!fixed) {
            rc = mu_error_set(err, MU_ENOMEM, "out of memory");
            goto rollback;
        }
        for (size_t i = 0; i < nexisting; i++)
            if (existing[i].start_ms >= from_ms)
                fixed[nfixed++] = (struct mu_roster_fixed){existing[i].pool, existing[i].start_ms,
                                                           existing[i].slot, existing[i].person};
    }
    struct mu_roster_gen_in in = {.duty = &p->duty, .cal = cal, .unavail = un, .nunavail = nun,
                                  .fixed = fixed, .nfixed = nfixed, .from = from, .to = to};
    if ((rc = mu_roster_generate(&in, &gen, &ngen, err)))
        goto rollback;
    nv = mu_calloc(ngen + 1, sizeof(*nv));
    if (!nv) {
        rc = mu_error_set(err, MU_ENOMEM, "out of memory");
        goto rollback;
    }
    for (size_t i = 0; i < ngen; i++) {
        if (!gen[i].person) {
            res.gaps++;
            continue;
        }
        if (gen[i].kept) {
            res.kept++;
            continue;
        }
        const struct mu_plan_pool *pool = &p->duty.pools[gen[i].pool];
        nv[nnew++] = (struct mu_shift_new){pool->id, pool->role, gen[i].person, gen[i].start_ms,
                                           gen[i].end_ms, gen[i].slot};
    }
    rc = mu_store_roster_replace(s, actor, plan_id, from_ms, to_ms, nv, nnew,
                                 (flags & MU_ROSTER_REPLACE) != 0, &res.deleted, &res.shifts, err);
    if (rc == MU_OK && (flags & MU_ROSTER_PUBLISH))
        rc = publish_tx(s, actor, plan_id, from_ms, to_ms, &res.published, err);
    if (rc == MU_OK)
        rc = mu_store_commit(s, err);
rollback:
    if (rc)
        mu_store_rollback(s);
out:
    if (rc == MU_OK && out)
        *out = res;
    mu_free(nv);
    mu_free(gen);
    mu_free(fixed);
    mu_shifts_free(existing, nexisting);
    mu_free(un);
    mu_unavails_free(stored, nstored);
    mu_plan_free(p);
    return rc;
}

/* ---- overrides and swaps ---- */

/* Inside a transaction: give @p sh to @p person with the notices. */
static enum mu_err give_shift(struct mu_store *s, const struct mu_actor *actor,
                              const struct mu_plan *p, struct mu_shift *sh, const char *person,
                              enum mu_shift_source source, const char *reason,
                              struct mu_error *err)
{
    if (!p || !mu_plan_person(p, person))
        return mu_error_field(err, MU_EINVAL, "person", "plan '%s' has no person '%s'",
                              sh->plan_id, person);
    enum mu_err rc = mu_store_shift_set_person(s, actor, sh->id, person, source, reason, err);
    if (rc || !sh->published)
        return rc;
    char *old = sh->person, *dup = mu_strdup(person);
    if (!dup)
        return mu_error_set(err, MU_ENOMEM, "out of memory");
    sh->person = dup;
    rc = change_notices(s, actor, p, sh, old, err);
    mu_free(old);
    return rc;
}

enum mu_err mu_app_roster_override(struct mu_store *s, const struct mu_actor *actor,
                                   int64_t shift_id, const char *person, const char *reason,
                                   struct mu_error *err)
{
    struct mu_shift sh = {0};
    struct mu_plan *p = NULL;
    enum mu_err rc = mu_store_begin(s, err);
    if (rc)
        return rc;
    if ((rc = mu_store_shift_get(s, shift_id, &sh, err)) ||
        (rc = load_plan(s, sh.plan_id, &p, err)) ||
        (rc = give_shift(s, actor, p, &sh, person, MU_SHIFT_OVERRIDE, reason, err)))
        goto out;
    rc = mu_store_commit(s, err);
out:
    if (rc)
        mu_store_rollback(s);
    mu_plan_free(p);
    mu_shift_release(&sh);
    return rc;
}

enum mu_err mu_app_roster_override_range(struct mu_store *s, const struct mu_actor *actor,
                                         const char *old_person, const char *new_person,
                                         int32_t from, int32_t to, const char *reason,
                                         size_t *count, struct mu_error *err)
{
    struct mu_shift *v = NULL;
    struct plans cache = {0};
    size_t n = 0;
    if (count)
        *count = 0;
    if (from > to)
        return mu_error_set(err, MU_EINVAL, "the date range ends before it starts");
    enum mu_err rc = mu_store_begin(s, err);
    if (rc)
        return rc;
    struct mu_shift_filter f = {.person = old_person, .from_ms = day_start_ms(from),
                                .to_ms = day_start_ms(to + 1), .by_start = 1};
    if ((rc = mu_store_shift_list(s, &f, &v, &n, err)))
        goto out;
    size_t done = 0;
    for (size_t i = 0; i < n && rc == MU_OK; i++) {
        rc = give_shift(s, actor, plans_get(s, &cache, v[i].plan_id), &v[i], new_person,
                        MU_SHIFT_OVERRIDE, reason, err);
        done++;
    }
    if (rc == MU_OK && done == 0)
        rc = mu_error_field(err, MU_ENOTFOUND, "person", "'%s' has no shifts in that range",
                            old_person ? old_person : "");
    if (rc == MU_OK)
        rc = mu_store_commit(s, err);
    if (rc == MU_OK && count)
        *count = done;
out:
    if (rc)
        mu_store_rollback(s);
    mu_shifts_free(v, n);
    plans_release(&cache);
    return rc;
}

enum mu_err mu_app_roster_swap_request(struct mu_store *s, const struct mu_actor *actor,
                                       int64_t shift_id, const char *with, const char *by,
                                       const char *reason, int64_t *id, struct mu_error *err)
{
    struct mu_shift sh = {0};
    struct mu_plan *p = NULL;
    enum mu_err rc = mu_store_shift_get(s, shift_id, &sh, err);
    if (rc == MU_OK)
        rc = load_plan(s, sh.plan_id, &p, err);
    if (rc == MU_OK && (!with || !mu_plan_person(p, with)))
        rc = mu_error_field(err, MU_EINVAL, "with", "plan '%s' has no person '%s'", sh.plan_id,
                            with ? with : "");
    if (rc == MU_OK && (!by || !mu_plan_person(p, by)))
        rc = mu_error_field(err, MU_EINVAL, "by", "plan '%s' has no person '%s'", sh.plan_id,
                            by ? by : "");
    if (rc == MU_OK)
        rc = mu_store_swap_request(s, actor, shift_id, with, by, reason, id, err);
    mu_plan_free(p);
    mu_shift_release(&sh);
    return rc;
}

enum mu_err mu_app_roster_swap_decide(struct mu_store *s, const struct mu_actor *actor,
                                      int64_t id, int approve, struct mu_error *err)
{
    struct mu_swap w = {0};
    struct mu_shift sh = {0};
    struct mu_plan *p = NULL;
    enum mu_err rc = mu_store_begin(s, err);
    if (rc)
        return rc;
    if ((rc = mu_store_swap_get(s, id, &w, err)) ||
        (rc = mu_store_swap_decide(s, actor, id, approve, err)))
        goto out;
    if (approve) {
        if ((rc = mu_store_shift_get(s, w.shift_id, &sh, err)) ||
            (rc = load_plan(s, sh.plan_id, &p, err)))
            goto out;
        if (strcmp(sh.person, w.from_person) != 0) {
            rc = mu_error_set(err, MU_ECONFLICT,
                              "shift %" PRId64 " changed hands since the request (now '%s')",
                              sh.id, sh.person);
            goto out;
        }
        char note[64];
        snprintf(note, sizeof(note), "swap request %" PRId64, id);
        rc = give_shift(s, actor, p, &sh, w.to_person, MU_SHIFT_SWAP,
                        *w.reason ? w.reason : note, err);
    }
    if (rc == MU_OK)
        rc = mu_store_commit(s, err);
out:
    if (rc)
        mu_store_rollback(s);
    mu_plan_free(p);
    mu_shift_release(&sh);
    mu_swap_release(&w);
    return rc;
}

/* ---- reading the roster ---- */

void mu_roster_entries_free(struct mu_roster_entry *v, size_t n)
{
    if (!v)
        return;
    for (size_t i = 0; i < n; i++) {
        mu_shift_release(&v[i].shift);
        mu_free(v[i].name);
        mu_free(v[i].phone);
    }
    mu_free(v);
}

enum mu_err mu_app_roster_entries(struct mu_store *s, const struct mu_shift_filter *f,
                                  struct mu_roster_entry **out, size_t *n, struct mu_error *err)
{
    struct mu_shift *v = NULL;
    struct mu_roster_entry *e = NULL;
    struct plans cache = {0};
    size_t cnt = 0;
    *out = NULL;
    *n = 0;
    enum mu_err rc = mu_store_shift_list(s, f, &v, &cnt, err);
    if (rc)
        return rc;
    e = mu_calloc(cnt + 1, sizeof(*e));
    if (!e) {
        rc = mu_error_set(err, MU_ENOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < cnt; i++) {
        const struct mu_plan *p = plans_get(s, &cache, v[i].plan_id);
        e[i].shift = v[i];
        memset(&v[i], 0, sizeof(v[i])); /* moved */
        e[i].name = mu_strdup(person_name(p, e[i].shift.person));
        e[i].phone = mu_strdup(person_phone(p, e[i].shift.person));
        if (!e[i].name || !e[i].phone) {
            rc = mu_error_set(err, MU_ENOMEM, "out of memory");
            goto out;
        }
    }
out:
    if (rc) {
        mu_roster_entries_free(e, cnt);
    } else {
        *out = e;
        *n = cnt;
    }
    mu_shifts_free(v, cnt);
    plans_release(&cache);
    return rc;
}

static json_t *local_json(int64_t ms)
{
    char buf[26];
    mu_local_format(ms, buf);
    return json_string(buf);
}

enum mu_err mu_app_roster_json(struct mu_store *s, const struct mu_shift_filter *f, char **out,
                               struct mu_error *err)
{
    struct mu_roster_entry *e = NULL;
    size_t n = 0;
    *out = NULL;
    enum mu_err rc = mu_app_roster_entries(s, f, &e, &n, err);
    if (rc)
        return rc;
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < n; i++) {
        const struct mu_shift *sh = &e[i].shift;
        json_t *o = json_pack(
            "{s:I,s:s,s:s,s:o,s:o,s:s,s:s,s:s,s:s,s:s,s:b,s:s,s:s}", "id", (json_int_t)sh->id,
            "plan", sh->plan_id, "pool", sh->pool, "start", local_json(sh->start_ms), "end",
            local_json(sh->end_ms), "person", sh->person, "name", e[i].name, "role", sh->role,
            "phone", e[i].phone, "source", mu_shift_source_name(sh->source), "published",
            sh->published, "prev_person", sh->prev_person, "note", sh->note);
        if (!o || json_array_append_new(arr, o)) {
            json_decref(arr);
            arr = NULL;
        }
    }
    char *text = arr ? json_dumps(arr, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
    json_decref(arr);
    mu_roster_entries_free(e, n);
    if (!text)
        return mu_error_set(err, MU_ENOMEM, "out of memory");
    *out = mu_strdup(text);
    free(text); /* jansson's malloc */
    if (!*out)
        return mu_error_set(err, MU_ENOMEM, "out of memory");
    return MU_OK;
}

enum mu_err mu_app_roster_now(struct mu_store *s, int64_t at_ms, struct mu_roster_entry **out,
                              size_t *n, struct mu_error *err)
{
    struct mu_shift_filter f = {.from_ms = at_ms, .to_ms = at_ms + 1, .published_only = 1};
    return mu_app_roster_entries(s, &f, out, n, err);
}

void mu_roster_gap_infos_free(struct mu_roster_gap_info *v, size_t n)
{
    if (!v)
        return;
    for (size_t i = 0; i < n; i++) {
        mu_free(v[i].plan_id);
        mu_free(v[i].pool);
        mu_free(v[i].role);
    }
    mu_free(v);
}

/* Append the gaps of plan @p p over local days [from, to] to *v. */
static enum mu_err plan_gaps(struct mu_store *s, const struct mu_plan *p, int32_t from,
                             int32_t to, struct mu_roster_gap_info **v, size_t *n,
                             struct mu_error *err)
{
    struct mu_shift *sh = NULL;
    struct mu_roster_span *sp = NULL;
    struct mu_roster_gap *g = NULL;
    size_t nsh = 0, ng = 0;
    int64_t a = mu_local_ms(from, p->duty.start);
    int64_t b = mu_local_ms(to + 1, p->duty.start);
    struct mu_shift_filter f = {.plan_id = p->id, .from_ms = a, .to_ms = b};
    enum mu_err rc = mu_store_shift_list(s, &f, &sh, &nsh, err);
    if (rc)
        return rc;
    sp = mu_calloc(nsh + 1, sizeof(*sp));
    if (!sp) {
        rc = mu_error_set(err, MU_ENOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < nsh; i++)
        sp[i] = (struct mu_roster_span){sh[i].pool, sh[i].start_ms, sh[i].end_ms};
    if ((rc = mu_roster_gaps(&p->duty, sp, nsh, a, b, &g, &ng, err)))
        goto out;
    if (ng) {
        struct mu_roster_gap_info *nv = mu_realloc(*v, (*n + ng) * sizeof(**v));
        if (!nv) {
            rc = mu_error_set(err, MU_ENOMEM, "out of memory");
            goto out;
        }
        *v = nv;
        for (size_t i = 0; i < ng; i++) {
            const struct mu_plan_pool *pool = &p->duty.pools[g[i].pool];
            struct mu_roster_gap_info *gi = &nv[*n];
            gi->plan_id = mu_strdup(p->id);
            gi->pool = mu_strdup(pool->id);
            gi->role = mu_strdup(pool->role);
            gi->start_ms = g[i].start_ms;
            gi->end_ms = g[i].end_ms;
            gi->missing = g[i].missing;
            ++*n;
            if (!gi->plan_id || !gi->pool || !gi->role) {
                rc = mu_error_set(err, MU_ENOMEM, "out of memory");
                goto out;
            }
        }
    }
out:
    mu_free(g);
    mu_free(sp);
    mu_shifts_free(sh, nsh);
    return rc;
}

enum mu_err mu_app_roster_gaps(struct mu_store *s, const char *plan_id, int32_t from, int32_t to,
                               struct mu_roster_gap_info **out, size_t *n, struct mu_error *err)
{
    struct mu_roster_gap_info *v = NULL;
    struct mu_plan_summary *plans = NULL;
    size_t cnt = 0, nplans = 0;
    struct mu_plan *p = NULL;
    enum mu_err rc = MU_OK;
    *out = NULL;
    *n = 0;
    if (from > to)
        return mu_error_set(err, MU_EINVAL, "the date range ends before it starts");
    if (plan_id) {
        if ((rc = load_plan(s, plan_id, &p, err)))
            return rc;
        if (!p->duty.present)
            rc = mu_error_set(err, MU_EINVAL, "plan '%s' has no duty section", plan_id);
        else
            rc = plan_gaps(s, p, from, to, &v, &cnt, err);
        mu_plan_free(p);
    } else {
        rc = mu_store_plan_list(s, &plans, &nplans, err);
        for (size_t i = 0; rc == MU_OK && i < nplans; i++) {
            if ((rc = load_plan(s, plans[i].id, &p, err)))
                break;
            if (p->duty.present)
                rc = plan_gaps(s, p, from, to, &v, &cnt, err);
            mu_plan_free(p);
            p = NULL;
        }
        mu_plan_summaries_free(plans, nplans);
    }
    if (rc) {
        mu_roster_gap_infos_free(v, cnt);
        return rc;
    }
    *out = v;
    *n = cnt;
    return MU_OK;
}

/* ---- iCal ---- */

static struct icaltimetype utc_time(int64_t ms)
{
    return icaltime_from_timet_with_zone((time_t)(ms / 1000), 0, icaltimezone_get_utc_timezone());
}

static enum mu_err ical_of(const struct mu_roster_entry *e, size_t n, char **out,
                           struct mu_error *err)
{
    *out = NULL;
    icalcomponent *cal = icalcomponent_new_vcalendar();
    if (!cal)
        return mu_error_set(err, MU_ENOMEM, "out of memory");
    icalcomponent_add_property(cal, icalproperty_new_version("2.0"));
    icalcomponent_add_property(cal, icalproperty_new_prodid("-//muster//duty roster//ZH"));
    icalcomponent_add_property(cal, icalproperty_new_calscale("GREGORIAN"));
    icalcomponent_add_property(cal, icalproperty_new_method(ICAL_METHOD_PUBLISH));
    for (size_t i = 0; i < n; i++) {
        const struct mu_shift *sh = &e[i].shift;
        char uid[64], summary[512], desc[1024];
        snprintf(uid, sizeof(uid), "shift-%" PRId64 "@muster", sh->id);
        snprintf(summary, sizeof(summary), "值班 %s %s", sh->role, e[i].name);
        snprintf(desc, sizeof(desc), "%s %s%s%s%s%s", sh->plan_id, sh->pool,
                 *e[i].phone ? " 电话 " : "", e[i].phone,
                 sh->source != MU_SHIFT_GENERATED ? " 调整: " : "",
                 sh->source != MU_SHIFT_GENERATED ? mu_shift_source_name(sh->source) : "");
        icalcomponent *ev = icalcomponent_new_vevent();
        icalcomponent_add_property(ev, icalproperty_new_uid(uid));
        /* DTSTAMP from the shift's last change keeps the output stable. */
        icalcomponent_add_property(ev, icalproperty_new_dtstamp(utc_time(sh->updated_at)));
        icalcomponent_add_property(ev, icalproperty_new_dtstart(utc_time(sh->start_ms)));
        icalcomponent_add_property(ev, icalproperty_new_dtend(utc_time(sh->end_ms)));
        icalcomponent_add_property(ev, icalproperty_new_summary(summary));
        icalcomponent_add_property(ev, icalproperty_new_description(desc));
        icalcomponent_add_property(ev, icalproperty_new_status(
                                           sh->published ? ICAL_STATUS_CONFIRMED
                                                         : ICAL_STATUS_TENTATIVE));
        icalcomponent_add_component(cal, ev);
    }
    char *text = icalcomponent_as_ical_string_r(cal);
    icalcomponent_free(cal);
    if (!text)
        return mu_error_set(err, MU_ENOMEM, "out of memory");
    *out = mu_strdup(text);
    free(text); /* libical's malloc */
    if (!*out)
        return mu_error_set(err, MU_ENOMEM, "out of memory");
    return MU_OK;
}

enum mu_err mu_app_roster_ical(struct mu_store *s, const struct mu_shift_filter *f, char **out,
                               struct mu_error *err)
{
    struct mu_roster_entry *e = NULL;
    size_t n = 0;
    *out = NULL;
    enum mu_err rc = mu_app_roster_entries(s, f, &e, &n, err);
    if (rc == MU_OK)
        rc = ical_of(e, n, out, err);
    mu_roster_entries_free(e, n);
    return rc;
}

/* BLAKE2b-256 hex of a feed token, with a domain prefix. */
static void feed_hash(const char *token, size_t len, char hex[65])
{
    static const char domain[] = "muster-roster-feed-v1:";
    unsigned char d[32];
    crypto_generichash_state st;
    crypto_generichash_init(&st, NULL, 0, sizeof(d));
    crypto_generichash_update(&st, (const unsigned char *)domain, sizeof(domain) - 1);
    crypto_generichash_update(&st, (const unsigned char *)token, len);
    crypto_generichash_final(&st, d, sizeof(d));
    sodium_bin2hex(hex, 65, d, sizeof(d));
}

/* Whether some stored plan lists @p person. */
static enum mu_err person_known(struct mu_store *s, const char *person, int *known,
                                struct mu_error *err)
{
    struct mu_plan_summary *plans = NULL;
    size_t n = 0;
    *known = 0;
    enum mu_err rc = mu_store_plan_list(s, &plans, &n, err);
    for (size_t i = 0; rc == MU_OK && i < n && !*known; i++) {
        struct mu_plan *p = NULL;
        if ((rc = load_plan(s, plans[i].id, &p, err)))
            break;
        *known = mu_plan_person(p, person) != NULL;
        mu_plan_free(p);
    }
    mu_plan_summaries_free(plans, n);
    return rc;
}

enum mu_err mu_app_roster_feed_create(struct mu_store *s, const struct mu_actor *actor,
                                      const char *person, char **path, struct mu_error *err)
{
    unsigned char raw[FEED_TOKEN_BYTES];
    char token[FEED_TOKEN_HEX + 1], hash[65];
    int known = 0;
    *path = NULL;
    if (!person || !*person)
        return mu_error_field(err, MU_EINVAL, "person", "person is empty");
    enum mu_err rc = person_known(s, person, &known, err);
    if (rc)
        return rc;
    if (!known)
        return mu_error_field(err, MU_ENOTFOUND, "person", "no stored plan has person '%s'",
                              person);
    if (sodium_init() < 0)
        return mu_error_set(err, MU_EINTERNAL, "cannot initialize libsodium");
    randombytes_buf(raw, sizeof(raw));
    sodium_bin2hex(token, sizeof(token), raw, sizeof(raw));
    sodium_memzero(raw, sizeof(raw));
    feed_hash(token, FEED_TOKEN_HEX, hash);
    if ((rc = mu_store_feed_add(s, actor, person, hash, err)))
        goto out;
    size_t len = sizeof(FEED_PREFIX) - 1 + FEED_TOKEN_HEX + sizeof(".ics");
    *path = mu_malloc(len);
    if (!*path) {
        rc = mu_error_set(err, MU_ENOMEM, "out of memory");
        goto out;
    }
    snprintf(*path, len, FEED_PREFIX "%s.ics", token);
out:
    sodium_memzero(token, sizeof(token));
    return rc;
}

enum mu_err mu_app_roster_ical_for_feed(struct mu_store *s, const char *token, int64_t from_ms,
                                        char **out, struct mu_error *err)
{
    char hash[65], *person = NULL;
    size_t len = token ? strlen(token) : 0;
    *out = NULL;
    if (len > 4 && strcmp(token + len - 4, ".ics") == 0)
        len -= 4;
    int ok = len == FEED_TOKEN_HEX;
    for (size_t i = 0; ok && i < len; i++)
        ok = (token[i] >= '0' && token[i] <= '9') || (token[i] >= 'a' && token[i] <= 'f');
    if (!ok)
        return mu_error_set(err, MU_ENOTFOUND, "no such feed");
    feed_hash(token, len, hash);
    enum mu_err rc = mu_store_feed_find(s, hash, &person, err);
    if (rc == MU_OK && !person)
        rc = mu_error_set(err, MU_ENOTFOUND, "no such feed");
    if (rc == MU_OK) {
        struct mu_shift_filter f = {.person = person, .from_ms = from_ms,
                                    .to_ms = from_ms ? INT64_MAX : 0, .published_only = 1};
        rc = mu_app_roster_ical(s, &f, out, err);
    }
    mu_free(person);
    return rc;
}

/* ---- XLSX ---- */

static int is_leader_role(const char *role)
{
    return strstr(role, "带班") || strstr(role, "领导");
}

enum mu_err mu_app_roster_xlsx(struct mu_store *s, const char *plan_id,
                               const struct mu_calendar *cal, int32_t from, int32_t to,
                               const char *path, struct mu_error *err)
{
    static const char *const weekdays[] = {"星期一", "星期二", "星期三", "星期四",
                                           "星期五", "星期六", "星期日"};
    static const char *const heads[] = {"日期", "星期", "节假日", "带班领导", "值班人员", "联系电话"};
    struct mu_roster_entry *e = NULL;
    size_t n = 0;
    struct mu_buf col[3];
    enum mu_err rc;
    if (from > to)
        return mu_error_set(err, MU_EINVAL, "the date range ends before it starts");
    if (to - from > 366)
        return mu_error_set(err, MU_EINVAL, "the date range is longer than 366 days");
    struct mu_shift_filter f = {.plan_id = plan_id, .from_ms = day_start_ms(from),
                                .to_ms = day_start_ms(to + 1), .by_start = 1};
    if ((rc = mu_app_roster_entries(s, &f, &e, &n, err)))
        return rc;
    for (int c = 0; c < 3; c++)
        mu_buf_init(&col[c], 64 * 1024);
    lxw_workbook *wb = workbook_new(path);
    if (!wb) {
        rc = mu_error_set(err, MU_EIO, "cannot create workbook '%s'", path);
        goto out;
    }
    lxw_worksheet *ws = workbook_add_worksheet(wb, "值班表");
    lxw_format *bold = workbook_add_format(wb);
    lxw_format *wrap = workbook_add_format(wb);
    format_set_bold(bold);
    format_set_border(bold, LXW_BORDER_THIN);
    format_set_text_wrap(wrap);
    format_set_border(wrap, LXW_BORDER_THIN);
    format_set_align(wrap, LXW_ALIGN_VERTICAL_CENTER);
    worksheet_set_column(ws, 0, 0, 12, NULL);
    worksheet_set_column(ws, 1, 2, 9, NULL);
    worksheet_set_column(ws, 3, 4, 28, NULL);
    worksheet_set_column(ws, 5, 5, 40, NULL);
    for (int c = 0; c < 6; c++)
        worksheet_write_string(ws, 0, (lxw_col_t)c, heads[c], bold);
    lxw_row_t row = 1;
    for (int32_t day = from; day <= to; day++, row++) {
        char date[11], hol[160] = "";
        const char *name = NULL;
        mu_date_format(day, date);
        enum mu_day_kind k = cal ? mu_calendar_day(cal, day, &name)
                                 : (mu_date_weekday(day) >= 6 ? MU_DAY_WEEKEND : MU_DAY_WORKDAY);
        if (k == MU_DAY_HOLIDAY && name)
            snprintf(hol, sizeof(hol), "%s", name);
        else if (k == MU_DAY_ADJUSTED && name)
            snprintf(hol, sizeof(hol), "%s调休上班", name);
        /* Shifts starting this day; a start time is shown when the day has several. */
        int64_t first_start = -1;
        int several = 0;
        for (size_t i = 0; i < n; i++) {
            if (mu_local_day(e[i].shift.start_ms, NULL) != day)
                continue;
            if (first_start < 0)
                first_start = e[i].shift.start_ms;
            else if (e[i].shift.start_ms != first_start)
                several = 1;
        }
        for (int c = 0; c < 3; c++)
            mu_buf_reset(&col[c]);
        for (size_t i = 0; i < n && rc == MU_OK; i++) {
            const struct mu_shift *sh = &e[i].shift;
            if (mu_local_day(sh->start_ms, NULL) != day)
                continue;
            struct mu_buf *b = &col[is_leader_role(sh->role) ? 0 : 1];
            int m = 0;
            mu_local_day(sh->start_ms, &m);
            if (b->len)
                rc = mu_buf_adds(b, several ? "\n" : "、");
            if (rc == MU_OK && several)
                rc = mu_buf_printf(b, "%02d:%02d ", m / 60, m % 60);
            if (rc == MU_OK)
                rc = mu_buf_adds(b, e[i].name);
            /* One phone per person per day. */
            int seen = 0;
            for (size_t j = 0; j < i && !seen; j++)
                seen = mu_local_day(e[j].shift.start_ms, NULL) == day &&
                       strcmp(e[j].shift.person, sh->person) == 0;
            if (rc == MU_OK && !seen && *e[i].phone)
                rc = mu_buf_printf(&col[2], "%s%s %s", col[2].len ? "\n" : "", e[i].name,
                                   e[i].phone);
        }
        if (rc) {
            rc = mu_error_set(err, rc, "roster of %s is too large for one cell", date);
            break;
        }
        worksheet_write_string(ws, row, 0, date, wrap);
        worksheet_write_string(ws, row, 1, weekdays[mu_date_weekday(day) - 1], wrap);
        worksheet_write_string(ws, row, 2, hol, wrap);
        for (int c = 0; c < 3; c++)
            worksheet_write_string(ws, row, (lxw_col_t)(3 + c), col[c].ptr ? col[c].ptr : "",
                                   wrap);
    }
    lxw_error xe = workbook_close(wb);
    if (rc == MU_OK && xe != LXW_NO_ERROR)
        rc = mu_error_set(err, MU_EIO, "cannot write workbook '%s': %s", path,
                          lxw_strerror(xe));
out:
    for (int c = 0; c < 3; c++)
        mu_buf_release(&col[c]);
    mu_roster_entries_free(e, n);
    return rc;
}
