/* GEMM entry points: argument checks, quick returns, and the translation of layouts and
 * transposes into operand strides for the driver. */
#include "gemm_problem.h"

static int valid_trans(fw_trans t) { return t == FW_NO_TRANS || t == FW_TRANS || t == FW_CONJ_TRANS; }

static long max1(long x) { return x > 1 ? x : 1; }

/* Argument positions are those of the native (and CBLAS) argument list:
 * layout 1, ta 2, tb 3, m 4, n 5, k 6, alpha 7, a 8, lda 9, b 10, ldb 11, beta 12, c 13,
 * ldc 14, cfg 15. The order is the reference CBLAS's: column-major runs the Fortran checks;
 * row-major runs them on the transposed problem, so N comes before M and ldb before lda. */
static int check_gemm_args(fw_layout layout, fw_trans ta, fw_trans tb, int m, int n, int k,
                           int lda, int ldb, int ldc)
{
    if (layout != FW_ROW_MAJOR && layout != FW_COL_MAJOR)
        return 1;
    if (!valid_trans(ta))
        return 2;
    if (!valid_trans(tb))
        return 3;
    const int a_notrans = ta == FW_NO_TRANS, b_notrans = tb == FW_NO_TRANS;
    if (layout == FW_COL_MAJOR) {
        if (m < 0)
            return 4;
        if (n < 0)
            return 5;
        if (k < 0)
            return 6;
        if (lda < max1(a_notrans ? m : k))
            return 9;
        if (ldb < max1(b_notrans ? k : n))
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
        if (ldb < max1(b_notrans ? n : k))
            return 11;
        if (lda < max1(a_notrans ? k : m))
            return 9;
        if (ldc < max1(n))
            return 14;
    }
    return 0;
}

/* op(X)(r, s) at x[r*rs + s*cs] for a matrix stored with leading dimension ld. */
static void operand_strides(fw_layout layout, fw_trans t, int ld, long *rs, long *cs)
{
    int stored_as_op = (layout == FW_COL_MAJOR) == (t == FW_NO_TRANS);
    *rs = stored_as_op ? 1 : ld;
    *cs = stored_as_op ? ld : 1;
}

static int gemm(fw_precision prec, fw_layout layout, fw_trans ta, fw_trans tb, int m, int n,
                int k, const void *alpha, int alpha_zero, const void *a, int lda, const void *b,
                int ldb, const void *beta, int beta_one, void *c, int ldc, const fw_config *cfg)
{
    int bad = check_gemm_args(layout, ta, tb, m, n, k, lda, ldb, ldc);
    if (bad)
        return bad;
    if (!cfg)
        cfg = fw_class_config_ref(prec, fw_gemm_class(m, n, k));
    else if (fw_config_check(prec, cfg, NULL, 0) != 0) {
        return 15;
    }
    if (m == 0 || n == 0 || ((alpha_zero || k == 0) && beta_one))
        return 0;

    long rs_a, cs_a, rs_b, cs_b;
    operand_strides(layout, ta, lda, &rs_a, &cs_a);
    operand_strides(layout, tb, ldb, &rs_b, &cs_b);
    const long rs_c = layout == FW_COL_MAJOR ? 1 : ldc, cs_c = layout == FW_COL_MAJOR ? ldc : 1;
    const int scale_only = alpha_zero || k == 0;
    /* A problem of one tile on the direct route, A and C with unit row strides: the plan
     * would make one call of the direct twin, so make it here. At 8^3 the plan, the direct
     * path's loops and the problem record were a fifth of the call. */
    const fw_kernel *ukr = fw_kernel_get(cfg->gemm_kernel);
    if (!scale_only && rs_a == 1 && rs_c == 1 && m <= ukr->info.mr && n <= ukr->info.nr &&
        fw_direct_by_size(cfg, (double)m * n * k)) {
        ukr->fn.direct(m, n, k, alpha, a, cs_a, b, rs_b, cs_b, beta, c, cs_c);
        return 0;
    }
    fw_gemm_problem p = {.m = m, .n = n, .k = k, .alpha = alpha, .beta = beta,
                         .a = a, .rs_a = rs_a, .cs_a = cs_a, .b = b, .rs_b = rs_b,
                         .cs_b = cs_b, .c = c, .rs_c = rs_c, .cs_c = cs_c};
    if (scale_only) {
        (prec == FW_F64 ? fw_dgemm_scale_c : fw_sgemm_scale_c)(&p);
        return 0;
    }
    fw_gemm_plan plan;
    fw_gemm_plan_make(prec, &p, cfg, &plan);
    if (plan.direct)
        (prec == FW_F64 ? fw_dgemm_direct : fw_sgemm_direct)(&p, &plan);
    else
        (prec == FW_F64 ? fw_dgemm_run : fw_sgemm_run)(&p, &plan);
    return 0;
}

#define FW_DEFINE_GEMM(prefix, T, prec)                                                        \
    int fw_##prefix##gemm_ex(fw_layout layout, fw_trans ta, fw_trans tb, int m, int n, int k,  \
                             T alpha, const T *a, int lda, const T *b, int ldb, T beta, T *c,  \
                             int ldc, const fw_config *cfg)                                    \
    {                                                                                          \
        return gemm(prec, layout, ta, tb, m, n, k, &alpha, alpha == 0, a, lda, b, ldb, &beta,  \
                    beta == 1, c, ldc, cfg);                                                   \
    }                                                                                          \
    int fw_##prefix##gemm(fw_layout layout, fw_trans ta, fw_trans tb, int m, int n, int k,     \
                          T alpha, const T *a, int lda, const T *b, int ldb, T beta, T *c,     \
                          int ldc)                                                             \
    {                                                                                          \
        return gemm(prec, layout, ta, tb, m, n, k, &alpha, alpha == 0, a, lda, b, ldb, &beta,  \
                    beta == 1, c, ldc, NULL);                                                  \
    }

FW_DEFINE_GEMM(s, float, FW_F32)
FW_DEFINE_GEMM(d, double, FW_F64)

void fw_gemm_route(fw_precision prec, int m, int n, int k, const fw_config *cfg,
                   long route[FW_ROUTE_LEN])
{
    const long ld_a = m > 1 ? m : 1, ld_b = k > 1 ? k : 1;
    fw_gemm_problem p = {.m = m, .n = n, .k = k, .rs_a = 1, .cs_a = ld_a, .rs_b = 1,
                         .cs_b = ld_b, .rs_c = 1, .cs_c = ld_a};
    fw_gemm_plan plan;
    fw_gemm_plan_make(prec, &p, cfg, &plan);
    const long w = FW_MAX_THREADS + 1;
    long split = ((plan.threads * w + plan.jc_ways) * w + plan.ic_ways) * w + plan.jr_ways;
    route[0] = split * 8 + plan.direct + 2 * plan.pack_b + 4 * (p.m != m);
    route[1] = cfg->gemm_kernel;
    const long mr = plan.ukr->info.mr, nr = plan.ukr->info.nr;
    const long m_share = fw_largest_share(p.m, mr, plan.ic_ways);
    const long n_share = fw_largest_share(p.n, nr, plan.jc_ways);
    route[2] = plan.direct ? 0 : plan.mc < m_share ? plan.mc : m_share;
    route[3] = plan.direct ? 0 : plan.kc;
    route[4] = plan.direct ? 0 : plan.nc < n_share ? plan.nc : n_share;
    route[5] = plan.threads > 1 ? plan.bind + 1 : 0;
}
