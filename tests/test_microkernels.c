/* Every GEMM microkernel of the registry that this CPU runs, and its direct twin, called
 * directly under their contracts (fw_gemm_ukr_fn and fw_gemm_direct_fn in fw_internal.h):
 * A packed or read in place, B packed or read through strides, C with its own leading
 * dimension and guarded on every side, operands ending where an inaccessible page begins. */
#include "fw_internal.h"
#include "gemm_reference.h"
#include "testlib.h"

#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static const int depths[] = {1, 2, 3, 7, 16, 255, 256, 1000};
static const double alphas[] = {0, 1, -1, 0.7};
static const double betas[] = {0, 1, -1, -1.3};

enum { B_PACKED, B_COLS, B_ROWS, B_MODES };
static const char *const b_mode_name[B_MODES] = {"packed B (rs_b=NR, cs_b=1)",
                                                 "B rs_b=1, cs_b=ld", "B rs_b=ld, cs_b=1"};

/* Untouched C elements outside the result hold this; A and B padding holds NaN, so a kernel
 * that reads a wrong element poisons its result. */
#define GUARD 4242.0

/* The call under way, for the fault handler. */
static char current[320];

static void on_fault(int sig)
{
    static const char head[] = "FAIL tests/test_microkernels.c: fault (access outside an "
                               "operand) in ";
    size_t len = 0;
    while (len < sizeof current && current[len])
        len++;
    /* Only async-signal-safe calls here; a failed write leaves nothing better to do. */
    if (write(STDOUT_FILENO, head, sizeof head - 1) > 0 && write(STDOUT_FILENO, current, len) > 0)
        (void)!write(STDOUT_FILENO, "\n", 1);
    _exit(128 + sig);
}

static void *alloc_aligned(size_t bytes)
{
    void *p = NULL;
    /* Exact sizes, so AddressSanitizer sees any access past the end. */
    if (posix_memalign(&p, 64, bytes ? bytes : 1) != 0)
        abort();
    return p;
}

/* An operand whose last byte is followed by a page without access: reading one element past
 * it faults, in optimised builds as well as under sanitizers (masked loads do not fault). Two
 * arenas, mapped once and reused (the tests hold at most A and B at a time); each operand is
 * placed at the end of the next free arena. */
typedef struct {
    int slot;
} guarded_buf;

#define ARENA_BYTES (8u << 20)
static char *arena_end[2];
static int arenas_in_use;

static void *alloc_guarded(size_t bytes, guarded_buf *g)
{
    if (arenas_in_use >= 2 || bytes > ARENA_BYTES)
        abort();
    g->slot = arenas_in_use++;
    if (!arena_end[g->slot]) {
        const size_t page = (size_t)sysconf(_SC_PAGESIZE);
        char *map = mmap(NULL, ARENA_BYTES + page, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (map == MAP_FAILED || mprotect(map + ARENA_BYTES, page, PROT_NONE) != 0)
            abort();
        arena_end[g->slot] = map + ARENA_BYTES;
    }
    return arena_end[g->slot] - bytes;
}

static void free_guarded(guarded_buf *g)
{
    (void)g;
    arenas_in_use--;
}

static void put(fw_precision prec, void *buf, long idx, double v)
{
    if (prec == FW_F64)
        ((double *)buf)[idx] = v;
    else
        ((float *)buf)[idx] = (float)v;
}

/* B(p, j) at b[p*rs + j*cs] for one of the modes, values from bval[p*NR + j], NaN elsewhere;
 * described to the reference as a stored matrix (B^T column-major for packed and rows). */
static void *make_b(fw_precision prec, int mode, int k, int n, int nr, const double *bval,
                    guarded_buf *g, long *rs, long *cs, int *ldb, fw_trans *tb)
{
    long elems;
    if (mode == B_PACKED) {
        *rs = nr, *cs = 1, *ldb = nr, *tb = FW_TRANS;
        elems = (long)(k - 1) * nr + n;
    } else if (mode == B_COLS) {
        *ldb = k + 3;
        *rs = 1, *cs = *ldb, *tb = FW_NO_TRANS;
        elems = (long)(n - 1) * *ldb + k;
    } else {
        *ldb = n + 5;
        *rs = *ldb, *cs = 1, *tb = FW_TRANS;
        elems = (long)(k - 1) * *ldb + n;
    }
    void *b = alloc_guarded(elems * fw_elem_size(prec), g);
    for (long x = 0; x < elems; x++)
        put(prec, b, x, NAN);
    for (int p = 0; p < k; p++)
        for (int j = 0; j < n; j++)
            put(prec, b, p * *rs + j * *cs, bval[(long)p * nr + j]);
    return b;
}

/* C of the given shape and ldc with guards around it, the call, and the check. */
static void run_one(const fw_kernel *kern, int direct, const ref_gemm_call *g0,
                    const long double *dot, const long double *absdot, long rs_b, long cs_b,
                    const char *mode, int ldc, double alpha, double beta)
{
    const fw_kernel_info *info = &kern->info;
    const fw_precision prec = info->prec;
    const size_t es = fw_elem_size(prec);
    const int m = g0->m, n = g0->n;
    /* ldc == MR: the driver's edge buffer, 64-byte aligned. Otherwise user C, unaligned. */
    const long front = ldc == info->mr ? (long)(64 / es) : 3, back = 16;
    const long elems = front + (long)ldc * n + back;
    void *c = alloc_aligned(elems * es), *before = alloc_aligned(elems * es);
    for (long x = 0; x < elems; x++)
        put(prec, c, x, GUARD);
    static const double specials[3] = {NAN, INFINITY, -INFINITY};
    for (int j = 0; j < n; j++)
        for (int i = 0; i < m; i++) /* beta == 0 must not read C: fill it with NaN and Inf */
            put(prec, c, front + i + (long)j * ldc,
                beta == 0 ? specials[(i + j) % 3] : fw_test_uniform());
    memcpy(before, c, elems * es);

    ref_gemm_call g = *g0;
    g.alpha = ref_gemm_round(prec, alpha);
    g.beta = ref_gemm_round(prec, beta);
    g.ldc = ldc;
    float fa = (float)alpha, fb = (float)beta;
    const void *pa = prec == FW_F64 ? (const void *)&g.alpha : (const void *)&fa;
    const void *pb = prec == FW_F64 ? (const void *)&g.beta : (const void *)&fb;
    char what[240];
    if (direct)
        snprintf(what, sizeof what, "%s_direct: m=%d, n=%d, k=%d, lda=%d, %s, ldc=%d, alpha=%g, "
                 "beta=%g", info->name, m, n, g.k, g.lda, mode, ldc, alpha, beta);
    else
        snprintf(what, sizeof what, "%s: k=%d, %s, ldc=%d, alpha=%g, beta=%g", info->name, g.k,
                 mode, ldc, alpha, beta);
    memcpy(current, what, sizeof what);
    if (direct)
        kern->fn.direct(m, n, g.k, pa, g.a, g.lda, g.b, rs_b, cs_b, pb, (char *)c + front * es,
                        ldc);
    else
        kern->fn.gemm(g.k, pa, g.a, g.b, rs_b, cs_b, pb, (char *)c + front * es, ldc);

    ref_gemm_report r;
    char why[256];
    int ok = ref_gemm_check_products(&g, dot, absdot, before, c, elems, front, &r);
    CHECK(ok, "%s%s: %s", what, beta == 0 ? " (C holds NaN/Inf)" : "",
          ref_gemm_describe(&r, why, sizeof why));
    free(c);
    free(before);
}

/* The full-tile kernel: packed A, every B mode, C with ldc = MR and > MR, all alpha x beta. */
static void test_tile(const fw_kernel *kern)
{
    const fw_kernel_info *info = &kern->info;
    const fw_precision prec = info->prec;
    const size_t es = fw_elem_size(prec);
    const int mr = info->mr, nr = info->nr;
    for (size_t ki = 0; ki < sizeof depths / sizeof depths[0]; ki++) {
        const int k = depths[ki];
        void *a = alloc_aligned((size_t)mr * k * es); /* the contract: 64-byte aligned */
        for (long x = 0; x < (long)mr * k; x++)
            put(prec, a, x, fw_test_uniform());
        double *bval = malloc((size_t)k * nr * sizeof *bval);
        for (long x = 0; x < (long)k * nr; x++)
            bval[x] = fw_test_uniform();

        for (int mode = 0; mode < B_MODES; mode++) {
            guarded_buf gb;
            long rs, cs;
            int ldb;
            fw_trans tb;
            void *b = make_b(prec, mode, k, nr, nr, bval, &gb, &rs, &cs, &ldb, &tb);
            ref_gemm_call g = {.prec = prec, .layout = FW_COL_MAJOR, .ta = FW_NO_TRANS, .tb = tb,
                               .m = mr, .n = nr, .k = k, .alpha = 1, .beta = 0, .a = a,
                               .lda = mr, .b = b, .ldb = ldb, .ldc = mr};
            long double *dot = malloc((size_t)mr * nr * sizeof *dot);
            long double *absdot = malloc((size_t)mr * nr * sizeof *absdot);
            ref_gemm_products(&g, dot, absdot);
            const int ldcs[2] = {mr, mr + 3};
            for (int l = 0; l < 2; l++)
                for (size_t ai = 0; ai < 4; ai++)
                    for (size_t bi = 0; bi < 4; bi++)
                        run_one(kern, 0, &g, dot, absdot, rs, cs, b_mode_name[mode], ldcs[l],
                                alphas[ai], betas[bi]);
            free(dot);
            free(absdot);
            free_guarded(&gb);
        }
        free(bval);
        free(a);
    }
}

static void add_size(int *list, int *count, int v)
{
    if (v < 1)
        return;
    for (int i = 0; i < *count; i++)
        if (list[i] == v)
            return;
    list[(*count)++] = v;
}

/* One direct-twin case: A (m x k, leading dimension lda, NaN in rows >= m, its last column
 * ending at a guard page), B from bval in the given mode, and the reference products. */
typedef struct {
    ref_gemm_call g;
    long double *dot, *absdot;
    void *a, *b; /* the same operands as g's, writable */
    guarded_buf ga, gb;
    long rs, cs, a_el;
} twin_case;

static void twin_case_make(fw_precision prec, int mode, int m, int n, int k, int nr, int lda,
                           const double *bval, twin_case *tc)
{
    tc->a_el = (long)(k - 1) * lda + m;
    void *a = alloc_guarded(tc->a_el * fw_elem_size(prec), &tc->ga);
    for (long x = 0; x < tc->a_el; x++)
        put(prec, a, x, x % lda < m ? fw_test_uniform() : NAN);
    int ldb;
    fw_trans tb;
    void *b = make_b(prec, mode, k, n, nr, bval, &tc->gb, &tc->rs, &tc->cs, &ldb, &tb);
    tc->g = (ref_gemm_call){.prec = prec, .layout = FW_COL_MAJOR, .ta = FW_NO_TRANS, .tb = tb,
                            .m = m, .n = n, .k = k, .alpha = 1, .beta = 0, .a = a, .lda = lda,
                            .b = b, .ldb = ldb, .ldc = m};
    tc->a = a;
    tc->b = b;
    tc->dot = malloc((size_t)m * n * sizeof *tc->dot);
    tc->absdot = malloc((size_t)m * n * sizeof *tc->absdot);
    ref_gemm_products(&tc->g, tc->dot, tc->absdot);
}

static void twin_case_free(twin_case *tc)
{
    free(tc->dot);
    free(tc->absdot);
    free_guarded(&tc->ga);
    free_guarded(&tc->gb);
}

/* The direct twin: every corner m x n of the tile from 1 x 1 to MR x NR's edges, A in place
 * (lda = m, the last column ending at a guard page, or lda > m), B read through strides with
 * nothing past column n - 1, C written only in its m x n corner. All alpha x beta pairs at two
 * depths, four of them (each alpha and each beta once) at the others; alpha == 0 also with A
 * and B all NaN, which must not be read. */
static void test_direct(const fw_kernel *kern)
{
    const fw_kernel_info *info = &kern->info;
    const fw_precision prec = info->prec;
    const int mr = info->mr, nr = info->nr;
    int ms[4], nm = 0, ns[3], nn = 0;
    add_size(ms, &nm, 1);
    add_size(ms, &nm, mr / 2);
    add_size(ms, &nm, mr - 1);
    add_size(ms, &nm, mr);
    add_size(ns, &nn, 1);
    add_size(ns, &nn, nr - 1);
    add_size(ns, &nn, nr);
    unsigned rot = 0;
    for (size_t ki = 0; ki < sizeof depths / sizeof depths[0]; ki++) {
        const int k = depths[ki];
        const int all_pairs = k == 7 || k == 256;
        for (int mi = 0; mi < nm; mi++)
            for (int ni = 0; ni < nn; ni++)
                for (int mode = B_COLS; mode <= B_ROWS; mode++, rot++) {
                    const int m = ms[mi], n = ns[ni];
                    const int lda = rot % 2 ? m : m + 5;
                    double *bval = malloc((size_t)k * nr * sizeof *bval);
                    for (long x = 0; x < (long)k * nr; x++)
                        bval[x] = fw_test_uniform();
                    twin_case tc;
                    twin_case_make(prec, mode, m, n, k, nr, lda, bval, &tc);
                    /* All 16 pairs, or 4 that take each alpha and each beta once. */
                    for (int pair = 0; pair < (all_pairs ? 16 : 4); pair++) {
                        const int ai = all_pairs ? pair / 4 : pair;
                        const int bi = all_pairs ? pair % 4 : (pair + (int)rot) % 4;
                        const int ldc = (pair + (int)rot) % 2 ? m : mr + 3;
                        run_one(kern, 1, &tc.g, tc.dot, tc.absdot, tc.rs, tc.cs,
                                b_mode_name[mode], ldc, alphas[ai], betas[bi]);
                    }
                    if (k == 7) {
                        /* alpha == 0: A and B are not read, so their NaNs must not show. */
                        for (long x = 0; x < tc.a_el; x++)
                            put(prec, tc.a, x, NAN);
                        for (long p = 0; p < k; p++)
                            for (long j = 0; j < n; j++)
                                put(prec, tc.b, p * tc.rs + j * tc.cs, NAN);
                        char nan_mode[64];
                        snprintf(nan_mode, sizeof nan_mode, "%s, A and B all NaN",
                                 b_mode_name[mode]);
                        for (int bi = 0; bi < 4; bi += 3)
                            run_one(kern, 1, &tc.g, tc.dot, tc.absdot, tc.rs, tc.cs,
                                    nan_mode, m + 1, 0, betas[bi]);
                    }
                    free(bval);
                    twin_case_free(&tc);
                }
    }
}

/* ---- direct twin, dense sweep ----
 * Every m in 1..MR and n in 1..NR at depths 1, 2, 7 and 64, so every count of live vectors,
 * every lane mask and every number of clamped columns the twin has is run. One call per shape,
 * rotating through the B modes (packed, columns, rows), the 16 alpha x beta pairs, ldc = m or
 * m + 5, and lda = m (A's last column ends at a guard page) or m + 3 with NaN in rows >= m. */
static void test_direct_dense(const fw_kernel *kern)
{
    static const int dense_depths[] = {1, 2, 7, 64};
    const fw_kernel_info *info = &kern->info;
    const fw_precision prec = info->prec;
    const int mr = info->mr, nr = info->nr;
    unsigned rot = 0;
    for (size_t ki = 0; ki < sizeof dense_depths / sizeof dense_depths[0]; ki++) {
        const int k = dense_depths[ki];
        double *bval = malloc((size_t)k * nr * sizeof *bval);
        for (long x = 0; x < (long)k * nr; x++)
            bval[x] = fw_test_uniform();
        for (int m = 1; m <= mr; m++)
            for (int n = 1; n <= nr; n++, rot++) {
                /* 3 modes x 16 pairs: coprime periods, so 48 shapes in a row take them all. */
                const int mode = (int)(rot % 3), ai = (int)(rot % 4), bi = (int)(rot / 4 % 4);
                const int lda = rot % 7 < 3 ? m : m + 3, ldc = rot % 5 < 2 ? m : m + 5;
                twin_case tc;
                twin_case_make(prec, mode, m, n, k, nr, lda, bval, &tc);
                run_one(kern, 1, &tc.g, tc.dot, tc.absdot, tc.rs, tc.cs, b_mode_name[mode], ldc,
                        alphas[ai], betas[bi]);
                twin_case_free(&tc);
            }
        free(bval);
    }
}

int main(void)
{
    fw_test_seed(0x6d6b65726e656cull);
    signal(SIGSEGV, on_fault);
    signal(SIGBUS, on_fault);
    int covered[2] = {0, 0}, skipped = 0, gemm_entries = 0;
    for (int i = 0; i < fw_kernel_count(); i++) {
        const fw_kernel *kern = fw_kernel_get(i);
        const fw_kernel_info *info = &kern->info;
        if (info->kind != FW_KIND_GEMM)
            continue;
        gemm_entries++;
        if (!fw_kernel_supported(i)) {
            printf("skipped %s: this CPU lacks %s\n", info->name, fw_isa_name(info->isa));
            skipped++;
            continue;
        }
        /* The driver runs edge tiles through a buffer of FW_MAX_TILE elements with ldc = MR. */
        if (!CHECK(info->mr > 0 && info->nr > 0 && (long)info->mr * info->nr <= FW_MAX_TILE &&
                       kern->fn.gemm && kern->fn.direct,
                   "%s: MR x NR = %d x %d must be positive and fit the driver's %d-element tile, "
                   "and both functions must be set",
                   info->name, info->mr, info->nr, FW_MAX_TILE))
            continue;
        int before = fw_test_failed;
        test_tile(kern);
        test_direct(kern);
        test_direct_dense(kern);
        printf("%-28s %s\n", info->name, fw_test_failed == before ? "ok" : "FAILED");
        covered[info->prec == FW_F64]++;
    }
    printf("covered %d GEMM microkernels and their direct twins (f32 %d, f64 %d), skipped %d "
           "unsupported, %d GEMM entries in the registry\n",
           covered[0] + covered[1], covered[0], covered[1], skipped, gemm_entries);
    /* A registry without a kernel this CPU can run must fail, not pass with nothing tested. */
    CHECK(covered[0] > 0, "no supported GEMM microkernel for f32 in the registry");
    CHECK(covered[1] > 0, "no supported GEMM microkernel for f64 in the registry");
    return fw_test_summary();
}
