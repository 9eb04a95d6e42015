/* SPDX-License-Identifier: MIT */
/*
 * Line diff (see include/muster/diff.h). The common head and tail are
 * stripped first (a new plan version usually changes a few lines), then
 * Myers' greedy algorithm runs on the middle, keeping the furthest-reaching
 * x of every diagonal for each edit distance d so that the path can be
 * walked back; that trace needs (D+1)^2 integers, which the edit cap bounds
 * (16 MB at the default cap). Lines are compared by a hash first.
 */
#include <muster/diff.h>

#include <muster/mem.h>
#include <stdint.h>
#include <string.h>

#include "util/banned.h"

struct line {
    const char *p;
    size_t len;
    uint64_t h;
};

static size_t count_lines(const char *s, size_t len)
{
    if (len == 0)
        return 0;
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += s[i] == '\n';
    return n + (s[len - 1] != '\n');
}

static void split(const char *s, size_t len, struct line *v)
{
    size_t i = 0, k = 0;
    while (i < len) {
        const char *nl = memchr(s + i, '\n', len - i);
        size_t e = nl ? (size_t)(nl - s) : len;
        uint64_t h = 1469598103934665603ull; /* FNV-1a */
        for (size_t j = i; j < e; j++)
            h = (h ^ (unsigned char)s[j]) * 1099511628211ull;
        v[k++] = (struct line){s + i, e - i, h};
        i = e + 1;
    }
}

static int same(const struct line *x, const struct line *y)
{
    return x->h == y->h && x->len == y->len && memcmp(x->p, y->p, x->len) == 0;
}

/* Within each run of changes, put the removed lines before the added ones. */
static void order_changes(struct mu_diff_op *v, size_t n)
{
    size_t i = 0;
    while (i < n) {
        if (v[i].op == ' ') {
            i++;
            continue;
        }
        size_t j = i;
        while (j < n && v[j].op != ' ')
            j++;
        /* Stable partition of v[i..j): a small insertion sort by op. */
        for (size_t a = i + 1; a < j; a++) {
            struct mu_diff_op t = v[a];
            size_t b = a;
            while (b > i && t.op == '-' && v[b - 1].op == '+') {
                v[b] = v[b - 1];
                b--;
            }
            v[b] = t;
        }
        i = j;
    }
}

enum mu_err mu_diff_lines(const char *a, size_t alen, const char *b, size_t blen,
                          size_t max_edits, struct mu_diff_op **out, size_t *n,
                          struct mu_error *err)
{
    enum mu_err rc = MU_OK;
    struct line *la = NULL, *lb = NULL;
    struct mu_diff_op *ops = NULL;
    int32_t *v = NULL, *trace = NULL;
    size_t tcap = 0;
    if (!max_edits)
        max_edits = MU_DIFF_MAX_EDITS;

    size_t na = count_lines(a, alen), nb = count_lines(b, blen);
    if (na > MU_DIFF_MAX_LINES || nb > MU_DIFF_MAX_LINES)
        return mu_error_set(err, MU_ELIMIT, "cannot compare texts of more than %d lines",
                            MU_DIFF_MAX_LINES);
    *out = NULL;
    *n = 0;
    if (na + nb == 0)
        return MU_OK;
    la = mu_malloc((na ? na : 1) * sizeof(*la));
    lb = mu_malloc((nb ? nb : 1) * sizeof(*lb));
    ops = mu_malloc((na + nb) * sizeof(*ops));
    if (!la || !lb || !ops)
        goto oom;
    split(a, alen, la);
    split(b, blen, lb);

    size_t pre = 0, suf = 0;
    while (pre < na && pre < nb && same(&la[pre], &lb[pre]))
        pre++;
    while (suf < na - pre && suf < nb - pre && same(&la[na - 1 - suf], &lb[nb - 1 - suf]))
        suf++;
    const struct line *A = la + pre, *B = lb + pre;
    long N = (long)(na - pre - suf), M = (long)(nb - pre - suf);
    size_t gap = (size_t)(N > M ? N - M : M - N);
    if (gap > max_edits)
        goto toobig;
    long maxd = (long)((size_t)(N + M) < max_edits ? (size_t)(N + M) : max_edits);
    long off = maxd + 1;
    v = mu_calloc((size_t)(2 * maxd + 3), sizeof(*v));
    if (!v)
        goto oom;

    long D = -1;
    for (long d = 0; d <= maxd && D < 0; d++) {
        for (long k = -d; k <= d; k += 2) {
            long x;
            if (k == -d || (k != d && v[off + k - 1] < v[off + k + 1]))
                x = v[off + k + 1];
            else
                x = v[off + k - 1] + 1;
            long y = x - k;
            while (x < N && y < M && same(&A[x], &B[y])) {
                x++;
                y++;
            }
            v[off + k] = (int32_t)x;
            if (x >= N && y >= M) {
                D = d;
                break;
            }
        }
        if (D >= 0)
            break;
        size_t need = (size_t)(d + 1) * (size_t)(d + 1);
        if (need > tcap) {
            size_t cap = tcap ? tcap * 2 : 64;
            while (cap < need)
                cap *= 2;
            int32_t *t = mu_realloc(trace, cap * sizeof(*t));
            if (!t)
                goto oom;
            trace = t;
            tcap = cap;
        }
        memcpy(trace + (size_t)d * (size_t)d, v + off - d, (size_t)(2 * d + 1) * sizeof(*v));
    }
    if (D < 0)
        goto toobig;

    /* Walk back from (N, M), writing the script for the middle in reverse
     * at the end of ops, then put the head and the tail around it. */
    size_t total = pre + (size_t)((N + M + D) / 2) + suf; /* common lines + D */
    size_t w = total - suf; /* next slot, filled downwards */
    long x = N, y = M;
    for (long d = D; d > 0; d--) {
        const int32_t *vp = trace + (size_t)(d - 1) * (size_t)(d - 1) + (d - 1);
        long k = x - y, pk;
        if (k == -d || (k != d && vp[k - 1] < vp[k + 1]))
            pk = k + 1;
        else
            pk = k - 1;
        long px = vp[pk], py = px - pk;
        long mx = pk == k + 1 ? px : px + 1;
        while (x > mx) {
            x--;
            y--;
            ops[--w] = (struct mu_diff_op){' ', A[x].p, A[x].len};
        }
        if (pk == k + 1)
            ops[--w] = (struct mu_diff_op){'+', B[py].p, B[py].len};
        else
            ops[--w] = (struct mu_diff_op){'-', A[px].p, A[px].len};
        x = px;
        y = py;
    }
    while (x > 0) {
        x--;
        ops[--w] = (struct mu_diff_op){' ', A[x].p, A[x].len};
    }
    if (w != pre)
        MU_BUG("diff: edit script does not fill its slots");
    for (size_t i = 0; i < pre; i++)
        ops[i] = (struct mu_diff_op){' ', la[i].p, la[i].len};
    for (size_t i = 0; i < suf; i++)
        ops[total - suf + i] =
            (struct mu_diff_op){' ', la[na - suf + i].p, la[na - suf + i].len};
    order_changes(ops, total);
    *out = ops;
    *n = total;
    ops = NULL;
    goto out;

toobig:
    rc = mu_error_set(err, MU_ELIMIT, "the texts differ in more than %zu lines", max_edits);
    goto out;
oom:
    rc = mu_error_set(err, MU_ENOMEM, "out of memory comparing texts");
out:
    mu_free(la);
    mu_free(lb);
    mu_free(ops);
    mu_free(v);
    mu_free(trace);
    return rc;
}
