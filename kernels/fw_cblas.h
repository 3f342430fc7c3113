/* flopwatt: the standard BLAS (Fortran ABI) and CBLAS entry points the library exports, GEMM
 * and GEMV only. Declared here rather than by including a system cblas.h so the library builds
 * where none is installed; the declarations are compatible with netlib's and OpenBLAS's (same
 * enum values, 32-bit int sizes and indices), which is what LD_PRELOAD interposition needs. */
#ifndef FW_CBLAS_H
#define FW_CBLAS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* netlib's and OpenBLAS's cblas.h both guard with CBLAS_H: if one came first, its enums are
 * the same ones. */
#ifndef CBLAS_H
typedef enum CBLAS_ORDER { CblasRowMajor = 101, CblasColMajor = 102 } CBLAS_ORDER;
typedef CBLAS_ORDER CBLAS_LAYOUT;
typedef enum CBLAS_TRANSPOSE {
    CblasNoTrans = 111,
    CblasTrans = 112,
    CblasConjTrans = 113
} CBLAS_TRANSPOSE;
#endif

void cblas_sgemm(CBLAS_LAYOUT layout, CBLAS_TRANSPOSE transa, CBLAS_TRANSPOSE transb, int m,
                 int n, int k, float alpha, const float *a, int lda, const float *b, int ldb,
                 float beta, float *c, int ldc);
void cblas_dgemm(CBLAS_LAYOUT layout, CBLAS_TRANSPOSE transa, CBLAS_TRANSPOSE transb, int m,
                 int n, int k, double alpha, const double *a, int lda, const double *b, int ldb,
                 double beta, double *c, int ldc);
void cblas_sgemv(CBLAS_LAYOUT layout, CBLAS_TRANSPOSE trans, int m, int n, float alpha,
                 const float *a, int lda, const float *x, int incx, float beta, float *y,
                 int incy);
void cblas_dgemv(CBLAS_LAYOUT layout, CBLAS_TRANSPOSE trans, int m, int n, double alpha,
                 const double *a, int lda, const double *x, int incx, double beta, double *y,
                 int incy);

/* CBLAS error handler: p is the 1-based CBLAS position of the invalid argument, rout the
 * routine ("cblas_dgemm"), form a printf format for the arguments that follow. The library's
 * definition is weak, so an application's own cblas_xerbla replaces it. */
void cblas_xerbla(int p, const char *rout, const char *form, ...);

/* Fortran BLAS: every argument by reference, INTEGER = int, and one hidden length per
 * CHARACTER argument appended at the end as size_t (gfortran 8 and later; netlib's cblas_f77.h
 * declares the same). The lengths are never read: C callers often leave them out. */
void sgemm_(const char *transa, const char *transb, const int *m, const int *n, const int *k,
            const float *alpha, const float *a, const int *lda, const float *b, const int *ldb,
            const float *beta, float *c, const int *ldc, size_t transa_len, size_t transb_len);
void dgemm_(const char *transa, const char *transb, const int *m, const int *n, const int *k,
            const double *alpha, const double *a, const int *lda, const double *b,
            const int *ldb, const double *beta, double *c, const int *ldc, size_t transa_len,
            size_t transb_len);
void sgemv_(const char *trans, const int *m, const int *n, const float *alpha, const float *a,
            const int *lda, const float *x, const int *incx, const float *beta, float *y,
            const int *incy, size_t trans_len);
void dgemv_(const char *trans, const int *m, const int *n, const double *alpha,
            const double *a, const int *lda, const double *x, const int *incx,
            const double *beta, double *y, const int *incy, size_t trans_len);

/* Fortran BLAS error handler: srname is the routine name, blank padded ("DGEMM "), info the
 * reference argument number. Weak in the library, like cblas_xerbla. */
void xerbla_(const char *srname, const int *info, size_t srname_len);

#ifdef __cplusplus
}
#endif
#endif
