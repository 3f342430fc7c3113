/* A GEMM call in the driver's terms: every operand as a base pointer and two strides, so
 * layouts and transposes are only stride choices, and transposing the whole problem
 * (C^T = B^T A^T) is a swap of fields. */
#ifndef FW_GEMM_PROBLEM_H
#define FW_GEMM_PROBLEM_H

#include "fw_internal.h"

typedef struct fw_gemm_problem {
    long m, n, k;
    const void *alpha, *beta;   /* point to a float or a double */
    const void *a;              /* op(A)(i, p) at a[i*rs_a + p*cs_a] */
    long rs_a, cs_a;
    const void *b;              /* op(B)(p, j) at b[p*rs_b + j*cs_b] */
    long rs_b, cs_b;
    void *c;                    /* C(i, j) at c[i*rs_c + j*cs_c] */
    long rs_c, cs_c;
} fw_gemm_problem;

/* How the driver runs one problem, decided from the configuration and the shape. */
typedef struct fw_gemm_plan {
    const fw_kernel *ukr;
    long mc, kc, nc;
    int threads, jc_ways, ic_ways, jr_ways;
    int bind;                   /* fw_binding of the workers */
    int pack_b;                 /* 0: the microkernel reads B where it lies */
    int direct;                 /* 1: fw_?gemm_direct runs it; rs_c == 1 */
} fw_gemm_plan;

/* Least depth of a pass over k, in bytes of one column, when B is read in place. Each pass
 * restarts the NR streams of every column of B, which the prefetchers must detect again, and
 * reads and writes C once more, so the longer the pass the better: dgemm 16x4096x4096 ran at
 * 46, 53, 59, 65 and 66 GFLOP/s with passes of 256, 512, 1024, 2048 and 4096, sgemm at 86 to
 * 175 (Zen 3, 2 threads, interleaved). Past 32 KiB of a column less is left: 16x2048x16384
 * gained 3% more up to 64 KiB (s) and 8% up to 128 KiB (d), 64x2048x16384 nothing, while the
 * B micro-panel that the A panels share (pass x NR) outgrows half an L2. */
#define FW_IN_PLACE_PASS_BYTES (32L * 1024)

void fw_gemm_plan_make(fw_precision prec, fw_gemm_problem *p, const fw_config *cfg,
                       fw_gemm_plan *plan);
void fw_sgemm_run(const fw_gemm_problem *p, const fw_gemm_plan *plan);
void fw_dgemm_run(const fw_gemm_problem *p, const fw_gemm_plan *plan);
void fw_sgemm_direct(const fw_gemm_problem *p, const fw_gemm_plan *plan);
void fw_dgemm_direct(const fw_gemm_problem *p, const fw_gemm_plan *plan);
void fw_sgemm_scale_c(const fw_gemm_problem *p);
void fw_dgemm_scale_c(const fw_gemm_problem *p);

/* Largest share of len, in whole units, that one of `ways` threads gets as the driver splits
 * it, so that all threads agree on trip counts. */
static inline long fw_largest_share(long len, long unit, int ways)
{
    long units = (len + unit - 1) / unit;
    return (units + ways - 1) / ways * unit;
}

/* A problem of mnk = m*n*k multiply-adds small enough for the direct path at any thread
 * count (on one thread the plan sends larger ones there too). */
static inline int fw_direct_by_size(const fw_config *cfg, double mnk)
{
    return mnk <= cfg->direct_max_mnk;
}

/* Threads split: every factorisation of threads into jc x ic x jr, scored by load balance. */
void fw_choose_ways(int threads, long m, long n, int mr, int nr, int *jc, int *ic, int *jr);

/* A 64-byte aligned buffer owned by the calling thread, reused across calls and freed when
 * the thread exits; slot 0 holds packed A, slot 1 packed B. Contents are not kept on growth. */
void *fw_thread_buffer(int slot, size_t bytes);

#endif
