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
 * B is not prefetched: the packed panel sits in L1, and the strided paths walk B with constant
 * strides, which the hardware prefetchers follow. */

#include "fw_internal.h"

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
/* Prefetch the C tile before the k loop (0: off): C is cold in the blocked driver. */
#ifndef FW_UKR_PF_C
#define FW_UKR_PF_C 1
#endif
#define FW_UKR_LINE ((int)(64 / sizeof(fw_real)))

/* One k step: A column at AP, B(p, j) at BP[j * CS]. */
#define FW_UKR_STEP(AP, BP, CS)                                                               \
    do {                                                                                      \
        fw_vec av_[FW_MV];                                                                    \
        _Pragma("GCC unroll 64") for (int i_ = 0; i_ < FW_MV; i_++)                           \
            av_[i_] = fw_vload((AP) + i_ * FW_VLEN);                                          \
        _Pragma("GCC unroll 64") for (int j_ = 0; j_ < FW_NR; j_++) {                         \
            fw_vec bv_ = fw_vbcast((BP) + j_ * (CS));                                         \
            _Pragma("GCC unroll 64") for (int i_ = 0; i_ < FW_MV; i_++)                       \
                acc[j_][i_] = fw_vfma(av_[i_], bv_, acc[j_][i_]);                             \
        }                                                                                     \
    } while (0)

/* Prefetch the A lines of the next STEPS k steps, FW_UKR_PF_A steps ahead. */
#define FW_UKR_PREFETCH_A(AP, STEPS)                                                          \
    if (FW_UKR_PF_A > 0)                                                                      \
    _Pragma("GCC unroll 64") for (int o_ = 0; o_ < (STEPS) * FW_MR; o_ += FW_UKR_LINE)        \
        FW_PREFETCH((AP) + FW_UKR_PF_A * FW_MR + o_)

/* k loop over B with unit column step and row step RS. */
#define FW_UKR_KLOOP_ROWS(RS)                                                                 \
    do {                                                                                      \
        const long rs_ = (RS);                                                                \
        long p_ = 0;                                                                          \
        for (; p_ + FW_UKR_KU <= k; p_ += FW_UKR_KU) {                                        \
            FW_UKR_PREFETCH_A(a, FW_UKR_KU);                                                  \
            _Pragma("GCC unroll 64") for (int u_ = 0; u_ < FW_UKR_KU; u_++)                    \
                FW_UKR_STEP(a + u_ * FW_MR, b + u_ * rs_, 1);                                 \
            a += FW_UKR_KU * FW_MR;                                                           \
            b += FW_UKR_KU * rs_;                                                             \
        }                                                                                     \
        if (FW_UKR_KU > 1)                                                                    \
            for (; p_ < k; p_++) {                                                            \
                FW_UKR_STEP(a, b, 1);                                                         \
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

    fw_vec acc[FW_NR][FW_MV];
    _Pragma("GCC unroll 64") for (int j = 0; j < FW_NR; j++)
        _Pragma("GCC unroll 64") for (int i = 0; i < FW_MV; i++)
            acc[j][i] = fw_vzero();

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
            fw_vec av[FW_MV];
            FW_UKR_PREFETCH_A(a, 1);
            _Pragma("GCC unroll 64") for (int i = 0; i < FW_MV; i++)
                av[i] = fw_vload(a + i * FW_VLEN);
            _Pragma("GCC unroll 64") for (int j = 0; j < FW_NR; j++) {
                fw_vec bv = fw_vbcast(bg[j / 4] + (j % 4) * cs_b);
                _Pragma("GCC unroll 64") for (int i = 0; i < FW_MV; i++)
                    acc[j][i] = fw_vfma(av[i], bv, acc[j][i]);
            }
            _Pragma("GCC unroll 64") for (int g = 0; g < FW_UKR_NG; g++)
                bg[g] += rs_b;
            a += FW_MR;
        }
    }

    /* alpha once, at the end; beta == 0 never reads C, beta == 1 is a plain add. */
    const fw_vec va = fw_vset1(alpha);
    if (beta == 0) {
        _Pragma("GCC unroll 64") for (int j = 0; j < FW_NR; j++)
            _Pragma("GCC unroll 64") for (int i = 0; i < FW_MV; i++)
                fw_vstore(c + j * ldc + i * FW_VLEN, fw_vmul(va, acc[j][i]));
    } else if (beta == 1) {
        _Pragma("GCC unroll 64") for (int j = 0; j < FW_NR; j++)
            _Pragma("GCC unroll 64") for (int i = 0; i < FW_MV; i++) {
                fw_real *cp = c + j * ldc + i * FW_VLEN;
                fw_vstore(cp, fw_vfma(va, acc[j][i], fw_vload(cp)));
            }
    } else {
        const fw_vec vb = fw_vset1(beta);
        _Pragma("GCC unroll 64") for (int j = 0; j < FW_NR; j++)
            _Pragma("GCC unroll 64") for (int i = 0; i < FW_MV; i++) {
                fw_real *cp = c + j * ldc + i * FW_VLEN;
                fw_vstore(cp, fw_vfma(va, acc[j][i], fw_vmul(vb, fw_vload(cp))));
            }
    }
}

/* The definition above must match the registry's function-pointer type. */
_Static_assert(__builtin_types_compatible_p(__typeof__(&FW_UKR_NAME), fw_gemm_ukr_fn),
               "microkernel signature differs from fw_gemm_ukr_fn");

#undef FW_MV
#undef FW_UKR_NG
#undef FW_UKR_LINE
#undef FW_UKR_STEP
#undef FW_UKR_PREFETCH_A
#undef FW_UKR_KLOOP_ROWS
