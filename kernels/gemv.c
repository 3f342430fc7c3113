/* GEMV driver: y = alpha * op(A) * x + beta * y with BLAS semantics, on top of the unit-stride
 * kernels of the registry (fw_gemv_fn in fw_internal.h).
 *
 * Every case is brought to one stored column-major matrix S (A itself for column-major, A^T
 * for row-major) and one of two kernels: N (y += alpha*S*x) or T (y += alpha*S^T*x). Strided
 * vectors are gathered into a small scratch so the kernels only see unit strides. Threads
 * split the output vector, so no reduction between threads is needed, except for a large N
 * problem (see gemv_n_split_cols in fw_config): there each thread reads its own columns of A,
 * one contiguous stretch of memory, and the threads' partial sums of y are added at the end.
 * Split by rows, each thread streams its columns in pieces of m/threads elements; measured
 * on 2 threads, sgemv N read 4096^2 1.11-1.15x faster split by columns, while at 512^2 the
 * extra barrier and sums made the column split 0.82-0.88x (README, "Native API"). */
#include "fw_internal.h"

#include <omp.h>
#include <stdlib.h>
#include <string.h>

/* Thread chunks of y (N kernel) are multiples of this many bytes: whole cache lines and whole
 * unrolled row steps of the kernels, so every chunk but the last runs the main loop only. */
#define GEMV_N_GRAIN_BYTES 256

/* Scratch up to this many bytes lives on the stack (no malloc for small strided calls). */
#define GEMV_STACK_BYTES 2048

typedef struct {
    fw_precision prec;
    int use_n;           /* 1: N kernel on S; 0: T kernel on S */
    long rows, cols;     /* S is rows x cols, column-major, leading dimension lda */
    long lda;
    long xlen, ylen;
    const void *alpha, *beta;
    int alpha_zero;
    const void *a;
    const char *x;       /* logical element 0 of x and y (see vec_base) */
    long incx;
    char *y;
    long incy;
} gemv_problem;

static int is_value(fw_precision p, const void *v, double want)
{
    return p == FW_F64 ? *(const double *)v == want : *(const float *)v == (float)want;
}

/* Address of logical element 0 of a BLAS vector: with inc < 0 it is the last one in memory. */
static const char *vec_base(const void *v, long len, long inc, size_t esz)
{
    return (const char *)v + (inc < 0 ? (1 - len) * inc * (long)esz : 0);
}

static void vec_gather(fw_precision p, long len, const char *src, long inc, void *dst)
{
    if (p == FW_F64) {
        const double *s = (const double *)src;
        double *d = (double *)dst;
        for (long i = 0; i < len; i++)
            d[i] = s[i * inc];
    } else {
        const float *s = (const float *)src;
        float *d = (float *)dst;
        for (long i = 0; i < len; i++)
            d[i] = s[i * inc];
    }
}

static void vec_scatter(fw_precision p, long len, const void *src, char *dst, long inc)
{
    if (p == FW_F64) {
        const double *s = (const double *)src;
        double *d = (double *)dst;
        for (long i = 0; i < len; i++)
            d[i * inc] = s[i];
    } else {
        const float *s = (const float *)src;
        float *d = (float *)dst;
        for (long i = 0; i < len; i++)
            d[i * inc] = s[i];
    }
}

/* dst[i] += src[i] */
static void vec_add(fw_precision p, long len, const void *src, void *dst)
{
    if (p == FW_F64) {
        const double *s = (const double *)src;
        double *d = (double *)dst;
        for (long i = 0; i < len; i++)
            d[i] += s[i];
    } else {
        const float *s = (const float *)src;
        float *d = (float *)dst;
        for (long i = 0; i < len; i++)
            d[i] += s[i];
    }
}

/* dst[i*incd] = beta * src[i*incs], with beta == 0 giving exact zeros (src not read, so NaN
 * in y does not leak) and beta == 1 a plain copy (nothing at all when in place). */
static void y_prepare(fw_precision p, long len, const void *beta, const char *src, long incs,
                      char *dst, long incd)
{
    const int one = is_value(p, beta, 1.0), zero = is_value(p, beta, 0.0);
    if (one && src == dst && incs == incd)
        return;
    if (p == FW_F64) {
        const double b = *(const double *)beta, *s = (const double *)src;
        double *d = (double *)dst;
        for (long i = 0; i < len; i++)
            d[i * incd] = zero ? 0.0 : one ? s[i * incs] : b * s[i * incs];
    } else {
        const float b = *(const float *)beta, *s = (const float *)src;
        float *d = (float *)dst;
        for (long i = 0; i < len; i++)
            d[i * incd] = zero ? 0.0f : one ? s[i * incs] : b * s[i * incs];
    }
}

/* Registry index of the kernel for a kind, trusting the configuration only when the entry
 * is of the right kind and precision and runs on this CPU; otherwise the default of the
 * active ISA. -1 when there is none. */
static int pick_kernel(fw_kernel_kind kind, fw_precision prec, int index)
{
    const fw_kernel *k = fw_kernel_get(index);
    if (k && k->info.kind == kind && k->info.prec == prec && fw_kernel_supported(index))
        return k->fn.gemv ? index : -1;
    int i = fw_kernel_first(kind, prec, fw_active_isa());
    if (i < 0)
        i = fw_kernel_first(kind, prec, FW_ISA_GENERIC);
    return i >= 0 && fw_kernel_get(i)->fn.gemv ? i : -1;
}

/* Last resort when no kernel or no scratch is available: plain loops on the strided vectors. */
#define GEMV_STRIDED_LOOPS(T)                                                                   \
    do {                                                                                        \
        const T al = *(const T *)g->alpha;                                                      \
        const T *s = (const T *)g->a, *x = (const T *)g->x;                                     \
        T *y = (T *)g->y;                                                                       \
        if (g->use_n) {                                                                         \
            for (long j = 0; j < g->cols; j++) {                                                \
                const T t = al * x[j * g->incx];                                               \
                for (long i = 0; i < g->rows; i++)                                              \
                    y[i * g->incy] += t * s[i + j * g->lda];                                    \
            }                                                                                   \
        } else {                                                                                \
            for (long j = 0; j < g->cols; j++) {                                                \
                T t = 0;                                                                        \
                for (long i = 0; i < g->rows; i++)                                              \
                    t += s[i + j * g->lda] * x[i * g->incx];                                    \
                y[j * g->incy] += al * t;                                                       \
            }                                                                                   \
        }                                                                                       \
    } while (0)

static void gemv_strided(const gemv_problem *g)
{
    y_prepare(g->prec, g->ylen, g->beta, g->y, g->incy, g->y, g->incy);
    if (g->alpha_zero)
        return;
    if (g->prec == FW_F64)
        GEMV_STRIDED_LOOPS(double);
    else
        GEMV_STRIDED_LOOPS(float);
}

/* One thread's share: output entries [lo, hi) of y. ybuf is the unit-stride copy of y when
 * incy != 1, else NULL; xk is x at unit stride. */
static void gemv_chunk(const gemv_problem *g, fw_gemv_fn kern, const void *xk, char *ybuf,
                       long lo, long hi)
{
    const size_t esz = fw_elem_size(g->prec);
    char *yk;
    if (ybuf) {
        yk = ybuf + lo * (long)esz;
        y_prepare(g->prec, hi - lo, g->beta, g->y + lo * g->incy * (long)esz, g->incy, yk, 1);
    } else {
        yk = g->y + lo * (long)esz;
        y_prepare(g->prec, hi - lo, g->beta, yk, 1, yk, 1);
    }
    if (!g->alpha_zero) {
        const char *a = (const char *)g->a;
        if (g->use_n)
            kern(hi - lo, g->cols, g->alpha, a + lo * (long)esz, g->lda, xk, yk);
        else
            kern(g->rows, hi - lo, g->alpha, a + lo * g->lda * (long)esz, g->lda, xk, yk);
    }
    if (ybuf)
        vec_scatter(g->prec, hi - lo, yk, g->y + lo * g->incy * (long)esz, g->incy);
}

/* Thread t's part [lo, hi) of [0, len) split over tn threads, parts a multiple of grain
 * (the last may be shorter, a part past the end is empty). */
static void thread_share(long len, long grain, long t, long tn, long *lo, long *hi)
{
    long part = (len + tn - 1) / tn;
    part = (part + grain - 1) / grain * grain;
    *lo = t * part < len ? t * part : len;
    *hi = *lo + part < len ? *lo + part : len;
}

/* One thread's share of an N problem whose columns the team splits, called by every thread
 * of the team: thread 0 adds its columns' products to y itself (after beta), every other
 * thread to its own partial sums, which after a barrier each thread adds into its rows of y.
 * ybuf and xk as for gemv_chunk; partials holds a vector of part_bytes per thread but the
 * first; grain: columns per thread are a multiple of it. */
static void gemv_columns_share(const gemv_problem *g, fw_gemv_fn kern, const void *xk,
                               char *ybuf, char *partials, size_t part_bytes, long grain)
{
    const long esz = (long)fw_elem_size(g->prec);
    const int t = omp_get_thread_num(), tn = omp_get_num_threads();
    long lo, hi;
    thread_share(g->cols, grain, t, tn, &lo, &hi);
    char *yk = ybuf ? ybuf : g->y;
    char *sum = t == 0 ? yk : partials + (size_t)(t - 1) * part_bytes;
    if (t == 0)
        y_prepare(g->prec, g->ylen, g->beta, g->y, g->incy, yk, 1);
    else
        memset(sum, 0, (size_t)(g->ylen * esz)); /* all-zero bits: +0.0 */
    if (lo < hi)
        kern(g->rows, hi - lo, g->alpha, (const char *)g->a + lo * g->lda * esz, g->lda,
             (const char *)xk + lo * esz, sum);
#pragma omp barrier
    long rlo, rhi;
    thread_share(g->ylen, FW_LINE_BYTES / esz, t, tn, &rlo, &rhi); /* whole cache lines of y */
    if (rlo >= rhi)
        return;
    for (int u = 1; u < tn; u++)
        vec_add(g->prec, rhi - rlo, partials + (size_t)(u - 1) * part_bytes + rlo * esz,
                yk + rlo * esz);
    if (ybuf)
        vec_scatter(g->prec, rhi - rlo, ybuf + rlo * esz, g->y + rlo * g->incy * esz, g->incy);
}

/* What a call runs: the kernel (registry index, -1: none, so plain loops), the grain of
 * the split of y, the team, and whether the team splits the columns of S instead (N only;
 * the grain is then a number of columns). */
typedef struct {
    int kernel;
    long grain;
    int threads;
    int split_cols;
} gemv_plan;

static void gemv_plan_make(const gemv_problem *g, const fw_config *cfg, gemv_plan *p)
{
    p->kernel = -1;
    p->grain = 1;
    p->threads = 1;
    p->split_cols = 0;
    if (g->alpha_zero) /* only y is scaled */
        return;
    p->kernel = g->use_n ? pick_kernel(FW_KIND_GEMV_N, g->prec, cfg->gemv_n_kernel)
                         : pick_kernel(FW_KIND_GEMV_T, g->prec, cfg->gemv_t_kernel);
    if (p->kernel < 0)
        return;
    /* N: whole cache lines and unrolled row steps per thread, or whole passes of the columns
     * in flight. T: whole in-flight blocks of columns, and whole cache lines of y per thread. */
    const long esz = (long)fw_elem_size(g->prec), line = FW_LINE_BYTES / esz;
    const long mr = fw_kernel_get(p->kernel)->info.mr, inflight = mr > 0 ? mr : 1;
    /* Columns are split only by a team, which the checks below may still deny. */
    const int by_cols = g->use_n && cfg->gemv_n_split_cols > 0 &&
                        g->rows * g->cols >= cfg->gemv_n_split_cols && g->cols >= 2 * inflight;
    p->grain = by_cols    ? inflight
               : g->use_n ? GEMV_N_GRAIN_BYTES / esz
               : line % inflight == 0 ? line
                                      : inflight;
    if (omp_in_parallel())
        return;
    long nt = ((by_cols ? g->cols : g->ylen) + p->grain - 1) / p->grain;
    if (cfg->gemv_min_per_thread > 0) {
        long by_work = g->rows * g->cols / cfg->gemv_min_per_thread;
        if (nt > by_work)
            nt = by_work;
    }
    if (nt <= 1) /* small problems never ask for the default count (it reads the environment) */
        return;
    long want = cfg->threads > 0 ? cfg->threads : fw_default_threads();
    p->threads = (int)(want < nt ? want : nt);
    p->split_cols = by_cols && p->threads > 1;
}

void fw_gemv_route(fw_precision prec, fw_trans ta, int m, int n, const fw_config *cfg,
                   long route[FW_ROUTE_LEN])
{
    const int trans = ta != FW_NO_TRANS;
    gemv_problem g = {.prec = prec, .use_n = !trans, .rows = m, .cols = n, .xlen = trans ? m : n,
                      .ylen = trans ? n : m};
    gemv_plan p;
    gemv_plan_make(&g, cfg, &p);
    memset(route, 0, FW_ROUTE_LEN * sizeof *route);
    route[0] = p.threads;
    route[1] = p.kernel;
    route[2] = p.split_cols;
}

static int gemv_generic(fw_precision prec, fw_layout layout, fw_trans ta, int m, int n,
                        const void *alpha, const void *a, int lda, const void *x, int incx,
                        const void *beta, void *y, int incy, const fw_config *cfg)
{
    /* Argument checks in the reference CBLAS order (row-major runs the Fortran checks on the
     * transposed problem, so N comes before M); the value is the CBLAS position. */
    if (layout != FW_ROW_MAJOR && layout != FW_COL_MAJOR)
        return 1;
    if (ta != FW_NO_TRANS && ta != FW_TRANS && ta != FW_CONJ_TRANS)
        return 2;
    const int row = layout == FW_ROW_MAJOR;
    if ((row ? n : m) < 0)
        return row ? 4 : 3;
    if ((row ? m : n) < 0)
        return row ? 3 : 4;
    const int stored_rows = layout == FW_COL_MAJOR ? m : n;
    if (lda < (stored_rows > 1 ? stored_rows : 1))
        return 7;
    if (incx == 0)
        return 9;
    if (incy == 0)
        return 12;
    if (m == 0 || n == 0 || (is_value(prec, alpha, 0.0) && is_value(prec, beta, 1.0)))
        return 0;

    if (!cfg)
        cfg = fw_class_config_ref(prec, fw_gemv_class(layout, ta));

    const int trans = ta != FW_NO_TRANS;
    const size_t esz = fw_elem_size(prec);
    gemv_problem g;
    g.prec = prec;
    /* Row-major A is column-major A^T: the transpose flips and the dimensions swap. */
    g.use_n = (layout == FW_COL_MAJOR) != trans;
    g.rows = layout == FW_COL_MAJOR ? m : n;
    g.cols = layout == FW_COL_MAJOR ? n : m;
    g.lda = lda;
    g.xlen = trans ? m : n;
    g.ylen = trans ? n : m;
    g.alpha = alpha;
    g.beta = beta;
    g.alpha_zero = is_value(prec, alpha, 0.0);
    g.a = a;
    g.incx = incx;
    g.incy = incy;
    g.x = vec_base(x, g.xlen, incx, esz);
    g.y = (char *)vec_base(y, g.ylen, incy, esz);

    gemv_plan plan;
    gemv_plan_make(&g, cfg, &plan);
    const fw_gemv_fn kern = plan.kernel >= 0 ? fw_kernel_get(plan.kernel)->fn.gemv : NULL;
    if (!g.alpha_zero && !kern) {
        gemv_strided(&g);
        return 0;
    }

    /* Scratch: x at unit stride (only when A is read), then y at unit stride, then the
     * partial sums of every thread but the first when the columns are split. Each from a
     * 64-byte boundary, so thread chunks of y do not share lines. */
    const long xs = (!g.alpha_zero && incx != 1) ? g.xlen : 0;
    const long ys = incy != 1 ? g.ylen : 0;
    const size_t yoff = ((size_t)xs * esz + 63) & ~(size_t)63;
    const size_t poff = (yoff + (size_t)ys * esz + 63) & ~(size_t)63;
    const size_t part_bytes = ((size_t)g.ylen * esz + 63) & ~(size_t)63;
    const size_t bytes = poff + (plan.split_cols ? (size_t)(plan.threads - 1) * part_bytes : 0);
    _Alignas(64) char stack_buf[GEMV_STACK_BYTES];
    char *scratch = NULL, *heap = NULL;
    if (bytes > sizeof stack_buf) {
        heap = (char *)aligned_alloc(64, (bytes + 63) & ~(size_t)63); /* size: multiple of 64 */
        if (!heap) {
            gemv_strided(&g);
            return 0;
        }
        scratch = heap;
    } else if (bytes) {
        scratch = stack_buf;
    }
    const void *xk = g.x;
    if (xs) {
        vec_gather(prec, xs, g.x, incx, scratch);
        xk = scratch;
    }
    char *ybuf = ys ? scratch + yoff : NULL;

    const long grain = plan.grain;
    const int nt = plan.threads;
    const int home = nt > 1 ? fw_pin_home(cfg->bind) : 0;
    if (nt <= 1) {
        gemv_chunk(&g, kern, xk, ybuf, 0, g.ylen);
    } else if (plan.split_cols) {
#pragma omp parallel num_threads(nt)
        {
            fw_pin_thread(omp_get_thread_num(), omp_get_num_threads(), cfg->bind, home);
            gemv_columns_share(&g, kern, xk, ybuf, scratch + poff, part_bytes, grain);
        }
    } else {
#pragma omp parallel num_threads(nt)
        {
            const int t = omp_get_thread_num(), tn = omp_get_num_threads();
            fw_pin_thread(t, tn, cfg->bind, home);
            long lo, hi;
            thread_share(g.ylen, grain, t, tn, &lo, &hi);
            if (lo < hi)
                gemv_chunk(&g, kern, xk, ybuf, lo, hi);
        }
    }
    free(heap);
    return 0;
}

int fw_sgemv_ex(fw_layout layout, fw_trans ta, int m, int n, float alpha, const float *a,
                int lda, const float *x, int incx, float beta, float *y, int incy,
                const fw_config *cfg)
{
    return gemv_generic(FW_F32, layout, ta, m, n, &alpha, a, lda, x, incx, &beta, y, incy, cfg);
}

int fw_dgemv_ex(fw_layout layout, fw_trans ta, int m, int n, double alpha, const double *a,
                int lda, const double *x, int incx, double beta, double *y, int incy,
                const fw_config *cfg)
{
    return gemv_generic(FW_F64, layout, ta, m, n, &alpha, a, lda, x, incx, &beta, y, incy, cfg);
}

int fw_sgemv(fw_layout layout, fw_trans ta, int m, int n, float alpha, const float *a, int lda,
             const float *x, int incx, float beta, float *y, int incy)
{
    return fw_sgemv_ex(layout, ta, m, n, alpha, a, lda, x, incx, beta, y, incy, NULL);
}

int fw_dgemv(fw_layout layout, fw_trans ta, int m, int n, double alpha, const double *a,
             int lda, const double *x, int incx, double beta, double *y, int incy)
{
    return fw_dgemv_ex(layout, ta, m, n, alpha, a, lda, x, incx, beta, y, incy, NULL);
}
