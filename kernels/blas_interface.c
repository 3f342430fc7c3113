/* Fortran BLAS entry points (sgemm_, dgemm_, sgemv_, dgemv_) on top of the native API, and the
 * library's default xerbla_.
 *
 * The transpose characters are checked here (INFO 1 and 2); everything else by the native
 * column-major call, whose checks run in the reference BLAS order and whose CBLAS position is
 * the Fortran one plus one (the layout comes first): GEMM M 3/4, N 4/5, K 5/6, LDA 8/9,
 * LDB 10/11, LDC 13/14; GEMV M 2/3, N 3/4, LDA 6/7, INCX 8/9, INCY 11/12. */
#include "flopwatt.h"
#include "fw_cblas.h"

#include <stdio.h>

/* Transpose characters as LSAME reads them: either case; 'C' is the plain transpose for real
 * data. Returns 0 for anything else. */
static int trans_from_char(char c, fw_trans *t)
{
    switch (c) {
    case 'N': case 'n':
        *t = FW_NO_TRANS;
        return 1;
    case 'T': case 't': case 'C': case 'c':
        *t = FW_TRANS;
        return 1;
    default:
        return 0;
    }
}

/* Names as the reference passes them: blank padded to 6 characters. */
static void report(const char *srname, int info)
{
    xerbla_(srname, &info, 6);
}

void sgemm_(const char *transa, const char *transb, const int *m, const int *n, const int *k,
            const float *alpha, const float *a, const int *lda, const float *b, const int *ldb,
            const float *beta, float *c, const int *ldc, size_t transa_len, size_t transb_len)
{
    (void)transa_len, (void)transb_len;
    fw_trans ta, tb;
    int info = !trans_from_char(*transa, &ta) ? 1 : !trans_from_char(*transb, &tb) ? 2 : 0;
    if (info == 0) {
        int pos = fw_sgemm(FW_COL_MAJOR, ta, tb, *m, *n, *k, *alpha, a, *lda, b, *ldb, *beta,
                           c, *ldc);
        info = pos ? pos - 1 : 0;
    }
    if (info)
        report("SGEMM ", info);
}

void dgemm_(const char *transa, const char *transb, const int *m, const int *n, const int *k,
            const double *alpha, const double *a, const int *lda, const double *b,
            const int *ldb, const double *beta, double *c, const int *ldc, size_t transa_len,
            size_t transb_len)
{
    (void)transa_len, (void)transb_len;
    fw_trans ta, tb;
    int info = !trans_from_char(*transa, &ta) ? 1 : !trans_from_char(*transb, &tb) ? 2 : 0;
    if (info == 0) {
        int pos = fw_dgemm(FW_COL_MAJOR, ta, tb, *m, *n, *k, *alpha, a, *lda, b, *ldb, *beta,
                           c, *ldc);
        info = pos ? pos - 1 : 0;
    }
    if (info)
        report("DGEMM ", info);
}

void sgemv_(const char *trans, const int *m, const int *n, const float *alpha, const float *a,
            const int *lda, const float *x, const int *incx, const float *beta, float *y,
            const int *incy, size_t trans_len)
{
    (void)trans_len;
    fw_trans t;
    int info = trans_from_char(*trans, &t) ? 0 : 1;
    if (info == 0) {
        int pos = fw_sgemv(FW_COL_MAJOR, t, *m, *n, *alpha, a, *lda, x, *incx, *beta, y, *incy);
        info = pos ? pos - 1 : 0;
    }
    if (info)
        report("SGEMV ", info);
}

void dgemv_(const char *trans, const int *m, const int *n, const double *alpha,
            const double *a, const int *lda, const double *x, const int *incx,
            const double *beta, double *y, const int *incy, size_t trans_len)
{
    (void)trans_len;
    fw_trans t;
    int info = trans_from_char(*trans, &t) ? 0 : 1;
    if (info == 0) {
        int pos = fw_dgemv(FW_COL_MAJOR, t, *m, *n, *alpha, a, *lda, x, *incx, *beta, y, *incy);
        info = pos ? pos - 1 : 0;
    }
    if (info)
        report("DGEMV ", info);
}

/* Default handler, weak so that an application's xerbla_ (the usual way to trap BLAS and
 * LAPACK argument errors) takes its place, also when linking the static library.
 *
 * The message is the reference's, with the name padded to 6 columns as the reference's
 * original A6 format and OpenBLAS print it:
 *   " ** On entry to DGEMM  parameter number  8 had an illegal value"
 * Unlike the reference, which executes STOP, it returns (as OpenBLAS does): the failed call
 * computes nothing, and a library interposed with LD_PRELOAD must not end a program that its
 * usual BLAS would have let continue. */
__attribute__((weak)) void xerbla_(const char *srname, const int *info, size_t srname_len)
{
    /* Fortran strings are blank padded, not NUL terminated. The cap and the NUL test guard
     * against C callers that pass a C string and no length (the length is then garbage). */
    size_t len = 0;
    while (len < srname_len && len < 32 && srname[len] != '\0')
        len++;
    while (len > 0 && srname[len - 1] == ' ')
        len--;
    fprintf(stderr, " ** On entry to %-6.*s parameter number %2d had an illegal value\n",
            (int)len, srname, *info);
}
