/* Valid calls through the standard entry points: sgemm_, dgemm_, sgemv_, dgemv_ (every
 * transpose character, either case, 'C' included), cblas_sgemm, cblas_dgemm, cblas_sgemv,
 * cblas_dgemv (both layouts, every transpose), against a naive long double reference, with
 * the reference BLAS semantics: beta == 0 ignores C and y (NaN does not leak), alpha == 0
 * only scales and reads neither A, B nor x, empty problems and k == 0 with beta == 1 leave C
 * as it was; nothing is written outside the logical output (padding, strides).
 *
 * Then the shared library: dlopen()ed from FW_LIB_SO, or from <build>/libflopwatt.so next to
 * this program's tests/ folder, it must export the eight entry points as global functions and
 * xerbla_ and cblas_xerbla as weak ones, compute through them, and print the reference
 * messages from its default handlers. */
#include "fw_cblas.h"
#include "testlib.h"

#include <dlfcn.h>
#include <elf.h>
#include <float.h>
#include <link.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { F77 = 0, CBLAS = 1 };
enum { ROW = CblasRowMajor, COL = CblasColMajor };
enum { NAN_OUT = 1, NAN_IN = 2 }; /* fill C / y, or A, B / A, x with NaN */

static int is_trans(char t) { return t != 'N' && t != 'n'; }

static CBLAS_TRANSPOSE cblas_trans(char t)
{
    return t == 'N' || t == 'n' ? CblasNoTrans : t == 'T' || t == 't' ? CblasTrans : CblasConjTrans;
}

/* A logical rows x cols matrix in a layout: element (i, j) at i + j*ld (column-major) or
 * i*ld + j (row-major). Storage is exact, so ASan sees a read past the last element. */
typedef struct {
    int rows, cols, ld, row_major;
    size_t len;
} shape;

static shape make_shape(int rows, int cols, int layout, int pad)
{
    shape s = {rows, cols, 0, layout == ROW, 0};
    const int line = s.row_major ? cols : rows, lines = s.row_major ? rows : cols;
    s.ld = (line > 1 ? line : 1) + pad;
    s.len = line == 0 || lines == 0 ? 0 : (size_t)(lines - 1) * s.ld + line;
    return s;
}

static size_t at(const shape *s, int i, int j)
{
    return s->row_major ? (size_t)i * s->ld + j : (size_t)j * s->ld + i;
}

/* Position of logical element i of a BLAS vector of length len. */
static size_t vat(int i, int len, int inc) { return inc > 0 ? (size_t)i * inc : (size_t)(len - 1 - i) * -inc; }

static size_t vlen(int len, int inc) { return len == 0 ? 0 : 1 + (size_t)(len - 1) * abs(inc); }

/* Test values are representable in float, so both precisions see the same operands. */
static double value(int nan)
{
    return nan ? NAN : (double)(float)fw_test_uniform();
}

/* Buffers of both precisions; at least one element so malloc never gets 0. */
typedef struct {
    double *d;
    float *f;
    size_t n;
} buf;

static buf buf_new(size_t n, int nan)
{
    buf b = {malloc((n ? n : 1) * sizeof(double)), malloc((n ? n : 1) * sizeof(float)), n};
    for (size_t i = 0; i < n; i++) {
        b.d[i] = value(nan);
        b.f[i] = (float)b.d[i];
    }
    return b;
}

static void buf_free(buf *b)
{
    free(b->d);
    free(b->f);
}

/* Output checks shared by GEMM and GEMV. out0 is the output before the call (double copy),
 * mask[i] marks the logical elements, ref/bound the expected values. exact: the result must
 * be fl(beta * out0) (alpha == 0 or an empty sum); same: the buffer must be unchanged. */
static void check_output(const char *what, int dbl, const buf *out, const double *out0,
                         const void *bytes0, const unsigned char *mask, const long double *ref,
                         const long double *bound, double beta, int exact, int same)
{
    const size_t esz = dbl ? sizeof(double) : sizeof(float);
    const unsigned char *now = dbl ? (const void *)out->d : (const void *)out->f;
    const unsigned char *old = bytes0;
    size_t outside = 0, bad = 0, first = 0;
    double worst = 0;
    for (size_t i = 0; i < out->n; i++) {
        const int changed = memcmp(now + i * esz, old + i * esz, esz) != 0;
        if (!mask[i] || same) {
            outside += changed;
            continue;
        }
        const double got = dbl ? out->d[i] : (double)out->f[i];
        int ok;
        if (exact) {
            const double want = beta == 0 ? 0.0
                                : dbl     ? beta * out0[i]
                                          : (double)((float)beta * (float)out0[i]);
            ok = got == want;
        } else {
            const long double err = fabsl((long double)got - ref[i]);
            ok = err <= bound[i];
            if (ok && bound[i] > 0 && (double)(err / bound[i]) > worst)
                worst = (double)(err / bound[i]);
        }
        if (!ok && bad++ == 0)
            first = i;
    }
    CHECK(outside == 0, "%s: %zu element(s) written outside the result%s", what, outside,
          same ? " (must be unchanged)" : "");
    CHECK(bad == 0, "%s: %zu wrong element(s); first at %zu: got %.17g, want %.17Lg (bound %.3Lg)",
          what, bad, first, dbl ? out->d[first] : (double)out->f[first], ref[first],
          bound[first]);
    (void)worst;
}

/* ---- GEMM ------------------------------------------------------------------------------ */

static void run_gemm(int api, int dbl, int layout, char ta, char tb, int m, int n, int k,
                     int pad, double alpha, double beta, int nan)
{
    char what[160];
    snprintf(what, sizeof what, "%s%s %s %c%c m=%d n=%d k=%d pad=%d alpha=%g beta=%g%s%s",
             api == F77 ? "" : "cblas_", dbl ? (api == F77 ? "dgemm_" : "dgemm")
                                             : (api == F77 ? "sgemm_" : "sgemm"),
             layout == ROW ? "row" : "col", ta, tb, m, n, k, pad, alpha, beta,
             nan & NAN_OUT ? " NaN-C" : "", nan & NAN_IN ? " NaN-AB" : "");

    const shape sa = is_trans(ta) ? make_shape(k, m, layout, pad) : make_shape(m, k, layout, pad);
    const shape sb = is_trans(tb) ? make_shape(n, k, layout, pad) : make_shape(k, n, layout, pad);
    const shape sc = make_shape(m, n, layout, pad);
    buf a = buf_new(sa.len, nan & NAN_IN), b = buf_new(sb.len, nan & NAN_IN);
    buf c = buf_new(sc.len, nan & NAN_OUT);

    unsigned char *mask = calloc(sc.len + 1, 1);
    long double *ref = calloc(sc.len + 1, sizeof *ref), *bound = calloc(sc.len + 1, sizeof *bound);
    double *c0 = malloc((sc.len + 1) * sizeof *c0);
    void *bytes0 = malloc((sc.len + 1) * (dbl ? sizeof(double) : sizeof(float)));
    for (size_t i = 0; i < sc.len; i++) {
        c.d[i] = value(nan & NAN_OUT);
        c.f[i] = (float)c.d[i];
    }
    /* Padding gets a value a computation would not leave there. */
    for (int j = 0; j < n; j++)
        for (int i = 0; i < m; i++)
            mask[at(&sc, i, j)] = 1;
    for (size_t i = 0; i < sc.len; i++)
        if (!mask[i])
            c.d[i] = c.f[i] = 12345.0f;
    memcpy(c0, c.d, sc.len * sizeof *c0);
    memcpy(bytes0, dbl ? (void *)c.d : (void *)c.f, sc.len * (dbl ? sizeof(double) : sizeof(float)));

    const double eps = dbl ? DBL_EPSILON : FLT_EPSILON;
    for (int j = 0; j < n; j++)
        for (int i = 0; i < m; i++) {
            const size_t ic = at(&sc, i, j);
            long double acc = 0, mag = 0;
            if (alpha != 0)
                for (int l = 0; l < k; l++) {
                    const long double x = is_trans(ta) ? a.d[at(&sa, l, i)] : a.d[at(&sa, i, l)];
                    const long double y = is_trans(tb) ? b.d[at(&sb, j, l)] : b.d[at(&sb, l, j)];
                    acc += x * y;
                    mag += fabsl(x * y);
                }
            const long double cterm = beta == 0 ? 0 : (long double)beta * c0[ic];
            ref[ic] = (long double)alpha * acc + cterm;
            bound[ic] = (k + 2) * eps * (fabsl((long double)alpha) * mag + fabsl(cterm));
        }

    const int lda = sa.ld, ldb = sb.ld, ldc = sc.ld;
    if (api == F77) {
        if (dbl) {
            dgemm_(&ta, &tb, &m, &n, &k, &alpha, a.d, &lda, b.d, &ldb, &beta, c.d, &ldc, 1, 1);
        } else {
            const float fa = (float)alpha, fb = (float)beta;
            sgemm_(&ta, &tb, &m, &n, &k, &fa, a.f, &lda, b.f, &ldb, &fb, c.f, &ldc, 1, 1);
        }
    } else if (dbl) {
        cblas_dgemm((CBLAS_LAYOUT)layout, cblas_trans(ta), cblas_trans(tb), m, n, k, alpha, a.d,
                    lda, b.d, ldb, beta, c.d, ldc);
    } else {
        cblas_sgemm((CBLAS_LAYOUT)layout, cblas_trans(ta), cblas_trans(tb), m, n, k,
                    (float)alpha, a.f, lda, b.f, ldb, (float)beta, c.f, ldc);
    }

    const int empty_sum = alpha == 0 || k == 0;
    check_output(what, dbl, &c, c0, bytes0, mask, ref, bound, beta, empty_sum,
                 m == 0 || n == 0 || (empty_sum && beta == 1));
    buf_free(&a);
    buf_free(&b);
    buf_free(&c);
    free(mask);
    free(ref);
    free(bound);
    free(c0);
    free(bytes0);
}

static void test_gemm(void)
{
    static const char f77_trans[] = "NnTtCc", cblas_trans_chars[] = "NTC";
    for (int dbl = 0; dbl <= 1; dbl++) {
        /* Every transpose pair, tight and padded leading dimensions. */
        for (int i = 0; f77_trans[i]; i++)
            for (int j = 0; f77_trans[j]; j++)
                run_gemm(F77, dbl, COL, f77_trans[i], f77_trans[j], 13, 11, 7, (i + j) % 2 * 3,
                         0.75, -1.25, 0);
        for (int layout = ROW; layout <= COL; layout++)
            for (int i = 0; cblas_trans_chars[i]; i++)
                for (int j = 0; cblas_trans_chars[j]; j++)
                    for (int pad = 0; pad <= 2; pad += 2)
                        run_gemm(CBLAS, dbl, layout, cblas_trans_chars[i], cblas_trans_chars[j],
                                 13, 11, 7, pad, 0.75, -1.25, 0);

        /* Shapes that take the driver's direct, skinny and blocked paths. */
        static const int shapes[][3] = {{1, 1, 1},  {1, 17, 5},  {17, 1, 5},   {64, 1, 64},
                                        {5, 7, 1},  {200, 3, 50}, {3, 200, 50}, {35, 300, 2},
                                        {97, 83, 130}};
        for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
            for (int t = 0; t < 4; t++) {
                const char ta = t & 1 ? 'T' : 'N', tb = t & 2 ? 'T' : 'N';
                const int m = shapes[s][0], n = shapes[s][1], k = shapes[s][2];
                run_gemm(F77, dbl, COL, ta, tb, m, n, k, 1, 1.0, 0.5, 0);
                run_gemm(CBLAS, dbl, COL, ta, tb, m, n, k, 0, -0.5, 1.0, 0);
                run_gemm(CBLAS, dbl, ROW, ta, tb, m, n, k, 3, 2.0, 0.0, 0);
            }

        for (int api = F77; api <= CBLAS; api++)
            for (int layout = ROW; layout <= COL; layout++) {
                if (api == F77 && layout == ROW)
                    continue;
                /* beta == 0: C is not read. */
                run_gemm(api, dbl, layout, 'N', 'T', 23, 19, 11, 2, 1.5, 0.0, NAN_OUT);
                run_gemm(api, dbl, layout, 'T', 'N', 70, 50, 40, 0, -1.0, 0.0, NAN_OUT);
                /* alpha == 0: C = beta*C, A and B not read. */
                run_gemm(api, dbl, layout, 'N', 'N', 23, 19, 11, 1, 0.0, 0.5, NAN_IN);
                run_gemm(api, dbl, layout, 'T', 'T', 23, 19, 11, 0, 0.0, 0.0, NAN_IN | NAN_OUT);
                run_gemm(api, dbl, layout, 'N', 'T', 23, 19, 11, 0, 0.0, 1.0, NAN_IN);
                /* Quick returns, and k == 0 scaling only. */
                run_gemm(api, dbl, layout, 'N', 'N', 0, 5, 3, 1, 1.0, 1.0, 0);
                run_gemm(api, dbl, layout, 'N', 'N', 5, 0, 3, 1, 1.0, 2.0, 0);
                run_gemm(api, dbl, layout, 'T', 'N', 0, 0, 0, 0, 1.0, 0.0, NAN_OUT);
                run_gemm(api, dbl, layout, 'N', 'N', 5, 4, 0, 1, 1.0, 1.0, 0);
                run_gemm(api, dbl, layout, 'N', 'T', 5, 4, 0, 0, 1.0, 2.0, 0);
                run_gemm(api, dbl, layout, 'T', 'T', 5, 4, 0, 2, 1.0, 0.0, NAN_OUT);
            }
    }
}

/* ---- GEMV ------------------------------------------------------------------------------ */

static void run_gemv(int api, int dbl, int layout, char trans, int m, int n, int pad, int incx,
                     int incy, double alpha, double beta, int nan)
{
    char what[160];
    snprintf(what, sizeof what, "%s%s %s %c m=%d n=%d pad=%d incx=%d incy=%d alpha=%g beta=%g%s%s",
             api == F77 ? "" : "cblas_", dbl ? (api == F77 ? "dgemv_" : "dgemv")
                                             : (api == F77 ? "sgemv_" : "sgemv"),
             layout == ROW ? "row" : "col", trans, m, n, pad, incx, incy, alpha, beta,
             nan & NAN_OUT ? " NaN-y" : "", nan & NAN_IN ? " NaN-Ax" : "");

    const int t = is_trans(trans), lenx = t ? m : n, leny = t ? n : m;
    const shape sa = make_shape(m, n, layout, pad);
    buf a = buf_new(sa.len, nan & NAN_IN), x = buf_new(vlen(lenx, incx), nan & NAN_IN);
    buf y = buf_new(vlen(leny, incy), nan & NAN_OUT);

    unsigned char *mask = calloc(y.n + 1, 1);
    long double *ref = calloc(y.n + 1, sizeof *ref), *bound = calloc(y.n + 1, sizeof *bound);
    double *y0 = malloc((y.n + 1) * sizeof *y0);
    void *bytes0 = malloc((y.n + 1) * (dbl ? sizeof(double) : sizeof(float)));
    for (int i = 0; i < leny; i++)
        mask[vat(i, leny, incy)] = 1;
    for (size_t i = 0; i < y.n; i++)
        if (!mask[i])
            y.d[i] = y.f[i] = 12345.0f;
    memcpy(y0, y.d, y.n * sizeof *y0);
    memcpy(bytes0, dbl ? (void *)y.d : (void *)y.f, y.n * (dbl ? sizeof(double) : sizeof(float)));

    const double eps = dbl ? DBL_EPSILON : FLT_EPSILON;
    for (int i = 0; i < leny; i++) {
        const size_t iy = vat(i, leny, incy);
        long double acc = 0, mag = 0;
        if (alpha != 0)
            for (int j = 0; j < lenx; j++) {
                const long double aij = t ? a.d[at(&sa, j, i)] : a.d[at(&sa, i, j)];
                const long double p = aij * x.d[vat(j, lenx, incx)];
                acc += p;
                mag += fabsl(p);
            }
        const long double yterm = beta == 0 ? 0 : (long double)beta * y0[iy];
        ref[iy] = (long double)alpha * acc + yterm;
        bound[iy] = (lenx + 2) * eps * (fabsl((long double)alpha) * mag + fabsl(yterm));
    }

    const int lda = sa.ld;
    if (api == F77) {
        if (dbl) {
            dgemv_(&trans, &m, &n, &alpha, a.d, &lda, x.d, &incx, &beta, y.d, &incy, 1);
        } else {
            const float fa = (float)alpha, fb = (float)beta;
            sgemv_(&trans, &m, &n, &fa, a.f, &lda, x.f, &incx, &fb, y.f, &incy, 1);
        }
    } else if (dbl) {
        cblas_dgemv((CBLAS_LAYOUT)layout, cblas_trans(trans), m, n, alpha, a.d, lda, x.d, incx,
                    beta, y.d, incy);
    } else {
        cblas_sgemv((CBLAS_LAYOUT)layout, cblas_trans(trans), m, n, (float)alpha, a.f, lda, x.f,
                    incx, (float)beta, y.f, incy);
    }

    /* The reference returns at once when m or n is 0: y keeps its values even when beta != 1
     * and y is not empty (op(A) = A^T with m == 0). */
    check_output(what, dbl, &y, y0, bytes0, mask, ref, bound, beta, alpha == 0,
                 m == 0 || n == 0 || (alpha == 0 && beta == 1));
    buf_free(&a);
    buf_free(&x);
    buf_free(&y);
    free(mask);
    free(ref);
    free(bound);
    free(y0);
    free(bytes0);
}

static void test_gemv(void)
{
    static const char f77_trans[] = "NnTtCc", cblas_trans_chars[] = "NTC";
    static const int incs[][2] = {{1, 1}, {2, -3}, {-1, 2}, {-2, -1}};
    for (int dbl = 0; dbl <= 1; dbl++) {
        for (int i = 0; f77_trans[i]; i++)
            for (size_t s = 0; s < sizeof incs / sizeof incs[0]; s++)
                run_gemv(F77, dbl, COL, f77_trans[i], 37, 29, (int)s % 2 * 3, incs[s][0],
                         incs[s][1], 0.75, -1.25, 0);
        for (int layout = ROW; layout <= COL; layout++)
            for (int i = 0; cblas_trans_chars[i]; i++)
                for (size_t s = 0; s < sizeof incs / sizeof incs[0]; s++)
                    run_gemv(CBLAS, dbl, layout, cblas_trans_chars[i], 37, 29, (int)s % 2 * 2,
                             incs[s][0], incs[s][1], 0.75, -1.25, 0);

        static const int shapes[][2] = {{1, 1}, {1, 50}, {50, 1}, {300, 7}, {7, 300}, {513, 257}};
        for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
            for (int t = 0; t < 2; t++) {
                const char tr = t ? 'T' : 'N';
                const int m = shapes[s][0], n = shapes[s][1];
                run_gemv(F77, dbl, COL, tr, m, n, 1, 1, 1, 1.0, 0.5, 0);
                run_gemv(CBLAS, dbl, COL, tr, m, n, 0, 3, 1, -0.5, 1.0, 0);
                run_gemv(CBLAS, dbl, ROW, tr, m, n, 2, 1, -2, 2.0, 0.0, 0);
            }

        for (int api = F77; api <= CBLAS; api++)
            for (int layout = ROW; layout <= COL; layout++) {
                if (api == F77 && layout == ROW)
                    continue;
                for (int t = 0; t < 2; t++) {
                    const char tr = t ? 'T' : 'N';
                    run_gemv(api, dbl, layout, tr, 41, 23, 1, 1, 1, 1.5, 0.0, NAN_OUT);
                    run_gemv(api, dbl, layout, tr, 41, 23, 0, 2, -1, 1.5, 0.0, NAN_OUT);
                    run_gemv(api, dbl, layout, tr, 41, 23, 0, 1, 1, 0.0, 0.5, NAN_IN);
                    run_gemv(api, dbl, layout, tr, 41, 23, 0, -1, 3, 0.0, 0.0, NAN_IN | NAN_OUT);
                    run_gemv(api, dbl, layout, tr, 41, 23, 2, 1, 1, 0.0, 1.0, NAN_IN);
                    run_gemv(api, dbl, layout, tr, 0, 6, 0, 1, 1, 1.0, 1.0, 0);
                    run_gemv(api, dbl, layout, tr, 6, 0, 0, 1, 1, 1.0, 2.0, 0);
                    run_gemv(api, dbl, layout, tr, 0, 0, 0, 1, 1, 1.0, 0.0, NAN_OUT);
                }
            }
    }
}

/* ---- the shared library ---------------------------------------------------------------- */

typedef void (*dgemm_fn)(const char *, const char *, const int *, const int *, const int *,
                         const double *, const double *, const int *, const double *,
                         const int *, const double *, double *, const int *, size_t, size_t);
typedef void (*sgemm_fn)(const char *, const char *, const int *, const int *, const int *,
                         const float *, const float *, const int *, const float *, const int *,
                         const float *, float *, const int *, size_t, size_t);
typedef void (*dgemv_fn)(const char *, const int *, const int *, const double *, const double *,
                         const int *, const double *, const int *, const double *, double *,
                         const int *, size_t);
typedef void (*sgemv_fn)(const char *, const int *, const int *, const float *, const float *,
                         const int *, const float *, const int *, const float *, float *,
                         const int *, size_t);
typedef void (*cblas_dgemm_fn)(CBLAS_LAYOUT, CBLAS_TRANSPOSE, CBLAS_TRANSPOSE, int, int, int,
                               double, const double *, int, const double *, int, double,
                               double *, int);
typedef void (*cblas_sgemm_fn)(CBLAS_LAYOUT, CBLAS_TRANSPOSE, CBLAS_TRANSPOSE, int, int, int,
                               float, const float *, int, const float *, int, float, float *,
                               int);
typedef void (*cblas_dgemv_fn)(CBLAS_LAYOUT, CBLAS_TRANSPOSE, int, int, double, const double *,
                               int, const double *, int, double, double *, int);
typedef void (*cblas_sgemv_fn)(CBLAS_LAYOUT, CBLAS_TRANSPOSE, int, int, float, const float *,
                               int, const float *, int, float, float *, int);
typedef void (*xerbla_fn)(const char *, const int *, size_t);

/* <build>/tests/test_blas_abi -> <build>/libflopwatt.so */
static void library_path(const char *argv0, char *path, size_t size)
{
    const char *env = getenv("FW_LIB_SO");
    if (env && *env) {
        snprintf(path, size, "%s", env);
        return;
    }
    char dir[2048];
    snprintf(dir, sizeof dir, "%s", argv0);
    char *slash = strrchr(dir, '/');
    if (!slash) {
        snprintf(path, size, "../libflopwatt.so");
        return;
    }
    *slash = '\0';
    slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    else
        snprintf(dir, sizeof dir, ".");
    snprintf(path, size, "%s/libflopwatt.so", dir);
}

/* Binding of an exported symbol, read from the library's dynamic symbol table, and whether
 * it is a function defined in that library (not in one of its dependencies). */
static int symbol_binding(void *handle, const char *name, void **addr)
{
    *addr = dlsym(handle, name);
    if (!*addr)
        return -1;
    Dl_info info;
    const ElfW(Sym) *sym = NULL;
    struct link_map *lm = NULL;
    if (!dladdr1(*addr, &info, (void **)&sym, RTLD_DL_SYMENT) || !sym ||
        dlinfo(handle, RTLD_DI_LINKMAP, &lm) != 0 || !lm)
        return -1;
    if (!info.dli_sname || strcmp(info.dli_sname, name) != 0 ||
        (uintptr_t)info.dli_fbase != (uintptr_t)lm->l_addr || sym->st_shndx == SHN_UNDEF ||
        ELF64_ST_TYPE(sym->st_info) != STT_FUNC)
        return -1;
    return ELF64_ST_BIND(sym->st_info);
}

/* Runs fn with stderr sent to a temporary file; returns what was written there. */
static void capture_stderr(void (*fn)(void *), void *arg, char *out, size_t size)
{
    out[0] = '\0';
    FILE *tmp = tmpfile();
    if (!tmp)
        return;
    fflush(stderr);
    const int saved = dup(2);
    dup2(fileno(tmp), 2);
    fn(arg);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    rewind(tmp);
    const size_t got = fread(out, 1, size - 1, tmp);
    out[got] = '\0';
    fclose(tmp);
}

typedef struct {
    void *handle;
    double c[16];
} so_call;

static void so_dgemm_bad_lda(void *p)
{
    so_call *s = p;
    const int m = 4, n = 2, k = 3, lda = 3, ldb = 3, ldc = 4;
    const double one = 1.0, a[16] = {0}, b[16] = {0};
    ((dgemm_fn)dlsym(s->handle, "dgemm_"))("N", "N", &m, &n, &k, &one, a, &lda, b, &ldb, &one,
                                           s->c, &ldc, 1, 1);
}

static void so_sgemv_bad_trans(void *p)
{
    so_call *s = p;
    const int m = 2, n = 2, lda = 2, inc = 1;
    const float one = 1.0f, a[4] = {0}, x[2] = {0};
    float y[2] = {0};
    ((sgemv_fn)dlsym(s->handle, "sgemv_"))("X", &m, &n, &one, a, &lda, x, &inc, &one, y, &inc, 1);
}

static void so_xerbla_long_name(void *p)
{
    so_call *s = p;
    const int info = 2;
    ((xerbla_fn)dlsym(s->handle, "xerbla_"))("DGEQRT3   ", &info, 10);
}

static void so_cblas_dgemm_row_ldb(void *p)
{
    so_call *s = p;
    const double a[16] = {0}, b[16] = {0};
    ((cblas_dgemm_fn)dlsym(s->handle, "cblas_dgemm"))(CblasRowMajor, CblasNoTrans, CblasNoTrans,
                                                      4, 4, 4, 1.0, a, 3, b, 3, 0.0, s->c, 4);
}

static void so_cblas_dgemv_bad_layout(void *p)
{
    so_call *s = p;
    const double a[4] = {0}, x[2] = {0};
    ((cblas_dgemv_fn)dlsym(s->handle, "cblas_dgemv"))((CBLAS_LAYOUT)7, CblasNoTrans, 2, 2, 1.0, a,
                                                      2, x, 1, 0.0, s->c, 1);
}

static void test_shared_library(const char *argv0)
{
    char path[4096];
    library_path(argv0, path, sizeof path);
    /* Never dlclose()d: threads of the OpenMP pool may still run code of the library. */
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!CHECK(h != NULL, "dlopen(%s): %s (build the lib target, or set FW_LIB_SO)", path,
               dlerror()))
        return;

    static const struct {
        const char *name;
        int bind;
    } exports[] = {{"sgemm_", STB_GLOBAL},       {"dgemm_", STB_GLOBAL},
                   {"sgemv_", STB_GLOBAL},       {"dgemv_", STB_GLOBAL},
                   {"cblas_sgemm", STB_GLOBAL},  {"cblas_dgemm", STB_GLOBAL},
                   {"cblas_sgemv", STB_GLOBAL},  {"cblas_dgemv", STB_GLOBAL},
                   {"xerbla_", STB_WEAK},        {"cblas_xerbla", STB_WEAK}};
    for (size_t i = 0; i < sizeof exports / sizeof exports[0]; i++) {
        void *addr;
        const int bind = symbol_binding(h, exports[i].name, &addr);
        CHECK(bind == exports[i].bind, "%s: %s exported with binding %d, want %s", path,
              exports[i].name, bind, exports[i].bind == STB_WEAK ? "STB_WEAK" : "STB_GLOBAL");
    }

    /* Small products with integer data: every result is exact. */
    const double ad[12] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    const double bd[8] = {1, -1, 2, 0, 3, 1, -2, 2};
    const float af[12] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    const float bf[8] = {1, -1, 2, 0, 3, 1, -2, 2};
    dgemm_fn dgemm = (dgemm_fn)dlsym(h, "dgemm_");
    sgemm_fn sgemm = (sgemm_fn)dlsym(h, "sgemm_");
    dgemv_fn dgemv = (dgemv_fn)dlsym(h, "dgemv_");
    sgemv_fn sgemv = (sgemv_fn)dlsym(h, "sgemv_");
    cblas_dgemm_fn cdgemm = (cblas_dgemm_fn)dlsym(h, "cblas_dgemm");
    cblas_sgemm_fn csgemm = (cblas_sgemm_fn)dlsym(h, "cblas_sgemm");
    cblas_dgemv_fn cdgemv = (cblas_dgemv_fn)dlsym(h, "cblas_dgemv");
    cblas_sgemv_fn csgemv = (cblas_sgemv_fn)dlsym(h, "cblas_sgemv");
    if (!dgemm || !sgemm || !dgemv || !sgemv || !cdgemm || !csgemm || !cdgemv || !csgemv)
        return;

    /* A 3x4 column-major, B 4x2: C = A*B + C. */
    const int m = 3, n = 2, k = 4, ld3 = 3, ld4 = 4, one_i = 1;
    const double c_ab[6] = {11, 13, 15, 13, 17, 21}; /* A*B, column-major 3x2 */
    double cd[6];
    float cf[6];
    const double done = 1.0, dzero = 0.0;
    const float fone = 1.0f, fzero = 0.0f;
    for (int i = 0; i < 6; i++)
        cd[i] = 100.0;
    dgemm("N", "N", &m, &n, &k, &done, ad, &ld3, bd, &ld4, &done, cd, &ld3, 1, 1);
    int ok = 1;
    for (int i = 0; i < 6; i++)
        ok &= cd[i] == c_ab[i] + 100.0;
    CHECK(ok, "shared dgemm_ N N: wrong product");
    for (int i = 0; i < 6; i++)
        cf[i] = 7.0f;
    sgemm("N", "n", &m, &n, &k, &fone, af, &ld3, bf, &ld4, &fzero, cf, &ld3, 1, 1);
    ok = 1;
    for (int i = 0; i < 6; i++)
        ok &= cf[i] == (float)c_ab[i];
    CHECK(ok, "shared sgemm_ N n: wrong product");

    /* Row-major C (3x2) = A (3x4, rows of ad) * B (4x2, rows of bd). */
    const double c_row[6] = {6, 10, 22, 18, 38, 26};
    cdgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, 3, 2, 4, 1.0, ad, 4, bd, 2, 0.0, cd, 2);
    ok = 1;
    for (int i = 0; i < 6; i++)
        ok &= cd[i] == c_row[i];
    CHECK(ok, "shared cblas_dgemm row-major: wrong product");
    csgemm(CblasColMajor, CblasTrans, CblasNoTrans, 3, 2, 4, 1.0f, af, 4, bf, 4, 0.0f, cf, 3);
    /* A 4x3 column-major, so op(A) = A^T has the rows of ad in 4s; B as for dgemm_. */
    const float c_t[6] = {5, 13, 21, 7, 23, 39};
    ok = 1;
    for (int i = 0; i < 6; i++)
        ok &= cf[i] == c_t[i];
    CHECK(ok, "shared cblas_sgemm col-major T N: wrong product");

    /* y = A^T x with A 3x4 column-major, x = (1, -1, 2): y_j = a0j - a1j + 2 a2j. */
    const double xd[3] = {1, -1, 2};
    const float xf[3] = {1, -1, 2};
    double yd[4];
    float yf[4];
    dgemv("T", &m, &k, &done, ad, &ld3, xd, &one_i, &dzero, yd, &one_i, 1);
    CHECK(yd[0] == 5 && yd[1] == 11 && yd[2] == 17 && yd[3] == 23, "shared dgemv_ T: wrong y");
    sgemv("t", &m, &k, &fone, af, &ld3, xf, &one_i, &fzero, yf, &one_i, 1);
    CHECK(yf[0] == 5 && yf[1] == 11 && yf[2] == 17 && yf[3] == 23, "shared sgemv_ t: wrong y");
    /* Row-major 4x3 A (rows of ad in 3s) times x: the same numbers as A^T above. */
    cdgemv(CblasRowMajor, CblasNoTrans, 4, 3, 1.0, ad, 3, xd, 1, 0.0, yd, 1);
    CHECK(yd[0] == 5 && yd[1] == 11 && yd[2] == 17 && yd[3] == 23,
          "shared cblas_dgemv row-major: wrong y");
    csgemv(CblasColMajor, CblasConjTrans, 3, 4, 1.0f, af, 3, xf, 1, 0.0f, yf, 1);
    CHECK(yf[0] == 5 && yf[1] == 11 && yf[2] == 17 && yf[3] == 23,
          "shared cblas_sgemv ConjTrans: wrong y");

    /* The default handlers: reference messages on stderr, nothing computed, no exit. */
    static const struct {
        void (*fn)(void *);
        const char *want;
    } msgs[] = {
        {so_dgemm_bad_lda, " ** On entry to DGEMM  parameter number  8 had an illegal value\n"},
        {so_sgemv_bad_trans, " ** On entry to SGEMV  parameter number  1 had an illegal value\n"},
        {so_xerbla_long_name,
         " ** On entry to DGEQRT3 parameter number  2 had an illegal value\n"},
        {so_cblas_dgemm_row_ldb, "Parameter 11 to routine cblas_dgemm was incorrect\n"},
        {so_cblas_dgemv_bad_layout,
         "Parameter 1 to routine cblas_dgemv was incorrect\nIllegal layout setting, 7\n"},
    };
    for (size_t i = 0; i < sizeof msgs / sizeof msgs[0]; i++) {
        so_call s = {h, {0}};
        for (int j = 0; j < 16; j++)
            s.c[j] = -3.0;
        char out[512];
        capture_stderr(msgs[i].fn, &s, out, sizeof out);
        CHECK(strcmp(out, msgs[i].want) == 0, "default handler printed '%s', want '%s'", out,
              msgs[i].want);
        ok = 1;
        for (int j = 0; j < 16; j++)
            ok &= s.c[j] == -3.0;
        CHECK(ok, "output written by an invalid call (message '%s')", msgs[i].want);
    }
}

int main(int argc, char **argv)
{
    (void)argc;
    fw_test_seed(77);
    test_gemm();
    test_gemv();
    test_shared_library(argv[0]);
    return fw_test_summary();
}
