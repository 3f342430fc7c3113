/* Reference GEMM in long double and the error bound of the GEMM tests (see gemm_reference.h). */
#include "gemm_reference.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

double ref_gemm_round(fw_precision prec, double v)
{
    if (prec == FW_F64)
        return v;
    volatile float f = (float)v;
    return f;
}

double ref_gemm_eps(fw_precision prec) { return prec == FW_F64 ? DBL_EPSILON : FLT_EPSILON; }

double ref_gemm_gamma(fw_precision prec, int k) { return 2.0 * (k + 2) * ref_gemm_eps(prec); }

static size_t ref_gemm_elem(fw_precision prec)
{
    return prec == FW_F64 ? sizeof(double) : sizeof(float);
}

static long double ref_gemm_load(fw_precision prec, const void *p, long idx)
{
    return prec == FW_F64 ? (long double)((const double *)p)[idx]
                          : (long double)((const float *)p)[idx];
}

/* op(X)(r, s) at x[r*rs + s*cs]. Worked out from the storage on its own rather than shared
 * with the library, so a mistake there cannot cancel out here. */
static void ref_gemm_strides(fw_layout layout, fw_trans t, int ld, long *rs, long *cs)
{
    /* Stored X(r, s): column-major at r + s*ld, row-major at r*ld + s. */
    long row_step = layout == FW_COL_MAJOR ? 1 : ld;
    long col_step = layout == FW_COL_MAJOR ? ld : 1;
    if (t == FW_NO_TRANS) {
        *rs = row_step;
        *cs = col_step;
    } else { /* op(X)(r, s) = X(s, r); real data, so conjugation changes nothing */
        *rs = col_step;
        *cs = row_step;
    }
}

void ref_gemm_products(const ref_gemm_call *g, long double *dot, long double *absdot)
{
    long rs_a, cs_a, rs_b, cs_b;
    ref_gemm_strides(g->layout, g->ta, g->lda, &rs_a, &cs_a);
    ref_gemm_strides(g->layout, g->tb, g->ldb, &rs_b, &cs_b);
    for (int j = 0; j < g->n; j++)
        for (int i = 0; i < g->m; i++) {
            long double s = 0, t = 0;
            if (g->alpha != 0)
                for (int p = 0; p < g->k; p++) {
                    long double x = ref_gemm_load(g->prec, g->a, i * rs_a + p * cs_a);
                    long double y = ref_gemm_load(g->prec, g->b, p * rs_b + j * cs_b);
                    s += x * y;
                    t += fabsl(x) * fabsl(y);
                }
            dot[i + (long)j * g->m] = s;
            absdot[i + (long)j * g->m] = t;
        }
}

/* Position in the m x n result of the buffer element rel past C(0,0); 0 when outside. */
static int ref_gemm_in_result(const ref_gemm_call *g, long rel, int *i, int *j)
{
    if (rel < 0)
        return 0;
    long outer = rel / g->ldc, inner = rel % g->ldc;
    long r = g->layout == FW_COL_MAJOR ? inner : outer;
    long c = g->layout == FW_COL_MAJOR ? outer : inner;
    if (r >= g->m || c >= g->n)
        return 0;
    *i = (int)r;
    *j = (int)c;
    return 1;
}

int ref_gemm_check_products(const ref_gemm_call *g, const long double *dot,
                            const long double *absdot, const void *before, const void *after,
                            long elems, long offset, ref_gemm_report *r)
{
    const size_t es = ref_gemm_elem(g->prec);
    const long double alpha = g->alpha, beta = g->beta;
    /* Underflow: each rounding in the subnormal range may lose up to the smallest normal. */
    const long double tiny = (g->k + 3) * (g->prec == FW_F64 ? DBL_MIN : FLT_MIN);
    memset(r, 0, sizeof *r);
    r->gamma = ref_gemm_gamma(g->prec, g->k);
    r->guard_first = -1;
    r->bad_i = r->bad_j = -1;
    for (long x = 0; x < elems; x++) {
        int i, j;
        if (!ref_gemm_in_result(g, x - offset, &i, &j)) {
            if (memcmp((const char *)before + x * es, (const char *)after + x * es, es) != 0) {
                if (!r->guard_bad)
                    r->guard_first = x;
                r->guard_bad++;
            }
            continue;
        }
        long double c0 = beta != 0 ? ref_gemm_load(g->prec, before, x) : 0;
        long double want = alpha * dot[i + (long)j * g->m] + beta * c0;
        long double mag = fabsl(alpha) * absdot[i + (long)j * g->m] + fabsl(beta) * fabsl(c0);
        long double got = ref_gemm_load(g->prec, after, x);
        long double err = fabsl(got - want);
        double rel = mag > 0 ? (double)(err / mag) : (err > 0 ? INFINITY : 0.0);
        if (!(rel <= r->worst_rel) && !isnan(r->worst_rel)) /* a NaN stays the worst */
            r->worst_rel = rel;
        if (!(err <= r->gamma * mag + tiny)) {
            if (!r->bad) {
                r->bad_i = i;
                r->bad_j = j;
                r->bad_got = (double)got;
                r->bad_want = (double)want;
                r->bad_mag = (double)mag;
            }
            r->bad++;
        }
    }
    return r->bad == 0 && r->guard_bad == 0;
}

int ref_gemm_check(const ref_gemm_call *g, const void *before, const void *after, long elems,
                   long offset, ref_gemm_report *r)
{
    size_t cells = (size_t)(g->m > 0 ? g->m : 1) * (size_t)(g->n > 0 ? g->n : 1);
    long double *dot = malloc(cells * sizeof *dot), *absdot = malloc(cells * sizeof *absdot);
    if (!dot || !absdot) {
        fprintf(stderr, "ref_gemm_check: out of memory\n");
        abort();
    }
    ref_gemm_products(g, dot, absdot);
    int ok = ref_gemm_check_products(g, dot, absdot, before, after, elems, offset, r);
    free(dot);
    free(absdot);
    return ok;
}

const char *ref_gemm_describe(const ref_gemm_report *r, char *buf, size_t len)
{
    int n = snprintf(buf, len, "worst rel err %.3g (bound %.3g)", r->worst_rel, r->gamma);
    if (r->bad && n >= 0 && (size_t)n < len)
        n += snprintf(buf + n, len - n, "; %ld bad, first C(%d,%d) = %.17g, want %.17g (mag %.3g)",
                      r->bad, r->bad_i, r->bad_j, r->bad_got, r->bad_want, r->bad_mag);
    if (r->guard_bad && n >= 0 && (size_t)n < len)
        snprintf(buf + n, len - n, "; %ld guard elements changed, first at buffer index %ld",
                 r->guard_bad, r->guard_first);
    return buf;
}
