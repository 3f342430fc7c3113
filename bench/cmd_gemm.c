/* flopwatt gemm / flopwatt gemv: one call of a given shape, timed after warm-up and
 * verified against a reference. */
#include <stdio.h>
#include <string.h>

#include "args.h"
#include "cli.h"
#include "impl.h"
#include "runner.h"

typedef struct {
    int prec, layout, ta, tb; /* choice indices */
    int m, n, k, size;
    double alpha, beta;
    int threads, reps, warmup;
    double min_ms;
    const char *kernel;
} call_opts;

static const fw_trans trans_of[] = {FW_NO_TRANS, FW_TRANS};
static const fw_layout layout_of[] = {FW_COL_MAJOR, FW_ROW_MAJOR};

static int run_one(const char *cmd, call_op op, int argc, char **argv)
{
    call_opts a = {.prec = 1, .m = 0, .n = 0, .k = 0, .alpha = 1, .beta = 0,
                   .threads = fw_default_threads(), .reps = 5, .warmup = 1, .min_ms = 1};
    int defsize = op == CALL_GEMM ? 1024 : 4096;
    const double imax = 2147483647.0;
    opt_spec specs[] = {
        {"prec", OPT_CHOICE, &a.prec, "s|d", 0, 0, "precision: single or double (d)"},
        {"size", OPT_INT, &a.size, NULL, 1, imax, op == CALL_GEMM ? "sets m, n and k at once" : "sets m and n at once"},
        {"m", OPT_INT, &a.m, NULL, 1, imax, "rows of op(A) and C"},
        {"n", OPT_INT, &a.n, NULL, 1, imax, op == CALL_GEMM ? "columns of op(B) and C" : "columns of A"},
        {"k", OPT_INT, &a.k, NULL, 1, imax, "columns of op(A), rows of op(B)"},
        {op == CALL_GEMM ? "transa" : "trans", OPT_CHOICE, &a.ta, "n|t", 0, 0, "transpose A (n)"},
        {"transb", OPT_CHOICE, &a.tb, "n|t", 0, 0, "transpose B (n)"},
        {"layout", OPT_CHOICE, &a.layout, "col|row", 0, 0, "storage order (col)"},
        {"alpha", OPT_DOUBLE, &a.alpha, NULL, -1e30, 1e30, "alpha (1)"},
        {"beta", OPT_DOUBLE, &a.beta, NULL, -1e30, 1e30, "beta (0)"},
        {"threads", OPT_INT, &a.threads, NULL, 1, 4096, "threads (FLOPWATT_NUM_THREADS, OMP_NUM_THREADS or all cores)"},
        {"reps", OPT_INT, &a.reps, NULL, 1, 100000, "timed samples (5)"},
        {"warmup", OPT_INT, &a.warmup, NULL, 0, 1000, "untimed calls first (1)"},
        {"min-time", OPT_DOUBLE, &a.min_ms, NULL, 0, 60000, "milliseconds per sample at least, by batching calls (1)"},
        {"kernel", OPT_STRING, &a.kernel, NULL, 0, 0, "registry kernel to use (see flopwatt kernels)"},
    };
    int nspecs = (int)(sizeof specs / sizeof specs[0]);
    if (op == CALL_GEMV) {
        /* GEMV has no k and no B: drop those options from the table. */
        int kept = 0;
        for (int i = 0; i < nspecs; i++)
            if (strcmp(specs[i].name, "k") != 0 && strcmp(specs[i].name, "transb") != 0)
                specs[kept++] = specs[i];
        nspecs = kept;
    }
    const char *synopsis = op == CALL_GEMM
        ? "gemm [--prec s|d] [--m M --n N --k K | --size S] [--transa n|t] [--transb n|t] "
          "[--layout col|row] [--threads T] [--reps R] [--kernel NAME] ..."
        : "gemv [--prec s|d] [--m M --n N | --size S] [--trans n|t] [--layout col|row] "
          "[--threads T] [--reps R] [--kernel NAME] ...";
    int rc = args_parse(cmd, synopsis, argc, argv, specs, nspecs);
    if (rc)
        return rc > 0 ? EXIT_OK : EXIT_USAGE;

    blas_call c = {.op = op, .prec = a.prec ? FW_F64 : FW_F32, .layout = layout_of[a.layout],
                   .ta = trans_of[a.ta], .tb = trans_of[a.tb], .alpha = a.alpha,
                   .beta = a.beta, .threads = a.threads};
    int base = a.size ? a.size : defsize;
    c.m = a.m ? a.m : base;
    c.n = a.n ? a.n : base;
    c.k = op == CALL_GEMM ? (a.k ? a.k : base) : 1;

    char msg[300];
    impl fw;
    if (impl_flopwatt_init(&fw, a.kernel, msg, sizeof msg) != 0) {
        cli_error(cmd, "%s", msg);
        return EXIT_USAGE;
    }
    run_opts ro;
    run_opts_default(&ro);
    ro.sampler.warmups = a.warmup;
    ro.sampler.min_samples = ro.sampler.max_samples = a.reps;
    ro.sampler.min_total_s = 0;
    ro.sampler.min_batch_s = a.min_ms * 1e-3;

    impl *impls[1] = {&fw};
    impl_result r;
    rc = run_call(&c, impls, 1, &ro, &r, msg, sizeof msg);
    if (rc != 0) {
        cli_error(cmd, "%s", msg);
        fw.close(&fw);
        return rc == -1 ? EXIT_USAGE : EXIT_FAILED;
    }
    char desc[96];
    call_describe(&c, desc, sizeof desc);
    printf("%s  alpha=%g beta=%g  threads=%d  kernel=%s\n", desc, c.alpha, c.beta, c.threads,
           impl_flopwatt_kernel(&c, a.kernel));
    fw.close(&fw);
    impl_result_free(&r, 1);
    if (r.status != RUN_OK) {
        printf("FAILED    %s\n", r.why);
        cli_error(cmd, "%s: %s", desc, r.why);
        return EXIT_FAILED;
    }
    double flops = call_flops(&c), bytes = call_bytes(&c);
    printf("time      median %.6g ms  min %.6g ms  (%d samples x %ld call%s, %d warm-up)\n",
           r.t_median * 1e3, r.t_min * 1e3, r.samples, r.inner, r.inner == 1 ? "" : "s",
           a.warmup);
    printf("GFLOP/s   median %.2f  best %.2f\n", flops / r.t_median * 1e-9,
           flops / r.t_min * 1e-9);
    if (op == CALL_GEMV)
        printf("GB/s      median %.2f  best %.2f\n", bytes / r.t_median * 1e-9,
               bytes / r.t_min * 1e-9);
    char chk[200];
    verify_describe(&r.check, chk, sizeof chk);
    printf("check     %s\n", chk);
    return EXIT_OK;
}

int cmd_gemm(int argc, char **argv) { return run_one("gemm", CALL_GEMM, argc, argv); }
int cmd_gemv(int argc, char **argv) { return run_one("gemv", CALL_GEMV, argc, argv); }
