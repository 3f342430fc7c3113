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
 * The native layer checks in exactly this order and returns these positions, so this layer
 * only translates the ABI and reports. */
#include "flopwatt.h"
#include "fw_cblas.h"

#include <stdarg.h>
#include <stdio.h>

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
    int pos = fw_sgemm((fw_layout)layout, (fw_trans)transa, (fw_trans)transb, m, n, k, alpha,
                       a, lda, b, ldb, beta, c, ldc);
    if (pos)
        report("cblas_sgemm", pos, 2, (int)layout, (int)transa, (int)transb);
}

void cblas_dgemm(CBLAS_LAYOUT layout, CBLAS_TRANSPOSE transa, CBLAS_TRANSPOSE transb, int m,
                 int n, int k, double alpha, const double *a, int lda, const double *b, int ldb,
                 double beta, double *c, int ldc)
{
    int pos = fw_dgemm((fw_layout)layout, (fw_trans)transa, (fw_trans)transb, m, n, k, alpha,
                       a, lda, b, ldb, beta, c, ldc);
    if (pos)
        report("cblas_dgemm", pos, 2, (int)layout, (int)transa, (int)transb);
}

void cblas_sgemv(CBLAS_LAYOUT layout, CBLAS_TRANSPOSE trans, int m, int n, float alpha,
                 const float *a, int lda, const float *x, int incx, float beta, float *y,
                 int incy)
{
    int pos = fw_sgemv((fw_layout)layout, (fw_trans)trans, m, n, alpha, a, lda, x, incx, beta,
                       y, incy);
    if (pos)
        report("cblas_sgemv", pos, 1, (int)layout, (int)trans, 0);
}

void cblas_dgemv(CBLAS_LAYOUT layout, CBLAS_TRANSPOSE trans, int m, int n, double alpha,
                 const double *a, int lda, const double *x, int incx, double beta, double *y,
                 int incy)
{
    int pos = fw_dgemv((fw_layout)layout, (fw_trans)trans, m, n, alpha, a, lda, x, incx, beta,
                       y, incy);
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
