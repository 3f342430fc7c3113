/* Reference GEMM for the GEMM tests: naive sums in long double, and the error bound that a
 * library result is held to.
 *
 * For every element the reference forms
 *   want = alpha * sum_p op(A)(i,p) op(B)(p,j) + beta * C(i,j)
 *   mag  = |alpha| * sum_p |op(A)(i,p)| |op(B)(p,j)| + |beta| |C(i,j)|
 * with BLAS semantics: alpha == 0 does not read A or B, beta == 0 does not read C. A result
 * passes when |got - want| <= gamma * mag (plus a few smallest normals for underflow), where
 * gamma = 2 (k + 2) eps. To first order the error is mag * eps/2 times the roundings on the
 * element's way: up to k in the dot product (with or without FMA), two per pass over k (alpha,
 * and the accumulation into C; passes <= k) and one for beta * C, so at most 3k + 1 < 4 (k + 2)
 * of them. That is honest for every path, and still far below what a wrong index, a lost pass
 * over k or a beta applied twice costs. */
#ifndef FW_GEMM_REFERENCE_H
#define FW_GEMM_REFERENCE_H

#include "flopwatt.h"

#include <stddef.h>

/* One GEMM call as the caller made it. alpha and beta are the values the call saw, already
 * rounded to the precision (the float a float call received, widened to double). */
typedef struct ref_gemm_call {
    fw_precision prec;
    fw_layout layout;
    fw_trans ta, tb;
    int m, n, k;
    double alpha, beta;
    const void *a;
    int lda;
    const void *b;
    int ldb;
    int ldc;
} ref_gemm_call;

typedef struct ref_gemm_report {
    double worst_rel;  /* max |got - want| / mag over the m x n result */
    double gamma;      /* the bound on that ratio */
    long bad;          /* results outside the bound, NaN and Inf included */
    int bad_i, bad_j;  /* the first of them */
    double bad_got, bad_want, bad_mag;
    long guard_bad;    /* elements of C's buffer outside the m x n result that changed */
    long guard_first;  /* buffer index of the first of them */
} ref_gemm_report;

/* The value a call of this precision receives for v: v itself for f64, v rounded to float
 * for f32. Out of line and through a volatile float because GCC 12.2 at -O2 folds
 * `prec == FW_F64 ? v : (double)(float)v` to `v` when two of them are vectorised together. */
double ref_gemm_round(fw_precision prec, double v);

/* Machine epsilon of a precision and the bound gamma(k). */
double ref_gemm_eps(fw_precision prec);
double ref_gemm_gamma(fw_precision prec, int k);

/* The products alone: dot[i + j*m] = sum_p op(A)(i,p) op(B)(p,j) and absdot the same on
 * magnitudes, both m x n column-major; zero when alpha == 0. Lets a caller check many
 * alpha/beta pairs on the same A and B for the cost of one reference. */
void ref_gemm_products(const ref_gemm_call *call, long double *dot, long double *absdot);

/* Checks the buffer holding C after the call against the buffer before it (elems elements
 * each, C(0,0) at element offset) from precomputed products: every element of the m x n
 * result within the bound, every other element of the buffer unchanged byte for byte.
 * Returns 1 when both hold. */
int ref_gemm_check_products(const ref_gemm_call *call, const long double *dot,
                            const long double *absdot, const void *before, const void *after,
                            long elems, long offset, ref_gemm_report *r);

/* ref_gemm_products followed by ref_gemm_check_products. */
int ref_gemm_check(const ref_gemm_call *call, const void *before, const void *after, long elems,
                   long offset, ref_gemm_report *r);

/* One line on what a report found, for a failure message. */
const char *ref_gemm_describe(const ref_gemm_report *r, char *buf, size_t len);

#endif
