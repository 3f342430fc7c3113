/* Argument errors of the standard entry points: every invalid argument of sgemm_, dgemm_,
 * sgemv_, dgemv_, cblas_sgemm, cblas_dgemm, cblas_sgemv and cblas_dgemv reaches the error
 * handler once, with the reference number and routine name, and leaves the output arrays
 * byte-for-byte untouched. Valid calls at the edge of the rules must not reach it.
 *
 * The handlers below are strong definitions; the library's are weak, so these replace them
 * (with strong ones in the library this program would not link). */
#include "fw_cblas.h"
#include "testlib.h"

#include <string.h>

static int xerbla_calls, xerbla_info;
static size_t xerbla_len;
static char xerbla_name[16];

void xerbla_(const char *srname, const int *info, size_t srname_len)
{
    xerbla_calls++;
    xerbla_info = *info;
    xerbla_len = srname_len;
    size_t n = srname_len < sizeof xerbla_name - 1 ? srname_len : sizeof xerbla_name - 1;
    memcpy(xerbla_name, srname, n);
    xerbla_name[n] = '\0';
}

static int cx_calls, cx_pos;
static char cx_rout[32], cx_form[64];

void cblas_xerbla(int p, const char *rout, const char *form, ...)
{
    cx_calls++;
    cx_pos = p;
    snprintf(cx_rout, sizeof cx_rout, "%s", rout);
    snprintf(cx_form, sizeof cx_form, "%s", form);
}

static void reset_handlers(void)
{
    xerbla_calls = xerbla_info = 0;
    xerbla_len = 0;
    xerbla_name[0] = '\0';
    cx_calls = cx_pos = 0;
    cx_rout[0] = cx_form[0] = '\0';
}

/* Operands: large enough for every valid case below; the outputs get a byte pattern that no
 * computation would leave behind. */
#define NEL 256
static float sa[NEL], sb[NEL], sc[NEL], sc0[NEL];
static double da[NEL], db[NEL], dc[NEL], dc0[NEL];

static void fill(void)
{
    for (int i = 0; i < NEL; i++) {
        sa[i] = sb[i] = (float)fw_test_uniform();
        da[i] = db[i] = fw_test_uniform();
    }
    memset(sc, 0xA5, sizeof sc);
    memset(dc, 0x5A, sizeof dc);
    memcpy(sc0, sc, sizeof sc);
    memcpy(dc0, dc, sizeof dc);
}

static int outputs_untouched(void)
{
    return memcmp(sc, sc0, sizeof sc) == 0 && memcmp(dc, dc0, sizeof dc) == 0;
}

/* ---- Fortran GEMM ---------------------------------------------------------------------- */

typedef struct {
    const char *what;
    char ta, tb;
    int m, n, k, lda, ldb, ldc;
    int info; /* expected INFO, 0 for a valid call */
} f77_gemm_case;

static const f77_gemm_case f77_gemm_cases[] = {
    {"TRANSA 'X'", 'X', 'N', 2, 2, 2, 2, 2, 2, 1},
    {"TRANSA blank", ' ', 'N', 2, 2, 2, 2, 2, 2, 1},
    {"TRANSA NUL", '\0', 'N', 2, 2, 2, 2, 2, 2, 1},
    {"TRANSB 'R'", 'N', 'R', 2, 2, 2, 2, 2, 2, 2},
    {"TRANSA and M both bad", 'x', 'N', -1, 2, 2, 2, 2, 2, 1},
    {"TRANSB and M both bad", 't', '?', -1, 2, 2, 2, 2, 2, 2},
    {"M < 0", 'N', 'N', -1, 2, 2, 2, 2, 2, 3},
    {"N < 0", 'N', 'N', 2, -1, 2, 2, 2, 2, 4},
    {"K < 0", 'N', 'N', 2, 2, -1, 2, 2, 2, 5},
    {"M, N, K < 0", 'N', 'N', -1, -1, -1, 2, 2, 2, 3},
    {"N, K < 0", 'T', 'T', 2, -3, -1, 2, 2, 2, 4},
    {"K < 0 and LDA bad", 'N', 'N', 3, 3, -1, 1, 1, 1, 5},
    {"LDA < M (N)", 'N', 'N', 4, 2, 3, 3, 3, 4, 8},
    {"LDA < K (T), LDA >= M", 'T', 'N', 2, 2, 5, 4, 5, 2, 8},
    {"LDA < K (c), LDA >= M", 'c', 'N', 2, 2, 5, 4, 5, 2, 8},
    {"same with 'N': valid", 'N', 'N', 2, 2, 5, 4, 5, 2, 0},
    {"LDA = 0, M = 0", 'N', 'N', 0, 2, 2, 0, 2, 1, 8},
    {"LDB < K (N), LDB >= N", 'N', 'N', 2, 2, 4, 2, 3, 2, 10},
    {"LDB < N (t), LDB >= K", 'N', 't', 2, 5, 3, 2, 4, 2, 10},
    {"LDB = 0, K = 0", 'N', 'N', 2, 2, 0, 2, 0, 2, 10},
    {"LDC < M", 'N', 'N', 5, 2, 2, 5, 2, 4, 13},
    {"LDC = 0, M = 0", 'N', 'N', 0, 2, 2, 1, 2, 0, 13},
    {"LDA and LDC bad", 'N', 'N', 4, 2, 2, 3, 2, 3, 8},
    {"LDB and LDC bad", 'N', 'N', 4, 2, 2, 4, 1, 3, 10},
    /* Valid at the edge of the rules: must compute, not report. */
    {"empty with unit LDs", 'N', 'N', 0, 0, 0, 1, 1, 1, 0},
    {"LDA = K < M (T)", 'T', 'N', 5, 2, 3, 3, 3, 5, 0},
    {"LDB = N < K (C)", 'N', 'C', 2, 3, 6, 2, 3, 2, 0},
};

/* What a Fortran call must have reported: nothing for a valid call; otherwise one xerbla_
 * call with INFO and the routine's blank-padded 6-character name, and its output (named out)
 * untouched. */
static void expect_xerbla_report(const char *name, const char *what, int info, const char *out)
{
    CHECK(cx_calls == 0, "%s %s: cblas_xerbla called", name, what);
    if (!info) {
        CHECK(xerbla_calls == 0, "%s %s: valid call reported INFO %d", name, what, xerbla_info);
        return;
    }
    CHECK(xerbla_calls == 1 && xerbla_info == info, "%s %s: %d call(s), INFO %d, expected INFO %d",
          name, what, xerbla_calls, xerbla_info, info);
    CHECK(xerbla_len == 6 && strcmp(xerbla_name, name) == 0,
          "%s %s: routine name '%s' (length %zu)", name, what, xerbla_name, xerbla_len);
    CHECK(outputs_untouched(), "%s %s: %s written on an invalid call", name, what, out);
}

static void test_f77_gemm(void)
{
    for (size_t i = 0; i < sizeof f77_gemm_cases / sizeof f77_gemm_cases[0]; i++) {
        const f77_gemm_case *t = &f77_gemm_cases[i];
        for (int dbl = 0; dbl <= 1; dbl++) {
            fill();
            reset_handlers();
            if (dbl) {
                const double alpha = 1.5, beta = 0.5;
                dgemm_(&t->ta, &t->tb, &t->m, &t->n, &t->k, &alpha, da, &t->lda, db, &t->ldb,
                       &beta, dc, &t->ldc, 1, 1);
            } else {
                const float alpha = 1.5f, beta = 0.5f;
                sgemm_(&t->ta, &t->tb, &t->m, &t->n, &t->k, &alpha, sa, &t->lda, sb, &t->ldb,
                       &beta, sc, &t->ldc, 1, 1);
            }
            const char *name = dbl ? "DGEMM " : "SGEMM ";
            expect_xerbla_report(name, t->what, t->info, "C");
        }
    }
}

/* ---- Fortran GEMV ---------------------------------------------------------------------- */

typedef struct {
    const char *what;
    char trans;
    int m, n, lda, incx, incy;
    int info;
} f77_gemv_case;

static const f77_gemv_case f77_gemv_cases[] = {
    {"TRANS 'X'", 'X', 2, 2, 2, 1, 1, 1},
    {"TRANS 'Y' and M < 0", 'Y', -1, 2, 2, 1, 1, 1},
    {"M < 0", 'N', -1, 2, 2, 1, 1, 2},
    {"N < 0", 't', 2, -1, 2, 1, 1, 3},
    {"M, N < 0", 'c', -1, -1, 2, 1, 1, 2},
    {"LDA < M, LDA >= N", 'N', 5, 2, 4, 1, 1, 6},
    {"LDA < M (T)", 'T', 5, 2, 4, 1, 1, 6},
    {"LDA = 0, M = 0", 'N', 0, 3, 0, 1, 1, 6},
    {"INCX = 0", 'N', 2, 2, 2, 0, 1, 8},
    {"INCY = 0", 'n', 2, 2, 2, 1, 0, 11},
    {"INCX, INCY = 0", 'C', 2, 2, 2, 0, 0, 8},
    {"LDA bad, INCX = 0", 'N', 3, 2, 2, 0, 1, 6},
    {"N < 0, INCY = 0", 'N', 2, -2, 2, 1, 0, 3},
    {"empty, LDA 1", 'T', 0, 0, 1, -1, -1, 0},
    {"LDA = M < N", 'N', 2, 5, 2, 1, 1, 0},
};

static void test_f77_gemv(void)
{
    for (size_t i = 0; i < sizeof f77_gemv_cases / sizeof f77_gemv_cases[0]; i++) {
        const f77_gemv_case *t = &f77_gemv_cases[i];
        for (int dbl = 0; dbl <= 1; dbl++) {
            fill();
            reset_handlers();
            if (dbl) {
                const double alpha = -2.0, beta = 3.0;
                dgemv_(&t->trans, &t->m, &t->n, &alpha, da, &t->lda, db, &t->incx, &beta, dc,
                       &t->incy, 1);
            } else {
                const float alpha = -2.0f, beta = 3.0f;
                sgemv_(&t->trans, &t->m, &t->n, &alpha, sa, &t->lda, sb, &t->incx, &beta, sc,
                       &t->incy, 1);
            }
            const char *name = dbl ? "DGEMV " : "SGEMV ";
            expect_xerbla_report(name, t->what, t->info, "y");
        }
    }
}

/* ---- CBLAS GEMM ------------------------------------------------------------------------ */

enum { ROW = CblasRowMajor, COL = CblasColMajor, NT = CblasNoTrans, TR = CblasTrans,
       CT = CblasConjTrans };

typedef struct {
    const char *what;
    int layout, ta, tb;
    int m, n, k, lda, ldb, ldc;
    int pos; /* expected CBLAS position, 0 for a valid call */
} cblas_gemm_case;

/* Expected numbers: what netlib's reference CBLAS prints (see kernels/cblas_interface.c). */
static const cblas_gemm_case cblas_gemm_cases[] = {
    {"layout 0", 0, NT, NT, 2, 2, 2, 2, 2, 2, 1},
    {"layout 103", 103, NT, NT, 2, 2, 2, 2, 2, 2, 1},
    {"layout and TransA bad", 100, 0, NT, -1, 2, 2, 2, 2, 2, 1},
    {"TransA 110", COL, 110, NT, 2, 2, 2, 2, 2, 2, 2},
    {"TransA 114 (row)", ROW, 114, NT, 2, 2, 2, 2, 2, 2, 2},
    {"TransB 0", COL, NT, 0, 2, 2, 2, 2, 2, 2, 3},
    {"TransB 114 (row)", ROW, TR, 114, 2, 2, 2, 2, 2, 2, 3},
    {"TransA and TransB bad", ROW, 1, 2, 2, 2, 2, 2, 2, 2, 2},
    {"TransB bad and M < 0", COL, NT, 200, -1, 2, 2, 2, 2, 2, 3},
    /* Column-major: the Fortran order. */
    {"col M < 0", COL, NT, NT, -1, 2, 2, 2, 2, 2, 4},
    {"col N < 0", COL, NT, NT, 2, -1, 2, 2, 2, 2, 5},
    {"col K < 0", COL, NT, NT, 2, 2, -1, 2, 2, 2, 6},
    {"col M, N < 0", COL, NT, NT, -1, -1, 2, 2, 2, 2, 4},
    {"col lda < M (N), lda >= K", COL, NT, NT, 4, 2, 3, 3, 3, 4, 9},
    {"col lda < K (T), lda >= M", COL, TR, NT, 2, 2, 5, 4, 5, 2, 9},
    {"col ldb < K (N), ldb >= N", COL, NT, NT, 2, 2, 4, 2, 3, 2, 11},
    {"col ldb < N (C), ldb >= K", COL, NT, CT, 2, 5, 3, 2, 4, 2, 11},
    {"col ldc < M, ldc >= N", COL, NT, NT, 5, 2, 2, 5, 2, 4, 14},
    {"col lda and ldb bad", COL, NT, NT, 4, 4, 4, 3, 3, 4, 9},
    {"col lda = 0, M = 0", COL, NT, NT, 0, 2, 2, 0, 2, 1, 9},
    {"col ldc = 0, M = 0", COL, NT, NT, 0, 2, 2, 1, 2, 0, 14},
    {"col valid, lda = K < M (T)", COL, TR, NT, 5, 2, 3, 3, 3, 5, 0},
    /* Row-major: the reference checks the transposed problem, N before M, ldb before lda. */
    {"row M < 0", ROW, NT, NT, -1, 2, 2, 2, 2, 2, 4},
    {"row N < 0", ROW, NT, NT, 2, -1, 2, 2, 2, 2, 5},
    {"row K < 0", ROW, NT, NT, 2, 2, -1, 2, 2, 2, 6},
    {"row M, N < 0", ROW, NT, NT, -1, -1, 2, 2, 2, 2, 5},
    {"row M, K < 0", ROW, NT, NT, -1, 2, -1, 2, 2, 2, 4},
    {"row lda < K (N), lda >= M", ROW, NT, NT, 2, 2, 5, 3, 2, 2, 9},
    {"row lda < M (T), lda >= K", ROW, TR, NT, 5, 2, 2, 3, 2, 2, 9},
    {"row ldb < N (N), ldb >= K", ROW, NT, NT, 2, 5, 2, 2, 3, 5, 11},
    {"row ldb < K (C), ldb >= N", ROW, NT, CT, 2, 2, 5, 5, 3, 2, 11},
    {"row lda and ldb bad", ROW, NT, NT, 4, 4, 4, 3, 3, 4, 11},
    {"row ldc < N, ldc >= M", ROW, NT, NT, 2, 5, 2, 2, 5, 3, 14},
    {"row lda and ldc bad", ROW, NT, NT, 4, 4, 4, 3, 4, 3, 9},
    {"row ldb = 0, N = 0", ROW, NT, NT, 2, 0, 2, 2, 0, 1, 11},
    /* Valid row-major shapes that column-major rules would reject. */
    {"row valid, ldc = N < M", ROW, NT, NT, 5, 2, 3, 3, 2, 2, 0},
    {"row valid, lda = M < K (T)", ROW, TR, TR, 2, 3, 6, 2, 6, 3, 0},
};

/* What a CBLAS call must have reported: nothing for a valid call; otherwise one cblas_xerbla
 * call with the position, the routine's name and the reference's message (the enum checks
 * carry one; ntrans says how many transpose arguments the routine has), and its output
 * (named out) untouched. */
static void expect_cblas_report(const char *name, const char *what, int pos, int ntrans,
                                const char *out)
{
    CHECK(xerbla_calls == 0, "%s %s: xerbla_ called", name, what);
    if (!pos) {
        CHECK(cx_calls == 0, "%s %s: valid call reported position %d", name, what, cx_pos);
        return;
    }
    CHECK(cx_calls == 1 && cx_pos == pos, "%s %s: %d call(s), position %d, expected %d", name,
          what, cx_calls, cx_pos, pos);
    CHECK(strcmp(cx_rout, name) == 0, "%s %s: routine name '%s'", name, what, cx_rout);
    const char *form = pos == 1                 ? "Illegal layout setting, %d\n"
                       : pos == 2               ? "Illegal TransA setting, %d\n"
                       : pos == 3 && ntrans == 2 ? "Illegal TransB setting, %d\n"
                                                : "";
    CHECK(strcmp(cx_form, form) == 0, "%s %s: message '%s'", name, what, cx_form);
    CHECK(outputs_untouched(), "%s %s: %s written on an invalid call", name, what, out);
}

static void test_cblas_gemm(void)
{
    for (size_t i = 0; i < sizeof cblas_gemm_cases / sizeof cblas_gemm_cases[0]; i++) {
        const cblas_gemm_case *t = &cblas_gemm_cases[i];
        for (int dbl = 0; dbl <= 1; dbl++) {
            fill();
            reset_handlers();
            if (dbl)
                cblas_dgemm((CBLAS_LAYOUT)t->layout, (CBLAS_TRANSPOSE)t->ta,
                            (CBLAS_TRANSPOSE)t->tb, t->m, t->n, t->k, 1.5, da, t->lda, db,
                            t->ldb, 0.5, dc, t->ldc);
            else
                cblas_sgemm((CBLAS_LAYOUT)t->layout, (CBLAS_TRANSPOSE)t->ta,
                            (CBLAS_TRANSPOSE)t->tb, t->m, t->n, t->k, 1.5f, sa, t->lda, sb,
                            t->ldb, 0.5f, sc, t->ldc);
            const char *name = dbl ? "cblas_dgemm" : "cblas_sgemm";
            expect_cblas_report(name, t->what, t->pos, 2, "C");
        }
    }
}

/* ---- CBLAS GEMV ------------------------------------------------------------------------ */

typedef struct {
    const char *what;
    int layout, trans;
    int m, n, lda, incx, incy;
    int pos;
} cblas_gemv_case;

static const cblas_gemv_case cblas_gemv_cases[] = {
    {"layout 0", 0, NT, 2, 2, 2, 1, 1, 1},
    {"layout 7 and trans bad", 7, 5, 2, 2, 2, 1, 1, 1},
    {"trans 110", COL, 110, 2, 2, 2, 1, 1, 2},
    {"trans 114 (row)", ROW, 114, 2, 2, 2, 1, 1, 2},
    {"trans bad and M < 0", COL, -1, -1, 2, 2, 1, 1, 2},
    {"col M < 0", COL, NT, -1, 2, 2, 1, 1, 3},
    {"col N < 0", COL, TR, 2, -1, 2, 1, 1, 4},
    {"col M, N < 0", COL, NT, -1, -1, 2, 1, 1, 3},
    {"col lda < M, lda >= N", COL, NT, 5, 2, 4, 1, 1, 7},
    {"col lda < M (C)", COL, CT, 5, 2, 4, 1, 1, 7},
    {"col lda = 0, M = 0", COL, NT, 0, 2, 0, 1, 1, 7},
    {"col incX = 0", COL, NT, 2, 2, 2, 0, 1, 9},
    {"col incY = 0", COL, TR, 2, 2, 2, 1, 0, 12},
    {"col incX, incY = 0", COL, NT, 2, 2, 2, 0, 0, 9},
    {"col lda bad, incX = 0", COL, NT, 3, 2, 2, 0, 1, 7},
    {"row M < 0", ROW, NT, -1, 2, 2, 1, 1, 3},
    {"row N < 0", ROW, NT, 2, -1, 2, 1, 1, 4},
    {"row M, N < 0", ROW, TR, -1, -1, 2, 1, 1, 4},
    {"row lda < N, lda >= M", ROW, NT, 2, 5, 4, 1, 1, 7},
    {"row lda = 0, N = 0", ROW, TR, 2, 0, 0, 1, 1, 7},
    {"row incX = 0", ROW, NT, 2, 2, 2, 0, 1, 9},
    {"row incY = 0", ROW, CT, 2, 2, 2, -1, 0, 12},
    {"row valid, lda = N < M", ROW, NT, 5, 2, 2, 1, 1, 0},
    {"col valid, lda = M < N", COL, TR, 2, 5, 2, -2, 3, 0},
};

static void test_cblas_gemv(void)
{
    for (size_t i = 0; i < sizeof cblas_gemv_cases / sizeof cblas_gemv_cases[0]; i++) {
        const cblas_gemv_case *t = &cblas_gemv_cases[i];
        for (int dbl = 0; dbl <= 1; dbl++) {
            fill();
            reset_handlers();
            if (dbl)
                cblas_dgemv((CBLAS_LAYOUT)t->layout, (CBLAS_TRANSPOSE)t->trans, t->m, t->n,
                            -2.0, da, t->lda, db, t->incx, 3.0, dc, t->incy);
            else
                cblas_sgemv((CBLAS_LAYOUT)t->layout, (CBLAS_TRANSPOSE)t->trans, t->m, t->n,
                            -2.0f, sa, t->lda, sb, t->incx, 3.0f, sc, t->incy);
            const char *name = dbl ? "cblas_dgemv" : "cblas_sgemv";
            expect_cblas_report(name, t->what, t->pos, 1, "y");
        }
    }
}

int main(void)
{
    fw_test_seed(20240611);
    test_f77_gemm();
    test_f77_gemv();
    test_cblas_gemm();
    test_cblas_gemv();
    return fw_test_summary();
}
