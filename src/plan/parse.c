/* SPDX-License-Identifier: MIT */
/*
 * The schema walk: from the YAML node tree of a plan's front matter to the
 * model in muster/plan.h. Each section has a table of its keys (for unknown
 * keys with did-you-mean and for missing required keys) and a function that
 * reads each key with the type docs/plan-format.md gives it. Every problem is
 * reported with its position and the walk goes on, so one run shows them all.
 * Cross-references are checked afterwards by mu_plan_lint (src/core).
 */
#include "plan/plan_int.h"

#include <muster/date.h>
#include <stdio.h>
#include <string.h>

#include "core/plan_model.h"
#include "util/banned.h"

struct ctx {
    struct mu_arena *a;
    struct mu_diags *d;
    enum mu_err rc; /* sticky MU_ENOMEM */
};

struct key {
    const char *name;
    int required;
    const char *missing; /* message instead of "missing required key", or NULL */
};

/* ---- reporting ------------------------------------------------------- */

static void report(struct ctx *c, enum mu_diag_severity sev, int line, int col, const char *fmt,
                   ...) MU_PRINTF(5, 6);
static void report(struct ctx *c, enum mu_diag_severity sev, int line, int col, const char *fmt,
                   ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (mu_diags_addv(c->d, sev, line, col, fmt, ap))
        c->rc = MU_ENOMEM;
    va_end(ap);
}

#define ERR(c, n, ...) report((c), MU_DIAG_ERROR, (n)->line, (n)->col, __VA_ARGS__)
#define WARN(c, n, ...) report((c), MU_DIAG_WARNING, (n)->line, (n)->col, __VA_ARGS__)

static struct mu_pos pos_of(const struct mu_ynode *n)
{
    struct mu_pos p = {n->line, n->col};
    return p;
}

static const char *kind_name(const struct mu_ynode *n)
{
    switch (n->kind) {
    case MU_Y_MAP: return "a mapping";
    case MU_Y_SEQ: return "a list";
    case MU_Y_SCALAR: break;
    }
    return mu_ynode_is_null(n) ? "empty" : "text";
}

/* "what: " or "" for the top level. */
#define PFX(what) (what)[0] ? (what) : "", (what)[0] ? ": " : ""

/* "team 'evac'" or "team" into @p buf. */
static const char *label(char *buf, size_t sz, const char *section, const char *id)
{
    if (id)
        snprintf(buf, sz, "%s '%s'", section, id);
    else
        snprintf(buf, sz, "%s", section);
    return buf;
}

/* ---- mappings -------------------------------------------------------- */

/* The value node of @p key in mapping @p m and its key node, or NULL. */
static const struct mu_ynode *lookup(const struct mu_ynode *m, const char *key, const struct mu_ynode **keynode)
{
    if (!m || m->kind != MU_Y_MAP)
        return NULL;
    for (size_t i = 0; i + 1 < m->n; i += 2) {
        const struct mu_ynode *k = m->kids[i];
        if (k->kind == MU_Y_SCALAR && strcmp(k->s, key) == 0) {
            if (keynode)
                *keynode = k;
            return m->kids[i + 1];
        }
    }
    return NULL;
}

/* The value of @p key, or NULL when absent or null. */
static const struct mu_ynode *get(const struct mu_ynode *m, const char *key)
{
    const struct mu_ynode *v = lookup(m, key, NULL);
    return mu_ynode_is_null(v) ? NULL : v;
}

/*
 * Report unknown keys (with a suggestion from @p keys), duplicate keys and
 * missing required keys of mapping @p m. @p what names the object.
 */
static void check_keys(struct ctx *c, const struct mu_ynode *m, const char *what, const struct key *keys)
{
    for (size_t i = 0; i + 1 < m->n; i += 2) {
        const struct mu_ynode *k = m->kids[i];
        if (k->kind != MU_Y_SCALAR) {
            ERR(c, k, "%s%skeys must be plain text, not %s", PFX(what), kind_name(k));
            continue;
        }
        for (size_t j = 0; j < i; j += 2) {
            const struct mu_ynode *o = m->kids[j];
            if (o->kind == MU_Y_SCALAR && strcmp(o->s, k->s) == 0) {
                ERR(c, k, "%s%sduplicate key '%s' (first at %d:%d)", PFX(what), k->s, o->line,
                    o->col);
                break;
            }
        }
        const struct key *kk = keys;
        for (; kk->name; kk++)
            if (strcmp(kk->name, k->s) == 0)
                break;
        if (kk->name)
            continue;
        struct mu_plan_suggest s;
        mu_plan_suggest_init(&s, k->s);
        for (kk = keys; kk->name; kk++)
            mu_plan_suggest_offer(&s, kk->name);
        char hint[96] = "";
        if (s.best)
            snprintf(hint, sizeof(hint), " (did you mean '%s'?)", s.best);
        if (what[0])
            ERR(c, k, "unknown key '%s' in %s%s", k->s, what, hint);
        else
            ERR(c, k, "unknown key '%s' at the top level%s", k->s, hint);
    }
    for (const struct key *kk = keys; kk->name; kk++) {
        if (!kk->required)
            continue;
        const struct mu_ynode *kn = NULL;
        const struct mu_ynode *v = lookup(m, kk->name, &kn);
        if (!mu_ynode_is_null(v))
            continue;
        const struct mu_ynode *at = kn ? kn : m;
        if (kk->missing)
            ERR(c, at, "%s %s", what, kk->missing);
        else
            ERR(c, at, "%s%smissing required key '%s'", PFX(what), kk->name);
    }
}

/* 1 when @p n has kind @p kind; else reports "'key' must be ...". */
static int expect(struct ctx *c, const struct mu_ynode *n, enum mu_ynode_kind kind, const char *what,
                  const char *key)
{
    if (n->kind == kind)
        return 1;
    const char *want = kind == MU_Y_MAP ? "a mapping" : kind == MU_Y_SEQ ? "a list" : "text";
    if (key)
        ERR(c, n, "%s%s'%s' must be %s, not %s", PFX(what), key, want, kind_name(n));
    else
        ERR(c, n, "%s%seach item must be %s, not %s", PFX(what), want, kind_name(n));
    return 0;
}

/* ---- typed values ---------------------------------------------------- */

static const char *dup_str(struct ctx *c, const char *s)
{
    char *d = mu_arena_strdup(c->a, s);
    if (!d)
        c->rc = MU_ENOMEM;
    return d;
}

/* Text value of @p key (NULL when absent or not text). */
static const char *get_text(struct ctx *c, const struct mu_ynode *m, const char *what, const char *key)
{
    const struct mu_ynode *v = get(m, key);
    if (!v || !expect(c, v, MU_Y_SCALAR, what, key))
        return NULL;
    return dup_str(c, v->s);
}

/* An id defined by this object; checks the id syntax. */
static const char *get_id(struct ctx *c, const struct mu_ynode *m, const char *what, const char *key,
                          int allow_upper, struct mu_pos *pos)
{
    const struct mu_ynode *v = get(m, key);
    if (!v || !expect(c, v, MU_Y_SCALAR, what, key))
        return NULL;
    *pos = pos_of(v);
    if (!mu_plan_id_valid(v->s, v->len, allow_upper))
        ERR(c, v, "%s%s%s '%s' is not valid (ids use %s, digits, '-' and '_', start with a "
                  "letter or digit, at most 64 characters)",
            what, what[0] ? " " : "", key, v->s, allow_upper ? "letters" : "lowercase letters");
    return dup_str(c, v->s);
}

/* A reference or text scalar with its position. */
static void str_of(struct ctx *c, const struct mu_ynode *v, struct mu_plan_str *out)
{
    out->s = dup_str(c, v->s);
    out->pos = pos_of(v);
}

static void get_ref(struct ctx *c, const struct mu_ynode *m, const char *what, const char *key,
                    struct mu_plan_str *out)
{
    const struct mu_ynode *v = get(m, key);
    out->s = NULL;
    if (v && expect(c, v, MU_Y_SCALAR, what, key))
        str_of(c, v, out);
}

/*
 * A list of scalars into @p out. With @p scalar_ok a single scalar counts as
 * a one-item list (text lists, `kind: fire`).
 */
static void get_strs(struct ctx *c, const struct mu_ynode *m, const char *what, const char *key,
                     int scalar_ok, struct mu_plan_strs *out)
{
    const struct mu_ynode *v = get(m, key);
    out->v = NULL;
    out->n = 0;
    if (!v)
        return;
    if (v->kind == MU_Y_SCALAR && scalar_ok) {
        out->v = mu_arena_alloc(c->a, sizeof(*out->v));
        if (!out->v) {
            c->rc = MU_ENOMEM;
            return;
        }
        str_of(c, v, &out->v[0]);
        out->n = 1;
        return;
    }
    if (!expect(c, v, MU_Y_SEQ, what, key) || v->n == 0)
        return;
    out->v = mu_arena_alloc(c->a, v->n * sizeof(*out->v));
    if (!out->v) {
        c->rc = MU_ENOMEM;
        return;
    }
    for (size_t i = 0; i < v->n; i++) {
        const struct mu_ynode *it = v->kids[i];
        if (mu_ynode_is_null(it) || !expect(c, it, MU_Y_SCALAR, what, NULL))
            continue;
        str_of(c, it, &out->v[out->n++]);
    }
}

static int get_time(struct ctx *c, const struct mu_ynode *v, const char *what, const char *key, int *out)
{
    struct mu_error e;
    if (!expect(c, v, MU_Y_SCALAR, what, key))
        return 0;
    if (mu_clock_parse(v->s, v->len, out, &e)) {
        ERR(c, v, "%s%s%s: %s", PFX(what), key, e.msg);
        return 0;
    }
    return 1;
}

static void get_duration(struct ctx *c, const struct mu_ynode *m, const char *what, const char *key,
                         int64_t *out)
{
    const struct mu_ynode *v = get(m, key);
    struct mu_error e;
    if (!v || !expect(c, v, MU_Y_SCALAR, what, key))
        return;
    if (mu_duration_parse(v->s, v->len, out, &e))
        ERR(c, v, "%s%s%s: %s", PFX(what), key, e.msg);
}

static int get_window(struct ctx *c, const struct mu_ynode *v, const char *what, const char *key,
                      struct mu_plan_window *out)
{
    if (!expect(c, v, MU_Y_SCALAR, what, key))
        return 0;
    if (v->len != 11 || v->s[5] != '-' || mu_clock_parse(v->s, 5, &out->start, NULL) ||
        mu_clock_parse(v->s + 6, 5, &out->end, NULL)) {
        ERR(c, v, "%s%s%s: '%s' is not a time window (expected HH:MM-HH:MM, e.g. \"22:00-06:00\")",
            PFX(what), key, v->s);
        return 0;
    }
    out->pos = pos_of(v);
    return 1;
}

/* A positive integer no larger than @p max. */
static void get_count(struct ctx *c, const struct mu_ynode *m, const char *what, const char *key,
                      int64_t max, int64_t *out)
{
    const struct mu_ynode *v = get(m, key);
    if (!v || !expect(c, v, MU_Y_SCALAR, what, key))
        return;
    int64_t n = 0;
    size_t i = 0;
    for (; i < v->len && v->s[i] >= '0' && v->s[i] <= '9' && n <= max; i++)
        n = n * 10 + (v->s[i] - '0');
    if (i == 0 || i != v->len || n < 1 || n > max) {
        ERR(c, v, "%s%s%s: '%s' is not a whole number between 1 and %lld", PFX(what), key, v->s,
            (long long)max);
        return;
    }
    *out = n;
}

static void get_bool(struct ctx *c, const struct mu_ynode *m, const char *what, const char *key, int *out)
{
    const struct mu_ynode *v = get(m, key);
    if (!v || !expect(c, v, MU_Y_SCALAR, what, key))
        return;
    static const char *const yes[] = {"true", "True", "TRUE", "yes", "Yes", "on"};
    static const char *const no[] = {"false", "False", "FALSE", "no", "No", "off"};
    for (size_t i = 0; v->plain && i < sizeof(yes) / sizeof(yes[0]); i++) {
        if (strcmp(v->s, yes[i]) == 0) {
            *out = 1;
            return;
        }
        if (strcmp(v->s, no[i]) == 0) {
            *out = 0;
            return;
        }
    }
    ERR(c, v, "%s%s%s: '%s' is not true or false", PFX(what), key, v->s);
}

static void target_of(struct ctx *c, const struct mu_ynode *v, const char *what, const char *key,
                      struct mu_plan_target *t, int *ok)
{
    *ok = 0;
    if (!expect(c, v, MU_Y_SCALAR, what, key))
        return;
    const char *ref;
    enum mu_plan_target_kind kind;
    if (!mu_plan_target_parse(v->s, &kind, &ref)) {
        ERR(c, v,
            "%s%s%s: '%s' is not a target (expected person:ID, team:ID, leader:TEAM, "
            "role:ROLE, duty, or a person id)",
            PFX(what), key, v->s);
        return;
    }
    t->kind = kind;
    t->text = dup_str(c, v->s);
    t->ref = t->text ? t->text + (ref - v->s) : NULL;
    t->pos = pos_of(v);
    *ok = t->text != NULL;
}

/* A target or a list of targets. */
static void get_targets(struct ctx *c, const struct mu_ynode *m, const char *what, const char *key,
                        struct mu_plan_targets *out)
{
    const struct mu_ynode *v = get(m, key);
    out->v = NULL;
    out->n = 0;
    if (!v)
        return;
    size_t n = v->kind == MU_Y_SEQ ? v->n : 1;
    if (v->kind == MU_Y_MAP) {
        expect(c, v, MU_Y_SEQ, what, key);
        return;
    }
    if (n == 0)
        return;
    out->v = mu_arena_alloc(c->a, n * sizeof(*out->v));
    if (!out->v) {
        c->rc = MU_ENOMEM;
        return;
    }
    for (size_t i = 0; i < n; i++) {
        const struct mu_ynode *it = v->kind == MU_Y_SEQ ? v->kids[i] : v;
        int ok;
        if (mu_ynode_is_null(it))
            continue;
        target_of(c, it, what, key, &out->v[out->n], &ok);
        if (ok)
            out->n++;
    }
}

/*
 * The mapping items of list @p key: returns the list node (NULL when absent
 * or not a list) after reporting items that are not mappings.
 */
static const struct mu_ynode *get_list(struct ctx *c, const struct mu_ynode *m, const char *what, const char *key)
{
    const struct mu_ynode *v = get(m, key);
    if (!v || !expect(c, v, MU_Y_SEQ, what, key))
        return NULL;
    return v;
}

static void *alloc_n(struct ctx *c, size_t n, size_t size)
{
    if (n == 0)
        return NULL;
    void *p = mu_arena_alloc(c->a, n * size);
    if (!p)
        c->rc = MU_ENOMEM;
    return p;
}

/* ---- org ------------------------------------------------------------- */

static const struct key org_keys[] = {
    {"name", 1, NULL}, {"timezone", 0, NULL}, {"phone", 0, NULL},
    {"address", 0, NULL}, {"higher_authority", 0, NULL}, {NULL, 0, NULL},
};

static void build_org(struct ctx *c, const struct mu_ynode *m, struct mu_plan_org *o)
{
    o->timezone = "Asia/Shanghai";
    if (!expect(c, m, MU_Y_MAP, "", "org"))
        return;
    o->pos = pos_of(m);
    check_keys(c, m, "org", org_keys);
    o->name = get_text(c, m, "org", "name");
    const char *tz = get_text(c, m, "org", "timezone");
    if (tz)
        o->timezone = tz;
    o->phone = get_text(c, m, "org", "phone");
    o->address = get_text(c, m, "org", "address");
    o->higher_authority = get_text(c, m, "org", "higher_authority");
}

/* ---- units ----------------------------------------------------------- */

static const struct key unit_keys[] = {
    {"id", 1, NULL}, {"name", 1, NULL}, {"head", 0, NULL}, {"children", 0, NULL}, {NULL, 0, NULL},
};

static size_t count_units(const struct mu_ynode *list)
{
    size_t n = 0;
    if (!list || list->kind != MU_Y_SEQ)
        return 0;
    for (size_t i = 0; i < list->n; i++) {
        const struct mu_ynode *u = list->kids[i];
        if (u->kind != MU_Y_MAP)
            continue;
        n += 1 + count_units(get(u, "children"));
    }
    return n;
}

static void build_units(struct ctx *c, const struct mu_ynode *list, const char *what, int parent, int depth,
                        struct mu_plan *p)
{
    if (!expect(c, list, MU_Y_SEQ, what, parent < 0 ? "units" : "children"))
        return;
    for (size_t i = 0; i < list->n; i++) {
        const struct mu_ynode *m = list->kids[i];
        if (!expect(c, m, MU_Y_MAP, "units", NULL))
            continue;
        struct mu_plan_unit *u = &p->units[p->nunits];
        int self = (int)p->nunits++;
        char w[96];
        u->parent = parent;
        u->depth = depth;
        u->pos = pos_of(m);
        u->id = get_id(c, m, "unit", "id", 0, &u->id_pos);
        label(w, sizeof(w), "unit", u->id);
        check_keys(c, m, w, unit_keys);
        u->name = get_text(c, m, w, "name");
        get_ref(c, m, w, "head", &u->head);
        const struct mu_ynode *kids = get(m, "children");
        if (kids)
            build_units(c, kids, w, self, depth + 1, p);
    }
}

/* ---- people ---------------------------------------------------------- */

static const struct key person_keys[] = {
    {"id", 1, NULL},   {"name", 1, NULL},     {"title", 0, NULL}, {"phone", 0, NULL},
    {"unit", 0, NULL}, {"channels", 0, NULL}, {NULL, 0, NULL},
};
static const struct key channel_keys[] = {{"type", 1, NULL}, {"to", 1, NULL}, {NULL, 0, NULL}};
static const char *const channel_names[] = {"sms",      "phone",  "email",   "wecom",
                                            "dingtalk", "feishu", "webhook", "console"};

static void build_channels(struct ctx *c, const struct mu_ynode *m, const char *what,
                           struct mu_plan_person *pe)
{
    const struct mu_ynode *list = get_list(c, m, what, "channels");
    if (!list)
        return;
    pe->channels = alloc_n(c, list->n, sizeof(*pe->channels));
    for (size_t i = 0; pe->channels && i < list->n; i++) {
        const struct mu_ynode *ch = list->kids[i];
        if (!expect(c, ch, MU_Y_MAP, what, NULL))
            continue;
        char w[128];
        snprintf(w, sizeof(w), "%s, channel %zu", what, i + 1);
        check_keys(c, ch, w, channel_keys);
        struct mu_plan_channel *out = &pe->channels[pe->nchannels];
        out->pos = pos_of(ch);
        out->to = get_text(c, ch, w, "to");
        const struct mu_ynode *t = get(ch, "type");
        if (!t || !expect(c, t, MU_Y_SCALAR, w, "type"))
            continue;
        size_t k = 0;
        for (; k < sizeof(channel_names) / sizeof(channel_names[0]); k++)
            if (strcmp(t->s, channel_names[k]) == 0)
                break;
        if (k == sizeof(channel_names) / sizeof(channel_names[0])) {
            struct mu_plan_suggest s;
            mu_plan_suggest_init(&s, t->s);
            for (k = 0; k < sizeof(channel_names) / sizeof(channel_names[0]); k++)
                mu_plan_suggest_offer(&s, channel_names[k]);
            char hint[64] = "";
            if (s.best)
                snprintf(hint, sizeof(hint), " (did you mean '%s'?)", s.best);
            ERR(c, t,
                "%s: unknown channel type '%s'%s (expected sms, phone, email, wecom, dingtalk, "
                "feishu, webhook or console)",
                w, t->s, hint);
            continue;
        }
        out->type = (enum mu_channel_type)k;
        out->type_name = channel_names[k];
        if (out->to)
            pe->nchannels++;
    }
}

static void build_people(struct ctx *c, const struct mu_ynode *list, struct mu_plan *p)
{
    if (!expect(c, list, MU_Y_SEQ, "", "people"))
        return;
    p->people = alloc_n(c, list->n, sizeof(*p->people));
    for (size_t i = 0; p->people && i < list->n; i++) {
        const struct mu_ynode *m = list->kids[i];
        if (!expect(c, m, MU_Y_MAP, "people", NULL))
            continue;
        struct mu_plan_person *pe = &p->people[p->npeople++];
        char w[96];
        pe->pos = pos_of(m);
        pe->id = get_id(c, m, "person", "id", 0, &pe->id_pos);
        label(w, sizeof(w), "person", pe->id);
        check_keys(c, m, w, person_keys);
        pe->name = get_text(c, m, w, "name");
        pe->title = get_text(c, m, w, "title");
        pe->phone = get_text(c, m, w, "phone");
        if (pe->phone) {
            const char *s = pe->phone;
            for (; *s; s++)
                if (!((*s >= '0' && *s <= '9') || *s == '+' || *s == '-' || *s == ' ' ||
                      *s == '(' || *s == ')'))
                    break;
            if (*s)
                WARN(c, get(m, "phone"),
                     "%s: phone '%s' has characters other than digits, '+', '-', spaces and "
                     "parentheses",
                     w, pe->phone);
        }
        get_ref(c, m, w, "unit", &pe->unit);
        build_channels(c, m, w, pe);
    }
}

/* ---- teams ----------------------------------------------------------- */

static const struct key team_keys[] = {
    {"id", 1, NULL},       {"name", 1, NULL},   {"leader", 1, "has no leader"},
    {"deputies", 0, NULL}, {"members", 0, NULL}, {"duties", 0, NULL},
    {"areas", 0, NULL},    {NULL, 0, NULL},
};

static void build_teams(struct ctx *c, const struct mu_ynode *list, struct mu_plan *p)
{
    if (!expect(c, list, MU_Y_SEQ, "", "teams"))
        return;
    p->teams = alloc_n(c, list->n, sizeof(*p->teams));
    for (size_t i = 0; p->teams && i < list->n; i++) {
        const struct mu_ynode *m = list->kids[i];
        if (!expect(c, m, MU_Y_MAP, "teams", NULL))
            continue;
        struct mu_plan_team *t = &p->teams[p->nteams++];
        char w[96];
        t->pos = pos_of(m);
        t->id = get_id(c, m, "team", "id", 0, &t->id_pos);
        label(w, sizeof(w), "team", t->id);
        check_keys(c, m, w, team_keys);
        t->name = get_text(c, m, w, "name");
        get_ref(c, m, w, "leader", &t->leader);
        get_strs(c, m, w, "deputies", 0, &t->deputies);
        get_strs(c, m, w, "members", 0, &t->members);
        get_strs(c, m, w, "duties", 1, &t->duties);
        get_strs(c, m, w, "areas", 0, &t->areas);
    }
}

/* ---- levels and incidents -------------------------------------------- */

static const struct key level_keys[] = {
    {"id", 1, NULL}, {"name", 1, NULL}, {"description", 0, NULL}, {"lead", 0, NULL},
    {NULL, 0, NULL},
};

static void build_levels(struct ctx *c, const struct mu_ynode *list, struct mu_plan *p)
{
    if (!expect(c, list, MU_Y_SEQ, "", "levels"))
        return;
    p->levels = alloc_n(c, list->n, sizeof(*p->levels));
    for (size_t i = 0; p->levels && i < list->n; i++) {
        const struct mu_ynode *m = list->kids[i];
        if (!expect(c, m, MU_Y_MAP, "levels", NULL))
            continue;
        struct mu_plan_level *l = &p->levels[p->nlevels++];
        char w[96];
        l->pos = pos_of(m);
        l->id = get_id(c, m, "level", "id", 1, &l->id_pos);
        label(w, sizeof(w), "level", l->id);
        check_keys(c, m, w, level_keys);
        l->name = get_text(c, m, w, "name");
        l->description = get_text(c, m, w, "description");
        const struct mu_ynode *v = get(m, "lead");
        if (v)
            target_of(c, v, w, "lead", &l->lead, &l->has_lead);
    }
}

static const struct key incidents_keys[] = {{"kinds", 1, NULL}, {"fields", 0, NULL}, {NULL, 0, NULL}};
static const struct key kind_keys[] = {{"id", 1, NULL}, {"name", 1, NULL}, {NULL, 0, NULL}};
static const struct key field_keys[] = {
    {"key", 1, NULL}, {"label", 1, NULL}, {"type", 0, NULL}, {NULL, 0, NULL},
};
static const struct key cfield_keys[] = {
    {"key", 1, NULL}, {"label", 1, NULL}, {"type", 0, NULL}, {"max", 0, NULL}, {NULL, 0, NULL},
};

/* Fields of incidents (@p checkin 0: count|number|text) or check-ins (count|text, max). */
static void build_fields(struct ctx *c, const struct mu_ynode *list, const char *what, int checkin,
                         struct mu_plan_field **out, size_t *nout)
{
    *out = alloc_n(c, list->n, sizeof(**out));
    for (size_t i = 0; *out && i < list->n; i++) {
        const struct mu_ynode *m = list->kids[i];
        if (!expect(c, m, MU_Y_MAP, what, NULL))
            continue;
        struct mu_plan_field *f = &(*out)[(*nout)++];
        char w[128];
        f->pos = pos_of(m);
        f->key = get_id(c, m, what, "key", 0, &f->key_pos);
        snprintf(w, sizeof(w), "%s field '%s'", what, f->key ? f->key : "?");
        check_keys(c, m, w, checkin ? cfield_keys : field_keys);
        f->label = get_text(c, m, w, "label");
        f->type = MU_FIELD_COUNT;
        const struct mu_ynode *t = get(m, "type");
        if (t && expect(c, t, MU_Y_SCALAR, w, "type")) {
            if (strcmp(t->s, "count") == 0)
                f->type = MU_FIELD_COUNT;
            else if (strcmp(t->s, "text") == 0)
                f->type = MU_FIELD_TEXT;
            else if (!checkin && strcmp(t->s, "number") == 0)
                f->type = MU_FIELD_NUMBER;
            else
                ERR(c, t, "%s: type '%s' is not one of %s", w, t->s,
                    checkin ? "count, text" : "count, number, text");
        }
        if (checkin)
            get_count(c, m, w, "max", 1000000, &f->max);
    }
}

static void build_incidents(struct ctx *c, const struct mu_ynode *m, struct mu_plan *p)
{
    if (!expect(c, m, MU_Y_MAP, "", "incidents"))
        return;
    check_keys(c, m, "incidents", incidents_keys);
    const struct mu_ynode *list = get_list(c, m, "incidents", "kinds");
    if (list) {
        p->kinds = alloc_n(c, list->n, sizeof(*p->kinds));
        for (size_t i = 0; p->kinds && i < list->n; i++) {
            const struct mu_ynode *k = list->kids[i];
            if (!expect(c, k, MU_Y_MAP, "incidents: kinds", NULL))
                continue;
            struct mu_plan_kind *kd = &p->kinds[p->nkinds++];
            char w[96];
            kd->pos = pos_of(k);
            kd->id = get_id(c, k, "incident kind", "id", 0, &kd->id_pos);
            label(w, sizeof(w), "incident kind", kd->id);
            check_keys(c, k, w, kind_keys);
            kd->name = get_text(c, k, w, "name");
        }
    }
    list = get_list(c, m, "incidents", "fields");
    if (list)
        build_fields(c, list, "incident", 0, &p->fields, &p->nfields);
}

/* ---- duty ------------------------------------------------------------ */

static const struct key duty_keys[] = {
    {"pattern", 1, NULL}, {"start", 0, NULL},           {"night_start", 0, NULL},
    {"pools", 1, NULL},   {"reminder_before", 0, NULL}, {"rest", 0, NULL},
    {"unavailable", 0, NULL}, {NULL, 0, NULL},
};
static const struct key pool_keys[] = {
    {"id", 1, NULL}, {"role", 1, NULL}, {"people", 0, NULL}, {"per_shift", 0, NULL},
    {NULL, 0, NULL},
};
static const struct key rest_keys[] = {{"no_consecutive_nights", 0, NULL}, {NULL, 0, NULL}};
static const struct key unavail_keys[] = {
    {"person", 1, NULL}, {"from", 1, NULL}, {"to", 1, NULL}, {"reason", 0, NULL}, {NULL, 0, NULL},
};

static int get_date(struct ctx *c, const struct mu_ynode *m, const char *what, const char *key,
                    int32_t *out)
{
    const struct mu_ynode *v = get(m, key);
    struct mu_error e;
    if (!v || !expect(c, v, MU_Y_SCALAR, what, key))
        return 0;
    if (mu_date_parse(v->s, v->len, out, &e)) {
        ERR(c, v, "%s: %s: %s", what, key, e.msg);
        return 0;
    }
    return 1;
}

static void build_duty(struct ctx *c, const struct mu_ynode *m, struct mu_plan_duty *d)
{
    if (!expect(c, m, MU_Y_MAP, "", "duty"))
        return;
    d->present = 1;
    d->pos = pos_of(m);
    check_keys(c, m, "duty", duty_keys);
    const struct mu_ynode *v = get(m, "pattern");
    if (v && expect(c, v, MU_Y_SCALAR, "duty", "pattern")) {
        if (strcmp(v->s, "24h") == 0)
            d->pattern = MU_DUTY_24H;
        else if (strcmp(v->s, "day-night") == 0)
            d->pattern = MU_DUTY_DAY_NIGHT;
        else
            ERR(c, v, "duty: pattern '%s' is not '24h' or 'day-night'", v->s);
    }
    if ((v = get(m, "start")))
        get_time(c, v, "duty", "start", &d->start);
    const struct mu_ynode *ns = get(m, "night_start");
    if (ns)
        get_time(c, ns, "duty", "night_start", &d->night_start);
    if (d->pattern == MU_DUTY_DAY_NIGHT && !ns)
        ERR(c, get(m, "pattern") ? get(m, "pattern") : m,
            "duty: pattern 'day-night' needs 'night_start' (the time the night shift begins)");
    if (d->pattern == MU_DUTY_24H && ns)
        WARN(c, ns, "duty: night_start is ignored with pattern '24h'");
    if (d->pattern == MU_DUTY_DAY_NIGHT && ns && d->night_start == d->start)
        ERR(c, ns, "duty: night_start is the same as start");
    get_duration(c, m, "duty", "reminder_before", &d->reminder_before);
    if ((v = get(m, "rest")) && expect(c, v, MU_Y_MAP, "duty", "rest")) {
        check_keys(c, v, "duty rest", rest_keys);
        get_bool(c, v, "duty rest", "no_consecutive_nights", &d->no_consecutive_nights);
    }
    const struct mu_ynode *list = get_list(c, m, "duty", "pools");
    if (list) {
        if (list->n == 0)
            ERR(c, list, "duty: 'pools' is empty");
        d->pools = alloc_n(c, list->n, sizeof(*d->pools));
        for (size_t i = 0; d->pools && i < list->n; i++) {
            const struct mu_ynode *pm = list->kids[i];
            if (!expect(c, pm, MU_Y_MAP, "duty pools", NULL))
                continue;
            struct mu_plan_pool *pool = &d->pools[d->npools++];
            char w[96];
            pool->pos = pos_of(pm);
            pool->per_shift = 1;
            pool->id = get_id(c, pm, "duty pool", "id", 0, &pool->id_pos);
            label(w, sizeof(w), "duty pool", pool->id);
            check_keys(c, pm, w, pool_keys);
            pool->role = get_text(c, pm, w, "role");
            get_strs(c, pm, w, "people", 0, &pool->people);
            get_count(c, pm, w, "per_shift", 1000, &pool->per_shift);
            const struct mu_ynode *pv = get(pm, "people");
            if (pool->people.n == 0 && (!pv || pv->kind == MU_Y_SEQ))
                ERR(c, pv ? pv : pm, "%s has no people", w);
            else if (pool->people.n > 0 && (size_t)pool->per_shift > pool->people.n)
                ERR(c, pv, "%s: per_shift is %lld but the pool has only %zu people", w,
                    (long long)pool->per_shift, pool->people.n);
        }
    }
    list = get_list(c, m, "duty", "unavailable");
    if (list) {
        d->unavailable = alloc_n(c, list->n, sizeof(*d->unavailable));
        for (size_t i = 0; d->unavailable && i < list->n; i++) {
            const struct mu_ynode *um = list->kids[i];
            if (!expect(c, um, MU_Y_MAP, "duty unavailable", NULL))
                continue;
            struct mu_plan_unavailable *u = &d->unavailable[d->nunavailable++];
            u->pos = pos_of(um);
            check_keys(c, um, "duty unavailable", unavail_keys);
            get_ref(c, um, "duty unavailable", "person", &u->person);
            int ok = get_date(c, um, "duty unavailable", "from", &u->from);
            ok &= get_date(c, um, "duty unavailable", "to", &u->to);
            if (ok && u->to < u->from)
                ERR(c, get(um, "to"), "duty unavailable: 'to' is before 'from'");
            u->reason = get_text(c, um, "duty unavailable", "reason");
        }
    }
}

/* ---- check-ins ------------------------------------------------------- */

static const struct key checkin_keys[] = {
    {"id", 1, NULL},    {"name", 1, NULL},      {"units", 1, NULL},
    {"times", 1, NULL}, {"days", 0, NULL},      {"grace", 0, NULL},
    {"fields", 0, NULL}, {"reporters", 0, NULL}, {"summary", 0, NULL},
    {NULL, 0, NULL},
};
static const struct key reporter_keys[] = {{"unit", 1, NULL}, {"person", 1, NULL}, {NULL, 0, NULL}};
static const struct key summary_keys[] = {{"at", 1, NULL}, {"to", 1, NULL}, {NULL, 0, NULL}};

static void build_checkin(struct ctx *c, const struct mu_ynode *m, struct mu_plan_checkin *ci)
{
    char w[96];
    ci->pos = pos_of(m);
    ci->id = get_id(c, m, "checkin", "id", 0, &ci->id_pos);
    label(w, sizeof(w), "checkin", ci->id);
    check_keys(c, m, w, checkin_keys);
    ci->name = get_text(c, m, w, "name");
    const struct mu_ynode *v = get(m, "units");
    if (v && v->kind == MU_Y_SCALAR) {
        if (strcmp(v->s, "all") == 0)
            ci->all_units = 1;
        else
            ERR(c, v, "%s: units must be a list of unit ids or 'all', not '%s'", w, v->s);
    } else if (v) {
        get_strs(c, m, w, "units", 0, &ci->units);
        if (v->kind == MU_Y_SEQ && ci->units.n == 0)
            ERR(c, v, "%s: 'units' is empty", w);
    }
    v = get(m, "times");
    if (v && (v->kind == MU_Y_SEQ || v->kind == MU_Y_SCALAR)) {
        size_t n = v->kind == MU_Y_SEQ ? v->n : 1;
        ci->times = alloc_n(c, n, sizeof(*ci->times));
        for (size_t i = 0; ci->times && i < n; i++) {
            const struct mu_ynode *t = v->kind == MU_Y_SEQ ? v->kids[i] : v;
            if (get_time(c, t, w, "times", &ci->times[ci->ntimes].minutes))
                ci->times[ci->ntimes++].pos = pos_of(t);
        }
        if (n == 0)
            ERR(c, v, "%s: 'times' is empty", w);
    } else if (v) {
        expect(c, v, MU_Y_SEQ, w, "times");
    }
    if ((v = get(m, "days")) && expect(c, v, MU_Y_SCALAR, w, "days")) {
        if (strcmp(v->s, "everyday") == 0)
            ci->days = MU_DAYS_EVERYDAY;
        else if (strcmp(v->s, "workdays") == 0)
            ci->days = MU_DAYS_WORKDAYS;
        else
            ERR(c, v, "%s: days '%s' is not 'everyday' or 'workdays'", w, v->s);
    }
    get_duration(c, m, w, "grace", &ci->grace);
    const struct mu_ynode *list = get_list(c, m, w, "fields");
    if (list)
        build_fields(c, list, w, 1, &ci->fields, &ci->nfields);
    list = get_list(c, m, w, "reporters");
    if (list) {
        ci->reporters = alloc_n(c, list->n, sizeof(*ci->reporters));
        for (size_t i = 0; ci->reporters && i < list->n; i++) {
            const struct mu_ynode *r = list->kids[i];
            if (!expect(c, r, MU_Y_MAP, w, NULL))
                continue;
            char rw[128];
            snprintf(rw, sizeof(rw), "%s, reporter %zu", w, i + 1);
            struct mu_plan_reporter *rp = &ci->reporters[ci->nreporters++];
            rp->pos = pos_of(r);
            check_keys(c, r, rw, reporter_keys);
            get_ref(c, r, rw, "unit", &rp->unit);
            get_ref(c, r, rw, "person", &rp->person);
        }
    }
    if ((v = get(m, "summary")) && expect(c, v, MU_Y_MAP, w, "summary")) {
        char sw[128];
        snprintf(sw, sizeof(sw), "%s summary", w);
        check_keys(c, v, sw, summary_keys);
        const struct mu_ynode *at = get(v, "at");
        ci->has_summary = 1;
        if (at)
            get_time(c, at, sw, "at", &ci->summary_at);
        get_targets(c, v, sw, "to", &ci->summary_to);
    }
}

static void build_checkins(struct ctx *c, const struct mu_ynode *list, struct mu_plan *p)
{
    if (!expect(c, list, MU_Y_SEQ, "", "checkins"))
        return;
    p->checkins = alloc_n(c, list->n, sizeof(*p->checkins));
    for (size_t i = 0; p->checkins && i < list->n; i++) {
        const struct mu_ynode *m = list->kids[i];
        if (expect(c, m, MU_Y_MAP, "checkins", NULL))
            build_checkin(c, m, &p->checkins[p->ncheckins++]);
    }
}

/* ---- escalation ------------------------------------------------------ */

static const struct key policy_keys[] = {
    {"id", 1, NULL},   {"name", 0, NULL},  {"when", 0, NULL}, {"steps", 1, NULL},
    {"deadlines", 0, NULL}, {"assembly", 0, NULL}, {NULL, 0, NULL},
};
static const struct key step_keys[] = {
    {"notify", 0, NULL}, {"ack_within", 0, NULL}, {"ack_count", 0, NULL}, {"channel", 0, NULL},
    {NULL, 0, NULL},
};
static const struct key deadline_keys[] = {
    {"name", 1, NULL}, {"to", 1, NULL}, {"within", 1, NULL}, {NULL, 0, NULL},
};
static const struct key assembly_keys[] = {
    {"day", 0, NULL}, {"night", 0, NULL}, {"night_window", 0, NULL}, {"teams", 0, NULL},
    {NULL, 0, NULL},
};

static void build_when(struct ctx *c, const struct mu_ynode *m, const char *w, struct mu_plan_policy *e)
{
    char ww[128];
    snprintf(ww, sizeof(ww), "%s when", w);
    if (!expect(c, m, MU_Y_MAP, w, "when"))
        return;
    e->conds = alloc_n(c, m->n / 2, sizeof(*e->conds));
    for (size_t i = 0; i + 1 < m->n; i += 2) {
        const struct mu_ynode *k = m->kids[i], *v = m->kids[i + 1];
        if (k->kind != MU_Y_SCALAR) {
            ERR(c, k, "%s: keys must be plain text, not %s", ww, kind_name(k));
            continue;
        }
        for (size_t j = 0; j < i; j += 2)
            if (m->kids[j]->kind == MU_Y_SCALAR && strcmp(m->kids[j]->s, k->s) == 0) {
                ERR(c, k, "%s: duplicate key '%s' (first at %d:%d)", ww, k->s, m->kids[j]->line,
                    m->kids[j]->col);
                break;
            }
        if (strcmp(k->s, "kind") == 0) {
            get_strs(c, m, ww, "kind", 1, &e->kinds);
        } else if (strcmp(k->s, "level") == 0) {
            get_strs(c, m, ww, "level", 1, &e->levels);
        } else if (strcmp(k->s, "time") == 0) {
            if (!mu_ynode_is_null(v))
                e->has_time = get_window(c, v, ww, "time", &e->time);
        } else if (e->conds) {
            if (v->kind != MU_Y_SCALAR) {
                /* Not a comparison, so most likely a misspelt kind/level/time. */
                struct mu_plan_suggest sg;
                mu_plan_suggest_init(&sg, k->s);
                mu_plan_suggest_offer(&sg, "kind");
                mu_plan_suggest_offer(&sg, "level");
                mu_plan_suggest_offer(&sg, "time");
                if (sg.best)
                    ERR(c, k, "unknown key '%s' in %s (did you mean '%s'?)", k->s, ww, sg.best);
                else
                    ERR(c, v, "%s: condition on '%s' must be a comparison such as \">= 15\", not %s",
                        ww, k->s, kind_name(v));
                continue;
            }
            struct mu_plan_cond *cd = &e->conds[e->nconds];
            if (!mu_plan_cond_parse(v->s, &cd->op, &cd->value)) {
                ERR(c, v,
                    "%s: condition '%s: %s' is not a comparison (expected e.g. \">= 15\"; "
                    "operators >=, >, <=, <, ==, !=)",
                    w, k->s, v->s);
                continue;
            }
            str_of(c, k, &cd->field);
            cd->text = dup_str(c, v->s);
            cd->pos = pos_of(v);
            e->nconds++;
        }
    }
}

static void build_policy(struct ctx *c, const struct mu_ynode *m, struct mu_plan_policy *e)
{
    char w[96];
    e->pos = pos_of(m);
    e->id = get_id(c, m, "escalation", "id", 0, &e->id_pos);
    label(w, sizeof(w), "escalation", e->id);
    check_keys(c, m, w, policy_keys);
    e->name = get_text(c, m, w, "name");
    const struct mu_ynode *v = get(m, "when");
    if (v)
        build_when(c, v, w, e);
    const struct mu_ynode *list = get_list(c, m, w, "steps");
    if (list && list->n == 0)
        ERR(c, list, "%s: 'steps' is empty", w);
    if (list) {
        e->steps = alloc_n(c, list->n, sizeof(*e->steps));
        for (size_t i = 0; e->steps && i < list->n; i++) {
            const struct mu_ynode *s = list->kids[i];
            if (!expect(c, s, MU_Y_MAP, w, NULL))
                continue;
            char sw[128];
            snprintf(sw, sizeof(sw), "%s, step %zu", w, i + 1);
            struct mu_plan_step *st = &e->steps[e->nsteps++];
            st->pos = pos_of(s);
            st->ack_within = -1;
            st->ack_count = 1;
            check_keys(c, s, sw, step_keys);
            get_targets(c, s, sw, "notify", &st->notify);
            get_duration(c, s, sw, "ack_within", &st->ack_within);
            get_count(c, s, sw, "ack_count", 1000, &st->ack_count);
            st->channel = get_text(c, s, sw, "channel");
        }
    }
    list = get_list(c, m, w, "deadlines");
    if (list) {
        e->deadlines = alloc_n(c, list->n, sizeof(*e->deadlines));
        for (size_t i = 0; e->deadlines && i < list->n; i++) {
            const struct mu_ynode *dm = list->kids[i];
            if (!expect(c, dm, MU_Y_MAP, w, NULL))
                continue;
            char dw[128];
            snprintf(dw, sizeof(dw), "%s, deadline %zu", w, i + 1);
            struct mu_plan_deadline *dl = &e->deadlines[e->ndeadlines];
            dl->pos = pos_of(dm);
            dl->within = -1;
            check_keys(c, dm, dw, deadline_keys);
            dl->name = get_text(c, dm, dw, "name");
            get_duration(c, dm, dw, "within", &dl->within);
            int ok = 0;
            if ((v = get(dm, "to")))
                target_of(c, v, dw, "to", &dl->to, &ok);
            if (ok && dl->name && dl->within >= 0)
                e->ndeadlines++;
        }
    }
    if ((v = get(m, "assembly")) && expect(c, v, MU_Y_MAP, w, "assembly")) {
        struct mu_plan_assembly *as = &e->assembly;
        char aw[128];
        snprintf(aw, sizeof(aw), "%s assembly", w);
        as->present = 1;
        as->pos = pos_of(v);
        as->day = as->night = -1;
        check_keys(c, v, aw, assembly_keys);
        get_duration(c, v, aw, "day", &as->day);
        get_duration(c, v, aw, "night", &as->night);
        const struct mu_ynode *nw = get(v, "night_window");
        if (nw)
            as->has_night_window = get_window(c, nw, aw, "night_window", &as->night_window);
        if (as->night >= 0 && !nw)
            ERR(c, v, "%s: 'night' needs 'night_window' (when the night begins and ends)", aw);
        get_strs(c, v, aw, "teams", 0, &as->teams);
    }
}

static void build_policies(struct ctx *c, const struct mu_ynode *list, struct mu_plan *p)
{
    if (!expect(c, list, MU_Y_SEQ, "", "escalation"))
        return;
    p->policies = alloc_n(c, list->n, sizeof(*p->policies));
    for (size_t i = 0; p->policies && i < list->n; i++) {
        const struct mu_ynode *m = list->kids[i];
        if (expect(c, m, MU_Y_MAP, "escalation", NULL))
            build_policy(c, m, &p->policies[p->npolicies++]);
    }
}

/* ---- procedures ------------------------------------------------------ */

static const struct key procedure_keys[] = {
    {"team", 1, NULL}, {"kinds", 0, NULL}, {"tasks", 1, NULL}, {NULL, 0, NULL},
};

static void build_procedures(struct ctx *c, const struct mu_ynode *list, struct mu_plan *p)
{
    if (!expect(c, list, MU_Y_SEQ, "", "procedures"))
        return;
    p->procedures = alloc_n(c, list->n, sizeof(*p->procedures));
    for (size_t i = 0; p->procedures && i < list->n; i++) {
        const struct mu_ynode *m = list->kids[i];
        if (!expect(c, m, MU_Y_MAP, "procedures", NULL))
            continue;
        struct mu_plan_procedure *pr = &p->procedures[p->nprocedures++];
        char w[96];
        const struct mu_ynode *t = get(m, "team");
        snprintf(w, sizeof(w), "procedure %zu", i + 1);
        if (t && t->kind == MU_Y_SCALAR)
            snprintf(w, sizeof(w), "procedure for team '%s'", t->s);
        pr->pos = pos_of(m);
        check_keys(c, m, w, procedure_keys);
        get_ref(c, m, w, "team", &pr->team);
        get_strs(c, m, w, "kinds", 1, &pr->kinds);
        get_strs(c, m, w, "tasks", 1, &pr->tasks);
    }
}

/* ---- top level ------------------------------------------------------- */

static const struct key top_keys[] = {
    {"muster", 1, NULL},     {"id", 1, NULL},         {"title", 1, NULL},
    {"org", 1, NULL},        {"units", 1, NULL},      {"people", 1, NULL},
    {"teams", 1, NULL},      {"levels", 0, NULL},     {"incidents", 0, NULL},
    {"duty", 0, NULL},       {"checkins", 0, NULL},   {"escalation", 0, NULL},
    {"procedures", 0, NULL}, {"termination", 0, NULL}, {NULL, 0, NULL},
};

enum mu_err mu_plan_build(struct mu_arena *a, const struct mu_ynode *root, struct mu_plan *p,
                          struct mu_diags *d)
{
    struct ctx cx = {a, d, MU_OK};
    struct ctx *c = &cx;
    const struct mu_ynode *v;

    p->duty.start = 8 * 60;
    p->duty.night_start = -1;
    p->duty.reminder_before = 2 * 3600;
    p->duty.no_consecutive_nights = 1;
    if (!expect(c, root, MU_Y_MAP, "front matter", NULL))
        return c->rc;
    check_keys(c, root, "", top_keys);

    if ((v = get(root, "muster")) && expect(c, v, MU_Y_SCALAR, "", "muster")) {
        if (!v->plain || strcmp(v->s, "1") != 0)
            ERR(c, v, "unsupported plan version '%s' (this muster reads version %d)", v->s,
                MU_PLAN_VERSION);
        p->version = MU_PLAN_VERSION;
    }
    struct mu_pos idpos;
    p->id = get_id(c, root, "", "id", 0, &idpos);
    p->title = get_text(c, root, "", "title");
    if ((v = get(root, "org")))
        build_org(c, v, &p->org);
    if ((v = get(root, "units"))) {
        size_t n = count_units(v);
        p->units = alloc_n(c, n, sizeof(*p->units));
        if (p->units || n == 0)
            build_units(c, v, "", -1, 0, p);
    }
    if ((v = get(root, "people")))
        build_people(c, v, p);
    if ((v = get(root, "teams")))
        build_teams(c, v, p);
    if ((v = get(root, "levels")))
        build_levels(c, v, p);
    if ((v = get(root, "incidents")))
        build_incidents(c, v, p);
    if ((v = get(root, "duty")))
        build_duty(c, v, &p->duty);
    if ((v = get(root, "checkins")))
        build_checkins(c, v, p);
    if ((v = get(root, "escalation")))
        build_policies(c, v, p);
    if ((v = get(root, "procedures")))
        build_procedures(c, v, p);
    get_strs(c, root, "", "termination", 1, &p->termination);
    return c->rc;
}
