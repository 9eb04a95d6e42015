/* SPDX-License-Identifier: MIT */
/*
 * Check-in use cases over the store: resolve a schedule ("PLAN/CHECKIN")
 * against the latest stored version of its plan, check and store a
 * submission, build the board of a day, make the summary, record the
 * reminders and summaries that are due (tick), and the on-time statistics
 * as text, JSON and XLSX. The rules themselves are in src/core/checkin.c;
 * this file reads and writes through the store and formats the results.
 */
#include <muster/checkin.h>

#include <jansson.h>
#include <muster/date.h>
#include <muster/mem.h>
#include <muster/notice.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#include "core/checkin.h"
#include "util/buf.h"
#include "util/banned.h"

#define OUT_MAX (64u * 1024 * 1024) /* largest text or JSON produced */
#define STATS_MAX_DAYS 366

/* ---------------------------------------------------------------- loading */

/* A schedule resolved against the latest version of its plan. */
struct loaded {
    struct mu_plan_record rec;
    struct mu_plan *plan;
    struct mu_checkin_schedule sch;
    int has_sch;
    char ref[MU_CHECKIN_MAX_REF + 1]; /* "PLAN/CHECKIN" */
};

static void loaded_release(struct loaded *l)
{
    if (l->has_sch)
        mu_checkin_schedule_release(&l->sch);
    mu_plan_free(l->plan);
    mu_plan_record_release(&l->rec);
    memset(l, 0, sizeof(*l));
}

/* Read and parse the latest version of plan @p id into @p l. */
static enum mu_err load_plan(struct mu_store *s, const char *id, struct loaded *l,
                             struct mu_error *err)
{
    enum mu_err rc = mu_store_plan_get(s, id, 0, &l->rec, err);
    if (rc)
        return rc;
    rc = mu_plan_parse(l->rec.source, strlen(l->rec.source), &l->plan, NULL, err);
    if (rc && rc != MU_ENOMEM)
        rc = mu_error_set(err, MU_EINTERNAL, "stored plan '%s' version %d no longer parses", id,
                          l->rec.version);
    return rc;
}

static enum mu_err load_schedule(struct mu_store *s, const char *ref, struct loaded *l,
                                 struct mu_error *err)
{
    enum mu_err rc = MU_OK;
    memset(l, 0, sizeof(*l));
    if (!ref || !*ref)
        return mu_error_field(err, MU_EINVAL, "schedule", "no schedule given");
    if (strlen(ref) > MU_CHECKIN_MAX_REF)
        return mu_error_field(err, MU_EINVAL, "schedule", "schedule '%.40s...' is too long", ref);
    const char *slash = strchr(ref, '/');
    if (slash) {
        char plan_id[MU_CHECKIN_MAX_REF + 1];
        snprintf(plan_id, sizeof(plan_id), "%.*s", (int)(slash - ref), ref);
        if (!plan_id[0] || !slash[1] || strchr(slash + 1, '/'))
            return mu_error_field(err, MU_EINVAL, "schedule",
                                  "schedule '%s' is not PLAN/CHECKIN", ref);
        rc = load_plan(s, plan_id, l, err);
        if (rc == MU_ENOTFOUND)
            rc = mu_error_field(err, MU_ENOTFOUND, "schedule", "no schedule '%s': no plan '%s'",
                                ref, plan_id);
        if (!rc)
            rc = mu_checkin_schedule_init(&l->sch, l->plan, slash + 1, err);
        if (rc == MU_ENOTFOUND && l->plan)
            rc = mu_error_field(err, MU_ENOTFOUND, "schedule",
                                "no schedule '%s': plan '%s' has no check-in '%s'", ref, plan_id,
                                slash + 1);
    } else {
        /* A bare check-in id: it must name a check-in of exactly one plan. */
        struct mu_plan_summary *plans = NULL;
        size_t n = 0, hits = 0;
        char first[MU_CHECKIN_MAX_REF + 1] = "", second[MU_CHECKIN_MAX_REF + 1] = "";
        rc = mu_store_plan_list(s, &plans, &n, err);
        for (size_t i = 0; rc == MU_OK && i < n; i++) {
            struct loaded t;
            memset(&t, 0, sizeof(t));
            rc = load_plan(s, plans[i].id, &t, err);
            for (size_t c = 0; rc == MU_OK && c < t.plan->ncheckins; c++)
                if (strcmp(t.plan->checkins[c].id, ref) == 0) {
                    if (hits++ == 0)
                        snprintf(first, sizeof(first), "%s", plans[i].id);
                    else if (hits == 2)
                        snprintf(second, sizeof(second), "%s", plans[i].id);
                }
            loaded_release(&t);
        }
        mu_plan_summaries_free(plans, n);
        if (rc)
            return rc;
        if (hits == 0)
            return mu_error_field(err, MU_ENOTFOUND, "schedule",
                                  "no schedule '%s' in any loaded plan", ref);
        if (hits > 1)
            return mu_error_field(err, MU_EINVAL, "schedule",
                                  "schedule '%s' is in several plans ('%s', '%s'); use PLAN/%s",
                                  ref, first, second, ref);
        rc = load_plan(s, first, l, err);
        if (!rc)
            rc = mu_checkin_schedule_init(&l->sch, l->plan, ref, err);
    }
    if (rc) {
        loaded_release(l);
        return rc;
    }
    l->has_sch = 1;
    snprintf(l->ref, sizeof(l->ref), "%s/%s", l->plan->id, l->sch.ci->id);
    return MU_OK;
}

/* ---------------------------------------------------------------- days */

/* A day's board with, for each cell that counts, its fields and submitter. */
struct day {
    struct mu_checkin_board b;
    const struct mu_checkin_schedule *sch;
    char **fields; /* per cell, owned, NULL when none (only with MU_CHECKIN_SCAN_FIELDS) */
    char **by;     /* per cell, owned */
    unsigned flags;
};

static void day_release(struct day *d)
{
    size_t n = d->b.nunits * d->b.nslots;
    for (size_t i = 0; d->fields && i < n; i++) {
        mu_free(d->fields[i]);
        mu_free(d->by[i]);
    }
    mu_free(d->fields);
    mu_free(d->by);
    mu_checkin_board_release(&d->b);
    memset(d, 0, sizeof(*d));
}

static enum mu_err day_row(void *ctx, const struct mu_checkin_row *row, struct mu_error *err)
{
    struct day *d = ctx;
    int u = mu_checkin_schedule_unit(d->sch, row->unit);
    int k = mu_checkin_board_slot(&d->b, row->slot_at);
    if (u < 0 || k < 0)
        return MU_OK; /* a unit or due time the plan no longer has */
    struct mu_checkin_sub sub = {row->id, row->submitted_at, row->late, row->nil};
    if (!mu_checkin_board_add(&d->b, (size_t)u, (size_t)k, &sub) || !d->fields)
        return MU_OK;
    size_t c = (size_t)u * d->b.nslots + (size_t)k;
    mu_free(d->fields[c]);
    mu_free(d->by[c]);
    d->fields[c] = mu_strdup(row->fields_json ? row->fields_json : "{}");
    d->by[c] = mu_strdup(row->submitted_by ? row->submitted_by : "");
    if (!d->fields[c] || !d->by[c])
        return mu_error_set(err, MU_ENOMEM, "out of memory reading check-ins");
    return MU_OK;
}

/* The board of @p day as seen at @p at; an empty board (no slots) on days without reports. */
static enum mu_err day_build(struct mu_store *s, const struct loaded *l,
                             const struct mu_calendar *cal, int32_t day, int64_t at,
                             unsigned flags, struct day *d, struct mu_error *err)
{
    struct mu_checkin_slot slots[MU_CHECKIN_MAX_SLOTS];
    size_t n = mu_checkin_slots(&l->sch, cal, day, slots);
    memset(d, 0, sizeof(*d));
    d->sch = &l->sch;
    d->flags = flags;
    enum mu_err rc = mu_checkin_board_init(&d->b, l->sch.nunits, slots, n, err);
    if (rc)
        return rc;
    if (n && (flags & MU_CHECKIN_SCAN_FIELDS)) {
        d->fields = mu_calloc(l->sch.nunits * n, sizeof(char *));
        d->by = mu_calloc(l->sch.nunits * n, sizeof(char *));
        if (!d->fields || !d->by) {
            day_release(d);
            return mu_error_set(err, MU_ENOMEM, "out of memory for a board");
        }
    }
    if (n)
        rc = mu_store_checkin_scan(s, l->plan->id, l->sch.ci->id, slots[0].due_at,
                                   slots[n - 1].due_at + 1, at, flags, day_row, d, err);
    if (rc) {
        day_release(d);
        return rc;
    }
    mu_checkin_board_finish(&d->b, at);
    return MU_OK;
}

/* ---------------------------------------------------------------- helpers */

static void hhmm(int minutes, char out[static 6])
{
    unsigned m = minutes < 0 ? 0u : (unsigned)minutes % 1440u;
    out[0] = (char)('0' + m / 600);
    out[1] = (char)('0' + m / 60 % 10);
    out[2] = ':';
    out[3] = (char)('0' + m % 60 / 10);
    out[4] = (char)('0' + m % 10);
    out[5] = '\0';
}

/* "YYYY-MM-DDTHH:MM" of @p ms, local. */
static void local_minute(int64_t ms, char out[static 17])
{
    char t[26];
    mu_local_format(ms, t);
    snprintf(out, 17, "%.16s", t);
}

static json_t *time_json(int64_t ms)
{
    char t[26];
    mu_local_format(ms, t);
    return json_string(t);
}

/* Hand a jansson string over as memory mu_free() can free. */
static enum mu_err take_json(json_t *doc, size_t flags, char **out, struct mu_error *err)
{
    char *text = doc ? json_dumps(doc, flags | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(4))
                     : NULL;
    size_t len = text ? strlen(text) : 0;
    *out = text ? mu_malloc(len + 2) : NULL;
    if (*out) {
        memcpy(*out, text, len);
        (*out)[len] = '\n';
        (*out)[len + 1] = '\0';
    }
    free(text);
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

/* Display width of UTF-8 @p s: 2 for East Asian wide characters, else 1. */
static size_t width(const char *s)
{
    size_t w = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        unsigned cp = *p;
        size_t len = cp < 0x80 ? 1 : (cp & 0xe0) == 0xc0 ? 2 : (cp & 0xf0) == 0xe0 ? 3 : 4;
        if (len > 1) {
            cp &= 0x3f >> (len - 1);
            for (size_t i = 1; i < len && p[i]; i++)
                cp = (cp << 6) | (p[i] & 0x3f);
        }
        for (size_t i = 0; i < len && *p; i++)
            p++;
        w += (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) ||
                     (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
                     (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
                     (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x20000 && cp <= 0x3fffd)
                 ? 2
                 : 1;
    }
    return w;
}

/* A text table: rows of cells, printed with columns padded to their widest cell. */
struct table {
    size_t ncols, nrows, cap;
    char **cells; /* owned, nrows * ncols */
};

static enum mu_err table_row(struct table *t, const char *const *cells, struct mu_error *err)
{
    if (t->nrows == t->cap) {
        size_t ncap = t->cap ? t->cap * 2 : 32;
        char **nc = mu_realloc(t->cells, ncap * t->ncols * sizeof(char *));
        if (!nc)
            return mu_error_set(err, MU_ENOMEM, "out of memory for a table");
        t->cells = nc;
        t->cap = ncap;
    }
    for (size_t c = 0; c < t->ncols; c++) {
        char *v = mu_strdup(cells[c] ? cells[c] : "");
        if (!v) {
            for (size_t j = 0; j < c; j++)
                mu_free(t->cells[t->nrows * t->ncols + j]);
            return mu_error_set(err, MU_ENOMEM, "out of memory for a table");
        }
        t->cells[t->nrows * t->ncols + c] = v;
    }
    t->nrows++;
    return MU_OK;
}

static void table_release(struct table *t)
{
    for (size_t i = 0; i < t->nrows * t->ncols; i++)
        mu_free(t->cells[i]);
    mu_free(t->cells);
    memset(t, 0, sizeof(*t));
}

static enum mu_err table_print(const struct table *t, struct mu_buf *b)
{
    size_t w[16] = {0};
    enum mu_err rc = MU_OK;
    for (size_t r = 0; r < t->nrows; r++)
        for (size_t c = 0; c < t->ncols && c < 16; c++) {
            size_t x = width(t->cells[r * t->ncols + c]);
            if (x > w[c])
                w[c] = x;
        }
    for (size_t r = 0; rc == MU_OK && r < t->nrows; r++) {
        size_t last = t->ncols;
        while (last > 1 && !*t->cells[r * t->ncols + last - 1])
            last--;
        for (size_t c = 0; rc == MU_OK && c < last; c++) {
            const char *v = t->cells[r * t->ncols + c];
            rc = mu_buf_adds(b, v);
            if (c + 1 < last)
                for (size_t pad = width(v); rc == MU_OK && pad < w[c] + 2; pad++)
                    rc = mu_buf_addc(b, ' ');
        }
        if (rc == MU_OK)
            rc = mu_buf_addc(b, '\n');
    }
    return rc;
}

/* ---------------------------------------------------------------- submit */

struct slot_scan {
    const char *unit;
    int64_t slot_at;
    struct mu_checkin_sub best;
    int has;
};

static enum mu_err best_row(void *ctx, const struct mu_checkin_row *row, struct mu_error *err)
{
    struct slot_scan *sc = ctx;
    (void)err;
    if (row->slot_at != sc->slot_at || strcmp(row->unit, sc->unit) != 0)
        return MU_OK;
    struct mu_checkin_slot slot = {0};
    struct mu_checkin_board b = {.nunits = 1, .nslots = 1};
    struct mu_checkin_cell cell = {.has = sc->has, .sub = sc->best};
    b.slots[0] = slot;
    b.cells = &cell;
    struct mu_checkin_sub sub = {row->id, row->submitted_at, row->late, row->nil};
    if (mu_checkin_board_add(&b, 0, 0, &sub)) {
        sc->has = 1;
        sc->best = sub;
    }
    return MU_OK;
}

/* Parse --slot: "HH:MM" (a due time of the day of @p at) or "YYYY-MM-DDTHH:MM". */
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
    return mu_error_field(err, MU_EINVAL, "slot",
                          "slot '%.40s' is not HH:MM or YYYY-MM-DDTHH:MM", s);
}

/* May a user with @p role and @p units report for @p unit? */
static int user_may(enum mu_role role, char **units, size_t n, const char *unit)
{
    switch (mu_role_can(role, MU_ACTION_UNIT_WRITE)) {
    case MU_GRANT_ALL: return 1;
    case MU_GRANT_OWN_UNITS:
        for (size_t i = 0; i < n; i++)
            if (strcmp(units[i], unit) == 0)
                return 1;
        return 0;
    case MU_GRANT_NONE: break;
    }
    return 0;
}

static enum mu_err unit_error(const struct loaded *l, const char *unit, struct mu_error *err)
{
    if (mu_plan_unit(l->plan, unit))
        return mu_error_field(err, MU_EINVAL, "unit", "unit '%s' does not report to check-in '%s'",
                              unit, l->ref);
    return mu_error_field(err, MU_EINVAL, "unit", "no unit '%.64s' in plan '%s'", unit,
                          l->plan->id);
}

enum mu_err mu_app_checkin_submit(struct mu_store *s, const struct mu_actor *actor,
                                  const struct mu_principal *who, const struct mu_calendar *cal,
                                  const struct mu_checkin_input *in,
                                  struct mu_checkin_receipt *out, struct mu_error *err)
{
    struct loaded l;
    struct mu_user user = {0};
    struct mu_checkin_kv *kv = NULL;
    json_t *obj = NULL;
    char *fields_json = NULL;
    char by[MU_USERNAME_MAX + 80] = "";
    enum mu_err rc = load_schedule(s, in->schedule, &l, err);
    if (rc)
        return rc;
    const char *unit = in->unit ? in->unit : "";
    if (mu_checkin_schedule_unit(&l.sch, unit) < 0) {
        rc = unit_error(&l, unit, err);
        goto out;
    }
    if (who && !mu_principal_can(who, MU_ACTION_UNIT_WRITE, unit)) {
        rc = mu_error_field(err, MU_EINVAL, "unit", "'%s' is not allowed to report for unit '%s'",
                            who->name, unit);
        goto out;
    }
    if (in->by && *in->by) {
        if (mu_plan_person(l.plan, in->by)) {
            snprintf(by, sizeof(by), "%s", in->by);
        } else {
            rc = mu_store_user_get(s, in->by, &user, err);
            if (rc == MU_ENOTFOUND)
                rc = mu_error_field(err, MU_EINVAL, "by",
                                    "'%.64s' is neither a person of plan '%s' nor a user", in->by,
                                    l.plan->id);
            if (rc)
                goto out;
            if (user.disabled || !user_may(user.role, user.units, user.nunits, unit)) {
                rc = mu_error_field(err, MU_EINVAL, "by",
                                    "user '%s' is not allowed to report for unit '%s'", user.name,
                                    unit);
                goto out;
            }
            snprintf(by, sizeof(by), "%s", user.name);
        }
    } else {
        snprintf(by, sizeof(by), "%s", who ? who->name : actor->name);
    }

    /* The fields, with --text filling the form's one text field. */
    size_t n = in->nfields;
    kv = mu_calloc(n + 1, sizeof(*kv));
    if (!kv) {
        rc = mu_error_set(err, MU_ENOMEM, "out of memory");
        goto out;
    }
    if (n)
        memcpy(kv, in->fields, n * sizeof(*kv));
    if (in->text) {
        const struct mu_plan_field *tf = NULL;
        size_t ntext = 0;
        for (size_t i = 0; i < l.sch.ci->nfields; i++)
            if (l.sch.ci->fields[i].type == MU_FIELD_TEXT) {
                tf = &l.sch.ci->fields[i];
                ntext++;
            }
        if (ntext != 1) {
            rc = mu_error_field(err, MU_EINVAL, "text",
                                ntext ? "check-in '%s' has several text fields; use --field "
                                        "KEY=TEXT"
                                      : "check-in '%s' has no text field",
                                l.ref);
            goto out;
        }
        kv[n].key = tf->key;
        kv[n].value = in->text;
        n++;
    }
    rc = mu_checkin_check_fields(&l.sch, in->nil, kv, n, err);
    if (rc)
        goto out;

    /* The slot. */
    int32_t want_day = -1;
    int want_min = 0, late = 0;
    struct mu_checkin_slot slot;
    if (in->slot && *in->slot && (rc = parse_slot(in->slot, in->at, &want_day, &want_min, err)))
        goto out;
    rc = mu_checkin_assign(&l.sch, cal, in->at, want_day, want_min, &slot, &late, err);
    if (rc)
        goto out;

    /* The values as stored: form order, counts as numbers. */
    obj = json_object();
    for (size_t f = 0; obj && f < l.sch.ci->nfields; f++) {
        const struct mu_plan_field *fd = &l.sch.ci->fields[f];
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
    if (!obj || take_json(obj, JSON_COMPACT, &fields_json, err)) {
        rc = mu_error_set(err, MU_ENOMEM, "out of memory");
        goto out;
    }
    fields_json[strlen(fields_json) - 1] = '\0'; /* no newline in the stored value */

    /* Which report counted before this one. */
    struct slot_scan sc = {.unit = unit, .slot_at = slot.due_at};
    rc = mu_store_checkin_scan(s, l.plan->id, l.sch.ci->id, slot.due_at, slot.due_at + 1,
                               INT64_MAX, 0, best_row, &sc, err);
    if (rc)
        goto out;
    struct mu_checkin_record rec = {
        .plan_id = l.plan->id,
        .checkin_id = l.sch.ci->id,
        .plan_version = l.rec.version,
        .unit = unit,
        .slot_at = slot.due_at,
        .submitted_at = in->at,
        .late = late,
        .nil = in->nil ? 1 : 0,
        .fields_json = fields_json,
        .submitted_by = by,
    };
    int64_t id = 0;
    rc = mu_store_checkin_submit(s, actor, &rec, &id, err);
    if (rc)
        goto out;
    memset(out, 0, sizeof(*out));
    out->id = id;
    snprintf(out->schedule, sizeof(out->schedule), "%s", l.ref);
    local_minute(slot.due_at, out->slot);
    out->late = late;
    struct mu_checkin_sub mine = {id, in->at, late, rec.nil};
    struct slot_scan after = sc;
    struct mu_checkin_row row = {.id = id, .unit = unit, .slot_at = slot.due_at,
                                 .submitted_at = in->at, .late = late, .nil = rec.nil};
    best_row(&after, &row, NULL);
    out->counts = after.has && after.best.id == mine.id;
    out->replaced = out->counts && sc.has && !sc.best.late;
out:
    json_decref(obj);
    mu_free(fields_json);
    mu_free(kv);
    mu_user_release(&user);
    loaded_release(&l);
    return rc;
}

/* ---------------------------------------------------------------- board */

static enum mu_err board_json(const struct loaded *l, const struct day *d, char **out,
                              struct mu_error *err)
{
    json_t *list = json_array();
    for (size_t u = 0; list && u < d->b.nunits; u++) {
        const struct mu_plan_unit *pu = l->sch.units[u];
        const struct mu_plan_person *rp = l->sch.reporter[u];
        for (size_t k = 0; k < d->b.nslots; k++) {
            const struct mu_checkin_cell *c = &d->b.cells[u * d->b.nslots + k];
            char slot[6];
            hhmm(d->b.slots[k].minutes, slot);
            json_t *o = json_pack(
                "{s:s,s:s,s:s,s:s,s:o,s:o,s:o,s:o,s:o}", "unit", pu->id, "unit_name", pu->name,
                "slot", slot, "status", mu_checkin_status_name(c->status), "submitted_at",
                c->has ? time_json(c->sub.submitted_at) : json_null(), "nil",
                c->has ? json_boolean(c->sub.nil) : json_null(), "reporter_id",
                rp ? json_string(rp->id) : json_null(), "reporter",
                rp ? json_string(rp->name) : json_null(), "phone",
                rp && rp->phone ? json_string(rp->phone) : json_null());
            if (!o || json_array_append_new(list, o)) {
                json_decref(list);
                list = NULL;
                break;
            }
        }
    }
    enum mu_err rc = list ? take_json(list, JSON_INDENT(2), out, err)
                          : mu_error_set(err, MU_ENOMEM, "out of memory formatting the board");
    json_decref(list);
    return rc;
}

static enum mu_err board_text(const struct loaded *l, int32_t day, int64_t at,
                              const struct day *d, char **out, struct mu_error *err)
{
    struct mu_buf b;
    struct table t = {.ncols = 8};
    char ds[11], as_of[26];
    mu_buf_init(&b, OUT_MAX);
    mu_date_format(day, ds);
    mu_local_format(at, as_of);
    enum mu_err rc = mu_buf_printf(&b, "%s %s  %s  as of %s\n", l->ref, l->sch.ci->name, ds, as_of);
    if (rc == MU_OK && d->b.nslots == 0) {
        rc = mu_buf_printf(&b, "no report is due on %s (not a working day)\n", ds);
        return take_buf(&b, rc, out, err);
    }
    const char *head[] = {"UNIT", "NAME", "SLOT", "STATUS", "SUBMITTED", "NIL", "REPORTER", "PHONE"};
    if (rc == MU_OK)
        rc = table_row(&t, head, err);
    for (size_t u = 0; rc == MU_OK && u < d->b.nunits; u++) {
        const struct mu_plan_unit *pu = l->sch.units[u];
        const struct mu_plan_person *rp = l->sch.reporter[u];
        for (size_t k = 0; rc == MU_OK && k < d->b.nslots; k++) {
            const struct mu_checkin_cell *c = &d->b.cells[u * d->b.nslots + k];
            char slot[6], when[17] = "-";
            hhmm(d->b.slots[k].minutes, slot);
            if (c->has)
                local_minute(c->sub.submitted_at, when);
            const char *row[] = {pu->id,
                                 pu->name,
                                 slot,
                                 mu_checkin_status_name(c->status),
                                 when,
                                 c->has ? (c->sub.nil ? "yes" : "no") : "-",
                                 rp ? rp->name : "-",
                                 rp && rp->phone ? rp->phone : "-"};
            rc = table_row(&t, row, err);
        }
    }
    if (rc == MU_OK)
        rc = table_print(&t, &b);
    if (rc == MU_OK)
        rc = mu_buf_printf(&b, "on_time %zu, late %zu, missing %zu, not_due %zu\n",
                           d->b.count[MU_CHECKIN_ON_TIME], d->b.count[MU_CHECKIN_LATE],
                           d->b.count[MU_CHECKIN_MISSING], d->b.count[MU_CHECKIN_NOT_DUE]);
    table_release(&t);
    return take_buf(&b, rc, out, err);
}

enum mu_err mu_app_checkin_board(struct mu_store *s, const struct mu_calendar *cal,
                                 const char *schedule, int32_t day, int64_t at,
                                 enum mu_checkin_format fmt, char **out, struct mu_error *err)
{
    struct loaded l;
    struct day d;
    enum mu_err rc = load_schedule(s, schedule, &l, err);
    if (rc)
        return rc;
    rc = day_build(s, &l, cal, day, at, 0, &d, err);
    if (rc == MU_OK) {
        rc = fmt == MU_CHECKIN_JSON ? board_json(&l, &d, out, err)
                                    : board_text(&l, day, at, &d, out, err);
        day_release(&d);
    }
    loaded_release(&l);
    return rc;
}

/* ---------------------------------------------------------------- summary */

/* The summary of @p day as seen at @p as_of, as a JSON object (owned; NULL on ENOMEM). */
static enum mu_err summary_make(struct mu_store *s, const struct loaded *l,
                                const struct mu_calendar *cal, int32_t day, int64_t as_of,
                                int recorded, json_t **out, struct mu_error *err)
{
    struct day d;
    struct mu_checkin_totals tot;
    json_t *doc = NULL, *texts = NULL, *late = NULL, *missing = NULL, *slots = NULL,
           *fields = NULL, *to = NULL;
    enum mu_err rc = day_build(s, l, cal, day, as_of, MU_CHECKIN_SCAN_FIELDS, &d, err);
    if (rc)
        return rc;
    rc = mu_checkin_totals_init(&tot, &l->sch, err);
    if (rc) {
        day_release(&d);
        return rc;
    }
    texts = json_array();
    late = json_array();
    missing = json_array();
    slots = json_array();
    fields = json_array();
    to = json_array();
    int oom = !texts || !late || !missing || !slots || !fields || !to;
    for (size_t k = 0; !oom && k < d.b.nslots; k++) {
        char hm[6];
        hhmm(d.b.slots[k].minutes, hm);
        oom |= json_array_append_new(slots, json_string(hm)) != 0;
    }
    for (size_t u = 0; !oom && u < d.b.nunits; u++) {
        const struct mu_plan_unit *pu = l->sch.units[u];
        const struct mu_plan_person *rp = l->sch.reporter[u];
        for (size_t k = 0; !oom && k < d.b.nslots; k++) {
            size_t ci = u * d.b.nslots + k;
            const struct mu_checkin_cell *c = &d.b.cells[ci];
            char hm[6];
            hhmm(d.b.slots[k].minutes, hm);
            if (c->status == MU_CHECKIN_MISSING)
                oom |= json_array_append_new(
                           missing, json_pack("{s:s,s:s,s:s,s:o,s:o}", "unit", pu->id,
                                              "unit_name", pu->name, "slot", hm, "reporter",
                                              rp ? json_string(rp->name) : json_null(), "phone",
                                              rp && rp->phone ? json_string(rp->phone)
                                                              : json_null())) != 0;
            if (c->status == MU_CHECKIN_LATE)
                oom |= json_array_append_new(late, json_pack("{s:s,s:s,s:s,s:o}", "unit", pu->id,
                                                             "unit_name", pu->name, "slot", hm,
                                                             "submitted_at",
                                                             time_json(c->sub.submitted_at))) != 0;
            if (!c->has)
                continue;
            /* The values of the report that counts. */
            struct mu_checkin_kv kv[MU_CHECKIN_MAX_FIELDS];
            char nums[MU_CHECKIN_MAX_FIELDS][24];
            size_t n = 0;
            json_t *vals = json_loads(d.fields[ci] ? d.fields[ci] : "{}", 0, NULL);
            const char *key;
            json_t *v;
            json_object_foreach(vals, key, v)
            {
                if (n == MU_CHECKIN_MAX_FIELDS)
                    break;
                if (json_is_integer(v)) {
                    snprintf(nums[n], sizeof(nums[n]), "%lld", (long long)json_integer_value(v));
                    kv[n].key = key;
                    kv[n].value = nums[n];
                    n++;
                } else if (json_is_string(v) && json_string_length(v) > 0) {
                    oom |= json_array_append_new(
                               texts, json_pack("{s:s,s:s,s:s,s:s}", "unit", pu->id, "slot", hm,
                                                "field", key, "text", json_string_value(v))) != 0;
                }
            }
            mu_checkin_totals_add(&tot, c->sub.nil, kv, n);
            json_decref(vals);
        }
    }
    for (size_t i = 0; !oom && i < tot.n; i++)
        oom |= json_array_append_new(fields, json_pack("{s:s,s:s,s:I,s:I}", "key",
                                                       tot.v[i].field->key, "label",
                                                       tot.v[i].field->label, "reports",
                                                       (json_int_t)tot.v[i].reports, "total",
                                                       (json_int_t)tot.v[i].sum)) != 0;
    for (size_t i = 0; !oom && i < l->sch.ci->summary_to.n; i++)
        oom |= json_array_append_new(to, json_string(l->sch.ci->summary_to.v[i].text)) != 0;
    char ds[11];
    mu_date_format(day, ds);
    if (!oom)
        doc = json_pack("{s:s,s:s,s:s,s:o,s:b,s:o,s:I,s:I,s:{s:I,s:I,s:I,s:I},s:I,s:I,s:o,s:o,s:o,"
                        "s:o,s:o}",
                        "schedule", l->ref, "name", l->sch.ci->name, "date", ds, "as_of",
                        time_json(as_of), "recorded", recorded, "slots", slots, "units",
                        (json_int_t)d.b.nunits, "due",
                        (json_int_t)(d.b.nunits * d.b.nslots), "counts", "on_time",
                        (json_int_t)d.b.count[MU_CHECKIN_ON_TIME], "late",
                        (json_int_t)d.b.count[MU_CHECKIN_LATE], "missing",
                        (json_int_t)d.b.count[MU_CHECKIN_MISSING], "not_due",
                        (json_int_t)d.b.count[MU_CHECKIN_NOT_DUE], "reports",
                        (json_int_t)tot.reports, "nil_reports", (json_int_t)tot.nil, "fields",
                        fields, "texts", texts, "late", late, "missing", missing, "to", to);
    else {
        json_decref(slots);
        json_decref(fields);
        json_decref(texts);
        json_decref(late);
        json_decref(missing);
        json_decref(to);
    }
    mu_checkin_totals_release(&tot);
    day_release(&d);
    if (!doc)
        return mu_error_set(err, MU_ENOMEM, "out of memory making the summary");
    *out = doc;
    return MU_OK;
}

static const char *jstr(json_t *o, const char *key)
{
    const char *v = json_string_value(json_object_get(o, key));
    return v ? v : "";
}

static long long jint(json_t *o, const char *key)
{
    return (long long)json_integer_value(json_object_get(o, key));
}

static enum mu_err summary_text(json_t *doc, char **out, struct mu_error *err)
{
    struct mu_buf b;
    size_t i;
    json_t *v, *counts = json_object_get(doc, "counts");
    mu_buf_init(&b, OUT_MAX);
    enum mu_err rc = mu_buf_printf(&b, "summary of %s %s for %s as of %s%s\n",
                                   jstr(doc, "schedule"), jstr(doc, "name"), jstr(doc, "date"),
                                   jstr(doc, "as_of"),
                                   json_is_true(json_object_get(doc, "recorded")) ? " (recorded)"
                                                                                  : "");
    if (rc == MU_OK && jint(doc, "due") == 0)
        rc = mu_buf_printf(&b, "no report is due on %s (not a working day)\n", jstr(doc, "date"));
    if (rc == MU_OK && jint(doc, "due") > 0)
        rc = mu_buf_printf(&b,
                           "reports: %lld of %lld due (on time %lld, late %lld), missing %lld, "
                           "not due %lld\nnil reports: %lld\n",
                           jint(doc, "reports"), jint(doc, "due"), jint(counts, "on_time"),
                           jint(counts, "late"), jint(counts, "missing"), jint(counts, "not_due"),
                           jint(doc, "nil_reports"));
    json_array_foreach(json_object_get(doc, "fields"), i, v)
    {
        if (rc == MU_OK)
            rc = mu_buf_printf(&b, "%s (%s): %lld in %lld report%s\n", jstr(v, "label"),
                               jstr(v, "key"), jint(v, "total"), jint(v, "reports"),
                               jint(v, "reports") == 1 ? "" : "s");
    }
    json_array_foreach(json_object_get(doc, "late"), i, v)
    {
        if (rc == MU_OK)
            rc = mu_buf_printf(&b, "late: %s %s %s at %s\n", jstr(v, "unit"), jstr(v, "unit_name"),
                               jstr(v, "slot"), jstr(v, "submitted_at"));
    }
    json_array_foreach(json_object_get(doc, "missing"), i, v)
    {
        if (rc == MU_OK)
            rc = mu_buf_printf(&b, "missing: %s %s %s (%s %s)\n", jstr(v, "unit"),
                               jstr(v, "unit_name"), jstr(v, "slot"),
                               json_is_string(json_object_get(v, "reporter")) ? jstr(v, "reporter")
                                                                              : "no reporter",
                               jstr(v, "phone"));
    }
    json_array_foreach(json_object_get(doc, "texts"), i, v)
    {
        if (rc == MU_OK)
            rc = mu_buf_printf(&b, "text: %s %s %s: %s\n", jstr(v, "unit"), jstr(v, "slot"),
                               jstr(v, "field"), jstr(v, "text"));
    }
    json_t *to = json_object_get(doc, "to");
    if (rc == MU_OK && json_array_size(to)) {
        rc = mu_buf_adds(&b, "to:");
        json_array_foreach(to, i, v)
        {
            if (rc == MU_OK)
                rc = mu_buf_printf(&b, "%s %s", i ? "," : "", json_string_value(v));
        }
        if (rc == MU_OK)
            rc = mu_buf_addc(&b, '\n');
    }
    return take_buf(&b, rc, out, err);
}

/* When the summary of @p day is made: its time, or the close of the last slot. */
static int64_t summary_time(const struct loaded *l, int32_t day)
{
    if (l->sch.ci->has_summary)
        return mu_local_ms(day, l->sch.ci->summary_at);
    int last = l->sch.ntimes ? l->sch.times[l->sch.ntimes - 1] : 0;
    return mu_local_ms(day, last) + l->sch.ci->grace * 1000;
}

enum mu_err mu_app_checkin_summary(struct mu_store *s, const struct mu_calendar *cal,
                                   const char *schedule, int32_t day, int64_t now,
                                   enum mu_checkin_format fmt, char **out, struct mu_error *err)
{
    struct loaded l;
    json_t *doc = NULL;
    char *kept = NULL;
    int found = 0;
    enum mu_err rc = load_schedule(s, schedule, &l, err);
    if (rc)
        return rc;
    rc = mu_store_checkin_summary_get(s, l.plan->id, l.sch.ci->id, day, &found, &kept, err);
    if (rc)
        goto out;
    if (found) {
        doc = json_loads(kept, 0, NULL);
        if (!doc) {
            rc = mu_error_set(err, MU_EINTERNAL, "kept summary of '%s' is not JSON", l.ref);
            goto out;
        }
    } else {
        int64_t t = summary_time(&l, day);
        rc = summary_make(s, &l, cal, day, now < t ? now : t, 0, &doc, err);
        if (rc)
            goto out;
    }
    rc = fmt == MU_CHECKIN_JSON ? take_json(doc, JSON_INDENT(2), out, err)
                                : summary_text(doc, out, err);
out:
    json_decref(doc);
    mu_free(kept);
    loaded_release(&l);
    return rc;
}

/* ---------------------------------------------------------------- tick */

static int add_person(const char **v, size_t *n, size_t cap, const char *id)
{
    if (!id)
        return 0;
    for (size_t i = 0; i < *n; i++)
        if (strcmp(v[i], id) == 0)
            return 0;
    if (*n == cap)
        return 0;
    v[(*n)++] = id;
    return 1;
}

/* The people a summary goes to. role: and duty targets need the roster; left out. */
static size_t recipients(const struct mu_plan *p, const struct mu_plan_targets *to,
                         const char **v, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < to->n; i++) {
        const struct mu_plan_target *t = &to->v[i];
        const struct mu_plan_team *team = NULL;
        switch (t->kind) {
        case MU_TARGET_PERSON: add_person(v, &n, cap, t->ref); break;
        case MU_TARGET_LEADER:
            if ((team = mu_plan_team(p, t->ref)))
                add_person(v, &n, cap, team->leader.s);
            break;
        case MU_TARGET_TEAM:
            if (!(team = mu_plan_team(p, t->ref)))
                break;
            add_person(v, &n, cap, team->leader.s);
            for (size_t j = 0; j < team->deputies.n; j++)
                add_person(v, &n, cap, team->deputies.v[j].s);
            for (size_t j = 0; j < team->members.n; j++)
                add_person(v, &n, cap, team->members.v[j].s);
            break;
        case MU_TARGET_ROLE:
        case MU_TARGET_DUTY: break;
        }
    }
    return n;
}

static enum mu_err tick_reminders(struct mu_store *s, const struct mu_actor *actor,
                                  const struct loaded *l, const struct mu_calendar *cal,
                                  const struct mu_checkin_slot *slot,
                                  struct mu_checkin_tick_result *res, struct mu_error *err)
{
    struct day d;
    struct mu_notice_new *v = NULL;
    char (*refs)[MU_NOTICE_MAX_REF + 1] = NULL;
    char (*subjects)[MU_NOTICE_MAX_SUBJECT + 1] = NULL;
    size_t n = 0;
    int found = 0, done = 0;
    enum mu_err rc = mu_store_checkin_reminders_done(s, l->plan->id, l->sch.ci->id, slot->due_at,
                                                     &found, err);
    if (rc || found)
        return rc;
    /* Who had not reported by the due time. */
    rc = day_build(s, l, cal, slot->day, slot->due_at, 0, &d, err);
    if (rc)
        return rc;
    int k = mu_checkin_board_slot(&d.b, slot->due_at);
    size_t cap = d.b.nunits ? d.b.nunits : 1;
    v = mu_calloc(cap, sizeof(*v));
    refs = mu_calloc(cap, sizeof(*refs));
    subjects = mu_calloc(cap, sizeof(*subjects));
    if (!v || !refs || !subjects) {
        rc = mu_error_set(err, MU_ENOMEM, "out of memory making reminders");
        goto out;
    }
    char when[17], deadline[6];
    local_minute(slot->due_at, when);
    hhmm(mu_local_minutes(slot->close_at), deadline);
    for (size_t u = 0; k >= 0 && u < d.b.nunits; u++) {
        const struct mu_checkin_cell *c = &d.b.cells[u * d.b.nslots + (size_t)k];
        const struct mu_plan_person *rp = l->sch.reporter[u];
        if (c->has || !rp)
            continue;
        int w = snprintf(refs[n], sizeof(refs[n]), "checkin:%s:%s:%s", l->ref,
                         l->sch.units[u]->id, when);
        if (w < 0 || (size_t)w >= sizeof(refs[n]))
            continue; /* ids are short; never in practice */
        snprintf(subjects[n], sizeof(subjects[n]), "%s：%s %s 的报告尚未提交（%s 前有效）",
                 l->sch.ci->name, l->sch.units[u]->name, when + 11, deadline);
        v[n] = (struct mu_notice_new){.kind = "checkin.reminder",
                                      .person = rp->id,
                                      .due_at = slot->due_at,
                                      .subject = subjects[n],
                                      .body = "",
                                      .ref = refs[n]};
        n++;
    }
    rc = mu_store_begin(s, err);
    if (rc)
        goto out;
    rc = mu_store_checkin_reminders_put(s, actor, l->plan->id, l->sch.ci->id, slot->due_at, n,
                                        &done, err);
    if (rc == MU_OK && done && n)
        rc = mu_store_notice_add(s, actor, v, n, NULL, err);
    if (rc == MU_OK)
        rc = mu_store_commit(s, err);
    else
        mu_store_rollback(s);
    if (rc == MU_OK && done)
        res->reminders += n, res->notices += n;
out:
    mu_free(v);
    mu_free(refs);
    mu_free(subjects);
    day_release(&d);
    return rc;
}

static enum mu_err tick_summary(struct mu_store *s, const struct mu_actor *actor,
                                const struct loaded *l, const struct mu_calendar *cal,
                                int32_t day, struct mu_checkin_tick_result *res,
                                struct mu_error *err)
{
    json_t *doc = NULL;
    char *text = NULL, *json = NULL;
    int found = 0, done = 0;
    const char *people[256];
    struct mu_notice_new v[256];
    char ref[MU_NOTICE_MAX_REF + 1], subject[MU_NOTICE_MAX_SUBJECT + 1], ds[11];
    int64_t t = summary_time(l, day);
    enum mu_err rc = mu_store_checkin_summary_get(s, l->plan->id, l->sch.ci->id, day, &found,
                                                  NULL, err);
    if (rc || found)
        return rc;
    rc = summary_make(s, l, cal, day, t, 1, &doc, err);
    if (rc == MU_OK)
        rc = take_json(doc, JSON_COMPACT, &json, err);
    if (rc == MU_OK)
        rc = summary_text(doc, &text, err);
    if (rc)
        goto out;
    json[strlen(json) - 1] = '\0';
    if (strlen(text) > MU_NOTICE_MAX_BODY) /* the kept summary has it all */
        snprintf(text + MU_NOTICE_MAX_BODY - 4, 4, "...");
    mu_date_format(day, ds);
    int w = snprintf(ref, sizeof(ref), "checkin:%s:%s", l->ref, ds);
    if (w < 0 || (size_t)w >= sizeof(ref))
        ref[0] = '\0';
    snprintf(subject, sizeof(subject), "%s %s 汇总", l->sch.ci->name, ds);
    size_t n = recipients(l->plan, &l->sch.ci->summary_to, people, 256);
    for (size_t i = 0; i < n; i++)
        v[i] = (struct mu_notice_new){.kind = "checkin.summary",
                                      .person = people[i],
                                      .due_at = t,
                                      .subject = subject,
                                      .body = text,
                                      .ref = ref};
    rc = mu_store_begin(s, err);
    if (rc)
        goto out;
    rc = mu_store_checkin_summary_put(s, actor, l->plan->id, l->sch.ci->id, day, t, json, &done,
                                      err);
    if (rc == MU_OK && done && n)
        rc = mu_store_notice_add(s, actor, v, n, NULL, err);
    if (rc == MU_OK)
        rc = mu_store_commit(s, err);
    else
        mu_store_rollback(s);
    if (rc == MU_OK && done) {
        res->summaries++;
        res->notices += n;
    }
out:
    json_decref(doc);
    mu_free(json);
    mu_free(text);
    return rc;
}

enum mu_err mu_app_checkin_tick(struct mu_store *s, const struct mu_actor *actor,
                                const struct mu_calendar *cal, int64_t at,
                                struct mu_checkin_tick_result *out, struct mu_error *err)
{
    struct mu_plan_summary *plans = NULL;
    size_t nplans = 0;
    memset(out, 0, sizeof(*out));
    enum mu_err rc = mu_store_plan_list(s, &plans, &nplans, err);
    int32_t today = mu_local_day(at, NULL);
    for (size_t i = 0; rc == MU_OK && i < nplans; i++) {
        struct loaded base;
        memset(&base, 0, sizeof(base));
        rc = load_plan(s, plans[i].id, &base, err);
        for (size_t c = 0; rc == MU_OK && c < base.plan->ncheckins; c++) {
            struct loaded l = base; /* borrows plan and record */
            rc = mu_checkin_schedule_init(&l.sch, base.plan, base.plan->checkins[c].id, err);
            if (rc)
                break;
            snprintf(l.ref, sizeof(l.ref), "%s/%s", base.plan->id, l.sch.ci->id);
            for (int32_t day = today - 1; rc == MU_OK && day <= today; day++) {
                struct mu_checkin_slot slots[MU_CHECKIN_MAX_SLOTS];
                size_t n = mu_checkin_slots(&l.sch, cal, day, slots);
                for (size_t k = 0; rc == MU_OK && k < n; k++)
                    if (slots[k].due_at <= at)
                        rc = tick_reminders(s, actor, &l, cal, &slots[k], out, err);
                if (rc == MU_OK && n && l.sch.ci->has_summary && summary_time(&l, day) <= at)
                    rc = tick_summary(s, actor, &l, cal, day, out, err);
            }
            mu_checkin_schedule_release(&l.sch);
        }
        loaded_release(&base);
    }
    mu_plan_summaries_free(plans, nplans);
    return rc;
}

/* ---------------------------------------------------------------- stats */

static enum mu_err stats_collect(struct mu_store *s, const struct loaded *l,
                                 const struct mu_calendar *cal, int32_t from, int32_t to,
                                 int64_t at, struct mu_checkin_unit_stats **out,
                                 struct mu_error *err)
{
    if (to < from)
        return mu_error_field(err, MU_EINVAL, "to", "the period ends before it begins");
    if (to - from + 1 > STATS_MAX_DAYS)
        return mu_error_field(err, MU_EINVAL, "to", "the period is longer than %d days",
                              STATS_MAX_DAYS);
    struct mu_checkin_unit_stats *st = mu_calloc(l->sch.nunits ? l->sch.nunits : 1, sizeof(*st));
    if (!st)
        return mu_error_set(err, MU_ENOMEM, "out of memory for statistics");
    enum mu_err rc = MU_OK;
    for (int32_t day = from; rc == MU_OK && day <= to; day++) {
        struct day d;
        rc = day_build(s, l, cal, day, at, 0, &d, err);
        if (rc == MU_OK) {
            mu_checkin_stats_add(st, &d.b);
            day_release(&d);
        }
    }
    if (rc) {
        mu_free(st);
        return rc;
    }
    *out = st;
    return MU_OK;
}

static void percent(const struct mu_checkin_unit_stats *u, char out[static 8])
{
    if (!u->due)
        snprintf(out, 8, "-");
    else
        snprintf(out, 8, "%.1f%%", 100.0 * mu_checkin_rate(u));
}

enum mu_err mu_app_checkin_stats(struct mu_store *s, const struct mu_calendar *cal,
                                 const char *schedule, int32_t from, int32_t to, int64_t at,
                                 enum mu_checkin_format fmt, char **out, struct mu_error *err)
{
    struct loaded l;
    struct mu_checkin_unit_stats *st = NULL, all = {0};
    char fs[11], ts[11], as_of[26];
    enum mu_err rc = load_schedule(s, schedule, &l, err);
    if (rc)
        return rc;
    rc = stats_collect(s, &l, cal, from, to, at, &st, err);
    if (rc)
        goto out;
    mu_date_format(from, fs);
    mu_date_format(to, ts);
    mu_local_format(at, as_of);
    for (size_t u = 0; u < l.sch.nunits; u++) {
        all.due += st[u].due;
        all.on_time += st[u].on_time;
        all.late += st[u].late;
        all.missing += st[u].missing;
    }
    if (fmt == MU_CHECKIN_JSON) {
        json_t *units = json_array();
        for (size_t u = 0; units && u < l.sch.nunits; u++) {
            json_t *o = json_pack("{s:s,s:s,s:I,s:I,s:I,s:I,s:o}", "unit", l.sch.units[u]->id,
                                  "unit_name", l.sch.units[u]->name, "due", (json_int_t)st[u].due,
                                  "on_time", (json_int_t)st[u].on_time, "late",
                                  (json_int_t)st[u].late, "missing", (json_int_t)st[u].missing,
                                  "rate", st[u].due ? json_real(mu_checkin_rate(&st[u]))
                                                    : json_null());
            if (!o || json_array_append_new(units, o)) {
                json_decref(units);
                units = NULL;
            }
        }
        json_t *doc = units ? json_pack("{s:s,s:s,s:s,s:s,s:s,s:o,s:{s:I,s:I,s:I,s:I,s:o}}",
                                        "schedule", l.ref, "name", l.sch.ci->name, "from", fs,
                                        "to", ts, "as_of", as_of, "units", units, "total", "due",
                                        (json_int_t)all.due, "on_time", (json_int_t)all.on_time,
                                        "late", (json_int_t)all.late, "missing",
                                        (json_int_t)all.missing, "rate",
                                        all.due ? json_real(mu_checkin_rate(&all)) : json_null())
                            : NULL;
        rc = doc ? take_json(doc, JSON_INDENT(2), out, err)
                 : mu_error_set(err, MU_ENOMEM, "out of memory formatting statistics");
        json_decref(doc);
        goto out;
    }
    struct mu_buf b;
    struct table t = {.ncols = 7};
    mu_buf_init(&b, OUT_MAX);
    rc = mu_buf_printf(&b, "%s %s  %s to %s  as of %s\n", l.ref, l.sch.ci->name, fs, ts, as_of);
    const char *head[] = {"UNIT", "NAME", "DUE", "ON_TIME", "LATE", "MISSING", "RATE"};
    if (rc == MU_OK)
        rc = table_row(&t, head, err);
    for (size_t u = 0; rc == MU_OK && u <= l.sch.nunits; u++) {
        const struct mu_checkin_unit_stats *x = u < l.sch.nunits ? &st[u] : &all;
        char c1[24], c2[24], c3[24], c4[24], pc[8];
        snprintf(c1, sizeof(c1), "%zu", x->due);
        snprintf(c2, sizeof(c2), "%zu", x->on_time);
        snprintf(c3, sizeof(c3), "%zu", x->late);
        snprintf(c4, sizeof(c4), "%zu", x->missing);
        percent(x, pc);
        const char *row[] = {u < l.sch.nunits ? l.sch.units[u]->id : "total",
                             u < l.sch.nunits ? l.sch.units[u]->name : "",
                             c1, c2, c3, c4, pc};
        rc = table_row(&t, row, err);
    }
    if (rc == MU_OK)
        rc = table_print(&t, &b);
    table_release(&t);
    rc = take_buf(&b, rc, out, err);
out:
    mu_free(st);
    loaded_release(&l);
    return rc;
}

enum mu_err mu_app_checkin_stats_xlsx(struct mu_store *s, const struct mu_calendar *cal,
                                      const char *schedule, int32_t from, int32_t to,
                                      int64_t at, const char *path, struct mu_error *err)
{
    struct loaded l;
    struct mu_checkin_unit_stats *st = NULL;
    char fs[11], ts[11], as_of[26], title[600];
    enum mu_err rc = load_schedule(s, schedule, &l, err);
    if (rc)
        return rc;
    rc = stats_collect(s, &l, cal, from, to, at, &st, err);
    if (rc)
        goto out;
    mu_date_format(from, fs);
    mu_date_format(to, ts);
    mu_local_format(at, as_of);
    lxw_workbook *wb = workbook_new(path);
    if (!wb) {
        rc = mu_error_set(err, MU_EIO, "cannot create '%s'", path);
        goto out;
    }
    lxw_worksheet *ws = workbook_add_worksheet(wb, "按时率");
    lxw_format *bold = workbook_add_format(wb);
    lxw_format *pct = workbook_add_format(wb);
    format_set_bold(bold);
    format_set_num_format(pct, "0.0%");
    snprintf(title, sizeof(title), "%s（%s）%s 至 %s 按时报告率，截至 %s", l.sch.ci->name, l.ref,
             fs, ts, as_of);
    worksheet_write_string(ws, 0, 0, title, bold);
    const char *head[] = {"单位编号", "单位", "应报次数", "按时", "迟报", "漏报", "按时率"};
    for (lxw_col_t c = 0; c < 7; c++)
        worksheet_write_string(ws, 2, c, head[c], bold);
    worksheet_set_column(ws, 0, 0, 18, NULL);
    worksheet_set_column(ws, 1, 1, 24, NULL);
    worksheet_set_column(ws, 2, 6, 10, NULL);
    for (size_t u = 0; u < l.sch.nunits; u++) {
        lxw_row_t r = (lxw_row_t)(3 + u);
        worksheet_write_string(ws, r, 0, l.sch.units[u]->id, NULL);
        worksheet_write_string(ws, r, 1, l.sch.units[u]->name, NULL);
        worksheet_write_number(ws, r, 2, (double)st[u].due, NULL);
        worksheet_write_number(ws, r, 3, (double)st[u].on_time, NULL);
        worksheet_write_number(ws, r, 4, (double)st[u].late, NULL);
        worksheet_write_number(ws, r, 5, (double)st[u].missing, NULL);
        if (st[u].due)
            worksheet_write_number(ws, r, 6, mu_checkin_rate(&st[u]), pct);
        else
            worksheet_write_string(ws, r, 6, "-", NULL);
    }
    lxw_error xe = workbook_close(wb);
    if (xe != LXW_NO_ERROR)
        rc = mu_error_set(err, MU_EIO, "cannot write '%s': %s", path, lxw_strerror(xe));
out:
    mu_free(st);
    loaded_release(&l);
    return rc;
}
