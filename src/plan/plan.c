/* SPDX-License-Identifier: MIT */
/*
 * mu_plan_parse: the pipeline from bytes to a validated plan. Size limit,
 * UTF-8, front matter, YAML tree, schema walk (parse.c), then the
 * cross-reference lint (core/plan_lint.c). Also the small accessors of the
 * public API and mu_plan_free.
 */
#include "plan/plan_int.h"

#include <muster/mem.h>
#include <string.h>

#include "core/plan_model.h"
#include "util/banned.h"

void mu_plan_free(struct mu_plan *p)
{
    if (!p)
        return;
    struct mu_plan_arena *pa = p->arena;
    mu_arena_release(&pa->a);
    mu_free(pa);
}

static enum mu_err parse(const char *src, size_t len, struct mu_plan **out, struct mu_diags *d)
{
    int line, col;
    unsigned char bad;
    if (len > MU_PLAN_MAX_BYTES) {
        if (mu_diags_add(d, MU_DIAG_ERROR, 1, 1, "file is larger than 1 MiB"))
            return MU_ENOMEM;
        return MU_EINVAL;
    }
    if (!mu_plan_utf8_check(src, len, &line, &col, &bad)) {
        if (mu_diags_add(d, MU_DIAG_ERROR, line, col, "input is not valid UTF-8 (byte 0x%02x)",
                         bad))
            return MU_ENOMEM;
        return MU_EINVAL;
    }
    struct mu_plan_split sp;
    enum mu_err rc = mu_plan_split_source(src, len, &sp, d);
    if (rc)
        return rc;

    struct mu_plan_arena *pa = mu_malloc(sizeof(*pa));
    if (!pa)
        return MU_ENOMEM;
    mu_arena_init(&pa->a);
    struct mu_plan *p = mu_arena_alloc(&pa->a, sizeof(*p));
    struct mu_ynode *root = NULL;
    if (!p) {
        rc = MU_ENOMEM;
        goto out;
    }
    p->arena = pa;
    rc = mu_plan_yaml_load(&pa->a, src + sp.yaml_off, sp.yaml_len, sp.yaml_line, &root, d);
    if (rc)
        goto out;
    if (!root) {
        rc = mu_diags_add(d, MU_DIAG_ERROR, sp.yaml_line, 1, "the front matter is empty");
        if (!rc)
            rc = MU_EINVAL;
        goto out;
    }
    size_t before = d->nerrors;
    rc = mu_plan_build(&pa->a, root, p, d);
    if (!rc)
        rc = mu_plan_lint(p, d);
    if (rc)
        goto out;
    if (d->nerrors > before) {
        rc = MU_EINVAL;
        goto out;
    }
    p->body = mu_arena_strndup(&pa->a, src + sp.body_off, sp.body_len);
    if (!p->body) {
        rc = MU_ENOMEM;
        goto out;
    }
    p->body_len = sp.body_len;
    p->body_line = sp.body_line;
    *out = p;
    return MU_OK;
out:
    mu_arena_release(&pa->a);
    mu_free(pa);
    return rc;
}

enum mu_err mu_plan_parse(const char *src, size_t len, struct mu_plan **out,
                          struct mu_diags *diags, struct mu_error *err)
{
    struct mu_diags local;
    struct mu_diags *d = diags;
    if (!d) {
        mu_diags_init(&local);
        d = &local;
    }
    size_t errors_before = d->nerrors;
    *out = NULL;
    enum mu_err rc = parse(src, len, out, d);
    if (rc == MU_EINVAL || (rc == MU_OK && d->nerrors > errors_before)) {
        size_t n = d->nerrors - errors_before;
        mu_plan_free(*out);
        *out = NULL;
        rc = mu_error_set(err, MU_EINVAL, "plan has %zu error%s", n, n == 1 ? "" : "s");
    } else if (rc == MU_ENOMEM) {
        mu_error_set(err, MU_ENOMEM, "out of memory while parsing the plan");
    }
    if (!diags)
        mu_diags_release(&local);
    return rc;
}

const struct mu_plan_person *mu_plan_person(const struct mu_plan *p, const char *id)
{
    for (size_t i = 0; id && i < p->npeople; i++)
        if (p->people[i].id && strcmp(p->people[i].id, id) == 0)
            return &p->people[i];
    return NULL;
}

const struct mu_plan_team *mu_plan_team(const struct mu_plan *p, const char *id)
{
    for (size_t i = 0; id && i < p->nteams; i++)
        if (p->teams[i].id && strcmp(p->teams[i].id, id) == 0)
            return &p->teams[i];
    return NULL;
}

const struct mu_plan_unit *mu_plan_unit(const struct mu_plan *p, const char *id)
{
    for (size_t i = 0; id && i < p->nunits; i++)
        if (p->units[i].id && strcmp(p->units[i].id, id) == 0)
            return &p->units[i];
    return NULL;
}

void mu_plan_summarize(const struct mu_plan *p, struct mu_plan_overview *out)
{
    out->id = p->id;
    out->title = p->title;
    out->org_name = p->org.name;
    out->units = p->nunits;
    out->people = p->npeople;
    out->teams = p->nteams;
    out->levels = p->nlevels;
    out->kinds = p->nkinds;
    out->checkins = p->ncheckins;
    out->policies = p->npolicies;
    out->procedures = p->nprocedures;
}
