/* GEMV: every registered kernel this CPU runs, and the public fw_[sd]gemv(_ex) entry points,
 * against a long-double reference with an error bound that grows with the reduction length.
 * Unused matrix padding and the gaps of strided vectors hold NaN, so reading anything the
 * call must not read shows up as a wrong result; bytes of y the call must not write are
 * compared after every call. */
#include "fw_internal.h"
#include "testlib.h"

#include <float.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

static double getv(fw_precision p, const void *v, long i)
{
    return p == FW_F64 ? ((const double *)v)[i] : (double)((const float *)v)[i];
}

static void setv(fw_precision p, void *v, long i, double x)
{
    if (p == FW_F64)
        ((double *)v)[i] = x;
    else
        ((float *)v)[i] = (float)x;
}

/* Test data: values exactly representable in float, so both precisions see the same numbers. */
static double rnd(void) { return (double)(float)fw_test_uniform(); }

static void *xalloc(long count, fw_precision p)
{
    void *v = malloc((size_t)(count > 0 ? count : 1) * fw_elem_size(p));
    if (!v) {
        fprintf(stderr, "out of memory\n");
        exit(2);
    }
    return v;
}

static double eps_of(fw_precision p) { return p == FW_F64 ? DBL_EPSILON : FLT_EPSILON; }

static const char *pname(fw_precision p) { return p == FW_F64 ? "d" : "s"; }

/* Max over outputs of |got - ref| / bound; <= 1 passes, NaN fails. bound_i =
 * 2 * (len + 4) * eps * (|alpha| sum|a||x| + |beta y0_i|) plus the smallest normal, the usual
 * forward-error bound of a dot product of length len in any summation order. */
typedef struct {
    double worst;
    long at;
} err_stat;

static void err_update(err_stat *e, long i, double got, long double ref, long double mag,
                       long len, fw_precision p)
{
    long double bound = 2.0L * (len + 4) * eps_of(p) * mag + (p == FW_F64 ? DBL_MIN : FLT_MIN);
    double r = (double)(fabsl((long double)got - ref) / bound);
    if (!(r <= e->worst) && !(e->worst != e->worst)) {
        e->worst = r;
        e->at = i;
    }
}

/* ---- kernels, called directly ---------------------------------------------------------- */

/* One kernel on an m x n column-major matrix with leading dimension lda: y += alpha*op(A)*x.
 * Buffers are allocated to the exact size so an overread past them trips ASan. */
static void kernel_case(int index, long m, long n, long lda, double alpha)
{
    const fw_kernel *k = fw_kernel_get(index);
    const fw_precision p = k->info.prec;
    const int is_n = k->info.kind == FW_KIND_GEMV_N;
    const long xlen = is_n ? n : m, ylen = is_n ? m : n;
    const long asize = m > 0 && n > 0 ? (n - 1) * lda + m : 0;
    void *a = xalloc(asize, p), *x = xalloc(xlen, p), *y = xalloc(ylen, p);
    for (long j = 0; j < n; j++)
        for (long i = 0; i < lda && j * lda + i < asize; i++)
            setv(p, a, j * lda + i, i < m ? rnd() : NAN);
    for (long i = 0; i < xlen; i++)
        setv(p, x, i, rnd());
    long double *y0 = malloc(sizeof(long double) * (size_t)(ylen + 1));
    for (long i = 0; i < ylen; i++) {
        setv(p, y, i, rnd());
        y0[i] = getv(p, y, i);
    }
    union {
        float f;
        double d;
    } al;
    if (p == FW_F64)
        al.d = alpha;
    else
        al.f = (float)alpha;
    k->fn.gemv(m, n, &al, a, lda, x, y);

    err_stat e = {0, -1};
    const long len = xlen;
    for (long i = 0; i < ylen; i++) {
        long double s = 0, mag = 0;
        for (long q = 0; q < len; q++) {
            long double av = is_n ? getv(p, a, i + q * lda) : getv(p, a, q + i * lda);
            long double xv = getv(p, x, q);
            s += av * xv;
            mag += fabsl(av * xv);
        }
        long double ref = y0[i] + (long double)alpha * s;
        err_update(&e, i, getv(p, y, i), ref, fabsl((long double)alpha) * mag + fabsl(y0[i]), len,
                   p);
    }
    CHECK(e.worst <= 1.0, "%s m=%ld n=%ld lda=%ld alpha=%g: error %.3g of bound at y[%ld]",
          k->info.name, m, n, lda, alpha, e.worst, e.at);
    free(a);
    free(x);
    free(y);
    free(y0);
}

static void test_kernels(void)
{
    /* Around every vector length (1, 4, 8, 16) and unrolled step (up to 64) of the kernels. */
    static const long sizes[] = {1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 97};
    const int ns = (int)(sizeof sizes / sizeof sizes[0]);
    int tested = 0;
    for (int index = 0; index < fw_kernel_count(); index++) {
        const fw_kernel_info *info = fw_kernel_at(index);
        if (info->kind != FW_KIND_GEMV_N && info->kind != FW_KIND_GEMV_T)
            continue;
        if (!fw_kernel_supported(index)) {
            printf("skip %s: not supported on this CPU\n", info->name);
            continue;
        }
        tested++;
        for (int i = 0; i < ns; i++)
            for (int j = 0; j < ns; j++)
                kernel_case(index, sizes[i], sizes[j], sizes[i] + (i + j) % 3, (i + j) % 2 ? 1.0 : -0.75);
        kernel_case(index, 1001, 37, 1003, 0.5);
        kernel_case(index, 37, 1001, 40, 0.5);
        kernel_case(index, 3, 2049, 3, 1.0);
        kernel_case(index, 2049, 3, 2049, 1.0);
        kernel_case(index, 0, 5, 1, 1.0);
        kernel_case(index, 5, 0, 5, 1.0);
    }
    CHECK(tested > 0, "no GEMV kernel runs on this CPU");
}

/* ---- public entry points ----------------------------------------------------------------- */

typedef struct {
    fw_precision prec;
    fw_layout layout;
    fw_trans trans;
    int m, n, lda, incx, incy;
    double alpha, beta;
    int nan_y;          /* y starts as NaN (only meaningful with beta == 0) */
    int threads;        /* -1: plain entry point; else cfg.threads */
    int n_kernel, t_kernel; /* -2: default configuration's */
    int split_cols;     /* cfg.gemv_n_split_cols: 1 splits the columns of every threaded N call */
} api_case;

static int call(const api_case *c, const void *a, const void *x, void *y, const fw_config *cfg)
{
    if (c->prec == FW_F64)
        return cfg ? fw_dgemv_ex(c->layout, c->trans, c->m, c->n, c->alpha, a, c->lda, x, c->incx,
                                 c->beta, y, c->incy, cfg)
                   : fw_dgemv(c->layout, c->trans, c->m, c->n, c->alpha, a, c->lda, x, c->incx,
                              c->beta, y, c->incy);
    return cfg ? fw_sgemv_ex(c->layout, c->trans, c->m, c->n, (float)c->alpha, a, c->lda, x,
                             c->incx, (float)c->beta, y, c->incy, cfg)
               : fw_sgemv(c->layout, c->trans, c->m, c->n, (float)c->alpha, a, c->lda, x, c->incx,
                          (float)c->beta, y, c->incy);
}

static long absl_(long v) { return v < 0 ? -v : v; }

static void describe(const api_case *c, char *buf, size_t len)
{
    snprintf(buf, len, "%sgemv %s %s m=%d n=%d lda=%d incx=%d incy=%d alpha=%g beta=%g%s thr=%d%s",
             pname(c->prec), c->layout == FW_ROW_MAJOR ? "row" : "col",
             c->trans == FW_NO_TRANS ? "N" : c->trans == FW_TRANS ? "T" : "C", c->m, c->n, c->lda,
             c->incx, c->incy, c->alpha, c->beta, c->nan_y ? " nan-y" : "", c->threads,
             c->split_cols ? " split-cols" : "");
}

static void api_case_run(const api_case *c)
{
    const fw_precision p = c->prec;
    const int trans = c->trans != FW_NO_TRANS;
    const long xlen = trans ? c->m : c->n, ylen = trans ? c->n : c->m;
    const long srows = c->layout == FW_COL_MAJOR ? c->m : c->n;
    const long scols = c->layout == FW_COL_MAJOR ? c->n : c->m;
    const long asize = srows > 0 && scols > 0 ? (scols - 1) * c->lda + srows : 0;
    const long xspan = xlen > 0 ? (xlen - 1) * absl_(c->incx) + 1 : 0;
    const long yspan = ylen > 0 ? (ylen - 1) * absl_(c->incy) + 1 : 0;
    void *a = xalloc(asize, p), *x = xalloc(xspan, p), *y = xalloc(yspan, p);
    void *ysave = xalloc(yspan, p);
    /* alpha == 0 must not read A or x: make them all NaN then. */
    for (long j = 0; j < scols; j++)
        for (long i = 0; i < c->lda && j * c->lda + i < asize; i++)
            setv(p, a, j * c->lda + i, i < srows && c->alpha != 0 ? rnd() : NAN);
    for (long i = 0; i < xspan; i++)
        setv(p, x, i, NAN);
    const long x0 = c->incx < 0 ? (xlen - 1) * -(long)c->incx : 0;
    const long y0i = c->incy < 0 ? (ylen - 1) * -(long)c->incy : 0;
    for (long i = 0; i < xlen; i++)
        setv(p, x, x0 + i * c->incx, c->alpha != 0 ? rnd() : NAN);
    for (long i = 0; i < yspan; i++)
        setv(p, y, i, 1000.0 + i); /* gaps of strided y: must come back unchanged */
    for (long i = 0; i < ylen; i++)
        setv(p, y, y0i + i * c->incy, c->nan_y ? NAN : rnd());
    memcpy(ysave, y, (size_t)(yspan > 0 ? yspan : 1) * fw_elem_size(p));

    fw_config cfg;
    fw_model_config(p, FW_CLASS_SQUARE, &cfg);
    cfg.threads = c->threads > 0 ? c->threads : 0;
    cfg.gemv_min_per_thread = 1; /* so small cases exercise several threads too */
    cfg.gemv_n_split_cols = c->split_cols;
    if (c->n_kernel != -2)
        cfg.gemv_n_kernel = c->n_kernel;
    if (c->t_kernel != -2)
        cfg.gemv_t_kernel = c->t_kernel;
    int rc = call(c, a, x, y, c->threads < 0 ? NULL : &cfg);

    char what[200];
    describe(c, what, sizeof what);
    CHECK(rc == 0, "%s: returned %d", what, rc);

    /* Reference, in long double, and a byte compare of everything that is not an output. */
    const double al = p == FW_F64 ? c->alpha : (double)(float)c->alpha;
    const double be = p == FW_F64 ? c->beta : (double)(float)c->beta;
    const int quick = ylen == 0 || xlen == 0 || (c->alpha == 0 && c->beta == 1);
    err_stat e = {0, -1};
    int gaps_ok = 1;
    for (long i = 0; i < yspan; i++) {
        long li = (i - y0i) / c->incy;
        int is_out = ((i - y0i) % c->incy == 0) && li >= 0 && li < ylen;
        if (!is_out || quick) {
            double g = getv(p, y, i), s = getv(p, ysave, i);
            if (!(g == s || (g != g && s != s)))
                gaps_ok = 0;
        }
    }
    if (!quick) {
        for (long i = 0; i < ylen; i++) {
            long double s = 0, mag = 0;
            if (al != 0) {
                for (long q = 0; q < xlen; q++) {
                    long r = trans ? q : i, col = trans ? i : q; /* op(A)(i,q) = A(r,col) */
                    long idx = c->layout == FW_COL_MAJOR ? r + col * c->lda : r * c->lda + col;
                    long double av = getv(p, a, idx), xv = getv(p, x, x0 + q * c->incx);
                    s += av * xv;
                    mag += fabsl(av * xv);
                }
            }
            long double yo = be == 0 ? 0 : getv(p, ysave, y0i + i * c->incy);
            long double ref = (long double)al * s + (long double)be * yo;
            err_update(&e, i, getv(p, y, y0i + i * c->incy), ref,
                       fabsl((long double)al) * mag + fabsl((long double)be * yo), xlen, p);
        }
    }
    CHECK(e.worst <= 1.0, "%s: error %.3g of bound at y[%ld]", what, e.worst, e.at);
    CHECK(gaps_ok, "%s: wrote y where it must not", what);
    free(a);
    free(x);
    free(y);
    free(ysave);
}

static api_case base_case(fw_precision p)
{
    api_case c = {p, FW_COL_MAJOR, FW_NO_TRANS, 1, 1, 1, 1, 1, 1.0, 0.0, 0, -1, -2, -2, 0};
    return c;
}

/* Every layout x transpose x alpha x beta on a set of shapes, unit strides. */
static void test_api_sweep(void)
{
    static const int shapes[][2] = {{1, 1}, {1, 9}, {9, 1}, {2, 3}, {7, 5}, {16, 16},
                                    {17, 15}, {33, 65}, {65, 33}, {127, 131}, {0, 4}, {4, 0}};
    static const double alphas[] = {0, 1, -1, 0.7}, betas[] = {0, 1, -1, 0.3};
    const fw_trans ts[] = {FW_NO_TRANS, FW_TRANS, FW_CONJ_TRANS};
    const fw_layout ls[] = {FW_COL_MAJOR, FW_ROW_MAJOR};
    for (int pi = 0; pi < 2; pi++)
        for (int li = 0; li < 2; li++)
            for (int ti = 0; ti < 3; ti++)
                for (size_t si = 0; si < sizeof shapes / sizeof shapes[0]; si++)
                    for (int ai = 0; ai < 4; ai++)
                        for (int bi = 0; bi < 4; bi++) {
                            api_case c = base_case(pi ? FW_F64 : FW_F32);
                            c.layout = ls[li];
                            c.trans = ts[ti];
                            c.m = shapes[si][0];
                            c.n = shapes[si][1];
                            int srows = c.layout == FW_COL_MAJOR ? c.m : c.n;
                            c.lda = (srows > 1 ? srows : 1) + (int)(si % 3);
                            c.alpha = alphas[ai];
                            c.beta = betas[bi];
                            c.nan_y = c.beta == 0;
                            c.threads = (int)((si + ai + bi) % 4) - 1; /* plain, 1, 2, 3 */
                            c.split_cols = (int)((si + li + ai) % 2);
                            api_case_run(&c);
                        }
}

/* Random mixes of everything, including negative and non-unit increments. */
static void test_api_random(int count)
{
    static const int special[] = {0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 97, 101, 255, 257};
    static const int incs[] = {1, 1, 2, 3, -1, -2, -3, 7};
    static const double vals[] = {0, 1, -1, 0.7, -2.5};
    const int nsp = (int)(sizeof special / sizeof special[0]);
    for (int t = 0; t < count; t++) {
        api_case c = base_case(fw_test_int(0, 1) ? FW_F64 : FW_F32);
        c.layout = fw_test_int(0, 1) ? FW_ROW_MAJOR : FW_COL_MAJOR;
        c.trans = fw_test_int(0, 2) == 0 ? FW_NO_TRANS : fw_test_int(0, 1) ? FW_TRANS : FW_CONJ_TRANS;
        c.m = fw_test_int(0, 2) ? special[fw_test_int(0, nsp - 1)] : fw_test_int(0, 600);
        c.n = fw_test_int(0, 2) ? special[fw_test_int(0, nsp - 1)] : fw_test_int(0, 600);
        int srows = c.layout == FW_COL_MAJOR ? c.m : c.n;
        c.lda = (srows > 1 ? srows : 1) + (fw_test_int(0, 1) ? fw_test_int(0, 9) : 0);
        c.incx = incs[fw_test_int(0, 7)];
        c.incy = incs[fw_test_int(0, 7)];
        c.alpha = vals[fw_test_int(0, 4)];
        c.beta = vals[fw_test_int(0, 4)];
        c.nan_y = c.beta == 0 && fw_test_int(0, 1);
        c.threads = fw_test_int(-1, 3);
        c.split_cols = fw_test_int(0, 1);
        api_case_run(&c);
    }
}

/* Larger problems on 1, 2 and 3 threads: the thread split of both kernels, N's by rows and
 * by columns. */
static void test_api_large(void)
{
    static const int shapes[][2] = {{1531, 1021}, {2048, 512}, {64, 9001}, {9001, 64}};
    for (int pi = 0; pi < 2; pi++)
        for (size_t si = 0; si < sizeof shapes / sizeof shapes[0]; si++)
            for (int ti = 0; ti < 2; ti++)
                for (int thr = 1; thr <= 3; thr++)
                    for (int split = 0; split < 2; split++) {
                        api_case c = base_case(pi ? FW_F64 : FW_F32);
                        c.layout = (si + thr) % 2 ? FW_ROW_MAJOR : FW_COL_MAJOR;
                        c.trans = ti ? FW_TRANS : FW_NO_TRANS;
                        c.m = shapes[si][0];
                        c.n = shapes[si][1];
                        c.lda = (c.layout == FW_COL_MAJOR ? c.m : c.n) + (int)si;
                        c.alpha = 0.9;
                        c.beta = thr == 2 ? 0.0 : -1.0;
                        c.nan_y = c.beta == 0;
                        c.incy = thr == 3 ? -2 : 1;
                        c.incx = thr == 3 ? 3 : 1;
                        c.threads = thr;
                        c.split_cols = split;
                        api_case_run(&c);
                    }
}

/* Every supported kernel through the entry points, on a few threads: chunk edges per kernel. */
static void test_api_each_kernel(void)
{
    for (int index = 0; index < fw_kernel_count(); index++) {
        const fw_kernel_info *info = fw_kernel_at(index);
        if ((info->kind != FW_KIND_GEMV_N && info->kind != FW_KIND_GEMV_T) ||
            !fw_kernel_supported(index))
            continue;
        for (int thr = 1; thr <= 3; thr++)
            for (int layout = 0; layout < 2; layout++) {
                api_case c = base_case(info->prec);
                c.split_cols = (thr + layout) % 2;
                c.layout = layout ? FW_ROW_MAJOR : FW_COL_MAJOR;
                /* The kind that runs on the stored matrix: N for col-major no-trans. */
                int want_n = info->kind == FW_KIND_GEMV_N;
                c.trans = (want_n == !layout) ? FW_NO_TRANS : FW_TRANS;
                c.m = 203 + 7 * thr;
                c.n = 149 + 5 * thr;
                c.lda = (layout ? c.n : c.m) + 1;
                c.alpha = -0.6;
                c.beta = 0.5;
                c.threads = thr;
                c.n_kernel = want_n ? index : -2;
                c.t_kernel = want_n ? -2 : index;
                api_case_run(&c);
            }
    }
    /* A configuration that names no usable kernel falls back to the default one. */
    for (int pi = 0; pi < 2; pi++)
        for (int ti = 0; ti < 2; ti++) {
            api_case c = base_case(pi ? FW_F64 : FW_F32);
            c.trans = ti ? FW_TRANS : FW_NO_TRANS;
            c.m = 45;
            c.n = 38;
            c.lda = 45;
            c.beta = 1;
            c.threads = 2;
            c.n_kernel = -1;
            c.t_kernel = 1 << 20;
            api_case_run(&c);
        }
}

/* Which split a call takes (fw_gemv_route: team, kernel, columns split): the columns only for
 * N with a team, at or above the threshold, and with columns for two passes of the kernel. */
static void test_split_route(void)
{
    for (int pi = 0; pi < 2; pi++) {
        const fw_precision p = pi ? FW_F64 : FW_F32;
        fw_config cfg;
        fw_model_config(p, FW_CLASS_SQUARE, &cfg);
        cfg.threads = 2;
        cfg.gemv_min_per_thread = 1;
        cfg.gemv_n_split_cols = 4096;
        const long cols = 2L * fw_kernel_at(cfg.gemv_n_kernel)->mr;
        long r[FW_ROUTE_LEN];
        fw_gemv_route(p, FW_NO_TRANS, 64, 64, &cfg, r);
        CHECK(r[0] == 2 && r[2] == 1, "%s N 64x64: team %ld, split %ld", pname(p), r[0], r[2]);
        fw_gemv_route(p, FW_TRANS, 64, 64, &cfg, r);
        CHECK(r[0] == 2 && r[2] == 0, "%s T 64x64: team %ld, split %ld", pname(p), r[0], r[2]);
        fw_gemv_route(p, FW_NO_TRANS, 100, 40, &cfg, r);
        CHECK(r[0] == 2 && r[2] == 0, "%s N below the threshold: split %ld", pname(p), r[2]);
        fw_gemv_route(p, FW_NO_TRANS, 4096, (int)cols, &cfg, r);
        CHECK(r[2] == 1, "%s N with %ld columns: split %ld", pname(p), cols, r[2]);
        fw_gemv_route(p, FW_NO_TRANS, 4096, (int)cols - 1, &cfg, r);
        CHECK(r[0] == 2 && r[2] == 0, "%s N with %ld columns: team %ld, split %ld", pname(p),
              cols - 1, r[0], r[2]);
        cfg.threads = 1;
        fw_gemv_route(p, FW_NO_TRANS, 64, 64, &cfg, r);
        CHECK(r[0] == 1 && r[2] == 0, "%s N on one thread: split %ld", pname(p), r[2]);
        cfg.threads = 2;
        cfg.gemv_n_split_cols = 0;
        fw_gemv_route(p, FW_NO_TRANS, 4096, 4096, &cfg, r);
        CHECK(r[0] == 2 && r[2] == 0, "%s N with the split off: split %ld", pname(p), r[2]);
    }
}

/* Called from inside a parallel region: each thread its own problem, results still right. */
static void test_in_parallel(void)
{
    enum { M = 300, N = 170 };
    static double a[M * N], x[N], y[4][M], ref[M];
    for (int i = 0; i < M * N; i++)
        a[i] = rnd();
    for (int i = 0; i < N; i++)
        x[i] = rnd();
    for (int i = 0; i < M; i++) {
        long double s = 0;
        for (int j = 0; j < N; j++)
            s += (long double)a[i + j * M] * x[j];
        ref[i] = (double)s;
    }
    int bad[4] = {0, 0, 0, 0};
#pragma omp parallel num_threads(4)
    {
        int t = omp_get_thread_num();
        if (t < 4) {
            fw_config cfg;
            fw_model_config(FW_F64, FW_CLASS_SQUARE, &cfg);
            cfg.threads = 4;
            cfg.gemv_min_per_thread = 1;
            int rc = fw_dgemv_ex(FW_COL_MAJOR, FW_NO_TRANS, M, N, 1.0, a, M, x, 1, 0.0, y[t], 1, &cfg);
            bad[t] = rc != 0;
            for (int i = 0; i < M; i++)
                if (fabs(y[t][i] - ref[i]) > 4.0 * (N + 4) * DBL_EPSILON * N)
                    bad[t] = 1;
        }
    }
    CHECK(!bad[0] && !bad[1] && !bad[2] && !bad[3], "fw_dgemv_ex inside a parallel region");
}

/* Each invalid argument returns its CBLAS position, and y is left untouched. */
static void invalid_case(fw_precision p, int layout, int trans, int m, int n, int lda, int incx,
                         int incy, int want)
{
    double a[64], x[16], y[16], ysave[16];
    float af[64], xf[16], yf[16], yfsave[16];
    for (int i = 0; i < 64; i++)
        a[i] = af[i] = 1.0f;
    for (int i = 0; i < 16; i++) {
        x[i] = xf[i] = 1.0f;
        y[i] = ysave[i] = yf[i] = yfsave[i] = (float)(i + 0.5);
    }
    int rc;
    fw_config cfg;
    fw_model_config(p, FW_CLASS_SQUARE, &cfg);
    for (int ex = 0; ex < 2; ex++) {
        if (p == FW_F64)
            rc = ex ? fw_dgemv_ex((fw_layout)layout, (fw_trans)trans, m, n, 2.0, a, lda, x, incx,
                                  0.5, y, incy, &cfg)
                    : fw_dgemv((fw_layout)layout, (fw_trans)trans, m, n, 2.0, a, lda, x, incx, 0.5,
                               y, incy);
        else
            rc = ex ? fw_sgemv_ex((fw_layout)layout, (fw_trans)trans, m, n, 2.0f, af, lda, xf,
                                  incx, 0.5f, yf, incy, &cfg)
                    : fw_sgemv((fw_layout)layout, (fw_trans)trans, m, n, 2.0f, af, lda, xf, incx,
                               0.5f, yf, incy);
        CHECK(rc == want, "%sgemv%s layout=%d trans=%d m=%d n=%d lda=%d incx=%d incy=%d: %d, want %d",
              pname(p), ex ? "_ex" : "", layout, trans, m, n, lda, incx, incy, rc, want);
        CHECK(memcmp(y, ysave, sizeof y) == 0 && memcmp(yf, yfsave, sizeof yf) == 0,
              "%sgemv%s: y written on invalid argument %d", pname(p), ex ? "_ex" : "", want);
    }
}

static void test_invalid(void)
{
    const int C = FW_COL_MAJOR, R = FW_ROW_MAJOR, N = FW_NO_TRANS, T = FW_TRANS;
    for (int pi = 0; pi < 2; pi++) {
        fw_precision p = pi ? FW_F64 : FW_F32;
        invalid_case(p, 0, N, 2, 2, 2, 1, 1, 1);
        invalid_case(p, 103, N, 2, 2, 2, 1, 1, 1);
        invalid_case(p, C, 110, 2, 2, 2, 1, 1, 2);
        invalid_case(p, R, 114, 2, 2, 2, 1, 1, 2);
        invalid_case(p, C, N, -1, 2, 2, 1, 1, 3);
        invalid_case(p, C, T, 2, -1, 2, 1, 1, 4);
        invalid_case(p, C, N, 3, 2, 2, 1, 1, 7);  /* col-major: lda >= m */
        invalid_case(p, R, N, 2, 3, 2, 1, 1, 7);  /* row-major: lda >= n */
        invalid_case(p, C, N, 0, 2, 0, 1, 1, 7);  /* lda >= 1 even when empty */
        invalid_case(p, R, T, 2, 0, 0, 1, 1, 7);
        invalid_case(p, C, N, 2, 2, 2, 0, 1, 9);
        invalid_case(p, C, T, 2, 2, 2, 1, 0, 12);
        /* Reference order: the first invalid argument wins. */
        invalid_case(p, 0, 0, -1, -1, 0, 0, 0, 1);
        invalid_case(p, C, 0, -1, -1, 0, 0, 0, 2);
        invalid_case(p, C, N, -1, -1, 0, 0, 0, 3);
        invalid_case(p, C, N, 1, -1, 0, 0, 0, 4);
        invalid_case(p, R, N, -1, -1, 0, 0, 0, 4); /* row-major: CBLAS checks N before M */
        invalid_case(p, R, T, -1, 1, 0, 0, 0, 3);
        invalid_case(p, C, N, 2, 2, 1, 0, 0, 7);
        invalid_case(p, C, N, 2, 2, 2, 0, 0, 9);
        /* Valid corner: m = 0 and lda = 1 is fine; quick return leaves y alone. */
        invalid_case(p, C, N, 0, 3, 1, 1, 1, 0);
        invalid_case(p, R, N, 3, 0, 1, 1, 1, 0);
    }
}

int main(void)
{
    fw_test_seed(20240611);
    test_kernels();
    test_api_sweep();
    test_api_random(1500);
    test_api_large();
    test_api_each_kernel();
    test_split_route();
    test_in_parallel();
    test_invalid();
    return fw_test_summary();
}
