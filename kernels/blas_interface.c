/* Fortran BLAS entry points (sgemm_, dgemm_, sgemv_, dgemv_) on top of the native API, and the
 * library's default xerbla_.
 *
 * Arguments are checked here, in the reference BLAS order and with its INFO numbers, before
 * the native layer sees them: the Fortran ABI promises which argument is reported first when
 * several are wrong, and that promise should not depend on the native checks' order. The
 * native call then runs on arguments known to be valid; should it still refuse them, its CBLAS
 * position is reported as the Fortran one (CBLAS numbering has the layout first, so for GEMM
 * and GEMV every Fortran position is the CBLAS position minus one: TRANSA 1/2, TRANSB 2/3,
 * M 3/4, N 4/5, K 5/6, LDA 8/9, LDB 10/11, LDC 13/14; GEMV TRANS 1/2, M 2/3, N 3/4, LDA 6/7,
 * INCX 8/9, INCY 11/12). */
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

static int max1(int x) { return x > 1 ? x : 1; }

/* Reference xGEMM checks; returns INFO, 0 when the arguments are valid. */
static int gemm_info(char transa, char transb, int m, int n, int k, int lda, int ldb, int ldc,
                     fw_trans *ta, fw_trans *tb)
{
    if (!trans_from_char(transa, ta))
        return 1;
    if (!trans_from_char(transb, tb))
        return 2;
    if (m < 0)
        return 3;
    if (n < 0)
        return 4;
    if (k < 0)
        return 5;
    if (lda < max1(*ta == FW_NO_TRANS ? m : k))
        return 8;
    if (ldb < max1(*tb == FW_NO_TRANS ? k : n))
        return 10;
    if (ldc < max1(m))
        return 13;
    return 0;
}

/* Reference xGEMV checks; returns INFO, 0 when the arguments are valid. */
static int gemv_info(char trans, int m, int n, int lda, int incx, int incy, fw_trans *t)
{
    if (!trans_from_char(trans, t))
        return 1;
    if (m < 0)
        return 2;
    if (n < 0)
        return 3;
    if (lda < max1(m))
        return 6;
    if (incx == 0)
        return 8;
    if (incy == 0)
        return 11;
    return 0;
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
    int info = gemm_info(*transa, *transb, *m, *n, *k, *lda, *ldb, *ldc, &ta, &tb);
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
    int info = gemm_info(*transa, *transb, *m, *n, *k, *lda, *ldb, *ldc, &ta, &tb);
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
    int info = gemv_info(*trans, *m, *n, *lda, *incx, *incy, &t);
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
    int info = gemv_info(*trans, *m, *n, *lda, *incx, *incy, &t);
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
