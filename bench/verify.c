#include "verify.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static double unit_roundoff(fw_precision p) { return p == FW_F64 ? DBL_EPSILON / 2 : FLT_EPSILON / 2; }

static double elem(fw_precision p, const void *x, long idx)
{
    return p == FW_F64 ? ((const double *)x)[idx] : (double)((const float *)x)[idx];
}

/* Error growth factor of one call: k products and sums, the alpha and beta scalings, and a
 * possible rounding of alpha*A while packing; doubled for safety. */
static double growth(const blas_call *c, int depth)
{
    return 2.0 * (depth + 4) * unit_roundoff(c->prec);
}

void verify_init(verify_result *r)
{
    r->ok = 1;
    r->checked = 0;
    r->worst = 0;
    r->row = r->col = -1;
    r->got = r->want = 0;
}

static void record(verify_result *r, int i, int j, double got, double want, double bound)
{
    double err = fabs(got - want);
    double ratio = err == 0 ? 0 : bound > 0 ? err / bound : INFINITY;
    int bad = !(err <= bound); /* also catches NaN */
    if (isnan(ratio))
        ratio = INFINITY;
    r->checked++;
    /* worst follows the failing entries once there is one, else every entry. */
    if (bad ? (r->ok || ratio > r->worst) : (r->ok && ratio >= r->worst)) {
        r->worst = ratio;
        r->row = i, r->col = j, r->got = got, r->want = want;
    }
    if (bad)
        r->ok = 0;
}

static void check_entry(const blas_call *c, const operands *o, int out, int ncalls, int i,
                        int j, verify_result *r)
{
    const call_dims *d = &o->dims;
    long double dot = 0, absdot = 0;
    for (int p = 0; p < d->depth; p++) {
        long double prod = (long double)elem(c->prec, o->a, i * d->rs_a + p * d->cs_a) *
                           elem(c->prec, o->b, p * d->rs_b + (long)j * d->cs_b);
        dot += prod;
        absdot += fabsl(prod);
    }
    long cidx = i * d->rs_c + (long)j * d->cs_c;
    long double want = o->c0 ? elem(c->prec, o->c0, cidx) : 0;
    double g = growth(c, d->depth), bound = 0;
    for (int t = 0; t < ncalls; t++) {
        bound = fabs(c->beta) * bound +
                g * (fabs(c->alpha) * (double)absdot + fabs(c->beta) * fabs((double)want));
        want = c->beta == 0 ? c->alpha * dot : c->beta * want + c->alpha * dot;
    }
    /* Rounding the result itself to the working precision. */
    bound += 2 * unit_roundoff(c->prec) * fabs((double)want);
    record(r, i, j, elem(c->prec, o->out[out], cidx), (double)want, bound);
}

void verify_entry(const blas_call *c, const operands *o, int i, int ncalls, int row, int col,
                  verify_result *r)
{
    check_entry(c, o, i, ncalls < 1 ? 1 : ncalls, row, col, r);
}

static uint64_t sample_next(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 0x2545F4914F6CDD1Dull;
}

/* Indices where blocked code goes wrong first: both ends and the middle. */
static int edges(int n, int *out)
{
    int cand[5] = {0, 1, n / 2, n - 2, n - 1}, cnt = 0;
    for (int a = 0; a < 5; a++) {
        int v = cand[a], dup = v < 0 || v >= n;
        for (int b = 0; b < cnt && !dup; b++)
            dup = out[b] == v;
        if (!dup)
            out[cnt++] = v;
    }
    return cnt;
}

void verify_sample(const blas_call *c, const operands *o, int i, int ncalls, int nrandom,
                   verify_result *r)
{
    const call_dims *d = &o->dims;
    int re[5], ce[5];
    int nr = edges(d->rows, re), nc = edges(d->cols, ce);
    verify_init(r);
    if (ncalls < 1)
        ncalls = 1;
    for (int a = 0; a < nr; a++)
        for (int b = 0; b < nc; b++)
            check_entry(c, o, i, ncalls, re[a], ce[b], r);
    uint64_t s = 0x5DEECE66Dull ^ (uint64_t)d->rows * 31 ^ (uint64_t)d->cols;
    for (int t = 0; t < nrandom; t++) {
        int row = (int)(sample_next(&s) % (uint64_t)d->rows);
        int col = (int)(sample_next(&s) % (uint64_t)d->cols);
        check_entry(c, o, i, ncalls, row, col, r);
    }
}

/* Euclidean norms of the rows of op(X) (rows x depth at x[r*rs + p*cs]), walked in storage
 * order so a large operand streams once. */
static double *row_norms(fw_precision prec, const void *x, int rows, int depth, long rs, long cs)
{
    double *nrm = calloc((size_t)rows, sizeof *nrm);
    if (!nrm)
        return NULL;
    if (rs == 1 && cs != 0) {
        for (int p = 0; p < depth; p++)
            for (int r = 0; r < rows; r++) {
                double v = elem(prec, x, r + p * cs);
                nrm[r] += v * v;
            }
    } else {
        for (int r = 0; r < rows; r++)
            for (int p = 0; p < depth; p++) {
                double v = elem(prec, x, r * rs + p * cs);
                nrm[r] += v * v;
            }
    }
    for (int r = 0; r < rows; r++)
        nrm[r] = sqrt(nrm[r]);
    return nrm;
}

void verify_cross(const blas_call *c, const operands *o, int i, int j, verify_result *r)
{
    const call_dims *d = &o->dims;
    verify_init(r);
    if (c->beta != 0)
        return;
    /* Columns of op(B) are the rows of op(B)^T: swap the strides. */
    double *na = row_norms(c->prec, o->a, d->rows, d->depth, d->rs_a, d->cs_a);
    double *nb = c->op == CALL_GEMM
                     ? row_norms(c->prec, o->b, d->cols, d->depth, d->cs_b, d->rs_b)
                     : row_norms(c->prec, o->b, 1, d->depth, 0, 1);
    if (!na || !nb) {
        free(na);
        free(nb);
        return;
    }
    /* Each result is within g*|alpha|*(|A||B|)(i,j) of the exact one, and
     * (|A||B|)(i,j) <= ||row i of op(A)|| * ||column j of op(B)||. */
    double g = 2 * growth(c, d->depth) * fabs(c->alpha);
    double u2 = 4 * unit_roundoff(c->prec);
    for (int col = 0; col < d->cols; col++)
        for (int row = 0; row < d->rows; row++) {
            long idx = row * d->rs_c + (long)col * d->cs_c;
            double x = elem(c->prec, o->out[i], idx), y = elem(c->prec, o->out[j], idx);
            record(r, row, col, x, y, g * na[row] * nb[col] + u2 * fabs(y));
        }
    free(na);
    free(nb);
}

void verify_describe(const verify_result *r, char *buf, size_t len)
{
    if (r->ok)
        snprintf(buf, len, "ok (%ld entries, worst error %.2g of the bound)", r->checked,
                 r->worst);
    else
        snprintf(buf, len, "wrong result at (%d,%d): got %.9g, expected %.9g (%.3g x the error bound)",
                 r->row, r->col, r->got, r->want, r->worst);
}
