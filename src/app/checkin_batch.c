/* SPDX-License-Identifier: MIT */
/*
 * Check-ins for a server (include/muster/checkin_batch.h): a cache of parsed
 * plans with their resolved check-in schedules, the group commit of
 * concurrent submissions (one queue and a committer thread that checks and
 * stores a whole group in one transaction and answers every member after
 * the commit), and the board of a day built from the cached schedule. The checks repeat those of mu_app_checkin_submit() in
 * src/app/checkin.c (same order, same messages and fields) over the cached
 * schedule instead of a plan parsed for every call.
 */
#include <muster/checkin_batch.h>

#include <jansson.h>
#include <muster/audit.h>
#include <muster/date.h>
#include <muster/mem.h>
#include <stdio.h>
#include <string.h>

#include "core/checkin.h"
#include "util/banned.h"

/* ---------------------------------------------------------------- cache */

/* One parsed version of a plan with every check-in resolved. Immutable once
 * made; replaced entries are retired, not freed, so borrowed schedules stay
 * valid until the batcher is freed. */
struct entry {
    struct entry *next;
    int retired;
    int version;
    char *id;
    struct mu_plan_record rec;
    struct mu_plan *plan;
    struct mu_checkin_schedule *sch; /* plan->ncheckins */
    struct mu_error *sch_err;        /* per check-in: code MU_OK when resolved */
    int *sch_ok;
};

/* The plans in the store (ids and latest versions), as last read. */
struct plans {
    struct mu_plan_summary *v;
    size_t n;
};

/* A queued submission, with its own copies of the request. */
struct waiter {
    struct waiter *next;
    /* the request: pointers into the copies below */
    const struct mu_actor *actor;
    const struct mu_principal *who; /* NULL: a trusted local caller */
    const struct mu_checkin_input *in;
    /* whom to tell */
    mu_checkin_done_fn *done;
    void *done_ctx;
    /* the answer */
    enum mu_err rc;
    struct mu_error err;
    struct mu_checkin_receipt receipt;
    /* the committer's work */
    int valid;
    struct mu_checkin_record rec;
    char *fields_json;
    char by[MU_USERNAME_MAX + 80];
    char ref[MU_CHECKIN_MAX_REF + 1];
    int64_t slot_at;
    /* the copies, owned */
    struct mu_actor actor_copy;
    struct mu_principal who_copy;
    struct mu_checkin_input in_copy;
    struct mu_checkin_kv *kv_copy;
    char *strs; /* every string of the copies, one block */
};

struct mu_checkin_batcher {
    struct mu_store *s;
    pthread_mutex_t *store_lock;
    const struct mu_calendar *cal;
    size_t max;
    pthread_mutex_t qlock; /* the queue, stop and the stats */
    pthread_cond_t qcond;  /* signals the committer: a submission queued, or stop */
    struct waiter *head, *tail;
    int stop;
    pthread_t committer;
    struct entry *cache; /* guarded by store_lock, like the two below */
    struct plans *plans; /* the stored plans as last read */
    int64_t known_head;  /* the audit head after our last look or commit; -1: unknown */
    struct mu_checkin_batch_stats stats;
    mu_checkin_batch_hook_fn *hook;
    void *hook_ctx;
};

static void entry_free(struct entry *e)
{
    if (!e)
        return;
    if (e->sch)
        for (size_t i = 0; i < e->plan->ncheckins; i++)
            if (e->sch_ok[i])
                mu_checkin_schedule_release(&e->sch[i]);
    mu_free(e->sch);
    mu_free(e->sch_err);
    mu_free(e->sch_ok);
    mu_plan_free(e->plan);
    mu_plan_record_release(&e->rec);
    mu_free(e->id);
    mu_free(e);
}

/* Read, parse and resolve the latest version of plan @p id (store lock held). */
static enum mu_err entry_load(struct mu_checkin_batcher *b, const char *id, struct entry **out,
                              struct mu_error *err)
{
    struct entry *e = mu_calloc(1, sizeof(*e));
    enum mu_err rc = MU_OK;
    if (!e || !(e->id = mu_strdup(id))) {
        rc = mu_error_set(err, MU_ENOMEM, "out of memory");
        goto out;
    }
    if ((rc = mu_store_plan_get(b->s, id, 0, &e->rec, err)))
        goto out;
    rc = mu_plan_parse(e->rec.source, strlen(e->rec.source), &e->plan, NULL, err);
    if (rc && rc != MU_ENOMEM)
        rc = mu_error_set(err, MU_EINTERNAL, "stored plan '%s' version %d no longer parses", id,
                          e->rec.version);
    if (rc)
        goto out;
    e->version = e->rec.version;
    size_t n = e->plan->ncheckins;
    e->sch = mu_calloc(n ? n : 1, sizeof(*e->sch));
    e->sch_err = mu_calloc(n ? n : 1, sizeof(*e->sch_err));
    e->sch_ok = mu_calloc(n ? n : 1, sizeof(*e->sch_ok));
    if (!e->sch || !e->sch_err || !e->sch_ok) {
        rc = mu_error_set(err, MU_ENOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        enum mu_err r = mu_checkin_schedule_init(&e->sch[i], e->plan, e->plan->checkins[i].id,
                                                 &e->sch_err[i]);
        if (r == MU_ENOMEM) {
            rc = mu_error_set(err, MU_ENOMEM, "out of memory");
            goto out;
        }
        e->sch_ok[i] = r == MU_OK;
        if (r && e->sch_err[i].code == MU_OK)
            e->sch_err[i].code = r;
    }
out:
    if (rc) {
        entry_free(e);
        return rc;
    }
    *out = e;
    return MU_OK;
}

/* The cached entry of plan @p id at @p latest, loading it when missing or stale. */
static enum mu_err entry_get(struct mu_checkin_batcher *b, const char *id, int latest,
                             struct entry **out, struct mu_error *err)
{
    for (struct entry *e = b->cache; e; e = e->next) {
        if (e->retired || strcmp(e->id, id) != 0)
            continue;
        if (e->version == latest) {
            *out = e;
            return MU_OK;
        }
        e->retired = 1;
    }
    struct entry *e = NULL;
    enum mu_err rc = entry_load(b, id, &e, err);
    if (rc)
        return rc;
    e->next = b->cache;
    b->cache = e;
    *out = e;
    return MU_OK;
}


/* The audit head, or -1 when the store cannot say. */
static int64_t audit_head(struct mu_store *s)
{
    int64_t head = -1;
    if (mu_store_audit_head(s, &head, NULL))
        head = -1;
    return head;
}

/*
 * The stored plans (store lock held). Reading the plan list touches the
 * big plan rows, so it is read again only when the audit head moved since
 * our own last look or commit: every plan load appends an audit entry, so
 * an unchanged head means unchanged plans. Borrowed until the next call.
 */
static enum mu_err plans_current(struct mu_checkin_batcher *b, const struct plans **out,
                                 struct mu_error *err)
{
    int64_t head = audit_head(b->s);
    if (!b->plans || head < 0 || head != b->known_head) {
        struct plans *p = mu_calloc(1, sizeof(*p));
        if (!p)
            return mu_error_set(err, MU_ENOMEM, "out of memory");
        enum mu_err rc = mu_store_plan_list(b->s, &p->v, &p->n, err);
        if (rc) {
            mu_free(p);
            return rc;
        }
        if (b->plans)
            mu_plan_summaries_free(b->plans->v, b->plans->n);
        mu_free(b->plans);
        b->plans = p;
        b->known_head = head;
    }
    *out = b->plans;
    return MU_OK;
}

/* Check-in @p cid of entry @p e, or its error; MU_ENOTFOUND when there is none. */
static enum mu_err entry_schedule(struct entry *e, const char *cid,
                                  const struct mu_checkin_schedule **out, struct mu_error *err)
{
    for (size_t i = 0; i < e->plan->ncheckins; i++) {
        if (strcmp(e->plan->checkins[i].id, cid) != 0)
            continue;
        if (!e->sch_ok[i]) {
            if (err)
                *err = e->sch_err[i];
            return e->sch_err[i].code ? e->sch_err[i].code : MU_EINVAL;
        }
        *out = &e->sch[i];
        return MU_OK;
    }
    return MU_ENOTFOUND;
}

/* Resolve "PLAN/CHECKIN" or a bare "CHECKIN" like load_schedule() of checkin.c. */
static enum mu_err resolve(struct mu_checkin_batcher *b, const struct plans *p, const char *ref,
                           const struct mu_checkin_schedule **out, int *version,
                           struct mu_error *err)
{
    struct entry *e = NULL;
    enum mu_err rc;
    if (!ref || !*ref)
        return mu_error_field(err, MU_EINVAL, "schedule", "no schedule given");
    if (strlen(ref) > MU_CHECKIN_MAX_REF)
        return mu_error_field(err, MU_EINVAL, "schedule", "schedule '%.40s...' is too long", ref);
    const char *slash = strchr(ref, '/');
    if (slash) {
        char plan_id[MU_CHECKIN_MAX_REF + 1];
        snprintf(plan_id, sizeof(plan_id), "%.*s", (int)(slash - ref), ref);
        if (!plan_id[0] || !slash[1] || strchr(slash + 1, '/'))
            return mu_error_field(err, MU_EINVAL, "schedule", "schedule '%s' is not PLAN/CHECKIN",
                                  ref);
        const struct mu_plan_summary *ps = NULL;
        for (size_t i = 0; i < p->n && !ps; i++)
            if (strcmp(p->v[i].id, plan_id) == 0)
                ps = &p->v[i];
        if (!ps)
            return mu_error_field(err, MU_ENOTFOUND, "schedule", "no schedule '%s': no plan '%s'",
                                  ref, plan_id);
        if ((rc = entry_get(b, ps->id, ps->latest_version, &e, err)))
            return rc;
        rc = entry_schedule(e, slash + 1, out, err);
        if (rc == MU_ENOTFOUND)
            return mu_error_field(err, MU_ENOTFOUND, "schedule",
                                  "no schedule '%s': plan '%s' has no check-in '%s'", ref, plan_id,
                                  slash + 1);
        if (rc)
            return rc;
    } else {
        size_t hits = 0;
        struct entry *first = NULL, *second = NULL;
        for (size_t i = 0; i < p->n; i++) {
            if ((rc = entry_get(b, p->v[i].id, p->v[i].latest_version, &e, err)))
                return rc;
            for (size_t c = 0; c < e->plan->ncheckins; c++)
                if (strcmp(e->plan->checkins[c].id, ref) == 0) {
                    if (hits++ == 0)
                        first = e;
                    else if (hits == 2)
                        second = e;
                }
        }
        if (hits == 0)
            return mu_error_field(err, MU_ENOTFOUND, "schedule",
                                  "no schedule '%s' in any loaded plan", ref);
        if (hits > 1)
            return mu_error_field(err, MU_EINVAL, "schedule",
                                  "schedule '%s' is in several plans ('%s', '%s'); use PLAN/%s",
                                  ref, first->id, second->id, ref);
        e = first;
        if ((rc = entry_schedule(e, ref, out, err)))
            return rc;
    }
    if (version)
        *version = e->version;
    return MU_OK;
}

/* ---------------------------------------------------------------- checks */

static int user_may(enum mu_role role, char **units, size_t n, const char *unit)
{
    switch (mu_role_can(role, MU_ACTION_UNIT_WRITE)) {
    case MU_GRANT_ALL:
        return 1;
    case MU_GRANT_OWN_UNITS:
        for (size_t i = 0; i < n; i++)
            if (strcmp(units[i], unit) == 0)
                return 1;
        return 0;
    case MU_GRANT_NONE:
        break;
    }
    return 0;
}

static enum mu_err parse_slot(const char *s, int64_t at, int32_t *day, int *minutes,
                              struct mu_error *err)
{
    size_t len = strlen(s);
    if (len == 5 && mu_clock_parse(s, 5, minutes, NULL) == MU_OK) {
        *day = mu_local_day(at, NULL);
        return MU_OK;
    }
    if (len == 16 && (s[10] == 'T' || s[10] == ' ') && mu_date_parse(s, 10, day, NULL) == MU_OK &&
        mu_clock_parse(s + 11, 5, minutes, NULL) == MU_OK)
        return MU_OK;
    return mu_error_field(err, MU_EINVAL, "slot", "slot '%.40s' is not HH:MM or YYYY-MM-DDTHH:MM",
                          s);
}

/* The form values as stored: form order, counts as numbers; *out mu_free. */
static enum mu_err fields_json(const struct mu_checkin_schedule *sch,
                               const struct mu_checkin_kv *kv, size_t n, char **out,
                               struct mu_error *err)
{
    json_t *obj = json_object();
    for (size_t f = 0; obj && f < sch->ci->nfields; f++) {
        const struct mu_plan_field *fd = &sch->ci->fields[f];
        for (size_t i = 0; i < n; i++) {
            if (strcmp(kv[i].key, fd->key) != 0)
                continue;
            int64_t v = 0;
            json_t *jv = fd->type == MU_FIELD_COUNT && mu_checkin_count_parse(kv[i].value, &v)
                             ? json_integer(v)
                             : json_string(kv[i].value);
            if (!jv || json_object_set_new(obj, fd->key, jv)) {
                json_decref(obj);
                obj = NULL;
            }
        }
    }
    size_t len = obj ? json_dumpb(obj, NULL, 0, JSON_COMPACT | JSON_PRESERVE_ORDER) : 0;
    char *buf = len ? mu_malloc(len + 1) : NULL;
    if (buf && json_dumpb(obj, buf, len, JSON_COMPACT | JSON_PRESERVE_ORDER) == len) {
        buf[len] = '\0';
    } else {
        mu_free(buf);
        buf = NULL;
    }
    json_decref(obj);
    if (!buf)
        return mu_error_set(err, MU_ENOMEM, "out of memory");
    *out = buf;
    return MU_OK;
}

/* Every check of mu_app_checkin_submit(), filling w->rec (store lock held). */
static enum mu_err prepare(struct mu_checkin_batcher *b, const struct plans *p, struct waiter *w,
                           struct mu_error *err)
{
    const struct mu_checkin_input *in = w->in;
    const struct mu_checkin_schedule *sch = NULL;
    struct mu_user user = {0};
    struct mu_checkin_kv *kv = NULL;
    int version = 0;
    enum mu_err rc = resolve(b, p, in->schedule, &sch, &version, err);
    if (rc)
        return rc;
    snprintf(w->ref, sizeof(w->ref), "%s/%s", sch->plan->id, sch->ci->id);
    const char *unit = in->unit ? in->unit : "";
    if (mu_checkin_schedule_unit(sch, unit) < 0) {
        if (mu_plan_unit(sch->plan, unit))
            return mu_error_field(err, MU_EINVAL, "unit",
                                  "unit '%s' does not report to check-in '%s'", unit, w->ref);
        return mu_error_field(err, MU_EINVAL, "unit", "no unit '%.64s' in plan '%s'", unit,
                              sch->plan->id);
    }
    if (w->who && !mu_principal_can(w->who, MU_ACTION_UNIT_WRITE, unit))
        return mu_error_field(err, MU_EINVAL, "unit", "'%s' is not allowed to report for unit '%s'",
                              w->who->name, unit);
    if (in->by && *in->by) {
        if (mu_plan_person(sch->plan, in->by)) {
            snprintf(w->by, sizeof(w->by), "%s", in->by);
        } else {
            rc = mu_store_user_get(b->s, in->by, &user, err);
            if (rc == MU_ENOTFOUND)
                rc = mu_error_field(err, MU_EINVAL, "by",
                                    "'%.64s' is neither a person of plan '%s' nor a user", in->by,
                                    sch->plan->id);
            if (!rc && (user.disabled || !user_may(user.role, user.units, user.nunits, unit)))
                rc = mu_error_field(err, MU_EINVAL, "by",
                                    "user '%s' is not allowed to report for unit '%s'", user.name,
                                    unit);
            if (!rc)
                snprintf(w->by, sizeof(w->by), "%s", user.name);
            mu_user_release(&user);
            if (rc)
                return rc;
        }
    } else {
        snprintf(w->by, sizeof(w->by), "%s", w->who ? w->who->name : w->actor->name);
    }

    size_t n = in->nfields;
    kv = mu_calloc(n + 1, sizeof(*kv));
    if (!kv)
        return mu_error_set(err, MU_ENOMEM, "out of memory");
    if (n)
        memcpy(kv, in->fields, n * sizeof(*kv));
    if (in->text) {
        const struct mu_plan_field *tf = NULL;
        size_t ntext = 0;
        for (size_t i = 0; i < sch->ci->nfields; i++)
            if (sch->ci->fields[i].type == MU_FIELD_TEXT) {
                tf = &sch->ci->fields[i];
                ntext++;
            }
        if (ntext != 1) {
            rc = mu_error_field(err, MU_EINVAL, "text",
                                ntext ? "check-in '%s' has several text fields; use --field "
                                        "KEY=TEXT"
                                      : "check-in '%s' has no text field",
                                w->ref);
            goto out;
        }
        kv[n].key = tf->key;
        kv[n].value = in->text;
        n++;
    }
    if ((rc = mu_checkin_check_fields(sch, in->nil, kv, n, err)))
        goto out;

    int32_t want_day = -1;
    int want_min = 0, late = 0;
    struct mu_checkin_slot slot;
    if (in->slot && *in->slot && (rc = parse_slot(in->slot, in->at, &want_day, &want_min, err)))
        goto out;
    if ((rc = mu_checkin_assign(sch, b->cal, in->at, want_day, want_min, &slot, &late, err)))
        goto out;
    if ((rc = fields_json(sch, kv, n, &w->fields_json, err)))
        goto out;
    w->slot_at = slot.due_at;
    w->rec = (struct mu_checkin_record){
        .plan_id = sch->plan->id,
        .checkin_id = sch->ci->id,
        .plan_version = version,
        .unit = unit,
        .slot_at = slot.due_at,
        .submitted_at = in->at,
        .late = late,
        .nil = in->nil ? 1 : 0,
        .fields_json = w->fields_json,
        .submitted_by = w->by,
    };
out:
    mu_free(kv);
    return rc;
}

/* ---------------------------------------------------------------- group commit */

static void *committer_run(void *arg);

enum mu_err mu_checkin_batcher_new(struct mu_store *s, pthread_mutex_t *store_lock,
                                   const struct mu_calendar *cal, size_t max_batch,
                                   struct mu_checkin_batcher **out, struct mu_error *err)
{
    if (!s || !store_lock || max_batch > MU_CHECKIN_BATCH_MAX)
        return mu_error_set(err, MU_EINVAL, "check-in batcher: bad arguments");
    struct mu_checkin_batcher *b = mu_calloc(1, sizeof(*b));
    if (!b)
        return mu_error_set(err, MU_ENOMEM, "out of memory");
    if (pthread_mutex_init(&b->qlock, NULL)) {
        mu_free(b);
        return mu_error_set(err, MU_EINTERNAL, "cannot make a mutex");
    }
    if (pthread_cond_init(&b->qcond, NULL)) {
        pthread_mutex_destroy(&b->qlock);
        mu_free(b);
        return mu_error_set(err, MU_EINTERNAL, "cannot make a condition variable");
    }
    b->s = s;
    b->store_lock = store_lock;
    b->cal = cal;
    b->max = max_batch ? max_batch : MU_CHECKIN_BATCH_DEFAULT;
    b->known_head = -1;
    if (pthread_create(&b->committer, NULL, committer_run, b)) {
        pthread_cond_destroy(&b->qcond);
        pthread_mutex_destroy(&b->qlock);
        mu_free(b);
        return mu_error_set(err, MU_EINTERNAL, "cannot start the check-in committer thread");
    }
    *out = b;
    return MU_OK;
}

void mu_checkin_batcher_free(struct mu_checkin_batcher *b)
{
    if (!b)
        return;
    /* The committer answers what is queued, then ends. */
    pthread_mutex_lock(&b->qlock);
    b->stop = 1;
    pthread_cond_signal(&b->qcond);
    pthread_mutex_unlock(&b->qlock);
    pthread_join(b->committer, NULL);
    for (struct entry *e = b->cache, *next; e; e = next) {
        next = e->next;
        entry_free(e);
    }
    if (b->plans)
        mu_plan_summaries_free(b->plans->v, b->plans->n);
    mu_free(b->plans);
    pthread_cond_destroy(&b->qcond);
    pthread_mutex_destroy(&b->qlock);
    mu_free(b);
}

void mu_checkin_batcher_stats(struct mu_checkin_batcher *b, struct mu_checkin_batch_stats *out)
{
    pthread_mutex_lock(&b->qlock);
    *out = b->stats;
    pthread_mutex_unlock(&b->qlock);
}

void mu_checkin_batcher_set_hook(struct mu_checkin_batcher *b, mu_checkin_batch_hook_fn *fn,
                                 void *ctx)
{
    pthread_mutex_lock(&b->qlock);
    b->hook = fn;
    b->hook_ctx = ctx;
    pthread_mutex_unlock(&b->qlock);
}

/* Store the valid members of the group in one transaction; 0 or the error. */
static enum mu_err store_group(struct mu_checkin_batcher *b, struct waiter **g, size_t n,
                               size_t nvalid, struct mu_error *err)
{
    struct mu_checkin_record *recs = mu_calloc(n, sizeof(*recs));
    int64_t *ids = mu_calloc(n, sizeof(*ids));
    size_t *who = mu_calloc(n, sizeof(*who));
    enum mu_err rc = MU_OK;
    if (!recs || !ids || !who) {
        rc = mu_error_set(err, MU_ENOMEM, "out of memory");
        goto out;
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (g[i]->valid) {
            recs[k] = g[i]->rec;
            who[k++] = i;
        }
    if ((rc = mu_store_begin(b->s, err)))
        goto out;
    /* One store call per run of the same actor (the audit entries name it). */
    for (size_t i = 0; i < k && !rc;) {
        size_t j = i + 1;
        const struct mu_actor *a = g[who[i]]->actor;
        while (j < k && strcmp(g[who[j]]->actor->name, a->name) == 0)
            j++;
        rc = mu_store_checkin_submit_many(b->s, a, &recs[i], j - i, &ids[i], err);
        i = j;
    }
    if (!rc && b->hook)
        rc = b->hook(b->hook_ctx, nvalid, err);
    if (rc) {
        mu_store_rollback(b->s);
        goto out;
    }
    if ((rc = mu_store_commit(b->s, err)))
        goto out;
    for (size_t i = 0; i < k; i++)
        g[who[i]]->receipt.id = ids[i];
out:
    mu_free(recs);
    mu_free(ids);
    mu_free(who);
    return rc;
}

static void receipt_fill(struct waiter *w)
{
    char t[26];
    snprintf(w->receipt.schedule, sizeof(w->receipt.schedule), "%s", w->ref);
    mu_local_format(w->slot_at, t);
    snprintf(w->receipt.slot, sizeof(w->receipt.slot), "%.16s", t);
    w->receipt.late = w->rec.late;
}

/* The leader's work: check, store and answer the @p n waiters of @p g. */
static void process(struct mu_checkin_batcher *b, struct waiter **g, size_t n)
{
    const struct plans *p = NULL;
    struct mu_error err = {0};
    size_t nvalid = 0, rejected = 0, retried = 0, commits = 0, stored = 0;

    pthread_mutex_lock(b->store_lock);
    enum mu_err rc = plans_current(b, &p, &err);
    int64_t head = b->known_head;
    for (size_t i = 0; i < n; i++) {
        struct waiter *w = g[i];
        if (rc) {
            w->rc = rc;
            w->err = err;
        } else if ((w->rc = prepare(b, p, w, &w->err)) == MU_OK) {
            w->valid = 1;
            nvalid++;
        } else {
            rejected++;
        }
    }
    if (nvalid) {
        rc = store_group(b, g, n, nvalid, &err);
        if (rc == MU_OK) {
            commits = 1;
            stored = nvalid;
            /* One audit entry per submission: the head we expect now. A
             * writer we did not see makes the next look read the plans. */
            b->known_head = head >= 0 ? head + (int64_t)nvalid : -1;
        } else {
            b->known_head = -1;
            /* The shared transaction failed: each member on its own, so that
             * one bad apple (or a passing failure) answers only for itself. */
            for (size_t i = 0; i < n; i++) {
                struct waiter *w = g[i];
                if (!w->valid)
                    continue;
                retried++;
                w->rc = mu_store_checkin_submit(b->s, w->actor, &w->rec, &w->receipt.id, &w->err);
                if (w->rc == MU_OK)
                    stored++;
                else
                    w->valid = 0;
            }
        }
    }
    pthread_mutex_unlock(b->store_lock);
    for (size_t i = 0; i < n; i++) {
        if (g[i]->valid)
            receipt_fill(g[i]);
        mu_free(g[i]->fields_json);
        g[i]->fields_json = NULL;
    }
    pthread_mutex_lock(&b->qlock);
    b->stats.groups++;
    b->stats.commits += commits;
    b->stats.stored += stored;
    b->stats.rejected += rejected;
    b->stats.retried += retried;
    if (n > b->stats.largest)
        b->stats.largest = n;
    pthread_mutex_unlock(&b->qlock);
}

/* ---------------------------------------------------------------- the queue */

static void waiter_free(struct waiter *w)
{
    if (!w)
        return;
    mu_principal_release(&w->who_copy);
    mu_free(w->kv_copy);
    mu_free(w->strs);
    mu_free(w->fields_json);
    mu_free(w);
}

/* Append a copy of @p src (may be NULL) at *@p at in the block; the copy, or NULL. */
static const char *put_str(char **at, const char *src)
{
    if (!src)
        return NULL;
    size_t n = strlen(src) + 1;
    char *d = *at;
    memcpy(d, src, n);
    *at += n;
    return d;
}

static size_t str_room(const char *s)
{
    return s ? strlen(s) + 1 : 0;
}

/* A queued submission holding its own copies of the request; NULL without memory. */
static struct waiter *waiter_new(const struct mu_actor *actor, const struct mu_principal *who,
                                 const struct mu_checkin_input *in)
{
    struct waiter *w = mu_calloc(1, sizeof(*w));
    if (!w)
        return NULL;
    size_t room = str_room(actor->name) + str_room(in->schedule) + str_room(in->unit) +
                  str_room(in->text) + str_room(in->slot) + str_room(in->by);
    for (size_t i = 0; i < in->nfields; i++)
        room += str_room(in->fields[i].key) + str_room(in->fields[i].value);
    w->strs = mu_malloc(room ? room : 1);
    w->kv_copy = mu_calloc(in->nfields + 1, sizeof(*w->kv_copy));
    if (!w->strs || !w->kv_copy || (who && mu_principal_copy(&w->who_copy, who, NULL))) {
        waiter_free(w);
        return NULL;
    }
    char *at = w->strs;
    w->actor_copy.name = put_str(&at, actor->name);
    w->actor_copy.now_ms = actor->now_ms;
    w->in_copy = *in;
    w->in_copy.schedule = put_str(&at, in->schedule);
    w->in_copy.unit = put_str(&at, in->unit);
    w->in_copy.text = put_str(&at, in->text);
    w->in_copy.slot = put_str(&at, in->slot);
    w->in_copy.by = put_str(&at, in->by);
    for (size_t i = 0; i < in->nfields; i++) {
        w->kv_copy[i].key = put_str(&at, in->fields[i].key);
        w->kv_copy[i].value = put_str(&at, in->fields[i].value);
    }
    w->in_copy.fields = w->kv_copy;
    w->actor = &w->actor_copy;
    w->who = who ? &w->who_copy : NULL;
    w->in = &w->in_copy;
    return w;
}

/*
 * The committer: takes up to max queued submissions at a time, checks and
 * stores them with one commit (process), and answers each; while it works,
 * new submissions queue up and form the next group, so the group size
 * follows the load. At stop it answers what is queued, then ends.
 */
static void *committer_run(void *arg)
{
    struct mu_checkin_batcher *b = arg;
    struct waiter *g[MU_CHECKIN_BATCH_MAX];
    pthread_mutex_lock(&b->qlock);
    for (;;) {
        while (!b->head && !b->stop)
            pthread_cond_wait(&b->qcond, &b->qlock);
        if (!b->head)
            break;
        size_t n = 0;
        while (b->head && n < b->max) {
            g[n++] = b->head;
            b->head = b->head->next;
        }
        if (!b->head)
            b->tail = NULL;
        pthread_mutex_unlock(&b->qlock);
        process(b, g, n);
        for (size_t i = 0; i < n; i++) {
            g[i]->done(g[i]->done_ctx, g[i]->rc, &g[i]->err,
                       g[i]->rc ? NULL : &g[i]->receipt);
            waiter_free(g[i]);
        }
        pthread_mutex_lock(&b->qlock);
    }
    pthread_mutex_unlock(&b->qlock);
    return NULL;
}

enum mu_err mu_checkin_batcher_submit_async(struct mu_checkin_batcher *b,
                                            const struct mu_actor *actor,
                                            const struct mu_principal *who,
                                            const struct mu_checkin_input *in,
                                            mu_checkin_done_fn *done, void *ctx,
                                            struct mu_error *err)
{
    if (!actor || !actor->name || !*actor->name || !in || !done)
        return mu_error_set(err, MU_EINVAL, "check-in submission without actor or input");
    struct waiter *w = waiter_new(actor, who, in);
    if (!w)
        return mu_error_set(err, MU_ENOMEM, "out of memory");
    w->done = done;
    w->done_ctx = ctx;
    pthread_mutex_lock(&b->qlock);
    if (b->tail)
        b->tail->next = w;
    else
        b->head = w;
    b->tail = w;
    pthread_cond_signal(&b->qcond);
    pthread_mutex_unlock(&b->qlock);
    return MU_OK;
}

/* mu_checkin_batcher_submit() waiting for its answer. */
struct sync_wait {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int done;
    enum mu_err rc;
    struct mu_error err;
    struct mu_checkin_receipt receipt;
};

static void sync_done(void *ctx, enum mu_err rc, const struct mu_error *err,
                      const struct mu_checkin_receipt *receipt)
{
    struct sync_wait *sw = ctx;
    pthread_mutex_lock(&sw->lock);
    sw->rc = rc;
    if (rc)
        sw->err = *err;
    else
        sw->receipt = *receipt;
    sw->done = 1;
    pthread_cond_signal(&sw->cond);
    pthread_mutex_unlock(&sw->lock);
}

enum mu_err mu_checkin_batcher_submit(struct mu_checkin_batcher *b, const struct mu_actor *actor,
                                      const struct mu_principal *who,
                                      const struct mu_checkin_input *in,
                                      struct mu_checkin_receipt *out, struct mu_error *err)
{
    struct sync_wait sw;
    memset(&sw, 0, sizeof(sw));
    if (pthread_mutex_init(&sw.lock, NULL))
        return mu_error_set(err, MU_EINTERNAL, "cannot make a mutex");
    if (pthread_cond_init(&sw.cond, NULL)) {
        pthread_mutex_destroy(&sw.lock);
        return mu_error_set(err, MU_EINTERNAL, "cannot make a condition variable");
    }
    enum mu_err rc = mu_checkin_batcher_submit_async(b, actor, who, in, sync_done, &sw, err);
    if (rc == MU_OK) {
        pthread_mutex_lock(&sw.lock);
        while (!sw.done)
            pthread_cond_wait(&sw.cond, &sw.lock);
        pthread_mutex_unlock(&sw.lock);
        rc = sw.rc;
        if (rc && err)
            *err = sw.err;
        else if (!rc)
            *out = sw.receipt;
    }
    pthread_cond_destroy(&sw.cond);
    pthread_mutex_destroy(&sw.lock);
    return rc;
}

/* ---------------------------------------------------------------- lookups */

enum mu_err mu_checkin_batcher_schedule(struct mu_checkin_batcher *b, const char *ref,
                                        const struct mu_checkin_schedule **sch, int *version,
                                        struct mu_error *err)
{
    const struct plans *p = NULL;
    pthread_mutex_lock(b->store_lock);
    enum mu_err rc = plans_current(b, &p, err);
    if (!rc)
        rc = resolve(b, p, ref, sch, version, err);
    pthread_mutex_unlock(b->store_lock);
    return rc;
}

enum mu_err mu_checkin_batcher_each(struct mu_checkin_batcher *b, mu_checkin_schedule_fn *fn,
                                    void *ctx, struct mu_error *err)
{
    const struct plans *p = NULL;
    const struct mu_checkin_schedule **v = NULL;
    size_t n = 0, cap = 0;
    pthread_mutex_lock(b->store_lock);
    enum mu_err rc = plans_current(b, &p, err);
    for (size_t i = 0; rc == MU_OK && i < p->n; i++) {
        struct entry *e = NULL;
        if ((rc = entry_get(b, p->v[i].id, p->v[i].latest_version, &e, err)))
            break;
        for (size_t c = 0; c < e->plan->ncheckins && rc == MU_OK; c++) {
            if (!e->sch_ok[c])
                continue;
            if (n == cap) {
                size_t ncap = cap ? cap * 2 : 16;
                const struct mu_checkin_schedule **nv = mu_realloc(v, ncap * sizeof(*v));
                if (!nv) {
                    rc = mu_error_set(err, MU_ENOMEM, "out of memory");
                    break;
                }
                v = nv;
                cap = ncap;
            }
            v[n++] = &e->sch[c];
        }
    }
    pthread_mutex_unlock(b->store_lock);
    for (size_t i = 0; rc == MU_OK && i < n; i++)
        rc = fn(ctx, v[i], err);
    mu_free(v);
    return rc;
}

struct board_scan {
    const struct mu_checkin_schedule *sch;
    struct mu_checkin_board *b;
};

static enum mu_err board_row(void *ctx, const struct mu_checkin_row *row, struct mu_error *err)
{
    struct board_scan *c = ctx;
    (void)err;
    int u = mu_checkin_schedule_unit(c->sch, row->unit);
    int k = mu_checkin_board_slot(c->b, row->slot_at);
    if (u >= 0 && k >= 0) {
        struct mu_checkin_sub sub = {row->id, row->submitted_at, row->late, row->nil};
        mu_checkin_board_add(c->b, (size_t)u, (size_t)k, &sub);
    }
    return MU_OK;
}

enum mu_err mu_checkin_batcher_board(struct mu_checkin_batcher *b,
                                     const struct mu_checkin_schedule *sch, int32_t day,
                                     int64_t at, size_t *nslots, mu_checkin_cell_fn *fn,
                                     void *ctx, struct mu_error *err)
{
    struct mu_checkin_slot slots[MU_CHECKIN_MAX_SLOTS];
    struct mu_checkin_board bd;
    size_t ns = mu_checkin_slots(sch, b->cal, day, slots);
    if (nslots)
        *nslots = ns;
    if (ns == 0)
        return MU_OK;
    enum mu_err rc = mu_checkin_board_init(&bd, sch->nunits, slots, ns, err);
    if (rc)
        return rc;
    struct board_scan sc = {sch, &bd};
    pthread_mutex_lock(b->store_lock);
    rc = mu_store_checkin_scan(b->s, sch->plan->id, sch->ci->id, slots[0].due_at,
                               slots[ns - 1].due_at + 1, at, 0, board_row, &sc, err);
    pthread_mutex_unlock(b->store_lock);
    if (!rc) {
        mu_checkin_board_finish(&bd, at);
        for (size_t u = 0; u < sch->nunits && !rc; u++)
            for (size_t k = 0; k < ns && !rc; k++) {
                const struct mu_checkin_cell *c = &bd.cells[u * ns + k];
                struct mu_checkin_cell_view v = {
                    .unit_index = u,
                    .slot_index = k,
                    .unit = sch->units[u],
                    .reporter = sch->reporter[u],
                    .slot = &bd.slots[k],
                    .status = c->status,
                    .has = c->has,
                    .submitted_at = c->has ? c->sub.submitted_at : 0,
                    .nil = c->has ? c->sub.nil : 0,
                    .late = c->has ? c->sub.late : 0,
                };
                rc = fn(ctx, &v, err);
            }
    }
    mu_checkin_board_release(&bd);
    return rc;
}
