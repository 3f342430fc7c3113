/* flopwatt compare: flopwatt against OpenBLAS in one run. Every case runs both libraries
 * interleaved on the same operands, the ratio is of the median times, every result is
 * verified, and the ceilings (FMA peak, read bandwidth) are measured in the same run. */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "args.h"
#include "bandwidth.h"
#include "cli.h"
#include "impl.h"
#include "machine.h"
#include "peak_fma.h"
#include "runner.h"
#include "stats.h"
#include "timer.h"

typedef enum { CAT_SQUARE, CAT_SKINNY, CAT_SMALL, CAT_GEMV, NCAT } category;
static const char *cat_names[NCAT] = {"square", "skinny", "small", "gemv"};

typedef struct {
    category cat;
    blas_call call;
    int measured;           /* 0: setup failed, see why */
    char why[256];
    impl_result r[2];       /* 0 flopwatt, 1 OpenBLAS */
    double read_gbs;        /* GEMV: reading an array of the matrix's size, timed
                               interleaved with both libraries (median); NaN if not */
} case_row;

#define MAX_THREADS_LIST 8

typedef struct {
    case_row *rows;
    int n, cap;
} case_list;

#define MAX_SIZES 64

typedef struct {
    int nthreads;
    int threads[MAX_THREADS_LIST];
    peak_fma peak[MAX_THREADS_LIST];
    read_bandwidth bw[MAX_THREADS_LIST]; /* array far larger than any cache */
    int have_bw;
    long llc;
    /* Read bandwidth on arrays the size of each GEMV matrix: the ceiling of that case,
     * whether the matrix stays in a cache or not. */
    int nsized;
    read_bandwidth sized[MAX_SIZES];
} ceilings;

static int thread_slot(const ceilings *ce, int threads)
{
    for (int i = 0; i < ce->nthreads; i++)
        if (ce->threads[i] == threads)
            return i;
    return -1;
}

static int row_ok(const case_row *r)
{
    return r->measured && r->r[0].status == RUN_OK && r->r[1].status == RUN_OK;
}

/* flopwatt's speed over OpenBLAS's: the ratio of the median times. */
static double row_ratio(const case_row *r) { return r->r[1].t_median / r->r[0].t_median; }

static double row_gflops(const case_row *r, int i)
{
    return call_flops(&r->call) / r->r[i].t_median * 1e-9;
}

static double row_pct_peak(const case_row *r, int i, const ceilings *ce)
{
    int s = thread_slot(ce, r->call.threads);
    double peak = s < 0 ? 0 : r->call.prec == FW_F64 ? ce->peak[s].gflops_f64 : ce->peak[s].gflops_f32;
    return peak > 0 ? 100 * row_gflops(r, i) / peak : NAN;
}

static double row_gbs(const case_row *r, int i)
{
    return call_bytes(&r->call) / r->r[i].t_median * 1e-9;
}

static size_t matrix_bytes(const blas_call *c)
{
    return (size_t)c->m * (size_t)c->n * call_elem_size(c);
}

static const read_bandwidth *sized_bw(const ceilings *ce, size_t bytes, int threads)
{
    for (int i = 0; i < ce->nsized; i++)
        if (ce->sized[i].bytes == bytes && ce->sized[i].threads == threads)
            return &ce->sized[i];
    return NULL;
}

/* flopwatt's GB/s against reading an array of the matrix's size on as many threads, both
 * medians of the same interleaved run. */
static double row_pct_bw(const case_row *r, int i)
{
    return r->read_gbs > 0 ? 100 * row_gbs(r, i) / r->read_gbs : NAN;
}

/* Out of cache: reading the matrix's size is no faster than reading an array far larger
 * than any cache (within 50%: a cached working set reads two to three times faster),
 * i.e. the matrix streams from memory on every call. */
static int out_of_cache(const case_row *r, const ceilings *ce)
{
    int s = thread_slot(ce, r->call.threads);
    const read_bandwidth *b = sized_bw(ce, matrix_bytes(&r->call), r->call.threads);
    if (b && s >= 0 && ce->have_bw)
        return b->gbs_best <= 1.5 * ce->bw[s].gbs_best;
    double llc = ce->llc > 0 ? (double)ce->llc : 32.0 * (1 << 20);
    return (double)matrix_bytes(&r->call) >= 4 * llc;
}

/* Read bandwidth of an array far larger than any cache and of arrays the size of each GEMV
 * matrix, per thread count, in alternating passes: load from other work on the machine
 * then weighs on every figure alike, which the in/out-of-cache split relies on. */
static int measure_bandwidths(ceilings *ce, const case_list *l, int rounds)
{
    int rc = 0;
    for (int s = 0; s < ce->nthreads; s++) {
        int t = ce->threads[s];
        size_t sizes[MAX_SIZES];
        int ns = 0;
        for (int i = 0; i < l->n; i++) {
            size_t bytes = matrix_bytes(&l->rows[i].call);
            int dup = l->rows[i].cat != CAT_GEMV || l->rows[i].call.threads != t;
            for (int j = 0; j < ns && !dup; j++)
                dup = sizes[j] == bytes;
            if (!dup && ns < MAX_SIZES && ce->nsized + ns < MAX_SIZES)
                sizes[ns++] = bytes;
        }
        bw_array *big = bandwidth_array_new(bandwidth_default_bytes(ce->llc), t);
        bw_array *arr[MAX_SIZES] = {0};
        double best[MAX_SIZES + 1], *big_times = calloc((size_t)rounds, sizeof(double));
        int ok = big && big_times;
        for (int j = 0; j < ns && ok; j++)
            ok = (arr[j] = bandwidth_array_new(sizes[j], t)) != NULL;
        for (int j = 0; j <= ns; j++)
            best[j] = INFINITY;
        /* Round -1 is untimed: it wakes the cores and settles the pages. */
        for (int r = -1; r < rounds && ok; r++) {
            double tb = bandwidth_array_pass(big);
            ok = tb >= 0;
            if (r >= 0 && ok)
                big_times[r] = tb;
            for (int j = 0; j < ns && ok; j++) {
                /* Several passes over small arrays, so each round reads at least 64 MiB. */
                size_t reps = ((size_t)64 << 20) / sizes[j];
                reps = reps < 1 ? 1 : reps > 64 ? 64 : reps;
                for (size_t k = 0; k < reps && ok; k++) {
                    double tj = bandwidth_array_pass(arr[j]);
                    ok = tj >= 0;
                    if (r >= 0 && tj < best[j])
                        best[j] = tj;
                }
            }
        }
        if (ok) {
            read_bandwidth *b = &ce->bw[s];
            b->threads = t;
            b->bytes = bandwidth_array_bytes(big);
            b->passes = rounds;
            b->gbs_best = (double)b->bytes / stats_min(big_times, rounds) * 1e-9;
            b->gbs_median = (double)b->bytes / stats_median(big_times, rounds) * 1e-9;
            for (int j = 0; j < ns; j++) {
                read_bandwidth *z = &ce->sized[ce->nsized++];
                z->threads = t;
                z->bytes = sizes[j];
                z->passes = rounds;
                z->gbs_best = (double)sizes[j] / best[j] * 1e-9;
                z->gbs_median = NAN;
            }
        } else {
            rc = -1;
        }
        for (int j = 0; j < ns; j++)
            bandwidth_array_free(arr[j]);
        bandwidth_array_free(big);
        free(big_times);
    }
    return rc;
}

static int add_case(case_list *l, category cat, call_op op, fw_precision prec, fw_trans ta,
                    int m, int n, int k, int threads)
{
    if (l->n == l->cap) {
        int cap = l->cap ? 2 * l->cap : 64;
        case_row *p = realloc(l->rows, (size_t)cap * sizeof *p);
        if (!p)
            return -1;
        l->rows = p;
        l->cap = cap;
    }
    case_row *r = &l->rows[l->n++];
    memset(r, 0, sizeof *r);
    r->cat = cat;
    r->call = (blas_call){.op = op, .prec = prec, .layout = FW_COL_MAJOR, .ta = ta,
                          .tb = FW_NO_TRANS, .m = m, .n = n, .k = k, .alpha = 1, .beta = 0,
                          .threads = threads};
    return 0;
}

static int build_cases(case_list *l, const int *only, int quick, const int *threads, int nt)
{
    static const int square_full[] = {1024, 2048, 4096}, square_quick[] = {1024};
    static const int skinny[][3] = {{4096, 4096, 16}, {16, 4096, 4096}, {4096, 16, 4096}, {5000, 64, 64}};
    static const int small_full[] = {8, 16, 24, 32, 48, 64}, small_quick[] = {8, 32, 64};
    static const int gemv_full[] = {512, 1024, 2048, 4096, 8192}, gemv_quick[] = {1024, 8192};
    static const fw_precision precs[] = {FW_F32, FW_F64};
    int rc = 0;
    for (int t = 0; t < nt; t++) {
        int th = threads[t];
        for (int p = 0; p < 2; p++) {
            fw_precision pr = precs[p];
            if (only[CAT_SQUARE]) {
                const int *sz = quick ? square_quick : square_full;
                int ns = quick ? 1 : 3;
                for (int i = 0; i < ns; i++)
                    rc |= add_case(l, CAT_SQUARE, CALL_GEMM, pr, FW_NO_TRANS, sz[i], sz[i], sz[i], th);
            }
            if (only[CAT_SKINNY])
                for (int i = 0; i < 4; i++)
                    rc |= add_case(l, CAT_SKINNY, CALL_GEMM, pr, FW_NO_TRANS, skinny[i][0],
                                   skinny[i][1], skinny[i][2], th);
            if (only[CAT_SMALL]) {
                const int *sz = quick ? small_quick : small_full;
                int ns = quick ? 3 : 6;
                for (int i = 0; i < ns; i++)
                    rc |= add_case(l, CAT_SMALL, CALL_GEMM, pr, FW_NO_TRANS, sz[i], sz[i], sz[i], th);
            }
            if (only[CAT_GEMV]) {
                const int *sz = quick ? gemv_quick : gemv_full;
                int ns = quick ? 2 : 5;
                for (int i = 0; i < ns; i++)
                    for (int tr = 0; tr < 2; tr++)
                        rc |= add_case(l, CAT_GEMV, CALL_GEMV, pr, tr ? FW_TRANS : FW_NO_TRANS,
                                       sz[i], sz[i], 1, th);
            }
        }
    }
    return rc;
}

/* ---- timing policy per category ---- */

static int read_pass(void *arg) { return bandwidth_array_pass(arg) < 0 ? -1 : 0; }

static void opts_for(const case_row *r, int quick, run_opts *o)
{
    run_opts_default(o);
    sampler_opts *s = &o->sampler;
    s->min_batch_s = 1e-3; /* a sample of >= 1 ms: far above the clock's resolution */
    switch (r->cat) {
    case CAT_SQUARE:
        /* Large calls take seconds: few samples, but at least 3 of each. */
        s->warmups = 1;
        s->min_samples = quick ? 3 : 5;
        s->max_samples = 20;
        s->min_total_s = quick ? 0.3 : 1.0;
        break;
    default:
        /* Samples of ~1 ms are cheap: many of them make the median robust against the
         * scheduler's interruptions. */
        s->warmups = 2;
        s->min_samples = quick ? 7 : 15;
        s->max_samples = 60;
        s->min_total_s = quick ? 0.05 : 0.2;
        break;
    }
    /* A GEMV sample follows the other library's or the read of an array of the matrix's
     * size, which evicts part of a matrix that fits in the last-level cache: one untimed
     * call first gives every task the same start, whichever task it follows. */
    s->prime = r->cat == CAT_GEMV;
    /* Between the two libraries, give the other's worker threads time to stop spinning
     * and go to sleep, so neither runs with a core taken by the other's idle team. */
    s->gap_s = r->call.threads > 1 ? 0.02 : 0;
    o->verify_random = 200;
}

/* ---- output ---- */

static void fmt_num(char *buf, size_t len, double v, int decimals)
{
    if (isnan(v))
        snprintf(buf, len, "-");
    else
        snprintf(buf, len, "%.*f", decimals, v);
}

static void row_result(const case_row *r, char *buf, size_t len)
{
    if (!r->measured)
        snprintf(buf, len, "FAILED: %s", r->why);
    else if (r->r[0].status != RUN_OK)
        snprintf(buf, len, "FAILED: flopwatt: %s", r->r[0].why);
    else if (r->r[1].status != RUN_OK)
        snprintf(buf, len, "FAILED: OpenBLAS: %s", r->r[1].why);
    else
        snprintf(buf, len, "ok");
}

static void print_gemm_table(const case_list *l, category cat, const ceilings *ce)
{
    int any = 0;
    for (int i = 0; i < l->n; i++)
        any |= l->rows[i].cat == cat;
    if (!any)
        return;
    printf("\n### %s GEMM (column-major, no transposes, alpha=1, beta=0)\n\n", cat == CAT_SQUARE ? "Square" : cat == CAT_SKINNY ? "Skinny" : "Small");
    printf("| prec | m x n x k | threads | flopwatt GFLOP/s | OpenBLAS GFLOP/s | ratio | flopwatt %% of peak | OpenBLAS %% of peak | calls/sample | samples | check |\n");
    printf("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
    for (int i = 0; i < l->n; i++) {
        const case_row *r = &l->rows[i];
        if (r->cat != cat)
            continue;
        char res[400], a[32] = "-", b[32] = "-", ra[32] = "-", pa[32] = "-", pb[32] = "-";
        row_result(r, res, sizeof res);
        int dec = cat == CAT_SMALL ? 2 : 1;
        if (row_ok(r)) {
            fmt_num(a, sizeof a, row_gflops(r, 0), dec);
            fmt_num(b, sizeof b, row_gflops(r, 1), dec);
            snprintf(ra, sizeof ra, "%.2fx", row_ratio(r));
            fmt_num(pa, sizeof pa, row_pct_peak(r, 0, ce), 1);
            fmt_num(pb, sizeof pb, row_pct_peak(r, 1, ce), 1);
        }
        printf("| %c | %dx%dx%d | %d | %s | %s | %s | %s | %s | %ld | %d | %s |\n",
               r->call.prec == FW_F64 ? 'd' : 's', r->call.m, r->call.n, r->call.k,
               r->call.threads, a, b, ra, pa, pb, r->r[0].inner, r->r[0].samples, res);
    }
}

static void print_gemv_table(const case_list *l, const ceilings *ce)
{
    int any = 0;
    for (int i = 0; i < l->n; i++)
        any |= l->rows[i].cat == CAT_GEMV;
    if (!any)
        return;
    printf("\n### GEMV (column-major, alpha=1, beta=0)\n\n");
    printf("| prec | trans | m x n | threads | flopwatt GFLOP/s | OpenBLAS GFLOP/s | ratio | flopwatt GB/s | OpenBLAS GB/s | read BW, same size GB/s | flopwatt %% of it | matrix | check |\n");
    printf("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|\n");
    for (int i = 0; i < l->n; i++) {
        const case_row *r = &l->rows[i];
        if (r->cat != CAT_GEMV)
            continue;
        char res[400], a[32] = "-", b[32] = "-", ra[32] = "-", ga[32] = "-", gb[32] = "-",
             pa[32] = "-", sb[32] = "-";
        row_result(r, res, sizeof res);
        int ooc = out_of_cache(r, ce);
        fmt_num(sb, sizeof sb, r->read_gbs, 1);
        if (row_ok(r)) {
            fmt_num(a, sizeof a, row_gflops(r, 0), 2);
            fmt_num(b, sizeof b, row_gflops(r, 1), 2);
            snprintf(ra, sizeof ra, "%.2fx", row_ratio(r));
            fmt_num(ga, sizeof ga, row_gbs(r, 0), 1);
            fmt_num(gb, sizeof gb, row_gbs(r, 1), 1);
            fmt_num(pa, sizeof pa, row_pct_bw(r, 0), 1);
        }
        printf("| %c | %s | %dx%d | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
               r->call.prec == FW_F64 ? 'd' : 's', trans_name(r->call.ta), r->call.m,
               r->call.n, r->call.threads, a, b, ra, ga, gb, sb, pa,
               ooc ? "out of cache" : "in cache", res);
    }
}

typedef struct {
    const char *name;
    double threshold;
    const char *unit;
    int n, wrong;     /* cases counted, cases with a wrong or failed result */
    double value;     /* the figure compared with the threshold */
    int pass;
} target;

/* kind 0: every ratio >= threshold (value = min ratio); 1: geomean of ratios;
 * 2: every % of peak; 3: every % of read bandwidth. */
static void eval_target(target *t, const case_list *l, const ceilings *ce, category cat,
                        int kind, int only_threads, int only_ooc)
{
    double vals[1024];
    t->n = t->wrong = 0;
    for (int i = 0; i < l->n; i++) {
        const case_row *r = &l->rows[i];
        if (r->cat != cat || (only_threads && r->call.threads != only_threads) ||
            (only_ooc && !out_of_cache(r, ce)))
            continue;
        if (!row_ok(r)) {
            t->wrong++;
            continue;
        }
        if (t->n >= 1024)
            continue;
        vals[t->n++] = kind == 2 ? row_pct_peak(r, 0, ce)
                       : kind == 3 ? row_pct_bw(r, 0)
                                   : row_ratio(r);
    }
    t->value = t->n == 0 ? NAN : kind == 1 ? stats_geomean(vals, t->n) : stats_min(vals, t->n);
    t->pass = t->n > 0 && t->wrong == 0 && t->value >= t->threshold;
}

static int print_targets(const case_list *l, const ceilings *ce, const int *only)
{
    target t[6] = {
        {"square GEMM: flopwatt / OpenBLAS, every case", 1.0, "x", 0, 0, 0, 0},
        {"square GEMM on 1 thread: % of the FMA peak, every case", 90, "%", 0, 0, 0, 0},
        {"skinny GEMM: geometric mean of the ratios", 1.3, "x", 0, 0, 0, 0},
        {"small GEMM: flopwatt / OpenBLAS, every case", 0.9, "x", 0, 0, 0, 0},
        {"GEMV: flopwatt / OpenBLAS, every case", 1.0, "x", 0, 0, 0, 0},
        {"GEMV out of cache: % of the read bandwidth, every case", 85, "%", 0, 0, 0, 0},
    };
    eval_target(&t[0], l, ce, CAT_SQUARE, 0, 0, 0);
    eval_target(&t[1], l, ce, CAT_SQUARE, 2, 1, 0);
    eval_target(&t[2], l, ce, CAT_SKINNY, 1, 0, 0);
    eval_target(&t[3], l, ce, CAT_SMALL, 0, 0, 0);
    eval_target(&t[4], l, ce, CAT_GEMV, 0, 0, 0);
    eval_target(&t[5], l, ce, CAT_GEMV, 3, 0, 1);
    static const category of[6] = {CAT_SQUARE, CAT_SQUARE, CAT_SKINNY, CAT_SMALL, CAT_GEMV, CAT_GEMV};
    int missed = 0;
    printf("\n### Targets\n\n| target | threshold | measured | cases | verdict |\n|---|---:|---:|---:|---|\n");
    for (int i = 0; i < 6; i++) {
        if (!only[of[i]])
            continue;
        char val[48], thr[32], cases[48];
        const char *what = i == 2 ? "geomean " : t[i].n ? "worst " : "";
        if (isnan(t[i].value))
            snprintf(val, sizeof val, "-");
        else
            snprintf(val, sizeof val, "%s%.*f%s", what, t[i].unit[0] == 'x' ? 2 : 1,
                     t[i].value, t[i].unit);
        snprintf(thr, sizeof thr, ">= %.*f%s", t[i].unit[0] == 'x' ? 1 : 0, t[i].threshold,
                 t[i].unit);
        if (t[i].wrong)
            snprintf(cases, sizeof cases, "%d (+%d FAILED)", t[i].n, t[i].wrong);
        else
            snprintf(cases, sizeof cases, "%d", t[i].n);
        const char *verdict = t[i].n == 0 && !t[i].wrong ? "n/a" : t[i].pass ? "PASS" : "FAIL";
        printf("| %s | %s | %s | %s | %s |\n", t[i].name, thr, val, cases, verdict);
        missed += !t[i].pass && (t[i].n || t[i].wrong);
    }
    return missed;
}

/* The 1-minute load average: other work on the machine makes every figure noisier. */
static double load_average(void)
{
    double l = NAN;
    FILE *f = fopen("/proc/loadavg", "r");
    if (f) {
        if (fscanf(f, "%lf", &l) != 1)
            l = NAN;
        fclose(f);
    }
    return l;
}

static void cpu_model(char *buf, size_t len)
{
    snprintf(buf, len, "unknown CPU");
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f)
        return;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        char *colon = strchr(line, ':');
        if (colon && strncmp(line, "model name", 10) == 0) {
            colon += 2;
            colon[strcspn(colon, "\n")] = '\0';
            snprintf(buf, len, "%s", colon);
            break;
        }
    }
    fclose(f);
}

static void print_header(const impl *fw, const impl *ob, const ceilings *ce, int quick,
                         double load_start, double load_end)
{
    char cpu[200], date[64];
    time_t now = time(NULL);
    strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", gmtime(&now));
    cpu_model(cpu, sizeof cpu);
    printf("## flopwatt vs OpenBLAS%s\n\n", quick ? " (quick subset)" : "");
    printf("- date: %s; CPU: %s; last-level cache seen by the library: %ld KiB\n", date, cpu,
           ce->llc / 1024);
    printf("- %s (ISA path %s); %s\n", fw->detail, fw_isa_name(fw_active_isa()),
           ob->detail ? ob->detail : "OpenBLAS");
    printf("- load average (1 min) at start %.2f, at end %.2f, on %d CPUs: other work on the "
           "machine adds noise to every figure\n", load_start, load_end, omp_get_num_procs());
    printf("- method: both libraries called as an application calls them (flopwatt's fw_*gemm / "
           "fw_*gemv after fw_set_num_threads, OpenBLAS's cblas_* after "
           "openblas_set_num_threads), on the same operands, interleaved sample by sample "
           "(samples of >= 1 ms, batching calls; with 2+ threads a 20 ms pause before each "
           "sample lets the other library's idle workers sleep); ratio = OpenBLAS median time "
           "/ flopwatt median time (> 1: flopwatt faster); every result verified against an "
           "extended-precision reference on sampled entries and against the other library on "
           "all entries\n");
    printf("- ceilings measured in this run: %% of peak is against the FMA peak below at the "
           "same thread count; a GEMV matrix is out of cache when reading an array of its size "
           "is within 50%% of the read bandwidth below, and its %% of read bandwidth is against "
           "reading an array of its own size, timed interleaved with the two libraries\n");
    printf("\n| threads | FMA peak FP32 GFLOP/s | FMA peak FP64 GFLOP/s (%s) | read bandwidth GB/s |\n|---:|---:|---:|---:|\n",
           ce->peak[0].isa);
    for (int i = 0; i < ce->nthreads; i++) {
        char bw[32] = "-";
        if (ce->have_bw)
            snprintf(bw, sizeof bw, "%.1f", ce->bw[i].gbs_best);
        printf("| %d | %.1f | %.1f | %s |\n", ce->threads[i], ce->peak[i].gflops_f32,
               ce->peak[i].gflops_f64, bw);
    }
}

/* ---- the command ---- */

static int parse_only(const char *spec, int *only)
{
    if (!spec) {
        for (int c = 0; c < NCAT; c++)
            only[c] = 1;
        return 0;
    }
    for (int c = 0; c < NCAT; c++)
        only[c] = 0;
    const char *p = spec;
    for (;;) {
        size_t len = strcspn(p, ",");
        int found = 0;
        for (int c = 0; c < NCAT; c++)
            if (strlen(cat_names[c]) == len && strncmp(p, cat_names[c], len) == 0)
                only[c] = found = 1;
        if (!found)
            return -1;
        if (!p[len])
            return 0;
        p += len + 1;
    }
}

int cmd_compare(int argc, char **argv)
{
    int quick = 0, strict = 0;
    const char *threads_spec = NULL, *lib = "libopenblas.so.0", *only_spec = NULL;
    opt_spec specs[] = {
        {"quick", OPT_FLAG, &quick, NULL, 0, 0, "a subset that runs in about a minute (also QUICK=1)"},
        {"threads", OPT_STRING, &threads_spec, NULL, 0, 0, "thread counts, comma-separated (1,<all cores>)"},
        {"only", OPT_STRING, &only_spec, NULL, 0, 0, "categories: square,skinny,small,gemv (all)"},
        {"lib", OPT_STRING, &lib, NULL, 0, 0, "OpenBLAS library to dlopen (libopenblas.so.0)"},
        {"strict", OPT_FLAG, &strict, NULL, 0, 0, "exit 1 when a target is missed, not only on a wrong result"},
    };
    int rc = args_parse("compare", "compare [--quick] [--threads LIST] [--only CATS] [--lib PATH] [--strict]",
                        argc, argv, specs, (int)(sizeof specs / sizeof specs[0]));
    if (rc)
        return rc > 0 ? EXIT_OK : EXIT_USAGE;
    const char *qenv = getenv("QUICK");
    if (qenv && *qenv && strcmp(qenv, "0") != 0)
        quick = 1;
    int only[NCAT];
    if (parse_only(only_spec, only) != 0) {
        cli_error("compare", "--only: '%s' is not a list of square,skinny,small,gemv", only_spec);
        return EXIT_USAGE;
    }
    ceilings ce;
    memset(&ce, 0, sizeof ce);
    ce.nthreads = machine_thread_list(threads_spec, ce.threads, MAX_THREADS_LIST);
    if (ce.nthreads < 0) {
        cli_error("compare", "--threads: '%s' is not a list of thread counts like 1,2", threads_spec);
        return EXIT_USAGE;
    }
    ce.llc = machine_llc_bytes();

    char msg[300];
    impl fw, ob;
    if (impl_flopwatt_init(&fw, NULL, msg, sizeof msg) != 0) {
        cli_error("compare", "%s", msg);
        return EXIT_FAILED;
    }
    /* OpenBLAS workers spin for 2^28 cycles (~0.1 s) after each call by default, which
     * would take a core from the flopwatt call that follows; 2^20 (~0.3 ms) still covers the
     * gap between back-to-back calls. A value set by the user is kept. */
    setenv("OPENBLAS_THREAD_TIMEOUT", "20", 0);
    if (impl_peer_init(&ob, "openblas", lib, msg, sizeof msg) != 0) {
        cli_error("compare", "%s", msg);
        fw.close(&fw);
        return EXIT_FAILED;
    }

    double t_start = timer_now(), load_start = load_average();
    if (load_start > 0.25 * omp_get_num_procs())
        fprintf(stderr, "note: load average %.2f on %d CPUs: the machine is busy, figures will be noisy\n",
                load_start, omp_get_num_procs());
    int status = EXIT_OK;
    fprintf(stderr, "measuring ceilings...\n");
    for (int i = 0; i < ce.nthreads; i++) {
        if (peak_fma_measure(ce.threads[i], 100, 0.004, &ce.peak[i]) != 0) {
            cli_error("compare", "FMA peak measurement failed its check");
            status = EXIT_FAILED;
        }
    }

    case_list l = {0};
    if (build_cases(&l, only, quick, ce.threads, ce.nthreads) != 0) {
        cli_error("compare", "out of memory");
        free(l.rows);
        fw.close(&fw);
        ob.close(&ob);
        return EXIT_FAILED;
    }
    if (only[CAT_GEMV]) {
        ce.have_bw = measure_bandwidths(&ce, &l, 10) == 0;
        if (!ce.have_bw) {
            cli_error("compare", "read bandwidth measurement failed");
            status = EXIT_FAILED;
        }
    }
    impl *impls[2] = {&fw, &ob};
    for (int i = 0; i < l.n; i++) {
        case_row *r = &l.rows[i];
        run_opts o;
        opts_for(r, quick, &o);
        /* GEMV: the read of an array of the matrix's size runs as a third task, so its rate
         * is measured under the same conditions as the two libraries. */
        bw_array *arr = NULL;
        sampler_task read_task = {.run = read_pass, .inner = 1};
        r->read_gbs = NAN;
        if (r->cat == CAT_GEMV && (arr = bandwidth_array_new(matrix_bytes(&r->call), r->call.threads))) {
            read_task.arg = arr;
            o.companion = &read_task;
        }
        char desc[96];
        call_describe(&r->call, desc, sizeof desc);
        fprintf(stderr, "[%d/%d] %-32s threads=%d ", i + 1, l.n, desc, r->call.threads);
        fflush(stderr);
        if (run_call(&r->call, impls, 2, &o, r->r, r->why, sizeof r->why) != 0) {
            bandwidth_array_free(arr);
            r->measured = 0;
            fprintf(stderr, "FAILED: %s\n", r->why);
            continue;
        }
        r->measured = 1;
        impl_result_free(r->r, 2);
        if (arr) {
            r->read_gbs = (double)bandwidth_array_bytes(arr) / o.companion_median * 1e-9;
            bandwidth_array_free(arr);
        }
        if (row_ok(r)) {
            fprintf(stderr, "%.2fx (%.1f vs %.1f GFLOP/s)\n", row_ratio(r), row_gflops(r, 0),
                    row_gflops(r, 1));
        } else {
            char res[400];
            row_result(r, res, sizeof res);
            fprintf(stderr, "%s\n", res);
        }
    }

    print_header(&fw, &ob, &ce, quick, load_start, load_average());
    print_gemm_table(&l, CAT_SQUARE, &ce);
    print_gemm_table(&l, CAT_SKINNY, &ce);
    print_gemm_table(&l, CAT_SMALL, &ce);
    print_gemv_table(&l, &ce);
    int missed = print_targets(&l, &ce, only);
    int wrong = 0;
    for (int i = 0; i < l.n; i++)
        wrong += !row_ok(&l.rows[i]);
    printf("\n%d cases, %d FAILED, %d target%s missed; %.0f s\n", l.n, wrong, missed,
           missed == 1 ? "" : "s", timer_now() - t_start);
    if (wrong || (strict && missed))
        status = EXIT_FAILED;
    free(l.rows);
    fw.close(&fw);
    ob.close(&ob);
    return status;
}
