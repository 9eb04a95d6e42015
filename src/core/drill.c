/* SPDX-License-Identifier: MIT */
/*
 * The scenario of a simulated drill, parsed from YAML (docs/drill-format.md)
 * with the plan parser's node tree (src/plan/yaml_tree.c): when the
 * incident is reported and what it is, how each person responds, who holds
 * which duty role, when the response is activated, how long to simulate,
 * and the verdict the scenario expects. Every problem is reported with its
 * line and column. Pure: bytes in, struct out.
 */
#include <muster/drill.h>

#include <muster/date.h>
#include <stdarg.h>
#include <muster/mem.h>
#include <string.h>

#include "plan/plan_int.h"
#include "util/arena.h"
#include "util/banned.h"

struct mu_scenario_arena {
    struct mu_arena a;
};

void mu_scenario_free(struct mu_scenario *sc)
{
    if (!sc)
        return;
    struct mu_scenario_arena *pa = sc->arena;
    mu_free(sc->fields);
    mu_free(sc->responses);
    mu_free(sc->duty);
    if (pa) {
        mu_arena_release(&pa->a);
        mu_free(pa);
    }
    mu_free(sc);
}

const struct mu_scenario_response *mu_scenario_response_of(const struct mu_scenario *sc,
                                                           const char *person)
{
    for (size_t i = 0; person && i < sc->nresponses; i++)
        if (strcmp(sc->responses[i].person, person) == 0)
            return &sc->responses[i];
    return &sc->deflt;
}

struct ctx {
    struct mu_diags *d;
    enum mu_err rc; /* MU_ENOMEM sticks */
};

static void bad(struct ctx *c, const struct mu_ynode *n, const char *fmt, ...) MU_PRINTF(3, 4);

static void bad(struct ctx *c, const struct mu_ynode *n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (mu_diags_addv(c->d, MU_DIAG_ERROR, n ? n->line : 1, n ? n->col : 1, fmt, ap))
        c->rc = MU_ENOMEM;
    va_end(ap);
}

/* The text of a mapping key ("" for a key that is not a scalar). */
static const char *K(const struct mu_ynode *k)
{
    return k->kind == MU_Y_SCALAR && k->s ? k->s : "";
}

static const char *scalar(struct ctx *c, const struct mu_ynode *n, const char *key)
{
    if (n->kind != MU_Y_SCALAR || mu_ynode_is_null(n)) {
        bad(c, n, "'%s' must be a value", key);
        return NULL;
    }
    return n->s;
}

static int duration(struct ctx *c, const struct mu_ynode *n, const char *key, int64_t *out)
{
    const char *s = scalar(c, n, key);
    if (!s)
        return 0;
    if (mu_duration_parse(s, strlen(s), out, NULL)) {
        if (mu_diags_add(c->d, MU_DIAG_ERROR, n->line, n->col,
                         "%s: '%s' is not a duration (15m, 1h30m, 90s)", key, s))
            c->rc = MU_ENOMEM;
        return 0;
    }
    return 1;
}

static int is_true(const struct mu_ynode *n)
{
    return n->kind == MU_Y_SCALAR && n->s && strcmp(n->s, "true") == 0;
}

static int is_false(const struct mu_ynode *n)
{
    return n->kind == MU_Y_SCALAR && n->s && strcmp(n->s, "false") == 0;
}

static void unknown_key(struct ctx *c, const struct mu_ynode *k, const char *known)
{
    if (mu_diags_add(c->d, MU_DIAG_ERROR, k->line, k->col, "unknown key '%s' (keys: %s)", K(k),
                     known))
        c->rc = MU_ENOMEM;
}

static void response(struct ctx *c, const struct mu_ynode *key, const struct mu_ynode *v,
                     struct mu_scenario_response *r)
{
    r->person = K(key);
    r->pos.line = key->line;
    r->pos.col = key->col;
    r->ack_after = -1;
    r->arrive_after = -1;
    if (v->kind != MU_Y_MAP) {
        bad(c, v, "response of '%s' must be a mapping {ack_after, arrive_after, none}", K(key));
        return;
    }
    int has_none = 0, none = 0;
    for (size_t i = 0; i + 1 < v->n; i += 2) {
        const struct mu_ynode *k = v->kids[i], *x = v->kids[i + 1];
        if (strcmp(K(k), "ack_after") == 0)
            duration(c, x, "ack_after", &r->ack_after);
        else if (strcmp(K(k), "arrive_after") == 0)
            duration(c, x, "arrive_after", &r->arrive_after);
        else if (strcmp(K(k), "none") == 0) {
            has_none = 1;
            if (is_true(x))
                none = 1;
            else if (!is_false(x))
                bad(c, x, "none: '%s' is not true or false", x->s ? x->s : "");
        } else
            unknown_key(c, k, "ack_after, arrive_after, none");
    }
    if (none && (r->ack_after >= 0 || r->arrive_after >= 0))
        bad(c, key, "response of '%s' gives none: true and a delay", K(key));
    if (!has_none && r->ack_after < 0 && r->arrive_after < 0)
        bad(c, key, "response of '%s' gives neither ack_after, arrive_after nor none", K(key));
    r->none = none;
}

static void incident(struct ctx *c, struct mu_scenario *sc, const struct mu_ynode *v)
{
    if (v->kind != MU_Y_MAP) {
        bad(c, v, "'%s' must be a mapping {kind, level, place, fields}", "incident");
        return;
    }
    for (size_t i = 0; i + 1 < v->n; i += 2) {
        const struct mu_ynode *k = v->kids[i], *x = v->kids[i + 1];
        if (strcmp(K(k), "kind") == 0) {
            sc->kind = scalar(c, x, "kind");
            sc->kind_pos = (struct mu_pos){x->line, x->col};
        } else if (strcmp(K(k), "level") == 0) {
            sc->level = scalar(c, x, "level");
            sc->level_pos = (struct mu_pos){x->line, x->col};
        } else if (strcmp(K(k), "place") == 0) {
            sc->place = scalar(c, x, "place");
        } else if (strcmp(K(k), "reporter") == 0) {
            sc->reporter = scalar(c, x, "reporter");
        } else if (strcmp(K(k), "fields") == 0) {
            sc->fields_pos = (struct mu_pos){x->line, x->col};
            if (x->kind != MU_Y_MAP) {
                bad(c, x, "'%s' must be a mapping of field: value", "fields");
                continue;
            }
            sc->nfields = x->n / 2;
            sc->fields = sc->nfields ? mu_calloc(sc->nfields, sizeof(*sc->fields)) : NULL;
            if (sc->nfields && !sc->fields) {
                c->rc = MU_ENOMEM;
                return;
            }
            for (size_t j = 0; j + 1 < x->n; j += 2) {
                sc->fields[j / 2].key = K(x->kids[j]);
                sc->fields[j / 2].value = scalar(c, x->kids[j + 1], K(x->kids[j]));
            }
        } else {
            unknown_key(c, k, "kind, level, place, reporter, fields");
        }
    }
    if (!sc->kind)
        bad(c, v, "incident has no '%s'", "kind");
    if (!sc->place)
        bad(c, v, "incident has no '%s'", "place");
}

enum mu_err mu_scenario_parse(const char *src, size_t len, struct mu_scenario **out,
                              struct mu_diags *diags, struct mu_error *err)
{
    struct mu_diags own;
    struct mu_diags *d = diags ? diags : &own;
    struct ctx c = {.d = d};
    struct mu_ynode *root = NULL;
    int line = 1, col = 1;
    unsigned char byte = 0;
    size_t errors_before = 0;
    *out = NULL;
    if (!diags)
        mu_diags_init(&own);
    errors_before = d->nerrors;
    struct mu_scenario *sc = mu_calloc(1, sizeof(*sc));
    struct mu_scenario_arena *pa = mu_calloc(1, sizeof(*pa));
    if (!sc || !pa) {
        mu_free(sc);
        mu_free(pa);
        if (!diags)
            mu_diags_release(&own);
        return mu_error_set(err, MU_ENOMEM, "out of memory");
    }
    mu_arena_init(&pa->a);
    sc->arena = pa;
    sc->deflt = (struct mu_scenario_response){.person = "default", .none = 1, .ack_after = -1,
                                              .arrive_after = -1};
    if (len > MU_SCENARIO_MAX_BYTES) {
        bad(&c, NULL, "scenario is larger than %s", "64 KiB");
        goto done;
    }
    if (!mu_plan_utf8_check(src, len, &line, &col, &byte)) {
        if (mu_diags_add(d, MU_DIAG_ERROR, line, col, "not UTF-8 (byte 0x%02x)", byte))
            c.rc = MU_ENOMEM;
        goto done;
    }
    c.rc = mu_plan_yaml_load(&pa->a, src, len, 1, &root, d);
    if (c.rc == MU_EINVAL)
        c.rc = MU_OK; /* reported */
    if (c.rc || d->nerrors > errors_before)
        goto done;
    if (!root || root->kind != MU_Y_MAP) {
        bad(&c, root, "a scenario is a mapping with %s", "start, incident, responses, until");
        goto done;
    }
    int has_start = 0, has_until = 0, has_incident = 0;
    for (size_t i = 0; i + 1 < root->n && c.rc == MU_OK; i += 2) {
        const struct mu_ynode *k = root->kids[i], *v = root->kids[i + 1];
        if (strcmp(K(k), "start") == 0) {
            const char *s = scalar(&c, v, "start");
            has_start = 1;
            if (s && mu_local_parse(s, &sc->start, NULL))
                bad(&c, v, "start: '%s' is not a date and time like 2026-02-16T02:10:00+08:00", s);
        } else if (strcmp(K(k), "incident") == 0) {
            has_incident = 1;
            incident(&c, sc, v);
        } else if (strcmp(K(k), "until") == 0) {
            has_until = 1;
            if (duration(&c, v, "until", &sc->until) && sc->until > 7 * 86400)
                bad(&c, v, "until: '%s' is longer than a week", v->s ? v->s : "");
        } else if (strcmp(K(k), "responses") == 0) {
            if (v->kind != MU_Y_MAP) {
                bad(&c, v, "'%s' must be a mapping of person: response", "responses");
                continue;
            }
            sc->responses = v->n ? mu_calloc(v->n / 2, sizeof(*sc->responses)) : NULL;
            if (v->n && !sc->responses) {
                c.rc = MU_ENOMEM;
                break;
            }
            for (size_t j = 0; j + 1 < v->n; j += 2) {
                const struct mu_ynode *pk = v->kids[j];
                if (strcmp(K(pk), "default") == 0) {
                    response(&c, pk, v->kids[j + 1], &sc->deflt);
                    continue;
                }
                for (size_t q = 0; q < sc->nresponses; q++)
                    if (strcmp(sc->responses[q].person, K(pk)) == 0)
                        bad(&c, pk, "response of '%s' is given twice", K(pk));
                response(&c, pk, v->kids[j + 1], &sc->responses[sc->nresponses++]);
            }
        } else if (strcmp(K(k), "duty") == 0) {
            if (v->kind != MU_Y_MAP) {
                bad(&c, v, "'%s' must be a mapping of role: person", "duty");
                continue;
            }
            sc->duty = v->n ? mu_calloc(v->n / 2, sizeof(*sc->duty)) : NULL;
            if (v->n && !sc->duty) {
                c.rc = MU_ENOMEM;
                break;
            }
            for (size_t j = 0; j + 1 < v->n; j += 2) {
                struct mu_scenario_duty *du = &sc->duty[sc->nduty++];
                du->role = K(v->kids[j]);
                du->person = scalar(&c, v->kids[j + 1], K(v->kids[j]));
                du->pos = (struct mu_pos){v->kids[j + 1]->line, v->kids[j + 1]->col};
            }
        } else if (strcmp(K(k), "activate") == 0) {
            sc->has_activate = 1;
            sc->activate_pos = (struct mu_pos){v->line, v->col};
            if (v->kind != MU_Y_MAP) {
                bad(&c, v, "'%s' must be a mapping {by, after}", "activate");
                continue;
            }
            for (size_t j = 0; j + 1 < v->n; j += 2) {
                const struct mu_ynode *ak = v->kids[j], *av = v->kids[j + 1];
                if (strcmp(K(ak), "by") == 0) {
                    sc->activate_by = scalar(&c, av, "by");
                    sc->activate_pos = (struct mu_pos){av->line, av->col};
                } else if (strcmp(K(ak), "after") == 0)
                    duration(&c, av, "after", &sc->activate_after);
                else
                    unknown_key(&c, ak, "by, after");
            }
            if (!sc->activate_by)
                bad(&c, v, "activate has no '%s'", "by");
        } else if (strcmp(K(k), "expect") == 0) {
            const char *s = scalar(&c, v, "expect");
            if (s && strcmp(s, "met") && strcmp(s, "missed"))
                bad(&c, v, "expect: '%s' is not met or missed", s);
            sc->expect = s;
        } else {
            unknown_key(&c, k, "start, incident, responses, duty, activate, until, expect");
        }
    }
    if (c.rc == MU_OK && !has_start)
        bad(&c, root, "scenario has no '%s'", "start");
    if (c.rc == MU_OK && !has_incident)
        bad(&c, root, "scenario has no '%s'", "incident");
    if (c.rc == MU_OK && !has_until)
        bad(&c, root, "scenario has no '%s'", "until");
done:
    if (c.rc == MU_OK && d->nerrors > errors_before)
        c.rc = mu_error_set(err, MU_EINVAL, "scenario has %zu errors",
                            d->nerrors - errors_before);
    else if (c.rc == MU_ENOMEM)
        mu_error_set(err, MU_ENOMEM, "out of memory");
    if (!diags)
        mu_diags_release(&own);
    if (c.rc) {
        mu_scenario_free(sc);
        return c.rc;
    }
    *out = sc;
    return MU_OK;
}
