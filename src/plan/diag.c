/* SPDX-License-Identifier: MIT */
/*
 * The diagnostics list of a plan parse: messages with a position and a
 * severity, capped at MU_DIAGS_MAX stored entries, sortable by position.
 * See muster/plan.h.
 */
#include <muster/plan.h>
#include <muster/mem.h>

#include <stdio.h>
#include <stdlib.h>

#include "util/banned.h"

void mu_diags_init(struct mu_diags *d)
{
    d->v = NULL;
    d->n = d->cap = 0;
    d->nerrors = d->nwarnings = d->dropped = 0;
}

void mu_diags_release(struct mu_diags *d)
{
    for (size_t i = 0; i < d->n; i++)
        mu_free(d->v[i].msg);
    mu_free(d->v);
    mu_diags_init(d);
}

enum mu_err mu_diags_add(struct mu_diags *d, enum mu_diag_severity sev, int line, int col,
                         const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    enum mu_err rc = mu_diags_addv(d, sev, line, col, fmt, ap);
    va_end(ap);
    return rc;
}

enum mu_err mu_diags_addv(struct mu_diags *d, enum mu_diag_severity sev, int line, int col,
                          const char *fmt, va_list ap)
{
    if (sev == MU_DIAG_ERROR)
        d->nerrors++;
    else
        d->nwarnings++;
    if (d->n >= MU_DIAGS_MAX) {
        d->dropped++;
        return MU_OK;
    }
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 16;
        struct mu_diag *v = mu_realloc(d->v, cap * sizeof(*v));
        if (!v)
            return MU_ENOMEM;
        d->v = v;
        d->cap = cap;
    }
    char tmp[512];
    vsnprintf(tmp, sizeof(tmp), fmt, ap);
    char *msg = mu_strdup(tmp);
    if (!msg)
        return MU_ENOMEM;
    struct mu_diag *g = &d->v[d->n];
    g->line = line > 0 ? line : 1;
    g->col = col > 0 ? col : 1;
    g->severity = sev;
    g->msg = msg;
    g->seq = d->n;
    d->n++;
    return MU_OK;
}

static int cmp_diag(const void *a, const void *b)
{
    const struct mu_diag *x = a, *y = b;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    if (x->col != y->col)
        return x->col < y->col ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void mu_diags_sort(struct mu_diags *d)
{
    if (d->n > 1)
        qsort(d->v, d->n, sizeof(d->v[0]), cmp_diag);
}
