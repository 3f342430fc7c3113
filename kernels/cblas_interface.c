/* CBLAS entry points (cblas_sgemm, cblas_dgemm, cblas_sgemv, cblas_dgemv) on top of the native
 * API, and the library's default cblas_xerbla.
 *
 * Error numbers follow what netlib's reference CBLAS (Reference-LAPACK, CBLAS/src/
 * cblas_dgemm.c, cblas_dgemv.c, xerbla.c, cblas_xerbla.c) prints:
 *  - layout is checked first (1), then the transposes (GEMM: TransA 2, TransB 3; GEMV: 2).
 *  - Column-major: the Fortran routine's checks, Fortran position + 1: GEMM M 4, N 5, K 6,
 *    lda 9 (< max(1, nota ? M : K)), ldb 11 (< max(1, notb ? K : N)), ldc 14 (< max(1, M));
 *    GEMV M 3, N 4, lda 7 (< max(1, M)), incX 9, incY 12.
 *  - Row-major: the reference calls the Fortran routine on the transposed problem (GEMM:
 *    TRANSA <- TransB, M <- N, N <- M, A <- B, lda <- ldb; GEMV: M <- N, N <- M), so its
 *    checks run in that order, and cblas_xerbla swaps the numbers back (gemm 4<->5, 9<->11;
 *    gemv 3<->4). Net effect, reproduced here: every argument is reported with its own CBLAS
 *    position, but GEMM checks N (5) before M (4), K (6), then ldb (11, < max(1, notb ? N : K))
 *    before lda (9, < max(1, nota ? K : M)), then ldc (14, < max(1, N)); GEMV checks N (4)
 *    before M (3), then lda (7, < max(1, N)), incX 9, incY 12.
 * Deliberate difference: the reference hands its cblas_xerbla the number of the swapped
 * Fortran call and lets the handler swap it back, using its global RowMajorStrg. There is no
 * such global here; cblas_xerbla receives the final position, the number the reference
 * prints, so an application's own handler sees the argument that was wrong.
 *
 * The checks are made here, before the native call, because the native layer checks M before
 * N in both layouts. */
#include "flopwatt.h"
#include "fw_cblas.h"

#include <stdarg.h>
#include <stdio.h>

static int max1(int x) { return x > 1 ? x : 1; }

static int layout_ok(int layout) { return layout == CblasRowMajor || layout == CblasColMajor; }

static int trans_ok(int t) { return t == CblasNoTrans || t == CblasTrans || t == CblasConjTrans; }

/* Conjugation is a no-op on real data. */
static fw_trans real_trans(int t) { return t == CblasNoTrans ? FW_NO_TRANS : FW_TRANS; }

/* Returns the CBLAS position of the first invalid argument in the reference order, or 0. */
static int gemm_pos(int layout, int transa, int transb, int m, int n, int k, int lda, int ldb,
                    int ldc)
{
    if (!layout_ok(layout))
        return 1;
    if (!trans_ok(transa))
        return 2;
    if (!trans_ok(transb))
        return 3;
    const int nota = transa == CblasNoTrans, notb = transb == CblasNoTrans;
    if (layout == CblasColMajor) {
        if (m < 0)
            return 4;
        if (n < 0)
            return 5;
        if (k < 0)
            return 6;
        if (lda < max1(nota ? m : k))
            return 9;
        if (ldb < max1(notb ? k : n))
            return 11;
        if (ldc < max1(m))
            return 14;
    } else {
        if (n < 0)
            return 5;
        if (m < 0)
            return 4;
        if (k < 0)
            return 6;
        if (ldb < max1(notb ? n : k))
            return 11;
        if (lda < max1(nota ? k : m))
            return 9;
        if (ldc < max1(n))
            return 14;
    }
    return 0;
}

static int gemv_pos(int layout, int trans, int m, int n, int lda, int incx, int incy)
{
    if (!layout_ok(layout))
        return 1;
    if (!trans_ok(trans))
        return 2;
    const int row = layout == CblasRowMajor;
    if ((row ? n : m) < 0)
        return row ? 4 : 3;
    if ((row ? m : n) < 0)
        return row ? 3 : 4;
    if (lda < max1(row ? n : m))
        return 7;
    if (incx == 0)
        return 9;
    if (incy == 0)
        return 12;
    return 0;
}

/* The reference's messages: the enum checks pass the bad value, the others nothing.
 * ntrans is the number of transpose arguments (GEMM 2, GEMV 1). */
static void report(const char *rout, int pos, int ntrans, int layout, int transa, int transb)
{
    if (pos == 1)
        cblas_xerbla(1, rout, "Illegal layout setting, %d\n", layout);
    else if (pos == 2)
        cblas_xerbla(2, rout, "Illegal TransA setting, %d\n", transa);
    else if (pos == 3 && ntrans == 2)
        cblas_xerbla(3, rout, "Illegal TransB setting, %d\n", transb);
    else
        cblas_xerbla(pos, rout, "");
}

void cblas_sgemm(CBLAS_LAYOUT layout, CBLAS_TRANSPOSE transa, CBLAS_TRANSPOSE transb, int m,
                 int n, int k, float alpha, const float *a, int lda, const float *b, int ldb,
                 float beta, float *c, int ldc)
{
    int pos = gemm_pos((int)layout, (int)transa, (int)transb, m, n, k, lda, ldb, ldc);
    if (pos == 0)
        pos = fw_sgemm((fw_layout)layout, real_trans((int)transa), real_trans((int)transb), m, n,
                       k, alpha, a, lda, b, ldb, beta, c, ldc);
    if (pos)
        report("cblas_sgemm", pos, 2, (int)layout, (int)transa, (int)transb);
}

void cblas_dgemm(CBLAS_LAYOUT layout, CBLAS_TRANSPOSE transa, CBLAS_TRANSPOSE transb, int m,
                 int n, int k, double alpha, const double *a, int lda, const double *b, int ldb,
                 double beta, double *c, int ldc)
{
    int pos = gemm_pos((int)layout, (int)transa, (int)transb, m, n, k, lda, ldb, ldc);
    if (pos == 0)
        pos = fw_dgemm((fw_layout)layout, real_trans((int)transa), real_trans((int)transb), m, n,
                       k, alpha, a, lda, b, ldb, beta, c, ldc);
    if (pos)
        report("cblas_dgemm", pos, 2, (int)layout, (int)transa, (int)transb);
}

void cblas_sgemv(CBLAS_LAYOUT layout, CBLAS_TRANSPOSE trans, int m, int n, float alpha,
                 const float *a, int lda, const float *x, int incx, float beta, float *y,
                 int incy)
{
    int pos = gemv_pos((int)layout, (int)trans, m, n, lda, incx, incy);
    if (pos == 0)
        pos = fw_sgemv((fw_layout)layout, real_trans((int)trans), m, n, alpha, a, lda, x, incx,
                       beta, y, incy);
    if (pos)
        report("cblas_sgemv", pos, 1, (int)layout, (int)trans, 0);
}

void cblas_dgemv(CBLAS_LAYOUT layout, CBLAS_TRANSPOSE trans, int m, int n, double alpha,
                 const double *a, int lda, const double *x, int incx, double beta, double *y,
                 int incy)
{
    int pos = gemv_pos((int)layout, (int)trans, m, n, lda, incx, incy);
    if (pos == 0)
        pos = fw_dgemv((fw_layout)layout, real_trans((int)trans), m, n, alpha, a, lda, x, incx,
                       beta, y, incy);
    if (pos)
        report("cblas_dgemv", pos, 1, (int)layout, (int)trans, 0);
}

/* Default handler, weak so that an application's cblas_xerbla takes its place. It prints what
 * the reference prints ("Parameter %d to routine %s was incorrect", then the routine's own
 * message), but returns instead of calling exit(-1) as the reference does: the failed call
 * computes nothing, and OpenBLAS, which programs run with LD_PRELOAD would otherwise use, lets
 * them continue too. */
__attribute__((weak)) void cblas_xerbla(int p, const char *rout, const char *form, ...)
{
    if (p)
        fprintf(stderr, "Parameter %d to routine %s was incorrect\n", p, rout);
    va_list ap;
    va_start(ap, form);
    vfprintf(stderr, form, ap);
    va_end(ap);
}
