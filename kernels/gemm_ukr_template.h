/* GEMM microkernel template: C[MR x NR] = beta*C + alpha*A*B under the fw_gemm_ukr_fn contract
 * (fw_internal.h). Include after an ISA's vec_ops.h with FW_UKR_NAME, FW_MR and FW_NR defined;
 * FW_MR must be a multiple of FW_VLEN. Written only against the vec_ops.h macros.
 *
 * Accumulators are an array indexed by compile-time constants only (every loop over the tile is
 * fully unrolled), so gcc and clang keep them in registers. Three k loops:
 *   packed B (rs_b == NR, cs_b == 1): compile-time offsets from one B pointer;
 *   rows of B contiguous (cs_b == 1): the same loop with a run-time row step;
 *   any strides: one pointer per group of 4 columns, the others 1-3 column steps away, so the
 *   NR column addresses fit in the integer registers and each broadcast stays a single load.
 * The row-contiguous loops prefetch B (FW_UKR_PF_B); the strided path walks B with constant
 * strides, which the hardware prefetchers follow.
 *
 * Every variant also gets its direct twin <name>_direct (fw_gemm_direct_fn): an m x n corner of
 * the tile with A read in place. It shares the k step and the update of C; it differs in the A
 * loads (masked to rows < m), the B addresses (columns >= n clamped to column n-1), and in
 * running only the vectors and, for small n, the half of the columns that the corner needs. */

#include "fw_internal.h"

#include <stdint.h>

#if !defined(FW_UKR_NAME) || !defined(FW_MR) || !defined(FW_NR) || !defined(FW_VLEN)
#error "include vec_ops.h and define FW_UKR_NAME, FW_MR, FW_NR before gemm_ukr_template.h"
#endif
#if FW_MR % FW_VLEN != 0
#error "FW_MR must be a multiple of FW_VLEN"
#endif

#define FW_MV (FW_MR / FW_VLEN)
/* k steps per trip of the main loops. 1 by default: with more, gcc 12 hoists broadcasts of later
 * steps above the FMAs of earlier ones and spills accumulators; the loop's few integer ops cost
 * nothing next to MR*NR/VLEN FMAs. */
#ifndef FW_UKR_KU
#define FW_UKR_KU 1
#endif
/* Prefetch A this many k steps ahead (0: off). A is streamed from L2 by the blocked driver. Off
 * when MR == VLEN: such tiles need NR+1 loads per NR FMAs and are load-port bound already. */
#ifndef FW_UKR_PF_A
#define FW_UKR_PF_A (FW_MV > 1 ? 16 : 0)
#endif
/* Prefetch B this many k steps ahead (0: off). The packed B micro-panel is meant to stay in
 * L1 from one call to the next, but with the KC tuning picks (768 x 14 floats = 43 KB) the
 * A micro-panels streaming through L1 evict it, and every call reads it from L2 again:
 * sgemm 2048^3 ran 3-5% faster with it, dgemm 5-13% (1 thread, interleaved). */
#ifndef FW_UKR_PF_B
#define FW_UKR_PF_B 32
#endif
/* Prefetch the C tile before the k loop (0: off): C is cold in the blocked driver. */
#ifndef FW_UKR_PF_C
#define FW_UKR_PF_C 1
#endif
#define FW_UKR_LINE ((int)(FW_LINE_BYTES / sizeof(fw_real)))
/* Prefetch the element OFF elements past P, the address formed as an integer: near the end of
 * a panel it points past the array, which a prefetch may do but C pointer arithmetic may not. */
#define FW_UKR_PREFETCH_PAST(P, OFF)                                                          \
    FW_PREFETCH((const void *)((uintptr_t)(P) + (uintptr_t)(OFF) * sizeof(fw_real)))

/* A column loads: whole vectors for the tile. The direct twin reads rows < m only: with nv_
 * live vectors (a constant) all but the last are whole and the last has tail_ rows; in the
 * rare corner whose live count is not a constant (see FW_UKR_DIRECT), the first lanes[I] of
 * vector I. Masks depend on m only and leave the k loop. */
#define FW_UKR_LOAD_FULL(P, I) fw_vload(P)
#define FW_UKR_LOAD_TAIL(P, I) ((I) + 1 < nv_ ? fw_vload(P) : fw_vload_first((P), tail_))
#define FW_UKR_LOAD_ROWS(P, I) fw_vload_first((P), lanes[I])
/* Rows of vector I of a C column to update, likewise. */
#define FW_UKR_LANES_FULL(I) FW_VLEN
#define FW_UKR_LANES_TAIL(I) ((I) + 1 < nv_ ? FW_VLEN : tail_) /* only I < nv_ is asked */
#define FW_UKR_LANES_ROWS(I) lanes[I]

/* One k step on the first NV vectors and NC columns of the tile (constants), into the
 * accumulators ACC: A column at AP read with LOAD, B(p, j) at BADDR(j). */
#define FW_UKR_STEP_INTO(ACC, NV, NC, LOAD, AP, BADDR)                                        \
    do {                                                                                      \
        fw_vec av_[FW_MV];                                                                    \
        _Pragma("GCC unroll 64") for (int i_ = 0; i_ < (NV); i_++)                            \
            av_[i_] = LOAD((AP) + i_ * FW_VLEN, i_);                                          \
        _Pragma("GCC unroll 64") for (int j_ = 0; j_ < (NC); j_++) {                          \
            fw_vec bv_ = fw_vbcast(BADDR(j_));                                                \
            _Pragma("GCC unroll 64") for (int i_ = 0; i_ < (NV); i_++)                        \
                ACC[j_][i_] = fw_vfma(av_[i_], bv_, ACC[j_][i_]);                             \
        }                                                                                     \
    } while (0)
#define FW_UKR_STEP(NV, NC, LOAD, AP, BADDR) FW_UKR_STEP_INTO(acc, NV, NC, LOAD, AP, BADDR)

/* B addresses of the k loops below: row u_ of a row-contiguous block, a column of a group of
 * four, a column of the direct twin (clamped) at row offset pb. */
#define FW_UKR_B_ROW(J) (b + u_ * rs_ + (J))
#define FW_UKR_B_GROUP(J) (bg[(J) / 4] + ((J) % 4) * cs_b)
#define FW_UKR_B_CLAMPED(J) (bc[J] + pb)
#define FW_UKR_B_CLAMPED_NEXT(J) (bc[J] + pb + rs_b)

#define FW_UKR_ZERO_ACC()                                                                     \
    fw_vec acc[FW_NR][FW_MV];                                                                 \
    _Pragma("GCC unroll 64") for (int j_ = 0; j_ < FW_NR; j_++)                               \
        _Pragma("GCC unroll 64") for (int i_ = 0; i_ < FW_MV; i_++)                           \
            acc[j_][i_] = fw_vzero()

/* Vectors i_ < NVECS of the first NCOLS columns of C (vector i_ of column j_ at cp_): a
 * vector with all rows to update becomes VNEW, one with only LANES(i_) < VLEN runs PARTIAL. */
#define FW_UKR_FOR_C(LANES, NVECS, NCOLS, VNEW, PARTIAL)                                      \
    _Pragma("GCC unroll 64") for (int j_ = 0; j_ < FW_NR; j_++)                               \
        if (j_ < (NCOLS))                                                                     \
            _Pragma("GCC unroll 64") for (int i_ = 0; i_ < FW_MV; i_++) {                     \
                fw_real *cp_ = c + j_ * ldc + i_ * FW_VLEN;                                   \
                if (i_ >= (NVECS))                                                            \
                    continue;                                                                 \
                if (LANES(i_) == FW_VLEN)                                                     \
                    fw_vstore(cp_, VNEW);                                                     \
                else                                                                          \
                    PARTIAL;                                                                  \
            }

/* Rows < LANES(i_) of a partial vector read and written one by one, each row's new value
 * SNEW(t, c) from t = alpha*acc and its old value c. Not masked: a load cannot take its data
 * from an in-flight masked store, so a series of calls on the same C stalled by ~100 ns each
 * (Zen 5); scalar stores forward. With beta == 0 nothing is read and the masked store wins. */
#define FW_UKR_ROWWISE(LANES, SNEW)                                                           \
    do {                                                                                      \
        fw_real t_[FW_VLEN];                                                                  \
        fw_vstore(t_, fw_vmul(va_, acc[j_][i_]));                                             \
        for (int r_ = 0; r_ < LANES(i_); r_++)                                                \
            cp_[r_] = SNEW(t_[r_], cp_[r_]);                                                  \
    } while (0)
#define FW_UKR_NEW_B1(T, C) ((T) + (C))
#define FW_UKR_NEW_BX(T, C) ((T) + beta * (C))

/* C = beta*C + alpha*acc on the rows LANES(i) of vectors i < NVECS of the first NCOLS columns.
 * alpha once, at the end; beta == 0 never reads C, beta == 1 is a plain add. */
#define FW_UKR_UPDATE_C(LANES, NVECS, NCOLS)                                                  \
    do {                                                                                      \
        const fw_vec va_ = fw_vset1(alpha);                                                   \
        if (beta == 0) {                                                                      \
            FW_UKR_FOR_C(LANES, NVECS, NCOLS, fw_vmul(va_, acc[j_][i_]),                      \
                         fw_vstore_first(cp_, fw_vmul(va_, acc[j_][i_]), LANES(i_)));         \
        } else if (beta == 1) {                                                               \
            FW_UKR_FOR_C(LANES, NVECS, NCOLS, fw_vfma(va_, acc[j_][i_], fw_vload(cp_)),       \
                         FW_UKR_ROWWISE(LANES, FW_UKR_NEW_B1));                               \
        } else {                                                                              \
            const fw_vec vb_ = fw_vset1(beta);                                                \
            FW_UKR_FOR_C(LANES, NVECS, NCOLS,                                                 \
                         fw_vfma(va_, acc[j_][i_], fw_vmul(vb_, fw_vload(cp_))),              \
                         FW_UKR_ROWWISE(LANES, FW_UKR_NEW_BX));                               \
        }                                                                                     \
    } while (0)

/* Prefetch the A lines of the next STEPS k steps, FW_UKR_PF_A steps ahead. */
#define FW_UKR_PREFETCH_A(AP, STEPS)                                                          \
    if (FW_UKR_PF_A > 0)                                                                      \
    _Pragma("GCC unroll 64") for (int o_ = 0; o_ < (STEPS) * FW_MR; o_ += FW_UKR_LINE)        \
        FW_UKR_PREFETCH_PAST(AP, FW_UKR_PF_A * FW_MR + o_)

/* k loop over B with unit column step and row step RS. */
#define FW_UKR_KLOOP_ROWS(RS)                                                                 \
    do {                                                                                      \
        const long rs_ = (RS);                                                                \
        long p_ = 0;                                                                          \
        for (; p_ + FW_UKR_KU <= k; p_ += FW_UKR_KU) {                                        \
            FW_UKR_PREFETCH_A(a, FW_UKR_KU);                                                  \
            if (FW_UKR_PF_B > 0)                                                              \
                FW_UKR_PREFETCH_PAST(b, FW_UKR_PF_B * rs_);                                   \
            _Pragma("GCC unroll 64") for (int u_ = 0; u_ < FW_UKR_KU; u_++)                    \
                FW_UKR_STEP(FW_MV, FW_NR, FW_UKR_LOAD_FULL, a + u_ * FW_MR, FW_UKR_B_ROW);    \
            a += FW_UKR_KU * FW_MR;                                                           \
            b += FW_UKR_KU * rs_;                                                             \
        }                                                                                     \
        if (FW_UKR_KU > 1)                                                                    \
            for (; p_ < k; p_++) {                                                            \
                const int u_ = 0;                                                             \
                FW_UKR_STEP(FW_MV, FW_NR, FW_UKR_LOAD_FULL, a, FW_UKR_B_ROW);                 \
                a += FW_MR;                                                                   \
                b += rs_;                                                                     \
            }                                                                                 \
    } while (0)

#define FW_UKR_NG ((FW_NR + 3) / 4)

void FW_UKR_NAME(long k, const void *alpha_, const void *a_, const void *b_, long rs_b,
                 long cs_b, const void *beta_, void *c_, long ldc)
{
    const fw_real *restrict a = (const fw_real *)a_;
    const fw_real *restrict b = (const fw_real *)b_;
    fw_real *restrict c = (fw_real *)c_;
    const fw_real alpha = *(const fw_real *)alpha_;
    const fw_real beta = *(const fw_real *)beta_;

    /* alpha == 0: A and B are not referenced (BLAS semantics), so their NaNs cannot leak. */
    if (alpha == 0)
        k = 0;

    /* C is touched once, at the end: start its lines on their way now (also when beta == 0,
     * as the stores need the lines too). */
    if (FW_UKR_PF_C) {
        _Pragma("GCC unroll 64") for (int j = 0; j < FW_NR; j++) {
            _Pragma("GCC unroll 64") for (int i = 0; i < FW_MR; i += FW_UKR_LINE)
                FW_PREFETCH(c + j * ldc + i);
            FW_PREFETCH(c + j * ldc + FW_MR - 1);
        }
    }

    FW_UKR_ZERO_ACC();

    if (cs_b == 1 && rs_b == FW_NR) {
        FW_UKR_KLOOP_ROWS(FW_NR);
    } else if (cs_b == 1) {
        FW_UKR_KLOOP_ROWS(rs_b);
    } else if (k > 0) { /* k == 0 may come with b == NULL: no pointer arithmetic on it */
        /* Column j of group g is bg[g] + (j % 4) * cs_b. */
        const fw_real *bg[FW_UKR_NG];
        _Pragma("GCC unroll 64") for (int g = 0; g < FW_UKR_NG; g++)
            bg[g] = b + 4 * g * cs_b;
        for (long p = 0; p < k; p++) {
            FW_UKR_PREFETCH_A(a, 1);
            FW_UKR_STEP(FW_MV, FW_NR, FW_UKR_LOAD_FULL, a, FW_UKR_B_GROUP);
            _Pragma("GCC unroll 64") for (int g = 0; g < FW_UKR_NG; g++)
                bg[g] += rs_b;
            a += FW_MR;
        }
    }

    FW_UKR_UPDATE_C(FW_UKR_LANES_FULL, FW_MV, FW_NR);
}

/* Independent FMA chains a core needs to keep its FMA pipes busy: latency 4 x 2 pipes on
 * Zen 4/5 and Skylake-SP. */
#ifndef FW_UKR_CHAINS
#define FW_UKR_CHAINS 8
#endif
/* The direct twin's k loop on the first NV vectors and NC columns. A corner with fewer
 * accumulators than chains (a 8x8 problem on a 32x6 tile runs 6, then 2) waits on FMA latency
 * every step: there the even and odd steps go to two sets, added at the end, when both fit in
 * the registers with the A vectors and a broadcast. */
#define FW_UKR_DIRECT_KLOOP(NV, NC, LOAD)                                                     \
    do {                                                                                      \
        long pb = 0, p_ = 0;                                                                  \
        if ((NV) * (NC) < FW_UKR_CHAINS && 2 * (NV) * (NC) + (NV) + 1 <= FW_VREGS) {          \
            fw_vec acc2[FW_NR][FW_MV];                                                        \
            _Pragma("GCC unroll 64") for (int j_ = 0; j_ < (NC); j_++)                        \
                _Pragma("GCC unroll 64") for (int i_ = 0; i_ < (NV); i_++)                    \
                    acc2[j_][i_] = fw_vzero();                                                \
            for (; p_ + 2 <= k; p_ += 2) {                                                    \
                FW_UKR_STEP_INTO(acc, NV, NC, LOAD, a, FW_UKR_B_CLAMPED);                     \
                FW_UKR_STEP_INTO(acc2, NV, NC, LOAD, a + lda,                                 \
                                 FW_UKR_B_CLAMPED_NEXT);                                      \
                a += 2 * lda;                                                                 \
                pb += 2 * rs_b;                                                               \
            }                                                                                 \
            _Pragma("GCC unroll 64") for (int j_ = 0; j_ < (NC); j_++)                        \
                _Pragma("GCC unroll 64") for (int i_ = 0; i_ < (NV); i_++)                    \
                    acc[j_][i_] = fw_vadd(acc[j_][i_], acc2[j_][i_]);                         \
        }                                                                                     \
        for (; p_ < k; p_++) {                                                                \
            FW_UKR_STEP(NV, NC, LOAD, a, FW_UKR_B_CLAMPED);                                   \
            a += lda;                                                                         \
            pb += rs_b;                                                                       \
        }                                                                                     \
    } while (0)
/* The twin's k loop runs whole quarters of the tile's columns, the fewest that hold n: a
 * corner of n = 8 on a 32x12 tile computes 9 columns, not 12. */
#define FW_UKR_NR_QUARTER ((FW_NR + 3) / 4)
#define FW_UKR_QUARTERS(Q) ((Q) * FW_UKR_NR_QUARTER < FW_NR ? (Q) * FW_UKR_NR_QUARTER : FW_NR)
/* The k loop on NV vectors and the quarters n needs. */
#define FW_UKR_DIRECT_KLOOP_N(NV, LOAD)                                                       \
    do {                                                                                      \
        if (n <= FW_UKR_QUARTERS(1))                                                          \
            FW_UKR_DIRECT_KLOOP(NV, FW_UKR_QUARTERS(1), LOAD);                                \
        else if (n <= FW_UKR_QUARTERS(2))                                                     \
            FW_UKR_DIRECT_KLOOP(NV, FW_UKR_QUARTERS(2), LOAD);                                \
        else if (n <= FW_UKR_QUARTERS(3))                                                     \
            FW_UKR_DIRECT_KLOOP(NV, FW_UKR_QUARTERS(3), LOAD);                                \
        else                                                                                  \
            FW_UKR_DIRECT_KLOOP(NV, FW_NR, LOAD);                                             \
    } while (0)
/* A corner with NV live vectors (a constant, = ceil(m / VLEN)): whole-vector loads and stores
 * but for the last vector, and no per-vector test of the rows left. This VM has slow phases
 * in which branches cost more: s 32^3 ran 1.47x slower with the tests at run time (perf's
 * samples moved onto the branches and returns), OpenBLAS 1.12x, a branch-free loop 1.05x. */
#define FW_UKR_DIRECT_TILE(NV)                                                                \
    do {                                                                                      \
        const int nv_ = (NV);                                                                 \
        const int tail_ = (int)(m - (long)(nv_ - 1) * FW_VLEN);                               \
        FW_UKR_DIRECT_KLOOP_N(NV, FW_UKR_LOAD_TAIL);                                          \
        FW_UKR_UPDATE_C(FW_UKR_LANES_TAIL, NV, n);                                            \
    } while (0)

#define FW_UKR_CAT_(x, y) x##y
#define FW_UKR_CAT(x, y) FW_UKR_CAT_(x, y)
#define FW_UKR_DIRECT FW_UKR_CAT(FW_UKR_NAME, _direct)

/* The direct twin (fw_gemm_direct_fn): C[m x n] = beta*C + alpha*A*B with A(i, p) at
 * a[i + p*lda], for the small problems the direct path runs without packing. */
void FW_UKR_DIRECT(long m, long n, long k, const void *alpha_, const void *a_, long lda,
                   const void *b_, long rs_b, long cs_b, const void *beta_, void *c_, long ldc)
{
    const fw_real *restrict a = (const fw_real *)a_;
    const fw_real *restrict b = (const fw_real *)b_;
    fw_real *restrict c = (fw_real *)c_;
    const fw_real alpha = *(const fw_real *)alpha_;
    const fw_real beta = *(const fw_real *)beta_;

    if (alpha == 0) /* A and B are not referenced (BLAS semantics) */
        k = 0;

    /* Vectors of a column with a row < m: A rows >= m are neither read nor stored to C. */
    const long vecs = (m + FW_VLEN - 1) / FW_VLEN;
    /* Columns >= n read column n-1 instead, so the k loop has no branch on n; their sums are
     * never stored. */
    const fw_real *bc[FW_NR];
    _Pragma("GCC unroll 64") for (int j = 0; j < FW_NR; j++)
        bc[j] = b + (j < n ? j : n - 1) * cs_b;

    FW_UKR_ZERO_ACC();
    /* Vectors with no row < m stay out of the k loop: a loop for the whole tile and for each
     * count of live vectors below 4 (a constant in each, so acc stays in registers). Only a
     * tile of more than 4 vectors (the portable kernels) has other counts: there the whole
     * tile runs, its rows masked one vector at a time. */
    if (vecs == FW_MV) {
        FW_UKR_DIRECT_TILE(FW_MV);
        return;
    }
    switch (vecs) {
    case 1:
        FW_UKR_DIRECT_TILE(1);
        break;
    case 2:
        FW_UKR_DIRECT_TILE(FW_MV < 2 ? FW_MV : 2);
        break;
    case 3:
        FW_UKR_DIRECT_TILE(FW_MV < 3 ? FW_MV : 3);
        break;
    default: {
        int lanes[FW_MV];
        _Pragma("GCC unroll 64") for (int i = 0; i < FW_MV; i++) {
            long r = m - (long)i * FW_VLEN;
            lanes[i] = r <= 0 ? 0 : r >= FW_VLEN ? FW_VLEN : (int)r;
        }
        FW_UKR_DIRECT_KLOOP_N(FW_MV, FW_UKR_LOAD_ROWS);
        FW_UKR_UPDATE_C(FW_UKR_LANES_ROWS, vecs, n);
        break;
    }
    }
}

/* The definition above must match the registry's function-pointer type. */
_Static_assert(__builtin_types_compatible_p(__typeof__(&FW_UKR_NAME), fw_gemm_ukr_fn),
               "microkernel signature differs from fw_gemm_ukr_fn");
_Static_assert(__builtin_types_compatible_p(__typeof__(&FW_UKR_DIRECT), fw_gemm_direct_fn),
               "direct twin signature differs from fw_gemm_direct_fn");

#undef FW_MV
#undef FW_UKR_NG
#undef FW_UKR_LINE
#undef FW_UKR_STEP
#undef FW_UKR_STEP_INTO
#undef FW_UKR_CHAINS
#undef FW_UKR_B_CLAMPED_NEXT
#undef FW_UKR_PREFETCH_A
#undef FW_UKR_PREFETCH_PAST
#undef FW_UKR_KLOOP_ROWS
#undef FW_UKR_LOAD_FULL
#undef FW_UKR_LOAD_ROWS
#undef FW_UKR_LOAD_TAIL
#undef FW_UKR_LANES_TAIL
#undef FW_UKR_DIRECT_TILE
#undef FW_UKR_LANES_FULL
#undef FW_UKR_LANES_ROWS
#undef FW_UKR_ROWWISE
#undef FW_UKR_NEW_B1
#undef FW_UKR_NEW_BX
#undef FW_UKR_B_ROW
#undef FW_UKR_B_GROUP
#undef FW_UKR_B_CLAMPED
#undef FW_UKR_ZERO_ACC
#undef FW_UKR_FOR_C
#undef FW_UKR_UPDATE_C
#undef FW_UKR_DIRECT_KLOOP
#undef FW_UKR_DIRECT_KLOOP_N
#undef FW_UKR_NR_QUARTER
#undef FW_UKR_QUARTERS
#undef FW_UKR_CAT_
#undef FW_UKR_CAT
#undef FW_UKR_DIRECT
