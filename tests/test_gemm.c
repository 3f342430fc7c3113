/* The public GEMM entry points (fw_sgemm, fw_dgemm and their _ex forms) against the long
 * double reference: shapes, layouts, transposes, leading dimensions with guarded padding,
 * alpha/beta, NaN/Inf in C, every driver path, every supported microkernel, every thread
 * layout, calls from inside a parallel region, and argument and configuration checking. */
#include "fw_internal.h"
#include "gemm_problem.h"
#include "gemm_reference.h"
#include "testlib.h"

#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Padding of C (and the elements around it) holds this and must keep it; padding of A and B
 * holds NaN, so reading the wrong element shows up in C. */
#define C_GUARD 4242.0
#define FRONT 3  /* guard elements before C(0,0) */
#define TAIL 16  /* guard elements after C */

static const fw_trans transes[3] = {FW_NO_TRANS, FW_TRANS, FW_CONJ_TRANS};
static const fw_precision precs[2] = {FW_F32, FW_F64};

typedef struct gemm_case {
    fw_precision prec;
    fw_layout layout;
    fw_trans ta, tb;
    int m, n, k;
    double alpha, beta;        /* rounded to the precision by the call */
    int pad_a, pad_b, pad_c;   /* leading dimension beyond the smallest valid one */
    int nan_ab;                /* A and B hold only NaN (alpha == 0 or k == 0 cases) */
    const fw_config *cfg;      /* NULL: the plain entry point */
    unsigned long long seed;   /* data; a per-case generator keeps threads independent */
} gemm_case;

/* xorshift64*, as in testlib, but with the state in the caller's hands. */
static double case_uniform(unsigned long long *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return (double)((*s * 0x2545F4914F6CDD1Dull) >> 11) * 0x1.0p-52 - 1.0;
}

static void put(fw_precision prec, void *buf, long idx, double v)
{
    if (prec == FW_F64)
        ((double *)buf)[idx] = v;
    else
        ((float *)buf)[idx] = (float)v;
}

static double get(fw_precision prec, const void *buf, long idx)
{
    return prec == FW_F64 ? ((const double *)buf)[idx] : (double)((const float *)buf)[idx];
}

static const char *prec_name(fw_precision p) { return p == FW_F64 ? "f64" : "f32"; }
static char trans_char(fw_trans t) { return t == FW_NO_TRANS ? 'N' : t == FW_TRANS ? 'T' : 'C'; }

/* Smallest valid leading dimension of a stored rows x cols matrix, as BLAS defines it. */
static int min_ld(fw_layout layout, int rows, int cols)
{
    int len = layout == FW_COL_MAJOR ? rows : cols;
    return len > 1 ? len : 1;
}

/* Columns (column-major) or rows (row-major) that a stored rows x cols matrix spans. */
static long outer_of(fw_layout layout, int rows, int cols)
{
    return layout == FW_COL_MAJOR ? cols : rows;
}

static void stored_dims(fw_trans t, int r, int s, int *rows, int *cols)
{
    *rows = t == FW_NO_TRANS ? r : s;
    *cols = t == FW_NO_TRANS ? s : r;
}

static void *xmalloc(size_t bytes)
{
    void *p = malloc(bytes ? bytes : 1);
    if (!p)
        abort();
    return p;
}

static int describe_case(const gemm_case *gc, int lda, int ldb, int ldc, char *buf, size_t len)
{
    int n = snprintf(buf, len, "%s %s %c%c m=%d n=%d k=%d alpha=%g beta=%g lda=%d ldb=%d ldc=%d%s",
                     prec_name(gc->prec), gc->layout == FW_COL_MAJOR ? "col" : "row",
                     trans_char(gc->ta), trans_char(gc->tb), gc->m, gc->n, gc->k, gc->alpha,
                     gc->beta, lda, ldb, ldc, gc->nan_ab ? " (NaN A, B)" : "");
    if (gc->cfg && n >= 0 && (size_t)n < len) {
        const fw_config *c = gc->cfg;
        const fw_kernel_info *ki = fw_kernel_at(c->gemm_kernel);
        n += snprintf(buf + n, len - n,
                      " [%s mc=%d kc=%d nc=%d threads=%d ways=%dx%dx%d direct<=%g skinny_mn=%d "
                      "skinny_k=%d]",
                      ki ? ki->name : "?", c->mc, c->kc, c->nc, c->threads, c->jc_ways,
                      c->ic_ways, c->jr_ways, c->direct_max_mnk, c->skinny_mn, c->skinny_k);
    }
    return n;
}

/* Runs one case and checks it; returns 1 when it passes, else 0 with the reason in msg.
 * Touches no shared state, so threads may run cases concurrently. */
static int run_case_quiet(const gemm_case *gc, char *msg, size_t len)
{
    const fw_precision prec = gc->prec;
    const size_t es = fw_elem_size(prec);
    const fw_layout L = gc->layout;
    unsigned long long s = gc->seed * 0x9E3779B97F4A7C15ull + 1;
    int ar, ac, br, bc;
    stored_dims(gc->ta, gc->m, gc->k, &ar, &ac);
    stored_dims(gc->tb, gc->k, gc->n, &br, &bc);
    const int lda = min_ld(L, ar, ac) + gc->pad_a, ldb = min_ld(L, br, bc) + gc->pad_b;
    const int ldc = min_ld(L, gc->m, gc->n) + gc->pad_c;
    /* A and B end where the matrix ends, so AddressSanitizer sees reads past them. */
    const long a_el = lda * outer_of(L, ar, ac), b_el = ldb * outer_of(L, br, bc);
    const long c_el = FRONT + ldc * outer_of(L, gc->m, gc->n) + TAIL;

    void *a = xmalloc(a_el * es), *b = xmalloc(b_el * es), *c = xmalloc(c_el * es);
    void *a0 = xmalloc(a_el * es), *b0 = xmalloc(b_el * es), *c0 = xmalloc(c_el * es);
    for (long x = 0; x < a_el; x++)
        put(prec, a, x, NAN);
    for (long x = 0; x < b_el; x++)
        put(prec, b, x, NAN);
    for (long x = 0; x < c_el; x++)
        put(prec, c, x, C_GUARD);
    for (int r = 0; r < ar; r++)
        for (int q = 0; q < ac; q++)
            put(prec, a, L == FW_COL_MAJOR ? r + (long)q * lda : (long)r * lda + q,
                gc->nan_ab ? NAN : case_uniform(&s));
    for (int r = 0; r < br; r++)
        for (int q = 0; q < bc; q++)
            put(prec, b, L == FW_COL_MAJOR ? r + (long)q * ldb : (long)r * ldb + q,
                gc->nan_ab ? NAN : case_uniform(&s));
    /* beta == 0 must not read C: give it NaN and both infinities. */
    static const double specials[3] = {NAN, INFINITY, -INFINITY};
    for (int i = 0; i < gc->m; i++)
        for (int j = 0; j < gc->n; j++)
            put(prec, c, FRONT + (L == FW_COL_MAJOR ? i + (long)j * ldc : (long)i * ldc + j),
                gc->beta == 0 ? specials[(i + 2 * j) % 3] : case_uniform(&s));
    memcpy(a0, a, a_el * es);
    memcpy(b0, b, b_el * es);
    memcpy(c0, c, c_el * es);

    int rc;
    void *cp = (char *)c + FRONT * es;
    if (prec == FW_F64) {
        rc = gc->cfg ? fw_dgemm_ex(L, gc->ta, gc->tb, gc->m, gc->n, gc->k, gc->alpha, a, lda, b,
                                   ldb, gc->beta, cp, ldc, gc->cfg)
                     : fw_dgemm(L, gc->ta, gc->tb, gc->m, gc->n, gc->k, gc->alpha, a, lda, b, ldb,
                                gc->beta, cp, ldc);
    } else {
        rc = gc->cfg ? fw_sgemm_ex(L, gc->ta, gc->tb, gc->m, gc->n, gc->k, (float)gc->alpha, a,
                                   lda, b, ldb, (float)gc->beta, cp, ldc, gc->cfg)
                     : fw_sgemm(L, gc->ta, gc->tb, gc->m, gc->n, gc->k, (float)gc->alpha, a, lda,
                                b, ldb, (float)gc->beta, cp, ldc);
    }

    ref_gemm_call g = {.prec = prec, .layout = L, .ta = gc->ta, .tb = gc->tb, .m = gc->m,
                       .n = gc->n, .k = gc->k, .alpha = ref_gemm_round(prec, gc->alpha),
                       .beta = ref_gemm_round(prec, gc->beta), .a = a0, .lda = lda, .b = b0,
                       .ldb = ldb, .ldc = ldc};
    ref_gemm_report r;
    int ok_ref = ref_gemm_check(&g, c0, c, c_el, FRONT, &r);
    int ok_inputs = memcmp(a, a0, a_el * es) == 0 && memcmp(b, b0, b_el * es) == 0;
    /* Only scaling (alpha == 0 or k == 0): BLAS computes beta*C exactly as one product in the
     * precision (zero for beta == 0), so the result is exact, and beta == 1 leaves C alone. */
    long inexact = 0;
    if (g.alpha == 0 || g.k == 0)
        for (int i = 0; i < gc->m; i++)
            for (int j = 0; j < gc->n; j++) {
                long x = FRONT + (L == FW_COL_MAJOR ? i + (long)j * ldc : (long)i * ldc + j);
                double want = g.beta == 0 ? 0.0 : ref_gemm_round(prec, g.beta * get(prec, c0, x));
                inexact += !(get(prec, c, x) == want);
            }
    int ok = rc == 0 && ok_ref && ok_inputs && inexact == 0;
    if (!ok) {
        int n = describe_case(gc, lda, ldb, ldc, msg, len);
        if (n >= 0 && (size_t)n < len) {
            char why[300];
            snprintf(msg + n, len - n, ": rc=%d%s%s; %s", rc,
                     ok_inputs ? "" : "; A or B was modified",
                     inexact ? "; a scaling-only result is not exactly beta*C" : "",
                     ref_gemm_describe(&r, why, sizeof why));
        }
    }
    free(a), free(b), free(c), free(a0), free(b0), free(c0);
    return ok;
}

static int run_case(const gemm_case *gc)
{
    char msg[700];
    int ok = run_case_quiet(gc, msg, sizeof msg);
    CHECK(ok, "%s", msg);
    return ok;
}

static unsigned long long next_seed = 1;

/* A case with the layout, transposes and padding picked by a rotating counter, so a run of 18
 * consecutive cases meets every layout and transpose pair. */
static gemm_case rotating_case(fw_precision prec, int m, int n, int k, double alpha, double beta,
                               const fw_config *cfg, unsigned rot)
{
    gemm_case gc = {.prec = prec, .layout = rot % 2 ? FW_ROW_MAJOR : FW_COL_MAJOR,
                    .ta = transes[(rot / 2) % 3], .tb = transes[(rot / 6) % 3], .m = m, .n = n,
                    .k = k, .alpha = alpha, .beta = beta, .pad_a = (int)(rot % 3),
                    .pad_b = (int)((rot + 1) % 4), .pad_c = (int)((rot + 2) % 3), .cfg = cfg,
                    .seed = next_seed++};
    return gc;
}

/* ---- configuration helpers ---- */

static int round_up(int x, int unit) { return x < unit ? unit : (x + unit - 1) / unit * unit; }

/* The default configuration with another GEMM microkernel, blocking rounded to its tile. */
static void kernel_config(fw_precision prec, int kidx, fw_config *cfg)
{
    fw_model_config(prec, FW_CLASS_SQUARE, cfg);
    const fw_kernel_info *ki = fw_kernel_at(kidx);
    cfg->gemm_kernel = kidx;
    cfg->mc = round_up(cfg->mc, ki->mr);
    cfg->nc = round_up(cfg->nc, ki->nr);
}

enum { PATH_DIRECT, PATH_SKINNY_MN, PATH_SKINNY_K, PATH_BLOCKED, PATHS };

/* Forces one driver path; the blocked path gets blocks small enough that every loop runs
 * several times and meets edge blocks. */
static void path_config(fw_config *cfg, int path)
{
    const fw_kernel_info *ki = fw_kernel_at(cfg->gemm_kernel);
    cfg->direct_max_mnk = path == PATH_DIRECT ? 1e30 : 0;
    cfg->skinny_mn = path == PATH_SKINNY_MN ? 32 : 0;
    cfg->skinny_k = path == PATH_SKINNY_K ? 16 : 0;
    if (path == PATH_BLOCKED) {
        cfg->mc = 2 * ki->mr;
        cfg->kc = 37;
        cfg->nc = 3 * ki->nr;
    }
}

/* Shapes for a path forced by path_config, relative to the tile: whole and partial tiles and
 * blocks, one tile, one element. */
static int path_shapes(int path, int mr, int nr, int shapes[][3])
{
    int n = 0;
#define SHAPE(a, b, c) (shapes[n][0] = (a), shapes[n][1] = (b), shapes[n][2] = (c), n++)
    switch (path) {
    case PATH_DIRECT:
        SHAPE(1, 1, 1);
        SHAPE(mr + 1, nr - 1, 7);
        SHAPE(mr, nr, 1);
        SHAPE(2 * mr + 3, 3 * nr + 2, 50);
        break;
    case PATH_SKINNY_MN: /* m <= 32 reads B in place; n <= 32 < m is transposed into that */
        SHAPE(5, 3 * nr + 1, 40);
        SHAPE(31, 2 * nr - 1, 129);
        SHAPE(32, nr + 1, 3);
        SHAPE(3 * mr + 1, 17, 60);
        SHAPE(2 * mr + 1, nr, 33);
        break;
    case PATH_SKINNY_K:
        SHAPE(2 * mr + 1, 2 * nr + 3, 16);
        SHAPE(mr, nr, 5);
        SHAPE(3 * mr - 1, nr + 1, 1);
        SHAPE(40, 45, 9);
        break;
    case PATH_BLOCKED: /* mc = 2 MR, kc = 37, nc = 3 NR */
        SHAPE(5 * mr + 3, 7 * nr + 1, 100);
        SHAPE(mr, nr, 37);
        SHAPE(2 * mr, 3 * nr, 74);
        SHAPE(mr - 1, nr + 1, 38);
        SHAPE(2 * mr + 1, 3 * nr + 1, 111);
        SHAPE(1, 1, 1);
        SHAPE(7, 3, 200);
        break;
    }
#undef SHAPE
    return n;
}

static int supported_gemm(int idx, fw_precision prec)
{
    const fw_kernel_info *ki = fw_kernel_at(idx);
    return ki && ki->kind == FW_KIND_GEMM && ki->prec == prec && fw_kernel_supported(idx);
}

/* ---- the tests ---- */

/* The default configuration must name a GEMM microkernel of the precision that this CPU runs;
 * everything that multiplies depends on it. */
static int test_default_config(fw_precision prec)
{
    fw_config cfg;
    fw_model_config(prec, FW_CLASS_SQUARE, &cfg);
    char msg[200] = "";
    int ok = CHECK(supported_gemm(cfg.gemm_kernel, prec),
                   "%s: default gemm_kernel %d is not a supported GEMM microkernel of this "
                   "precision (is the registry missing GEMM entries?)",
                   prec_name(prec), cfg.gemm_kernel);
    ok &= CHECK(fw_config_check(prec, &cfg, msg, sizeof msg) == 0,
                "%s: default configuration rejected: %s", prec_name(prec), msg);
    return ok;
}

/* Every layout and transpose pair through the plain entry points, on shapes that take each
 * path under the default thresholds. */
static void test_layouts_transposes(fw_precision prec)
{
    static const int shapes[][3] = {
        {7, 5, 3},      /* direct */
        {20, 150, 200}, /* skinny m */
        {150, 20, 200}, /* skinny n, transposed */
        {45, 50, 300},  /* blocked, one thread (too little work for two) */
        {130, 140, 70}, /* blocked, two threads where there are two cores */
    };
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
        for (unsigned rot = 0; rot < 18; rot++) {
            gemm_case gc = rotating_case(prec, shapes[s][0], shapes[s][1], shapes[s][2], 0.7,
                                         rot % 4 ? -1.3 : 0, NULL, rot);
            run_case(&gc);
        }
}

/* Random shapes from a pool of 0, 1, primes, powers of two and every supported tile's MR and
 * NR plus and minus one, through the plain entry points. */
static void test_random_shapes(fw_precision prec)
{
    int pool[64], np = 0;
    static const int base[] = {0, 1, 2, 3, 5, 7, 11, 13, 17, 31, 32, 33, 37, 64, 97, 127};
    for (size_t i = 0; i < sizeof base / sizeof base[0]; i++)
        pool[np++] = base[i];
    for (int i = 0; i < fw_kernel_count() && np < 58; i++)
        if (supported_gemm(i, prec)) {
            const fw_kernel_info *ki = fw_kernel_at(i);
            for (int d = -1; d <= 1; d++) {
                pool[np++] = ki->mr + d;
                pool[np++] = ki->nr + d;
            }
        }
    static const double alphas[] = {1, -1, 0.7, 2.5, 0};
    static const double betas[] = {0, 1, -1, -1.3};
    for (int t = 0; t < 160; t++) {
        gemm_case gc = {.prec = prec,
                        .layout = fw_test_int(0, 1) ? FW_ROW_MAJOR : FW_COL_MAJOR,
                        .ta = transes[fw_test_int(0, 2)],
                        .tb = transes[fw_test_int(0, 2)],
                        .m = pool[fw_test_int(0, np - 1)],
                        .n = pool[fw_test_int(0, np - 1)],
                        .k = pool[fw_test_int(0, np - 1)],
                        .alpha = alphas[fw_test_int(0, 4)],
                        .beta = betas[fw_test_int(0, 3)],
                        .pad_a = fw_test_int(0, 3),
                        .pad_b = fw_test_int(0, 3),
                        .pad_c = fw_test_int(0, 3),
                        .seed = next_seed++};
        run_case(&gc);
    }
}

/* Long dot products with small m and n: the bound grows with k, and the blocked path splits
 * k into several passes that accumulate into C. */
static void test_large_k(fw_precision prec)
{
    static const int shapes[][3] = {{1, 1, 3000}, {3, 5, 1000}, {17, 9, 2049}, {2, 40, 1500},
                                    {33, 3, 2500}};
    fw_config blocked;
    fw_model_config(prec, FW_CLASS_SQUARE, &blocked);
    path_config(&blocked, PATH_BLOCKED);
    blocked.threads = 1; /* some 80 passes over k, each behind team barriers otherwise */
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
        for (unsigned rot = 0; rot < 4; rot++) {
            gemm_case gc = rotating_case(prec, shapes[s][0], shapes[s][1], shapes[s][2], -1,
                                         rot % 2 ? 0.5 : 0, rot < 2 ? NULL : &blocked, rot * 5);
            run_case(&gc);
        }
}

/* alpha in {0, 1, -1, 0.7} times beta in {0, 1, -1, -1.3} on every path. */
static void test_alpha_beta(fw_precision prec)
{
    static const double alphas[] = {0, 1, -1, 0.7};
    static const double betas[] = {0, 1, -1, -1.3};
    fw_config cfg[PATHS];
    for (int path = 0; path < PATHS; path++) {
        fw_model_config(prec, FW_CLASS_SQUARE, &cfg[path]);
        cfg[path].threads = 1;
        path_config(&cfg[path], path);
    }
    const fw_kernel_info *ki = fw_kernel_at(cfg[0].gemm_kernel);
    unsigned rot = 0;
    for (int path = 0; path < PATHS; path++) {
        int shapes[8][3];
        int ns = path_shapes(path, ki->mr, ki->nr, shapes);
        for (size_t ai = 0; ai < 4; ai++)
            for (size_t bi = 0; bi < 4; bi++, rot++) {
                const int *sh = shapes[rot % ns];
                gemm_case gc = rotating_case(prec, sh[0], sh[1], sh[2], alphas[ai], betas[bi],
                                             &cfg[path], rot);
                run_case(&gc);
            }
    }
}

/* alpha == 0 and k == 0 only scale C (A and B are NaN and must not be read); m == 0 or
 * n == 0 leave C alone. */
static void test_scaling_only(fw_precision prec)
{
    static const double betas[] = {0, 1, -1, 0.5};
    fw_config blocked;
    fw_model_config(prec, FW_CLASS_SQUARE, &blocked);
    path_config(&blocked, PATH_BLOCKED);
    unsigned rot = 0;
    for (int with_cfg = 0; with_cfg < 2; with_cfg++)
        for (size_t bi = 0; bi < 4; bi++)
            for (int kind = 0; kind < 4; kind++, rot++) {
                static const int shapes[4][3] = {{9, 13, 20}, {50, 60, 0}, {0, 7, 5}, {6, 0, 5}};
                const int *sh = shapes[kind];
                gemm_case gc = rotating_case(prec, sh[0], sh[1], sh[2], kind == 0 ? 0 : 1.5,
                                             betas[bi], with_cfg ? &blocked : NULL, rot * 7);
                gc.nan_ab = kind < 2;
                run_case(&gc);
            }
}

/* The plan for a shape under a configuration must take the path the test means to test. */
static void check_path(fw_precision prec, const fw_config *cfg, int path, const int sh[3])
{
    /* A skinny n reaches the skinny path by transposition, which reads A in place: with A
     * transposed its rows run along k and stream (test_in_place_streams has the rest). */
    const int a_rows = path == PATH_SKINNY_MN && sh[1] < sh[0];
    fw_gemm_problem p = {.m = sh[0], .n = sh[1], .k = sh[2], .rs_a = a_rows ? sh[2] : 1,
                         .cs_a = a_rows ? 1 : sh[0], .rs_b = 1, .cs_b = sh[2], .rs_c = 1,
                         .cs_c = sh[0]};
    fw_gemm_plan plan;
    fw_gemm_plan_make(prec, &p, cfg, &plan);
    int packs = path == PATH_BLOCKED, direct = path == PATH_DIRECT;
    CHECK(plan.pack_b == packs && plan.direct == direct &&
              plan.ukr == fw_kernel_get(cfg->gemm_kernel) && (!direct || plan.threads == 1),
          "%s %dx%dx%d with %s: the plan does not take the %s path (pack_b %d, direct %d, "
          "threads %d)",
          prec_name(prec), sh[0], sh[1], sh[2], fw_kernel_at(cfg->gemm_kernel)->name,
          path == PATH_BLOCKED ? "blocked" : direct ? "direct" : "skinny", plan.pack_b,
          plan.direct, plan.threads);
}

/* Every supported microkernel of the precision through every path, via _ex. */
static int test_every_kernel(fw_precision prec)
{
    int covered = 0;
    unsigned rot = 0;
    static const double alphas[] = {1, -1, 0.7};
    static const double betas[] = {0, 1, -1, -1.3};
    for (int idx = 0; idx < fw_kernel_count(); idx++) {
        if (!supported_gemm(idx, prec))
            continue;
        covered++;
        const fw_kernel_info *ki = fw_kernel_at(idx);
        for (int path = 0; path < PATHS; path++) {
            fw_config cfg;
            kernel_config(prec, idx, &cfg);
            cfg.threads = 1;
            path_config(&cfg, path);
            int shapes[8][3];
            int ns = path_shapes(path, ki->mr, ki->nr, shapes);
            for (int s = 0; s < ns; s++) {
                check_path(prec, &cfg, path, shapes[s]);
                for (int v = 0; v < 3; v++, rot++) {
                    gemm_case gc = rotating_case(prec, shapes[s][0], shapes[s][1], shapes[s][2],
                                                 alphas[rot % 3], betas[rot % 4], &cfg, rot);
                    run_case(&gc);
                }
            }
        }
    }
    return covered;
}

/* B is read in place only where the reads stream: along k with unit stride, or rows of at
 * least a cache line a step. There a pass over k covers FW_IN_PLACE_PASS_BYTES of a column at
 * least, and MC stops at m. Also runs a problem of three such passes. */
static void test_in_place_streams(fw_precision prec)
{
    const long elem = (long)fw_elem_size(prec), pass = FW_IN_PLACE_PASS_BYTES / elem;
    for (int idx = 0; idx < fw_kernel_count(); idx++) {
        if (!supported_gemm(idx, prec))
            continue;
        const fw_kernel_info *ki = fw_kernel_at(idx);
        const char *name = ki->name;
        fw_config cfg;
        kernel_config(prec, idx, &cfg);
        cfg.threads = 1;
        path_config(&cfg, PATH_SKINNY_MN);
        const int rows_stream = ki->nr * elem >= FW_LINE_BYTES;
        for (int tb = 0; tb < 2; tb++) { /* skinny m; B unit stride along k (0) or n apart (1) */
            const long m = 20, n = 4L * ki->nr + 7, k = 2 * pass + 3;
            fw_gemm_problem p = {.m = m, .n = n, .k = k, .rs_a = 1, .cs_a = m,
                                 .rs_b = tb ? n : 1, .cs_b = tb ? 1 : k, .rs_c = 1, .cs_c = m};
            fw_gemm_plan plan;
            fw_gemm_plan_make(prec, &p, &cfg, &plan);
            const int in_place = !tb || rows_stream;
            const long passes = (k + pass - 1) / pass;
            CHECK(plan.pack_b == !in_place, "%s %s, B %s: pack_b %d, want %d", prec_name(prec),
                  name, tb ? "transposed" : "as is", plan.pack_b, !in_place);
            CHECK(!in_place || plan.kc == (k + passes - 1) / passes,
                  "%s %s: a pass over k of %ld in place, want %ld", prec_name(prec), name,
                  plan.kc, (k + passes - 1) / passes);
            CHECK(in_place || plan.kc <= cfg.kc, "%s %s: a packed pass of %ld, above KC %d",
                  prec_name(prec), name, plan.kc, cfg.kc);
            CHECK(plan.mc == round_up((int)m, ki->mr), "%s %s: MC %ld for m %ld",
                  prec_name(prec), name, plan.mc, m);
            gemm_case gc = rotating_case(prec, 5, 3 * ki->nr + 1, (int)k, 0.7, tb ? 0 : -1.3,
                                         &cfg, (unsigned)tb);
            gc.layout = FW_COL_MAJOR;
            gc.ta = FW_NO_TRANS;
            gc.tb = tb ? FW_TRANS : FW_NO_TRANS;
            run_case(&gc);
        }
        for (int ta = 0; ta < 2; ta++) { /* skinny n; A m apart along k (0) or unit stride (1) */
            const long m = 3L * ki->mr + 40, n = 11, k = 45;
            fw_gemm_problem p = {.m = m, .n = n, .k = k, .rs_a = ta ? k : 1,
                                 .cs_a = ta ? 1 : m, .rs_b = 1, .cs_b = k, .rs_c = 1,
                                 .cs_c = m};
            fw_gemm_plan plan;
            fw_gemm_plan_make(prec, &p, &cfg, &plan);
            const int transposed = ta || rows_stream;
            CHECK(plan.pack_b == !transposed && (p.m == n) == transposed,
                  "%s %s, A %s: pack_b %d and m %ld after the plan, want %d and %ld",
                  prec_name(prec), name, ta ? "transposed" : "as is", plan.pack_b, p.m,
                  !transposed, transposed ? n : m);
        }
        /* Above the skinny classes' bound only unit-stride streams are read in place: an m
         * (or, transposed, an n) of 100 under a skinny_mn of 200. */
        cfg.skinny_mn = 200;
        for (int unit = 0; unit < 2; unit++) {
            const long small = FW_CLASS_SMALL_DIM + 36, big = 300;
            fw_gemm_problem pm = {.m = small, .n = big, .k = big, .rs_a = 1, .cs_a = small,
                                  .rs_b = unit ? 1 : big, .cs_b = unit ? big : 1, .rs_c = 1,
                                  .cs_c = small};
            fw_gemm_problem pn = {.m = big, .n = small, .k = big, .rs_a = unit ? big : 1,
                                  .cs_a = unit ? 1 : big, .rs_b = 1, .cs_b = big, .rs_c = 1,
                                  .cs_c = big};
            fw_gemm_plan plan_m, plan_n;
            fw_gemm_plan_make(prec, &pm, &cfg, &plan_m);
            fw_gemm_plan_make(prec, &pn, &cfg, &plan_n);
            CHECK(plan_m.pack_b == !unit && plan_n.pack_b == !unit && (pn.m == small) == unit,
                  "%s %s, m or n of %ld with %s streams: pack_b %d and %d, transposed %d, "
                  "want %d, %d, %d",
                  prec_name(prec), name, small, unit ? "unit-stride" : "row", plan_m.pack_b,
                  plan_n.pack_b, pn.m == small, !unit, !unit, unit);
        }
    }
}

/* 1, 2 and 3 threads (3 is more than a 2-core machine has) with every split jc x ic x jr of
 * the count, and the library's own choice, for the default microkernel; with it also the
 * skinny paths, a problem with fewer tiles than threads, and 4 and 8 threads, where jc, ic and
 * jr are split at once (group leaders and shared buffers). Every other microkernel runs the
 * blocked path with every split of 1 and 3 threads and the chosen split of 2.
 * Shapes keep the loops short, 2 x 2 x 2 blocks and some 20 barriers a call: with as many
 * threads as cores, libgomp spins at barriers, and on a machine busy with other work each
 * barrier can then cost a time slice. */
static void test_threads(fw_precision prec)
{
    unsigned rot = 0;
    fw_config def;
    fw_model_config(prec, FW_CLASS_SQUARE, &def);
    for (int idx = 0; idx < fw_kernel_count(); idx++) {
        if (!supported_gemm(idx, prec))
            continue;
        const fw_kernel_info *ki = fw_kernel_at(idx);
        const int mr = ki->mr, nr = ki->nr;
        const int is_default = idx == def.gemm_kernel;
        for (int t = 1; t <= (is_default ? 8 : 3); t++)
            for (int jc = 0; jc <= t; jc++)
                for (int ic = 0; ic <= t; ic++)
                    for (int jr = 0; jr <= t; jr++) {
                        int chosen = jc == 0 && ic == 0 && jr == 0;
                        if (!chosen && jc * ic * jr != t)
                            continue;
                        /* Beyond 4 threads only 2 x 2 x 2, the one split of all three. */
                        if (t > 4 && (t != 8 || jc != 2 || ic != 2))
                            continue;
                        if (!is_default && t == 2 && !chosen)
                            continue;
                        fw_config cfg;
                        kernel_config(prec, idx, &cfg);
                        cfg.threads = t;
                        cfg.jc_ways = jc, cfg.ic_ways = ic, cfg.jr_ways = jr;
                        path_config(&cfg, PATH_BLOCKED);
                        /* mc = 2 MR, nc = 3 NR, kc = 37: 2 ic, 2 jc and 2 k blocks, the last
                         * of each an edge block. */
                        gemm_case gc = rotating_case(prec, 3 * mr + 5, 4 * nr + 7, 50, 0.7,
                                                     rot % 2 ? -1.3 : 0, &cfg, rot);
                        rot++;
                        run_case(&gc);
                        if (!is_default)
                            continue;
                        /* Fewer tiles than threads: some threads idle at every barrier. */
                        gc = rotating_case(prec, 5, 7, 40, -1, 1, &cfg, rot++);
                        run_case(&gc);
                        path_config(&cfg, PATH_SKINNY_MN);
                        gc = rotating_case(prec, 20, 4 * nr + 7, 50, 1, -1, &cfg, rot++);
                        run_case(&gc);
                        gc = rotating_case(prec, 3 * mr + 5, 11, 45, 1, 0, &cfg, rot++);
                        run_case(&gc);
                        path_config(&cfg, PATH_SKINNY_K);
                        gc = rotating_case(prec, 3 * mr + 1, 4 * nr + 2, 16, 0.7, 1, &cfg, rot++);
                        run_case(&gc);
                    }
    }

    /* Dynamic teams: the runtime may grant fewer threads than asked, and the result must not
     * depend on how many it grants. */
    int dyn = omp_get_dynamic();
    omp_set_dynamic(1);
    fw_config cfg;
    fw_model_config(prec, FW_CLASS_SQUARE, &cfg);
    const fw_kernel_info *ki = fw_kernel_at(cfg.gemm_kernel);
    cfg.threads = 3;
    cfg.jc_ways = 1, cfg.ic_ways = 1, cfg.jr_ways = 3;
    path_config(&cfg, PATH_BLOCKED);
    for (int r = 0; r < 3; r++) {
        gemm_case gc = rotating_case(prec, 3 * ki->mr + 5, 4 * ki->nr + 7, 50, 0.7, -1.3, &cfg,
                                     rot++);
        run_case(&gc);
    }
    omp_set_dynamic(dyn);
}

/* fw_set_num_threads: plain calls take its count (3 on this 2-CPU test machine: more
 * threads than cores), below 1 restores the default, and the count is capped. */
static void test_set_num_threads(fw_precision prec)
{
    const int before = fw_default_threads();
    fw_set_num_threads(3);
    CHECK(fw_default_threads() == 3, "fw_set_num_threads(3): %d threads", fw_default_threads());
    /* Large enough for three threads' shares of the blocked path. */
    for (unsigned rot = 0; rot < 4; rot++) {
        gemm_case gc = rotating_case(prec, 211, 157, 131, 0.7, rot % 2 ? 0 : -1.3, NULL, rot);
        run_case(&gc);
    }
    fw_set_num_threads(1 << 20);
    CHECK(fw_default_threads() == FW_MAX_THREADS, "a count beyond %d is capped (%d)",
          FW_MAX_THREADS, fw_default_threads());
    fw_set_num_threads(0);
    CHECK(fw_default_threads() == before, "fw_set_num_threads(0) restores the default (%d, %d)",
          fw_default_threads(), before);
}

/* Calls from inside a parallel region, each thread with its own C: results must be right,
 * and the plan must not start a team inside the caller's team (threads = 1). */
static void test_inside_parallel(fw_precision prec)
{
    enum { TEAM = 3, PER = 4 };
    fw_config cfg_threads;
    fw_model_config(prec, FW_CLASS_SQUARE, &cfg_threads);
    const fw_kernel_info *ki = fw_kernel_at(cfg_threads.gemm_kernel);
    cfg_threads.threads = 2;
    cfg_threads.jc_ways = 1, cfg_threads.ic_ways = 2, cfg_threads.jr_ways = 1;
    path_config(&cfg_threads, PATH_BLOCKED);
    fw_config cfg_skinny = cfg_threads;
    path_config(&cfg_skinny, PATH_SKINNY_MN);

    gemm_case cases[TEAM][PER];
    for (int t = 0; t < TEAM; t++) {
        cases[t][0] = rotating_case(prec, 130 + t, 140, 70, 0.7, -1.3, NULL, 3 * t);
        cases[t][1] = rotating_case(prec, 3 * ki->mr + t, 4 * ki->nr + 7, 50, 1, 0, &cfg_threads,
                                    3 * t + 1);
        cases[t][2] = rotating_case(prec, 20, 5 * ki->nr + t, 90, -1, 1, &cfg_skinny, 3 * t + 2);
        cases[t][3] = rotating_case(prec, 5 + t, 6, 7, 2.5, 0.5, NULL, 3 * t + 5);
    }
    int ok[TEAM][PER] = {{0}}, plan_threads[TEAM] = {0}, ran[TEAM] = {0}, team = 0;
    int active[TEAM] = {0};
    static char msgs[TEAM][PER][700];

    /* Nesting on: were the library to start a team here, it would really run nested. */
    int levels = omp_get_max_active_levels();
    omp_set_max_active_levels(2);
#pragma omp parallel num_threads(TEAM)
    {
        /* Should the runtime grant fewer threads, the ones there take all the work. */
        const int nth = omp_get_num_threads();
        if (omp_get_thread_num() == 0)
            team = nth;
        for (int t = omp_get_thread_num(); t < TEAM; t += nth) {
            ran[t] = 1;
            active[t] = omp_in_parallel(); /* a team of one is no parallel region */
            for (int c = 0; c < PER; c++)
                ok[t][c] = run_case_quiet(&cases[t][c], msgs[t][c], sizeof msgs[t][c]);
            fw_gemm_problem p = {.m = 400, .n = 400, .k = 400, .rs_a = 1, .cs_a = 400,
                                 .rs_b = 1, .cs_b = 400, .rs_c = 1, .cs_c = 400};
            fw_gemm_plan plan;
            fw_gemm_plan_make(prec, &p, &cfg_threads, &plan);
            plan_threads[t] = plan.threads * plan.jc_ways * plan.ic_ways * plan.jr_ways;
        }
    }
    omp_set_max_active_levels(levels);
    if (team < 2)
        printf("%s: the runtime granted %d thread(s) for the parallel-region test\n",
               prec_name(prec), team);
    for (int t = 0; t < TEAM; t++) {
        if (!CHECK(ran[t], "%s: parallel region skipped share %d", prec_name(prec), t))
            continue;
        for (int c = 0; c < PER; c++)
            CHECK(ok[t][c], "inside a parallel region, share %d: %s", t, msgs[t][c]);
        CHECK(!active[t] || plan_threads[t] == 1,
              "%s: inside a parallel region the plan uses threads x ways = %d, want 1",
              prec_name(prec), plan_threads[t]);
    }
}

/* ---- argument and configuration checking ---- */

/* Calls with the given arguments and expects return value want with C byte-for-byte intact. */
static void expect_rc(fw_precision prec, int layout, int ta, int tb, int m, int n, int k, int lda,
                      int ldb, int ldc, const fw_config *cfg, int want, const char *what)
{
    enum { EL = 4096 };
    const size_t es = fw_elem_size(prec);
    void *a = xmalloc(EL * es), *b = xmalloc(EL * es);
    void *c = xmalloc(EL * es), *c0 = xmalloc(EL * es);
    for (long x = 0; x < EL; x++) {
        put(prec, a, x, 1.0);
        put(prec, b, x, 1.0);
        put(prec, c, x, x % 3 ? C_GUARD : NAN);
    }
    memcpy(c0, c, EL * es);
    int rc;
    if (prec == FW_F64)
        rc = cfg ? fw_dgemm_ex((fw_layout)layout, (fw_trans)ta, (fw_trans)tb, m, n, k, 1.0, a, lda,
                               b, ldb, 0.0, c, ldc, cfg)
                 : fw_dgemm((fw_layout)layout, (fw_trans)ta, (fw_trans)tb, m, n, k, 1.0, a, lda, b,
                            ldb, 0.0, c, ldc);
    else
        rc = cfg ? fw_sgemm_ex((fw_layout)layout, (fw_trans)ta, (fw_trans)tb, m, n, k, 1.0f, a,
                               lda, b, ldb, 0.0f, c, ldc, cfg)
                 : fw_sgemm((fw_layout)layout, (fw_trans)ta, (fw_trans)tb, m, n, k, 1.0f, a, lda,
                            b, ldb, 0.0f, c, ldc);
    CHECK(rc == want && memcmp(c, c0, EL * es) == 0,
          "%s %s: layout=%d ta=%d tb=%d m=%d n=%d k=%d lda=%d ldb=%d ldc=%d%s: returned %d, want "
          "%d%s",
          prec_name(prec), what, layout, ta, tb, m, n, k, lda, ldb, ldc, cfg ? " (cfg)" : "", rc,
          want, memcmp(c, c0, EL * es) ? "; C was modified" : "");
    free(a), free(b), free(c), free(c0);
}

static void test_invalid_args(fw_precision prec)
{
    const int M = 4, N = 5, K = 6;
    expect_rc(prec, 0, FW_NO_TRANS, FW_NO_TRANS, M, N, K, 10, 10, 10, NULL, 1, "layout 0");
    expect_rc(prec, 103, FW_NO_TRANS, FW_NO_TRANS, M, N, K, 10, 10, 10, NULL, 1, "layout 103");
    expect_rc(prec, FW_COL_MAJOR, 0, FW_NO_TRANS, M, N, K, 10, 10, 10, NULL, 2, "ta 0");
    expect_rc(prec, FW_ROW_MAJOR, 114, FW_NO_TRANS, M, N, K, 10, 10, 10, NULL, 2, "ta 114");
    expect_rc(prec, FW_COL_MAJOR, FW_TRANS, 110, M, N, K, 10, 10, 10, NULL, 3, "tb 110");
    expect_rc(prec, FW_ROW_MAJOR, FW_TRANS, 'N', M, N, K, 10, 10, 10, NULL, 3, "tb 'N'");
    expect_rc(prec, 7, 0, 0, -1, -1, -1, 0, 0, 0, NULL, 1, "everything invalid");
    for (int layout = FW_ROW_MAJOR; layout <= FW_COL_MAJOR; layout++) {
        expect_rc(prec, layout, FW_NO_TRANS, FW_NO_TRANS, -1, N, K, 10, 10, 10, NULL, 4, "m -1");
        expect_rc(prec, layout, FW_NO_TRANS, FW_NO_TRANS, M, -1, K, 10, 10, 10, NULL, 5, "n -1");
        expect_rc(prec, layout, FW_NO_TRANS, FW_NO_TRANS, M, N, -1, 10, 10, 10, NULL, 6, "k -1");
        /* The first invalid argument is the one reported. */
        expect_rc(prec, layout, FW_NO_TRANS, 9, -1, N, K, 0, 10, 10, NULL, 3, "tb, m and lda");
        expect_rc(prec, layout, FW_NO_TRANS, FW_NO_TRANS, M, N, -2, 0, 0, 0, NULL, 6, "k and lds");
        expect_rc(prec, layout, FW_NO_TRANS, FW_NO_TRANS, -1, -1, K, 10, 10, 10, NULL,
                  layout == FW_ROW_MAJOR ? 5 : 4, "m and n (row-major checks n first)");
        for (int ti = 0; ti < 3; ti++)
            for (int tj = 0; tj < 3; tj++) {
                fw_trans ta = transes[ti], tb = transes[tj];
                int ar, ac, br, bc;
                stored_dims(ta, M, K, &ar, &ac);
                stored_dims(tb, K, N, &br, &bc);
                int lda = min_ld(layout, ar, ac), ldb = min_ld(layout, br, bc),
                    ldc = min_ld(layout, M, N);
                expect_rc(prec, layout, ta, tb, M, N, K, lda - 1, ldb, ldc, NULL, 9, "lda - 1");
                expect_rc(prec, layout, ta, tb, M, N, K, lda, ldb - 1, ldc, NULL, 11, "ldb - 1");
                expect_rc(prec, layout, ta, tb, M, N, K, lda, ldb, ldc - 1, NULL, 14, "ldc - 1");
                /* Reference CBLAS order: row-major checks ldb before lda. */
                expect_rc(prec, layout, ta, tb, M, N, K, lda - 1, ldb - 1, ldc - 1, NULL,
                          layout == FW_ROW_MAJOR ? 11 : 9, "all lds - 1");
                /* Zero dimensions still need leading dimensions of at least 1. */
                expect_rc(prec, layout, ta, tb, 0, 0, 0, 0, 1, 1, NULL, 9, "m=n=k=0, lda 0");
                expect_rc(prec, layout, ta, tb, 0, 0, 0, 1, 0, 1, NULL, 11, "m=n=k=0, ldb 0");
                expect_rc(prec, layout, ta, tb, 0, 0, 0, 1, 1, 0, NULL, 14, "m=n=k=0, ldc 0");
                expect_rc(prec, layout, ta, tb, 0, 0, 0, 1, 1, 1, NULL, 0, "m=n=k=0, lds 1");
                /* With m = 0 only the k side of A counts (and so on). */
                int a0r, a0c;
                stored_dims(ta, 0, K, &a0r, &a0c);
                int lda0 = min_ld(layout, a0r, a0c);
                expect_rc(prec, layout, ta, tb, 0, N, K, lda0, ldb, min_ld(layout, 0, N), NULL, 0,
                          "m=0, smallest lds");
                if (lda0 > 1)
                    expect_rc(prec, layout, ta, tb, 0, N, K, lda0 - 1, ldb, min_ld(layout, 0, N),
                              NULL, 9, "m=0, lda - 1");
            }
    }
}

/* Configurations fw_config_check must reject, each with a message, and that the _ex entry
 * points must refuse with 15 before touching C. */
static void test_bad_configs(fw_precision prec)
{
    fw_config base;
    fw_model_config(prec, FW_CLASS_SQUARE, &base);
    const fw_kernel_info *ki = fw_kernel_at(base.gemm_kernel);
    const int mr = ki->mr, nr = ki->nr;
    fw_config bad[40];
    const char *why[40];
    int nb = 0;
#define BAD(stmt, text)                                                                       \
    do {                                                                                      \
        bad[nb] = base;                                                                       \
        fw_config *c = &bad[nb];                                                              \
        stmt;                                                                                 \
        why[nb++] = text;                                                                     \
    } while (0)
    BAD(c->gemm_kernel = -1, "gemm_kernel -1");
    BAD(c->gemm_kernel = fw_kernel_count(), "gemm_kernel past the registry");
    BAD(c->gemm_kernel = base.gemv_n_kernel, "gemm_kernel names a GEMV kernel");
    BAD(c->gemv_n_kernel = base.gemm_kernel, "gemv_n_kernel names a GEMM kernel");
    BAD(c->gemv_t_kernel = base.gemv_n_kernel, "gemv_t_kernel names a GEMV-N kernel");
    for (int i = 0; i < fw_kernel_count() && nb < 30; i++) {
        const fw_kernel_info *o = fw_kernel_at(i);
        if (o->kind == FW_KIND_GEMM && o->prec != prec) {
            BAD(c->gemm_kernel = i, "gemm_kernel of the other precision");
            break;
        }
    }
    for (int i = 0; i < fw_kernel_count() && nb < 30; i++)
        if (!fw_kernel_supported(i) && fw_kernel_at(i)->kind == FW_KIND_GEMM &&
            fw_kernel_at(i)->prec == prec) {
            BAD(c->gemm_kernel = i, "gemm_kernel this CPU cannot run");
            break;
        }
    BAD(c->mc = 0, "mc 0");
    BAD(c->mc = -mr, "mc negative");
    if (mr > 1)
        BAD(c->mc = mr + 1, "mc not a multiple of MR");
    BAD(c->nc = 0, "nc 0");
    if (nr > 1)
        BAD(c->nc = 2 * nr - 1, "nc not a multiple of NR");
    BAD(c->kc = 0, "kc 0");
    BAD(c->kc = -37, "kc negative");
    BAD(c->threads = -1, "threads negative");
    BAD((c->jc_ways = -1, c->ic_ways = -1, c->jr_ways = 1), "ways negative");
    BAD((c->jc_ways = 2, c->ic_ways = 0, c->jr_ways = 1), "ways set partly");
    /* A split whose product is not the team is accepted (the driver then chooses one): a
     * profile tuned at 2 threads serves calls on 1. */
    BAD(c->direct_max_mnk = -1, "direct_max_mnk negative");
    BAD(c->skinny_k = -1, "skinny_k negative");
    BAD(c->skinny_mn = -1, "skinny_mn negative");
    BAD(c->gemv_min_per_thread = -1, "gemv_min_per_thread negative");
#undef BAD
    for (int i = 0; i < nb; i++) {
        char msg[200] = "";
        char tiny[8];
        memset(tiny, 'x', sizeof tiny);
        int r1 = fw_config_check(prec, &bad[i], msg, sizeof msg);
        int r2 = fw_config_check(prec, &bad[i], tiny, sizeof tiny);
        int r3 = fw_config_check(prec, &bad[i], NULL, 0);
        CHECK(r1 == -1 && r2 == -1 && r3 == -1 && msg[0] && memchr(tiny, 0, sizeof tiny),
              "%s: fw_config_check accepted or mis-reported \"%s\" (%d %d %d, message \"%s\")",
              prec_name(prec), why[i], r1, r2, r3, msg);
        expect_rc(prec, FW_COL_MAJOR, FW_NO_TRANS, FW_TRANS, 9, 8, 7, 9, 8, 9, &bad[i], 15, why[i]);
        /* The configuration is checked before the quick return for m == 0 ... */
        expect_rc(prec, FW_ROW_MAJOR, FW_NO_TRANS, FW_NO_TRANS, 0, 8, 7, 7, 8, 8, &bad[i], 15,
                  why[i]);
        /* ... and after the arguments. */
        expect_rc(prec, FW_ROW_MAJOR, FW_NO_TRANS, FW_NO_TRANS, 9, 8, 7, 6, 8, 8, &bad[i], 9,
                  why[i]);
    }

    /* Configurations at the edges of validity pass. */
    fw_config good[8];
    int ng = 0;
    good[ng] = base, good[ng].mc = mr, good[ng].nc = nr, good[ng].kc = 1, ng++;
    good[ng] = base, good[ng].threads = 3, good[ng].jc_ways = 1, good[ng].ic_ways = 3,
    good[ng].jr_ways = 1, ng++;
    good[ng] = base, good[ng].threads = 0, good[ng].jc_ways = 2, good[ng].ic_ways = 2,
    good[ng].jr_ways = 1, ng++;
    good[ng] = base, good[ng].direct_max_mnk = 0, good[ng].skinny_k = 0, good[ng].skinny_mn = 0,
    ng++;
    for (int i = 0; i < ng; i++) {
        char msg[200] = "";
        CHECK(fw_config_check(prec, &good[i], msg, sizeof msg) == 0,
              "%s: valid configuration %d rejected: %s", prec_name(prec), i, msg);
    }
    for (int i = 0; i < fw_kernel_count(); i++)
        if (supported_gemm(i, prec)) {
            fw_config cfg;
            kernel_config(prec, i, &cfg);
            char msg[200] = "";
            CHECK(fw_config_check(prec, &cfg, msg, sizeof msg) == 0,
                  "%s: configuration with %s rejected: %s", prec_name(prec), fw_kernel_at(i)->name,
                  msg);
        }
}

int main(void)
{
    fw_test_seed(0x67656d6d746573ull);
    for (int p = 0; p < 2; p++) {
        const fw_precision prec = precs[p];
        test_invalid_args(prec);
        /* Everything below runs a microkernel; without one the calls would only crash. */
        if (!test_default_config(prec))
            continue;
        test_bad_configs(prec);
        test_layouts_transposes(prec);
        test_random_shapes(prec);
        test_large_k(prec);
        test_alpha_beta(prec);
        test_scaling_only(prec);
        int covered = test_every_kernel(prec);
        printf("%s: every path through %d supported GEMM microkernel(s)\n", prec_name(prec),
               covered);
        test_in_place_streams(prec);
        test_threads(prec);
        test_set_num_threads(prec);
        test_inside_parallel(prec);
    }
    return fw_test_summary();
}
