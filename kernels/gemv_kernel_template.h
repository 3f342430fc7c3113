/* GEMV kernels of the fw_gemv_fn contract (fw_internal.h), written once against the vec_ops.h
 * macros. A variant file defines FW_DOUBLE or not, includes its ISA's vec_ops.h, then defines
 * one or both of
 *   FW_GEMV_NAME_N + FW_GEMV_N_COLS   y[0..m) += alpha * A * x: FW_GEMV_N_COLS columns per pass
 *   FW_GEMV_NAME_T + FW_GEMV_T_COLS   y[0..n) += alpha * A^T * x: FW_GEMV_T_COLS dot products
 * and includes this file. Optional: FW_GEMV_N_UNROLL (row vectors per step of N, default 4),
 * FW_GEMV_T_UNROLL (row vectors per step of T, 1 or 2, default 2), FW_GEMV_PF (software
 * prefetch distance along each column in bytes, 0 = none, default 0).
 *
 * GEMV is memory bound: both kernels read every element of A exactly once, in address order
 * within each column, with several columns streaming at a time so the hardware prefetchers
 * keep enough lines in flight. x (N) or the dot products (T) live in registers. */

#define FW_GEMV_CAT2(a, b) a##b
#define FW_GEMV_CAT(a, b) FW_GEMV_CAT2(a, b)

#include <stdint.h>

#ifndef FW_GEMV_PF
#define FW_GEMV_PF 0
#endif
/* Prefetch address FW_GEMV_PF bytes past p, formed as an integer: near the end of A it points
 * past the array, which a prefetch may do but C pointer arithmetic may not. */
#define FW_GEMV_PF_AT(p) FW_PREFETCH((const void *)((uintptr_t)(p) + FW_GEMV_PF))

#ifdef FW_GEMV_NAME_N

#ifndef FW_GEMV_N_COLS
#error "FW_GEMV_N_COLS must be defined with FW_GEMV_NAME_N"
#endif
#ifndef FW_GEMV_N_UNROLL
#define FW_GEMV_N_UNROLL 4
#endif

void FW_GEMV_NAME_N(long m, long n, const void *alpha, const void *a, long lda, const void *x,
                    void *y);

/* y[0..m) += sum over c < nc of (alpha*x[c]) * A[:, c]. Always inlined with a constant nc, so
 * the loops over columns and row vectors unroll and ap[] / xv[] / yv[] stay in registers.
 * Each y vector is loaded and stored once per pass of nc columns. */
static inline __attribute__((always_inline)) void
FW_GEMV_CAT(FW_GEMV_NAME_N, _pass)(long m, int nc, const fw_real *a, long lda, const fw_real *x,
                                   fw_real alpha, fw_real *y)
{
    enum { U = FW_GEMV_N_UNROLL, V = FW_VLEN };
    const fw_real *ap[FW_GEMV_N_COLS];
    fw_vec xv[FW_GEMV_N_COLS];
    for (int c = 0; c < nc; c++) {
        ap[c] = a + c * lda;
        xv[c] = fw_vset1(alpha * x[c]);
    }
    long i = 0;
    for (; i + U * V <= m; i += U * V) {
        fw_vec yv[FW_GEMV_N_UNROLL];
        for (int u = 0; u < U; u++)
            yv[u] = fw_vload(y + i + u * V);
        for (int c = 0; c < nc; c++) {
            if (FW_GEMV_PF)
                for (int u = 0; u < U; u++)
                    FW_GEMV_PF_AT(ap[c] + i + u * V);
            for (int u = 0; u < U; u++)
                yv[u] = fw_vfma(fw_vload(ap[c] + i + u * V), xv[c], yv[u]);
        }
        for (int u = 0; u < U; u++)
            fw_vstore(y + i + u * V, yv[u]);
    }
    for (; i + V <= m; i += V) {
        fw_vec yv = fw_vload(y + i);
        for (int c = 0; c < nc; c++)
            yv = fw_vfma(fw_vload(ap[c] + i), xv[c], yv);
        fw_vstore(y + i, yv);
    }
    if (i < m) {
        /* Masked tail: lanes past m are neither read from A or y nor written. */
        int r = (int)(m - i);
        fw_vec yv = fw_vload_first(y + i, r);
        for (int c = 0; c < nc; c++)
            yv = fw_vfma(fw_vload_first(ap[c] + i, r), xv[c], yv);
        fw_vstore_first(y + i, yv, r);
    }
}

void FW_GEMV_NAME_N(long m, long n, const void *alpha, const void *a, long lda, const void *x,
                    void *y)
{
    const fw_real al = *(const fw_real *)alpha;
    const fw_real *ar = (const fw_real *)a, *xr = (const fw_real *)x;
    fw_real *yr = (fw_real *)y;
    if (m <= 0 || n <= 0)
        return;
    long j = 0;
    for (; j + FW_GEMV_N_COLS <= n; j += FW_GEMV_N_COLS)
        FW_GEMV_CAT(FW_GEMV_NAME_N, _pass)(m, FW_GEMV_N_COLS, ar + j * lda, lda, xr + j, al, yr);
    /* Leftover columns: one pass of the largest power of two that fits, then halves, so any
     * remainder takes at most log2(FW_GEMV_N_COLS) extra passes over y. */
#if FW_GEMV_N_COLS > 4
    if (n - j >= 4) {
        FW_GEMV_CAT(FW_GEMV_NAME_N, _pass)(m, 4, ar + j * lda, lda, xr + j, al, yr);
        j += 4;
    }
#endif
#if FW_GEMV_N_COLS > 2
    if (n - j >= 2) {
        FW_GEMV_CAT(FW_GEMV_NAME_N, _pass)(m, 2, ar + j * lda, lda, xr + j, al, yr);
        j += 2;
    }
#endif
    for (; j < n; j++)
        FW_GEMV_CAT(FW_GEMV_NAME_N, _pass)(m, 1, ar + j * lda, lda, xr + j, al, yr);
}

#endif /* FW_GEMV_NAME_N */

#ifdef FW_GEMV_NAME_T

#ifndef FW_GEMV_T_COLS
#error "FW_GEMV_T_COLS must be defined with FW_GEMV_NAME_T"
#endif
#ifndef FW_GEMV_T_UNROLL
#define FW_GEMV_T_UNROLL 2
#endif
#if FW_GEMV_T_UNROLL != 1 && FW_GEMV_T_UNROLL != 2
#error "FW_GEMV_T_UNROLL must be 1 or 2"
#endif

void FW_GEMV_NAME_T(long m, long n, const void *alpha, const void *a, long lda, const void *x,
                    void *y);

/* y[c] += alpha * dot(A[:, c], x) for c < nc, the nc dot products advancing together so x is
 * loaded once per row vector for all of them. With FW_GEMV_T_UNROLL == 2 each dot product has
 * two accumulators, which halves the FMA dependency chains when nc alone is too few. */
static inline __attribute__((always_inline)) void
FW_GEMV_CAT(FW_GEMV_NAME_T, _pass)(long m, int nc, const fw_real *a, long lda, const fw_real *x,
                                   fw_real alpha, fw_real *y)
{
    enum { V = FW_VLEN };
    const fw_real *ap[FW_GEMV_T_COLS];
    fw_vec acc[FW_GEMV_T_COLS];
    for (int c = 0; c < nc; c++) {
        ap[c] = a + c * lda;
        acc[c] = fw_vzero();
    }
    long i = 0;
#if FW_GEMV_T_UNROLL == 2
    fw_vec acc2[FW_GEMV_T_COLS];
    for (int c = 0; c < nc; c++)
        acc2[c] = fw_vzero();
    for (; i + 2 * V <= m; i += 2 * V) {
        fw_vec x0 = fw_vload(x + i), x1 = fw_vload(x + i + V);
        for (int c = 0; c < nc; c++) {
            if (FW_GEMV_PF) {
                FW_GEMV_PF_AT(ap[c] + i);
                FW_GEMV_PF_AT(ap[c] + i + V);
            }
            acc[c] = fw_vfma(fw_vload(ap[c] + i), x0, acc[c]);
            acc2[c] = fw_vfma(fw_vload(ap[c] + i + V), x1, acc2[c]);
        }
    }
    for (int c = 0; c < nc; c++)
        acc[c] = fw_vadd(acc[c], acc2[c]);
#endif
    for (; i + V <= m; i += V) {
        fw_vec xv = fw_vload(x + i);
        for (int c = 0; c < nc; c++) {
            if (FW_GEMV_PF)
                FW_GEMV_PF_AT(ap[c] + i);
            acc[c] = fw_vfma(fw_vload(ap[c] + i), xv, acc[c]);
        }
    }
    if (i < m) {
        /* Masked tail: the zeroed lanes add nothing and nothing past row m is read. */
        int r = (int)(m - i);
        fw_vec xv = fw_vload_first(x + i, r);
        for (int c = 0; c < nc; c++)
            acc[c] = fw_vfma(fw_vload_first(ap[c] + i, r), xv, acc[c]);
    }
    for (int c = 0; c < nc; c++)
        y[c] += alpha * fw_vreduce(acc[c]);
}

void FW_GEMV_NAME_T(long m, long n, const void *alpha, const void *a, long lda, const void *x,
                    void *y)
{
    const fw_real al = *(const fw_real *)alpha;
    const fw_real *ar = (const fw_real *)a, *xr = (const fw_real *)x;
    fw_real *yr = (fw_real *)y;
    if (m <= 0 || n <= 0)
        return;
    long j = 0;
    for (; j + FW_GEMV_T_COLS <= n; j += FW_GEMV_T_COLS)
        FW_GEMV_CAT(FW_GEMV_NAME_T, _pass)(m, FW_GEMV_T_COLS, ar + j * lda, lda, xr, al, yr + j);
#if FW_GEMV_T_COLS > 4
    if (n - j >= 4) {
        FW_GEMV_CAT(FW_GEMV_NAME_T, _pass)(m, 4, ar + j * lda, lda, xr, al, yr + j);
        j += 4;
    }
#endif
#if FW_GEMV_T_COLS > 2
    if (n - j >= 2) {
        FW_GEMV_CAT(FW_GEMV_NAME_T, _pass)(m, 2, ar + j * lda, lda, xr, al, yr + j);
        j += 2;
    }
#endif
    for (; j < n; j++)
        FW_GEMV_CAT(FW_GEMV_NAME_T, _pass)(m, 1, ar + j * lda, lda, xr, al, yr + j);
}

#endif /* FW_GEMV_NAME_T */
