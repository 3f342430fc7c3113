/* The GEMM driver instantiated for both precisions, and the plan that fits it to a call. */
#include "gemm_problem.h"

#include <omp.h>
#include <string.h>

#define FW_T float
#define FW_NAME(x) fw_s##x
#define FW_PACK_L 4
#include "gemm_driver_template.h"
#include "gemm_direct_template.h"
#undef FW_T
#undef FW_NAME
#undef FW_PACK_L

#define FW_T double
#define FW_NAME(x) fw_d##x
#define FW_PACK_L 2
#include "gemm_driver_template.h"
#include "gemm_direct_template.h"
#undef FW_T
#undef FW_NAME
#undef FW_PACK_L

/* Fraction of the work a split does not waste on tile padding. */
static double split_efficiency(long len, long unit, int ways)
{
    long per = (len + ways - 1) / ways;
    long padded = (per + unit - 1) / unit * unit * ways;
    return padded ? (double)len / (double)padded : 1.0;
}

void fw_choose_ways(int threads, long m, long n, int mr, int nr, int *jc_out, int *ic_out,
                    int *jr_out)
{
    double best = -1;
    for (int ic = threads; ic >= 1; ic--) {
        if (threads % ic)
            continue;
        for (int jc = threads / ic; jc >= 1; jc--) {
            if ((threads / ic) % jc)
                continue;
            int jr = threads / ic / jc;
            /* Ties go to ic first (private L2s each get their own A block), then jc. */
            double score = split_efficiency(m, mr, ic) * split_efficiency(n, nr, jc * jr);
            if (score > best + 1e-9) {
                best = score;
                *jc_out = jc;
                *ic_out = ic;
                *jr_out = jr;
            }
        }
    }
}

/* Not inlined: inlined, its swap of m and n let the compiler load both in one 16-byte read
 * at the top of fw_gemm_plan_make, on every call; the caller has just stored them as two
 * 8-byte values, which a wider load cannot take from the store buffer, and the stall was
 * ~4 ns of a ~45 ns 8^3 call. */
static __attribute__((noinline)) void transpose_problem(fw_gemm_problem *p)
{
    fw_gemm_problem t = *p;
    p->m = t.n;
    p->n = t.m;
    p->a = t.b;
    p->rs_a = t.cs_b;
    p->cs_a = t.rs_b;
    p->b = t.a;
    p->rs_b = t.cs_a;
    p->cs_b = t.rs_a;
    p->rs_c = t.cs_c;
    p->cs_c = t.rs_c;
}

/* Whether B, skinny_dim (its m, or n after transposition) wide, can be read where it lies
 * rather than packed. The microkernel then reads NR elements of B a step along k, one from
 * each column. Where B's rows run along k (unit depth stride) those are NR streams that the
 * prefetchers follow, and reading in place pays up to skinny_mn: packing B costs a pass over
 * it that only m/MR register tiles share. Otherwise each step reads one row's NR elements, a
 * stride apart from the last, and a row shorter than a cache line wastes the rest of the line:
 * dgemm 4096x16x4096 ran at 20-23 GFLOP/s so (8x6, 48 bytes a row) and at 32-38 with both
 * operands packed (Zen 3, 2 threads, interleaved). Rows of a line or more are read in place
 * only up to the skinny classes' bound, where they were measured. */
static int reads_in_place(long skinny_dim, long depth_stride, int nr, size_t elem,
                          const fw_config *cfg)
{
    if (skinny_dim > cfg->skinny_mn)
        return 0;
    return depth_stride == 1 ||
           (skinny_dim <= FW_CLASS_SMALL_DIM && (size_t)nr * elem >= FW_LINE_BYTES);
}

void fw_gemm_plan_make(fw_precision prec, fw_gemm_problem *p, const fw_config *cfg,
                       fw_gemm_plan *plan)
{
    /* The microkernel stores columns of C: give C a unit row stride when it has one. */
    if (p->rs_c != 1 && p->cs_c == 1)
        transpose_problem(p);
    plan->ukr = fw_kernel_get(cfg->gemm_kernel);
    const double mnk = (double)p->m * (double)p->n * (double)p->k;
    /* Decided before the thread count, which small calls never need to look up. */
    int direct = fw_direct_by_size(cfg, mnk);
    int threads = 1;
    if (!direct) {
        threads = omp_in_parallel() ? 1 : cfg->threads ? cfg->threads : fw_default_threads();
        /* Each thread needs at least a direct-path-sized share to pay for the team, so like
         * OpenBLAS's setting the count is a maximum. */
        if (cfg->direct_max_mnk > 0 && mnk / cfg->direct_max_mnk < threads)
            threads = mnk / cfg->direct_max_mnk > 1 ? (int)(mnk / cfg->direct_max_mnk) : 1;
        /* On one thread the direct path beats packing far beyond direct_max_mnk (f64 up to
         * ~300^3 on Zen 5), so a problem below two shares runs direct. */
        direct = threads == 1 && mnk < 2 * cfg->direct_max_mnk;
    }
    /* The direct path writes C in place, column by column, and needs nothing else. */
    plan->direct = direct && p->rs_c == 1;
    if (plan->direct) {
        plan->pack_b = 0;
        plan->mc = cfg->mc;
        plan->kc = cfg->kc;
        plan->nc = cfg->nc;
        plan->threads = plan->jc_ways = plan->ic_ways = plan->jr_ways = 1;
        plan->bind = cfg->bind;
        return;
    }
    const int mr = plan->ukr->info.mr, nr = plan->ukr->info.nr;
    const size_t elem = fw_elem_size(prec);
    /* Skinny in n: transpose so the large operand becomes B, read where it lies (A's column
     * stride becomes B's depth stride). */
    if (p->n < p->m && reads_in_place(p->n, p->cs_a, nr, elem, cfg))
        transpose_problem(p);
    const int b_in_place = reads_in_place(p->m, p->rs_b, nr, elem, cfg);
    plan->pack_b = !(direct || b_in_place || p->k <= cfg->skinny_k);

    long kc = cfg->kc;
    if (b_in_place && kc < FW_IN_PLACE_PASS_BYTES / (long)elem)
        kc = FW_IN_PLACE_PASS_BYTES / (long)elem;
    /* Even KC passes: k slightly above KC would otherwise leave a thin last pass. */
    long passes = (p->k + kc - 1) / kc;
    plan->kc = (p->k + passes - 1) / passes;
    /* An MC above m only sizes the packing buffer, which then grows with KC for nothing. */
    plan->mc = cfg->mc < p->m ? cfg->mc : (p->m + mr - 1) / mr * mr;
    plan->nc = cfg->nc;

    plan->threads = threads;
    plan->bind = cfg->bind;
    if (cfg->jc_ways && (long)cfg->jc_ways * cfg->ic_ways * cfg->jr_ways == threads) {
        plan->jc_ways = cfg->jc_ways;
        plan->ic_ways = cfg->ic_ways;
        plan->jr_ways = cfg->jr_ways;
    } else {
        fw_choose_ways(threads, p->m, p->n, mr, nr, &plan->jc_ways, &plan->ic_ways,
                       &plan->jr_ways);
    }
}
